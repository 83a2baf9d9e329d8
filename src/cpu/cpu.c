/* CPU life cycle and the interpreter's main loop. */
#include "exec.h"
#include "block.h"
#include <stdlib.h>
#include <string.h>

int cpu_init(struct cpu *c, struct physmem *pm, struct iobus *io)
{
    memset(c, 0, sizeof *c);
    c->pm = pm;
    c->io = io;
    c->tlb = calloc(1, sizeof *c->tlb);
    if (!c->tlb || block_cache_init(c) < 0) {
        cpu_free(c);
        return -1;
    }
    tlb_init(c->tlb);
    cpu_reset(c);
    return 0;
}

void cpu_free(struct cpu *c)
{
    block_cache_free(c);
    free(c->tlb);
    c->tlb = NULL;
}

static void seg_reset(struct seg *s, uint16_t sel, uint32_t base)
{
    s->sel = sel;
    s->base = base;
    s->limit = 0xffff;
    s->flags = 0x93;      /* present, writable data, accessed */
    s->valid = 1;
    s->rw = SEG_RD | SEG_WR;
}

void cpu_reset(struct cpu *c)
{
    memset(c->reg, 0, sizeof c->reg);
    /* EDX holds the CPU signature after reset: family 6, model 1 (Pentium Pro), stepping 9 */
    c->reg[R_EDX] = 0x00000619;
    c->eip = 0xfff0;
    c->eflags = 2;
    c->lf_op = LF_NONE;
    for (int s = 0; s < 6; s++)
        seg_reset(&c->seg[s], 0, 0);
    seg_reset(&c->seg[S_CS], 0xf000, 0xffff0000u);
    c->seg[S_CS].flags = 0x9b;
    c->cr0 = CR0_ET | CR0_CD | CR0_NW;
    c->cr2 = c->cr3 = c->cr4 = 0;
    memset(c->dr, 0, sizeof c->dr);
    c->dr[6] = 0xffff0ff0u;
    c->dr[7] = 0x400;
    c->gdtr = (struct dtr){ 0, 0xffff };
    c->idtr = (struct dtr){ 0, 0xffff };
    seg_reset(&c->ldtr, 0, 0);
    c->ldtr.flags = 0x82;
    seg_reset(&c->tr, 0, 0);
    c->tr.flags = 0x8b;
    c->tsc_offset = 0;
    c->msr_apic_base = 0;
    c->halted = 0;
    c->inhibit_irq = 0;
    c->nmi_pending = 0;
    c->nmi_blocked = 0;
    c->shutdown = 0;
    c->dr6_pending = 0;
    c->in_exception = 0;
    c->last_vector = -1;
    memset(&c->fpu, 0, sizeof c->fpu);
    c->fpu.cw = 0x40;     /* after RESET (not FINIT): all exceptions unmasked-looking value per SDM */
    c->fpu.tw = 0x5555;   /* RESET leaves the tags as "zero" on P6 */
    c->fpu.mxcsr = 0x1f80;
    cpu_update_mode(c);
    cpu_tlb_flush(c, 0);
    if (c->bc) block_cache_flush(c);
}

void cpu_update_mode(struct cpu *c)
{
    c->pmode = (c->cr0 & CR0_PE) != 0;
    c->v86 = c->pmode && (c->eflags & F_VM);
    if (!c->pmode) {
        c->cpl = 0;
        c->code32 = SEGF_DB(c->seg[S_CS].flags);
    } else if (c->v86) {
        c->cpl = 3;
        c->code32 = 0;
    } else {
        /* between MOV CR0 (PE=1) and the far jump, CS still holds a real-mode selector */
        c->cpl = c->seg[S_CS].valid == SEG_VALID_REAL ? 0 : c->seg[S_CS].sel & 3;
        c->code32 = SEGF_DB(c->seg[S_CS].flags);
    }
    c->stack32 = !c->v86 && SEGF_DB(c->seg[S_SS].flags);
}

void cpu_tlb_flush(struct cpu *c, int keep_global)
{
    tlb_flush(c->tlb, keep_global && !c->tlb_has_large);
    if (!keep_global) c->tlb_has_large = 0;
    c->tlb_generation = c->pm->map_generation;
}

/* Contributory exceptions (SDM table 6-5) for the double-fault rule. */
static int contributory(int v) { return v == EX_DE || (v >= EX_TS && v <= EX_GP); }

/* Delivers the fault that unwound the instruction, applying the #DF and
 * triple-fault rules when delivery itself faults. */
static void deliver_fault(struct cpu *c)
{
    int vec = c->fault_vec;
    int prev = c->last_vector;
    if (prev >= 0) {
        /* a fault while delivering `prev` */
        if (prev == EX_DF) {
            c->shutdown = 1;
            c->last_vector = -1;
            return;
        }
        int df = (contributory(prev) && contributory(vec))
              || (prev == EX_PF && (contributory(vec) || vec == EX_PF));
        if (df) {
            vec = EX_DF;
            c->fault_has_err = 1;
            c->fault_err = 0;
        }
    }
    c->last_vector = vec;
    cpu_interrupt(c, vec, 0, c->fault_has_err, c->fault_err, c->eip);
    c->last_vector = -1;
}

/* Serves NMI and INTR between instructions. */
static int serve_interrupts(struct cpu *c)
{
    if (c->inhibit_irq)
        return 0;
    if (c->nmi_pending && !c->nmi_blocked) {
        c->nmi_pending = 0;
        c->nmi_blocked = 1;
        c->halted = 0;
        cpu_interrupt(c, EX_NMI, 0, 0, 0, c->eip);
        return 1;
    }
    if (c->intr_line && (c->eflags & F_IF) && c->intr_ack) {
        int vec = c->intr_ack(c->intr_opaque);
        c->halted = 0;
        if (vec >= 0) cpu_interrupt(c, vec, 0, 0, 0, c->eip);
        return 1;
    }
    return 0;
}

/* One instruction at a time when single-stepping, in an interrupt shadow,
 * or with debug breakpoints armed. */
int cpu_step_mode(const struct cpu *c)
{
    return (c->eflags & (F_TF | F_RF)) || c->inhibit_irq || (c->dr[7] & 0xff);
}

void cpu_debug_check(struct cpu *c);        /* intr.c: instruction breakpoints */
void cpu_debug_after(struct cpu *c, int tf); /* intr.c: single-step and data breakpoint traps */

void cpu_interp_block(struct cpu *c, struct block *b) { cpu_interp_block_from(c, b, 0); }

void cpu_interp_block_from(struct cpu *c, struct block *b, unsigned first)
{
    int single = cpu_step_mode(c);
    uint32_t n = single ? 1 : b->n - first;
    if (first && c->budget <= 0) return;    /* the loop would have left after the instruction before */
    if ((int32_t)n > c->budget) n = (uint32_t)(c->budget > 0 ? c->budget : 1);
    n += first;
    c->stop_block = 0;
    for (uint32_t k = first; k < n; k++) {
        const struct insn *i = &b->insn[k];
        int tf = (c->eflags & F_TF) != 0;
        c->insn_eip = c->eip;
        c->insn_esp = c->reg[R_ESP];
        if (UNLIKELY(c->trace_insn != NULL)) c->trace_insn(c->trace_opaque, c);
        if (single) {
            c->inhibit_irq = 0;
            cpu_debug_check(c);     /* instruction breakpoints; clears RF */
        }
        i->exec(c, i);
        c->icount++;
        c->budget--;
        if (single) {
            cpu_debug_after(c, tf);
        }
        /* devices end a slice early by zeroing the budget */
        if (c->stop_block || c->budget <= 0) break;
    }
}

enum cpu_exit cpu_run(struct cpu *c, int32_t budget)
{
    c->budget = budget;
    if (setjmp(c->fault_jmp)) {
        /* a fault: the instruction left no trace; deliver the exception */
        c->eip = c->insn_eip;
        c->reg[R_ESP] = c->insn_esp;
        /* a translated block charged for instructions the fault leaves unrun */
        c->budget += (int32_t)c->jit_uncharged;
        c->icount -= c->jit_uncharged;
        c->jit_uncharged = 0;
        c->budget--;
        deliver_fault(c);
    }
    while (c->budget > 0) {
        if (c->shutdown)
            return CPU_EXIT_SHUTDOWN;
        c->insn_eip = c->eip;
        c->insn_esp = c->reg[R_ESP];
        if (c->nmi_pending || c->intr_line)
            serve_interrupts(c);
        if (c->halted)
            return CPU_EXIT_HLT;
        struct block *b = block_lookup(c);
        if (c->run_block)
            c->run_block(c, b);
        else
            cpu_interp_block(c, b);
    }
    if (c->shutdown)
        return CPU_EXIT_SHUTDOWN;
    return c->halted ? CPU_EXIT_HLT : CPU_EXIT_BUDGET;
}
