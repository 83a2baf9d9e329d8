/* The x86 decoder. Prefixes, then the opcode (one or two bytes) looked up
 * in the opcode table, then ModRM/SIB/displacement and the immediate the
 * table entry names. Instruction length is capped at 15 bytes as on 486+. */
#include "decode.h"
#include "exec.h"
#include <string.h>

struct dstate {
    fetch_fn fetch;
    void *opaque;
    uint32_t n;
    int fault;
};

static uint32_t byte(struct dstate *d)
{
    if (d->fault)
        return 0;
    if (d->n >= 15) {
        d->fault = DEC_TOO_LONG;
        return 0;
    }
    int b = d->fetch(d->opaque, d->n);
    if (b < 0) {
        d->fault = DEC_FETCH_FAULT;
        return 0;
    }
    d->n++;
    return (uint32_t)b;
}

static uint32_t word(struct dstate *d) { uint32_t lo = byte(d); return lo | byte(d) << 8; }
static uint32_t dword(struct dstate *d) { uint32_t lo = word(d); return lo | word(d) << 16; }

/* 16-bit ModRM: base/index pairs, BP-based forms default to SS. */
static void modrm16(struct insn *i, struct dstate *d, int *def_ss)
{
    static const int8_t base16[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX };
    static const int8_t index16[8] = { R_ESI, R_EDI, R_ESI, R_EDI, -1, -1, -1, -1 };
    if (i->mod == 0 && i->rm == 6) {
        i->disp = word(d);
        return;
    }
    i->base = base16[i->rm];
    i->index = index16[i->rm];
    *def_ss = i->base == R_EBP;
    if (i->mod == 1)
        i->disp = (uint32_t)(int32_t)(int8_t)byte(d);
    else if (i->mod == 2)
        i->disp = word(d);
}

static void modrm32(struct insn *i, struct dstate *d, int *def_ss)
{
    int base = i->rm;
    if (i->rm == 4) {
        uint32_t sib = byte(d);
        i->scale = sib >> 6;
        int idx = (sib >> 3) & 7;
        i->index = idx == 4 ? -1 : idx;
        base = sib & 7;
        if (base == 5 && i->mod == 0) {
            i->disp = dword(d);
            return;
        }
    } else if (i->rm == 5 && i->mod == 0) {
        i->disp = dword(d);
        return;
    }
    i->base = (int8_t)base;
    *def_ss = base == R_ESP || base == R_EBP;
    if (i->mod == 1)
        i->disp = (uint32_t)(int32_t)(int8_t)byte(d);
    else if (i->mod == 2)
        i->disp = dword(d);
}

static void immediate(struct insn *i, struct dstate *d, int kind)
{
    switch (kind) {
    case IMM_B: i->imm = byte(d); break;
    case IMM_BS: i->imm = (uint32_t)(int32_t)(int8_t)byte(d); break;
    case IMM_W: i->imm = word(d); break;
    case IMM_V: i->imm = i->osz == 2 ? word(d) : dword(d); break;
    case IMM_MOFFS: i->disp = i->asz == 2 ? word(d) : dword(d); break;
    case IMM_PTR:
        i->imm = i->osz == 2 ? word(d) : dword(d);
        i->imm2 = word(d);
        break;
    case IMM_WB: i->imm = word(d); i->imm2 = byte(d); break;
    case IMM_JB: i->imm = (uint32_t)(int32_t)(int8_t)byte(d); break;
    case IMM_JV:
        i->imm = i->osz == 2 ? (uint32_t)(int32_t)(int16_t)word(d) : dword(d);
        break;
    default: break;
    }
}

/* Resolves group and x87 entries once ModRM is known. */
static const struct opinfo *resolve(const struct opinfo *op, const struct insn *i)
{
    if (op->form & OP_GROUP)
        op = &op->group[i->reg];
    if (op->form & OP_X87) {
        int esc = i->b1 - 0xd8;
        op = i->mod == 3 ? &x87_reg[esc][i->modrm & 63] : &x87_mem[esc][i->reg];
    }
    return op;
}

/* More than 15 bytes (redundant prefixes) is a #GP(0) on 486 and later. */
static void ex_too_long(struct cpu *c, const struct insn *i) { (void)i; GP0(c); }
static const struct opinfo op_too_long = { "(too long)", ex_too_long, 0, IMM_NONE, 3, 0, 0, 0, NULL };

enum decode_status decode_insn(struct insn *i, int code32, fetch_fn fetch, void *opaque, uint32_t *fault_n)
{
    struct dstate d = { fetch, opaque, 0, 0 };
    int opsize_pfx = 0, adsize_pfx = 0, segovr = -1;
    uint32_t b;
    memset(i, 0, sizeof *i);
    i->base = i->index = -1;
    for (;;) {
        b = byte(&d);
        if (d.fault)
            break;
        switch (b) {
        case 0x26: segovr = S_ES; continue;
        case 0x2e: segovr = S_CS; continue;
        case 0x36: segovr = S_SS; continue;
        case 0x3e: segovr = S_DS; continue;
        case 0x64: segovr = S_FS; continue;
        case 0x65: segovr = S_GS; continue;
        case 0x66: opsize_pfx = 1; continue;
        case 0x67: adsize_pfx = 1; continue;
        case 0xf0: i->lock = 1; continue;
        case 0xf2: case 0xf3: i->rep = (uint8_t)b; continue;
        }
        break;
    }
    const struct opinfo *op;
    if (b == 0x0f) {
        b = byte(&d);
        op = &optable_0f[b];
        i->opcode = (uint16_t)(0x100 | b);
    } else {
        op = &optable_1[b];
        i->opcode = (uint16_t)b;
    }
    i->b1 = (uint8_t)b;
    i->osz = (code32 ^ opsize_pfx) ? 4 : 2;
    i->asz = (code32 ^ adsize_pfx) ? 4 : 2;
    int def_ss = 0;
    if (op->form & OP_MODRM) {
        uint32_t m = byte(&d);
        i->modrm = (uint8_t)m;
        i->mod = (uint8_t)(m >> 6);
        i->reg = (uint8_t)((m >> 3) & 7);
        i->rm = (uint8_t)(m & 7);
        if (op->form & OP_RMREG)
            i->mod = 3;
        if (i->mod != 3) {
            if (i->asz == 2)
                modrm16(i, &d, &def_ss);
            else
                modrm32(i, &d, &def_ss);
        }
    }
    op = resolve(op, i);
    if (op->form & OP_BYTE)
        i->osz = 1;
    else if (op->form & OP_W16)
        i->osz = 2;
    immediate(i, &d, op->imm);
    i->seg = (uint8_t)(segovr >= 0 ? segovr : def_ss ? S_SS : S_DS);
    i->len = (uint8_t)d.n;
    if (d.fault) {
        *fault_n = d.n;
        i->op = d.fault == DEC_TOO_LONG ? &op_too_long : &op_ud;
        i->exec = i->op->exec;
        return (enum decode_status)d.fault;
    }
    int ud = !op->exec
        || ((op->form & OP_REG3) && i->mod != 3)
        || ((op->form & OP_MEM) && i->mod == 3)
        || (i->lock && (!(op->form & OP_LOCKOK) || i->mod == 3));
    if (ud)
        op = &op_ud;
    i->op = op;
    i->exec = op->exec;
    return ud ? DEC_UD : DEC_OK;
}
