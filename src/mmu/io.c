/* Guest I/O port space. */
#include "io.h"
#include <stdlib.h>
#include <string.h>

int io_init(struct iobus *bus)
{
    memset(bus, 0, sizeof *bus);
    bus->port_handler = calloc(65536, 1);
    return bus->port_handler ? 0 : -1;
}

void io_free(struct iobus *bus)
{
    free(bus->port_handler);
    bus->port_handler = NULL;
}

int io_register(struct iobus *bus, uint16_t base, unsigned count, unsigned widths,
                io_read_fn rd, io_write_fn wr, void *opaque, const char *name)
{
    if (bus->nhandlers >= IO_MAX_HANDLERS - 1 || base + count > 65536u || !(widths & 7))
        return -1;
    for (unsigned i = 0; i < count; i++)
        if (bus->port_handler[base + i])
            return -1;
    int idx = bus->nhandlers++;
    bus->handler[idx] = (struct io_handler){ rd, wr, opaque, name, (uint8_t)widths };
    for (unsigned i = 0; i < count; i++)
        bus->port_handler[base + i] = (uint8_t)(idx + 1);
    return 0;
}

const char *io_owner(const struct iobus *bus, uint16_t port)
{
    uint8_t h = bus->port_handler[port];
    return h ? bus->handler[h - 1].name : NULL;
}

static struct io_handler *handler_for(struct iobus *bus, uint16_t port)
{
    uint8_t h = bus->port_handler[port];
    return h ? &bus->handler[h - 1] : NULL;
}

static uint32_t in_raw(struct iobus *bus, uint16_t port, int size)
{
    struct io_handler *h = handler_for(bus, port);
    if (h && (h->widths & size) && h->read)
        return h->read(h->opaque, port, size);
    if (size == 1)
        return h && h->read ? h->read(h->opaque, port, 1) & 0xff : 0xff;
    /* Split: low half from port, high half from port + size/2. */
    int half = size / 2;
    uint32_t lo = in_raw(bus, port, half);
    uint32_t hi = in_raw(bus, (uint16_t)(port + half), half);
    return lo | hi << (8 * half);
}

static void out_raw(struct iobus *bus, uint16_t port, uint32_t val, int size)
{
    struct io_handler *h = handler_for(bus, port);
    if (h && (h->widths & size) && h->write) {
        h->write(h->opaque, port, val, size);
        return;
    }
    if (size == 1) {
        if (h && h->write)
            h->write(h->opaque, port, val & 0xff, 1);
        return;
    }
    int half = size / 2;
    out_raw(bus, port, val & ((1u << (8 * half)) - 1), half);
    out_raw(bus, (uint16_t)(port + half), val >> (8 * half), half);
}

uint32_t io_in(struct iobus *bus, uint16_t port, int size)
{
    uint32_t v = in_raw(bus, port, size);
    if (bus->trace)
        bus->trace(bus->trace_opaque, port, v, size, 0);
    return v;
}

void io_out(struct iobus *bus, uint16_t port, uint32_t val, int size)
{
    if (bus->trace)
        bus->trace(bus->trace_opaque, port, val, size, 1);
    out_raw(bus, port, val, size);
}
