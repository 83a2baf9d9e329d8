/* An interrupt request line from a device to an interrupt controller.
 * The device holds the line and sets its level; what it is wired to is the
 * board's business (src/machine). Edge-triggered inputs see a 0 -> 1 change. */
#ifndef RELIC_IRQ_H
#define RELIC_IRQ_H

struct irq_line {
    void (*set)(void *opaque, int n, int level);
    void *opaque;
    int n;                        /* the controller's input number */
};

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l && l->set)
        l->set(l->opaque, l->n, level);
}
/* An edge: raise then lower (ISA devices that pulse their line). */
static inline void irq_pulse(const struct irq_line *l)
{
    irq_set(l, 1);
    irq_set(l, 0);
}
#endif
