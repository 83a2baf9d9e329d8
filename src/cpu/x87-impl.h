/* Private to x87.c and x87-env.c: status-word bits, the register stack,
 * exception bookkeeping and memory-operand helpers the x87 instructions
 * share. The arithmetic itself is f80.c's. */
#ifndef RELIC_X87_IMPL_H
#define RELIC_X87_IMPL_H
#include "ops.h"
#include "f80.h"

/* Status word bits (TOP lives in fpu.top, not in fpu.sw). */
enum {
    SW_IE = 0x0001, SW_DE = 0x0002, SW_ZE = 0x0004, SW_OE = 0x0008,
    SW_UE = 0x0010, SW_PE = 0x0020, SW_SF = 0x0040, SW_ES = 0x0080,
    SW_C0 = 0x0100, SW_C1 = 0x0200, SW_C2 = 0x0400, SW_C3 = 0x4000,
    SW_B = 0x8000,
};
#define SW_EXC 0x3fu                           /* the six exception flags (and CW mask bits) */
#define SW_CC (SW_C0 | SW_C1 | SW_C2 | SW_C3)

/* ---- the register stack: ST(i) is physical register (top + i) & 7 ---- */
static inline int fp_phys(const struct cpu *c, int i) { return (c->fpu.top + i) & 7; }
static inline int fp_tag(const struct cpu *c, int p) { return (c->fpu.tw >> (2 * p)) & 3; }
static inline int fp_empty(const struct cpu *c, int i) { return fp_tag(c, fp_phys(c, i)) == FTAG_EMPTY; }
static inline f80 fp_get(const struct cpu *c, int i)
{
    const struct fpreg *r = &c->fpu.st[fp_phys(c, i)];
    f80 v = { r->sig, r->se };
    return v;
}
static inline void fp_set_tag(struct cpu *c, int p, int t)
{
    c->fpu.tw = (uint16_t)((c->fpu.tw & ~(3u << (2 * p))) | (unsigned)t << (2 * p));
}
/* The tag a non-empty register holding v has: zero, valid or special. */
static inline int fp_tag_of(uint64_t sig, uint16_t se)
{
    unsigned e = se & 0x7fff;
    if (e == 0)
        return sig ? FTAG_SPECIAL : FTAG_ZERO;    /* denormals and pseudo-denormals are special */
    if (e == 0x7fff || !(sig >> 63))
        return FTAG_SPECIAL;                       /* inf, NaN, unnormals */
    return FTAG_VALID;
}
/* Recomputes the tags of non-empty registers from their contents. */
static inline void fp_retag(struct cpu *c)
{
    for (int p = 0; p < 8; p++)
        if (fp_tag(c, p) != FTAG_EMPTY)
            fp_set_tag(c, p, fp_tag_of(c->fpu.st[p].sig, c->fpu.st[p].se));
}

/* Full status word as software sees it. */
static inline uint16_t fp_sw(const struct cpu *c)
{
    return (uint16_t)((c->fpu.sw & ~0x3800u) | (unsigned)(c->fpu.top & 7) << 11);
}

/* Drives FERR# (c->ferr, a level; NULL: not wired). Raising it ends the
 * block so the board's IRQ 13 is taken before the next instruction. */
void x87_ferr(struct cpu *c, int level);
/* FNINIT state (also the tail of FNSAVE). */
void x87_init(struct cpu *c);
/* #NM; for waiting instructions also a pending unmasked exception. */
void x87_enter(struct cpu *c, int waiting);

/* The control instructions (x87-env.c), for the tables in x87.c. */
OP(fninit); OP(fnclex); OP(fnop_legacy); OP(fldcw); OP(fnstcw); OP(fnstsw_m); OP(fnstsw_ax);
OP(fldenv); OP(fnstenv); OP(frstor); OP(fnsave);

/* ---- memory operands: every check first, then the accesses ---- */
/* Linear address of the instruction's memory operand for an access of
 * size bytes (segment checks, #AC at `align`); for writes, both ends are
 * probed so the later stores cannot fault half way. */
uint32_t x87_opnd(struct cpu *c, const struct insn *i, uint32_t size, int write, uint32_t align);
/* Byte-buffer transfers in `unit` (2 or 4) byte accesses; n a multiple of unit. */
void x87_read_buf(struct cpu *c, uint32_t lin, uint8_t *b, uint32_t n, int unit);
void x87_write_buf(struct cpu *c, uint32_t lin, const uint8_t *b, uint32_t n, int unit);
#endif
