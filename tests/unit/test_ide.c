/* IDE unit tests: ATA disks and an ATAPI CD-ROM on temporary image files,
 * driven through the port bus as a guest driver would (io_out/io_in), the
 * bus-master DMA engine with PRD tables in guest memory, and the disk image
 * backend's errors and -snapshot overlay. Final line "N passed, N failed". */
#include "devices/disk.h"
#include "devices/ide.h"
#include "mmu/endian.h"
#include "mmu/io.h"
#include "mmu/phys.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want) check_eq((uint64_t)(got), (uint64_t)(want), #got, __FILE__, __LINE__)

static void check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s:%d: %s\n", file, line, what);
}

static void check_eq(uint64_t got, uint64_t want, const char *what, const char *file, int line)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s:%d: %s is 0x%llx, want 0x%llx\n", file, line, what,
           (unsigned long long)got, (unsigned long long)want);
}

/* ---- images ------------------------------------------------------------------ */

static char tmpdir[64];
static int ntmp;

static void tmp_path(char *out, size_t n, const char *tag)
{
    snprintf(out, n, "%s/%s-%d", tmpdir, tag, ntmp++);
}

/* Byte i of the pattern image: differs per sector and offset. */
static uint8_t pat(uint64_t off)
{
    uint64_t s = off / 512;
    return (uint8_t)(off * 7 + s * 13 + (s >> 8));
}

static void make_image(const char *path, uint64_t size, int pattern)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(path);
        exit(2);
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        perror("ftruncate");
        exit(2);
    }
    if (pattern) {
        uint8_t buf[4096];
        for (uint64_t off = 0; off < size; off += sizeof buf) {
            for (size_t i = 0; i < sizeof buf; i++)
                buf[i] = pat(off + i);
            if (pwrite(fd, buf, sizeof buf, (off_t)off) != (ssize_t)sizeof buf)
                exit(2);
        }
    }
    close(fd);
}

static void file_read(const char *path, uint64_t off, void *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || pread(fd, buf, n, (off_t)off) != (ssize_t)n)
        memset(buf, 0xee, n);
    if (fd >= 0)
        close(fd);
}

static uint64_t file_checksum(const char *path)
{
    uint64_t h = 1469598103934665603ull;
    FILE *f = fopen(path, "rb");
    int c;
    if (!f)
        return 0;
    while ((c = fgetc(f)) != EOF)
        h = (h ^ (uint8_t)c) * 1099511628211ull;
    fclose(f);
    return h;
}

/* ---- rig -------------------------------------------------------------------- */

struct rig {
    struct iobus bus;
    struct physmem pm;
    struct ide_channel pri, sec;
    struct ide_bm bm;
    int irq[16], irq_rises[16];
};

static void rig_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    if (level && !r->irq[n])
        r->irq_rises[n]++;
    r->irq[n] = level;
}

static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof *r);
    if (io_init(&r->bus) < 0 || phys_init(&r->pm, 1 << 20) < 0)
        exit(2);
    struct irq_line l14 = { rig_irq, r, 14 }, l15 = { rig_irq, r, 15 };
    CHECK_EQ(ide_init(&r->pri, &r->bus, IDE_PRIMARY_BASE, IDE_PRIMARY_CTL, l14, "ide0"), 0);
    CHECK_EQ(ide_init(&r->sec, &r->bus, IDE_SECONDARY_BASE, IDE_SECONDARY_CTL, l15, "ide1"), 0);
    ide_bm_init(&r->bm, &r->pm, &r->pri, &r->sec);
}

static void rig_free(struct rig *r)
{
    ide_free(&r->pri);
    ide_free(&r->sec);
    phys_free(&r->pm);
    io_free(&r->bus);
}

#define P 0x1f0
#define PCTL 0x3f6

static struct rig *R;

static void outb(uint16_t port, uint8_t v) { io_out(&R->bus, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_in(&R->bus, port, 1); }
static uint16_t inw(uint16_t port) { return (uint16_t)io_in(&R->bus, port, 2); }
static void outw(uint16_t port, uint16_t v) { io_out(&R->bus, port, v, 2); }
static uint32_t inl(uint16_t port) { return io_in(&R->bus, port, 4); }
static void outl(uint16_t port, uint32_t v) { io_out(&R->bus, port, v, 4); }

static void lba28_cmd(uint16_t base, int dev, uint32_t lba, uint8_t count, uint8_t cmd)
{
    outb(base + 6, (uint8_t)(0xe0 | (dev << 4) | ((lba >> 24) & 0xf)));
    outb(base + 2, count);
    outb(base + 3, (uint8_t)lba);
    outb(base + 4, (uint8_t)(lba >> 8));
    outb(base + 5, (uint8_t)(lba >> 16));
    outb(base + 7, cmd);
}

static void lba48_cmd(uint16_t base, int dev, uint64_t lba, uint16_t count, uint8_t cmd)
{
    outb(base + 6, (uint8_t)(0x40 | (dev << 4)));
    outb(base + 2, (uint8_t)(count >> 8));
    outb(base + 3, (uint8_t)(lba >> 24));
    outb(base + 4, (uint8_t)(lba >> 32));
    outb(base + 5, (uint8_t)(lba >> 40));
    outb(base + 2, (uint8_t)count);
    outb(base + 3, (uint8_t)lba);
    outb(base + 4, (uint8_t)(lba >> 8));
    outb(base + 5, (uint8_t)(lba >> 16));
    outb(base + 7, cmd);
}

static void read_words(uint16_t base, uint8_t *buf, int bytes)
{
    for (int i = 0; i < bytes; i += 2) {
        uint16_t w = inw(base);
        buf[i] = (uint8_t)w;
        buf[i + 1] = (uint8_t)(w >> 8);
    }
}

static void write_words(uint16_t base, const uint8_t *buf, int bytes)
{
    for (int i = 0; i < bytes; i += 2)
        outw(base, (uint16_t)(buf[i] | buf[i + 1] << 8));
}

static int match_pattern(const uint8_t *buf, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] != pat(off + i))
            return 0;
    return 1;
}

static uint16_t word(const uint8_t *b, int w) { return (uint16_t)(b[2 * w] | b[2 * w + 1] << 8); }

static void ata_string(const uint8_t *b, int w, int words, char *out)
{
    for (int i = 0; i < words * 2; i++)
        out[i] = (char)b[2 * w + (i ^ 1)];
    out[words * 2] = 0;
}

/* ---- disk backend errors ------------------------------------------------------ */

static void test_disk_errors(void)
{
    struct disk d;
    char err[512], path[128];

    tmp_path(path, sizeof path, "missing");
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 0, err, sizeof err), -1);
    CHECK(strstr(err, "No such file") != NULL);
    CHECK(strchr(err, '\n') == NULL);

    CHECK_EQ(disk_open(&d, tmpdir, DISK_MEDIA_HD, 0, err, sizeof err), -1);
    CHECK(strstr(err, "directory") != NULL);

    tmp_path(path, sizeof path, "empty");
    make_image(path, 0, 0);
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 0, err, sizeof err), -1);
    CHECK(strstr(err, "zero length") != NULL);

    tmp_path(path, sizeof path, "odd");
    make_image(path, 1000, 0);
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 0, err, sizeof err), -1);
    CHECK(strstr(err, "multiple of 512") != NULL);

    tmp_path(path, sizeof path, "oddcd");
    make_image(path, 2048 * 3 + 512, 0);
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_CDROM, 0, err, sizeof err), -1);
    CHECK(strstr(err, "multiple of 2048") != NULL);

    tmp_path(path, sizeof path, "ro");
    make_image(path, 64 * 512, 1);
    chmod(path, 0444);
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 0, err, sizeof err), -1);
    CHECK(strstr(err, "read-only") != NULL && strstr(err, "-snapshot") != NULL);
    /* ... but fine with -snapshot, and as a CD */
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 1, err, sizeof err), 0);
    disk_close(&d);
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_CDROM, 0, err, sizeof err), 0);
    uint8_t b[512];
    memset(b, 0, sizeof b);
    CHECK_EQ(disk_write(&d, 0, b, 512), -1);        /* CD media is read-only */
    CHECK_EQ(disk_read(&d, 2048 * 16, b, 512), -1); /* past the end */
    CHECK_EQ(disk_read(&d, 512, b, 512), 0);
    CHECK(match_pattern(b, 512, 512));
    disk_close(&d);
    chmod(path, 0644);

    /* Unreadable (only testable where permissions bind: not as root) */
    if (geteuid() != 0) {
        chmod(path, 0);
        CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 0, err, sizeof err), -1);
        CHECK(strstr(err, "Permission denied") != NULL);
        CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 1, err, sizeof err), -1);
        CHECK(strstr(err, "Permission denied") != NULL);
        chmod(path, 0644);
    }
    /* A snapshot overlay over a writable image: writes never reach the file */
    uint64_t before = file_checksum(path);
    CHECK_EQ(disk_open(&d, path, DISK_MEDIA_HD, 1, err, sizeof err), 0);
    memset(b, 0x77, sizeof b);
    CHECK_EQ(disk_write(&d, 3 * 512, b, 512), 0);
    CHECK_EQ(disk_write(&d, 64 * 512, b, 512), -1);  /* past the end */
    memset(b, 0, sizeof b);
    CHECK_EQ(disk_read(&d, 3 * 512, b, 512), 0);
    CHECK_EQ(b[0], 0x77);
    CHECK_EQ(disk_flush(&d), 0);
    disk_close(&d);
    CHECK_EQ(file_checksum(path), before);
}

/* ---- ATA ---------------------------------------------------------------------- */

static void test_ata(void)
{
    struct rig rig;
    struct disk hd, hd2;
    char err[512], path[128], path2[128];
    uint8_t buf[8192], host[8192];
    R = &rig;
    rig_init(&rig);

    /* Empty channels float; an empty slave reads 0. */
    CHECK_EQ(inb(P + 7), 0xff);
    CHECK_EQ(inb(0x177), 0xff);

    tmp_path(path, sizeof path, "hd");
    make_image(path, 8 * 1024 * 1024, 1);          /* 16384 sectors: 16 cylinders of 16x63 */
    CHECK_EQ(disk_open(&hd, path, DISK_MEDIA_HD, 0, err, sizeof err), 0);
    CHECK_EQ(ide_attach(&rig.pri, 0, IDE_ATA, &hd, err, sizeof err), 0);
    CHECK_EQ(ide_attach(&rig.pri, 0, IDE_ATA, &hd, err, sizeof err), -1);

    /* Power-on signature and status */
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(inb(P + 1), 0x01);
    CHECK_EQ(inb(P + 2), 1);
    CHECK_EQ(inb(P + 3), 1);
    CHECK_EQ(inb(P + 4), 0);
    CHECK_EQ(inb(P + 5), 0);
    outb(P + 6, 0xb0);                              /* slave: absent */
    CHECK_EQ(inb(P + 7), 0);
    outb(P + 2, 0x55);
    CHECK_EQ(inb(P + 2), 0);
    outb(P + 6, 0xa0);
    CHECK_EQ(inb(P + 2), 0x55);                     /* master latched it */

    /* IDENTIFY DEVICE */
    rig.irq_rises[14] = 0;
    outb(P + 7, 0xec);
    CHECK_EQ(rig.irq[14], 1);
    CHECK_EQ(inb(PCTL), 0x58);                      /* alternate status: no ack */
    CHECK_EQ(rig.irq[14], 1);
    CHECK_EQ(inb(P + 7), 0x58);
    CHECK_EQ(rig.irq[14], 0);
    CHECK_EQ(rig.bm.c[0].status & 4, 4);            /* bus master saw the interrupt */
    read_words(P, buf, 512);
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(word(buf, 0), 0x0040);
    CHECK_EQ(word(buf, 1), 16);
    CHECK_EQ(word(buf, 3), 16);
    CHECK_EQ(word(buf, 6), 63);
    CHECK_EQ(word(buf, 60) | (uint32_t)word(buf, 61) << 16, 16384);
    CHECK_EQ(word(buf, 100) | (uint32_t)word(buf, 101) << 16, 16384);
    CHECK_EQ(word(buf, 49) & 0x0300, 0x0300);       /* LBA, DMA */
    CHECK_EQ(word(buf, 83) & 0x0400, 0x0400);       /* LBA48 */
    CHECK_EQ(word(buf, 47) & 0xff, 16);
    char s[48];
    ata_string(buf, 27, 20, s);
    CHECK(strncmp(s, "RELIC HARDDISK ", 15) == 0);
    ata_string(buf, 10, 10, s);
    CHECK(s[0] != ' ' && s[0] != 0);
    ata_string(buf, 23, 4, s);
    CHECK(strncmp(s, "1.0 ", 4) == 0);

    /* PIO READ SECTORS, LBA28: one interrupt a sector */
    rig.irq_rises[14] = 0;
    lba28_cmd(P, 0, 5, 3, 0x20);
    CHECK_EQ(inb(P + 7), 0x58);
    read_words(P, buf, 512);
    CHECK_EQ(inb(P + 7), 0x58);
    read_words(P, buf + 512, 512);
    inb(P + 7);
    for (int i = 0; i < 128; i++)                   /* 32-bit data port */
        st32le(buf + 1024 + 4 * i, inl(P));
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(rig.irq_rises[14], 3);
    CHECK(match_pattern(buf, 5 * 512, 1536));
    CHECK_EQ(inb(P + 3), 7);                        /* last sector read */

    /* PIO WRITE SECTORS, LBA28: DRQ without interrupt, then one per sector */
    for (int i = 0; i < 1024; i++)
        buf[i] = (uint8_t)(i * 3 + 1);
    rig.irq_rises[14] = 0;
    lba28_cmd(P, 0, 0x123, 2, 0x30);
    CHECK_EQ(inb(PCTL), 0x58);
    CHECK_EQ(rig.irq_rises[14], 0);
    write_words(P, buf, 512);
    CHECK_EQ(inb(P + 7), 0x58);
    write_words(P, buf + 512, 512);
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(rig.irq_rises[14], 2);
    file_read(path, 0x123 * 512, host, 1024);
    CHECK(memcmp(host, buf, 1024) == 0);
    file_read(path, 0x125 * 512, host, 512);
    CHECK(match_pattern(host, 0x125 * 512, 512));   /* neighbour untouched */

    /* LBA48 READ/WRITE SECTORS EXT */
    lba48_cmd(P, 0, 0x2000, 2, 0x24);
    CHECK_EQ(inb(P + 7), 0x58);
    read_words(P, buf, 1024);
    CHECK(match_pattern(buf, 0x2000 * 512, 1024));
    CHECK_EQ(inb(P + 7), 0x50);
    lba48_cmd(P, 0, 16383, 2, 0x24);                /* runs past the end */
    CHECK_EQ(inb(P + 7), 0x51);
    CHECK_EQ(inb(P + 1), 0x14);                     /* IDNF|ABRT */
    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(0xa5 ^ i);
    lba48_cmd(P, 0, 16383, 1, 0x34);
    write_words(P, buf, 512);
    CHECK_EQ(inb(P + 7), 0x50);
    file_read(path, 16383ull * 512, host, 512);
    CHECK(memcmp(host, buf, 512) == 0);
    /* HOB readback of the last sector address */
    outb(PCTL, 0x80);
    CHECK_EQ(inb(P + 3), 0);
    outb(PCTL, 0x00);
    CHECK_EQ(inb(P + 3), 0xff);
    CHECK_EQ(inb(P + 4), 0x3f);

    /* CHS: cylinder 2, head 5, sector 7 with the default 16x63 translation */
    uint32_t chs_lba = (2 * 16 + 5) * 63 + 6;
    outb(P + 6, 0xa5);
    outb(P + 2, 1);
    outb(P + 3, 7);
    outb(P + 4, 2);
    outb(P + 5, 0);
    outb(P + 7, 0x20);
    read_words(P, buf, 512);
    CHECK(match_pattern(buf, chs_lba * 512ull, 512));
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors; write C1 H3 S2 */
    outb(P + 6, 0xa3);
    outb(P + 2, 17);
    outb(P + 7, 0x91);
    CHECK_EQ(inb(P + 7), 0x50);
    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(i ^ 0x5a);
    outb(P + 6, 0xa3);
    outb(P + 2, 1);
    outb(P + 3, 2);
    outb(P + 4, 1);
    outb(P + 5, 0);
    outb(P + 7, 0x30);
    write_words(P, buf, 512);
    CHECK_EQ(inb(P + 7), 0x50);
    file_read(path, ((1 * 4 + 3) * 17 + 1) * 512ull, host, 512);
    CHECK(memcmp(host, buf, 512) == 0);
    outb(P + 7, 0xec);
    inb(P + 7);
    read_words(P, buf, 512);
    CHECK_EQ(word(buf, 55), 4);
    CHECK_EQ(word(buf, 56), 17);
    CHECK_EQ(word(buf, 54), 16384 / (4 * 17));
    outb(P + 6, 0xa0);                              /* sector 0 is no CHS address */
    outb(P + 2, 1);
    outb(P + 3, 0);
    outb(P + 7, 0x20);
    CHECK_EQ(inb(P + 7), 0x51);
    CHECK_EQ(inb(P + 1) & 0x10, 0x10);

    /* READ/WRITE MULTIPLE */
    lba28_cmd(P, 0, 0, 0, 0xc4);                    /* multiple mode off: aborted */
    CHECK_EQ(inb(P + 7), 0x51);
    CHECK_EQ(inb(P + 1), 0x04);
    lba28_cmd(P, 0, 0, 3, 0xc6);                    /* not a power of two */
    CHECK_EQ(inb(P + 7), 0x51);
    lba28_cmd(P, 0, 0, 4, 0xc6);
    CHECK_EQ(inb(P + 7), 0x50);
    for (int i = 0; i < 6 * 512; i++)
        buf[i] = (uint8_t)(i * 11 + 5);
    rig.irq_rises[14] = 0;
    lba28_cmd(P, 0, 200, 6, 0xc5);
    write_words(P, buf, 4 * 512);                   /* first block: 4 sectors */
    CHECK_EQ(inb(P + 7), 0x58);
    for (int i = 0; i < 256; i++)                   /* then the remaining 2, 32 bits at a time */
        outl(P, ld32le(buf + 2048 + 4 * i));
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(rig.irq_rises[14], 2);
    file_read(path, 200 * 512, host, 6 * 512);
    CHECK(memcmp(host, buf, 6 * 512) == 0);
    rig.irq_rises[14] = 0;
    lba28_cmd(P, 0, 200, 6, 0xc4);
    CHECK_EQ(inb(P + 7), 0x58);
    read_words(P, host, 4 * 512);
    CHECK_EQ(inb(P + 7), 0x58);
    read_words(P, host + 2048, 2 * 512);
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(rig.irq_rises[14], 2);
    CHECK(memcmp(host, buf, 6 * 512) == 0);

    /* DMA through the bus master: PRD table at 0x1000, two entries */
    phys_write(&rig.pm, 0x1000, 0x2000, 4);
    phys_write(&rig.pm, 0x1004, 512, 4);
    phys_write(&rig.pm, 0x1008, 0x3000, 4);
    phys_write(&rig.pm, 0x100c, 0x80000000u | 1024, 4);
    ide_bm_write(&rig.bm, 4, 0x1000, 4);
    CHECK_EQ(ide_bm_read(&rig.bm, 4, 4), 0x1000);
    ide_bm_write(&rig.bm, 2, 0x24, 1);              /* clear interrupt, drive 0 DMA capable */
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x20);
    rig.irq_rises[14] = 0;
    lba28_cmd(P, 0, 40, 3, 0xc8);                   /* READ DMA */
    CHECK_EQ(rig.irq_rises[14], 0);
    ide_bm_write(&rig.bm, 0, 0x09, 1);              /* start, to memory */
    CHECK_EQ(rig.irq_rises[14], 1);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x24);     /* interrupt, not active */
    CHECK_EQ(inb(P + 7), 0x50);
    phys_read_buf(&rig.pm, 0x2000, buf, 512);
    phys_read_buf(&rig.pm, 0x3000, buf + 512, 1024);
    CHECK(match_pattern(buf, 40 * 512, 1536));
    ide_bm_write(&rig.bm, 0, 0x00, 1);
    ide_bm_write(&rig.bm, 2, 0x24, 1);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x20);
    /* WRITE DMA EXT from guest memory; the command comes after the start */
    for (int i = 0; i < 1536; i++)
        buf[i] = (uint8_t)(i * 5 + 9);
    phys_write_buf(&rig.pm, 0x2000, buf, 512);
    phys_write_buf(&rig.pm, 0x3000, buf + 512, 1024);
    ide_bm_write(&rig.bm, 0, 0x01, 1);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x21);
    lba48_cmd(P, 0, 3000, 3, 0x35);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x24);
    CHECK_EQ(rig.irq[14], 1);
    CHECK_EQ(inb(P + 7), 0x50);
    ide_bm_write(&rig.bm, 0, 0x00, 1);
    file_read(path, 3000 * 512, host, 1536);
    CHECK(memcmp(host, buf, 1536) == 0);
    /* PRD table longer than the transfer: interrupt with active still set */
    ide_bm_write(&rig.bm, 2, 0x24, 1);
    lba28_cmd(P, 0, 40, 1, 0xc8);
    ide_bm_write(&rig.bm, 0, 0x09, 1);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x25);
    ide_bm_write(&rig.bm, 0, 0x00, 1);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x24);
    ide_bm_write(&rig.bm, 2, 0x24, 1);
    /* Table shorter than the transfer: the command fails */
    lba28_cmd(P, 0, 40, 8, 0xc8);
    ide_bm_write(&rig.bm, 0, 0x09, 1);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1) & 1, 0);
    CHECK_EQ(inb(P + 7) & 1, 1);
    ide_bm_write(&rig.bm, 0, 0x00, 1);

    /* nIEN masks the line; READ VERIFY, SEEK, FLUSH CACHE, SET FEATURES */
    inb(P + 7);
    outb(PCTL, 0x02);
    lba28_cmd(P, 0, 10, 4, 0x40);
    CHECK_EQ(rig.irq[14], 0);
    CHECK_EQ(inb(PCTL), 0x50);
    outb(PCTL, 0x00);
    CHECK_EQ(rig.irq[14], 1);                       /* still pending */
    inb(P + 7);
    CHECK_EQ(rig.irq[14], 0);
    lba28_cmd(P, 0, 10, 0, 0x70);
    CHECK_EQ(inb(P + 7), 0x50);
    lba28_cmd(P, 0, 0, 0, 0xe7);
    CHECK_EQ(inb(P + 7), 0x50);
    lba28_cmd(P, 0, 0, 0, 0xea);
    CHECK_EQ(inb(P + 7), 0x50);
    outb(P + 1, 0x03);
    lba28_cmd(P, 0, 0, 0x42, 0xef);                 /* UDMA 2 */
    CHECK_EQ(inb(P + 7), 0x50);
    outb(P + 7, 0xec);
    inb(P + 7);
    read_words(P, buf, 512);
    CHECK_EQ(word(buf, 88), 0x043f);
    outb(P + 1, 0x77);
    lba28_cmd(P, 0, 0, 0, 0xef);
    CHECK_EQ(inb(P + 7), 0x51);
    outb(P + 7, 0x08);                              /* DEVICE RESET: ATAPI only */
    CHECK_EQ(inb(P + 7), 0x51);
    lba28_cmd(P, 0, 0, 0, 0xf8);                    /* READ NATIVE MAX ADDRESS */
    CHECK_EQ(inb(P + 3) | inb(P + 4) << 8 | inb(P + 5) << 16, 16383);

    /* Software reset */
    outb(PCTL, 0x04);
    CHECK_EQ(inb(PCTL) & 0x80, 0x80);
    outb(PCTL, 0x00);
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(inb(P + 1), 0x01);
    CHECK_EQ(inb(P + 2), 1);

    /* A big sparse LBA48 disk on the secondary channel */
    tmp_path(path2, sizeof path2, "big");
    make_image(path2, 1ull << 42, 0);               /* 2^33 sectors */
    if (disk_open(&hd2, path2, DISK_MEDIA_HD, 0, err, sizeof err) == 0) {
        CHECK_EQ(ide_attach(&rig.sec, 0, IDE_ATA, &hd2, err, sizeof err), 0);
        outb(0x170 + 7, 0xec);
        inb(0x177);
        read_words(0x170, buf, 512);
        CHECK_EQ(word(buf, 60) | (uint32_t)word(buf, 61) << 16, 0x0fffffff);
        CHECK_EQ(word(buf, 100) | (uint64_t)word(buf, 101) << 16 | (uint64_t)word(buf, 102) << 32, 1ull << 33);
        CHECK_EQ(word(buf, 1), 16383);
        for (int i = 0; i < 512; i++)
            buf[i] = (uint8_t)(i + 0x40);
        rig.irq_rises[15] = 0;
        lba48_cmd(0x170, 0, 0x123456789ull, 1, 0x34);
        write_words(0x170, buf, 512);
        CHECK_EQ(inb(0x177), 0x50);
        CHECK_EQ(rig.irq_rises[15], 1);
        file_read(path2, 0x123456789ull * 512, host, 512);
        CHECK(memcmp(host, buf, 512) == 0);
        lba48_cmd(0x170, 0, 0x123456789ull, 1, 0x24);
        read_words(0x170, host, 512);
        CHECK(memcmp(host, buf, 512) == 0);
        disk_close(&hd2);
    } else {
        printf("SKIP sparse LBA48 image: %s\n", err);
    }
    unlink(path2);

    disk_close(&hd);
    rig_free(&rig);
    unlink(path);
}

/* ---- ATAPI ----------------------------------------------------------------------- */

static void packet(uint16_t base, const uint8_t cdb[12], uint16_t bcl, int dma)
{
    outb(base + 1, dma ? 1 : 0);
    outb(base + 4, (uint8_t)bcl);
    outb(base + 5, (uint8_t)(bcl >> 8));
    outb(base + 7, 0xa0);
    write_words(base, cdb, 12);
}

/* Reads a PIO data-in reply; returns its length and counts DRQ blocks. */
static int packet_in(uint16_t base, uint8_t *out, int max, int *blocks)
{
    int n = 0;
    *blocks = 0;
    for (int guard = 0; guard < 1000; guard++) {
        uint8_t st = inb(base + 7);
        if (!(st & 0x08))
            break;
        int len = inb(base + 4) | inb(base + 5) << 8;
        CHECK_EQ(inb(base + 2), 2);                 /* I/O, data */
        (*blocks)++;
        for (int i = 0; i < len; i += 2) {
            uint16_t w = inw(base);
            if (n + 1 < max) {
                out[n] = (uint8_t)w;
                out[n + 1] = (uint8_t)(w >> 8);
            }
            n += 2;
        }
        if (len & 1)
            n--;
    }
    return n;
}

static void test_atapi(void)
{
    struct rig rig;
    struct disk hd, cd, cd2;
    char err[512], path[128], iso[128], iso2[128];
    static uint8_t buf[70000];
    int blocks;
    R = &rig;
    rig_init(&rig);

    tmp_path(path, sizeof path, "hd");
    make_image(path, 1024 * 512, 1);
    tmp_path(iso, sizeof iso, "iso");
    make_image(iso, 300 * 2048, 1);                 /* 300 blocks */
    CHECK_EQ(disk_open(&hd, path, DISK_MEDIA_HD, 0, err, sizeof err), 0);
    CHECK_EQ(disk_open(&cd, iso, DISK_MEDIA_CDROM, 0, err, sizeof err), 0);
    CHECK_EQ(cd.block_size, 2048);
    CHECK_EQ(ide_attach(&rig.pri, 0, IDE_ATA, &hd, err, sizeof err), 0);
    CHECK_EQ(ide_attach(&rig.pri, 1, IDE_ATA, &cd, err, sizeof err), -1);  /* wrong media */
    CHECK_EQ(ide_attach(&rig.pri, 1, IDE_ATAPI, &cd, err, sizeof err), 0);

    /* Signature of the slave, and IDENTIFY DEVICE aborted */
    outb(P + 6, 0xb0);
    CHECK_EQ(inb(P + 4), 0x14);
    CHECK_EQ(inb(P + 5), 0xeb);
    CHECK_EQ(inb(P + 7), 0x00);
    outb(P + 4, 0);
    outb(P + 5, 0);
    outb(P + 7, 0xec);
    CHECK_EQ(inb(P + 7) & 1, 1);
    CHECK_EQ(inb(P + 1), 0x04);
    CHECK_EQ(inb(P + 4), 0x14);
    CHECK_EQ(inb(P + 5), 0xeb);
    outb(P + 7, 0xa1);                              /* IDENTIFY PACKET DEVICE */
    CHECK_EQ(inb(P + 7), 0x58);
    read_words(P, buf, 512);
    CHECK_EQ(word(buf, 0), 0x85c0);
    char s[48];
    ata_string(buf, 27, 20, s);
    CHECK(strncmp(s, "RELIC CD-ROM ", 13) == 0);
    CHECK_EQ(word(buf, 49) & 0x0300, 0x0300);

    /* TEST UNIT READY */
    uint8_t cdb[12] = {0};
    rig.irq_rises[14] = 0;
    packet(P, cdb, 0, 0);
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(inb(P + 2), 3);
    CHECK_EQ(rig.irq_rises[14], 1);

    /* INQUIRY */
    memset(cdb, 0, 12);
    cdb[0] = 0x12;
    cdb[4] = 36;
    packet(P, cdb, 0x100, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 36);
    CHECK_EQ(buf[0], 5);
    CHECK_EQ(buf[1], 0x80);
    CHECK(memcmp(buf + 8, "RELIC   ", 8) == 0);
    CHECK_EQ(inb(P + 2), 3);
    CHECK_EQ(inb(P + 7) & 0x89, 0);

    /* READ CAPACITY */
    memset(cdb, 0, 12);
    cdb[0] = 0x25;
    packet(P, cdb, 0xfffe, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 8);
    CHECK_EQ((uint32_t)buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3], 299);
    CHECK_EQ((uint32_t)buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7], 2048);

    /* READ(10) of 3 blocks with a byte count limit of 2048: three DRQ blocks */
    memset(cdb, 0, 12);
    cdb[0] = 0x28;
    cdb[5] = 16;
    cdb[8] = 3;
    rig.irq_rises[14] = 0;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 3 * 2048);
    CHECK_EQ(blocks, 3);
    CHECK_EQ(rig.irq_rises[14], 4);                 /* 3 blocks + completion */
    CHECK(match_pattern(buf, 16 * 2048, 3 * 2048));
    /* ... an odd limit is rounded down; 0xffff counts as 0xfffe */
    cdb[8] = 2;
    packet(P, cdb, 1001, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 2 * 2048);
    CHECK_EQ(blocks, 5);
    CHECK(match_pattern(buf, 16 * 2048, 2 * 2048));
    /* READ(12) of 40 blocks (more than one 64 KiB DRQ block) */
    memset(cdb, 0, 12);
    cdb[0] = 0xa8;
    cdb[5] = 200;
    cdb[9] = 40;
    packet(P, cdb, 0xffff, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 40 * 2048);
    CHECK_EQ(blocks, 2);
    CHECK(match_pattern(buf, 200 * 2048, sizeof buf < 40 * 2048 ? sizeof buf : 40 * 2048));
    /* out of range: CHECK CONDITION, then REQUEST SENSE */
    memset(cdb, 0, 12);
    cdb[0] = 0x28;
    cdb[3] = 1;                                     /* LBA 65536 */
    cdb[8] = 1;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(inb(P + 7), 0x41);
    CHECK_EQ(inb(P + 1) >> 4, 5);
    memset(cdb, 0, 12);
    cdb[0] = 0x03;
    cdb[4] = 18;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 18);
    CHECK_EQ(buf[0], 0x70);
    CHECK_EQ(buf[2], 5);
    CHECK_EQ(buf[12], 0x21);
    packet(P, cdb, 2048, 0);                        /* sense cleared */
    packet_in(P, buf, sizeof buf, &blocks);
    CHECK_EQ(buf[2], 0);

    /* READ TOC format 0, LBA then MSF */
    memset(cdb, 0, 12);
    cdb[0] = 0x43;
    cdb[8] = 100;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 20);
    CHECK_EQ(buf[0] << 8 | buf[1], 18);
    CHECK_EQ(buf[2], 1);
    CHECK_EQ(buf[3], 1);
    CHECK_EQ(buf[5], 0x14);
    CHECK_EQ(buf[6], 1);
    CHECK_EQ((uint32_t)buf[8] << 24 | buf[9] << 16 | buf[10] << 8 | buf[11], 0);
    CHECK_EQ(buf[14], 0xaa);
    CHECK_EQ((uint32_t)buf[16] << 24 | buf[17] << 16 | buf[18] << 8 | buf[19], 300);
    cdb[1] = 2;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 20);
    CHECK_EQ(buf[9], 0);                            /* 00:02:00 */
    CHECK_EQ(buf[10], 2);
    CHECK_EQ(buf[11], 0);
    CHECK_EQ(buf[17], 0);                           /* 450 frames = 00:06:00 */
    CHECK_EQ(buf[18], 6);
    CHECK_EQ(buf[19], 0);
    /* format 1: session info; allocation length truncates */
    memset(cdb, 0, 12);
    cdb[0] = 0x43;
    cdb[2] = 1;
    cdb[8] = 12;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 12);
    CHECK_EQ(buf[1], 10);
    CHECK_EQ(buf[6], 1);
    cdb[8] = 4;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 4);

    /* MODE SENSE(10) capabilities page */
    memset(cdb, 0, 12);
    cdb[0] = 0x5a;
    cdb[2] = 0x2a;
    cdb[8] = 64;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 30);
    CHECK_EQ(buf[8], 0x2a);
    CHECK_EQ(buf[9], 0x14);
    cdb[2] = 0x1c;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(inb(P + 7) & 1, 1);

    /* GET CONFIGURATION: current profile CD-ROM */
    memset(cdb, 0, 12);
    cdb[0] = 0x46;
    cdb[8] = 8;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 8);
    CHECK_EQ(buf[6] << 8 | buf[7], 0x0008);
    cdb[8] = 64;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 36);
    CHECK_EQ((uint32_t)buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3], 32);
    CHECK_EQ(buf[8] << 8 | buf[9], 0x0000);         /* profile list ... */
    CHECK_EQ(buf[12] << 8 | buf[13], 0x0008);       /* ... holds CD-ROM, current */
    CHECK_EQ(buf[14] & 1, 1);
    CHECK_EQ(buf[16] << 8 | buf[17], 0x0001);       /* core */
    cdb[1] = 2;                                     /* only feature 3 */
    cdb[3] = 3;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 16);
    CHECK_EQ(buf[8] << 8 | buf[9], 0x0003);

    /* READ DISC INFORMATION, PREVENT ALLOW, START STOP */
    memset(cdb, 0, 12);
    cdb[0] = 0x51;
    cdb[8] = 34;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 34);
    CHECK_EQ(buf[2] & 3, 2);                        /* complete disc */
    memset(cdb, 0, 12);
    cdb[0] = 0x1e;
    cdb[4] = 1;
    packet(P, cdb, 0, 0);
    CHECK_EQ(inb(P + 7), 0x50);
    memset(cdb, 0, 12);
    cdb[0] = 0x1b;
    cdb[4] = 2;                                     /* eject while locked */
    packet(P, cdb, 0, 0);
    CHECK_EQ(inb(P + 7), 0x41);
    cdb[0] = 0x1e;
    cdb[4] = 0;
    packet(P, cdb, 0, 0);
    cdb[0] = 0x1b;
    cdb[4] = 1;
    packet(P, cdb, 0, 0);
    CHECK_EQ(inb(P + 7), 0x50);

    /* Unknown command */
    memset(cdb, 0, 12);
    cdb[0] = 0xff;
    packet(P, cdb, 0, 0);
    CHECK_EQ(inb(P + 7), 0x41);
    CHECK_EQ(inb(P + 1), 0x54);

    /* ATAPI DMA: READ(10) of 2 blocks into one 4 KiB PRD */
    phys_write(&rig.pm, 0x1000, 0x4000, 4);
    phys_write(&rig.pm, 0x1004, 0x80000000u | 4096, 4);
    ide_bm_write(&rig.bm, 4, 0x1000, 4);
    ide_bm_write(&rig.bm, 2, 0x06, 1);
    memset(cdb, 0, 12);
    cdb[0] = 0x28;
    cdb[5] = 7;
    cdb[8] = 2;
    rig.irq_rises[14] = 0;
    packet(P, cdb, 0, 1);
    CHECK_EQ(rig.irq_rises[14], 0);
    ide_bm_write(&rig.bm, 0, 0x09, 1);
    CHECK_EQ(rig.irq_rises[14], 1);
    CHECK_EQ(ide_bm_read(&rig.bm, 2, 1), 0x04);
    CHECK_EQ(inb(P + 7), 0x50);
    CHECK_EQ(inb(P + 2), 3);
    ide_bm_write(&rig.bm, 0, 0x00, 1);
    phys_read_buf(&rig.pm, 0x4000, buf, 4096);
    CHECK(match_pattern(buf, 7 * 2048, 4096));

    /* Media change: unit attention once, then the new disc */
    tmp_path(iso2, sizeof iso2, "iso2");
    make_image(iso2, 50 * 2048, 0);
    CHECK_EQ(disk_open(&cd2, iso2, DISK_MEDIA_CDROM, 0, err, sizeof err), 0);
    ide_cd_change(&rig.pri, 1, &cd2);
    memset(cdb, 0, 12);
    cdb[0] = 0x4a;                                  /* GET EVENT STATUS: new media */
    cdb[1] = 1;
    cdb[4] = 0x10;
    cdb[8] = 8;
    packet(P, cdb, 2048, 0);
    CHECK_EQ(packet_in(P, buf, sizeof buf, &blocks), 8);
    CHECK_EQ(buf[4], 2);
    CHECK_EQ(buf[5], 2);
    memset(cdb, 0, 12);
    packet(P, cdb, 0, 0);                           /* TEST UNIT READY */
    CHECK_EQ(inb(P + 7), 0x41);
    CHECK_EQ(inb(P + 1) >> 4, 6);
    packet(P, cdb, 0, 0);
    CHECK_EQ(inb(P + 7), 0x50);
    cdb[0] = 0x25;
    packet(P, cdb, 2048, 0);
    packet_in(P, buf, sizeof buf, &blocks);
    CHECK_EQ(buf[3], 49);
    ide_cd_change(&rig.pri, 1, NULL);               /* ejected */
    memset(cdb, 0, 12);
    packet(P, cdb, 0, 0);
    packet(P, cdb, 0, 0);
    CHECK_EQ(inb(P + 7), 0x41);
    CHECK_EQ(inb(P + 1) >> 4, 2);                   /* not ready */

    /* DEVICE RESET and EXECUTE DEVICE DIAGNOSTIC */
    outb(P + 7, 0x08);
    CHECK_EQ(inb(P + 4), 0x14);
    CHECK_EQ(inb(P + 5), 0xeb);
    rig.irq_rises[14] = 0;
    outb(P + 7, 0x90);
    CHECK_EQ(rig.irq_rises[14], 1);
    CHECK_EQ(inb(P + 6) & 0x10, 0);                 /* master selected */
    CHECK_EQ(inb(P + 1), 0x01);
    CHECK_EQ(inb(P + 4), 0);
    outb(P + 6, 0xb0);
    CHECK_EQ(inb(P + 4), 0x14);

    disk_close(&cd2);
    disk_close(&cd);
    disk_close(&hd);
    rig_free(&rig);
    unlink(path);
    unlink(iso);
    unlink(iso2);
}

/* ---- snapshot ----------------------------------------------------------------- */

static void test_snapshot(void)
{
    struct rig rig;
    struct disk hd;
    char err[512], path[128];
    uint8_t buf[2048], host[2048];
    R = &rig;
    rig_init(&rig);

    tmp_path(path, sizeof path, "snap");
    make_image(path, 256 * 512, 1);
    uint64_t before = file_checksum(path);
    CHECK_EQ(disk_open(&hd, path, DISK_MEDIA_HD, 1, err, sizeof err), 0);
    CHECK_EQ(ide_attach(&rig.pri, 0, IDE_ATA, &hd, err, sizeof err), 0);
    for (int i = 0; i < 1024; i++)
        buf[i] = (uint8_t)~i;
    lba28_cmd(P, 0, 10, 2, 0x30);
    write_words(P, buf, 1024);
    CHECK_EQ(inb(P + 7), 0x50);
    /* DMA write too */
    phys_write_buf(&rig.pm, 0x8000, buf, 1024);
    phys_write(&rig.pm, 0x1000, 0x8000, 4);
    phys_write(&rig.pm, 0x1004, 0x80000000u | 1024, 4);
    ide_bm_write(&rig.bm, 4, 0x1000, 4);
    lba28_cmd(P, 0, 100, 2, 0xca);
    ide_bm_write(&rig.bm, 0, 0x01, 1);
    CHECK_EQ(inb(P + 7), 0x50);
    ide_bm_write(&rig.bm, 0, 0x00, 1);
    lba28_cmd(P, 0, 0, 0, 0xe7);                    /* FLUSH CACHE */
    CHECK_EQ(inb(P + 7), 0x50);
    /* reads see the overlay, spanning changed and unchanged sectors */
    lba28_cmd(P, 0, 9, 4, 0x20);
    for (int i = 0; i < 4; i++) {
        inb(P + 7);
        read_words(P, host + 0, 512);
        if (i == 0) CHECK(match_pattern(host, 9 * 512, 512));
        if (i == 1) CHECK(memcmp(host, buf, 512) == 0);
        if (i == 2) CHECK(memcmp(host, buf + 512, 512) == 0);
        if (i == 3) CHECK(match_pattern(host, 12 * 512, 512));
    }
    lba28_cmd(P, 0, 100, 2, 0x20);
    inb(P + 7);
    read_words(P, host, 512);
    inb(P + 7);
    read_words(P, host + 512, 512);
    CHECK(memcmp(host, buf, 1024) == 0);
    /* many sectors: the overlay grows */
    for (uint32_t l = 0; l < 256; l++) {
        lba28_cmd(P, 0, l, 1, 0x30);
        memset(buf, (int)l, 512);
        write_words(P, buf, 512);
    }
    lba28_cmd(P, 0, 77, 1, 0x20);
    read_words(P, host, 512);
    CHECK_EQ(host[0], 77);
    CHECK_EQ(host[511], 77);
    CHECK_EQ(file_checksum(path), before);
    disk_close(&hd);
    CHECK_EQ(file_checksum(path), before);
    rig_free(&rig);
    unlink(path);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/relic-ide-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_disk_errors();
    test_ata();
    test_atapi();
    test_snapshot();
    /* leave no temporary files behind */
    char p[128];
    const char *tags[] = {"missing", "empty", "odd", "oddcd", "ro", "hd", "big", "iso", "iso2", "snap"};
    for (int i = 0; i < ntmp; i++)
        for (size_t t = 0; t < sizeof tags / sizeof *tags; t++) {
            snprintf(p, sizeof p, "%s/%s-%d", tmpdir, tags[t], i);
            unlink(p);
        }
    rmdir(tmpdir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
