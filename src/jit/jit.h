/* The dynamic binary translator (-accel jit): decoded blocks become host
 * code, cached with the blocks themselves, on hosts that have a backend
 * (x86-64 now). Instructions the translator has no template for run as
 * calls to the interpreter's handlers, so every block is translatable and
 * the interpreter stays the reference: both must leave identical state.
 *
 * Attached to a CPU, the translator runs each block whose instructions can
 * all run at once (no single-stepping, breakpoints, tracing or budget
 * shortfall) and hands the rest to the interpreter. */
#ifndef RELIC_JIT_H
#define RELIC_JIT_H
#include <stddef.h>
#include <stdint.h>

struct cpu;

/* What the translator did since it was attached: -d jit and the monitor's
 * `info jit` print these. Every native block end is one of the three exits. */
struct jit_stats {
    uint64_t blocks_translated;   /* blocks turned into host code */
    uint64_t code_flushes;        /* code buffer emptied */
    uint64_t invalidations;       /* translated blocks retired by writes to their code */
    uint64_t exits_chained;       /* block ends that jumped straight into the next block */
    uint64_t exits_jump_cache;    /* block ends resolved by the jump cache (indirect jumps, RET) */
    uint64_t exits_dispatcher;    /* block ends that went back to the C dispatcher */
    uint64_t helper_calls;        /* instructions run through an interpreter handler */
    uint64_t interp_blocks;       /* blocks the interpreter ran (step mode, tracing, budget) */
};

/* Nonzero when this host has a backend. */
int jit_available(void);
/* Installs the translator as cpu's engine. Returns 0, or -1 with a one-line
 * message in err (no backend, or no executable memory). */
int jit_attach(struct cpu *cpu, char *err, size_t errlen);
/* Removes it (the CPU goes back to the interpreter) and frees its memory. */
void jit_detach(struct cpu *cpu);

/* The running translator's counters, or NULL when the CPU runs the interpreter. */
const struct jit_stats *jit_get_stats(const struct cpu *cpu);
/* Helper calls by mnemonic (struct opinfo name), most frequent first, up to max entries. */
size_t jit_helper_counts(const struct cpu *cpu, const char **names, uint64_t *counts, size_t max);
/* -d out_asm: fn is called with each newly translated block's host code. */
typedef void (*jit_out_asm_fn)(void *opaque, uint32_t cs_base, uint32_t eip, uint32_t phys,
                               const uint8_t *code, size_t len);
void jit_set_out_asm(struct cpu *cpu, jit_out_asm_fn fn, void *opaque);
#endif
