/* Hardware task switch (SDM vol. 3 ch. 7) between 32-bit and 16-bit TSSs,
 * for JMP, CALL, INT (task gates in the IDT) and IRET with NT set.
 *
 * Order: every check on the new TSS and every read of it comes first, and
 * every page the switch will write is probed; then memory is updated (old
 * task's state, busy bits, back link); then registers. From that commit
 * point on, faults belong to the new task, so the fault-restart values
 * (insn_eip, insn_esp) become the new task's before the segment registers
 * are checked and loaded. */
#include "sys.h"

/* The new task's state as read from its TSS. */
struct tss_state {
    uint32_t eip, eflags, cr3;
    uint32_t reg[8];
    uint16_t sreg[6];          /* ES CS SS DS FS GS, as enum S_* */
    uint16_t ldt;
    int trap;                  /* T bit: #DB after the switch */
};

static void read_tss(struct cpu *c, uint32_t base, int is32, struct tss_state *t)
{
    if (is32) {
        t->cr3 = sys_read(c, base + 0x1c, 4);
        t->eip = sys_read(c, base + 0x20, 4);
        t->eflags = sys_read(c, base + 0x24, 4);
        for (int r = 0; r < 8; r++) t->reg[r] = sys_read(c, base + 0x28 + 4 * (uint32_t)r, 4);
        for (int s = 0; s < 6; s++) t->sreg[s] = (uint16_t)sys_read(c, base + 0x48 + 4 * (uint32_t)s, 2);
        t->ldt = (uint16_t)sys_read(c, base + 0x60, 2);
        t->trap = sys_read(c, base + 0x64, 2) & 1;
    } else {
        /* a 16-bit TSS: 16-bit registers (upper halves kept), no FS/GS (null), no CR3 */
        t->cr3 = c->cr3;
        t->eip = sys_read(c, base + 0x0e, 2);
        t->eflags = sys_read(c, base + 0x10, 2);
        for (int r = 0; r < 8; r++)
            t->reg[r] = (c->reg[r] & 0xffff0000u) | sys_read(c, base + 0x12 + 2 * (uint32_t)r, 2);
        for (int s = 0; s < 4; s++) t->sreg[s] = (uint16_t)sys_read(c, base + 0x22 + 2 * (uint32_t)s, 2);
        t->sreg[S_FS] = t->sreg[S_GS] = 0;
        t->ldt = (uint16_t)sys_read(c, base + 0x2a, 2);
        t->trap = 0;
    }
}

/* Stores the outgoing task's dynamic state (the static fields stay). */
static void save_tss(struct cpu *c, uint32_t base, int is32, uint32_t eip, uint32_t eflags)
{
    if (is32) {
        sys_write(c, base + 0x20, eip, 4);
        sys_write(c, base + 0x24, eflags, 4);
        for (int r = 0; r < 8; r++) sys_write(c, base + 0x28 + 4 * (uint32_t)r, c->reg[r], 4);
        for (int s = 0; s < 6; s++) sys_write(c, base + 0x48 + 4 * (uint32_t)s, c->seg[s].sel, 2);
    } else {
        sys_write(c, base + 0x0e, eip & 0xffff, 2);
        sys_write(c, base + 0x10, eflags & 0xffff, 2);
        for (int r = 0; r < 8; r++) sys_write(c, base + 0x12 + 2 * (uint32_t)r, c->reg[r] & 0xffff, 2);
        for (int s = 0; s < 4; s++) sys_write(c, base + 0x22 + 2 * (uint32_t)s, c->seg[s].sel, 2);
    }
}

static void probe(struct cpu *c, uint32_t lin, int size)
{
    lin_probe_write(c, lin, size, ACC_WRITE | ACC_SYS);
}

/* Sets or clears the busy bit (type bit 1) of the TSS descriptor for sel. */
static void set_busy(struct cpu *c, uint16_t sel, int busy)
{
    int ok;
    uint32_t a = desc_addr(c, sel, &ok);
    if (!ok) return;
    uint32_t b = sys_read(c, a + 5, 1);
    sys_write(c, a + 5, busy ? b | 2 : b & ~2u, 1);
}

/* Loads CS for the new task: #TS for a bad selector, #NP if not present. */
static void load_task_cs(struct cpu *c, uint16_t sel)
{
    uint32_t lo, hi;
    if (!(sel & 0xfffc)) cpu_fault(c, EX_TS, 0);
    desc_read(c, sel, &lo, &hi, EX_TS);
    unsigned dpl = desc_dpl(hi), rpl = sel & 3u;
    if (!desc_is_code(hi) || (desc_conforming(hi) ? dpl > rpl : dpl != rpl))
        cpu_fault(c, EX_TS, sel & 0xfffc);
    if (!desc_p(hi)) cpu_fault(c, EX_NP, sel & 0xfffc);
    desc_set_accessed(c, sel, hi);
    seg_from_desc(&c->seg[S_CS], sel, lo, hi | 0x100);
    cpu_update_mode(c);
}

void task_switch(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, int reason, int has_err, uint32_t err,
                 uint32_t next_eip)
{
    unsigned ntype = desc_type(hi);
    int n32 = (ntype & 8) != 0, o32 = (c->tr.flags & 8) != 0;
    uint32_t nbase = desc_base(lo, hi), nlimit = desc_limit(lo, hi);
    int nests = reason == TS_CALL || reason == TS_INT;

    /* checks on the new TSS descriptor */
    if (desc_s(hi) || !type_is_tss(ntype)) cpu_fault(c, EX_GP, sel & 0xfffc);
    if (reason == TS_IRET) {
        if (!(ntype & 2)) cpu_fault(c, EX_TS, sel & 0xfffc);
    } else if (ntype & 2) {
        cpu_fault(c, EX_GP, sel & 0xfffc);
    }
    if (!desc_p(hi)) cpu_fault(c, EX_NP, sel & 0xfffc);
    if (nlimit < (n32 ? 0x67u : 0x2bu)) cpu_fault(c, EX_TS, sel & 0xfffc);
    if (c->tr.limit < (o32 ? 0x67u : 0x2bu)) cpu_fault(c, EX_TS, c->tr.sel & 0xfffc);

    /* read the new state; probe every write the switch will make */
    struct tss_state t;
    read_tss(c, nbase, n32, &t);
    uint32_t obase = c->tr.base;
    if (o32) { probe(c, obase + 0x20, 4); probe(c, obase + 0x5c, 4); }
    else { probe(c, obase + 0x0e, 2); probe(c, obase + 0x28, 2); }
    if (nests) probe(c, nbase, 2);
    int ok;
    uint32_t oda = desc_addr(c, c->tr.sel, &ok);
    if (ok && !(c->tr.sel & 4) && reason != TS_CALL && reason != TS_INT) probe(c, oda + 5, 1);
    uint32_t nda = desc_addr(c, sel, &ok);
    if (ok && reason != TS_IRET) probe(c, nda + 5, 1);

    /* memory: the outgoing task, busy bits, back link */
    uint32_t oflags = cpu_get_eflags(c);
    if (reason == TS_IRET) oflags &= ~F_NT;
    if (reason == TS_JMP || reason == TS_IRET) set_busy(c, c->tr.sel, 0);
    save_tss(c, obase, o32, next_eip, oflags);
    if (nests) {
        sys_write(c, nbase, c->tr.sel, 2);
        t.eflags |= F_NT;
    }
    if (reason != TS_IRET) set_busy(c, sel, 1);

    /* registers */
    seg_from_desc(&c->tr, sel, lo, hi | 0x200);
    c->cr0 |= CR0_TS;
    if (n32 && (c->cr0 & CR0_PG)) {
        c->cr3 = t.cr3;
        cpu_tlb_flush(c, 1);
    }
    set_eflags(c, n32 ? t.eflags : t.eflags & 0xffff);
    c->eip = t.eip;
    for (int r = 0; r < 8; r++) c->reg[r] = t.reg[r];
    /* selectors go in first; the descriptors are checked below */
    for (int s = 0; s < 6; s++) {
        uint16_t save_flags = c->seg[s].flags;
        seg_set_null(&c->seg[s], t.sreg[s]);
        c->seg[s].flags = save_flags;     /* keeps code32/stack32 sane until reloaded */
    }
    seg_set_null(&c->ldtr, t.ldt);
    /* local breakpoint enables are per task */
    if (c->dr[7] & 0x155) dr7_write(c, c->dr[7] & ~0x155u);
    cpu_update_mode(c);
    c->insn_eip = c->eip;
    c->insn_esp = c->reg[R_ESP];

    /* the new task's LDT and segments; faults now belong to the new task */
    ldt_load(c, t.ldt, 1);
    if (c->eflags & F_VM) {
        for (int s = 0; s < 6; s++) seg_load_v86(c, s, t.sreg[s]);
        cpu_update_mode(c);
    } else {
        load_task_cs(c, t.sreg[S_CS]);
        seg_load_pm(c, S_SS, t.sreg[S_SS], EX_TS);
        seg_load_pm(c, S_ES, t.sreg[S_ES], EX_TS);
        seg_load_pm(c, S_DS, t.sreg[S_DS], EX_TS);
        seg_load_pm(c, S_FS, t.sreg[S_FS], EX_TS);
        seg_load_pm(c, S_GS, t.sreg[S_GS], EX_TS);
    }
    if (has_err) push(c, err, n32 ? 4 : 2);
    if (c->eip > c->seg[S_CS].limit) GP0(c);
    c->stop_block = 1;
    if (t.trap) debug_task_trap(c);
}
