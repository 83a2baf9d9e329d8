/* Integer arithmetic, logic, shifts, bit operations, BCD adjusts, and the
 * flag instructions. Where the SDM leaves a flag undefined we produce what
 * Intel's P6 family does where that is known, and otherwise a value the
 * tests mask out. */
#include "ops.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Computes op(a, b) at `size`, records the lazy flags, returns the result. */
static uint32_t alu(struct cpu *c, int op, int size, uint32_t a, uint32_t b)
{
    uint32_t m = size_mask(size), r;
    switch (op) {
    case ALU_ADD: r = (a + b) & m; lf_set(c, LF_ADD, size, r, a, b); return r;
    case ALU_ADC: {
        int cf = flag_cf(c);
        r = (a + b + cf) & m;
        lf_set(c, cf ? LF_ADC : LF_ADD, size, r, a, b);
        return r;
    }
    case ALU_SBB: {
        int cf = flag_cf(c);
        r = (a - b - cf) & m;
        lf_set(c, cf ? LF_SBB : LF_SUB, size, r, a, b);
        return r;
    }
    case ALU_SUB: case ALU_CMP: r = (a - b) & m; lf_set(c, LF_SUB, size, r, a, b); return r;
    case ALU_OR: r = a | b; break;
    case ALU_AND: r = a & b; break;
    default: r = a ^ b; break;
    }
    lf_set(c, LF_LOGIC, size, r, 0, 0);
    return r;
}

/* Read-modify-write operands are read with write intent (mem_read_rmw
 * probes the write), so once the read succeeds the write cannot fault and
 * the flags may be updated before it. */
static void alu_to_rm(struct cpu *c, const struct insn *i, int op, uint32_t b)
{
    int sz = i->osz;
    if (op == ALU_CMP) {
        alu(c, op, sz, rm_read(c, i, sz), b);
        return;
    }
    uint32_t a = rm_read_rmw(c, i, sz);
    rm_write(c, i, sz, alu(c, op, sz, a, b));
}

OP(alu_EG) { alu_to_rm(c, i, (i->b1 >> 3) & 7, reg_get(c, i->reg, i->osz)); next(c, i); }
OP(alu_EI) { alu_to_rm(c, i, i->reg, i->imm & size_mask(i->osz)); next(c, i); }

OP(alu_GE)
{
    int op = (i->b1 >> 3) & 7, sz = i->osz;
    uint32_t r = alu(c, op, sz, reg_get(c, i->reg, sz), rm_read(c, i, sz));
    if (op != ALU_CMP) reg_set(c, i->reg, sz, r);
    next(c, i);
}

OP(alu_AI)
{
    int op = (i->b1 >> 3) & 7, sz = i->osz;
    uint32_t r = alu(c, op, sz, reg_get(c, R_EAX, sz), i->imm & size_mask(sz));
    if (op != ALU_CMP) reg_set(c, R_EAX, sz, r);
    next(c, i);
}

OP(test_EG) { alu(c, ALU_AND, i->osz, rm_read(c, i, i->osz), reg_get(c, i->reg, i->osz)); next(c, i); }
OP(test_EI) { alu(c, ALU_AND, i->osz, rm_read(c, i, i->osz), i->imm & size_mask(i->osz)); next(c, i); }
OP(test_AI) { alu(c, ALU_AND, i->osz, reg_get(c, R_EAX, i->osz), i->imm & size_mask(i->osz)); next(c, i); }

/* INC/DEC leave CF alone: park it in eflags before switching the lazy op. */
static uint32_t incdec(struct cpu *c, int size, uint32_t a, int dec)
{
    int cf = flag_cf(c);
    uint32_t r = (dec ? a - 1 : a + 1) & size_mask(size);
    c->eflags = (c->eflags & ~F_CF) | (uint32_t)cf;
    lf_set(c, dec ? LF_DEC : LF_INC, size, r, a, 1);
    return r;
}

OP(inc_r) { int r = i->b1 & 7; reg_set(c, r, i->osz, incdec(c, i->osz, reg_get(c, r, i->osz), 0)); next(c, i); }
OP(dec_r) { int r = i->b1 & 7; reg_set(c, r, i->osz, incdec(c, i->osz, reg_get(c, r, i->osz), 1)); next(c, i); }

OP(inc_E) { uint32_t v = incdec(c, i->osz, rm_read_rmw(c, i, i->osz), 0); rm_write(c, i, i->osz, v); next(c, i); }
OP(dec_E) { uint32_t v = incdec(c, i->osz, rm_read_rmw(c, i, i->osz), 1); rm_write(c, i, i->osz, v); next(c, i); }
OP(not_E) { rm_write(c, i, i->osz, ~rm_read_rmw(c, i, i->osz) & size_mask(i->osz)); next(c, i); }

OP(neg_E)
{
    uint32_t a = rm_read_rmw(c, i, i->osz), r = (0 - a) & size_mask(i->osz);
    lf_set(c, LF_NEG, i->osz, r, 0, a);
    rm_write(c, i, i->osz, r);
    next(c, i);
}

/* Flags after MUL/IMUL: CF=OF=overflow; SF/ZF/PF from the low half as P6 does, AF clear. */
static void mul_flags(struct cpu *c, int size, uint32_t lo, int ovf)
{
    lo &= size_mask(size);
    uint32_t f = (ovf ? F_CF | F_OF : 0) | (lo == 0 ? F_ZF : 0) | (lo & sign_bit(size) ? F_SF : 0)
               | (parity_table[lo & 0xff] ? F_PF : 0);
    flags_set_arith(c, F_ARITH, f);
}

OP(mul_E)
{
    int sz = i->osz;
    uint64_t p = (uint64_t)reg_get(c, R_EAX, sz) * rm_read(c, i, sz);
    if (sz == 1) {
        reg_set(c, R_EAX, 2, (uint32_t)p);
        mul_flags(c, 1, (uint32_t)p, (p >> 8) != 0);
    } else {
        reg_set(c, R_EAX, sz, (uint32_t)p);
        reg_set(c, R_EDX, sz, (uint32_t)(p >> (8 * sz)));
        mul_flags(c, sz, (uint32_t)p, (p >> (8 * sz)) != 0);
    }
    next(c, i);
}

OP(imul_E)
{
    int sz = i->osz;
    int64_t p = (int64_t)(int32_t)sext(reg_get(c, R_EAX, sz), sz) * (int32_t)sext(rm_read(c, i, sz), sz);
    int ovf = p != (int64_t)(int32_t)sext((uint32_t)p & size_mask(sz), sz);
    if (sz == 1) {
        reg_set(c, R_EAX, 2, (uint32_t)p);
    } else {
        reg_set(c, R_EAX, sz, (uint32_t)p);
        reg_set(c, R_EDX, sz, (uint32_t)((uint64_t)p >> (8 * sz)));
    }
    mul_flags(c, sz, (uint32_t)p, ovf);
    next(c, i);
}

static void imul_to_reg(struct cpu *c, const struct insn *i, uint32_t a, uint32_t b)
{
    int sz = i->osz;
    int64_t p = (int64_t)(int32_t)sext(a, sz) * (int32_t)sext(b & size_mask(sz), sz);
    int ovf = p != (int64_t)(int32_t)sext((uint32_t)p & size_mask(sz), sz);
    reg_set(c, i->reg, sz, (uint32_t)p);
    mul_flags(c, sz, (uint32_t)p, ovf);
    next(c, i);
}
OP(imul_GE) { imul_to_reg(c, i, reg_get(c, i->reg, i->osz), rm_read(c, i, i->osz)); }
OP(imul_GEI) { imul_to_reg(c, i, rm_read(c, i, i->osz), i->imm); }

OP(div_E)
{
    int sz = i->osz, bits = 8 * sz;
    uint64_t d = rm_read(c, i, sz);
    uint64_t n = sz == 1 ? reg_get(c, R_EAX, 2)
               : ((uint64_t)reg_get(c, R_EDX, sz) << bits) | reg_get(c, R_EAX, sz);
    if (d == 0 || n / d > size_mask(sz))
        cpu_fault0(c, EX_DE);
    uint64_t q = n / d, r = n % d;
    if (sz == 1) {
        reg_set(c, R_EAX, 2, (uint32_t)(q | r << 8));
    } else {
        reg_set(c, R_EAX, sz, (uint32_t)q);
        reg_set(c, R_EDX, sz, (uint32_t)r);
    }
    next(c, i);
}

OP(idiv_E)
{
    int sz = i->osz, bits = 8 * sz;
    int64_t d = (int32_t)sext(rm_read(c, i, sz), sz);
    int64_t n = sz == 1 ? (int16_t)reg_get(c, R_EAX, 2)
              : sz == 2 ? (int32_t)((reg_get(c, R_EDX, 2) << 16) | reg_get(c, R_EAX, 2))
              : (int64_t)(((uint64_t)c->reg[R_EDX] << 32) | c->reg[R_EAX]);
    if (d == 0 || (n == INT64_MIN && d == -1))
        cpu_fault0(c, EX_DE);
    int64_t q = n / d, r = n % d;
    int64_t lim = (int64_t)1 << (bits - 1);
    if (q >= lim || q < -lim)
        cpu_fault0(c, EX_DE);
    if (sz == 1) {
        reg_set(c, R_EAX, 2, ((uint32_t)q & 0xff) | ((uint32_t)r & 0xff) << 8);
    } else {
        reg_set(c, R_EAX, sz, (uint32_t)q);
        reg_set(c, R_EDX, sz, (uint32_t)r);
    }
    next(c, i);
}

/* ---- shifts and rotates ---- */
static uint32_t szf_pf(uint32_t r, int size)
{
    r &= size_mask(size);
    return (r == 0 ? F_ZF : 0) | (r & sign_bit(size) ? F_SF : 0) | (parity_table[r & 0xff] ? F_PF : 0);
}

/* Performs shift/rotate `op` of `a` by an already masked count != 0. */
static uint32_t shift(struct cpu *c, int op, int size, uint32_t a, unsigned cnt)
{
    unsigned bits = 8 * size;
    uint32_t m = size_mask(size), r, cf, of;
    a &= m;
    switch (op) {
    case 0: { /* ROL */
        unsigned k = cnt % bits;
        r = k ? ((a << k) | (a >> (bits - k))) & m : a;
        cf = r & 1;
        of = ((r >> (bits - 1)) & 1) ^ cf;
        flags_set_arith(c, F_CF | F_OF, (cf ? F_CF : 0) | (of ? F_OF : 0));
        return r;
    }
    case 1: { /* ROR */
        unsigned k = cnt % bits;
        r = k ? ((a >> k) | (a << (bits - k))) & m : a;
        cf = (r >> (bits - 1)) & 1;
        of = cf ^ ((r >> (bits - 2)) & 1);
        flags_set_arith(c, F_CF | F_OF, (cf ? F_CF : 0) | (of ? F_OF : 0));
        return r;
    }
    case 2: case 3: { /* RCL, RCR: rotate through CF, a (bits+1)-bit rotation */
        unsigned k = cnt % (bits + 1);
        uint64_t v = (uint64_t)a | (uint64_t)flag_cf(c) << bits, mm = ((uint64_t)1 << (bits + 1)) - 1;
        if (k) v = op == 2 ? ((v << k) | (v >> (bits + 1 - k))) & mm : ((v >> k) | (v << (bits + 1 - k))) & mm;
        r = (uint32_t)v & m;
        cf = (uint32_t)(v >> bits) & 1;
        of = op == 2 ? ((r >> (bits - 1)) & 1) ^ cf : ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
        flags_set_arith(c, F_CF | F_OF, (cf ? F_CF : 0) | (of ? F_OF : 0));
        return r;
    }
    case 4: case 6: /* SHL/SAL */
        r = (uint32_t)((uint64_t)a << cnt) & m;
        cf = cnt <= bits ? (uint32_t)((uint64_t)a >> (bits - cnt)) & 1 : 0;
        of = ((r >> (bits - 1)) & 1) ^ cf;
        break;
    case 5: /* SHR */
        r = (uint32_t)((uint64_t)a >> cnt);
        cf = (uint32_t)((uint64_t)a >> (cnt - 1)) & 1;
        of = (a >> (bits - 1)) & 1;
        break;
    default: { /* SAR */
        int64_t s = (int32_t)sext(a, size);
        r = (uint32_t)(s >> (cnt > 63 ? 63 : cnt)) & m;
        cf = (uint32_t)(s >> (cnt - 1 > 63 ? 63 : cnt - 1)) & 1;
        of = 0;
        break;
    }
    }
    flags_set_arith(c, F_ARITH, szf_pf(r, size) | (cf ? F_CF : 0) | (of ? F_OF : 0));
    return r;
}

static void shift_rm(struct cpu *c, const struct insn *i, unsigned cnt)
{
    cnt &= 31;
    if (!cnt) {
        rm_read(c, i, i->osz);   /* the operand is still accessed */
        next(c, i);
        return;
    }
    uint32_t a = rm_read_rmw(c, i, i->osz);
    rm_write(c, i, i->osz, shift(c, i->reg, i->osz, a, cnt));
    next(c, i);
}
OP(shift_E1) { shift_rm(c, i, 1); }
OP(shift_ECL) { shift_rm(c, i, c->reg[R_ECX] & 0xff); }
OP(shift_EI) { shift_rm(c, i, i->imm); }

/* SHLD/SHRD: count masked to 5 bits; counts above the operand size leave
 * the result and flags undefined (we shift through a 64-bit window). */
static void shxd(struct cpu *c, const struct insn *i, unsigned cnt, int left)
{
    int sz = i->osz;
    unsigned bits = 8 * sz;
    cnt &= 31;
    if (!cnt) { rm_read(c, i, sz); next(c, i); return; }
    uint32_t a = rm_read_rmw(c, i, sz), b = reg_get(c, i->reg, sz), r, cf;
    if (sz == 4) {
        uint64_t v = left ? ((uint64_t)a << 32 | b) : ((uint64_t)b << 32 | a);
        if (left) { r = (uint32_t)((v << cnt) >> 32); cf = (uint32_t)(v >> (64 - cnt)) & 1; }
        else { r = (uint32_t)(v >> cnt); cf = (uint32_t)(v >> (cnt - 1)) & 1; }
    } else {
        /* 16-bit: counts 17-31 are undefined; we rotate through dest:src:dest as P6 does */
        uint64_t v = left ? ((uint64_t)a << 32 | (uint64_t)b << 16 | a) : ((uint64_t)a << 32 | (uint64_t)b << 16 | a);
        if (left) {
            r = (uint32_t)((v << cnt) >> 32) & 0xffff;
            cf = (uint32_t)(v >> (48 - cnt)) & 1;
        } else {
            r = (uint32_t)(v >> cnt) & 0xffff;
            cf = (uint32_t)(v >> (cnt - 1)) & 1;
        }
    }
    uint32_t of = ((r ^ a) >> (bits - 1)) & 1;
    flags_set_arith(c, F_ARITH, szf_pf(r, sz) | (cf ? F_CF : 0) | (of ? F_OF : 0));
    rm_write(c, i, sz, r);
    next(c, i);
}
OP(shld_I) { shxd(c, i, i->imm, 1); }
OP(shld_CL) { shxd(c, i, c->reg[R_ECX], 1); }
OP(shrd_I) { shxd(c, i, i->imm, 0); }
OP(shrd_CL) { shxd(c, i, c->reg[R_ECX], 0); }

/* ---- bit tests ---- */
enum { BT_TEST, BT_SET, BT_RESET, BT_COMP };

static uint32_t bt_apply(struct cpu *c, int kind, uint32_t v, unsigned bit)
{
    uint32_t m = 1u << bit;
    flags_set_arith(c, F_CF, (v & m) ? F_CF : 0);
    return kind == BT_SET ? v | m : kind == BT_RESET ? v & ~m : kind == BT_COMP ? v ^ m : v;
}

static void bt_common(struct cpu *c, const struct insn *i, int kind, uint32_t off, int reg_offset)
{
    int sz = i->osz, bits = 8 * sz;
    if (i->mod == 3) {
        uint32_t v = reg_get(c, i->rm, sz);
        uint32_t r = bt_apply(c, kind, v, off & (bits - 1));
        if (kind != BT_TEST) reg_set(c, i->rm, sz, r);
        next(c, i);
        return;
    }
    uint32_t ea = insn_ea(c, i);
    if (reg_offset) {
        /* a register bit offset is signed and may reach outside the operand */
        int32_t so = sz == 2 ? (int16_t)off : (int32_t)off;
        ea += (uint32_t)((so >> (sz == 2 ? 4 : 5)) * sz);
        if (i->asz == 2) ea &= 0xffff;
    }
    unsigned bit = off & (bits - 1);
    if (kind == BT_TEST) {
        bt_apply(c, kind, mem_read(c, i->seg, ea, sz), bit);
    } else {
        uint32_t v = mem_read_rmw(c, i->seg, ea, sz);
        mem_write(c, i->seg, ea, bt_apply(c, kind, v, bit), sz);
    }
    next(c, i);
}
OP(bt_EG) { bt_common(c, i, BT_TEST, reg_get(c, i->reg, i->osz), 1); }
OP(bts_EG) { bt_common(c, i, BT_SET, reg_get(c, i->reg, i->osz), 1); }
OP(btr_EG) { bt_common(c, i, BT_RESET, reg_get(c, i->reg, i->osz), 1); }
OP(btc_EG) { bt_common(c, i, BT_COMP, reg_get(c, i->reg, i->osz), 1); }
OP(btx_EI) { bt_common(c, i, i->reg - 4, i->imm, 0); }

/* BSF/BSR: a zero source sets ZF and leaves the destination as it was. */
static void bitscan(struct cpu *c, const struct insn *i, int rev)
{
    uint32_t v = rm_read(c, i, i->osz);
    if (!v) {
        flags_set_arith(c, F_ARITH, F_ZF);
    } else {
        uint32_t idx = rev ? 31u - (uint32_t)__builtin_clz(v) : (uint32_t)__builtin_ctz(v);
        reg_set(c, i->reg, i->osz, idx);
        flags_set_arith(c, F_ARITH, parity_table[idx & 0xff] ? F_PF : 0);
    }
    next(c, i);
}
OP(bsf) { bitscan(c, i, 0); }
OP(bsr) { bitscan(c, i, 1); }

OP(bswap)
{
    int r = i->b1 & 7;
    /* with a 16-bit operand the result is undefined; P6 clears the low word */
    if (i->osz == 2) reg_set(c, r, 2, 0);
    else c->reg[r] = __builtin_bswap32(c->reg[r]);
    next(c, i);
}

OP(xadd)
{
    int sz = i->osz;
    uint32_t d = rm_read_rmw(c, i, sz), s = reg_get(c, i->reg, sz);
    uint32_t r = (d + s) & size_mask(sz);
    if (i->mod != 3) rm_write(c, i, sz, r);
    reg_set(c, i->reg, sz, d);
    if (i->mod == 3) reg_set(c, i->rm, sz, r);
    lf_set(c, LF_ADD, sz, r, d, s);
    next(c, i);
}

OP(cmpxchg)
{
    int sz = i->osz;
    uint32_t d = rm_read_rmw(c, i, sz), acc = reg_get(c, R_EAX, sz);
    if (acc == d) {
        rm_write(c, i, sz, reg_get(c, i->reg, sz));
    } else {
        /* the destination is written back unchanged (a locked cycle always writes) */
        rm_write(c, i, sz, d);
        reg_set(c, R_EAX, sz, d);
    }
    lf_set(c, LF_SUB, sz, (acc - d) & size_mask(sz), acc, d);
    next(c, i);
}

OP(cmpxchg8b)
{
    uint32_t ea = insn_ea(c, i);
    uint32_t lo = mem_read_rmw(c, i->seg, ea, 4);
    uint32_t hi = mem_read_rmw(c, i->seg, ea + 4, 4);
    int eq = lo == c->reg[R_EAX] && hi == c->reg[R_EDX];
    if (eq) {
        mem_write(c, i->seg, ea, c->reg[R_EBX], 4);
        mem_write(c, i->seg, ea + 4, c->reg[R_ECX], 4);
    } else {
        mem_write(c, i->seg, ea, lo, 4);
        mem_write(c, i->seg, ea + 4, hi, 4);
        c->reg[R_EAX] = lo;
        c->reg[R_EDX] = hi;
    }
    flags_set_arith(c, F_ZF, eq ? F_ZF : 0);
    next(c, i);
}

/* ---- BCD adjusts (SDM pseudo-code) ---- */
OP(daa)
{
    uint32_t al = c->reg[R_EAX] & 0xff, old = al;
    int cf = flag_cf(c), af = flag_af(c), ncf = 0, naf = 0;
    if ((al & 0xf) > 9 || af) { al += 6; ncf = cf || al > 0xff; naf = 1; al &= 0xff; }
    if (old > 0x99 || cf) { al = (al + 0x60) & 0xff; ncf = 1; }
    reg_set(c, R_EAX, 1, al);
    flags_set_arith(c, F_ARITH, szf_pf(al, 1) | (ncf ? F_CF : 0) | (naf ? F_AF : 0));
    next(c, i);
}

OP(das)
{
    uint32_t al = c->reg[R_EAX] & 0xff, old = al;
    int cf = flag_cf(c), af = flag_af(c), ncf = 0, naf = 0;
    if ((al & 0xf) > 9 || af) { ncf = cf || al < 6; al = (al - 6) & 0xff; naf = 1; }
    if (old > 0x99 || cf) { al = (al - 0x60) & 0xff; ncf = 1; }
    reg_set(c, R_EAX, 1, al);
    flags_set_arith(c, F_ARITH, szf_pf(al, 1) | (ncf ? F_CF : 0) | (naf ? F_AF : 0));
    next(c, i);
}

static void aaa_aas(struct cpu *c, const struct insn *i, int sub)
{
    uint32_t ax = c->reg[R_EAX] & 0xffff;
    int adj = (ax & 0xf) > 9 || flag_af(c);
    if (adj) ax = sub ? ax - 0x106 : ax + 0x106;
    ax &= 0xff0f;
    reg_set(c, R_EAX, 2, ax);
    flags_set_arith(c, F_ARITH, szf_pf(ax & 0xff, 1) | (adj ? F_CF | F_AF : 0));
    next(c, i);
}
OP(aaa) { aaa_aas(c, i, 0); }
OP(aas) { aaa_aas(c, i, 1); }

OP(aam)
{
    uint32_t base = i->imm & 0xff, al = c->reg[R_EAX] & 0xff;
    if (!base) cpu_fault0(c, EX_DE);
    uint32_t nal = al % base;
    reg_set(c, R_EAX, 2, (al / base) << 8 | nal);
    flags_set_arith(c, F_ARITH, szf_pf(nal, 1));
    next(c, i);
}

OP(aad)
{
    uint32_t ax = c->reg[R_EAX];
    uint32_t al = ((ax & 0xff) + ((ax >> 8) & 0xff) * (i->imm & 0xff)) & 0xff;
    reg_set(c, R_EAX, 2, al);
    flags_set_arith(c, F_ARITH, szf_pf(al, 1));
    next(c, i);
}

OP(salc) { reg_set(c, R_EAX, 1, flag_cf(c) ? 0xff : 0); next(c, i); }

OP(setcc) { rm_write(c, i, 1, (uint32_t)cond(c, i->b1 & 15)); next(c, i); }

OP(cmovcc)
{
    /* the source is read whatever the condition, so a bad operand faults either way */
    uint32_t v = rm_read(c, i, i->osz);
    if (cond(c, i->b1 & 15)) reg_set(c, i->reg, i->osz, v);
    next(c, i);
}

OP(cbw)
{
    if (i->osz == 2) reg_set(c, R_EAX, 2, sext(c->reg[R_EAX] & 0xff, 1));
    else c->reg[R_EAX] = sext(c->reg[R_EAX] & 0xffff, 2);
    next(c, i);
}

OP(cwd)
{
    if (i->osz == 2) reg_set(c, R_EDX, 2, (c->reg[R_EAX] & 0x8000) ? 0xffff : 0);
    else c->reg[R_EDX] = (c->reg[R_EAX] & 0x80000000u) ? 0xffffffffu : 0;
    next(c, i);
}

OP(lahf) { reg_set(c, R_EAX + 4, 1, (cpu_get_eflags(c) & 0xd5) | 2); next(c, i); }

OP(sahf)
{
    uint32_t ah = (c->reg[R_EAX] >> 8) & 0xff;
    flags_set_arith(c, F_CF | F_PF | F_AF | F_ZF | F_SF, ah);
    next(c, i);
}

OP(clc) { flags_set_arith(c, F_CF, 0); next(c, i); }
OP(stc) { flags_set_arith(c, F_CF, F_CF); next(c, i); }
OP(cmc) { flags_set_arith(c, F_CF, flag_cf(c) ? 0 : F_CF); next(c, i); }
OP(cld) { c->eflags &= ~F_DF; next(c, i); }
OP(std) { c->eflags |= F_DF; next(c, i); }
