/* Intel 8254 programmable interval timer at 0x40-0x43, and the PC's System
 * Control Port B at 0x61 (channel 2's gate, the speaker data bit, the DRAM
 * refresh toggle and channel 2's output).
 *
 * The counters are not stepped: each channel remembers the virtual time its
 * count started, and the count and OUT at any moment are computed from the
 * virtual clock at 1.193182 MHz. Channel 0's OUT drives IRQ 0 through a timer
 * armed for its next rising edge only, so a periodic mode costs one timer
 * event a period; in modes 2 and 3 that event lowers and raises the line at
 * once (the low phase is not shown to the PIC, whose input latches edges).
 *
 * All six modes, binary and BCD, LSB/MSB/word access, counter latch and
 * read-back (count and status) are implemented. Simplifications: a new count
 * written in modes 2 and 3 takes effect at once rather than at the end of
 * the current period; counters 0 and 1 have their gates tied high. */
#ifndef RELIC_PIT_H
#define RELIC_PIT_H
#include <stdint.h>
#include "../mmu/io.h"
#include "../machine/timer.h"
#include "irq.h"

#define PIT_BASE 0x40
#define PIT_PORTB 0x61
#define PIT_HZ 1193182u

struct pit_channel {
    uint32_t reload;              /* the count as a number of clocks: 1..65536 */
    uint64_t start_tick;          /* PIT clock at which counting began */
    uint64_t frozen;              /* clocks counted when the gate stopped it */
    uint8_t mode;                 /* 0..5 */
    uint8_t access;               /* RW bits: 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t bcd;
    uint8_t gate;
    uint8_t loaded;               /* a count has been written since the control word */
    uint8_t running;              /* counting (mode 1/5: triggered) */
    uint8_t paused;               /* gate low stopped counting (modes 0, 2, 3, 4) */
    uint8_t null_count;           /* control word or count written, not yet loaded */
    uint8_t write_lsb_done;       /* word access: the LSB has been written */
    uint8_t write_lsb;            /* ... and its value */
    uint8_t read_msb_next;        /* word access: the next live read is the MSB */
    uint8_t latched;              /* bytes of a latched count left to read: 0..2 */
    uint8_t latch_msb_next;
    uint16_t latch;               /* the latched count */
    uint8_t status_latched;
    uint8_t status;
};

struct pit {
    struct pit_channel ch[3];
    uint8_t portb;                /* bits 0..3 of port 0x61 as written */
    uint64_t irq_edge_tick;       /* the channel 0 edge the timer is armed for */
    struct timer irq_timer;
    struct vclock *clock;
    struct irq_line irq0;         /* channel 0 OUT */
};

/* Claims 0x40-0x43 and 0x61. irq0 is the line channel 0 drives (IRQ 0).
 * Returns 0, or -1 if a port is taken. */
int pit_init(struct pit *p, struct iobus *bus, struct vclock *clock, struct irq_line irq0);
/* Machine reset: channels unprogrammed, speaker off, IRQ 0 low. */
void pit_reset(struct pit *p);
/* Channel n's OUT pin now, and its current count (what a latch would read). */
int pit_out(struct pit *p, int n);
unsigned pit_count(struct pit *p, int n);
/* Speaker: 1 while channel 2 drives the speaker (port 0x61 bits 0 and 1
 * set); a sound backend takes the tone from ch[2].reload (PIT_HZ / reload Hz). */
int pit_speaker_on(struct pit *p);
#endif
