/* Private helpers shared by f80.c, f80-conv.c and f80-trans.c. */
#ifndef RELIC_F80_IMPL_H
#define RELIC_F80_IMPL_H
#include <stdint.h>
#include "f80.h"

#define F80_BIAS 16383

/* Operand kinds after x87 (387+) decoding. */
enum { K_ZERO, K_DENORM, K_NORMAL, K_INF, K_QNAN, K_SNAN, K_UNSUP };

static inline int f80i_sign(f80 a) { return a.se >> 15; }
static inline int f80i_exp(f80 a) { return a.se & 0x7fff; }

static inline int f80i_kind(f80 a)
{
    int e = f80i_exp(a);
    if (e == 0)
        return a.sig ? K_DENORM : K_ZERO;    /* pseudo-denormals included */
    if (!(a.sig >> 63))
        return K_UNSUP;                      /* unnormal, pseudo-inf/NaN */
    if (e == 0x7fff) {
        if (!(a.sig << 1))
            return K_INF;
        return (a.sig >> 62 & 1) ? K_QNAN : K_SNAN;
    }
    return K_NORMAL;
}

static inline int f80i_isnan(int k) { return k == K_QNAN || k == K_SNAN; }

static inline int f80i_clz64(uint64_t x)
{
#if defined(__GNUC__)
    return x ? __builtin_clzll(x) : 64;
#else
    int n = 0;
    if (!x) return 64;
    while (!(x >> 63)) { x <<= 1; n++; }
    return n;
#endif
}

/* Finite nonzero operand normalized so that bit 63 of *m is set; the
 * value is m * 2^(*e - 16383 - 63), with *e possibly below 1. */
static inline void f80i_unpack(f80 a, int32_t *e, uint64_t *m)
{
    int32_t ex = f80i_exp(a);
    uint64_t s = a.sig;
    int n;
    if (ex == 0) ex = 1;
    n = f80i_clz64(s);
    *m = s << n;
    *e = ex - n;
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 f80i_u128;   /* fast path only */
#endif

/* 64x64 -> 128 multiply. */
static inline void f80i_mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
    f80i_u128 p = (f80i_u128)a * b;
    *hi = (uint64_t)(p >> 64);
    *lo = (uint64_t)p;
#else
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/* (hi:lo) / d with hi < d; returns the quotient, *r the remainder. */
static inline uint64_t f80i_div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *r)
{
#if defined(__SIZEOF_INT128__)
    f80i_u128 n = ((f80i_u128)hi << 64) | lo;
    *r = (uint64_t)(n % d);
    return (uint64_t)(n / d);
#else
    uint64_t q = 0;
    int i;
    for (i = 0; i < 64; i++) {
        int top = (int)(hi >> 63);
        hi = (hi << 1) | (lo >> 63);
        lo <<= 1;
        q <<= 1;
        if (top || hi >= d) { hi -= d; q |= 1; }
    }
    *r = hi;
    return q;
#endif
}

/* Shift (hi:lo) right by n, ORing every lost bit into bit 0. */
static inline void f80i_shr128_sticky(uint64_t *hi, uint64_t *lo, int32_t n)
{
    uint64_t h = *hi, l = *lo;
    if (n <= 0) return;
    if (n >= 128) { *lo = (h | l) != 0; *hi = 0; return; }
    if (n >= 64) {
        uint64_t st = l != 0 || (n > 64 && (h << (128 - n)) != 0);
        *lo = (n == 64 ? h : h >> (n - 64)) | st;
        *hi = 0;
        return;
    }
    *lo = (l >> n) | (h << (64 - n)) | ((l << (64 - n)) != 0);
    *hi = h >> n;
}

/* Rounded result before packing: sig has bit 63 set unless denormal/zero. */
struct f80i_res { int sign; int32_t exp; uint64_t sig; };

/* Destination format for f80i_round: significand bits and the biased
 * (f80-bias) exponent range [emin, emax) of normal numbers. wrap: 0 =
 * masked responses only; 1 = register destination, unmasked O/U wrap
 * the exponent by 0x6000; 2 = memory destination, unmasked O/U only
 * raise the flag (the caller then stores nothing). */
struct f80i_fmt { int bits; int32_t emin, emax; int wrap; };

/* Round sign * (hi:lo / 2^64) * 2^(exp - 16383 - 63), hi bit 63 set
 * (or hi=lo=0), raising PE/UE/OE/C1 as the x87 does for fmt. */
struct f80i_res f80i_round(struct f80_ctx *c, int sign, int32_t exp,
                           uint64_t hi, uint64_t lo, const struct f80i_fmt *f);

/* Round to an f80 register value with the given significand bits. */
f80 f80i_round_pack(struct f80_ctx *c, int sign, int32_t exp, uint64_t hi,
                    uint64_t lo, int bits);

/* x87 NaN/unsupported handling for two operands (either may be a NaN). */
f80 f80i_nan2(struct f80_ctx *c, f80 a, f80 b);
/* Quieted copy of a NaN operand, IE if it was signaling. */
f80 f80i_nan1(struct f80_ctx *c, f80 a);
/* Masked invalid-operation response. */
f80 f80i_invalid(struct f80_ctx *c);
/* Precision in bits selected by ctx->pc. */
int f80i_pcbits(const struct f80_ctx *c);
/* Convert a signed 64-bit magnitude to f80 exactly. */
f80 f80i_from_u64(int sign, uint64_t m);

#endif
