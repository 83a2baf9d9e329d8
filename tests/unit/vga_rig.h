/* The VGA on a bare bus, as the VGA unit tests drive it: ports through
 * io_out/io_in, memory through the physical address space, time by hand.
 * Include after check.h (rig_new checks vga_init). */
#ifndef RELIC_TEST_VGA_RIG_H
#define RELIC_TEST_VGA_RIG_H
#include "devices/vga.h"
#include "devices/vga_render.h"
#include "machine/timer.h"
#include "mmu/io.h"
#include "mmu/phys.h"
#include <stdlib.h>

struct rig {
    struct iobus bus;
    struct physmem pm;
    struct vclock clock;
    struct vga v;
    struct vga_frame f;             /* for the renderer's tests */
};

static inline struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof *r);
    io_init(&r->bus);
    phys_init(&r->pm, 1 << 20);
    vclock_init(&r->clock, VCLOCK_MANUAL);
    CHECK_EQ(vga_init(&r->v, &r->bus, &r->pm, &r->clock), 0);
    return r;
}

static inline void rig_free(struct rig *r)
{
    vga_frame_free(&r->f);
    vga_free(&r->v);
    phys_free(&r->pm);
    io_free(&r->bus);
    free(r);
}

static inline void outb(struct rig *r, uint16_t port, uint8_t v) { io_out(&r->bus, port, v, 1); }
static inline uint8_t inb(struct rig *r, uint16_t port) { return (uint8_t)io_in(&r->bus, port, 1); }
/* index/data pairs: sequencer, graphics controller, CRTC (colour ports) */
static inline void sr(struct rig *r, uint8_t i, uint8_t v) { outb(r, 0x3c4, i); outb(r, 0x3c5, v); }
static inline void gr(struct rig *r, uint8_t i, uint8_t v) { outb(r, 0x3ce, i); outb(r, 0x3cf, v); }
static inline void cr(struct rig *r, uint8_t i, uint8_t v) { outb(r, 0x3d4, i); outb(r, 0x3d5, v); }
#endif
