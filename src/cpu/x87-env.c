/* x87 control instructions: FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW, the
 * environment and save area (FLDENV, FNSTENV, FRSTOR, FNSAVE) in their
 * real/protected-mode and 16/32-bit layouts, FXSAVE/FXRSTOR, FWAIT; and the
 * checks and memory helpers every x87 instruction shares. Control
 * instructions leave FIP/FDP/FOP alone; the FN forms do not wait. */
#include "x87-impl.h"
#include <string.h>

/* ---- FERR# ---- */

void x87_ferr(struct cpu *c, int level)
{
    if (!c->ferr)
        return;
    c->ferr(c->ferr_opaque, level);
    if (level)
        c->stop_block = 1;      /* let IRQ 13 in before the next instruction */
}

/* ---- entry checks ---- */

void x87_enter(struct cpu *c, int waiting)
{
    if (UNLIKELY(c->cr0 & (CR0_EM | CR0_TS)))
        cpu_fault0(c, EX_NM);
    if (waiting && UNLIKELY(c->fpu.sw & SW_ES)) {
        /* CR0.NE = 1: #MF now. CR0.NE = 0: FERR# (already raised when ES
         * was set) and the instruction goes on, as with IGNNE# asserted. */
        if (c->cr0 & CR0_NE)
            cpu_fault0(c, EX_MF);
        x87_ferr(c, 1);
    }
}

/* FWAIT: #NM only when both MP and TS are set (EM does not matter), then
 * any pending unmasked exception. */
void ex_wait(struct cpu *c, const struct insn *i)
{
    if ((c->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_fault0(c, EX_NM);
    if (UNLIKELY(c->fpu.sw & SW_ES)) {
        if (c->cr0 & CR0_NE)
            cpu_fault0(c, EX_MF);
        x87_ferr(c, 1);
    }
    next(c, i);
}

/* ---- memory ---- */

uint32_t x87_opnd(struct cpu *c, const struct insn *i, uint32_t size, int write, uint32_t align)
{
    uint32_t lin = seg_lin(c, i->seg, insn_ea(c, i), (int)size, write);
    if (UNLIKELY((c->eflags & F_AC) && (c->cr0 & CR0_AM) && c->cpl == 3 && (lin & (align - 1))))
        cpu_fault(c, EX_AC, 0);
    if (write) {
        lin_probe_write(c, lin, 1, ACC_WRITE);
        if ((lin ^ (lin + size - 1)) & ~0xfffu)
            lin_probe_write(c, lin + size - 1, 1, ACC_WRITE);
    }
    return lin;
}

void x87_read_buf(struct cpu *c, uint32_t lin, uint8_t *b, uint32_t n, int unit)
{
    for (uint32_t k = 0; k < n; k += (uint32_t)unit) {
        uint32_t v = lin_read(c, lin + k, unit);
        if (unit == 4) st32le(b + k, v); else st16le(b + k, (uint16_t)v);
    }
}

void x87_write_buf(struct cpu *c, uint32_t lin, const uint8_t *b, uint32_t n, int unit)
{
    for (uint32_t k = 0; k < n; k += (uint32_t)unit)
        lin_write(c, lin + k, unit == 4 ? ld32le(b + k) : ld16le(b + k), unit);
}

/* ---- status and control ---- */

/* ES and B follow the exception flags CW does not mask (FLDCW, FLDENV,
 * FRSTOR and FXRSTOR recompute them so, as the host x87 does); FERR#
 * follows ES. was: ES before the change. */
static void update_es(struct cpu *c, int was)
{
    int now = (c->fpu.sw & ~c->fpu.cw & SW_EXC) != 0;
    if (now)
        c->fpu.sw |= SW_ES | SW_B;
    else
        c->fpu.sw &= (uint16_t)~(SW_ES | SW_B);
    if (was != now && (!now || !(c->cr0 & CR0_NE)))
        x87_ferr(c, now);
}

void x87_init(struct cpu *c)
{
    int was = (c->fpu.sw & SW_ES) != 0;
    c->fpu.cw = 0x037f;
    c->fpu.sw = 0;
    c->fpu.top = 0;
    c->fpu.tw = 0xffff;
    c->fpu.fop = 0;
    c->fpu.fip = c->fpu.fdp = 0;
    c->fpu.fcs = c->fpu.fds = 0;
    if (was)
        x87_ferr(c, 0);
}

/* The control word as loaded: bits 13-15 read as 0 and bit 6 as 1. */
static uint16_t cw_value(uint32_t v) { return (uint16_t)((v & 0x1f3f) | 0x40); }

static void set_sw(struct cpu *c, uint16_t sw)
{
    c->fpu.top = (sw >> 11) & 7;
    c->fpu.sw = sw & (uint16_t)~0x3800u;
}

void ex_fninit(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 0);
    x87_init(c);
    next(c, i);
}

void ex_fnclex(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 0);
    int was = (c->fpu.sw & SW_ES) != 0;
    c->fpu.sw &= (uint16_t)~(SW_EXC | SW_SF | SW_ES | SW_B);
    if (was)
        x87_ferr(c, 0);
    next(c, i);
}

/* FNENI, FNDISI, FNSETPM: 8087/287 controls the 387 and later ignore. */
void ex_fnop_legacy(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 0);
    next(c, i);
}

void ex_fldcw(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 1);
    uint32_t v = lin_read(c, x87_opnd(c, i, 2, 0, 2), 2);
    int was = (c->fpu.sw & SW_ES) != 0;
    c->fpu.cw = cw_value(v);
    update_es(c, was);
    next(c, i);
}

void ex_fnstcw(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 0);
    lin_write(c, x87_opnd(c, i, 2, 1, 2), c->fpu.cw, 2);
    next(c, i);
}

void ex_fnstsw_m(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 0);
    lin_write(c, x87_opnd(c, i, 2, 1, 2), fp_sw(c), 2);
    next(c, i);
}

void ex_fnstsw_ax(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 0);
    reg_set(c, R_EAX, 2, fp_sw(c));
    next(c, i);
}

/* ---- environment: 28 bytes (32-bit operand size) or 14 (16-bit), in the
 * protected-mode layout (selector:offset pointers, FOP beside FCS) or the
 * real/v86-mode one (20/32-bit linear pointers with FOP in the high word) ---- */

static uint16_t full_tags(struct cpu *c)
{
    fp_retag(c);
    return c->fpu.tw;
}

static int env_pmode(const struct cpu *c) { return c->pmode && !c->v86; }

static uint32_t env_size(const struct insn *i) { return i->osz == 4 ? 28 : 14; }

static void env_store(struct cpu *c, int osz, uint8_t *b)
{
    const struct fpu *f = &c->fpu;
    uint16_t tw = full_tags(c), sw = fp_sw(c), fop = f->fop & 0x7ff;
    if (osz == 4) {
        st32le(b + 0, 0xffff0000u | f->cw);
        st32le(b + 4, 0xffff0000u | sw);
        st32le(b + 8, 0xffff0000u | tw);
        if (env_pmode(c)) {
            st32le(b + 12, f->fip);
            st32le(b + 16, f->fcs | (uint32_t)fop << 16);
            st32le(b + 20, f->fdp);
            st32le(b + 24, 0xffff0000u | f->fds);
        } else {
            uint32_t ip = ((uint32_t)f->fcs << 4) + f->fip, dp = ((uint32_t)f->fds << 4) + f->fdp;
            st32le(b + 12, 0xffff0000u | (ip & 0xffff));
            st32le(b + 16, (ip & 0xffff0000u) >> 4 | fop);
            st32le(b + 20, 0xffff0000u | (dp & 0xffff));
            st32le(b + 24, (dp & 0xffff0000u) >> 4);
        }
    } else {
        st16le(b + 0, f->cw);
        st16le(b + 2, sw);
        st16le(b + 4, tw);
        if (env_pmode(c)) {
            st16le(b + 6, (uint16_t)f->fip);
            st16le(b + 8, f->fcs);
            st16le(b + 10, (uint16_t)f->fdp);
            st16le(b + 12, f->fds);
        } else {
            uint32_t ip = ((uint32_t)f->fcs << 4) + f->fip, dp = ((uint32_t)f->fds << 4) + f->fdp;
            st16le(b + 6, (uint16_t)ip);
            st16le(b + 8, (uint16_t)((ip >> 4 & 0xf000) | fop));
            st16le(b + 10, (uint16_t)dp);
            st16le(b + 12, (uint16_t)(dp >> 4 & 0xf000));
        }
    }
}

/* Loads an environment image. The tag word gives only empty / not empty;
 * the rest is recomputed from the registers (by the caller, after FRSTOR
 * has loaded them). */
static void env_load(struct cpu *c, int osz, const uint8_t *b)
{
    struct fpu *f = &c->fpu;
    uint16_t tw;
    if (osz == 4) {
        f->cw = cw_value(ld16le(b + 0));
        set_sw(c, ld16le(b + 4));
        tw = ld16le(b + 8);
        if (env_pmode(c)) {
            f->fip = ld32le(b + 12);
            f->fcs = ld16le(b + 16);
            f->fop = ld16le(b + 18) & 0x7ff;
            f->fdp = ld32le(b + 20);
            f->fds = ld16le(b + 24);
        } else {
            f->fip = ld16le(b + 12) | (ld32le(b + 16) >> 12 & 0xffff) << 16;
            f->fop = ld16le(b + 16) & 0x7ff;
            f->fdp = ld16le(b + 20) | (ld32le(b + 24) >> 12 & 0xffff) << 16;
            f->fcs = f->fds = 0;
        }
    } else {
        f->cw = cw_value(ld16le(b + 0));
        set_sw(c, ld16le(b + 2));
        tw = ld16le(b + 4);
        if (env_pmode(c)) {
            f->fip = ld16le(b + 6);
            f->fcs = ld16le(b + 8);
            f->fdp = ld16le(b + 10);
            f->fds = ld16le(b + 12);
        } else {
            f->fip = ld16le(b + 6) | (uint32_t)(ld16le(b + 8) & 0xf000) << 4;
            f->fop = ld16le(b + 8) & 0x7ff;
            f->fdp = ld16le(b + 10) | (uint32_t)(ld16le(b + 12) & 0xf000) << 4;
            f->fcs = f->fds = 0;
        }
    }
    f->tw = tw;
}

void ex_fldenv(struct cpu *c, const struct insn *i)
{
    uint8_t b[28];
    x87_enter(c, 1);
    uint32_t n = env_size(i);
    uint32_t lin = x87_opnd(c, i, n, 0, i->osz);
    x87_read_buf(c, lin, b, n, i->osz);
    int was = (c->fpu.sw & SW_ES) != 0;
    env_load(c, i->osz, b);
    fp_retag(c);
    update_es(c, was);
    next(c, i);
}

/* FNSTENV: stores the environment, then masks every exception (which, as
 * with FLDCW, clears ES and B). */
void ex_fnstenv(struct cpu *c, const struct insn *i)
{
    uint8_t b[28];
    x87_enter(c, 0);
    uint32_t n = env_size(i);
    uint32_t lin = x87_opnd(c, i, n, 1, i->osz);
    env_store(c, i->osz, b);
    x87_write_buf(c, lin, b, n, i->osz);
    int was = (c->fpu.sw & SW_ES) != 0;
    c->fpu.cw |= SW_EXC;
    update_es(c, was);              /* everything masked now: ES and B drop */
    next(c, i);
}

/* FRSTOR: environment, then ST(0)..ST(7) in 10-byte images. */
void ex_frstor(struct cpu *c, const struct insn *i)
{
    uint8_t b[108];
    x87_enter(c, 1);
    uint32_t n = env_size(i);
    uint32_t lin = x87_opnd(c, i, n + 80, 0, i->osz);
    x87_read_buf(c, lin, b, n + 80, i->osz);
    int was = (c->fpu.sw & SW_ES) != 0;
    env_load(c, i->osz, b);
    for (int k = 0; k < 8; k++) {
        struct fpreg *r = &c->fpu.st[fp_phys(c, k)];
        r->sig = ld64le(b + n + 10 * k);
        r->se = ld16le(b + n + 10 * k + 8);
    }
    fp_retag(c);
    update_es(c, was);
    next(c, i);
}

/* FNSAVE: as FNSTENV plus the registers, then FNINIT. */
void ex_fnsave(struct cpu *c, const struct insn *i)
{
    uint8_t b[108];
    x87_enter(c, 0);
    uint32_t n = env_size(i);
    uint32_t lin = x87_opnd(c, i, n + 80, 1, i->osz);
    env_store(c, i->osz, b);
    for (int k = 0; k < 8; k++) {
        const struct fpreg *r = &c->fpu.st[fp_phys(c, k)];
        st64le(b + n + 10 * k, r->sig);
        st16le(b + n + 10 * k + 8, r->se);
    }
    x87_write_buf(c, lin, b, n + 80, i->osz);
    x87_init(c);
    next(c, i);
}

/* ---- FXSAVE / FXRSTOR (0F AE /0 /1): the 512-byte area, 16-byte aligned.
 * Bytes 0-31: FCW, FSW, abridged tag (one bit a register, 1 = not empty),
 * FOP, FIP, FCS, FDP, FDS, MXCSR, MXCSR_MASK; 32-159: ST(0)..ST(7) in 16-byte
 * slots. There are no XMM registers: bytes 160-511 are left as they are on
 * FXSAVE and ignored by FXRSTOR. ---- */

#define FXAREA 512
#define FXUSED 160
#define MXCSR_MASK 0xffbfu

static uint32_t fx_area(struct cpu *c, const struct insn *i, int write)
{
    uint32_t ea = insn_ea(c, i);
    if ((c->seg[i->seg].base + ea) & 15)
        GP0(c);
    return x87_opnd(c, i, FXAREA, write, 16);
}

void ex_fxsave(struct cpu *c, const struct insn *i)
{
    uint8_t b[FXUSED];
    const struct fpu *f = &c->fpu;
    if (c->cr0 & (CR0_EM | CR0_TS))
        cpu_fault0(c, EX_NM);
    uint32_t lin = fx_area(c, i, 1);
    memset(b, 0, sizeof b);
    uint8_t ftw = 0;
    for (int p = 0; p < 8; p++)
        if (fp_tag(c, p) != FTAG_EMPTY)
            ftw |= (uint8_t)(1u << p);
    st16le(b + 0, f->cw);
    st16le(b + 2, fp_sw(c));
    b[4] = ftw;
    st16le(b + 6, f->fop & 0x7ff);
    st32le(b + 8, f->fip);
    st16le(b + 12, f->fcs);
    st32le(b + 16, f->fdp);
    st16le(b + 20, f->fds);
    st32le(b + 24, f->mxcsr);
    st32le(b + 28, 0);            /* MXCSR_MASK 0: the default mask (0xFFBF) applies */
    for (int k = 0; k < 8; k++) {
        const struct fpreg *r = &f->st[fp_phys(c, k)];
        st64le(b + 32 + 16 * k, r->sig);
        st16le(b + 40 + 16 * k, r->se);
    }
    x87_write_buf(c, lin, b, FXUSED, 4);
    next(c, i);
}

void ex_fxrstor(struct cpu *c, const struct insn *i)
{
    uint8_t b[FXUSED];
    struct fpu *f = &c->fpu;
    if (c->cr0 & (CR0_EM | CR0_TS))
        cpu_fault0(c, EX_NM);
    uint32_t lin = fx_area(c, i, 0);
    x87_read_buf(c, lin, b, FXUSED, 4);
    uint32_t mxcsr = ld32le(b + 24);
    if (mxcsr & ~MXCSR_MASK)
        GP0(c);
    int was = (f->sw & SW_ES) != 0;
    f->cw = cw_value(ld16le(b + 0));
    set_sw(c, ld16le(b + 2));
    f->fop = ld16le(b + 6) & 0x7ff;
    f->fip = ld32le(b + 8);
    f->fcs = ld16le(b + 12);
    f->fdp = ld32le(b + 16);
    f->fds = ld16le(b + 20);
    f->mxcsr = mxcsr;
    for (int k = 0; k < 8; k++) {
        struct fpreg *r = &f->st[fp_phys(c, k)];
        r->sig = ld64le(b + 32 + 16 * k);
        r->se = ld16le(b + 40 + 16 * k);
    }
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++)
        tw |= (uint16_t)((b[4] >> p & 1 ? FTAG_VALID : FTAG_EMPTY) << (2 * p));
    f->tw = tw;
    fp_retag(c);
    update_es(c, was);
    next(c, i);
}
