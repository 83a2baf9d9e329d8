/* A flat 32-bit protected-mode CPU for instruction-level tests (the vector
 * replay, the translator's differential test): a GDT with flat ring-0 code
 * (selector 0x08) and data (0x10) and an IDT whose vector v lands on a HLT
 * at FLAT32_STUBS + v, so an exception ends the run where it can be seen. */
#ifndef RELIC_TEST_FLAT32_H
#define RELIC_TEST_FLAT32_H
#include "cpu/exec.h"

#define FLAT32_GDT 0x500u
#define FLAT32_IDT 0x1000u
#define FLAT32_STUBS 0x2000u

static inline void flat32_seg(struct seg *s, uint16_t sel, uint16_t access)
{
    *s = (struct seg){ .base = 0, .limit = 0xffffffffu, .sel = sel, .flags = (uint16_t)(access | 0xc000),
                       .valid = 1, .rw = (access & 8) ? SEG_RD : SEG_RD | SEG_WR };
}

/* The descriptor tables and stubs, into guest memory (below 0x2100). */
static inline void flat32_tables(struct physmem *pm)
{
    static const uint8_t gdt[24] = { [8] = 0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0,
                                     [16] = 0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0 };
    phys_load(pm, FLAT32_GDT, gdt, sizeof gdt);
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t off = FLAT32_STUBS + v;
        uint8_t gate[8] = { off & 0xff, (off >> 8) & 0xff, 0x08, 0, 0, 0x8e, (off >> 16) & 0xff, off >> 24 };
        uint8_t hlt = 0xf4;
        phys_load(pm, FLAT32_IDT + 8 * v, gate, 8);
        phys_load(pm, off, &hlt, 1);
    }
}

/* Resets c into flat protected mode on those tables; the caller sets the
 * registers and then calls cpu_update_mode. */
static inline void flat32_enter(struct cpu *c)
{
    cpu_reset(c);
    c->cr0 = CR0_PE | CR0_ET | CR0_NE;
    c->gdtr = (struct dtr){ FLAT32_GDT, 23 };
    c->idtr = (struct dtr){ FLAT32_IDT, 256 * 8 - 1 };
    flat32_seg(&c->seg[S_CS], 0x08, 0x9b);
    for (int s = 0; s < 6; s++)
        if (s != S_CS) flat32_seg(&c->seg[s], 0x10, 0x93);
}
#endif
