/* 80-bit extended arithmetic with x87 semantics: rounding core, basic
 * operations, FRNDINT/FSCALE/FXTRACT/FPREM/FPREM1, compare and FXAM.
 * Integer arithmetic only, so the results do not depend on the host FPU. */
#include "f80-impl.h"

static const struct f80i_fmt fmt_ext64 = { 64, 1, 0x7fff, 1 };

int f80i_pcbits(const struct f80_ctx *c)
{
    switch (c->pc & 3) {
    case F80_PC24: return 24;
    case F80_PC53: return 53;
    default: return 64;   /* PC=1 is reserved; the x87 treats it as 64 */
    }
}

static int round_incr(int rc, int sign, int lsb, int half, int rest)
{
    switch (rc & 3) {
    case F80_RN: return half && (rest || lsb);
    case F80_RD: return sign && (half || rest);
    case F80_RU: return !sign && (half || rest);
    default: return 0;
    }
}

/* Round (hi:lo) at significand width `bits`; returns 1 if inexact and
 * sets *up when the magnitude was incremented (*carry on wrap to 2^64). */
static int round_sig(int rc, int sign, uint64_t *hi, uint64_t lo, int bits,
                     int *up, int *carry)
{
    int p = 64 - bits, half, rest, lsb;
    uint64_t h = *hi;
    if (p == 0) {
        half = (int)(lo >> 63);
        rest = (lo << 1) != 0;
        lsb = (int)(h & 1);
    } else {
        uint64_t mask = (1ull << p) - 1, rb = h & mask;
        half = (int)(rb >> (p - 1) & 1);
        rest = (rb & (mask >> 1)) != 0 || lo != 0;
        lsb = (int)(h >> p & 1);
        h &= ~mask;
    }
    *up = 0;
    *carry = 0;
    if (round_incr(rc, sign, lsb, half, rest)) {
        uint64_t n = h + (1ull << p);
        *carry = n < h;
        h = n;
        *up = 1;
    }
    *hi = h;
    return half || rest;
}

struct f80i_res f80i_round(struct f80_ctx *c, int sign, int32_t exp,
                           uint64_t hi, uint64_t lo, const struct f80i_fmt *f)
{
    struct f80i_res r;
    int up, carry, inexact;
    r.sign = sign;
    if (!hi && !lo) {
        r.exp = 0;
        r.sig = 0;
        return r;
    }
    if (exp < f->emin) {
        /* The x87 judges tininess after rounding to the destination
         * precision with an unbounded exponent. */
        uint64_t th = hi;
        int tiny = 1;
        if (exp == f->emin - 1) {
            round_sig(c->rc, sign, &th, lo, f->bits, &up, &carry);
            tiny = !carry;
        }
        if (tiny && f->wrap && !(c->masks & F80_UE)) {
            if (f->wrap == 2 || exp + 0x6000 < f->emin) {
                /* Beyond even the wrapped range: a signed zero. */
                c->flags |= F80_UE | F80_PE;
                r.exp = 0;
                r.sig = 0;
                return r;
            }
            exp += 0x6000;
            c->flags |= F80_UE;
        } else {
            f80i_shr128_sticky(&hi, &lo, f->emin - exp);
            inexact = round_sig(c->rc, sign, &hi, lo, f->bits, &up, &carry);
            if (carry) hi = 1ull << 63;
            r.exp = (hi >> 63) ? f->emin : 0;
            r.sig = hi;
            if (inexact) {
                c->flags |= F80_PE | (tiny ? F80_UE : 0);
                if (up) c->flags |= F80_C1;
            }
            return r;
        }
    }
    inexact = round_sig(c->rc, sign, &hi, lo, f->bits, &up, &carry);
    if (carry) { hi = 1ull << 63; exp++; }
    if (inexact) {
        c->flags |= F80_PE;
        if (up) c->flags |= F80_C1;
    }
    if (exp >= f->emax) {
        c->flags |= F80_OE;
        if (f->wrap == 1 && !(c->masks & F80_OE) && exp - 0x6000 < f->emax) {
            exp -= 0x6000;
        } else if (f->wrap && !(c->masks & F80_OE)) {
            /* Beyond even the wrapped range: infinity whatever the RC. */
            c->flags |= F80_PE | F80_C1;
            r.exp = f->emax;
            r.sig = 1ull << 63;
            return r;
        } else {
            int to_inf;
            c->flags |= F80_PE;
            switch (c->rc & 3) {
            case F80_RN: to_inf = 1; break;
            case F80_RD: to_inf = sign; break;
            case F80_RU: to_inf = !sign; break;
            default: to_inf = 0; break;
            }
            c->flags &= ~(unsigned)F80_C1;
            if (to_inf) {
                c->flags |= F80_C1;
                r.exp = f->emax;
                r.sig = 1ull << 63;
            } else {
                r.exp = f->emax - 1;
                r.sig = ~0ull << (64 - f->bits);
            }
            return r;
        }
    }
    r.exp = exp;
    r.sig = hi;
    return r;
}

f80 f80i_round_pack(struct f80_ctx *c, int sign, int32_t exp, uint64_t hi,
                    uint64_t lo, int bits)
{
    struct f80i_fmt f = fmt_ext64;
    struct f80i_res r;
    f.bits = bits;
    r = f80i_round(c, sign, exp, hi, lo, &f);
    return f80_make(r.sign, (unsigned)r.exp, r.sig);
}

f80 f80i_invalid(struct f80_ctx *c)
{
    c->flags |= F80_IE;
    return f80_indefinite();
}

f80 f80i_nan1(struct f80_ctx *c, f80 a)
{
    if (f80i_kind(a) == K_SNAN) c->flags |= F80_IE;
    a.sig |= 1ull << 62;
    return a;
}

f80 f80i_nan2(struct f80_ctx *c, f80 a, f80 b)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    f80 r;
    if (ka == K_UNSUP || kb == K_UNSUP)
        return f80i_invalid(c);
    if (ka == K_SNAN || kb == K_SNAN)
        c->flags |= F80_IE;
    if (f80i_isnan(ka) && f80i_isnan(kb)) {
        if (ka != kb)                   /* one QNaN, one SNaN: the QNaN */
            r = ka == K_QNAN ? a : b;
        else if (a.sig != b.sig)        /* larger significand wins */
            r = a.sig > b.sig ? a : b;
        else                            /* tie: the positive one */
            r = f80i_sign(a) ? b : a;
    } else {
        r = f80i_isnan(ka) ? a : b;
    }
    r.sig |= 1ull << 62;
    return r;
}

f80 f80i_from_u64(int sign, uint64_t m)
{
    int n;
    if (!m) return f80_make(sign, 0, 0);
    n = f80i_clz64(m);
    return f80_make(sign, (unsigned)(F80_BIAS + 63 - n), m << n);
}

/* Screen two operands; returns 1 with *r set when a NaN or an
 * unsupported encoding decides the result. */
static int special2(struct f80_ctx *c, f80 a, f80 b, int ka, int kb, f80 *r)
{
    if (ka == K_UNSUP || kb == K_UNSUP || f80i_isnan(ka) || f80i_isnan(kb)) {
        *r = f80i_nan2(c, a, b);
        return 1;
    }
    return 0;
}

/* Denormal-operand flag; the x87 raises it only once invalid-operation
 * and zero-divide have been ruled out. */
static void denorm2(struct f80_ctx *c, int ka, int kb)
{
    if (ka == K_DENORM || kb == K_DENORM)
        c->flags |= F80_DE;
}

static f80 addsub(struct f80_ctx *c, f80 a, f80 b, int negb)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int sa = f80i_sign(a), sb = f80i_sign(b) ^ negb;
    int32_t ea, eb, d;
    uint64_t ma, mb, hi, lo, bh, bl;
    f80 r;
    if (special2(c, a, b, ka, kb, &r))
        return r;
    denorm2(c, ka, kb);
    if (ka == K_INF || kb == K_INF) {
        if (ka == K_INF && kb == K_INF && sa != sb)
            return f80i_invalid(c);
        return ka == K_INF ? f80_make(sa, 0x7fff, 1ull << 63)
                           : f80_make(sb, 0x7fff, 1ull << 63);
    }
    if (ka == K_ZERO && kb == K_ZERO)
        return f80_make(sa == sb ? sa : (c->rc & 3) == F80_RD, 0, 0);
    if (ka == K_ZERO || kb == K_ZERO) {
        f80 x = ka == K_ZERO ? b : a;
        f80i_unpack(x, &ea, &ma);
        return f80i_round_pack(c, ka == K_ZERO ? sb : sa, ea, ma, 0, f80i_pcbits(c));
    }
    f80i_unpack(a, &ea, &ma);
    f80i_unpack(b, &eb, &mb);
    if (ea < eb || (ea == eb && ma < mb)) {
        int32_t te = ea; uint64_t tm = ma; int ts = sa;
        ea = eb; ma = mb; sa = sb;
        eb = te; mb = tm; sb = ts;
    }
    d = ea - eb;
    bh = mb;
    bl = 0;
    f80i_shr128_sticky(&bh, &bl, d);
    if (sa == sb) {
        lo = bl;
        hi = ma + bh;
        if (hi < ma) {      /* carry out: renormalize by one */
            lo = (lo >> 1) | (hi << 63) | (lo & 1);
            hi = (hi >> 1) | (1ull << 63);
            ea++;
        }
    } else {
        int n;
        lo = 0 - bl;
        hi = ma - bh - (bl != 0);
        if (!hi && !lo)
            return f80_make((c->rc & 3) == F80_RD, 0, 0);
        n = hi ? f80i_clz64(hi) : 64 + f80i_clz64(lo);
        if (n >= 64) { hi = lo << (n - 64); lo = 0; }
        else if (n) { hi = (hi << n) | (lo >> (64 - n)); lo <<= n; }
        ea -= n;
    }
    return f80i_round_pack(c, sa, ea, hi, lo, f80i_pcbits(c));
}

f80 f80_add(struct f80_ctx *c, f80 a, f80 b) { return addsub(c, a, b, 0); }
f80 f80_sub(struct f80_ctx *c, f80 a, f80 b) { return addsub(c, a, b, 1); }

f80 f80_mul(struct f80_ctx *c, f80 a, f80 b)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int s = f80i_sign(a) ^ f80i_sign(b);
    int32_t ea, eb, e;
    uint64_t ma, mb, hi, lo;
    f80 r;
    if (special2(c, a, b, ka, kb, &r))
        return r;
    denorm2(c, ka, kb);
    if (ka == K_INF || kb == K_INF) {
        if (ka == K_ZERO || kb == K_ZERO)
            return f80i_invalid(c);
        return f80_make(s, 0x7fff, 1ull << 63);
    }
    if (ka == K_ZERO || kb == K_ZERO)
        return f80_make(s, 0, 0);
    f80i_unpack(a, &ea, &ma);
    f80i_unpack(b, &eb, &mb);
    f80i_mul64(ma, mb, &hi, &lo);
    e = ea + eb - F80_BIAS + 1;
    if (!(hi >> 63)) {
        hi = (hi << 1) | (lo >> 63);
        lo <<= 1;
        e--;
    }
    return f80i_round_pack(c, s, e, hi, lo, f80i_pcbits(c));
}

f80 f80_div(struct f80_ctx *c, f80 a, f80 b)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int s = f80i_sign(a) ^ f80i_sign(b);
    int32_t ea, eb, e;
    uint64_t ma, mb, q1, q2, rem, nh, nl;
    f80 r;
    if (special2(c, a, b, ka, kb, &r))
        return r;
    if (kb != K_ZERO)
        denorm2(c, ka, kb);
    if (ka == K_INF)
        return kb == K_INF ? f80i_invalid(c) : f80_make(s, 0x7fff, 1ull << 63);
    if (kb == K_INF)
        return f80_make(s, 0, 0);
    if (kb == K_ZERO) {
        if (ka == K_ZERO)
            return f80i_invalid(c);
        c->flags |= F80_ZE;
        return f80_make(s, 0x7fff, 1ull << 63);
    }
    if (ka == K_ZERO)
        return f80_make(s, 0, 0);
    f80i_unpack(a, &ea, &ma);
    f80i_unpack(b, &eb, &mb);
    if (ma >= mb) {
        nh = ma >> 1;
        nl = ma << 63;
        e = ea - eb + F80_BIAS;
    } else {
        nh = ma;
        nl = 0;
        e = ea - eb + F80_BIAS - 1;
    }
    q1 = f80i_div128(nh, nl, mb, &rem);
    q2 = f80i_div128(rem, 0, mb, &rem);
    return f80i_round_pack(c, s, e, q1, q2 | (rem != 0), f80i_pcbits(c));
}

/* floor(sqrt(hi:lo)) for hi >= 2^62, and the remainder's relation to
 * the root, giving a rounding word: 0, below half, or above half. */
static uint64_t isqrt128(uint64_t hi, uint64_t lo, uint64_t *round_word)
{
    uint64_t s = 0, ph, pl, rh, rl;
    int bit;
    for (bit = 63; bit >= 0; bit--) {
        uint64_t t = s | (1ull << bit);
        f80i_mul64(t, t, &ph, &pl);
        if (ph < hi || (ph == hi && pl <= lo))
            s = t;
    }
    f80i_mul64(s, s, &ph, &pl);
    rl = lo - pl;
    rh = hi - ph - (lo < pl);
    /* The root is never exactly s + 1/2; it exceeds it iff rem > s. */
    if (!rh && !rl) *round_word = 0;
    else if (rh || rl > s) *round_word = 0x8000000000000001ull;
    else *round_word = 1;
    return s;
}

f80 f80_sqrt(struct f80_ctx *c, f80 a)
{
    int k = f80i_kind(a), s = f80i_sign(a);
    int32_t ea, E;
    uint64_t m, root, rw;
    if (k == K_UNSUP || f80i_isnan(k))
        return k == K_UNSUP ? f80i_invalid(c) : f80i_nan1(c, a);
    if (k == K_ZERO)
        return a;
    if (s)
        return f80i_invalid(c);
    if (k == K_DENORM)
        c->flags |= F80_DE;
    if (k == K_INF)
        return a;
    f80i_unpack(a, &ea, &m);
    E = ea - F80_BIAS;
    if (E & 1) {
        root = isqrt128(m, 0, &rw);
        ea = (E - 1) / 2 + F80_BIAS;
    } else {
        root = isqrt128(m >> 1, m << 63, &rw);
        ea = E / 2 + F80_BIAS;
    }
    return f80i_round_pack(c, 0, ea, root, rw, f80i_pcbits(c));
}

/* Round a finite nonzero value to an integer per rc; returns the rounded
 * value, flags PE/C1. Handles magnitudes of any size. */
f80 f80_round_int(struct f80_ctx *c, f80 a)
{
    int k = f80i_kind(a), s = f80i_sign(a);
    int32_t e, fb;
    uint64_t m, ip, fr;
    int half, rest;
    if (k == K_UNSUP)
        return f80i_invalid(c);
    if (f80i_isnan(k))
        return f80i_nan1(c, a);
    if (k == K_ZERO || k == K_INF)
        return a;
    if (k == K_DENORM)
        c->flags |= F80_DE;
    f80i_unpack(a, &e, &m);
    fb = F80_BIAS + 63 - e;        /* number of fraction bits */
    if (fb <= 0)
        return f80_make(s, (unsigned)e, m);
    if (fb < 64) {
        ip = m >> fb;
        fr = m << (64 - fb);
    } else {
        ip = 0;
        fr = fb == 64 ? m : 1;     /* below one half: only stickiness */
    }
    half = (int)(fr >> 63);
    rest = (fr << 1) != 0;
    if (!half && !rest)
        return f80_make(s, (unsigned)e, m);
    c->flags |= F80_PE;
    if (round_incr(c->rc, s, (int)(ip & 1), half, rest)) {
        c->flags |= F80_C1;
        ip++;
        if (fb < 64 && ip >> (64 - fb))   /* 2^(64-fb): exponent grows */
            return f80_make(s, (unsigned)(e + 1), 1ull << 63);
    }
    if (!ip)
        return f80_make(s, 0, 0);
    return f80i_from_u64(s, ip);
}

f80 f80_scale(struct f80_ctx *c, f80 a, f80 b)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int sa = f80i_sign(a), sb = f80i_sign(b);
    int32_t ea, eb, n;
    uint64_t ma, mb;
    f80 r;
    if (special2(c, a, b, ka, kb, &r))
        return r;
    denorm2(c, ka, kb);
    if (kb == K_INF) {
        if (ka == K_ZERO)
            return sb ? a : f80i_invalid(c);
        if (ka == K_INF)
            return sb ? f80i_invalid(c) : a;
        return sb ? f80_make(sa, 0, 0) : f80_make(sa, 0x7fff, 1ull << 63);
    }
    if (ka == K_ZERO || ka == K_INF)
        return a;
    n = 0;
    if (kb != K_ZERO) {
        f80i_unpack(b, &eb, &mb);
        if (eb >= F80_BIAS + 30)
            n = 1 << 30;               /* certainly out of range */
        else if (eb >= F80_BIAS)
            n = (int32_t)(mb >> (63 - (eb - F80_BIAS)));
        if (sb) n = -n;
    }
    f80i_unpack(a, &ea, &ma);
    if (n > 0x10000) n = 0x10000;
    if (n < -0x10000) n = -0x10000;
    return f80i_round_pack(c, sa, ea + n, ma, 0, 64);
}

f80 f80_xtract(struct f80_ctx *c, f80 a, f80 *exponent)
{
    int k = f80i_kind(a), s = f80i_sign(a);
    int32_t e;
    uint64_t m;
    if (k == K_UNSUP) {
        *exponent = f80i_invalid(c);
        return *exponent;
    }
    if (f80i_isnan(k)) {
        *exponent = f80i_nan1(c, a);
        return *exponent;
    }
    if (k == K_ZERO) {
        c->flags |= F80_ZE;
        *exponent = f80_make(1, 0x7fff, 1ull << 63);
        return a;
    }
    if (k == K_INF) {
        *exponent = f80_make(0, 0x7fff, 1ull << 63);
        return a;
    }
    if (k == K_DENORM)
        c->flags |= F80_DE;
    f80i_unpack(a, &e, &m);
    e -= F80_BIAS;
    *exponent = f80i_from_u64(e < 0, (uint64_t)(e < 0 ? -(int64_t)e : e));
    return f80_make(s, F80_BIAS, m);
}

/* Shared FPREM/FPREM1 body; `nearest` selects the IEEE quotient. */
static f80 prem_common(struct f80_ctx *c, f80 a, f80 b, unsigned *cc, int nearest)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int sa = f80i_sign(a);
    int32_t ea, eb, d;
    uint64_t ma, mb, q = 0, rm, hi, lo;
    f80 r;
    *cc = 0;
    if (special2(c, a, b, ka, kb, &r))
        return r;
    if (ka != K_INF && kb != K_ZERO)
        denorm2(c, ka, kb);
    if (ka == K_INF || kb == K_ZERO)
        return f80i_invalid(c);
    if (ka == K_ZERO)
        return a;
    if (kb == K_INF) {      /* a itself, but normalized as the x87 does */
        f80i_unpack(a, &ea, &ma);
        return f80i_round_pack(c, sa, ea, ma, 0, 64);
    }
    f80i_unpack(a, &ea, &ma);
    f80i_unpack(b, &eb, &mb);
    d = ea - eb;
    if (d >= 64) {
        /* Partial reduction: the quotient is taken by truncation at an
         * exponent difference of 32..63, and C2 asks for another pass. */
        int32_t n = 32 + ((d - 64) & 31);
        eb += d - n;
        d = n;
        nearest = 0;
        *cc = F80_C2;
    }
    if (d < 0) {
        if (!(nearest && d == -1 && ma > mb))
            return f80i_round_pack(c, sa, ea, ma, 0, 64);   /* a itself */
        /* |a| in (|b|/2, |b|): quotient 1, remainder |b| - |a|, counted
         * in units of half of b's ulp. */
        rm = 2 * mb - ma;
        q = 1;
        sa ^= 1;
        eb -= 1;
    } else {
        if (d == 0) { hi = 0; lo = ma; }
        else { hi = ma >> (64 - d); lo = ma << d; }
        q = f80i_div128(hi, lo, mb, &rm);
        if (nearest && (rm > mb - rm || (rm == mb - rm && (q & 1)))) {
            rm = mb - rm;
            q++;
            sa ^= 1;
        }
    }
    ea = eb;
    if (!(*cc & F80_C2))
        *cc |= (q & 1 ? 0x200u : 0) | (q & 2 ? F80_C3 : 0) | (q & 4 ? F80_C0 : 0);
    if (!rm)
        return f80_make(f80i_sign(a), 0, 0);
    {
        int n = f80i_clz64(rm);
        return f80i_round_pack(c, sa, ea - n, rm << n, 0, 64);
    }
}

f80 f80_prem(struct f80_ctx *c, f80 a, f80 b, unsigned *cc)
{
    return prem_common(c, a, b, cc, 0);
}

f80 f80_prem1(struct f80_ctx *c, f80 a, f80 b, unsigned *cc)
{
    return prem_common(c, a, b, cc, 1);
}

int f80_compare(struct f80_ctx *c, f80 a, f80 b, int quiet)
{
    int ka = f80i_kind(a), kb = f80i_kind(b);
    int sa = f80i_sign(a), sb = f80i_sign(b), lt;
    if (ka == K_UNSUP || kb == K_UNSUP) {
        c->flags |= F80_IE;
        return F80_UN;
    }
    if (f80i_isnan(ka) || f80i_isnan(kb)) {
        if (!quiet || ka == K_SNAN || kb == K_SNAN)
            c->flags |= F80_IE;
        return F80_UN;
    }
    if (ka == K_DENORM || kb == K_DENORM)
        c->flags |= F80_DE;
    if (ka == K_ZERO && kb == K_ZERO)
        return F80_EQ;
    if (ka == K_ZERO || kb == K_ZERO) {
        if (ka == K_ZERO) return sb ? F80_GT : F80_LT;
        return sa ? F80_LT : F80_GT;
    }
    if (sa != sb)
        return sa ? F80_LT : F80_GT;
    {
        int32_t ea, eb;
        uint64_t ma, mb;
        if (ka == K_INF || kb == K_INF) {
            if (ka == kb) return F80_EQ;
            lt = kb == K_INF;
        } else {
            f80i_unpack(a, &ea, &ma);
            f80i_unpack(b, &eb, &mb);
            if (ea == eb && ma == mb) return F80_EQ;
            lt = ea < eb || (ea == eb && ma < mb);
        }
    }
    return (lt ^ sa) ? F80_LT : F80_GT;
}

unsigned f80_classify(f80 a)
{
    switch (f80i_kind(a)) {
    case K_ZERO: return F80_CLASS_ZERO;
    case K_DENORM: return F80_CLASS_DENORMAL;
    case K_NORMAL: return F80_CLASS_NORMAL;
    case K_INF: return F80_CLASS_INF;
    case K_QNAN: case K_SNAN: return F80_CLASS_NAN;
    default: return F80_CLASS_UNSUPPORTED;
    }
}
