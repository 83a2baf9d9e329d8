/* The PC's pair of Intel 8259A programmable interrupt controllers: the master
 * at 0x20/0x21 takes IRQ 0-7, the slave at 0xa0/0xa1 takes IRQ 8-15 and
 * drives the master's IR2 (cascade). Plus the PIIX/EISA edge/level control
 * registers (ELCR) at 0x4d0/0x4d1, one bit an IRQ, 1 = level-triggered.
 *
 * Implemented: ICW1-ICW4, OCW1 (mask), OCW2 (non-specific, specific and
 * rotating EOI, set priority, rotate in AEOI), OCW3 (IRR/ISR read, poll,
 * special mask mode), auto-EOI, special fully nested mode on the master,
 * spurious IRQ 7 / 15.
 *
 * Inputs. An edge-triggered input latches its request in IRR on a 0 -> 1
 * change and keeps it until INTA, so a device may pulse its line (irq_pulse)
 * as ISA devices do. A level-triggered input (ELCR bit set) requests while
 * its line is high; dropping the line withdraws the request. A request
 * withdrawn (or masked) between INTR and INTA gives the spurious vector:
 * IR7 of the chip concerned, with no ISR bit set (a spurious IRQ 15 still
 * leaves the master's ISR2 set, as on hardware). Input 2 is the cascade, so
 * pic_set_irq(p, 2, ...) drives IRQ 9, as the ISA bus wires IRQ2.
 *
 * Not modelled: the 8080/8085 mode, buffered mode, ICW1.LTIM (the ELCR sets
 * level mode on a PC). */
#ifndef RELIC_PIC_H
#define RELIC_PIC_H
#include <stdint.h>
#include "../mmu/io.h"

#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE  0xa0
#define PIC_ELCR_BASE   0x4d0

struct pic8259 {
    uint8_t irr;                  /* interrupt request register */
    uint8_t isr;                  /* in-service register */
    uint8_t imr;                  /* interrupt mask register (OCW1) */
    uint8_t line;                 /* input line levels as last set */
    uint8_t elcr;                 /* 1 = level-triggered input */
    uint8_t elcr_mask;            /* which ELCR bits are writable */
    uint8_t vector_base;          /* ICW2, bits 7..3 */
    uint8_t icw3;
    uint8_t lowest;               /* IR with the lowest priority (rotation) */
    uint8_t init_step;            /* 0 = ready; 2, 3, 4 = expecting that ICW */
    uint8_t icw4_wanted;          /* ICW1.IC4 */
    uint8_t single;               /* ICW1.SNGL */
    uint8_t auto_eoi;             /* ICW4.AEOI */
    uint8_t fully_nested;         /* ICW4.SFNM */
    uint8_t rotate_aeoi;          /* OCW2 rotate in automatic EOI mode */
    uint8_t read_isr;             /* OCW3 RR/RIS: 1 = read ISR, 0 = IRR */
    uint8_t poll;                 /* OCW3 P: the next read is a poll */
    uint8_t special_mask;         /* OCW3 SMM */
};

struct pic {
    struct pic8259 chip[2];       /* [0] master, [1] slave */
    int intr;                     /* level of the master's INT output */
    uint8_t slave_int;            /* level of the slave's INT output (master IR2) */
    void (*intr_changed)(void *opaque, int level);
    void *opaque;
};

/* Claims 0x20-0x21, 0xa0-0xa1 and 0x4d0-0x4d1. intr_changed (may be NULL)
 * is called whenever INTR changes. Returns 0, or -1 if a port is taken. */
int pic_init(struct pic *p, struct iobus *bus,
             void (*intr_changed)(void *opaque, int level), void *opaque);
/* Power-on / machine reset: both chips uninitialised, ELCR all edge. */
void pic_reset(struct pic *p);
/* Sets the level of IRQ line irq (0..15). pic_irq_line_set is the same with
 * the signature of struct irq_line's set: { pic_irq_line_set, pic, irq }. */
void pic_set_irq(struct pic *p, int irq, int level);
void pic_irq_line_set(void *opaque, int irq, int level);
/* 1 while the master asserts INTR. */
int pic_intr(struct pic *p);
/* The CPU's interrupt acknowledge cycle: returns the vector (0..255) and
 * moves the request to in-service, through the cascade if need be. Without a
 * request it returns the spurious vector (IR7 of the master). */
int pic_ack(struct pic *p);
/* The same, shaped for the CPU's intr_ack hook (opaque = the pic). */
int pic_intr_ack(void *opaque);
#endif
