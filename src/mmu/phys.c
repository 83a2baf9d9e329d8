/* Guest physical memory map. */
#include "phys.h"
#include "endian.h"
#include <stdlib.h>
#include <string.h>

int phys_init(struct physmem *pm, uint32_t ram_size)
{
    memset(pm, 0, sizeof *pm);
    pm->ram = calloc(1, ram_size ? ram_size : 1);
    pm->page_region = calloc(PHYS_PAGES, 1);
    pm->code_mask = calloc(CODE_GROUPS, sizeof *pm->code_mask);
    if (!pm->ram || !pm->page_region || !pm->code_mask) {
        phys_free(pm);
        return -1;
    }
    pm->ram_size = ram_size;
    pm->a20_mask = ~0u;
    if (ram_size)
        phys_add_ram_alias(pm, 0, ram_size, pm->ram, 0, "ram");
    return 0;
}

void phys_free(struct physmem *pm)
{
    free(pm->ram);
    free(pm->page_region);
    if (pm->code_mask)
        for (unsigned g = 0; g < CODE_GROUPS; g++)
            free(pm->code_mask[g]);
    free(pm->code_mask);
    free(pm->dirty);
    pm->ram = pm->page_region = pm->dirty = NULL;
    pm->code_mask = NULL;
}

int phys_code_set(struct physmem *pm, uint32_t page, uint64_t mask)
{
    uint64_t **g = &pm->code_mask[page >> CODE_GROUP_BITS];
    if (!*g) {
        if (!mask)
            return 0;
        *g = calloc(1u << CODE_GROUP_BITS, sizeof **g);
        if (!*g)
            return -1;
    }
    (*g)[page & ((1u << CODE_GROUP_BITS) - 1)] = mask;
    return 0;
}

void phys_code_clear_all(struct physmem *pm)
{
    for (unsigned g = 0; g < CODE_GROUPS; g++)
        if (pm->code_mask[g])
            memset(pm->code_mask[g], 0, sizeof(uint64_t) << CODE_GROUP_BITS);
}

int phys_dirty_log_start(struct physmem *pm)
{
    free(pm->dirty);
    pm->dirty = calloc((pm->ram_size >> 12) + 1, 1);
    pm->map_generation++;
    return pm->dirty ? 0 : -1;
}

void phys_dirty_log_stop(struct physmem *pm)
{
    free(pm->dirty);
    pm->dirty = NULL;
    pm->map_generation++;
}

void phys_dirty_log_sync(struct physmem *pm, uint8_t *out)
{
    size_t n = pm->ram_size >> 12;
    memcpy(out, pm->dirty, n);
    memset(pm->dirty, 0, n);
    pm->map_generation++;
}

static int add_region(struct physmem *pm, struct phys_region r)
{
    if (pm->nregions >= PHYS_MAX_REGIONS || (r.base & 0xfff) || (r.size & 0xfff) || !r.size)
        return -1;
    int idx = pm->nregions++;
    pm->region[idx] = r;
    uint32_t first = r.base >> 12, n = r.size >> 12;
    for (uint32_t i = 0; i < n && first + i < PHYS_PAGES; i++)
        pm->page_region[first + i] = (uint8_t)(idx + 1);
    pm->map_generation++;
    return idx;
}

int phys_add_ram_alias(struct physmem *pm, uint32_t base, uint32_t size, uint8_t *host, int readonly, const char *name)
{
    struct phys_region r = { .base = base, .size = size, .host = host,
                             .kind = readonly ? PHYS_ROM : PHYS_RAM, .name = name };
    return add_region(pm, r);
}

int phys_add_mmio(struct physmem *pm, uint32_t base, uint32_t size, const struct mmio_ops *ops, void *opaque, const char *name)
{
    struct phys_region r = { .base = base, .size = size, .kind = PHYS_MMIO,
                             .ops = ops, .opaque = opaque, .name = name };
    return add_region(pm, r);
}

void phys_set_readonly(struct physmem *pm, int region, int readonly)
{
    pm->region[region].kind = readonly ? PHYS_ROM : PHYS_RAM;
    pm->map_generation++;
}

void phys_set_backing(struct physmem *pm, int region, uint8_t *host, int readonly, uint8_t *write_host)
{
    struct phys_region *r = &pm->region[region];
    /* New bytes behind the addresses: code decoded from the old ones is
     * stale, as if every byte had been written. */
    if (host != r->host && pm->on_code_write)
        for (uint32_t i = 0, page = r->base >> 12; i < r->size >> 12 && page < PHYS_PAGES; i++, page++)
            if (phys_code_mask(pm, page))
                pm->on_code_write(pm->code_opaque, page << 12, 4096);
    r->host = host;
    r->kind = readonly ? PHYS_ROM : PHYS_RAM;
    r->write_host = readonly ? write_host : NULL;
    pm->map_generation++;
}

void phys_set_a20(struct physmem *pm, int on)
{
    uint32_t m = on ? ~0u : ~(1u << 20);
    if (m != pm->a20_mask) {
        pm->a20_mask = m;
        pm->map_generation++;
    }
}

uint8_t *phys_host_ptr(struct physmem *pm, uint32_t paddr, int write)
{
    struct phys_region *r = phys_region_at(pm, paddr);
    if (!r || r->kind == PHYS_MMIO || (write && r->kind == PHYS_ROM))
        return NULL;
    return r->host + (paddr - r->base);
}

/* Every store into RAM or ROM shadow ends here (len bytes within a page).
 * A store over decoded code reports only the bytes it changes: code that
 * rewrites a flag byte next to itself with the same value, or a disk read
 * over a page of which a little differs, keeps the other blocks. */
static void store(struct physmem *pm, uint32_t paddr, uint8_t *dst, const uint8_t *src, uint32_t len)
{
    if (pm->dirty && dst >= pm->ram && dst < pm->ram + pm->ram_size) {
        size_t first = (size_t)(dst - pm->ram) >> 12, last = (size_t)(dst + len - 1 - pm->ram) >> 12;
        for (size_t k = first; k <= last && k < (pm->ram_size >> 12); k++)
            pm->dirty[k] = 1;
    }
    if (!phys_write_watched(pm, paddr, len) || !pm->on_code_write) {
        memcpy(dst, src, len);
        return;
    }
    uint32_t first = 0, last = len - 1;
    if (!pm->report_all_writes) {
        while (first < len && dst[first] == src[first])
            first++;
        if (first == len)
            return;
        while (dst[last] == src[last])
            last--;
    }
    memcpy(dst, src, len);
    pm->on_code_write(pm->code_opaque, paddr + first, (int)(last - first + 1));
}

static uint8_t read_byte(struct physmem *pm, uint32_t paddr)
{
    struct phys_region *r = phys_region_at(pm, paddr);
    if (!r)
        return 0xff;
    if (r->kind == PHYS_MMIO)
        return (uint8_t)r->ops->read(r->opaque, paddr - r->base, 1);
    return r->host[paddr - r->base];
}

static void write_byte(struct physmem *pm, uint32_t paddr, uint8_t v)
{
    struct phys_region *r = phys_region_at(pm, paddr);
    if (!r)
        return;
    if (r->kind == PHYS_ROM) {
        if (r->write_host)
            store(pm, paddr, r->write_host + (paddr - r->base), &v, 1);
        return;
    }
    if (r->kind == PHYS_MMIO) {
        r->ops->write(r->opaque, paddr - r->base, v, 1);
        return;
    }
    store(pm, paddr, r->host + (paddr - r->base), &v, 1);
}

/* A device sees one access of the CPU's width when it is within the region;
 * anything crossing a page is split into bytes. */
uint32_t phys_read(struct physmem *pm, uint32_t paddr, int size)
{
    paddr &= pm->a20_mask;
    if ((paddr & 0xfff) <= 0x1000u - (unsigned)size) {
        struct phys_region *r = phys_region_at(pm, paddr);
        if (!r)
            return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
        if (r->kind == PHYS_MMIO)
            return r->ops->read(r->opaque, paddr - r->base, size);
        uint8_t *p = r->host + (paddr - r->base);
        return size == 1 ? *p : size == 2 ? ld16le(p) : ld32le(p);
    }
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)read_byte(pm, (paddr + i) & pm->a20_mask) << (8 * i);
    return v;
}

void phys_write(struct physmem *pm, uint32_t paddr, uint32_t val, int size)
{
    paddr &= pm->a20_mask;
    if ((paddr & 0xfff) <= 0x1000u - (unsigned)size) {
        struct phys_region *r = phys_region_at(pm, paddr);
        if (!r || (r->kind == PHYS_ROM && !r->write_host))
            return;
        if (r->kind == PHYS_MMIO) {
            r->ops->write(r->opaque, paddr - r->base, val, size);
            return;
        }
        uint8_t bytes[4];
        st32le(bytes, val);
        store(pm, paddr, (r->kind == PHYS_ROM ? r->write_host : r->host) + (paddr - r->base), bytes, (uint32_t)size);
        return;
    }
    for (int i = 0; i < size; i++)
        write_byte(pm, (paddr + i) & pm->a20_mask, (uint8_t)(val >> (8 * i)));
}

void phys_read_buf(struct physmem *pm, uint32_t paddr, void *buf, size_t len)
{
    uint8_t *b = buf;
    for (size_t i = 0; i < len; i++)
        b[i] = read_byte(pm, (uint32_t)(paddr + i) & pm->a20_mask);
}

/* Page by page, so a DMA transfer over code is checked once per page run
 * rather than once per byte. */
void phys_write_buf(struct physmem *pm, uint32_t paddr, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    while (len) {
        uint32_t a = paddr & pm->a20_mask;
        size_t n = 0x1000u - (a & 0xfff);
        if (n > len) n = len;
        struct phys_region *r = phys_region_at(pm, a);
        if (r && (r->kind == PHYS_RAM || (r->kind == PHYS_ROM && r->write_host))) {
            uint8_t *host = r->kind == PHYS_RAM ? r->host : r->write_host;
            store(pm, a, host + (a - r->base), b, (uint32_t)n);
        } else {
            for (size_t i = 0; i < n; i++)
                write_byte(pm, a + (uint32_t)i, b[i]);
        }
        paddr += (uint32_t)n;
        b += n;
        len -= n;
    }
}

void phys_load(struct physmem *pm, uint32_t paddr, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) {
        uint32_t a = (uint32_t)(paddr + i);
        struct phys_region *r = phys_region_at(pm, a);
        if (r && r->kind != PHYS_MMIO)
            store(pm, a, r->host + (a - r->base), &b[i], 1);
    }
}
