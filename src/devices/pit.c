/* 8254 interval timer and System Control Port B (see pit.h). Modes, status
 * and read-back follow Intel's 82C54 datasheet (order no. 231244). */
#include "pit.h"
#include <string.h>

#define NS_PER_S 1000000000ull
#define CATCH_UP_NS (100 * 1000000ull)   /* IRQ 0 edges further behind are dropped */
#define REFRESH_NS 15000ull              /* port 0x61 bit 4 toggles this often */

enum { PORTB_GATE2 = 0x01, PORTB_SPEAKER = 0x02, PORTB_REFRESH = 0x10, PORTB_OUT2 = 0x20 };

static uint64_t ns_to_tick(uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * PIT_HZ) / NS_PER_S);
}

/* The first nanosecond at which the PIT clock has reached tick. */
static uint64_t tick_to_ns(uint64_t tick)
{
    return (uint64_t)(((unsigned __int128)tick * NS_PER_S + PIT_HZ - 1) / PIT_HZ);
}

static uint64_t now_tick(struct pit *p)
{
    return ns_to_tick(vclock_now(p->clock));
}

/* Clocks counted since the count started. */
static uint64_t elapsed(const struct pit_channel *c, uint64_t now)
{
    if (!c->running)
        return 0;
    if (c->paused)
        return c->frozen;
    return now > c->start_tick ? now - c->start_tick : 0;
}

static int out_at(const struct pit_channel *c, uint64_t now)
{
    uint64_t d = elapsed(c, now), n = c->reload;
    if (!c->loaded)
        return c->mode != 0;              /* a control word sets OUT: low in mode 0 */
    switch (c->mode) {
    case 0: return c->running && d >= n;
    case 1: return !c->running || d >= n;
    case 2: return !c->running || c->paused || n < 2 || d % n != n - 1;
    case 3: return !c->running || c->paused || d % n < (n + 1) / 2;
    default: return !c->running || d != n;  /* modes 4 and 5: one clock low */
    }
}

static unsigned to_bcd(unsigned v)
{
    return (v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12;
}

static unsigned from_bcd(unsigned v)
{
    return (v & 15) + (v >> 4 & 15) * 10 + (v >> 8 & 15) * 100 + (v >> 12 & 15) * 1000;
}

/* The counting element as the guest would read it (binary or BCD). */
static unsigned count_at(const struct pit_channel *c, uint64_t now)
{
    uint64_t m = c->bcd ? 10000 : 65536, n = c->reload, d = elapsed(c, now), v;
    if (!c->loaded)
        return 0;
    if (!c->running) {
        v = n % m;
    } else {
        switch (c->mode) {
        case 2: v = (n - d % n) % m; break;
        case 3: v = ((n - (2 * d) % n) & ~1ull) % m; break;
        default: v = (n % m + m - d % m) % m; break;   /* wraps past zero */
        }
    }
    return c->bcd ? to_bcd((unsigned)v) : (unsigned)v;
}

/* The absolute tick of channel c's next rising OUT edge after tick t, or
 * VCLOCK_NEVER. */
static uint64_t next_rise(const struct pit_channel *c, uint64_t t)
{
    if (!c->loaded || !c->running || c->paused)
        return VCLOCK_NEVER;
    uint64_t d = t > c->start_tick ? t - c->start_tick : 0, n = c->reload;
    switch (c->mode) {
    case 0: case 1: return d < n ? c->start_tick + n : VCLOCK_NEVER;
    case 2: case 3: return c->start_tick + (d / n + 1) * n;
    default: return d < n + 1 ? c->start_tick + n + 1 : VCLOCK_NEVER;
    }
}

static void arm_irq_timer(struct pit *p, uint64_t edge)
{
    if (edge == VCLOCK_NEVER) {
        timer_del(&p->irq_timer);
        return;
    }
    p->irq_edge_tick = edge;
    timer_mod(&p->irq_timer, tick_to_ns(edge));
}

/* Channel 0 was reprogrammed or its state otherwise changed: the line takes
 * OUT's level now, and the timer waits for the next rising edge. */
static void ch0_changed(struct pit *p)
{
    uint64_t now = now_tick(p);
    irq_set(&p->irq0, out_at(&p->ch[0], now));
    arm_irq_timer(p, next_rise(&p->ch[0], now));
}

static void irq_timer_cb(void *opaque)
{
    struct pit *p = opaque;
    struct pit_channel *c = &p->ch[0];
    if (c->mode >= 2)
        irq_set(&p->irq0, 0);             /* the low phase, folded into this event */
    irq_set(&p->irq0, 1);
    uint64_t next = next_rise(c, p->irq_edge_tick);
    uint64_t now = vclock_now(p->clock);
    /* Fell far behind (host stalled): skip the missed edges, do not replay them. */
    if (next != VCLOCK_NEVER && tick_to_ns(next) + CATCH_UP_NS < now)
        next = next_rise(c, ns_to_tick(now));
    arm_irq_timer(p, next);
}

/* A complete count has been written. */
static void load_count(struct pit *p, int i, unsigned raw)
{
    struct pit_channel *c = &p->ch[i];
    unsigned n = c->bcd ? from_bcd(raw) : raw;
    if (n == 0)
        n = c->bcd ? 10000 : 65536;
    c->reload = n;
    c->loaded = 1;
    c->null_count = 0;
    c->start_tick = now_tick(p);
    c->frozen = 0;
    if (c->mode == 1 || c->mode == 5) {
        c->running = 0;                   /* waits for a gate trigger */
    } else {
        c->running = 1;
        c->paused = !c->gate;
    }
    if (i == 0)
        ch0_changed(p);
}

static void set_gate(struct pit *p, int i, int gate)
{
    struct pit_channel *c = &p->ch[i];
    uint64_t now = now_tick(p);
    if (gate == c->gate)
        return;
    c->gate = (uint8_t)gate;
    if (!c->loaded)
        goto done;
    if (gate) {
        switch (c->mode) {
        case 0: case 4:
            if (c->paused) {
                c->start_tick = now - c->frozen;
                c->paused = 0;
            }
            break;
        default:                          /* 1, 2, 3, 5: a rising gate (re)starts */
            c->running = 1;
            c->paused = 0;
            c->start_tick = now;
            break;
        }
    } else if (c->mode != 1 && c->mode != 5 && c->running && !c->paused) {
        c->frozen = elapsed(c, now);
        c->paused = 1;
    }
done:
    if (i == 0)
        ch0_changed(p);
}

static void latch_count(struct pit *p, struct pit_channel *c)
{
    if (c->latched)
        return;                           /* a second latch is ignored until read */
    c->latch = (uint16_t)count_at(c, now_tick(p));
    c->latched = c->access == 3 ? 2 : 1;
    c->latch_msb_next = c->access == 2;
}

static void latch_status(struct pit *p, struct pit_channel *c)
{
    if (c->status_latched)
        return;
    uint64_t now = now_tick(p);
    c->status = (uint8_t)(out_at(c, now) << 7 | (!c->loaded || c->null_count) << 6 |
                          c->access << 4 | c->mode << 1 | c->bcd);
    c->status_latched = 1;
}

static void write_control(struct pit *p, uint8_t v)
{
    int sc = v >> 6;
    if (sc == 3) {                        /* read-back */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2 << i)))
                continue;
            if (!(v & 0x20))
                latch_count(p, &p->ch[i]);
            if (!(v & 0x10))
                latch_status(p, &p->ch[i]);
        }
        return;
    }
    struct pit_channel *c = &p->ch[sc];
    int access = (v >> 4) & 3;
    if (access == 0) {
        latch_count(p, c);
        return;
    }
    c->access = (uint8_t)access;
    c->mode = (v >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4;                     /* 6, 7 are 2, 3 */
    c->bcd = v & 1;
    c->loaded = 0;
    c->running = 0;
    c->paused = 0;
    c->null_count = 1;
    c->write_lsb_done = 0;
    c->read_msb_next = 0;
    c->latched = 0;
    c->status_latched = 0;
    if (sc == 0)
        ch0_changed(p);
}

static void write_counter(struct pit *p, int i, uint8_t v)
{
    struct pit_channel *c = &p->ch[i];
    switch (c->access) {
    case 1: load_count(p, i, v); break;
    case 2: load_count(p, i, (unsigned)v << 8); break;
    case 3:
        if (!c->write_lsb_done) {
            c->write_lsb = v;
            c->write_lsb_done = 1;
            if (c->mode == 0 && c->loaded) {  /* mode 0: the first byte stops counting */
                c->running = 0;
                c->null_count = 1;
                if (i == 0)
                    ch0_changed(p);
            }
        } else {
            c->write_lsb_done = 0;
            load_count(p, i, c->write_lsb | (unsigned)v << 8);
        }
        break;
    default:
        break;                            /* never programmed: ignored */
    }
}

static uint8_t read_counter(struct pit *p, struct pit_channel *c)
{
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->latched) {
        c->latched--;
        int msb = c->latch_msb_next;
        c->latch_msb_next = !msb;
        return (uint8_t)(msb ? c->latch >> 8 : c->latch);
    }
    unsigned v = count_at(c, now_tick(p));
    switch (c->access) {
    case 1: return (uint8_t)v;
    case 2: return (uint8_t)(v >> 8);
    default:
        c->read_msb_next ^= 1;
        return (uint8_t)(c->read_msb_next ? v : v >> 8);
    }
}

static uint32_t pit_read(void *opaque, uint16_t port, int size)
{
    struct pit *p = opaque;
    (void)size;
    int i = port & 3;
    if (i == 3)
        return 0xff;                      /* the control register is write-only */
    return read_counter(p, &p->ch[i]);
}

static void pit_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct pit *p = opaque;
    (void)size;
    int i = port & 3;
    if (i == 3)
        write_control(p, (uint8_t)val);
    else
        write_counter(p, i, (uint8_t)val);
}

static uint32_t portb_read(void *opaque, uint16_t port, int size)
{
    struct pit *p = opaque;
    (void)port; (void)size;
    uint64_t ns = vclock_now(p->clock);
    uint8_t v = p->portb & 0x0f;
    if ((ns / REFRESH_NS) & 1)
        v |= PORTB_REFRESH;
    if (out_at(&p->ch[2], ns_to_tick(ns)))
        v |= PORTB_OUT2;
    return v;
}

static void portb_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct pit *p = opaque;
    (void)port; (void)size;
    p->portb = (uint8_t)val & 0x0f;
    set_gate(p, 2, val & PORTB_GATE2);
}

int pit_out(struct pit *p, int n)
{
    return out_at(&p->ch[n], now_tick(p));
}

unsigned pit_count(struct pit *p, int n)
{
    return count_at(&p->ch[n], now_tick(p));
}

int pit_speaker_on(struct pit *p)
{
    return (p->portb & (PORTB_GATE2 | PORTB_SPEAKER)) == (PORTB_GATE2 | PORTB_SPEAKER);
}

void pit_reset(struct pit *p)
{
    memset(p->ch, 0, sizeof p->ch);
    for (int i = 0; i < 3; i++) {
        p->ch[i].gate = i < 2;
        p->ch[i].null_count = 1;
    }
    p->portb = 0;
    timer_del(&p->irq_timer);
    irq_set(&p->irq0, 0);
}

int pit_init(struct pit *p, struct iobus *bus, struct vclock *clock, struct irq_line irq0)
{
    memset(p, 0, sizeof *p);
    p->clock = clock;
    p->irq0 = irq0;
    timer_init(&p->irq_timer, clock, irq_timer_cb, p);
    pit_reset(p);
    if (io_register(bus, PIT_BASE, 4, IO_W8, pit_read, pit_write, p, "pit") < 0 ||
        io_register(bus, PIT_PORTB, 1, IO_W8, portb_read, portb_write, p, "port61") < 0)
        return -1;
    return 0;
}
