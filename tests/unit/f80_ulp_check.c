/* Optional referee for the transcendental differences between relic's
 * f80 library and the host x87 (not part of the default build; needs
 * MPFR: apt-get install libmpfr-dev).
 *
 *   gcc -std=c11 -O2 -Isrc/cpu src/cpu/f80.c src/cpu/f80-conv.c \
 *       src/cpu/f80-trans.c tests/unit/f80_ulp_check.c -o /tmp/f80_ulp_check \
 *       -lmpfr -lgmp && /tmp/f80_ulp_check [count]
 *
 * For random operands in each instruction's architected domain and a
 * random rounding mode it computes the exact function with 600-bit MPFR,
 * rounds it to the x87 format, and then says for every case in which
 * relic and the CPU disagree (in value or in C1) which side is correctly
 * rounded. The trigonometric reference is the hardware's own model: the
 * argument is reduced with the 66-bit pi exactly, then evaluated exactly.
 * Exit status is nonzero if relic is ever wrong where the CPU is right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <mpfr.h>
#include "f80.h"

#if !(defined(__x86_64__) || defined(__i386__))
int main(void) { printf("SKIP: not an x86 host\n"); return 0; }
#else

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }
static uint64_t rsig(void)
{
    uint64_t m = rnd();
    switch (rn(4)) {
    case 0: m = ~0ull << rn(64); if (rn(2)) m = ~m; break;
    case 1: m ^= (rnd() >> rn(64)) << rn(64); break;
    default: break;
    }
    return m | (1ull << 63);
}
static f80 rexp(int lo, int hi, int sign)
{
    return f80_make(sign, (unsigned)(16383 + lo + (int)rn((unsigned)(hi - lo + 1))), rsig());
}

#define PRE "fninit\n\tfldcw %[cw]\n\t"
#define NAT1(name, insn)                                                   \
static uint16_t name(uint16_t cw, const f80 *a, f80 *r)                    \
{                                                                          \
    uint16_t sw;                                                           \
    __asm__ volatile(PRE "fldt %[a]\n\tfnclex\n\t" insn                    \
                     "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfninit"  \
                     : [sw] "=m"(sw), [r] "=m"(*r)                         \
                     : [cw] "m"(cw), [a] "m"(*a) : "memory");              \
    return sw;                                                             \
}
#define NAT2(name, insn)                                                   \
static uint16_t name(uint16_t cw, const f80 *a, const f80 *b, f80 *r)      \
{                                                                          \
    uint16_t sw;                                                           \
    __asm__ volatile(PRE "fldt %[b]\n\tfldt %[a]\n\tfnclex\n\t" insn       \
                     "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfninit"  \
                     : [sw] "=m"(sw), [r] "=m"(*r)                         \
                     : [cw] "m"(cw), [a] "m"(*a), [b] "m"(*b) : "memory"); \
    return sw;                                                             \
}
/* FPTAN result is ST1 after the push: pop the 1.0 first. */
NAT1(nat_fptan, "fptan\n\tfstp %%st(0)")
NAT1(nat_f2xm1, "f2xm1")
NAT1(nat_fsin, "fsin")
NAT1(nat_fcos, "fcos")
NAT2(nat_fyl2x, "fyl2x")
NAT2(nat_fyl2xp1, "fyl2xp1")
NAT2(nat_fpatan, "fpatan")

static void to_mpfr(mpfr_t m, f80 a)
{
    long double ld;
    memcpy(&ld, &a, 10);
    mpfr_set_ld(m, ld, MPFR_RNDN);       /* exact: 600 bits */
}

static f80 from_mpfr(mpfr_t m, int rc)
{
    static const mpfr_rnd_t modes[4] = { MPFR_RNDN, MPFR_RNDD, MPFR_RNDU, MPFR_RNDZ };
    long double ld = mpfr_get_ld(m, modes[rc]);
    f80 r = { 0, 0 };
    memcpy(&r, &ld, 10);
    return r;
}

/* 1 if |value of r| > |exact|: what C1 should say. */
static int rounded_up(f80 r, mpfr_t exact)
{
    mpfr_t t;
    int up;
    mpfr_init2(t, 600);
    to_mpfr(t, r);
    up = mpfr_cmpabs(t, exact) > 0;
    mpfr_clear(t);
    return up;
}

enum { OP_F2XM1, OP_FYL2X, OP_FYL2XP1, OP_FPATAN, OP_FSIN, OP_FCOS, OP_FPTAN, NOPS };
static const char *names[NOPS] = { "f2xm1", "fyl2x", "fyl2xp1", "fpatan", "fsin", "fcos", "fptan" };
static unsigned long long n_same[NOPS], n_hw_wrong[NOPS], n_relic_wrong[NOPS], n_both_wrong[NOPS];
static unsigned long long n_c1_hw_wrong[NOPS], n_c1_relic_wrong[NOPS];

/* The hardware's trigonometric model: r = x - k * pi66/2, exactly. */
static int reduce66(mpfr_t r, mpfr_t x)
{
    mpfr_t p, k;
    long q;
    mpfr_inits2(600, p, k, (mpfr_ptr)0);
    mpfr_set_str(p, "3243F6A8885A308D3", 16, MPFR_RNDN);
    mpfr_div_2ui(p, p, 65, MPFR_RNDN);
    mpfr_div(k, x, p, MPFR_RNDN);
    mpfr_round(k, k);
    q = mpfr_get_si(k, MPFR_RNDN) & 3;     /* |k| < 2^62: exact */
    mpfr_mul(k, k, p, MPFR_RNDN);
    mpfr_sub(r, x, k, MPFR_RNDN);
    mpfr_clears(p, k, (mpfr_ptr)0);
    return (int)q;
}

static void exact_value(int op, f80 a, f80 b, mpfr_t v)
{
    mpfr_t x, y, t;
    int q;
    mpfr_inits2(600, x, y, t, (mpfr_ptr)0);
    to_mpfr(x, a);
    to_mpfr(y, b);
    switch (op) {
    case OP_F2XM1: mpfr_exp2(t, x, MPFR_RNDN); mpfr_sub_ui(v, t, 1, MPFR_RNDN); break;
    case OP_FYL2X: mpfr_log2(t, x, MPFR_RNDN); mpfr_mul(v, t, y, MPFR_RNDN); break;
    case OP_FYL2XP1: mpfr_log1p(t, x, MPFR_RNDN); mpfr_const_log2(x, MPFR_RNDN);
        mpfr_div(t, t, x, MPFR_RNDN); mpfr_mul(v, t, y, MPFR_RNDN); break;
    case OP_FPATAN: mpfr_atan2(v, y, x, MPFR_RNDN); break;
    default:
        q = reduce66(t, x);
        if (op == OP_FSIN) {
            if (q & 1) mpfr_cos(v, t, MPFR_RNDN); else mpfr_sin(v, t, MPFR_RNDN);
            if (q & 2) mpfr_neg(v, v, MPFR_RNDN);
        } else if (op == OP_FCOS) {
            if (q & 1) mpfr_sin(v, t, MPFR_RNDN); else mpfr_cos(v, t, MPFR_RNDN);
            if ((q + 1) & 2) mpfr_neg(v, v, MPFR_RNDN);
        } else {
            mpfr_tan(v, t, MPFR_RNDN);
            if (q & 1) { mpfr_ui_div(v, 1, v, MPFR_RNDN); mpfr_neg(v, v, MPFR_RNDN); }
        }
        break;
    }
    mpfr_clears(x, y, t, (mpfr_ptr)0);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000, i;
    int op, bad = 0;
    mpfr_t v;
    mpfr_init2(v, 600);
    for (i = 0; i < n; i++)
        for (op = 0; op < NOPS; op++) {
            int rc = rn(4), s = rn(2), c2;
            uint16_t cw = (uint16_t)(0x137f | rc << 10), sw;
            struct f80_ctx c = { rc, 3, 0, 0x3f };
            f80 a, b = f80_make(0, 16383, 1ull << 63), hw = { 0, 0 }, re, ref, one;
            int hw_ok, re_ok, c1_hw, c1_re, c1_ref;
            switch (op) {
            case OP_F2XM1: a = rexp(-64, -1, s); sw = nat_f2xm1(cw, &a, &hw); re = f80_f2xm1(&c, a); break;
            case OP_FYL2X:
                a = rexp(-200, 200, 0);
                if (rn(2)) b = rexp(-20, 20, rn(2));
                sw = nat_fyl2x(cw, &a, &b, &hw); re = f80_fyl2x(&c, a, b); break;
            case OP_FYL2XP1:
                a = rexp(-64, -3, s);
                if (rn(2)) b = rexp(-20, 20, rn(2));
                sw = nat_fyl2xp1(cw, &a, &b, &hw); re = f80_fyl2xp1(&c, a, b); break;
            case OP_FPATAN:
                a = rexp(-40, 40, s);
                b = rexp(-40, 40, rn(2));
                sw = nat_fpatan(cw, &a, &b, &hw); re = f80_fpatan(&c, a, b); break;
            default:
                a = rexp(-40, rn(4) ? 2 : 62, s);
                if (op == OP_FSIN) { sw = nat_fsin(cw, &a, &hw); re = f80_fsin(&c, a, &c2); }
                else if (op == OP_FCOS) { sw = nat_fcos(cw, &a, &hw); re = f80_fcos(&c, a, &c2); }
                else { sw = nat_fptan(cw, &a, &hw); re = f80_fptan(&c, a, &one, &c2); }
                break;
            }
            exact_value(op, a, b, v);
            ref = from_mpfr(v, rc);
            c1_ref = rounded_up(ref, v);
            c1_hw = !!(sw & 0x200);
            c1_re = !!(c.flags & 0x200);
            hw_ok = !memcmp(&hw, &ref, 10);
            re_ok = !memcmp(&re, &ref, 10);
            if (!memcmp(&hw, &re, 10) && c1_hw == c1_re) { n_same[op]++; continue; }
            if (hw_ok && re_ok) {          /* values agree, C1 differs */
                if (c1_re == c1_ref) n_c1_hw_wrong[op]++;
                else { n_c1_relic_wrong[op]++; bad = 1; }
                continue;
            }
            if (hw_ok && !re_ok) {
                n_relic_wrong[op]++;
                bad = 1;
                printf("relic wrong %s rc=%d a=%04x:%016llx b=%04x:%016llx hw=%04x:%016llx re=%04x:%016llx\n",
                       names[op], rc, a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig,
                       hw.se, (unsigned long long)hw.sig, re.se, (unsigned long long)re.sig);
            } else if (!hw_ok && re_ok) {
                n_hw_wrong[op]++;
            } else {
                n_both_wrong[op]++;
                bad = 1;
            }
        }
    printf("%-8s %9s %9s %9s %9s %9s %9s\n", "op", "agree", "hw-wrong", "relic-bad", "both-bad",
           "hwC1-bad", "reC1-bad");
    for (op = 0; op < NOPS; op++)
        printf("%-8s %9llu %9llu %9llu %9llu %9llu %9llu\n", names[op], n_same[op], n_hw_wrong[op],
               n_relic_wrong[op], n_both_wrong[op], n_c1_hw_wrong[op], n_c1_relic_wrong[op]);
    mpfr_clear(v);
    return bad;
}
#endif
