/* -d tracing, written to the -D file (default stderr) in QEMU 7.2's formats
 * where QEMU has one, so that `relic -d cpu` and `qemu-system-i386
 * -singlestep -d cpu` logs of the same guest can be diffed line by line:
 *   in_asm  "IN: " and the disassembly of each instruction the first time it
 *           runs (capstone, AT&T syntax as QEMU prints it)
 *   cpu     the register dump before each instruction (QEMU's layout; the
 *           CCS/CCD line has no relic meaning and always reads
 *           "CCS=00000000 CCD=00000000 CCO=EFLAGS")
 *   int     "check_exception", "Servicing hardware INT" and, in protected
 *           mode, the "v=.. e=.." line followed by a register dump
 *   exec    "Trace 0: [cs base/linear pc/mode]" before each instruction, mode
 *           being v86 << 24 | pmode << 16 | code32 << 8 | cpl (QEMU's host
 *           pointer and hflags mean nothing here)
 *   ioport  "ioport: inb  0x0060 -> 0x1c", "ioport: outw 0x01f0 <- 0x1234"
 *   out_asm "OUT: [size=N]", the block's guest address and its host code
 *           (capstone, x86-64), for each block the translator makes
 *   jit     at exit, the translator's counters and commonest helpers (as
 *           the monitor's `info jit`)
 * It reads guest memory without side effects: the page walk here sets no
 * accessed bits. */
#ifndef RELIC_TRACE_H
#define RELIC_TRACE_H
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

struct cpu;
struct iobus;
struct tracer;

/* mask: LOG_* bits from options.h. Returns NULL with err set on failure. */
struct tracer *trace_create(uint32_t mask, const char *path, char *err, size_t errlen);
/* Installs the hooks the mask asks for on the CPU and the port bus. */
void trace_attach(struct tracer *t, struct cpu *cpu, struct iobus *io);
/* The machine stops: -d jit's report, and the log flushed. */
void trace_finish(struct tracer *t, const struct cpu *cpu);
/* -d post: the port 0x80 hook of the DMA page registers (opaque: the tracer). */
void trace_post_code(void *opaque, uint8_t code);
void trace_free(struct tracer *t);

/* The register dump of -d cpu, for anyone who wants one (monitor later). */
void trace_dump_cpu(FILE *f, struct cpu *cpu);
/* The translator's counters and commonest helpers (-d jit, `info jit`), or
 * a line saying the interpreter runs. */
void trace_dump_jit(FILE *f, const struct cpu *cpu);
#endif
