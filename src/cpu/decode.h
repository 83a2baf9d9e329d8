/* The x86 decoder: the one place in relic that reads instruction bytes.
 * It turns guest bytes into decoded-instruction records that the
 * interpreter executes (and the translator will translate), driven by the
 * opcode table in optable.c. */
#ifndef RELIC_DECODE_H
#define RELIC_DECODE_H
#include <stdint.h>

struct cpu;
struct insn;
typedef void (*exec_fn)(struct cpu *cpu, const struct insn *i);

/* Operand forms: what follows the opcode. */
enum imm_kind {
    IMM_NONE, IMM_B,      /* ib, zero-extended */
    IMM_BS,               /* ib, sign-extended to the operand size */
    IMM_W,                /* iw */
    IMM_V,                /* iw or id by operand size */
    IMM_MOFFS,            /* offset of address size (MOV AL, [moffs]) */
    IMM_PTR,              /* far pointer: offset of operand size, then selector */
    IMM_WB,               /* ENTER: iw then ib (imm2) */
    IMM_JB,               /* rel8 */
    IMM_JV,               /* rel16/rel32 by operand size */
};

enum {
    OP_MODRM = 1 << 0,    /* a ModRM byte follows */
    OP_BYTE  = 1 << 1,    /* operand size is 8 bits */
    OP_END   = 1 << 2,    /* ends a block (control transfer or mode change) */
    OP_GROUP = 1 << 3,    /* ModRM.reg selects the entry in `group` */
    OP_X87   = 1 << 4,    /* x87 escape: the x87 table selects the entry */
    OP_LOCKOK= 1 << 5,    /* LOCK allowed with a memory destination */
    OP_REG3  = 1 << 6,    /* ModRM.mod must be 3 (else #UD) */
    OP_MEM   = 1 << 7,    /* ModRM.mod must not be 3 (else #UD) */
    OP_REPOK = 1 << 8,    /* string instruction: REP prefixes meaningful */
    OP_W16   = 1 << 9,    /* operand size fixed at 16 bits */
    OP_PMONLY= 1 << 10,   /* #UD in real and v86 mode (checked by the handler) */
    OP_RMREG = 1 << 11,   /* ModRM.rm is a register whatever ModRM.mod says (MOV CRn/DRn) */
    OP_FLCOND= 1 << 12,   /* fl_write happens only for some operand values (see below) */
};

/* The flag columns hold EFLAGS arithmetic bits (CF PF AF ZF SF OF, the F_*
 * values); the translator computes per-block flag liveness from them.
 *  fl_read:  flags whose incoming value the instruction uses: a condition
 *            (Jcc, SETcc, CMOVcc, FCMOVcc, LOOPE/LOOPNE, INTO), an operand
 *            (ADC/SBB, RCL/RCR, SALC, CMC, DAA/DAS: CF and AF, AAA/AAS: AF),
 *            or a store of EFLAGS (LAHF, PUSHF, INT n, and the far transfers
 *            and IRET that may switch tasks and so save EFLAGS in the TSS).
 *            Keeping a flag unchanged is not a read (INC/DEC keep CF), nor
 *            is the EFLAGS image an exception pushes: a faulting
 *            instruction needs all flags current whatever its row says.
 *  fl_write: flags the instruction may change, with defined or undefined
 *            values (SAHF: SF ZF AF PF CF; POPF, IRET and task switches:
 *            all six). A flag outside fl_write keeps its value.
 *  fl_undef: the part of fl_write the SDM leaves undefined for some operand
 *            values or operand size the row allows (SHL by CL: CF only when
 *            the count reaches the operand width).
 *  OP_FLCOND in `form`: the row writes fl_write only for some operand
 *            values, so for liveness it does not kill the earlier value: a
 *            masked shift or rotate count of 0 (by CL, or by an imm8 the
 *            translator can inspect itself), SHLD/SHRD likewise, REP
 *            CMPS/SCAS with eCX = 0, INT n and far JMP/CALL that write
 *            EFLAGS only through a task switch. */
struct opinfo {
    const char *name;
    exec_fn exec;
    uint16_t form;        /* OP_* bits */
    uint8_t imm;          /* enum imm_kind */
    uint8_t level;        /* 3 = i386, 4 = i486, 5 = Pentium, 6 = Pentium Pro */
    uint16_t fl_read, fl_write, fl_undef;   /* EFLAGS arithmetic bits */
    const struct opinfo *group;              /* 8 entries when OP_GROUP */
};

/* A decoded instruction. */
struct insn {
    exec_fn exec;
    const struct opinfo *op;
    uint8_t len;
    uint8_t osz;          /* operand size in bytes: 1, 2 or 4 */
    uint8_t asz;          /* address size: 2 or 4 */
    uint8_t seg;          /* segment of the memory operand (override or default) */
    uint8_t rep;          /* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE) */
    uint8_t lock;
    uint8_t mod, reg, rm; /* ModRM fields; rm is a register when mod == 3 */
    int8_t base, index;   /* -1 when absent */
    uint8_t scale;        /* shift count 0..3 */
    uint8_t b1;           /* opcode byte (second byte for 0F xx) */
    uint16_t opcode;      /* 0x000-0x0ff, 0x100 | xx for 0F xx */
    uint8_t modrm;
    uint32_t disp;
    uint32_t imm, imm2;
};

/* Fetches one code byte at offset `n` from the instruction start; returns
 * -1 if the byte cannot be fetched (the decoder then reports a fetch fault). */
typedef int (*fetch_fn)(void *opaque, uint32_t n);

enum decode_status { DEC_OK, DEC_FETCH_FAULT, DEC_UD, DEC_TOO_LONG };

/* Decodes one instruction in a code segment whose default size is 32 bits
 * when code32. On DEC_UD the record still runs (its handler raises #UD). */
enum decode_status decode_insn(struct insn *i, int code32, fetch_fn fetch, void *opaque, uint32_t *fault_n);

extern const struct opinfo optable_1[256];     /* one-byte opcodes */
extern const struct opinfo optable_0f[256];    /* 0F xx */
extern const struct opinfo x87_mem[8][8];      /* D8+e, mod != 3: [escape][reg] */
extern const struct opinfo x87_reg[8][64];     /* D8+e, mod == 3: [escape][modrm & 63] */
extern const struct opinfo op_ud;              /* invalid opcode */
#endif
