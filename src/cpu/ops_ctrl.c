/* Control transfers: near and far jumps, calls and returns, loops, software
 * interrupts, HLT. Protected-mode far transfers are in intr.c. */
#include "ops.h"

static inline uint32_t next_eip(const struct cpu *c, const struct insn *i)
{
    uint32_t e = c->eip + i->len;
    return c->code32 ? e : e & 0xffff;
}

void jump_near(struct cpu *c, uint32_t target, int osz)
{
    if (osz == 2) target &= 0xffff;
    if (target > c->seg[S_CS].limit) GP0(c);
    c->eip = target;
}

OP(jcc)
{
    if (cond(c, i->b1 & 15)) jump_near(c, next_eip(c, i) + i->imm, i->osz);
    else next(c, i);
}

OP(jmp_rel) { jump_near(c, next_eip(c, i) + i->imm, i->osz); }

OP(call_rel)
{
    uint32_t ret = next_eip(c, i), target = ret + i->imm;
    if (i->osz == 2) target &= 0xffff;
    if (target > c->seg[S_CS].limit) GP0(c);
    push(c, ret, i->osz);
    c->eip = target;
}

OP(jmp_E) { jump_near(c, rm_read(c, i, i->osz), i->osz); }

OP(call_E)
{
    uint32_t target = rm_read(c, i, i->osz);
    if (i->osz == 2) target &= 0xffff;
    if (target > c->seg[S_CS].limit) GP0(c);
    push(c, next_eip(c, i), i->osz);
    c->eip = target;
}

static void near_ret(struct cpu *c, const struct insn *i, uint32_t extra)
{
    uint32_t target = stack_peek(c, 0, i->osz);
    if (target > c->seg[S_CS].limit) GP0(c);
    set_sp(c, c->reg[R_ESP] + i->osz + extra);
    c->eip = target;
}
OP(ret) { near_ret(c, i, 0); }
OP(ret_I) { near_ret(c, i, i->imm & 0xffff); }

/* Real and v86 mode far transfers just load CS as a paragraph. */
static int real_like(const struct cpu *c) { return !c->pmode || c->v86; }

static void do_far_jump(struct cpu *c, const struct insn *i, uint16_t sel, uint32_t off)
{
    if (real_like(c)) {
        if (i->osz == 2) off &= 0xffff;
        if (off > 0xffff && !c->v86 && off > c->seg[S_CS].limit) GP0(c);
        seg_load_real(c, S_CS, sel);
        c->eip = off;
        cpu_update_mode(c);
    } else {
        far_jump(c, sel, off, i->osz, next_eip(c, i));
    }
}

static void do_far_call(struct cpu *c, const struct insn *i, uint16_t sel, uint32_t off)
{
    if (real_like(c)) {
        if (i->osz == 2) off &= 0xffff;
        push(c, c->seg[S_CS].sel, i->osz);
        push(c, next_eip(c, i), i->osz);
        seg_load_real(c, S_CS, sel);
        c->eip = off;
        cpu_update_mode(c);
    } else {
        far_call(c, sel, off, i->osz, next_eip(c, i));
    }
}

OP(jmp_far) { do_far_jump(c, i, (uint16_t)i->imm2, i->imm); }
OP(call_far) { do_far_call(c, i, (uint16_t)i->imm2, i->imm); }

static void far_pointer(struct cpu *c, const struct insn *i, uint16_t *sel, uint32_t *off)
{
    uint32_t ea = insn_ea(c, i), ea2 = ea + i->osz;
    if (i->asz == 2) ea2 &= 0xffff;
    *off = mem_read(c, i->seg, ea, i->osz);
    *sel = (uint16_t)mem_read(c, i->seg, ea2, 2);
}

OP(jmp_farE) { uint16_t s; uint32_t o; far_pointer(c, i, &s, &o); do_far_jump(c, i, s, o); }
OP(call_farE) { uint16_t s; uint32_t o; far_pointer(c, i, &s, &o); do_far_call(c, i, s, o); }

static void do_retf(struct cpu *c, const struct insn *i, uint16_t extra)
{
    if (real_like(c)) {
        uint32_t off = stack_peek(c, 0, i->osz);
        uint16_t sel = (uint16_t)stack_peek(c, i->osz, 2);
        if (i->osz == 2) off &= 0xffff;
        set_sp(c, c->reg[R_ESP] + 2 * i->osz + extra);
        seg_load_real(c, S_CS, sel);
        c->eip = off;
        cpu_update_mode(c);
    } else {
        far_ret(c, i->osz, extra);
    }
}
OP(retf) { do_retf(c, i, 0); }
OP(retf_I) { do_retf(c, i, (uint16_t)i->imm); }

static void loop_common(struct cpu *c, const struct insn *i, int zf_cond)
{
    uint32_t cnt = (i->asz == 2 ? c->reg[R_ECX] - 1 : c->reg[R_ECX] - 1);
    if (i->asz == 2) {
        cnt &= 0xffff;
        reg_set(c, R_ECX, 2, cnt);
    }
    int take = cnt != 0;
    if (zf_cond == 1) take = take && flag_zf(c);
    if (zf_cond == 2) take = take && !flag_zf(c);
    if (take) {
        uint32_t t = next_eip(c, i) + i->imm;
        if (i->osz == 2) t &= 0xffff;
        if (t > c->seg[S_CS].limit) {
            if (i->asz == 2) reg_set(c, R_ECX, 2, cnt + 1);
            GP0(c);
        }
        c->eip = t;
    } else {
        next(c, i);
    }
    if (i->asz == 4) c->reg[R_ECX] = cnt;
}
OP(loop) { loop_common(c, i, 0); }
OP(loope) { loop_common(c, i, 1); }
OP(loopne) { loop_common(c, i, 2); }

OP(jcxz)
{
    uint32_t cnt = i->asz == 2 ? c->reg[R_ECX] & 0xffff : c->reg[R_ECX];
    if (!cnt) jump_near(c, next_eip(c, i) + i->imm, i->osz);
    else next(c, i);
}

/* INT n is IOPL-sensitive in v86 mode (no VME); INT3 and INTO are not:
 * they go to the IDT, where the gate DPL check applies. */
static void soft_int(struct cpu *c, const struct insn *i, int vec)
{
    cpu_interrupt(c, vec, 1, 0, 0, next_eip(c, i));
}

OP(int3) { soft_int(c, i, EX_BP); }
OP(int_I)
{
    if (c->v86 && ((c->eflags >> 12) & 3) < 3) GP0(c);
    soft_int(c, i, i->imm & 0xff);
}
OP(into)
{
    if (flag_of(c)) soft_int(c, i, EX_OF);
    else next(c, i);
}
/* ICEBP: a #DB trap delivered like a hardware event (no gate DPL check). */
OP(int1) { cpu_interrupt(c, EX_DB, 0, 0, 0, next_eip(c, i)); }

OP(iret)
{
    /* any IRET, even one that faults later, unblocks NMI (SDM 6.7.1) */
    c->nmi_blocked = 0;
    if (!c->pmode) {
        uint32_t ip = stack_peek(c, 0, i->osz);
        uint16_t cs = (uint16_t)stack_peek(c, i->osz, 2);
        uint32_t fl = stack_peek(c, 2 * i->osz, i->osz);
        if (i->osz == 2) { ip &= 0xffff; fl = (cpu_get_eflags(c) & 0xffff0000u) | (fl & 0xffff); }
        else fl = (fl & 0x257fd5u) | (cpu_get_eflags(c) & 0x1a0000u);
        if (ip > c->seg[S_CS].limit && i->osz == 4) GP0(c);
        set_sp(c, c->reg[R_ESP] + 3 * i->osz);
        seg_load_real(c, S_CS, cs);
        c->eip = ip;
        set_eflags(c, fl);
        cpu_update_mode(c);
        return;
    }
    iret(c, i->osz, next_eip(c, i));
}

OP(hlt)
{
    if (c->pmode && c->cpl != 0) GP0(c);
    next(c, i);
    c->halted = 1;
    c->stop_block = 1;
    c->budget = 0;
}
