/*
 * vecfile.h - reader for relic's reference vectors (tests/vectors/NAME.vec.gz).
 * The format is described in tests/vectors/FORMAT.md.  Plain C11 + zlib.
 */
#ifndef RELIC_VECFILE_H
#define RELIC_VECFILE_H

#include <stdint.h>

#define VEC_CODE_EIP 0x00100000u    /* the instruction is placed at this EIP (flat CS) */
#define VEC_WINDOW_BASE 0x00200000u /* data window: every memory operand lies in it */
#define VEC_WINDOW_SIZE 0x00010000u
#define VEC_MAX_INSN 16
#define VEC_MAX_MEM 512

enum { VEC_EAX, VEC_ECX, VEC_EDX, VEC_EBX, VEC_ESP, VEC_EBP, VEC_ESI, VEC_EDI };

/* the only EFLAGS bits recorded: CF PF AF ZF SF DF OF (bit 1 is always set) */
#define VEC_EFLAGS_MASK 0x0cd5u

/* out_undef bits */
#define VEC_UNDEF_GPR(i) (1u << (i)) /* gpr_out[i] is undefined (whole register) */
#define VEC_UNDEF_MEM (1u << 8)      /* mem_out is undefined */
#define VEC_UNDEF_FPREGS (1u << 9)   /* fpu_out.reg[] contents are undefined */

#define VEC_NO_EXCEPTION (-1)

struct vec_f80 {
    uint64_t mant;  /* significand, explicit integer bit = bit 63 */
    uint16_t sexp;  /* sign (bit 15) and biased exponent */
};

struct vec_fpu {
    uint16_t cw, sw; /* control and status word (sw includes TOP and C0-C3) */
    uint16_t tw;     /* full tag word as FSAVE stores it: 2 bits per physical register
                        (00 valid, 01 zero, 10 special, 11 empty) */
    uint8_t valid;   /* bit p: physical register p is listed (non-empty) */
    struct vec_f80 reg[8]; /* by PHYSICAL index; ST(i) = reg[(TOP + i) & 7];
                              registers not listed are all-zero */
};

struct vector {
    char name[40];          /* "mnemonic:form", e.g. "add:m32,r32", "fadd:st0,sti" */
    unsigned len;           /* instruction length */
    uint8_t bytes[VEC_MAX_INSN];
    uint32_t eip_in;        /* always VEC_CODE_EIP */
    uint32_t eip_out;       /* eip_in + len, or the branch target */
    uint32_t gpr_in[8];     /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t gpr_out[8];
    uint32_t eflags_in;     /* only VEC_EFLAGS_MASK bits (+ bit 1) */
    uint32_t eflags_out;
    uint32_t eflags_undef;  /* EFLAGS bits the SDM leaves undefined: don't compare */
    uint32_t out_undef;     /* VEC_UNDEF_* bits: outputs the SDM leaves undefined */
    int exception;          /* VEC_NO_EXCEPTION, or the vector (0 = #DE); when set,
                               the outputs equal the inputs (nothing committed) */
    uint32_t mem_addr;      /* linear address of the recorded window bytes */
    unsigned mem_len;       /* 0: no memory operand */
    uint8_t mem_in[VEC_MAX_MEM];
    uint8_t mem_out[VEC_MAX_MEM];
    int has_fpu;            /* x87 vector: fpu_in/fpu_out valid */
    struct vec_fpu fpu_in, fpu_out;
    uint16_t fsw_undef;     /* status-word bits (C0-C3) the SDM leaves undefined */
    unsigned long lineno;
};

struct vecfile {
    void *gz;
    unsigned long lineno;
    char path[256];
    char err[320];
    char line[16384];
};

/* returns 0 on success, -1 on failure (message in vf->err) */
int vec_open(struct vecfile *vf, const char *path);
/* returns 1 with a vector, 0 at end of file, -1 on a malformed line (vf->err) */
int vec_next(struct vecfile *vf, struct vector *v);
void vec_close(struct vecfile *vf);

/* the mnemonic part of v->name (up to ':') copied into buf */
void vec_mnemonic(const struct vector *v, char *buf, unsigned size);

#endif
