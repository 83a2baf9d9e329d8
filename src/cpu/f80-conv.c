/* x87 conversions: integers (FILD/FIST), float32/float64 (FLD/FST),
 * packed BCD (FBLD/FBSTP) and the load-constant instructions. */
#include "f80-impl.h"

f80 f80_from_i64(int64_t v)
{
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return f80i_from_u64(v < 0, m);
}

/* Round to an integer magnitude per rc. Returns 0 and sets IE when the
 * result does not fit in `bits` signed bits; PE/C1 as usual otherwise. */
static int to_int(struct f80_ctx *c, f80 a, int bits, int64_t *out)
{
    int k = f80i_kind(a), s = f80i_sign(a), half, rest, up = 0;
    int32_t e, E;
    uint64_t m, ip, fr, lim;
    if (k == K_UNSUP || k == K_INF || f80i_isnan(k)) {
        c->flags |= F80_IE;
        return 0;
    }
    *out = 0;
    if (k == K_ZERO)
        return 1;
    f80i_unpack(a, &e, &m);        /* no DE: FIST/FBSTP never raise it */
    E = e - F80_BIAS;
    if (E >= 64) {
        c->flags |= F80_IE;
        return 0;
    }
    if (E >= 63) { ip = m; fr = 0; }
    else if (E >= 0) { ip = m >> (63 - E); fr = m << (E + 1); }
    else { ip = 0; fr = E == -1 ? m : 1; }
    half = (int)(fr >> 63);
    rest = (fr << 1) != 0;
    if (half || rest) {
        int lsb = (int)(ip & 1), inc;
        switch (c->rc & 3) {
        case F80_RN: inc = half && (rest || lsb); break;
        case F80_RD: inc = s; break;
        case F80_RU: inc = !s; break;
        default: inc = 0; break;
        }
        if (inc) {
            ip++;
            up = 1;
            if (!ip) {                 /* 2^64: out of any range */
                c->flags |= F80_IE;
                return 0;
            }
        }
    }
    lim = (1ull << (bits - 1)) - (s ? 0 : 1);
    if (ip > lim) {
        c->flags |= F80_IE;
        return 0;
    }
    if (half || rest) {
        c->flags |= F80_PE;
        if (up) c->flags |= F80_C1;
    }
    *out = s ? (int64_t)(0 - ip) : (int64_t)ip;
    return 1;
}

int16_t f80_to_i16(struct f80_ctx *c, f80 a)
{
    int64_t v;
    return to_int(c, a, 16, &v) ? (int16_t)v : INT16_MIN;
}

int32_t f80_to_i32(struct f80_ctx *c, f80 a)
{
    int64_t v;
    return to_int(c, a, 32, &v) ? (int32_t)v : INT32_MIN;
}

int64_t f80_to_i64(struct f80_ctx *c, f80 a)
{
    int64_t v;
    return to_int(c, a, 64, &v) ? v : INT64_MIN;
}

/* Widen an IEEE binary format with `fb` fraction bits and exponent bias
 * `bias`, from already split fields. */
static f80 widen(struct f80_ctx *c, int s, uint32_t ef, uint32_t emaxf,
                 uint64_t frac, int fb, int bias)
{
    if (ef == emaxf) {
        f80 r = f80_make(s, 0x7fff, (1ull << 63) | (frac << (63 - fb)));
        if (!frac)
            return r;
        return f80i_nan1(c, r);
    }
    if (ef == 0) {
        int n;
        if (!frac)
            return f80_make(s, 0, 0);
        c->flags |= F80_DE;
        n = f80i_clz64(frac);
        /* value = frac * 2^(1 - bias - fb) */
        return f80_make(s, (unsigned)(F80_BIAS + 1 - bias - fb + 63 - n), frac << n);
    }
    return f80_make(s, (unsigned)((int)ef - bias + F80_BIAS),
                    (1ull << 63) | (frac << (63 - fb)));
}

f80 f80_from_f32(struct f80_ctx *c, uint32_t bits)
{
    return widen(c, (int)(bits >> 31), bits >> 23 & 0xff, 0xff,
                 bits & 0x7fffff, 23, 127);
}

f80 f80_from_f64(struct f80_ctx *c, uint64_t bits)
{
    return widen(c, (int)(bits >> 63), (uint32_t)(bits >> 52 & 0x7ff), 0x7ff,
                 bits & 0xfffffffffffffull, 52, 1023);
}

/* Narrow to an IEEE format; returns sign, biased exponent field and
 * fraction through the out-parameters. */
static void narrow(struct f80_ctx *c, f80 a, int fb, int bias, uint32_t emaxf,
                   int *s, uint32_t *ef, uint64_t *frac)
{
    int k = f80i_kind(a);
    int32_t e;
    uint64_t m;
    struct f80i_fmt f;
    struct f80i_res r;
    *s = f80i_sign(a);
    switch (k) {
    case K_UNSUP:
        c->flags |= F80_IE;
        *s = 1;
        *ef = emaxf;
        *frac = 1ull << (fb - 1);
        return;
    case K_QNAN: case K_SNAN:
        a = f80i_nan1(c, a);
        *ef = emaxf;
        *frac = (a.sig << 1) >> (64 - fb);
        return;
    case K_INF:
        *ef = emaxf;
        *frac = 0;
        return;
    case K_ZERO:
        *ef = 0;
        *frac = 0;
        return;
    default:
        break;                         /* FST raises no DE */
    }
    f80i_unpack(a, &e, &m);
    f.bits = fb + 1;
    f.emin = F80_BIAS + 1 - bias;
    f.emax = F80_BIAS + (int32_t)emaxf - bias;
    f.wrap = 2;
    {
        /* An unmasked overflow or underflow stores nothing and raises
         * only OE or UE; otherwise the masked response is stored. */
        struct f80_ctx t = *c;
        t.flags = 0;
        r = f80i_round(&t, *s, e, m, 0, &f);
        if (t.flags & ~t.masks & (F80_OE | F80_UE)) {
            c->flags |= t.flags & ~t.masks & (t.flags & F80_UE ? F80_UE : F80_OE);
            *ef = 0;
            *frac = 0;
            return;
        }
        c->flags |= t.flags;
    }
    if (!(r.sig >> 63)) {
        *ef = 0;                       /* denormal or zero */
        *frac = r.sig >> (63 - fb);
    } else {
        *ef = (uint32_t)(r.exp - F80_BIAS + bias);
        *frac = (r.sig << 1) >> (64 - fb);
    }
}

uint32_t f80_to_f32(struct f80_ctx *c, f80 a)
{
    int s;
    uint32_t ef;
    uint64_t fr;
    narrow(c, a, 23, 127, 0xff, &s, &ef, &fr);
    return ((uint32_t)s << 31) | (ef << 23) | (uint32_t)fr;
}

uint64_t f80_to_f64(struct f80_ctx *c, f80 a)
{
    int s;
    uint32_t ef;
    uint64_t fr;
    narrow(c, a, 52, 1023, 0x7ff, &s, &ef, &fr);
    return ((uint64_t)s << 63) | ((uint64_t)ef << 52) | fr;
}

f80 f80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    int i;
    for (i = 8; i >= 0; i--)
        v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 15);
    return f80i_from_u64(bcd[9] >> 7, v);
}

void f80_to_bcd(struct f80_ctx *c, f80 a, uint8_t bcd[10])
{
    int64_t v;
    uint64_t m;
    int i, s = f80i_sign(a);
    if (!to_int(c, a, 64, &v) || v > 999999999999999999ll ||
        v < -999999999999999999ll) {
        c->flags |= F80_IE;
        c->flags &= ~(unsigned)(F80_PE | F80_C1);
        for (i = 0; i < 7; i++) bcd[i] = 0;
        bcd[7] = 0xC0;
        bcd[8] = bcd[9] = 0xFF;
        return;
    }
    m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    for (i = 0; i < 9; i++) {
        bcd[i] = (uint8_t)((m % 10) | (m / 10 % 10) << 4);
        m /= 100;
    }
    bcd[9] = (uint8_t)(s ? 0x80 : 0);
}

/* Constants to 128 bits: exponent (unbiased) and significand hi:lo.
 * The x87 rounds these per RC; with 128 bits every case is decided. */
static const struct { int e; uint64_t hi, lo; } consts[] = {
    [F80_K_L2T] = { 1, 0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4cull },
    [F80_K_L2E] = { 0, 0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull },
    [F80_K_PI]  = { 1, 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull },
    [F80_K_LG2] = { -2, 0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull },
    [F80_K_LN2] = { -1, 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull },
};

f80 f80_const(struct f80_ctx *c, int which)
{
    struct f80_ctx t;
    if (which == F80_K_1)
        return f80_make(0, F80_BIAS, 1ull << 63);
    if (which == F80_K_Z || which < 0 || which > F80_K_Z)
        return f80_make(0, 0, 0);
    t = *c;               /* rounding only; the constants raise nothing */
    t.flags = 0;
    return f80i_round_pack(&t, 0, consts[which].e + F80_BIAS,
                           consts[which].hi, consts[which].lo, 64);
}
