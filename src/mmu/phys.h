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

/* Called when a write lands in a page marked as holding code. */
typedef void (*code_write_fn)(void *opaque, uint32_t paddr, int len);

struct physmem {
    uint8_t *ram;
    uint32_t ram_size;
    uint32_t a20_mask;             /* ~0 with A20 on, ~(1<<20) with it off */
    int nregions;
    struct phys_region region[PHYS_MAX_REGIONS];
    uint8_t *page_region;          /* PHYS_PAGES entries: region index + 1, 0 = unmapped */
    uint8_t *code_page;            /* PHYS_PAGES entries: nonzero if decoded code lives there */
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
