/* VGA renderer unit tests: the adapter is programmed through its ports and
 * video memory written through the physical address space, as a BIOS or a
 * guest does; each expected pixel is worked out here from the documented
 * register meanings (mode tables from the IBM VGA reference), not from the
 * renderer. Prints one line per failed check and "N passed, N failed". */
#include "devices/vga.h"
#include "devices/vga_render.h"
#include "machine/timer.h"
#include "mmu/io.h"
#include "mmu/phys.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define LFB 0xe0000000u

#include "vga_rig.h"

static void ar(struct rig *r, uint8_t i, uint8_t v)
{
    inb(r, 0x3da);                          /* flip-flop to index */
    outb(r, 0x3c0, i);                      /* bit 5 clear: screen off while loading */
    outb(r, 0x3c0, v);
    outb(r, 0x3c0, 0x20);                   /* screen back on */
}

static void vbe(struct rig *r, uint16_t i, uint16_t v)
{
    io_out(&r->bus, VBE_DISPI_IOPORT_INDEX, i, 2);
    io_out(&r->bus, VBE_DISPI_IOPORT_DATA, v, 2);
}

static void dac_set(struct rig *r, uint8_t i, uint8_t red, uint8_t green, uint8_t blue)
{
    outb(r, 0x3c8, i);
    outb(r, 0x3c9, red);
    outb(r, 0x3c9, green);
    outb(r, 0x3c9, blue);
}

/* A DAC 6-bit component seen at 8 bits: the top bits repeat below. */
static uint32_t c6(uint32_t c) { return (c << 2) | (c >> 4); }

/* The test palette: every entry distinct, so a wrong index shows. */
static void dac_pattern(uint8_t i, uint8_t rgb[3])
{
    rgb[0] = i & 0x3f;
    rgb[1] = (uint8_t)((i * 3 + 1) & 0x3f);
    rgb[2] = (uint8_t)((0x3f - i / 4) & 0x3f);
}

static void dac_load_pattern(struct rig *r)
{
    outb(r, 0x3c8, 0);
    for (int i = 0; i < 256; i++) {
        uint8_t c[3];
        dac_pattern((uint8_t)i, c);
        for (int k = 0; k < 3; k++)
            outb(r, 0x3c9, c[k]);
    }
}

static uint32_t dac_rgb(uint8_t i)
{
    uint8_t c[3];
    dac_pattern(i, c);
    return c6(c[0]) << 16 | c6(c[1]) << 8 | c6(c[2]);
}

struct regset {
    uint8_t misc, s[5], c[0x19], g[9], a[0x15];
};

/* Standard BIOS mode tables (IBM VGA technical reference). */
static const struct regset mode3 = {
    0x67, { 0x03, 0x00, 0x03, 0x00, 0x02 },
    { 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
      0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b,
      0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00 },
};
static const struct regset mode13 = {
    0x63, { 0x03, 0x01, 0x0f, 0x00, 0x0e },
    { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
      0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00 },
};
static const struct regset mode12 = {
    0xe3, { 0x03, 0x01, 0x0f, 0x00, 0x06 },
    { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b,
      0x3c, 0x3d, 0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00, 0x00 },
};
static const struct regset mode4 = {
    0x63, { 0x03, 0x09, 0x03, 0x00, 0x02 },
    { 0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xa2, 0xff },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0f, 0x00, 0xff },
    { 0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13,
      0x14, 0x15, 0x16, 0x17, 0x01, 0x00, 0x03, 0x00, 0x00 },
};

/* Loads a mode's registers the way a BIOS mode set does. */
static void set_mode(struct rig *r, const struct regset *m)
{
    sr(r, 0, 0x01);                         /* synchronous reset */
    outb(r, 0x3c2, m->misc);
    for (int i = 1; i < 5; i++)
        sr(r, (uint8_t)i, m->s[i]);
    sr(r, 0, 0x03);
    cr(r, 0x11, 0x0e);                      /* unlock CR0-7 */
    for (int i = 0; i < 0x19; i++)
        cr(r, (uint8_t)i, m->c[i]);
    for (int i = 0; i < 9; i++)
        gr(r, (uint8_t)i, m->g[i]);
    inb(r, 0x3da);
    for (int i = 0; i < 0x15; i++) {
        outb(r, 0x3c0, (uint8_t)i);
        outb(r, 0x3c0, m->a[i]);
    }
    outb(r, 0x3c0, 0x20);
    dac_load_pattern(r);
}

static uint32_t px(struct rig *r, int x, int y)
{
    if (x < 0 || y < 0 || x >= r->f.width || y >= r->f.height)
        return 0xdeadbeef;
    return r->f.pixels[(size_t)y * (size_t)r->f.width + (size_t)x];
}

static void render(struct rig *r)
{
    CHECK_EQ(vga_render(&r->v, &r->f), 0);
}

/* ---- text -------------------------------------------------------------------- */

/* Writes glyph rows of character ch into font map `map` (plane 2), with the
 * sequencer and graphics controller switched to planar access the way the
 * BIOS font loader does, then back to text. */
static void load_glyph(struct rig *r, int map, uint8_t ch, const uint8_t *rows, int n)
{
    static const uint32_t map_base[8] = { 0x0000, 0x4000, 0x8000, 0xc000, 0x2000, 0x6000, 0xa000, 0xe000 };
    sr(r, 2, 0x04);
    sr(r, 4, 0x07);
    gr(r, 4, 0x02);
    gr(r, 5, 0x00);
    gr(r, 6, 0x04);
    for (int i = 0; i < n; i++)
        phys_write(&r->pm, 0xa0000 + map_base[map] + ch * 32u + (uint32_t)i, rows[i], 1);
    sr(r, 2, 0x03);
    sr(r, 4, 0x02);
    gr(r, 4, 0x00);
    gr(r, 5, 0x10);
    gr(r, 6, 0x0e);
}

static void put_cell(struct rig *r, int row, int col, uint8_t ch, uint8_t attr)
{
    phys_write(&r->pm, 0xb8000 + (uint32_t)(row * 80 + col) * 2, ch | (uint32_t)attr << 8, 2);
}

/* Colour of a 4-bit text colour through mode 3's attribute palette. */
static uint32_t m3(unsigned c) { return dac_rgb(mode3.a[c]); }

static void text_setup(struct rig *r)
{
    static const uint8_t glyph_a[3] = { 0x81, 0xff, 0x3c };
    static const uint8_t glyph_box[7] = { 0, 0, 0, 0, 0, 0xff, 0x01 };
    static const uint8_t glyph_dot[1] = { 0x01 };
    set_mode(r, &mode3);
    load_glyph(r, 0, 'A', glyph_a, 3);
    load_glyph(r, 0, 0xc4, glyph_box, 7);
    load_glyph(r, 0, 0xb0, glyph_box, 7);
    load_glyph(r, 0, 0xdf, glyph_dot, 1);
    load_glyph(r, 0, 0xe0, glyph_dot, 1);
    for (int i = 0; i < 80 * 25; i++)
        put_cell(r, i / 80, i % 80, ' ', 0x07);
    put_cell(r, 0, 0, 'A', 0x1e);
    put_cell(r, 0, 1, 0xc4, 0x07);
    put_cell(r, 0, 2, 0xb0, 0x07);
    put_cell(r, 0, 3, 0xdf, 0x07);
    put_cell(r, 0, 4, 0xe0, 0x07);
    put_cell(r, 1, 0, 'A', 0xce);
    cr(r, 0x0e, 0);
    cr(r, 0x0f, 2 * 80 + 5);                /* cursor on row 2, column 5 */
}

static void test_text_cells(struct rig *r)
{
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_TEXT);
    CHECK_EQ(r->f.width, 720);
    CHECK_EQ(r->f.height, 400);
    /* 'A' yellow (14) on blue (1): row 0 = 0x81, row 1 = 0xff, row 2 = 0x3c */
    CHECK_EQ(px(r, 0, 0), m3(14));
    CHECK_EQ(px(r, 1, 0), m3(1));
    CHECK_EQ(px(r, 7, 0), m3(14));
    CHECK_EQ(px(r, 8, 0), m3(1));           /* 9th column: background outside C0-DF */
    for (int x = 0; x < 8; x++)
        CHECK_EQ(px(r, x, 1), m3(14));
    CHECK_EQ(px(r, 1, 2), m3(1));
    CHECK_EQ(px(r, 2, 2), m3(14));
    CHECK_EQ(px(r, 6, 2), m3(1));
    CHECK_EQ(px(r, 3, 15), m3(1));
    /* line graphics (AR10 bit 2 set in mode 3): C4 repeats column 8 */
    CHECK_EQ(px(r, 9 + 7, 6), m3(7));
    CHECK_EQ(px(r, 9 + 8, 6), m3(7));
    CHECK_EQ(px(r, 9 + 8, 5), m3(7));
    CHECK_EQ(px(r, 9 + 8, 4), m3(0));
    /* B0 is outside C0-DF: 9th column stays background */
    CHECK_EQ(px(r, 18 + 7, 6), m3(7));
    CHECK_EQ(px(r, 18 + 8, 6), m3(0));
    CHECK_EQ(px(r, 27 + 8, 0), m3(7));      /* DF: last of the range */
    CHECK_EQ(px(r, 36 + 7, 0), m3(7));
    CHECK_EQ(px(r, 36 + 8, 0), m3(0));      /* E0: first past it */
    ar(r, 0x10, 0x08);                      /* line graphics off */
    render(r);
    CHECK_EQ(px(r, 9 + 8, 6), m3(0));
    CHECK_EQ(px(r, 9 + 7, 6), m3(7));
}

static void test_text_blink_cursor(struct rig *r)
{
    render(r);
    /* attribute CE with blink enabled: blinking, background 4, shown in the on phase */
    CHECK_EQ(px(r, 0, 16), m3(14));
    CHECK_EQ(px(r, 1, 16), m3(4));
    ar(r, 0x10, 0x04);                      /* blink off: bit 7 is background intensity */
    render(r);
    CHECK_EQ(px(r, 0, 16), m3(14));
    CHECK_EQ(px(r, 1, 16), m3(12));
    /* cursor lines 13-14 (CR0A = 0x0d, CR0B = 0x0e) in grey over the cell */
    int cx = 5 * 9, cy = 2 * 16;
    CHECK_EQ(px(r, cx, cy + 12), m3(0));
    CHECK_EQ(px(r, cx, cy + 13), m3(7));
    CHECK_EQ(px(r, cx + 8, cy + 14), m3(7));
    CHECK_EQ(px(r, cx, cy + 15), m3(0));
    CHECK_EQ(px(r, cx + 9, cy + 13), m3(0));
    cr(r, 0x0a, 0x2d);                      /* cursor disable bit */
    render(r);
    CHECK_EQ(px(r, cx, cy + 13), m3(0));
    cr(r, 0x0a, 0x0f);                      /* start past end: no cursor */
    render(r);
    CHECK_EQ(px(r, cx, cy + 13), m3(0));
    CHECK_EQ(px(r, cx, cy + 14), m3(0));
    cr(r, 0x0a, 0x00);                      /* full block */
    render(r);
    CHECK_EQ(px(r, cx, cy), m3(7));
    CHECK_EQ(px(r, cx, cy + 14), m3(7));
    CHECK_EQ(px(r, cx, cy + 15), m3(0));
}

static void test_text_palette(struct rig *r)
{
    dac_set(r, 0x3e, 0x01, 0x20, 0x3f);     /* colour 14 is DAC 3E in mode 3 */
    render(r);
    CHECK_EQ(px(r, 0, 0), 0x0482ffu);
    /* P5-4 select: bits 5-4 from AR14 bits 1-0, bits 7-6 from AR14 bits 3-2 */
    ar(r, 0x14, 0x05);
    ar(r, 0x10, 0x8c);
    render(r);
    CHECK_EQ(px(r, 0, 0), dac_rgb(0x40 | 0x10 | 0x0e));
    CHECK_EQ(px(r, 1, 0), dac_rgb(0x40 | 0x10 | 0x01));
    ar(r, 0x10, 0x0c);
    ar(r, 0x14, 0x08);                      /* without P5-4: only bits 7-6 */
    render(r);
    CHECK_EQ(px(r, 1, 0), dac_rgb(0x80 | 0x01));
    ar(r, 0x14, 0x00);
    ar(r, 0x12, 0x07);                      /* colour plane 3 off: 14 becomes 6 */
    render(r);
    CHECK_EQ(px(r, 0, 0), dac_rgb(0x14));
    ar(r, 0x12, 0x0f);
    outb(r, 0x3c6, 0x0f);                   /* pel mask: DAC 3F shows entry 0F */
    render(r);
    CHECK_EQ(px(r, 0, 1), dac_rgb(0x3e & 0x0f));
    outb(r, 0x3c6, 0xff);
}

static void test_text_layout(struct rig *r)
{
    /* font maps: SR3 = 04 selects map 1 for attribute bit 3 set (A), map 0 for clear (B) */
    static const uint8_t other_a[1] = { 0xf0 };
    load_glyph(r, 1, 'A', other_a, 1);
    sr(r, 3, 0x04);
    put_cell(r, 0, 5, 'A', 0x07);
    render(r);
    CHECK_EQ(px(r, 3, 0), m3(14));          /* 1e: map 1 row 0 = f0 */
    CHECK_EQ(px(r, 4, 0), m3(1));
    CHECK_EQ(px(r, 7, 0), m3(1));
    CHECK_EQ(px(r, 45, 0), m3(7));          /* 07: map 0 row 0 = 81 */
    CHECK_EQ(px(r, 46, 0), m3(0));
    CHECK_EQ(px(r, 52, 0), m3(7));
    sr(r, 3, 0x00);
    /* 8-dot cells */
    sr(r, 1, 0x01);
    render(r);
    CHECK_EQ(r->f.width, 640);
    CHECK_EQ(px(r, 8 + 7, 6), m3(7));       /* C4's cell now starts at 8 */
    CHECK_EQ(px(r, 8, 5), m3(7));
    sr(r, 1, 0x00);
    /* start address one row on: row 1 at the top */
    cr(r, 0x0c, 0);
    cr(r, 0x0d, 80);
    render(r);
    CHECK_EQ(px(r, 1, 0), m3(4));
    CHECK_EQ(px(r, 0, 0), m3(14));
    cr(r, 0x0d, 0);
    /* 8 scan lines a row (CR9 = 7): 50 rows */
    cr(r, 0x09, 0x47);
    render(r);
    CHECK_EQ(r->f.height, 400);
    CHECK_EQ(px(r, 0, 8), m3(14));          /* row 1, scan 0 */
    CHECK_EQ(px(r, 1, 8), m3(4));
    cr(r, 0x09, 0x4f);
}

static void test_blank(struct rig *r)
{
    sr(r, 1, 0x20);                         /* screen off */
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_OFF);
    CHECK_EQ(r->f.width, 720);
    CHECK_EQ(r->f.height, 400);
    CHECK_EQ(px(r, 0, 1), 0);
    CHECK_EQ(px(r, 719, 399), 0);
    sr(r, 1, 0x00);
    inb(r, 0x3da);
    outb(r, 0x3c0, 0x00);                   /* palette address source: CPU */
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_OFF);
    CHECK_EQ(px(r, 0, 1), 0);
    outb(r, 0x3c0, 0x00);
    outb(r, 0x3c0, 0x20);
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_TEXT);
    CHECK_EQ(px(r, 0, 1), m3(14));
}

static void test_text(void)
{
    struct rig *r = rig_new();
    text_setup(r);
    test_text_cells(r);
    ar(r, 0x10, 0x0c);
    test_text_blink_cursor(r);
    cr(r, 0x0a, 0x0d);
    ar(r, 0x10, 0x0c);
    test_text_palette(r);
    dac_load_pattern(r);
    test_text_layout(r);
    test_blank(r);
    rig_free(r);
}

/* ---- VGA graphics ---------------------------------------------------------------- */

static void test_mode13(void)
{
    struct rig *r = rig_new();
    set_mode(r, &mode13);
    phys_write(&r->pm, 0xa0000 + 7 * 320 + 5, 0x42, 1);
    phys_write(&r->pm, 0xa0000 + 7 * 320 + 6, 0x43, 1);
    phys_write(&r->pm, 0xa0000 + 199 * 320 + 319, 0xff, 1);
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_256);
    CHECK_EQ(r->f.width, 320);
    CHECK_EQ(r->f.height, 200);
    CHECK_EQ(px(r, 5, 7), dac_rgb(0x42));
    CHECK_EQ(px(r, 6, 7), dac_rgb(0x43));
    CHECK_EQ(px(r, 4, 7), dac_rgb(0));
    CHECK_EQ(px(r, 5, 6), dac_rgb(0));
    CHECK_EQ(px(r, 319, 199), dac_rgb(0xff));
    dac_set(r, 0x42, 0x3f, 0x20, 0x01);
    render(r);
    CHECK_EQ(px(r, 5, 7), 0xff8204u);
    outb(r, 0x3c6, 0x0f);                   /* pel mask */
    render(r);
    CHECK_EQ(px(r, 6, 7), dac_rgb(0x03));
    outb(r, 0x3c6, 0xff);
    /* start address counts 4-byte units in dword mode: 80 is one line of 320 */
    cr(r, 0x0d, 80);
    render(r);
    CHECK_EQ(px(r, 5, 6), 0xff8204u);
    CHECK_EQ(px(r, 5, 7), dac_rgb(0));
    rig_free(r);
}

static void test_mode12(void)
{
    struct rig *r = rig_new();
    set_mode(r, &mode12);
    /* write mode 0, no set/reset, full bit mask: one plane at a time */
    static const uint8_t planes[4] = { 0x80, 0x81, 0x00, 0x80 };
    for (int p = 0; p < 4; p++) {
        sr(r, 2, (uint8_t)(1 << p));
        phys_write(&r->pm, 0xa0000 + 479 * 80 + 79, planes[p], 1);
        phys_write(&r->pm, 0xa0000 + 10 * 80 + 2, p == 2 ? 0x01 : 0x00, 1);
    }
    sr(r, 2, 0x0f);
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_PLANAR16);
    CHECK_EQ(r->f.width, 640);
    CHECK_EQ(r->f.height, 480);
    CHECK_EQ(px(r, 632, 479), dac_rgb(mode12.a[0xb]));   /* planes 0, 1, 3 */
    CHECK_EQ(px(r, 633, 479), dac_rgb(0));
    CHECK_EQ(px(r, 639, 479), dac_rgb(mode12.a[0x2]));   /* plane 1 only */
    CHECK_EQ(px(r, 23, 10), dac_rgb(mode12.a[0x4]));     /* plane 2, bit 0 */
    CHECK_EQ(px(r, 22, 10), dac_rgb(0));
    rig_free(r);
}

static void test_mode4(void)
{
    struct rig *r = rig_new();
    set_mode(r, &mode4);
    /* CGA layout: even lines from B8000, odd lines from BA000, 80 bytes a line,
     * four 2-bit pixels a byte, leftmost in bits 7-6 */
    phys_write(&r->pm, 0xb8000, 0xe4, 1);                /* line 0: pixels 3 2 1 0 */
    phys_write(&r->pm, 0xb8001, 0x1b, 1);                /* line 0: pixels 0 1 2 3 */
    phys_write(&r->pm, 0xba000 + 80 * 2 + 3, 0xc0, 1);   /* line 5, pixel 12 */
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_CGA4);
    CHECK_EQ(r->f.width, 320);
    CHECK_EQ(r->f.height, 200);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(px(r, i, 0), dac_rgb(mode4.a[3 - i]));
        CHECK_EQ(px(r, 4 + i, 0), dac_rgb(mode4.a[i]));
    }
    CHECK_EQ(px(r, 0, 1), dac_rgb(0));
    CHECK_EQ(px(r, 12, 5), dac_rgb(mode4.a[3]));
    CHECK_EQ(px(r, 13, 5), dac_rgb(0));
    CHECK_EQ(px(r, 12, 4), dac_rgb(0));
    rig_free(r);
}

/* ---- VBE ------------------------------------------------------------------------- */

static void vbe_mode(struct rig *r, int w, int h, int bpp)
{
    vbe(r, VBE_DISPI_INDEX_ENABLE, 0);
    vbe(r, VBE_DISPI_INDEX_XRES, (uint16_t)w);
    vbe(r, VBE_DISPI_INDEX_YRES, (uint16_t)h);
    vbe(r, VBE_DISPI_INDEX_BPP, (uint16_t)bpp);
    vbe(r, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
}

static void test_vbe32(struct rig *r)
{
    vbe_mode(r, 64, 48, 32);
    vbe(r, VBE_DISPI_INDEX_VIRT_WIDTH, 100);
    vbe(r, VBE_DISPI_INDEX_X_OFFSET, 3);
    vbe(r, VBE_DISPI_INDEX_Y_OFFSET, 2);
    /* visible (x, y) is framebuffer pixel (x + 3, y + 2) of a 100-pixel line */
    phys_write(&r->pm, LFB + ((1 + 2) * 100 + 2 + 3) * 4, 0xff123456, 4);
    phys_write(&r->pm, LFB + (2 * 100 + 3) * 4, 0x00abcdef, 4);
    phys_write(&r->pm, LFB + ((47 + 2) * 100 + 63 + 3) * 4, 0x00010203, 4);
    phys_write(&r->pm, LFB + ((1 + 2) * 100 + 1 + 3) * 4 + 2, 0x80, 1);   /* red byte */
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_VBE);
    CHECK_EQ(r->f.width, 64);
    CHECK_EQ(r->f.height, 48);
    CHECK_EQ(px(r, 2, 1), 0x123456);
    CHECK_EQ(px(r, 0, 0), 0xabcdef);
    CHECK_EQ(px(r, 63, 47), 0x010203);
    CHECK_EQ(px(r, 1, 1), 0x800000);
    CHECK_EQ(px(r, 3, 1), 0);
}

static void test_vbe16(struct rig *r)
{
    vbe_mode(r, 40, 30, 16);
    vbe(r, VBE_DISPI_INDEX_VIRT_WIDTH, 64);
    vbe(r, VBE_DISPI_INDEX_X_OFFSET, 8);
    vbe(r, VBE_DISPI_INDEX_Y_OFFSET, 1);
    /* 5:6:5, red on top; components widened by repeating their top bits */
    static const struct { uint16_t word; uint32_t rgb; } px16[] = {
        { 0xf800, 0xff0000 }, { 0x07e0, 0x00ff00 }, { 0x001f, 0x0000ff },
        { 0x8410, 0x848284 }, { 0x0821, 0x080408 },
    };
    for (int i = 0; i < 5; i++)
        phys_write(&r->pm, LFB + ((5 + 1) * 64 + i + 8) * 2, px16[i].word, 2);
    render(r);
    CHECK_EQ(r->f.width, 40);
    CHECK_EQ(r->f.height, 30);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(px(r, i, 5), px16[i].rgb);
    CHECK_EQ(px(r, 5, 5), 0);
    /* 15 bpp: 5:5:5 */
    vbe_mode(r, 40, 30, 15);
    phys_write(&r->pm, LFB + (2 * 40 + 1) * 2, 0x7c00, 2);
    phys_write(&r->pm, LFB + (2 * 40 + 2) * 2, 0x03e0, 2);
    phys_write(&r->pm, LFB + (2 * 40 + 3) * 2, 0x4210, 2);
    render(r);
    CHECK_EQ(px(r, 1, 2), 0xff0000);
    CHECK_EQ(px(r, 2, 2), 0x00ff00);
    CHECK_EQ(px(r, 3, 2), 0x848484);
}

static void test_vbe_other(struct rig *r)
{
    vbe_mode(r, 16, 8, 24);                 /* blue, green, red in memory order */
    phys_write(&r->pm, LFB + (3 * 16 + 2) * 3, 0x30, 1);
    phys_write(&r->pm, LFB + (3 * 16 + 2) * 3 + 1, 0x20, 1);
    phys_write(&r->pm, LFB + (3 * 16 + 2) * 3 + 2, 0x10, 1);
    render(r);
    CHECK_EQ(px(r, 2, 3), 0x102030);
    CHECK_EQ(px(r, 1, 3), 0);
    vbe_mode(r, 16, 8, 8);                  /* through the DAC */
    phys_write(&r->pm, LFB + 16 + 4, 0x42, 1);
    render(r);
    CHECK_EQ(px(r, 4, 1), dac_rgb(0x42));
    vbe(r, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_8BIT_DAC | VBE_DISPI_NOCLEARMEM);
    dac_set(r, 0x42, 0x12, 0x80, 0xfe);     /* 8-bit DAC: taken as written */
    render(r);
    CHECK_EQ(px(r, 4, 1), 0x1280fe);
    sr(r, 1, 0x21);                         /* screen off */
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_OFF);
    CHECK_EQ(r->f.width, 16);
    CHECK_EQ(px(r, 4, 1), 0);
    sr(r, 1, 0x00);
}

static void test_vbe(void)
{
    struct rig *r = rig_new();
    set_mode(r, &mode3);
    CHECK(vga_map_lfb(&r->v, &r->pm, LFB) > 0);
    test_vbe32(r);
    test_vbe16(r);
    test_vbe_other(r);
    vbe(r, VBE_DISPI_INDEX_ENABLE, 0);      /* back to VGA text */
    render(r);
    CHECK_EQ(r->f.mode, VGA_RENDER_TEXT);
    CHECK_EQ(r->f.width, 720);
    rig_free(r);
}

/* ---- PPM -------------------------------------------------------------------------- */

static void test_ppm(void)
{
    uint32_t pix[6] = { 0x010203, 0xa0b0c0, 0xffffff, 0, 0x123456, 0xfedcba };
    struct vga_frame f = { 3, 2, pix, 6, VGA_RENDER_VBE };
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    CHECK_EQ(vga_frame_write_ppm(&f, out), 0);
    fclose(out);
    static const char head[] = "P6\n3 2\n255\n";
    static const uint8_t body[18] = { 1, 2, 3, 0xa0, 0xb0, 0xc0, 0xff, 0xff, 0xff,
                                      0, 0, 0, 0x12, 0x34, 0x56, 0xfe, 0xdc, 0xba };
    CHECK_EQ(len, sizeof head - 1 + sizeof body);
    CHECK(len >= sizeof head - 1 && memcmp(buf, head, sizeof head - 1) == 0);
    CHECK(len == sizeof head - 1 + sizeof body && memcmp(buf + sizeof head - 1, body, sizeof body) == 0);
    free(buf);
}

int main(void)
{
    test_text();
    test_mode13();
    test_mode12();
    test_mode4();
    test_vbe();
    test_ppm();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
