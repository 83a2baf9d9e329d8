/* Guest physical address space: RAM, ROM and MMIO regions, A20 masking,
 * and the record of which physical pages hold decoded code.
 *
 * Every access from the CPU slow path and from device DMA comes through
 * here, so writes into code pages are seen in one place. */
#ifndef RELIC_PHYS_H
#define RELIC_PHYS_H
#include <stdint.h>
#include <stddef.h>

enum phys_kind { PHYS_UNMAPPED, PHYS_RAM, PHYS_ROM, PHYS_MMIO };

struct mmio_ops {
    /* size is 1, 2 or 4; addr is the offset into the region */
    uint32_t (*read)(void *opaque, uint32_t addr, int size);
    void (*write)(void *opaque, uint32_t addr, uint32_t val, int size);
};

struct phys_region {
    uint32_t base, size;
    enum phys_kind kind;
    uint8_t *host;                 /* RAM and ROM: backing bytes */
    uint8_t *write_host;           /* ROM only: where writes land (PAM write-only); NULL = dropped */
    const struct mmio_ops *ops;    /* MMIO */
    void *opaque;
    const char *name;
};

#define PHYS_MAX_REGIONS 64
#define PHYS_PAGES (1u << 20)      /* 4 GiB of 4 KiB pages */
/* Decoded code is recorded per 64-byte chunk: a page's mask has bit k set
 * when bytes [64k, 64k+63] hold some. Masks are kept in groups of pages
 * allocated when code is first decoded there, so only pages that ever
 * held code cost memory. */
#define CODE_CHUNK_SHIFT 6
#define CODE_GROUP_BITS 9
#define CODE_GROUPS (PHYS_PAGES >> CODE_GROUP_BITS)

/* Called when a write lands in a page marked as holding code. */
typedef void (*code_write_fn)(void *opaque, uint32_t paddr, int len);

struct physmem {
    uint8_t *ram;
    uint32_t ram_size;
    uint32_t a20_mask;             /* ~0 with A20 on, ~(1<<20) with it off */
    int nregions;
    struct phys_region region[PHYS_MAX_REGIONS];
    uint8_t *page_region;          /* PHYS_PAGES entries: region index + 1, 0 = unmapped */
    uint64_t **code_mask;          /* CODE_GROUPS pointers to masks of 512 pages, NULL = no code */
    int report_all_writes;         /* test rigs: every write reaches on_code_write */
    uint8_t *dirty;                /* while dirty logging: one byte per RAM page, 1 = written */
    code_write_fn on_code_write;
    void *code_opaque;
    unsigned map_generation;       /* bumped on A20 or map changes: TLBs must be flushed */
};

/* Allocates ram_size bytes of zeroed RAM mapped at 0. Returns 0, or -1 if the
 * host cannot give that much memory. */
int phys_init(struct physmem *pm, uint32_t ram_size);
void phys_free(struct physmem *pm);

/* Maps a region over [base, base+size), page aligned; later regions take
 * precedence over earlier ones for the pages they cover. Returns its index. */
int phys_add_ram_alias(struct physmem *pm, uint32_t base, uint32_t size, uint8_t *host, int readonly, const char *name);
int phys_add_mmio(struct physmem *pm, uint32_t base, uint32_t size, const struct mmio_ops *ops, void *opaque, const char *name);

/* Switch a region between RAM and ROM behaviour (PAM shadowing). */
void phys_set_readonly(struct physmem *pm, int region, int readonly);
/* Re-points a RAM/ROM region (PAM shadowing): reads come from host; with
 * readonly clear it is RAM over host, with readonly set it is ROM whose
 * writes land in write_host (same offset) or are dropped when NULL. When
 * host changes, code decoded from the region's pages is invalidated. */
void phys_set_backing(struct physmem *pm, int region, uint8_t *host, int readonly, uint8_t *write_host);

void phys_set_a20(struct physmem *pm, int on);

/* The region covering a (masked) physical address, or NULL. */
static inline struct phys_region *phys_region_at(struct physmem *pm, uint32_t paddr)
{
    uint8_t r = pm->page_region[paddr >> 12];
    return r ? &pm->region[r - 1] : NULL;
}

/* Which 64-byte chunks of a page hold decoded code. */
static inline uint64_t phys_code_mask(const struct physmem *pm, uint32_t page)
{
    const uint64_t *g = pm->code_mask[page >> CODE_GROUP_BITS];
    return g ? g[page & ((1u << CODE_GROUP_BITS) - 1)] : 0;
}
/* The chunks bytes [off, off+len) of a page touch (off + len <= 4096). */
static inline uint64_t code_chunks(uint32_t off, uint32_t len)
{
    unsigned first = off >> CODE_CHUNK_SHIFT, last = (off + len - 1) >> CODE_CHUNK_SHIFT;
    uint64_t upto = last == 63 ? ~0ull : (2ull << last) - 1;
    return upto & ~((1ull << first) - 1);
}
/* Sets a page's mask. Returns -1 when the host has no memory for it. */
int phys_code_set(struct physmem *pm, uint32_t page, uint64_t mask);
/* Forgets all decoded code (the block cache was emptied). */
void phys_code_clear_all(struct physmem *pm);
/* Nonzero when a write of len bytes at paddr (within one page) must be
 * reported to on_code_write, if it changes them. */
static inline int phys_write_watched(const struct physmem *pm, uint32_t paddr, uint32_t len)
{
    return pm->report_all_writes || (phys_code_mask(pm, paddr >> 12) & code_chunks(paddr & 0xfff, len));
}

/* Dirty logging for migration: while on, every write to RAM (CPU or DMA)
 * marks its page. Start allocates the log (all clean) and bumps
 * map_generation so TLBs refill with TLB_NOTDIRTY; sync copies the log to
 * out (ram_size / 4096 bytes), cleans it and bumps map_generation again. */
int phys_dirty_log_start(struct physmem *pm);
void phys_dirty_log_stop(struct physmem *pm);
void phys_dirty_log_sync(struct physmem *pm, uint8_t *out);
/* Nonzero while logging when host points into a clean page of RAM. */
static inline int phys_host_clean(const struct physmem *pm, const uint8_t *host)
{
    return pm->dirty && host >= pm->ram && host < pm->ram + pm->ram_size && !pm->dirty[(host - pm->ram) >> 12];
}

/* Host pointer for direct access to the page of paddr (RAM: read/write, ROM:
 * read only when write==0), or NULL when the page needs the slow path. */
uint8_t *phys_host_ptr(struct physmem *pm, uint32_t paddr, int write);

/* Accesses of 1, 2 or 4 bytes; size-aligned or not, may cross pages.
 * Unmapped reads give all ones, unmapped and ROM writes are dropped. */
uint32_t phys_read(struct physmem *pm, uint32_t paddr, int size);
void phys_write(struct physmem *pm, uint32_t paddr, uint32_t val, int size);

/* Bulk copies for DMA and loaders; they honour code-page invalidation. */
void phys_read_buf(struct physmem *pm, uint32_t paddr, void *buf, size_t len);
void phys_write_buf(struct physmem *pm, uint32_t paddr, const void *buf, size_t len);
/* Writes into ROM too (firmware loading). */
void phys_load(struct physmem *pm, uint32_t paddr, const void *buf, size_t len);

#endif
