/* System Control Port A (0x92), the "fast A20 and reset" port of PS/2 and
 * every later chipset. Bit 1 gates A20, a 0->1 edge on bit 0 resets the CPU.
 * All eight bits read back as written (as QEMU does), apart from bit 0,
 * which the reset clears. */
#ifndef RELIC_PORT92_H
#define RELIC_PORT92_H
#include <stdint.h>
#include "../mmu/io.h"
#include "../mmu/phys.h"

#define PORT92_PORT 0x92

struct port92 {
    uint8_t value;
    struct physmem *pm;
    void (*request_reset)(void *opaque);
    void *opaque;
};

/* Returns 0, or -1 if the port is taken. */
int port92_init(struct port92 *p, struct iobus *bus, struct physmem *pm,
                void (*request_reset)(void *opaque), void *opaque);
/* Machine reset: the reset bit drops; A20 is the machine's to set. */
void port92_reset(struct port92 *p);
#endif
