/* The opcode table: the single source of truth for what each encoding is.
 * Per entry: mnemonic, handler, operand form, immediate, CPU level, and the
 * arithmetic flags read, written and left undefined (for the translator's
 * flag liveness; defined in decode.h, checked against the recorded vectors
 * by tests/unit/test_optable_flags.c). x87 entries are in x87.c. */
#include "ops.h"

#define M  OP_MODRM
#define B  OP_BYTE
#define END OP_END
#define L  OP_LOCKOK
#define FA F_ARITH
#define FC F_CF
#define FO (F_OF | F_SF | F_ZF | F_AF | F_PF)     /* all but CF */
#define FCOND OP_FLCOND     /* the flag write depends on the operands */
/* BT/BTS/BTR/BTC: CF defined, ZF kept, the rest undefined */
#define FBT_W (F_CF | F_OF | F_SF | F_AF | F_PF)
#define FBT_U (F_OF | F_SF | F_AF | F_PF)
/* Flags read by condition codes 0-15 (O NO B AE E NE BE A S NS P NP L GE LE G) */
#define CC_O  F_OF
#define CC_B  F_CF
#define CC_E  F_ZF
#define CC_BE (F_CF | F_ZF)
#define CC_S  F_SF
#define CC_P  F_PF
#define CC_L  (F_SF | F_OF)
#define CC_LE (F_ZF | F_SF | F_OF)

#define E(n, f, form, im, lvl) { n, ex_##f, (form), (im), (lvl), 0, 0, 0, NULL }
#define EF(n, f, form, im, lvl, r, w, u) { n, ex_##f, (form), (im), (lvl), (r), (w), (u), NULL }
#define G(n, tbl, form, im) { n, NULL, (form) | OP_GROUP, (im), 3, 0, 0, 0, tbl }
#define X87(n) { n, NULL, OP_MODRM | OP_X87, IMM_NONE, 3, 0, 0, 0, NULL }

const struct opinfo op_ud = { "(bad)", ex_ud, 0, IMM_NONE, 3, 0, 0, 0, NULL };

/* ALU group: ModRM.reg or opcode bits 3-5 pick the operation. */
static const struct opinfo grp1_b[8] = {
    EF("add", alu_EI, M|B|L, IMM_B, 3, 0, FA, 0), EF("or", alu_EI, M|B|L, IMM_B, 3, 0, FA, F_AF),
    EF("adc", alu_EI, M|B|L, IMM_B, 3, FC, FA, 0), EF("sbb", alu_EI, M|B|L, IMM_B, 3, FC, FA, 0),
    EF("and", alu_EI, M|B|L, IMM_B, 3, 0, FA, F_AF), EF("sub", alu_EI, M|B|L, IMM_B, 3, 0, FA, 0),
    EF("xor", alu_EI, M|B|L, IMM_B, 3, 0, FA, F_AF), EF("cmp", alu_EI, M|B, IMM_B, 3, 0, FA, 0),
};
static const struct opinfo grp1_v[8] = {
    EF("add", alu_EI, M|L, IMM_V, 3, 0, FA, 0), EF("or", alu_EI, M|L, IMM_V, 3, 0, FA, F_AF),
    EF("adc", alu_EI, M|L, IMM_V, 3, FC, FA, 0), EF("sbb", alu_EI, M|L, IMM_V, 3, FC, FA, 0),
    EF("and", alu_EI, M|L, IMM_V, 3, 0, FA, F_AF), EF("sub", alu_EI, M|L, IMM_V, 3, 0, FA, 0),
    EF("xor", alu_EI, M|L, IMM_V, 3, 0, FA, F_AF), EF("cmp", alu_EI, M, IMM_V, 3, 0, FA, 0),
};
static const struct opinfo grp1_vb[8] = {
    EF("add", alu_EI, M|L, IMM_BS, 3, 0, FA, 0), EF("or", alu_EI, M|L, IMM_BS, 3, 0, FA, F_AF),
    EF("adc", alu_EI, M|L, IMM_BS, 3, FC, FA, 0), EF("sbb", alu_EI, M|L, IMM_BS, 3, FC, FA, 0),
    EF("and", alu_EI, M|L, IMM_BS, 3, 0, FA, F_AF), EF("sub", alu_EI, M|L, IMM_BS, 3, 0, FA, 0),
    EF("xor", alu_EI, M|L, IMM_BS, 3, 0, FA, F_AF), EF("cmp", alu_EI, M, IMM_BS, 3, 0, FA, 0),
};
/* Shifts and rotates by 1: always written; AF undefined for the shifts. */
#define SHIFTS1(form) { \
    EF("rol", shift_E1, M|form, IMM_NONE, 3, 0, F_CF|F_OF, 0), EF("ror", shift_E1, M|form, IMM_NONE, 3, 0, F_CF|F_OF, 0), \
    EF("rcl", shift_E1, M|form, IMM_NONE, 3, FC, F_CF|F_OF, 0), EF("rcr", shift_E1, M|form, IMM_NONE, 3, FC, F_CF|F_OF, 0), \
    EF("shl", shift_E1, M|form, IMM_NONE, 3, 0, FA, F_AF), EF("shr", shift_E1, M|form, IMM_NONE, 3, 0, FA, F_AF), \
    EF("sal", shift_E1, M|form, IMM_NONE, 3, 0, FA, F_AF), EF("sar", shift_E1, M|form, IMM_NONE, 3, 0, FA, F_AF) }
/* By CL or imm8: a masked count of 0 writes nothing; OF is undefined for
 * counts above 1, and SHL/SAL/SHR leave CF undefined once the count reaches
 * the width of a byte or word operand. */
#define SHIFTS(f, form, im) { \
    EF("rol", f, M|FCOND|form, im, 3, 0, F_CF|F_OF, F_OF), EF("ror", f, M|FCOND|form, im, 3, 0, F_CF|F_OF, F_OF), \
    EF("rcl", f, M|FCOND|form, im, 3, FC, F_CF|F_OF, F_OF), EF("rcr", f, M|FCOND|form, im, 3, FC, F_CF|F_OF, F_OF), \
    EF("shl", f, M|FCOND|form, im, 3, 0, FA, F_CF|F_OF|F_AF), EF("shr", f, M|FCOND|form, im, 3, 0, FA, F_CF|F_OF|F_AF), \
    EF("sal", f, M|FCOND|form, im, 3, 0, FA, F_CF|F_OF|F_AF), EF("sar", f, M|FCOND|form, im, 3, 0, FA, F_OF|F_AF) }
static const struct opinfo grp2_b1[8] = SHIFTS1(B);
static const struct opinfo grp2_v1[8] = SHIFTS1(0);
static const struct opinfo grp2_bcl[8] = SHIFTS(shift_ECL, B, IMM_NONE);
static const struct opinfo grp2_vcl[8] = SHIFTS(shift_ECL, 0, IMM_NONE);
static const struct opinfo grp2_bi[8] = SHIFTS(shift_EI, B, IMM_B);
static const struct opinfo grp2_vi[8] = SHIFTS(shift_EI, 0, IMM_B);

static const struct opinfo grp3_b[8] = {
    EF("test", test_EI, M|B, IMM_B, 3, 0, FA, F_AF), EF("test", test_EI, M|B, IMM_B, 3, 0, FA, F_AF),
    E("not", not_E, M|B|L, IMM_NONE, 3), EF("neg", neg_E, M|B|L, IMM_NONE, 3, 0, FA, 0),
    EF("mul", mul_E, M|B, IMM_NONE, 3, 0, FA, FO & ~F_OF), EF("imul", imul_E, M|B, IMM_NONE, 3, 0, FA, FO & ~F_OF),
    EF("div", div_E, M|B, IMM_NONE, 3, 0, FA, FA), EF("idiv", idiv_E, M|B, IMM_NONE, 3, 0, FA, FA),
};
static const struct opinfo grp3_v[8] = {
    EF("test", test_EI, M, IMM_V, 3, 0, FA, F_AF), EF("test", test_EI, M, IMM_V, 3, 0, FA, F_AF),
    E("not", not_E, M|L, IMM_NONE, 3), EF("neg", neg_E, M|L, IMM_NONE, 3, 0, FA, 0),
    EF("mul", mul_E, M, IMM_NONE, 3, 0, FA, FO & ~F_OF), EF("imul", imul_E, M, IMM_NONE, 3, 0, FA, FO & ~F_OF),
    EF("div", div_E, M, IMM_NONE, 3, 0, FA, FA), EF("idiv", idiv_E, M, IMM_NONE, 3, 0, FA, FA),
};
static const struct opinfo grp4[8] = {
    EF("inc", inc_E, M|B|L, IMM_NONE, 3, 0, FO, 0), EF("dec", dec_E, M|B|L, IMM_NONE, 3, 0, FO, 0),
};
static const struct opinfo grp5[8] = {
    EF("inc", inc_E, M|L, IMM_NONE, 3, 0, FO, 0), EF("dec", dec_E, M|L, IMM_NONE, 3, 0, FO, 0),
    E("call", call_E, M|END, IMM_NONE, 3), EF("lcall", call_farE, M|END|OP_MEM|FCOND, IMM_NONE, 3, FA, FA, 0),
    E("jmp", jmp_E, M|END, IMM_NONE, 3), EF("ljmp", jmp_farE, M|END|OP_MEM|FCOND, IMM_NONE, 3, FA, FA, 0),
    E("push", push_E, M, IMM_NONE, 3),
};
static const struct opinfo grp_pop[8] = { E("pop", pop_E, M, IMM_NONE, 3) };
static const struct opinfo grp_movb[8] = { E("mov", mov_EI, M|B, IMM_B, 3) };
static const struct opinfo grp_movv[8] = { E("mov", mov_EI, M, IMM_V, 3) };

#define ALU6(n, lk, r, u) \
    EF(n, alu_EG, M|B|lk, IMM_NONE, 3, r, FA, u), EF(n, alu_EG, M|lk, IMM_NONE, 3, r, FA, u), \
    EF(n, alu_GE, M|B, IMM_NONE, 3, r, FA, u), EF(n, alu_GE, M, IMM_NONE, 3, r, FA, u), \
    EF(n, alu_AI, B, IMM_B, 3, r, FA, u), EF(n, alu_AI, 0, IMM_V, 3, r, FA, u)
#define R8(n, f, form, im) E(n, f, form, im, 3), E(n, f, form, im, 3), E(n, f, form, im, 3), E(n, f, form, im, 3), \
    E(n, f, form, im, 3), E(n, f, form, im, 3), E(n, f, form, im, 3), E(n, f, form, im, 3)
#define R8F(n, f, w) EF(n, f, 0, IMM_NONE, 3, 0, w, 0), EF(n, f, 0, IMM_NONE, 3, 0, w, 0), \
    EF(n, f, 0, IMM_NONE, 3, 0, w, 0), EF(n, f, 0, IMM_NONE, 3, 0, w, 0), EF(n, f, 0, IMM_NONE, 3, 0, w, 0), \
    EF(n, f, 0, IMM_NONE, 3, 0, w, 0), EF(n, f, 0, IMM_NONE, 3, 0, w, 0), EF(n, f, 0, IMM_NONE, 3, 0, w, 0)
#define CC(n, f, form, im, lvl, r) EF(n, f, form, im, lvl, r, 0, 0)
#define CC16(n, f, form, im, lvl) \
    CC(n "o", f, form, im, lvl, CC_O), CC(n "no", f, form, im, lvl, CC_O), \
    CC(n "b", f, form, im, lvl, CC_B), CC(n "ae", f, form, im, lvl, CC_B), \
    CC(n "e", f, form, im, lvl, CC_E), CC(n "ne", f, form, im, lvl, CC_E), \
    CC(n "be", f, form, im, lvl, CC_BE), CC(n "a", f, form, im, lvl, CC_BE), \
    CC(n "s", f, form, im, lvl, CC_S), CC(n "ns", f, form, im, lvl, CC_S), \
    CC(n "p", f, form, im, lvl, CC_P), CC(n "np", f, form, im, lvl, CC_P), \
    CC(n "l", f, form, im, lvl, CC_L), CC(n "ge", f, form, im, lvl, CC_L), \
    CC(n "le", f, form, im, lvl, CC_LE), CC(n "g", f, form, im, lvl, CC_LE)

const struct opinfo optable_1[256] = {
    /* 00 */ ALU6("add", L, 0, 0), E("push", push_sreg, 0, IMM_NONE, 3), E("pop", pop_sreg, 0, IMM_NONE, 3),
    /* 08 */ ALU6("or", L, 0, F_AF), E("push", push_sreg, 0, IMM_NONE, 3), {0},
    /* 10 */ ALU6("adc", L, FC, 0), E("push", push_sreg, 0, IMM_NONE, 3), E("pop", pop_sreg, END, IMM_NONE, 3),
    /* 18 */ ALU6("sbb", L, FC, 0), E("push", push_sreg, 0, IMM_NONE, 3), E("pop", pop_sreg, 0, IMM_NONE, 3),
    /* 20 */ ALU6("and", L, 0, F_AF), {0}, EF("daa", daa, 0, IMM_NONE, 3, F_CF|F_AF, FA, F_OF),
    /* 28 */ ALU6("sub", L, 0, 0), {0}, EF("das", das, 0, IMM_NONE, 3, F_CF|F_AF, FA, F_OF),
    /* 30 */ ALU6("xor", L, 0, F_AF), {0}, EF("aaa", aaa, 0, IMM_NONE, 3, F_AF, FA, FO & ~F_AF),
    /* 38 */ ALU6("cmp", 0, 0, 0), {0}, EF("aas", aas, 0, IMM_NONE, 3, F_AF, FA, FO & ~F_AF),
    /* 40 */ R8F("inc", inc_r, FO),
    /* 48 */ R8F("dec", dec_r, FO),
    /* 50 */ R8("push", push_r, 0, IMM_NONE),
    /* 58 */ R8("pop", pop_r, 0, IMM_NONE),
    /* 60 */ E("pusha", pusha, 0, IMM_NONE, 3), E("popa", popa, 0, IMM_NONE, 3),
             E("bound", bound, M|OP_MEM, IMM_NONE, 3), EF("arpl", arpl, M|OP_W16|OP_PMONLY, IMM_NONE, 3, 0, F_ZF, 0),
             {0}, {0}, {0}, {0},
    /* 68 */ E("push", push_I, 0, IMM_V, 3), EF("imul", imul_GEI, M, IMM_V, 3, 0, FA, FO & ~F_OF),
             E("push", push_I, 0, IMM_BS, 3), EF("imul", imul_GEI, M, IMM_BS, 3, 0, FA, FO & ~F_OF),
             E("insb", ins, B|OP_REPOK, IMM_NONE, 3), E("ins", ins, OP_REPOK, IMM_NONE, 3),
             E("outsb", outs, B|OP_REPOK, IMM_NONE, 3), E("outs", outs, OP_REPOK, IMM_NONE, 3),
    /* 70 */ CC16("j", jcc, END, IMM_JB, 3),
    /* 80 */ G("grp1", grp1_b, M|B, 0), G("grp1", grp1_v, M, 0), G("grp1", grp1_b, M|B, 0), G("grp1", grp1_vb, M, 0),
             EF("test", test_EG, M|B, IMM_NONE, 3, 0, FA, F_AF), EF("test", test_EG, M, IMM_NONE, 3, 0, FA, F_AF),
             E("xchg", xchg_EG, M|B|L, IMM_NONE, 3), E("xchg", xchg_EG, M|L, IMM_NONE, 3),
    /* 88 */ E("mov", mov_EG, M|B, IMM_NONE, 3), E("mov", mov_EG, M, IMM_NONE, 3),
             E("mov", mov_GE, M|B, IMM_NONE, 3), E("mov", mov_GE, M, IMM_NONE, 3),
             E("mov", mov_E_sreg, M, IMM_NONE, 3), E("lea", lea, M|OP_MEM, IMM_NONE, 3),
             E("mov", mov_sreg_E, M|OP_W16|END, IMM_NONE, 3), G("pop", grp_pop, M, 0),
    /* 90 */ E("nop", nop, 0, IMM_NONE, 3), E("xchg", xchg_A_r, 0, IMM_NONE, 3), E("xchg", xchg_A_r, 0, IMM_NONE, 3),
             E("xchg", xchg_A_r, 0, IMM_NONE, 3), E("xchg", xchg_A_r, 0, IMM_NONE, 3), E("xchg", xchg_A_r, 0, IMM_NONE, 3),
             E("xchg", xchg_A_r, 0, IMM_NONE, 3), E("xchg", xchg_A_r, 0, IMM_NONE, 3),
    /* 98 */ E("cbw", cbw, 0, IMM_NONE, 3), E("cwd", cwd, 0, IMM_NONE, 3), EF("lcall", call_far, END|FCOND, IMM_PTR, 3, FA, FA, 0),
             E("fwait", wait, 0, IMM_NONE, 3), EF("pushf", pushf, 0, IMM_NONE, 3, FA, 0, 0), EF("popf", popf, END, IMM_NONE, 3, 0, FA, 0),
             EF("sahf", sahf, 0, IMM_NONE, 3, 0, FA & ~F_OF, 0), EF("lahf", lahf, 0, IMM_NONE, 3, FA & ~F_OF, 0, 0),
    /* a0 */ E("mov", mov_A_moffs, B, IMM_MOFFS, 3), E("mov", mov_A_moffs, 0, IMM_MOFFS, 3),
             E("mov", mov_moffs_A, B, IMM_MOFFS, 3), E("mov", mov_moffs_A, 0, IMM_MOFFS, 3),
             E("movsb", movs, B|OP_REPOK, IMM_NONE, 3), E("movs", movs, OP_REPOK, IMM_NONE, 3),
             EF("cmpsb", cmps, B|OP_REPOK|FCOND, IMM_NONE, 3, 0, FA, 0), EF("cmps", cmps, OP_REPOK|FCOND, IMM_NONE, 3, 0, FA, 0),
    /* a8 */ EF("test", test_AI, B, IMM_B, 3, 0, FA, F_AF), EF("test", test_AI, 0, IMM_V, 3, 0, FA, F_AF),
             E("stosb", stos, B|OP_REPOK, IMM_NONE, 3), E("stos", stos, OP_REPOK, IMM_NONE, 3),
             E("lodsb", lods, B|OP_REPOK, IMM_NONE, 3), E("lods", lods, OP_REPOK, IMM_NONE, 3),
             EF("scasb", scas, B|OP_REPOK|FCOND, IMM_NONE, 3, 0, FA, 0), EF("scas", scas, OP_REPOK|FCOND, IMM_NONE, 3, 0, FA, 0),
    /* b0 */ R8("mov", mov_RI, B, IMM_B),
    /* b8 */ R8("mov", mov_RI, 0, IMM_V),
    /* c0 */ G("grp2", grp2_bi, M|B, 0), G("grp2", grp2_vi, M, 0), E("ret", ret_I, END, IMM_W, 3), E("ret", ret, END, IMM_NONE, 3),
             E("les", lxs, M|OP_MEM, IMM_NONE, 3), E("lds", lxs, M|OP_MEM, IMM_NONE, 3),
             G("mov", grp_movb, M|B, 0), G("mov", grp_movv, M, 0),
    /* c8 */ E("enter", enter, 0, IMM_WB, 3), E("leave", leave, 0, IMM_NONE, 3),
             E("lret", retf_I, END, IMM_W, 3), E("lret", retf, END, IMM_NONE, 3),
             EF("int3", int3, END|FCOND, IMM_NONE, 3, FA, FA, 0), EF("int", int_I, END|FCOND, IMM_B, 3, FA, FA, 0),
             EF("into", into, END|FCOND, IMM_NONE, 3, FA, FA, 0), EF("iret", iret, END, IMM_NONE, 3, FA, FA, 0),
    /* d0 */ G("grp2", grp2_b1, M|B, 0), G("grp2", grp2_v1, M, 0), G("grp2", grp2_bcl, M|B, 0), G("grp2", grp2_vcl, M, 0),
             EF("aam", aam, 0, IMM_B, 3, 0, FA, F_OF|F_AF|F_CF), EF("aad", aad, 0, IMM_B, 3, 0, FA, F_OF|F_AF|F_CF),
             EF("salc", salc, 0, IMM_NONE, 3, FC, 0, 0), E("xlat", xlat, 0, IMM_NONE, 3),
    /* d8 */ X87("esc0"), X87("esc1"), X87("esc2"), X87("esc3"), X87("esc4"), X87("esc5"), X87("esc6"), X87("esc7"),
    /* e0 */ EF("loopne", loopne, END, IMM_JB, 3, F_ZF, 0, 0), EF("loope", loope, END, IMM_JB, 3, F_ZF, 0, 0),
             E("loop", loop, END, IMM_JB, 3), E("jcxz", jcxz, END, IMM_JB, 3),
             E("in", in_I, B, IMM_B, 3), E("in", in_I, 0, IMM_B, 3), E("out", out_I, B, IMM_B, 3), E("out", out_I, 0, IMM_B, 3),
    /* e8 */ E("call", call_rel, END, IMM_JV, 3), E("jmp", jmp_rel, END, IMM_JV, 3),
             EF("ljmp", jmp_far, END|FCOND, IMM_PTR, 3, FA, FA, 0), E("jmp", jmp_rel, END, IMM_JB, 3),
             E("in", in_DX, B, IMM_NONE, 3), E("in", in_DX, 0, IMM_NONE, 3), E("out", out_DX, B, IMM_NONE, 3), E("out", out_DX, 0, IMM_NONE, 3),
    /* f0 */ {0}, EF("int1", int1, END|FCOND, IMM_NONE, 3, FA, FA, 0), {0}, {0},
             E("hlt", hlt, END, IMM_NONE, 3), EF("cmc", cmc, 0, IMM_NONE, 3, FC, FC, 0),
             G("grp3", grp3_b, M|B, 0), G("grp3", grp3_v, M, 0),
    /* f8 */ EF("clc", clc, 0, IMM_NONE, 3, 0, FC, 0), EF("stc", stc, 0, IMM_NONE, 3, 0, FC, 0),
             E("cli", cli, 0, IMM_NONE, 3), E("sti", sti, END, IMM_NONE, 3),
             E("cld", cld, 0, IMM_NONE, 3), E("std", std, 0, IMM_NONE, 3),
             G("grp4", grp4, M|B, 0), G("grp5", grp5, M, 0),
};

static const struct opinfo grp6[8] = {
    E("sldt", grp6, M|OP_PMONLY, IMM_NONE, 3), E("str", grp6, M|OP_PMONLY, IMM_NONE, 3),
    E("lldt", grp6, M|OP_PMONLY|OP_W16, IMM_NONE, 3), E("ltr", grp6, M|OP_PMONLY|OP_W16, IMM_NONE, 3),
    EF("verr", grp6, M|OP_PMONLY|OP_W16, IMM_NONE, 3, 0, F_ZF, 0), EF("verw", grp6, M|OP_PMONLY|OP_W16, IMM_NONE, 3, 0, F_ZF, 0),
};
static const struct opinfo grp7[8] = {
    E("sgdt", sgdt, M|OP_MEM, IMM_NONE, 3), E("sidt", sidt, M|OP_MEM, IMM_NONE, 3),
    E("lgdt", lgdt, M|OP_MEM, IMM_NONE, 3), E("lidt", lidt, M|OP_MEM, IMM_NONE, 3),
    E("smsw", smsw, M, IMM_NONE, 3), {0},
    E("lmsw", lmsw, M|OP_W16|END, IMM_NONE, 3), E("invlpg", invlpg, M|OP_MEM|END, IMM_NONE, 4),
};
static const struct opinfo grp8[8] = {
    [4] = EF("bt", btx_EI, M, IMM_B, 3, 0, FBT_W, FBT_U), EF("bts", btx_EI, M|L, IMM_B, 3, 0, FBT_W, FBT_U),
    EF("btr", btx_EI, M|L, IMM_B, 3, 0, FBT_W, FBT_U), EF("btc", btx_EI, M|L, IMM_B, 3, 0, FBT_W, FBT_U),
};
static const struct opinfo grp9[8] = {
    [1] = EF("cmpxchg8b", cmpxchg8b, M|OP_MEM|L, IMM_NONE, 5, 0, F_ZF, 0),
};
static const struct opinfo grp15[8] = {
    E("fxsave", fxsave, M|OP_MEM, IMM_NONE, 6), E("fxrstor", fxrstor, M|OP_MEM, IMM_NONE, 6),
};
/* 0F 18-1F: hint space, executes as a NOP with a ModRM operand on P6. */
#define HINT E("nop", nop, M, IMM_NONE, 6)

const struct opinfo optable_0f[256] = {
    [0x00] = G("grp6", grp6, M, 0), [0x01] = G("grp7", grp7, M, 0),
    [0x02] = EF("lar", lar, M|OP_PMONLY, IMM_NONE, 3, 0, F_ZF, 0), [0x03] = EF("lsl", lsl, M|OP_PMONLY, IMM_NONE, 3, 0, F_ZF, 0),
    [0x06] = E("clts", clts, 0, IMM_NONE, 3), [0x08] = E("invd", invd, 0, IMM_NONE, 4),
    [0x09] = E("wbinvd", wbinvd, 0, IMM_NONE, 4), [0x0b] = E("ud2", ud, 0, IMM_NONE, 6),
    [0x18] = HINT, [0x19] = HINT, [0x1a] = HINT, [0x1b] = HINT, [0x1c] = HINT, [0x1d] = HINT, [0x1e] = HINT, [0x1f] = HINT,
    /* MOV to/from control and debug registers ignore ModRM.mod: always registers */
    [0x20] = E("mov", mov_R_cr, M|OP_RMREG, IMM_NONE, 3), [0x21] = E("mov", mov_R_dr, M|OP_RMREG, IMM_NONE, 3),
    [0x22] = E("mov", mov_cr_R, M|OP_RMREG|END, IMM_NONE, 3), [0x23] = E("mov", mov_dr_R, M|OP_RMREG|END, IMM_NONE, 3),
    [0x30] = E("wrmsr", wrmsr, END, IMM_NONE, 5), [0x31] = E("rdtsc", rdtsc, 0, IMM_NONE, 5),
    [0x32] = E("rdmsr", rdmsr, 0, IMM_NONE, 5), [0x33] = E("rdpmc", rdpmc, 0, IMM_NONE, 6),
    [0x40] = CC16("cmov", cmovcc, M, IMM_NONE, 6),
    [0x80] = CC16("j", jcc, END, IMM_JV, 3),
    [0x90] = CC16("set", setcc, M|B, IMM_NONE, 3),
    [0xa0] = E("push", push_sreg, 0, IMM_NONE, 3), [0xa1] = E("pop", pop_sreg, 0, IMM_NONE, 3),
    [0xa2] = E("cpuid", cpuid, 0, IMM_NONE, 5), [0xa3] = EF("bt", bt_EG, M, IMM_NONE, 3, 0, FBT_W, FBT_U),
    [0xa4] = EF("shld", shld_I, M|FCOND, IMM_B, 3, 0, FA, FA), [0xa5] = EF("shld", shld_CL, M|FCOND, IMM_NONE, 3, 0, FA, FA),
    [0xa8] = E("push", push_sreg, 0, IMM_NONE, 3), [0xa9] = E("pop", pop_sreg, 0, IMM_NONE, 3),
    [0xab] = EF("bts", bts_EG, M|L, IMM_NONE, 3, 0, FBT_W, FBT_U),
    [0xac] = EF("shrd", shrd_I, M|FCOND, IMM_B, 3, 0, FA, FA), [0xad] = EF("shrd", shrd_CL, M|FCOND, IMM_NONE, 3, 0, FA, FA),
    [0xae] = G("grp15", grp15, M, 0), [0xaf] = EF("imul", imul_GE, M, IMM_NONE, 3, 0, FA, FO & ~F_OF),
    [0xb0] = EF("cmpxchg", cmpxchg, M|B|L, IMM_NONE, 4, 0, FA, 0), [0xb1] = EF("cmpxchg", cmpxchg, M|L, IMM_NONE, 4, 0, FA, 0),
    [0xb2] = E("lss", lxs, M|OP_MEM, IMM_NONE, 3), [0xb3] = EF("btr", btr_EG, M|L, IMM_NONE, 3, 0, FBT_W, FBT_U),
    [0xb4] = E("lfs", lxs, M|OP_MEM, IMM_NONE, 3), [0xb5] = E("lgs", lxs, M|OP_MEM, IMM_NONE, 3),
    [0xb6] = E("movzx", movzx_b, M, IMM_NONE, 3), [0xb7] = E("movzx", movzx_w, M, IMM_NONE, 3),
    [0xba] = G("grp8", grp8, M, 0), [0xbb] = EF("btc", btc_EG, M|L, IMM_NONE, 3, 0, FBT_W, FBT_U),
    [0xbc] = EF("bsf", bsf, M, IMM_NONE, 3, 0, FA, FA & ~F_ZF), [0xbd] = EF("bsr", bsr, M, IMM_NONE, 3, 0, FA, FA & ~F_ZF),
    [0xbe] = E("movsx", movsx_b, M, IMM_NONE, 3), [0xbf] = E("movsx", movsx_w, M, IMM_NONE, 3),
    [0xc0] = EF("xadd", xadd, M|B|L, IMM_NONE, 4, 0, FA, 0), [0xc1] = EF("xadd", xadd, M|L, IMM_NONE, 4, 0, FA, 0),
    [0xc7] = G("grp9", grp9, M, 0),
    [0xc8] = R8("bswap", bswap, 0, IMM_NONE),
};
