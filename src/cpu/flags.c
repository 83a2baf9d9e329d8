/* Lazy condition codes. The last arithmetic operation is kept as
 * (op, size, result, operand 1, operand 2); each flag is derived on demand.
 * INC/DEC keep CF, which they leave untouched, in eflags. ADC and SBB
 * are recorded as LF_ADC/LF_SBB only with a carry-in of 1, else as ADD/SUB. */
#include "exec.h"

const uint8_t parity_table[256] = {
#define P2(n) n, n ^ 1, n ^ 1, n
#define P4(n) P2(n), P2(n ^ 1), P2(n ^ 1), P2(n)
#define P6(n) P4(n), P4(n ^ 1), P4(n ^ 1), P4(n)
    P6(1), P6(0), P6(0), P6(1)
#undef P2
#undef P4
#undef P6
};

static inline uint32_t msb(const struct cpu *c, uint32_t v) { return (v >> (8 * c->lf_size - 1)) & 1; }

int flag_cf(struct cpu *c)
{
    uint32_t m = size_mask(c->lf_size), r = c->lf_res & m, a = c->lf_s1 & m, b = c->lf_s2 & m;
    switch (c->lf_op) {
    case LF_ADD: return r < a;
    case LF_ADC: return r <= a;      /* LF_ADC/LF_SBB mean carry-in 1; with 0 they are ADD/SUB */
    case LF_SUB: return a < b;
    case LF_SBB: return a <= b;
    case LF_NEG: return r != 0;
    case LF_LOGIC: return 0;
    default: return c->eflags & F_CF;   /* LF_NONE, INC, DEC */
    }
}

int flag_zf(struct cpu *c)
{
    if (c->lf_op == LF_NONE) return !!(c->eflags & F_ZF);
    return (c->lf_res & size_mask(c->lf_size)) == 0;
}

int flag_sf(struct cpu *c)
{
    if (c->lf_op == LF_NONE) return !!(c->eflags & F_SF);
    return msb(c, c->lf_res);
}

int flag_pf(struct cpu *c)
{
    if (c->lf_op == LF_NONE) return !!(c->eflags & F_PF);
    return parity_table[c->lf_res & 0xff];
}

int flag_af(struct cpu *c)
{
    switch (c->lf_op) {
    case LF_NONE: return !!(c->eflags & F_AF);
    case LF_LOGIC: return 0;
    case LF_INC: return (c->lf_res & 0xf) == 0;
    case LF_DEC: return (c->lf_res & 0xf) == 0xf;
    case LF_NEG: return (c->lf_res & 0xf) != 0;
    default: return ((c->lf_s1 ^ c->lf_s2 ^ c->lf_res) >> 4) & 1;
    }
}

int flag_of(struct cpu *c)
{
    uint32_t r = c->lf_res, a = c->lf_s1, b = c->lf_s2;
    switch (c->lf_op) {
    case LF_NONE: return !!(c->eflags & F_OF);
    case LF_ADD: case LF_ADC: return msb(c, (a ^ r) & (b ^ r));
    case LF_SUB: case LF_SBB: return msb(c, (a ^ b) & (a ^ r));
    case LF_INC: return (r & size_mask(c->lf_size)) == sign_bit(c->lf_size);
    case LF_DEC: return (r & size_mask(c->lf_size)) == sign_bit(c->lf_size) - 1;
    case LF_NEG: return (r & size_mask(c->lf_size)) == sign_bit(c->lf_size);
    default: return 0;
    }
}

void flags_materialise(struct cpu *c)
{
    if (c->lf_op == LF_NONE)
        return;
    uint32_t f = (uint32_t)flag_cf(c) * F_CF | (uint32_t)flag_pf(c) * F_PF | (uint32_t)flag_af(c) * F_AF
               | (uint32_t)flag_zf(c) * F_ZF | (uint32_t)flag_sf(c) * F_SF | (uint32_t)flag_of(c) * F_OF;
    c->eflags = (c->eflags & ~F_ARITH) | f;
    c->lf_op = LF_NONE;
}

uint32_t cpu_get_eflags(struct cpu *c)
{
    flags_materialise(c);
    return c->eflags | 2;
}

void set_eflags(struct cpu *c, uint32_t v)
{
    uint32_t old = c->eflags;
    c->lf_op = LF_NONE;
    c->eflags = (v & ~(0x8u | 0x20u | 0x8000u | 0xffc00000u)) | 2;
    /* the TLB's fast tags depend on alignment checking being off */
    if (((old ^ c->eflags) & F_AC) && (c->cr0 & CR0_AM))
        tlb_flush(c->tlb, 0);
}

int cond(struct cpu *c, int cc)
{
    int r;
    switch (cc >> 1) {
    case 0: r = flag_of(c); break;
    case 1: r = flag_cf(c); break;
    case 2: r = flag_zf(c); break;
    case 3: r = flag_cf(c) || flag_zf(c); break;
    case 4: r = flag_sf(c); break;
    case 5: r = flag_pf(c); break;
    case 6: r = flag_sf(c) != flag_of(c); break;
    default: r = flag_zf(c) || flag_sf(c) != flag_of(c); break;
    }
    return r ^ (cc & 1);
}
