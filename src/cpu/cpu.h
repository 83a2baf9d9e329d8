/* The x86 CPU (i386 .. Pentium Pro class): state and the interface the
 * machine drives it through. The engine (interpreter now, translator later)
 * and everything else in src/cpu work on this one struct. */
#ifndef RELIC_CPU_H
#define RELIC_CPU_H
#include <stdint.h>
#include <stddef.h>
#include <setjmp.h>
#include "../mmu/phys.h"
#include "../mmu/io.h"
#include "../mmu/paging.h"
#include "fpu.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_NONE = 7 };

/* EFLAGS bits */
enum {
    F_CF = 1u << 0, F_PF = 1u << 2, F_AF = 1u << 4, F_ZF = 1u << 6, F_SF = 1u << 7,
    F_TF = 1u << 8, F_IF = 1u << 9, F_DF = 1u << 10, F_OF = 1u << 11,
    F_IOPL = 3u << 12, F_NT = 1u << 14, F_RF = 1u << 16, F_VM = 1u << 17,
    F_AC = 1u << 18, F_VIF = 1u << 19, F_VIP = 1u << 20, F_ID = 1u << 21,
};
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

enum { CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 16, CR0_NE = 32,
       CR0_WP = 1u << 16, CR0_AM = 1u << 18, CR0_NW = 1u << 29, CR0_CD = 1u << 30,
       CR0_PG = 1u << 31 };
enum { CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 16, CR4_PAE = 32,
       CR4_MCE = 64, CR4_PGE = 128, CR4_PCE = 256, CR4_OSFXSR = 512 };

/* Exception vectors */
enum { EX_DE, EX_DB, EX_NMI, EX_BP, EX_OF, EX_BR, EX_UD, EX_NM, EX_DF, EX_CSO,
       EX_TS, EX_NP, EX_SS, EX_GP, EX_PF, EX_RES15, EX_MF, EX_AC, EX_MC, EX_XM };

/* A segment register with its hidden descriptor cache. */
struct seg {
    uint32_t base;
    uint32_t limit;       /* effective byte limit (granularity applied) */
    uint16_t sel;
    uint16_t flags;       /* descriptor bits 40..55: type, S, DPL, P, AVL, D/B, G */
    uint8_t valid;        /* 0 for a null selector loaded in protected mode; SEG_VALID_REAL when
                             loaded in real mode (CPL stays 0 after CR0.PE is set until CS is reloaded) */
    uint8_t rw;           /* SEG_RD | SEG_WR | SEG_DOWN, precomputed for the access checks */
};
enum { SEG_RD = 1, SEG_WR = 2, SEG_DOWN = 4 };
#define SEG_VALID_REAL 2
/* descriptor flag helpers (flags = access byte | (flags nibble << 8)) */
#define SEGF_TYPE(f)   ((f) & 0xf)
#define SEGF_S(f)      (((f) >> 4) & 1)
#define SEGF_DPL(f)    (((f) >> 5) & 3)
#define SEGF_P(f)      (((f) >> 7) & 1)
#define SEGF_DB(f)     (((f) >> 14) & 1)
#define SEGF_G(f)      (((f) >> 15) & 1)

struct dtr { uint32_t base; uint16_t limit; };

/* Lazy condition codes: the last flag-setting operation, its operands and
 * result; flags are computed only when read. lf_op == LF_NONE means the
 * arithmetic flags are held in eflags itself. */
enum lf_op {
    LF_NONE, LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_LOGIC, LF_INC, LF_DEC, LF_NEG,
};

struct block;
struct block_cache;

struct cpu {
    /* hot state first: generated code reaches it with short displacements */
    uint32_t reg[8];
    uint32_t eip;
    uint32_t eflags;          /* all bits; arithmetic ones valid only when lf_op == LF_NONE */
    uint32_t lf_res, lf_s1, lf_s2;
    uint8_t lf_op, lf_size;   /* lf_size: 1, 2 or 4 bytes */
    uint8_t cpl;
    uint8_t code32;           /* CS.D: default operand/address size is 32 */
    uint8_t stack32;          /* SS.B: stack pointer is ESP */
    uint8_t pmode, v86;       /* CR0.PE, EFLAGS.VM */
    uint8_t halted;
    int32_t budget;           /* units of work left before returning to the machine: one an
                                 instruction, one a REP string iteration (ops_string.c) */
    struct seg seg[6];

    /* system state */
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    struct dtr gdtr, idtr;
    struct seg ldtr, tr;
    uint64_t tsc_offset;
    uint64_t msr_sysenter_cs, msr_sysenter_esp, msr_sysenter_eip;
    uint64_t msr_apic_base;
    uint64_t mtrr[32];        /* MTRR MSRs: stored, not enforced */
    uint32_t a20_ignored;

    /* interrupts and events */
    uint8_t intr_line;        /* INTR pin from the PIC */
    uint8_t nmi_pending;
    uint8_t nmi_blocked;      /* from NMI delivery until the next IRET */
    uint8_t inhibit_irq;      /* one-instruction shadow after MOV SS / POP SS / STI */
    uint8_t stop_block;       /* leave the current block after this instruction */
    uint8_t rf_pending;
    uint8_t tf_trap;          /* single-step trap to deliver after this instruction */
    uint8_t shutdown;         /* triple fault seen */
    uint8_t in_exception;     /* delivery nesting for #DF detection */
    int last_vector;          /* vector being delivered, -1 none */
    uint32_t dr6_pending;
    int (*intr_ack)(void *opaque);   /* INTA: returns the vector */
    void *intr_opaque;
    void (*ferr)(void *opaque, int level);   /* x87 FERR# output (IRQ 13 when CR0.NE = 0) */
    void *ferr_opaque;
    uint64_t (*clock_ns)(void *opaque);   /* virtual time for the TSC */
    void *clock_opaque;

    /* fault unwinding: helpers longjmp here with the state of the instruction start */
    jmp_buf fault_jmp;
    int fault_vec;
    uint32_t fault_err;
    int fault_has_err;
    uint32_t insn_eip;        /* EIP of the instruction being executed */
    uint32_t insn_esp;        /* ESP at its start, restored on a fault */

    struct fpu fpu;

    struct physmem *pm;
    struct iobus *io;
    struct tlb *tlb;
    unsigned tlb_generation;  /* pm->map_generation the TLB was filled under */
    int tlb_has_large;
    uint64_t tlb_walks;       /* TLB fills (page walks, or identity fills without paging) */
    uint64_t tlb_victim_hits;
    struct block_cache *bc;

    uint64_t icount;          /* units of work retired, counted as budget is: a REP string
                                 instruction of n iterations counts n (1 when n = 0) */
    /* the engine that runs decoded blocks: NULL for the interpreter; the
     * translator (src/jit) installs itself here and falls back to
     * cpu_interp_block for what it does not run */
    void (*run_block)(struct cpu *cpu, struct block *b);
    void *engine;
    struct block *cur_block;  /* the block running, to notice its own invalidation */
    unsigned block_flushes;   /* times the block cache was emptied */
    uint64_t native_retired;  /* invalidated blocks that held translated code */
    /* a translated block's exit that wants the next block chained to it:
     * its slot, the EIP it left for, the code generation it belongs to */
    uint64_t chain_slot;
    uint32_t chain_eip;
    unsigned chain_gen;
    uint64_t engine_counts[4];  /* counters the engine's generated code increments */
    uint32_t jit_uncharged;   /* translator: instructions charged but not run, if a handler faults now */
    uint32_t resume_insn;     /* translator: the interpreter runs the rest of cur_block from here (0: none) */
    /* tracing (-d): NULL when off */
    void (*trace_insn)(void *opaque, struct cpu *cpu);
    void (*trace_int)(void *opaque, struct cpu *cpu, int vec, int is_hw, uint32_t err, int has_err);
    void *trace_opaque;
    uint32_t trace_flags;
};

_Static_assert(offsetof(struct cpu, reg) == 0, "GPRs lead the CPU state");
_Static_assert(offsetof(struct cpu, eip) == 32, "EIP follows the GPRs");

/* Allocates the TLB and block cache. Returns 0 or -1. */
int cpu_init(struct cpu *cpu, struct physmem *pm, struct iobus *io);
void cpu_free(struct cpu *cpu);
/* Power-on / RESET state: real mode at F000:FFF0 with CS base 0xFFFF0000. */
void cpu_reset(struct cpu *cpu);

enum cpu_exit { CPU_EXIT_BUDGET, CPU_EXIT_HLT, CPU_EXIT_SHUTDOWN };
/* Runs up to `budget` instructions, serving interrupts; returns why it stopped. */
enum cpu_exit cpu_run(struct cpu *cpu, int32_t budget);

/* Full EFLAGS with lazy flags folded in. */
uint32_t cpu_get_eflags(struct cpu *cpu);

/* A debugger's read of linear memory (debug.c): walks the page tables
 * without setting accessed bits or faulting. Returns how many bytes were
 * read; it stops at the first unmapped page. */
size_t cpu_peek_lin(struct cpu *cpu, uint32_t lin, void *buf, size_t len);
#endif
