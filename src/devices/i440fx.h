/* Intel 82441FX PCI and memory controller (the i440FX host bridge,
 * 8086:1237, at 00:00.0), as far as firmware and guests use it:
 * - PAM0..PAM6 (config 0x59-0x5f) shadow 0xc0000-0xfffff in thirteen
 *   segments (twelve of 16 KiB from 0xc0000, one of 64 KiB at 0xf0000).
 *   Per segment, RE (bit 0 of its nibble) sends reads to DRAM, WE (bit 1)
 *   sends writes to DRAM; otherwise the access goes to the PCI/ISA bus,
 *   where the BIOS ROM answers in 0xe0000-0xfffff (its last 128 KiB) and
 *   nothing answers below (reads all ones, writes dropped).
 * - SMRAM (0x72) reads and writes but stays closed: 0xa0000-0xbffff is
 *   always the VGA's, there is no SMM.
 * - the Reset Control register at port 0xcf9: a 0 -> 1 edge of RST_CPU
 *   (bit 2) resets the machine. (On real boards it lives in the PIIX.) */
#ifndef RELIC_I440FX_H
#define RELIC_I440FX_H
#include <stdint.h>
#include "pci.h"
#include "../mmu/io.h"
#include "../mmu/phys.h"

#define I440FX_DEVFN 0
#define I440FX_RCR_PORT 0xcf9
#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72
#define I440FX_PAM_SEGMENTS 13
#define I440FX_SHADOW_BASE 0xc0000u
#define I440FX_SHADOW_SIZE 0x40000u

struct i440fx {
    struct pci_func pci;
    struct physmem *pm;
    uint8_t *bus_rom;              /* what the bus shows in 0xc0000-0xfffff, 256 KiB */
    int region[I440FX_PAM_SEGMENTS];
    uint8_t mode[I440FX_PAM_SEGMENTS];   /* RE | WE << 1 now in effect */
    uint8_t rcr;                   /* 0xcf9 */
    void (*request_reset)(void *opaque);
    void *opaque;
};

/* Registers the bridge at 00:00.0, port 0xcf9 and the thirteen shadow
 * regions over 0xc0000-0xfffff (the board maps nothing else there, and RAM
 * must be at least 1 MiB). bios is the firmware image (any size); its last
 * 128 KiB (or all of it if smaller, ending at 1 MiB) is copied into the bus
 * window. Returns 0, or -1 (port or slot taken, too little RAM, no memory). */
int i440fx_init(struct i440fx *h, struct pci_bus *bus, struct iobus *io, struct physmem *pm,
                const uint8_t *bios, uint32_t bios_size,
                void (*request_reset)(void *opaque), void *opaque);
/* Machine reset: PAM to bus (ROM), SMRAM closed, RCR 0. RAM is kept. */
void i440fx_reset(struct i440fx *h);
void i440fx_free(struct i440fx *h);
#endif
