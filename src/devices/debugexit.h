/* isa-debug-exit: lets a test guest end the emulator with a status.
 * A write of v, of any width up to 4 bytes, asks for exit status
 * (v << 1) | 1, so a guest can never make the emulator report plain 0.
 * The device only reports the request; the machine decides when to stop. */
#ifndef RELIC_DEBUGEXIT_H
#define RELIC_DEBUGEXIT_H
#include <stdint.h>
#include "../mmu/io.h"

#define DEBUGEXIT_DEFAULT_IOBASE 0x501
#define DEBUGEXIT_DEFAULT_IOSIZE 2   /* QEMU's default too */

struct debugexit {
    uint16_t iobase;
    uint16_t iosize;
    void (*request_exit)(void *opaque, int status);
    void *opaque;
};

/* The exit status a written value asks for. */
static inline int debugexit_status(uint32_t v) { return (int)((v << 1) | 1); }

/* Claims [iobase, iobase+iosize). Returns 0, or -1 if a port is taken. */
int debugexit_init(struct debugexit *d, struct iobus *bus, uint16_t iobase, uint16_t iosize,
                   void (*request_exit)(void *opaque, int status), void *opaque);
void debugexit_reset(struct debugexit *d);
#endif
