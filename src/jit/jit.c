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
/* Helper-call counters, open-addressed by opinfo pointer: a power of two
 * above the opcode table's entries, so the table never fills in practice;
 * if it does, the last slot (no opinfo) takes the rest. */
#define HELPER_SLOTS 2048u

struct helper_count {
    const struct opinfo *op;    /* NULL: free */
    uint64_t calls;
};

struct jit {
    struct codebuf cb;
    unsigned block_flushes;     /* cpu->block_flushes the code was made under */
    uint64_t retired_base;      /* cpu->native_retired when attached */
    struct jit_stats stats;
    jit_out_asm_fn out_asm;
    void *out_asm_opaque;
    size_t nhelpers;
    struct helper_count helpers[HELPER_SLOTS];
    struct helper_count helper_other;
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

uint64_t *jit_helper_counter(struct jit *j, const struct opinfo *op)
{
    size_t k = ((uintptr_t)op >> 4) * 0x9e3779b97f4a7c15ull >> 53 & (HELPER_SLOTS - 1);
    for (size_t n = 0; n < HELPER_SLOTS / 2; n++, k = (k + 1) & (HELPER_SLOTS - 1)) {
        struct helper_count *h = &j->helpers[k];
        if (h->op == op)
            return &h->calls;
        if (!h->op && 2 * j->nhelpers < HELPER_SLOTS) {
            h->op = op;
            j->nhelpers++;
            return &h->calls;
        }
    }
    return &j->helper_other.calls;
}

uint64_t *jit_chain_counter(struct jit *j)
{
    return &j->stats.exits_chained;
}

static void flush_code(struct jit *j)
{
    j->stats.code_flushes += j->cb.used != 0;
    codebuf_flush(&j->cb);
}

#if defined(__x86_64__)
/* Translates the block at the CPU's CS:EIP into the buffer (flushing it
 * once if full). 0, or -1. */
static int translate(struct jit *j, const struct cpu *c, struct block *b)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        uint8_t *at = j->cb.rw + j->cb.used, *chain;
        struct emit e = { at, j->cb.rw + j->cb.size, 0 };
        size_t len;
        uint8_t *start = jit_x86_64_translate(&e, b, j->cb.gen, j, &chain, &len);
        if (!e.overflow) {
            b->native = codebuf_exec(&j->cb, start);
            b->native_chain = codebuf_exec(&j->cb, chain);
            b->native_gen = j->cb.gen;
            j->cb.used = ((size_t)(e.p - j->cb.rw) + 15) & ~(size_t)15;
            j->stats.blocks_translated++;
            if (j->out_asm)
                j->out_asm(j->out_asm_opaque, c->seg[S_CS].base, c->eip, b->phys, b->native, len);
            return 0;
        }
        flush_code(j);
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
        flush_code(j);
        j->block_flushes = c->block_flushes;
    }
    /* instruction-by-instruction work (tracing, single-step, breakpoints)
     * stays with the interpreter */
    if (c->trace_insn || cpu_step_mode(c) ||
        ((!b->native || b->native_gen != j->cb.gen) && translate(j, c, b) < 0)) {
        c->chain_slot = 0;
        j->stats.interp_blocks++;
        cpu_interp_block(c, b);
        return;
    }
    fill_chain(j, c, b);
    void (*fn)(struct cpu *);
    memcpy(&fn, &b->native, sizeof fn);
    c->stop_block = 0;
    fn(c);
    j->stats.exits_dispatcher++;
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
    j->retired_base = c->native_retired;
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

const struct jit_stats *jit_get_stats(const struct cpu *c)
{
    struct jit *j = c->engine;
    if (!j)
        return NULL;
    uint64_t calls = j->helper_other.calls;
    for (size_t k = 0; k < HELPER_SLOTS; k++)
        calls += j->helpers[k].calls;
    j->stats.helper_calls = calls;
    j->stats.invalidations = c->native_retired - j->retired_base;
    return &j->stats;
}

/* Adds calls to name's entry in the first n of names/counts, or appends it
 * when there is room; returns the new n. */
static size_t tally(const char **names, uint64_t *counts, size_t n, size_t room, const char *name, uint64_t calls)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(names[k], name)) {
            counts[k] += calls;
            return n;
        }
    if (n == room)
        return n;
    names[n] = name;
    counts[n] = calls;
    return n + 1;
}

size_t jit_helper_counts(const struct cpu *c, const char **names, uint64_t *counts, size_t max)
{
    struct jit *j = c->engine;
    if (!j || !max)
        return 0;
    /* several opinfos share a mnemonic (ADD's eight forms): merge them by name */
    enum { NAMES_MAX = 512 };
    const char *all[NAMES_MAX];
    uint64_t sum[NAMES_MAX];
    size_t n = 0;
    for (size_t k = 0; k < HELPER_SLOTS; k++)
        if (j->helpers[k].op && j->helpers[k].calls)
            n = tally(all, sum, n, NAMES_MAX, j->helpers[k].op->name, j->helpers[k].calls);
    if (j->helper_other.calls)
        n = tally(all, sum, n, NAMES_MAX, "(other)", j->helper_other.calls);
    size_t out = 0;
    for (; out < max && out < n; out++) {
        size_t best = out;
        for (size_t k = out + 1; k < n; k++)
            if (sum[k] > sum[best])
                best = k;
        names[out] = all[best];
        counts[out] = sum[best];
        all[best] = all[out];
        sum[best] = sum[out];
    }
    return out;
}

void jit_set_out_asm(struct cpu *c, jit_out_asm_fn fn, void *opaque)
{
    struct jit *j = c->engine;
    if (!j)
        return;
    j->out_asm = fn;
    j->out_asm_opaque = opaque;
}
