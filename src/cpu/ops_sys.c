/* System instructions: port I/O, CLI/STI, descriptor-table and task
 * registers, LAR/LSL/VERR/VERW/ARPL, control and debug registers, MSRs,
 * the time-stamp counter. CPUID is in cpuid.c. */
#include "ops.h"
#include "sys.h"

/* Privileged instructions: CPL 0 (real mode is CPL 0; v86 is CPL 3). */
static void need_cpl0(struct cpu *c)
{
    if (c->cpl != 0) GP0(c);
}

static unsigned iopl(const struct cpu *c) { return (c->eflags >> 12) & 3; }

/* ---- port I/O ---- */
OP(in_I)
{
    uint16_t port = i->imm & 0xff;
    io_check(c, port, i->osz);
    reg_set(c, R_EAX, i->osz, io_in(c->io, port, i->osz));
    next(c, i);
}

OP(in_DX)
{
    uint16_t port = (uint16_t)c->reg[R_EDX];
    io_check(c, port, i->osz);
    reg_set(c, R_EAX, i->osz, io_in(c->io, port, i->osz));
    next(c, i);
}

OP(out_I)
{
    uint16_t port = i->imm & 0xff;
    io_check(c, port, i->osz);
    io_out(c->io, port, reg_get(c, R_EAX, i->osz), i->osz);
    next(c, i);
}

OP(out_DX)
{
    uint16_t port = (uint16_t)c->reg[R_EDX];
    io_check(c, port, i->osz);
    io_out(c->io, port, reg_get(c, R_EAX, i->osz), i->osz);
    next(c, i);
}

/* ---- interrupt flag (no VME/PVI: CPL must not exceed IOPL; v86 needs IOPL 3) ---- */
OP(cli)
{
    if (c->pmode && c->cpl > iopl(c)) GP0(c);
    c->eflags &= ~F_IF;
    next(c, i);
}

OP(sti)
{
    if (c->pmode && c->cpl > iopl(c)) GP0(c);
    if (!(c->eflags & F_IF)) {
        c->eflags |= F_IF;
        c->inhibit_irq = 2;     /* 2: the STI shadow (1, from MOV SS, also holds debug traps) */
    }
    next(c, i);
}

/* FWAIT (ex_wait) is in x87-env.c with the x87 pending-exception logic. */

/* ---- descriptor-table registers ---- */

/* Writes the 6-byte pseudo-descriptor, checking both parts before either is stored. */
static void store_dtr(struct cpu *c, const struct insn *i, const struct dtr *d)
{
    uint32_t ea = insn_ea(c, i), ea2 = ea + 2;
    if (i->asz == 2) ea2 &= 0xffff;
    uint32_t l0 = seg_lin(c, i->seg, ea, 2, 1), l1 = seg_lin(c, i->seg, ea2, 4, 1);
    lin_probe_write(c, l0, 2, ACC_WRITE);
    lin_probe_write(c, l1, 4, ACC_WRITE);
    /* SDM SGDT: with a 16-bit operand only 24 bits of the base are stored, the fourth byte is 0 */
    uint32_t base = i->osz == 2 ? d->base & 0x00ffffffu : d->base;
    lin_write(c, l0, d->limit, 2);
    lin_write(c, l1, base, 4);
}

static void load_dtr(struct cpu *c, const struct insn *i, struct dtr *d)
{
    need_cpl0(c);
    uint32_t ea = insn_ea(c, i), ea2 = ea + 2;
    if (i->asz == 2) ea2 &= 0xffff;
    uint16_t limit = (uint16_t)mem_read(c, i->seg, ea, 2);
    uint32_t base = mem_read(c, i->seg, ea2, 4);
    if (i->osz == 2) base &= 0x00ffffffu;
    d->limit = limit;
    d->base = base;
}

OP(sgdt) { store_dtr(c, i, &c->gdtr); next(c, i); }
OP(sidt) { store_dtr(c, i, &c->idtr); next(c, i); }
OP(lgdt) { load_dtr(c, i, &c->gdtr); next(c, i); }
OP(lidt) { load_dtr(c, i, &c->idtr); next(c, i); }

/* A selector or CR0 word stored by SLDT/STR/SMSW: a register gets the
 * operand size (zero-extended on P6), memory always 16 bits. */
static void store_word(struct cpu *c, const struct insn *i, uint32_t v)
{
    if (i->mod == 3) reg_set(c, i->rm, i->osz, i->osz == 4 ? v : v & 0xffff);
    else mem_write(c, i->seg, insn_ea(c, i), v & 0xffff, 2);
}

static void ltr(struct cpu *c, uint16_t sel)
{
    uint32_t lo, hi;
    if (!(sel & 0xfffc)) GP0(c);
    if (sel & 4) cpu_fault(c, EX_GP, sel & 0xfffc);
    desc_read(c, sel, &lo, &hi, EX_GP);
    if (desc_s(hi) || (desc_type(hi) != DT_TSS16 && desc_type(hi) != DT_TSS32))
        cpu_fault(c, EX_GP, sel & 0xfffc);
    if (!desc_p(hi)) cpu_fault(c, EX_NP, sel & 0xfffc);
    int ok;
    uint32_t a = desc_addr(c, sel, &ok);
    sys_write(c, a + 5, ((hi >> 8) & 0xff) | 2, 1);
    seg_from_desc(&c->tr, sel, lo, hi | 0x200);
}

/* VERR (write = 0) / VERW (write = 1): ZF = the segment is accessible. */
static int verify(struct cpu *c, uint16_t sel, int write)
{
    uint32_t lo, hi;
    if (!(sel & 0xfffc) || desc_read(c, sel, &lo, &hi, -1) < 0) return 0;
    if (!desc_s(hi)) return 0;
    unsigned dpl = desc_dpl(hi);
    if (write) {
        if (!desc_writable_data(hi)) return 0;
    } else if (!desc_readable(hi)) {
        return 0;
    }
    if (desc_conforming(hi)) return 1;
    return dpl >= c->cpl && dpl >= (sel & 3u);
}

OP(grp6)
{
    if (!c->pmode || c->v86) cpu_ud(c);
    switch (i->reg) {
    case 0: store_word(c, i, c->ldtr.sel); break;                       /* SLDT */
    case 1: store_word(c, i, c->tr.sel); break;                         /* STR */
    case 2: need_cpl0(c); ldt_load(c, (uint16_t)rm_read(c, i, 2), 0); break;   /* LLDT */
    case 3: need_cpl0(c); ltr(c, (uint16_t)rm_read(c, i, 2)); break;   /* LTR */
    case 4: case 5: {                                                    /* VERR VERW */
        int ok = verify(c, (uint16_t)rm_read(c, i, 2), i->reg == 5);
        flags_set_arith(c, F_ZF, ok ? F_ZF : 0);
        break;
    }
    default: cpu_ud(c);
    }
    next(c, i);
}

OP(smsw) { store_word(c, i, c->cr0); next(c, i); }

/* ---- control registers ---- */
#define CR0_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM \
                  | CR0_NW | CR0_CD | CR0_PG)
/* CR4 bits relic implements (matching what CPUID reports) */
#define CR4_BITS (CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE | CR4_OSFXSR)

static void write_cr0(struct cpu *c, uint32_t v)
{
    v = (v & CR0_BITS) | CR0_ET;            /* ET is hardwired to 1 on P6 */
    if ((v & CR0_PG) && !(v & CR0_PE)) GP0(c);
    if ((v & CR0_NW) && !(v & CR0_CD)) GP0(c);
    uint32_t chg = c->cr0 ^ v;
    c->cr0 = v;
    if (chg & (CR0_PG | CR0_WP | CR0_PE | CR0_AM)) cpu_tlb_flush(c, 0);
    if (chg & (CR0_PG | CR0_PE)) c->stop_block = 1;
    cpu_update_mode(c);
}

static void write_cr4(struct cpu *c, uint32_t v)
{
    if (v & ~(uint32_t)CR4_BITS) GP0(c);
    uint32_t chg = c->cr4 ^ v;
    c->cr4 = v;
    if (chg & (CR4_PSE | CR4_PGE | CR4_PAE)) cpu_tlb_flush(c, 0);
}

OP(lmsw)
{
    need_cpl0(c);
    uint32_t v = rm_read(c, i, 2);
    /* MP EM TS are loaded; PE can be set but not cleared */
    write_cr0(c, (c->cr0 & ~0xeu) | (v & 0xf) | (c->cr0 & CR0_PE));
    next(c, i);
}

OP(clts)
{
    need_cpl0(c);
    c->cr0 &= ~CR0_TS;
    next(c, i);
}

OP(mov_R_cr)
{
    uint32_t v;
    if (i->reg == 1 || i->reg > 4) cpu_ud(c);
    need_cpl0(c);
    switch (i->reg) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    default: v = c->cr4; break;
    }
    c->reg[i->rm] = v;
    next(c, i);
}

OP(mov_cr_R)
{
    if (i->reg == 1 || i->reg > 4) cpu_ud(c);
    need_cpl0(c);
    uint32_t v = c->reg[i->rm];
    switch (i->reg) {
    case 0: write_cr0(c, v); break;
    case 2: c->cr2 = v; break;
    case 3:
        c->cr3 = v & 0xfffff018u;
        cpu_tlb_flush(c, 1);
        break;
    default: write_cr4(c, v); break;
    }
    next(c, i);
}

OP(invlpg)
{
    need_cpl0(c);
    uint32_t lin = c->seg[i->seg].base + insn_ea(c, i);
    if (c->tlb_has_large) cpu_tlb_flush(c, 0);
    else tlb_flush_page(c->tlb, lin);
    next(c, i);
}

OP(invd) { need_cpl0(c); next(c, i); }
OP(wbinvd) { need_cpl0(c); next(c, i); }

/* ---- debug registers ---- */

/* The DR number after the DR4/DR5 aliasing; #UD for them with CR4.DE. */
static int dr_index(struct cpu *c, int n)
{
    if (n == 4 || n == 5) {
        if (c->cr4 & CR4_DE) cpu_ud(c);
        return n + 2;
    }
    return n;
}

/* General detect: any DR access with DR7.GD set is a #DB fault with DR6.BD;
 * GD is cleared so the handler can use the registers. */
static void general_detect(struct cpu *c)
{
    if (c->dr[7] & DR7_GD) {
        c->dr[6] |= DR6_BD;
        c->dr[7] &= ~DR7_GD;
        cpu_fault0(c, EX_DB);
    }
}

OP(mov_R_dr)
{
    need_cpl0(c);
    int n = dr_index(c, i->reg);
    general_detect(c);
    c->reg[i->rm] = c->dr[n];
    next(c, i);
}

OP(mov_dr_R)
{
    need_cpl0(c);
    int n = dr_index(c, i->reg);
    general_detect(c);
    uint32_t v = c->reg[i->rm];
    if (n == 6) dr6_write(c, v);
    else if (n == 7) dr7_write(c, v);
    else c->dr[n] = v;
    if (n < 4 && (c->dr[7] & 0xff)) cpu_tlb_flush(c, 0);   /* data breakpoints re-armed on the slow path */
    next(c, i);
}

/* ---- time-stamp counter and MSRs ---- */
enum { MSR_TSC = 0x10, MSR_PLATFORM_ID = 0x17, MSR_BIOS_SIGN_ID = 0x8b };

/* The counter runs at 1 GHz of virtual time (1 tick per ns), or counts
 * retired instructions when the machine gives no clock. */
static uint64_t tsc_ticks(struct cpu *c)
{
    return c->clock_ns ? c->clock_ns(c->clock_opaque) : c->icount;
}

OP(rdtsc)
{
    if ((c->cr4 & CR4_TSD) && c->cpl != 0) GP0(c);
    uint64_t t = tsc_ticks(c) + c->tsc_offset;
    c->reg[R_EAX] = (uint32_t)t;
    c->reg[R_EDX] = (uint32_t)(t >> 32);
    next(c, i);
}

/* No performance counters are modelled: every counter number is invalid. */
OP(rdpmc) { (void)i; GP0(c); }

OP(rdmsr)
{
    need_cpl0(c);
    uint64_t v;
    switch (c->reg[R_ECX]) {
    case MSR_TSC: v = tsc_ticks(c) + c->tsc_offset; break;
    case MSR_PLATFORM_ID: v = 0; break;          /* platform id 0 */
    case MSR_BIOS_SIGN_ID: v = 0; break;         /* no microcode update loaded */
    default: GP0(c);
    }
    c->reg[R_EAX] = (uint32_t)v;
    c->reg[R_EDX] = (uint32_t)(v >> 32);
    next(c, i);
}

OP(wrmsr)
{
    need_cpl0(c);
    uint64_t v = (uint64_t)c->reg[R_EDX] << 32 | c->reg[R_EAX];
    switch (c->reg[R_ECX]) {
    case MSR_TSC:
        /* P6: only the low 32 bits can be written; the upper half is cleared */
        c->tsc_offset = (uint64_t)(uint32_t)v - tsc_ticks(c);
        break;
    case MSR_BIOS_SIGN_ID:
        break;                                   /* the update-signature trigger: nothing to do */
    default: GP0(c);
    }
    next(c, i);
}

/* ---- protection-check instructions ---- */

/* LAR: which descriptor types have access rights to report. */
static int lar_type_ok(uint32_t hi)
{
    if (desc_s(hi)) return 1;
    switch (desc_type(hi)) {
    case DT_TSS16: case DT_LDT: case DT_TSS16_BUSY: case DT_CALL16: case DT_TASK:
    case DT_TSS32: case DT_TSS32_BUSY: case DT_CALL32:
        return 1;
    }
    return 0;
}

static int lsl_type_ok(uint32_t hi)
{
    if (desc_s(hi)) return 1;
    switch (desc_type(hi)) {
    case DT_TSS16: case DT_LDT: case DT_TSS16_BUSY: case DT_TSS32: case DT_TSS32_BUSY:
        return 1;
    }
    return 0;
}

/* Reads the descriptor for LAR/LSL; returns 0 if the instruction must clear ZF. */
static int probe_desc(struct cpu *c, uint16_t sel, int (*type_ok)(uint32_t), uint32_t *lo, uint32_t *hi)
{
    if (!(sel & 0xfffc) || desc_read(c, sel, lo, hi, -1) < 0) return 0;
    if (!type_ok(*hi)) return 0;
    if (!desc_conforming(*hi)) {
        unsigned dpl = desc_dpl(*hi);
        if (dpl < c->cpl || dpl < (sel & 3u)) return 0;
    }
    return 1;
}

OP(lar)
{
    if (!c->pmode || c->v86) cpu_ud(c);
    uint32_t lo, hi;
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    int ok = probe_desc(c, sel, lar_type_ok, &lo, &hi);
    if (ok) reg_set(c, i->reg, i->osz, hi & (i->osz == 4 ? 0x00f0ff00u : 0xff00u));
    flags_set_arith(c, F_ZF, ok ? F_ZF : 0);
    next(c, i);
}

OP(lsl)
{
    if (!c->pmode || c->v86) cpu_ud(c);
    uint32_t lo, hi;
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    int ok = probe_desc(c, sel, lsl_type_ok, &lo, &hi);
    if (ok) reg_set(c, i->reg, i->osz, desc_limit(lo, hi));
    flags_set_arith(c, F_ZF, ok ? F_ZF : 0);
    next(c, i);
}

OP(arpl)
{
    if (!c->pmode || c->v86) cpu_ud(c);
    uint32_t d = rm_read_rmw(c, i, 2), s = reg_get(c, i->reg, 2);
    if ((d & 3) < (s & 3)) {
        rm_write(c, i, 2, (d & ~3u) | (s & 3));
        flags_set_arith(c, F_ZF, F_ZF);
    } else {
        flags_set_arith(c, F_ZF, 0);
    }
    next(c, i);
}

OP(ud) { (void)i; cpu_ud(c); }
