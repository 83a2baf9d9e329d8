/* isa-debug-exit (see debugexit.h). */
#include "debugexit.h"

static uint32_t debugexit_read(void *opaque, uint16_t port, int size)
{
    (void)opaque; (void)port; (void)size;
    return 0;
}

static void debugexit_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct debugexit *d = opaque;
    (void)port; (void)size;
    if (d->request_exit)
        d->request_exit(d->opaque, debugexit_status(val));
}

int debugexit_init(struct debugexit *d, struct iobus *bus, uint16_t iobase, uint16_t iosize,
                   void (*request_exit)(void *opaque, int status), void *opaque)
{
    d->iobase = iobase;
    d->iosize = iosize;
    d->request_exit = request_exit;
    d->opaque = opaque;
    /* All widths: a guest's OUT DX, AX must arrive as one value, not as two
     * bytes that would each ask for an exit. */
    return io_register(bus, iobase, iosize, IO_W8 | IO_W16 | IO_W32,
                       debugexit_read, debugexit_write, d, "isa-debug-exit");
}

void debugexit_reset(struct debugexit *d)
{
    (void)d;   /* no state: a request already made is the machine's */
}
