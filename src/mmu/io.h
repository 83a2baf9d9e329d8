/* Guest I/O port space (64 Ki ports). Devices claim port ranges; the CPU's
 * IN/OUT/INS/OUTS come here. A second claim on a port is refused. Accesses
 * of a width the device does not implement are split into (or merged from)
 * narrower ones, low port first. Unclaimed ports read as all ones. */
#ifndef RELIC_IO_H
#define RELIC_IO_H
#include <stdint.h>

typedef uint32_t (*io_read_fn)(void *opaque, uint16_t port, int size);
typedef void (*io_write_fn)(void *opaque, uint16_t port, uint32_t val, int size);

enum { IO_W8 = 1, IO_W16 = 2, IO_W32 = 4 };   /* width mask bits */

struct io_handler {
    io_read_fn read;
    io_write_fn write;
    void *opaque;
    const char *name;
    uint8_t widths;
};

#define IO_MAX_HANDLERS 128

struct iobus {
    int nhandlers;
    struct io_handler handler[IO_MAX_HANDLERS];
    uint8_t *port_handler;      /* 65536 entries: handler index + 1, 0 = none */
    /* Optional observer of every access (tracing); NULL when off. */
    void (*trace)(void *opaque, uint16_t port, uint32_t val, int size, int write);
    void *trace_opaque;
};

int io_init(struct iobus *bus);
void io_free(struct iobus *bus);

/* Claims [base, base+count). widths: IO_W8|IO_W16|IO_W32 the handler takes.
 * Returns 0, or -1 (and claims nothing) if any port is already claimed. */
int io_register(struct iobus *bus, uint16_t base, unsigned count, unsigned widths,
                io_read_fn rd, io_write_fn wr, void *opaque, const char *name);

/* Name of the claimant of a port, or NULL. */
const char *io_owner(const struct iobus *bus, uint16_t port);

uint32_t io_in(struct iobus *bus, uint16_t port, int size);
void io_out(struct iobus *bus, uint16_t port, uint32_t val, int size);
#endif
