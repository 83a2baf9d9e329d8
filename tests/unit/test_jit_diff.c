/* Differential test of the translator against the interpreter: random
 * 32-bit programs (register and memory arithmetic in all sizes, shifts,
 * INC/DEC, moves, pushes and pops, flag instructions, SETcc/CMOVcc,
 * forward conditional jumps, counted loops, REP string instructions) run on two identical
 * machines, one per engine, in slices of random length; after every slice
 * the registers, EIP, EFLAGS (materialised), budget, instruction count,
 * halt state and the data and stack memory must be identical.
 *
 *   test_jit_diff [PROGRAMS [SEED]]     final line: N passed, N failed */
#include "cpu/exec.h"
#include "jit/jit.h"
#include "flat32.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM (1u << 20)
#define CODE 0x10000u
#define DATA 0x20000u           /* 4 KiB the programs read and write */
#define STACK_TOP 0x40000u
#define STACK_BYTES 0x8000u
#define PROG_INSNS 160

struct rig {
    struct physmem pm;
    struct iobus io;
    struct cpu cpu;
};

/* ---- a flat 32-bit machine (flat32.h) ---- */

static int rig_init(struct rig *r)
{
    if (phys_init(&r->pm, RAM) || io_init(&r->io) || cpu_init(&r->cpu, &r->pm, &r->io))
        return -1;
    flat32_tables(&r->pm);
    return 0;
}

static void rig_start(struct rig *r, const uint8_t *code, size_t len, const uint32_t regs[8], uint32_t flags,
                      const uint8_t *data)
{
    struct cpu *c = &r->cpu;
    flat32_enter(c);
    memcpy(c->reg, regs, sizeof c->reg);
    c->reg[R_ESP] = STACK_TOP;
    c->eip = CODE;
    c->eflags = (flags & F_ARITH) | 2;
    c->lf_op = LF_NONE;
    cpu_update_mode(c);
    phys_load(&r->pm, CODE, code, len);
    phys_load(&r->pm, DATA, data, 4096);
    static const uint8_t zero[STACK_BYTES];
    phys_load(&r->pm, STACK_TOP - STACK_BYTES, zero, sizeof zero);
}

/* ---- random programs ---- */

static uint64_t rng;
static uint32_t rnd(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static uint32_t pick(uint32_t n) { return rnd() % n; }

struct prog {
    uint8_t b[PROG_INSNS * 16 + 64];
    size_t len;
};

static void put(struct prog *p, uint8_t v) { p->b[p->len++] = v; }
static void put32(struct prog *p, uint32_t v) { for (int k = 0; k < 4; k++) put(p, (uint8_t)(v >> (8 * k))); }

/* Set while generating a loop body, whose counter ECX must survive. */
static int keep_ecx;

/* A register operand that is not ESP (the stack stays where it is), nor
 * ECX in a loop body. */
static int gpr(void)
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
static uint32_t value(void)
{
    static const uint32_t edge[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                                     0x80000000u, 0xffffffffu, 0xfffffffeu };
    return pick(3) ? rnd() ^ (rnd() << 16) : edge[pick(sizeof edge / sizeof edge[0])];
}
static uint8_t modrm_rr(int reg, int rm) { return (uint8_t)(0xc0 | reg << 3 | rm); }
/* A memory operand: [disp32] inside the data area (aligned or not, now and
 * then across its last page boundary), or for reads [esi + disp8], ESI
 * being set to the data area before (and left to chance after other
 * instructions: writes there could land in the program itself). */
static void mem_operand_rw(struct prog *p, int reg, int write)
{
    if (write || pick(3)) {
        put(p, (uint8_t)(reg << 3 | 5));
        put32(p, pick(8) ? DATA + pick(4096 - 4) : DATA + 4093 + pick(3));
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
    case 0: put(p, (uint8_t)(0xb8 + R_ESI)); put32(p, DATA + pick(3900)); break;
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
    case 10: put(p, 0x0f); put(p, (uint8_t)(0xb6 + pick(2) + 8 * pick(2))); put(p, modrm_rr(gpr(), (int)pick(8))); break;
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
    case 5: put(p, flag_ops[pick(3)]); break;
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

/* A forward Jcc (or JMP) over the next few instructions. */
static void gen_skip(struct prog *p, int depth);
static void gen_one(struct prog *p, int depth)
{
    uint32_t k = pick(12);
    if (k < 4) gen_alu(p);
    else if (k < 5) gen_narrow(p);
    else if (k < 8) gen_misc(p);
    else if (k < 10) { if (!keep_ecx && !pick(8)) gen_rep(p); else gen_mem(p); }
    else if (depth < 2) gen_skip(p, depth + 1);
    else gen_alu(p);
}

static void gen_skip(struct prog *p, int depth)
{
    int far = (int)pick(2), cc = (int)pick(17);         /* 16: JMP */
    size_t at = p->len;
    if (cc == 16) put(p, far ? 0xe9 : 0xeb);
    else if (far) { put(p, 0x0f); put(p, (uint8_t)(0x80 + cc)); }
    else put(p, (uint8_t)(0x70 + cc));
    size_t hole = p->len;
    if (far) put32(p, 0); else put(p, 0);
    size_t from = p->len;
    int n = (int)pick(4);
    for (int k = 0; k < n; k++) gen_one(p, depth);
    uint32_t rel = (uint32_t)(p->len - from);
    if (far) memcpy(&p->b[hole], &rel, 4);              /* test host is x86-64 */
    else if (rel < 128) p->b[hole] = (uint8_t)rel;
    else p->len = at;                                   /* too far for rel8: drop it all */
}

/* call sub; jmp over; sub: a few instructions; ret (or ret 0); over: */
static void gen_call(struct prog *p)
{
    size_t at = p->len;
    put(p, 0xe8); put32(p, 2);                  /* to sub, past the jmp below */
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
static void gen_loop(struct prog *p)
{
    put(p, 0xb9); put32(p, 1 + pick(5));
    size_t top = p->len;
    int n = 1 + (int)pick(4);
    keep_ecx = 1;
    for (int k = 0; k < n; k++)
        gen_one(p, 1);
    keep_ecx = 0;
    put(p, 0x49);
    int32_t rel = (int32_t)top - (int32_t)(p->len + 2);
    if (rel >= -128) { put(p, 0x75); put(p, (uint8_t)rel); }
    else { put(p, 0x0f); put(p, 0x85); put32(p, (uint32_t)(rel - 4)); }
}

static void gen_prog(struct prog *p)
{
    p->len = 0;
    for (int k = 0; k < PROG_INSNS && p->len < sizeof p->b - 64; k++) {
        uint32_t k = pick(20);
        if (k == 0) gen_loop(p);
        else if (k == 1) gen_call(p);
        else gen_one(p, 0);
    }
    put(p, 0xf4);                               /* HLT */
}

/* ---- comparison ---- */

static int failed, passed;

static int same(struct rig *a, struct rig *b, int prog, int slice)
{
    struct cpu *x = &a->cpu, *y = &b->cpu;
    char what[64] = "";
    if (memcmp(x->reg, y->reg, sizeof x->reg)) snprintf(what, sizeof what, "registers");
    else if (x->eip != y->eip) snprintf(what, sizeof what, "eip %08x vs %08x", x->eip, y->eip);
    else if (cpu_get_eflags(x) != cpu_get_eflags(y))
        snprintf(what, sizeof what, "eflags %08x vs %08x", cpu_get_eflags(x), cpu_get_eflags(y));
    else if (x->budget != y->budget) snprintf(what, sizeof what, "budget %d vs %d", x->budget, y->budget);
    else if (x->icount != y->icount) snprintf(what, sizeof what, "icount");
    else if (x->halted != y->halted) snprintf(what, sizeof what, "halted");
    else if (memcmp(a->pm.ram + DATA, b->pm.ram + DATA, 4096)) snprintf(what, sizeof what, "data memory");
    else if (memcmp(a->pm.ram + STACK_TOP - STACK_BYTES, b->pm.ram + STACK_TOP - STACK_BYTES, STACK_BYTES))
        snprintf(what, sizeof what, "stack memory");
    if (!what[0]) return 1;
    if (failed < 10) {
        printf("FAIL program %d slice %d: %s\n", prog, slice, what);
        for (int r = 0; r < 8; r++)
            printf("  r%d %08x %08x\n", r, x->reg[r], y->reg[r]);
    }
    return 0;
}

static int run_prog(struct rig *interp, struct rig *jit, int n)
{
    struct prog p;
    uint32_t regs[8];
    uint8_t data[4096];
    gen_prog(&p);
    for (int r = 0; r < 8; r++) regs[r] = value();
    for (size_t k = 0; k < sizeof data; k++) data[k] = (uint8_t)rnd();
    uint32_t flags = rnd();
    rig_start(interp, p.b, p.len, regs, flags, data);
    rig_start(jit, p.b, p.len, regs, flags, data);
    for (int slice = 0; slice < 5000; slice++) {
        int32_t budget = 1 + (int32_t)pick(pick(4) ? 60 : 3);
        cpu_run(&interp->cpu, budget);
        cpu_run(&jit->cpu, budget);
        if (!same(interp, jit, n, slice)) return 0;
        if (interp->cpu.halted) return 1;
    }
    printf("FAIL program %d: did not halt\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    int programs = argc > 1 ? atoi(argv[1]) : 3000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x9e3779b97f4a7c15ull;
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
    for (int n = 0; n < programs; n++) {
        if (run_prog(&interp, &jit, n)) passed++;
        else failed++;
    }
    jit_detach(&jit.cpu);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
