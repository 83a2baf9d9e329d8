/* Decoded block -> micro-ops (see ir.h). Each instruction's lowering is
 * chosen by its opcode-table row's handler (the table's exec column, the
 * same column the interpreter dispatches on); the lowering reads operands
 * from the decoded record. A lowering that does not cover a form (an
 * operand size, AH..BH next to memory, a far transfer) declines before
 * emitting anything, and the instruction becomes a helper call. */
#include "ir.h"
#include "x64.h"
#include "../cpu/ops.h"
#include "../cpu/block.h"

struct fb {
    struct ir *ir;
    const struct insn *i;
    int k;                  /* instruction index */
};

static struct uop *emit(struct fb *f, int kind, int size, int d, int a)
{
    struct uop *u = &f->ir->u[f->ir->n++];
    *u = (struct uop){ .kind = (uint8_t)kind, .size = (uint8_t)size, .d = (int8_t)d, .a = (int8_t)a,
                       .insn = (uint8_t)f->k };
    return u;
}
static struct uop *emit_imm(struct fb *f, int kind, int size, int d, uint32_t imm)
{
    struct uop *u = emit(f, kind, size, d, V_IMM);
    u->imm = imm;
    return u;
}

/* The flags the condition code cc reads (SDM "Jcc"). */
static uint16_t cc_flags(int cc)
{
    static const uint16_t fl[8] = { F_OF, F_CF, F_ZF, F_CF | F_ZF, F_SF, F_PF, F_SF | F_OF, F_ZF | F_SF | F_OF };
    return fl[(cc >> 1) & 7];
}

/* The flag micro-op of the instruction: what the table says it reads and
 * writes (a conditional writer kills nothing). */
static void table_flags(struct fb *f, struct uop *u)
{
    const struct opinfo *op = f->i->op;
    u->fl_read = op->fl_read;
    u->fl_write = op->fl_write;
#ifdef OP_FLCOND
    if (op->form & OP_FLCOND) u->fl_write = 0;
#endif
}

static int is_mem(const struct insn *i) { return i->mod != 3; }
/* A byte register AH..BH cannot sit next to a host register that needs REX. */
static int high_byte(int size, int r) { return size == 1 && r >= 4 && r < 8; }

/* A = the memory operand's linear address (checked for the access). */
static void addr(struct fb *f, int write, int size)
{
    struct uop *u = emit(f, U_ADDR, size, V_NONE, V_NONE);
    if (write) u->flags |= U_WRITE;
}

/* The r/m operand: its register, or (memory) T0 loaded from an address
 * checked for reading or, when the value is written back, for writing. */
static int rm_operand(struct fb *f, const struct insn *i, int size, int write)
{
    if (!is_mem(i)) return i->rm;
    addr(f, write, size);
    emit(f, U_LOAD, size, V_T0, V_NONE)->flags |= write ? U_RMW : 0;
    return V_T0;
}
/* Writes T0 back to the address rm_operand checked, when it loaded one. */
static void write_back(struct fb *f, int size, int d)
{
    if (d == V_T0) emit(f, U_STORE, size, V_NONE, V_T0)->flags |= U_AFTER_RMW;
}

/* ---- moves ---- */

static int l_mov_EG(struct fb *f, const struct insn *i)
{
    if (!is_mem(i)) { emit(f, U_MOV, i->osz, i->rm, i->reg); return 0; }
    if (high_byte(i->osz, i->reg)) return -1;
    addr(f, 1, i->osz);
    emit(f, U_STORE, i->osz, V_NONE, i->reg);
    return 0;
}

static int l_mov_GE(struct fb *f, const struct insn *i)
{
    if (!is_mem(i)) { emit(f, U_MOV, i->osz, i->reg, i->rm); return 0; }
    if (high_byte(i->osz, i->reg)) return -1;
    addr(f, 0, i->osz);
    emit(f, U_LOAD, i->osz, i->reg, V_NONE);
    return 0;
}

static int l_mov_EI(struct fb *f, const struct insn *i)
{
    uint32_t v = i->imm & size_mask(i->osz);
    if (!is_mem(i)) { emit_imm(f, U_MOV, i->osz, i->rm, v); return 0; }
    addr(f, 1, i->osz);
    emit_imm(f, U_STORE, i->osz, V_NONE, v);
    return 0;
}

static int l_mov_RI(struct fb *f, const struct insn *i)
{
    emit_imm(f, U_MOV, i->osz, i->b1 & 7, i->imm & size_mask(i->osz));
    return 0;
}

static int l_mov_A_moffs(struct fb *f, const struct insn *i)
{
    if (high_byte(i->osz, R_EAX)) return -1;
    addr(f, 0, i->osz);
    emit(f, U_LOAD, i->osz, R_EAX, V_NONE);
    return 0;
}

static int l_mov_moffs_A(struct fb *f, const struct insn *i)
{
    addr(f, 1, i->osz);
    emit(f, U_STORE, i->osz, V_NONE, R_EAX);
    return 0;
}

static int l_movx(struct fb *f, const struct insn *i, int from)
{
    uint8_t op = (uint8_t)(i->b1);
    if (i->osz == 1) return -1;
    if (!is_mem(i)) {
        /* movzx r, AH..BH: the destination must not need REX */
        if (high_byte(from, i->rm) && (i->reg == R_ESP || i->reg == R_EBP)) return -1;
        struct uop *u = emit(f, U_MOVX, i->osz, i->reg, i->rm);
        u->sub = op;
        return 0;
    }
    addr(f, 0, from);
    struct uop *u = emit(f, U_LOAD, from, i->reg, V_NONE);
    u->sub = op;
    u->imm = i->osz;       /* destination size */
    return 0;
}
static int l_movzx_b(struct fb *f, const struct insn *i) { return l_movx(f, i, 1); }
static int l_movzx_w(struct fb *f, const struct insn *i) { return l_movx(f, i, 2); }
static int l_movsx_b(struct fb *f, const struct insn *i) { return l_movx(f, i, 1); }
static int l_movsx_w(struct fb *f, const struct insn *i) { return l_movx(f, i, 2); }

static int l_lea(struct fb *f, const struct insn *i)
{
    if (i->osz == 1 || !is_mem(i)) return -1;
    emit(f, U_LEA, i->osz, i->reg, V_NONE);
    return 0;
}

static int l_nop(struct fb *f, const struct insn *i) { (void)f; (void)i; return 0; }

static int l_xchg_A_r(struct fb *f, const struct insn *i)
{
    if ((i->b1 & 7) != R_EAX) emit(f, U_XCHG, i->osz, R_EAX, i->b1 & 7);
    return 0;
}

static int l_xchg_EG(struct fb *f, const struct insn *i)
{
    if (is_mem(i)) return -1;
    emit(f, U_XCHG, i->osz, i->rm, i->reg);
    return 0;
}

static int l_cbw(struct fb *f, const struct insn *i) { emit(f, U_CDQ, i->osz, R_EAX, V_NONE)->sub = 0; return 0; }
static int l_cwd(struct fb *f, const struct insn *i) { emit(f, U_CDQ, i->osz, R_EDX, V_NONE)->sub = 1; return 0; }

/* ---- arithmetic ---- */

/* d op= a at osz, with d a register or (dest_mem) the memory operand. */
static int alu(struct fb *f, const struct insn *i, int op, int d, int a, uint32_t imm, int dest_mem)
{
    int sz = i->osz, test = op == U_TEST, cmp = op == X_CMP;
    if (high_byte(sz, d) && is_mem(i)) return -1;
    if (a >= 0 && a < 8 && high_byte(sz, a) && is_mem(i)) return -1;
    if (dest_mem) d = rm_operand(f, i, sz, !(test || cmp));
    else if (a == V_T0) rm_operand(f, i, sz, 0);
    struct uop *u = a == V_IMM ? emit_imm(f, U_ALU, sz, d, imm & size_mask(sz)) : emit(f, U_ALU, sz, d, a);
    u->sub = (uint8_t)op;
    table_flags(f, u);
    if (!(test || cmp)) write_back(f, sz, d);
    return 0;
}

static int l_alu_EG(struct fb *f, const struct insn *i)
{
    int op = (i->b1 >> 3) & 7;
    return is_mem(i) ? alu(f, i, op, V_NONE, i->reg, 0, 1) : alu(f, i, op, i->rm, i->reg, 0, 0);
}
static int l_alu_GE(struct fb *f, const struct insn *i)
{
    return alu(f, i, (i->b1 >> 3) & 7, i->reg, is_mem(i) ? V_T0 : i->rm, 0, 0);
}
static int l_alu_AI(struct fb *f, const struct insn *i) { return alu(f, i, (i->b1 >> 3) & 7, R_EAX, V_IMM, i->imm, 0); }
static int l_alu_EI(struct fb *f, const struct insn *i)
{
    return is_mem(i) ? alu(f, i, i->reg, V_NONE, V_IMM, i->imm, 1) : alu(f, i, i->reg, i->rm, V_IMM, i->imm, 0);
}
static int l_test_EG(struct fb *f, const struct insn *i)
{
    return is_mem(i) ? alu(f, i, U_TEST, V_NONE, i->reg, 0, 1) : alu(f, i, U_TEST, i->rm, i->reg, 0, 0);
}
static int l_test_EI(struct fb *f, const struct insn *i)
{
    return is_mem(i) ? alu(f, i, U_TEST, V_NONE, V_IMM, i->imm, 1) : alu(f, i, U_TEST, i->rm, V_IMM, i->imm, 0);
}
static int l_test_AI(struct fb *f, const struct insn *i) { return alu(f, i, U_TEST, R_EAX, V_IMM, i->imm, 0); }

/* A one-operand read-modify-write on a register or memory. */
static int unary(struct fb *f, const struct insn *i, int kind, int sub, int r)
{
    int d = r >= 0 ? r : rm_operand(f, i, i->osz, 1);
    struct uop *u = emit(f, kind, i->osz, d, V_NONE);
    u->sub = (uint8_t)sub;
    table_flags(f, u);
    if (kind == U_INCDEC) {
        /* whatever the table says, INC/DEC keep CF and write the rest */
        u->fl_write = F_ARITH & ~F_CF;
    }
    write_back(f, i->osz, d);
    return 0;
}
static int l_inc_r(struct fb *f, const struct insn *i) { return unary(f, i, U_INCDEC, 0, i->b1 & 7); }
static int l_dec_r(struct fb *f, const struct insn *i) { return unary(f, i, U_INCDEC, 1, i->b1 & 7); }
static int l_inc_E(struct fb *f, const struct insn *i) { return unary(f, i, U_INCDEC, 0, -1); }
static int l_dec_E(struct fb *f, const struct insn *i) { return unary(f, i, U_INCDEC, 1, -1); }
static int l_not_E(struct fb *f, const struct insn *i) { return unary(f, i, U_NOT, 0, -1); }
static int l_neg_E(struct fb *f, const struct insn *i) { return unary(f, i, U_NEG, 0, -1); }

/* IMUL r, r/m (, imm) at 16 or 32 bits */
static int imul(struct fb *f, const struct insn *i, int with_imm)
{
    if (i->osz == 1) return -1;
    int src = rm_operand(f, i, i->osz, 0);
    struct uop *u;
    if (with_imm) {
        /* T1 = imm; reg = src * T1 */
        emit_imm(f, U_MOV, 4, V_T1, i->imm & size_mask(i->osz));
        if (src != i->reg) emit(f, U_MOV, i->osz, i->reg, src);
        u = emit(f, U_IMUL, i->osz, i->reg, V_T1);
        if (src == i->reg) u->a = V_T1;
    } else {
        u = emit(f, U_IMUL, i->osz, i->reg, src);
    }
    u->fl_write = F_ARITH;
    return 0;
}
static int l_imul_GE(struct fb *f, const struct insn *i) { return imul(f, i, 0); }
static int l_imul_GEI(struct fb *f, const struct insn *i)
{
    /* the source may be the destination itself: read it before writing */
    if (!is_mem(i) && i->rm != i->reg) {
        if (i->osz == 1) return -1;
        emit(f, U_MOV, i->osz, V_T0, i->rm);
        emit_imm(f, U_MOV, 4, V_T1, i->imm & size_mask(i->osz));
        emit(f, U_MOV, i->osz, i->reg, V_T0);
        struct uop *u = emit(f, U_IMUL, i->osz, i->reg, V_T1);
        u->fl_write = F_ARITH;
        return 0;
    }
    return imul(f, i, 1);
}

/* ROL, ROR, SHL, SHR, SAR by 1, an immediate or CL, on a register or
 * memory. The flags are the interpreter's (shift() in ops_alu.c), which the
 * backend composes where the host leaves them undefined. Forms where the
 * host and the interpreter may differ (a byte or word shifted by its width
 * or more) and CL counts on memory or below 32 bits stay with the handler. */
static int shift(struct fb *f, const struct insn *i, int by_cl, unsigned cnt)
{
    int op = i->reg == 6 ? X_SHL : i->reg, sz = i->osz;
    if (op == X_RCL || op == X_RCR) return -1;
    int rotate = op == X_ROL || op == X_ROR;
    if (by_cl && (is_mem(i) || sz != 4)) return -1;
    if (!is_mem(i) && high_byte(sz, i->rm)) return -1;     /* the flags need it in a 32-bit register */
    cnt &= 31;
    if (!by_cl && !rotate && cnt >= 8u * (unsigned)sz) return -1;
    if (!by_cl && !cnt) {                   /* flags and operand unchanged; memory is still read */
        if (is_mem(i)) addr(f, 0, sz);
        return 0;
    }
    int d = rm_operand(f, i, sz, 1);
    struct uop *u = emit_imm(f, U_SHIFT, sz, d, cnt);
    u->sub = (uint8_t)op;
    u->a = by_cl ? R_ECX : V_IMM;
    u->fl_write = by_cl ? 0 : rotate ? F_CF | F_OF : F_ARITH;
    write_back(f, sz, d);
    return 0;
}
static int l_shift_E1(struct fb *f, const struct insn *i) { return shift(f, i, 0, 1); }
static int l_shift_EI(struct fb *f, const struct insn *i) { return shift(f, i, 0, i->imm); }
static int l_shift_ECL(struct fb *f, const struct insn *i) { return shift(f, i, 1, 0); }

static int l_setcc(struct fb *f, const struct insn *i)
{
    int cc = i->b1 & 15;
    int d = i->rm;
    if (is_mem(i)) { addr(f, 1, 1); d = V_T0; }
    struct uop *u = emit(f, U_SETCC, 1, d, V_NONE);
    u->cc = (uint8_t)cc;
    u->fl_read = cc_flags(cc);
    if (d == V_T0) emit(f, U_STORE, 1, V_NONE, V_T0);
    return 0;
}

static int l_cmovcc(struct fb *f, const struct insn *i)
{
    int cc = i->b1 & 15;
    if (i->osz == 1) return -1;
    /* the source is read whatever the condition (it may fault either way) */
    int src = rm_operand(f, i, i->osz, 0);
    struct uop *u = emit(f, U_CMOV, i->osz, i->reg, src);
    u->cc = (uint8_t)cc;
    u->fl_read = cc_flags(cc);
    return 0;
}

static int l_flagop(struct fb *f, int sub, uint16_t r, uint16_t w)
{
    struct uop *u = emit(f, U_FLAGOP, 4, V_NONE, V_NONE);
    u->sub = (uint8_t)sub;
    u->fl_read = r;
    u->fl_write = w;
    return 0;
}
static int l_clc(struct fb *f, const struct insn *i) { (void)i; return l_flagop(f, 0, 0, F_CF); }
static int l_stc(struct fb *f, const struct insn *i) { (void)i; return l_flagop(f, 1, 0, F_CF); }
static int l_cmc(struct fb *f, const struct insn *i) { (void)i; return l_flagop(f, 2, F_CF, F_CF); }
static int l_cld(struct fb *f, const struct insn *i) { (void)i; return l_flagop(f, 3, 0, 0); }
static int l_std(struct fb *f, const struct insn *i) { (void)i; return l_flagop(f, 4, 0, 0); }

/* ---- stack ---- */

/* The operand size must be the stack's push size: 2 or 4. */
static int l_push_r(struct fb *f, const struct insn *i)
{
    int sz = i->osz;
    emit_imm(f, U_ADDR_SP, sz, V_NONE, (uint32_t)-sz)->flags |= U_WRITE;
    emit(f, U_STORE, sz, V_NONE, i->b1 & 7);
    emit_imm(f, U_SPADJ, sz, V_NONE, (uint32_t)-sz);
    return 0;
}

static int l_push_I(struct fb *f, const struct insn *i)
{
    int sz = i->osz;
    emit_imm(f, U_ADDR_SP, sz, V_NONE, (uint32_t)-sz)->flags |= U_WRITE;
    emit_imm(f, U_STORE, sz, V_NONE, i->imm & size_mask(sz));
    emit_imm(f, U_SPADJ, sz, V_NONE, (uint32_t)-sz);
    return 0;
}

static int l_push_E(struct fb *f, const struct insn *i)
{
    int sz = i->osz;
    int src = rm_operand(f, i, sz, 0);
    emit_imm(f, U_ADDR_SP, sz, V_NONE, (uint32_t)-sz)->flags |= U_WRITE;
    emit(f, U_STORE, sz, V_NONE, src);
    emit_imm(f, U_SPADJ, sz, V_NONE, (uint32_t)-sz);
    return 0;
}

static int l_pop_r(struct fb *f, const struct insn *i)
{
    int sz = i->osz;
    emit_imm(f, U_ADDR_SP, sz, V_NONE, 0);
    emit(f, U_LOAD, sz, V_T0, V_NONE);
    emit_imm(f, U_SPADJ, sz, V_NONE, (uint32_t)sz);
    emit(f, U_MOV, sz, i->b1 & 7, V_T0);     /* after the increment: POP ESP loads the value */
    return 0;
}

/* LEAVE: (E)SP = (E)BP, then POP (E)BP */
static int l_leave(struct fb *f, const struct insn *i)
{
    int sz = i->osz;
    emit_imm(f, U_ADDR_SP, sz, V_NONE, 0)->flags |= U_FROM_BP;
    emit(f, U_LOAD, sz, V_T0, V_NONE);
    emit_imm(f, U_SPSET, sz, V_NONE, (uint32_t)sz);
    emit(f, U_MOV, sz, R_EBP, V_T0);
    return 0;
}

/* BT/BTS/BTR/BTC with a register, or an immediate offset into memory (a
 * register offset into memory may reach outside the operand: the handler). */
static int bt(struct fb *f, const struct insn *i, int kind, int off_reg)
{
    int sz = i->osz;
    if (is_mem(i) && off_reg >= 0) return -1;
    int d = rm_operand(f, i, sz, kind != 0);
    struct uop *u = off_reg >= 0 ? emit(f, U_BT, sz, d, off_reg) : emit_imm(f, U_BT, sz, d, i->imm & (8u * (unsigned)sz - 1));
    u->sub = (uint8_t)kind;
    u->fl_write = F_CF;
    if (kind) write_back(f, sz, d);
    return 0;
}
static int l_bt_EG(struct fb *f, const struct insn *i) { return bt(f, i, 0, i->reg); }
static int l_bts_EG(struct fb *f, const struct insn *i) { return bt(f, i, 1, i->reg); }
static int l_btr_EG(struct fb *f, const struct insn *i) { return bt(f, i, 2, i->reg); }
static int l_btc_EG(struct fb *f, const struct insn *i) { return bt(f, i, 3, i->reg); }
static int l_btx_EI(struct fb *f, const struct insn *i) { return i->reg < 4 ? -1 : bt(f, i, i->reg - 4, -1); }

/* MUL, IMUL and DIV of EDX:EAX (or DX:AX) by r/m; IDIV and byte forms
 * stay with the handler. */
static int muldiv(struct fb *f, const struct insn *i, int op)
{
    int sz = i->osz;
    if (sz == 1) return -1;
    int a = rm_operand(f, i, sz, 0);
    struct uop *u = emit(f, U_MULDIV, sz, R_EAX, a);
    u->sub = (uint8_t)op;
    u->fl_write = op == 6 ? 0 : F_ARITH;
    return 0;
}
/* SHLD/SHRD r/m32, r32, imm8 or CL (CL only on a register: a count of 0
 * reads memory without writing it) */
static int shxd(struct fb *f, const struct insn *i, int left, int by_cl)
{
    if (i->osz != 4 || (by_cl && is_mem(i))) return -1;
    unsigned cnt = by_cl ? 0 : i->imm & 31;
    if (!by_cl && !cnt) {
        if (is_mem(i)) addr(f, 0, 4);
        return 0;
    }
    int d = rm_operand(f, i, 4, 1);
    struct uop *u = emit_imm(f, U_SHXD, 4, d, cnt);
    u->a = (int8_t)i->reg;
    u->sub = (uint8_t)left;
    u->cc = (uint8_t)by_cl;
    u->fl_write = by_cl ? 0 : F_ARITH;
    write_back(f, 4, d);
    return 0;
}
static int l_shld_I(struct fb *f, const struct insn *i) { return shxd(f, i, 1, 0); }
static int l_shld_CL(struct fb *f, const struct insn *i) { return shxd(f, i, 1, 1); }
static int l_shrd_I(struct fb *f, const struct insn *i) { return shxd(f, i, 0, 0); }
static int l_shrd_CL(struct fb *f, const struct insn *i) { return shxd(f, i, 0, 1); }

/* BSF/BSR r, r/m at 16 or 32 bits */
static int bitscan(struct fb *f, const struct insn *i, int rev)
{
    if (i->osz == 1) return -1;
    int a = rm_operand(f, i, i->osz, 0);
    struct uop *u = emit(f, U_BITSCAN, i->osz, i->reg, a);
    u->sub = (uint8_t)rev;
    u->fl_write = F_ARITH;
    return 0;
}
static int l_bsf(struct fb *f, const struct insn *i) { return bitscan(f, i, 0); }
static int l_bsr(struct fb *f, const struct insn *i) { return bitscan(f, i, 1); }

static int l_bswap(struct fb *f, const struct insn *i)
{
    if (i->osz != 4) return -1;             /* P6 clears a 16-bit operand: the handler */
    emit(f, U_BSWAP, 4, i->b1 & 7, V_NONE);
    return 0;
}
static int l_mul_E(struct fb *f, const struct insn *i) { return muldiv(f, i, 4); }
static int l_imul_E(struct fb *f, const struct insn *i) { return muldiv(f, i, 5); }
static int l_div_E(struct fb *f, const struct insn *i) { return muldiv(f, i, 6); }

/* ---- control transfers: the block's last instruction ---- */

/* Near transfers use the code segment's size here: other forms
 * (operand-size prefixed jumps) go through the handler. */
static int near_ok(const struct fb *f, const struct insn *i)
{
    return i->osz == ((f->ir->mode & JIT_MODE_CODE32) ? 4 : 2);
}

static int l_jcc(struct fb *f, const struct insn *i)
{
    if (!near_ok(f, i)) return -1;
    struct uop *u = emit_imm(f, U_JCC, i->osz, V_NONE, i->imm);
    u->cc = (uint8_t)(i->b1 & 15);
    u->fl_read = cc_flags(u->cc);
    return 0;
}

static int l_jmp_rel(struct fb *f, const struct insn *i)
{
    if (!near_ok(f, i)) return -1;
    emit_imm(f, U_JMP, i->osz, V_NONE, i->imm);
    return 0;
}

static int l_call_rel(struct fb *f, const struct insn *i)
{
    int sz = i->osz;
    if (!near_ok(f, i)) return -1;
    /* the limit check of the target comes before the push (call_rel) */
    emit_imm(f, U_LIMIT, sz, V_NONE, i->imm)->flags = 1;   /* 1: a direct target, insn end + imm */
    emit_imm(f, U_ADDR_SP, sz, V_NONE, (uint32_t)-sz)->flags |= U_WRITE;
    emit(f, U_PUSH_RET, sz, V_T1, V_NONE);
    emit(f, U_STORE, sz, V_NONE, V_T1);
    emit_imm(f, U_SPADJ, sz, V_NONE, (uint32_t)-sz);
    emit_imm(f, U_JMP, sz, V_NONE, i->imm)->flags = 2;     /* limit already checked */
    return 0;
}

static int ret(struct fb *f, const struct insn *i, uint32_t extra)
{
    int sz = i->osz;
    if (!near_ok(f, i)) return -1;
    emit_imm(f, U_ADDR_SP, sz, V_NONE, 0);
    emit(f, U_LOAD, sz, V_T0, V_NONE);
    emit(f, U_LIMIT, sz, V_NONE, V_T0);
    emit_imm(f, U_SPADJ, sz, V_NONE, (uint32_t)sz + extra);
    emit(f, U_JMPIND, sz, V_NONE, V_T0);
    return 0;
}
static int l_ret(struct fb *f, const struct insn *i) { return ret(f, i, 0); }
static int l_ret_I(struct fb *f, const struct insn *i) { return ret(f, i, i->imm & 0xffff); }

/* T0 = the near target in r/m (zero-extended from 16 bits) */
static void target_rm(struct fb *f, const struct insn *i)
{
    if (is_mem(i)) {
        addr(f, 0, i->osz);
        emit(f, U_LOAD, i->osz, V_T0, V_NONE);
    } else {
        emit(f, U_MOVX, 4, V_T0, i->rm)->sub = i->osz == 2 ? 0xb7 : 0;
    }
}

static int l_jmp_E(struct fb *f, const struct insn *i)
{
    if (!near_ok(f, i)) return -1;
    target_rm(f, i);
    emit(f, U_LIMIT, i->osz, V_NONE, V_T0);
    emit(f, U_JMPIND, i->osz, V_NONE, V_T0);
    return 0;
}

static int l_call_E(struct fb *f, const struct insn *i)
{
    int sz = i->osz;
    if (!near_ok(f, i)) return -1;
    target_rm(f, i);
    emit(f, U_LIMIT, sz, V_NONE, V_T0);
    emit_imm(f, U_ADDR_SP, sz, V_NONE, (uint32_t)-sz)->flags |= U_WRITE;
    emit(f, U_PUSH_RET, sz, V_T1, V_NONE);
    emit(f, U_STORE, sz, V_NONE, V_T1);
    emit_imm(f, U_SPADJ, sz, V_NONE, (uint32_t)-sz);
    emit(f, U_JMPIND, sz, V_NONE, V_T0);
    return 0;
}

/* ---- the table ---- */

typedef int lower_fn(struct fb *f, const struct insn *i);
static const struct { exec_fn exec; lower_fn *lower; } lowerings[] = {
    { ex_mov_EG, l_mov_EG }, { ex_mov_GE, l_mov_GE }, { ex_mov_EI, l_mov_EI }, { ex_mov_RI, l_mov_RI },
    { ex_mov_A_moffs, l_mov_A_moffs }, { ex_mov_moffs_A, l_mov_moffs_A },
    { ex_movzx_b, l_movzx_b }, { ex_movzx_w, l_movzx_w }, { ex_movsx_b, l_movsx_b }, { ex_movsx_w, l_movsx_w },
    { ex_lea, l_lea }, { ex_nop, l_nop }, { ex_xchg_A_r, l_xchg_A_r }, { ex_xchg_EG, l_xchg_EG },
    { ex_cbw, l_cbw }, { ex_cwd, l_cwd },
    { ex_alu_EG, l_alu_EG }, { ex_alu_GE, l_alu_GE }, { ex_alu_AI, l_alu_AI }, { ex_alu_EI, l_alu_EI },
    { ex_test_EG, l_test_EG }, { ex_test_EI, l_test_EI }, { ex_test_AI, l_test_AI },
    { ex_inc_r, l_inc_r }, { ex_dec_r, l_dec_r }, { ex_inc_E, l_inc_E }, { ex_dec_E, l_dec_E },
    { ex_not_E, l_not_E }, { ex_neg_E, l_neg_E },
    { ex_imul_GE, l_imul_GE }, { ex_imul_GEI, l_imul_GEI },
    { ex_shift_E1, l_shift_E1 }, { ex_shift_EI, l_shift_EI }, { ex_shift_ECL, l_shift_ECL },
    { ex_setcc, l_setcc }, { ex_cmovcc, l_cmovcc },
    { ex_clc, l_clc }, { ex_stc, l_stc }, { ex_cmc, l_cmc }, { ex_cld, l_cld }, { ex_std, l_std },
    { ex_bswap, l_bswap }, { ex_shld_I, l_shld_I }, { ex_shld_CL, l_shld_CL }, { ex_shrd_I, l_shrd_I },
    { ex_shrd_CL, l_shrd_CL }, { ex_bsf, l_bsf }, { ex_bsr, l_bsr }, { ex_mul_E, l_mul_E }, { ex_imul_E, l_imul_E }, { ex_div_E, l_div_E },
    { ex_leave, l_leave }, { ex_bt_EG, l_bt_EG }, { ex_bts_EG, l_bts_EG }, { ex_btr_EG, l_btr_EG },
    { ex_btc_EG, l_btc_EG }, { ex_btx_EI, l_btx_EI },
    { ex_push_r, l_push_r }, { ex_push_I, l_push_I }, { ex_push_E, l_push_E }, { ex_pop_r, l_pop_r },
    { ex_jcc, l_jcc }, { ex_jmp_rel, l_jmp_rel }, { ex_call_rel, l_call_rel },
    { ex_ret, l_ret }, { ex_ret_I, l_ret_I }, { ex_jmp_E, l_jmp_E }, { ex_call_E, l_call_E },
};

static lower_fn *lowering_of(exec_fn exec)
{
    for (size_t k = 0; k < sizeof lowerings / sizeof lowerings[0]; k++)
        if (lowerings[k].exec == exec) return lowerings[k].lower;
    return NULL;
}

/* x87 instructions that touch no general register and no EFLAGS bit (all
 * but FNSTSW AX, FCOMI and FCMOVcc) need no budget, count or register
 * reload around their handler. */
static int x87_light(const struct insn *i)
{
    const struct opinfo *op = i->op;
    int x87 = (op >= &x87_mem[0][0] && op < &x87_mem[0][0] + 8 * 8)
           || (op >= &x87_reg[0][0] && op < &x87_reg[0][0] + 8 * 64);
    return x87 && !op->fl_read && !op->fl_write && op != &x87_reg[7][0x20];
}

/* Instructions run by their handler: the helper micro-op. The block ends
 * after one that may change what the translation assumed (a segment, the
 * mode, EIP): the table's OP_END rows, and LDS/LES/LSS/LFS/LGS. */
static void helper(struct fb *f, const struct insn *i)
{
    struct uop *u = emit(f, U_HELPER, i->osz, V_NONE, V_NONE);
    u->fl_read = F_ARITH;
    u->sub = (i->op->form & OP_END) || i->exec == ex_lxs;
    u->fl_write = 0;
    u->flags = x87_light(i) ? U_LIGHT : 0;
}

int ir_build(struct ir *ir, const struct block *b, unsigned mode)
{
    struct fb f = { .ir = ir };
    ir->b = b;
    ir->mode = mode;
    ir->n = 0;
    uint32_t off = 0;
    int k;
    for (k = 0; k < b->n; k++) {
        const struct insn *i = &b->insn[k];
        ir->insn_off[k] = off;
        off += i->len;
        f.i = i;
        f.k = k;
        if (ir->n + 16 > IR_MAX_UOPS) return -1;
        int start = ir->n;
        lower_fn *lower = !i->lock && i->exec == i->op->exec ? lowering_of(i->exec) : NULL;
        if (!lower || lower(&f, i) < 0) {
            ir->n = start;
            helper(&f, i);
            if (ir->u[ir->n - 1].sub) { k++; break; }    /* the block ends after it */
        }
        if (ir->n > start && ir->u[ir->n - 1].kind >= U_JCC && ir->u[ir->n - 1].kind <= U_JMPIND) { k++; break; }
    }
    ir->insn_off[k] = off;
    ir->n_insns = k;
    const struct uop *last = ir->n ? &ir->u[ir->n - 1] : NULL;
    if (!last || (last->kind == U_HELPER ? !last->sub : last->kind < U_JCC || last->kind > U_JMPIND)) {
        f.k = k - 1;
        emit(&f, U_EXIT, 4, V_NONE, V_NONE);
    }
    return 0;
}
