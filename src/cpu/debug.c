/* Debug registers and debug exceptions (SDM vol. 3 ch. 17): instruction
 * breakpoints (faults, checked before an instruction), data and I/O
 * breakpoints and single-step (traps, delivered after it), general
 * detect (MOV DRn with DR7.GD, in ops_sys.c) and the task-switch trap.
 *
 * The main loop runs one instruction at a time whenever TF, RF, an
 * interrupt shadow or any DR7 enable bit is set, and calls
 * cpu_debug_check() before and cpu_debug_after() after each of them.
 * Data breakpoints need the memory slow path: while any is armed, the TLB
 * keeps no fast read/write tags (mem.c) and the slow path reports every
 * access to debug_data(). Hits are collected in c->dr6_pending (its bits
 * 0-3), which also carries a private bit, DBG_PEND_SHADOW: traps held
 * over a MOV SS / POP SS.
 *
 * Single-step over INT n / INT3 / INTO: the trap is taken after the
 * instruction completes, i.e. at the handler's first instruction, with
 * EFLAGS.TF = 0 in the #DB frame (SDM 17.3.1.4: "to single step an
 * interrupt handler, single step an INT n instruction"). An instruction
 * that faults takes no single-step trap (it did not complete). */
#include "sys.h"

#define DBG_PEND_SHADOW (1u << 30)

static unsigned bp_enabled(const struct cpu *c, int n) { return (c->dr[7] >> (2 * n)) & 3; }
static unsigned bp_rw(const struct cpu *c, int n) { return (c->dr[7] >> (16 + 4 * n)) & 3; }
/* Length in bytes from LEN: 00 = 1, 01 = 2, 11 = 4 (10 is undefined on P6: taken as 4). */
static uint32_t bp_len(const struct cpu *c, int n)
{
    static const uint8_t len[4] = { 1, 2, 4, 4 };
    return len[(c->dr[7] >> (18 + 4 * n)) & 3];
}

/* Does [a, a+size) overlap breakpoint n's (aligned) range? */
static int bp_overlaps(const struct cpu *c, int n, uint32_t a, int size)
{
    uint32_t len = bp_len(c, n), lo = c->dr[n] & ~(len - 1);
    return a <= lo + (len - 1) && lo <= a + (uint32_t)(size - 1);
}

void dr6_write(struct cpu *c, uint32_t v)
{
    c->dr[6] = (v & 0xe00fu) | DR6_FIXED1;
}

int debug_data_armed(const struct cpu *c)
{
    for (int n = 0; n < 4; n++)
        if (bp_enabled(c, n) && (bp_rw(c, n) & 1))
            return 1;
    return 0;
}

void dr7_write(struct cpu *c, uint32_t v)
{
    int was = debug_data_armed(c);
    c->dr[7] = (v & 0xffff23ffu) | 0x400;
    /* the TLB drops (or may regain) its fast read/write tags */
    if (was || debug_data_armed(c)) cpu_tlb_flush(c, 0);
    if (!(c->dr[7] & 0xff)) c->dr6_pending &= ~0xfu;
}

void debug_data(struct cpu *c, uint32_t lin, int size, int write)
{
    for (int n = 0; n < 4; n++) {
        unsigned rw = bp_rw(c, n);
        if (!bp_enabled(c, n) || !(rw == 3 || (rw == 1 && write))) continue;
        if (bp_overlaps(c, n, lin, size)) c->dr6_pending |= 1u << n;
    }
}

void debug_io(struct cpu *c, uint16_t port, int size)
{
    for (int n = 0; n < 4; n++) {
        if (!bp_enabled(c, n) || bp_rw(c, n) != 2) continue;
        uint32_t len = bp_len(c, n), lo = (c->dr[n] & 0xffff) & ~(len - 1);
        if (port <= lo + (len - 1) && lo <= (uint32_t)port + (uint32_t)(size - 1))
            c->dr6_pending |= 1u << n;
    }
}

void debug_trap_now(struct cpu *c, uint32_t bits)
{
    if (bits & 0xf) c->dr[6] = (c->dr[6] & ~0xfu) | (bits & 0xf);
    c->dr[6] |= bits & (DR6_BD | DR6_BS | DR6_BT);
    /* the instruction has completed: a fault while delivering must not restart it */
    c->insn_eip = c->eip;
    c->insn_esp = c->reg[R_ESP];
    c->halted = 0;                 /* a debug exception resumes from HLT */
    int prev = c->last_vector;
    c->last_vector = EX_DB;
    cpu_interrupt(c, EX_DB, 0, 0, 0, c->eip);
    c->last_vector = prev;
}

void debug_task_trap(struct cpu *c)
{
    debug_trap_now(c, DR6_BT);
}

void cpu_debug_check(struct cpu *c)
{
    /* hits recorded by an instruction that then faulted are dropped */
    if (c->dr6_pending & DBG_PEND_SHADOW) c->dr6_pending &= ~DBG_PEND_SHADOW;
    else c->dr6_pending = 0;
    if ((c->dr[7] & 0xff) && !(c->eflags & F_RF)) {
        uint32_t lin = c->seg[S_CS].base + c->eip, hits = 0;
        for (int n = 0; n < 4; n++)
            if (bp_enabled(c, n) && bp_rw(c, n) == 0 && c->dr[n] == lin)
                hits |= 1u << n;
        if (hits) {
            c->dr[6] = (c->dr[6] & ~0xfu) | hits;
            cpu_fault0(c, EX_DB);
        }
    }
    /* RF is cleared at the start of every instruction, after the breakpoint check */
    c->eflags &= ~F_RF;
}

void cpu_debug_after(struct cpu *c, int tf)
{
    uint32_t p = c->dr6_pending;
    if (c->inhibit_irq == 1) {
        /* MOV SS / POP SS: debug traps wait until after the next instruction */
        c->dr6_pending = p | DBG_PEND_SHADOW;
        return;
    }
    uint32_t bits = p & 0xf;
    if (tf) bits |= DR6_BS;
    c->dr6_pending = 0;
    if (bits) debug_trap_now(c, bits);
}

/* ---- reads for debuggers (the monitor's x command) ---- */

static int peek_translate(struct cpu *c, uint32_t lin, uint32_t *pa)
{
    if (!(c->cr0 & CR0_PG)) {
        *pa = lin;
        return 0;
    }
    uint32_t pde = phys_read(c->pm, (c->cr3 & 0xfffff000u) | ((lin >> 20) & 0xffc), 4);
    if (!(pde & 1))
        return -1;
    if ((pde & 0x80) && (c->cr4 & CR4_PSE)) {       /* 4 MiB page */
        *pa = (pde & 0xffc00000u) | (lin & 0x3fffff);
        return 0;
    }
    uint32_t pte = phys_read(c->pm, (pde & 0xfffff000u) | ((lin >> 10) & 0xffc), 4);
    if (!(pte & 1))
        return -1;
    *pa = (pte & 0xfffff000u) | (lin & 0xfff);
    return 0;
}

size_t cpu_peek_lin(struct cpu *c, uint32_t lin, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t n = 0;
    uint32_t pa;
    while (n < len && peek_translate(c, lin + (uint32_t)n, &pa) == 0)
        out[n++] = (uint8_t)phys_read(c->pm, pa, 1);
    return n;
}
