/* Data movement: MOV and friends, exchanges, the stack, segment loads. */
#include "ops.h"

OP(mov_EG) { rm_write(c, i, i->osz, reg_get(c, i->reg, i->osz)); next(c, i); }
OP(mov_GE) { reg_set(c, i->reg, i->osz, rm_read(c, i, i->osz)); next(c, i); }
OP(mov_EI) { rm_write(c, i, i->osz, i->imm); next(c, i); }
OP(mov_RI) { reg_set(c, i->b1 & 7, i->osz, i->imm); next(c, i); }
OP(mov_A_moffs) { reg_set(c, R_EAX, i->osz, mem_read(c, i->seg, i->disp, i->osz)); next(c, i); }
OP(mov_moffs_A) { mem_write(c, i->seg, i->disp, reg_get(c, R_EAX, i->osz), i->osz); next(c, i); }

OP(mov_E_sreg)
{
    if (i->reg > S_GS) cpu_ud(c);
    uint32_t v = c->seg[i->reg].sel;
    /* to a register the upper half is zeroed with a 32-bit operand; to memory it is a 16-bit store */
    if (i->mod == 3) reg_set(c, i->rm, i->osz, v);
    else mem_write(c, i->seg, insn_ea(c, i), v, 2);
    next(c, i);
}

OP(mov_sreg_E)
{
    if (i->reg > S_GS || i->reg == S_CS) cpu_ud(c);
    seg_load(c, i->reg, (uint16_t)rm_read(c, i, 2));
    if (i->reg == S_SS) c->inhibit_irq = 1;
    next(c, i);
}

OP(movzx_b) { reg_set(c, i->reg, i->osz, rm_read(c, i, 1)); next(c, i); }
OP(movzx_w) { reg_set(c, i->reg, i->osz, rm_read(c, i, 2)); next(c, i); }
OP(movsx_b) { reg_set(c, i->reg, i->osz, sext(rm_read(c, i, 1), 1)); next(c, i); }
OP(movsx_w) { reg_set(c, i->reg, i->osz, sext(rm_read(c, i, 2), 2)); next(c, i); }

OP(xchg_EG)
{
    uint32_t a = rm_read_rmw(c, i, i->osz), b = reg_get(c, i->reg, i->osz);
    rm_write(c, i, i->osz, b);
    reg_set(c, i->reg, i->osz, a);
    next(c, i);
}

OP(xchg_A_r)
{
    int r = i->b1 & 7;
    uint32_t a = reg_get(c, R_EAX, i->osz);
    reg_set(c, R_EAX, i->osz, reg_get(c, r, i->osz));
    reg_set(c, r, i->osz, a);
    next(c, i);
}

OP(lea) { reg_set(c, i->reg, i->osz, insn_ea(c, i)); next(c, i); }
OP(nop) { next(c, i); }

OP(push_r) { push(c, reg_get(c, i->b1 & 7, i->osz), i->osz); next(c, i); }

OP(pop_r)
{
    uint32_t v = pop(c, i->osz);
    reg_set(c, i->b1 & 7, i->osz, v);
    next(c, i);
}

OP(push_I) { push(c, i->imm & size_mask(i->osz), i->osz); next(c, i); }
OP(push_E) { push(c, rm_read(c, i, i->osz), i->osz); next(c, i); }

OP(pop_E)
{
    /* the destination address is computed with ESP already incremented */
    uint32_t v = pop(c, i->osz);
    rm_write(c, i, i->osz, v);
    next(c, i);
}

static int sreg_of(const struct insn *i)
{
    if (i->opcode < 0x100) return (i->b1 >> 3) & 3;   /* 06/0e/16/1e: ES CS SS DS */
    return i->b1 == 0xa0 || i->b1 == 0xa1 ? S_FS : S_GS;
}

OP(push_sreg)
{
    uint16_t v = c->seg[sreg_of(i)].sel;
    if (i->osz == 4) {
        /* P6 and later store only the selector word and move ESP by 4 */
        uint32_t sp = (c->reg[R_ESP] - 4) & sp_mask(c);
        mem_write(c, S_SS, sp, v, 2);
        set_sp(c, sp);
    } else {
        push(c, v, 2);
    }
    next(c, i);
}

OP(pop_sreg)
{
    int s = sreg_of(i);
    uint16_t v = (uint16_t)stack_peek(c, 0, 2);
    seg_load(c, s, v);
    set_sp(c, c->reg[R_ESP] + i->osz);
    if (s == S_SS) c->inhibit_irq = 1;
    next(c, i);
}

OP(pusha)
{
    int sz = i->osz;
    uint32_t sp0 = c->reg[R_ESP];
    uint32_t sp = sp0;
    for (int r = 0; r < 8; r++) {
        sp = (sp - sz) & sp_mask(c);
        mem_write(c, S_SS, sp, r == R_ESP ? sp0 : c->reg[r], sz);
    }
    set_sp(c, sp);
    next(c, i);
}

OP(popa)
{
    int sz = i->osz;
    uint32_t v[8];
    for (int r = 7; r >= 0; r--)
        v[r] = stack_peek(c, (uint32_t)(7 - r) * sz, sz);
    for (int r = 0; r < 8; r++)
        if (r != R_ESP) reg_set(c, r, sz, v[r]);
    set_sp(c, c->reg[R_ESP] + 8 * sz);
    next(c, i);
}

OP(pushf)
{
    if (c->v86 && ((c->eflags >> 12) & 3) < 3) GP0(c);
    /* VM and RF are never seen in the pushed image */
    push(c, cpu_get_eflags(c) & ~(F_VM | F_RF), i->osz);
    next(c, i);
}

/* Which EFLAGS bits POPF may change, by privilege (SDM POPF operation). */
uint32_t popf_mask(struct cpu *c, int osz)
{
    uint32_t m = F_ARITH | F_TF | F_DF | F_NT | F_AC | F_ID | F_IF | F_IOPL;
    if (c->pmode) {
        int iopl = (c->eflags >> 12) & 3;
        if (c->v86 || c->cpl > 0) m &= ~F_IOPL;
        if (c->cpl > iopl && !c->v86) m &= ~F_IF;
    }
    return osz == 2 ? m & 0xffff : m;
}

OP(popf)
{
    if (c->v86 && ((c->eflags >> 12) & 3) < 3) GP0(c);
    uint32_t v = stack_peek(c, 0, i->osz);
    uint32_t m = popf_mask(c, i->osz);
    set_sp(c, c->reg[R_ESP] + i->osz);
    set_eflags(c, (cpu_get_eflags(c) & ~m & ~F_RF) | (v & m));
    cpu_update_mode(c);
    next(c, i);
}

OP(enter)
{
    int sz = i->osz;
    uint32_t size = i->imm & 0xffff, level = i->imm2 & 31;
    uint32_t m = sp_mask(c);
    uint32_t sp = (c->reg[R_ESP] - sz) & m;
    uint32_t frame = sp;
    mem_write(c, S_SS, sp, reg_get(c, R_EBP, sz), sz);
    if (level) {
        uint32_t bp = c->reg[R_EBP];
        for (uint32_t k = 1; k < level; k++) {
            bp = (bp - sz) & m;
            uint32_t v = mem_read(c, S_SS, bp, sz);
            sp = (sp - sz) & m;
            mem_write(c, S_SS, sp, v, sz);
        }
        sp = (sp - sz) & m;
        mem_write(c, S_SS, sp, frame, sz);
    }
    sp = (sp - size) & m;
    /* the whole new frame must be addressable: touch its lowest byte */
    if (size) (void)seg_lin(c, S_SS, sp, 1, 1);
    reg_set(c, R_EBP, sz, frame);
    set_sp(c, sp);
    next(c, i);
}

OP(leave)
{
    uint32_t bp = c->reg[R_EBP] & sp_mask(c);
    uint32_t v = mem_read(c, S_SS, bp, i->osz);
    set_sp(c, bp + i->osz);
    reg_set(c, R_EBP, i->osz, v);
    next(c, i);
}

OP(xlat)
{
    uint32_t a = c->reg[R_EBX] + (c->reg[R_EAX] & 0xff);
    if (i->asz == 2) a &= 0xffff;
    reg_set(c, R_EAX, 1, mem_read(c, i->seg, a, 1));
    next(c, i);
}

/* LES LDS LSS LFS LGS: offset first, then the selector. */
OP(lxs)
{
    static const uint8_t seg_for[] = { [0xc4 & 7] = S_ES, [0xc5 & 7] = S_DS };
    int s;
    if (i->opcode < 0x100) s = seg_for[i->b1 & 7];
    else s = i->b1 == 0xb2 ? S_SS : i->b1 == 0xb4 ? S_FS : S_GS;
    uint32_t ea = insn_ea(c, i);
    uint32_t off = mem_read(c, i->seg, ea, i->osz);
    uint32_t ea2 = ea + i->osz;
    if (i->asz == 2) ea2 &= 0xffff;
    uint16_t sel = (uint16_t)mem_read(c, i->seg, ea2, 2);
    seg_load(c, s, sel);
    reg_set(c, i->reg, i->osz, off);
    if (s == S_SS) c->inhibit_irq = 1;
    next(c, i);
}

OP(bound)
{
    int sz = i->osz;
    uint32_t ea = insn_ea(c, i);
    uint32_t ea2 = ea + sz;
    if (i->asz == 2) ea2 &= 0xffff;
    int32_t lo = (int32_t)sext(mem_read(c, i->seg, ea, sz), sz);
    int32_t hi = (int32_t)sext(mem_read(c, i->seg, ea2, sz), sz);
    int32_t v = (int32_t)sext(reg_get(c, i->reg, sz), sz);
    if (v < lo || v > hi) cpu_fault0(c, EX_BR);
    next(c, i);
}
