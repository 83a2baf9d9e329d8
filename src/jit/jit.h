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

struct cpu;

/* Nonzero when this host has a backend. */
int jit_available(void);
/* Installs the translator as cpu's engine. Returns 0, or -1 with a one-line
 * message in err (no backend, or no executable memory). */
int jit_attach(struct cpu *cpu, char *err, size_t errlen);
/* Removes it (the CPU goes back to the interpreter) and frees its memory. */
void jit_detach(struct cpu *cpu);
#endif
