/* The x87 instructions of the 387/486/Pentium Pro: the opcode tables the
 * decoder resolves escapes D8-DF through, and their handlers. The values
 * are 80-bit and all arithmetic is f80.c's, so every host gives the bits a
 * real x87 gives. The environment, save-area and control instructions are
 * in x87-env.c.
 *
 * Every handler follows one order: #NM and pending-exception checks, then
 * the memory operand (read, or probed for a store), so a fault leaves no
 * trace; then the x87 state changes.
 *
 * Exceptions. An operation reports the exceptions it raised in the status
 * word. When one is not masked in CW, ES and B are set, and the next
 * waiting x87 instruction (FWAIT included) raises #MF when CR0.NE = 1. With
 * CR0.NE = 0 relic drives FERR# (c->ferr, IRQ 13 through the board) as soon
 * as ES is set, and a waiting instruction that finds ES set goes on as if
 * IGNNE# were asserted; FERR# drops when ES is cleared. Unmasked IE, ZE and
 * DE leave the destination (and TOP) unchanged; unmasked OE and UE write
 * the exponent-wrapped result to a register but store nothing to memory;
 * unmasked PE writes the result. Stack overflow and underflow are IE with
 * SF, C1 = 1 for overflow and 0 for underflow; masked, the destination gets
 * the real indefinite (QNaN). */
#include "x87-impl.h"

/* ---- exceptions ---- */

/* Records the exceptions in fl (SW_EXC and SW_SF bits) in the status word;
 * returns the unmasked ones. */
static unsigned note_exc(struct cpu *c, unsigned fl)
{
    c->fpu.sw |= (uint16_t)(fl & (SW_EXC | SW_SF));
    unsigned unm = fl & SW_EXC & ~c->fpu.cw;
    if (unm && !(c->fpu.sw & SW_ES)) {
        c->fpu.sw |= SW_ES | SW_B;
        if (!(c->cr0 & CR0_NE))
            x87_ferr(c, 1);
    }
    return unm;
}

/* The x87 stops at the first unmasked exception in priority order: invalid
 * operation, then zero divide, then denormal operand, all detected before
 * the operation; overflow, underflow and precision come after it. The
 * library computes the masked responses all the way through, so the flags
 * an unmasked early exception would have prevented are dropped here. */
static unsigned prio(const struct cpu *c, unsigned fl)
{
    unsigned unm = fl & ~c->fpu.cw & SW_EXC;
    if (unm & SW_IE)
        return fl & (SW_IE | SW_SF);
    if (unm & SW_ZE)
        return fl & (SW_IE | SW_ZE);
    if (unm & SW_DE)
        return fl & (SW_IE | SW_ZE | SW_DE);
    return fl;
}

static inline void set_c1(struct cpu *c, int on)
{
    c->fpu.sw = (uint16_t)((c->fpu.sw & ~SW_C1) | (on ? SW_C1 : 0));
}
static inline void set_cc(struct cpu *c, unsigned cc)
{
    c->fpu.sw = (uint16_t)((c->fpu.sw & ~SW_CC) | (cc & SW_CC));
}

/* ---- register stack ---- */

static void st_set(struct cpu *c, int i, f80 v)
{
    int p = fp_phys(c, i);
    c->fpu.st[p].sig = v.sig;
    c->fpu.st[p].se = v.se;
    fp_set_tag(c, p, fp_tag_of(v.sig, v.se));
}
static void st_push(struct cpu *c, f80 v)
{
    c->fpu.top = (c->fpu.top - 1) & 7;
    st_set(c, 0, v);
}
static void st_pop(struct cpu *c)
{
    fp_set_tag(c, fp_phys(c, 0), FTAG_EMPTY);
    c->fpu.top = (c->fpu.top + 1) & 7;
}
static void st_popn(struct cpu *c, int n)
{
    while (n-- > 0)
        st_pop(c);
}

/* Stack underflow (an empty operand): masked, ST(dst) (none if dst < 0)
 * gets the indefinite and npop registers are popped. */
static void underflow(struct cpu *c, int dst, int npop)
{
    unsigned unm = note_exc(c, SW_IE | SW_SF);
    set_c1(c, 0);
    if (unm)
        return;
    if (dst >= 0)
        st_set(c, dst, f80_indefinite());
    st_popn(c, npop);
}
/* Stack overflow (a push onto a full register): masked, the indefinite is pushed. */
static void overflow(struct cpu *c)
{
    unsigned unm = note_exc(c, SW_IE | SW_SF);
    set_c1(c, 1);
    if (!unm)
        st_push(c, f80_indefinite());
}

/* Context for one operation: CW rounding, exception masks, and the
 * precision control only for the operations it applies to (add, sub, mul,
 * div, sqrt). PC = 01 (reserved) rounds as 64 bits, as the hardware does. */
static void ctx_init(const struct cpu *c, struct f80_ctx *x, int use_pc)
{
    int pc = (c->fpu.cw >> 8) & 3;
    x->rc = (c->fpu.cw >> 10) & 3;
    x->pc = use_pc && pc != 1 ? pc : F80_PC64;
    x->flags = 0;
    x->masks = c->fpu.cw & SW_EXC;
}

/* Commits a result to ST(dst): unless an unmasked IE, ZE or DE stops it,
 * writes it and pops npop times. C1 = rounded up. */
static void result(struct cpu *c, int dst, f80 r, unsigned fl, int npop)
{
    fl = prio(c, fl);
    unsigned unm = note_exc(c, fl);
    set_c1(c, !(unm & (SW_IE | SW_ZE | SW_DE)) && (fl & F80_C1));
    if (unm & (SW_IE | SW_ZE | SW_DE))
        return;
    st_set(c, dst, r);
    st_popn(c, npop);
}

/* Pushes a loaded value: overflow first, then the load's own exceptions.
 * Only an unmasked IE stops a load: a denormal single or double is loaded
 * even with DE unmasked, as the host x87 does. C1 = 0. */
static void push_result(struct cpu *c, f80 v, unsigned fl)
{
    if (!fp_empty(c, 7)) {
        overflow(c);
        return;
    }
    fl = prio(c, fl);
    unsigned unm = note_exc(c, fl);
    set_c1(c, 0);
    if (unm & SW_IE)
        return;
    st_push(c, v);
}

/* The last-instruction pointers, kept for every non-control instruction. */
static void mark(struct cpu *c, const struct insn *i)
{
    c->fpu.fop = (uint16_t)(((i->b1 & 7u) << 8) | i->modrm);
    c->fpu.fip = c->eip;
    c->fpu.fcs = c->seg[S_CS].sel;
    if (i->mod != 3) {
        c->fpu.fdp = insn_ea(c, i);
        c->fpu.fds = c->seg[i->seg].sel;
    }
}

/* Entry of a waiting, non-control instruction without memory operand. */
static void begin(struct cpu *c, const struct insn *i)
{
    x87_enter(c, 1);
    mark(c, i);
}

/* ---- memory operand loads and stores ---- */

static uint32_t ld16(struct cpu *c, const struct insn *i)
{
    return lin_read(c, x87_opnd(c, i, 2, 0, 2), 2);
}
static uint32_t ld32(struct cpu *c, const struct insn *i)
{
    return lin_read(c, x87_opnd(c, i, 4, 0, 4), 4);
}
static uint64_t ld64(struct cpu *c, const struct insn *i)
{
    uint32_t lin = x87_opnd(c, i, 8, 0, 8);
    uint64_t lo = lin_read(c, lin, 4);
    return lo | (uint64_t)lin_read(c, lin + 4, 4) << 32;
}
static void ld80(struct cpu *c, const struct insn *i, uint8_t b[10])
{
    uint32_t lin = x87_opnd(c, i, 10, 0, 8);
    uint32_t a = lin_read(c, lin, 4), d = lin_read(c, lin + 4, 4), e = lin_read(c, lin + 8, 2);
    for (int k = 0; k < 4; k++) {
        b[k] = (uint8_t)(a >> 8 * k);
        b[4 + k] = (uint8_t)(d >> 8 * k);
    }
    b[8] = (uint8_t)e;
    b[9] = (uint8_t)(e >> 8);
}
static f80 f80_of_bytes(const uint8_t b[10])
{
    f80 v = { ld64le(b), ld16le(b + 8) };
    return v;
}
static void bytes_of_f80(uint8_t b[10], f80 v)
{
    st64le(b, v.sig);
    st16le(b + 8, v.se);
}
static void st_bytes(struct cpu *c, uint32_t lin, const uint8_t *b, int n)
{
    int k = 0;
    for (; k + 4 <= n; k += 4)
        lin_write(c, lin + k, ld32le(b + k), 4);
    if (k + 2 <= n)
        lin_write(c, lin + k, ld16le(b + k), 2);
}

/* The memory operand of a D8/DA/DC/DE (or FLD/FCOM family) instruction,
 * converted to f80 with the conversion's own exceptions in x. */
enum { M_F32, M_F64, M_I16, M_I32, M_I64 };
enum { CMP_ORDERED = 0, CMP_QUIET = 1 };
struct mval { uint64_t bits; int kind; };
static struct mval mem_load(struct cpu *c, const struct insn *i, int kind)
{
    struct mval m = { 0, kind };
    switch (kind) {
    case M_F32: case M_I32: m.bits = ld32(c, i); break;
    case M_I16: m.bits = ld16(c, i); break;
    default: m.bits = ld64(c, i); break;
    }
    return m;
}
static f80 mem_value(struct f80_ctx *x, struct mval m)
{
    switch (m.kind) {
    case M_F32: return f80_from_f32(x, (uint32_t)m.bits);
    case M_F64: return f80_from_f64(x, m.bits);
    case M_I16: return f80_from_i64((int16_t)m.bits);
    case M_I32: return f80_from_i64((int32_t)m.bits);
    default: return f80_from_i64((int64_t)m.bits);
    }
}

static f80 arith(struct f80_ctx *x, int op, f80 a, f80 b);

/* The memory operand of an arithmetic or compare instruction. A NaN keeps
 * its signaling bit, so the operation applies the x87 NaN rules (a QNaN
 * wins over an SNaN, else the larger significand) to the operands as they
 * were. */
static f80 mem_operand(struct f80_ctx *x, struct mval m)
{
    if (m.kind == M_F32 && (m.bits & 0x7f800000u) == 0x7f800000u && (m.bits & 0x7fffffu))
        return f80_make((int)(m.bits >> 31 & 1), 0x7fff, 1ull << 63 | (m.bits & 0x7fffffu) << 40);
    if (m.kind == M_F64 && (m.bits >> 52 & 0x7ff) == 0x7ff && (m.bits & 0xfffffffffffffull))
        return f80_make((int)(m.bits >> 63), 0x7fff, 1ull << 63 | (m.bits & 0xfffffffffffffull) << 11);
    return mem_value(x, m);
}

/* A single or double denormal is normal once widened, so the operation
 * cannot tell whether its denormal-operand exception stands: a NaN or
 * unsupported operand, or a zero divide, takes precedence. This asks the
 * operation what it does with an extended denormal of the same sign in
 * that place, and keeps the loaded operand's DE only if that raises DE too.
 * op: an arith() operation, or -1 for a compare. */
static void mem_denormal(struct f80_ctx *x, int op, f80 a, f80 b)
{
    if (!(x->flags & SW_DE))
        return;
    struct f80_ctx y = *x;
    y.flags = 0;
    f80 d = f80_make(b.se >> 15, 0, 1);
    if (op < 0)
        f80_compare(&y, a, d, CMP_ORDERED);
    else
        arith(&y, op, a, d);
    if (!(y.flags & SW_DE))
        x->flags &= ~(unsigned)SW_DE;
}

/* ---- arithmetic: ModRM.reg picks the operation (0 add, 1 mul, 4 sub,
 * 5 subr, 6 div, 7 divr) as the memory and D8 forms encode it ---- */

static f80 arith(struct f80_ctx *x, int op, f80 a, f80 b)
{
    switch (op) {
    case 0: return f80_add(x, a, b);
    case 1: return f80_mul(x, a, b);
    case 4: return f80_sub(x, a, b);
    case 5: return f80_sub(x, b, a);
    case 6: return f80_div(x, a, b);
    default: return f80_div(x, b, a);
    }
}

/* FADD..FDIVR m32fp/m64fp and FIADD..FIDIVR m16int/m32int: ST0 = ST0 op m. */
static void arith_mem(struct cpu *c, const struct insn *i, int kind)
{
    x87_enter(c, 1);
    struct mval m = mem_load(c, i, kind);
    mark(c, i);
    if (fp_empty(c, 0)) {
        underflow(c, 0, 0);
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, 1);
        f80 a = fp_get(c, 0);
        f80 b = mem_operand(&x, m);
        mem_denormal(&x, i->reg, a, b);
        f80 r = arith(&x, i->reg, a, b);
        result(c, 0, r, x.flags, 0);
    }
    next(c, i);
}
static void ex_farith_m32(struct cpu *c, const struct insn *i) { arith_mem(c, i, M_F32); }
static void ex_farith_m64(struct cpu *c, const struct insn *i) { arith_mem(c, i, M_F64); }
static void ex_fiarith_m32(struct cpu *c, const struct insn *i) { arith_mem(c, i, M_I32); }
static void ex_fiarith_m16(struct cpu *c, const struct insn *i) { arith_mem(c, i, M_I16); }

/* Register forms: dst = dst op src, then npop pops. */
static void arith_reg(struct cpu *c, const struct insn *i, int op, int dst, int src, int npop)
{
    begin(c, i);
    if (fp_empty(c, dst) || fp_empty(c, src)) {
        underflow(c, dst, npop);
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, 1);
        f80 r = arith(&x, op, fp_get(c, dst), fp_get(c, src));
        result(c, dst, r, x.flags, npop);
    }
    next(c, i);
}
/* D8 C0-FF: FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR ST(0), ST(i). */
static void ex_farith_st0(struct cpu *c, const struct insn *i) { arith_reg(c, i, i->reg, 0, i->rm, 0); }
/* DC/DE: ST(i) = ST(i) op ST(0), where E0/F0 are the reversed forms
 * (FSUBR, FDIVR) and E8/F8 the plain ones: the reg field's low bit flips. */
static int rev_op(int reg) { return reg >= 4 ? reg ^ 1 : reg; }
static void ex_farith_sti(struct cpu *c, const struct insn *i) { arith_reg(c, i, rev_op(i->reg), i->rm, 0, 0); }
static void ex_farithp_sti(struct cpu *c, const struct insn *i) { arith_reg(c, i, rev_op(i->reg), i->rm, 0, 1); }

/* ---- compares ---- */

static unsigned cmp_cc(int r)
{
    switch (r) {
    case F80_LT: return SW_C0;
    case F80_EQ: return SW_C3;
    case F80_GT: return 0;
    default: return SW_C3 | SW_C2 | SW_C0;
    }
}

/* FCOM family: C3 C2 C0 from the comparison, C1 = 0. The condition codes
 * are written even when an unmasked exception stops the pops. */
static void fcom_done(struct cpu *c, int r, unsigned fl, int npop)
{
    fl = prio(c, fl);
    unsigned unm = note_exc(c, fl);
    set_cc(c, cmp_cc(r));
    if (!(unm & (SW_IE | SW_DE)))
        st_popn(c, npop);
}
static void fcom_empty(struct cpu *c, int npop)
{
    unsigned unm = note_exc(c, SW_IE | SW_SF);
    set_cc(c, cmp_cc(F80_UN));
    if (!unm)
        st_popn(c, npop);
}
static void fcom_reg(struct cpu *c, const struct insn *i, int src, int npop, int quiet)
{
    begin(c, i);
    if (fp_empty(c, 0) || fp_empty(c, src)) {
        fcom_empty(c, npop);
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, 0);
        int r = f80_compare(&x, fp_get(c, 0), fp_get(c, src), quiet);
        fcom_done(c, r, x.flags, npop);
    }
    next(c, i);
}
static void fcom_mem(struct cpu *c, const struct insn *i, int kind, int npop)
{
    x87_enter(c, 1);
    struct mval m = mem_load(c, i, kind);
    mark(c, i);
    if (fp_empty(c, 0)) {
        fcom_empty(c, npop);
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, 0);
        f80 a = fp_get(c, 0);
        f80 b = mem_operand(&x, m);
        mem_denormal(&x, -1, a, b);
        int r = f80_compare(&x, a, b, CMP_ORDERED);
        fcom_done(c, r, x.flags, npop);
    }
    next(c, i);
}
static void ex_fcom_m32(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_F32, 0); }
static void ex_fcomp_m32(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_F32, 1); }
static void ex_fcom_m64(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_F64, 0); }
static void ex_fcomp_m64(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_F64, 1); }
static void ex_ficom_m32(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_I32, 0); }
static void ex_ficomp_m32(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_I32, 1); }
static void ex_ficom_m16(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_I16, 0); }
static void ex_ficomp_m16(struct cpu *c, const struct insn *i) { fcom_mem(c, i, M_I16, 1); }
static void ex_fcom(struct cpu *c, const struct insn *i) { fcom_reg(c, i, i->rm, 0, CMP_ORDERED); }
static void ex_fcomp(struct cpu *c, const struct insn *i) { fcom_reg(c, i, i->rm, 1, CMP_ORDERED); }
static void ex_fcompp(struct cpu *c, const struct insn *i) { fcom_reg(c, i, 1, 2, CMP_ORDERED); }
static void ex_fucom(struct cpu *c, const struct insn *i) { fcom_reg(c, i, i->rm, 0, CMP_QUIET); }
static void ex_fucomp(struct cpu *c, const struct insn *i) { fcom_reg(c, i, i->rm, 1, CMP_QUIET); }
static void ex_fucompp(struct cpu *c, const struct insn *i) { fcom_reg(c, i, 1, 2, CMP_QUIET); }

/* FCOMI/FUCOMI(P): ZF PF CF from the comparison, OF SF AF cleared, even
 * when an unmasked exception stops the pop; C1 is cleared only by a stack
 * underflow. */
static void fcomi(struct cpu *c, const struct insn *i, int npop, int quiet)
{
    begin(c, i);
    int r = F80_UN;
    unsigned fl;
    if (fp_empty(c, 0) || fp_empty(c, i->rm)) {
        fl = SW_IE | SW_SF;
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, 0);
        r = f80_compare(&x, fp_get(c, 0), fp_get(c, i->rm), quiet);
        fl = prio(c, x.flags);
    }
    unsigned unm = note_exc(c, fl);
    if (fl & SW_SF)
        set_c1(c, 0);
    uint32_t f = r == F80_LT ? F_CF : r == F80_EQ ? F_ZF : r == F80_GT ? 0 : F_ZF | F_PF | F_CF;
    flags_set_arith(c, F_ARITH, f);
    if (!(unm & (SW_IE | SW_DE)))
        st_popn(c, npop);
    next(c, i);
}
static void ex_fcomi(struct cpu *c, const struct insn *i) { fcomi(c, i, 0, CMP_ORDERED); }
static void ex_fcomip(struct cpu *c, const struct insn *i) { fcomi(c, i, 1, CMP_ORDERED); }
static void ex_fucomi(struct cpu *c, const struct insn *i) { fcomi(c, i, 0, CMP_QUIET); }
static void ex_fucomip(struct cpu *c, const struct insn *i) { fcomi(c, i, 1, CMP_QUIET); }

/* FTST: ST0 against +0.0, as FCOM. */
static void ex_ftst(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    if (fp_empty(c, 0)) {
        fcom_empty(c, 0);
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, 0);
        int r = f80_compare(&x, fp_get(c, 0), f80_make(0, 0, 0), CMP_ORDERED);
        fcom_done(c, r, x.flags, 0);
    }
    next(c, i);
}

/* FXAM: class in C3 C2 C0, C1 = the sign bit of the register, empty or not. */
static void ex_fxam(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    f80 v = fp_get(c, 0);
    unsigned cls = fp_empty(c, 0) ? F80_CLASS_EMPTY : f80_classify(v);
    set_cc(c, cls | (v.se & 0x8000 ? SW_C1 : 0));
    next(c, i);
}

/* ---- loads ---- */

/* FLD m32fp/m64fp, FILD m16/m32/m64. */
static void fld_mem(struct cpu *c, const struct insn *i, int kind)
{
    x87_enter(c, 1);
    struct mval m = mem_load(c, i, kind);
    mark(c, i);
    struct f80_ctx x;
    ctx_init(c, &x, 0);
    f80 v = mem_value(&x, m);
    push_result(c, v, x.flags);
    next(c, i);
}
static void ex_fld_m32(struct cpu *c, const struct insn *i) { fld_mem(c, i, M_F32); }
static void ex_fld_m64(struct cpu *c, const struct insn *i) { fld_mem(c, i, M_F64); }
static void ex_fild_m16(struct cpu *c, const struct insn *i) { fld_mem(c, i, M_I16); }
static void ex_fild_m32(struct cpu *c, const struct insn *i) { fld_mem(c, i, M_I32); }
static void ex_fild_m64(struct cpu *c, const struct insn *i) { fld_mem(c, i, M_I64); }

/* FLD m80fp: the bits as they are, no exceptions. */
static void ex_fld_m80(struct cpu *c, const struct insn *i)
{
    uint8_t b[10];
    x87_enter(c, 1);
    ld80(c, i, b);
    mark(c, i);
    push_result(c, f80_of_bytes(b), 0);
    next(c, i);
}

/* FBLD m80bcd. */
static void ex_fbld(struct cpu *c, const struct insn *i)
{
    uint8_t b[10];
    x87_enter(c, 1);
    ld80(c, i, b);
    mark(c, i);
    push_result(c, f80_from_bcd(b), 0);
    next(c, i);
}

/* FLD ST(i): an empty ST(i) is an underflow (C1 = 0) even when the push
 * would overflow too; masked, the indefinite is pushed either way. */
static void ex_fld_sti(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    if (fp_empty(c, i->rm)) {
        unsigned unm = note_exc(c, SW_IE | SW_SF);
        set_c1(c, 0);
        if (!unm)
            st_push(c, f80_indefinite());
    } else if (!fp_empty(c, 7)) {
        overflow(c);
    } else {
        f80 v = fp_get(c, i->rm);
        set_c1(c, 0);
        st_push(c, v);
    }
    next(c, i);
}

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (D9 E8-EE). */
static void ex_fldconst(struct cpu *c, const struct insn *i)
{
    static const int k[7] = { F80_K_1, F80_K_L2T, F80_K_L2E, F80_K_PI, F80_K_LG2, F80_K_LN2, F80_K_Z };
    begin(c, i);
    struct f80_ctx x;
    ctx_init(c, &x, 0);
    f80 v = f80_const(&x, k[i->rm]);
    push_result(c, v, 0);
    next(c, i);
}

/* ---- stores ---- */

/* FST/FSTP m32fp/m64fp, FIST/FISTP m16/m32/m64int. Unmasked IE, OE or UE
 * store nothing and do not pop; unmasked PE stores. C1 = rounded up. */
enum { S_F32, S_F64, S_I16, S_I32, S_I64 };
static void fst_mem(struct cpu *c, const struct insn *i, int kind, int pop)
{
    static const uint8_t size[] = { 4, 8, 2, 4, 8 };
    x87_enter(c, 1);
    uint32_t lin = x87_opnd(c, i, size[kind], 1, size[kind]);
    mark(c, i);
    struct f80_ctx x;
    ctx_init(c, &x, 0);
    f80 v = fp_empty(c, 0) ? f80_indefinite() : fp_get(c, 0);
    uint64_t bits;
    switch (kind) {
    case S_F32: bits = f80_to_f32(&x, v); break;
    case S_F64: bits = f80_to_f64(&x, v); break;
    case S_I16: bits = (uint16_t)f80_to_i16(&x, v); break;
    case S_I32: bits = (uint32_t)f80_to_i32(&x, v); break;
    default: bits = (uint64_t)f80_to_i64(&x, v); break;
    }
    if (fp_empty(c, 0))
        x.flags = SW_IE | SW_SF;        /* the stack fault alone is reported */
    unsigned fl = prio(c, x.flags);
    if (fl & ~c->fpu.cw & (SW_OE | SW_UE))
        fl &= ~(unsigned)(SW_PE | F80_C1);  /* nothing is stored, so nothing is inexact */
    unsigned unm = note_exc(c, fl);
    set_c1(c, !(unm & (SW_IE | SW_OE | SW_UE)) && (fl & F80_C1));
    if (unm & (SW_IE | SW_OE | SW_UE)) {
        next(c, i);
        return;
    }
    if (size[kind] == 2)
        lin_write(c, lin, (uint32_t)bits, 2);
    else if (size[kind] == 4)
        lin_write(c, lin, (uint32_t)bits, 4);
    else {
        lin_write(c, lin, (uint32_t)bits, 4);
        lin_write(c, lin + 4, (uint32_t)(bits >> 32), 4);
    }
    if (pop)
        st_pop(c);
    next(c, i);
}
static void ex_fst_m32(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_F32, 0); }
static void ex_fstp_m32(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_F32, 1); }
static void ex_fst_m64(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_F64, 0); }
static void ex_fstp_m64(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_F64, 1); }
static void ex_fist_m16(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_I16, 0); }
static void ex_fistp_m16(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_I16, 1); }
static void ex_fist_m32(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_I32, 0); }
static void ex_fistp_m32(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_I32, 1); }
static void ex_fistp_m64(struct cpu *c, const struct insn *i) { fst_mem(c, i, S_I64, 1); }

/* FSTP m80fp: the register bits, no exceptions but the empty stack. */
static void ex_fstp_m80(struct cpu *c, const struct insn *i)
{
    uint8_t b[10];
    x87_enter(c, 1);
    uint32_t lin = x87_opnd(c, i, 10, 1, 8);
    mark(c, i);
    if (fp_empty(c, 0)) {
        unsigned unm = note_exc(c, SW_IE | SW_SF);
        set_c1(c, 0);
        if (!unm) {
            bytes_of_f80(b, f80_indefinite());
            st_bytes(c, lin, b, 10);
            st_pop(c);
        }
    } else {
        set_c1(c, 0);
        bytes_of_f80(b, fp_get(c, 0));
        st_bytes(c, lin, b, 10);
        st_pop(c);
    }
    next(c, i);
}

/* FBSTP m80bcd: rounded per RC; out of range or NaN store the BCD indefinite (IE). */
static void ex_fbstp(struct cpu *c, const struct insn *i)
{
    uint8_t b[10];
    x87_enter(c, 1);
    uint32_t lin = x87_opnd(c, i, 10, 1, 1);
    mark(c, i);
    struct f80_ctx x;
    ctx_init(c, &x, 0);
    int empty = fp_empty(c, 0);
    f80_to_bcd(&x, empty ? f80_indefinite() : fp_get(c, 0), b);
    if (empty)
        x.flags = SW_IE | SW_SF;
    unsigned fl = prio(c, x.flags);
    unsigned unm = note_exc(c, fl);
    set_c1(c, !(unm & SW_IE) && (fl & F80_C1));
    if (!(unm & SW_IE)) {
        st_bytes(c, lin, b, 10);
        st_pop(c);
    }
    next(c, i);
}

/* FST/FSTP ST(i) (and the FSTP1/FSTP8/FSTP9 aliases): a copy, no exceptions
 * but the empty stack. */
static void fst_reg(struct cpu *c, const struct insn *i, int pop)
{
    begin(c, i);
    if (fp_empty(c, 0)) {
        underflow(c, i->rm, pop);
    } else {
        set_c1(c, 0);
        st_set(c, i->rm, fp_get(c, 0));
        if (pop)
            st_pop(c);
    }
    next(c, i);
}
static void ex_fst_sti(struct cpu *c, const struct insn *i) { fst_reg(c, i, 0); }
static void ex_fstp_sti(struct cpu *c, const struct insn *i) { fst_reg(c, i, 1); }

/* FXCH (and FXCH4/FXCH7): masked underflow turns the empty ones into the
 * indefinite before the exchange. C1 = 0. */
static void ex_fxch(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    int j = i->rm;
    if (fp_empty(c, 0) || fp_empty(c, j)) {
        unsigned unm = note_exc(c, SW_IE | SW_SF);
        set_c1(c, 0);
        if (unm) {
            next(c, i);
            return;
        }
        if (fp_empty(c, 0)) st_set(c, 0, f80_indefinite());
        if (fp_empty(c, j)) st_set(c, j, f80_indefinite());
    }
    set_c1(c, 0);
    f80 a = fp_get(c, 0), b = fp_get(c, j);
    st_set(c, 0, b);
    st_set(c, j, a);
    next(c, i);
}

/* FCMOVcc: DA C0-DF (B, E, BE, U) and DB C0-DF (NB, NE, NBE, NU). An empty
 * operand is a stack underflow whatever the condition; C1 is left alone
 * otherwise. */
static void ex_fcmov(struct cpu *c, const struct insn *i)
{
    static const uint8_t cc[4] = { 2, 4, 6, 10 };   /* B, E, BE, P as in Jcc */
    begin(c, i);
    if (fp_empty(c, 0) || fp_empty(c, i->rm)) {
        underflow(c, 0, 0);
    } else if (cond(c, cc[i->reg & 3] | (i->b1 & 1))) {
        st_set(c, 0, fp_get(c, i->rm));
    }
    next(c, i);
}

/* ---- one-operand and stack-control instructions (D9 E0-FF) ---- */

/* FCHS, FABS: sign only, no exceptions. C1 = 0. */
static void sign_op(struct cpu *c, const struct insn *i, int chs)
{
    begin(c, i);
    if (fp_empty(c, 0)) {
        underflow(c, 0, 0);
    } else {
        f80 v = fp_get(c, 0);
        v.se = (uint16_t)(chs ? v.se ^ 0x8000 : v.se & 0x7fff);
        set_c1(c, 0);
        st_set(c, 0, v);
    }
    next(c, i);
}
static void ex_fchs(struct cpu *c, const struct insn *i) { sign_op(c, i, 1); }
static void ex_fabs(struct cpu *c, const struct insn *i) { sign_op(c, i, 0); }

/* ST0 = f(ST0): FSQRT (with precision control), FRNDINT, F2XM1. */
enum { U_SQRT, U_RNDINT, U_F2XM1 };
static void unary(struct cpu *c, const struct insn *i, int op)
{
    begin(c, i);
    if (fp_empty(c, 0)) {
        underflow(c, 0, 0);
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, op == U_SQRT);
        f80 a = fp_get(c, 0), r;
        switch (op) {
        case U_SQRT: r = f80_sqrt(&x, a); break;
        case U_RNDINT: r = f80_round_int(&x, a); break;
        default: r = f80_f2xm1(&x, a); break;
        }
        result(c, 0, r, x.flags, 0);
    }
    next(c, i);
}
static void ex_fsqrt(struct cpu *c, const struct insn *i) { unary(c, i, U_SQRT); }
static void ex_frndint(struct cpu *c, const struct insn *i) { unary(c, i, U_RNDINT); }
static void ex_f2xm1(struct cpu *c, const struct insn *i) { unary(c, i, U_F2XM1); }

/* FYL2X, FYL2XP1, FPATAN: ST1 = f(ST0, ST1), then pop. FSCALE: ST0 = f(ST0, ST1). */
enum { B_YL2X, B_YL2XP1, B_PATAN, B_SCALE };
static void binary(struct cpu *c, const struct insn *i, int op)
{
    int dst = op == B_SCALE ? 0 : 1, npop = op == B_SCALE ? 0 : 1;
    begin(c, i);
    if (fp_empty(c, 0) || fp_empty(c, 1)) {
        underflow(c, dst, npop);
    } else {
        struct f80_ctx x;
        ctx_init(c, &x, 0);
        f80 a = fp_get(c, 0), b = fp_get(c, 1), r;
        switch (op) {
        case B_YL2X: r = f80_fyl2x(&x, a, b); break;
        case B_YL2XP1: r = f80_fyl2xp1(&x, a, b); break;
        case B_PATAN: r = f80_fpatan(&x, a, b); break;
        default: r = f80_scale(&x, a, b); break;
        }
        result(c, dst, r, x.flags, npop);
    }
    next(c, i);
}
static void ex_fyl2x(struct cpu *c, const struct insn *i) { binary(c, i, B_YL2X); }
static void ex_fyl2xp1(struct cpu *c, const struct insn *i) { binary(c, i, B_YL2XP1); }
static void ex_fpatan(struct cpu *c, const struct insn *i) { binary(c, i, B_PATAN); }
static void ex_fscale(struct cpu *c, const struct insn *i) { binary(c, i, B_SCALE); }

/* FPREM, FPREM1: ST0 = partial remainder of ST0 / ST1; C0 C3 C1 = low
 * quotient bits, C2 = reduction incomplete. */
static void prem(struct cpu *c, const struct insn *i, int ieee)
{
    begin(c, i);
    if (fp_empty(c, 0) || fp_empty(c, 1)) {
        underflow(c, 0, 0);
        c->fpu.sw &= (uint16_t)~SW_C2;
    } else {
        struct f80_ctx x;
        unsigned cc = 0;
        ctx_init(c, &x, 0);
        f80 r = ieee ? f80_prem1(&x, fp_get(c, 0), fp_get(c, 1), &cc)
                     : f80_prem(&x, fp_get(c, 0), fp_get(c, 1), &cc);
        unsigned fl = prio(c, x.flags);
        unsigned unm = note_exc(c, fl);
        int nan = (r.se & 0x7fff) == 0x7fff && (r.sig << 1);
        if (nan || (fl & SW_IE) || (unm & SW_DE))
            c->fpu.sw &= (uint16_t)~(SW_C1 | SW_C2);   /* no quotient: C0 and C3 stay */
        else
            set_cc(c, cc);
        if (!(unm & (SW_IE | SW_DE)))
            st_set(c, 0, r);
    }
    next(c, i);
}
static void ex_fprem(struct cpu *c, const struct insn *i) { prem(c, i, 0); }
static void ex_fprem1(struct cpu *c, const struct insn *i) { prem(c, i, 1); }

/* The instructions that replace ST0 and push a second value (FXTRACT,
 * FPTAN, FSINCOS): a full stack or an empty ST0 is a stack fault whose
 * masked response puts the indefinite in ST0 and pushes another. */
static int two_result_fault(struct cpu *c, int trig)
{
    if (fp_empty(c, 7) && !fp_empty(c, 0))
        return 0;
    unsigned unm = note_exc(c, SW_IE | SW_SF);
    set_c1(c, !fp_empty(c, 0));         /* underflow (C1 = 0) wins over overflow */
    if (trig)
        c->fpu.sw &= (uint16_t)~SW_C2;  /* FPTAN, FSINCOS: C2 = 0 */
    if (!unm) {
        st_set(c, 0, f80_indefinite());
        st_push(c, f80_indefinite());
    }
    return 1;
}
/* Writes ST0 = r0 and pushes r1, unless an unmasked IE/ZE/DE stops it. */
static void two_results(struct cpu *c, f80 r0, f80 r1, unsigned fl)
{
    fl = prio(c, fl);
    unsigned unm = note_exc(c, fl);
    set_c1(c, !(unm & (SW_IE | SW_ZE | SW_DE)) && (fl & F80_C1));
    if (unm & (SW_IE | SW_ZE | SW_DE))
        return;
    st_set(c, 0, r0);
    st_push(c, r1);
}

/* FXTRACT: ST0 = exponent, then push the significand. */
static void ex_fxtract(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    if (!two_result_fault(c, 0)) {
        struct f80_ctx x;
        f80 e;
        ctx_init(c, &x, 0);
        f80 s = f80_xtract(&x, fp_get(c, 0), &e);
        two_results(c, e, s, x.flags);
    }
    next(c, i);
}

/* FPTAN, FSINCOS: out of range (C2 = 1) leaves the stack alone. */
static void ex_fptan(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    if (!two_result_fault(c, 1)) {
        struct f80_ctx x;
        f80 one;
        int c2 = 0;
        ctx_init(c, &x, 0);
        f80 t = f80_fptan(&x, fp_get(c, 0), &one, &c2);
        c->fpu.sw = (uint16_t)((c->fpu.sw & ~SW_C2) | (c2 ? SW_C2 : 0));
        if (c2) {
            note_exc(c, prio(c, x.flags));
            set_c1(c, 0);
        } else {
            two_results(c, t, one, x.flags);
        }
    }
    next(c, i);
}
static void ex_fsincos(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    if (!two_result_fault(c, 1)) {
        struct f80_ctx x;
        f80 cv;
        int c2 = 0;
        ctx_init(c, &x, 0);
        f80 s = f80_fsincos(&x, fp_get(c, 0), &cv, &c2);
        c->fpu.sw = (uint16_t)((c->fpu.sw & ~SW_C2) | (c2 ? SW_C2 : 0));
        if (c2) {
            note_exc(c, prio(c, x.flags));
            set_c1(c, 0);
        } else {
            two_results(c, s, cv, x.flags);
        }
    }
    next(c, i);
}

/* FSIN, FCOS. */
static void trig(struct cpu *c, const struct insn *i, int cosine)
{
    begin(c, i);
    if (fp_empty(c, 0)) {
        underflow(c, 0, 0);
        c->fpu.sw &= (uint16_t)~SW_C2;
    } else {
        struct f80_ctx x;
        int c2 = 0;
        ctx_init(c, &x, 0);
        f80 r = cosine ? f80_fcos(&x, fp_get(c, 0), &c2) : f80_fsin(&x, fp_get(c, 0), &c2);
        c->fpu.sw = (uint16_t)((c->fpu.sw & ~SW_C2) | (c2 ? SW_C2 : 0));
        if (c2) {
            note_exc(c, prio(c, x.flags));
            set_c1(c, 0);
        } else {
            result(c, 0, r, x.flags, 0);
        }
    }
    next(c, i);
}
static void ex_fsin(struct cpu *c, const struct insn *i) { trig(c, i, 0); }
static void ex_fcos(struct cpu *c, const struct insn *i) { trig(c, i, 1); }

/* FINCSTP, FDECSTP: TOP only, tags untouched. C1 = 0. */
static void ex_fincstp(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    c->fpu.top = (c->fpu.top + 1) & 7;
    set_c1(c, 0);
    next(c, i);
}
static void ex_fdecstp(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    c->fpu.top = (c->fpu.top - 1) & 7;
    set_c1(c, 0);
    next(c, i);
}

/* FFREE ST(i); FFREEP ST(i) (DF C0+i) also pops. C1 = 0 (the host's x87 clears it). */
static void ex_ffree(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    fp_set_tag(c, fp_phys(c, i->rm), FTAG_EMPTY);
    set_c1(c, 0);
    next(c, i);
}
static void ex_ffreep(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    fp_set_tag(c, fp_phys(c, i->rm), FTAG_EMPTY);
    st_pop(c);
    set_c1(c, 0);
    next(c, i);
}

static void ex_fnop(struct cpu *c, const struct insn *i)
{
    begin(c, i);
    next(c, i);
}

/* ---- the tables ---- */

#define X(n, f)  { n, ex_##f, OP_MODRM, IMM_NONE, 3, 0, 0, 0, NULL }
#define XM(n, f) { n, ex_##f, OP_MODRM | OP_MEM, IMM_NONE, 3, 0, 0, 0, NULL }
#define XC(n, r) { n, ex_fcmov, OP_MODRM, IMM_NONE, 6, r, 0, 0, NULL }
#define XI(n, f) { n, ex_##f, OP_MODRM, IMM_NONE, 6, 0, F_ARITH, 0, NULL }
#define UD { NULL, NULL, 0, IMM_NONE, 3, 0, 0, 0, NULL }
#define R8(e) e, e, e, e, e, e, e, e

/* mod != 3: [escape][ModRM.reg]. The FISTTP slots (SSE3) are #UD here. */
const struct opinfo x87_mem[8][8] = {
    { XM("fadd", farith_m32), XM("fmul", farith_m32), XM("fcom", fcom_m32), XM("fcomp", fcomp_m32),
      XM("fsub", farith_m32), XM("fsubr", farith_m32), XM("fdiv", farith_m32), XM("fdivr", farith_m32) },
    { XM("fld", fld_m32), UD, XM("fst", fst_m32), XM("fstp", fstp_m32),
      XM("fldenv", fldenv), XM("fldcw", fldcw), XM("fnstenv", fnstenv), XM("fnstcw", fnstcw) },
    { XM("fiadd", fiarith_m32), XM("fimul", fiarith_m32), XM("ficom", ficom_m32), XM("ficomp", ficomp_m32),
      XM("fisub", fiarith_m32), XM("fisubr", fiarith_m32), XM("fidiv", fiarith_m32), XM("fidivr", fiarith_m32) },
    { XM("fild", fild_m32), UD, XM("fist", fist_m32), XM("fistp", fistp_m32),
      UD, XM("fld", fld_m80), UD, XM("fstp", fstp_m80) },
    { XM("fadd", farith_m64), XM("fmul", farith_m64), XM("fcom", fcom_m64), XM("fcomp", fcomp_m64),
      XM("fsub", farith_m64), XM("fsubr", farith_m64), XM("fdiv", farith_m64), XM("fdivr", farith_m64) },
    { XM("fld", fld_m64), UD, XM("fst", fst_m64), XM("fstp", fstp_m64),
      XM("frstor", frstor), UD, XM("fnsave", fnsave), XM("fnstsw", fnstsw_m) },
    { XM("fiadd", fiarith_m16), XM("fimul", fiarith_m16), XM("ficom", ficom_m16), XM("ficomp", ficomp_m16),
      XM("fisub", fiarith_m16), XM("fisubr", fiarith_m16), XM("fidiv", fiarith_m16), XM("fidivr", fiarith_m16) },
    { XM("fild", fild_m16), UD, XM("fist", fist_m16), XM("fistp", fistp_m16),
      XM("fbld", fbld), XM("fild", fild_m64), XM("fbstp", fbstp), XM("fistp", fistp_m64) },
};

/* mod == 3: [escape][ModRM & 63]. The undocumented aliases the P6 executes
 * (FSTP1, FCOM2, FCOMP3, FCOMP5, FXCH4, FXCH7, FSTP8, FSTP9, FFREEP) run as
 * their documented twins. */
const struct opinfo x87_reg[8][64] = {
    /* D8 */
    { R8(X("fadd", farith_st0)), R8(X("fmul", farith_st0)), R8(X("fcom", fcom)), R8(X("fcomp", fcomp)),
      R8(X("fsub", farith_st0)), R8(X("fsubr", farith_st0)), R8(X("fdiv", farith_st0)), R8(X("fdivr", farith_st0)) },
    /* D9 */
    { R8(X("fld", fld_sti)), R8(X("fxch", fxch)),
      X("fnop", fnop), UD, UD, UD, UD, UD, UD, UD,
      R8(X("fstp1", fstp_sti)),
      X("fchs", fchs), X("fabs", fabs), UD, UD, X("ftst", ftst), X("fxam", fxam), UD, UD,
      X("fld1", fldconst), X("fldl2t", fldconst), X("fldl2e", fldconst), X("fldpi", fldconst),
      X("fldlg2", fldconst), X("fldln2", fldconst), X("fldz", fldconst), UD,
      X("f2xm1", f2xm1), X("fyl2x", fyl2x), X("fptan", fptan), X("fpatan", fpatan),
      X("fxtract", fxtract), X("fprem1", fprem1), X("fdecstp", fdecstp), X("fincstp", fincstp),
      X("fprem", fprem), X("fyl2xp1", fyl2xp1), X("fsqrt", fsqrt), X("fsincos", fsincos),
      X("frndint", frndint), X("fscale", fscale), X("fsin", fsin), X("fcos", fcos) },
    /* DA */
    { R8(XC("fcmovb", F_CF)), R8(XC("fcmove", F_ZF)), R8(XC("fcmovbe", F_CF | F_ZF)), R8(XC("fcmovu", F_PF)),
      R8(UD),
      UD, X("fucompp", fucompp), UD, UD, UD, UD, UD, UD,
      R8(UD), R8(UD) },
    /* DB */
    { R8(XC("fcmovnb", F_CF)), R8(XC("fcmovne", F_ZF)), R8(XC("fcmovnbe", F_CF | F_ZF)), R8(XC("fcmovnu", F_PF)),
      X("fneni", fnop_legacy), X("fndisi", fnop_legacy), X("fnclex", fnclex), X("fninit", fninit),
      X("fnsetpm", fnop_legacy), UD, UD, UD,
      R8(XI("fucomi", fucomi)), R8(XI("fcomi", fcomi)), R8(UD) },
    /* DC */
    { R8(X("fadd", farith_sti)), R8(X("fmul", farith_sti)), R8(X("fcom2", fcom)), R8(X("fcomp3", fcomp)),
      R8(X("fsubr", farith_sti)), R8(X("fsub", farith_sti)), R8(X("fdivr", farith_sti)), R8(X("fdiv", farith_sti)) },
    /* DD */
    { R8(X("ffree", ffree)), R8(X("fxch4", fxch)), R8(X("fst", fst_sti)), R8(X("fstp", fstp_sti)),
      R8(X("fucom", fucom)), R8(X("fucomp", fucomp)), R8(UD), R8(UD) },
    /* DE */
    { R8(X("faddp", farithp_sti)), R8(X("fmulp", farithp_sti)), R8(X("fcomp5", fcomp)),
      UD, X("fcompp", fcompp), UD, UD, UD, UD, UD, UD,
      R8(X("fsubrp", farithp_sti)), R8(X("fsubp", farithp_sti)), R8(X("fdivrp", farithp_sti)), R8(X("fdivp", farithp_sti)) },
    /* DF */
    { R8(X("ffreep", ffreep)), R8(X("fxch7", fxch)), R8(X("fstp8", fstp_sti)), R8(X("fstp9", fstp_sti)),
      X("fnstsw", fnstsw_ax), UD, UD, UD, UD, UD, UD, UD,
      R8(XI("fucomip", fucomip)), R8(XI("fcomip", fcomip)), R8(UD) },
};
