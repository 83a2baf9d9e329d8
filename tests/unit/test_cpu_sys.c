/* Unit tests of the CPU's system level (seg.c intr.c task.c ops_sys.c
 * cpuid.c debug.c) on a bare rig independent of src/machine: 32 MiB of
 * RAM, a 64 KiB ROM at 0xF0000 and below 4 GiB, port 0xE9 prints, port
 * 0xF4 exits with (v << 1) | 1 (isa-debug-exit), port 0x92 is System
 * Control Port A (A20 gate). No interrupt controller or timer.
 *
 *   test_cpu_sys                          built-in checks (below)
 *   test_cpu_sys ROM.bin [max_insns]      runs a system test ROM
 *
 * The built-in checks put the CPU in flat 32-bit protected mode with
 * descriptor tables written straight into RAM, run one instruction
 * followed by HLT, and look at the result; exceptions are observed through
 * the trace_int hook and land on a HLT at 0x9000. They cover what the
 * ROMs in tests/roms/sys do not: CPUID, CR4/CR0 checks, DR4/DR5, general
 * detect, I/O breakpoints, MSRs, RF in fault frames, SGDT with a 16-bit
 * operand, precise faults in a call gate's stack switch, LAR/LSL of a TSS,
 * REP string instructions (budget stops, events between iterations,
 * overlapping and aliased copies, precise faults inside a page-at-a-time run).
 *
 * ROM mode exits with the ROM's status, 2 if it ran out of instructions,
 * 3 on a triple fault (shutdown), 4 if it halted. */
#include "cpu/exec.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rig {
    struct physmem pm;
    struct iobus io;
    struct cpu cpu;
    int exited, status;
    uint8_t port92;
};

static uint32_t con_read(void *o, uint16_t port, int size) { (void)o; (void)port; (void)size; return 0xe9; }
static void con_write(void *o, uint16_t port, uint32_t v, int size)
{
    (void)o; (void)port; (void)size;
    putchar((int)(v & 0xff));
    fflush(stdout);
}

static uint32_t exit_read(void *o, uint16_t port, int size) { (void)o; (void)port; (void)size; return 0xffffffffu; }
static void exit_write(void *o, uint16_t port, uint32_t v, int size)
{
    struct rig *r = o;
    (void)port; (void)size;
    r->exited = 1;
    r->status = (int)(((v & 0xff) << 1) | 1);
    r->cpu.budget = 0;
}

static uint32_t p92_read(void *o, uint16_t port, int size) { struct rig *r = o; (void)port; (void)size; return r->port92; }
static void p92_write(void *o, uint16_t port, uint32_t v, int size)
{
    struct rig *r = o;
    (void)port; (void)size;
    r->port92 = (uint8_t)(v & 2);
    phys_set_a20(&r->pm, (v & 2) != 0);
}

/* RIG_TRACE=1: one line per instruction on stderr. */
static void trace_insn(void *o, struct cpu *c)
{
    (void)o;
    fprintf(stderr, "%04x:%08x esp=%08x eax=%08x efl=%08x cpl=%d\n", c->seg[S_CS].sel, c->eip,
            c->reg[R_ESP], c->reg[R_EAX], cpu_get_eflags(c), c->cpl);
}
static void trace_int(void *o, struct cpu *c, int vec, int is_hw, uint32_t err, int has_err)
{
    (void)o;
    fprintf(stderr, "INT %02x hw=%d err=%x(%d) at %04x:%08x\n", vec, is_hw, err, has_err, c->seg[S_CS].sel, c->eip);
}

/* ------------------------------------------------------------ built-in checks */
static int nfail, ncheck;
#define CHECK(cond) do { ncheck++; if (!(cond)) { nfail++; \
    fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, cur_test, #cond); } } while (0)
#define CHECKEQ(got, want) do { uint64_t g_ = (got), w_ = (want); ncheck++; if (g_ != w_) { nfail++; \
    fprintf(stderr, "%s:%d: %s: %s = %#llx, expected %#llx\n", __FILE__, __LINE__, cur_test, #got, \
            (unsigned long long)g_, (unsigned long long)w_); } } while (0)
static const char *cur_test = "";

struct events { int n; int vec[8]; uint32_t err[8]; int has_err[8]; };
static struct events ev;
static void record_int(void *o, struct cpu *c, int vec, int is_hw, uint32_t err, int has_err)
{
    (void)o; (void)c; (void)is_hw;
    if (ev.n < 8) { ev.vec[ev.n] = vec; ev.err[ev.n] = err; ev.has_err[ev.n] = has_err; }
    ev.n++;
}

enum {
    GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, HANDLER = 0x9000, CODE = 0x10000,
    STACK0 = 0x80000, STACK3 = 0x70000, SCRATCH_MEM = 0x5000,
    SEL_C0 = 0x08, SEL_D0 = 0x10, SEL_C3 = 0x1b, SEL_D3 = 0x23, SEL_TSS = 0x28,
    SEL_C1 = 0x48, SEL_D1NP = 0x50, SEL_GATE = 0x40,
};

static void wr32(struct rig *r, uint32_t a, uint32_t v) { phys_write(&r->pm, a, v, 4); }
static uint32_t rd32(struct rig *r, uint32_t a) { return phys_read(&r->pm, a, 4); }
static void set_desc(struct rig *r, uint16_t sel, uint32_t lo, uint32_t hi)
{
    wr32(r, GDT + (sel & ~7u), lo);
    wr32(r, GDT + (sel & ~7u) + 4, hi);
}
static void load_seg(struct cpu *c, int s, uint16_t sel)
{
    uint32_t lo, hi;
    desc_read(c, sel, &lo, &hi, EX_GP);
    seg_from_desc(&c->seg[s], sel, lo, hi);
}

/* Flat 32-bit protected mode at CPL cpl with the tables above. */
static void setup_pm(struct rig *r, int cpl)
{
    struct cpu *c = &r->cpu;
    cpu_reset(c);
    c->trace_int = record_int;
    set_desc(r, SEL_C0, 0x0000ffff, 0x00cf9b00);
    set_desc(r, SEL_D0, 0x0000ffff, 0x00cf9300);
    set_desc(r, SEL_C3, 0x0000ffff, 0x00cffb00);
    set_desc(r, SEL_D3, 0x0000ffff, 0x00cff300);
    set_desc(r, SEL_TSS, (uint32_t)TSS << 16 | 0x2068, 0x00008b00);   /* busy 32-bit TSS, I/O map to 0x2068 */
    set_desc(r, SEL_C1, 0x0000ffff, 0x00cfbb00);                      /* DPL1 code */
    set_desc(r, SEL_D1NP, 0x0000ffff, 0x00cf3300);                    /* DPL1 data, not present */
    set_desc(r, SEL_GATE, (uint32_t)SEL_C1 << 16 | 0x9000, 0x0000ec00); /* 32-bit call gate DPL3 -> C1 */
    for (int v = 0; v < 256; v++) {                                    /* DPL3 interrupt gates -> HLT */
        wr32(r, IDT + 8 * v, (uint32_t)SEL_C0 << 16 | HANDLER);
        wr32(r, IDT + 8 * v + 4, 0x0000ee00);
    }
    for (uint32_t a = 0; a < 0x2069; a += 4) wr32(r, TSS + a, 0);
    wr32(r, TSS + 4, STACK0);
    wr32(r, TSS + 8, SEL_D0);
    wr32(r, TSS + 0x0c, 0x60000);                                      /* ESP1 */
    wr32(r, TSS + 0x10, SEL_D1NP | 1);                                 /* SS1 */
    wr32(r, TSS + 0x64, 0x00680000);                                   /* I/O map base 0x68, all allowed */
    phys_write(&r->pm, HANDLER, 0xf4, 1);
    c->gdtr = (struct dtr){ GDT, 0xff };
    c->idtr = (struct dtr){ IDT, 0x7ff };
    c->cr0 = CR0_PE | CR0_ET;
    {
        uint32_t lo, hi;
        desc_read(c, SEL_TSS, &lo, &hi, EX_GP);
        seg_from_desc(&c->tr, SEL_TSS, lo, hi);
    }
    uint16_t cs = cpl ? SEL_C3 : SEL_C0, ds = cpl ? SEL_D3 : SEL_D0;
    load_seg(c, S_CS, cs);
    for (int s = 0; s < 6; s++)
        if (s != S_CS) load_seg(c, s, ds);
    c->reg[R_ESP] = cpl ? STACK3 : STACK0;
    cpu_update_mode(c);
    cpu_tlb_flush(c, 0);
}

/* Runs the code (followed by HLT) at CODE; returns the EIP where it halted. */
static uint32_t run(struct rig *r, const uint8_t *code, int n)
{
    struct cpu *c = &r->cpu;
    for (int k = 0; k < n; k++) phys_write(&r->pm, CODE + (uint32_t)k, code[k], 1);
    phys_write(&r->pm, CODE + (uint32_t)n, 0xf4, 1);
    c->eip = CODE;
    c->halted = 0;
    ev.n = 0;
    cpu_run(c, 50);
    return c->eip;
}
#define RUN(...) run(r, (const uint8_t[]){ __VA_ARGS__ }, (int)sizeof((const uint8_t[]){ __VA_ARGS__ }))
/* Exactly one event, vector v, error code e (-1: none). */
#define ONE_EVENT(v, e) do { CHECKEQ(ev.n, 1); CHECKEQ(ev.vec[0], v); \
    if ((e) < 0) CHECKEQ(ev.has_err[0], 0); else { CHECKEQ(ev.has_err[0], 1); CHECKEQ(ev.err[0], (uint32_t)(e)); } } while (0)

static void test_cpuid(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "cpuid";
    setup_pm(r, 0);
    c->reg[R_EAX] = 0;
    RUN(0x0f, 0xa2);
    CHECKEQ(c->reg[R_EAX], 2);
    CHECKEQ(c->reg[R_EBX], 0x756e6547);
    CHECKEQ(c->reg[R_EDX], 0x49656e69);
    CHECKEQ(c->reg[R_ECX], 0x6c65746e);
    c->reg[R_EAX] = 1;
    RUN(0x0f, 0xa2);
    CHECKEQ(c->reg[R_EAX], 0x619);
    CHECKEQ(c->reg[R_EDX], 0x0100a13d);          /* FPU DE PSE TSC MSR CX8 PGE CMOV FXSR */
    c->reg[R_EAX] = 0x80000000u;                  /* beyond the last leaf: the highest basic leaf */
    RUN(0x0f, 0xa2);
    CHECKEQ(c->reg[R_EAX], 0x03020101);
    CHECKEQ(c->reg[R_EDX], 0x0a064204);
}

static void test_control_regs(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "control registers";
    setup_pm(r, 0);
    c->reg[R_EAX] = CR4_VME;
    CHECKEQ(RUN(0x0f, 0x22, 0xe0), HANDLER + 1);  /* mov cr4, eax: VME is not implemented */
    ONE_EVENT(EX_GP, 0);
    CHECKEQ(c->cr4, 0);
    c->reg[R_EAX] = CR4_PSE | CR4_PGE | CR4_DE | CR4_TSD | CR4_PCE | CR4_OSFXSR;
    RUN(0x0f, 0x22, 0xe0);
    CHECKEQ(ev.n, 0);
    CHECKEQ(c->cr4, CR4_PSE | CR4_PGE | CR4_DE | CR4_TSD | CR4_PCE | CR4_OSFXSR);
    c->reg[R_EAX] = CR0_PG | CR0_ET;              /* PG without PE */
    RUN(0x0f, 0x22, 0xc0);
    ONE_EVENT(EX_GP, 0);
    CHECKEQ(c->cr0, CR0_PE | CR0_ET);
    c->reg[R_EAX] = CR0_PE | CR0_NW;              /* NW without CD */
    RUN(0x0f, 0x22, 0xc0);
    ONE_EVENT(EX_GP, 0);
    c->reg[R_EAX] = CR0_PE;                       /* ET reads back as 1 */
    RUN(0x0f, 0x22, 0xc0, 0x0f, 0x20, 0xc1);      /* mov cr0, eax; mov ecx, cr0 */
    CHECKEQ(c->reg[R_ECX], CR0_PE | CR0_ET);
    c->reg[R_EAX] = 0x0000fff0;                   /* LMSW loads MP EM TS only, keeps PE */
    RUN(0x0f, 0x01, 0xf0);
    CHECKEQ(c->cr0, CR0_PE | CR0_ET);
    c->reg[R_EAX] = 0x0000000e;
    RUN(0x0f, 0x01, 0xf0, 0x0f, 0x01, 0xe1);      /* lmsw ax; smsw ecx (32-bit: all of CR0) */
    CHECKEQ(c->cr0, CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET);
    CHECKEQ(c->reg[R_ECX], c->cr0);
    c->cr0 |= CR0_NE;
    RUN(0x0f, 0x06);                              /* clts */
    CHECKEQ(c->cr0 & CR0_TS, 0);
}

static void test_debug_regs(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "debug registers";
    setup_pm(r, 0);
    c->dr[6] = 0xffff0ff1;
    RUN(0x0f, 0x21, 0xe0);                        /* mov eax, dr4: DR6 while CR4.DE = 0 */
    CHECKEQ(c->reg[R_EAX], 0xffff0ff1);
    c->reg[R_EAX] = 0;
    RUN(0x0f, 0x23, 0xf0);                        /* mov dr6, eax: reserved bits stay 1 */
    CHECKEQ(c->dr[6], 0xffff0ff0);
    c->cr4 = CR4_DE;
    RUN(0x0f, 0x21, 0xe8);                        /* mov eax, dr5 with DE: #UD */
    ONE_EVENT(EX_UD, -1);
    c->cr4 = 0;
    c->dr[7] = 0x400 | (1u << 13);                /* GD */
    CHECKEQ(RUN(0x0f, 0x21, 0xc0), HANDLER + 1);  /* mov eax, dr0: #DB fault */
    ONE_EVENT(EX_DB, -1);
    CHECK(c->dr[6] & (1u << 13));
    CHECKEQ(c->dr[7], 0x400);
    CHECKEQ(rd32(r, STACK0 - 12), CODE);          /* a fault: EIP of the MOV */

    /* I/O breakpoint: DR0 = port 0x80, R/W0 = 10, with CR4.DE: a trap after OUT */
    setup_pm(r, 0);
    c->cr4 = CR4_DE;
    c->dr[0] = 0x80;
    c->dr[7] = 0x400 | 1 | (2u << 16);
    CHECKEQ(RUN(0xe6, 0x81, 0xe6, 0x80, 0x90), HANDLER + 1);   /* out 0x81, al; out 0x80, al */
    ONE_EVENT(EX_DB, -1);
    CHECKEQ(c->dr[6] & 0xf, 1);
    CHECKEQ(rd32(r, STACK0 - 12), CODE + 4);      /* a trap: EIP after the second OUT */
    c->dr[7] = 0x400;

    /* data breakpoint on a 2-byte range, write only: the read does not hit */
    setup_pm(r, 0);
    c->dr[1] = SCRATCH_MEM + 2;
    c->dr[7] = 0x400 | 4 | (1u << 20) | (1u << 22);
    /* mov eax, [SCRATCH_MEM]; mov byte [SCRATCH_MEM + 3], al */
    CHECKEQ(RUN(0xa1, 0x00, 0x50, 0x00, 0x00, 0xa2, 0x03, 0x50, 0x00, 0x00, 0x90), HANDLER + 1);
    ONE_EVENT(EX_DB, -1);
    CHECKEQ(c->dr[6] & 0xf, 2);
    CHECKEQ(rd32(r, STACK0 - 12), CODE + 10);
    c->dr[7] = 0x400;
}

static void test_msr_tsc(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "MSRs and TSC";
    setup_pm(r, 0);
    c->reg[R_ECX] = 0x10;
    c->reg[R_EDX] = 5;
    c->reg[R_EAX] = 0x1000;
    RUN(0x0f, 0x30, 0x0f, 0x31);                  /* wrmsr; rdtsc: P6 clears the upper half */
    CHECKEQ(c->reg[R_EDX], 0);
    CHECK(c->reg[R_EAX] >= 0x1000 && c->reg[R_EAX] < 0x1010);
    c->reg[R_ECX] = 0x1b;                         /* APIC base: no local APIC */
    RUN(0x0f, 0x32);
    ONE_EVENT(EX_GP, 0);
    RUN(0x0f, 0x33);                              /* rdpmc: no counters */
    ONE_EVENT(EX_GP, 0);
    c->cr4 = CR4_TSD;
    setup_pm(r, 3);
    c->cr4 = CR4_TSD;
    RUN(0x0f, 0x31);                              /* rdtsc at CPL 3 with TSD */
    ONE_EVENT(EX_GP, 0);
    c->cr4 = 0;
    RUN(0x0f, 0x31);
    CHECKEQ(ev.n, 0);
}

static void test_tables(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "descriptor tables";
    setup_pm(r, 0);
    wr32(r, SCRATCH_MEM, 0xaaaaaaaa);
    wr32(r, SCRATCH_MEM + 4, 0xaaaaaaaa);
    c->gdtr.base = 0x7f001000;
    RUN(0x66, 0x0f, 0x01, 0x05, 0x00, 0x50, 0x00, 0x00);   /* o16 sgdt [0x5000] */
    c->gdtr.base = GDT;
    CHECKEQ(rd32(r, SCRATCH_MEM), 0x100000ff);
    CHECKEQ(rd32(r, SCRATCH_MEM + 4), 0xaaaa0000);          /* 24-bit base, 4th byte 0 */
    c->reg[R_ECX] = SEL_TSS;
    RUN(0x0f, 0x02, 0xc1, 0x0f, 0x03, 0xd1);      /* lar eax, ecx; lsl edx, ecx */
    CHECKEQ(c->reg[R_EAX], 0x00008b00);
    CHECKEQ(c->reg[R_EDX], 0x2068);
    c->reg[R_ECX] = SEL_GATE;                     /* LSL of a gate fails; LAR succeeds */
    c->reg[R_EAX] = c->reg[R_EDX] = 0x1234;
    RUN(0x0f, 0x03, 0xd1, 0x9c, 0x0f, 0x02, 0xc1);   /* lsl edx, ecx; pushfd; lar eax, ecx */
    CHECKEQ(c->reg[R_EDX], 0x1234);
    CHECKEQ(rd32(r, STACK0 - 4) & F_ZF, 0);
    CHECKEQ(c->reg[R_EAX], 0x0000ec00);
    RUN(0x0f, 0x00, 0xc8);                        /* str eax */
    CHECKEQ(c->reg[R_EAX], SEL_TSS);
}

static void test_precise(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "faults are precise";
    /* #UD pushes RF = 1 (a fault); INT3 pushes RF = 0 */
    setup_pm(r, 0);
    RUN(0x0f, 0x0b);
    ONE_EVENT(EX_UD, -1);
    CHECKEQ(rd32(r, STACK0 - 12), CODE);
    CHECK(rd32(r, STACK0 - 4) & F_RF);
    setup_pm(r, 0);
    RUN(0xcc);
    ONE_EVENT(EX_BP, -1);
    CHECKEQ(rd32(r, STACK0 - 12), CODE + 1);
    CHECKEQ(rd32(r, STACK0 - 4) & F_RF, 0);

    /* ring 3 calls a gate to DPL1 whose stack (TSS SS1) is not present:
     * #SS(SS1) with ESP, EIP, CS, SS as before the call */
    setup_pm(r, 3);
    c->reg[R_EBX] = 0xb0b0;
    CHECKEQ(RUN(0x53, 0x9a, 0, 0, 0, 0, SEL_GATE, 0), HANDLER + 1);   /* push ebx; lcall gate */
    ONE_EVENT(EX_SS, SEL_D1NP);
    CHECKEQ(rd32(r, STACK0 - 24), SEL_D1NP);      /* error code */
    CHECKEQ(rd32(r, STACK0 - 20), CODE + 1);      /* EIP of the LCALL */
    CHECKEQ(rd32(r, STACK0 - 16), SEL_C3);
    CHECKEQ(rd32(r, STACK0 - 8), STACK3 - 4);     /* ESP after the PUSH only */
    CHECKEQ(rd32(r, STACK0 - 4), SEL_D3);
    CHECKEQ(rd32(r, 0x60000 - 4), 0);             /* nothing written on the inner stack */

    /* 16-bit interrupt gate from ring 3: 16-bit frame on the ring-0 stack */
    setup_pm(r, 3);
    wr32(r, IDT + 8 * 0x41 + 4, 0x0000e600);
    RUN(0xcd, 0x41);
    ONE_EVENT(0x41, -1);
    CHECKEQ(c->eip, HANDLER + 1);
    CHECKEQ(c->reg[R_ESP], STACK0 - 10);
    CHECKEQ(phys_read(&r->pm, STACK0 - 10, 2), (uint16_t)(CODE + 2));
    CHECKEQ(phys_read(&r->pm, STACK0 - 8, 2), SEL_C3);
    CHECKEQ(phys_read(&r->pm, STACK0 - 4, 2), (uint16_t)STACK3);
    CHECKEQ(phys_read(&r->pm, STACK0 - 2, 2), SEL_D3);
}

/* ------------------------------------------------------------ REP string instructions
 * Expected values from the SDM's definition of a REP: iterations one at a
 * time (read the element, write it, step the index registers, count ECX
 * down), interruptible between iterations with EIP on the first prefix. */

/* Loads code (followed by HLT) at CODE and runs it with the given budget. */
static void load_code(struct rig *r, const uint8_t *code, int n)
{
    for (int k = 0; k < n; k++) phys_write(&r->pm, CODE + (uint32_t)k, code[k], 1);
    phys_write(&r->pm, CODE + (uint32_t)n, 0xf4, 1);
    r->cpu.eip = CODE;
    r->cpu.halted = 0;
    ev.n = 0;
}
#define LOAD(...) load_code(r, (const uint8_t[]){ __VA_ARGS__ }, (int)sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void fill_pattern(struct rig *r, uint32_t a, uint32_t len, uint8_t seed)
{
    for (uint32_t k = 0; k < len; k++) phys_write(&r->pm, a + k, (uint8_t)(seed + k * 7), 1);
}

/* The SDM's MOVS, element by element, on a copy of guest memory. */
static void model_movs(uint8_t *m, uint32_t si, uint32_t di, uint32_t n, int size, int down)
{
    for (uint32_t k = 0; k < n; k++) {
        uint8_t e[4];
        memcpy(e, m + si, (size_t)size);
        memcpy(m + di, e, (size_t)size);
        si += down ? (uint32_t)-size : (uint32_t)size;
        di += down ? (uint32_t)-size : (uint32_t)size;
    }
}

enum { REP_LO = 0x4000, REP_HI = 0x9000 };  /* the window the copy tests use (HANDLER is above) */

/* rep movs of n elements of `size` from si to di (DF = down) against the model. */
static void check_movs(struct rig *r, uint32_t si, uint32_t di, uint32_t n, int size, int down)
{
    struct cpu *c = &r->cpu;
    static uint8_t want[REP_HI], got[REP_HI];
    setup_pm(r, 0);
    fill_pattern(r, REP_LO, REP_HI - REP_LO - 0x100, (uint8_t)(si ^ di ^ n));
    phys_read_buf(&r->pm, 0, want, sizeof want);
    model_movs(want, si, di, n, size, down);
    c->reg[R_ESI] = si;
    c->reg[R_EDI] = di;
    c->reg[R_ECX] = n;
    if (down) c->eflags |= F_DF;
    if (size == 2) LOAD(0x66, 0xf3, 0xa5);
    else LOAD(0xf3, size == 1 ? 0xa4 : 0xa5);
    cpu_run(c, 1000000);
    phys_read_buf(&r->pm, 0, got, sizeof got);
    CHECKEQ(c->eip, CODE + (size == 2 ? 4 : 3));
    CHECKEQ(c->reg[R_ECX], 0);
    uint32_t bytes = n * (uint32_t)size;
    CHECKEQ(c->reg[R_ESI], down ? si - bytes : si + bytes);
    CHECKEQ(c->reg[R_EDI], down ? di - bytes : di + bytes);
    CHECK(memcmp(got + REP_LO, want + REP_LO, REP_HI - REP_LO - 0x100) == 0);
}

static void test_rep_copy(struct rig *r)
{
    cur_test = "REP MOVS copies as the SDM defines";
    /* overlapping forward with dst just above src replicates the pattern;
     * backward with dst just below; element sizes that straddle pages */
    check_movs(r, 0x5000, 0x5001, 100, 1, 0);
    check_movs(r, 0x5100, 0x50ff, 100, 1, 1);
    check_movs(r, 0x5ff0, 0x5ff1, 0x1800, 1, 0);          /* crosses two pages */
    check_movs(r, 0x4ffe, 0x5001, 0x900, 4, 0);           /* dwords overlapping by 3 bytes */
    check_movs(r, 0x7ffe, 0x7ffc, 0x900, 4, 1);           /* backward, dst 4 below: replicates */
    check_movs(r, 0x4f03, 0x6000, 0x700, 2, 0);           /* disjoint, odd alignment */
    check_movs(r, 0x6000, 0x5ffe, 0x900, 4, 0);           /* dst below src: memmove-like */
    check_movs(r, 0x7003, 0x7007, 0x500, 4, 1);           /* backward, dst above src */
    check_movs(r, 0x6000, 0x6000, 0x400, 4, 0);           /* onto itself */
}

/* Identity paging of the first 4 MiB with a second linear view of the
 * page at `alias_phys` at linear ALIAS, and the page at linear `absent`
 * not present (0 for none). */
enum { PD = 0x20000, PT = 0x21000, ALIAS = 0x123000 };
static void setup_paging(struct rig *r, uint32_t alias_phys, uint32_t absent)
{
    struct cpu *c = &r->cpu;
    wr32(r, PD, PT | 3);
    for (uint32_t k = 1; k < 1024; k++) wr32(r, PD + 4 * k, 0);
    for (uint32_t k = 0; k < 1024; k++) wr32(r, PT + 4 * k, k << 12 | 3);
    wr32(r, PT + 4 * (ALIAS >> 12), alias_phys | 3);
    if (absent) wr32(r, PT + 4 * (absent >> 12), 0);
    c->cr3 = PD;
    c->cr0 |= CR0_PG;
    cpu_tlb_flush(c, 0);
}

static void test_rep_paging(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "REP MOVS through two linear views of one page";
    /* linearly disjoint, physically dst = src + 4: the dword at 0x5000 is
     * replicated over the page, as element-by-element copying does */
    setup_pm(r, 0);
    fill_pattern(r, 0x5000, 0x1000, 1);
    uint32_t first = rd32(r, 0x5000);
    setup_paging(r, 0x5000, 0);
    c->reg[R_ESI] = 0x5000;
    c->reg[R_EDI] = ALIAS + 4;
    c->reg[R_ECX] = 1000;
    LOAD(0xf3, 0xa5);
    cpu_run(c, 100000);
    CHECKEQ(c->eip, CODE + 3);
    int same = 1;
    for (uint32_t a = 0x5000; a < 0x5000 + 4 * 1001; a += 4) same &= rd32(r, a) == first;
    CHECK(same);
    CHECK(rd32(r, 0x5000 + 4 * 1001) != first);

    cur_test = "a #PF in the middle of a REP is precise";
    /* dwords from 0x4000 to 0x5002 on: the element at 0x6ffe straddles into
     * the absent page at 0x7000; the fault leaves the registers as after the
     * element before it, and everything before it copied */
    for (int k = 0; k < 2; k++) {
        uint32_t di = k ? 0x5002 : 0x5000;
        setup_pm(r, 0);
        fill_pattern(r, 0x4000, 0x1000, 3);
        setup_paging(r, 0x5000, 0x7000);
        c->reg[R_ESI] = 0x4000 - 0x1000;        /* the source spans two present pages */
        c->reg[R_EDI] = di;
        c->reg[R_ECX] = 0x2000;
        fill_pattern(r, 0x3000, 0x1000, 5);
        LOAD(0x2e, 0xf3, 0xa5);                  /* cs rep movsd: the saved EIP is the first prefix */
        cpu_run(c, 100000);
        ONE_EVENT(EX_PF, PFEC_W);
        CHECKEQ(c->cr2, 0x7000);
        CHECKEQ(rd32(r, STACK0 - 12), CODE);
        uint32_t done = (0x7000 - di) / 4;
        CHECKEQ(c->reg[R_ECX], 0x2000 - done);
        CHECKEQ(c->reg[R_ESI], 0x3000 + 4 * done);
        CHECKEQ(c->reg[R_EDI], di + 4 * done);
        CHECKEQ(rd32(r, di), rd32(r, 0x3000));
        CHECKEQ(rd32(r, di + 4 * (done - 1)), rd32(r, 0x3000 + 4 * (done - 1)));
        c->cr0 &= ~CR0_PG;
        cpu_tlb_flush(c, 0);
    }
    /* the source's #GP (past DS's limit) comes before the destination's #PF */
    setup_pm(r, 0);
    setup_paging(r, 0x5000, 0x7000);
    c->seg[S_DS].limit = 0x1fff;
    c->reg[R_ESI] = 0x2000;
    c->reg[R_EDI] = 0x7000;
    c->reg[R_ECX] = 16;
    LOAD(0xf3, 0xa5);
    cpu_run(c, 100000);
    ONE_EVENT(EX_GP, 0);
    CHECKEQ(c->reg[R_ECX], 16);
}

/* INTA for the interrupt tests: vector 0x40 */
static int ack_irq(void *o) { (void)o; return 0x40; }

static void test_rep_budget(struct rig *r)
{
    struct cpu *c = &r->cpu;
    cur_test = "REP stops between iterations when the budget runs out";
    setup_pm(r, 0);
    fill_pattern(r, 0x5000, 0x1000, 9);
    c->reg[R_ESI] = 0x5000;
    c->reg[R_EDI] = 0x7000;
    c->reg[R_ECX] = 1000;
    LOAD(0x2e, 0xf3, 0xa5);                      /* cs rep movsd */
    uint64_t ic = c->icount;
    CHECKEQ(cpu_run(c, 10), CPU_EXIT_BUDGET);
    CHECKEQ(c->budget, 0);
    CHECKEQ(c->icount - ic, 10);                 /* one unit an iteration */
    CHECKEQ(c->eip, CODE);                       /* on the first prefix */
    CHECKEQ(c->reg[R_ECX], 990);
    CHECKEQ(c->reg[R_ESI], 0x5000 + 40);
    CHECKEQ(c->reg[R_EDI], 0x7000 + 40);
    CHECKEQ(rd32(r, 0x7000 + 36), rd32(r, 0x5000 + 36));
    CHECK(rd32(r, 0x7000 + 40) != rd32(r, 0x5000 + 40));
    CHECKEQ(ev.n, 0);

    cur_test = "an interrupt between REP iterations";
    /* served with EIP on the REP and RF = 1 in its frame (SDM vol. 3
     * 17.3.1.1); IRET resumes the REP, which finishes */
    wr32(r, IDT + 8 * 0x40, (uint32_t)SEL_C0 << 16 | 0x9100);
    phys_write(&r->pm, 0x9100, 0xcf, 1);         /* iretd */
    c->eflags |= F_IF;
    c->intr_line = 1;
    c->intr_ack = ack_irq;
    CHECKEQ(cpu_run(c, 1), CPU_EXIT_BUDGET);     /* the interrupt, then IRET's unit */
    c->intr_line = 0;
    ONE_EVENT(0x40, -1);
    CHECKEQ(rd32(r, STACK0 - 12), CODE);
    CHECK(rd32(r, STACK0 - 4) & F_RF);
    CHECKEQ(c->reg[R_ECX], 990);
    CHECKEQ(cpu_run(c, 100000), CPU_EXIT_HLT);
    CHECKEQ(c->eip, CODE + 4);
    CHECKEQ(c->reg[R_ECX], 0);
    CHECKEQ(c->reg[R_EDI], 0x7000 + 4000);
    CHECKEQ(rd32(r, 0x7000 + 3996), rd32(r, 0x5000 + 3996));
    CHECKEQ(c->eflags & F_RF, 0);
    c->intr_ack = NULL;

    cur_test = "single-step traps after each REP iteration";
    setup_pm(r, 0);
    c->reg[R_EDI] = 0x7000;
    c->reg[R_ECX] = 3;
    c->eflags |= F_TF;
    LOAD(0xf3, 0xaa);                            /* rep stosb */
    cpu_run(c, 50);
    ONE_EVENT(EX_DB, -1);
    CHECKEQ(c->reg[R_ECX], 2);
    CHECKEQ(rd32(r, STACK0 - 12), CODE);
    CHECK(rd32(r, STACK0 - 4) & F_RF);           /* not the last iteration */

    cur_test = "REP with 16-bit addressing wraps its index registers";
    setup_pm(r, 0);
    c->reg[R_EDI] = 0xabcdfff0;
    c->reg[R_ECX] = 0x12340020;
    c->reg[R_EAX] = 0x5a;
    for (uint32_t a = 0; a < 0x20; a += 4) wr32(r, a, 0);
    LOAD(0x67, 0xf3, 0xaa);                      /* a16 rep stosb */
    cpu_run(c, 50);
    CHECKEQ(c->eip, CODE + 4);
    CHECKEQ(c->reg[R_ECX], 0x12340000);
    CHECKEQ(c->reg[R_EDI], 0xabcd0010);
    CHECKEQ(rd32(r, 0xfffc), 0x5a5a5a5a);
    CHECKEQ(rd32(r, 0x0c), 0x5a5a5a5a);
    CHECKEQ(rd32(r, 0x10), 0);
    CHECKEQ(phys_read(&r->pm, CODE, 1), 0x67);  /* 0x10000 (the code) not written */

    cur_test = "REPE CMPS and REPNE SCAS stop at the deciding element";
    setup_pm(r, 0);
    fill_pattern(r, 0x5000, 0x2000, 1);
    fill_pattern(r, 0x7000, 0x2000, 1);
    phys_write(&r->pm, 0x7000 + 0x1234, 0x00, 1);   /* first difference: 0x1234 in */
    phys_write(&r->pm, 0x5000 + 0x1234, 0x01, 1);
    c->reg[R_ESI] = 0x5000;
    c->reg[R_EDI] = 0x7000;
    c->reg[R_ECX] = 0x2000;
    LOAD(0xf3, 0xa6);                            /* repe cmpsb */
    cpu_run(c, 100000);
    CHECKEQ(c->eip, CODE + 3);
    CHECKEQ(c->reg[R_ECX], 0x2000 - 0x1235);
    CHECKEQ(c->reg[R_ESI], 0x5000 + 0x1235);
    CHECKEQ(c->reg[R_EDI], 0x7000 + 0x1235);
    CHECKEQ(cpu_get_eflags(c) & F_ARITH, 0);     /* 1 - 0: all clear */
    setup_pm(r, 0);
    for (uint32_t a = 0x5000; a < 0x8000; a += 4) wr32(r, a, 0x41414141);
    phys_write(&r->pm, 0x6abc, 0x00, 1);
    c->reg[R_EDI] = 0x5000;
    c->reg[R_ECX] = 0xffffffff;
    c->reg[R_EAX] = 0;
    LOAD(0xf2, 0xae);                            /* repne scasb: strlen */
    cpu_run(c, 100000);
    CHECKEQ(c->reg[R_EDI], 0x6abd);
    CHECKEQ(c->reg[R_ECX], 0xffffffffu - 0x1abd);
    CHECK(cpu_get_eflags(c) & F_ZF);
}

static int unit_tests(struct rig *r)
{
    test_cpuid(r);
    test_control_regs(r);
    test_debug_regs(r);
    test_msr_tsc(r);
    test_tables(r);
    test_precise(r);
    test_rep_copy(r);
    test_rep_paging(r);
    test_rep_budget(r);
    fflush(stderr);
    printf("test_cpu_sys: %d checks, %d failed\n", ncheck, nfail);
    return nfail ? 1 : 0;
}

/* ------------------------------------------------------------ ROM runner */
int main(int argc, char **argv)
{
    if (argc < 2) {
        struct rig *r = calloc(1, sizeof *r);
        if (!r || phys_init(&r->pm, 32u << 20) < 0 || io_init(&r->io) < 0 || cpu_init(&r->cpu, &r->pm, &r->io) < 0)
            return 70;
        int st = unit_tests(r);
        cpu_free(&r->cpu);
        io_free(&r->io);
        phys_free(&r->pm);
        free(r);
        return st;
    }
    long long max = argc > 2 ? atoll(argv[2]) : 200000000LL;
    static uint8_t rom[0x10000];
    FILE *f = fopen(argv[1], "rb");
    if (!f || fread(rom, 1, sizeof rom, f) != sizeof rom) {
        fprintf(stderr, "%s: cannot read a 64 KiB ROM image\n", argv[1]);
        return 64;
    }
    fclose(f);
    struct rig *r = calloc(1, sizeof *r);
    if (!r || phys_init(&r->pm, 32u << 20) < 0 || io_init(&r->io) < 0) return 70;
    phys_add_ram_alias(&r->pm, 0xf0000, 0x10000, rom, 1, "rom");
    phys_add_ram_alias(&r->pm, 0xffff0000u, 0x10000, rom, 1, "rom-high");
    r->port92 = 2;     /* A20 enabled at power-on, as QEMU has it */
    io_register(&r->io, 0xe9, 1, IO_W8, con_read, con_write, r, "debugcon");
    io_register(&r->io, 0xf4, 1, IO_W8 | IO_W16 | IO_W32, exit_read, exit_write, r, "debug-exit");
    io_register(&r->io, 0x92, 1, IO_W8, p92_read, p92_write, r, "port92");
    if (cpu_init(&r->cpu, &r->pm, &r->io) < 0) return 70;
    const char *tr = getenv("RIG_TRACE");
    if (tr && *tr == '1') r->cpu.trace_insn = trace_insn;
    if (tr) r->cpu.trace_int = trace_int;
    long long done = 0;
    int st = 0;
    while (!st && !r->exited && done < max) {
        enum cpu_exit e = cpu_run(&r->cpu, 100000);
        done += 100000;
        if (e == CPU_EXIT_SHUTDOWN) {
            fprintf(stderr, "triple fault at %04x:%08x\n", r->cpu.seg[S_CS].sel, r->cpu.eip);
            st = 3;
        } else if (e == CPU_EXIT_HLT && !r->exited) {
            fprintf(stderr, "halted at %04x:%08x\n", r->cpu.seg[S_CS].sel, r->cpu.eip);
            st = 4;
        }
    }
    if (!st && !r->exited) {
        fprintf(stderr, "out of instructions at %04x:%08x\n", r->cpu.seg[S_CS].sel, r->cpu.eip);
        st = 2;
    }
    if (!st) st = r->status;
    cpu_free(&r->cpu);
    io_free(&r->io);
    phys_free(&r->pm);
    free(r);
    return st;
}
