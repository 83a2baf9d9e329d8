/* Backend interface: the code generator for one host, and the C helpers
 * generated code calls. */
#ifndef RELIC_JIT_TRANSLATE_H
#define RELIC_JIT_TRANSLATE_H
#include <stddef.h>
#include <stdint.h>

struct emit;
struct block;
struct cpu;
struct jit;
struct opinfo;

/* Emits `void f(struct cpu *)` running block b at e->p; returns its start,
 * in *chain_entry the entry other blocks' code jumps to when chained
 * (rbx, r12, r13 already set up) and in *code_len the bytes of code from
 * the start (the chain slots after it are data). gen is the code buffer's
 * generation. On e->overflow the caller retries in a flushed buffer. Chain
 * slots are 8-byte words after the code: the dispatcher writes a struct
 * block * into the one cpu->chain_slot names (through the writable
 * mapping). The code counts its helper calls and chained exits in j's
 * counters (none when j is NULL). */
uint8_t *jit_x86_64_translate(struct emit *e, const struct block *b, unsigned gen, struct jit *j,
                              uint8_t **chain_entry, size_t *code_len);

/* Counters generated code increments in place (jit.c owns them; they live
 * as long as the translator): helper calls to op's handler, chained exits. */
uint64_t *jit_helper_counter(struct jit *j, const struct opinfo *op);
uint64_t *jit_chain_counter(struct jit *j);

/* INC/DEC's first step when the previous flag op is not known: CF into eflags. */
void jit_park_cf(struct cpu *c);
#endif
