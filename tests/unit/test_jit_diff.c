/* Differential test of the translator against the interpreter: random
 * programs run on two identical machines, one per engine, in slices of
 * random length; after every slice the whole visible state must be
 * identical: registers, EIP, EFLAGS (materialised), segment registers,
 * control registers, budget, instruction count, halt state, the FPU and
 * all of guest RAM.
 *
 * Modes (each a machine set-up and a generator):
 *   flat    32-bit ring-0 arithmetic, memory, jumps, loops, direct and
 *           indirect calls and jumps; half with data segment bases not 0
 *   smc     flat, plus stores into code ahead of EIP, into the running
 *           instruction, the next block and a block chained to this one,
 *           same-value stores, REP STOSB into code
 *   irq     interrupts raised between slices and by the program itself
 *           (inside chained loops), CLI/STI/POPF/IRET, STI; HLT, MOV SS and
 *           STI shadows; the handler folds each interrupted EIP into RAM
 *   paging  random page tables (4 KiB and 4 MiB pages, not present,
 *           read-only, supervisor, WP on or off), ring 0 or 3, handlers
 *           that log and fix #PF or skip #DE/#UD/#GP, INVLPG and CR3
 *           reloads, calls into code pages whose mappings change
 *   string  MOVS/STOS/LODS/SCAS/CMPS with and without REP over the paging
 *           set-up, faulting in the middle of a REP and resuming
 *   real, pm16, v86   16-bit code (jit_diff_16.c)
 *   switch  real mode -> 32-bit -> 16-bit protected -> real mode, again
 *           and again, each with its code (jit_diff_16.c)
 *   x87     FPU sequences (jit_diff_x87.c)
 *
 *   test_jit_diff [--mode NAME] [--verbose] [PROGRAMS [SEED]]
 * PROGRAMS is per mode; program k of a run with SEED reproduces alone as
 *   test_jit_diff --mode NAME 1 SEED+k
 * in the same build (the generators draw in argument-evaluation order,
 * which differs between optimisation levels); the hex dump printed with a
 * failure is the program itself. --verbose prints the interpreter's state
 * after every slice, each program, and the vectors programs ended on.
 * Final line: N passed, N failed */
#include "jit_diff.h"
#include "jit/jit.h"
#include "flat32.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t rng;
uint32_t data_base = DATA;
int keep_ecx;

/* ---- machines ---- */

static uint32_t io_rd(void *opaque, uint16_t port, int size)
{
    (void)opaque; (void)port; (void)size;
    return 0xffffffffu;
}
/* The rig's interrupt controller: one line, one vector. */
static void io_wr(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct rig *r = opaque;
    (void)size;
    if (port == PORT_EOI) r->cpu.intr_line = 0;
    else if (!(val & 0x80)) { r->vector = 0x40 + (int)(val & 7); r->cpu.intr_line = 1; }
}
static int intr_ack(void *opaque) { return ((struct rig *)opaque)->vector; }

static int rig_init(struct rig *r)
{
    if (phys_init(&r->pm, RAM) || io_init(&r->io) || cpu_init(&r->cpu, &r->pm, &r->io))
        return -1;
    if (io_register(&r->io, PORT_EOI, 2, IO_W8 | IO_W16 | IO_W32, io_rd, io_wr, r, "diff-intc") < 0)
        return -1;
    r->cpu.intr_ack = intr_ack;
    r->cpu.intr_opaque = r;
    return 0;
}

void rig_clear(struct rig *r)
{
    memset(r->pm.ram, 0, RAM);
    r->vector = 0x40;
    r->cpu.intr_line = 0;
}

void load_prog(struct rig *r, const struct prog *p, uint32_t phys)
{
    phys_load(&r->pm, phys, p->b, p->len);
}

static void put_desc(struct physmem *pm, uint16_t sel, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    uint8_t d[8] = { limit & 0xff, (limit >> 8) & 0xff, base & 0xff, (base >> 8) & 0xff, (base >> 16) & 0xff,
                     access, (uint8_t)(flags | ((limit >> 16) & 0xf)), base >> 24 };
    phys_load(pm, FLAT32_GDT + (sel & ~7u), d, 8);
}

static void put_gate(struct physmem *pm, int vec, uint32_t off, int dpl)
{
    uint8_t g[8] = { off & 0xff, (off >> 8) & 0xff, 0x08, 0, 0, (uint8_t)(0x8e | dpl << 5), (off >> 16) & 0xff, off >> 24 };
    phys_load(pm, FLAT32_IDT + 8 * (uint32_t)vec, g, 8);
}

/* The handlers, hand-assembled (32-bit, ring 0). */
#define A32(v) (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, (v) >> 24
#define H_SKIP (SYS_HANDLERS + 0x00)
#define H_SKIP_ERR (SYS_HANDLERS + 0x40)
#define H_PF (SYS_HANDLERS + 0x80)
#define H_IRQ (SYS_HANDLERS + 0x100)

/* #DE/#UD: return past the instruction, whose length is the byte before
 * it (after JMP +1: see faulting()); a fault elsewhere halts here. */
static const uint8_t h_skip[] = {
    0x50, 0x53, 0x8b, 0x44, 0x24, 0x08,     /* push eax; push ebx; mov eax,[esp+8] */
    0x66, 0x81, 0x78, 0xfd, 0xeb, 0x01,     /* cmp word [eax-3],0x01eb */
    0x75, 0x13,                             /* jne .stop */
    0x0f, 0xb6, 0x58, 0xff, 0x01, 0xd8,     /* movzx ebx,byte [eax-1]; add eax,ebx */
    0x89, 0x44, 0x24, 0x08,                 /* mov [esp+8],eax */
    0xff, 0x05, A32(LOG_SKIPS),             /* inc dword [LOG_SKIPS] */
    0x5b, 0x58, 0xcf,                       /* pop ebx; pop eax; iret */
    0xf4,                                   /* .stop: hlt */
};
/* #GP: the same, past the error code, which it records */
static const uint8_t h_skip_err[] = {
    0x50, 0x53, 0x8b, 0x44, 0x24, 0x0c,
    0x8b, 0x5c, 0x24, 0x08, 0x89, 0x1d, A32(LOG_SKIPS + 4),   /* mov ebx,[esp+8]; mov [..],ebx */
    0x66, 0x81, 0x78, 0xfd, 0xeb, 0x01, 0x75, 0x16,
    0x0f, 0xb6, 0x58, 0xff, 0x01, 0xd8,
    0x89, 0x44, 0x24, 0x0c,
    0xff, 0x05, A32(LOG_SKIPS),
    0x5b, 0x58, 0x83, 0xc4, 0x04, 0xcf,     /* pop ebx; pop eax; add esp,4; iret */
    0xf4,
};
/* #PF: records CR2, error code and EIP, sets P, R/W and U/S in the PDE and
 * (for a 4 KiB page) the PTE of CR2, INVLPG, and retries. */
static const uint8_t h_pf[] = {
    0x50, 0x53, 0x51, 0x0f, 0x20, 0xd0,     /* push eax,ebx,ecx; mov eax,cr2 */
    0x8b, 0x1d, A32(LOG_FAULTS),            /* mov ebx,[LOG_FAULTS] */
    0x83, 0xe3, 0x0f, 0xc1, 0xe3, 0x04,     /* and ebx,15; shl ebx,4 */
    0x89, 0x83, A32(LOG_RING),              /* mov [ebx+ring],eax */
    0x8b, 0x4c, 0x24, 0x0c, 0x89, 0x8b, A32(LOG_RING + 4),   /* error code */
    0x8b, 0x4c, 0x24, 0x10, 0x89, 0x8b, A32(LOG_RING + 8),   /* EIP */
    0xff, 0x05, A32(LOG_FAULTS),
    0x89, 0xc3, 0xc1, 0xeb, 0x16,           /* mov ebx,eax; shr ebx,22 */
    0x8d, 0x1c, 0x9d, A32(SYS_PD),              /* lea ebx,[PD+ebx*4] */
    0x83, 0x0b, 0x07, 0xf6, 0x03, 0x80,     /* or dword [ebx],7; test byte [ebx],0x80 */
    0x75, 0x17,                             /* jnz .large */
    0x8b, 0x0b, 0x81, 0xe1, A32(0xfffff000u),   /* mov ecx,[ebx]; and ecx,~0xfff */
    0x89, 0xc3, 0xc1, 0xeb, 0x0c,           /* mov ebx,eax; shr ebx,12 */
    0x81, 0xe3, A32(0x3ffu),                /* and ebx,0x3ff */
    0x83, 0x0c, 0x99, 0x07,                 /* or dword [ecx+ebx*4],7 */
    0x0f, 0x01, 0x38,                       /* .large: invlpg [eax] */
    0x59, 0x5b, 0x58, 0x83, 0xc4, 0x04, 0xcf,
};
/* Interrupts: count, fold the interrupted EIP into an order-sensitive sum, EOI. */
static const uint8_t h_irq[] = {
    0x50, 0xff, 0x05, A32(LOG_IRQS),        /* push eax; inc dword [LOG_IRQS] */
    0x8b, 0x44, 0x24, 0x04,                 /* mov eax,[esp+4] */
    0xc1, 0x05, A32(LOG_IRQ_EIP), 0x05,     /* rol dword [sum],5 */
    0x01, 0x05, A32(LOG_IRQ_EIP),           /* add [sum],eax */
    0xe6, PORT_EOI, 0x58, 0xcf,             /* out EOI,al; pop eax; iret */
};

/* GDT: 08 code0, 10 data0, 18 code3, 20 data3 (flat), 28 TSS, 30 16-bit code
 * at CODE, 38..50 16-bit data at 0x20000..0x50000 (jit_diff_16.c). */
static void sys_tables(struct physmem *pm)
{
    flat32_tables(pm);
    put_desc(pm, 0x18, 0, 0xfffff, 0xfb, 0xc0);
    put_desc(pm, 0x20, 0, 0xfffff, 0xf3, 0xc0);
    put_desc(pm, 0x28, SYS_TSS, 0x67, 0x8b, 0);
    put_desc(pm, 0x30, CODE, 0xffff, 0x9b, 0);
    for (uint32_t k = 0; k < 4; k++)
        put_desc(pm, (uint16_t)(0x38 + 8 * k), 0x20000 + 0x10000 * k, 0xffff, 0x93, 0);
    uint8_t tss[0x68] = { 0 };
    tss[4] = SYS_STACK0 & 0xff; tss[5] = (SYS_STACK0 >> 8) & 0xff;
    tss[8] = 0x10;
    tss[0x66] = 0x68;                           /* no I/O bitmap: IOPL decides */
    phys_load(pm, SYS_TSS, tss, sizeof tss);
    phys_load(pm, H_SKIP, h_skip, sizeof h_skip);
    phys_load(pm, H_SKIP_ERR, h_skip_err, sizeof h_skip_err);
    phys_load(pm, H_PF, h_pf, sizeof h_pf);
    phys_load(pm, H_IRQ, h_irq, sizeof h_irq);
    put_gate(pm, EX_DE, H_SKIP, 0);
    put_gate(pm, EX_UD, H_SKIP, 0);
    put_gate(pm, EX_GP, H_SKIP_ERR, 0);
    put_gate(pm, EX_PF, H_PF, 0);
    for (int v = 0x40; v < 0x48; v++) put_gate(pm, v, H_IRQ, 0);
    put_gate(pm, 0x31, FLAT32_STUBS + 0x31, 3);  /* a ring-3 program's end */
}

void sys_enter(struct rig *r, int cpl)
{
    struct cpu *c = &r->cpu;
    sys_tables(&r->pm);
    flat32_enter(c);
    c->gdtr.limit = 0x57;
    c->tr = (struct seg){ .base = SYS_TSS, .limit = 0x67, .sel = 0x28, .flags = 0x8b, .valid = 1 };
    if (cpl == 3) {
        flat32_seg(&c->seg[S_CS], 0x1b, 0xfb);
        for (int s = 0; s < 6; s++)
            if (s != S_CS) flat32_seg(&c->seg[s], 0x23, 0xf3);
    }
    c->reg[R_ESP] = STACK_TOP;
    c->eip = CODE;
    c->lf_op = LF_NONE;
    cpu_update_mode(c);
}

/* ---- the flat 32-bit generator ---- */

/* A register operand that is not ESP (the stack stays where it is), nor
 * ECX in a loop body. */
int gpr(void)
{
    for (;;) {
        int r = (int)pick(8);
        if (r != R_ESP && !(keep_ecx && r == R_ECX)) return r;
    }
}
/* A byte register (AL..BH) the same rules allow. */
static int breg(void)
{
    for (;;) {
        int r = (int)pick(8);
        if (!(keep_ecx && (r & 3) == R_ECX)) return r;
    }
}
uint32_t value(void)
{
    static const uint32_t edge[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                                     0x80000000u, 0xffffffffu, 0xfffffffeu };
    return pick(3) ? rnd() ^ (rnd() << 16) : edge[pick(sizeof edge / sizeof edge[0])];
}
/* A memory operand: [disp32] inside the data area (aligned or not, now and
 * then across its last page boundary), or for reads [esi + disp8], ESI
 * being set to the data area before (and left to chance after other
 * instructions: writes there could land in the program itself). */
static void mem_operand_rw(struct prog *p, int reg, int write)
{
    if (write || pick(3)) {
        put(p, (uint8_t)(reg << 3 | 5));
        put32(p, pick(8) ? data_base + pick(4096 - 4) : data_base + 4093 + pick(3));
    } else {
        put(p, (uint8_t)(0x40 | reg << 3 | R_ESI));
        put(p, (uint8_t)pick(128));
    }
}
static void mem_operand(struct prog *p, int reg) { mem_operand_rw(p, reg, 0); }
static void mem_store(struct prog *p, int reg) { mem_operand_rw(p, reg, 1); }

static void gen_mem(struct prog *p)
{
    switch (pick(18)) {
    case 8: put(p, 0x8d); mem_operand(p, gpr()); break;                       /* LEA */
    case 9: put(p, 0x0f); put(p, (uint8_t)(0xb6 + pick(2) + 8 * pick(2))); mem_operand(p, gpr()); break;
    case 10:                                                                  /* LEA [b + i*s + d] */
        put(p, 0x8d); put(p, (uint8_t)(0x84 | gpr() << 3)); put(p, (uint8_t)(pick(4) << 6 | gpr() << 3 | gpr()));
        put32(p, value());
        break;
    case 11: put(p, 0x0f); put(p, 0xaf); mem_operand(p, gpr()); break;        /* IMUL r, [m] */
    case 12: put(p, 0x8a); mem_operand(p, breg()); break;                     /* MOV r8, [m] */
    case 13: put(p, 0x88); mem_store(p, (int)pick(8)); break;                 /* MOV [m], r8 */
    case 14: put(p, 0x66); put(p, pick(2) ? 0x8b : 0x89); mem_store(p, gpr()); break;  /* 16-bit */
    case 15: put(p, 0xc6); mem_store(p, 0); put(p, (uint8_t)value()); break;
    case 16: put(p, 0x66); put(p, 0xc7); mem_store(p, 0); put(p, (uint8_t)value()); put(p, (uint8_t)value()); break;
    case 17: put(p, 0x0f); put(p, (uint8_t)(0x40 + pick(16))); mem_operand(p, gpr()); break;  /* CMOVcc r, [m] */
    case 0: put(p, (uint8_t)(0xb8 + R_ESI)); put32(p, data_base + pick(3900)); break;
    case 1: put(p, 0x8b); mem_operand(p, gpr()); break;                       /* MOV r, [m] */
    case 2: put(p, 0x89); mem_store(p, gpr()); break;                         /* MOV [m], r */
    case 3: put(p, 0xc7); mem_store(p, 0); put32(p, value()); break;          /* MOV [m], imm */
    case 4: put(p, (uint8_t)(pick(8) * 8 + 3)); mem_operand(p, gpr()); break;  /* ALU r, [m] */
    case 5: put(p, 0x39); mem_operand(p, gpr()); break;                       /* CMP [m], r */
    case 6: put(p, 0x83); mem_operand(p, 7); put(p, (uint8_t)value()); break; /* CMP [m], ib */
    default: put(p, 0x64); put(p, 0x8b); mem_operand(p, gpr()); break;        /* FS: MOV r, [m] */
    }
}

/* A REP string instruction (MOVS STOS LODS CMPS SCAS at every size, either
 * direction) over up to 199 elements inside the data area: slices end in
 * the middle of it, where both engines must stop alike. */
static void gen_rep(struct prog *p)
{
    static const uint8_t ops[] = { 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad, 0xa6, 0xa7, 0xae, 0xaf };
    uint8_t op = ops[pick(sizeof ops)];
    uint32_t n = pick(200), size = (op & 1) ? 4 : 1;
    int down = (int)pick(3) == 0, wide = (op & 1) && pick(3) == 0;
    if (wide) size = 2;
    uint32_t span = n * size, lo = span + 4, hi = 4096 - span - 4;
    put(p, (uint8_t)(0xb8 + R_ESI)); put32(p, DATA + (down ? lo + pick(4096 - lo - 4) : pick(hi)));
    put(p, (uint8_t)(0xb8 + R_EDI)); put32(p, DATA + (down ? lo + pick(4096 - lo - 4) : pick(hi)));
    put(p, 0xb9); put32(p, n);
    if (down) put(p, 0xfd);                                     /* STD */
    if (wide) put(p, 0x66);
    put(p, (op & 0xf6) == 0xa6 && pick(2) ? 0xf2 : 0xf3);      /* REPNE only for CMPS/SCAS */
    put(p, op);
    if (down) put(p, 0xfc);                                     /* CLD */
}

static void gen_alu(struct prog *p)
{
    int op = (int)pick(8), form = (int)pick(6);
    switch (form) {
    case 0: put(p, (uint8_t)(op * 8 + 1)); put(p, modrm_rr(gpr(), gpr())); break;       /* Ev, Gv */
    case 1: put(p, (uint8_t)(op * 8 + 3)); put(p, modrm_rr(gpr(), gpr())); break;       /* Gv, Ev */
    case 2: put(p, 0x83); put(p, modrm_rr(op, gpr())); put(p, (uint8_t)value()); break;
    case 3: put(p, 0x81); put(p, modrm_rr(op, gpr())); put32(p, value()); break;
    case 4: put(p, (uint8_t)(op * 8 + 5)); put32(p, value()); break;                   /* eAX, Iv */
    default: put(p, (uint8_t)(op * 8 + 1)); mem_store(p, gpr()); break;                 /* [m], Gv */
    }
}

/* 8- and 16-bit arithmetic on registers, and TEST at every size */
static void gen_narrow(struct prog *p)
{
    int op = (int)pick(8);
    switch (pick(7)) {
    case 0: put(p, (uint8_t)(op * 8 + (pick(2) ? 0 : 2))); put(p, modrm_rr(breg(), breg())); break;
    case 1: put(p, 0x66); put(p, (uint8_t)(op * 8 + 1 + 2 * pick(2))); put(p, modrm_rr(gpr(), gpr())); break;
    case 2: if (!keep_ecx) { put(p, (uint8_t)(op * 8 + 4)); put(p, (uint8_t)value()); } break;   /* AL, ib */
    case 3: put(p, 0x80); put(p, modrm_rr(op, breg())); put(p, (uint8_t)value()); break;
    case 4: put(p, 0x66); put(p, 0x83); put(p, modrm_rr(op, gpr())); put(p, (uint8_t)value()); break;
    case 5: if (pick(3)) put(p, 0x66); put(p, pick(2) ? 0x85 : 0x84); put(p, modrm_rr((int)pick(8), (int)pick(8))); break;
    default:
        if (pick(2)) { put(p, 0xa8); put(p, (uint8_t)value()); }
        else { put(p, 0xa9); put32(p, value()); }
    }
}

static void gen_misc(struct prog *p)
{
    static const uint8_t flag_ops[] = { 0xf5, 0xf8, 0xf9 };        /* CMC CLC STC */
    switch (pick(11)) {
    case 9: put(p, 0x0f); put(p, 0xaf); put(p, modrm_rr(gpr(), gpr())); break;                 /* IMUL r, r */
    case 10:
        switch (pick(8)) {
        case 0: case 1: put(p, 0x0f); put(p, (uint8_t)(0xb6 + pick(2) + 8 * pick(2))); put(p, modrm_rr(gpr(), (int)pick(8))); break;
        case 2:                                                      /* BT/BTS/BTR/BTC r, r (16 or 32 bits) */
            if (pick(3) == 0) put(p, 0x66);
            put(p, 0x0f); put(p, (uint8_t)(0xa3 + 8 * pick(4))); put(p, modrm_rr((int)pick(8), gpr()));
            break;
        case 3:                                                      /* BT* r, imm8 or [m], imm8 */
            if (pick(3) == 0) put(p, 0x66);
            put(p, 0x0f); put(p, 0xba);
            if (pick(2)) put(p, modrm_rr(4 + (int)pick(4), gpr())); else mem_store(p, 4 + (int)pick(4));
            put(p, (uint8_t)pick(256));
            break;
        case 6:
            switch (pick(4)) {
            case 0: put(p, 0x0f); put(p, (uint8_t)(0xc8 + gpr())); break;                      /* BSWAP */
            case 1:                                                  /* SHLD/SHRD r, r, imm8 or [m], r, imm8 */
                put(p, 0x0f); put(p, pick(2) ? 0xa4 : 0xac);
                if (pick(3)) put(p, modrm_rr((int)pick(8), gpr())); else mem_store(p, (int)pick(8));
                put(p, (uint8_t)pick(40));
                break;
            case 2:                                                  /* SHLD/SHRD r, r, CL */
                if (keep_ecx) break;
                put(p, 0x0f); put(p, pick(2) ? 0xa5 : 0xad); put(p, modrm_rr((int)pick(8), gpr()));
                break;
            default:                                                 /* BSF/BSR r, r (16 or 32 bits) */
                if (pick(3) == 0) put(p, 0x66);
                put(p, 0x0f); put(p, pick(2) ? 0xbc : 0xbd); put(p, modrm_rr(gpr(), (int)pick(8)));
                break;
            }
            break;
        case 4:                                                      /* MUL/IMUL r (16 or 32 bits) */
            if (pick(3) == 0) put(p, 0x66);
            put(p, 0xf7); put(p, modrm_rr(4 + (int)pick(2), (int)pick(8)));
            break;
        case 5: {                                                    /* DIV EBX (or BX) that cannot fault */
            int w16 = (int)pick(2);
            if (w16) put(p, 0x66);
            put(p, 0x31); put(p, 0xd2);                              /* XOR EDX, EDX */
            if (w16) put(p, 0x66);
            put(p, 0x83); put(p, 0xcb); put(p, 1);                   /* OR EBX, 1 */
            if (w16) put(p, 0x66);
            put(p, 0xf7); put(p, 0xf3);
            break;
        }
        default: put(p, 0x55); put(p, 0x89); put(p, 0xe5); put(p, 0xc9); break;   /* PUSH EBP; MOV EBP, ESP; LEAVE */
        }
        break;
    case 0: put(p, (uint8_t)(0x40 + gpr())); break;                  /* INC */
    case 1: put(p, (uint8_t)(0x48 + gpr())); break;                  /* DEC */
    case 2: put(p, 0x89); put(p, modrm_rr(gpr(), gpr())); break;
    case 3: put(p, (uint8_t)(0xb8 + gpr())); put32(p, value()); break;
    case 4:                                                          /* shifts and rotates */
        switch (pick(6)) {
        case 0: case 1: put(p, 0xc1); put(p, modrm_rr((int)pick(8), gpr())); put(p, (uint8_t)pick(40)); break;
        case 2: put(p, 0xd1); put(p, modrm_rr((int)pick(8), gpr())); break;
        case 3: if (!keep_ecx) { put(p, 0xd3); put(p, modrm_rr((int)pick(8), gpr())); } break;     /* by CL */
        case 4:                                                      /* 8 and 16 bits */
            if (pick(2)) { put(p, 0x66); put(p, 0xc1); put(p, modrm_rr((int)pick(8), gpr())); }
            else { put(p, 0xc0); put(p, modrm_rr((int)pick(8), breg())); }
            put(p, (uint8_t)pick(20));
            break;
        default: put(p, pick(2) ? 0xc1 : 0xc0); mem_store(p, (int)pick(8)); put(p, (uint8_t)pick(36)); break;
        }
        break;
    case 5:                                                          /* CMC CLC STC; LAHF; PUSHF, POP */
        if (pick(2)) put(p, flag_ops[pick(3)]);
        else if (pick(2)) { if (!keep_ecx) put(p, 0x9f); }
        else { put(p, 0x9c); put(p, (uint8_t)(0x58 + gpr())); }
        break;
    case 6: put(p, 0x0f); put(p, (uint8_t)(0x90 + pick(16))); put(p, modrm_rr(0, breg())); break;  /* SETcc */
    case 7: put(p, 0x0f); put(p, (uint8_t)(0x40 + pick(16))); put(p, modrm_rr(gpr(), gpr())); break;   /* CMOVcc */
    default:                                                         /* PUSH then POP */
        if (pick(4)) {
            put(p, (uint8_t)(0x50 + pick(8)));
            put(p, (uint8_t)(0x58 + gpr()));
        } else {
            put(p, 0x54);                   /* PUSH ESP; POP ESP: ESP comes back */
            put(p, 0x5c);
        }
    }
}

static void gen_skip(struct prog *p, int depth);
void gen_one(struct prog *p, int depth)
{
    uint32_t k = pick(12);
    if (k < 4) gen_alu(p);
    else if (k < 5) gen_narrow(p);
    else if (k < 8) gen_misc(p);
    else if (k < 10) { if (!keep_ecx && !pick(8)) gen_rep(p); else gen_mem(p); }
    else if (depth < 2) gen_skip(p, depth + 1);
    else gen_alu(p);
}

/* A forward Jcc (or JMP) over what `body` emits n times; depth is passed
 * through to gen_one bodies (-1: body is not gen_one). */
static void skip_over(struct prog *p, void (*body)(struct prog *), int depth, int n)
{
    int far = (int)pick(2), cc = (int)pick(17);         /* 16: JMP */
    size_t at = p->len;
    if (cc == 16) put(p, far ? 0xe9 : 0xeb);
    else if (far) { put(p, 0x0f); put(p, (uint8_t)(0x80 + cc)); }
    else put(p, (uint8_t)(0x70 + cc));
    size_t hole = p->len;
    if (far) put32(p, 0); else put(p, 0);
    size_t from = p->len;
    for (int k = 0; k < n && room(p); k++) {
        if (body) body(p);
        else gen_one(p, depth);
    }
    uint32_t rel = (uint32_t)(p->len - from);
    if (far) memcpy(&p->b[hole], &rel, 4);              /* test host is x86-64 */
    else if (rel < 128) p->b[hole] = (uint8_t)rel;
    else p->len = at;                                   /* too far for rel8: drop it all */
}
static void gen_skip(struct prog *p, int depth) { skip_over(p, NULL, depth, (int)pick(4)); }
void gen_skip_with(struct prog *p, void (*body)(struct prog *), int n) { skip_over(p, body, 0, n); }

/* An indirect forward jump over a few instructions: JMP EAX, or PUSH and
 * a RET that returns where no CALL was. */
static void gen_jump_indirect(struct prog *p)
{
    int by_ret = (int)pick(2);
    put(p, by_ret ? 0x68 : 0xb8);
    size_t hole = p->len;
    put32(p, 0);
    if (by_ret) put(p, 0xc3);
    else { put(p, 0xff); put(p, 0xe0); }
    for (int n = (int)pick(3); n > 0; n--) gen_one(p, 2);
    uint32_t to = here(p);
    memcpy(&p->b[hole], &to, 4);
}

/* call sub (direct, or through EAX); jmp over; sub: a few instructions;
 * ret (or ret imm16); over: -- or an indirect jump */
void gen_call(struct prog *p)
{
    size_t at = p->len;
    if (!pick(4)) { gen_jump_indirect(p); return; }
    if (pick(3)) { put(p, 0xe8); put32(p, 2); }   /* to sub, past the jmp below */
    else { put(p, 0xb8); put32(p, here(p) + 8); put(p, 0xff); put(p, 0xd0); }   /* mov eax, sub; call eax */
    put(p, 0xeb);
    size_t hole = p->len;
    put(p, 0);
    int n = (int)pick(4);
    for (int k = 0; k < n; k++) gen_one(p, 2);
    if (pick(4)) put(p, 0xc3);
    else { put(p, 0xc2); put(p, (uint8_t)(4 * pick(3))); put(p, 0); }   /* ESP drifts up a little */
    size_t rel = p->len - (hole + 1);
    if (rel < 128) p->b[hole] = (uint8_t)rel;
    else p->len = at;
}

/* mov ecx, n; body; dec ecx; jnz body */
static void loop_of(struct prog *p, uint32_t count, void (*body)(struct prog *), int n)
{
    put(p, 0xb9); put32(p, count);
    size_t top = p->len;
    keep_ecx = 1;
    for (int k = 0; k < n; k++) {
        if (body) body(p);
        else gen_one(p, 1);
    }
    keep_ecx = 0;
    put(p, 0x49);
    int32_t rel = (int32_t)top - (int32_t)(p->len + 2);
    if (rel >= -128) { put(p, 0x75); put(p, (uint8_t)rel); }
    else { put(p, 0x0f); put(p, 0x85); put32(p, (uint32_t)(rel - 4)); }
}
void gen_loop(struct prog *p) { loop_of(p, 1 + pick(5), NULL, 1 + (int)pick(4)); }

void faulting(struct prog *p, const uint8_t *s, size_t n)
{
    put(p, 0xeb); put(p, 1); put(p, (uint8_t)n);
    putn(p, s, n);
}

static void gen_flat_prog(struct prog *p, void (*extra)(struct prog *), uint32_t extra_in_20)
{
    p->len = 0;
    for (int k = 0; k < PROG_INSNS && room(p); k++) {
        uint32_t k = pick(20);
        if (k == 0) gen_loop(p);
        else if (k == 1) gen_call(p);
        else if (k < 2 + extra_in_20) extra(p);
        else gen_one(p, 0);
    }
}

static void flat_start(struct rig *r, struct prog *p)
{
    struct cpu *c = &r->cpu;
    rig_clear(r);
    flat32_tables(&r->pm);
    flat32_enter(c);
    for (int k = 0; k < 8; k++) c->reg[k] = value();
    c->reg[R_ESP] = STACK_TOP;
    c->eip = CODE;
    c->eflags = (rnd() & F_ARITH) | 2;
    c->lf_op = LF_NONE;
    cpu_update_mode(c);
    for (uint32_t k = 0; k < 4096; k++) r->pm.ram[DATA + k] = (uint8_t)rnd();
    p->base = CODE;
    p->code16 = 0;
    data_base = DATA;
}

/* Data segments (and SS) with bases other than 0, for half the flat
 * programs (a quarter of those with 1 MiB limits): the address arithmetic
 * must add the base and check the limit. */
static void shifted_segments(struct cpu *c)
{
    int small = !pick(4);
    for (int s = 0; s < 6; s++) {
        if (s == S_CS) continue;
        c->seg[s].base = 16 * pick(0x80);
        c->seg[s].limit = small ? 0xfffff : 0xffffffffu;
        c->seg[s].flags = small ? 0x4093 : 0xc093;
    }
}

static void build_flat(struct rig *r, struct prog *p)
{
    flat_start(r, p);
    if (pick(2)) shifted_segments(&r->cpu);
    gen_flat_prog(p, NULL, 0);
    put(p, 0xf4);
    load_prog(r, p, CODE);
}

/* ---- self-modifying code ----
 * Sites are instructions whose immediate (or ALU operation) any value
 * keeps valid; stores aimed at them are emitted with a hole, filled once
 * the whole program (and so every site, behind or ahead) is known. */
#define MAX_SITES 64
struct site { uint32_t at; int len, alu; };
static struct site site[MAX_SITES];
static int nsites;
/* size 1 or 4 bytes, -1 an ALU opcode; pair: the hole of a same-value
 * store's second half; to: a site index, or -1 for any */
struct store { size_t hole, pair; int size, to; };
static struct store store[256];
static int nstores;

static void add_site(struct prog *p, int len, int alu)
{
    if (nsites < MAX_SITES) site[nsites++] = (struct site){ here(p), len, alu };
}
static void add_store(struct prog *p, int size, int to)
{
    store[nstores++] = (struct store){ p->len, 0, size, to };
    put32(p, 0);
}
static void gen_site(struct prog *p)
{
    int r = gpr();
    switch (pick(3)) {
    case 0: put(p, (uint8_t)(0xb8 + r)); add_site(p, 4, 0); put32(p, value()); break;   /* MOV r, imm32 */
    case 1: put(p, 0x83); put(p, modrm_rr((int)pick(8), r)); add_site(p, 1, 0); put(p, (uint8_t)rnd()); break;
    default: add_site(p, 1, 1); put(p, (uint8_t)(pick(8) * 8 + 1)); put(p, modrm_rr(gpr(), r)); break;
    }
}
/* A store into code: immediate bytes, an ALU operation, the same value, or
 * the running instruction's own immediate. */
static void gen_smc_store_to(struct prog *p, int to)
{
    if (nstores >= 256) return;
    switch (pick(7)) {
    case 6:                                                 /* mov edi, site; mov ecx, 1; rep stosb */
        if (keep_ecx) return;
        put(p, 0xbf); add_store(p, 1, to);
        put(p, 0xb9); put32(p, 1); put(p, 0xfc); put(p, 0xf3); put(p, 0xaa);
        return;
    case 0: put(p, 0xc7); put(p, 0x05); put32(p, here(p) + 4); put32(p, value()); return;  /* own imm32 */
    case 1:                                                 /* the same byte back (AL) */
        put(p, 0x8a); put(p, 0x05); add_store(p, 1, to);
        put(p, 0x88); put(p, 0x05); store[nstores - 1].pair = p->len; put32(p, 0);
        return;
    case 2: put(p, 0xc6); put(p, 0x05); add_store(p, 1, to); put(p, (uint8_t)rnd()); return;
    case 3: put(p, 0x80); put(p, 0x05); add_store(p, 1, to); put(p, 1); return;     /* ADD byte */
    case 4: put(p, 0x89); put(p, (uint8_t)(gpr() << 3 | 5)); add_store(p, 4, to); return;
    default: put(p, 0xc6); put(p, 0x05); add_store(p, -1, to); put(p, (uint8_t)(pick(8) * 8 + 1)); return;
    }
}
static void gen_smc_store(struct prog *p)
{
    gen_smc_store_to(p, -1);
}
/* A loop whose body rewrites its own first instruction: the block that
 * chained to itself is the one written. */
static int loop_site, loop_part;
static void smc_loop_body(struct prog *p)
{
    if (!loop_part++) { loop_site = nsites; gen_site(p); }
    else if (pick(2)) gen_smc_store_to(p, loop_site < nsites ? loop_site : -1);
    else gen_one(p, 1);
}
static void gen_smc(struct prog *p)
{
    switch (pick(4)) {
    case 0: gen_site(p); break;
    case 1: gen_smc_store(p); break;
    case 2: loop_part = 0; loop_of(p, 2 + pick(6), smc_loop_body, 3 + (int)pick(3)); break;
    default: gen_skip_with(p, gen_smc_store, 1 + (int)pick(2));
    }
}
/* Aims each store at a site that takes its size: 4-byte stores at MOV
 * imm32 sites, byte stores at any immediate byte, -1 (an ALU opcode) at ALU
 * sites. Stores left without a site write into the data area. */
static void aim_stores(struct prog *p)
{
    for (int k = 0; k < nstores; k++) {
        uint32_t to = DATA + pick(4000);
        for (int tries = 0; tries < 8 && nsites; tries++) {
            int s = store[k].to >= 0 && !tries ? store[k].to : (int)pick((uint32_t)nsites);
            if (store[k].size == -1 ? site[s].alu : !site[s].alu && site[s].len >= store[k].size) {
                to = site[s].at + (store[k].size == 1 ? pick((uint32_t)site[s].len) : 0);
                break;
            }
        }
        memcpy(&p->b[store[k].hole], &to, 4);
        if (store[k].pair) memcpy(&p->b[store[k].pair], &to, 4);
    }
}

static void build_smc(struct rig *r, struct prog *p)
{
    flat_start(r, p);
    nsites = nstores = 0;
    gen_flat_prog(p, gen_smc, 6);
    put(p, 0xf4);
    aim_stores(p);
    load_prog(r, p, CODE);
}

/* ---- interrupts ---- */
static int irq_cpl;
static void raise_line(struct prog *p)
{
    put(p, 0xb0); put(p, (uint8_t)pick(8)); put(p, 0xe6); put(p, PORT_RAISE);
}
/* A loop body: the program raises the line itself in some iterations
 * (OUT with bit 7 clear), without a branch, so the exit after the OUT is
 * one the loop also takes with no interrupt pending, and runs chained. */
static void irq_loop_body(struct prog *p)
{
    switch (pick(8)) {
    case 0: case 2:
        if (pick(4)) {                          /* mov eax,ecx; shl al,k; and al,80h; or al,v; out */
            putn(p, (const uint8_t[]){ 0x89, 0xc8, 0xc0, 0xe0, (uint8_t)(5 + pick(3)), 0x24, 0x80, 0x0c }, 8);
            put(p, (uint8_t)pick(8)); put(p, 0xe6); put(p, PORT_RAISE);
        } else raise_line(p);
        break;
    case 1: put(p, pick(2) ? 0xfa : 0xfb); break;
    default: gen_one(p, 1);
    }
}
/* A long REP MOVS/STOS in the data area: interrupts arrive in its middle. */
static void gen_irq_string(struct prog *p)
{
    int size = 1 << pick(3), df = (int)pick(2);
    uint32_t count = 1 + pick(0x400u / (uint32_t)size), total = count * (uint32_t)size;
    uint32_t lo = DATA + (df ? total - (uint32_t)size : 0), span = 0x1000 - total;
    put(p, df ? 0xfd : 0xfc);
    put(p, 0xb9); put32(p, count);
    put(p, 0xbe); put32(p, lo + pick(span + 1));
    put(p, 0xbf); put32(p, lo + pick(span + 1));
    if (size == 2) put(p, 0x66);
    put(p, 0xf3);
    put(p, (uint8_t)((pick(2) ? 0xa4 : 0xaa) + (size > 1)));
    put(p, 0xfc);
}

static void gen_irq(struct prog *p)
{
    switch (pick(12)) {
    case 11: gen_irq_string(p); break;
    case 9: case 10: loop_of(p, 8 + pick(120), irq_loop_body, 2 + (int)pick(4)); break;
    case 0: put(p, pick(2) ? 0xfa : 0xfb); break;                           /* CLI / STI */
    case 1: putn(p, (const uint8_t[]){ 0x9c, 0x81, 0x34, 0x24, 0, 2, 0, 0, 0x9d }, 9); break;  /* flip IF by POPF */
    case 2: if (!irq_cpl) putn(p, (const uint8_t[]){ 0xfb, 0xf4 }, 2); break;  /* STI; HLT */
    case 3: putn(p, (const uint8_t[]){ 0x16, 0x17 }, 2); gen_one(p, 2); break;    /* POP SS shadow */
    case 4: putn(p, (const uint8_t[]){ 0x8c, 0xd0, 0x8e, 0xd0 }, 4); gen_one(p, 2); break;  /* MOV SS */
    case 5: put(p, 0xfb); gen_one(p, 2); break;                             /* STI shadow */
    case 6: raise_line(p); break;
    case 7: {                                                               /* IRET to the next insn */
        uint32_t next = here(p) + 8;
        put(p, 0x9c); put(p, 0x0e); put(p, 0x68); put32(p, next); put(p, 0xcf);
        break;
    }
    default: loop_of(p, 8 + pick(120), NULL, 1 + (int)pick(4));          /* long, chained */
    }
}

static void build_irq(struct rig *r, struct prog *p)
{
    rig_clear(r);
    irq_cpl = pick(3) ? 0 : 3;
    sys_enter(r, irq_cpl);
    struct cpu *c = &r->cpu;
    for (int k = 0; k < 8; k++) if (k != R_ESP) c->reg[k] = value();
    c->eflags = (rnd() & F_ARITH) | 2 | F_IF | (irq_cpl ? F_IOPL : 0);
    for (uint32_t k = 0; k < 4096; k++) r->pm.ram[DATA + k] = (uint8_t)rnd();
    p->base = CODE;
    p->code16 = 0;
    data_base = DATA;
    gen_flat_prog(p, gen_irq, 5);
    if (irq_cpl) { put(p, 0xcd); put(p, 0x31); }
    else put(p, 0xf4);
    load_prog(r, p, CODE);
}

/* ---- comparison ---- */

static int failed, passed;
static int verbose;             /* --verbose: the interpreter's state after every slice, the program */

static int fpu_same(const struct fpu *x, const struct fpu *y, char *what, size_t n)
{
    for (int k = 0; k < 8; k++)
        if (x->st[k].sig != y->st[k].sig || x->st[k].se != y->st[k].se) {
            snprintf(what, n, "fpu R%d %04x:%016llx vs %04x:%016llx", k, x->st[k].se,
                     (unsigned long long)x->st[k].sig, y->st[k].se, (unsigned long long)y->st[k].sig);
            return 0;
        }
#define F(f) if (x->f != y->f) { snprintf(what, n, "fpu " #f " %x vs %x", (unsigned)x->f, (unsigned)y->f); return 0; }
    F(cw) F(sw) F(tw) F(top) F(fop) F(fip) F(fdp) F(fcs) F(fds) F(mxcsr)
#undef F
    return 1;
}

static int seg_same(const struct cpu *x, const struct cpu *y, char *what, size_t n)
{
    static const char name[] = "ECSDFG";
    for (int s = 0; s < 6; s++) {
        const struct seg *a = &x->seg[s], *b = &y->seg[s];
        if (a->sel != b->sel || a->base != b->base || a->limit != b->limit || a->flags != b->flags
            || a->valid != b->valid || a->rw != b->rw) {
            snprintf(what, n, "%cS %04x base %08x limit %08x flags %04x vs %04x %08x %08x %04x", name[s],
                     a->sel, a->base, a->limit, a->flags, b->sel, b->base, b->limit, b->flags);
            return 0;
        }
    }
    return 1;
}

/* The first differing field, in what; 1 when all agree. */
static int same(struct rig *a, struct rig *b, char *what, size_t n)
{
    struct cpu *x = &a->cpu, *y = &b->cpu;
#define CMP(cond, ...) if (cond) { snprintf(what, n, __VA_ARGS__); return 0; }
    for (int r = 0; r < 8; r++)
        CMP(x->reg[r] != y->reg[r], "r%d %08x vs %08x", r, x->reg[r], y->reg[r])
    CMP(x->eip != y->eip, "eip %08x vs %08x", x->eip, y->eip)
    CMP(cpu_get_eflags(x) != cpu_get_eflags(y), "eflags %08x vs %08x", cpu_get_eflags(x), cpu_get_eflags(y))
    if (!seg_same(x, y, what, n)) return 0;
    CMP(x->cr0 != y->cr0, "cr0 %08x vs %08x", x->cr0, y->cr0)
    CMP(x->cr2 != y->cr2, "cr2 %08x vs %08x", x->cr2, y->cr2)
    CMP(x->cr3 != y->cr3, "cr3 %08x vs %08x", x->cr3, y->cr3)
    CMP(x->cr4 != y->cr4, "cr4 %08x vs %08x", x->cr4, y->cr4)
    CMP(x->budget != y->budget, "budget %d vs %d", x->budget, y->budget)
    CMP(x->icount != y->icount, "icount %llu vs %llu", (unsigned long long)x->icount, (unsigned long long)y->icount)
    CMP(x->halted != y->halted, "halted %d vs %d", x->halted, y->halted)
    CMP(x->shutdown != y->shutdown, "shutdown %d vs %d", x->shutdown, y->shutdown)
    CMP(x->inhibit_irq != y->inhibit_irq, "interrupt shadow %d vs %d", x->inhibit_irq, y->inhibit_irq)
    CMP(x->intr_line != y->intr_line, "intr line %d vs %d", x->intr_line, y->intr_line)
    if (!fpu_same(&x->fpu, &y->fpu, what, n)) return 0;
    if (memcmp(a->pm.ram, b->pm.ram, RAM)) {
        uint32_t k = 0;
        while (a->pm.ram[k] == b->pm.ram[k]) k++;
        CMP(1, "ram[%05x] %02x vs %02x", k, a->pm.ram[k], b->pm.ram[k])
    }
#undef CMP
    return 1;
}

static void dump(const struct prog *p)
{
    printf("  program (%zu bytes at %08x; xxd -r -p | objdump -D -b binary -m i386%s --adjust-vma=0x%x):\n",
           p->len, p->base, p->code16 ? " -M i8086" : "", p->code16 ? p->base & 0xffff : p->base);
    for (size_t k = 0; k < p->len; k += 32) {
        printf("  ");
        for (size_t j = k; j < k + 32 && j < p->len; j++) printf("%02x", p->b[j]);
        printf("\n");
    }
}

/* ---- the run ---- */

struct mode {
    const char *name;
    void (*build)(struct rig *r, struct prog *p);
    int programs;               /* in the default run */
    int irq;                    /* raise INTR between slices */
};
static const struct mode modes[] = {
    { "flat", build_flat, 1200, 0 },
    { "smc", build_smc, 500, 0 },
    { "irq", build_irq, 350, 1 },
    { "paging", build_paging, 500, 0 },
    { "string", build_string, 400, 0 },
    { "real", build_real, 500, 1 },
    { "pm16", build_pm16, 300, 0 },
    { "v86", build_v86, 300, 0 },
    { "switch", build_modeswitch, 300, 0 },
    { "x87", build_x87, 600, 0 },
};

/* What a mode's programs did, to see that they do what the mode is for. */
struct tally { int at_end, in_stub, other; uint64_t insns, faults, skips, irqs; int vec[256]; };

static uint64_t icount0;
static void tally_end(struct tally *t, const struct rig *r, const struct prog *p)
{
    const struct cpu *c = &r->cpu;
    uint32_t lin = c->seg[S_CS].base + c->eip;
    if (lin == p->base + p->len || lin == FLAT32_STUBS + 0x32) t->at_end++;   /* HLT, or ring 3's INT 31h */
    else if (lin > FLAT32_STUBS && lin <= FLAT32_STUBS + 256) { t->in_stub++; t->vec[lin - FLAT32_STUBS - 1]++; }
    else t->other++;
    t->insns += c->icount - icount0;
    t->faults += ld32le(r->pm.ram + LOG_FAULTS);
    t->skips += ld32le(r->pm.ram + LOG_SKIPS);
    t->irqs += ld32le(r->pm.ram + LOG_IRQS);
}

static uint64_t mix(uint64_t s)
{
    s += 0x9e3779b97f4a7c15ull;
    s = (s ^ (s >> 30)) * 0xbf58476d1ce4e5b9ull;
    s = (s ^ (s >> 27)) * 0x94d049bb133111ebull;
    s ^= s >> 31;
    return s ? s : 1;
}

/* Done when halted at the program's end, in a stub (an exception the
 * mode does not handle), with interrupts off, or shut down. */
static int finished(const struct rig *r, const struct prog *p, const struct mode *m)
{
    const struct cpu *c = &r->cpu;
    if (c->shutdown) return 1;
    if (!c->halted) return 0;
    uint32_t lin = c->seg[S_CS].base + c->eip;
    return !m->irq || lin == p->base + p->len || !(c->eflags & F_IF) || (lin > FLAT32_STUBS && lin <= FLAT32_STUBS + 256);
}

static int run_case(struct rig *interp, struct rig *jit, const struct mode *m, uint64_t seed, struct tally *t)
{
    static struct prog p, q;
    rng = mix(seed);
    m->build(interp, &p);
    icount0 = interp->cpu.icount;
    if (verbose) dump(&p);
    rng = mix(seed);
    m->build(jit, &q);
    rng = mix(seed ^ 0x5151);
    for (int slice = 0; slice < 5000; slice++) {
        int32_t budget = 1 + (int32_t)pick(pick(4) ? 60 : pick(2) ? 3 : 400);
        if (m->irq && (!pick(4) || interp->cpu.halted)) {
            int v = 0x40 + (int)pick(8);
            interp->vector = jit->vector = v;
            interp->cpu.intr_line = jit->cpu.intr_line = 1;
        }
        cpu_run(&interp->cpu, budget);
        cpu_run(&jit->cpu, budget);
        if (verbose) {
            const struct cpu *c = &interp->cpu;
            printf("slice %d budget %d: eip %08x icount %llu halted %d cr2 %08x faults %u skips %u (err %x) irqs %u\n", slice,
                   budget, c->eip, (unsigned long long)c->icount, c->halted, c->cr2, ld32le(interp->pm.ram + LOG_FAULTS),
                   ld32le(interp->pm.ram + LOG_SKIPS), ld32le(interp->pm.ram + LOG_SKIPS + 4), ld32le(interp->pm.ram + LOG_IRQS));
        }
        char what[160];
        if (!same(interp, jit, what, sizeof what)) {
            if (failed < 10) {
                printf("FAIL mode %s seed %llu slice %d (budget %d): %s\n", m->name, (unsigned long long)seed,
                       slice, budget, what);
                printf("  reproduce: test_jit_diff --mode %s 1 %llu\n", m->name, (unsigned long long)seed);
                for (int r = 0; r < 8; r++)
                    printf("  r%d %08x %08x\n", r, interp->cpu.reg[r], jit->cpu.reg[r]);
                dump(&p);
            }
            return 0;
        }
        if (finished(interp, &p, m)) {
            tally_end(t, interp, &p);
            return 1;
        }
    }
    printf("FAIL mode %s seed %llu: did not halt (eip %08x)\n", m->name, (unsigned long long)seed, interp->cpu.eip);
    dump(&p);
    return 0;
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    for (;;) {
        if (argc > 2 && !strcmp(argv[1], "--mode")) {
            only = argv[2];
            argv += 2;
            argc -= 2;
        } else if (argc > 1 && !strcmp(argv[1], "--verbose")) {
            verbose = 1;
            argv++;
            argc--;
        } else break;
    }
    int programs = argc > 1 ? atoi(argv[1]) : -1;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    if (!jit_available()) {
        printf("SKIP: no translator backend on this host\n");
        return 77;
    }
    static struct rig interp, jit;
    char err[200];
    if (rig_init(&interp) || rig_init(&jit) || jit_attach(&jit.cpu, err, sizeof err) < 0) {
        fprintf(stderr, "test_jit_diff: cannot set up the machines\n");
        return 1;
    }
    int ran = 0;
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
        const struct mode *m = &modes[k];
        if (only && strcmp(only, m->name)) continue;
        int n = programs >= 0 ? programs : m->programs, bad = failed;
        struct tally t = { 0 };
        for (int j = 0; j < n; j++) {
            if (run_case(&interp, &jit, m, seed + (uint64_t)j, &t)) passed++;
            else failed++;
        }
        printf("%-7s %d programs, %d failed; ended %d at the end, %d in a stub, %d elsewhere; "
               "%llu instructions, %llu #PF fixed, %llu faults skipped, %llu interrupts\n", m->name, n,
               failed - bad, t.at_end, t.in_stub, t.other, (unsigned long long)t.insns, (unsigned long long)t.faults,
               (unsigned long long)t.skips, (unsigned long long)t.irqs);
        if (verbose)
            for (int v = 0; v < 256; v++)
                if (t.vec[v]) printf("  vector %#x: %d\n", v, t.vec[v]);
        ran++;
    }
    if (!ran) {
        fprintf(stderr, "test_jit_diff: no mode %s\n", only);
        return 1;
    }
    jit_detach(&jit.cpu);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
