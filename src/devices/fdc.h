/* Intel 82077AA floppy disk controller, PC-AT mode, with up to four drives.
 *
 * Ports (base 0x3f0): 2 DOR, 3 TDR, 4 MSR (read) / DSR (write), 5 FIFO,
 * 7 DIR (read) / CCR (write). 0x3f0/0x3f1 (SRA/SRB) exist only in PS/2
 * mode and read as 0xff here. 0x3f6 is NOT claimed: on a PC it is the
 * primary IDE channel's device control / alternate status register.
 * DIR drives only bit 7 (disk change); bits 0-6 of 0x3f7 float (on a PC
 * they belong to the IDE drive address register) and read as 0.
 *
 * Commands: SPECIFY, SENSE DRIVE STATUS, RECALIBRATE, SENSE INTERRUPT
 * STATUS, SEEK (absolute and relative), READ DATA, WRITE DATA, READ ID,
 * FORMAT TRACK, VERSION (0x90), CONFIGURE (implied seek, polling),
 * LOCK/UNLOCK, DUMPREG, PERPENDICULAR MODE. Anything else is invalid
 * (result ST0 = 0x80). Data moves by DMA (channel 2 on a PC, through
 * dma.c) or, with SPECIFY's ND bit, through the FIFO by programmed I/O.
 * DMA and IRQ are gated by DOR bit 3, as on the AT.
 *
 * Timing: a command's execution phase (and a seek) takes a fixed short
 * virtual time (FDC_EXEC_NS) on the clock given to fdc_init; with a NULL
 * clock everything completes during the port write. Data rate is checked
 * against the medium (a mismatch reads as "missing address mark"), which is
 * how BIOSes and Linux probe media. Disk change (DIR bit 7) is set when a
 * medium is inserted or ejected and cleared by a SEEK or RECALIBRATE of
 * that drive while a medium is in.
 *
 * The medium's bytes sit behind two callbacks, so the board can back a drive
 * with a file (fdc_file_read/fdc_file_write below) or anything else. */
#ifndef RELIC_FDC_H
#define RELIC_FDC_H
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include "../mmu/io.h"
#include "../machine/timer.h"
#include "dma.h"
#include "irq.h"

#define FDC_BASE 0x3f0
#define FDC_IRQ 6
#define FDC_DMA_CHANNEL 2
#define FDC_EXEC_NS 20000u          /* execution phase / seek duration */
#define FDC_SECTOR_SIZE 512

/* Data rates as DSR/CCR bits 0-1 encode them. */
enum { FDC_RATE_500K = 0, FDC_RATE_300K = 1, FDC_RATE_250K = 2, FDC_RATE_1M = 3 };

/* Medium I/O: offset and len in bytes, whole sectors. Return 0 or -1. */
typedef int (*fdc_read_fn)(void *opaque, uint64_t offset, void *buf, size_t len);
typedef int (*fdc_write_fn)(void *opaque, uint64_t offset, const void *buf, size_t len);

struct fdc_drive {
    int present;                    /* a drive is connected (else seeks fail: equipment check) */
    int inserted;                   /* a medium is in */
    int readonly;                   /* write protect tab */
    uint8_t tracks, heads, sectors; /* geometry of the medium */
    uint8_t rate;                   /* FDC_RATE_* the medium is recorded at */
    uint8_t track;                  /* where the head is (physical cylinder) */
    uint8_t changed;                /* disk change line */
    uint8_t next_sector;            /* rotates: the sector READ ID sees next (0-based) */
    fdc_read_fn read;
    fdc_write_fn write;
    void *opaque;
};

enum fdc_phase { FDC_CMD, FDC_EXEC, FDC_RESULT };

struct fdc {
    /* registers */
    uint8_t dor, tdr, dsr, rate;    /* rate: DSR/CCR bits 0-1 */
    uint8_t msr_busy_drives;        /* MSR bits 0-3: seek in progress */
    /* command/result machine */
    enum fdc_phase phase;
    uint8_t cmd[9];                 /* command bytes received */
    uint8_t cmd_len, cmd_pos;
    uint8_t res[10];                /* result bytes to give */
    uint8_t res_len, res_pos;
    uint8_t irq_pending;            /* interrupt output (before the DOR gate) */
    uint8_t res_clears_irq;         /* reading the result drops the interrupt */
    /* interrupt status for SENSE INTERRUPT STATUS */
    uint8_t sense_pending;          /* a seek/recalibrate finished */
    uint8_t sense_st0, sense_pcn;
    uint8_t reset_sense;            /* after a reset with polling on: drives still to report (4..0) */
    /* programmed parameters */
    uint8_t specify[2];             /* SRT/HUT, HLT/ND */
    uint8_t config;                 /* CONFIGURE byte 2: EIS, EFIFO, POLL, FIFOTHR */
    uint8_t pretrk;
    uint8_t lock;
    uint8_t perpendicular;
    uint8_t eot;                    /* last EOT given (DUMPREG) */
    /* programmed I/O data phase */
    uint8_t pio_buf[FDC_SECTOR_SIZE * 36 * 2];
    uint32_t pio_len, pio_pos;
    uint8_t pio_write;              /* host writes the data (WRITE DATA) */
    /* completion */
    struct timer done;              /* end of the execution phase */
    uint8_t done_irq;               /* the result phase raises the interrupt */
    struct timer seek_done;         /* end of a SEEK/RECALIBRATE */
    uint8_t seek_st0, seek_pcn;     /* its interrupt status */

    struct fdc_drive drive[4];
    /* wiring */
    struct dma *dma;
    int dma_channel;
    struct irq_line irq;
    struct vclock *clock;
};

/* Claims 0x3f0-0x3f5 and 0x3f7 at base (FDC_BASE on a PC). dma may be NULL
 * (DMA transfers then fail with an overrun); clock may be NULL (no delays).
 * Drives start absent; see fdc_drive_connect. Returns 0, or -1 if a port is taken. */
int fdc_init(struct fdc *f, struct iobus *bus, uint16_t base, struct dma *dma, int dma_channel,
             struct irq_line irq, struct vclock *clock);
/* Hardware reset (the RESET pin): as a software reset, plus the data rate to
 * 250 kbit/s, CONFIGURE/LOCK to defaults and DOR to 0. Media stay. */
void fdc_reset(struct fdc *f);

/* Connects a drive (n = 0..3) with nothing in it. */
void fdc_drive_connect(struct fdc *f, int n);
/* Inserts a medium of size bytes: 160K, 180K, 320K, 360K, 720K, 1.2M,
 * 1.44M, 1.68M (DMF 21 sectors), 2.88M. Returns 0, or -1 if the size
 * is not a floppy format. Sets the disk change line. */
int fdc_drive_insert(struct fdc *f, int n, uint64_t size, fdc_read_fn rd, fdc_write_fn wr,
                     void *opaque, int readonly);
void fdc_drive_eject(struct fdc *f, int n);
/* The CMOS drive type (register 0x10 nibble) that suits a medium of this
 * size: 1 = 360K, 2 = 1.2M, 3 = 720K, 4 = 1.44M, 5 = 2.88M; 0 if none. */
int fdc_cmos_type(uint64_t size);

/* Callbacks for a drive backed by a stdio FILE (opaque = the FILE *). */
int fdc_file_read(void *opaque, uint64_t offset, void *buf, size_t len);
int fdc_file_write(void *opaque, uint64_t offset, const void *buf, size_t len);

/* Register offsets and bits. */
enum { FDC_SRA = 0, FDC_SRB = 1, FDC_DOR = 2, FDC_TDR = 3, FDC_MSR = 4, FDC_DSR = 4,
       FDC_FIFO = 5, FDC_DIR = 7, FDC_CCR = 7 };
enum { DOR_SEL = 0x03, DOR_NRESET = 0x04, DOR_DMA = 0x08, DOR_MOTORS = 0xf0 };
enum { MSR_RQM = 0x80, MSR_DIO = 0x40, MSR_NDMA = 0x20, MSR_CB = 0x10 };
enum { DSR_SWRESET = 0x80, DSR_POWERDOWN = 0x40 };
enum { DIR_DSKCHG = 0x80 };
enum { FDC_CMD_READ_TRACK = 0x02, FDC_CMD_SPECIFY = 0x03, FDC_CMD_SENSE_DRIVE = 0x04,
       FDC_CMD_WRITE = 0x05, FDC_CMD_READ = 0x06, FDC_CMD_RECALIBRATE = 0x07,
       FDC_CMD_SENSE_INT = 0x08, FDC_CMD_READ_ID = 0x0a, FDC_CMD_FORMAT = 0x0d,
       FDC_CMD_DUMPREG = 0x0e, FDC_CMD_SEEK = 0x0f, FDC_CMD_VERSION = 0x10,
       FDC_CMD_PERPENDICULAR = 0x12, FDC_CMD_CONFIGURE = 0x13, FDC_CMD_LOCK = 0x14 };
enum { ST0_IC_ABNORMAL = 0x40, ST0_IC_INVALID = 0x80, ST0_IC_READY = 0xc0, ST0_SE = 0x20,
       ST0_EC = 0x10, ST0_HEAD = 0x04 };
enum { ST1_EN = 0x80, ST1_DE = 0x20, ST1_OR = 0x10, ST1_ND = 0x04, ST1_NW = 0x02, ST1_MA = 0x01 };
enum { ST2_WC = 0x10, ST2_BC = 0x02 };
enum { ST3_WP = 0x40, ST3_RDY = 0x20, ST3_T0 = 0x10, ST3_TS = 0x08, ST3_HEAD = 0x04 };
#endif
