/* IDE (ATA/ATAPI) channel with a master and a slave device, and the PIIX3
 * IDE function's bus-master DMA engine.
 *
 * A channel owns its command block (base..base+7) and control block
 * (ctl: alternate status / device control) ports and one IRQ line.
 * Devices: ATA hard disks on struct disk images, ATAPI CD-ROMs on ISO images.
 * Commands complete at once (no seek/rotation timing): a command that moves
 * data raises DRQ straight away; interrupts follow the ATA protocol.
 *
 * Bus master (struct ide_bm): the 16-byte I/O block at the PIIX3 IDE
 * function's BAR4 (offset 0: primary, 8: secondary; +0 command, +2 status,
 * +4 PRD table address). The PCI function code registers it and forwards
 * accesses as ide_bm_read/ide_bm_write(offset within the block). */
#ifndef RELIC_IDE_H
#define RELIC_IDE_H
#include <stddef.h>
#include <stdint.h>
#include "../mmu/io.h"
#include "../mmu/phys.h"
#include "disk.h"
#include "irq.h"

#define IDE_PRIMARY_BASE 0x1f0
#define IDE_PRIMARY_CTL 0x3f6
#define IDE_PRIMARY_IRQ 14
#define IDE_SECONDARY_BASE 0x170
#define IDE_SECONDARY_CTL 0x376
#define IDE_SECONDARY_IRQ 15

enum ide_kind { IDE_NONE, IDE_ATA, IDE_ATAPI };

#define IDE_BUF_SIZE (256 * 512)    /* one transfer chunk: 128 KiB */

struct ide_bm;
struct ide_channel;

struct ide_drive {
    enum ide_kind kind;
    struct disk *disk;              /* NULL: ATAPI drive with no medium */
    struct ide_channel *ch;
    int unit;
    /* Task file. hob_* hold the previous write (LBA48 high bytes). */
    uint8_t feature, nsector, sector, lcyl, hcyl, select;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t status, error;
    int irq_pending;
    /* ATA geometry: default (IDENTIFY words 1/3/6) and current translation */
    uint32_t cyls, heads, secs;
    uint32_t cur_cyls, cur_heads, cur_secs;
    uint64_t sectors;               /* capacity in 512-byte sectors */
    unsigned mult_sectors;          /* READ/WRITE MULTIPLE block, 0 = disabled */
    uint8_t xfer_mode;              /* SET FEATURES 03h value */
    int write_cache;
    char serial[21], firmware[9], model[41];
    /* Transfer state */
    int xfer;                       /* IDE_X_* */
    int dma;                        /* the data phase goes through the bus master */
    int lba48;
    uint64_t lba;                   /* next sector (ATA 512, ATAPI 2048) */
    uint32_t count_left;            /* sectors still to move into/out of buf */
    uint32_t block_sectors;         /* PIO DRQ block for ATA */
    uint32_t xfer_left;             /* ATAPI: bytes still to transfer */
    uint32_t block_left;            /* ATAPI PIO: bytes left in this DRQ block */
    uint32_t bcl;                   /* ATAPI PIO byte count limit (from PACKET) */
    uint32_t buf_pos, buf_len;
    uint8_t *buf;                   /* IDE_BUF_SIZE */
    /* ATAPI */
    uint8_t sense_key, asc, ascq;
    int unit_attention;
    int media_event;                /* GET EVENT STATUS: new medium to report */
    int locked;
};

struct ide_channel {
    struct ide_drive drive[2];
    int cur;                        /* selected unit */
    uint8_t devctl;                 /* device control register */
    struct irq_line irq;
    int irq_level;
    struct ide_bm *bm;              /* set by ide_bm_init; NULL without PCI */
    int bm_index;                   /* 0 primary, 1 secondary */
    const char *name;
    uint16_t base;                  /* command block port */
};

struct ide_bm_channel {
    uint8_t cmd, status;
    uint32_t prdt;
};

struct ide_bm {
    struct ide_bm_channel c[2];
    struct ide_channel *ch[2];
    struct physmem *pm;
};

/* Claims base..base+7 and ctl on bus; irq is the line the channel drives.
 * Returns 0, or -1 if a port is taken or memory runs out. */
int ide_init(struct ide_channel *ch, struct iobus *bus, uint16_t base, uint16_t ctl,
             struct irq_line irq, const char *name);
void ide_free(struct ide_channel *ch);
/* Puts a device on unit 0 (master) or 1 (slave). kind IDE_ATA needs a disk
 * opened with DISK_MEDIA_HD; IDE_ATAPI takes a DISK_MEDIA_CDROM disk or NULL
 * (empty drive). The channel does not own the disk. Returns 0, or -1 with a
 * message in err. Call before ide_reset. */
int ide_attach(struct ide_channel *ch, int unit, enum ide_kind kind, struct disk *disk,
               char *err, size_t errlen);
/* Hardware reset (power on / machine reset): signatures, status, geometry. */
void ide_reset(struct ide_channel *ch);
/* ATAPI: the medium changed (disk may be NULL: ejected). Sets unit attention. */
void ide_cd_change(struct ide_channel *ch, int unit, struct disk *disk);

/* Port handlers (also usable directly by tests or other buses). */
uint32_t ide_cmd_read(void *opaque, uint16_t port, int size);
void ide_cmd_write(void *opaque, uint16_t port, uint32_t val, int size);
uint32_t ide_ctl_read(void *opaque, uint16_t port, int size);
void ide_ctl_write(void *opaque, uint16_t port, uint32_t val, int size);

/* Bus master: pri/sec may be NULL. */
void ide_bm_init(struct ide_bm *bm, struct physmem *pm, struct ide_channel *pri,
                 struct ide_channel *sec);
void ide_bm_reset(struct ide_bm *bm);
/* offset 0..15 within the BAR4 block; size 1, 2 or 4. */
uint32_t ide_bm_read(struct ide_bm *bm, uint32_t offset, int size);
void ide_bm_write(struct ide_bm *bm, uint32_t offset, uint32_t val, int size);
#endif
