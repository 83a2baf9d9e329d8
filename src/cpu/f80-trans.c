/* x87 transcendental instructions: F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN,
 * FCOS, FSINCOS, FPTAN.
 *
 * Values are evaluated in a 256-bit software floating point (struct mp)
 * and rounded once to 64 bits per RC, so results are correctly rounded
 * except for the argument reduction of the trigonometric functions, which
 * uses the same 66-bit pi the hardware uses (measured on AMD Zen and known
 * from Intel parts): fsin(x) is sin(x - k*pi66/2) with that reduction
 * done exactly. Precision control does not apply to these instructions.
 *
 * The status flags follow the AMD Zen part the reference vectors come
 * from (checked natively by tests/unit/test_f80.c): F2XM1, FYL2X and
 * FYL2XP1 report PE for every evaluated result, exact ones included, and
 * so also UE (masked) when such an exact result is a denormal. F2XM1
 * with |x| > 1 and FYL2XP1 with x <= -1 (where 1 + x <= 0) compute
 * nothing: they return the operand x unchanged, with PE. */
#include "f80-impl.h"

#define MPW 4   /* 64-bit words of mantissa */

/* value = (-1)^s * 0.w[0]w[1].. * 2^e, w[0] bit 63 set, or zero (z). */
struct mp { int s, z; int32_t e; uint64_t w[MPW]; };

static const struct mp mp_zero = { 0, 1, 0, { 0, 0, 0, 0 } };

static void mp_norm(struct mp *a)
{
    int i, n;
    if (!(a->w[0] | a->w[1] | a->w[2] | a->w[3])) { a->z = 1; return; }
    a->z = 0;
    while (!a->w[0]) {
        for (i = 0; i < MPW - 1; i++) a->w[i] = a->w[i + 1];
        a->w[MPW - 1] = 0;
        a->e -= 64;
    }
    n = f80i_clz64(a->w[0]);
    if (n) {
        for (i = 0; i < MPW - 1; i++)
            a->w[i] = (a->w[i] << n) | (a->w[i + 1] >> (64 - n));
        a->w[MPW - 1] <<= n;
        a->e -= n;
    }
}

static struct mp mp_from_u64(int s, uint64_t m, int32_t e)
{
    struct mp r = { s, 0, e, { m, 0, 0, 0 } };   /* value m * 2^(e-64) */
    mp_norm(&r);
    return r;
}

/* Finite f80 (any class but NaN/inf/unsupported) to mp, exactly. */
static struct mp mp_from_f80(f80 a)
{
    int32_t e;
    uint64_t m;
    if (!(a.se & 0x7fff) && !a.sig) { struct mp z = mp_zero; z.s = f80i_sign(a); return z; }
    f80i_unpack(a, &e, &m);
    return mp_from_u64(f80i_sign(a), m, e - F80_BIAS + 1);
}

static f80 mp_to_f80(struct f80_ctx *c, const struct mp *a)
{
    if (a->z)
        return f80_make(a->s, 0, 0);
    return f80i_round_pack(c, a->s, a->e - 1 + F80_BIAS, a->w[0],
                           a->w[1] | ((a->w[2] | a->w[3]) != 0), 64);
}

/* mp_to_f80 for the instructions that the CPU always reports as inexact:
 * PE even when the rounding was exact, and then UE for a tiny result as
 * for any inexact one (masked UE only: with UE unmasked f80i_round has
 * already wrapped a tiny result and raised UE whether exact or not). */
static f80 mp_to_f80_inexact(struct f80_ctx *c, const struct mp *a)
{
    f80 r = mp_to_f80(c, a);
    c->flags |= F80_PE;
    if (!(r.se & 0x7fff) && r.sig)
        c->flags |= F80_UE;
    return r;
}

/* Shift w right by n bits; returns nonzero if bits were lost. */
static int mp_shr(uint64_t *w, int32_t n)
{
    int i, ws = n / 64, bs = n % 64, lost = 0;
    if (n >= 64 * MPW) {
        for (i = 0; i < MPW; i++) { lost |= w[i] != 0; w[i] = 0; }
        return lost;
    }
    for (i = MPW - ws; i < MPW; i++) lost |= w[i] != 0;
    if (bs) lost |= (w[MPW - 1 - ws] << (64 - bs)) != 0;
    for (i = MPW - 1; i >= 0; i--) {
        uint64_t hi = i - ws >= 0 ? w[i - ws] : 0;
        uint64_t lo = i - ws - 1 >= 0 ? w[i - ws - 1] : 0;
        w[i] = bs ? (hi >> bs) | (lo << (64 - bs)) : hi;
    }
    return lost;
}

static struct mp mp_add(struct mp a, struct mp b)
{
    struct mp r;
    uint64_t bw[MPW];
    int i;
    if (b.z) return a;
    if (a.z) return b;
    if (a.e < b.e || (a.e == b.e && a.w[0] < b.w[0])) { r = a; a = b; b = r; }
    for (i = 0; i < MPW; i++) bw[i] = b.w[i];
    /* A lost tail becomes a sticky last bit, so that a negligible
     * addend still tells the final rounding which side it is on. */
    if (mp_shr(bw, a.e - b.e)) bw[MPW - 1] |= 1;
    r = a;
    if (a.s == b.s) {
        uint64_t carry = 0;
        for (i = MPW - 1; i >= 0; i--) {
            uint64_t t = a.w[i] + bw[i];
            uint64_t c1 = t < a.w[i];
            r.w[i] = t + carry;
            carry = c1 | (r.w[i] < t);
        }
        if (carry) {
            if (mp_shr(r.w, 1)) r.w[MPW - 1] |= 1;
            r.w[0] |= 1ull << 63;
            r.e++;
        }
    } else {
        uint64_t borrow = 0;
        int neg;
        for (i = MPW - 1; i >= 0; i--) {
            uint64_t t = a.w[i] - bw[i];
            uint64_t b1 = a.w[i] < bw[i];
            r.w[i] = t - borrow;
            borrow = b1 | (t < borrow);
        }
        neg = (int)borrow;          /* equal exponents, a below b */
        if (neg) {
            for (i = MPW - 1; i >= 0; i--) r.w[i] = ~r.w[i];
            for (i = MPW - 1; i >= 0; i--) if (++r.w[i]) break;
            r.s = b.s;
        }
        mp_norm(&r);
    }
    return r;
}

static struct mp mp_neg(struct mp a) { a.s ^= 1; return a; }
static struct mp mp_sub(struct mp a, struct mp b) { return mp_add(a, mp_neg(b)); }

static struct mp mp_mul(const struct mp *a, const struct mp *b)
{
    uint64_t p[2 * MPW] = { 0 };
    struct mp r;
    int i, j;
    if (a->z || b->z) { r = mp_zero; r.s = a->s ^ b->s; return r; }
    for (i = MPW - 1; i >= 0; i--) {
        uint64_t carry = 0;
        for (j = MPW - 1; j >= 0; j--) {
            uint64_t hi, lo, t;
            f80i_mul64(a->w[i], b->w[j], &hi, &lo);
            t = p[i + j + 1] + lo;
            hi += t < lo;
            t += carry;
            hi += t < carry;
            p[i + j + 1] = t;
            carry = hi;
        }
        p[i] = carry;
    }
    r.s = a->s ^ b->s;
    r.z = 0;
    r.e = a->e + b->e;
    if (p[MPW + 1] | p[MPW + 2] | p[MPW + 3]) p[MPW] |= 1;    /* sticky */
    if (!(p[0] >> 63)) {
        for (i = 0; i < 2 * MPW - 1; i++) p[i] = (p[i] << 1) | (p[i + 1] >> 63);
        r.e--;
    }
    for (i = 0; i < MPW; i++) r.w[i] = p[i];
    return r;
}

static struct mp mp_mul_pow2(struct mp a, int32_t n) { if (!a.z) a.e += n; return a; }

static struct mp mp_div_small(struct mp a, uint32_t d)
{
    uint64_t rem = 0;
    int i;
    if (a.z) return a;
    for (i = 0; i < MPW; i++)
        a.w[i] = f80i_div128(rem, a.w[i], d, &rem);
    mp_norm(&a);
    return a;
}

/* a / b by restoring division: 256 quotient bits plus a sticky last
 * bit, so that an exact quotient stays exact. */
static int mp_rem_ge(const uint64_t *r, const uint64_t *d)
{
    int i;
    if (r[0]) return 1;
    for (i = 0; i < MPW; i++)
        if (r[i + 1] != d[i]) return r[i + 1] > d[i];
    return 1;
}

static void mp_rem_shl(uint64_t *r)
{
    int i;
    for (i = 0; i < MPW; i++) r[i] = (r[i] << 1) | (r[i + 1] >> 63);
    r[MPW] <<= 1;
}

static struct mp mp_div(const struct mp *a, const struct mp *b)
{
    uint64_t r[MPW + 1], q[MPW] = { 0 };
    struct mp res;
    int i, pos;
    if (a->z) { res = *a; res.s ^= b->s; return res; }
    r[0] = 0;
    for (i = 0; i < MPW; i++) r[i + 1] = a->w[i];
    res.s = a->s ^ b->s;
    res.z = 0;
    res.e = a->e - b->e + 1;
    if (!mp_rem_ge(r, b->w)) {           /* mantissa ratio below 1 */
        mp_rem_shl(r);
        res.e--;
    }
    for (pos = 0; pos < 64 * MPW; pos++) {
        if (mp_rem_ge(r, b->w)) {
            uint64_t borrow = 0;
            for (i = MPW - 1; i >= 0; i--) {
                uint64_t t = r[i + 1] - b->w[i];
                uint64_t b1 = r[i + 1] < b->w[i];
                r[i + 1] = t - borrow;
                borrow = b1 | (t < borrow);
            }
            r[0] -= borrow;
            q[pos / 64] |= 1ull << (63 - pos % 64);
        }
        mp_rem_shl(r);
    }
    if (r[0] | r[1] | r[2] | r[3] | r[4]) q[MPW - 1] |= 1;
    for (i = 0; i < MPW; i++) res.w[i] = q[i];
    return res;
}

/* |a| compared with |b|. */
static int mp_cmp_mag(const struct mp *a, const struct mp *b)
{
    int i;
    if (a->z || b->z) return b->z - a->z == 0 ? 0 : (a->z ? -1 : 1);
    if (a->e != b->e) return a->e < b->e ? -1 : 1;
    for (i = 0; i < MPW; i++)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* A series stops once the term just added reached only the last few
 * bits (or just the sticky bit) of the sum: adding further, smaller
 * terms of alternating sign could cancel that sticky information. */
static int mp_negligible(const struct mp *term, const struct mp *sum)
{
    return term->z || (!sum->z && term->e < sum->e - (64 * MPW - 8));
}

static const struct mp K_LN2 = { 0, 0, 0, { 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull,
                                            0x40f343267298b62dull, 0x8a0d175b8baafa2bull } };
static const struct mp K_PI = { 0, 0, 2, { 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull,
                                           0x29024e088a67cc74ull, 0x020bbea63b139b22ull } };
/* atan(k/8), k = 1..8 */
static const struct mp K_ATAN[8] = {
    { 0, 0, -3, { 0xfeadd4d5617b6e32ull, 0xc897989f3e888ef7ull, 0x8b3957d95d9ad922ull, 0xec93577dfb6c1768ull } },
    { 0, 0, -2, { 0xfadbafc96406eb15ull, 0x6dc79ef5f7a217e5ull, 0xaa7fa90388b3836bull, 0x7a3a767c9449a765ull } },
    { 0, 0, -1, { 0xb7b0ca0f26f78473ull, 0x8aa32122dcfe4483ull, 0x3d843977ae5455ccull, 0x4733e5ca334908e0ull } },
    { 0, 0, -1, { 0xed63382b0dda7b45ull, 0x6fe445ecbc3a8d03ull, 0x6e141587261cdf00ull, 0xe2cf16e6e9624709ull } },
    { 0, 0, 0, { 0x8f005d5ef7f59f9bull, 0x5c835e1665c43747ull, 0x918a67e0652b375cull, 0xf53da46d13389eb2ull } },
    { 0, 0, 0, { 0xa4bc7d1934f70924ull, 0x19a87f2a457dac9eull, 0xe3f08689eeb2b9e7ull, 0x214866658cc4ef3aull } },
    { 0, 0, 0, { 0xb8053e2bc2319e73ull, 0xcb2da55210a4443dull, 0x3d7aecc114c79a80ull, 0xa012155f64cae530ull } },
    { 0, 0, 0, { 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 0x29024e088a67cc74ull, 0x020bbea63b139b22ull } },
};

/* e^t - 1 by its Taylor series (|t| < 1). */
static struct mp mp_expm1(const struct mp *t)
{
    struct mp sum = *t, term = *t;
    uint32_t n;
    for (n = 2; n < 200; n++) {
        term = mp_mul(&term, t);
        term = mp_div_small(term, n);
        sum = mp_add(sum, term);
        if (mp_negligible(&term, &sum)) break;
    }
    return sum;
}

/* 2 * atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), |s| < 0.2. */
static struct mp mp_2atanh(const struct mp *s)
{
    struct mp s2 = mp_mul(s, s), pw = *s, sum = *s, term;
    uint32_t n;
    for (n = 3; n < 400; n += 2) {
        pw = mp_mul(&pw, &s2);
        term = mp_div_small(pw, n);
        sum = mp_add(sum, term);
        if (mp_negligible(&term, &sum)) break;
    }
    return mp_mul_pow2(sum, 1);
}

/* atan(t) by its Taylor series, |t| <= 1/16. */
static struct mp mp_atan_series(const struct mp *t)
{
    struct mp t2 = mp_mul(t, t), pw = *t, sum = *t, term;
    uint32_t n;
    for (n = 3; n < 400; n += 2) {
        pw = mp_neg(mp_mul(&pw, &t2));
        term = mp_div_small(pw, n);
        sum = mp_add(sum, term);
        if (mp_negligible(&term, &sum)) break;
    }
    return sum;
}

/* atan(t) for 0 <= t <= 1: atan(c) + atan((t - c) / (1 + t c)), c = k/8. */
static struct mp mp_atan01(const struct mp *t)
{
    struct mp c, num, den, u, one = mp_from_u64(0, 1, 64);
    int32_t e8 = t->e + 3;     /* 8t = 0.w * 2^e8, e8 <= 4 */
    int k = 0;
    if (!t->z && e8 >= 0)      /* k = round(8t) */
        k = (int)((e8 ? t->w[0] >> (64 - e8) : 0) + ((t->w[0] << e8) >> 63));
    if (k == 0)
        return mp_atan_series(t);
    c = mp_div_small(mp_from_u64(0, (uint64_t)k, 64), 8);
    num = mp_sub(*t, c);
    den = mp_mul(t, &c);
    den = mp_add(den, one);
    u = mp_div(&num, &den);
    u = mp_atan_series(&u);
    return mp_add(K_ATAN[k - 1], u);
}

/* ln(m) for m > 0: e*ln2 + 2 atanh((f-1)/(f+1)) with m = f * 2^e and
 * f in [sqrt(1/2), sqrt(2)), so no cancellation between the parts. */
static struct mp mp_ln_split(struct mp m, int32_t *e_out)
{
    struct mp one = mp_from_u64(0, 1, 64), num, den, s;
    int32_t e = m.e - 1;
    m.e = 1;
    /* 0xb504f333f9de6484 = sqrt(2) * 2^63, truncated */
    if (m.w[0] > 0xb504f333f9de6484ull) { m.e = 0; e++; }
    num = mp_sub(m, one);
    den = mp_add(m, one);
    s = mp_div(&num, &den);
    *e_out = e;
    return s.z ? s : mp_2atanh(&s);
}

/* log2(m) for m > 0 as e + ln(f)/ln2 (see mp_ln_split): exact when m
 * is a power of two. */
static struct mp mp_log2(struct mp m)
{
    int32_t e;
    struct mp lnf = mp_ln_split(m, &e), r;
    r = lnf.z ? lnf : mp_div(&lnf, &K_LN2);
    if (e)
        r = mp_add(mp_from_u64(e < 0, (uint64_t)(e < 0 ? -(int64_t)e : e), 64), r);
    return r;
}

static f80 f80_inf(int s) { return f80_make(s, 0x7fff, 1ull << 63); }

f80 f80_f2xm1(struct f80_ctx *c, f80 a)
{
    int k = f80i_kind(a);
    struct mp x, t, r;
    if (k == K_UNSUP) return f80i_invalid(c);
    if (f80i_isnan(k)) return f80i_nan1(c, a);
    if (k == K_ZERO) return a;
    if (k == K_INF) return f80i_sign(a) ? f80_make(1, F80_BIAS, 1ull << 63) : a;
    if (k == K_DENORM) c->flags |= F80_DE;
    if (f80i_exp(a) >= F80_BIAS) {
        if (f80i_exp(a) > F80_BIAS || a.sig != 1ull << 63) {
            /* |a| > 1, outside the architected range: Zen returns the
             * operand itself, flagged inexact. */
            c->flags |= F80_PE;
            return a;
        }
        if (f80i_sign(a)) {
            /* -1: exactly -1/2, yet flagged inexact (C1 clear). */
            c->flags |= F80_PE;
            return f80_make(1, F80_BIAS - 1, 1ull << 63);
        }
        /* +1: rounded as if the value were just below 1, as Zen does:
         * 1 (rounded up) for RN and RU, the largest value below 1 for
         * RD and RZ. */
        x = mp_from_u64(0, 1, 64);
        x = mp_sub(x, mp_from_u64(0, 1, -400));
        return mp_to_f80(c, &x);
    }
    x = mp_from_f80(a);
    t = mp_mul(&x, &K_LN2);         /* |t| < ln 2 */
    r = mp_expm1(&t);
    return mp_to_f80(c, &r);
}

f80 f80_fyl2x(struct f80_ctx *c, f80 a, f80 b)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int sa = f80i_sign(a), sb = f80i_sign(b);
    struct mp l, y, r;
    if (ka == K_UNSUP || kb == K_UNSUP || f80i_isnan(ka) || f80i_isnan(kb))
        return f80i_nan2(c, a, b);
    if (sa && ka != K_ZERO)
        return f80i_invalid(c);       /* log of a negative number */
    if (ka == K_ZERO) {
        if (kb == K_ZERO) return f80i_invalid(c);
        if (kb == K_INF) return f80_inf(!sb);
        c->flags |= F80_ZE;           /* no DE for a denormal y (Zen) */
        return f80_inf(!sb);
    }
    if (ka == K_INF) {
        if (kb == K_ZERO) return f80i_invalid(c);
        if (kb == K_DENORM) c->flags |= F80_DE;
        return f80_inf(sb);
    }
    /* x finite positive */
    if (a.se == F80_BIAS && a.sig == 1ull << 63) {    /* log2(1) = +0 */
        if (kb == K_INF) return f80i_invalid(c);
        if (kb == K_DENORM) c->flags |= F80_DE;
        return f80_make(sb, 0, 0);
    }
    if (ka == K_DENORM || kb == K_DENORM) c->flags |= F80_DE;
    l = mp_log2(mp_from_f80(a));
    if (kb == K_INF) return f80_inf(sb ^ l.s);
    if (kb == K_ZERO) return f80_make(sb ^ l.s, 0, 0);
    /* Zen flags FYL2X inexact even when log2 x is an exact integer. */
    y = mp_from_f80(b);
    r = mp_mul(&y, &l);
    return mp_to_f80_inexact(c, &r);
}

f80 f80_fyl2xp1(struct f80_ctx *c, f80 a, f80 b)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int sa = f80i_sign(a), sb = f80i_sign(b);
    struct mp x, y, two = mp_from_u64(0, 2, 64), one = mp_from_u64(0, 1, 64), s, d, r;
    int below;
    if (ka == K_UNSUP || kb == K_UNSUP || f80i_isnan(ka) || f80i_isnan(kb))
        return f80i_nan2(c, a, b);
    if (ka == K_ZERO) {
        if (kb == K_INF) return f80i_invalid(c);
        if (kb == K_DENORM) c->flags |= F80_DE;
        return f80_make(sa ^ sb, 0, 0);
    }
    if (ka == K_INF) {
        if (sa || kb == K_ZERO) return f80i_invalid(c);
        if (kb == K_DENORM) c->flags |= F80_DE;
        return f80_inf(sb);
    }
    x = mp_from_f80(a);
    /* 1 + x <= 0, outside the domain: no invalid operation on Zen. Zero
     * and infinite y give the signed zero and infinity of the in-domain
     * case; any other y leaves x itself, flagged inexact. */
    below = sa && mp_cmp_mag(&x, &one) >= 0;
    if (ka == K_DENORM || kb == K_DENORM) c->flags |= F80_DE;
    if (kb == K_INF) return f80_inf(sb ^ sa);
    if (kb == K_ZERO) return f80_make(sb ^ sa, 0, 0);
    if (below) {
        c->flags |= F80_PE;
        return a;
    }
    /* ln(1+x) = 2 atanh(x / (2 + x)) keeps full relative precision for
     * small x. Otherwise 1 + x is exact in an mp and log2 is taken as in
     * FYL2X, exactly when 1 + x is a power of two. */
    d = mp_add(two, x);
    s = mp_div(&x, &d);
    if (s.e < -2) {
        r = mp_2atanh(&s);
        r = mp_div(&r, &K_LN2);
    } else {
        r = mp_log2(mp_add(one, x));
    }
    y = mp_from_f80(b);
    r = mp_mul(&y, &r);
    return mp_to_f80_inexact(c, &r);
}

f80 f80_fpatan(struct f80_ctx *c, f80 a, f80 b)
{
    int kx = f80i_kind(a), ky = f80i_kind(b);
    int sx = f80i_sign(a), sy = f80i_sign(b);
    struct mp x, y, t, r, pi = K_PI, half_pi = mp_mul_pow2(K_PI, -1);
    int swap;
    if (kx == K_UNSUP || ky == K_UNSUP || f80i_isnan(kx) || f80i_isnan(ky))
        return f80i_nan2(c, a, b);
    if (kx == K_DENORM || ky == K_DENORM) c->flags |= F80_DE;
    if (ky == K_ZERO) {
        if (!sx) return f80_make(sy, 0, 0);
        r = pi;
    } else if (ky == K_INF) {
        if (kx == K_INF)
            r = sx ? mp_sub(pi, mp_mul_pow2(pi, -2)) : mp_mul_pow2(pi, -2);
        else
            r = half_pi;
    } else if (kx == K_INF) {
        if (!sx) return f80_make(sy, 0, 0);
        r = pi;
    } else if (kx == K_ZERO) {
        r = half_pi;
    } else {
        x = mp_from_f80(a);
        y = mp_from_f80(b);
        x.s = y.s = 0;
        swap = mp_cmp_mag(&y, &x) > 0;
        t = swap ? mp_div(&x, &y) : mp_div(&y, &x);
        r = mp_atan01(&t);
        if (swap) r = mp_sub(half_pi, r);
        if (sx) r = mp_sub(pi, r);
    }
    r.s = sy;
    return mp_to_f80(c, &r);
}

/* pi/2 as the hardware's 66-bit pi: 0x3243F6A8885A308D3 * 2^-65. */
#define PI66_HI 0x3ull
#define PI66_LO 0x243F6A8885A308D3ull

/* Reduce finite a, |a| < 2^63, to r = a - q * pi66/2 exactly, with q the
 * nearest integer to a / (pi66/2); returns q mod 4. */
static int trig_reduce(f80 a, struct mp *r)
{
    static const struct mp quarter_pi = { 0, 0, 0, { 0xc90fdaa22168c234ull, 0, 0, 0 } };
    struct mp x = mp_from_f80(a), p, q, kp;
    uint64_t k;
    p = mp_add(mp_from_u64(0, PI66_HI, 63), mp_from_u64(0, PI66_LO, -1));
    if (mp_cmp_mag(&x, &quarter_pi) < 0) {
        *r = x;
        return 0;
    }
    q = mp_div(&x, &p);                  /* |q| < 2^63 */
    if (q.e <= 0)
        k = q.e == 0;                    /* q in [1/2, 1) rounds to 1 */
    else
        k = (q.w[0] >> (64 - q.e)) + ((q.w[0] << q.e) >> 63);
    kp = mp_from_u64(0, k, 64);
    kp = mp_mul(&kp, &p);                /* exact: at most 130 bits */
    kp.s = x.s;
    *r = mp_sub(x, kp);                  /* exact: the operands overlap */
    return (int)(x.s ? (0 - k) & 3 : k & 3);
}

/* sin and cos of |r| <= about pi/4 by their Taylor series. */
static void mp_sincos(const struct mp *r, struct mp *s, struct mp *co)
{
    struct mp r2 = mp_mul(r, r), term = *r, sum = *r, one = mp_from_u64(0, 1, 64);
    uint32_t n;
    for (n = 2; n < 400; n += 2) {
        term = mp_neg(mp_mul(&term, &r2));
        term = mp_div_small(term, n * (n + 1));
        sum = mp_add(sum, term);
        if (mp_negligible(&term, &sum)) break;
    }
    *s = sum;
    term = one;
    sum = one;
    for (n = 1; n < 400; n += 2) {
        term = mp_neg(mp_mul(&term, &r2));
        term = mp_div_small(term, n * (n + 1));
        sum = mp_add(sum, term);
        if (mp_negligible(&term, &sum)) break;
    }
    *co = sum;
}

/* Common screen for the trigonometric instructions: returns 1 with *res
 * set (or *c2 = 1) when no evaluation is needed. */
static int trig_special(struct f80_ctx *c, f80 a, int *c2, f80 *res)
{
    int k = f80i_kind(a);
    *c2 = 0;
    if (k == K_UNSUP || k == K_INF) { *res = f80i_invalid(c); return 1; }
    if (f80i_isnan(k)) { *res = f80i_nan1(c, a); return 1; }
    if (k == K_NORMAL && (a.se & 0x7fff) >= F80_BIAS + 63) {
        *c2 = 1;
        *res = a;
        return 1;
    }
    if (k == K_DENORM) c->flags |= F80_DE;
    return 0;
}

/* sin (which=0), cos (1) of a, and tan (2) evaluated from the reduction. */
static struct mp trig_eval(f80 a, int which)
{
    struct mp r, s, co, t;
    int q = trig_reduce(a, &r);
    mp_sincos(&r, &s, &co);
    switch (which) {
    case 0:
        t = (q & 1) ? co : s;
        if (q & 2) t = mp_neg(t);
        return t;
    case 1:
        t = (q & 1) ? s : co;
        if ((q + 1) & 2) t = mp_neg(t);
        return t;
    default:
        if (q & 1) { t = mp_div(&co, &s); return mp_neg(t); }
        if (r.e < -130) {
            /* tan r = r + r^3/3 + ...: the tail only decides rounding */
            t = mp_mul(&r, &r);
            t = mp_mul(&t, &r);
            return mp_add(r, mp_div_small(t, 3));
        }
        return mp_div(&s, &co);
    }
}

f80 f80_fsin(struct f80_ctx *c, f80 a, int *c2)
{
    f80 res;
    struct mp r;
    if (trig_special(c, a, c2, &res)) return res;
    if (f80i_kind(a) == K_ZERO) return a;
    r = trig_eval(a, 0);
    return mp_to_f80(c, &r);
}

f80 f80_fcos(struct f80_ctx *c, f80 a, int *c2)
{
    f80 res;
    struct mp r;
    if (trig_special(c, a, c2, &res)) return res;
    if (f80i_kind(a) == K_ZERO) return f80_make(0, F80_BIAS, 1ull << 63);
    r = trig_eval(a, 1);
    return mp_to_f80(c, &r);
}

f80 f80_fsincos(struct f80_ctx *c, f80 a, f80 *cosv, int *c2)
{
    f80 res;
    struct mp s, co;
    if (trig_special(c, a, c2, &res)) { *cosv = res; return res; }
    if (f80i_kind(a) == K_ZERO) {
        *cosv = f80_make(0, F80_BIAS, 1ull << 63);
        return a;
    }
    s = trig_eval(a, 0);
    co = trig_eval(a, 1);
    {
        /* C1 reports the rounding of the sine only (measured on Zen). */
        struct f80_ctx t = *c;
        t.flags = 0;
        *cosv = mp_to_f80(&t, &co);
        c->flags |= t.flags & ~(unsigned)F80_C1;
    }
    return mp_to_f80(c, &s);
}

f80 f80_fptan(struct f80_ctx *c, f80 a, f80 *one, int *c2)
{
    f80 res;
    struct mp t;
    *one = f80_make(0, F80_BIAS, 1ull << 63);
    if (trig_special(c, a, c2, &res)) {
        *one = res;
        return res;
    }
    if (f80i_kind(a) == K_ZERO) return a;
    t = trig_eval(a, 2);
    return mp_to_f80(c, &t);
}
