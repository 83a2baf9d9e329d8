/* PIIX3 ISA bridge and PIIX4 power management function (see piix.h). */
#include "piix.h"
#include <string.h>

/* ---- ISA bridge: PIRQ routing ------------------------------------------ */

static int pirq_target(const struct piix3 *p, int pirq)
{
    uint8_t r = p->pci.config[PIIX_PIRQRC + pirq];
    if (r & 0x80)
        return -1;
    int irq = r & 0x0f;
    /* 0-2, 8 and 13 are reserved encodings */
    return (irq < 3 || irq == 8 || irq == 13) ? -1 : irq;
}

static void route(struct piix3 *p)
{
    uint8_t level[16] = { 0 };
    for (int i = 0; i < 4; i++) {
        int irq = pirq_target(p, i);
        if (irq >= 0 && p->pirq_level[i])
            level[irq] = 1;
    }
    for (int irq = 0; irq < 16; irq++) {
        if (level[irq] == p->isa_level[irq])
            continue;
        p->isa_level[irq] = level[irq];
        if (p->isa_irq)
            irq_set(&p->isa_irq[irq], level[irq]);
    }
}

static void set_pirq(void *opaque, int pirq, int level)
{
    struct piix3 *p = opaque;
    p->pirq_level[pirq] = level;
    route(p);
}

static void piix3_config_write(void *opaque, unsigned reg, uint32_t val, int size)
{
    (void)val;
    if (reg < PIIX_PIRQRC + 4 && reg + (unsigned)size > PIIX_PIRQRC)
        route(opaque);
}

int piix3_init(struct piix3 *p, struct pci_bus *bus, const struct irq_line *isa_irq)
{
    memset(p, 0, sizeof *p);
    pci_func_init(&p->pci, 0x8086, 0x7000, 0x060100, 0x00, "piix3", p);
    p->pci.config[PCI_HEADER_TYPE] = PCI_HEADER_MULTI_FUNCTION;
    p->pci.config_write = piix3_config_write;
    for (int i = 0; i < 4; i++)
        p->pci.wmask[PIIX_PIRQRC + i] = 0x8f;
    p->isa_irq = isa_irq;
    if (pci_register(bus, &p->pci, PIIX3_DEVFN) < 0)
        return -1;
    pci_bus_set_pirq_handler(bus, set_pirq, p);
    piix3_reset(p);
    return 0;
}

void piix3_set_isa_irqs(struct piix3 *p, const struct irq_line *isa_irq)
{
    p->isa_irq = isa_irq;
    memset(p->isa_level, 0, sizeof p->isa_level);
    route(p);
}

void piix3_reset(struct piix3 *p)
{
    pci_set_word(p->pci.config, PCI_COMMAND, 0x0007);
    pci_set_word(p->pci.config, PCI_STATUS, 0x0200);
    for (int i = 0; i < 4; i++)
        p->pci.config[PIIX_PIRQRC + i] = 0x80;
    route(p);
}

/* ---- Power management --------------------------------------------------- */

enum { PMREGMISC_PMIOSE = 1 };
#define DEVACTB_APMC_EN (1u << 25)
enum { APM_ACPI_DISABLE = 0xf0, APM_ACPI_ENABLE = 0xf1 };

uint32_t piix_pm_timer(struct piix_pm *pm)
{
    uint64_t ns = vclock_now(pm->clock);
    uint64_t ticks = ns / 1000000000u * PIIX_PMTMR_HZ +
                     ns % 1000000000u * PIIX_PMTMR_HZ / 1000000000u;
    return (uint32_t)ticks & 0xffffffu;
}

static void update_sci(struct piix_pm *pm)
{
    int level = ((pm->pmsts & pm->pmen & (PMSTS_TMROF | PMSTS_GBL | PMSTS_PWRBTN | PMSTS_RTC)) ||
                 (pm->gpe_sts & pm->gpe_en)) &&
                (pm->pmcntrl & PMCNTRL_SCI_EN);
    irq_set(&pm->sci, level);
}

static uint8_t pm_read_byte(struct piix_pm *pm, unsigned off)
{
    switch (off) {
    case PM_PMSTS: case PM_PMSTS + 1:
        return (uint8_t)(pm->pmsts >> (8 * (off & 1)));
    case PM_PMEN: case PM_PMEN + 1:
        return (uint8_t)(pm->pmen >> (8 * (off & 1)));
    case PM_PMCNTRL: case PM_PMCNTRL + 1:
        return (uint8_t)((pm->pmcntrl & ~PMCNTRL_SUS_EN) >> (8 * (off & 1)));
    case PM_PMTMR: case PM_PMTMR + 1: case PM_PMTMR + 2: case PM_PMTMR + 3:
        return (uint8_t)(piix_pm_timer(pm) >> (8 * (off & 3)));
    default:
        return pm->regs[off];
    }
}

static uint32_t pm_io_read(void *opaque, uint16_t port, int size)
{
    struct piix_pm *pm = opaque;
    if (!pm->decoding)
        return 0xffffffffu >> (32 - 8 * size);
    unsigned off = (uint16_t)(port - pm->io_base);
    /* the timer is sampled once per access: reading it byte by byte from
     * a moving clock would tear (a later byte's carry missing from an
     * earlier one), and the guest would see time run backwards */
    if (off == PM_PMTMR && size == 4)
        return piix_pm_timer(pm);
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)pm_read_byte(pm, (off + i) % PIIX_PM_IOSIZE) << (8 * i);
    return v;
}

static void pm_io_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct piix_pm *pm = opaque;
    if (!pm->decoding)
        return;
    unsigned off = (uint16_t)(port - pm->io_base);
    int sleep = 0;
    for (int i = 0; i < size; i++) {
        unsigned o = (off + i) % PIIX_PM_IOSIZE;
        uint8_t b = (uint8_t)(val >> (8 * i));
        int sh = 8 * (o & 1);
        switch (o) {
        case PM_PMSTS: case PM_PMSTS + 1:
            pm->pmsts &= (uint16_t)~(b << sh);          /* write 1 to clear */
            break;
        case PM_PMEN: case PM_PMEN + 1:
            pm->pmen = (uint16_t)((pm->pmen & ~(0xff << sh)) | b << sh);
            break;
        case PM_PMCNTRL: case PM_PMCNTRL + 1:
            pm->pmcntrl = (uint16_t)((pm->pmcntrl & ~(0xff << sh)) | b << sh);
            if (o == PM_PMCNTRL + 1 && (pm->pmcntrl & PMCNTRL_SUS_EN))
                sleep = 1;
            break;
        case PM_PMTMR: case PM_PMTMR + 1: case PM_PMTMR + 2: case PM_PMTMR + 3:
            break;                                      /* read only */
        default:
            pm->regs[o] = b;
        }
    }
    if (sleep) {
        int typ = (pm->pmcntrl >> PMCNTRL_SUS_TYP_SHIFT) & 7;
        pm->pmcntrl &= (uint16_t)~PMCNTRL_SUS_EN;
        if (typ == pm->s5_typ && pm->poweroff)
            pm->poweroff(pm->opaque);
        /* other sleep states are not implemented: the request is ignored */
    }
    update_sci(pm);
}

/* Follows PMBA and PMIOSE. The port bus cannot release ports, so the block
 * is claimed once, at the first base firmware enables; a later move to
 * another base is ignored (SeaBIOS and Linux never move it). */
static void pm_map(struct piix_pm *pm)
{
    uint16_t base = (uint16_t)(pci_get_long(pm->pci.config, PIIX_PM_PMBA) & 0xffc0u);
    int on = (pm->pci.config[PIIX_PM_PMREGMISC] & PMREGMISC_PMIOSE) && base;
    if (on && !pm->io_base) {
        if (io_register(pm->io, base, PIIX_PM_IOSIZE, IO_W8 | IO_W16 | IO_W32,
                        pm_io_read, pm_io_write, pm, "piix4-pm") == 0)
            pm->io_base = base;
    }
    pm->decoding = on && pm->io_base == base;
}

static void pm_config_write(void *opaque, unsigned reg, uint32_t val, int size)
{
    (void)val;
    unsigned end = reg + (unsigned)size;
    if ((reg < PIIX_PM_PMBA + 4 && end > PIIX_PM_PMBA) || (reg <= PIIX_PM_PMREGMISC && end > PIIX_PM_PMREGMISC))
        pm_map(opaque);
}

static uint32_t apm_read(void *opaque, uint16_t port, int size)
{
    struct piix_pm *pm = opaque;
    (void)size;
    return port == PIIX_APM_CNT ? pm->apm_cnt : pm->apm_sts;
}

static void apm_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct piix_pm *pm = opaque;
    (void)size;
    if (port == PIIX_APM_STS) {
        pm->apm_sts = (uint8_t)val;
        return;
    }
    pm->apm_cnt = (uint8_t)val;
    if (val == APM_ACPI_ENABLE)
        pm->pmcntrl |= PMCNTRL_SCI_EN;
    else if (val == APM_ACPI_DISABLE)
        pm->pmcntrl &= (uint16_t)~PMCNTRL_SCI_EN;
    update_sci(pm);
}

static uint32_t gpe_read(void *opaque, uint16_t port, int size)
{
    struct piix_pm *pm = opaque;
    uint32_t regs = pm->gpe_sts | (uint32_t)pm->gpe_en << 16;
    unsigned off = port - PIIX_GPE0_BLK;
    uint32_t v = regs >> (8 * off);
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void gpe_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct piix_pm *pm = opaque;
    for (int i = 0; i < size; i++) {
        unsigned o = port - PIIX_GPE0_BLK + (unsigned)i;
        uint8_t b = (uint8_t)(val >> (8 * i));
        int sh = 8 * (o & 1);
        if (o < 2)
            pm->gpe_sts &= (uint16_t)~(b << sh);
        else if (o < 4)
            pm->gpe_en = (uint16_t)((pm->gpe_en & ~(0xff << sh)) | b << sh);
    }
    update_sci(pm);
}

int piix_pm_init(struct piix_pm *pm, struct pci_bus *bus, struct iobus *io, struct vclock *clock,
                 void (*poweroff)(void *opaque), void *opaque)
{
    memset(pm, 0, sizeof *pm);
    pm->io = io;
    pm->clock = clock;
    pm->poweroff = poweroff;
    pm->opaque = opaque;
    pm->s5_typ = 0;
    pci_func_init(&pm->pci, 0x8086, 0x7113, 0x068000, 0x03, "piix4-pm", pm);
    pm->pci.config_write = pm_config_write;
    pci_func_set_pin(&pm->pci, 1);
    pci_set_word(pm->pci.wmask, PIIX_PM_PMBA, 0xffc0);
    pm->pci.wmask[PIIX_PM_PMREGMISC] = PMREGMISC_PMIOSE;
    pci_set_word(pm->pci.wmask, PIIX_PM_SMBBA, 0xfff0);
    pm->pci.wmask[PIIX_PM_SMBHSTCFG] = 0x0f;
    if (pci_register(bus, &pm->pci, PIIX4_PM_DEVFN) < 0)
        return -1;
    if (io_register(io, PIIX_APM_CNT, 2, IO_W8, apm_read, apm_write, pm, "apm") < 0 ||
        io_register(io, PIIX_GPE0_BLK, PIIX_GPE0_LEN, IO_W8 | IO_W16 | IO_W32,
                    gpe_read, gpe_write, pm, "gpe0") < 0)
        return -1;
    piix_pm_reset(pm);
    return 0;
}

void piix_pm_set_sci(struct piix_pm *pm, struct irq_line sci)
{
    pm->sci = sci;
}

void piix_pm_power_button(struct piix_pm *pm)
{
    pm->pmsts |= PMSTS_PWRBTN;
    update_sci(pm);
}

void piix_pm_reset(struct piix_pm *pm)
{
    uint8_t *c = pm->pci.config;
    pci_set_word(c, PCI_COMMAND, 0);
    pci_set_word(c, PCI_STATUS, 0x0280);
    pci_set_long(c, PIIX_PM_PMBA, 1);          /* bit 0: I/O space indicator */
    pci_set_long(c, PIIX_PM_DEVACTB, DEVACTB_APMC_EN);
    c[PIIX_PM_PMREGMISC] = 0;
    pci_set_long(c, PIIX_PM_SMBBA, 1);
    c[PIIX_PM_SMBHSTCFG] = 0;
    pm->pmsts = pm->pmen = pm->pmcntrl = 0;
    memset(pm->regs, 0, sizeof pm->regs);
    pm->apm_cnt = pm->apm_sts = 0;
    pm->gpe_sts = pm->gpe_en = 0;
    pm_map(pm);
    update_sci(pm);
}
