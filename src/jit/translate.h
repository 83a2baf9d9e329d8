/* Backend interface: the code generator for one host, and the C helpers
 * generated code calls. */
#ifndef RELIC_JIT_TRANSLATE_H
#define RELIC_JIT_TRANSLATE_H
#include <stdint.h>

struct emit;
struct block;
struct cpu;

/* Emits `void f(struct cpu *)` running block b at e->p; returns its start,
 * and in *chain_entry the entry other blocks' code jumps to when chained
 * (rbx, r12, r13 already set up). gen is the code buffer's generation.
 * On e->overflow the caller retries in a flushed buffer. Chain slots are
 * 8-byte words after the code: the dispatcher writes a struct block * into
 * the one cpu->chain_slot names (through the writable mapping). */
uint8_t *jit_x86_64_translate(struct emit *e, const struct block *b, unsigned gen, uint8_t **chain_entry);

/* INC/DEC's first step when the previous flag op is not known: CF into eflags. */
void jit_park_cf(struct cpu *c);
#endif
