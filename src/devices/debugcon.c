/* Debug console (see debugcon.h). */
#include "debugcon.h"

static uint32_t debugcon_read(void *opaque, uint16_t port, int size)
{
    struct debugcon *d = opaque;
    (void)port; (void)size;
    return d->port & 0xff;
}

static void debugcon_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct debugcon *d = opaque;
    (void)port; (void)size;
    /* Flushed per byte: the guest may be about to crash the machine, and the
     * last words before that are the ones worth having. */
    fputc((int)(val & 0xff), d->out);
    fflush(d->out);
}

int debugcon_init(struct debugcon *d, struct iobus *bus, uint16_t port, FILE *out)
{
    d->out = out;
    d->port = port;
    return io_register(bus, port, 1, IO_W8, debugcon_read, debugcon_write, d, "debugcon");
}

void debugcon_reset(struct debugcon *d)
{
    (void)d;
}
