/* Two cascaded 8237A DMA controllers and the page registers (see dma.h).
 * Register behaviour follows the Intel 8237A datasheet and the PC/AT
 * technical reference for the port map. */
#include "dma.h"
#include <string.h>

/* Page register port offset (from 0x80) of each channel. */
static const uint8_t page_port[8] = { 0x07, 0x03, 0x01, 0x02, 0x0f, 0x0b, 0x09, 0x0a };

static struct dma_8237 *ctl_of(struct dma *d, int channel) { return &d->ctl[channel >> 2]; }
static struct dma_channel *chan_of(struct dma *d, int channel) { return &d->ctl[channel >> 2].ch[channel & 3]; }

/* ---- registers ---- */

static void master_clear(struct dma_8237 *c)
{
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->temp = 0;
    c->flipflop = 0;
    c->mask = 0x0f;
}

/* Register number 0..15 of a controller from its port. */
static int reg_of(uint16_t port, int *which)
{
    if (port < 0x10) {
        *which = 0;
        return port;
    }
    *which = 1;
    return (port - 0xc0) >> 1;
}

static uint32_t dma_ctl_read(void *opaque, uint16_t port, int size)
{
    struct dma *d = opaque;
    int which, reg = reg_of(port, &which);
    struct dma_8237 *c = &d->ctl[which];
    (void)size;
    if (reg < 8) {
        /* Address (even) or count (odd) of channel reg/2: low byte, then high. */
        struct dma_channel *ch = &c->ch[reg >> 1];
        uint16_t v = (reg & 1) ? ch->cur_count : ch->cur_addr;
        uint8_t b = c->flipflop ? (uint8_t)(v >> 8) : (uint8_t)v;
        c->flipflop ^= 1;
        return b;
    }
    switch (reg) {
    case 8: {                           /* status: TC bits clear on read */
        uint8_t s = (uint8_t)(c->status | (c->request << 4));
        c->status &= 0xf0;
        return s;
    }
    case 13:                            /* temporary register */
        return c->temp;
    case 15:                            /* all mask bits (read back as on the PIIX) */
        return 0xf0 | c->mask;
    default:                            /* write-only registers */
        return 0xff;
    }
}

static void dma_ctl_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct dma *d = opaque;
    int which, reg = reg_of(port, &which);
    struct dma_8237 *c = &d->ctl[which];
    uint8_t v = (uint8_t)val;
    (void)size;
    if (reg < 8) {
        /* Writing sets both the base and the current register. */
        struct dma_channel *ch = &c->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
        uint16_t *cur = (reg & 1) ? &ch->cur_count : &ch->cur_addr;
        if (c->flipflop)
            *base = (uint16_t)((*base & 0x00ff) | (v << 8));
        else
            *base = (uint16_t)((*base & 0xff00) | v);
        *cur = *base;
        c->flipflop ^= 1;
        return;
    }
    switch (reg) {
    case 8:                             /* command */
        c->command = v;
        break;
    case 9:                             /* request: bit 2 set/clear, bits 0-1 channel */
        if (v & 4)
            c->request |= (uint8_t)(1 << (v & 3));
        else
            c->request &= (uint8_t)~(1 << (v & 3));
        break;
    case 10:                            /* single mask bit */
        if (v & 4)
            c->mask |= (uint8_t)(1 << (v & 3));
        else
            c->mask &= (uint8_t)~(1 << (v & 3));
        break;
    case 11:                            /* mode */
        c->ch[v & 3].mode = v & 0xfc;
        break;
    case 12:                            /* clear byte pointer flip-flop */
        c->flipflop = 0;
        break;
    case 13:                            /* master clear */
        master_clear(c);
        break;
    case 14:                            /* clear mask register */
        c->mask = 0;
        break;
    case 15:                            /* write all mask bits */
        c->mask = v & 0x0f;
        break;
    }
}

static uint32_t dma_page_read(void *opaque, uint16_t port, int size)
{
    struct dma *d = opaque;
    (void)size;
    return d->page_reg[port & 0x0f];
}

static void dma_page_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct dma *d = opaque;
    int off = port & 0x0f;
    (void)size;
    d->page_reg[off] = (uint8_t)val;
    for (int i = 0; i < 8; i++)
        if (page_port[i] == off)
            chan_of(d, i)->page = (uint8_t)val;
    if (port == DMA_POST_PORT && d->post_hook)
        d->post_hook(d->post_opaque, (uint8_t)val);
}

/* ---- transfers ---- */

int dma_channel_ready(const struct dma *d, int channel)
{
    if (channel < 0 || channel > 7)
        return 0;
    const struct dma_8237 *c = &d->ctl[channel >> 2];
    const struct dma_channel *ch = &c->ch[channel & 3];
    return !(c->mask & (1 << (channel & 3))) && !(c->command & DMA_CMD_DISABLE) &&
           (ch->mode & DMA_MODE_MODE_MASK) != DMA_MODE_CASCADE;
}

int dma_terminal_count(const struct dma *d, int channel)
{
    if (channel < 0 || channel > 7)
        return 0;
    return d->ctl[channel >> 2].ch[channel & 3].tc;
}

size_t dma_remaining(const struct dma *d, int channel)
{
    if (channel < 0 || channel > 7)
        return 0;
    const struct dma_channel *ch = &d->ctl[channel >> 2].ch[channel & 3];
    return ((size_t)ch->cur_count + 1) << (channel >> 2);
}

/* Physical address of the channel's current unit. DMA2 shifts the word
 * address left by one and drops page bit 0: 128 KiB pages. */
static uint32_t phys_addr(const struct dma_channel *ch, int wide)
{
    if (wide)
        return ((uint32_t)(ch->page & 0xfe) << 16) | ((uint32_t)ch->cur_addr << 1);
    return ((uint32_t)ch->page << 16) | ch->cur_addr;
}

size_t dma_transfer(struct dma *d, int channel, void *buf, size_t len, int to_memory)
{
    if (channel < 0 || channel > 7)
        return 0;
    struct dma_8237 *c = ctl_of(d, channel);
    struct dma_channel *ch = chan_of(d, channel);
    int wide = channel >> 2;
    uint8_t *p = buf;
    size_t done = 0, units = len >> wide;

    ch->tc = 0;
    if (!dma_channel_ready(d, channel))
        return 0;
    uint8_t type = ch->mode & DMA_MODE_XFER_MASK;
    int moves = (type == DMA_MODE_WRITE && to_memory) || (type == DMA_MODE_READ && !to_memory);
    int down = !!(ch->mode & DMA_MODE_DECREMENT);

    while (units) {
        /* A run: units up to TC, and (counting up) up to the end of the
         * 64 Ki-unit address window, which the 8237 wraps without carrying
         * into the page register. Counting down goes one unit at a time. */
        size_t left = (size_t)ch->cur_count + 1;
        size_t run = units < left ? units : left;
        if (down)
            run = 1;
        else if (run > 0x10000u - ch->cur_addr)
            run = 0x10000u - ch->cur_addr;
        size_t bytes = run << wide;
        uint32_t pa = phys_addr(ch, wide);
        if (moves) {
            if (to_memory)
                phys_write_buf(d->pm, pa, p + done, bytes);
            else
                phys_read_buf(d->pm, pa, p + done, bytes);
        } else if (!to_memory) {
            memset(p + done, 0, bytes);
        }
        done += bytes;
        units -= run;
        ch->cur_addr = (uint16_t)(down ? ch->cur_addr - run : ch->cur_addr + run);
        ch->cur_count = (uint16_t)(ch->cur_count - run);
        if (run == left) {
            /* Terminal count: the counter rolled over to 0xffff. */
            ch->tc = 1;
            c->status |= (uint8_t)(1 << (channel & 3));
            c->request &= (uint8_t)~(1 << (channel & 3));
            if (ch->mode & DMA_MODE_AUTOINIT) {
                ch->cur_addr = ch->base_addr;
                ch->cur_count = ch->base_count;
            } else {
                c->mask |= (uint8_t)(1 << (channel & 3));
                break;
            }
        }
    }
    return done;
}

/* ---- set-up ---- */

void dma_reset(struct dma *d)
{
    for (int i = 0; i < 2; i++) {
        master_clear(&d->ctl[i]);
        memset(d->ctl[i].ch, 0, sizeof d->ctl[i].ch);
    }
    memset(d->page_reg, 0, sizeof d->page_reg);
}

void dma_set_post_hook(struct dma *d, void (*hook)(void *opaque, uint8_t code), void *opaque)
{
    d->post_hook = hook;
    d->post_opaque = opaque;
}

int dma_init(struct dma *d, struct iobus *bus, struct physmem *pm)
{
    memset(d, 0, sizeof *d);
    d->pm = pm;
    dma_reset(d);
    if (io_register(bus, 0x00, 0x10, IO_W8, dma_ctl_read, dma_ctl_write, d, "dma1") < 0 ||
        io_register(bus, 0xc0, 0x20, IO_W8, dma_ctl_read, dma_ctl_write, d, "dma2") < 0 ||
        io_register(bus, 0x80, 0x10, IO_W8, dma_page_read, dma_page_write, d, "dma-page") < 0)
        return -1;
    return 0;
}
