/* Floppy controller and DMA unit tests: the 82077AA and the 8237 pair are
 * driven through the port bus as a BIOS does (reset, SPECIFY, RECALIBRATE,
 * SEEK, DMA set-up, READ DATA/WRITE DATA ...), with a manual virtual clock
 * and a temporary 1.44 MB image file. Prints failed checks and a final
 * "N passed, N failed". */
#include "devices/dma.h"
#include "devices/fdc.h"
#include "machine/timer.h"
#include "mmu/io.h"
#include "mmu/phys.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- the rig: bus, memory, clock, DMA, FDC, IRQ 6, a 1.44 MB image ---- */

#define IMG_SIZE 1474560
#define SPT 18

struct rig {
    struct iobus bus;
    struct physmem pm;
    struct vclock clock;
    struct dma dma;
    struct fdc fdc;
    int irq;
    FILE *img;
    uint8_t post[8];
    int npost;
};

static void rig_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    (void)n;
    r->irq = level;
}

static void rig_post(void *opaque, uint8_t code)
{
    struct rig *r = opaque;
    if (r->npost < 8)
        r->post[r->npost++] = code;
}

/* Byte i of the image: distinct per sector and offset. */
static uint8_t img_byte(long i) { return (uint8_t)((i >> 9) * 7 + (i & 511) * 13 + 1); }

static int rig_init(struct rig *r)
{
    memset(r, 0, sizeof *r);
    if (io_init(&r->bus) < 0 || phys_init(&r->pm, 1 << 20) < 0)
        return -1;
    vclock_init(&r->clock, VCLOCK_MANUAL);
    r->img = tmpfile();
    if (!r->img)
        return -1;
    for (long i = 0; i < IMG_SIZE; i++)
        fputc(img_byte(i), r->img);
    fflush(r->img);
    struct irq_line irq = { rig_irq, r, FDC_IRQ };
    if (dma_init(&r->dma, &r->bus, &r->pm) < 0 ||
        fdc_init(&r->fdc, &r->bus, FDC_BASE, &r->dma, FDC_DMA_CHANNEL, irq, &r->clock) < 0)
        return -1;
    dma_set_post_hook(&r->dma, rig_post, r);
    fdc_drive_connect(&r->fdc, 0);
    fdc_drive_connect(&r->fdc, 1);
    return fdc_drive_insert(&r->fdc, 0, IMG_SIZE, fdc_file_read, fdc_file_write, r->img, 0);
}

static void rig_free(struct rig *r)
{
    fclose(r->img);
    phys_free(&r->pm);
    io_free(&r->bus);
}

static uint8_t inb(struct rig *r, uint16_t port) { return (uint8_t)io_in(&r->bus, port, 1); }
static void outb(struct rig *r, uint16_t port, uint8_t v) { io_out(&r->bus, port, v, 1); }

static void advance(struct rig *r, uint64_t ns)
{
    vclock_set(&r->clock, vclock_now(&r->clock) + ns);
    vclock_run_timers(&r->clock);
}

/* Sends command bytes, each after MSR says the controller wants one. */
static int fdc_cmd(struct rig *r, int n, const uint8_t *bytes)
{
    for (int i = 0; i < n; i++) {
        if ((inb(r, 0x3f4) & (MSR_RQM | MSR_DIO)) != MSR_RQM)
            return -1;
        outb(r, 0x3f5, bytes[i]);
    }
    return 0;
}
#define CMD(r, ...) fdc_cmd((r), sizeof((uint8_t[]){ __VA_ARGS__ }), (uint8_t[]){ __VA_ARGS__ })

/* Reads result bytes while MSR shows RQM|DIO; returns how many. */
static int fdc_result(struct rig *r, uint8_t *res, int max)
{
    int n = 0;
    while (n < max && (inb(r, 0x3f4) & (MSR_RQM | MSR_DIO)) == (MSR_RQM | MSR_DIO))
        res[n++] = inb(r, 0x3f5);
    return n;
}

/* Waits for the execution phase to end (as a BIOS waits for IRQ 6). */
static void wait_irq(struct rig *r)
{
    for (int i = 0; i < 100 && !r->irq; i++)
        advance(r, 10000);
}

/* Programs DMA channel 2 as a BIOS does for a floppy transfer. */
static void dma_setup(struct rig *r, uint8_t mode, uint32_t addr, uint16_t count)
{
    outb(r, 0x0a, 0x06);                    /* mask channel 2 */
    outb(r, 0x0c, 0);                       /* clear flip-flop */
    outb(r, 0x0b, (uint8_t)(mode | 2));
    outb(r, 0x04, (uint8_t)addr);
    outb(r, 0x04, (uint8_t)(addr >> 8));
    outb(r, 0x81, (uint8_t)(addr >> 16));
    outb(r, 0x05, (uint8_t)count);
    outb(r, 0x05, (uint8_t)(count >> 8));
    outb(r, 0x0a, 0x02);                    /* unmask channel 2 */
}

static int mem_matches_image(struct rig *r, uint32_t addr, long off, long len)
{
    uint8_t buf[4096];
    phys_read_buf(&r->pm, addr, buf, (size_t)len);
    for (long i = 0; i < len; i++)
        if (buf[i] != img_byte(off + i))
            return 0;
    return 1;
}

static long lba_off(int c, int h, int s) { return ((long)(c * 2 + h) * SPT + (s - 1)) * 512; }

/* ---- tests ---- */

static void test_reset_and_seek(struct rig *r)
{
    uint8_t res[16];
    outb(r, 0x3f2, 0x00);                   /* reset */
    CHECK_EQ(inb(r, 0x3f4), 0);
    outb(r, 0x3f2, 0x1c);                   /* release, DMA+IRQ on, motor A */
    CHECK_EQ(r->irq, 1);                    /* the poll after reset */
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(CMD(r, FDC_CMD_SENSE_INT), 0);
        CHECK_EQ(fdc_result(r, res, 16), 2);
        CHECK_EQ(res[0], 0xc0 | i);
    }
    CHECK_EQ(r->irq, 0);
    CHECK_EQ(inb(r, 0x3f4), MSR_RQM);

    CHECK_EQ(CMD(r, FDC_CMD_VERSION), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], 0x90);

    CHECK_EQ(CMD(r, FDC_CMD_SPECIFY, 0xaf, 0x02), 0);
    CHECK_EQ(inb(r, 0x3f4), MSR_RQM);       /* no result phase */
    outb(r, 0x3f7, FDC_RATE_500K);          /* CCR */

    CHECK_EQ(inb(r, 0x3f7) & 0x80, 0x80);   /* a fresh medium: disk changed */
    CHECK_EQ(CMD(r, FDC_CMD_RECALIBRATE, 0), 0);
    if (r->fdc.clock) {
        CHECK_EQ(inb(r, 0x3f4), MSR_RQM | 0x01);   /* drive 0 busy seeking */
        CHECK_EQ(r->irq, 0);
    }
    wait_irq(r);
    CHECK_EQ(r->irq, 1);
    CHECK_EQ(CMD(r, FDC_CMD_SENSE_INT), 0);
    CHECK_EQ(fdc_result(r, res, 16), 2);
    CHECK_EQ(res[0], ST0_SE);
    CHECK_EQ(res[1], 0);
    CHECK_EQ(r->irq, 0);
    CHECK_EQ(inb(r, 0x3f7) & 0x80, 0);      /* the step cleared the change line */

    CHECK_EQ(CMD(r, FDC_CMD_SEEK, 0x04, 5), 0);  /* head 1, cylinder 5 */
    wait_irq(r);
    CHECK_EQ(CMD(r, FDC_CMD_SENSE_INT), 0);
    CHECK_EQ(fdc_result(r, res, 16), 2);
    CHECK_EQ(res[0], ST0_SE | ST0_HEAD);
    CHECK_EQ(res[1], 5);
    /* Nothing pending: invalid. */
    CHECK_EQ(CMD(r, FDC_CMD_SENSE_INT), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], 0x80);
    /* Relative seek outwards by 2. */
    CHECK_EQ(CMD(r, 0x8f, 0x00, 2), 0);
    wait_irq(r);
    CHECK_EQ(CMD(r, FDC_CMD_SENSE_INT), 0);
    CHECK_EQ(fdc_result(r, res, 16), 2);
    CHECK_EQ(res[1], 3);
    /* Recalibrate on a drive that is not there: equipment check. */
    CHECK_EQ(CMD(r, FDC_CMD_RECALIBRATE, 2), 0);
    wait_irq(r);
    CHECK_EQ(CMD(r, FDC_CMD_SENSE_INT), 0);
    CHECK_EQ(fdc_result(r, res, 16), 2);
    CHECK_EQ(res[0], ST0_IC_ABNORMAL | ST0_SE | ST0_EC | 2);
    outb(r, 0x3f2, 0x1c);
}

static void seek_to(struct rig *r, int cyl)
{
    uint8_t res[4];
    CMD(r, FDC_CMD_SEEK, 0, (uint8_t)cyl);
    wait_irq(r);
    CMD(r, FDC_CMD_SENSE_INT);
    fdc_result(r, res, 4);
}

static void test_read(struct rig *r)
{
    uint8_t res[16];
    seek_to(r, 5);
    /* One sector (cylinder 5, head 0, sector 3) into 0x1000. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE, 0x1000, 511);
    CHECK_EQ(CMD(r, 0xe6, 0x00, 5, 0, 3, 2, SPT, 0x1b, 0xff), 0);
    if (r->fdc.clock)
        CHECK_EQ(inb(r, 0x3f4) & (MSR_RQM | MSR_CB), MSR_CB);   /* executing */
    wait_irq(r);
    CHECK_EQ(r->irq, 1);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(r->irq, 0);                    /* the first result byte drops it */
    CHECK_EQ(res[0], 0x00);
    CHECK_EQ(res[1], 0);
    CHECK_EQ(res[2], 0);
    CHECK_EQ(res[3], 5);
    CHECK_EQ(res[4], 0);
    CHECK_EQ(res[5], 4);
    CHECK_EQ(res[6], 2);
    CHECK(mem_matches_image(r, 0x1000, lba_off(5, 0, 3), 512));
    CHECK_EQ(inb(r, 0x08) & 0x04, 0x04);    /* DMA status: TC on channel 2 */
    CHECK_EQ(inb(r, 0x08) & 0x04, 0);       /* cleared by the read */
    CHECK_EQ(inb(r, 0x0f) & 0x04, 0x04);    /* the channel masked itself */

    /* Multi-track: sectors 17, 18 of head 0 then 1, 2 of head 1, at page 1. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE, 0x12000, 4 * 512 - 1);
    CHECK_EQ(CMD(r, 0xe6, 0x00, 5, 0, 17, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_HEAD);
    CHECK_EQ(res[1], 0);
    CHECK_EQ(res[3], 5);
    CHECK_EQ(res[4], 1);
    CHECK_EQ(res[5], 3);
    CHECK(mem_matches_image(r, 0x12000, lba_off(5, 0, 17), 2048));

    /* Whole-track read ending exactly at EOT with TC: C+1, R=1. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE, 0x20000, 2 * 512 - 1);
    CHECK_EQ(CMD(r, 0x46, 0x04, 5, 1, 17, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_HEAD);
    CHECK_EQ(res[3], 6);
    CHECK_EQ(res[4], 1);
    CHECK_EQ(res[5], 1);
    CHECK(mem_matches_image(r, 0x20000, lba_off(5, 1, 17), 1024));

    /* No TC by EOT: abnormal termination, end of cylinder. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE, 0x20000, 8 * 512 - 1);
    CHECK_EQ(CMD(r, 0x46, 0x00, 5, 0, 17, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_IC_ABNORMAL);
    CHECK_EQ(res[1], ST1_EN);

    /* Wrong cylinder (head is at 5): no data, wrong cylinder. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE, 0x1000, 511);
    CHECK_EQ(CMD(r, 0x46, 0x00, 7, 0, 1, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_IC_ABNORMAL);
    CHECK_EQ(res[1], ST1_ND);
    CHECK_EQ(res[2], ST2_WC);

    /* Wrong data rate: missing address mark. */
    outb(r, 0x3f7, FDC_RATE_250K);
    CHECK_EQ(CMD(r, 0x46, 0x00, 5, 0, 1, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_IC_ABNORMAL);
    CHECK_EQ(res[1], ST1_MA);
    outb(r, 0x3f7, FDC_RATE_500K);

    /* Masked DMA channel: overrun. */
    outb(r, 0x0a, 0x06);
    CHECK_EQ(CMD(r, 0x46, 0x00, 5, 0, 1, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[1], ST1_OR);

    /* Implied seek (CONFIGURE EIS): read cylinder 9 without a SEEK. */
    CHECK_EQ(CMD(r, FDC_CMD_CONFIGURE, 0, 0x40 | 0x20, 0), 0);
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE, 0x3000, 511);
    CHECK_EQ(CMD(r, 0x46, 0x00, 9, 0, 1, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_SE);
    CHECK(mem_matches_image(r, 0x3000, lba_off(9, 0, 1), 512));
    CHECK_EQ(CMD(r, FDC_CMD_CONFIGURE, 0, 0x20, 0), 0);
    seek_to(r, 5);
}

static void test_write(struct rig *r)
{
    uint8_t res[16], data[512], back[512];
    for (int i = 0; i < 512; i++)
        data[i] = (uint8_t)(255 - i);
    phys_write_buf(&r->pm, 0x4000, data, 512);
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_READ, 0x4000, 511);
    CHECK_EQ(CMD(r, 0xc5, 0x00, 5, 0, 7, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], 0);
    CHECK_EQ(res[1], 0);
    CHECK_EQ(res[5], 8);
    fseek(r->img, lba_off(5, 0, 7), SEEK_SET);
    CHECK_EQ(fread(back, 1, 512, r->img), 512);
    CHECK(memcmp(back, data, 512) == 0);
    /* The neighbours are untouched. */
    CHECK_EQ(fgetc(r->img), img_byte(lba_off(5, 0, 8)));

    /* Write-protected medium. */
    r->fdc.drive[0].readonly = 1;
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_READ, 0x4000, 511);
    CHECK_EQ(CMD(r, 0xc5, 0x00, 5, 0, 8, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_IC_ABNORMAL);
    CHECK_EQ(res[1], ST1_NW);
    CHECK_EQ(CMD(r, FDC_CMD_SENSE_DRIVE, 0x00), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], ST3_WP | ST3_RDY | ST3_TS);
    r->fdc.drive[0].readonly = 0;

    /* FORMAT TRACK: cylinder 5 head 1, 18 sectors, filled with 0xf6. */
    uint8_t ids[SPT * 4];
    for (int s = 0; s < SPT; s++) {
        ids[s * 4] = 5;
        ids[s * 4 + 1] = 1;
        ids[s * 4 + 2] = (uint8_t)(s + 1);
        ids[s * 4 + 3] = 2;
    }
    phys_write_buf(&r->pm, 0x5000, ids, sizeof ids);
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_READ, 0x5000, sizeof ids - 1);
    CHECK_EQ(CMD(r, 0x4d, 0x04, 2, SPT, 0x54, 0xf6), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_HEAD);
    CHECK_EQ(res[1], 0);
    int all = 1;
    fseek(r->img, lba_off(5, 1, 1), SEEK_SET);
    for (int i = 0; i < SPT * 512; i++)
        all &= fgetc(r->img) == 0xf6;
    CHECK(all);
    CHECK_EQ(fgetc(r->img), img_byte(lba_off(6, 0, 1)));
}

static void test_misc(struct rig *r)
{
    uint8_t res[16];
    /* READ ID: cylinder 5, the sector after the last one read. */
    CHECK_EQ(CMD(r, 0x4a, 0x00), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], 0);
    CHECK_EQ(res[3], 5);
    CHECK_EQ(res[6], 2);
    CHECK(res[5] >= 1 && res[5] <= SPT);

    CHECK_EQ(CMD(r, FDC_CMD_SENSE_DRIVE, 0x04), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], ST3_RDY | ST3_TS | ST3_HEAD);

    /* LOCK keeps CONFIGURE across a reset; DUMPREG shows it. */
    CHECK_EQ(CMD(r, FDC_CMD_CONFIGURE, 0, 0x5a, 0x07), 0);
    CHECK_EQ(CMD(r, 0x94), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], 0x10);
    CHECK_EQ(CMD(r, FDC_CMD_PERPENDICULAR, 0x80 | 0x04 | 0x03), 0);
    outb(r, 0x3f4, DSR_SWRESET | FDC_RATE_500K);
    CHECK_EQ(r->irq, 0);                    /* 0x5a has POLL (bit 4) set: no poll interrupt */
    CHECK_EQ(CMD(r, FDC_CMD_DUMPREG), 0);
    CHECK_EQ(fdc_result(r, res, 16), 10);
    CHECK_EQ(res[0], 5);
    CHECK_EQ(res[4], 0xaf);
    CHECK_EQ(res[5], 0x02);
    CHECK_EQ(res[7], 0x80 | 0x04);          /* LOCK, D0; GAP/WGATE cleared by the reset */
    CHECK_EQ(res[8], 0x5a);
    CHECK_EQ(res[9], 0x07);
    CHECK_EQ(CMD(r, 0x14), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], 0);
    outb(r, 0x3f2, 0x18);                   /* DOR reset: defaults come back, poll interrupt on release */
    outb(r, 0x3f2, 0x1c);
    CHECK_EQ(r->irq, 1);
    for (int i = 0; i < 4; i++) {
        CMD(r, FDC_CMD_SENSE_INT);
        fdc_result(r, res, 16);
    }
    CHECK_EQ(CMD(r, FDC_CMD_DUMPREG), 0);
    CHECK_EQ(fdc_result(r, res, 16), 10);
    CHECK_EQ(res[8], 0x20);

    /* A BIOS that collects only one reset status (SeaBIOS): the next
     * interrupt's status is not hidden behind the other three. */
    outb(r, 0x3f2, 0x18);
    outb(r, 0x3f2, 0x1c);
    CMD(r, FDC_CMD_SENSE_INT);
    CHECK_EQ(fdc_result(r, res, 16), 2);
    CHECK_EQ(res[0], 0xc0);
    CMD(r, FDC_CMD_RECALIBRATE, 0);
    wait_irq(r);
    CMD(r, FDC_CMD_SENSE_INT);
    CHECK_EQ(fdc_result(r, res, 16), 2);
    CHECK_EQ(res[0], ST0_SE);
    CHECK_EQ(CMD(r, FDC_CMD_SENSE_INT), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], 0x80);
    seek_to(r, 5);

    /* Invalid opcodes. */
    CHECK_EQ(CMD(r, 0x18), 0);
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], 0x80);
    CHECK_EQ(CMD(r, 0x83), 0);              /* SPECIFY with MT set */
    CHECK_EQ(fdc_result(r, res, 16), 1);
    CHECK_EQ(res[0], 0x80);

    /* DOR bit 3 gates the IRQ line. */
    CMD(r, FDC_CMD_SEEK, 0, 5);
    wait_irq(r);
    outb(r, 0x3f2, 0x14);
    CHECK_EQ(r->irq, 0);
    outb(r, 0x3f2, 0x1c);
    CHECK_EQ(r->irq, 1);
    CMD(r, FDC_CMD_SENSE_INT);
    fdc_result(r, res, 16);

    /* Programmed I/O (SPECIFY ND): a sector through the FIFO, ending at EOT. */
    CHECK_EQ(CMD(r, FDC_CMD_SPECIFY, 0xaf, 0x03), 0);
    CHECK_EQ(CMD(r, 0x46, 0x00, 5, 0, 2, 2, 2, 0x1b, 0xff), 0);
    CHECK_EQ(inb(r, 0x3f4), MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB);
    int ok = 1;
    for (int i = 0; i < 512; i++)
        ok &= inb(r, 0x3f5) == img_byte(lba_off(5, 0, 2) + i);
    CHECK(ok);
    CHECK_EQ(r->irq, 1);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[0], ST0_IC_ABNORMAL);      /* non-DMA transfers end at EOT with EN */
    CHECK_EQ(res[1], ST1_EN);
    /* ... and a PIO write of one sector (cylinder 5, head 0, sector 9). */
    CHECK_EQ(CMD(r, 0x45, 0x00, 5, 0, 9, 2, 9, 0x1b, 0xff), 0);
    CHECK_EQ(inb(r, 0x3f4), MSR_RQM | MSR_NDMA | MSR_CB);
    for (int i = 0; i < 512; i++)
        outb(r, 0x3f5, (uint8_t)(i ^ 0x5a));
    CHECK_EQ(r->irq, 1);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[1], ST1_EN);
    CHECK_EQ(res[3], 6);                    /* past EOT: next cylinder, sector 1 */
    CHECK_EQ(res[5], 1);
    fseek(r->img, lba_off(5, 0, 9), SEEK_SET);
    ok = 1;
    for (int i = 0; i < 512; i++)
        ok &= fgetc(r->img) == ((i ^ 0x5a) & 0xff);
    CHECK(ok);
    CHECK_EQ(CMD(r, FDC_CMD_SPECIFY, 0xaf, 0x02), 0);

    /* Media change: eject, DIR bit 7; READ finds no medium. */
    fdc_drive_eject(&r->fdc, 0);
    CHECK_EQ(inb(r, 0x3f7), 0x80);
    CHECK_EQ(CMD(r, 0x46, 0x00, 5, 0, 1, 2, SPT, 0x1b, 0xff), 0);
    wait_irq(r);
    CHECK_EQ(fdc_result(r, res, 16), 7);
    CHECK_EQ(res[1], ST1_MA);
    CHECK_EQ(fdc_drive_insert(&r->fdc, 0, IMG_SIZE, fdc_file_read, fdc_file_write, r->img, 0), 0);
    CHECK_EQ(fdc_drive_insert(&r->fdc, 1, 1000, fdc_file_read, NULL, r->img, 0), -1);
    CHECK_EQ(fdc_cmos_type(1474560), 4);
    CHECK_EQ(fdc_cmos_type(737280), 3);
    CHECK_EQ(fdc_cmos_type(1228800), 2);
    CHECK_EQ(fdc_cmos_type(368640), 1);
    CHECK_EQ(fdc_cmos_type(2949120), 5);
}

static void test_dma(struct rig *r)
{
    uint8_t buf[64], back[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(i + 1);

    /* Flip-flop: address reads back low then high. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE, 0x31234, 15);
    outb(r, 0x0c, 0);
    CHECK_EQ(inb(r, 0x04), 0x34);
    CHECK_EQ(inb(r, 0x04), 0x12);
    CHECK_EQ(inb(r, 0x81), 0x03);
    CHECK_EQ(dma_remaining(&r->dma, 2), 16);

    /* Auto-init: 40 bytes through a 16-byte window wrap onto it. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_WRITE | DMA_MODE_AUTOINIT, 0x6000, 15);
    CHECK_EQ(dma_transfer(&r->dma, 2, buf, 40, 1), 40);
    phys_read_buf(&r->pm, 0x6000, back, 16);
    CHECK_EQ(back[0], 33);                  /* third pass wrote 33..40 over the start */
    CHECK_EQ(back[8], 25);                  /* second pass's tail */
    CHECK(dma_channel_ready(&r->dma, 2));
    CHECK_EQ(dma_remaining(&r->dma, 2), 8);

    /* Decrement: bytes go downwards from the address. */
    dma_setup(r, DMA_MODE_BLOCK | DMA_MODE_WRITE | DMA_MODE_DECREMENT, 0x7010, 3);
    CHECK_EQ(dma_transfer(&r->dma, 2, buf, 8, 1), 4);   /* TC after 4 */
    CHECK(dma_terminal_count(&r->dma, 2));
    phys_read_buf(&r->pm, 0x700d, back, 4);
    CHECK_EQ(back[0], 4);
    CHECK_EQ(back[3], 1);
    CHECK_EQ(dma_transfer(&r->dma, 2, buf, 8, 1), 0);   /* masked itself */

    /* Verify mode counts without touching memory. */
    dma_setup(r, DMA_MODE_SINGLE | DMA_MODE_VERIFY, 0x7100, 7);
    CHECK_EQ(dma_transfer(&r->dma, 2, buf, 8, 1), 8);
    CHECK_EQ(phys_read(&r->pm, 0x7100, 1), 0);

    /* Channel 5 (16-bit): word address 0x1000 on page 0x02 -> 0x22000. */
    outb(r, 0xd4, 0x05);                    /* mask 5 */
    outb(r, 0xd8, 0);
    outb(r, 0xd6, DMA_MODE_SINGLE | DMA_MODE_WRITE | 1);
    outb(r, 0xc4, 0x00);
    outb(r, 0xc4, 0x10);
    outb(r, 0x8b, 0x03);                    /* page bit 0 is ignored */
    outb(r, 0xc6, 3);                       /* 4 words */
    outb(r, 0xc6, 0);
    outb(r, 0xd4, 0x01);
    CHECK_EQ(dma_transfer(&r->dma, 5, buf, 11, 1), 8);
    CHECK_EQ(phys_read(&r->pm, 0x22000, 4), 0x04030201);
    CHECK_EQ(inb(r, 0xd0) & 0x02, 0x02);    /* DMA2 status: TC on its channel 1 */

    /* Master clear masks everything; cascade channels never move data. */
    outb(r, 0x0d, 0);
    CHECK_EQ(inb(r, 0x0f) & 0x0f, 0x0f);
    outb(r, 0x0e, 0);
    CHECK_EQ(inb(r, 0x0f) & 0x0f, 0);
    outb(r, 0x0b, DMA_MODE_CASCADE | 3);
    CHECK_EQ(dma_transfer(&r->dma, 3, buf, 8, 1), 0);

    /* POST codes on port 0x80, and they read back. */
    outb(r, 0x80, 0x55);
    outb(r, 0x80, 0xaa);
    CHECK_EQ(r->npost, 2);
    CHECK_EQ(r->post[1], 0xaa);
    CHECK_EQ(inb(r, 0x80), 0xaa);
    dma_reset(&r->dma);
    CHECK_EQ(inb(r, 0x80), 0);
}

int main(void)
{
    struct rig *r = calloc(1, sizeof *r);
    if (!r || rig_init(r) < 0) {
        printf("rig set-up failed\n");
        return 1;
    }
    test_reset_and_seek(r);
    test_read(r);
    test_write(r);
    test_misc(r);
    test_dma(r);
    /* Without a clock every phase completes during the port write. */
    struct rig *q = calloc(1, sizeof *q);
    if (q && rig_init(q) == 0) {
        struct irq_line irq = { rig_irq, q, FDC_IRQ };
        io_free(&q->bus);
        io_init(&q->bus);
        dma_init(&q->dma, &q->bus, &q->pm);
        fdc_init(&q->fdc, &q->bus, FDC_BASE, &q->dma, FDC_DMA_CHANNEL, irq, NULL);
        fdc_drive_insert(&q->fdc, 0, IMG_SIZE, fdc_file_read, fdc_file_write, q->img, 0);
        test_reset_and_seek(q);
        test_read(q);
        rig_free(q);
    }
    free(q);
    rig_free(r);
    free(r);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
