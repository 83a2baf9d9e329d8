/* -kernel/-initrd/-append: prepares a Linux bzImage (boot protocol 2.x) the
 * way a boot loader does and hands it to relic's own option ROM
 * (roms/linuxboot.asm) through fw_cfg, so SeaBIOS runs first and then boots
 * the kernel from that ROM, as on a real PC with a network or disk loader.
 * Any other kernel is tried as Multiboot (multiboot.c, same ROM).
 * Layout as QEMU's x86 loader uses it: real-mode part at 0x10000, command
 * line at 0x20000, protected-mode part at 1 MiB, initrd at the top of the
 * RAM the kernel allows. */
#include "multiboot.h"
#include "errmsg.h"
#include "../mmu/endian.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REAL_ADDR 0x10000u
#define CMDLINE_ADDR 0x20000u
#define PROT_ADDR 0x100000u
#define LINUXBOOT_ROM "linuxboot.bin"

uint8_t *kernel_slurp(const char *path, size_t *len, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, errlen, "cannot open %s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); fail(err, errlen, "out of memory reading %s '%s'", what, path); return NULL; }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got);
    int bad = ferror(f);
    fclose(f);
    if (bad || n == 0) {
        free(buf);
        fail(err, errlen, "cannot read %s '%s' (empty or unreadable)", what, path);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The loader ROM, booted first. */
static int add_rom(struct machine *m, const uint8_t *rom, size_t rom_len)
{
    static const char order[] = "/rom@genroms/" LINUXBOOT_ROM "\n";
    if (fw_cfg_add_file(&m->fw_cfg, "genroms/" LINUXBOOT_ROM, rom, rom_len) < 0
        || fw_cfg_add_file(&m->fw_cfg, "bootorder", order, sizeof order) < 0)
        return -1;
    return 0;
}

/* Not a bzImage: a Multiboot kernel, or refused. */
static int other_kernel(struct machine *m, uint8_t *k, size_t klen, const uint8_t *rom, size_t rom_len,
                        char *err, size_t errlen)
{
    int rc = multiboot_load(m, k, klen, err, errlen);
    free(k);
    if (rc == 1)
        return fail(err, errlen, "kernel '%s' is neither a Linux bzImage nor a Multiboot kernel",
                    m->opts.kernel);
    if (rc == 0 && add_rom(m, rom, rom_len) < 0)
        return fail(err, errlen, "cannot register the loader ROM with fw_cfg");
    return rc;
}

int linux_load(struct machine *m, const uint8_t *rom, size_t rom_len, char *err, size_t errlen)
{
    const struct options *o = &m->opts;
    if (!o->kernel) {
        if (o->initrd || o->append)
            return fail(err, errlen, "-initrd and -append need -kernel");
        return 0;
    }
    size_t klen, ilen = 0;
    uint8_t *k = kernel_slurp(o->kernel, &klen, "kernel", err, errlen);
    if (!k)
        return -1;
    if (klen < 0x300 || memcmp(k + 0x202, "HdrS", 4) != 0)
        return other_kernel(m, k, klen, rom, rom_len, err, errlen);
    uint16_t proto = ld16le(k + 0x206);
    if (proto < 0x202 || !(k[0x211] & 1)) {
        free(k);
        return fail(err, errlen, "kernel '%s': boot protocol before 2.02 or not a bzImage (loaded high)", o->kernel);
    }
    unsigned setup_sects = k[0x1f1] ? k[0x1f1] : 4;
    size_t setup_len = (setup_sects + 1) * 512u;
    if (setup_len >= klen) {
        free(k);
        return fail(err, errlen, "kernel '%s' is truncated", o->kernel);
    }
    const char *cmdline = o->append ? o->append : "";
    size_t clen = strlen(cmdline) + 1;
    if (clen > 0x10000) { free(k); return fail(err, errlen, "-append: command line too long"); }

    /* the loader's part of the setup header */
    k[0x210] = 0xb0;                                  /* type_of_loader: "other" */
    k[0x211] |= 0x80;                                 /* CAN_USE_HEAP */
    st16le(k + 0x224, (uint16_t)(CMDLINE_ADDR - REAL_ADDR - 0x200));   /* heap_end_ptr */
    st32le(k + 0x228, CMDLINE_ADDR);                  /* cmd_line_ptr */
    uint8_t *initrd = NULL;
    if (o->initrd) {
        initrd = kernel_slurp(o->initrd, &ilen, "initrd", err, errlen);
        if (!initrd) { free(k); return -1; }
        uint32_t max = proto >= 0x203 ? ld32le(k + 0x22c) : 0x37ffffffu;
        uint64_t top = o->ram_size - (128u << 10);    /* leave the top for the firmware's tables */
        if (top - 1 < max) max = (uint32_t)(top - 1);
        if (ilen > max - PROT_ADDR - (klen - setup_len)) {
            free(k); free(initrd);
            return fail(err, errlen, "initrd '%s' does not fit in guest RAM (raise -m)", o->initrd);
        }
        uint32_t addr = (uint32_t)((max - ilen) & ~(uint64_t)4095);
        st32le(k + 0x218, addr);                      /* ramdisk_image */
        st32le(k + 0x21c, (uint32_t)ilen);            /* ramdisk_size */
        fw_cfg_add_i32(&m->fw_cfg, FW_CFG_INITRD_ADDR, addr);
        fw_cfg_add_i32(&m->fw_cfg, FW_CFG_INITRD_SIZE, (uint32_t)ilen);
        fw_cfg_add_bytes(&m->fw_cfg, FW_CFG_INITRD_DATA, initrd, ilen);
    }
    fw_cfg_add_i32(&m->fw_cfg, FW_CFG_SETUP_ADDR, REAL_ADDR);
    fw_cfg_add_i32(&m->fw_cfg, FW_CFG_SETUP_SIZE, (uint32_t)setup_len);
    fw_cfg_add_bytes(&m->fw_cfg, FW_CFG_SETUP_DATA, k, setup_len);
    fw_cfg_add_i32(&m->fw_cfg, FW_CFG_KERNEL_ADDR, PROT_ADDR);
    fw_cfg_add_i32(&m->fw_cfg, FW_CFG_KERNEL_SIZE, (uint32_t)(klen - setup_len));
    fw_cfg_add_bytes(&m->fw_cfg, FW_CFG_KERNEL_DATA, k + setup_len, klen - setup_len);
    fw_cfg_add_i32(&m->fw_cfg, FW_CFG_CMDLINE_ADDR, CMDLINE_ADDR);
    fw_cfg_add_i32(&m->fw_cfg, FW_CFG_CMDLINE_SIZE, (uint32_t)clen);
    fw_cfg_add_bytes(&m->fw_cfg, FW_CFG_CMDLINE_DATA, cmdline, clen);
    free(k);
    free(initrd);
    return add_rom(m, rom, rom_len) < 0
        ? fail(err, errlen, "cannot register the loader ROM with fw_cfg") : 0;
}
