/* Two 8259A interrupt controllers and the ELCR (see pic.h). Behaviour follows
 * Intel's 8259A datasheet (order no. 231468); priorities are kept as a
 * rotation: "lowest" is the IR with the lowest priority, so the highest is
 * lowest + 1 (mod 8). */
#include "pic.h"
#include <string.h>

/* Priority rank of IR n: 0 is the highest. */
static int rank(const struct pic8259 *c, int n)
{
    return (n - c->lowest - 1) & 7;
}

/* The IR with the highest priority among the bits of mask, or -1. */
static int highest(const struct pic8259 *c, uint8_t mask)
{
    for (int r = 0; r < 8; r++) {
        int n = (c->lowest + 1 + r) & 7;
        if (mask & (1u << n))
            return n;
    }
    return -1;
}

/* The IR this chip would raise INT for now, or -1: the highest unmasked
 * request, if it outranks everything in service. In special mask mode,
 * masked in-service levels do not block; in special fully nested mode the
 * master lets the slave's IR2 interrupt its own service. */
static int chip_pending(const struct pic8259 *c, int is_master)
{
    int req = highest(c, c->irr & (uint8_t)~c->imr);
    if (req < 0)
        return -1;
    uint8_t busy = c->isr;
    if (c->special_mask)
        busy &= (uint8_t)~c->imr;
    if (is_master && c->fully_nested)
        busy &= (uint8_t)~(1u << 2);
    int cur = highest(c, busy);
    if (cur >= 0 && rank(c, cur) <= rank(c, req))
        return -1;
    return req;
}

/* Recomputes the cascade and INTR, telling the board when INTR changes. The
 * slave's INT output drives the master's IR2, an edge-triggered input: a
 * rising INT latches IR2, which stays requested even if the slave's request
 * goes away, and then yields the slave's spurious IRQ 15. */
static void update(struct pic *p)
{
    struct pic8259 *m = &p->chip[0];
    int s = chip_pending(&p->chip[1], 0) >= 0;
    if (s && !p->slave_int)
        m->irr |= 1u << 2;
    p->slave_int = (uint8_t)s;
    int intr = chip_pending(m, 1) >= 0;
    if (intr != p->intr) {
        p->intr = intr;
        if (p->intr_changed)
            p->intr_changed(p->opaque, intr);
    }
}

static void chip_input(struct pic8259 *c, int n, int level)
{
    uint8_t bit = (uint8_t)(1u << n);
    if (c->elcr & bit) {
        if (level)
            c->irr |= bit;
        else
            c->irr &= (uint8_t)~bit;
    } else if (level && !(c->line & bit)) {
        c->irr |= bit;                        /* rising edge latches */
    }
    if (level)
        c->line |= bit;
    else
        c->line &= (uint8_t)~bit;
}

void pic_set_irq(struct pic *p, int irq, int level)
{
    if (irq == 2)
        irq = 9;                              /* the ISA bus's IRQ2 pin */
    if (irq < 0 || irq > 15)
        return;
    chip_input(&p->chip[irq >> 3], irq & 7, level != 0);
    update(p);
}

void pic_irq_line_set(void *opaque, int irq, int level)
{
    pic_set_irq(opaque, irq, level);
}

int pic_intr(struct pic *p)
{
    return p->intr;
}

/* Acknowledge of IR n on one chip (INTA or poll): IRR to ISR, unless AEOI. */
static void chip_ack(struct pic8259 *c, int n)
{
    uint8_t bit = (uint8_t)(1u << n);
    if (!(c->elcr & bit))
        c->irr &= (uint8_t)~bit;              /* a level input keeps requesting */
    if (c->auto_eoi) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)n;
    } else {
        c->isr |= bit;
    }
}

int pic_ack(struct pic *p)
{
    struct pic8259 *m = &p->chip[0], *s = &p->chip[1];
    int vec;
    int n = chip_pending(m, 1);
    if (n < 0) {
        vec = m->vector_base | 7;             /* spurious IRQ 7 */
    } else {
        chip_ack(m, n);
        if (n == 2 && !m->single) {
            int k = chip_pending(s, 0);
            if (k < 0) {
                vec = s->vector_base | 7;     /* spurious IRQ 15 */
            } else {
                chip_ack(s, k);
                vec = s->vector_base | k;
                /* INTA ends the INT pulse: a request still outstanding on
                 * the slave (AEOI, special mask) is a new edge on IR2. */
                if (chip_pending(s, 0) >= 0)
                    m->irr |= 1u << 2;
            }
        } else {
            vec = m->vector_base | n;
        }
    }
    update(p);
    return vec;
}

int pic_intr_ack(void *opaque)
{
    return pic_ack(opaque);
}

/* OCW3 poll: the read itself is the acknowledge; bit 7 says a request was
 * there, bits 2..0 name it. */
static uint8_t chip_poll(struct pic *p, struct pic8259 *c)
{
    c->poll = 0;
    int n = chip_pending(c, c == &p->chip[0]);
    if (n < 0)
        return 0;
    chip_ack(c, n);
    update(p);
    return (uint8_t)(0x80 | n);
}

static void eoi(struct pic8259 *c, int n, int rotate)
{
    if (n < 0)
        return;
    c->isr &= (uint8_t)~(1u << n);
    if (rotate)
        c->lowest = (uint8_t)n;
}

static void write_ocw2(struct pic8259 *c, uint8_t v)
{
    int level = v & 7;
    switch (v >> 5) {
    case 0: c->rotate_aeoi = 0; break;                          /* clear rotate in AEOI */
    case 1: eoi(c, highest(c, c->isr), 0); break;               /* non-specific EOI */
    case 2: break;                                              /* no operation */
    case 3: eoi(c, level, 0); break;                            /* specific EOI */
    case 4: c->rotate_aeoi = 1; break;                          /* set rotate in AEOI */
    case 5: eoi(c, highest(c, c->isr), 1); break;               /* rotate on non-specific EOI */
    case 6: c->lowest = (uint8_t)level; break;                  /* set priority */
    case 7: eoi(c, level, 1); break;                            /* rotate on specific EOI */
    }
}

static void write_ocw3(struct pic8259 *c, uint8_t v)
{
    if (v & 0x04)
        c->poll = 1;
    if (v & 0x02)
        c->read_isr = v & 1;
    if (v & 0x40)
        c->special_mask = (v >> 5) & 1;
}

/* ICW1: starts the initialisation sequence. Per the datasheet the edge
 * latches are reset (an edge input needs a fresh 0 -> 1), the mask is
 * cleared, IR7 gets the lowest priority, special mask mode ends, status reads
 * return IRR, and without IC4 the ICW4 functions are all zero. */
static void write_icw1(struct pic8259 *c, uint8_t v)
{
    c->irr = c->line & c->elcr;
    c->isr = 0;
    c->imr = 0;
    c->lowest = 7;
    c->special_mask = 0;
    c->read_isr = 0;
    c->poll = 0;
    c->rotate_aeoi = 0;
    c->icw4_wanted = v & 1;
    c->single = (v >> 1) & 1;
    c->auto_eoi = 0;
    c->fully_nested = 0;
    c->init_step = 2;
}

static void chip_write(struct pic8259 *c, int odd, uint8_t v)
{
    if (!odd) {
        if (v & 0x10)
            write_icw1(c, v);
        else if (v & 0x08)
            write_ocw3(c, v);
        else
            write_ocw2(c, v);
        return;
    }
    switch (c->init_step) {
    case 2:
        c->vector_base = v & 0xf8;
        c->init_step = c->single ? (c->icw4_wanted ? 4 : 0) : 3;
        break;
    case 3:
        c->icw3 = v;
        c->init_step = c->icw4_wanted ? 4 : 0;
        break;
    case 4:
        c->auto_eoi = (v >> 1) & 1;
        c->fully_nested = (v >> 4) & 1;
        c->init_step = 0;
        break;
    default:
        c->imr = v;                           /* OCW1 */
        break;
    }
}

static uint8_t chip_read(struct pic *p, struct pic8259 *c, int odd)
{
    if (c->poll)
        return chip_poll(p, c);
    if (odd)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static uint32_t pic_read(void *opaque, uint16_t port, int size)
{
    struct pic *p = opaque;
    (void)size;
    return chip_read(p, &p->chip[(port & 0x80) ? 1 : 0], port & 1);
}

static void pic_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct pic *p = opaque;
    (void)size;
    chip_write(&p->chip[(port & 0x80) ? 1 : 0], port & 1, (uint8_t)val);
    update(p);
}

static uint32_t elcr_read(void *opaque, uint16_t port, int size)
{
    struct pic *p = opaque;
    (void)size;
    return p->chip[port & 1].elcr;
}

/* Switching an input to edge mode drops a request its level was holding
 * unless a new edge comes; switching to level makes IRR follow the line. */
static void elcr_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct pic *p = opaque;
    struct pic8259 *c = &p->chip[port & 1];
    uint8_t was = c->elcr;
    (void)size;
    c->elcr = (uint8_t)val & c->elcr_mask;
    c->irr = (uint8_t)((c->irr & ~c->elcr & ~was) | (c->line & c->elcr));
    update(p);
}

void pic_reset(struct pic *p)
{
    for (int i = 0; i < 2; i++) {
        struct pic8259 *c = &p->chip[i];
        uint8_t line = c->line;
        memset(c, 0, sizeof *c);
        c->line = line;                       /* the wires keep their levels */
        c->lowest = 7;
        c->elcr_mask = i ? 0xde : 0xf8;       /* IRQ 0, 1, 2, 8, 13 are edge only */
    }
    p->slave_int = 0;
    update(p);
}

int pic_init(struct pic *p, struct iobus *bus,
             void (*intr_changed)(void *opaque, int level), void *opaque)
{
    memset(p, 0, sizeof *p);
    p->intr_changed = intr_changed;
    p->opaque = opaque;
    pic_reset(p);
    if (io_register(bus, PIC_MASTER_BASE, 2, IO_W8, pic_read, pic_write, p, "pic-master") < 0 ||
        io_register(bus, PIC_SLAVE_BASE, 2, IO_W8, pic_read, pic_write, p, "pic-slave") < 0 ||
        io_register(bus, PIC_ELCR_BASE, 2, IO_W8, elcr_read, elcr_write, p, "elcr") < 0)
        return -1;
    return 0;
}
