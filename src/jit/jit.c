/* The translator's engine (see jit.h): when to run translated code, and
 * translating on first use. */
#include "jit.h"
#include "codebuf.h"
#include "translate.h"
#include "emit-x86_64.h"
#include "../cpu/exec.h"
#include "../cpu/block.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_BUFFER_SIZE (32u << 20)

struct jit {
    struct codebuf cb;
};

int jit_available(void)
{
#if defined(__x86_64__)
    return 1;
#else
    return 0;
#endif
}

void jit_park_cf(struct cpu *c)
{
    c->eflags = (c->eflags & ~(uint32_t)F_CF) | (uint32_t)flag_cf(c);
}

#if defined(__x86_64__)
/* Translates b into the buffer (flushing it once if full). 0, or -1. */
static int translate(struct jit *j, struct block *b)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        uint8_t *at = j->cb.rw + j->cb.used;
        struct emit e = { at, j->cb.rw + j->cb.size, 0 };
        uint8_t *start = jit_x86_64_translate(&e, b);
        if (!e.overflow) {
            b->native = codebuf_exec(&j->cb, start);
            b->native_gen = j->cb.gen;
            j->cb.used = ((size_t)(e.p - j->cb.rw) + 15) & ~(size_t)15;
            return 0;
        }
        codebuf_flush(&j->cb);
    }
    return -1;
}

static void run_block(struct cpu *c, struct block *b)
{
    struct jit *j = c->engine;
    /* instruction-by-instruction work (tracing, single-step, breakpoints)
     * stays with the interpreter */
    if (c->trace_insn || cpu_step_mode(c)) {
        cpu_interp_block(c, b);
        return;
    }
    if ((!b->native || b->native_gen != j->cb.gen) && translate(j, b) < 0) {
        cpu_interp_block(c, b);
        return;
    }
    void (*fn)(struct cpu *);
    memcpy(&fn, &b->native, sizeof fn);
    c->stop_block = 0;
    fn(c);
}
#endif

int jit_attach(struct cpu *c, char *err, size_t errlen)
{
    if (!jit_available()) {
        snprintf(err, errlen, "the translator has no backend for this host (use -accel interp)");
        return -1;
    }
#if defined(__x86_64__)
    struct jit *j = calloc(1, sizeof *j);
    if (!j || codebuf_init(&j->cb, CODE_BUFFER_SIZE) < 0) {
        snprintf(err, errlen, "cannot map memory for translated code: %s", strerror(j ? errno : ENOMEM));
        free(j);
        return -1;
    }
    c->engine = j;
    c->run_block = run_block;
#endif
    return 0;
}

void jit_detach(struct cpu *c)
{
    struct jit *j = c->engine;
    if (!j)
        return;
    codebuf_free(&j->cb);
    free(j);
    c->engine = NULL;
    c->run_block = NULL;
}
