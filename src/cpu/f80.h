/* Portable 80-bit extended-precision arithmetic with x87 semantics.
 *
 * Everything here is integer arithmetic so that every host (any
 * endianness, any native FPU) produces the bits a real x87 produces.
 * Each operation takes a context holding the x87 rounding control,
 * precision control and exception masks, and ORs the exception flags it
 * raises into ctx->flags (the caller clears them). The returned value is
 * always the x87's masked response, except that with UE or OE unmasked
 * the result is the exponent-wrapped value (+/-0x6000) the x87 delivers
 * to a register. When IE, DE or ZE are unmasked and raised the caller
 * must discard the result, as the x87 leaves its destination untouched.
 * F80_C1 in flags means "the result was rounded up in magnitude".
 */
#ifndef RELIC_F80_H
#define RELIC_F80_H
#include <stdint.h>

/* se: bit 15 sign, bits 0-14 biased exponent (bias 16383);
 * sig has the explicit integer bit at bit 63. */
typedef struct { uint64_t sig; uint16_t se; } f80;

enum { F80_RN, F80_RD, F80_RU, F80_RZ };            /* x87 CW.RC values */
enum { F80_PC24 = 0, F80_PC53 = 2, F80_PC64 = 3 };  /* x87 CW.PC values */

/* Flag bits at the x87 status-word positions. */
enum {
    F80_IE = 0x01, F80_DE = 0x02, F80_ZE = 0x04, F80_OE = 0x08,
    F80_UE = 0x10, F80_PE = 0x20, F80_C1 = 0x200
};

struct f80_ctx {
    int rc;            /* F80_RN..F80_RZ */
    int pc;            /* F80_PC24/53/64; only add/sub/mul/div/sqrt use it */
    unsigned flags;    /* raised exceptions, ORed in; F80_C1 = rounded up */
    unsigned masks;    /* x87 CW bits 0-5: a set bit masks the exception */
};

/* Result of f80_compare, ordered as the x87 reports it. */
enum { F80_LT, F80_EQ, F80_GT, F80_UN };

/* FXAM classes, encoded as the C3 C2 C0 bits of the status word. */
enum {
    F80_CLASS_UNSUPPORTED = 0x0000, F80_CLASS_NAN = 0x0100,
    F80_CLASS_NORMAL = 0x0400, F80_CLASS_INF = 0x0500,
    F80_CLASS_ZERO = 0x4000, F80_CLASS_EMPTY = 0x4100,
    F80_CLASS_DENORMAL = 0x4400
};

/* x87 FPREM/FPREM1 result: the condition bits in x87 SW positions. */
enum { F80_C0 = 0x100, F80_C2 = 0x400, F80_C3 = 0x4000 };

/* Build a value from its sign, biased exponent and significand. */
static inline f80 f80_make(int sign, unsigned exp, uint64_t sig)
{
    f80 r = { sig, (uint16_t)((sign ? 0x8000u : 0u) | (exp & 0x7fffu)) };
    return r;
}

/* The x87 default NaN ("real indefinite") produced by masked IE. */
static inline f80 f80_indefinite(void) { return f80_make(1, 0x7fff, 0xC000000000000000ull); }

/* Basic arithmetic, rounded to ctx->pc and ctx->rc. */
f80 f80_add(struct f80_ctx *c, f80 a, f80 b);
/* a - b; FSUBR is f80_sub(c, b, a). */
f80 f80_sub(struct f80_ctx *c, f80 a, f80 b);
f80 f80_mul(struct f80_ctx *c, f80 a, f80 b);
/* a / b; FDIVR is f80_div(c, b, a). */
f80 f80_div(struct f80_ctx *c, f80 a, f80 b);
f80 f80_sqrt(struct f80_ctx *c, f80 a);

/* FRNDINT: round to an integral value per ctx->rc (precision ignored). */
f80 f80_round_int(struct f80_ctx *c, f80 a);
/* FSCALE: a * 2^trunc(b). */
f80 f80_scale(struct f80_ctx *c, f80 a, f80 b);
/* FXTRACT: returns the significand (new ST0), *exponent gets new ST1. */
f80 f80_xtract(struct f80_ctx *c, f80 a, f80 *exponent);
/* FPREM (truncating) partial remainder of a by b. *cc receives the
 * C0/C1/C2/C3 bits in SW positions: C2 = reduction incomplete, else
 * C0 C3 C1 = quotient bits 2 1 0. */
f80 f80_prem(struct f80_ctx *c, f80 a, f80 b, unsigned *cc);
/* FPREM1: as f80_prem but with the quotient rounded to nearest-even. */
f80 f80_prem1(struct f80_ctx *c, f80 a, f80 b, unsigned *cc);

/* FCOM (quiet=0: IE on any NaN) or FUCOM (quiet=1: IE only on SNaN). */
int f80_compare(struct f80_ctx *c, f80 a, f80 b, int quiet);
/* FXAM class of a non-empty register (C1 = sign is the caller's). */
unsigned f80_classify(f80 a);

/* Integer conversions: FILD is exact; FIST rounds per ctx->rc and stores
 * the integer indefinite with IE when the value does not fit. */
f80 f80_from_i64(int64_t v);
static inline f80 f80_from_i32(int32_t v) { return f80_from_i64(v); }
static inline f80 f80_from_i16(int16_t v) { return f80_from_i64(v); }
int16_t f80_to_i16(struct f80_ctx *c, f80 a);
int32_t f80_to_i32(struct f80_ctx *c, f80 a);
int64_t f80_to_i64(struct f80_ctx *c, f80 a);

/* FLD m32/m64: exact widening; DE on denormals, IE and quieting on SNaN. */
f80 f80_from_f32(struct f80_ctx *c, uint32_t bits);
f80 f80_from_f64(struct f80_ctx *c, uint64_t bits);
/* FST m32/m64: masked responses; with OE/UE unmasked and raised the
 * caller must not store (the x87 leaves memory unchanged). */
uint32_t f80_to_f32(struct f80_ctx *c, f80 a);
uint64_t f80_to_f64(struct f80_ctx *c, f80 a);

/* FBLD: 10 bytes little-endian packed BCD (byte 9 bit 7 = sign). */
f80 f80_from_bcd(const uint8_t bcd[10]);
/* FBSTP: round per ctx->rc; out of range or NaN -> BCD indefinite + IE. */
void f80_to_bcd(struct f80_ctx *c, f80 a, uint8_t bcd[10]);

/* FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ. */
enum { F80_K_1, F80_K_L2T, F80_K_L2E, F80_K_PI, F80_K_LG2, F80_K_LN2, F80_K_Z };
/* Constant rounded per ctx->rc from its 128-bit value; never raises. */
f80 f80_const(struct f80_ctx *c, int which);

/* Transcendentals; correctly rounded to 64 bits per ctx->rc. The flags
 * are those of the AMD Zen x87: F2XM1, FYL2X and FYL2XP1 raise PE for
 * every evaluated result, even an exact one (and UE with it when that
 * result is denormal). */
/* F2XM1: 2^a - 1 for |a| <= 1 (a = -1 gives -1/2 with PE, a = +1 is
 * rounded as if just below 1); for |a| > 1, a itself with PE. */
f80 f80_f2xm1(struct f80_ctx *c, f80 a);
/* FYL2X: b * log2(a)  (a = ST0, b = ST1). */
f80 f80_fyl2x(struct f80_ctx *c, f80 a, f80 b);
/* FYL2XP1: b * log2(a + 1); for finite a <= -1 no IE: a itself with PE
 * (a signed zero or infinity for a zero or infinite b). */
f80 f80_fyl2xp1(struct f80_ctx *c, f80 a, f80 b);
/* FPATAN: atan2(b, a)  (a = ST0 = x, b = ST1 = y). */
f80 f80_fpatan(struct f80_ctx *c, f80 a, f80 b);
/* FSIN/FCOS/FSINCOS/FPTAN: on |a| >= 2^63 they return a with *c2 = 1
 * and the caller leaves ST0 unchanged (and pushes nothing). Arguments
 * are reduced with the 66-bit pi the hardware uses. On a NaN or invalid
 * operand, *cosv and *one receive the same NaN as the result. */
f80 f80_fsin(struct f80_ctx *c, f80 a, int *c2);
f80 f80_fcos(struct f80_ctx *c, f80 a, int *c2);
/* FSINCOS: returns sin, *cosv gets cos (pushed on top by the caller). */
f80 f80_fsincos(struct f80_ctx *c, f80 a, f80 *cosv, int *c2);
/* FPTAN: returns tan (new ST0 before the push), *one gets the 1.0 pushed. */
f80 f80_fptan(struct f80_ctx *c, f80 a, f80 *one, int *c2);

#endif
