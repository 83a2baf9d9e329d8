/* Instruction handlers, named after the instruction they execute. The
 * opcode table (optable.c) maps encodings to them. A handler runs with EIP
 * still at the instruction start and advances it only when it completes,
 * so a fault inside leaves the architectural state untouched. */
#ifndef RELIC_OPS_H
#define RELIC_OPS_H
#include "exec.h"

#define OP(name) void ex_##name(struct cpu *c, const struct insn *i)

/* Advances EIP past the instruction (wrapping at 64 KiB in 16-bit code). */
static inline void next(struct cpu *c, const struct insn *i)
{
    c->eip = c->code32 ? c->eip + i->len : (c->eip + i->len) & 0xffff;
}
/* Jumps to an offset in the current code segment, checking the CS limit. */
void jump_near(struct cpu *c, uint32_t target, int osz);

/* ops_alu.c */
OP(alu_EG); OP(alu_GE); OP(alu_AI); OP(alu_EI);
OP(test_EG); OP(test_AI); OP(test_EI);
OP(inc_r); OP(dec_r); OP(inc_E); OP(dec_E);
OP(not_E); OP(neg_E); OP(mul_E); OP(imul_E); OP(div_E); OP(idiv_E);
OP(imul_GE); OP(imul_GEI);
OP(shift_E1); OP(shift_ECL); OP(shift_EI);
OP(shld_I); OP(shld_CL); OP(shrd_I); OP(shrd_CL);
OP(bt_EG); OP(bts_EG); OP(btr_EG); OP(btc_EG); OP(btx_EI);
OP(bsf); OP(bsr); OP(bswap); OP(xadd); OP(cmpxchg); OP(cmpxchg8b);
OP(daa); OP(das); OP(aaa); OP(aas); OP(aam); OP(aad); OP(salc);
OP(setcc); OP(cmovcc);
OP(cbw); OP(cwd); OP(lahf); OP(sahf);
OP(clc); OP(stc); OP(cmc); OP(cld); OP(std);

/* ops_data.c */
OP(mov_EG); OP(mov_GE); OP(mov_EI); OP(mov_RI); OP(mov_A_moffs); OP(mov_moffs_A);
OP(mov_E_sreg); OP(mov_sreg_E);
OP(movzx_b); OP(movzx_w); OP(movsx_b); OP(movsx_w);
OP(xchg_EG); OP(xchg_A_r); OP(lea); OP(nop);
OP(push_r); OP(pop_r); OP(push_I); OP(push_E); OP(pop_E);
OP(push_sreg); OP(pop_sreg);
OP(pusha); OP(popa); OP(pushf); OP(popf);
OP(enter); OP(leave); OP(xlat); OP(lxs); OP(bound);

/* ops_ctrl.c */
OP(jcc); OP(jmp_rel); OP(call_rel); OP(ret); OP(ret_I);
OP(jmp_E); OP(call_E); OP(jmp_far); OP(call_far); OP(jmp_farE); OP(call_farE);
OP(retf); OP(retf_I); OP(loop); OP(loope); OP(loopne); OP(jcxz);
OP(int3); OP(int_I); OP(into); OP(int1); OP(iret); OP(hlt);

/* ops_string.c */
OP(movs); OP(cmps); OP(stos); OP(lods); OP(scas); OP(ins); OP(outs);

/* ops_sys.c */
OP(in_I); OP(in_DX); OP(out_I); OP(out_DX);
OP(cli); OP(sti); OP(wait);
OP(grp6); OP(sgdt); OP(sidt); OP(lgdt); OP(lidt); OP(smsw); OP(lmsw); OP(invlpg);
OP(lar); OP(lsl); OP(clts); OP(invd); OP(wbinvd); OP(ud);
OP(mov_R_cr); OP(mov_cr_R); OP(mov_R_dr); OP(mov_dr_R);
OP(wrmsr); OP(rdmsr); OP(rdtsc); OP(rdpmc); OP(cpuid); OP(arpl);
OP(fxsave); OP(fxrstor);

/* x87.c: one dispatcher per escape; the x87 tables pick the operation */
#endif
