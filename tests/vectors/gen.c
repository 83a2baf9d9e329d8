/*
 * gen.c - records reference vectors for relic's interpreter from the host CPU.
 *
 * The host is an x86-64 machine that cannot run 32-bit code, so every test is
 * executed in 64-bit mode with encodings that behave exactly as the recorded
 * 32-bit encoding does in a flat 32-bit code segment:
 *   - no REX prefix is ever emitted;
 *   - an instruction with a memory operand (or one that uses eSI/eDI/eCX/eBX
 *     implicitly as an address or counter: strings, XLAT, LOOPcc, JECXZ, MOV
 *     moffs) runs with an extra 0x67 prefix, so its addressing is 32-bit;
 *     the recorded bytes do not contain that 0x67;
 *   - the 32-bit absolute form [disp32] (mod=00 r/m=101) is RIP-relative in
 *     64-bit mode, so it runs as the equivalent SIB form (mod=00 r/m=100,
 *     SIB=0x25, disp32) and is recorded as the short form.
 * Data operands live in a window mapped at the same linear address relic
 * uses (WIN_BASE).  See FORMAT.md for the output format.
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -Werror tests/vectors/gen.c -o /tmp/vecgen -lz
 * Run:   /tmp/vecgen tests/vectors [-v]
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#define WIN_BASE 0x00200000u /* data window: linear address, same for relic */
#define WIN_SIZE 0x00010000u
#define CODE_EIP 0x00100000u /* EIP relic should place the instruction at */

#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_DF 0x400u
#define F_OF 0x800u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define F_KEEP (F_ARITH | F_DF) /* the EFLAGS bits recorded */

#define U_MEM (1u << 8)     /* out_undef: memory window result undefined */
#define U_FPREGS (1u << 9)  /* out_undef: x87 register contents undefined */

#define FC0 0x0100u
#define FC1 0x0200u
#define FC2 0x0400u
#define FC3 0x4000u

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

/* ------------------------------------------------------------------------ */
/* deterministic random numbers (splitmix64)                                 */

static uint64_t rng_state;
static void seed(uint64_t s) { rng_state = s * 0x9E3779B97F4A7C15ull + 12345; }
static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t rnd32(void) { return (uint32_t)(rnd64() >> 32); }
static unsigned rn(unsigned n) { return (unsigned)(((uint64_t)rnd32() * n) >> 32); }
static uint32_t szmask(int sz) { return sz == 32 ? 0xffffffffu : (1u << sz) - 1; }

/* ------------------------------------------------------------------------ */
/* run-time state shared with the trampoline                                 */

struct rstate {
    uint32_t gin[8];   /* 0   */
    uint32_t gout[8];  /* 32  */
    uint64_t efl_in;   /* 64  */
    uint64_t efl_out;  /* 72  */
    uint64_t host_rsp; /* 80  */
    uint64_t code;     /* 88  */
    uint64_t fpu;      /* 96  */
    uint64_t taken;    /* 104 */
    uint8_t fin[112];  /* 112: FRSTOR image (108 bytes, 32-bit format) */
    uint8_t fout[112]; /* 224: FNSAVE image */
};
_Static_assert(offsetof(struct rstate, gout) == 32, "layout");
_Static_assert(offsetof(struct rstate, efl_in) == 64, "layout");
_Static_assert(offsetof(struct rstate, host_rsp) == 80, "layout");
_Static_assert(offsetof(struct rstate, fpu) == 96, "layout");
_Static_assert(offsetof(struct rstate, taken) == 104, "layout");
_Static_assert(offsetof(struct rstate, fin) == 112, "layout");
_Static_assert(offsetof(struct rstate, fout) == 224, "layout");

/*
 * run_tramp(struct rstate *s): loads the FPU image (if s->fpu), EFLAGS and the
 * eight 32-bit GPRs, jumps to s->code.  The test code ends with "jmp *%r14"
 * (41 ff e6), which comes back to .Lback; r15 keeps the state pointer (no
 * test instruction can name r8-r15 since none has a REX prefix).  The host
 * stack is not used between the GPR load and the save, so ESP may hold any
 * value.  DF is cleared before returning to C; FNSAVE leaves the FPU
 * initialised as the ABI wants it.
 */
extern void run_tramp(struct rstate *s);
__asm__(
    ".text\n"
    ".globl run_tramp\n"
    ".type run_tramp,@function\n"
    "run_tramp:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rdi, %r15\n"
    "  mov %rsp, 80(%r15)\n"
    "  lea .Lback(%rip), %r14\n"
    "  cmpq $0, 96(%r15)\n"
    "  je 1f\n"
    "  frstor 112(%r15)\n"
    "1:\n"
    "  pushq 64(%r15)\n"
    "  popfq\n"
    "  mov 88(%r15), %r13\n"
    "  mov 0(%r15), %eax\n"
    "  mov 4(%r15), %ecx\n"
    "  mov 8(%r15), %edx\n"
    "  mov 12(%r15), %ebx\n"
    "  mov 16(%r15), %esp\n"
    "  mov 20(%r15), %ebp\n"
    "  mov 24(%r15), %esi\n"
    "  mov 28(%r15), %edi\n"
    "  jmp *%r13\n"
    ".Lback:\n"
    "  mov %eax, 32(%r15)\n"
    "  mov %ecx, 36(%r15)\n"
    "  mov %edx, 40(%r15)\n"
    "  mov %ebx, 44(%r15)\n"
    "  mov %esp, 48(%r15)\n"
    "  mov %ebp, 52(%r15)\n"
    "  mov %esi, 56(%r15)\n"
    "  mov %edi, 60(%r15)\n"
    "  mov 80(%r15), %rsp\n"
    "  pushfq\n"
    "  popq 72(%r15)\n"
    "  cld\n"
    "  cmpq $0, 96(%r15)\n"
    "  je 2f\n"
    "  fnsave 224(%r15)\n"
    "2:\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n"
    ".size run_tramp, .-run_tramp\n");

static const uint8_t back_stub[3] = {0x41, 0xff, 0xe6};                   /* jmp *%r14 */
static const uint8_t taken_pad[8] = {0x41, 0xc6, 0x47, 104, 1, 0x41, 0xff, 0xe6}; /* movb $1,104(%r15); jmp *%r14 */

/* ------------------------------------------------------------------------ */
/* a test                                                                    */

struct test {
    char name[40];
    uint8_t rec[16]; /* bytes as relic executes them */
    int rlen;
    uint8_t nat[24]; /* bytes run here (a 0x67 prefix is prepended if need67) */
    int nlen;
    int need67;
    uint32_t g[8];
    uint32_t efl;
    uint32_t maddr;
    int mlen;
    uint8_t mem[512];
    uint32_t uflags; /* undefined EFLAGS bits */
    uint32_t uout;   /* undefined outputs (bit i = GPR i, U_MEM, U_FPREGS) */
    int branch;
    int32_t bdisp;
    int fpu;
    uint8_t fimg[108];
    uint16_t swundef;
    int fprem; /* FPREM/FPREM1: C0 C1 C3 undefined when the result has C2=1 */
};

static const uint32_t bg[8] = {0x1a2b3c4du, 0x2c3d4e5fu, 0x3e4f5061u, 0x40516273u,
                               0x52637485u, 0x64758697u, 0x768798a9u, 0x8899aabbu};

static uint32_t rflags(void) { return 2u | (rnd32() & F_KEEP); }

static void tinit(struct test *t, const char *name)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    memcpy(t->g, bg, sizeof bg);
    t->efl = rflags();
}

/* name "mnemonic:form"; 'E' in the form (the ModRM r/m operand) becomes
   "m" for a memory operand and "rm" for a register one */
static void tname(struct test *t, const char *mn, const char *form, int mem)
{
    char f[24];
    int i, j = 0;
    for (i = 0; form[i] && j < 20; i++) {
        if (form[i] == 'E') {
            if (!mem) f[j++] = 'r';
            f[j++] = 'm';
        } else
            f[j++] = form[i];
    }
    f[j] = 0;
    if (f[0])
        snprintf(t->name, sizeof t->name, "%.14s:%s", mn, f);
    else
        snprintf(t->name, sizeof t->name, "%s", mn);
}

static void B(struct test *t, uint8_t b) { t->rec[t->rlen++] = b; t->nat[t->nlen++] = b; }
static void B16(struct test *t, uint32_t v) { B(t, v); B(t, v >> 8); }
static void B32(struct test *t, uint32_t v) { for (int i = 0; i < 4; i++) B(t, v >> (8 * i)); }
static void Bimm(struct test *t, uint32_t v, int sz)
{
    if (sz == 8) B(t, v);
    else if (sz == 16) B16(t, v);
    else B32(t, v);
}
static uint8_t modrm(int mod, int reg, int rm) { return (uint8_t)(mod << 6 | reg << 3 | rm); }
static uint8_t sib(int s, int idx, int base) { return (uint8_t)(s << 6 | idx << 3 | base); }

static unsigned phys(int sz, int r) { return sz == 8 ? (unsigned)(r & 3) : (unsigned)r; }
static void setr(struct test *t, int sz, int r, uint32_t v)
{
    if (sz == 8) {
        if (r < 4) t->g[r] = (t->g[r] & ~0xffu) | (v & 0xff);
        else t->g[r - 4] = (t->g[r - 4] & ~0xff00u) | ((v & 0xff) << 8);
    } else if (sz == 16)
        t->g[r] = (t->g[r] & 0xffff0000u) | (v & 0xffff);
    else
        t->g[r] = v;
}

static void setmem(struct test *t, uint32_t addr, uint64_t v, int len)
{
    t->maddr = addr;
    t->mlen = len;
    for (int i = 0; i < len; i++) t->mem[i] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
}

/* ------------------------------------------------------------------------ */
/* operand values                                                            */

static uint32_t gval(int sz)
{
    uint32_t m = szmask(sz), sb = 1u << (sz - 1);
    static const uint32_t edge[] = {0, 1, 2, 0xffffffffu, 0xfffffffeu, 0x55555555u, 0xaaaaaaaau,
                                    0x0f0f0f0fu, 0xf0f0f0f0u, 0x7fffffffu, 0x80000000u, 0x80000001u};
    switch (rn(12)) {
    case 0: {
        unsigned k = rn(15);
        if (k < 12) return edge[k] & m;
        return (k == 12 ? sb - 1 : k == 13 ? sb : sb + 1) & m;
    }
    case 1: return rn(17) & m;
    case 2: return (sb + rn(5) - 2) & m;
    case 3: return (m - rn(4)) & m;
    case 4: return (1u << rn(sz)) & m;
    case 5: return ~(1u << rn(sz)) & m;
    case 6: return (rnd32() >> rn(sz)) & m;
    default: return rnd32() & m;
    }
}

/* second operand, often related to the first to hit carry/overflow edges */
static uint32_t gpair(int sz, uint32_t a)
{
    uint32_t m = szmask(sz), sb = 1u << (sz - 1);
    switch (rn(12)) {
    case 0: return a;
    case 1: return (0u - a + rn(5) - 2) & m;
    case 2: return (sb - a + rn(5) - 2) & m;
    case 3: return (sb - 1 - a) & m;
    case 4: return (a + rn(3) - 1) & m;
    case 5: return (~a) & m;
    default: return gval(sz);
    }
}

/* ------------------------------------------------------------------------ */
/* memory operands                                                           */

static uint32_t pick_ea(int len)
{
    unsigned k = rn(10);
    if (k == 0 && len > 1) return WIN_BASE + 0x1000u * (1 + rn(14)) - 1 - rn(len - 1);
    uint32_t o = 0x100 + rn(WIN_SIZE - 0x200 - len);
    if (k < 6) {
        uint32_t al = len >= 8 ? 8 : len >= 4 ? 4 : len >= 2 ? 2 : 1;
        o &= ~(al - 1);
    }
    return WIN_BASE + o;
}

struct mop {
    uint8_t rec[8], nat[8];
    int rl, nl;
    unsigned used; /* physical registers used for addressing */
};

static int pickreg(unsigned allowed)
{
    int c = __builtin_popcount(allowed & 0xff);
    if (!c) return -1;
    int k = rn(c);
    for (int r = 0; r < 8; r++)
        if ((allowed >> r & 1) && !k--) return r;
    return -1;
}
static void mb(struct mop *m, uint8_t b) { m->rec[m->rl++] = b; m->nat[m->nl++] = b; }
static void mb32(struct mop *m, uint32_t v) { for (int i = 0; i < 4; i++) mb(m, v >> (8 * i)); }
static uint32_t rindex_val(void)
{
    switch (rn(4)) {
    case 0: return rn(256);
    case 1: return 0u - rn(256);
    case 2: return rn(0x10000);
    default: return rnd32();
    }
}
static uint32_t rdisp32(void)
{
    switch (rn(4)) {
    case 0: case 1: return rn(0x2000) - 0x1000;
    case 2: return 0x80000000u + rn(16) - 8;
    default: return rnd32();
    }
}

/*
 * Plan a 32-bit memory operand with effective address ea.  Base/index
 * registers are taken outside `avoid` and given values so that the address
 * is ea (modulo 2^32: wrap-around is exercised too).  ModRM.reg is left 0.
 */
static void plan_mem(struct test *t, struct mop *m, uint32_t ea, unsigned avoid)
{
    unsigned fr = ~avoid & 0xff;
    for (;;) {
        int b, x, s;
        uint32_t d, vx;
        memset(m, 0, sizeof *m);
        switch (rn(12)) {
        case 0: /* [base] */
            if ((b = pickreg(fr & ~0x30u)) < 0) continue;
            mb(m, modrm(0, 0, b));
            t->g[b] = ea;
            m->used = 1u << b;
            return;
        case 1: /* [base+disp8] */
            if ((b = pickreg(fr & ~0x10u)) < 0) continue;
            d = (uint32_t)(int8_t)rnd32();
            mb(m, modrm(1, 0, b));
            mb(m, d);
            t->g[b] = ea - d;
            m->used = 1u << b;
            return;
        case 2: /* [base+disp32] */
            if ((b = pickreg(fr & ~0x10u)) < 0) continue;
            d = rdisp32();
            mb(m, modrm(2, 0, b));
            mb32(m, d);
            t->g[b] = ea - d;
            m->used = 1u << b;
            return;
        case 3: /* [base+index*s] */
            if ((b = pickreg(fr & ~0x20u)) < 0) continue;
            if ((x = pickreg(fr & ~0x10u & ~(1u << b))) < 0) continue;
            s = rn(4);
            vx = rindex_val();
            mb(m, modrm(0, 0, 4));
            mb(m, sib(s, x, b));
            t->g[x] = vx;
            t->g[b] = ea - (vx << s);
            m->used = 1u << b | 1u << x;
            return;
        case 4: case 5: /* [base+index*s+disp8/32], index may be none */
            if ((b = pickreg(fr)) < 0) continue;
            x = rn(3) == 0 ? 4 : pickreg(fr & ~0x10u & ~(1u << b));
            if (x < 0) continue;
            s = rn(4);
            vx = x == 4 ? 0 : rindex_val();
            mb(m, modrm(rn(2) ? 1 : 2, 0, 4));
            mb(m, sib(s, x, b));
            if (m->rec[0] >> 6 == 1) {
                d = (uint32_t)(int8_t)rnd32();
                mb(m, d);
            } else {
                d = rdisp32();
                mb32(m, d);
            }
            if (x != 4) t->g[x] = vx;
            t->g[b] = ea - d - (vx << s);
            m->used = 1u << b | (x != 4 ? 1u << x : 0);
            return;
        case 6: /* [index*s+disp32], no base */
            if ((x = pickreg(fr & ~0x10u)) < 0) continue;
            s = rn(4);
            vx = rindex_val();
            d = ea - (vx << s);
            mb(m, modrm(0, 0, 4));
            mb(m, sib(s, x, 5));
            mb32(m, d);
            t->g[x] = vx;
            m->used = 1u << x;
            return;
        case 7: case 8: /* [disp32]: recorded short form, run as SIB form */
            m->rec[m->rl++] = modrm(0, 0, 5);
            m->nat[m->nl++] = modrm(0, 0, 4);
            m->nat[m->nl++] = 0x25;
            mb32(m, ea);
            m->used = 0;
            return;
        case 9: /* [base] through a SIB byte without index (scale ignored) */
            if ((b = pickreg(fr & ~0x20u)) < 0) continue;
            mb(m, modrm(0, 0, 4));
            mb(m, sib(rn(4), 4, b));
            t->g[b] = ea;
            m->used = 1u << b;
            return;
        case 10: /* [r+r*s+disp32], same register as base and index */
            if ((b = pickreg(fr & ~0x10u)) < 0) continue;
            s = rn(4);
            vx = rindex_val();
            d = ea - vx * (1u + (1u << s));
            mb(m, modrm(2, 0, 4));
            mb(m, sib(s, b, b));
            mb32(m, d);
            t->g[b] = vx;
            m->used = 1u << b;
            return;
        default: /* [ebp+disp8] / [esp+disp8] specials */
            b = rn(2) ? EBP : ESP;
            if (!(fr >> b & 1)) continue;
            d = (uint32_t)(int8_t)rnd32();
            if (b == EBP) {
                mb(m, modrm(1, 0, 5));
            } else {
                mb(m, modrm(1, 0, 4));
                mb(m, 0x24);
            }
            mb(m, d);
            t->g[b] = ea - d;
            m->used = 1u << b;
            return;
        }
    }
}

static void emit_mop(struct test *t, const struct mop *m, int regf)
{
    for (int i = 0; i < m->rl; i++) t->rec[t->rlen++] = m->rec[i] | (i == 0 ? regf << 3 : 0);
    for (int i = 0; i < m->nl; i++) t->nat[t->nlen++] = m->nat[i] | (i == 0 ? regf << 3 : 0);
    t->need67 = 1;
}

/* pick a register operand; rarely it collides with a register in avoid */
static int pick_opreg(int sz, unsigned avoid)
{
    for (int tries = 0;; tries++) {
        int r = rn(8);
        if (!(avoid >> phys(sz, r) & 1) || rn(10) == 0 || tries > 40) return r;
    }
}

/* optional prefixes for a memory form: LOCK, and an ES/SS/DS segment override
   (all flat writable data segments in relic's replay set-up, ignored in
   64-bit mode; CS is not used: a write through CS faults in protected mode) */
static void mem_prefixes(struct test *t, int lockable)
{
    static const uint8_t seg[3] = {0x26, 0x36, 0x3e};
    if (lockable && rn(16) == 0) B(t, 0xf0);
    if (rn(25) == 0) B(t, seg[rn(3)]);
}

/*
 * Generic ModRM instruction.  Prefixes/opcode are emitted first by the caller.
 * rm operand: size rmsz (8/16/32/64 for memory), value rmval, memory or
 * register; reg operand: size regsz with value regval, or regsz==0 and the
 * group digit.  Registers in `fixed` hold values set by the caller (implicit
 * operands) and are not used for addressing; an operand register that lands on
 * one keeps the caller's value.  Returns rm register (-1 for memory) and the
 * reg operand register in *rr.
 */
struct rmres {
    int rmr, rr;
    uint32_t ea;
    unsigned used;
};
static struct rmres modrm_op(struct test *t, int mem, int rmsz, uint64_t rmval, int regsz, int digit,
                             uint32_t regval, unsigned fixed)
{
    struct rmres res = {-1, -1, 0, 0};
    struct mop m;
    int len = rmsz / 8;
    if (mem) {
        res.ea = pick_ea(len);
        plan_mem(t, &m, res.ea, fixed);
        setmem(t, res.ea, rmval, len);
        res.used = m.used;
    } else {
        res.rmr = pick_opreg(rmsz, fixed);
        if (!(fixed >> phys(rmsz, res.rmr) & 1)) setr(t, rmsz, res.rmr, (uint32_t)rmval);
    }
    int regf = digit;
    if (regsz) {
        res.rr = pick_opreg(regsz, fixed | res.used);
        unsigned p = phys(regsz, res.rr);
        if (!((fixed | res.used) >> p & 1)) setr(t, regsz, res.rr, regval);
        regf = res.rr;
    }
    if (mem) emit_mop(t, &m, regf);
    else B(t, modrm(3, regf, res.rmr));
    return res;
}

/* ------------------------------------------------------------------------ */
/* execution and output                                                      */

static uint8_t *win = (uint8_t *)(uintptr_t)WIN_BASE;
static uint8_t pattern[WIN_SIZE];
static uint8_t *codebuf;
#define CODE_SIZE 0x10000
#define INSN_OFF 0x8000
static struct rstate st __attribute__((aligned(64)));
static sigjmp_buf jb;
static volatile sig_atomic_t armed;
static struct test *cur;

static gzFile out;
static long file_count, total_count, fault_count;
static char line[16384];
static int lp;

struct nstat {
    char name[40];
    long n;
};
#define NSTAT 4096
static struct nstat nstats[NSTAT];
static int nstat_used;
static void count_name(const char *name)
{
    uint32_t h = 2166136261u;
    for (const char *p = name; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    for (uint32_t i = h % NSTAT;; i = (i + 1) % NSTAT) {
        if (!nstats[i].name[0]) {
            snprintf(nstats[i].name, sizeof nstats[i].name, "%s", name);
            nstats[i].n = 1;
            nstat_used++;
            return;
        }
        if (!strcmp(nstats[i].name, name)) {
            nstats[i].n++;
            return;
        }
    }
}

static void lc(char c) { line[lp++] = c; }
static void ls(const char *s) { while (*s) line[lp++] = *s++; }
static void lh(uint64_t v, int nd)
{
    for (int i = nd - 1; i >= 0; i--) line[lp++] = "0123456789abcdef"[(v >> (4 * i)) & 15];
}
static void lbytes(const uint8_t *p, int n) { for (int i = 0; i < n; i++) lh(p[i], 2); }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* FPU state from a 108-byte FSAVE image: cw,sw,tw then non-empty registers by physical index */
static void lfpu(const uint8_t *img)
{
    uint16_t cw = rd16(img), sw = rd16(img + 4), tw = rd16(img + 8);
    int top = (sw >> 11) & 7;
    lh(cw, 4);
    lc(',');
    lh(sw, 4);
    lc(',');
    lh(tw, 4);
    for (int p = 0; p < 8; p++) {
        if (((tw >> (2 * p)) & 3) == 3) continue;
        const uint8_t *r = img + 28 + 10 * ((p - top) & 7);
        lc(',');
        lh(p, 1);
        lc('=');
        lh(rd16(r + 8), 4);
        lh(rd64(r), 16);
    }
}

static void die(const char *msg)
{
    fprintf(stderr, "gen: %s", msg);
    if (cur) {
        fprintf(stderr, " in test %s bytes ", cur->name);
        for (int i = 0; i < cur->nlen; i++) fprintf(stderr, "%02x", cur->nat[i]);
    }
    fprintf(stderr, "\n");
    exit(2);
}

static void run(struct test *t)
{
    volatile int fault = 0;
    cur = t;
    if (t->mlen) {
        if (t->maddr < WIN_BASE || t->maddr + t->mlen > WIN_BASE + WIN_SIZE) die("memory outside window");
        memcpy(win + (t->maddr - WIN_BASE), t->mem, t->mlen);
    }
    uint8_t *p = codebuf + INSN_OFF;
    int n = 0;
    if (t->need67) p[n++] = 0x67;
    memcpy(p + n, t->nat, t->nlen);
    n += t->nlen;
    memcpy(p + n, back_stub, 3);
    uint8_t *pad = NULL;
    if (t->branch) {
        pad = p + n + t->bdisp;
        if (pad + 8 > p && pad < p + n + 3) die("branch pad overlaps");
        memcpy(pad, taken_pad, 8);
    }
    memcpy(st.gin, t->g, 32);
    memset(st.gout, 0, 32);
    st.efl_in = t->efl;
    st.code = (uint64_t)(uintptr_t)p;
    st.fpu = t->fpu;
    st.taken = 0;
    if (t->fpu) memcpy(st.fin, t->fimg, 108);

    if (sigsetjmp(jb, 1)) {
        __asm__ volatile("cld");
        fault = 1;
    } else {
        armed = 1;
        run_tramp(&st);
    }
    armed = 0;
    memset(p, 0xcc, n + 3);
    if (pad) memset(pad, 0xcc, 8);

    /* compose the line */
    lp = 0;
    ls(t->name);
    lc(' ');
    lbytes(t->rec, t->rlen);
    ls(" R:");
    for (int i = 0; i < 8; i++) lh(t->g[i], 8);
    ls(" F:");
    lh(t->efl, 4);
    uint32_t efo = fault ? t->efl : ((uint32_t)st.efl_out & F_KEEP) | 2u;
    if (!fault)
        for (int i = 0; i < 8; i++)
            if (st.gout[i] != t->g[i]) {
                lc(' ');
                lh(i, 1);
                lc('=');
                lh(st.gout[i], 8);
            }
    ls(" f:");
    lh(efo, 4);
    if (t->uflags) {
        ls(" u:");
        lh(t->uflags, 4);
    }
    if (t->uout) {
        ls(" U:");
        lh(t->uout, 3);
    }
    if (fault) {
        ls(" x:0");
        fault_count++;
    }
    if (t->branch && !fault) {
        uint32_t eo = CODE_EIP + t->rlen + (st.taken ? (uint32_t)t->bdisp : 0);
        ls(" E:");
        lh(eo, 8);
    }
    if (t->mlen) {
        ls(" M:");
        lh(t->maddr, 8);
        lc(':');
        lbytes(t->mem, t->mlen);
        const uint8_t *w = win + (t->maddr - WIN_BASE);
        if (memcmp(w, t->mem, t->mlen)) {
            lc(':');
            lbytes(w, t->mlen);
        }
    }
    if (t->fprem && (rd16(st.fout + 4) & FC2)) t->swundef |= FC0 | FC1 | FC3;
    if (t->fpu) {
        ls(" P:");
        lfpu(t->fimg);
        ls(" p:");
        lfpu(st.fout);
        if (t->swundef) {
            ls(" s:");
            lh(t->swundef, 4);
        }
    }
    lc('\n');
    if (gzwrite(out, line, lp) != lp) die("gzwrite failed");

    /* the CPU must not have touched the window outside the recorded bytes */
    uint32_t off = t->mlen ? t->maddr - WIN_BASE : 0;
    uint32_t len = t->mlen;
    if (memcmp(win, pattern, off) || memcmp(win + off + len, pattern + off + len, WIN_SIZE - off - len))
        die("window modified outside the recorded bytes");
    if (len) memcpy(win + off, pattern + off, len);
    count_name(t->name);
    file_count++;
    total_count++;
    cur = NULL;
}

static const char *outdir;
static char cur_file[64];
struct fstat_ {
    char name[64];
    long n;
};
static struct fstat_ fstats[32];
static int nfiles;

static void open_out(const char *name, uint64_t s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    out = gzopen(path, "wb9");
    if (!out) {
        perror(path);
        exit(1);
    }
    snprintf(cur_file, sizeof cur_file, "%s", name);
    file_count = 0;
    seed(s);
}
static void close_out(void)
{
    gzclose(out);
    snprintf(fstats[nfiles].name, sizeof fstats[nfiles].name, "%s", cur_file);
    fstats[nfiles++].n = file_count;
}

/* ------------------------------------------------------------------------ */
/* integer: ALU                                                              */

/*
 * Binary operations in the classic forms.
 * kind 0: E,G  1: G,E  2: acc,imm  3: E,imm (same size)  4: E,imm8 sign-extended
 */
static void binop(const char *mn, uint8_t opc8, uint8_t opcv, int digit, int kind, int sz, int mem, uint32_t undef,
                  int lockable)
{
    struct test t;
    uint32_t a = gval(sz), b = gpair(sz, a);
    static const char *forms[5][3] = {
        {"E8,r8", "E16,r16", "E32,r32"}, {"r8,E8", "r16,E16", "r32,E32"}, {"al,imm8", "ax,imm16", "eax,imm32"},
        {"E8,imm8", "E16,imm16", "E32,imm32"}, {"", "E16,imm8", "E32,imm8"}};
    int si = sz == 8 ? 0 : sz == 16 ? 1 : 2;
    tinit(&t, mn);
    tname(&t, mn, forms[kind][si], mem);
    t.uflags = undef;
    if (mem) mem_prefixes(&t, lockable && (kind == 0 || kind >= 3));
    if (sz == 16) B(&t, 0x66);
    switch (kind) {
    case 0:
        B(&t, sz == 8 ? opc8 : opcv);
        modrm_op(&t, mem, sz, a, sz, 0, b, 0);
        break;
    case 1:
        B(&t, sz == 8 ? opc8 : opcv);
        modrm_op(&t, mem, sz, b, sz, 0, a, 0);
        break;
    case 2:
        setr(&t, sz, EAX, a);
        B(&t, sz == 8 ? opc8 : opcv);
        Bimm(&t, b, sz);
        break;
    case 3:
        B(&t, sz == 8 ? opc8 : opcv);
        modrm_op(&t, mem, sz, a, 0, digit, 0, 0);
        Bimm(&t, b, sz);
        break;
    case 4:
        B(&t, opcv);
        modrm_op(&t, mem, sz, a, 0, digit, 0, 0);
        B(&t, (uint8_t)b); /* the CPU sign-extends it */
        break;
    }
    run(&t);
}

static void gen_alu(void)
{
    static const char *mn[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    const int N = 240;
    open_out("alu.vec.gz", 1);
    for (int op = 0; op < 8; op++) {
        /* SDM: AND, OR, XOR clear OF and CF, set SF ZF PF from the result; AF is undefined.
           ADD ADC SUB SBB CMP define all six arithmetic flags. */
        uint32_t u = (op == 1 || op == 4 || op == 6) ? F_AF : 0;
        int lk = op != 7;
        for (int kind = 0; kind < 5; kind++)
            for (int sz = 8; sz <= 32; sz *= 2) {
                if (kind == 4 && sz == 8) continue; /* 0x82 is invalid in 64-bit mode */
                for (int mem = 0; mem < 2; mem++) {
                    if (kind == 2 && mem) continue;
                    int n = kind == 2 ? 2 * N : N;
                    for (int i = 0; i < n; i++) {
                        if (kind <= 2)
                            binop(mn[op], (uint8_t)(op * 8 + kind * 2), (uint8_t)(op * 8 + kind * 2 + 1), 0,
                                  kind, sz, mem, u, lk);
                        else
                            binop(mn[op], 0x80, kind == 3 ? 0x81 : 0x83, op, kind, sz, mem, u, lk);
                    }
                }
            }
    }
    /* TEST: SDM: OF and CF cleared, SF ZF PF from the result, AF undefined. */
    for (int kind = 0; kind < 4; kind++)
        for (int sz = 8; sz <= 32; sz *= 2)
            for (int mem = 0; mem < 2; mem++) {
                if ((kind == 2 && mem) || kind == 1) continue;
                for (int i = 0; i < N; i++) {
                    if (kind == 0) binop("test", 0x84, 0x85, 0, 0, sz, mem, F_AF, 0);
                    else if (kind == 2) binop("test", 0xa8, 0xa9, 0, 2, sz, 0, F_AF, 0);
                    else binop("test", 0xf6, 0xf7, 0, 3, sz, mem, F_AF, 0);
                }
            }
    /* INC/DEC (FE/FF /0 /1; 40-4F are REX prefixes in 64-bit mode): CF kept, others defined.
       NEG: CF = (source != 0), others from the result.  NOT: no flags. */
    static const struct {
        const char *mn;
        int digit, grp;
    } un[4] = {{"inc", 0, 0}, {"dec", 1, 0}, {"not", 2, 1}, {"neg", 3, 1}};
    for (int k = 0; k < 4; k++)
        for (int sz = 8; sz <= 32; sz *= 2)
            for (int mem = 0; mem < 2; mem++)
                for (int i = 0; i < N; i++) {
                    struct test t;
                    tinit(&t, un[k].mn);
                    tname(&t, un[k].mn, sz == 8 ? "E8" : sz == 16 ? "E16" : "E32", mem);
                    if (mem) mem_prefixes(&t, 1);
                    if (sz == 16) B(&t, 0x66);
                    B(&t, (uint8_t)((un[k].grp ? 0xf6 : 0xfe) + (sz != 8)));
                    modrm_op(&t, mem, sz, gval(sz), 0, un[k].digit, 0, 0);
                    run(&t);
                }
    close_out();
}

/* ------------------------------------------------------------------------ */
/* integer: shifts and rotates                                               */

enum { ROL, ROR, RCL, RCR, SHL, SHR, SAL6, SAR };

/*
 * Undefined flags of the group-2 shifts/rotates for a given count (the count
 * is masked to 5 bits first; a masked count of 0 changes nothing, so nothing
 * is undefined).
 *  ROL/ROR/RCL/RCR: only CF and OF are touched; the SDM defines OF for 1-bit
 *    rotates only, it is undefined for any other count.
 *  SHL/SAL/SHR/SAR: AF is undefined whenever the count is not 0; OF is defined
 *    for 1-bit shifts only; for SHL and SHR the SDM also leaves CF undefined
 *    when the count is at least the operand width.
 */
static uint32_t shift_undef(int op, int sz, unsigned count)
{
    unsigned c = count & 31;
    if (c == 0) return 0;
    if (op <= RCR) return c == 1 ? 0 : F_OF;
    uint32_t u = F_AF | (c == 1 ? 0 : F_OF);
    if (op != SAR && c >= (unsigned)sz) u |= F_CF;
    return u;
}

static void shift_one(int op, int sz, int form, unsigned count)
{
    static const char *mn[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    static const char *forms[3][3] = {{"E8,1", "E16,1", "E32,1"}, {"E8,cl", "E16,cl", "E32,cl"},
                                      {"E8,imm8", "E16,imm8", "E32,imm8"}};
    struct test t;
    int mem = rn(10) < 3, si = sz == 8 ? 0 : sz == 16 ? 1 : 2;
    tinit(&t, mn[op]);
    tname(&t, mn[op], forms[form][si], mem);
    if (sz == 16) B(&t, 0x66);
    static const uint8_t opc[3] = {0xd0, 0xd2, 0xc0};
    B(&t, (uint8_t)(opc[form] + (sz != 8)));
    modrm_op(&t, mem, sz, gval(sz), 0, op, 0, form == 1 ? 1u << ECX : 0);
    if (form == 1) setr(&t, 8, ECX, count);
    if (form == 2) B(&t, (uint8_t)count);
    t.uflags = shift_undef(op, sz, form == 0 ? 1 : count);
    run(&t);
}

/*
 * SHLD/SHRD (SDM): count masked to 5 bits; 0 leaves everything alone.  CF is
 * the last bit shifted out; SF ZF PF from the result; OF defined for a 1-bit
 * shift only; AF undefined for any shift.  A count larger than the operand
 * width (16-bit forms, counts 17..31) leaves the destination and all flags
 * undefined.
 */
static void shd_one(int right, int sz, int cl, unsigned count)
{
    struct test t;
    int mem = rn(10) < 3;
    const char *mn = right ? "shrd" : "shld";
    tinit(&t, mn);
    tname(&t, mn, sz == 16 ? (cl ? "E16,r16,cl" : "E16,r16,imm8") : (cl ? "E32,r32,cl" : "E32,r32,imm8"), mem);
    if (sz == 16) B(&t, 0x66);
    B(&t, 0x0f);
    B(&t, (uint8_t)((right ? 0xac : 0xa4) + cl));
    struct rmres r = modrm_op(&t, mem, sz, gval(sz), sz, 0, gval(sz), cl ? 1u << ECX : 0);
    if (cl) setr(&t, 8, ECX, count);
    else B(&t, (uint8_t)count);
    unsigned c = count & 31;
    if (c == 0) t.uflags = 0;
    else if (c > (unsigned)sz) {
        t.uflags = F_ARITH;
        t.uout = mem ? U_MEM : 1u << r.rmr;
    } else
        t.uflags = F_AF | (c == 1 ? 0 : F_OF);
    run(&t);
}

static void gen_shift(void)
{
    static const unsigned extra[] = {32, 33, 34, 39, 40, 47, 48, 63, 64, 65, 96, 127, 128, 200, 255};
    open_out("shift.vec.gz", 2);
    for (int op = 0; op < 8; op++)
        for (int sz = 8; sz <= 32; sz *= 2) {
            for (int i = 0; i < 150; i++) shift_one(op, sz, 0, 1);
            for (int form = 1; form <= 2; form++) {
                for (unsigned c = 0; c < 32; c++)
                    for (int i = 0; i < 10; i++) shift_one(op, sz, form, c);
                for (unsigned k = 0; k < sizeof extra / sizeof extra[0]; k++)
                    for (int i = 0; i < 4; i++) shift_one(op, sz, form, extra[k]);
            }
        }
    for (int right = 0; right < 2; right++)
        for (int sz = 16; sz <= 32; sz *= 2)
            for (int cl = 0; cl < 2; cl++) {
                for (unsigned c = 0; c < 32; c++)
                    for (int i = 0; i < 20; i++) shd_one(right, sz, cl, c);
                for (unsigned k = 0; k < sizeof extra / sizeof extra[0]; k++)
                    for (int i = 0; i < 4; i++) shd_one(right, sz, cl, extra[k]);
            }
    close_out();
}

/* ------------------------------------------------------------------------ */
/* integer: multiply and divide                                              */

/* SDM MUL/IMUL: CF and OF tell whether the upper half is significant; SF, ZF,
   AF and PF are undefined. */
#define U_MUL (F_SF | F_ZF | F_AF | F_PF)
/* SDM DIV/IDIV: all six arithmetic flags are undefined. */
#define U_DIV F_ARITH

static void mul1(int sgn, int sz)
{
    struct test t;
    int mem = rn(10) < 3;
    const char *mn = sgn ? "imul" : "mul";
    tinit(&t, mn);
    tname(&t, mn, sz == 8 ? "E8" : sz == 16 ? "E16" : "E32", mem);
    t.uflags = U_MUL;
    setr(&t, sz, EAX, gval(sz));
    if (sz == 16) B(&t, 0x66);
    B(&t, sz == 8 ? 0xf6 : 0xf7);
    modrm_op(&t, mem, sz, gval(sz), 0, 4 + sgn, 0, sz == 8 ? 1u << EAX : (1u << EAX | 1u << EDX));
    run(&t);
}

static void imul2(int sz, int form) /* form 0: 0F AF r,E  1: 69 r,E,imm  2: 6B r,E,imm8 */
{
    struct test t;
    int mem = rn(10) < 3;
    static const char *f[3][2] = {{"r16,E16", "r32,E32"}, {"r16,E16,imm16", "r32,E32,imm32"},
                                  {"r16,E16,imm8", "r32,E32,imm8"}};
    tinit(&t, "imul");
    tname(&t, "imul", f[form][sz == 32], mem);
    t.uflags = U_MUL;
    if (sz == 16) B(&t, 0x66);
    if (form == 0) {
        B(&t, 0x0f);
        B(&t, 0xaf);
    } else
        B(&t, form == 1 ? 0x69 : 0x6b);
    modrm_op(&t, mem, sz, gval(sz), sz, 0, gval(sz), 0);
    if (form == 1) Bimm(&t, gval(sz), sz);
    if (form == 2) B(&t, (uint8_t)gval(8));
    run(&t);
}

static void div_vals(int sz, int sgn, uint64_t *dividend, uint32_t *divisor)
{
    uint32_t m = szmask(sz);
    uint64_t m2 = sz == 32 ? ~0ull : (1ull << (2 * sz)) - 1;
    unsigned k = rn(20);
    if (k < 2) { /* divide by zero */
        *divisor = 0;
        *dividend = rnd64() & m2;
        return;
    }
    if (k < 3) { /* anything */
        *divisor = gval(sz);
        *dividend = rnd64() & m2;
        return;
    }
    if (!sgn) {
        uint32_t d = gval(sz);
        if (!d) d = 1 + rn(m);
        if (k < 5) { /* quotient overflow: high half >= divisor */
            uint64_t hi = d + (uint64_t)rn(m - d + 1);
            *dividend = (hi << sz | (rnd64() & m)) & m2;
        } else {
            uint64_t q = gval(sz), r = rnd64() % d;
            *dividend = q * d + r;
        }
        *divisor = d;
        return;
    }
    int64_t lo = -(1ll << (sz - 1)), hi = (1ll << (sz - 1)) - 1;
    int64_t d = (int64_t)(int32_t)(gval(sz) << (32 - sz)) >> (32 - sz);
    if (!d) d = -1;
    int64_t q;
    if (k < 4) { /* -2^(2n-1) / -1 */
        *divisor = (uint32_t)-1 & m;
        *dividend = (uint64_t)(1ull << (2 * sz - 1));
        return;
    }
    if (k < 6) q = rn(2) ? hi + 1 + rn(4) : lo - 1 - rn(4); /* just out of range */
    else if (k < 8) q = rn(2) ? lo : hi;                    /* extremes (valid) */
    else q = (int64_t)(int32_t)(gval(sz) << (32 - sz)) >> (32 - sz);
    int64_t prod = q * d, ad = d < 0 ? -d : d;
    int64_t r = (int64_t)(rnd64() % (uint64_t)ad);
    if (prod < 0 || (prod == 0 && rn(2))) r = -r;
    *dividend = (uint64_t)(prod + r) & m2;
    *divisor = (uint32_t)d & m;
}

static void div1(int sgn, int sz)
{
    struct test t;
    int mem = rn(10) < 3;
    const char *mn = sgn ? "idiv" : "div";
    uint64_t dd;
    uint32_t dv;
    tinit(&t, mn);
    tname(&t, mn, sz == 8 ? "E8" : sz == 16 ? "E16" : "E32", mem);
    t.uflags = U_DIV;
    div_vals(sz, sgn, &dd, &dv);
    if (sz == 8) setr(&t, 16, EAX, (uint32_t)dd);
    else {
        setr(&t, sz, EAX, (uint32_t)dd);
        setr(&t, sz, EDX, (uint32_t)(dd >> sz));
    }
    if (sz == 16) B(&t, 0x66);
    B(&t, sz == 8 ? 0xf6 : 0xf7);
    modrm_op(&t, mem, sz, dv, 0, 6 + sgn, 0, sz == 8 ? 1u << EAX : (1u << EAX | 1u << EDX));
    run(&t);
}

static void gen_muldiv(void)
{
    open_out("muldiv.vec.gz", 3);
    for (int sz = 8; sz <= 32; sz *= 2)
        for (int sgn = 0; sgn < 2; sgn++)
            for (int i = 0; i < 1300; i++) mul1(sgn, sz);
    for (int sz = 16; sz <= 32; sz *= 2)
        for (int form = 0; form < 3; form++)
            for (int i = 0; i < 1300; i++) imul2(sz, form);
    for (int sz = 8; sz <= 32; sz *= 2)
        for (int sgn = 0; sgn < 2; sgn++)
            for (int i = 0; i < 1900; i++) div1(sgn, sz);
    close_out();
}

/* ------------------------------------------------------------------------ */
/* integer: bit instructions                                                 */

/* SDM BT/BTS/BTR/BTC: CF = the selected bit; ZF unaffected; OF SF AF PF undefined. */
#define U_BT (F_OF | F_SF | F_AF | F_PF)
/* SDM BSF/BSR: ZF tells whether the source was zero; CF OF SF AF PF undefined.
   For a zero source the destination is undefined as well. */
#define U_BSF (F_CF | F_OF | F_SF | F_AF | F_PF)

static void bt_one(int op, int sz, int imm, int mem)
{
    static const char *mn[4] = {"bt", "bts", "btr", "btc"};
    struct test t;
    tinit(&t, mn[op]);
    tname(&t, mn[op], imm ? (sz == 16 ? "E16,imm8" : "E32,imm8") : (sz == 16 ? "E16,r16" : "E32,r32"), mem);
    t.uflags = U_BT;
    if (mem) mem_prefixes(&t, op != 0);
    if (sz == 16) B(&t, 0x66);
    B(&t, 0x0f);
    if (imm) {
        B(&t, 0xba);
        modrm_op(&t, mem, sz, gval(sz), 0, 4 + op, 0, 0);
        B(&t, (uint8_t)(rn(3) ? rn(sz) : rn(256)));
    } else if (!mem) {
        B(&t, (uint8_t)(0xa3 + 8 * op));
        uint32_t off = rn(3) ? rn(sz) : rnd32();
        modrm_op(&t, 0, sz, gval(sz), sz, 0, off, 0);
    } else {
        /* register bit offset into memory: signed, may reach far from the base */
        B(&t, (uint8_t)(0xa3 + 8 * op));
        int32_t off;
        switch (rn(4)) {
        case 0: off = (int32_t)rn(2 * sz); break;
        case 1: off = -(int32_t)rn(4 * sz) - 1; break;
        default: off = sz == 16 ? (int32_t)(int16_t)rnd32() : (int32_t)(rnd32() % 0x30000u) - 0x18000; break;
        }
        int r = rn(8);
        uint32_t ea0 = WIN_BASE + 0x7000 + rn(0x2000);
        struct mop m;
        plan_mem(&t, &m, ea0, 1u << r);
        setr(&t, sz, r, (uint32_t)off);
        uint32_t a = sz == 32 ? ea0 + 4u * (uint32_t)(off >> 5) : ea0 + 2u * (uint32_t)((int16_t)off >> 4);
        setmem(&t, a, gval(sz), sz / 8);
        emit_mop(&t, &m, r);
    }
    run(&t);
}

static void bsf_one(int rev, int sz)
{
    struct test t;
    int mem = rn(10) < 3;
    const char *mn = rev ? "bsr" : "bsf";
    uint32_t v;
    tinit(&t, mn);
    tname(&t, mn, sz == 16 ? "r16,E16" : "r32,E32", mem);
    t.uflags = U_BSF;
    switch (rn(8)) {
    case 0: v = 0; break;
    case 1: v = 1u << rn(sz); break;
    case 2: v = (rnd32() << rn(sz)) & szmask(sz); break;
    case 3: v = (rnd32() >> rn(32)) & szmask(sz); break;
    default: v = gval(sz); break;
    }
    if (sz == 16) B(&t, 0x66);
    B(&t, 0x0f);
    B(&t, rev ? 0xbd : 0xbc);
    struct rmres r = modrm_op(&t, mem, sz, v, sz, 0, rnd32(), 0);
    /* the actual source (the destination register may be the source too) */
    uint32_t src = mem ? v : t.g[r.rmr] & szmask(sz);
    if (src == 0) t.uout = 1u << r.rr; /* SDM: destination undefined for a zero source */
    run(&t);
}

static void gen_bit(void)
{
    open_out("bit.vec.gz", 4);
    for (int op = 0; op < 4; op++)
        for (int sz = 16; sz <= 32; sz *= 2)
            for (int imm = 0; imm < 2; imm++)
                for (int mem = 0; mem < 2; mem++)
                    for (int i = 0; i < 500; i++) bt_one(op, sz, imm, mem);
    for (int rev = 0; rev < 2; rev++)
        for (int sz = 16; sz <= 32; sz *= 2)
            for (int i = 0; i < 1000; i++) bsf_one(rev, sz);
    for (int r = 0; r < 8; r++)
        for (int i = 0; i < 40; i++) {
            struct test t;
            tinit(&t, "bswap:r32");
            B(&t, 0x0f);
            B(&t, (uint8_t)(0xc8 + r));
            t.g[r] = i < 4 ? (uint32_t[]){0, 0xffffffffu, 0x12345678u, 0x80000001u}[i] : rnd32();
            run(&t);
        }
    close_out();
}

/* ------------------------------------------------------------------------ */
/* integer: data movement, exchange, conditional                             */

static const char *ccname[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                 "s", "ns", "p", "np", "l", "ge", "le", "g"};

/* EFLAGS from a 5-bit combination of CF PF ZF SF OF, other bits random */
static uint32_t flagcombo(unsigned c)
{
    uint32_t f = 2u | (rnd32() & (F_AF | F_DF));
    if (c & 1) f |= F_CF;
    if (c & 2) f |= F_PF;
    if (c & 4) f |= F_ZF;
    if (c & 8) f |= F_SF;
    if (c & 16) f |= F_OF;
    return f;
}

static void gen_move(void)
{
    struct test t;
    open_out("move.vec.gz", 5);
    const int N = 400;
    /* MOV 88/89/8A/8B */
    for (int dir = 0; dir < 2; dir++)
        for (int sz = 8; sz <= 32; sz *= 2)
            for (int mem = 0; mem < 2; mem++)
                for (int i = 0; i < N; i++) {
                    static const char *f[2][3] = {{"E8,r8", "E16,r16", "E32,r32"}, {"r8,E8", "r16,E16", "r32,E32"}};
                    tinit(&t, "mov");
                    tname(&t, "mov", f[dir][sz == 8 ? 0 : sz == 16 ? 1 : 2], mem);
                    if (mem) mem_prefixes(&t, 0);
                    if (sz == 16) B(&t, 0x66);
                    B(&t, (uint8_t)(0x88 + 2 * dir + (sz != 8)));
                    modrm_op(&t, mem, sz, gval(sz), sz, 0, gval(sz), 0);
                    run(&t);
                }
    /* MOV B0+r / B8+r */
    for (int sz = 8; sz <= 32; sz *= 2)
        for (int i = 0; i < 120; i++) {
            tinit(&t, "mov");
            tname(&t, "mov", sz == 8 ? "r8,imm8" : sz == 16 ? "r16,imm16" : "r32,imm32", 0);
            if (sz == 16) B(&t, 0x66);
            B(&t, (uint8_t)((sz == 8 ? 0xb0 : 0xb8) + (i & 7)));
            Bimm(&t, gval(sz), sz);
            run(&t);
        }
    /* MOV C6/C7 /0 */
    for (int sz = 8; sz <= 32; sz *= 2)
        for (int mem = 0; mem < 2; mem++)
            for (int i = 0; i < N / 2; i++) {
                tinit(&t, "mov");
                tname(&t, "mov", sz == 8 ? "E8,imm8" : sz == 16 ? "E16,imm16" : "E32,imm32", mem);
                if (sz == 16) B(&t, 0x66);
                B(&t, sz == 8 ? 0xc6 : 0xc7);
                modrm_op(&t, mem, sz, gval(sz), 0, 0, 0, 0);
                Bimm(&t, gval(sz), sz);
                run(&t);
            }
    /* MOV A0-A3 moffs (32-bit offset) */
    for (int dir = 0; dir < 2; dir++)
        for (int sz = 8; sz <= 32; sz *= 2)
            for (int i = 0; i < N / 2; i++) {
                static const char *f[2][3] = {{"al,moffs8", "ax,moffs16", "eax,moffs32"},
                                              {"moffs8,al", "moffs16,ax", "moffs32,eax"}};
                tinit(&t, "mov");
                tname(&t, "mov", f[dir][sz == 8 ? 0 : sz == 16 ? 1 : 2], 1);
                if (sz == 16) B(&t, 0x66);
                B(&t, (uint8_t)(0xa0 + 2 * dir + (sz != 8)));
                uint32_t ea = pick_ea(sz / 8);
                B32(&t, ea);
                t.need67 = 1;
                setmem(&t, ea, gval(sz), sz / 8);
                setr(&t, sz, EAX, gval(sz));
                run(&t);
            }
    /* MOVZX / MOVSX */
    for (int sx = 0; sx < 2; sx++)
        for (int src = 8; src <= 16; src += 8)
            for (int dst = 16; dst <= 32; dst += 16)
                for (int mem = 0; mem < 2; mem++)
                    for (int i = 0; i < N; i++) {
                        const char *mn = sx ? "movsx" : "movzx";
                        char f[16];
                        snprintf(f, sizeof f, "r%d,E%d", dst, src);
                        tinit(&t, mn);
                        tname(&t, mn, f, mem);
                        if (dst == 16) B(&t, 0x66);
                        B(&t, 0x0f);
                        B(&t, (uint8_t)((sx ? 0xbe : 0xb6) + (src == 16)));
                        modrm_op(&t, mem, src, gval(src), dst, 0, rnd32(), 0);
                        run(&t);
                    }
    /* XCHG 86/87, 90+r */
    for (int sz = 8; sz <= 32; sz *= 2)
        for (int mem = 0; mem < 2; mem++)
            for (int i = 0; i < N; i++) {
                tinit(&t, "xchg");
                tname(&t, "xchg", sz == 8 ? "E8,r8" : sz == 16 ? "E16,r16" : "E32,r32", mem);
                if (mem) mem_prefixes(&t, 1);
                if (sz == 16) B(&t, 0x66);
                B(&t, sz == 8 ? 0x86 : 0x87);
                modrm_op(&t, mem, sz, gval(sz), sz, 0, gval(sz), 0);
                run(&t);
            }
    for (int sz = 16; sz <= 32; sz *= 2)
        for (int i = 0; i < 160; i++) {
            tinit(&t, "xchg");
            tname(&t, "xchg", sz == 16 ? "ax,r16" : "eax,r32", 0);
            if (sz == 16) B(&t, 0x66);
            B(&t, (uint8_t)(0x91 + i % 7));
            t.g[EAX] = rnd32();
            t.g[1 + i % 7] = rnd32();
            run(&t);
        }
    /* XADD: flags as ADD */
    for (int sz = 8; sz <= 32; sz *= 2)
        for (int mem = 0; mem < 2; mem++)
            for (int i = 0; i < N; i++) {
                uint32_t a = gval(sz);
                tinit(&t, "xadd");
                tname(&t, "xadd", sz == 8 ? "E8,r8" : sz == 16 ? "E16,r16" : "E32,r32", mem);
                if (mem) mem_prefixes(&t, 1);
                if (sz == 16) B(&t, 0x66);
                B(&t, 0x0f);
                B(&t, sz == 8 ? 0xc0 : 0xc1);
                modrm_op(&t, mem, sz, a, sz, 0, gpair(sz, a), 0);
                run(&t);
            }
    /* CMPXCHG: flags as CMP accumulator,destination */
    for (int sz = 8; sz <= 32; sz *= 2)
        for (int mem = 0; mem < 2; mem++)
            for (int i = 0; i < N; i++) {
                uint32_t a = gval(sz), acc = rn(2) ? a : gpair(sz, a);
                tinit(&t, "cmpxchg");
                tname(&t, "cmpxchg", sz == 8 ? "E8,r8" : sz == 16 ? "E16,r16" : "E32,r32", mem);
                if (mem) mem_prefixes(&t, 1);
                setr(&t, sz, EAX, acc);
                if (sz == 16) B(&t, 0x66);
                B(&t, 0x0f);
                B(&t, sz == 8 ? 0xb0 : 0xb1);
                modrm_op(&t, mem, sz, a, sz, 0, gval(sz), 1u << EAX);
                run(&t);
            }
    /* CMPXCHG8B m64: only ZF is written */
    for (int i = 0; i < 2 * N; i++) {
        uint64_t v = ((uint64_t)gval(32) << 32) | gval(32);
        uint64_t cmp = rn(2) ? v : (rn(2) ? v ^ (1ull << rn(64)) : rnd64());
        tinit(&t, "cmpxchg8b:m64");
        mem_prefixes(&t, 1);
        t.g[EAX] = (uint32_t)cmp;
        t.g[EDX] = (uint32_t)(cmp >> 32);
        t.g[EBX] = rnd32();
        t.g[ECX] = rnd32();
        B(&t, 0x0f);
        B(&t, 0xc7);
        modrm_op(&t, 1, 64, v, 0, 1, 0, 0x0f);
        run(&t);
    }
    /* CBW CWDE CWD CDQ */
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 150; i++) {
            static const char *mn[4] = {"cbw", "cwde", "cwd", "cdq"};
            tinit(&t, mn[k]);
            if (!(k & 1)) B(&t, 0x66);
            B(&t, k < 2 ? 0x98 : 0x99);
            t.g[EAX] = rn(2) ? gval(32) : (rnd32() & ~0xffffu) | gval(16);
            if (k == 0) t.g[EAX] = (t.g[EAX] & ~0xffu) | gval(8);
            run(&t);
        }
    /* LEA: every addressing form; no memory access */
    for (int sz = 16; sz <= 32; sz *= 2)
        for (int i = 0; i < 1200; i++) {
            struct mop m;
            tinit(&t, "lea");
            tname(&t, "lea", sz == 16 ? "r16,m" : "r32,m", 0);
            for (int r = 0; r < 8; r++) t.g[r] = rnd32();
            if (sz == 16) B(&t, 0x66);
            B(&t, 0x8d);
            plan_mem(&t, &m, rnd32(), 0);
            emit_mop(&t, &m, rn(8));
            run(&t);
        }
    /* SETcc: every condition with every CF/PF/ZF/SF/OF combination */
    for (int cc = 0; cc < 16; cc++)
        for (unsigned c = 0; c < 32; c++)
            for (int mem = 0; mem < 2; mem++) {
                char mn[16];
                snprintf(mn, sizeof mn, "set%s", ccname[cc]);
                tinit(&t, mn);
                tname(&t, mn, "E8", mem);
                t.efl = flagcombo(c);
                B(&t, 0x0f);
                B(&t, (uint8_t)(0x90 + cc));
                /* the ModRM reg field is ignored by SETcc: mostly 0, sometimes not */
                modrm_op(&t, mem, 8, rnd32(), 0, rn(4) ? 0 : (int)rn(8), 0, 0);
                run(&t);
            }
    /* CMOVcc */
    for (int cc = 0; cc < 16; cc++)
        for (unsigned c = 0; c < 32; c++)
            for (int sz = 16; sz <= 32; sz *= 2)
                for (int mem = 0; mem < 2; mem++) {
                    char mn[16];
                    snprintf(mn, sizeof mn, "cmov%s", ccname[cc]);
                    tinit(&t, mn);
                    tname(&t, mn, sz == 16 ? "r16,E16" : "r32,E32", mem);
                    t.efl = flagcombo(c);
                    if (sz == 16) B(&t, 0x66);
                    B(&t, 0x0f);
                    B(&t, (uint8_t)(0x40 + cc));
                    modrm_op(&t, mem, sz, rnd32(), sz, 0, rnd32(), 0);
                    run(&t);
                }
    close_out();
}

/* ------------------------------------------------------------------------ */
/* integer: flags, NOP, XLAT, branches                                       */

static void branch_test(struct test *t, const uint8_t *opc, int olen, int dsz)
{
    int natlen = t->need67 + olen + dsz;
    int32_t d;
    if (rn(2)) d = 3 + (int32_t)rn(dsz == 1 ? 125 : 0x1000);
    else d = -(natlen + 8) - (int32_t)rn(dsz == 1 ? (unsigned)(128 - natlen - 8 + 1) : 0x1000u);
    for (int i = 0; i < olen; i++) B(t, opc[i]);
    if (dsz == 1) B(t, (uint8_t)d);
    else B32(t, (uint32_t)d);
    t->branch = 1;
    t->bdisp = d;
    run(t);
}

static void gen_misc(void)
{
    struct test t;
    open_out("misc.vec.gz", 6);
    static const struct {
        const char *mn;
        uint8_t op;
    } fl[5] = {{"clc", 0xf8}, {"stc", 0xf9}, {"cmc", 0xf5}, {"cld", 0xfc}, {"std", 0xfd}};
    for (int k = 0; k < 5; k++)
        for (int i = 0; i < 64; i++) {
            tinit(&t, fl[k].mn);
            B(&t, fl[k].op);
            run(&t);
        }
    for (int i = 0; i < 512; i++) {
        tinit(&t, "sahf");
        B(&t, 0x9e);
        t.g[EAX] = (t.g[EAX] & ~0xff00u) | (i < 256 ? (uint32_t)i : rn(256)) << 8;
        run(&t);
        tinit(&t, "lahf");
        B(&t, 0x9f);
        run(&t);
    }
    for (int i = 0; i < 300; i++) {
        tinit(&t, "xlat:m8");
        uint32_t base = WIN_BASE + 0x100 + rn(WIN_SIZE - 0x300);
        uint8_t al = (uint8_t)rnd32();
        t.g[EBX] = base;
        setr(&t, 8, EAX, al);
        setmem(&t, base + al, rnd32(), 1);
        B(&t, 0xd7);
        t.need67 = 1;
        run(&t);
    }
    /* NOP and the multi-byte NOP 0F 1F /0 (Pentium Pro and later) */
    for (int i = 0; i < 50; i++) {
        tinit(&t, "nop");
        B(&t, 0x90);
        run(&t);
        tinit(&t, "nop");
        B(&t, 0x66);
        B(&t, 0x90);
        run(&t);
    }
    for (int i = 0; i < 400; i++) {
        struct mop m;
        int sz = rn(3) ? 32 : 16;
        tinit(&t, "nop");
        tname(&t, "nop", sz == 16 ? "m16" : "m32", 0);
        for (int r = 0; r < 8; r++) t.g[r] = rnd32();
        if (sz == 16) B(&t, 0x66);
        B(&t, 0x0f);
        B(&t, 0x1f);
        plan_mem(&t, &m, rnd32(), 0);
        emit_mop(&t, &m, 0);
        run(&t);
    }
    /* Jcc rel8 / rel32 with every CF/PF/ZF/SF/OF combination */
    for (int cc = 0; cc < 16; cc++)
        for (unsigned c = 0; c < 32; c++)
            for (int rep = 0; rep < 4; rep++)
                for (int w = 0; w < 2; w++) {
                    char mn[8];
                    snprintf(mn, sizeof mn, "j%s", ccname[cc]);
                    tinit(&t, mn);
                    tname(&t, mn, w ? "rel32" : "rel8", 0);
                    t.efl = flagcombo(c);
                    uint8_t o[2] = {0x0f, (uint8_t)(0x80 + cc)};
                    if (w) branch_test(&t, o, 2, 4);
                    else {
                        o[0] = (uint8_t)(0x70 + cc);
                        branch_test(&t, o, 1, 1);
                    }
                }
    for (int i = 0; i < 100; i++) {
        uint8_t o = 0xeb;
        tinit(&t, "jmp:rel8");
        branch_test(&t, &o, 1, 1);
        o = 0xe9;
        tinit(&t, "jmp:rel32");
        branch_test(&t, &o, 1, 4);
    }
    /* LOOP/LOOPE/LOOPNE/JECXZ (32-bit address size: ECX) */
    static const struct {
        const char *mn;
        uint8_t op;
    } lp_[4] = {{"loopne:rel8", 0xe0}, {"loope:rel8", 0xe1}, {"loop:rel8", 0xe2}, {"jecxz:rel8", 0xe3}};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 400; i++) {
            tinit(&t, lp_[k].mn);
            static const uint32_t cv[6] = {0, 1, 2, 0xffffffffu, 0x10000u, 0x10001u};
            t.g[ECX] = i % 8 < 6 ? cv[i % 8] : rnd32();
            t.need67 = 1;
            branch_test(&t, &lp_[k].op, 1, 1);
        }
    close_out();
}

/* ------------------------------------------------------------------------ */
/* integer: string instructions                                              */

static void str_one(int op, int sz, int rep, int df)
{
    static const char *mn[5] = {"movs", "cmps", "stos", "lods", "scas"};
    static const uint8_t opc[5] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    static const char *rp[3] = {"", "rep", "repne"};
    struct test t;
    char name[24];
    int es = sz / 8;
    snprintf(name, sizeof name, "%s%c", mn[op], sz == 8 ? 'b' : sz == 16 ? 'w' : 'd');
    tinit(&t, name);
    if (rep == 1 && (op == 1 || op == 4)) tname(&t, name, "repe", 0);
    else tname(&t, name, rp[rep], 0);
    t.efl = (t.efl & ~F_DF) | (df ? F_DF : 0);
    int n = rep ? (rn(8) == 0 ? (int)rn(33) : (int)rn(13)) : 1;
    if (rep) t.g[ECX] = (uint32_t)n;
    else if (rn(2)) t.g[ECX] = rnd32();
    int span = n * es, usesrc = op <= 1 || op == 3, usedst = op != 3;
    const int L = 176;
    uint32_t R = WIN_BASE + 0x4000 + rn(0x2000);
    uint32_t s0 = R + rn(L - span + 1), d0 = R + rn(L - span + 1);
    if (op == 1 && rn(2)) d0 = R + ((s0 - R + L / 2) % (L - span + 1)); /* CMPS: mostly apart */
    t.g[ESI] = df ? s0 + span - es : s0;
    t.g[EDI] = df ? d0 + span - es : d0;
    if (!usesrc && rn(2)) t.g[ESI] = rnd32();
    if (!usedst && rn(2)) t.g[EDI] = rnd32();
    if (n == 0) { /* nothing is touched; record a little area anyway */
        s0 = d0 = R;
        span = es;
    }
    uint32_t lo = 0xffffffffu, hi = 0;
    if (usesrc) { lo = s0; hi = s0 + span; }
    if (usedst) { if (d0 < lo) lo = d0; if (d0 + span > hi) hi = d0 + span; }
    /* data from a two-symbol alphabet so REPE/REPNE stop at varied places */
    uint8_t x = (uint8_t)rnd32(), y = (uint8_t)(x ^ (1u << rn(8)));
    t.maddr = lo;
    t.mlen = (int)(hi - lo);
    for (int i = 0; i < t.mlen; i++) t.mem[i] = rn(4) ? x : y;
    if (op == 1 && usesrc) /* CMPS: destination mostly equal to source */
        for (int i = 0; i < span; i++)
            if (rn(8)) t.mem[d0 - lo + i] = t.mem[s0 - lo + i];
    /* SCAS: the common symbol for REPE (runs continue), the rare one for REPNE */
    uint32_t av = 0;
    for (int i = 0; i < 4; i++) av |= (uint32_t)((rep == 2 ? rn(8) != 0 : rn(4) != 0) ? (rep == 2 ? y : x) : (rep == 2 ? x : y)) << (8 * i);
    setr(&t, sz, EAX, op == 2 ? gval(sz) : av);
    if (rep == 1) B(&t, 0xf3);
    if (rep == 2) B(&t, 0xf2);
    if (sz == 16) B(&t, 0x66);
    B(&t, (uint8_t)(opc[op] + (sz != 8)));
    t.need67 = 1;
    run(&t);
}

static void gen_string(void)
{
    open_out("string.vec.gz", 7);
    for (int op = 0; op < 5; op++)
        for (int sz = 8; sz <= 32; sz *= 2)
            for (int rep = 0; rep < 3; rep++) {
                if (rep == 2 && op != 1 && op != 4) continue;
                for (int df = 0; df < 2; df++)
                    for (int i = 0; i < 150; i++) str_one(op, sz, rep, df);
            }
    close_out();
}

/* ------------------------------------------------------------------------ */
/* x87                                                                       */

struct f80 {
    uint64_t m;
    uint16_t se;
};
#define JBIT 0x8000000000000000ull

static struct f80 F(int s, int e, uint64_t m)
{
    struct f80 r = {m, (uint16_t)((s ? 0x8000 : 0) | (e & 0x7fff))};
    return r;
}
static int fexp(struct f80 a) { return a.se & 0x7fff; }
static int fsgn(struct f80 a) { return a.se >> 15; }
static int fnormal(struct f80 a) { return fexp(a) != 0 && fexp(a) != 0x7fff && (a.m & JBIT); }
static struct f80 ld2f(long double x)
{
    struct f80 r;
    memcpy(&r.m, &x, 8);
    memcpy(&r.se, (char *)&x + 8, 2);
    return r;
}
static long double f2ld(struct f80 f)
{
    long double x = 0;
    memcpy(&x, &f.m, 8);
    memcpy((char *)&x + 8, &f.se, 2);
    return x;
}
static struct f80 fneg(struct f80 a) { a.se ^= 0x8000; return a; }

/* random significand with the integer bit set, often with trailing zeros */
static uint64_t rmant(void)
{
    uint64_t m = JBIT | rnd64() >> 1;
    if (rn(3) == 0) m &= ~((1ull << rn(63)) - 1);
    return m | JBIT;
}
static int clampe(int e) { return e < 1 ? 1 : e > 0x7ffe ? 0x7ffe : e; }

/* significand with a rounding-boundary pattern after bit p (24, 53 or 64) */
static uint64_t rbound(int p)
{
    uint64_t m = rmant();
    int tail = 64 - p;
    if (tail) {
        uint64_t tm = (1ull << tail) - 1, half = 1ull << (tail - 1), tb;
        switch (rn(7)) {
        case 0: tb = half; break;
        case 1: tb = half - 1; break;
        case 2: tb = half + 1; break;
        case 3: tb = tm; break;
        case 4: tb = 1; break;
        case 5: tb = 0; break;
        default: tb = rnd64() & tm; break;
        }
        m = (m & ~tm) | tb;
        if (rn(4) == 0) m |= ~tm; /* all ones up to the boundary: carry into the exponent */
    } else
        m = rn(2) ? ~0ull : (m | 0xffff);
    return m | JBIT;
}

enum { C_NEAR1, C_WIDE, C_EXTREME, C_ZERO, C_DENORM, C_PDENORM, C_INF, C_QNAN, C_SNAN, C_UNSUP, C_ROUND, C_INT,
       C_HALF, C_SHORT, C_N };

static struct f80 fclass(int c)
{
    int s = rn(2);
    switch (c) {
    case C_NEAR1: return F(s, 0x3fff - 8 + rn(17), rmant());
    case C_WIDE: return F(s, 1 + rn(0x7ffe), rmant());
    case C_EXTREME: return F(s, rn(2) ? 1 + rn(80) : 0x7ffe - rn(80), rmant());
    case C_ZERO: return F(s, 0, 0);
    case C_DENORM: return F(s, 0, (rnd64() >> 1 >> rn(63)) | 1);
    case C_PDENORM: return F(s, 0, rmant());
    case C_INF: return F(s, 0x7fff, JBIT);
    case C_QNAN: return F(rn(4) ? s : 1, 0x7fff, 0xc000000000000000ull | (rn(3) ? rnd64() >> 2 : 0));
    case C_SNAN: return F(s, 0x7fff, JBIT | (rnd64() >> 2) | 1);
    case C_UNSUP:
        switch (rn(3)) {
        case 0: return F(s, 0x7fff, rnd64() >> 1); /* pseudo-NaN (J=0) */
        case 1: return F(s, 0x7fff, 0);            /* pseudo-infinity */
        default: return F(s, 1 + rn(0x7ffe), rnd64() >> (1 + rn(63))); /* unnormal */
        }
    case C_ROUND: {
        static const int pr[3] = {24, 53, 64};
        return F(s, 0x3fff - 4 + rn(9), rbound(pr[rn(3)]));
    }
    case C_INT: {
        int64_t v = (int64_t)(rnd64() >> (1 + rn(63)));
        return ld2f(s ? -(long double)v : (long double)v);
    }
    case C_HALF: {
        int64_t v = (int64_t)(rnd64() >> (2 + rn(62)));
        long double x = (long double)v + 0.5L;
        return ld2f(s ? -x : x);
    }
    default: {
        long double x = (long double)((int)rn(4096) - 2048) / (long double)(1u << rn(16));
        return ld2f(x);
    }
    }
}

static struct f80 fany(void)
{
    static const uint8_t w[C_N] = {20, 12, 6, 8, 6, 2, 5, 4, 4, 3, 10, 8, 5, 7};
    unsigned k = rn(100);
    for (int c = 0; c < C_N; c++) {
        if (k < w[c]) return fclass(c);
        k -= w[c];
    }
    return fclass(C_NEAR1);
}
static struct f80 fnear1(void) { return F(rn(2), 0x3fff - 20 + rn(41), rmant()); }

/* an operand whose exponent is within +-70 of a's */
static struct f80 frelated(struct f80 a)
{
    if (!fnormal(a)) return fany();
    return F(rn(2), clampe(fexp(a) + (int)rn(141) - 70), rmant());
}
/* nearly equal magnitude (cancellation in add/sub), either sign */
static struct f80 fnearby(struct f80 a)
{
    if (!fnormal(a)) return fany();
    uint64_t m = (a.m ^ (rnd64() >> (1 + rn(63)))) | JBIT;
    return F(rn(2) ? fsgn(a) : !fsgn(a), clampe(fexp(a) + (int)rn(3) - 1), m);
}
/* half an ulp (at 24/53/64 bits) of a, or close to it */
static struct f80 fhalf(struct f80 a)
{
    static const int pr[7] = {24, 25, 53, 54, 64, 65, 66};
    if (!fnormal(a)) return fany();
    int e = fexp(a) - pr[rn(7)];
    if (e < 1) return fany();
    uint64_t m = rn(3) ? JBIT : JBIT | (rnd64() >> (40 + rn(24)));
    if (rn(4) == 0) m = ~0ull;
    return F(rn(2), e, m);
}

static struct f80 f32tof(uint32_t v)
{
    int s = v >> 31, e = (v >> 23) & 0xff;
    uint64_t m = v & 0x7fffff;
    if (e == 0xff) return F(s, 0x7fff, JBIT | m << 40);
    if (e == 0) {
        if (!m) return F(s, 0, 0);
        int lz = __builtin_clzll(m);
        return F(s, 0x3fff + 63 - lz - 149, m << lz);
    }
    return F(s, e - 127 + 0x3fff, JBIT | m << 40);
}
static struct f80 f64tof(uint64_t v)
{
    int s = (int)(v >> 63), e = (int)((v >> 52) & 0x7ff);
    uint64_t m = v & ((1ull << 52) - 1);
    if (e == 0x7ff) return F(s, 0x7fff, JBIT | m << 11);
    if (e == 0) {
        if (!m) return F(s, 0, 0);
        int lz = __builtin_clzll(m);
        return F(s, 0x3fff + 63 - lz - 1074, m << lz);
    }
    return F(s, e - 1023 + 0x3fff, JBIT | m << 11);
}
static struct f80 i64tof(int64_t v) { return ld2f((long double)v); }

static uint32_t gen_f32(void)
{
    uint32_t s = (uint32_t)rn(2) << 31, m = rnd32() & 0x7fffff;
    if (rn(3) == 0) m &= ~((1u << rn(23)) - 1);
    switch (rn(16)) {
    case 0: return s;
    case 1: return s | (m >> rn(23)) | 1;
    case 2: return s | 0x7f800000u;
    case 3: return s | 0x7fc00000u | (rn(2) ? 0 : (m & 0x3fffff));
    case 4: return s | 0x7f800000u | (m & 0x3fffff) | 1;
    case 5: return s | (rn(2) ? 0x7f7fffffu : 0x00800000u);
    case 6: case 7: case 8: return s | (117 + rn(21)) << 23 | m;
    default: return s | (1 + rn(254)) << 23 | m;
    }
}
static uint64_t gen_f64(void)
{
    uint64_t s = (uint64_t)rn(2) << 63, m = rnd64() & ((1ull << 52) - 1);
    if (rn(3) == 0) m &= ~((1ull << rn(52)) - 1);
    switch (rn(16)) {
    case 0: return s;
    case 1: return s | (m >> rn(52)) | 1;
    case 2: return s | 0x7ff0000000000000ull;
    case 3: return s | 0x7ff8000000000000ull | (rn(2) ? 0 : (m & 0x7ffffffffffffull));
    case 4: return s | 0x7ff0000000000000ull | (m & 0x7ffffffffffffull) | 1;
    case 5: return s | (rn(2) ? 0x7fefffffffffffffull : 0x0010000000000000ull);
    case 6: case 7: case 8: return s | (uint64_t)(1013 + rn(21)) << 52 | m;
    default: return s | (uint64_t)(1 + rn(2046)) << 52 | m;
    }
}
static int64_t gen_int(int bits)
{
    int64_t mx = bits == 64 ? INT64_MAX : (1ll << (bits - 1)) - 1, mn = -mx - 1;
    switch (rn(8)) {
    case 0: {
        int64_t e[7] = {0, 1, -1, mx, mn, mn + 1, mx - 1};
        return e[rn(7)];
    }
    case 1: return (int64_t)rn(200) - 100;
    default: {
        uint64_t u = rnd64() >> (64 - bits + rn(bits));
        int64_t v = (int64_t)u;
        if (v > mx) v = mx;
        return rn(2) ? v : -v;
    }
    }
}

enum { MT_NONE, M32F, M64F, M80F, M16I, M32I, M64I, MBCD, MW };
static const int mtlen[] = {0, 4, 8, 10, 2, 4, 8, 10, 2};

static void put_f80(uint8_t *p, struct f80 v)
{
    for (int k = 0; k < 8; k++) p[k] = (uint8_t)(v.m >> (8 * k));
    p[8] = (uint8_t)v.se;
    p[9] = (uint8_t)(v.se >> 8);
}

/* packed BCD: returns 1 when a digit is invalid (result undefined per SDM) */
static int gen_bcd(uint8_t *p, struct f80 *val)
{
    int nd = rn(4) == 0 ? 18 : 1 + (int)rn(18), bad = 0;
    uint64_t v = 0;
    memset(p, 0, 10);
    for (int d = 0; d < nd; d++) {
        unsigned dig = rn(10);
        if (rn(3) == 0 && d == nd - 1) dig = 9;
        p[d / 2] |= (uint8_t)(dig << (4 * (d & 1)));
    }
    if (rn(12) == 0) memset(p, 0x99, 9);
    if (rn(40) == 0) memset(p, 0, 9);
    if (rn(25) == 0) {
        p[rn(9)] |= 0xa0 + (uint8_t)rn(6) * 0x10;
        bad = 1;
    }
    p[9] = (uint8_t)((rn(2) ? 0x80 : 0) | (rn(8) == 0 ? rn(128) : 0)); /* bits 0-6 of the sign byte are ignored */
    for (int d = 17; d >= 0; d--) v = v * 10 + ((p[d / 2] >> (4 * (d & 1))) & 15);
    *val = ld2f((p[9] & 0x80) ? -(long double)v : (long double)v);
    return bad;
}

/* fill a memory operand of type mt; returns its value as an f80 (ints exact) */
static struct f80 xmem_gen(struct test *t, uint8_t *p, int mt)
{
    struct f80 v = {0, 0};
    switch (mt) {
    case M32F: {
        uint32_t x = gen_f32();
        memcpy(p, &x, 4);
        return f32tof(x);
    }
    case M64F: {
        uint64_t x = gen_f64();
        memcpy(p, &x, 8);
        return f64tof(x);
    }
    case M80F: v = fany(); put_f80(p, v); return v;
    case M16I: case M32I: case M64I: {
        int bits = mt == M16I ? 16 : mt == M32I ? 32 : 64;
        int64_t x = gen_int(bits);
        memcpy(p, &x, (size_t)(bits / 8));
        return i64tof(x);
    }
    case MBCD:
        if (gen_bcd(p, &v)) t->uout |= U_FPREGS;
        return v;
    default: {
        uint16_t w = (uint16_t)rnd32();
        memcpy(p, &w, 2);
        return v;
    }
    }
}

enum { XK_STI, XK_FIX, XK_MEM };
enum { XG_BIN, XG_SQRT, XG_RND, XG_SCALE, XG_PREM, XG_ANY, XG_CMP, XG_LD, XG_STFP, XG_STINT, XG_STBCD, XG_NONE,
       XG_FCMOV, XG_2XM1, XG_YL2X, XG_YL2XP1, XG_TRIG, XG_PATAN, XG_CW };

struct xop {
    const char *mn, *form;
    uint8_t opc, mrm; /* mrm: ST(i) base, full byte, or the /digit */
    uint8_t kind, mt;
    uint8_t need, usei, push; /* valid registers needed, ST(i) needed, free slots needed */
    uint8_t gen, rcpc, store;
    uint16_t swu; /* status-word bits the SDM leaves undefined */
    int n;
};

/*
 * Undefined condition codes (SDM "FPU Flags Affected"):
 *  SWU_A: arithmetic, load/store, constant, FXCH, FCMOVcc, FXTRACT, FSCALE,
 *         F2XM1, FYL2X(P1), FPATAN, FINCSTP/FDECSTP: C1 is defined (stack
 *         fault direction or round-up), C0 C2 C3 undefined.
 *  SWU_T: FSIN FCOS FSINCOS FPTAN: C2 tells an out-of-range operand, C1 as
 *         above, C0 and C3 undefined.
 *  SWU_ALL: FFREE, FNSTSW, FNSTCW, FLDCW, FNOP: all four undefined.
 *  compares, FTST, FXAM, FPREM, FPREM1, FCOMI family: all defined (0).
 */
#define SWU_A (FC0 | FC2 | FC3)
#define SWU_T (FC0 | FC3)
#define SWU_ALL (FC0 | FC1 | FC2 | FC3)

static void x87_image(struct test *t, uint16_t cw, uint16_t sw, int top, int depth, const struct f80 *s)
{
    uint8_t *f = t->fimg;
    uint16_t tw = 0;
    memset(f, 0, 108);
    for (int p = 0; p < 8; p++) {
        int j = (p - top) & 7, tag = 3;
        if (j < depth) {
            int e = fexp(s[j]);
            tag = e == 0 ? (s[j].m ? 2 : 1) : (e == 0x7fff || !(s[j].m & JBIT)) ? 2 : 0;
        }
        tw |= (uint16_t)(tag << (2 * p));
    }
    sw = (uint16_t)((sw & ~0x3800u) | (unsigned)top << 11);
    f[0] = (uint8_t)cw;
    f[1] = (uint8_t)(cw >> 8);
    f[4] = (uint8_t)sw;
    f[5] = (uint8_t)(sw >> 8);
    f[8] = (uint8_t)tw;
    f[9] = (uint8_t)(tw >> 8);
    f[2] = f[3] = f[6] = f[7] = f[10] = f[11] = 0xff;
    for (int j = 0; j < depth; j++) put_f80(f + 28 + 10 * j, s[j]);
    t->fpu = 1;
}

static void x87_one(const struct xop *o, int idx)
{
    struct test t;
    struct f80 s[8];
    uint8_t mem[16];
    int len = mtlen[o->mt];
    tinit(&t, o->mn);
    tname(&t, o->mn, o->form, 0);
    int i = o->kind == XK_STI ? (int)rn(8) : 0;
    int oi = o->kind == XK_STI ? i : 1; /* the second register operand */

    /* control word: every RC x PC for the rounding-sensitive forms */
    static const int pcs[3] = {0, 2, 3};
    int rc = 0, pc = 3;
    if (o->rcpc) {
        rc = (idx % 12) & 3;
        pc = pcs[(idx % 12) >> 2];
    } else if (rn(4) == 0) {
        rc = rn(4);
        pc = pcs[rn(3)];
    }
    unsigned masks = rn(100) < 12 ? (rnd32() & 0x3f) : 0x3f;
    uint16_t cw = (uint16_t)(0x40 | masks | pc << 8 | rc << 10);
    if (rn(64) == 0) cw |= 0x1000; /* infinity control: ignored since the 387 */
    uint16_t sw = (uint16_t)(rnd32() & (FC0 | FC1 | FC2 | FC3));
    if (rn(3) == 0) {
        sw |= (uint16_t)(rnd32() & masks); /* sticky flags of masked exceptions only */
        if ((sw & 1) && rn(2)) sw |= 0x40;
    }
    int top = rn(8);

    int need = o->need;
    if (o->usei && i + 1 > need) need = i + 1;
    int maxd = 8 - o->push;
    int depth = need + (int)rn(3);
    if (depth > maxd) depth = maxd;
    if (depth < need) depth = need;
    unsigned r = rn(100);
    if (r < 4 && need > 0) depth = rn(need); /* stack underflow */
    else if (r < 8 && o->push) depth = 8;    /* stack overflow */
    for (int j = 0; j < 8; j++) s[j] = fany();
    memset(mem, o->store ? 0xa5 : 0, sizeof mem);

    switch (o->gen) {
    case XG_BIN: {
        struct f80 a = fany(), b;
        unsigned k = rn(10);
        if (o->kind == XK_MEM) {
            b = xmem_gen(&t, mem, o->mt);
            s[0] = k < 2 ? frelated(b) : k < 4 ? fnearby(b) : k < 5 ? fhalf(b) : k < 6 ? b : a;
            if (k == 9) s[0] = F(rn(2), 0x3fff + (int)rn(64), rmant());
        } else {
            b = k < 3 ? fany() : k < 5 ? frelated(a) : k < 7 ? fnearby(a) : k < 8 ? fhalf(a) : k < 9 ? a : fany();
            if (rn(2)) {
                struct f80 x = a;
                a = b;
                b = x;
            }
            s[0] = a;
            if (oi) s[oi] = b;
        }
        break;
    }
    case XG_SQRT:
        if (rn(5)) s[0].se &= 0x7fff;
        if (rn(5) == 0) {
            long double x = f2ld(fclass(C_SHORT));
            s[0] = ld2f(x * x);
        }
        if (rn(6) == 0) s[0] = F(0, 0x3fff - 70 + rn(141), rbound(rn(2) ? 24 : 53));
        break;
    case XG_RND: {
        unsigned k = rn(10);
        if (k < 3) s[0] = fclass(C_HALF);
        else if (k < 5) s[0] = fclass(C_INT);
        else if (k < 8) s[0] = F(rn(2), 0x3fff - 2 + rn(68), rmant());
        break;
    }
    case XG_SCALE: {
        unsigned k = rn(10);
        int sg = rn(2);
        if (k < 4) {
            long double x = (long double)((int)rn(161) - 80);
            if (rn(3) == 0) x += (long double)rn(1000) / 1024.0L;
            s[1] = ld2f(x);
        } else if (k == 4) s[1] = F(sg, 0x3fff + 14 + rn(57), rmant());
        else if (k == 5) s[1] = F(sg, 0x3fff + 64 + rn(0x3000), rmant());
        else if (k == 6) s[1] = F(sg, 0x3fff - 1 - rn(30), rmant());
        if (rn(3) == 0) s[0] = fnear1();
        break;
    }
    case XG_PREM: {
        unsigned k = rn(10);
        if (k < 7) {
            int ea = rn(3) == 0 ? 1 + (int)rn(0x7ffe) : 0x3fff - 200 + (int)rn(401);
            int d = rn(6) == 0 ? (int)rn(2000) : (int)rn(110) - 5;
            s[0] = F(rn(2), ea, rmant());
            s[1] = F(rn(2), clampe(ea - d), rmant());
        } else if (k < 8) {
            s[0] = ld2f((long double)((int64_t)(rnd64() >> rn(64)) * (rn(2) ? 1 : -1)));
            s[1] = ld2f((long double)((int)rn(2000) - 1000));
        }
        break;
    }
    case XG_CMP: {
        struct f80 a = fany(), b;
        unsigned k = rn(10);
        if (o->kind == XK_MEM) {
            b = xmem_gen(&t, mem, o->mt);
            s[0] = k < 4 ? b : k < 6 ? fnearby(b) : k < 7 ? fneg(b) : a;
        } else {
            b = k < 3 ? a : k < 4 ? fneg(a) : k < 6 ? fnearby(a) : fany();
            if (k == 4) {
                a = F(rn(2), 0, 0);
                b = F(rn(2), 0, 0);
            }
            s[0] = a;
            if (oi) s[oi] = b;
        }
        break;
    }
    case XG_LD:
        if (o->kind == XK_MEM) xmem_gen(&t, mem, o->mt);
        break;
    case XG_STFP: {
        unsigned k = rn(10);
        int sg = rn(2);
        if (o->mt == M32F) {
            if (k < 4) s[0] = F(sg, 0x3fff + (rn(2) ? 124 + (int)rn(6) : -(122 + (int)rn(32))), rmant());
            else if (k < 6) s[0] = F(sg, 0x3fff - 20 + rn(41), rbound(24));
            else if (k < 7) s[0] = F(sg, 0x3fff + (rn(2) ? 127 : -126 - (int)rn(24)), rbound(24 + rn(24)));
        } else if (o->mt == M64F) {
            if (k < 4) s[0] = F(sg, 0x3fff + (rn(2) ? 1020 + (int)rn(6) : -(1018 + (int)rn(60))), rmant());
            else if (k < 6) s[0] = F(sg, 0x3fff - 20 + rn(41), rbound(53));
            else if (k < 7) s[0] = F(sg, 0x3fff + (rn(2) ? 1023 : -1022 - (int)rn(53)), rbound(53));
        }
        break;
    }
    case XG_STINT: {
        int bits = o->mt == M16I ? 16 : o->mt == M32I ? 32 : 64;
        unsigned k = rn(10);
        static const long double dl[9] = {-1.5L, -1.0L, -0.5L, -0.25L, 0.0L, 0.25L, 0.5L, 1.0L, 1.5L};
        long double lim = (long double)(1ull << (bits - 1)), x;
        if (k < 3) {
            x = (rn(2) ? lim : -lim) + dl[rn(9)];
            if (bits == 64 && rn(2)) s[0] = F(rn(2), 0x3fff + 62 + rn(2), rmant());
            else s[0] = ld2f(x);
        } else if (k < 5) {
            x = (long double)(rnd64() >> (65 - bits + rn(bits - 1))) + dl[rn(9)];
            s[0] = ld2f(rn(2) ? -x : x);
        } else if (k < 7) {
            x = (long double)rn(8) + dl[rn(9)];
            s[0] = ld2f(rn(2) ? -x : x);
        } else if (k < 8)
            s[0] = fclass(C_HALF);
        break;
    }
    case XG_STBCD: {
        unsigned k = rn(10);
        static const long double dl[7] = {-1.0L, -0.5L, -0.25L, 0.0L, 0.25L, 0.5L, 1.0L};
        long double x;
        if (k < 3) x = 1e18L - 1 + dl[rn(7)] + (rn(3) == 0 ? 1 : 0);
        else if (k < 6) x = (long double)(rnd64() % 1000000000000000000ull >> rn(60)) + dl[rn(7)];
        else if (k < 7) x = (long double)rn(10) + dl[rn(7)];
        else break;
        s[0] = ld2f(rn(2) ? -x : x);
        break;
    }
    case XG_FCMOV:
        t.efl = flagcombo(((idx & 1) ? 1 : 0) | ((idx & 2) ? 4 : 0) | ((idx & 4) ? 2 : 0) | (rn(4) << 3));
        break;
    case XG_2XM1: {
        unsigned k = rn(20);
        int sg = rn(2);
        if (k < 12) s[0] = F(sg, 0x3ffe - rn(70), rmant());
        else if (k < 13) s[0] = F(sg, 0x3fff, JBIT);
        else if (k < 14) s[0] = F(sg, 0x3ffe - rn(3), JBIT);
        else if (k < 16) s[0] = F(sg, 0x3fff + rn(4), rmant());
        /* SDM: the source must lie in -1.0..+1.0, otherwise the result is undefined */
        if (fnormal(s[0]) && (fexp(s[0]) > 0x3fff || (fexp(s[0]) == 0x3fff && s[0].m != JBIT)) && depth >= 1)
            t.uout |= U_FPREGS;
        break;
    }
    case XG_YL2X: {
        unsigned k = rn(12);
        if (k < 5) s[0] = F(0, 1 + rn(0x7ffe), rmant());
        else if (k < 6) s[0] = F(0, 0x3fff, JBIT | (rnd64() >> (20 + rn(44))));
        else if (k < 7) s[0] = F(0, 0x3ffe, ~0ull ^ (rnd64() >> (20 + rn(44))));
        else if (k < 8) s[0] = F(0, 0x3fff - 50 + rn(100), JBIT);
        if (rn(2)) s[1] = fnear1();
        break;
    }
    case XG_YL2XP1: {
        unsigned k = rn(20);
        int sg = rn(2);
        if (k < 12) s[0] = F(sg, 0x3ffc - rn(70), rmant());
        else if (k < 14)
            s[0] = F(sg, 0x3ffd, JBIT | (rnd64() % (uint64_t)(0.171572875253809902L * 9223372036854775808.0L)));
        else if (k < 16) s[0] = F(sg, 0x3ffd + rn(3), rmant());
        if (rn(2)) s[1] = fnear1();
        /* SDM: |ST(0)| must be below 1 - sqrt(2)/2, otherwise the result is undefined */
        if (fnormal(s[0]) && depth >= 2) {
            long double x = f2ld(s[0]);
            if (x < 0) x = -x;
            if (x >= 0.29289321881345247559915563789515096L) t.uout |= U_FPREGS;
        }
        break;
    }
    case XG_TRIG: {
        unsigned k = rn(20);
        int sg = rn(2);
        if (k < 6) s[0] = F(sg, 0x3ffe - rn(20), rmant());
        else if (k < 9) s[0] = F(sg, 0x3fff + rn(10), rmant());
        else if (k < 11) s[0] = F(sg, 0x3fff + 10 + rn(52), rmant());
        else if (k < 12) s[0] = F(sg, 0x3fff + 62 + rn(2), rmant());
        else if (k < 14) {
            const long double pio2 = 1.57079632679489661923132169163975144L;
            struct f80 x = ld2f((long double)((int)rn(41) - 20) * pio2);
            if (fnormal(x)) x.m = (x.m ^ (rnd64() >> (40 + rn(24)))) | JBIT;
            s[0] = x;
        } else if (k < 15)
            s[0] = F(sg, clampe(0x3fff - 20 - (int)rn(0x3f00)), rmant());
        break;
    }
    case XG_PATAN: {
        unsigned k = rn(10);
        if (k < 5) {
            s[0] = fnear1();
            s[1] = fnear1();
        } else if (k < 7) {
            static const int cl[3] = {C_ZERO, C_INF, C_NEAR1};
            s[0] = fclass(cl[rn(3)]);
            s[1] = fclass(cl[rn(3)]);
        }
        break;
    }
    case XG_CW: {
        uint16_t w = rn(3) ? (uint16_t)((rnd32() & 0x0f3f) | 0x40) : (uint16_t)rnd32();
        memcpy(mem, &w, 2);
        break;
    }
    default: break;
    }

    if (depth < 8)
        for (int j = depth; j < 8; j++) s[j] = F(0, 0, 0);
    x87_image(&t, cw, sw, top, depth, s);
    B(&t, o->opc);
    if (o->kind == XK_MEM) {
        struct mop m;
        uint32_t ea = pick_ea(len);
        plan_mem(&t, &m, ea, 0);
        t.maddr = ea;
        t.mlen = len;
        memcpy(t.mem, mem, (size_t)len);
        emit_mop(&t, &m, o->mrm);
    } else
        B(&t, (uint8_t)(o->kind == XK_STI ? o->mrm + i : o->mrm));
    t.swundef = o->swu;
    /* SDM: the quotient bits go to C0 C3 C1 when the reduction is complete;
       for a partial remainder (C2=1) they are not specified. */
    t.fprem = o->gen == XG_PREM;
    run(&t);
}

static void x87_run(const struct xop *ops, size_t n, double scale)
{
    for (size_t k = 0; k < n; k++) {
        int cnt = (int)(ops[k].n * scale);
        for (int i = 0; i < cnt; i++) x87_one(&ops[k], i);
    }
}

static void gen_x87(void)
{
    /* binary arithmetic: built from the opcode map */
    static const char *bn[8] = {"fadd", "fmul", NULL, NULL, "fsub", "fsubr", "fdiv", "fdivr"};
    static const char *bnp[8] = {"faddp", "fmulp", NULL, NULL, "fsubp", "fsubrp", "fdivp", "fdivrp"};
    static const char *bni[8] = {"fiadd", "fimul", NULL, NULL, "fisub", "fisubr", "fidiv", "fidivr"};
    struct xop ar[48];
    int na = 0;
    const int NB = 800;
    for (int k = 0; k < 8; k++) {
        if (!bn[k]) continue;
        int kr = k >= 4 ? k ^ 1 : k; /* DC/DE register forms swap SUB/SUBR and DIV/DIVR */
        ar[na++] = (struct xop){bn[k], "st0,sti", 0xd8, (uint8_t)(0xc0 + 8 * k), XK_STI, 0, 1, 1, 0, XG_BIN, 1, 0, SWU_A, NB};
        ar[na++] = (struct xop){bn[kr], "sti,st0", 0xdc, (uint8_t)(0xc0 + 8 * k), XK_STI, 0, 1, 1, 0, XG_BIN, 1, 0, SWU_A, NB};
        ar[na++] = (struct xop){bnp[kr], "sti,st0", 0xde, (uint8_t)(0xc0 + 8 * k), XK_STI, 0, 1, 1, 0, XG_BIN, 1, 0, SWU_A, NB};
        ar[na++] = (struct xop){bn[k], "m32fp", 0xd8, (uint8_t)k, XK_MEM, M32F, 1, 0, 0, XG_BIN, 1, 0, SWU_A, NB};
        ar[na++] = (struct xop){bn[k], "m64fp", 0xdc, (uint8_t)k, XK_MEM, M64F, 1, 0, 0, XG_BIN, 1, 0, SWU_A, NB};
        ar[na++] = (struct xop){bni[k], "m32int", 0xda, (uint8_t)k, XK_MEM, M32I, 1, 0, 0, XG_BIN, 1, 0, SWU_A, NB};
        ar[na++] = (struct xop){bni[k], "m16int", 0xde, (uint8_t)k, XK_MEM, M16I, 1, 0, 0, XG_BIN, 1, 0, SWU_A, NB};
    }
    open_out("x87-arith.vec.gz", 8);
    x87_run(ar, (size_t)na, 1.0);
    close_out();

    static const struct xop un[] = {
        {"fsqrt", "", 0xd9, 0xfa, XK_FIX, 0, 1, 0, 0, XG_SQRT, 1, 0, SWU_A, 2400},
        {"fabs", "", 0xd9, 0xe1, XK_FIX, 0, 1, 0, 0, XG_ANY, 0, 0, SWU_A, 300},
        {"fchs", "", 0xd9, 0xe0, XK_FIX, 0, 1, 0, 0, XG_ANY, 0, 0, SWU_A, 300},
        {"frndint", "", 0xd9, 0xfc, XK_FIX, 0, 1, 0, 0, XG_RND, 1, 0, SWU_A, 2400},
        {"fscale", "", 0xd9, 0xfd, XK_FIX, 0, 2, 0, 0, XG_SCALE, 1, 0, SWU_A, 2400},
        {"fxtract", "", 0xd9, 0xf4, XK_FIX, 0, 1, 0, 1, XG_ANY, 0, 0, SWU_A, 900},
        {"fprem", "", 0xd9, 0xf8, XK_FIX, 0, 2, 0, 0, XG_PREM, 0, 0, 0, 2400},
        {"fprem1", "", 0xd9, 0xf5, XK_FIX, 0, 2, 0, 0, XG_PREM, 0, 0, 0, 2400},
    };
    open_out("x87-unary.vec.gz", 9);
    x87_run(un, sizeof un / sizeof un[0], 1.4);
    close_out();

    static const struct xop cmp[] = {
        {"fcom", "st0,sti", 0xd8, 0xd0, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"fcomp", "st0,sti", 0xd8, 0xd8, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"fcom", "m32fp", 0xd8, 2, XK_MEM, M32F, 1, 0, 0, XG_CMP, 0, 0, 0, 700},
        {"fcom", "m64fp", 0xdc, 2, XK_MEM, M64F, 1, 0, 0, XG_CMP, 0, 0, 0, 700},
        {"fcomp", "m32fp", 0xd8, 3, XK_MEM, M32F, 1, 0, 0, XG_CMP, 0, 0, 0, 500},
        {"fcomp", "m64fp", 0xdc, 3, XK_MEM, M64F, 1, 0, 0, XG_CMP, 0, 0, 0, 500},
        {"fcompp", "", 0xde, 0xd9, XK_FIX, 0, 2, 0, 0, XG_CMP, 0, 0, 0, 700},
        {"fucom", "st0,sti", 0xdd, 0xe0, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"fucomp", "st0,sti", 0xdd, 0xe8, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"fucompp", "", 0xda, 0xe9, XK_FIX, 0, 2, 0, 0, XG_CMP, 0, 0, 0, 700},
        {"fcomi", "st0,sti", 0xdb, 0xf0, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"fcomip", "st0,sti", 0xdf, 0xf0, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"fucomi", "st0,sti", 0xdb, 0xe8, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"fucomip", "st0,sti", 0xdf, 0xe8, XK_STI, 0, 1, 1, 0, XG_CMP, 0, 0, 0, 700},
        {"ficom", "m16int", 0xde, 2, XK_MEM, M16I, 1, 0, 0, XG_CMP, 0, 0, 0, 500},
        {"ficom", "m32int", 0xda, 2, XK_MEM, M32I, 1, 0, 0, XG_CMP, 0, 0, 0, 500},
        {"ficomp", "m16int", 0xde, 3, XK_MEM, M16I, 1, 0, 0, XG_CMP, 0, 0, 0, 400},
        {"ficomp", "m32int", 0xda, 3, XK_MEM, M32I, 1, 0, 0, XG_CMP, 0, 0, 0, 400},
        {"ftst", "", 0xd9, 0xe4, XK_FIX, 0, 1, 0, 0, XG_ANY, 0, 0, 0, 700},
        {"fxam", "", 0xd9, 0xe5, XK_FIX, 0, 1, 0, 0, XG_ANY, 0, 0, 0, 1200},
    };
    open_out("x87-cmp.vec.gz", 10);
    x87_run(cmp, sizeof cmp / sizeof cmp[0], 1.4);
    close_out();

    static const struct xop ld[] = {
        {"fld", "m32fp", 0xd9, 0, XK_MEM, M32F, 0, 0, 1, XG_LD, 0, 0, SWU_A, 1200},
        {"fld", "m64fp", 0xdd, 0, XK_MEM, M64F, 0, 0, 1, XG_LD, 0, 0, SWU_A, 1200},
        {"fld", "m80fp", 0xdb, 5, XK_MEM, M80F, 0, 0, 1, XG_LD, 0, 0, SWU_A, 1200},
        {"fld", "sti", 0xd9, 0xc0, XK_STI, 0, 0, 1, 1, XG_LD, 0, 0, SWU_A, 400},
        {"fst", "m32fp", 0xd9, 2, XK_MEM, M32F, 1, 0, 0, XG_STFP, 1, 1, SWU_A, 2000},
        {"fst", "m64fp", 0xdd, 2, XK_MEM, M64F, 1, 0, 0, XG_STFP, 1, 1, SWU_A, 2000},
        {"fstp", "m32fp", 0xd9, 3, XK_MEM, M32F, 1, 0, 0, XG_STFP, 1, 1, SWU_A, 600},
        {"fstp", "m64fp", 0xdd, 3, XK_MEM, M64F, 1, 0, 0, XG_STFP, 1, 1, SWU_A, 600},
        {"fstp", "m80fp", 0xdb, 7, XK_MEM, M80F, 1, 0, 0, XG_STFP, 0, 1, SWU_A, 800},
        {"fst", "sti", 0xdd, 0xd0, XK_STI, 0, 1, 0, 0, XG_NONE, 0, 0, SWU_A, 300},
        {"fstp", "sti", 0xdd, 0xd8, XK_STI, 0, 1, 0, 0, XG_NONE, 0, 0, SWU_A, 300},
        {"fild", "m16int", 0xdf, 0, XK_MEM, M16I, 0, 0, 1, XG_LD, 0, 0, SWU_A, 400},
        {"fild", "m32int", 0xdb, 0, XK_MEM, M32I, 0, 0, 1, XG_LD, 0, 0, SWU_A, 400},
        {"fild", "m64int", 0xdf, 5, XK_MEM, M64I, 0, 0, 1, XG_LD, 0, 0, SWU_A, 600},
        {"fist", "m16int", 0xdf, 2, XK_MEM, M16I, 1, 0, 0, XG_STINT, 1, 1, SWU_A, 1500},
        {"fist", "m32int", 0xdb, 2, XK_MEM, M32I, 1, 0, 0, XG_STINT, 1, 1, SWU_A, 1500},
        {"fistp", "m16int", 0xdf, 3, XK_MEM, M16I, 1, 0, 0, XG_STINT, 1, 1, SWU_A, 500},
        {"fistp", "m32int", 0xdb, 3, XK_MEM, M32I, 1, 0, 0, XG_STINT, 1, 1, SWU_A, 500},
        {"fistp", "m64int", 0xdf, 7, XK_MEM, M64I, 1, 0, 0, XG_STINT, 1, 1, SWU_A, 1500},
        {"fbld", "m80bcd", 0xdf, 4, XK_MEM, MBCD, 0, 0, 1, XG_LD, 0, 0, SWU_A, 800},
        {"fbstp", "m80bcd", 0xdf, 6, XK_MEM, MBCD, 1, 0, 0, XG_STBCD, 1, 1, SWU_A, 1500},
        {"fld1", "", 0xd9, 0xe8, XK_FIX, 0, 0, 0, 1, XG_NONE, 1, 0, SWU_A, 240},
        {"fldl2t", "", 0xd9, 0xe9, XK_FIX, 0, 0, 0, 1, XG_NONE, 1, 0, SWU_A, 240},
        {"fldl2e", "", 0xd9, 0xea, XK_FIX, 0, 0, 0, 1, XG_NONE, 1, 0, SWU_A, 240},
        {"fldpi", "", 0xd9, 0xeb, XK_FIX, 0, 0, 0, 1, XG_NONE, 1, 0, SWU_A, 240},
        {"fldlg2", "", 0xd9, 0xec, XK_FIX, 0, 0, 0, 1, XG_NONE, 1, 0, SWU_A, 240},
        {"fldln2", "", 0xd9, 0xed, XK_FIX, 0, 0, 0, 1, XG_NONE, 1, 0, SWU_A, 240},
        {"fldz", "", 0xd9, 0xee, XK_FIX, 0, 0, 0, 1, XG_NONE, 1, 0, SWU_A, 240},
        {"fxch", "sti", 0xd9, 0xc8, XK_STI, 0, 1, 1, 0, XG_NONE, 0, 0, SWU_A, 400},
        {"fcmovb", "st0,sti", 0xda, 0xc0, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"fcmove", "st0,sti", 0xda, 0xc8, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"fcmovbe", "st0,sti", 0xda, 0xd0, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"fcmovu", "st0,sti", 0xda, 0xd8, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"fcmovnb", "st0,sti", 0xdb, 0xc0, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"fcmovne", "st0,sti", 0xdb, 0xc8, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"fcmovnbe", "st0,sti", 0xdb, 0xd0, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"fcmovnu", "st0,sti", 0xdb, 0xd8, XK_STI, 0, 1, 1, 0, XG_FCMOV, 0, 0, SWU_A, 256},
        {"ffree", "sti", 0xdd, 0xc0, XK_STI, 0, 0, 0, 0, XG_NONE, 0, 0, SWU_ALL, 300},
        {"fincstp", "", 0xd9, 0xf7, XK_FIX, 0, 0, 0, 0, XG_NONE, 0, 0, SWU_A, 200},
        {"fdecstp", "", 0xd9, 0xf6, XK_FIX, 0, 0, 0, 0, XG_NONE, 0, 0, SWU_A, 200},
        {"fnstsw", "ax", 0xdf, 0xe0, XK_FIX, 0, 0, 0, 0, XG_NONE, 0, 0, SWU_ALL, 200},
        {"fnstsw", "m16", 0xdd, 7, XK_MEM, MW, 0, 0, 0, XG_NONE, 0, 1, SWU_ALL, 200},
        {"fnstcw", "m16", 0xd9, 7, XK_MEM, MW, 0, 0, 0, XG_NONE, 0, 1, SWU_ALL, 200},
        {"fldcw", "m16", 0xd9, 5, XK_MEM, MW, 0, 0, 0, XG_CW, 0, 0, SWU_ALL, 300},
        {"fnop", "", 0xd9, 0xd0, XK_FIX, 0, 0, 0, 0, XG_NONE, 0, 0, SWU_ALL, 100},
        {"fnclex", "", 0xdb, 0xe2, XK_FIX, 0, 0, 0, 0, XG_NONE, 0, 0, SWU_ALL, 150},
        {"fninit", "", 0xdb, 0xe3, XK_FIX, 0, 0, 0, 0, XG_NONE, 0, 0, 0, 100},
    };
    open_out("x87-ldst.vec.gz", 11);
    x87_run(ld, sizeof ld / sizeof ld[0], 1.4);
    close_out();

    static const struct xop tr[] = {
        {"f2xm1", "", 0xd9, 0xf0, XK_FIX, 0, 1, 0, 0, XG_2XM1, 1, 0, SWU_A, 2000},
        {"fyl2x", "", 0xd9, 0xf1, XK_FIX, 0, 2, 0, 0, XG_YL2X, 1, 0, SWU_A, 2000},
        {"fptan", "", 0xd9, 0xf2, XK_FIX, 0, 1, 0, 1, XG_TRIG, 1, 0, SWU_T, 2000},
        {"fpatan", "", 0xd9, 0xf3, XK_FIX, 0, 2, 0, 0, XG_PATAN, 1, 0, SWU_A, 2000},
        {"fyl2xp1", "", 0xd9, 0xf9, XK_FIX, 0, 2, 0, 0, XG_YL2XP1, 1, 0, SWU_A, 2000},
        {"fsincos", "", 0xd9, 0xfb, XK_FIX, 0, 1, 0, 1, XG_TRIG, 1, 0, SWU_T, 2000},
        {"fsin", "", 0xd9, 0xfe, XK_FIX, 0, 1, 0, 0, XG_TRIG, 1, 0, SWU_T, 2000},
        {"fcos", "", 0xd9, 0xff, XK_FIX, 0, 1, 0, 0, XG_TRIG, 1, 0, SWU_T, 2000},
    };
    open_out("x87-trans.vec.gz", 12);
    x87_run(tr, sizeof tr / sizeof tr[0], 1.5);
    close_out();
}

/* ------------------------------------------------------------------------ */

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (armed && (si->si_code == FPE_INTDIV || si->si_code == FPE_INTOVF)) {
        armed = 0;
        siglongjmp(jb, 1);
    }
    die("unexpected SIGFPE");
}
static void on_crash(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    char b[64];
    snprintf(b, sizeof b, "signal %d at %p", sig, si->si_addr);
    die(b);
}

static void cpu_info(void)
{
    unsigned a, b, c, d, brand[12];
    char s[49];
    __cpuid(1, a, b, c, d);
    unsigned fam = (a >> 8) & 15, model = (a >> 4) & 15, step = a & 15;
    if (fam == 15) fam += (a >> 20) & 0xff;
    if (fam >= 6) model |= ((a >> 16) & 15) << 4;
    for (unsigned i = 0; i < 3; i++) __cpuid(0x80000002 + i, brand[4 * i], brand[4 * i + 1], brand[4 * i + 2], brand[4 * i + 3]);
    memcpy(s, brand, 48);
    s[48] = 0;
    printf("cpu: %s, family %u (0x%x) model %u (0x%x) stepping %u, cpuid(1).eax=%08x\n", s, fam, fam, model, model,
           step, a);
    __cpuid(0x80000001, a, b, c, d);
    if (!(c & 1)) die("LAHF/SAHF not available in 64-bit mode on this CPU");
}

static int cmpstat(const void *a, const void *b)
{
    return strcmp(((const struct nstat *)a)->name, ((const struct nstat *)b)->name);
}

int main(int argc, char **argv)
{
    outdir = argc > 1 ? argv[1] : ".";
    void *w = mmap((void *)(uintptr_t)WIN_BASE, WIN_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (w != (void *)(uintptr_t)WIN_BASE) {
        perror("mmap window");
        return 1;
    }
    for (uint32_t i = 0; i < WIN_SIZE; i++) pattern[i] = (uint8_t)(i * 7 + (i >> 8) * 13 + 0x5a);
    memcpy(win, pattern, WIN_SIZE);
    codebuf = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (codebuf == MAP_FAILED) {
        perror("mmap code");
        return 1;
    }
    memset(codebuf, 0xcc, CODE_SIZE);

    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sa.sa_sigaction = on_fpe;
    sigaction(SIGFPE, &sa, NULL);
    sa.sa_sigaction = on_crash;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    cpu_info();
    gen_alu();
    gen_shift();
    gen_muldiv();
    gen_bit();
    gen_move();
    gen_misc();
    gen_string();
    gen_x87();

    for (int i = 0; i < nfiles; i++) printf("file %-22s %8ld vectors\n", fstats[i].name, fstats[i].n);
    printf("total %ld vectors (%ld with #DE)\n", total_count, fault_count);
    if (argc > 2 && !strcmp(argv[2], "-v")) {
        qsort(nstats, NSTAT, sizeof nstats[0], cmpstat);
        for (int i = 0; i < NSTAT; i++)
            if (nstats[i].name[0]) printf("%-28s %ld\n", nstats[i].name, nstats[i].n);
    }
    return 0;
}
