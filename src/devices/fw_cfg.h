/* QEMU's firmware configuration interface (fw_cfg), x86 ports, as SeaBIOS
 * reads it: a 16-bit selector at 0x510 picks an item and rewinds it, each
 * byte read from 0x511 returns the next byte of the item (zeros past its
 * end). The DMA interface at 0x514 takes the guest-physical address of a
 * descriptor { be32 control; be32 length; be64 address } written as two
 * big-endian 32-bit halves, high at 0x514, low at 0x518 (the low write
 * starts the transfer); control bits: ERROR 0x01, READ 0x02, SKIP 0x04,
 * SELECT 0x08 (item in bits 31:16), WRITE 0x10. The device copies, then
 * stores control back as 0 (done) or ERROR. Reading 0x514.. gives the
 * signature "QEMU CFG". Items with writes are not supported (WRITE = error).
 *
 * Items: numbered keys (FW_CFG_*); values are little-endian except the
 * file directory (key 0x19): be32 count, then per file be32 size, be16
 * select, be16 reserved, char name[56]. Files get keys from 0x20 up, in
 * the order they are added. */
#ifndef RELIC_FW_CFG_H
#define RELIC_FW_CFG_H
#include <stddef.h>
#include <stdint.h>
#include "../mmu/io.h"
#include "../mmu/phys.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514

enum {
    FW_CFG_SIGNATURE = 0x00, FW_CFG_ID = 0x01, FW_CFG_UUID = 0x02, FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04, FW_CFG_NB_CPUS = 0x05, FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07, FW_CFG_KERNEL_SIZE = 0x08, FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a, FW_CFG_INITRD_SIZE = 0x0b, FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d, FW_CFG_BOOT_MENU = 0x0e, FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10, FW_CFG_KERNEL_DATA = 0x11, FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13, FW_CFG_CMDLINE_SIZE = 0x14, FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16, FW_CFG_SETUP_SIZE = 0x17, FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19, FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_ARCH_LOCAL = 0x8000,
    /* x86 arch-local items */
    FW_CFG_ACPI_TABLES = 0x8000, FW_CFG_SMBIOS_ENTRIES = 0x8001, FW_CFG_IRQ0_OVERRIDE = 0x8002,
    FW_CFG_E820_TABLE = 0x8003, FW_CFG_HPET = 0x8004,
};
enum { FW_CFG_VERSION = 1, FW_CFG_VERSION_DMA = 2 };      /* FW_CFG_ID bits */
enum { FW_CFG_DMA_ERROR = 0x01, FW_CFG_DMA_READ = 0x02, FW_CFG_DMA_SKIP = 0x04,
       FW_CFG_DMA_SELECT = 0x08, FW_CFG_DMA_WRITE = 0x10 };

#define FW_CFG_MAX_FILES 64
#define FW_CFG_MAX_NAME 56
#define FW_CFG_ENTRIES (FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)

struct fw_cfg_item {
    uint8_t *data;                 /* owned copy */
    uint32_t len;
};

struct fw_cfg {
    struct physmem *pm;
    struct fw_cfg_item item[2][FW_CFG_ENTRIES];   /* [arch-local][index] */
    uint16_t cur_key;
    uint32_t cur_off;
    uint32_t dma_addr_high;
    int nfiles;
    char file_name[FW_CFG_MAX_FILES][FW_CFG_MAX_NAME];
};

/* Claims 0x510-0x511 and 0x514-0x51b, and sets SIGNATURE ("QEMU"), ID
 * (traditional + DMA) and an empty file directory. Returns 0 or -1. */
int fw_cfg_init(struct fw_cfg *fw, struct iobus *io, struct physmem *pm);
/* Machine reset: selector back to SIGNATURE. Items are kept. */
void fw_cfg_reset(struct fw_cfg *fw);
void fw_cfg_free(struct fw_cfg *fw);

/* Set (or replace) an item; the bytes are copied. Returns 0, or -1 for a
 * key out of range or no memory. */
int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data, size_t len);
int fw_cfg_add_i16(struct fw_cfg *fw, uint16_t key, uint16_t v);
int fw_cfg_add_i32(struct fw_cfg *fw, uint16_t key, uint32_t v);
int fw_cfg_add_i64(struct fw_cfg *fw, uint16_t key, uint64_t v);
/* Adds (or replaces, by name) a file; its key is returned (>= 0x20), or -1
 * when the name is too long (55 chars max) or the directory is full. */
int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data, size_t len);
#endif
