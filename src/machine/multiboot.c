/* Multiboot (v1, specification 0.6.96) kernels for -kernel. The image is
 * laid out here as one blob, from its lowest load address through its bss
 * with the modules after it, and handed to the loader ROM
 * (roms/linuxboot.asm) through fw_cfg together with a second blob below
 * 1 MiB: the information structure, module list and strings. The ROM fills
 * in mem_lower, mem_upper and the memory map from the BIOS (INT 12h, INT
 * 15h E820), so they show what SeaBIOS keeps for itself, not just the RAM
 * size; then it enters 32-bit protected mode and jumps to the entry.
 *
 * fw_cfg: KERNEL_ADDR/SIZE/DATA the image blob, KERNEL_ENTRY the entry
 * (non-zero selects the ROM's Multiboot path), INITRD_ADDR/SIZE/DATA the
 * information blob (INITRD_ADDR is where the kernel's EBX points).
 *
 * Conventions taken from QEMU so a kernel sees the same on both: the
 * command line is the kernel's file name, a space, then -append (even when
 * empty); -initrd is a comma-separated list of "file args" whose whole text
 * is the module's string (no ",," escape for commas). */
#include "multiboot.h"
#include "../mmu/endian.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB_MAGIC 0x1badb002u
#define MB_SEARCH 8192u             /* the header lies in the file's first 8 KiB */
#define MB_AOUT_KLUDGE (1u << 16)
/* Requirement bits honoured: 0 page-aligned modules and 1 memory figures
 * always; 2 (video mode) is a request: like QEMU we boot in text mode and
 * the kernel sees no VBE/framebuffer flag in the information structure. */
#define MB_HONOURED 0x7u
#define LOW_LIMIT 0x100000u         /* below 1 MiB is the BIOS's, busy while the ROM runs */
#define FW_TOP (128u << 10)         /* SeaBIOS's tables at the top of RAM (e820 reserved) */
#define PAGE 4096u
#define MAX_SEGS 16
#define MAX_MODS 64

#define MBI_ADDR 0x10000u           /* 16-byte aligned, below 1 MiB, as the ROM needs */
#define MBI_ROOM 0x10000u
#define MBI_SIZE 88u
#define MBI_MMAP_ROOM 1024u         /* ~40 E820 entries; SeaBIOS reports a handful */

enum { MBI_F_MEM = 1 << 0, MBI_F_CMDLINE = 1 << 2, MBI_F_MODS = 1 << 3,
       MBI_F_MMAP = 1 << 6, MBI_F_LOADER = 1 << 9 };
enum { MBI_FLAGS = 0, MBI_MEM_LOWER = 4, MBI_MEM_UPPER = 8, MBI_CMDLINE = 16,
       MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24, MBI_MMAP_ADDR = 48, MBI_LOADER_NAME = 64 };

struct mb_seg { uint32_t addr, filesz, memsz; size_t off; };
struct module { uint8_t *data; size_t len; char *spec; uint32_t addr; };

struct image {
    const char *path;
    const uint8_t *k;
    size_t klen;
    struct mb_seg seg[MAX_SEGS];
    int nseg;
    uint32_t entry;
    uint32_t low, high, top;        /* load range; end of the RAM we may fill */
    struct module mod[MAX_MODS];
    int nmod;
    uint32_t end;                   /* of the modules */
    char *err;
    size_t errlen;
};

struct mbi { uint8_t b[MBI_ROOM]; uint32_t used; };

static int bad(struct image *im, const char *fmt, ...)
{
    int n = snprintf(im->err, im->errlen, "kernel '%s': ", im->path);
    if (n < 0 || (size_t)n >= im->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(im->err + n, im->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Offset of the first header with a valid checksum, or -1; *bad_sum says
 * whether a magic with a wrong checksum was met on the way. */
static long find_header(const uint8_t *k, size_t klen, int *bad_sum)
{
    size_t end = klen < MB_SEARCH ? klen : MB_SEARCH;
    *bad_sum = 0;
    for (size_t off = 0; off + 12 <= end; off += 4) {
        if (ld32le(k + off) != MB_MAGIC)
            continue;
        if ((uint32_t)(MB_MAGIC + ld32le(k + off + 4) + ld32le(k + off + 8)) == 0)
            return (long)off;
        *bad_sum = 1;
    }
    return -1;
}

static int add_seg(struct image *im, size_t off, uint32_t addr, uint32_t filesz, uint32_t memsz)
{
    if (filesz > memsz)
        return bad(im, "segment at 0x%x has more file bytes than memory bytes", addr);
    if (off > im->klen || filesz > im->klen - off)
        return bad(im, "truncated (segment at 0x%x runs past the end of the file)", addr);
    if (im->nseg == MAX_SEGS)
        return bad(im, "more than %d loadable segments", MAX_SEGS);
    im->seg[im->nseg++] = (struct mb_seg){ addr, filesz, memsz, off };
    return 0;
}

/* Flag 16: the header's own address fields say where the file goes. */
static int aout_segments(struct image *im, size_t hoff)
{
    if (hoff + 32 > im->klen)
        return bad(im, "truncated Multiboot header");
    const uint8_t *h = im->k + hoff;
    uint32_t header_addr = ld32le(h + 12), load_addr = ld32le(h + 16);
    uint32_t load_end = ld32le(h + 20), bss_end = ld32le(h + 24);
    im->entry = ld32le(h + 28);
    if (header_addr < load_addr || header_addr - load_addr > hoff)
        return bad(im, "Multiboot load_addr lies before the start of the file");
    size_t off = hoff - (header_addr - load_addr);
    if (load_end && load_end < load_addr)
        return bad(im, "Multiboot load_end_addr below load_addr");
    uint64_t filesz = load_end ? load_end - load_addr : im->klen - off;
    if (filesz > UINT32_MAX)
        return bad(im, "image too large");
    if (bss_end && bss_end < load_addr + filesz)
        return bad(im, "Multiboot bss_end_addr below the end of the loaded image");
    uint32_t memsz = bss_end ? bss_end - load_addr : (uint32_t)filesz;
    return add_seg(im, off, load_addr, (uint32_t)filesz, memsz);
}

/* Without flag 16 the image must be ELF32: its PT_LOAD segments go to
 * their physical addresses. An entry given as a virtual address inside a
 * segment is moved to that segment's physical address, since paging is off. */
static int elf_segments(struct image *im)
{
    const uint8_t *k = im->k;
    if (im->klen < 52 || memcmp(k, "\177ELF", 4) != 0)
        return bad(im, "neither ELF nor Multiboot address fields (header flag 16)");
    if (k[4] == 2)
        return bad(im, "64-bit ELF; Multiboot needs an ELF32 i386 image");
    if (k[4] != 1 || k[5] != 1 || ld16le(k + 16) != 2 || ld16le(k + 18) != 3)
        return bad(im, "not a little-endian ELF32 i386 executable");
    uint32_t phoff = ld32le(k + 28), entry = ld32le(k + 24);
    uint16_t phentsize = ld16le(k + 42), phnum = ld16le(k + 44);
    if (phentsize < 32 || (uint64_t)phoff + (uint64_t)phnum * phentsize > im->klen)
        return bad(im, "truncated (program headers past the end of the file)");
    im->entry = entry;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = k + phoff + (size_t)i * phentsize;
        uint32_t vaddr = ld32le(ph + 8), paddr = ld32le(ph + 12), memsz = ld32le(ph + 20);
        if (ld32le(ph) != 1 || memsz == 0)             /* PT_LOAD only */
            continue;
        if (add_seg(im, ld32le(ph + 4), paddr, ld32le(ph + 16), memsz) < 0)
            return -1;
        if (entry - vaddr < memsz)
            im->entry = paddr + (entry - vaddr);
    }
    if (im->nseg == 0)
        return bad(im, "ELF image has no loadable segment");
    return 0;
}

/* Every segment in [1 MiB, top); the entry inside the image. */
static int place(struct image *im)
{
    im->low = UINT32_MAX;
    im->high = 0;
    for (int i = 0; i < im->nseg; i++) {
        const struct mb_seg *s = &im->seg[i];
        uint64_t end = (uint64_t)s->addr + s->memsz;
        if (s->addr < LOW_LIMIT || end > im->top)
            return bad(im, "segment 0x%x-0x%llx lies outside the usable RAM 0x%x-0x%x (relic loads "
                       "Multiboot images from 1 MiB; raise -m?)", s->addr, (unsigned long long)end - 1,
                       LOW_LIMIT, im->top - 1);
        if (s->addr < im->low)
            im->low = s->addr;
        if (end > im->high)
            im->high = (uint32_t)end;
    }
    if (im->entry < im->low || im->entry >= im->high)
        return bad(im, "entry point 0x%x lies outside the loaded image", im->entry);
    return 0;
}

static uint32_t page_up(uint64_t a) { return (uint32_t)((a + PAGE - 1) & ~(uint64_t)(PAGE - 1)); }

/* One "file args" entry of -initrd: read and placed at the next page. */
static int load_module(struct image *im, const char *spec, size_t len)
{
    struct module *md = &im->mod[im->nmod];
    size_t namelen = strcspn(spec, " ");
    if (namelen > len)
        namelen = len;
    if (namelen == 0)
        return bad(im, "-initrd: empty module file name");
    if (im->nmod == MAX_MODS)
        return bad(im, "-initrd: more than %d modules", MAX_MODS);
    char *name = strndup(spec, namelen);
    md->spec = strndup(spec, len);
    if (!name || !md->spec) {
        free(name);
        free(md->spec);
        return bad(im, "out of memory");
    }
    md->data = kernel_slurp(name, &md->len, "module", im->err, im->errlen);
    free(name);
    if (!md->data) {
        free(md->spec);
        return -1;
    }
    im->nmod++;
    md->addr = im->end;
    if ((uint64_t)md->addr + md->len > im->top)
        return bad(im, "modules do not fit in guest RAM (raise -m)");
    im->end = page_up((uint64_t)md->addr + md->len);
    return 0;
}

static int load_modules(struct image *im, const char *list)
{
    im->end = page_up(im->high);
    while (list) {
        const char *comma = strchr(list, ',');
        size_t len = comma ? (size_t)(comma - list) : strlen(list);
        if (load_module(im, list, len) < 0)
            return -1;
        list = comma ? comma + 1 : NULL;
    }
    return 0;
}

static void free_modules(struct image *im)
{
    for (int i = 0; i < im->nmod; i++) {
        free(im->mod[i].data);
        free(im->mod[i].spec);
    }
}

/* The image blob: segments, zeroed bss and gaps, then the modules. */
static uint8_t *image_blob(const struct image *im)
{
    uint8_t *b = calloc(1, im->end - im->low);
    if (!b)
        return NULL;
    for (int i = 0; i < im->nseg; i++)
        memcpy(b + (im->seg[i].addr - im->low), im->k + im->seg[i].off, im->seg[i].filesz);
    for (int i = 0; i < im->nmod; i++)
        memcpy(b + (im->mod[i].addr - im->low), im->mod[i].data, im->mod[i].len);
    return b;
}

/* Appends n bytes to the information blob (16-byte aligned); returns
 * their guest address, 0 when the blob is full. */
static uint32_t mbi_put(struct mbi *i, const void *p, size_t n)
{
    uint32_t at = (i->used + 15) & ~15u;
    if (n > MBI_ROOM - MBI_MMAP_ROOM || at > MBI_ROOM - MBI_MMAP_ROOM - n)
        return 0;
    memcpy(i->b + at, p, n);
    i->used = at + (uint32_t)n;
    return MBI_ADDR + at;
}

static uint32_t mbi_cmdline(struct mbi *i, const char *path, const char *append)
{
    size_t n = strlen(path) + 1 + strlen(append) + 1;
    char *s = malloc(n);
    if (!s)
        return 0;
    snprintf(s, n, "%s %s", path, append);
    uint32_t at = mbi_put(i, s, n);
    free(s);
    return at;
}

/* Module list: start, end (exclusive, as QEMU and GRUB give it), string. */
static int mbi_modules(struct image *im, struct mbi *i)
{
    uint8_t list[MAX_MODS * 16] = { 0 };
    uint32_t at = mbi_put(i, list, (size_t)im->nmod * 16);
    if (!at)
        return bad(im, "-initrd: too many modules");
    st32le(i->b + MBI_MODS_COUNT, (uint32_t)im->nmod);
    st32le(i->b + MBI_MODS_ADDR, at);
    for (int n = 0; n < im->nmod; n++) {
        uint8_t *e = i->b + (at - MBI_ADDR) + n * 16;
        uint32_t str = mbi_put(i, im->mod[n].spec, strlen(im->mod[n].spec) + 1);
        if (!str)
            return bad(im, "-initrd: module strings too long");
        st32le(e, im->mod[n].addr);
        st32le(e + 4, im->mod[n].addr + (uint32_t)im->mod[n].len);
        st32le(e + 8, str);
    }
    return 0;
}

/* The structure, strings and module list; the ROM adds the BIOS's memory
 * figures and map into the room left at the end (mem_lower and mem_upper
 * here are what the RAM size gives, should the BIOS calls fail). */
static int build_mbi(struct image *im, struct mbi *i, const char *append, uint64_t ram)
{
    static const char loader[] = "relic";
    i->used = MBI_SIZE;
    uint32_t cmdline = mbi_cmdline(i, im->path, append ? append : "");
    uint32_t name = mbi_put(i, loader, sizeof loader);
    if (!cmdline || !name)
        return bad(im, "-append: command line too long");
    if (mbi_modules(im, i) < 0)
        return -1;
    uint32_t mmap = (i->used + 15) & ~15u;
    i->used = mmap + MBI_MMAP_ROOM;
    uint8_t *h = i->b;
    st32le(h + MBI_FLAGS, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS | MBI_F_MMAP | MBI_F_LOADER);
    st32le(h + MBI_MEM_LOWER, 640);
    st32le(h + MBI_MEM_UPPER, (uint32_t)((ram - LOW_LIMIT) >> 10));
    st32le(h + MBI_CMDLINE, cmdline);
    st32le(h + MBI_MMAP_ADDR, MBI_ADDR + mmap);
    st32le(h + MBI_LOADER_NAME, name);
    return 0;
}

static int hand_over(struct machine *m, struct image *im, const struct mbi *i)
{
    uint8_t *blob = image_blob(im);
    if (!blob)
        return bad(im, "out of memory");
    struct fw_cfg *fw = &m->fw_cfg;
    int rc = fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, im->low)
           | fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, im->end - im->low)
           | fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, blob, im->end - im->low)
           | fw_cfg_add_i32(fw, FW_CFG_KERNEL_ENTRY, im->entry)
           | fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, MBI_ADDR)
           | fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, i->used)
           | fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, i->b, i->used);
    free(blob);
    return rc ? bad(im, "out of memory") : 0;
}

static int load(struct machine *m, struct image *im, size_t hoff)
{
    uint32_t flags = ld32le(im->k + hoff + 4);
    if (flags & 0xffffu & ~MB_HONOURED)
        return bad(im, "Multiboot header requires features relic lacks (flags 0x%x)",
                   flags & 0xffffu & ~MB_HONOURED);
    uint64_t ram = m->opts.ram_size;
    im->top = ram > UINT32_MAX ? UINT32_MAX - FW_TOP : (uint32_t)(ram - FW_TOP);
    int rc = (flags & MB_AOUT_KLUDGE) ? aout_segments(im, hoff) : elf_segments(im);
    if (rc < 0 || place(im) < 0 || load_modules(im, m->opts.initrd) < 0)
        return -1;
    struct mbi *i = calloc(1, sizeof *i);
    if (!i)
        return bad(im, "out of memory");
    rc = build_mbi(im, i, m->opts.append, ram);
    if (rc == 0)
        rc = hand_over(m, im, i);
    free(i);
    return rc;
}

int multiboot_load(struct machine *m, const uint8_t *k, size_t klen, char *err, size_t errlen)
{
    struct image *im = calloc(1, sizeof *im);
    if (!im) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *im = (struct image){ .path = m->opts.kernel, .k = k, .klen = klen, .err = err, .errlen = errlen };
    int bad_sum, rc;
    long hoff = find_header(k, klen, &bad_sum);
    if (hoff < 0)
        rc = bad_sum ? bad(im, "Multiboot header with a bad checksum") : 1;
    else
        rc = load(m, im, (size_t)hoff);
    free_modules(im);
    free(im);
    return rc;
}
