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
    unsigned block_flushes;     /* cpu->block_flushes the code was made under */
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
        uint8_t *at = j->cb.rw + j->cb.used, *chain;
        struct emit e = { at, j->cb.rw + j->cb.size, 0 };
        uint8_t *start = jit_x86_64_translate(&e, b, j->cb.gen, &chain);
        if (!e.overflow) {
            b->native = codebuf_exec(&j->cb, start);
            b->native_chain = codebuf_exec(&j->cb, chain);
            b->native_gen = j->cb.gen;
            j->cb.used = ((size_t)(e.p - j->cb.rw) + 15) & ~(size_t)15;
            return 0;
        }
        codebuf_flush(&j->cb);
    }
    return -1;
}

/* The exit that asked for a chain led to b: fill its slot, if b is the
 * block it named and both are still of this generation. */
static void fill_chain(struct jit *j, struct cpu *c, const struct block *b)
{
    uint64_t slot = c->chain_slot;
    c->chain_slot = 0;
    if (!slot || c->chain_gen != j->cb.gen || b->native_gen != j->cb.gen || b->phys != c->chain_phys
        || b->code32 != c->chain_code32)
        return;
    const struct block *p = b;
    memcpy(j->cb.rw + (slot - (uint64_t)(uintptr_t)j->cb.rx), &p, sizeof p);
}

static void run_block(struct cpu *c, struct block *b)
{
    struct jit *j = c->engine;
    /* an emptied block cache takes the block pointers in chain slots with it */
    if (c->block_flushes != j->block_flushes) {
        codebuf_flush(&j->cb);
        j->block_flushes = c->block_flushes;
    }
    /* instruction-by-instruction work (tracing, single-step, breakpoints)
     * and code rewritten again and again stay with the interpreter */
    if (c->trace_insn || cpu_step_mode(c) || b->interp_only) {
        c->chain_slot = 0;
        cpu_interp_block(c, b);
        return;
    }
    if ((!b->native || b->native_gen != j->cb.gen) && translate(j, b) < 0) {
        c->chain_slot = 0;
        cpu_interp_block(c, b);
        return;
    }
    fill_chain(j, c, b);
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
    j->block_flushes = c->block_flushes;
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
