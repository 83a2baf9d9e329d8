/* x87 register state. Registers are 80-bit extended values held as an
 * explicit significand and sign/exponent word, so every host sees the same
 * bits. The arithmetic lives in f80.c; the instructions in x87.c. */
#ifndef RELIC_FPU_H
#define RELIC_FPU_H
#include <stdint.h>

struct fpreg { uint64_t sig; uint16_t se; };

enum { FTAG_VALID = 0, FTAG_ZERO = 1, FTAG_SPECIAL = 2, FTAG_EMPTY = 3 };

struct fpu {
    struct fpreg st[8];       /* physical registers R0..R7; ST(i) is st[(top + i) & 7] */
    uint16_t cw;
    uint16_t sw;              /* status word with the TOP field kept in `top` */
    uint16_t tw;              /* full tag word: 2 bits per physical register */
    uint8_t top;
    uint16_t fop;             /* last non-control opcode (11 bits) */
    uint32_t fip, fdp;        /* last instruction and operand pointers */
    uint16_t fcs, fds;
    uint32_t mxcsr;           /* kept for FXSAVE/FXRSTOR */
};
#endif
