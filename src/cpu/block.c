/* The decoded-block cache. Blocks live in one arena that is flushed whole
 * when it fills; invalidated blocks are unlinked and left to the next flush. */
#include "block.h"
#include "exec.h"
#include <stdlib.h>
#include <string.h>

#define ARENA_SIZE (32u << 20)
#define HASH_BITS 16
#define PAGE_HASH_BITS 14
/* Invalidations of a page's code, within the block cache's life, past which
 * blocks decoded there run in the interpreter: translating code that is
 * rewritten again and again costs more than it saves. */
#define SMC_INTERP_THRESHOLD 16

struct block_cache {
    uint8_t *arena;
    size_t used;
    struct block *hash[1u << HASH_BITS];
    struct block *pages[1u << PAGE_HASH_BITS];
    /* invalidations per page-hash bucket (pages sharing a bucket share a count) */
    uint8_t smc_count[1u << PAGE_HASH_BITS];
};

static unsigned hash_of(uint32_t phys, int code32)
{
    uint32_t h = (phys ^ (uint32_t)code32 << 31) * 0x9e3779b1u;
    return h >> (32 - HASH_BITS);
}
static unsigned page_hash(uint32_t page) { return (page * 0x9e3779b1u) >> (32 - PAGE_HASH_BITS); }

int block_cache_init(struct cpu *c)
{
    c->bc = calloc(1, sizeof *c->bc);
    if (!c->bc) return -1;
    c->bc->arena = malloc(ARENA_SIZE);
    if (!c->bc->arena) { free(c->bc); c->bc = NULL; return -1; }
    c->pm->on_code_write = block_invalidate;
    c->pm->code_opaque = c;
    return 0;
}

void block_cache_free(struct cpu *c)
{
    if (!c->bc) return;
    free(c->bc->arena);
    free(c->bc);
    c->bc = NULL;
}

void block_cache_flush(struct cpu *c)
{
    struct block_cache *bc = c->bc;
    memset(bc->hash, 0, sizeof bc->hash);
    memset(bc->pages, 0, sizeof bc->pages);
    memset(bc->smc_count, 0, sizeof bc->smc_count);
    bc->used = 0;
    phys_code_clear_all(c->pm);
    /* write tags carry TLB_CODE for pages that held code: they may be fast again */
    tlb_flush(c->tlb, 0);
    if (c->cur_block) c->stop_block = 1;
    c->cur_block = NULL;
    c->block_flushes++;
}

static void unlink_hash(struct block_cache *bc, struct block *b)
{
    struct block **pp = &bc->hash[hash_of(b->phys, b->code32)];
    for (; *pp; pp = &(*pp)->hnext)
        if (*pp == b) { *pp = b->hnext; return; }
}

/* A block sits in the page-hash chain of its first page (link 0) and, if
 * an instruction straddles into a second page hashing elsewhere, in that
 * page's chain too (link 1). Which link continues a chain follows from the
 * bucket, so hash collisions between pages are harmless. */
static int chain_slot(const struct block *b, unsigned bucket)
{
    return page_hash(b->phys >> 12) == bucket ? 0 : 1;
}

/* The bytes [*first, *last] of block b on physical page `page` (the two
 * pages of a straddling block need not be adjacent). 0 if none. */
static int block_range(const struct block *b, uint32_t page, uint32_t *first, uint32_t *last)
{
    if ((b->phys >> 12) == page) {
        *first = b->phys;
        *last = (b->phys_last >> 12) == page ? b->phys_last : b->phys | 0xfff;
        return 1;
    }
    if (b->phys_page2 != ~0u && (b->phys_page2 >> 12) == page) {
        *first = b->phys_page2;
        *last = b->phys_last;
        return 1;
    }
    return 0;
}

static uint64_t block_chunks(const struct block *b, uint32_t page)
{
    uint32_t first, last;
    if (!block_range(b, page, &first, &last))
        return 0;
    return code_chunks(first & 0xfff, last - first + 1);
}

/* Kills the blocks of `page` overlapping [lo, hi] and recomputes the page's
 * code mask from the survivors, so later writes to chunks that no longer
 * hold code stay cheap. */
static void invalidate_page_bucket(struct cpu *c, uint32_t page, uint32_t lo, uint32_t hi)
{
    struct block_cache *bc = c->bc;
    unsigned bucket = page_hash(page);
    struct block **pp = &bc->pages[bucket];
    uint64_t mask = 0;
    int killed = 0;
    while (*pp) {
        struct block *b = *pp;
        int slot = chain_slot(b, bucket);
        uint32_t first, last;
        uint64_t chunks = 0;
        if (!b->dead && block_range(b, page, &first, &last))
            chunks = code_chunks(first & 0xfff, last - first + 1);
        if (chunks && first <= hi && last >= lo) {
            b->dead = 1;
            killed = 1;
            unlink_hash(bc, b);
            if (b->native_key) c->native_retired++;
            if (b == c->cur_block) c->stop_block = 1;
        }
        if (b->dead) { *pp = b->pnext[slot]; continue; }
        mask |= chunks;
        pp = &b->pnext[slot];
    }
    if (killed && bc->smc_count[bucket] < 255)
        bc->smc_count[bucket]++;
    phys_code_set(c->pm, page, mask);
}

void block_invalidate(void *opaque, uint32_t paddr, int len)
{
    struct cpu *c = opaque;
    uint32_t last = paddr + (uint32_t)len - 1;
    invalidate_page_bucket(c, paddr >> 12, paddr, last);
    if ((last >> 12) != (paddr >> 12))
        invalidate_page_bucket(c, last >> 12, paddr, last);
}

/* Records that b's bytes on `page` hold code: writes there take the slow
 * path (TLB_CODE) from now on. */
static void mark_code(struct cpu *c, struct block *b, uint32_t page)
{
    uint64_t old = phys_code_mask(c->pm, page), chunks = block_chunks(b, page);
    if ((old | chunks) == old)
        return;
    if (phys_code_set(c->pm, page, old | chunks) < 0) {
        /* no memory to watch its bytes: the block runs this once and is
         * decoded afresh next time */
        b->dead = 1;
        unlink_hash(c->bc, b);
        return;
    }
    if (!old)
        tlb_flag_writes(c->tlb, page << 12, TLB_CODE);
}

/* Instruction fetch for the decoder: linear = CS.base + start + n. */
struct fetch_ctx {
    struct cpu *c;
    uint32_t eip;              /* offset of the instruction */
    uint32_t page_lin;         /* linear page of the cached translation */
    uint32_t page_phys;
    int have_page;
    int first_insn;            /* faults in the first instruction are raised */
    int faulted;
    uint32_t second_page;      /* physical page of a page-crossing byte, or ~0 */
};

static int fetch_byte(void *opaque, uint32_t n)
{
    struct fetch_ctx *f = opaque;
    struct cpu *c = f->c;
    uint32_t off = f->eip + n;
    if (!c->code32) off &= 0xffff;
    if (off > c->seg[S_CS].limit) {
        if (f->first_insn) GP0(c);
        return -1;
    }
    uint32_t lin = c->seg[S_CS].base + off;
    if (!f->have_page || (lin & ~0xfffu) != f->page_lin) {
        if (!f->first_insn) {
            /* later instructions must not fault: probe without raising */
            if (f->have_page) return -1;
        }
        uint32_t pa = lin_translate(c, lin, ACC_FETCH);
        if (f->have_page) f->second_page = pa & ~0xfffu;
        f->page_lin = lin & ~0xfffu;
        f->page_phys = pa & ~0xfffu;
        f->have_page = 1;
    }
    return (int)phys_read(c->pm, f->page_phys | (lin & 0xfff), 1);
}

static struct block *decode_block(struct cpu *c, uint32_t phys)
{
    struct block_cache *bc = c->bc;
    size_t need = sizeof(struct block) + BLOCK_MAX_INSNS * sizeof(struct insn);
    if (bc->used + need > ARENA_SIZE)
        block_cache_flush(c);
    struct block *b = (struct block *)(bc->arena + bc->used);
    struct fetch_ctx f = { .c = c, .eip = c->eip, .first_insn = 1, .second_page = ~0u };
    b->phys = phys;
    b->code32 = c->code32;
    b->dead = 0;
    b->native_key = 0;
    b->phys_page2 = ~0u;
    b->interp_only = bc->smc_count[page_hash(phys >> 12)] >= SMC_INTERP_THRESHOLD;
    uint32_t n = 0, len = 0;
    while (n < BLOCK_MAX_INSNS) {
        struct insn *i = &b->insn[n];
        uint32_t fault_n;
        f.eip = c->eip + len;
        f.have_page = 0;
        f.second_page = ~0u;
        /* keep the first page's translation: later instructions must stay on it */
        if (n) { f.have_page = 1; f.page_lin = (c->seg[S_CS].base + c->eip) & ~0xfffu; f.page_phys = phys & ~0xfffu; }
        enum decode_status st = decode_insn(i, c->code32, fetch_byte, &f, &fault_n);
        /* only a later instruction can report a fetch fault: the first one's
         * fetch raises #PF/#GP itself (first_insn), as the CPU would */
        if (st == DEC_FETCH_FAULT)
            break;
        if (st == DEC_TOO_LONG && n) break;
        len += i->len;
        n++;
        f.first_insn = 0;
        if (f.second_page != ~0u) {
            b->phys_page2 = f.second_page;
            break;
        }
        if ((i->op->form & OP_END) || st != DEC_OK) break;
        if (((phys & 0xfff) + len) >= 0x1000) break;
    }
    b->n = (uint16_t)n;
    b->phys_last = phys + len - 1;
    if (b->phys_page2 != ~0u)
        b->phys_last = b->phys_page2 | ((phys + len - 1) & 0xfff);
    bc->used += sizeof(struct block) + n * sizeof(struct insn);
    bc->used = (bc->used + 15) & ~(size_t)15;
    unsigned h = hash_of(phys, c->code32);
    b->hnext = bc->hash[h];
    bc->hash[h] = b;
    unsigned ph = page_hash(phys >> 12);
    b->pnext[0] = bc->pages[ph];
    bc->pages[ph] = b;
    b->pnext[1] = NULL;
    if (b->phys_page2 != ~0u && page_hash(b->phys_page2 >> 12) != ph) {
        unsigned ph2 = page_hash(b->phys_page2 >> 12);
        b->pnext[1] = bc->pages[ph2];
        bc->pages[ph2] = b;
    }
    mark_code(c, b, phys >> 12);
    if (b->phys_page2 != ~0u)
        mark_code(c, b, b->phys_page2 >> 12);
    return b;
}

struct block *block_lookup(struct cpu *c)
{
    /* the physical map changed (A20, PAM, dirty logging): translations made under the old one go */
    if (UNLIKELY(c->pm->map_generation != c->tlb_generation))
        cpu_tlb_flush(c, 0);
    uint32_t off = c->eip;
    if (off > c->seg[S_CS].limit) GP0(c);
    uint32_t lin = c->seg[S_CS].base + off;
    struct tlb_entry *e = &c->tlb->e[tlb_user(c)][(lin >> 12) & (TLB_SIZE - 1)];
    uint32_t phys;
    if (LIKELY(tlb_hit(e->tag_fetch, lin, 1)))
        phys = e->ppage | (lin & 0xfff);
    else
        phys = lin_translate(c, lin, ACC_FETCH);
    struct block *b = c->bc->hash[hash_of(phys, c->code32)];
    for (; b; b = b->hnext)
        if (b->phys == phys && b->code32 == c->code32)
            break;
    if (b && UNLIKELY(b->phys_page2 != ~0u)) {
        /* an instruction straddling two pages: the second page's mapping may have changed */
        uint32_t lin2 = (lin | 0xfffu) + 1;
        if ((lin_translate(c, lin2, ACC_FETCH) & ~0xfffu) != b->phys_page2) {
            b->dead = 1;
            struct block **pp = &c->bc->hash[hash_of(b->phys, b->code32)];
            for (; *pp; pp = &(*pp)->hnext)
                if (*pp == b) { *pp = b->hnext; break; }
            b = NULL;
        }
    }
    if (!b)
        b = decode_block(c, phys);
    c->cur_block = b;
    return b;
}
