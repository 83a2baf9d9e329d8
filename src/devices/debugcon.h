/* Bochs/QEMU debug console at port 0xe9: bytes the guest writes go straight
 * to a host stream (stderr in the machine); reads return 0xe9 so a guest can
 * detect the port. */
#ifndef RELIC_DEBUGCON_H
#define RELIC_DEBUGCON_H
#include <stdio.h>
#include <stdint.h>
#include "../mmu/io.h"

#define DEBUGCON_PORT 0xe9

struct debugcon {
    FILE *out;
    uint16_t port;
};

/* Returns 0, or -1 if the port is taken. */
int debugcon_init(struct debugcon *d, struct iobus *bus, uint16_t port, FILE *out);
void debugcon_reset(struct debugcon *d);
#endif
