/* IDE channel: ATA disks and ATAPI CD-ROMs, and the PIIX3 bus-master DMA
 * engine (see ide.h). Register and command semantics follow ATA/ATAPI-6
 * (T13/1410D), MMC-3 for the packet commands, and the PIIX3 datasheet
 * (order 290550) for the bus master. */
#include "ide.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Status register */
enum { ST_ERR = 0x01, ST_DRQ = 0x08, ST_DSC = 0x10, ST_DF = 0x20, ST_DRDY = 0x40, ST_BSY = 0x80 };
/* Error register */
enum { ER_AMNF = 0x01, ER_ABRT = 0x04, ER_IDNF = 0x10, ER_UNC = 0x40 };
/* Device control register */
enum { DC_NIEN = 0x02, DC_SRST = 0x04, DC_HOB = 0x80 };
/* Device/head register */
enum { SEL_LBA = 0x40, SEL_DEV = 0x10 };
/* ATAPI interrupt reason (sector count register) */
enum { IR_COD = 0x01, IR_IO = 0x02 };
/* Transfer kinds */
enum { X_NONE, X_ATA_IN, X_ATA_OUT, X_PACKET, X_ATAPI_IN };
/* SCSI sense keys */
enum { SK_NOT_READY = 2, SK_MEDIUM_ERROR = 3, SK_ILLEGAL_REQUEST = 5, SK_UNIT_ATTENTION = 6 };
/* Bus master */
enum { BM_CMD_START = 0x01, BM_CMD_TOMEM = 0x08 };
enum { BM_ST_ACTIVE = 0x01, BM_ST_ERROR = 0x02, BM_ST_INTR = 0x04, BM_ST_CAP = 0x60 };

#define ATA_MAX_MULT 16
#define CD_BLOCK 2048u

static void bm_run(struct ide_bm *bm, int idx);

/* ---- interrupts -------------------------------------------------------------- */

static void update_irq(struct ide_channel *ch)
{
    int level = ch->drive[ch->cur].irq_pending && !(ch->devctl & DC_NIEN);
    if (level != ch->irq_level) {
        ch->irq_level = level;
        irq_set(&ch->irq, level);
    }
}

static void raise_irq(struct ide_drive *d)
{
    struct ide_channel *ch = d->ch;
    d->irq_pending = 1;
    if (ch->bm)
        ch->bm->c[ch->bm_index].status |= BM_ST_INTR;
    update_irq(ch);
}

/* ---- helpers ------------------------------------------------------------------ */

static void set_signature(struct ide_drive *d)
{
    d->nsector = 1;
    d->sector = 1;
    if (d->kind == IDE_ATAPI) {
        d->lcyl = 0x14;
        d->hcyl = 0xeb;
    } else {
        d->lcyl = 0;
        d->hcyl = 0;
    }
    d->select &= SEL_DEV;
    d->select |= 0xa0;
}

static void end_xfer(struct ide_drive *d)
{
    d->xfer = X_NONE;
    d->dma = 0;
    d->buf_pos = d->buf_len = 0;
    d->count_left = d->xfer_left = d->block_left = 0;
}

static void cmd_ok(struct ide_drive *d)
{
    end_xfer(d);
    d->status = ST_DRDY | ST_DSC;
    raise_irq(d);
}

static void cmd_error(struct ide_drive *d, uint8_t err)
{
    end_xfer(d);
    d->error = err;
    d->status = ST_DRDY | ST_DSC | ST_ERR;
    raise_irq(d);
}

static void cmd_abort(struct ide_drive *d)
{
    if (d->kind == IDE_ATAPI)
        set_signature(d);
    cmd_error(d, ER_ABRT);
}

static void put_word(uint8_t *b, int w, uint16_t v)
{
    b[2 * w] = (uint8_t)v;
    b[2 * w + 1] = (uint8_t)(v >> 8);
}

/* ATA strings: two characters a word, the first in the high byte, space-padded. */
static void put_string(uint8_t *b, int w, int words, const char *s)
{
    size_t n = strlen(s);
    for (int i = 0; i < words * 2; i++) {
        char c = (size_t)i < n ? s[i] : ' ';
        b[2 * w + (i ^ 1)] = (uint8_t)c;
    }
}

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_padded(uint8_t *p, size_t n, const char *s)
{
    size_t l = strlen(s);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i < l ? s[i] : ' ');
}

/* ---- ATA: IDENTIFY ------------------------------------------------------------- */

static void ata_identify(struct ide_drive *d)
{
    uint8_t *b = d->buf;
    memset(b, 0, 512);
    uint64_t n = d->sectors;
    uint32_t lba28 = n > 0x0fffffff ? 0x0fffffff : (uint32_t)n;
    uint64_t cur_cap = (uint64_t)d->cur_cyls * d->cur_heads * d->cur_secs;
    if (cur_cap > 0xffffffffu)
        cur_cap = 0xffffffffu;

    put_word(b, 0, 0x0040);                         /* fixed device */
    put_word(b, 1, (uint16_t)d->cyls);
    put_word(b, 3, (uint16_t)d->heads);
    put_word(b, 4, (uint16_t)(512 * d->secs));      /* obsolete, as old drives had */
    put_word(b, 5, 512);
    put_word(b, 6, (uint16_t)d->secs);
    put_string(b, 10, 10, d->serial);
    put_word(b, 20, 3);                             /* buffer type (obsolete) */
    put_word(b, 21, 512);                           /* buffer size (obsolete) */
    put_string(b, 23, 4, d->firmware);
    put_string(b, 27, 20, d->model);
    put_word(b, 47, 0x8000 | ATA_MAX_MULT);
    put_word(b, 48, 1);                             /* dword I/O (obsolete) */
    put_word(b, 49, 0x0b00);                        /* IORDY, LBA, DMA */
    put_word(b, 50, 0x4000);
    put_word(b, 51, 0x0200);                        /* PIO timing mode 2 */
    put_word(b, 52, 0x0200);
    put_word(b, 53, 0x0007);                        /* words 54-58, 64-70, 88 valid */
    put_word(b, 54, (uint16_t)d->cur_cyls);
    put_word(b, 55, (uint16_t)d->cur_heads);
    put_word(b, 56, (uint16_t)d->cur_secs);
    put_word(b, 57, (uint16_t)cur_cap);
    put_word(b, 58, (uint16_t)(cur_cap >> 16));
    put_word(b, 59, d->mult_sectors ? (uint16_t)(0x100 | d->mult_sectors) : 0);
    put_word(b, 60, (uint16_t)lba28);
    put_word(b, 61, (uint16_t)(lba28 >> 16));
    uint16_t mw = 0x0007, udma = 0x003f;
    if ((d->xfer_mode & 0xf8) == 0x20)
        mw |= (uint16_t)(0x100 << (d->xfer_mode & 7));
    if ((d->xfer_mode & 0xf8) == 0x40)
        udma |= (uint16_t)(0x100 << (d->xfer_mode & 7));
    put_word(b, 63, mw);
    put_word(b, 64, 0x0003);                        /* PIO 3 and 4 */
    put_word(b, 65, 120);
    put_word(b, 66, 120);
    put_word(b, 67, 120);
    put_word(b, 68, 120);
    put_word(b, 80, 0x007e);                        /* ATA-1 .. ATA-6 */
    put_word(b, 81, 0x0019);                        /* ATA/ATAPI-6 T13 1410D rev 3a */
    put_word(b, 82, 0x4020);                        /* write cache supported */
    put_word(b, 83, 0x7400);                        /* LBA48, FLUSH CACHE, FLUSH CACHE EXT */
    put_word(b, 84, 0x4000);
    put_word(b, 85, (uint16_t)(0x4000 | (d->write_cache ? 0x20 : 0)));
    put_word(b, 86, 0x3400);
    put_word(b, 87, 0x4000);
    put_word(b, 88, udma);
    put_word(b, 93, (uint16_t)(d->unit ? 0x4b00 : 0x407f));   /* reset results, 80-wire cable */
    put_word(b, 100, (uint16_t)n);
    put_word(b, 101, (uint16_t)(n >> 16));
    put_word(b, 102, (uint16_t)(n >> 32));
    put_word(b, 103, (uint16_t)(n >> 48));
}

static void atapi_identify(struct ide_drive *d)
{
    uint8_t *b = d->buf;
    memset(b, 0, 512);
    put_word(b, 0, 0x85c0);         /* ATAPI, CD-ROM, removable, 50 us DRQ, 12-byte packets */
    put_string(b, 10, 10, d->serial);
    put_string(b, 23, 4, d->firmware);
    put_string(b, 27, 20, d->model);
    put_word(b, 49, 0x0b00);        /* IORDY, LBA, DMA */
    put_word(b, 50, 0x4000);
    put_word(b, 53, 0x0007);
    uint16_t mw = 0x0007, udma = 0x003f;
    if ((d->xfer_mode & 0xf8) == 0x20)
        mw |= (uint16_t)(0x100 << (d->xfer_mode & 7));
    if ((d->xfer_mode & 0xf8) == 0x40)
        udma |= (uint16_t)(0x100 << (d->xfer_mode & 7));
    put_word(b, 63, mw);
    put_word(b, 64, 0x0003);
    put_word(b, 65, 120);
    put_word(b, 66, 120);
    put_word(b, 67, 120);
    put_word(b, 68, 120);
    put_word(b, 71, 30);
    put_word(b, 72, 30);
    put_word(b, 80, 0x001e);        /* ATA/ATAPI-1 .. 4 */
    put_word(b, 82, 0x4014);        /* PACKET, removable media */
    put_word(b, 83, 0x4000);
    put_word(b, 84, 0x4000);
    put_word(b, 85, 0x4014);
    put_word(b, 86, 0x0000);
    put_word(b, 87, 0x4000);
    put_word(b, 88, udma);
    put_word(b, 93, (uint16_t)(d->unit ? 0x4b00 : 0x407f));
}

/* Starts a one-block PIO data-in of a prepared 512-byte buffer. */
static void pio_in_buffer(struct ide_drive *d)
{
    d->xfer = X_ATA_IN;
    d->dma = 0;
    d->buf_pos = 0;
    d->buf_len = 512;
    d->count_left = 0;
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
    raise_irq(d);
}

/* ---- ATA: data transfer ------------------------------------------------------ */

/* Reads up to max sectors into buf. 0, or -1 after failing the command. */
static int ata_fill(struct ide_drive *d, uint32_t max)
{
    uint32_t n = d->count_left < max ? d->count_left : max;
    if (disk_read(d->disk, d->lba * 512, d->buf, (size_t)n * 512) < 0) {
        cmd_error(d, ER_UNC | ER_ABRT);
        return -1;
    }
    d->lba += n;
    d->count_left -= n;
    d->buf_pos = 0;
    d->buf_len = n * 512;
    return 0;
}

static void ata_prepare_out(struct ide_drive *d, uint32_t max)
{
    uint32_t n = d->count_left < max ? d->count_left : max;
    d->buf_pos = 0;
    d->buf_len = n * 512;
}

/* Writes the full buffer out. 0, or -1 after failing the command. */
static int ata_flush_buf(struct ide_drive *d)
{
    uint32_t n = d->buf_len / 512;
    if (disk_write(d->disk, d->lba * 512, d->buf, (size_t)n * 512) < 0) {
        cmd_error(d, ER_ABRT);
        return -1;
    }
    d->lba += n;
    d->count_left -= n;
    return 0;
}

/* The task file after a transfer ends names the last sector moved. */
static void ata_set_last_sector(struct ide_drive *d)
{
    uint64_t last = d->lba ? d->lba - 1 : 0;
    if (d->lba48) {
        d->sector = (uint8_t)last;
        d->lcyl = (uint8_t)(last >> 8);
        d->hcyl = (uint8_t)(last >> 16);
        d->hob_sector = (uint8_t)(last >> 24);
        d->hob_lcyl = (uint8_t)(last >> 32);
        d->hob_hcyl = (uint8_t)(last >> 40);
    } else if (d->select & SEL_LBA) {
        d->sector = (uint8_t)last;
        d->lcyl = (uint8_t)(last >> 8);
        d->hcyl = (uint8_t)(last >> 16);
        d->select = (uint8_t)((d->select & 0xf0) | ((last >> 24) & 0x0f));
    } else if (d->cur_heads && d->cur_secs) {
        uint32_t cyl = (uint32_t)(last / (d->cur_heads * d->cur_secs));
        uint32_t rem = (uint32_t)(last % (d->cur_heads * d->cur_secs));
        d->sector = (uint8_t)(rem % d->cur_secs + 1);
        d->lcyl = (uint8_t)cyl;
        d->hcyl = (uint8_t)(cyl >> 8);
        d->select = (uint8_t)((d->select & 0xf0) | ((rem / d->cur_secs) & 0x0f));
    }
}

static void ata_done(struct ide_drive *d)
{
    ata_set_last_sector(d);
    cmd_ok(d);
}

/* Decodes the address and count of a read/write command.
 * Returns 0, or -1 after failing the command. */
static int ata_decode(struct ide_drive *d, int ext, uint64_t *lba, uint32_t *count)
{
    if (ext) {
        *count = (uint32_t)d->nsector | (uint32_t)d->hob_nsector << 8;
        if (!*count)
            *count = 65536;
        *lba = (uint64_t)d->sector | (uint64_t)d->lcyl << 8 | (uint64_t)d->hcyl << 16 |
               (uint64_t)d->hob_sector << 24 | (uint64_t)d->hob_lcyl << 32 |
               (uint64_t)d->hob_hcyl << 40;
    } else {
        *count = d->nsector ? d->nsector : 256;
        if (d->select & SEL_LBA) {
            *lba = (uint64_t)d->sector | (uint64_t)d->lcyl << 8 | (uint64_t)d->hcyl << 16 |
                   (uint64_t)(d->select & 0x0f) << 24;
        } else {
            uint32_t cyl = d->lcyl | (uint32_t)d->hcyl << 8;
            uint32_t head = d->select & 0x0f;
            if (!d->sector || d->sector > d->cur_secs || head >= d->cur_heads ||
                cyl >= d->cur_cyls) {
                cmd_error(d, ER_IDNF | ER_ABRT);
                return -1;
            }
            *lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_secs + d->sector - 1;
        }
    }
    if (*lba > d->sectors || *count > d->sectors - *lba) {
        cmd_error(d, ER_IDNF | ER_ABRT);
        return -1;
    }
    return 0;
}

static void ata_rw(struct ide_drive *d, int write, int mult, int dma, int ext)
{
    uint64_t lba;
    uint32_t count;
    if (mult && !d->mult_sectors) {
        cmd_abort(d);
        return;
    }
    if (ata_decode(d, ext, &lba, &count) < 0)
        return;
    d->lba = lba;
    d->lba48 = ext;
    d->count_left = count;
    d->xfer_left = count * 512;
    d->block_sectors = mult ? d->mult_sectors : 1;
    d->dma = dma;
    d->xfer = write ? X_ATA_OUT : X_ATA_IN;
    d->buf_pos = d->buf_len = 0;
    d->error = 0;
    if (dma) {
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        if (d->ch->bm)
            bm_run(d->ch->bm, d->ch->bm_index);
        return;
    }
    if (write) {
        ata_prepare_out(d, d->block_sectors);
        d->status = ST_DRDY | ST_DSC | ST_DRQ;      /* no interrupt before the first block */
    } else {
        if (ata_fill(d, d->block_sectors) < 0)
            return;
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        raise_irq(d);
    }
}

static void ata_verify(struct ide_drive *d, int ext)
{
    uint64_t lba;
    uint32_t count;
    if (ata_decode(d, ext, &lba, &count) < 0)
        return;
    d->lba = lba + count;
    d->lba48 = ext;
    ata_done(d);
}

static void ata_native_max(struct ide_drive *d, int ext)
{
    uint64_t m = d->sectors ? d->sectors - 1 : 0;
    if (!ext && m > 0x0fffffff)
        m = 0x0fffffff;
    d->lba = m + 1;
    d->lba48 = ext;
    d->select |= SEL_LBA;
    ata_done(d);
}

/* ---- ATAPI ------------------------------------------------------------------ */

static void atapi_ok(struct ide_drive *d)
{
    end_xfer(d);
    d->sense_key = d->asc = d->ascq = 0;
    d->error = 0;
    d->nsector = IR_IO | IR_COD;
    d->status = ST_DRDY | ST_DSC;
    raise_irq(d);
}

static void atapi_fail(struct ide_drive *d, uint8_t key, uint8_t asc)
{
    end_xfer(d);
    d->sense_key = key;
    d->asc = asc;
    d->ascq = 0;
    d->error = (uint8_t)(key << 4);
    if (key == SK_ILLEGAL_REQUEST)
        d->error |= ER_ABRT;
    d->nsector = IR_IO | IR_COD;
    d->status = ST_DRDY | ST_ERR;
    raise_irq(d);
}

/* Starts the next PIO DRQ block of a data-in, or ends the command. */
static void atapi_next_block(struct ide_drive *d)
{
    if (!d->xfer_left) {
        atapi_ok(d);
        return;
    }
    uint32_t limit = d->bcl;
    if (!limit || limit == 0xffff)
        limit = 0xfffe;
    uint32_t chunk = d->xfer_left < limit ? d->xfer_left : limit;
    if (chunk < d->xfer_left && (chunk & 1))
        chunk--;                    /* only the last block may be odd */
    d->block_left = chunk;
    d->lcyl = (uint8_t)chunk;
    d->hcyl = (uint8_t)(chunk >> 8);
    d->nsector = IR_IO;
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
    raise_irq(d);
}

/* Refills buf with CD sectors. 0, or -1 after failing the command. */
static int atapi_fill(struct ide_drive *d)
{
    uint32_t max = IDE_BUF_SIZE / CD_BLOCK;
    uint32_t n = d->count_left < max ? d->count_left : max;
    if (!n || !d->disk || disk_read(d->disk, d->lba * CD_BLOCK, d->buf, (size_t)n * CD_BLOCK) < 0) {
        atapi_fail(d, SK_MEDIUM_ERROR, 0x11);   /* unrecovered read error */
        return -1;
    }
    d->lba += n;
    d->count_left -= n;
    d->buf_pos = 0;
    d->buf_len = n * CD_BLOCK;
    return 0;
}

/* Starts a data-in of len bytes: already in buf (count_left 0) or CD
 * sectors fetched on the way (count_left > 0, buf empty). */
static void atapi_start_in(struct ide_drive *d, uint32_t len)
{
    d->xfer = X_ATAPI_IN;
    d->xfer_left = len;
    d->buf_pos = 0;
    if (!len) {
        atapi_ok(d);
        return;
    }
    if (d->dma) {
        d->nsector = IR_IO;
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        if (d->ch->bm)
            bm_run(d->ch->bm, d->ch->bm_index);
        return;
    }
    if (d->buf_pos == d->buf_len && d->count_left && atapi_fill(d) < 0)
        return;
    atapi_next_block(d);
}

static void atapi_reply(struct ide_drive *d, uint32_t len, uint32_t alloc)
{
    d->buf_len = len;
    d->count_left = 0;
    atapi_start_in(d, len < alloc ? len : alloc);
}

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;
    p[0] = 0;
    p[1] = (uint8_t)(lba / (75 * 60));
    p[2] = (uint8_t)((lba / 75) % 60);
    p[3] = (uint8_t)(lba % 75);
}

static void put_addr(uint8_t *p, uint32_t lba, int msf)
{
    if (msf)
        lba_to_msf(p, lba);
    else
        put_be32(p, lba);
}

/* READ TOC/PMA/ATIP formats 0 (TOC) and 1 (session info). Returns length or -1. */
static int atapi_toc(struct ide_drive *d, const uint8_t *cdb)
{
    int msf = cdb[1] & 2;
    int format = cdb[2] & 0x0f;
    if (!format)
        format = cdb[9] >> 6;       /* the older SFF-8020 place */
    uint8_t start = cdb[6];
    uint32_t blocks = (uint32_t)disk_blocks(d->disk);
    uint8_t *b = d->buf;
    memset(b, 0, 64);
    int len = 4;
    if (format == 0) {
        if (start > 1 && start != 0xaa)
            return -1;
        if (start <= 1) {
            b[len + 1] = 0x14;      /* ADR 1, data track */
            b[len + 2] = 1;
            put_addr(b + len + 4, 0, msf);
            len += 8;
        }
        b[len + 1] = 0x14;
        b[len + 2] = 0xaa;          /* lead-out */
        put_addr(b + len + 4, blocks, msf);
        len += 8;
    } else if (format == 1) {
        b[len + 1] = 0x14;
        b[len + 2] = 1;
        put_addr(b + len + 4, 0, msf);
        len += 8;
    } else {
        return -1;
    }
    put_be16(b, (uint32_t)len - 2);
    b[2] = 1;
    b[3] = 1;
    return len;
}

static int atapi_mode_sense(struct ide_drive *d, uint8_t page)
{
    uint8_t *b = d->buf;
    memset(b, 0, 64);
    int len = 8;
    if (page == 0x01 || page == 0x3f) {     /* read error recovery */
        b[len] = 0x01;
        b[len + 1] = 0x06;
        b[len + 3] = 5;                     /* read retry count */
        len += 8;
    }
    if (page == 0x2a || page == 0x3f) {     /* CD/DVD capabilities and mechanical status */
        uint8_t *p = b + len;
        p[0] = 0x2a;
        p[1] = 0x14;
        p[2] = 0x00;                        /* reads CD-ROM media */
        p[3] = 0x00;                        /* writes nothing */
        p[4] = 0x71;                        /* multi-session, mode 2 form 1/2, audio play */
        p[5] = 0x03;                        /* CD-DA commands, accurate stream */
        p[6] = (uint8_t)(0x29 | (d->locked ? 0x02 : 0)); /* tray, eject, lock */
        p[7] = 0x03;                        /* separate volume and mute */
        put_be16(p + 8, 706 * 8);           /* max speed KB/s (8x... ) */
        put_be16(p + 10, 256);              /* volume levels */
        put_be16(p + 12, 512);              /* buffer KB */
        put_be16(p + 14, 706 * 8);          /* current speed */
        len += 22;
    }
    if (len == 8)
        return -1;
    put_be16(b, (uint32_t)len - 2);
    b[2] = d->disk ? 0x01 : 0x70;           /* medium type: 120 mm data CD / door open */
    return len;
}

/* Whether feature f goes in a GET CONFIGURATION reply (RT field, start). */
static int want_feature(int rt, uint32_t sfn, uint32_t f)
{
    return rt == 2 ? f == sfn : f >= sfn;
}

static int atapi_get_configuration(struct ide_drive *d, const uint8_t *cdb)
{
    uint8_t *b = d->buf;
    int rt = cdb[1] & 3;
    uint32_t sfn = (uint32_t)cdb[2] << 8 | cdb[3];
    memset(b, 0, 64);
    int len = 8;
    put_be16(b + 6, d->disk ? 0x0008 : 0x0000);     /* current profile: CD-ROM */
    if (want_feature(rt, sfn, 0x0000)) {            /* profile list */
        put_be16(b + len, 0x0000);
        b[len + 2] = 0x03;                          /* persistent, current */
        b[len + 3] = 4;
        put_be16(b + len + 4, 0x0008);              /* CD-ROM */
        b[len + 6] = d->disk ? 1 : 0;
        len += 8;
    }
    if (want_feature(rt, sfn, 0x0001)) {            /* core */
        put_be16(b + len, 0x0001);
        b[len + 2] = 0x07;                          /* version 1, persistent, current */
        b[len + 3] = 8;
        put_be32(b + len + 4, 2);                   /* physical interface: ATAPI */
        b[len + 8] = 0x01;                          /* DBE */
        len += 12;
    }
    if (want_feature(rt, sfn, 0x0003)) {            /* removable medium */
        put_be16(b + len, 0x0003);
        b[len + 2] = 0x03;
        b[len + 3] = 4;
        b[len + 4] = (uint8_t)(0x29 | (d->locked ? 0x01 : 0)); /* tray, eject, lock */
        len += 8;
    }
    put_be32(b, (uint32_t)len - 4);
    return len;
}

static void atapi_exec(struct ide_drive *d)
{
    uint8_t cdb[12];
    memcpy(cdb, d->buf, 12);
    d->buf_pos = d->buf_len = 0;
    d->count_left = 0;
    uint8_t op = cdb[0];
    uint8_t *b = d->buf;

    if (d->unit_attention && op != 0x12 && op != 0x03 && op != 0x46 && op != 0x4a) {
        d->unit_attention = 0;
        atapi_fail(d, SK_UNIT_ATTENTION, 0x28);     /* not ready to ready change */
        return;
    }
    switch (op) {
    case 0x00: case 0x25: case 0x28: case 0xa8: case 0x43: case 0x51: case 0xbe: case 0xb9:
        if (!d->disk) {
            atapi_fail(d, SK_NOT_READY, 0x3a);      /* medium not present */
            return;
        }
        break;
    }
    switch (op) {
    case 0x00:                                      /* TEST UNIT READY */
        atapi_ok(d);
        return;
    case 0x03: {                                    /* REQUEST SENSE */
        memset(b, 0, 18);
        b[0] = 0x70;
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        b[13] = d->ascq;
        if (d->unit_attention && !d->sense_key) {
            b[2] = SK_UNIT_ATTENTION;
            b[12] = 0x28;
            d->unit_attention = 0;
        }
        d->sense_key = d->asc = d->ascq = 0;
        atapi_reply(d, 18, cdb[4]);
        return;
    }
    case 0x12: {                                    /* INQUIRY */
        memset(b, 0, 36);
        b[0] = 0x05;                                /* CD/DVD device */
        b[1] = 0x80;                                /* removable */
        b[2] = 0x00;
        b[3] = 0x21;                                /* ATAPI, response format 1 */
        b[4] = 31;
        put_padded(b + 8, 8, "RELIC");
        put_padded(b + 16, 16, "RELIC CD-ROM");
        put_padded(b + 32, 4, "1.0");
        atapi_reply(d, 36, (uint32_t)cdb[3] << 8 | cdb[4]);
        return;
    }
    case 0x1b:                                      /* START STOP UNIT */
        if ((cdb[4] & 3) == 2 && d->locked) {
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x53); /* medium removal prevented */
            return;
        }
        atapi_ok(d);
        return;
    case 0x1e:                                      /* PREVENT ALLOW MEDIUM REMOVAL */
        d->locked = cdb[4] & 1;
        atapi_ok(d);
        return;
    case 0x25: {                                    /* READ CAPACITY */
        put_be32(b, (uint32_t)disk_blocks(d->disk) - 1);
        put_be32(b + 4, CD_BLOCK);
        atapi_reply(d, 8, 8);
        return;
    }
    case 0x28: case 0xa8: {                         /* READ(10), READ(12) */
        uint32_t lba = (uint32_t)cdb[2] << 24 | (uint32_t)cdb[3] << 16 | (uint32_t)cdb[4] << 8 | cdb[5];
        uint32_t n = op == 0x28 ? ((uint32_t)cdb[7] << 8 | cdb[8])
                                : ((uint32_t)cdb[6] << 24 | (uint32_t)cdb[7] << 16 |
                                   (uint32_t)cdb[8] << 8 | cdb[9]);
        uint64_t blocks = disk_blocks(d->disk);
        if (lba > blocks || n > blocks - lba) {
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x21); /* LBA out of range */
            return;
        }
        if (n > 0xffffffffu / CD_BLOCK) {
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x24);
            return;
        }
        d->lba = lba;
        d->count_left = n;
        d->buf_len = d->buf_pos = 0;
        atapi_start_in(d, n * CD_BLOCK);
        return;
    }
    case 0x2b:                                      /* SEEK(10) */
    case 0xbb:                                      /* SET CD SPEED */
        atapi_ok(d);
        return;
    case 0x43: {                                    /* READ TOC/PMA/ATIP */
        int len = atapi_toc(d, cdb);
        if (len < 0) {
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x24);  /* invalid field in CDB */
            return;
        }
        atapi_reply(d, (uint32_t)len, (uint32_t)cdb[7] << 8 | cdb[8]);
        return;
    }
    case 0x46: {                                    /* GET CONFIGURATION */
        int len = atapi_get_configuration(d, cdb);
        atapi_reply(d, (uint32_t)len, (uint32_t)cdb[7] << 8 | cdb[8]);
        return;
    }
    case 0x4a: {                                    /* GET EVENT STATUS NOTIFICATION */
        if (!(cdb[1] & 1)) {                        /* asynchronous mode unsupported */
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x24);
            return;
        }
        memset(b, 0, 8);
        b[3] = 0x10;                                /* supports the media class */
        uint32_t len;
        if (cdb[4] & 0x10) {
            put_be16(b, 6);
            b[2] = 0x04;                            /* media class */
            b[4] = d->media_event ? 0x02 : 0x00;    /* new media / no change */
            b[5] = d->disk ? 0x02 : 0x00;           /* media present */
            d->media_event = 0;
            len = 8;
        } else {
            put_be16(b, 2);
            b[2] = 0x80;                            /* no event available */
            len = 4;
        }
        atapi_reply(d, len, (uint32_t)cdb[7] << 8 | cdb[8]);
        return;
    }
    case 0x51: {                                    /* READ DISC INFORMATION */
        if (cdb[1] & 7) {
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x24);
            return;
        }
        memset(b, 0, 34);
        put_be16(b, 32);
        b[2] = 0x0e;                                /* complete session, finalized disc */
        b[3] = 1;                                   /* first track */
        b[4] = 1;                                   /* sessions */
        b[5] = 1;                                   /* first track in last session */
        b[6] = 1;                                   /* last track in last session */
        b[7] = 0x20;                                /* unrestricted use */
        b[8] = 0x00;                                /* CD-DA or CD-ROM disc */
        put_be32(b + 16, 0xffffffff);               /* last session lead-in: none */
        put_be32(b + 20, 0xffffffff);               /* last lead-out: none */
        atapi_reply(d, 34, (uint32_t)cdb[7] << 8 | cdb[8]);
        return;
    }
    case 0x5a: {                                    /* MODE SENSE(10) */
        if ((cdb[2] >> 6) == 3) {
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x39); /* saving not supported */
            return;
        }
        int len = atapi_mode_sense(d, cdb[2] & 0x3f);
        if (len < 0) {
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x24);
            return;
        }
        atapi_reply(d, (uint32_t)len, (uint32_t)cdb[7] << 8 | cdb[8]);
        return;
    }
    default:
        atapi_fail(d, SK_ILLEGAL_REQUEST, 0x20);    /* invalid command operation code */
        return;
    }
}

/* ---- data port ---------------------------------------------------------------- */

static uint8_t data_in_byte(struct ide_drive *d)
{
    if (d->buf_pos >= d->buf_len)
        return 0;
    uint8_t v = d->buf[d->buf_pos++];
    if (d->xfer == X_ATA_IN) {
        if (d->buf_pos == d->buf_len) {
            if (d->count_left) {
                if (ata_fill(d, d->block_sectors) == 0) {
                    d->status = ST_DRDY | ST_DSC | ST_DRQ;
                    raise_irq(d);
                }
            } else {
                /* the last block: no interrupt (PIO data-in ends with DRQ low) */
                ata_set_last_sector(d);
                end_xfer(d);
                d->status = ST_DRDY | ST_DSC;
            }
        }
    } else if (d->xfer == X_ATAPI_IN) {
        d->xfer_left--;
        d->block_left--;
        if (d->buf_pos == d->buf_len && d->xfer_left && d->count_left && atapi_fill(d) < 0)
            return v;
        if (!d->block_left)
            atapi_next_block(d);
    }
    return v;
}

static void data_out_byte(struct ide_drive *d, uint8_t v)
{
    if (d->buf_pos >= d->buf_len)
        return;
    d->buf[d->buf_pos++] = v;
    if (d->buf_pos < d->buf_len)
        return;
    if (d->xfer == X_ATA_OUT) {
        if (ata_flush_buf(d) < 0)
            return;
        if (d->count_left) {
            ata_prepare_out(d, d->block_sectors);
            d->status = ST_DRDY | ST_DSC | ST_DRQ;
            raise_irq(d);
        } else {
            ata_done(d);
        }
    } else if (d->xfer == X_PACKET) {
        atapi_exec(d);
    }
}

/* ---- commands -------------------------------------------------------------------- */

static void execute_diagnostic(struct ide_channel *ch)
{
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        if (d->kind == IDE_NONE)
            continue;
        end_xfer(d);
        set_signature(d);
        d->error = 0x01;            /* passed */
        d->status = d->kind == IDE_ATAPI ? 0 : (ST_DRDY | ST_DSC);
    }
    ch->drive[1].select = ch->drive[0].select = 0xa0;
    ch->cur = 0;
    if (ch->drive[0].kind != IDE_NONE)
        raise_irq(&ch->drive[0]);
}

static void set_features(struct ide_drive *d)
{
    switch (d->feature) {
    case 0x02: d->write_cache = 1; break;
    case 0x82: d->write_cache = 0; break;
    case 0x03: {
        uint8_t m = d->nsector;
        if ((m & 0xf8) == 0x00 || (m & 0xf8) == 0x08) {
            if ((m & 0xf8) == 0x08 && (m & 7) > 4)
                goto bad;
        } else if ((m & 0xf8) == 0x20) {
            if ((m & 7) > 2)
                goto bad;
        } else if ((m & 0xf8) == 0x40) {
            if ((m & 7) > 5)
                goto bad;
        } else {
            goto bad;
        }
        d->xfer_mode = m;
        break;
    }
    case 0x55: case 0xaa: case 0x66: case 0xcc: case 0x05: case 0x85: case 0x31: case 0x95:
        break;                      /* look-ahead, revert to defaults, APM: accepted */
    default:
        goto bad;
    }
    cmd_ok(d);
    return;
bad:
    cmd_abort(d);
}

static void ide_command(struct ide_channel *ch, uint8_t cmd)
{
    struct ide_drive *d = &ch->drive[ch->cur];
    if (cmd == 0x90) {                      /* EXECUTE DEVICE DIAGNOSTIC: both devices */
        execute_diagnostic(ch);
        return;
    }
    if (d->kind == IDE_NONE)
        return;
    d->irq_pending = 0;
    update_irq(ch);
    end_xfer(d);
    int atapi = d->kind == IDE_ATAPI;

    if (atapi) {
        switch (cmd) {
        case 0x08:                          /* DEVICE RESET */
            set_signature(d);
            d->error = 0x01;
            d->status = 0;
            return;
        case 0xa1:                          /* IDENTIFY PACKET DEVICE */
            atapi_identify(d);
            pio_in_buffer(d);
            return;
        case 0xa0:                          /* PACKET */
            d->dma = d->feature & 1;
            d->bcl = d->lcyl | (uint32_t)d->hcyl << 8;
            d->xfer = X_PACKET;
            d->buf_pos = 0;
            d->buf_len = 12;
            d->nsector = IR_COD;
            d->status = ST_DRDY | ST_DSC | ST_DRQ;
            return;
        case 0xef:
            set_features(d);
            return;
        case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe7:
            cmd_ok(d);
            return;
        case 0xe5:
            d->nsector = 0xff;
            cmd_ok(d);
            return;
        default:
            cmd_abort(d);               /* e.g. IDENTIFY DEVICE: the signature tells ATAPI */
            return;
        }
    }

    switch (cmd) {
    case 0xec:                              /* IDENTIFY DEVICE */
        ata_identify(d);
        pio_in_buffer(d);
        return;
    case 0x20: case 0x21: ata_rw(d, 0, 0, 0, 0); return;   /* READ SECTORS */
    case 0x24: ata_rw(d, 0, 0, 0, 1); return;              /* READ SECTORS EXT */
    case 0x30: case 0x31: ata_rw(d, 1, 0, 0, 0); return;   /* WRITE SECTORS */
    case 0x34: ata_rw(d, 1, 0, 0, 1); return;              /* WRITE SECTORS EXT */
    case 0xc4: ata_rw(d, 0, 1, 0, 0); return;              /* READ MULTIPLE */
    case 0x29: ata_rw(d, 0, 1, 0, 1); return;              /* READ MULTIPLE EXT */
    case 0xc5: ata_rw(d, 1, 1, 0, 0); return;              /* WRITE MULTIPLE */
    case 0x39: ata_rw(d, 1, 1, 0, 1); return;              /* WRITE MULTIPLE EXT */
    case 0xc8: case 0xc9: ata_rw(d, 0, 0, 1, 0); return;   /* READ DMA */
    case 0x25: ata_rw(d, 0, 0, 1, 1); return;              /* READ DMA EXT */
    case 0xca: case 0xcb: ata_rw(d, 1, 0, 1, 0); return;   /* WRITE DMA */
    case 0x35: ata_rw(d, 1, 0, 1, 1); return;              /* WRITE DMA EXT */
    case 0x40: case 0x41: ata_verify(d, 0); return;        /* READ VERIFY SECTORS */
    case 0x42: ata_verify(d, 1); return;                   /* READ VERIFY SECTORS EXT */
    case 0xf8: ata_native_max(d, 0); return;               /* READ NATIVE MAX ADDRESS */
    case 0x27: ata_native_max(d, 1); return;               /* READ NATIVE MAX ADDRESS EXT */
    case 0xc6:                                             /* SET MULTIPLE MODE */
        if (d->nsector > ATA_MAX_MULT || (d->nsector & (d->nsector - 1))) {
            cmd_abort(d);
            return;
        }
        d->mult_sectors = d->nsector;
        cmd_ok(d);
        return;
    case 0x91: {                                           /* INITIALIZE DEVICE PARAMETERS */
        uint32_t heads = (d->select & 0x0f) + 1u, secs = d->nsector;
        if (!secs) {
            cmd_abort(d);
            return;
        }
        uint64_t cyls = d->sectors / (heads * secs);
        d->cur_heads = heads;
        d->cur_secs = secs;
        d->cur_cyls = cyls > 65535 ? 65535 : (uint32_t)cyls;
        cmd_ok(d);
        return;
    }
    case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
    case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f:
    case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17:
    case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f:
        cmd_ok(d);                                          /* SEEK, RECALIBRATE */
        return;
    case 0xe7: case 0xea:                                  /* FLUSH CACHE (EXT) */
        if (disk_flush(d->disk) < 0)
            cmd_abort(d);
        else
            cmd_ok(d);
        return;
    case 0xef:
        set_features(d);
        return;
    case 0xe5: case 0x98:                                  /* CHECK POWER MODE */
        d->nsector = 0xff;
        cmd_ok(d);
        return;
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0x94: case 0x95: case 0x96: case 0x97:
        cmd_ok(d);                                          /* standby/idle */
        return;
    default:
        cmd_abort(d);                                       /* incl. DEVICE RESET, PACKET */
        return;
    }
}

/* ---- port handlers ------------------------------------------------------------ */

static int channel_empty(const struct ide_channel *ch)
{
    return ch->drive[0].kind == IDE_NONE && ch->drive[1].kind == IDE_NONE;
}

uint32_t ide_cmd_read(void *opaque, uint16_t port, int size)
{
    struct ide_channel *ch = opaque;
    struct ide_drive *d = &ch->drive[ch->cur];
    int reg = port & 7;
    if (channel_empty(ch))
        return size == 4 ? 0xffffffffu : size == 2 ? 0xffff : 0xff;
    if (d->kind == IDE_NONE)
        return 0;
    int hob = ch->devctl & DC_HOB;
    switch (reg) {
    case 0: {
        uint32_t v = 0;
        for (int i = 0; i < size; i++) {
            if (!(d->status & ST_DRQ) || d->dma ||
                (d->xfer != X_ATA_IN && d->xfer != X_ATAPI_IN))
                break;
            v |= (uint32_t)data_in_byte(d) << (8 * i);
        }
        return v;
    }
    case 1: return hob ? d->hob_feature : d->error;
    case 2: return hob ? d->hob_nsector : d->nsector;
    case 3: return hob ? d->hob_sector : d->sector;
    case 4: return hob ? d->hob_lcyl : d->lcyl;
    case 5: return hob ? d->hob_hcyl : d->hcyl;
    case 6: return d->select;
    default:
        d->irq_pending = 0;
        update_irq(ch);
        return d->status;
    }
}

void ide_cmd_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct ide_channel *ch = opaque;
    int reg = port & 7;
    uint8_t v = (uint8_t)val;
    if (reg == 0) {
        struct ide_drive *d = &ch->drive[ch->cur];
        if (d->kind == IDE_NONE)
            return;
        for (int i = 0; i < size; i++) {
            if (!(d->status & ST_DRQ) || (d->dma && d->xfer != X_PACKET) ||
                (d->xfer != X_ATA_OUT && d->xfer != X_PACKET))
                break;
            data_out_byte(d, (uint8_t)(val >> (8 * i)));
        }
        return;
    }
    if (reg == 7) {
        ide_command(ch, v);
        return;
    }
    ch->devctl &= (uint8_t)~DC_HOB;
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        switch (reg) {
        case 1: d->hob_feature = d->feature; d->feature = v; break;
        case 2: d->hob_nsector = d->nsector; d->nsector = v; break;
        case 3: d->hob_sector = d->sector; d->sector = v; break;
        case 4: d->hob_lcyl = d->lcyl; d->lcyl = v; break;
        case 5: d->hob_hcyl = d->hcyl; d->hcyl = v; break;
        case 6: d->select = (uint8_t)(v | 0xa0); break;
        }
    }
    if (reg == 6) {
        ch->cur = (v & SEL_DEV) ? 1 : 0;
        update_irq(ch);
    }
}

uint32_t ide_ctl_read(void *opaque, uint16_t port, int size)
{
    struct ide_channel *ch = opaque;
    (void)port; (void)size;
    if (channel_empty(ch))
        return 0xff;
    struct ide_drive *d = &ch->drive[ch->cur];
    return d->kind == IDE_NONE ? 0 : d->status;
}

static void soft_reset_begin(struct ide_channel *ch)
{
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        end_xfer(d);
        d->irq_pending = 0;
        if (d->kind != IDE_NONE)
            d->status = ST_BSY;
    }
    if (ch->bm) {
        ch->bm->c[ch->bm_index].status &= (uint8_t)~BM_ST_ACTIVE;
    }
}

static void soft_reset_end(struct ide_channel *ch)
{
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        if (d->kind == IDE_NONE)
            continue;
        set_signature(d);
        d->select = 0xa0;
        d->error = 0x01;
        d->status = d->kind == IDE_ATAPI ? 0 : (ST_DRDY | ST_DSC);
    }
    ch->cur = 0;
}

void ide_ctl_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct ide_channel *ch = opaque;
    uint8_t old = ch->devctl;
    (void)port; (void)size;
    ch->devctl = (uint8_t)val;
    if ((val & DC_SRST) && !(old & DC_SRST))
        soft_reset_begin(ch);
    else if (!(val & DC_SRST) && (old & DC_SRST))
        soft_reset_end(ch);
    update_irq(ch);
}

/* ---- set-up ----------------------------------------------------------------------- */

int ide_init(struct ide_channel *ch, struct iobus *bus, uint16_t base, uint16_t ctl,
             struct irq_line irq, const char *name)
{
    memset(ch, 0, sizeof *ch);
    ch->irq = irq;
    ch->name = name;
    ch->base = base;
    for (int i = 0; i < 2; i++) {
        ch->drive[i].ch = ch;
        ch->drive[i].unit = i;
        ch->drive[i].buf = calloc(1, IDE_BUF_SIZE);
        if (!ch->drive[i].buf) {
            ide_free(ch);
            return -1;
        }
    }
    if (io_register(bus, base, 1, IO_W8 | IO_W16 | IO_W32, ide_cmd_read, ide_cmd_write, ch, name) < 0 ||
        io_register(bus, (uint16_t)(base + 1), 7, IO_W8, ide_cmd_read, ide_cmd_write, ch, name) < 0 ||
        io_register(bus, ctl, 1, IO_W8, ide_ctl_read, ide_ctl_write, ch, name) < 0) {
        ide_free(ch);
        return -1;
    }
    ide_reset(ch);
    return 0;
}

void ide_free(struct ide_channel *ch)
{
    for (int i = 0; i < 2; i++) {
        free(ch->drive[i].buf);
        ch->drive[i].buf = NULL;
    }
}

int ide_attach(struct ide_channel *ch, int unit, enum ide_kind kind, struct disk *disk,
               char *err, size_t errlen)
{
    if (unit < 0 || unit > 1) {
        snprintf(err, errlen, "IDE unit %d does not exist (0 master, 1 slave)", unit);
        return -1;
    }
    struct ide_drive *d = &ch->drive[unit];
    if (d->kind != IDE_NONE) {
        snprintf(err, errlen, "%s %s already has a device", ch->name ? ch->name : "IDE channel",
                 unit ? "slave" : "master");
        return -1;
    }
    if (kind == IDE_ATA && (!disk || disk->media != DISK_MEDIA_HD)) {
        snprintf(err, errlen, "an IDE hard disk needs a disk image");
        return -1;
    }
    if (kind == IDE_ATAPI && disk && disk->media != DISK_MEDIA_CDROM) {
        snprintf(err, errlen, "an IDE CD-ROM needs a CD image");
        return -1;
    }
    if (kind == IDE_NONE)
        return 0;
    d->kind = kind;
    d->disk = disk;
    snprintf(d->serial, sizeof d->serial, "RELIC%04X%u", ch->base, (unsigned)unit);
    snprintf(d->firmware, sizeof d->firmware, "1.0");
    snprintf(d->model, sizeof d->model, kind == IDE_ATA ? "RELIC HARDDISK" : "RELIC CD-ROM");
    if (kind == IDE_ATA) {
        d->sectors = disk->size / 512;
        uint64_t cyl = d->sectors / (16 * 63);
        d->heads = 16;
        d->secs = 63;
        d->cyls = cyl > 16383 ? 16383 : cyl ? (uint32_t)cyl : 1;
    }
    ide_reset(ch);
    return 0;
}

void ide_reset(struct ide_channel *ch)
{
    ch->devctl = 0;
    ch->cur = 0;
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        end_xfer(d);
        d->irq_pending = 0;
        d->feature = d->hob_feature = 0;
        d->hob_nsector = d->hob_sector = d->hob_lcyl = d->hob_hcyl = 0;
        d->select = 0xa0;
        d->cur_cyls = d->cyls;
        d->cur_heads = d->heads;
        d->cur_secs = d->secs;
        d->mult_sectors = 0;
        d->xfer_mode = 0x0c;        /* PIO 4 */
        d->write_cache = 1;
        d->sense_key = d->asc = d->ascq = 0;
        d->locked = 0;
        if (d->kind == IDE_NONE) {
            d->status = 0;
            d->error = 0;
            continue;
        }
        set_signature(d);
        d->error = 0x01;
        d->status = d->kind == IDE_ATAPI ? 0 : (ST_DRDY | ST_DSC);
    }
    if (ch->irq_level) {
        ch->irq_level = 0;
        irq_set(&ch->irq, 0);
    }
}

void ide_cd_change(struct ide_channel *ch, int unit, struct disk *disk)
{
    struct ide_drive *d = &ch->drive[unit & 1];
    if (d->kind != IDE_ATAPI)
        return;
    d->disk = disk;
    d->unit_attention = 1;
    d->media_event = disk != NULL;
}

/* ---- bus master ------------------------------------------------------------------ */

void ide_bm_init(struct ide_bm *bm, struct physmem *pm, struct ide_channel *pri,
                 struct ide_channel *sec)
{
    memset(bm, 0, sizeof *bm);
    bm->pm = pm;
    bm->ch[0] = pri;
    bm->ch[1] = sec;
    if (pri) {
        pri->bm = bm;
        pri->bm_index = 0;
    }
    if (sec) {
        sec->bm = bm;
        sec->bm_index = 1;
    }
    ide_bm_reset(bm);
}

void ide_bm_reset(struct ide_bm *bm)
{
    for (int i = 0; i < 2; i++) {
        bm->c[i].cmd = 0;
        bm->c[i].status = 0;
        bm->c[i].prdt = 0;
    }
}

/* Runs the DMA of the selected device of channel idx if both the engine
 * and the device are ready: moves the whole transfer at once. */
static void bm_run(struct ide_bm *bm, int idx)
{
    struct ide_bm_channel *c = &bm->c[idx];
    struct ide_channel *ch = bm->ch[idx];
    if (!ch || !(c->cmd & BM_CMD_START) || !(c->status & BM_ST_ACTIVE))
        return;
    struct ide_drive *d = &ch->drive[ch->cur];
    if (!d->dma || d->xfer == X_NONE || !d->xfer_left)
        return;
    int to_mem = d->xfer == X_ATA_IN || d->xfer == X_ATAPI_IN;
    uint32_t prd = c->prdt;
    int eot = 0, entry_left = 0;
    /* A PRD table is at most 64 KiB and may not cross a 64 KiB boundary. */
    for (int n = 0; n < 8192 && d->xfer_left; n++) {
        uint32_t addr = phys_read(bm->pm, prd, 4) & ~1u;
        uint32_t ctl = phys_read(bm->pm, prd + 4, 4);
        uint32_t len = ctl & 0xfffe;
        if (!len)
            len = 0x10000;
        eot = ctl >> 31;
        prd = (prd & 0xffff0000u) | ((prd + 8) & 0xffff);
        while (len && d->xfer_left) {
            uint32_t k;
            if (to_mem) {
                if (d->buf_pos == d->buf_len) {
                    int r = d->xfer == X_ATA_IN ? ata_fill(d, IDE_BUF_SIZE / 512) : atapi_fill(d);
                    if (r < 0) {
                        c->status = (uint8_t)((c->status & ~BM_ST_ACTIVE) | BM_ST_ERROR);
                        return;
                    }
                }
                k = d->buf_len - d->buf_pos;
                if (k > len) k = len;
                if (k > d->xfer_left) k = d->xfer_left;
                phys_write_buf(bm->pm, addr, d->buf + d->buf_pos, k);
                d->buf_pos += k;
            } else {
                if (d->buf_pos == d->buf_len)
                    ata_prepare_out(d, IDE_BUF_SIZE / 512);
                k = d->buf_len - d->buf_pos;
                if (k > len) k = len;
                phys_read_buf(bm->pm, addr, d->buf + d->buf_pos, k);
                d->buf_pos += k;
                if (d->buf_pos == d->buf_len && ata_flush_buf(d) < 0) {
                    c->status = (uint8_t)((c->status & ~BM_ST_ACTIVE) | BM_ST_ERROR);
                    return;
                }
            }
            addr += k;
            len -= k;
            d->xfer_left -= k;
        }
        entry_left = len != 0;
        if (eot)
            break;
    }
    if (d->xfer_left) {
        /* The table ran out before the device's data did. */
        c->status &= (uint8_t)~BM_ST_ACTIVE;
        if (d->kind == IDE_ATAPI)
            atapi_fail(d, SK_ILLEGAL_REQUEST, 0x24);
        else
            cmd_error(d, ER_ABRT);
        return;
    }
    /* Active stays set if the table describes more than the device moved. */
    if (eot && !entry_left)
        c->status &= (uint8_t)~BM_ST_ACTIVE;
    if (d->kind == IDE_ATAPI)
        atapi_ok(d);
    else
        ata_done(d);
}

static uint8_t bm_read8(struct ide_bm *bm, uint32_t off)
{
    struct ide_bm_channel *c = &bm->c[(off >> 3) & 1];
    switch (off & 7) {
    case 0: return c->cmd & (BM_CMD_START | BM_CMD_TOMEM);
    case 2: return c->status;
    case 4: case 5: case 6: case 7: return (uint8_t)(c->prdt >> (8 * (off & 3)));
    default: return 0;
    }
}

static void bm_write8(struct ide_bm *bm, uint32_t off, uint8_t v)
{
    int idx = (off >> 3) & 1;
    struct ide_bm_channel *c = &bm->c[idx];
    switch (off & 7) {
    case 0: {
        uint8_t old = c->cmd;
        c->cmd = v & (BM_CMD_START | BM_CMD_TOMEM);
        if ((v & BM_CMD_START) && !(old & BM_CMD_START)) {
            c->status |= BM_ST_ACTIVE;
            bm_run(bm, idx);
        } else if (!(v & BM_CMD_START) && (old & BM_CMD_START)) {
            c->status &= (uint8_t)~BM_ST_ACTIVE;    /* stop: the transfer is abandoned */
        }
        break;
    }
    case 2:
        c->status = (uint8_t)((c->status & (BM_ST_ACTIVE | BM_ST_ERROR | BM_ST_INTR)) | (v & BM_ST_CAP));
        c->status &= (uint8_t)~(v & (BM_ST_ERROR | BM_ST_INTR));   /* write 1 to clear */
        break;
    case 4: case 5: case 6: case 7: {
        int sh = 8 * (int)(off & 3);
        c->prdt = (c->prdt & ~(0xffu << sh)) | ((uint32_t)v << sh);
        c->prdt &= ~3u;
        break;
    }
    default:
        break;
    }
}

uint32_t ide_bm_read(struct ide_bm *bm, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)bm_read8(bm, (offset + (uint32_t)i) & 15) << (8 * i);
    return v;
}

void ide_bm_write(struct ide_bm *bm, uint32_t offset, uint32_t val, int size)
{
    /* The PRD address goes in whole before a start could see half of it. */
    for (int i = 0; i < size; i++)
        bm_write8(bm, (offset + (uint32_t)i) & 15, (uint8_t)(val >> (8 * i)));
}
