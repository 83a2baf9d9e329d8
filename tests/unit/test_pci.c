/* PCI, i440FX, PIIX3/PIIX4-PM and fw_cfg unit tests: everything is driven
 * through the port bus as a guest (SeaBIOS, Linux) drives it, and memory
 * effects are observed with phys_read. Prints one line per failed check and
 * a final "N passed, N failed". */
#include "devices/fw_cfg.h"
#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/piix.h"
#include "machine/timer.h"
#include "mmu/io.h"
#include "mmu/phys.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- a board with the chipset ------------------------------------------- */

#define RAM_SIZE (16u << 20)
#define BIOS_SIZE (128u << 10)

struct board {
    struct physmem pm;
    struct iobus io;
    struct vclock clock;
    struct pci_bus pci;
    struct i440fx host;
    struct piix3 isa;
    struct piix_pm pm_fn;
    struct fw_cfg fw;
    uint8_t bios[BIOS_SIZE];
    struct irq_line isa_irq[16];
    int irq_level[16], irq_changes;
    int resets, poweroffs, sci;
};

static void board_irq(void *opaque, int n, int level)
{
    struct board *b = opaque;
    b->irq_level[n] = level;
    b->irq_changes++;
}
static void board_sci(void *opaque, int n, int level) { (void)n; ((struct board *)opaque)->sci = level; }
static void board_reset_req(void *opaque) { ((struct board *)opaque)->resets++; }
static void board_poweroff(void *opaque) { ((struct board *)opaque)->poweroffs++; }

static int code_writes;
static uint32_t code_write_addr;
static void on_code_write(void *opaque, uint32_t paddr, int len)
{
    (void)opaque; (void)len;
    code_writes++;
    code_write_addr = paddr;
}

static struct board *board_new(void)
{
    struct board *b = calloc(1, sizeof *b);
    CHECK_EQ(phys_init(&b->pm, RAM_SIZE), 0);
    CHECK_EQ(io_init(&b->io), 0);
    vclock_init(&b->clock, VCLOCK_MANUAL);
    for (unsigned i = 0; i < BIOS_SIZE; i++)
        b->bios[i] = (uint8_t)(0xa5 ^ i);
    /* the top-of-4-GiB copy, as the board maps it */
    CHECK(phys_add_ram_alias(&b->pm, 0u - BIOS_SIZE, BIOS_SIZE, b->bios, 1, "bios") >= 0);
    for (int i = 0; i < 16; i++)
        b->isa_irq[i] = (struct irq_line){ board_irq, b, i };
    CHECK_EQ(pci_bus_init(&b->pci, &b->io), 0);
    CHECK_EQ(i440fx_init(&b->host, &b->pci, &b->io, &b->pm, b->bios, BIOS_SIZE, board_reset_req, b), 0);
    CHECK_EQ(piix3_init(&b->isa, &b->pci, b->isa_irq), 0);
    CHECK_EQ(piix_pm_init(&b->pm_fn, &b->pci, &b->io, &b->clock, board_poweroff, b), 0);
    piix_pm_set_sci(&b->pm_fn, (struct irq_line){ board_sci, b, 9 });
    CHECK_EQ(fw_cfg_init(&b->fw, &b->io, &b->pm), 0);
    return b;
}

static void board_free(struct board *b)
{
    fw_cfg_free(&b->fw);
    i440fx_free(&b->host);
    io_free(&b->io);
    phys_free(&b->pm);
    free(b);
}

/* Configuration mechanism #1 as firmware uses it. */
static uint32_t cfg_addr(int devfn, unsigned reg)
{
    return 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc);
}
static uint32_t cfg_read(struct board *b, int devfn, unsigned reg, int size)
{
    io_out(&b->io, 0xcf8, cfg_addr(devfn, reg), 4);
    return io_in(&b->io, (uint16_t)(0xcfc + (reg & 3)), size);
}
static void cfg_write(struct board *b, int devfn, unsigned reg, uint32_t val, int size)
{
    io_out(&b->io, 0xcf8, cfg_addr(devfn, reg), 4);
    io_out(&b->io, (uint16_t)(0xcfc + (reg & 3)), val, size);
}

/* ---- configuration space ------------------------------------------------- */

static void test_config(void)
{
    struct board *b = board_new();
    CHECK_EQ(cfg_read(b, 0x00, 0, 4), 0x12378086);
    CHECK_EQ(cfg_read(b, 0x08, 0, 4), 0x70008086);
    CHECK_EQ(cfg_read(b, 0x0b, 0, 4), 0x71138086);
    CHECK_EQ(cfg_read(b, 0x08, PCI_CLASS_DEVICE, 2), 0x0601);
    CHECK_EQ(cfg_read(b, 0x00, PCI_CLASS_DEVICE, 2), 0x0600);
    CHECK_EQ(cfg_read(b, 0x0b, PCI_CLASS_DEVICE, 2), 0x0680);
    CHECK_EQ(cfg_read(b, 0x08, PCI_HEADER_TYPE, 1), 0x80);      /* multi-function */
    CHECK_EQ(cfg_read(b, 0x00, PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);   /* SeaBIOS's QEMU test */
    CHECK_EQ(cfg_read(b, 0x08, 2, 2), 0x7000);                   /* word at offset 2 */
    CHECK_EQ(cfg_read(b, 0x08, 3, 1), 0x70);
    CHECK_EQ(cfg_read(b, 0x10, 0, 4), 0xffffffff);               /* empty slot */
    CHECK_EQ(cfg_read(b, 0x09, 0, 2), 0xffff);                   /* absent function */
    /* bus 1 does not exist; enable bit clear is not a config cycle */
    io_out(&b->io, 0xcf8, 0x80010000u, 4);
    CHECK_EQ(io_in(&b->io, 0xcfc, 4), 0xffffffff);
    io_out(&b->io, 0xcf8, 0x00000000u, 4);
    CHECK_EQ(io_in(&b->io, 0xcfc, 4), 0xffffffff);
    /* CONFIG_ADDRESS reads back, low bits forced to 0 */
    io_out(&b->io, 0xcf8, 0x80000843u, 4);
    CHECK_EQ(io_in(&b->io, 0xcf8, 4), 0x80000840u);
    /* read-only IDs, writable interrupt line */
    cfg_write(b, 0x08, 0, 0xdeadbeef, 4);
    CHECK_EQ(cfg_read(b, 0x08, 0, 4), 0x70008086);
    cfg_write(b, 0x0b, PCI_INTERRUPT_LINE, 9, 1);
    CHECK_EQ(cfg_read(b, 0x0b, PCI_INTERRUPT_LINE, 1), 9);
    CHECK_EQ(cfg_read(b, 0x0b, PCI_INTERRUPT_PIN, 1), 1);
    board_free(b);
}

/* ---- BAR sizing with a scratch function --------------------------------- */

struct bar_dev {
    struct pci_func f;
    int maps;
    uint32_t last_old, last_new;
    int last_bar;
};
static void bar_map(void *opaque, int bar, uint32_t old, uint32_t new_addr)
{
    struct bar_dev *d = opaque;
    d->maps++;
    d->last_bar = bar;
    d->last_old = old;
    d->last_new = new_addr;
}

static void test_bars(void)
{
    struct board *b = board_new();
    struct bar_dev d = { 0 };
    pci_func_init(&d.f, 0x1234, 0x5678, 0x010180, 0, "scratch", &d);
    pci_func_set_bar(&d.f, 0, 0x1000, PCI_BAR_MEM, bar_map);
    pci_func_set_bar(&d.f, 4, 16, PCI_BAR_IO, bar_map);
    pci_func_set_pin(&d.f, 1);
    CHECK_EQ(pci_register(&b->pci, &d.f, 3 << 3), 0);
    CHECK_EQ(pci_register(&b->pci, &d.f, 3 << 3), -1);
    int df = 3 << 3;
    /* sizing: all ones in, size mask out (type bits kept) */
    cfg_write(b, df, 0x10, 0xffffffff, 4);
    CHECK_EQ(cfg_read(b, df, 0x10, 4), 0xfffff000);
    cfg_write(b, df, 0x20, 0xffffffff, 4);
    CHECK_EQ(cfg_read(b, df, 0x20, 4), 0xfffffff1);
    cfg_write(b, df, 0x14, 0xffffffff, 4);                       /* no BAR 1 */
    CHECK_EQ(cfg_read(b, df, 0x14, 4), 0);
    CHECK_EQ(d.maps, 0);                                          /* decoding still off */
    cfg_write(b, df, 0x10, 0xfebf0000, 4);
    cfg_write(b, df, 0x20, 0xc041, 4);
    CHECK_EQ(cfg_read(b, df, 0x20, 4), 0xc041);
    CHECK_EQ(d.maps, 0);
    cfg_write(b, df, PCI_COMMAND, PCI_COMMAND_IO, 2);
    CHECK_EQ(d.maps, 1);
    CHECK_EQ(d.last_bar, 4);
    CHECK_EQ(d.last_old, PCI_BAR_UNMAPPED);
    CHECK_EQ(d.last_new, 0xc040);
    cfg_write(b, df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    CHECK_EQ(d.maps, 2);
    CHECK_EQ(d.last_bar, 0);
    CHECK_EQ(d.last_new, 0xfebf0000);
    cfg_write(b, df, 0x20, 0xc081, 4);                           /* move the I/O BAR */
    CHECK_EQ(d.last_old, 0xc040);
    CHECK_EQ(d.last_new, 0xc080);
    cfg_write(b, df, PCI_COMMAND, 0, 2);
    CHECK_EQ(d.maps, 5);
    CHECK_EQ(d.f.bar[0].addr, PCI_BAR_UNMAPPED);
    /* slot 3, INTA# -> PIRQD; route PIRQD to IRQ 11 */
    CHECK_EQ(pci_func_pirq(&d.f), 3);
    pci_set_irq(&d.f, 1);
    CHECK_EQ(b->irq_changes, 0);                                  /* unrouted */
    cfg_write(b, 0x08, 0x63, 0x0b, 1);
    CHECK_EQ(b->irq_level[11], 1);
    pci_set_irq(&d.f, 0);
    CHECK_EQ(b->irq_level[11], 0);
    /* bus reset: decoding off, the device hears its BARs unmap */
    cfg_write(b, df, PCI_COMMAND, PCI_COMMAND_IO, 2);
    CHECK_EQ(d.last_new, 0xc080);
    pci_bus_reset(&b->pci);
    CHECK_EQ(d.last_old, 0xc080);
    CHECK_EQ(d.last_new, PCI_BAR_UNMAPPED);
    CHECK_EQ(io_in(&b->io, 0xcf8, 4), 0);
    board_free(b);
}

/* ---- PIRQ routing ------------------------------------------------------- */

static void test_pirq(void)
{
    struct board *b = board_new();
    /* reset values: all four unrouted */
    CHECK_EQ(cfg_read(b, 0x08, 0x60, 4), 0x80808080);
    cfg_write(b, 0x08, 0x60, 0x0b0b0a0a, 4);                     /* as SeaBIOS: 10,10,11,11 */
    CHECK_EQ(cfg_read(b, 0x08, 0x60, 4), 0x0b0b0a0a);
    cfg_write(b, 0x08, 0x60, 0xff, 1);                           /* bits 6:4 reserved */
    CHECK_EQ(cfg_read(b, 0x08, 0x60, 1), 0x8f);
    cfg_write(b, 0x08, 0x60, 0x0a, 1);
    /* PM function: slot 1, INTA# -> PIRQB -> IRQ 10 */
    CHECK_EQ(pci_func_pirq(&b->pm_fn.pci), 1);
    pci_set_irq(&b->pm_fn.pci, 1);
    CHECK_EQ(b->irq_level[10], 1);
    cfg_write(b, 0x08, 0x61, 0x05, 1);                           /* re-route PIRQB to IRQ 5 */
    CHECK_EQ(b->irq_level[10], 0);
    CHECK_EQ(b->irq_level[5], 1);
    cfg_write(b, 0x08, 0x61, 0x85, 1);                           /* disable */
    CHECK_EQ(b->irq_level[5], 0);
    cfg_write(b, 0x08, 0x61, 0x0d, 1);                           /* reserved encoding: unrouted */
    CHECK_EQ(b->irq_level[13], 0);
    cfg_write(b, 0x08, 0x61, 0x0b, 1);
    CHECK_EQ(b->irq_level[11], 1);
    piix3_reset(&b->isa);                                         /* unroutes: the line drops */
    CHECK_EQ(b->irq_level[11], 0);
    CHECK_EQ(cfg_read(b, 0x08, 0x60, 4), 0x80808080);
    pci_set_irq(&b->pm_fn.pci, 0);
    board_free(b);
}

/* ---- PAM shadowing ------------------------------------------------------ */

static void test_pam(void)
{
    struct board *b = board_new();
    struct physmem *pm = &b->pm;
    /* RAM under the BIOS holds its own pattern */
    for (uint32_t a = 0xc0000; a < 0x100000; a += 4)
        pm->ram[a] = 0x11;
    /* reset: 0xe0000-0xfffff read the last 128 KiB of the BIOS */
    CHECK_EQ(phys_read(pm, 0xffff0, 1), b->bios[BIOS_SIZE - 0x10]);
    CHECK_EQ(phys_read(pm, 0xf0000, 4), phys_read(pm, 0xffff0000u, 4));
    CHECK_EQ(phys_read(pm, 0xe0000, 1), b->bios[0]);
    CHECK_EQ(phys_read(pm, 0xc0000, 4), 0xffffffff);              /* nothing on the bus */
    phys_write(pm, 0xf0000, 0x42, 1);                             /* dropped */
    CHECK_EQ(pm->ram[0xf0000], 0x11);
    CHECK_EQ(phys_read(pm, 0xf0000, 1), b->bios[0x10000]);
    /* PAM0 = 0x10: reads from RAM, writes dropped */
    cfg_write(b, 0x00, 0x59, 0x10, 1);
    CHECK_EQ(phys_read(pm, 0xf0000, 1), 0x11);
    phys_write(pm, 0xf0000, 0x42, 1);
    CHECK_EQ(pm->ram[0xf0000], 0x11);
    /* PAM0 = 0x20: reads from ROM, writes to RAM (copy a ROM onto itself) */
    cfg_write(b, 0x00, 0x59, 0x20, 1);
    CHECK_EQ(phys_read(pm, 0xf0000, 1), b->bios[0x10000]);
    phys_write(pm, 0xf0004, 0x12345678, 4);
    CHECK_EQ(phys_read(pm, 0xf0004, 4), phys_read(pm, 0xffff0004u, 4));
    CHECK_EQ(pm->ram[0xf0004], 0x78);
    CHECK_EQ(pm->ram[0xf0007], 0x12);
    /* PAM0 = 0x30: plain RAM */
    cfg_write(b, 0x00, 0x59, 0x30, 1);
    CHECK_EQ(phys_read(pm, 0xf0004, 4), 0x12345678);
    phys_write(pm, 0xffff0, 0xea, 1);
    CHECK_EQ(pm->ram[0xffff0], 0xea);
    CHECK_EQ(phys_read(pm, 0xffff0, 1), 0xea);
    CHECK(phys_host_ptr(pm, 0xf0000, 1) == pm->ram + 0xf0000);
    /* 0xe0000-0xeffff is still ROM; low nibble of PAM0 is reserved */
    CHECK_EQ(phys_read(pm, 0xe0000, 1), b->bios[0]);
    cfg_write(b, 0x00, 0x59, 0xff, 1);
    CHECK_EQ(cfg_read(b, 0x00, 0x59, 1), 0x30);
    /* SeaBIOS style: whole dwords, 0xc0000-0xeffff read/write */
    cfg_write(b, 0x00, 0x58, 0x33333000, 4);
    cfg_write(b, 0x00, 0x5c, 0x33333333, 4);
    CHECK_EQ(cfg_read(b, 0x00, 0x5c, 4), 0x33333333);
    phys_write(pm, 0xc0000, 0xaa55, 2);
    CHECK_EQ(phys_read(pm, 0xc0000, 2), 0xaa55);
    phys_write(pm, 0xec000, 0x77, 1);
    CHECK_EQ(phys_read(pm, 0xec000, 1), 0x77);
    /* one 16 KiB segment back to read-only RAM: 0xc4000 */
    cfg_write(b, 0x00, 0x5a, 0x13, 1);
    phys_write(pm, 0xc4000, 0x99, 1);
    CHECK_EQ(phys_read(pm, 0xc4000, 1), 0x11);
    phys_write(pm, 0xc3fff, 0x99, 1);
    CHECK_EQ(phys_read(pm, 0xc3fff, 1), 0x99);
    /* a switch of what 0xf0000 reads invalidates code decoded there */
    b->pm.on_code_write = on_code_write;
    phys_code_set(&b->pm, 0xf1, 1);
    code_writes = 0;
    cfg_write(b, 0x00, 0x59, 0x10, 1);                           /* RAM -> RAM read-only: same bytes */
    CHECK_EQ(code_writes, 0);
    cfg_write(b, 0x00, 0x59, 0x00, 1);                           /* RAM -> ROM */
    CHECK_EQ(code_writes, 1);
    CHECK_EQ(code_write_addr, 0xf1000);
    cfg_write(b, 0x00, 0x59, 0x30, 1);
    b->pm.on_code_write = NULL;
    phys_code_set(&b->pm, 0xf1, 0);
    /* reset: back to the bus, RAM kept */
    unsigned gen = pm->map_generation;
    i440fx_reset(&b->host);
    CHECK(pm->map_generation != gen);
    CHECK_EQ(phys_read(pm, 0xf0004, 1), b->bios[0x10004]);
    CHECK_EQ(pm->ram[0xf0004], 0x78);
    /* SMRAM: C_BASE_SEG fixed, closed */
    CHECK_EQ(cfg_read(b, 0x00, 0x72, 1), 0x02);
    cfg_write(b, 0x00, 0x72, 0x4a, 1);
    CHECK_EQ(cfg_read(b, 0x00, 0x72, 1), 0x4a);
    board_free(b);
}

/* ---- reset control register --------------------------------------------- */

static void test_rcr(void)
{
    struct board *b = board_new();
    CHECK_EQ(io_in(&b->io, 0xcf9, 1), 0);
    io_out(&b->io, 0xcf9, 0x02, 1);
    CHECK_EQ(b->resets, 0);
    CHECK_EQ(io_in(&b->io, 0xcf9, 1), 0x02);
    io_out(&b->io, 0xcf9, 0x06, 1);                               /* SYS_RST | RST_CPU */
    CHECK_EQ(b->resets, 1);
    /* a 32-bit access to 0xcf8 is still CONFIG_ADDRESS */
    io_out(&b->io, 0xcf8, 0x80000000u, 4);
    CHECK_EQ(io_in(&b->io, 0xcf8, 4), 0x80000000u);
    CHECK_EQ(b->resets, 1);
    board_free(b);
}

/* ---- power management --------------------------------------------------- */

#define PMBASE 0x600

static void test_pm(void)
{
    struct board *b = board_new();
    int pm = 0x0b;
    CHECK_EQ(cfg_read(b, pm, 0x40, 4), 1);
    CHECK_EQ(cfg_read(b, pm, 0x58, 4) & (1u << 25), 1u << 25);  /* no SMM to set up */
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR, 4), 0xffffffff);    /* not decoded yet */
    cfg_write(b, pm, 0x40, PMBASE | 1, 4);
    CHECK_EQ(cfg_read(b, pm, 0x40, 4), PMBASE | 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR, 4), 0xffffffff);    /* PMIOSE still clear */
    cfg_write(b, pm, 0x80, 1, 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR, 4), 0);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMCNTRL, 2), 0);
    /* timer: 3.579545 MHz from the virtual clock, 24 bits */
    vclock_set(&b->clock, 1000000000ull);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR, 4), 3579545);
    vclock_set(&b->clock, 1000000000ull + 1000);                   /* 1 us: 3.58 ticks */
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR, 4), 3579548);
    vclock_set(&b->clock, 10ull * 1000000000ull);                  /* wraps at 2^24 */
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR, 4), 35795450u & 0xffffff);
    io_out(&b->io, PMBASE + PM_PMTMR, 0, 4);                       /* read only */
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR, 4), 35795450u & 0xffffff);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMTMR + 1, 1), ((35795450u & 0xffffff) >> 8) & 0xff);
    /* ACPI enable through the APM control port */
    io_out(&b->io, 0xb2, 0xf1, 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMCNTRL, 2) & 1, 1);
    io_out(&b->io, 0xb2, 0xf0, 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMCNTRL, 2) & 1, 0);
    io_out(&b->io, 0xb3, 0x5a, 1);
    CHECK_EQ(io_in(&b->io, 0xb3, 1), 0x5a);
    /* a sleep type other than S5 does nothing */
    io_out(&b->io, PMBASE + PM_PMCNTRL, 1 | 1u << 10 | PMCNTRL_SUS_EN, 2);
    CHECK_EQ(b->poweroffs, 0);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMCNTRL, 2), 1 | 1u << 10);   /* SUS_EN reads 0 */
    /* SLP_TYP = 0 (S5) with SLP_EN: power off (Linux's acpi_enter_sleep_state) */
    io_out(&b->io, PMBASE + PM_PMCNTRL, 1, 2);
    CHECK_EQ(b->poweroffs, 0);
    io_out(&b->io, PMBASE + PM_PMCNTRL, 1 | PMCNTRL_SUS_EN, 2);
    CHECK_EQ(b->poweroffs, 1);
    /* status: write one to clear; SCI follows status & enable & SCI_EN */
    b->pm_fn.pmsts = PMSTS_PWRBTN;
    io_out(&b->io, PMBASE + PM_PMEN, PMSTS_PWRBTN, 2);
    CHECK_EQ(b->sci, 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMSTS, 2), PMSTS_PWRBTN);
    io_out(&b->io, PMBASE + PM_PMSTS, PMSTS_PWRBTN, 2);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMSTS, 2), 0);
    CHECK_EQ(b->sci, 0);
    /* the power button: status always, SCI only with PWRBTN_EN */
    piix_pm_power_button(&b->pm_fn);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMSTS, 2), PMSTS_PWRBTN);
    CHECK_EQ(b->sci, 1);
    io_out(&b->io, PMBASE + PM_PMSTS, PMSTS_PWRBTN, 2);
    CHECK_EQ(b->sci, 0);
    io_out(&b->io, PMBASE + PM_PMEN, 0, 2);
    piix_pm_power_button(&b->pm_fn);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMSTS, 2), PMSTS_PWRBTN);
    CHECK_EQ(b->sci, 0);
    io_out(&b->io, PMBASE + PM_PMSTS, PMSTS_PWRBTN, 2);
    /* GPE0 at 0xafe0: enables read back, status bits clear on 1, SCI */
    io_out(&b->io, 0xafe2, 0x0002, 2);
    CHECK_EQ(io_in(&b->io, 0xafe0, 4), 0x00020000);
    io_out(&b->io, 0xb2, 0xf0, 1);                               /* ACPI off: SCI_EN clear */
    b->pm_fn.gpe_sts = 0x0006;
    io_out(&b->io, 0xafe0, 0x0004, 2);
    CHECK_EQ(io_in(&b->io, 0xafe0, 2), 0x0002);
    CHECK_EQ(b->sci, 0);                                          /* SCI_EN off */
    io_out(&b->io, 0xb2, 0xf1, 1);
    CHECK_EQ(b->sci, 1);
    io_out(&b->io, 0xafe0, 0xff, 1);
    CHECK_EQ(b->sci, 0);
    CHECK_EQ(io_in(&b->io, 0xafe3, 1), 0x00);
    /* SMBus base holds what is written */
    cfg_write(b, pm, 0x90, 0x0701, 4);
    CHECK_EQ(cfg_read(b, pm, 0x90, 4), 0x0701);
    /* PMIOSE off: the block stops answering */
    cfg_write(b, pm, 0x80, 0, 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMCNTRL, 2), 0xffff);
    /* reset, then firmware enables the block at the same base again */
    cfg_write(b, pm, 0x80, 1, 1);
    io_out(&b->io, PMBASE + PM_PMCNTRL, 1, 2);
    piix_pm_reset(&b->pm_fn);
    CHECK_EQ(cfg_read(b, pm, 0x40, 4), 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMCNTRL, 2), 0xffff);
    cfg_write(b, pm, 0x40, PMBASE | 1, 4);
    cfg_write(b, pm, 0x80, 1, 1);
    CHECK_EQ(io_in(&b->io, PMBASE + PM_PMCNTRL, 2), 0);
    board_free(b);
}

/* ---- fw_cfg -------------------------------------------------------------- */

static void sel(struct board *b, uint16_t key) { io_out(&b->io, FW_CFG_PORT_SEL, key, 2); }
static uint8_t data8(struct board *b) { return (uint8_t)io_in(&b->io, FW_CFG_PORT_DATA, 1); }
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

/* How SeaBIOS finds a file: read the count, then walk the 64-byte entries. */
static int find_file(struct board *b, const char *name, uint32_t *size)
{
    uint8_t cnt[4], e[64];
    sel(b, FW_CFG_FILE_DIR);
    for (int i = 0; i < 4; i++)
        cnt[i] = data8(b);
    uint32_t n = be32(cnt);
    for (uint32_t i = 0; i < n; i++) {
        for (int j = 0; j < 64; j++)
            e[j] = data8(b);
        if (!strcmp((char *)e + 8, name)) {
            *size = be32(e);
            return e[4] << 8 | e[5];
        }
    }
    return -1;
}

static void dma(struct board *b, uint32_t desc, uint32_t control, uint32_t len, uint32_t addr)
{
    uint8_t d[16] = { 0 };
    for (int i = 0; i < 4; i++) {
        d[i] = (uint8_t)(control >> (24 - 8 * i));
        d[4 + i] = (uint8_t)(len >> (24 - 8 * i));
        d[12 + i] = (uint8_t)(addr >> (24 - 8 * i));
    }
    phys_write_buf(&b->pm, desc, d, sizeof d);
    /* the guest writes cpu_to_be32 of each half with outl */
    io_out(&b->io, FW_CFG_PORT_DMA, 0, 4);
    uint32_t le = __builtin_bswap32(desc);
    io_out(&b->io, FW_CFG_PORT_DMA + 4, le, 4);
}

static void test_fw_cfg(void)
{
    struct board *b = board_new();
    char sig[5] = { 0 };
    sel(b, FW_CFG_SIGNATURE);
    for (int i = 0; i < 4; i++)
        sig[i] = (char)data8(b);
    CHECK(!strcmp(sig, "QEMU"));
    CHECK_EQ(data8(b), 0);                                          /* past the end */
    sel(b, FW_CFG_ID);
    CHECK_EQ(io_in(&b->io, FW_CFG_PORT_DATA, 1) & 3, 3);
    /* DMA signature, as SeaBIOS checks it */
    CHECK_EQ(io_in(&b->io, FW_CFG_PORT_DMA, 4), 0x554d4551);        /* "QEMU" */
    CHECK_EQ(io_in(&b->io, FW_CFG_PORT_DMA + 4, 4), 0x47464320);    /* " CFG" */

    CHECK_EQ(fw_cfg_add_i64(&b->fw, FW_CFG_RAM_SIZE, RAM_SIZE), 0);
    CHECK_EQ(fw_cfg_add_i16(&b->fw, FW_CFG_NB_CPUS, 1), 0);
    sel(b, FW_CFG_RAM_SIZE);
    uint32_t lo = 0;
    for (int i = 0; i < 4; i++)
        lo |= (uint32_t)data8(b) << (8 * i);
    CHECK_EQ(lo, RAM_SIZE);
    sel(b, FW_CFG_NB_CPUS);
    CHECK_EQ(io_in(&b->io, FW_CFG_PORT_DATA, 2), 1);               /* wide reads stream too */

    uint8_t e820[20] = { 0 };
    e820[10] = 0xf0; e820[11] = 0x00;                               /* len 0x00f00000 */
    e820[16] = 1;
    const char order[] = "/pci@i0cf8/ide@1,1/drive@0/disk@0\n";
    CHECK_EQ(fw_cfg_add_file(&b->fw, "etc/e820", e820, sizeof e820), FW_CFG_FILE_FIRST);
    CHECK_EQ(fw_cfg_add_file(&b->fw, "bootorder", order, sizeof order - 1), FW_CFG_FILE_FIRST + 1);
    uint32_t boot_wait = 60000;
    CHECK_EQ(fw_cfg_add_file(&b->fw, "etc/boot-fail-wait", &boot_wait, 4), FW_CFG_FILE_FIRST + 2);
    char longname[80];
    memset(longname, 'x', sizeof longname - 1);
    longname[79] = 0;
    CHECK_EQ(fw_cfg_add_file(&b->fw, longname, "", 0), -1);
    uint32_t size = 0;
    CHECK_EQ(find_file(b, "bootorder", &size), FW_CFG_FILE_FIRST + 1);
    CHECK_EQ(size, sizeof order - 1);
    CHECK_EQ(find_file(b, "etc/e820", &size), FW_CFG_FILE_FIRST);
    CHECK_EQ(size, 20);
    CHECK_EQ(find_file(b, "etc/nothing", &size), -1);
    /* replacing a file keeps its key and updates the directory */
    CHECK_EQ(fw_cfg_add_file(&b->fw, "bootorder", "x", 1), FW_CFG_FILE_FIRST + 1);
    CHECK_EQ(find_file(b, "bootorder", &size), FW_CFG_FILE_FIRST + 1);
    CHECK_EQ(size, 1);

    /* DMA: select + read into guest memory; the descriptor's control
     * becomes 0; bytes past the item are zeros */
    memset(b->pm.ram + 0x7000, 0xcc, 64);
    dma(b, 0x6000, (uint32_t)(FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 24, 0x7000);
    CHECK_EQ(phys_read(&b->pm, 0x6000, 4), 0);
    CHECK_EQ(phys_read(&b->pm, 0x7000 + 10, 2), 0x00f0);
    CHECK_EQ(phys_read(&b->pm, 0x7000 + 16, 4), 1);
    CHECK_EQ(phys_read(&b->pm, 0x7000 + 20, 4), 0);
    CHECK_EQ(phys_read(&b->pm, 0x7000 + 24, 1), 0xcc);
    /* skip then read continues where the item is */
    dma(b, 0x6000, (uint32_t)(FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, 2, 0);
    dma(b, 0x6000, FW_CFG_DMA_READ, 2, 0x7100);
    CHECK_EQ(phys_read(&b->pm, 0x7100, 2), 'M' | 'U' << 8);
    /* writes are refused with ERROR */
    dma(b, 0x6000, FW_CFG_DMA_WRITE, 2, 0x7100);
    CHECK_EQ(phys_read(&b->pm, 0x6000, 4), 0x01000000);            /* be32 ERROR */
    /* the data port follows DMA's position */
    dma(b, 0x6000, (uint32_t)(FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, 3, 0);
    CHECK_EQ(data8(b), 'U');
    board_free(b);
}

int main(void)
{
    test_config();
    test_bars();
    test_pirq();
    test_pam();
    test_rcr();
    test_pm();
    test_fw_cfg();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
