/* The translator's micro-op IR: a decoded block becomes a short linear list
 * of micro-ops over guest registers, two temporaries and one address
 * register, with the guest's flag semantics attached. One frontend
 * (frontend.c) builds it from the decoded records, choosing each
 * instruction's lowering from the opcode table's handler column; one pass
 * (liveness.c) computes which arithmetic flags are live after each
 * micro-op; a backend per host turns it into code. Everything the
 * frontend does not lower becomes U_HELPER: a call to the interpreter's
 * handler, so every block translates and both engines agree.
 *
 * Invariants the frontend keeps and backends rely on:
 * - Within one guest instruction, every micro-op that can fault (address
 *   checks, loads, stores, limit checks) comes before any micro-op that
 *   changes guest state, so a fault or slow path can run the whole
 *   instruction through its handler from the start.
 * - U_ADDR/U_ADDR_SP check the whole access (segment, TLB, for reading or
 *   writing); the loads and stores that follow use the address they made.
 *   V_T1 is free only between an address and the next one.
 * - Block exits (U_JCC, U_JMP, U_JMPIND, U_EXIT) are last. */
#ifndef RELIC_JIT_IR_H
#define RELIC_JIT_IR_H
#include <stdint.h>

struct block;
struct insn;

/* Operands: guest registers 0..7 (at operand size; at size 1, 4..7 are
 * AH..BH as in ModRM), temporaries, or the immediate. */
enum { V_T0 = 8, V_T1 = 9, V_IMM = 15, V_NONE = 14 };

enum uop_kind {
    U_MOV,      /* d = a (size 1, 2, 4: smaller sizes merge into d) */
    U_MOVX,     /* d (size) = zero/sign extension of a; sub: 0xb6/0xb7/0xbe/0xbf as the opcode, 0 a 32-bit copy */
    U_ALU,      /* d = d op a, sub: X_ADD..X_CMP, or U_TEST; flags */
    U_INCDEC,   /* d = d +/- 1 (sub 0 inc, 1 dec); flags but CF */
    U_NEG,      /* d = -d; flags */
    U_NOT,      /* d = ~d */
    U_SHIFT,    /* d = d shifted by imm (sub: X_SHL/X_SHR/X_SAR); flags as the interpreter defines them */
    U_IMUL,     /* d = d * a (2 or 4 bytes); flags as the interpreter defines them */
    U_LEA,      /* d = effective address of insn (address size applied) */
    U_ADDR,     /* A = insn's memory operand, checked against its segment and the TLB for
                   reading or (U_WRITE) writing: the one place an access can fault */
    U_ADDR_SP,  /* A = SS:[(E)SP + imm], checked the same way */
    U_LOAD,     /* d = [A] at size; sub: 0 or a MOVX opcode (imm: the destination size) */
    U_STORE,    /* [A] = a at size */
    U_SPADJ,    /* (E)SP += imm */
    U_SETCC,    /* d (byte) = condition cc */
    U_CMOV,     /* if cc: d = a (2 or 4 bytes) */
    U_CDQ,      /* CWDE/CDQ (sub 0) and CBW/CWD (sub 1) at size */
    U_XCHG,     /* swap d and a */
    U_FLAGOP,   /* sub: 0 CLC, 1 STC, 2 CMC, 3 CLD, 4 STD */
    U_HELPER,   /* the interpreter's handler for insn */
    U_LIMIT,    /* fault path if a (a near-jump target) is beyond CS's limit */
    U_JCC,      /* exit: to insn end + imm if cc, else to insn end */
    U_JMP,      /* exit: to insn end + imm */
    U_JMPIND,   /* exit: EIP = a (through the jump cache) */
    U_EXIT,     /* exit: to the end of insn (block ends without a jump) */
    U_PUSH_RET, /* a = EIP of the next instruction, as a value (for CALL) into d */
    U_BT,       /* CF = bit a (register or imm, masked to the size) of d; sub 0 BT, 1 BTS, 2 BTR, 3 BTC */
    U_SPSET,    /* (E)SP = (E)BP + imm, at the stack's size (LEAVE) */
    U_BSWAP,    /* d = d with its bytes reversed (4 bytes) */
    U_SHXD,     /* SHLD (sub 1) / SHRD (sub 0) d, a by imm or (a2 == R_ECX) CL, 4 bytes */
    U_BITSCAN,  /* BSF (sub 0) / BSR (sub 1): d = index of a's lowest/highest set bit */
    U_MULDIV,   /* (E)DX:(E)AX op= a (2 or 4 bytes); sub 4 MUL, 5 IMUL, 6 DIV (checked: a fault path) */
};

enum { U_TEST = 8 };    /* U_ALU sub: AND without the write */

enum {                  /* uop.flags */
    U_RMW = 1,          /* load: the same address is written after (documentation only) */
    U_AFTER_RMW = 2,    /* store: follows such a load */
    U_WRITE = 4,        /* address: checked for writing */
    U_FROM_BP = 8,      /* U_ADDR_SP: from (E)BP instead of (E)SP (LEAVE) */
    U_LIGHT = 16,       /* U_HELPER: the handler touches no GPR, flag, budget or EIP but its own (x87) */
};

struct uop {
    uint8_t kind, sub, size, flags;
    int8_t d, a;
    uint8_t cc;                   /* condition; U_SHXD: 1 for a CL count */
    uint8_t insn;       /* index of the guest instruction in the block */
    uint32_t imm;
    uint16_t fl_read, fl_write;   /* arithmetic flags read / always written */
    uint16_t live;                /* arithmetic flags live after this micro-op (liveness.c) */
};

#define IR_MAX_UOPS 512

struct ir {
    const struct block *b;
    unsigned mode;      /* JIT_MODE_* the block is translated for */
    int n;
    int n_insns;        /* instructions translated (the block's, or up to one that ends it early) */
    struct uop u[IR_MAX_UOPS];
    uint32_t insn_off[65];    /* EIP offset of each instruction from the block start; [n] = end */
};

/* What the translation of a block may assume: part of the key native code
 * is kept under, checked when the block is entered. */
enum {
    JIT_MODE_CODE32 = 1,    /* CS.D */
    JIT_MODE_STACK32 = 2,   /* SS.B */
    JIT_MODE_USER = 4,      /* CPL 3: the user TLB */
    JIT_MODE_FLAT = 8,      /* CS, DS, ES, SS: base 0, limit 4 GiB, usable: no checks */
};

/* Builds b's IR for mode. Returns 0, or -1 if the block cannot be translated. */
int ir_build(struct ir *ir, const struct block *b, unsigned mode);
/* Fills uop.live. */
void ir_liveness(struct ir *ir);
#endif
