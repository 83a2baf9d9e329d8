/* Backend interface: the code generator for one host, and the C helpers
 * generated code calls. */
#ifndef RELIC_JIT_TRANSLATE_H
#define RELIC_JIT_TRANSLATE_H
#include <stdint.h>

struct emit;
struct block;
struct cpu;

/* Emits `void f(struct cpu *)` running block b at e->p; returns its start.
 * On e->overflow the caller retries in a flushed buffer. */
uint8_t *jit_x86_64_translate(struct emit *e, const struct block *b);

/* INC/DEC's first step when the previous flag op is not known: CF into eflags. */
void jit_park_cf(struct cpu *c);
#endif
