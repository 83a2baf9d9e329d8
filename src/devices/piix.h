/* Intel PIIX3 PCI-to-ISA bridge (8086:7000, 00:01.0) and the power
 * management function of the PIIX4 (8086:7113, 00:01.3), as a PC board of
 * QEMU's "pc" kind pairs them. (The IDE function 00:01.1 is ide.c's.)
 *
 * ISA bridge: PIRQRC[A:D] (config 0x60-0x63) route the four PCI interrupt
 * lines to ISA IRQs: bits 3:0 the IRQ (3-7, 9-12, 14, 15 are valid), bit 7
 * set = not routed. An ISA IRQ is high while any PIRQ routed to it is; the
 * PIC's ELCR must make those inputs level-triggered (that is the PIC's).
 *
 * Power management: PMBA (0x40) places 64 I/O ports, decoded while PMIOSE
 * (bit 0 of PMREGMISC, 0x80) is set: PMSTS 0x00, PMEN 0x02, PMCNTRL 0x04
 * (SCI_EN bit 0, SUS_TYP 12:10, SUS_EN 13), PMTMR 0x08 (24-bit count of a
 * 3.579545 MHz clock, from the virtual clock). Writing SUS_EN with the S5
 * type (0, as QEMU's DSDT declares _S5) calls poweroff. The APM control
 * port 0xb2 takes the FADT's ACPI enable/disable commands (0xf1/0xf0) by
 * setting/clearing SCI_EN, as an SMI handler would; 0xb3 is the APM status
 * scratch byte. The general-purpose event block GPE0 sits where QEMU's PC
 * (and so SeaBIOS's FADT) puts it, 0xafe0: 16 status bits (write 1 to
 * clear; no source sets them yet) then 16 enable bits. There is no SMM: DEVACTB (0x58) reports APMC_EN already
 * set, so firmware skips its SMM set-up. SMBBA (0x90) and SMBHSTCFG (0xd2)
 * hold what firmware writes; no SMBus controller answers behind them. */
#ifndef RELIC_PIIX_H
#define RELIC_PIIX_H
#include <stdint.h>
#include "irq.h"
#include "pci.h"
#include "../machine/timer.h"
#include "../mmu/io.h"

#define PIIX3_DEVFN 0x08           /* 00:01.0 */
#define PIIX4_PM_DEVFN 0x0b        /* 00:01.3 */
#define PIIX_PIRQRC 0x60
#define PIIX_PM_PMBA 0x40
#define PIIX_PM_DEVACTB 0x58
#define PIIX_PM_PMREGMISC 0x80
#define PIIX_PM_SMBBA 0x90
#define PIIX_PM_SMBHSTCFG 0xd2
#define PIIX_PM_IOSIZE 64
#define PIIX_APM_CNT 0xb2
#define PIIX_APM_STS 0xb3
#define PIIX_PMTMR_HZ 3579545u
#define PIIX_GPE0_BLK 0xafe0
#define PIIX_GPE0_LEN 4

/* PM register offsets from PMBA and bits. */
enum { PM_PMSTS = 0x00, PM_PMEN = 0x02, PM_PMCNTRL = 0x04, PM_PMTMR = 0x08 };
enum { PMSTS_TMROF = 1u << 0, PMSTS_GBL = 1u << 5, PMSTS_PWRBTN = 1u << 8,
       PMSTS_RTC = 1u << 10, PMSTS_WAK = 1u << 15 };
enum { PMCNTRL_SCI_EN = 1u << 0, PMCNTRL_SUS_TYP_SHIFT = 10, PMCNTRL_SUS_EN = 1u << 13 };

struct piix3 {
    struct pci_func pci;
    const struct irq_line *isa_irq;   /* 16 lines to the PICs, or NULL */
    int pirq_level[4];
    uint8_t isa_level[16];         /* what we drive on each ISA IRQ */
};

struct piix_pm {
    struct pci_func pci;
    struct iobus *io;
    struct vclock *clock;
    uint16_t io_base;              /* where the 64 ports are claimed; 0 = not yet */
    int decoding;                  /* PMIOSE set and the ports ours */
    uint16_t pmsts, pmen, pmcntrl;
    uint8_t regs[PIIX_PM_IOSIZE];  /* the rest of the block, read as written */
    uint8_t apm_cnt, apm_sts;
    uint16_t gpe_sts, gpe_en;      /* GPE0 block */
    uint8_t s5_typ;                /* SUS_TYP value meaning soft off */
    struct irq_line sci;           /* SCI (the board wires IRQ 9) */
    void (*poweroff)(void *opaque);
    void *opaque;
};

/* ISA bridge at 00:01.0; it takes the bus's PIRQ lines. isa_irq: 16
 * lines (index = ISA IRQ) owned by the board, may be NULL until set with
 * piix3_set_isa_irqs. Returns 0 or -1 (slot taken). */
int piix3_init(struct piix3 *p, struct pci_bus *bus, const struct irq_line *isa_irq);
void piix3_set_isa_irqs(struct piix3 *p, const struct irq_line *isa_irq);
/* Machine reset: PIRQs unrouted (0x80). */
void piix3_reset(struct piix3 *p);

/* PM function at 00:01.3, ports 0xb2-0xb3 and the GPE0 block. poweroff is called on an
 * S5 sleep request (the board ends relic with status 0). Returns 0 or -1. */
int piix_pm_init(struct piix_pm *pm, struct pci_bus *bus, struct iobus *io, struct vclock *clock,
                 void (*poweroff)(void *opaque), void *opaque);
void piix_pm_set_sci(struct piix_pm *pm, struct irq_line sci);
/* Machine reset: PMBA 0 (the ports stay claimed where they were but stop
 * decoding), PM registers cleared. */
void piix_pm_reset(struct piix_pm *pm);
/* The power button was pressed (the monitor's system_powerdown): PWRBTN_STS
 * is set, and an SCI follows if the OS enabled it (PWRBTN_EN, SCI_EN). */
void piix_pm_power_button(struct piix_pm *pm);
/* PMTMR's value now (24 bits). */
uint32_t piix_pm_timer(struct piix_pm *pm);
#endif
