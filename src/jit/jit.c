/* The translator's engine (see jit.h): when to run translated code,
 * translating on first use, the trampolines between C and generated code,
 * chaining and the jump cache. */
#include "jit.h"
#include "codebuf.h"
#include "ir.h"
#include "backend.h"
#include "x64.h"
#include "../cpu/exec.h"
#include "../cpu/block.h"
#include <errno.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_BUFFER_SIZE (32u << 20)
#define HELPER_SLOTS 512

struct jit {
    struct codebuf cb;
    unsigned block_flushes;     /* cpu->block_flushes the code was made under */
    void (*enter)(struct cpu *c, const void *code);
    const uint8_t *exit_r15, *exit_mem, *materialise;   /* writable-mapping addresses */
    const uint8_t *helper32, *helper16, *r15_to_mem, *fill_exit, *light32, *light16;
    struct jc_entry jc[JC_SIZE];
    struct ir ir;
    struct jit_stats stats;
    struct { const struct opinfo *op; uint64_t n; } helpers[HELPER_SLOTS];
    jit_out_asm_fn out_asm;
    void *out_asm_opaque;
};

/* cpu->engine_counts[] slots the generated code increments */
enum { CNT_CHAINED, CNT_JUMP_CACHE };

int jit_available(void)
{
#if defined(__x86_64__)
    /* the backend keeps flags with LAHF, which the first x86-64 CPUs lacked in 64-bit mode */
    unsigned a, b, c, d;
    return __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & 1);
#else
    return 0;
#endif
}

#if defined(__x86_64__)
/* The shared code at the start of the buffer (the backend's trampolines). */
static void make_trampolines(struct jit *j)
{
    struct emit e = { j->cb.rw, j->cb.rw + j->cb.size, 0, 0 };
    struct jit_trampolines t;
    jit_backend_trampolines(&e, &t);
    j->exit_r15 = t.exit_r15;
    j->exit_mem = t.exit_mem;
    j->materialise = t.materialise;
    j->helper32 = t.helper32;
    j->helper16 = t.helper16;
    j->r15_to_mem = t.r15_to_mem;
    j->fill_exit = t.fill_exit;
    j->light32 = t.light32;
    j->light16 = t.light16;
    j->cb.used = ((size_t)(e.p - j->cb.rw) + 15) & ~(size_t)15;
    void *x = codebuf_exec(&j->cb, t.enter);
    memcpy(&j->enter, &x, sizeof x);
}

static void flush_code(struct jit *j)
{
    codebuf_flush(&j->cb);
    make_trampolines(j);
    memset(j->jc, 0, sizeof j->jc);
    j->stats.code_flushes++;
}

static uint64_t *helper_counter(void *opaque, const struct insn *i)
{
    struct jit *j = opaque;
    unsigned h = (unsigned)(((uintptr_t)i->op >> 4) * 0x9e3779b1u) % HELPER_SLOTS;
    for (unsigned k = 0; k < HELPER_SLOTS; k++, h = (h + 1) % HELPER_SLOTS) {
        if (j->helpers[h].op == i->op || !j->helpers[h].op) {
            j->helpers[h].op = i->op;
            return &j->helpers[h].n;
        }
    }
    return &j->stats.helper_calls;      /* full: counted in the total only */
}

/* CS, DS, ES and SS all based at 0 with 4 GiB limits, usable for data:
 * the translation may drop segment checks. */
static int flat_segments(const struct cpu *c)
{
    for (int s = 0; s < 4; s++) {
        static const int segs[4] = { S_CS, S_DS, S_ES, S_SS };
        const struct seg *sg = &c->seg[segs[s]];
        if (sg->base || sg->limit != 0xffffffffu || !sg->valid) return 0;
        if (segs[s] != S_CS && (sg->rw & (SEG_RD | SEG_WR | SEG_DOWN)) != (SEG_RD | SEG_WR)) return 0;
    }
    return 1;
}

static unsigned mode_of(const struct cpu *c)
{
    return (c->code32 ? JIT_MODE_CODE32 : 0) | (c->stack32 ? JIT_MODE_STACK32 : 0)
         | (c->cpl == 3 ? JIT_MODE_USER : 0) | (flat_segments(c) ? JIT_MODE_FLAT : 0);
}

#define KEY_UNTRANSLATABLE 0x80u

/* Translates b for mode into the buffer (flushing it once if full). */
static int translate(struct jit *j, struct cpu *c, struct block *b, unsigned mode)
{
    struct ir *ir = &j->ir;
    if (ir_build(ir, b, mode) < 0) return -1;
    ir_liveness(ir);
    for (int attempt = 0; attempt < 2; attempt++) {
        struct jit_env env = {
            .tlb = c->tlb, .jc = j->jc, .key = j->cb.gen << 8 | mode,
            .exit_r15 = j->exit_r15, .exit_mem = j->exit_mem, .materialise = j->materialise,
            .helper32 = j->helper32, .helper16 = j->helper16,
            .r15_to_mem = j->r15_to_mem, .fill_exit = j->fill_exit,
            .light32 = j->light32, .light16 = j->light16,
            .helper_counter = helper_counter, .opaque = j,
        };
        uint8_t *at = j->cb.rw + j->cb.used;
        struct emit e = { at, j->cb.rw + j->cb.size, 0, 0 };
        uint8_t *start = jit_backend_translate(&e, ir, &env);
        if (e.bad) return -1;
        if (!e.overflow) {
            b->native_chain = codebuf_exec(&j->cb, start);
            b->native_key = env.key;
            j->cb.used = ((size_t)(e.p - j->cb.rw) + 15) & ~(size_t)15;
            codebuf_release(&j->cb);
            j->stats.blocks_translated++;
            if (j->out_asm)
                j->out_asm(j->out_asm_opaque, c->seg[S_CS].base, c->eip, b->phys, start, (size_t)(e.p - start));
            return 0;
        }
        flush_code(j);
    }
    return -1;
}

/* The exit that asked for a chain led to b: fill its slot, if the slot is
 * of this generation and b is what it left for (and lies in one page). */
static void fill_chain(struct jit *j, struct cpu *c, const struct block *b)
{
    uint64_t slot = c->chain_slot;
    c->chain_slot = 0;
    if (!slot || c->chain_gen != j->cb.gen || c->eip != c->chain_eip || b->phys_page2 != ~0u)
        return;
    if (slot >> 63) {                       /* a jump to point at b's entry */
        slot &= ~(1ull << 63);
        uint8_t *p = j->cb.rw + (slot - (uint64_t)(uintptr_t)j->cb.rx);
        int32_t rel = (int32_t)((const uint8_t *)b->native_chain - (const uint8_t *)(uintptr_t)slot);
        memcpy(p - 4, &rel, 4);
        return;
    }
    uint8_t *p = j->cb.rw + (slot - (uint64_t)(uintptr_t)j->cb.rx);
    const struct block *bp = b;
    memcpy(p, &bp, sizeof bp);
}

static void run_interp(struct jit *j, struct cpu *c, struct block *b)
{
    c->chain_slot = 0;
    j->stats.interp_blocks++;
    cpu_interp_block(c, b);
}

static void run_block(struct cpu *c, struct block *b)
{
    struct jit *j = c->engine;
    /* an emptied block cache takes the block pointers in slots and the jump cache with it */
    if (c->block_flushes != j->block_flushes) {
        flush_code(j);
        j->block_flushes = c->block_flushes;
    }
    /* instruction-by-instruction work (tracing, single-step, breakpoints),
     * a budget that ends inside the block, and code rewritten again and
     * again stay with the interpreter */
    if (c->trace_insn || cpu_step_mode(c) || c->budget < (int32_t)b->n || b->interp_only) {
        run_interp(j, c, b);
        return;
    }
    unsigned mode = mode_of(c);
    uint32_t key = j->cb.gen << 8 | mode;
    if (b->native_key == (key | KEY_UNTRANSLATABLE)) {
        run_interp(j, c, b);
        return;
    }
    if (b->native_key != key) {
        if (translate(j, c, b, mode) < 0) {
            b->native_key = key | KEY_UNTRANSLATABLE;
            run_interp(j, c, b);
            return;
        }
        key = b->native_key;       /* a flush while translating made a new generation */
    }
    fill_chain(j, c, b);
    uint32_t lin = c->seg[S_CS].base + c->eip;
    if (b->phys_page2 == ~0u) j->jc[jc_index(lin)] = (struct jc_entry){ lin, 0, b };
    j->stats.exits_dispatcher++;
    flags_materialise(c);
    c->stop_block = 0;
    c->chain_gen = j->cb.gen;
    j->enter(c, b->native_chain);
    if (c->resume_insn) {                   /* the translation left the rest of its block to us */
        unsigned k = c->resume_insn;
        c->resume_insn = 0;
        j->stats.interp_blocks++;
        cpu_interp_block_from(c, c->cur_block, k);
    }
}
#endif

int jit_attach(struct cpu *c, char *err, size_t errlen)
{
#if defined(__x86_64__)
    if (!jit_available()) {
        snprintf(err, errlen, "the translator needs LAHF in 64-bit mode, which this CPU lacks (use -accel interp)");
        return -1;
    }
    struct jit *j = calloc(1, sizeof *j);
    if (!j || codebuf_init(&j->cb, CODE_BUFFER_SIZE) < 0) {
        snprintf(err, errlen, "cannot map memory for translated code: %s", strerror(j ? errno : ENOMEM));
        free(j);
        return -1;
    }
    make_trampolines(j);
    j->block_flushes = c->block_flushes;
    c->engine = j;
    c->run_block = run_block;
    return 0;
#else
    (void)c;
    snprintf(err, errlen, "the translator has no backend for this host (use -accel interp)");
    return -1;
#endif
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
    if (!j) return NULL;
    uint64_t calls = 0;
    for (unsigned k = 0; k < HELPER_SLOTS; k++) calls += j->helpers[k].n;
    j->stats.helper_calls = calls;
    j->stats.invalidations = c->native_retired;
    j->stats.exits_chained = c->engine_counts[CNT_CHAINED];
    j->stats.exits_jump_cache = c->engine_counts[CNT_JUMP_CACHE];
    return &j->stats;
}

size_t jit_helper_counts(const struct cpu *c, const char **names, uint64_t *counts, size_t max)
{
    struct jit *j = c->engine;
    size_t n = 0;
    if (!j) return 0;
    for (unsigned k = 0; k < HELPER_SLOTS; k++) {
        if (!j->helpers[k].op || !j->helpers[k].n) continue;
        /* insertion into the sorted top list */
        size_t at = n < max ? n : max;
        while (at > 0 && counts[at - 1] < j->helpers[k].n) {
            if (at < max) { counts[at] = counts[at - 1]; names[at] = names[at - 1]; }
            at--;
        }
        if (at < max) { counts[at] = j->helpers[k].n; names[at] = j->helpers[k].op->name; if (n < max) n++; }
    }
    return n;
}

void jit_set_out_asm(struct cpu *c, jit_out_asm_fn fn, void *opaque)
{
    struct jit *j = c->engine;
    if (!j) return;
    j->out_asm = fn;
    j->out_asm_opaque = opaque;
}
