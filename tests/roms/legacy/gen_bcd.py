#!/usr/bin/env python3
"""Generate the test records for bcd.asm from the Intel SDM definitions.

Each function below transcribes the "Operation" pseudo-code of the current
Intel SDM (Vol. 2) for DAA, DAS, AAA, AAS, AAM and AAD.  The expected values
in the ROM come only from here, never from running a CPU or an emulator.

    gen_bcd.py OUTPUT.inc

The output is a nasm include with two parts, selected by the includer:
  BCD_PART_CODE  one BCD_GROUP invocation per instruction form
  BCD_PART_DATA  the record tables
A record is 6 bytes: input AX (word), input FLAGS low byte, expected AX
(word), expected FLAGS low byte.  Every defined flag of these instructions
lives in the low byte of FLAGS; OF, the only one above it, is undefined for
all six, so the high byte is never compared.
"""

import sys

CF, PF, AF, ZF, SF = 0x01, 0x04, 0x10, 0x40, 0x80

# Flags each instruction defines; the rest are "undefined" in the SDM and
# are masked out of the comparison.
MASK_DAA = CF | PF | AF | ZF | SF       # OF undefined
MASK_AAA = CF | AF                      # OF SF ZF PF undefined
MASK_AAM = PF | ZF | SF                 # OF AF CF undefined


def szp(v):
    """SF, ZF, PF of an 8-bit result."""
    f = 0
    if v & 0x80:
        f |= SF
    if v == 0:
        f |= ZF
    if bin(v).count("1") % 2 == 0:
        f |= PF
    return f


def daa(ax, fl):
    al = ax & 0xFF
    old_al, old_cf = al, fl & CF
    cf = 0
    if (al & 0x0F) > 9 or fl & AF:
        cf = old_cf or (al + 6 > 0xFF)   # carry out of AL + 6
        al = (al + 6) & 0xFF
        af = AF
    else:
        af = 0
    if old_al > 0x99 or old_cf:
        al = (al + 0x60) & 0xFF
        cf = CF
    else:
        cf = 0
    return (ax & 0xFF00) | al, (CF if cf else 0) | af | szp(al)


def das(ax, fl):
    al = ax & 0xFF
    old_al, old_cf = al, fl & CF
    cf = 0
    if (al & 0x0F) > 9 or fl & AF:
        cf = old_cf or (al < 6)          # borrow out of AL - 6
        al = (al - 6) & 0xFF
        af = AF
    else:
        af = 0
    # Unlike DAA there is no ELSE CF := 0 here: a borrow from the first
    # step survives when the high digit needs no adjustment.
    if old_al > 0x99 or old_cf:
        al = (al - 0x60) & 0xFF
        cf = CF
    return (ax & 0xFF00) | al, (CF if cf else 0) | af | szp(al)


def aaa(ax, fl):
    # Current SDM: AX := AX + 106H, so AL + 6 carries into AH (AH grows by
    # 2 when AL >= FAH).  The 8086-era text (AL := AL + 6; AH := AH + 1)
    # differs exactly there; the P6-class CPU follows the current text.
    if (ax & 0x0F) > 9 or fl & AF:
        ax = (ax + 0x106) & 0xFFFF
        f = AF | CF
    else:
        f = 0
    return ax & 0xFF0F, f


def aas(ax, fl):
    # Current SDM: AX := AX - 6; AH := AH - 1 (AL < 6 borrows from AH too).
    if (ax & 0x0F) > 9 or fl & AF:
        ax = (ax - 6) & 0xFFFF
        ax = (ax - 0x100) & 0xFFFF
        f = AF | CF
    else:
        f = 0
    return ax & 0xFF0F, f


def aam(base):
    def op(ax, fl):
        al = ax & 0xFF
        ah, al = al // base, al % base
        return (ah << 8) | al, szp(al)
    return op


def aad(base):
    def op(ax, fl):
        al = ((ax & 0xFF) + (ax >> 8) * base) & 0xFF
        return al, szp(al)
    return op


class Lcg:
    """Small deterministic generator for the sampled inputs (AH, the
    undefined input flags): the same table on every build."""

    def __init__(self, seed):
        self.s = seed

    def next8(self):
        self.s = (self.s * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.s >> 16) & 0xFF


def noise_flags(rng):
    # Input values for the flags the instruction overwrites, so a model that
    # forgets to compute one is caught.  Bit 1 of FLAGS always reads as 1.
    return rng.next8() & (PF | ZF | SF)


# AH values that exercise AAA/AAS carries and borrows through AH.
AH_EDGES = [0x00, 0xFF, 0xFE, 0x01, 0x7F, 0x80, 0x09, 0x99]


def records_daa_das(fn, seed):
    rng = Lcg(seed)
    out = []
    for al in range(256):
        for cf in (0, CF):
            for af in (0, AF):
                ah = rng.next8()
                fl = cf | af | noise_flags(rng)
                ax = (ah << 8) | al
                out.append((ax, fl) + fn(ax, fl))
    return out


def records_aaa_aas(fn, seed):
    rng = Lcg(seed)
    out = []
    i = 0
    for al in range(256):
        for cf in (0, CF):
            for af in (0, AF):
                ah = AH_EDGES[i % len(AH_EDGES)] if i % 3 else rng.next8()
                i += 1
                fl = cf | af | noise_flags(rng)
                ax = (ah << 8) | al
                out.append((ax, fl) + fn(ax, fl))
    return out


def records_aam(base, seed):
    rng = Lcg(seed)
    out = []
    for al in range(256):
        ah = rng.next8()
        fl = (rng.next8() & (CF | AF)) | noise_flags(rng)
        ax = (ah << 8) | al
        out.append((ax, fl) + aam(base)(ax, fl))
    return out


def records_aad(base, seed):
    rng = Lcg(seed)
    out = []
    for al in range(256):
        # Every AL with a sampled AH, plus AH = 0..9 (the decimal case).
        ah = rng.next8() if al % 4 else (al >> 2) % 10
        fl = (rng.next8() & (CF | AF)) | noise_flags(rng)
        ax = (ah << 8) | al
        out.append((ax, fl) + aad(base)(ax, fl))
    return out


AAM_BASES = [10, 16, 1, 2, 7, 0x7F, 0x80, 0xFF]
AAD_BASES = [10, 16, 0, 1, 7, 3, 0x80, 0xFF]


def groups():
    g = [
        ("daa", [0x27], MASK_DAA, records_daa_das(daa, 1)),
        ("das", [0x2F], MASK_DAA, records_daa_das(das, 2)),
        ("aaa", [0x37], MASK_AAA, records_aaa_aas(aaa, 3)),
        ("aas", [0x3F], MASK_AAA, records_aaa_aas(aas, 4)),
    ]
    for b in AAM_BASES:
        g.append(("aam %d" % b, [0xD4, b], MASK_AAM, records_aam(b, 100 + b)))
    for b in AAD_BASES:
        g.append(("aad %d" % b, [0xD5, b], MASK_AAM, records_aad(b, 400 + b)))
    return g


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_bcd.py OUTPUT.inc")
    lines = ["; Generated by gen_bcd.py from the SDM pseudo-code: do not edit."]
    gs = groups()
    lines.append("%ifdef BCD_PART_CODE")
    for n, (name, insn, mask, recs) in enumerate(gs, 1):
        lines.append('        BCD_GROUP %d, "%s", bcd_tbl_%d, %d, 0x%02X, {%s}'
                     % (n, name, n, len(recs), mask,
                        ", ".join("0x%02X" % b for b in insn)))
    total = sum(len(g[3]) for g in gs)
    lines.append("BCD_RECORDS equ %d" % total)
    lines.append("%endif")
    lines.append("%ifdef BCD_PART_DATA")
    for n, (name, insn, mask, recs) in enumerate(gs, 1):
        lines.append("bcd_tbl_%d:      ; %s" % (n, name))
        for ax, fl, eax, efl in recs:
            # Bit 1 of FLAGS is reserved as 1: set it in the inputs.
            lines.append("        BCD_REC 0x%04X, 0x%02X, 0x%04X, 0x%02X"
                         % (ax, fl | 2, eax, efl))
    lines.append("%endif")
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
