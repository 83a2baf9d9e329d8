/* The PC chipset on the board: the two 8259s, the 8254, the RTC/CMOS, the
 * PCI bus with the i440FX host bridge (which owns 0xc0000-0xfffff through
 * its PAM registers), the PIIX3 ISA bridge, IDE and power-management
 * functions, the VGA's PCI face, and fw_cfg, filled as Debian's SeaBIOS
 * expects to find it on a QEMU-style PC. */
#include "machine.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VGA_ROM_PATH "/usr/share/seabios/vgabios-stdvga.bin"
#define VGA_LFB_BASE 0xfd000000u

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "cannot set up the %s (I/O ports taken or out of memory)", what);
    return -1;
}

static void intr_changed(void *opaque, int level)
{
    struct machine *m = opaque;
    m->cpu.intr_line = (uint8_t)level;
    if (level) {
        /* let the CPU see it at the next block boundary */
        m->cpu.stop_block = 1;
    }
}

static void poweroff(void *opaque)
{
    struct machine *m = opaque;
    m->poweroff_requested = 1;
    m->cpu.budget = 0;
    m->cpu.stop_block = 1;
}

/* The bus-master block of the IDE function lives at its BAR4 I/O base. */
static uint32_t bm_read(void *opaque, uint16_t port, int size)
{
    struct machine *m = opaque;
    return ide_bm_read(&m->ide_bm, (uint32_t)(port - m->ide_bm_base), size);
}

static void bm_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct machine *m = opaque;
    ide_bm_write(&m->ide_bm, (uint32_t)(port - m->ide_bm_base), val, size);
}

static void bm_map(void *opaque, int bar, uint32_t old_addr, uint32_t new_addr)
{
    struct machine *m = opaque;
    (void)bar; (void)old_addr;
    /* the port bus cannot move a claim: the first placement stays (firmware never moves it) */
    if (new_addr == PCI_BAR_UNMAPPED || m->ide_bm_base)
        return;
    if (io_register(&m->io, (uint16_t)new_addr, 16, IO_W8 | IO_W16 | IO_W32, bm_read, bm_write, m, "ide-bm") == 0)
        m->ide_bm_base = (uint16_t)new_addr;
}

static int add_file_from_disk(struct machine *m, const char *fwname, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static uint8_t buf[256 << 10];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return n ? fw_cfg_add_file(&m->fw_cfg, fwname, buf, n) : -1;
}

static void fill_fw_cfg(struct machine *m)
{
    struct fw_cfg *fw = &m->fw_cfg;
    uint64_t ram = m->opts.ram_size;
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ram);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 1);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, 1);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, m->opts.nographic ? 1 : 0);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);
    fw_cfg_add_i64(fw, FW_CFG_NUMA, 0);
    fw_cfg_add_i32(fw, FW_CFG_E820_TABLE, 0);
    fw_cfg_add_i16(fw, FW_CFG_ACPI_TABLES, 0);
    fw_cfg_add_i16(fw, FW_CFG_SMBIOS_ENTRIES, 0);
    uint8_t irq0 = 1;
    fw_cfg_add_bytes(fw, FW_CFG_IRQ0_OVERRIDE, &irq0, 1);
    /* one RAM entry {le64 base, le64 length, le32 type}; SeaBIOS reserves the rest */
    uint8_t e820[20] = { 0 };
    for (int i = 0; i < 8; i++)
        e820[8 + i] = (uint8_t)(ram >> (8 * i));
    e820[16] = 1;
    fw_cfg_add_file(fw, "etc/e820", e820, sizeof e820);
    /* only with SeaBIOS as firmware is the VGA BIOS wanted; a missing file just means no VGA BIOS */
    add_file_from_disk(m, "vgaroms/vgabios-stdvga.bin", VGA_ROM_PATH);
}

static int floppy_read(void *opaque, uint64_t off, void *buf, size_t len) { return disk_read(opaque, off, buf, len); }
static int floppy_write(void *opaque, uint64_t off, const void *buf, size_t len) { return disk_write(opaque, off, buf, len); }

/* -fda/-fdb: raw images whose size names the format (360K .. 2.88M). */
static int attach_floppies(struct machine *m, char *err, size_t errlen)
{
    for (int n = 0; n < 2; n++) {
        const char *path = m->opts.fd[n];
        char why[512];
        fdc_drive_connect(&m->fdc, n);
        if (!path)
            continue;
        if (disk_open(&m->floppy[n], path, DISK_MEDIA_HD, m->opts.snapshot, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s", why);
            return -1;
        }
        m->floppy_ok[n] = 1;
        if (fdc_drive_insert(&m->fdc, n, m->floppy[n].size, floppy_read, floppy_write, &m->floppy[n], 0) < 0) {
            snprintf(err, errlen, "floppy image '%s': %llu bytes is not a floppy format (360K, 720K, 1.2M, 1.44M, 2.88M)",
                     path, (unsigned long long)m->floppy[n].size);
            return -1;
        }
    }
    return 0;
}

static void fill_cmos(struct machine *m)
{
    struct rtc_pc_config rc = { 0 };
    for (int n = 0; n < 2; n++)
        rc.floppy[n] = m->floppy_ok[n] ? fdc_cmos_type(m->floppy[n].size) : CMOS_FD_NONE;
    int n = 0;
    const char *order = m->opts.boot ? m->opts.boot : (m->opts.cdrom && !m->opts.hd[0] ? "dc" : "cd");
    for (const char *p = order; *p && n < 3; p++)
        if (*p == 'a') rc.boot[n++] = CMOS_BOOT_FLOPPY;
        else if (*p == 'c') rc.boot[n++] = CMOS_BOOT_DISK;
        else if (*p == 'd') rc.boot[n++] = CMOS_BOOT_CDROM;
    rc.fpu = 1;
    rtc_cmos_pc_defaults(&m->rtc, m->opts.ram_size, m->opts.ram_size, &rc);
}

/* The PIIX3 IDE function's timing registers (IDETIM primary and secondary,
 * SIDETIM): read/write, 0 at reset. The BIOS sets IDETIM bit 15, "IDE
 * decode enable", and Linux's ata_piix probes only a channel with that bit
 * set. The legacy ports are decoded whatever it says, as on QEMU: bare test
 * ROMs drive them without any PCI set-up. */
#define PIIX_IDETIM 0x40
#define PIIX_IDE_TIMING_LEN 5

int chipset_init(struct machine *m, void (*request_reset)(void *opaque), char *err, size_t errlen)
{
    if (pic_init(&m->pic, &m->io, intr_changed, m) < 0)
        return fail(err, errlen, "8259 PICs");
    for (int i = 0; i < 16; i++)
        m->irq[i] = (struct irq_line){ pic_irq_line_set, &m->pic, i };
    m->cpu.intr_ack = pic_intr_ack;
    m->cpu.intr_opaque = &m->pic;
    if (pit_init(&m->pit, &m->io, &m->clock, m->irq[0]) < 0)
        return fail(err, errlen, "8254 PIT");
    if (rtc_init(&m->rtc, &m->io, &m->clock, m->irq[8]) < 0)
        return fail(err, errlen, "RTC");
    if (pci_bus_init(&m->pci, &m->io) < 0
        || i440fx_init(&m->i440fx, &m->pci, &m->io, &m->pm, m->bios, m->bios_size, request_reset, m) < 0)
        return fail(err, errlen, "i440FX host bridge");
    if (piix3_init(&m->piix3, &m->pci, m->irq) < 0)
        return fail(err, errlen, "PIIX3");
    if (piix_pm_init(&m->piix_pm, &m->pci, &m->io, &m->clock, poweroff, m) < 0)
        return fail(err, errlen, "PIIX4 power management");
    piix_pm_set_sci(&m->piix_pm, m->irq[9]);
    pci_func_init(&m->ide_func, 0x8086, 0x7010, 0x010180, 0, "piix3-ide", m);
    pci_func_set_bar(&m->ide_func, 4, 16, PCI_BAR_IO, bm_map);
    memset(&m->ide_func.wmask[PIIX_IDETIM], 0xff, PIIX_IDE_TIMING_LEN);
    if (pci_register(&m->pci, &m->ide_func, 0x09) < 0)
        return fail(err, errlen, "PIIX3 IDE function");
    pci_func_init(&m->vga_func, 0x1234, 0x1111, 0x030000, 2, "vga", &m->vga);
    pci_func_set_bar(&m->vga_func, 0, VGA_VRAM_SIZE, PCI_BAR_MEM, vga_lfb_bar_map);
    if (pci_register(&m->pci, &m->vga_func, 0x10) < 0)
        return fail(err, errlen, "VGA PCI function");
    if (dma_init(&m->dma, &m->io, &m->pm) < 0)
        return fail(err, errlen, "8237 DMA controllers");
    if (fdc_init(&m->fdc, &m->io, FDC_BASE, &m->dma, FDC_DMA_CHANNEL, m->irq[6], &m->clock) < 0)
        return fail(err, errlen, "floppy controller");
    if (attach_floppies(m, err, errlen) < 0)
        return -1;
    if (fw_cfg_init(&m->fw_cfg, &m->io, &m->pm) < 0)
        return fail(err, errlen, "fw_cfg interface");
    fill_fw_cfg(m);
    m->chipset_ok = 1;
    return 0;
}

void chipset_reset(struct machine *m)
{
    pic_reset(&m->pic);
    pit_reset(&m->pit);
    rtc_reset(&m->rtc);
    fill_cmos(m);
    pci_bus_reset(&m->pci);
    memset(&m->ide_func.config[PIIX_IDETIM], 0, PIIX_IDE_TIMING_LEN);
    i440fx_reset(&m->i440fx);
    piix3_reset(&m->piix3);
    piix_pm_reset(&m->piix_pm);
    fw_cfg_reset(&m->fw_cfg);
    dma_reset(&m->dma);
    fdc_reset(&m->fdc);
    m->cpu.intr_line = 0;
}

void chipset_free(struct machine *m)
{
    for (int n = 0; n < 2; n++)
        if (m->floppy_ok[n])
            disk_close(&m->floppy[n]);
    if (!m->chipset_ok)
        return;
    fw_cfg_free(&m->fw_cfg);
    i440fx_free(&m->i440fx);
}
