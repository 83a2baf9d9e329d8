/* x87 against the host's own x87. Each case is one x87 instruction run
 * twice, in relic (32-bit flat protected mode, through cpu_run) and natively
 * on this x86-64 host, between the same FRSTOR of a random machine state
 * and an FNSAVE of the result:
 *
 *     frstor [ebx] ; <instruction> ; fnsave [esi] ; hlt
 *
 * with EDX pointing at the memory operand, so the instruction bytes are the
 * same in both. The FNSAVE images (FIP/FCS/FDP/FDS aside: the addresses
 * differ), EFLAGS, AX and the memory operand must match bit for bit.
 * Then relic-only checks: #NM, #MF, FWAIT, FERR#, real-mode layouts.
 *
 *   test_x87 [cases_per_form] [seed]     (TEST_X87_VERBOSE=1: every mismatch)
 *
 * Transcendental results (F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS
 * FSINCOS) are f80's approximations against the host's: a difference only
 * in the value, PE/UE or C1 is reported apart ("differ") and fails only
 * with TEST_X87_STRICT=1; a difference in the stack, C0/C2/C3 or EFLAGS
 * fails always.
 *
 * Ends with "N passed, N failed". Without an x86-64 host the native part
 * prints SKIP. */
#include "cpu/cpu.h"
#include "cpu/exec.h"
#include "cpu/block.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__linux__)
#include <sys/mman.h>
#define HAVE_NATIVE 1
#else
#define HAVE_NATIVE 0
#endif

static unsigned long long npass, nfail;
static int verbose, strict;

#if HAVE_NATIVE
static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return rs;
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }
#endif

static void check(int ok, const char *what)
{
    if (ok) npass++;
    else { nfail++; printf("FAIL: %s\n", what); }
}

/* ---- relic rig: 1 MiB, flat 32-bit segments, an IDT whose every vector
 * halts at 0x4000 + 4 * vector ---- */
enum { G_CODE = 0x1000, G_GDT = 0x3000, G_IDT = 0x3100, G_HND = 0x4000,
       G_IN = 0x5000, G_OUT = 0x5200, G_DATA = 0x6000, G_STACK = 0x8000 };

static struct physmem pm;
static struct iobus io;
static struct cpu cpu;
static int ferr_level, ferr_calls;
static void ferr_cb(void *o, int level) { (void)o; ferr_level = level; ferr_calls++; }

static void wr32(uint32_t a, uint32_t v) { uint8_t b[4]; st32le(b, v); phys_write_buf(&pm, a, b, 4); }

static void rig_init(void)
{
    if (phys_init(&pm, 1u << 20) < 0 || io_init(&io) < 0 || cpu_init(&cpu, &pm, &io) < 0) {
        printf("cannot build the rig\n");
        exit(70);
    }
    wr32(G_GDT + 8, 0x0000ffff); wr32(G_GDT + 12, 0x00cf9b00);
    wr32(G_GDT + 16, 0x0000ffff); wr32(G_GDT + 20, 0x00cf9300);
    for (int v = 0; v < 32; v++) {
        uint32_t h = G_HND + 4 * v;
        wr32(G_IDT + 8 * v, (h & 0xffff) | 0x08u << 16);
        wr32(G_IDT + 8 * v + 4, (h & 0xffff0000u) | 0x8e00);
        uint8_t hlt = 0xf4;
        phys_write_buf(&pm, h, &hlt, 1);
    }
    cpu.ferr = ferr_cb;
}

static void rig_pmode(void)
{
    struct cpu *c = &cpu;
    c->cr0 = CR0_PE | CR0_ET | CR0_NE;
    c->gdtr = (struct dtr){ G_GDT, 23 };
    c->idtr = (struct dtr){ G_IDT, 32 * 8 - 1 };
    c->eflags = 2;
    c->lf_op = LF_NONE;
    seg_from_desc(&c->seg[S_CS], 0x08, 0x0000ffff, 0x00cf9b00);
    for (int s = 0; s < 6; s++)
        if (s != S_CS) seg_from_desc(&c->seg[s], 0x10, 0x0000ffff, 0x00cf9300);
    cpu_update_mode(c);
    cpu_tlb_flush(c, 0);
}

/* Runs code at G_CODE until HLT; returns the vector of the exception that
 * ended it, or -1 if it halted at the end of the code. */
static int rig_run(const uint8_t *code, int n)
{
    struct cpu *c = &cpu;
    phys_write_buf(&pm, G_CODE, code, (size_t)n);
    block_cache_flush(c);
    c->eip = G_CODE;
    c->reg[R_ESP] = G_STACK;
    c->halted = 0;
    enum cpu_exit e = cpu_run(c, 1000);
    if (e != CPU_EXIT_HLT) return 99;
    if (c->eip == G_CODE + (uint32_t)n) return -1;
    if (c->eip > G_HND && c->eip <= G_HND + 4 * 32) return (int)(c->eip - G_HND - 1) / 4;
    return 98;
}

#if HAVE_NATIVE
/* ---- random operands ---- */
static void put80(uint8_t *b, uint64_t sig, uint16_t se) { st64le(b, sig); st16le(b + 8, se); }

static void rand_f80(uint8_t *b)
{
    uint16_t s = (uint16_t)(rn(2) << 15);
    uint64_t r = rnd();
    switch (rn(24)) {
    case 0: put80(b, 0, s); break;
    case 1: put80(b, 1ull << 63, s | 0x7fff); break;
    case 2: put80(b, (3ull << 62) | (r >> 2 & -(uint64_t)rn(2)), s | 0x7fff); break;     /* QNaN */
    case 3: put80(b, (1ull << 63) | (r >> 2) | 1, s | 0x7fff); break;                     /* SNaN */
    case 4: put80(b, r >> (1 + rn(63)), s); break;                                          /* denormal */
    case 5: put80(b, (1ull << 63) | (r >> 1 & -(uint64_t)rn(2)), s); break;               /* pseudo-denormal */
    case 6: put80(b, r >> (1 + rn(63)), s | (uint16_t)(1 + rn(0x7ffe))); break;           /* unnormal */
    case 7: put80(b, r >> 1, s | 0x7fff); break;                                            /* pseudo-inf/NaN */
    case 8: put80(b, 3ull << 62, 0xffff); break;                                            /* indefinite */
    case 9: { uint64_t v = rn(100000) + 1; int n = __builtin_clzll(v);                     /* small integer */
              put80(b, v << n, s | (uint16_t)(16383 + 63 - n)); break; }
    case 10: { uint64_t v = 2 * (uint64_t)rn(70000) + 1; int n = __builtin_clzll(v);       /* k + 0.5 */
               put80(b, v << n, s | (uint16_t)(16383 + 62 - n)); break; }
    case 11: put80(b, r | 1ull << 63, s | (uint16_t)(0x7ffe - rn(40))); break;            /* huge */
    case 12: put80(b, r | 1ull << 63, s | (uint16_t)(1 + rn(40))); break;                 /* tiny */
    case 13: put80(b, (r | 1ull << 63) & ~(rn(2) ? 0xffffull : 0), s | (uint16_t)(16383 + 14 + rn(52))); break; /* integer ranges */
    case 14: put80(b, 1ull << 63, s | (uint16_t)(16383 - 2 + rn(5))); break;              /* powers of two */
    case 15: put80(b, r | 1ull << 63, s | (uint16_t)(16383 - 127 - rn(4) + rn(8) * (rn(2) ? 1 : 0))); break; /* f32 edge */
    case 16: put80(b, r | 1ull << 63, s | (uint16_t)(16383 - 1023 - rn(60))); break;      /* f64 denormal range */
    case 17: put80(b, r | 1ull << 63, s | (uint16_t)(16383 + 126 + rn(4))); break;        /* f32 overflow edge */
    case 18: put80(b, (r | 1ull << 63) & ~0xffffffffffull, s | (uint16_t)(16383 - 3 + rn(7))); break; /* short sig */
    default: put80(b, r | 1ull << 63, s | (uint16_t)(16383 - 70 + rn(140))); break;
    }
}

static uint32_t rand_f32(void)
{
    uint32_t s = rn(2) << 31, r = (uint32_t)rnd();
    switch (rn(12)) {
    case 0: return s;
    case 1: return s | 0x7f800000;
    case 2: return s | 0x7fc00000 | (r & 0x3fffff);
    case 3: return s | 0x7f800000 | (r & 0x3fffff) | 1;
    case 4: return s | (r & 0x7fffff);
    case 5: return s | ((uint32_t)(127 + rn(20)) << 23) | (r & 0x7ff000);
    default: return s | ((uint32_t)(1 + rn(254)) << 23) | (r & 0x7fffff);
    }
}

static uint64_t rand_f64(void)
{
    uint64_t s = (uint64_t)rn(2) << 63, r = rnd();
    switch (rn(12)) {
    case 0: return s;
    case 1: return s | 0x7ff0000000000000ull;
    case 2: return s | 0x7ff8000000000000ull | (r & 0x7ffffffffffffull);
    case 3: return s | 0x7ff0000000000000ull | (r & 0x7ffffffffffffull) | 1;
    case 4: return s | (r & 0xfffffffffffffull);
    case 5: return s | (uint64_t)(1023 + rn(40)) << 52 | (r & 0xfffff00000000ull);
    default: return s | (uint64_t)(1 + rn(2046)) << 52 | (r & 0xfffffffffffffull);
    }
}

static uint64_t rand_int(int bytes)
{
    uint64_t r = rnd();
    switch (rn(5)) {
    case 0: return 0;
    case 1: return (uint64_t)-(int64_t)rn(1000);
    case 2: return rn(1000);
    case 3: return 1ull << (8 * bytes - 1);
    default: return r;
    }
}

static void rand_bcd(uint8_t *b)
{
    int nd = (int)rn(19);
    memset(b, 0, 10);
    for (int k = 0; k < nd; k++) {
        unsigned d = rn(20) ? rn(10) : 10 + rn(6);
        b[k / 2] |= (uint8_t)(d << (k & 1 ? 4 : 0));
    }
    b[9] = (uint8_t)(rn(2) ? 0x80 : 0);
    if (!rn(10)) b[9] |= (uint8_t)rn(128);
}

/* A random FNSAVE image (32-bit protected-mode layout): a CW, a status word
 * with only masked flags (a pending unmasked exception would trap the host),
 * tags empty or not, random registers. */
static void rand_state(uint8_t *s)
{
    memset(s, 0, 108);
    uint16_t masks = rn(10) < 7 ? 0x3f : (uint16_t)rn(64);
    uint16_t cw = (uint16_t)(0x40 | masks | rn(4) << 8 | rn(4) << 10);
    uint16_t sw = (uint16_t)(rn(8) << 11 | (rnd() & 0x4700));
    sw |= (uint16_t)(rnd() & masks & 0x3f);
    if ((masks & 1) && rn(4) == 0) sw |= 0x40;
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++)
        if (rn(100) < 15) tw |= (uint16_t)(3u << (2 * p));
    st32le(s + 0, 0xffff0000u | cw);
    st32le(s + 4, 0xffff0000u | sw);
    st32le(s + 8, 0xffff0000u | tw);
    st32le(s + 12, (uint32_t)rnd());
    st32le(s + 16, (uint32_t)(rnd() & 0x07ff0000u) | 0x23);
    st32le(s + 20, (uint32_t)rnd());
    st32le(s + 24, 0xffff002bu);
    for (int k = 0; k < 8; k++) rand_f80(s + 28 + 10 * k);
}

/* ---- forms under test ---- */
enum { M_NONE, M_F32, M_F64, M_F80, M_I16, M_I32, M_I64, M_BCD, M_CW, M_ENV, M_SAVE, M_FX, M_OUT };
enum { F_REG = 1,          /* ModRM rm field gets a random ST(i) */
       F_PTRS = 2,         /* compare FIP/FCS/FDP/FDS too (control instructions keep them) */
       F_TRANS = 8,        /* transcendental: counted apart */
       F_PEND = 32,        /* non-waiting: may start with an unmasked exception pending */
       F_FULL0 = 16 };     /* ST(0) never empty: the host (AMD) runs D9 D8+i as FSTPNCE,
                            * which ignores an empty ST(0); relic runs the P6's FSTP1 */
struct form { const char *name; uint8_t b0, b1; int mem; int size; int flags; };

static const struct form forms[] = {
    /* D8 / DC / DA / DE memory arithmetic */
    { "fadd m32", 0xd8, 0x02, M_F32, 4, 0 }, { "fmul m32", 0xd8, 0x0a, M_F32, 4, 0 },
    { "fcom m32", 0xd8, 0x12, M_F32, 4, 0 }, { "fcomp m32", 0xd8, 0x1a, M_F32, 4, 0 },
    { "fsub m32", 0xd8, 0x22, M_F32, 4, 0 }, { "fsubr m32", 0xd8, 0x2a, M_F32, 4, 0 },
    { "fdiv m32", 0xd8, 0x32, M_F32, 4, 0 }, { "fdivr m32", 0xd8, 0x3a, M_F32, 4, 0 },
    { "fadd m64", 0xdc, 0x02, M_F64, 8, 0 }, { "fmul m64", 0xdc, 0x0a, M_F64, 8, 0 },
    { "fcom m64", 0xdc, 0x12, M_F64, 8, 0 }, { "fcomp m64", 0xdc, 0x1a, M_F64, 8, 0 },
    { "fsub m64", 0xdc, 0x22, M_F64, 8, 0 }, { "fsubr m64", 0xdc, 0x2a, M_F64, 8, 0 },
    { "fdiv m64", 0xdc, 0x32, M_F64, 8, 0 }, { "fdivr m64", 0xdc, 0x3a, M_F64, 8, 0 },
    { "fiadd m32", 0xda, 0x02, M_I32, 4, 0 }, { "fimul m32", 0xda, 0x0a, M_I32, 4, 0 },
    { "ficom m32", 0xda, 0x12, M_I32, 4, 0 }, { "ficomp m32", 0xda, 0x1a, M_I32, 4, 0 },
    { "fisub m32", 0xda, 0x22, M_I32, 4, 0 }, { "fisubr m32", 0xda, 0x2a, M_I32, 4, 0 },
    { "fidiv m32", 0xda, 0x32, M_I32, 4, 0 }, { "fidivr m32", 0xda, 0x3a, M_I32, 4, 0 },
    { "fiadd m16", 0xde, 0x02, M_I16, 2, 0 }, { "fimul m16", 0xde, 0x0a, M_I16, 2, 0 },
    { "ficom m16", 0xde, 0x12, M_I16, 2, 0 }, { "ficomp m16", 0xde, 0x1a, M_I16, 2, 0 },
    { "fisub m16", 0xde, 0x22, M_I16, 2, 0 }, { "fisubr m16", 0xde, 0x2a, M_I16, 2, 0 },
    { "fidiv m16", 0xde, 0x32, M_I16, 2, 0 }, { "fidivr m16", 0xde, 0x3a, M_I16, 2, 0 },
    /* register arithmetic and compares */
    { "fadd st,st(i)", 0xd8, 0xc0, M_NONE, 0, F_REG }, { "fmul st,st(i)", 0xd8, 0xc8, M_NONE, 0, F_REG },
    { "fcom st(i)", 0xd8, 0xd0, M_NONE, 0, F_REG }, { "fcomp st(i)", 0xd8, 0xd8, M_NONE, 0, F_REG },
    { "fsub st,st(i)", 0xd8, 0xe0, M_NONE, 0, F_REG }, { "fsubr st,st(i)", 0xd8, 0xe8, M_NONE, 0, F_REG },
    { "fdiv st,st(i)", 0xd8, 0xf0, M_NONE, 0, F_REG }, { "fdivr st,st(i)", 0xd8, 0xf8, M_NONE, 0, F_REG },
    { "fadd st(i),st", 0xdc, 0xc0, M_NONE, 0, F_REG }, { "fmul st(i),st", 0xdc, 0xc8, M_NONE, 0, F_REG },
    { "fcom2", 0xdc, 0xd0, M_NONE, 0, F_REG }, { "fcomp3", 0xdc, 0xd8, M_NONE, 0, F_REG },
    { "fsubr st(i),st", 0xdc, 0xe0, M_NONE, 0, F_REG }, { "fsub st(i),st", 0xdc, 0xe8, M_NONE, 0, F_REG },
    { "fdivr st(i),st", 0xdc, 0xf0, M_NONE, 0, F_REG }, { "fdiv st(i),st", 0xdc, 0xf8, M_NONE, 0, F_REG },
    { "faddp", 0xde, 0xc0, M_NONE, 0, F_REG }, { "fmulp", 0xde, 0xc8, M_NONE, 0, F_REG },
    { "fcomp5", 0xde, 0xd0, M_NONE, 0, F_REG }, { "fcompp", 0xde, 0xd9, M_NONE, 0, 0 },
    { "fsubrp", 0xde, 0xe0, M_NONE, 0, F_REG }, { "fsubp", 0xde, 0xe8, M_NONE, 0, F_REG },
    { "fdivrp", 0xde, 0xf0, M_NONE, 0, F_REG }, { "fdivp", 0xde, 0xf8, M_NONE, 0, F_REG },
    { "fucom", 0xdd, 0xe0, M_NONE, 0, F_REG }, { "fucomp", 0xdd, 0xe8, M_NONE, 0, F_REG },
    { "fucompp", 0xda, 0xe9, M_NONE, 0, 0 },
    { "fcomi", 0xdb, 0xf0, M_NONE, 0, F_REG }, { "fucomi", 0xdb, 0xe8, M_NONE, 0, F_REG },
    { "fcomip", 0xdf, 0xf0, M_NONE, 0, F_REG }, { "fucomip", 0xdf, 0xe8, M_NONE, 0, F_REG },
    { "fcmovb", 0xda, 0xc0, M_NONE, 0, F_REG }, { "fcmove", 0xda, 0xc8, M_NONE, 0, F_REG },
    { "fcmovbe", 0xda, 0xd0, M_NONE, 0, F_REG }, { "fcmovu", 0xda, 0xd8, M_NONE, 0, F_REG },
    { "fcmovnb", 0xdb, 0xc0, M_NONE, 0, F_REG }, { "fcmovne", 0xdb, 0xc8, M_NONE, 0, F_REG },
    { "fcmovnbe", 0xdb, 0xd0, M_NONE, 0, F_REG }, { "fcmovnu", 0xdb, 0xd8, M_NONE, 0, F_REG },
    /* loads and stores */
    { "fld m32", 0xd9, 0x02, M_F32, 4, 0 }, { "fst m32", 0xd9, 0x12, M_OUT, 4, 0 }, { "fstp m32", 0xd9, 0x1a, M_OUT, 4, 0 },
    { "fld m64", 0xdd, 0x02, M_F64, 8, 0 }, { "fst m64", 0xdd, 0x12, M_OUT, 8, 0 }, { "fstp m64", 0xdd, 0x1a, M_OUT, 8, 0 },
    { "fld m80", 0xdb, 0x2a, M_F80, 10, 0 }, { "fstp m80", 0xdb, 0x3a, M_OUT, 10, 0 },
    { "fild m16", 0xdf, 0x02, M_I16, 2, 0 }, { "fist m16", 0xdf, 0x12, M_OUT, 2, 0 }, { "fistp m16", 0xdf, 0x1a, M_OUT, 2, 0 },
    { "fild m32", 0xdb, 0x02, M_I32, 4, 0 }, { "fist m32", 0xdb, 0x12, M_OUT, 4, 0 }, { "fistp m32", 0xdb, 0x1a, M_OUT, 4, 0 },
    { "fild m64", 0xdf, 0x2a, M_I64, 8, 0 }, { "fistp m64", 0xdf, 0x3a, M_OUT, 8, 0 },
    { "fbld", 0xdf, 0x22, M_BCD, 10, 0 }, { "fbstp", 0xdf, 0x32, M_OUT, 10, 0 },
    { "fld st(i)", 0xd9, 0xc0, M_NONE, 0, F_REG }, { "fxch", 0xd9, 0xc8, M_NONE, 0, F_REG },
    { "fst st(i)", 0xdd, 0xd0, M_NONE, 0, F_REG }, { "fstp st(i)", 0xdd, 0xd8, M_NONE, 0, F_REG },
    { "fstp1", 0xd9, 0xd8, M_NONE, 0, F_REG | F_FULL0 }, { "fxch4", 0xdd, 0xc8, M_NONE, 0, F_REG },
    { "fxch7", 0xdf, 0xc8, M_NONE, 0, F_REG }, { "fstp8", 0xdf, 0xd0, M_NONE, 0, F_REG },
    { "fstp9", 0xdf, 0xd8, M_NONE, 0, F_REG },
    { "ffree", 0xdd, 0xc0, M_NONE, 0, F_REG }, { "ffreep", 0xdf, 0xc0, M_NONE, 0, F_REG },
    /* D9 E0-FF */
    { "fnop", 0xd9, 0xd0, M_NONE, 0, 0 }, { "fchs", 0xd9, 0xe0, M_NONE, 0, 0 }, { "fabs", 0xd9, 0xe1, M_NONE, 0, 0 },
    { "ftst", 0xd9, 0xe4, M_NONE, 0, 0 }, { "fxam", 0xd9, 0xe5, M_NONE, 0, 0 },
    { "fld1", 0xd9, 0xe8, M_NONE, 0, 0 }, { "fldl2t", 0xd9, 0xe9, M_NONE, 0, 0 }, { "fldl2e", 0xd9, 0xea, M_NONE, 0, 0 },
    { "fldpi", 0xd9, 0xeb, M_NONE, 0, 0 }, { "fldlg2", 0xd9, 0xec, M_NONE, 0, 0 }, { "fldln2", 0xd9, 0xed, M_NONE, 0, 0 },
    { "fldz", 0xd9, 0xee, M_NONE, 0, 0 },
    { "f2xm1", 0xd9, 0xf0, M_NONE, 0, F_TRANS }, { "fyl2x", 0xd9, 0xf1, M_NONE, 0, F_TRANS },
    { "fptan", 0xd9, 0xf2, M_NONE, 0, F_TRANS }, { "fpatan", 0xd9, 0xf3, M_NONE, 0, F_TRANS },
    { "fxtract", 0xd9, 0xf4, M_NONE, 0, 0 }, { "fprem1", 0xd9, 0xf5, M_NONE, 0, 0 },
    { "fdecstp", 0xd9, 0xf6, M_NONE, 0, 0 }, { "fincstp", 0xd9, 0xf7, M_NONE, 0, 0 },
    { "fprem", 0xd9, 0xf8, M_NONE, 0, 0 }, { "fyl2xp1", 0xd9, 0xf9, M_NONE, 0, F_TRANS },
    { "fsqrt", 0xd9, 0xfa, M_NONE, 0, 0 }, { "fsincos", 0xd9, 0xfb, M_NONE, 0, F_TRANS },
    { "frndint", 0xd9, 0xfc, M_NONE, 0, 0 }, { "fscale", 0xd9, 0xfd, M_NONE, 0, 0 },
    { "fsin", 0xd9, 0xfe, M_NONE, 0, F_TRANS }, { "fcos", 0xd9, 0xff, M_NONE, 0, F_TRANS },
    /* control */
    { "fnclex", 0xdb, 0xe2, M_NONE, 0, F_PTRS | F_PEND }, { "fninit", 0xdb, 0xe3, M_NONE, 0, F_PTRS | F_PEND },
    { "fneni", 0xdb, 0xe0, M_NONE, 0, F_PTRS }, { "fndisi", 0xdb, 0xe1, M_NONE, 0, F_PTRS },
    { "fnsetpm", 0xdb, 0xe4, M_NONE, 0, F_PTRS },
    { "fldcw", 0xd9, 0x2a, M_CW, 2, F_PTRS }, { "fnstcw", 0xd9, 0x3a, M_OUT, 2, F_PTRS | F_PEND },
    { "fnstsw m16", 0xdd, 0x3a, M_OUT, 2, F_PTRS | F_PEND }, { "fnstsw ax", 0xdf, 0xe0, M_NONE, 0, F_PTRS | F_PEND },
    { "fldenv", 0xd9, 0x22, M_ENV, 28, F_PTRS }, { "fnstenv", 0xd9, 0x32, M_OUT, 28, F_PTRS | F_PEND },
    { "frstor", 0xdd, 0x22, M_SAVE, 108, F_PTRS }, { "fnsave", 0xdd, 0x32, M_OUT, 108, F_PTRS | F_PEND },
    { "fxrstor", 0x0f, 0xae, M_FX, 512, F_PTRS }, { "fxsave", 0x0f, 0xae, M_OUT, 512, 0 },
};

typedef void (*native_fn)(void *in, void *out, void *data, uint64_t *fl);
static uint8_t *jit;
static uint8_t *ndata;

/* push rbx; mov rbx,rdi; xor eax,eax; push [rcx]; popfq; frstor [rbx];
 * <insn>; pushfq; pop [rcx]; mov [rcx+8],rax; fnsave [rsi]; pop rbx; ret */
static void native_build(const uint8_t *insn, int n)
{
    static const uint8_t pre[] = { 0x53, 0x48, 0x89, 0xfb, 0x31, 0xc0, 0xff, 0x31, 0x9d, 0xdd, 0x23 };
    static const uint8_t post[] = { 0x9c, 0x8f, 0x01, 0x48, 0x89, 0x41, 0x08, 0xdd, 0x36, 0x5b, 0xc3 };
    uint8_t *p = jit;
    memcpy(p, pre, sizeof pre); p += sizeof pre;
    memcpy(p, insn, (size_t)n); p += n;
    memcpy(p, post, sizeof post);
    __builtin___clear_cache((char *)jit, (char *)p + sizeof post);
}

/* Stored bytes not compared: the pointers in FNSTENV/FNSAVE images; in
 * FXSAVE, FOP/FIP/FDP (the host's FXSAVE stores them only with an exception
 * pending), MXCSR_MASK and the XMM area. */
static int out_ignored(const struct form *f, int k)
{
    if (f->size == 28 || f->size == 108) return (k >= 12 && k < 18) || (k >= 20 && k < 26);
    if (f->size == 512) return (k >= 6 && k < 24) || (k >= 28 && k < 32) || k >= 160;
    return 0;
}

/* FSAVE image bytes not compared: FIP, FCS, FDP, FDS (unless F_PTRS). */
static int ptr_byte(int k) { return (k >= 12 && k < 18) || (k >= 20 && k < 26); }

static void dump(const char *tag, const uint8_t *s, uint64_t fl, uint16_t ax)
{
    printf("    %s cw %04x sw %04x tw %04x fop %04x fl %03llx ax %04x\n", tag, ld16le(s), ld16le(s + 4), ld16le(s + 8),
           ld16le(s + 18), (unsigned long long)fl, ax);
    for (int k = 0; k < 8; k++)
        printf("      st%d %04x:%016llx\n", k, ld16le(s + 28 + 10 * k + 8), (unsigned long long)ld64le(s + 28 + 10 * k));
}

struct stats { unsigned long long pass, fail, differ; };

static void run_form(const struct form *f, int ncases, struct stats *st)
{
    int shown = 0;
    for (int n = 0; n < ncases; n++) {
        uint8_t insn[4], in[108], data[512], ndat[512];
        int len = 2;
        insn[0] = f->b0;
        insn[1] = f->b1;
        if (f->flags & F_REG) insn[1] = (uint8_t)(insn[1] | rn(8));
        if (f->b0 == 0x0f) { insn[2] = f->mem == M_OUT ? 0x02 : 0x0a; len = 3; }
        rand_state(in);
        if ((f->flags & F_PEND) && rn(2)) {     /* flags the CW does not mask: ES set by FRSTOR */
            in[4] = (uint8_t)(in[4] | (rnd() & 0x3f));
            in[0] = (uint8_t)(in[0] & ~(rnd() & 0x3f));
        }
        if (f->flags & F_FULL0) {
            int top = (ld16le(in + 4) >> 11) & 7;
            st16le(in + 8, (uint16_t)(ld16le(in + 8) & ~(3u << (2 * top))));
        }
        for (int k = 0; k < 512; k++) data[k] = (uint8_t)rnd();
        switch (f->mem) {
        case M_F32: st32le(data, rand_f32()); break;
        case M_F64: st64le(data, rand_f64()); break;
        case M_F80: rand_f80(data); break;
        case M_I16: st16le(data, (uint16_t)rand_int(2)); break;
        case M_I32: st32le(data, (uint32_t)rand_int(4)); break;
        case M_I64: st64le(data, rand_int(8)); break;
        case M_BCD: rand_bcd(data); break;
        case M_CW: st16le(data, (uint16_t)(rn(3) ? (rnd() & 0x0f3f) | 0x3f : rnd())); break;
        case M_ENV: case M_SAVE: {
            uint8_t s[108];
            rand_state(s);
            memcpy(data, s, f->mem == M_ENV ? 28 : 108);
            if (rn(2)) {              /* flags under the masks, or ES/B set for nothing */
                data[4] = (uint8_t)(data[4] | (rnd() & data[0] & 0x3f));
                if (rn(2)) data[4] |= 0x80;
            }
            break;
        }
        case M_FX: {
            uint8_t s[108];
            rand_state(s);
            memset(data, 0, 512);
            st16le(data, ld16le(s));
            st16le(data + 2, ld16le(s + 4));
            data[4] = (uint8_t)rnd();
            st16le(data + 6, (uint16_t)(rnd() & 0x7ff));
            st32le(data + 8, (uint32_t)rnd());
            st32le(data + 16, (uint32_t)rnd());
            st32le(data + 24, 0x1f80);
            for (int k = 0; k < 8; k++) memcpy(data + 32 + 16 * k, s + 28 + 10 * k, 10);
            break;
        }
        default: break;
        }
        uint64_t flin = 0x202 | (rnd() & 0x8d5);

        /* relic */
        uint8_t code[32], nout[108], rout[108], rdat[512];
        int cl = 0;
        code[cl++] = 0xdd; code[cl++] = 0x23;
        memcpy(code + cl, insn, (size_t)len); cl += len;
        code[cl++] = 0xdd; code[cl++] = 0x36; code[cl++] = 0xf4;
        phys_write_buf(&pm, G_IN, in, 108);
        phys_write_buf(&pm, G_DATA, data, 512);
        rig_pmode();
        cpu.reg[R_EAX] = 0; cpu.reg[R_EBX] = G_IN; cpu.reg[R_ESI] = G_OUT; cpu.reg[R_EDX] = G_DATA;
        cpu.eflags = (uint32_t)flin;
        int vec = rig_run(code, cl);
        phys_read_buf(&pm, G_OUT, rout, 108);
        phys_read_buf(&pm, G_DATA, rdat, 512);
        uint64_t rfl = cpu_get_eflags(&cpu);
        uint16_t rax = (uint16_t)cpu.reg[R_EAX];

        /* native; a host context switch between its FRSTOR and FNSAVE may
         * lose FOP (AMD's FXSAVE keeps it only with an exception pending),
         * so a mismatch is run again before it counts */
        uint64_t nfl[2];
        int bad = 1, dsz = f->mem == M_OUT ? f->size : 0;
        native_build(insn, len);
        for (int attempt = 0; attempt < 3 && bad; attempt++) {
            nfl[0] = flin; nfl[1] = 0;
            memcpy(ndata, data, 512);
            ((native_fn)(void *)jit)(in, nout, ndata, nfl);
            memcpy(ndat, ndata, 512);
            bad = vec != -1 || (rfl & 0x8d5) != (nfl[0] & 0x8d5) || rax != (uint16_t)nfl[1];
            for (int k = 0; k < 108; k++)
                if ((!ptr_byte(k) || (f->flags & F_PTRS)) && rout[k] != nout[k]) bad = 1;
            for (int k = 0; k < dsz; k++)
                if (!out_ignored(f, k) && rdat[k] != ndat[k]) bad = 1;
        }
        int structural = 0;
        if (bad && (f->flags & F_TRANS)) {
            /* a transcendental result or its PE/UE/C1 may differ (the host's
             * approximation against f80's); the stack, C0 C2 C3 may not */
            uint16_t swr = ld16le(rout + 4), swn = ld16le(nout + 4), twr = ld16le(rout + 8), twn = ld16le(nout + 8);
            structural = ((swr ^ swn) & 0x7d00) != 0 || (rfl & 0x8d5) != (nfl[0] & 0x8d5);
            for (int p = 0; p < 8; p++)
                if ((((twr >> 2 * p) & 3) == 3) != (((twn >> 2 * p) & 3) == 3)) structural = 1;
            if ((swr ^ swn) & 0x1f)      /* f80 raised other exceptions (IE, ZE, DE, OE, UE): its business */
                structural = 0;
        }
        if (bad && (f->flags & F_TRANS) && !strict && !structural) {
            st->differ++;
        } else if (bad) {
            st->fail++;
            if (verbose || shown < 3) {
                shown++;
                printf("  %s [%02x %02x%s] mismatch (vec %d)\n", f->name, insn[0], insn[1], len > 2 ? " .." : "", vec);
                dump("in    ", in, flin, 0);
                if (f->mem != M_NONE && f->mem != M_OUT) {
                    printf("    mem   ");
                    for (int k = 0; k < (f->size < 16 ? f->size : 16); k++) printf("%02x", data[f->size < 16 ? f->size - 1 - k : k]);
                    printf("\n");
                }
                dump("native", nout, nfl[0], (uint16_t)nfl[1]);
                dump("relic ", rout, rfl, rax);
                if (dsz) {
                    printf("    out native ");
                    for (int k = 0; k < (dsz < 32 ? dsz : 32); k++) printf("%02x", ndat[k]);
                    printf("\n    out relic  ");
                    for (int k = 0; k < (dsz < 32 ? dsz : 32); k++) printf("%02x", rdat[k]);
                    printf("\n");
                }
            }
        } else {
            st->pass++;
        }
    }
}
#endif

/* ---- relic-only checks ---- */

static uint16_t sw_of(const struct cpu *c) { return (uint16_t)((c->fpu.sw & ~0x3800u) | (unsigned)c->fpu.top << 11); }

/* Runs code in the flat rig under the given CR0, with the x87 state as it
 * is; returns the vector of the exception that ended it, or -1. */
static int run_plain(const uint8_t *code, int n, uint32_t cr0)
{
    rig_pmode();
    cpu.cr0 = cr0;
    cpu.reg[R_EDX] = G_DATA;
    return rig_run(code, n);
}

static void relic_checks(void)
{
    char msg[128];
    static const uint8_t fld1[] = { 0xd9, 0xe8, 0xf4 };
    static const uint8_t fwait[] = { 0x9b, 0xf4 };
    static const uint8_t fnclex[] = { 0xdb, 0xe2, 0xf4 };
    static const uint8_t fnstsw_ax[] = { 0xdf, 0xe0, 0xf4 };
    static const uint8_t fxsave_odd[] = { 0x0f, 0xae, 0x42, 0x04, 0xf4 };   /* fxsave [edx+4] */
    const uint32_t base = CR0_PE | CR0_ET | CR0_NE;

    /* #NM */
    memset(&cpu.fpu, 0, sizeof cpu.fpu);
    cpu.fpu.cw = 0x37f; cpu.fpu.tw = 0xffff;
    check(run_plain(fld1, 3, base | CR0_EM) == EX_NM, "EM: fld1 raises #NM");
    check(run_plain(fld1, 3, base | CR0_TS) == EX_NM, "TS: fld1 raises #NM");
    check(run_plain(fnclex, 3, base | CR0_TS) == EX_NM, "TS: fnclex raises #NM");
    check(run_plain(fwait, 2, base | CR0_EM) == -1, "EM: fwait runs");
    check(run_plain(fwait, 2, base | CR0_TS) == -1, "TS without MP: fwait runs");
    check(run_plain(fwait, 2, base | CR0_TS | CR0_MP) == EX_NM, "TS+MP: fwait raises #NM");
    check(run_plain(fld1, 3, base | CR0_MP) == -1, "MP alone: fld1 runs");

    /* #MF: 1/0 with ZE unmasked, then a waiting instruction */
    {
        static const uint8_t code[] = { 0xd9, 0x2a,             /* fldcw [edx] */
                                        0xd9, 0xe8, 0xd9, 0xee, /* fld1; fldz */
                                        0xde, 0xf9,             /* fdivp: 1/0 */
                                        0xf4 };
        uint8_t cw[2] = { 0x7b, 0x03 };
        phys_write_buf(&pm, G_DATA, cw, 2);
        memset(&cpu.fpu, 0, sizeof cpu.fpu); cpu.fpu.cw = 0x37f; cpu.fpu.tw = 0xffff;
        ferr_level = 0; ferr_calls = 0;
        int v = run_plain(code, sizeof code, base);
        check(v == -1, "unmasked ZE: the dividing instruction completes");
        check((sw_of(&cpu) & 0x8084) == 0x8084, "unmasked ZE sets ZE, ES, B");
        check(cpu.fpu.top == 6, "unmasked ZE: no pop, ST0 unchanged");
        check(ferr_calls == 0, "CR0.NE=1: FERR# not driven");
        check(run_plain(fld1, 3, base) == EX_MF, "pending exception: fld1 raises #MF");
        check(run_plain(fwait, 2, base) == EX_MF, "pending exception: fwait raises #MF");
        check(run_plain(fnstsw_ax, 3, base) == -1 && (cpu.reg[R_EAX] & 0xffff) == sw_of(&cpu),
              "fnstsw ax does not wait");
        check(run_plain(fnclex, 3, base) == -1 && !(cpu.fpu.sw & 0x80ff), "fnclex clears flags, ES, B");
        check(run_plain(fld1, 3, base) == -1, "after fnclex: fld1 runs");

        /* NE = 0: FERR# when ES is set, the next waiting instruction goes on */
        memset(&cpu.fpu, 0, sizeof cpu.fpu); cpu.fpu.cw = 0x37f; cpu.fpu.tw = 0xffff;
        phys_write_buf(&pm, G_DATA, cw, 2);
        ferr_level = 0; ferr_calls = 0;
        v = run_plain(code, sizeof code, base & ~CR0_NE);
        check(v == -1 && ferr_level == 1 && ferr_calls >= 1, "CR0.NE=0: FERR# raised with ES");
        check(run_plain(fld1, 3, base & ~CR0_NE) == -1, "CR0.NE=0: fld1 goes on");
        check(run_plain(fnclex, 3, base & ~CR0_NE) == -1 && ferr_level == 0, "fnclex drops FERR#");
    }

    /* FXSAVE alignment */
    check(run_plain(fxsave_odd, 5, base) == EX_GP, "fxsave to a misaligned area raises #GP");

    /* #UD slots */
    {
        static const uint8_t ud1[] = { 0xd9, 0x0a, 0xf4 };      /* D9 /1 mem */
        static const uint8_t ud2[] = { 0xd9, 0xd1, 0xf4 };
        static const uint8_t ud3[] = { 0xdb, 0xe5, 0xf4 };
        static const uint8_t ud4[] = { 0xdf, 0x0a, 0xf4 };      /* fisttp (SSE3) */
        check(run_plain(ud1, 3, base) == EX_UD, "D9 /1 is #UD");
        check(run_plain(ud2, 3, base) == EX_UD, "D9 D1 is #UD");
        check(run_plain(ud3, 3, base) == EX_UD, "DB E5 is #UD");
        check(run_plain(ud4, 3, base) == EX_UD, "DF /1 (FISTTP) is #UD");
    }

    /* A page fault on a store leaves the stack alone: FSTP m64 into a
     * read-only segment faults with TOP unchanged. */
    {
        static const uint8_t code[] = { 0xd9, 0xe8, 0xdd, 0x1a, 0xf4 };   /* fld1; fstp qword [edx] */
        memset(&cpu.fpu, 0, sizeof cpu.fpu); cpu.fpu.cw = 0x37f; cpu.fpu.tw = 0xffff;
        rig_pmode();
        seg_from_desc(&cpu.seg[S_DS], 0x10, 0x0000ffff, 0x00cf9100);  /* read-only data */
        cpu.reg[R_EDX] = G_DATA;
        int v = rig_run(code, sizeof code);
        snprintf(msg, sizeof msg, "store to a read-only segment: #GP, stack kept (vec %d top %d)", v, cpu.fpu.top);
        check(v == EX_GP && cpu.fpu.top == 7 && ((cpu.fpu.tw >> 14) & 3) != 3, msg);
    }
}

/* Save areas: FNSAVE that would cross the segment limit faults before it
 * writes or reinitialises anything; FNSAVE/FRSTOR and FXSAVE/FXRSTOR give
 * the state back; #NM comes before a pending #MF. */
static int fpu_eq(const struct fpu *a, const struct fpu *b)
{
    for (int k = 0; k < 8; k++)
        if (a->st[k].sig != b->st[k].sig || a->st[k].se != b->st[k].se) return 0;
    return a->cw == b->cw && a->sw == b->sw && a->tw == b->tw && a->top == b->top && a->fop == b->fop
        && a->fip == b->fip && a->fdp == b->fdp && a->fcs == b->fcs && a->fds == b->fds && a->mxcsr == b->mxcsr;
}

static void save_checks(void)
{
    struct cpu *c = &cpu;
    const uint32_t base = CR0_PE | CR0_ET | CR0_NE;
    uint8_t before[128], after[128];

    /* a state with something in every field */
    static const uint8_t load[] = { 0xd9, 0xe8, 0xd9, 0xeb, 0xd9, 0x02,   /* fld1; fldpi; fld dword [edx] */
                                    0xde, 0xc9, 0xf4 };                    /* fmulp */
    uint8_t m[4] = { 0x00, 0x00, 0x40, 0xc0 };                             /* -3.0f */
    memset(&c->fpu, 0, sizeof c->fpu); c->fpu.cw = 0x37f; c->fpu.tw = 0xffff;
    phys_write_buf(&pm, G_DATA + 0x400, m, 4);
    rig_pmode();
    c->reg[R_EDX] = G_DATA + 0x400;
    check(rig_run(load, sizeof load) == -1, "save checks: set-up runs");
    struct fpu saved = c->fpu;

    /* FNSAVE 108 bytes at 28 bytes below the limit of a byte-granular DS */
    static const uint8_t fnsave[] = { 0xdd, 0x32, 0xf4 };
    memset(before, 0x5a, sizeof before);
    phys_write_buf(&pm, G_DATA, before, sizeof before);
    rig_pmode();
    seg_from_desc(&c->seg[S_DS], 0x10, (G_DATA + 80) & 0xffff, 0x00409300);   /* limit G_DATA+80, 32-bit */
    c->reg[R_EDX] = G_DATA;
    int v = rig_run(fnsave, sizeof fnsave);
    phys_read_buf(&pm, G_DATA, after, sizeof after);
    check(v == EX_GP && !memcmp(before, after, sizeof before) && fpu_eq(&saved, &c->fpu),
          "fnsave past the segment limit: #GP, nothing written, no FNINIT");

    /* FNSAVE then FRSTOR, 16-bit real-mode layout (94 bytes) */
    static const uint8_t rt16[] = { 0x67, 0xdd, 0x32, 0xdb, 0xe3, 0x67, 0xdd, 0x22, 0xf4 };  /* fnsave; fninit; frstor */
    for (int s = 0; s < 6; s++)
        c->seg[s] = (struct seg){ 0, 0xffff, 0, s == S_CS ? 0x9b : 0x93, 1, s == S_CS ? SEG_RD : SEG_RD | SEG_WR };
    c->cr0 = CR0_ET;
    cpu_update_mode(c);
    cpu_tlb_flush(c, 0);
    c->fpu = saved;
    c->reg[R_EDX] = G_DATA;
    v = rig_run(rt16, sizeof rt16);
    check(v == -1 && c->fpu.cw == saved.cw && c->fpu.top == saved.top && c->fpu.tw == saved.tw
          && !memcmp(c->fpu.st, saved.st, sizeof saved.st), "real mode fnsave/frstor (16-bit) round trip");
    check(c->fpu.fop == saved.fop && c->fpu.fdp == ((uint32_t)saved.fds << 4) + saved.fdp,
          "real mode fnsave/frstor keeps FOP and the linear data pointer");

    /* FXSAVE then FXRSTOR in protected mode */
    static const uint8_t fx[] = { 0x0f, 0xae, 0x02, 0xdb, 0xe3, 0x0f, 0xae, 0x0a, 0xf4 };    /* fxsave; fninit; fxrstor */
    rig_pmode();
    c->fpu = saved;
    c->reg[R_EDX] = G_DATA;
    v = rig_run(fx, sizeof fx);
    check(v == -1 && c->fpu.cw == saved.cw && c->fpu.top == saved.top && c->fpu.tw == saved.tw && c->fpu.fop == saved.fop
          && c->fpu.fip == saved.fip && c->fpu.fdp == saved.fdp && c->fpu.fcs == saved.fcs && c->fpu.fds == saved.fds
          && !memcmp(c->fpu.st, saved.st, sizeof saved.st), "fxsave/fxrstor round trip");

    /* TS with an exception pending: #NM first */
    static const uint8_t fld1[] = { 0xd9, 0xe8, 0xf4 };
    rig_pmode();
    c->fpu = saved;
    c->fpu.sw |= 0x81;              /* IE pending, unmasked below */
    c->fpu.cw &= (uint16_t)~1u;
    c->cr0 = base | CR0_TS;
    check(rig_run(fld1, sizeof fld1) == EX_NM, "TS and a pending exception: #NM first");
    c->cr0 = base;
    check(rig_run(fld1, sizeof fld1) == EX_MF, "then #MF");
    c->fpu = saved;
}

/* Environment layouts in real mode and 16-bit protected mode, against the
 * SDM figures. */
static void layout_checks(void)
{
    uint8_t b[28];
    struct cpu *c = &cpu;
    /* real mode, 32-bit operand size: 66 D9 32 = fnstenv [bp+si] ... use
     * [edx] with an address-size prefix: 66 67 D9 32 */
    memset(&c->fpu, 0, sizeof c->fpu);
    c->fpu.cw = 0x037f; c->fpu.tw = 0xffff;
    c->cr0 = CR0_ET;
    c->eflags = 2; c->lf_op = LF_NONE;
    for (int s = 0; s < 6; s++)
        c->seg[s] = (struct seg){ 0, 0xffff, 0, s == S_CS ? 0x9b : 0x93, 1, s == S_CS ? SEG_RD : SEG_RD | SEG_WR };
    cpu_update_mode(c);
    cpu_tlb_flush(c, 0);
    /* fld1 at 0:1000 (FCS:FIP = 0000:1000), then fnstenv (32-bit) [edx] and fnstenv (16-bit) [edx+0x40] */
    static const uint8_t code[] = { 0x67, 0xd9, 0x02,                   /* fld dword [edx] -> FDP */
                                    0x66, 0x67, 0xd9, 0x32,             /* fnstenv32 [edx+0] */
                                    0x67, 0xd9, 0x72, 0x40,             /* fnstenv16 [edx+0x40] */
                                    0xf4 };
    uint8_t one[4] = { 0, 0, 0x80, 0x3f };
    phys_write_buf(&pm, G_DATA, one, 4);
    c->reg[R_EDX] = G_DATA;
    int v = rig_run(code, sizeof code);
    check(v == -1, "real mode: fld, fnstenv run");
    phys_read_buf(&pm, G_DATA, b, 28);
    uint32_t ip = G_CODE, dp = G_DATA;
    check(ld32le(b + 0) == 0xffff037fu, "real 32: CW with ones above");
    check(ld32le(b + 12) == (0xffff0000u | (ip & 0xffff)), "real 32: IP low");
    check(ld32le(b + 16) == (((ip >> 16) << 12) | 0x102u), "real 32: IP high and FOP");
    check(ld32le(b + 20) == (0xffff0000u | (dp & 0xffff)), "real 32: DP low");
    check(ld32le(b + 24) == (dp >> 16) << 12, "real 32: DP high");
    phys_read_buf(&pm, G_DATA + 0x40, b, 14);
    check(ld16le(b + 0) == 0x037f, "real 16: CW");
    check(ld16le(b + 4) == 0x3fff, "real 16: tag word");
    check(ld16le(b + 6) == (ip & 0xffff) && ld16le(b + 8) == (((ip >> 4) & 0xf000) | 0x102), "real 16: IP and FOP");
    check(ld16le(b + 10) == (dp & 0xffff) && ld16le(b + 12) == ((dp >> 4) & 0xf000), "real 16: DP");
    /* FNSTENV masks all exceptions */
    check(c->fpu.cw == 0x037f, "fnstenv leaves CW masked");

    /* round trip through FLDENV in real mode: 16-bit image */
    static const uint8_t code2[] = { 0x67, 0xd9, 0x62, 0x40, 0xf4 };   /* fldenv16 [edx+0x40] */
    uint8_t img[14] = { 0x7f, 0x02, 0x20, 0x38, 0xfc, 0xff, 0x34, 0x12, 0x23, 0x51, 0x78, 0x56, 0x00, 0x90 };
    phys_write_buf(&pm, G_DATA + 0x40, img, 14);
    c->reg[R_EDX] = G_DATA;
    v = rig_run(code2, sizeof code2);
    check(v == -1 && c->fpu.cw == 0x027f && c->fpu.top == 7 && sw_of(c) == 0x3820, "real 16 fldenv: CW, SW, TOP");
    check(c->fpu.fip == 0x51234 && c->fpu.fop == 0x123 && c->fpu.fdp == 0x95678, "real 16 fldenv: pointers, FOP");
    check((c->fpu.tw & 0xfffc) == 0xfffc && (c->fpu.tw & 3) != 3, "real 16 fldenv: only R0 not empty");

    /* 16-bit protected mode: selector:offset layout */
    rig_pmode();
    memset(&c->fpu, 0, sizeof c->fpu);
    c->fpu.cw = 0x037f; c->fpu.tw = 0xffff;
    static const uint8_t code3[] = { 0xd9, 0x02, 0x66, 0xd9, 0x32, 0xf4 };   /* fld dword [edx]; fnstenv16 [edx] */
    phys_write_buf(&pm, G_DATA, one, 4);
    c->reg[R_EDX] = G_DATA;
    v = rig_run(code3, sizeof code3);
    phys_read_buf(&pm, G_DATA, b, 14);
    check(v == -1 && ld16le(b + 6) == (G_CODE & 0xffff) && ld16le(b + 8) == 0x08
          && ld16le(b + 10) == (G_DATA & 0xffff) && ld16le(b + 12) == 0x10, "pm 16: selector:offset pointers");
}

int main(int argc, char **argv)
{
    const char *vb = getenv("TEST_X87_VERBOSE");
    verbose = vb && *vb == '1';
    const char *sv = getenv("TEST_X87_STRICT");
    strict = sv && *sv == '1';
    rig_init();
#if HAVE_NATIVE
    int ncases = argc > 1 ? atoi(argv[1]) : 300;
    if (argc > 2) rs = strtoull(argv[2], NULL, 0) | 1;
    jit = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ndata = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (jit == MAP_FAILED || ndata == MAP_FAILED) {
        printf("SKIP: native comparison (no executable memory)\n");
    } else {
        struct stats core = { 0, 0, 0 }, trans = { 0, 0, 0 };
        for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
            struct stats s = { 0, 0, 0 };
            run_form(&forms[k], ncases, &s);
            if (s.fail || s.differ)
                printf("  %-16s %6llu passed %6llu failed %6llu differ\n", forms[k].name, s.pass, s.fail, s.differ);
            struct stats *t = forms[k].flags & F_TRANS ? &trans : &core;
            t->pass += s.pass; t->fail += s.fail; t->differ += s.differ;
        }
        printf("native comparison: %llu passed, %llu failed; transcendentals: %llu passed, %llu failed,\n"
               "  %llu whose value, PE, UE or C1 differ from the host's (f80's approximations; counted as\n"
               "  failures with TEST_X87_STRICT=1)\n", core.pass, core.fail, trans.pass, trans.fail, trans.differ);
        npass += core.pass + trans.pass;
        nfail += core.fail + trans.fail;
    }
#else
    (void)argc; (void)argv;
    printf("SKIP: native comparison needs an x86-64 Linux host\n");
#endif
    relic_checks();
    save_checks();
    layout_checks();
    printf("%llu passed, %llu failed\n", npass, nfail);
    return nfail ? 1 : 0;
}
