/* The interface between the translator's machine-independent part (jit.c,
 * frontend.c, liveness.c) and a host backend: the backend turns one block's
 * IR into code that runs it, given the addresses it may bake in. */
#ifndef RELIC_JIT_BACKEND_H
#define RELIC_JIT_BACKEND_H
#include <stdint.h>
#include <assert.h>

struct emit;
struct ir;
struct tlb;
struct insn;

/* The per-CPU jump cache: linear EIP -> block; generated code enters the
 * block only while the TLB maps that EIP's page to the block's.
 * Blocks straddling two pages are never entered this way. */
#define JC_BITS 12
#define JC_SIZE (1u << JC_BITS)
#define JC_SHIFT 12
struct jc_entry {
    uint32_t lin;
    uint32_t unused;
    struct block *b;
};
static inline unsigned jc_index(uint32_t lin) { return ((lin >> JC_SHIFT) ^ lin) & (JC_SIZE - 1); }

struct jit_env {
    struct tlb *tlb;
    struct jc_entry *jc;
    uint32_t key;                   /* native_key of code made now: generation << 8 | mode */
    /* shared code in the buffer, in the coordinates the backend emits at */
    const uint8_t *exit_r15;        /* leave: flags in r15, guest registers in host registers */
    const uint8_t *exit_mem;        /* leave: flags in the CPU state */
    const uint8_t *materialise;     /* call: lazy flags -> eflags, preserving every register */
    const uint8_t *helper32, *helper16;   /* call: an instruction's handler (see the backend) */
    const uint8_t *r15_to_mem;      /* call: flags in r15 -> the CPU state */
    const uint8_t *light32, *light16;     /* call: an x87 handler, without the budget round trip */
    const uint8_t *fill_exit;       /* jump: leave, asking for the chain slot in r9 */
    /* counting (NULL when off) */
    uint64_t *(*helper_counter)(void *opaque, const struct insn *i);
    void *opaque;
};
_Static_assert(sizeof(struct jc_entry) == 16, "jump cache entries are 16 bytes");

/* The shared code at the start of the buffer, emitted by the backend. */
struct jit_trampolines {
    const uint8_t *enter;           /* void enter(struct cpu *, const void *code): from C into a block */
    const uint8_t *exit_r15, *exit_mem, *materialise;   /* see struct jit_env */
    const uint8_t *helper32, *helper16, *r15_to_mem, *fill_exit, *light32, *light16;
};
void jit_backend_trampolines(struct emit *e, struct jit_trampolines *t);

/* Emits b's code at e->p and returns its entry (chained blocks and the
 * dispatcher's trampoline jump there). Chain slots (8 bytes each: the next
 * block) follow the code;
 * a slot's address reaches the dispatcher in cpu->chain_slot. On
 * e->overflow the caller retries in an emptied buffer; on e->bad the block
 * is left to the interpreter. */
uint8_t *jit_backend_translate(struct emit *e, const struct ir *ir, const struct jit_env *env);
#endif
