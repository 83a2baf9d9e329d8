/* VGA unit tests: the adapter is programmed through its ports and video
 * memory is written through the physical address space, as a BIOS or a DOS
 * program does; the text screen is read back the way the headless UI will.
 * Prints one line per failed check and a final "N passed, N failed". */
#include "cpu/cpu.h"
#include "devices/vga.h"
#include "machine/timer.h"
#include "mmu/io.h"
#include "mmu/phys.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "vga_rig.h"
static uint8_t rdgr(struct rig *r, uint8_t i) { outb(r, 0x3ce, i); return inb(r, 0x3cf); }

/* BIOS mode 3 by hand: 80x25 text, colour ports, 16 scan lines a row. */
static void set_mode3(struct rig *r)
{
    static const uint8_t s[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
    static const uint8_t c[0x19] = {
        0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
        0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff };
    static const uint8_t g[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
    static const uint8_t a[0x15] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b,
        0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00 };
    sr(r, 0, 0x01);                         /* synchronous reset */
    outb(r, 0x3c2, 0x67);
    for (int i = 1; i < 5; i++)
        sr(r, (uint8_t)i, s[i]);
    sr(r, 0, 0x03);
    cr(r, 0x11, 0x0e);                      /* unlock CR0-7 */
    for (int i = 0; i < 0x19; i++)
        cr(r, (uint8_t)i, c[i]);
    for (int i = 0; i < 9; i++)
        gr(r, (uint8_t)i, g[i]);
    inb(r, 0x3da);
    for (int i = 0; i < 0x15; i++) {
        outb(r, 0x3c0, (uint8_t)i);
        outb(r, 0x3c0, a[i]);
    }
    outb(r, 0x3c0, 0x20);                   /* palette address source: screen on */
}

static void put_text(struct rig *r, int row, int col, const char *s, uint8_t attr)
{
    uint32_t a = 0xb8000 + (uint32_t)(row * 80 + col) * 2;
    for (; *s; s++, a += 2)
        phys_write(&r->pm, a, (uint8_t)*s | (uint32_t)attr << 8, 2);
}

static char *dump(struct rig *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vga_text_dump(&r->v, f);
    fclose(f);
    return buf;
}

static void test_text(void)
{
    struct rig *r = rig_new();
    struct vga_text *t = malloc(sizeof *t);
    set_mode3(r);
    /* clear the screen with blanks on grey, as INT 10h does */
    for (uint32_t a = 0xb8000; a < 0xb8000 + 80 * 25 * 2; a += 2)
        phys_write(&r->pm, a, 0x0720, 2);
    put_text(r, 0, 0, "Hello, world   ", 0x1f);
    put_text(r, 1, 2, "\xc9\xcd\xbb \x01 \xb0", 0x07);
    put_text(r, 24, 70, "bottom", 0x4e);
    CHECK_EQ(phys_read(&r->pm, 0xb8000, 2), 0x1f48);      /* odd/even read back */
    CHECK_EQ(phys_read(&r->pm, 0xb8001, 1), 0x1f);
    cr(r, 0x0e, 0x00);
    cr(r, 0x0f, 85);                        /* cursor at row 1, column 5 */
    vga_text_screen(&r->v, t);
    CHECK_EQ(t->graphics, 0);
    CHECK_EQ(t->cols, 80);
    CHECK_EQ(t->rows, 25);
    CHECK_EQ(t->char_height, 16);
    CHECK_EQ(t->cells[0], 0x1f48);
    CHECK_EQ(t->cells[24 * 80 + 70], 0x4e62);
    CHECK_EQ(t->cursor_row, 1);
    CHECK_EQ(t->cursor_col, 5);
    CHECK_EQ(t->cursor_start, 0x0d);
    CHECK_EQ(t->cursor_end, 0x0e);
    CHECK_EQ(t->cursor_visible, 1);
    cr(r, 0x0a, 0x20);                      /* cursor off */
    vga_text_screen(&r->v, t);
    CHECK_EQ(t->cursor_visible, 0);

    char *d = dump(r);
    const char *want = "Hello, world\n  \xe2\x95\x94\xe2\x95\x90\xe2\x95\x97 \xe2\x98\xba \xe2\x96\x91\n";
    CHECK(strncmp(d, want, strlen(want)) == 0);
    int lines = 0;
    for (char *p = d; *p; p++)
        lines += *p == '\n';
    CHECK_EQ(lines, 25);
    CHECK(strstr(d, "\n                                                                      bottom\n") != NULL);
    free(d);

    /* start address: the screen scrolls by one row */
    cr(r, 0x0c, 0x00);
    cr(r, 0x0d, 80);
    vga_text_screen(&r->v, t);
    CHECK_EQ(t->cells[2], 0x07c9);
    CHECK_EQ(t->cells[23 * 80 + 70], 0x4e62);

    /* 0xb0000 is outside the 0xb8000 map: dropped, reads all ones */
    phys_write(&r->pm, 0xb0000, 0x41, 1);
    CHECK_EQ(phys_read(&r->pm, 0xb0000, 1), 0xff);
    CHECK_EQ(phys_read(&r->pm, 0xa0000, 1), 0xff);

    /* graphics mode: no text */
    gr(r, 6, 0x05);
    vga_text_screen(&r->v, t);
    CHECK_EQ(t->graphics, 1);
    free(t);
    rig_free(r);
}

static void test_cp437(void)
{
    CHECK_EQ(vga_cp437_to_unicode('A'), 'A');
    CHECK_EQ(vga_cp437_to_unicode(0xc4), 0x2500);
    CHECK_EQ(vga_cp437_to_unicode(0xdb), 0x2588);
    CHECK_EQ(vga_cp437_to_unicode(0x82), 0x00e9);
    CHECK_EQ(vga_cp437_to_unicode(0xe1), 0x00df);
    CHECK_EQ(vga_cp437_to_unicode(0x7f), 0x2302);
    CHECK_EQ(vga_cp437_to_unicode(0xff), 0x00a0);
}

static void test_attribute_flipflop(void)
{
    struct rig *r = rig_new();
    inb(r, 0x3da);                          /* flip-flop to index */
    outb(r, 0x3c0, 0x10);
    outb(r, 0x3c0, 0x0c);                   /* data */
    CHECK_EQ(inb(r, 0x3c0), 0x10);
    CHECK_EQ(inb(r, 0x3c1), 0x0c);
    outb(r, 0x3c0, 0x32);                   /* index again, PAS set */
    CHECK_EQ(inb(r, 0x3c0), 0x32);
    outb(r, 0x3c0, 0x05);                   /* data for register 0x12 */
    outb(r, 0x3c0, 0x12);
    CHECK_EQ(inb(r, 0x3c1), 0x05);
    /* a half-done write is undone by reading input status 1 */
    outb(r, 0x3c0, 0x11);                   /* data position: this is an index */
    inb(r, 0x3da);
    outb(r, 0x3c0, 0x13);                   /* index */
    outb(r, 0x3c0, 0x04);
    CHECK_EQ(inb(r, 0x3c0), 0x13);
    CHECK_EQ(inb(r, 0x3c1), 0x04);
    outb(r, 0x3c0, 0x11);
    CHECK_EQ(inb(r, 0x3c1), 0x00);          /* 0x11 was never written */
    rig_free(r);
}

/* Reads one plane's byte at a0000+off with read mode 0. */
static uint8_t plane_at(struct rig *r, int plane, uint32_t off)
{
    gr(r, 4, (uint8_t)plane);
    return (uint8_t)phys_read(&r->pm, 0xa0000 + off, 1);
}

static void test_planar(void)
{
    struct rig *r = rig_new();
    /* mode 12h style memory: planar, 64 KiB at 0xa0000 */
    sr(r, 4, 0x06);
    sr(r, 2, 0x0f);
    gr(r, 5, 0x00);
    gr(r, 6, 0x05);
    gr(r, 8, 0xff);
    /* write mode 0 with set/reset on every plane: colour 5 */
    gr(r, 0, 0x05);
    gr(r, 1, 0x0f);
    phys_write(&r->pm, 0xa0000, 0x00, 1);
    CHECK_EQ(plane_at(r, 0, 0), 0xff);
    CHECK_EQ(plane_at(r, 1, 0), 0x00);
    CHECK_EQ(plane_at(r, 2, 0), 0xff);
    CHECK_EQ(plane_at(r, 3, 0), 0x00);
    /* set/reset on plane 0 only; the others take the (rotated) data */
    gr(r, 1, 0x01);
    gr(r, 0, 0x00);
    gr(r, 3, 0x04);                         /* rotate right by 4 */
    phys_write(&r->pm, 0xa0001, 0x3c, 1);
    CHECK_EQ(plane_at(r, 0, 1), 0x00);
    CHECK_EQ(plane_at(r, 1, 1), 0xc3);
    CHECK_EQ(plane_at(r, 3, 1), 0xc3);
    gr(r, 3, 0x00);
    gr(r, 1, 0x00);
    /* bit mask keeps the latched bits: latch a0000 (5), write 0x0f masked */
    (void)phys_read(&r->pm, 0xa0000, 1);
    gr(r, 8, 0x0f);
    phys_write(&r->pm, 0xa0000, 0xaa, 1);
    CHECK_EQ(plane_at(r, 0, 0), 0xfa);
    CHECK_EQ(plane_at(r, 1, 0), 0x0a);
    gr(r, 8, 0xff);
    /* write mode 1: latches copied to another address */
    gr(r, 5, 0x01);
    (void)phys_read(&r->pm, 0xa0000, 1);
    phys_write(&r->pm, 0xa0010, 0x00, 1);
    gr(r, 5, 0x00);
    for (int p = 0; p < 4; p++)
        CHECK_EQ(plane_at(r, p, 0x10), plane_at(r, p, 0));
    /* write mode 2: colour from the data's low bits, bit mask applied */
    gr(r, 5, 0x02);
    gr(r, 8, 0x81);
    (void)phys_read(&r->pm, 0xa0020, 1);    /* latches 0 */
    phys_write(&r->pm, 0xa0020, 0x0a, 1);
    gr(r, 5, 0x00);
    CHECK_EQ(plane_at(r, 0, 0x20), 0x00);
    CHECK_EQ(plane_at(r, 1, 0x20), 0x81);
    CHECK_EQ(plane_at(r, 3, 0x20), 0x81);
    /* write mode 3: set/reset colour, mask = data & bit mask */
    gr(r, 5, 0x03);
    gr(r, 8, 0xff);
    gr(r, 0, 0x0c);
    (void)phys_read(&r->pm, 0xa0030, 1);
    phys_write(&r->pm, 0xa0030, 0xf0, 1);
    gr(r, 5, 0x00);
    CHECK_EQ(plane_at(r, 0, 0x30), 0x00);
    CHECK_EQ(plane_at(r, 2, 0x30), 0xf0);
    CHECK_EQ(plane_at(r, 3, 0x30), 0xf0);
    /* logical op XOR with the latches */
    gr(r, 3, 0x18);
    (void)phys_read(&r->pm, 0xa0030, 1);
    phys_write(&r->pm, 0xa0030, 0xff, 1);
    gr(r, 3, 0x00);
    CHECK_EQ(plane_at(r, 0, 0x30), 0xff);
    CHECK_EQ(plane_at(r, 2, 0x30), 0x0f);
    /* map mask: only plane 1 */
    sr(r, 2, 0x02);
    phys_write(&r->pm, 0xa0040, 0x77, 1);
    sr(r, 2, 0x0f);
    CHECK_EQ(plane_at(r, 0, 0x40), 0x00);
    CHECK_EQ(plane_at(r, 1, 0x40), 0x77);
    /* read mode 1: colour compare for colour 0xc at 0xa0030 (planes 0x00, 0x00, 0x0f, 0x0f) */
    gr(r, 5, 0x08);
    gr(r, 2, 0x0c);
    gr(r, 7, 0x0f);
    CHECK_EQ(phys_read(&r->pm, 0xa0030, 1), 0x00);   /* plane 0 is 0xff there now */
    gr(r, 7, 0x0c);                                  /* don't care about planes 0, 1 */
    CHECK_EQ(phys_read(&r->pm, 0xa0030, 1), 0x0f);
    gr(r, 5, 0x00);
    CHECK_EQ(rdgr(r, 7), 0x0c);
    rig_free(r);
}

static void test_chain4_and_map(void)
{
    struct rig *r = rig_new();
    sr(r, 4, 0x0e);                         /* mode 13h: chain 4 */
    sr(r, 2, 0x0f);
    gr(r, 5, 0x40);
    gr(r, 6, 0x05);
    phys_write(&r->pm, 0xa0000, 0x44332211, 4);
    phys_write(&r->pm, 0xa0004, 0x55, 1);
    CHECK_EQ(phys_read(&r->pm, 0xa0000, 4), 0x44332211);
    CHECK_EQ(r->v.vram[0], 0x11);
    CHECK_EQ(r->v.vram[3], 0x44);
    CHECK_EQ(r->v.vram[4], 0x55);
    /* the same bytes as planes: plane 1, offset 0 holds 0x22 */
    sr(r, 4, 0x06);
    CHECK_EQ(plane_at(r, 1, 0), 0x22);
    CHECK_EQ(plane_at(r, 0, 1), 0x55);
    /* the linear framebuffer shows the same memory */
    CHECK(vga_map_lfb(&r->v, &r->pm, 0xe0000000) > 0);
    CHECK_EQ(vga_map_lfb(&r->v, &r->pm, 0xe0000000), 0);   /* already there */
    CHECK_EQ(phys_read(&r->pm, 0xe0000000, 4), 0x44332211);
    vga_lfb_bar_map(&r->v, 0, 0xe0000000, 0xffffffffu);   /* unmapping: ignored */
    vga_lfb_bar_map(&r->v, 0, 0xffffffffu, 0xf0000008u);  /* BAR 0 moved */
    CHECK_EQ(phys_read(&r->pm, 0xf0000000, 4), 0x44332211);
    phys_write(&r->pm, 0xe0100000, 0xabcd, 2);
    CHECK_EQ(r->v.vram[0x100000], 0xcd);
    /* map select 2: 32 KiB at 0xb0000 */
    gr(r, 6, 0x09);
    gr(r, 4, 0);
    CHECK_EQ(phys_read(&r->pm, 0xb0000, 1), 0x11);
    CHECK_EQ(phys_read(&r->pm, 0xa0000, 1), 0xff);
    CHECK_EQ(phys_read(&r->pm, 0xb8000, 1), 0xff);
    rig_free(r);
}

static void test_ports(void)
{
    struct rig *r = rig_new();
    /* CRTC follows misc bit 0 between 0x3b4 and 0x3d4 */
    outb(r, 0x3c2, 0x66);
    CHECK_EQ(inb(r, 0x3cc), 0x66);
    outb(r, 0x3b4, 0x0e);
    outb(r, 0x3b5, 0x12);
    CHECK_EQ(inb(r, 0x3b5), 0x12);
    CHECK_EQ(inb(r, 0x3d5), 0xff);
    outb(r, 0x3c2, 0x67);
    CHECK_EQ(inb(r, 0x3b5), 0xff);
    outb(r, 0x3d4, 0x0e);
    CHECK_EQ(inb(r, 0x3d5), 0x12);
    /* CR11 bit 7 write-protects CR0-CR7 */
    cr(r, 0x11, 0x80);
    cr(r, 0x01, 0x27);
    outb(r, 0x3d4, 0x01);
    CHECK_EQ(inb(r, 0x3d5), 0x4f);
    cr(r, 0x11, 0x00);
    cr(r, 0x01, 0x27);
    CHECK_EQ(inb(r, 0x3d5), 0x27);
    /* 16-bit index+data write to the sequencer */
    io_out(&r->bus, 0x3c4, 0x0f02, 2);
    outb(r, 0x3c4, 0x02);
    CHECK_EQ(inb(r, 0x3c5), 0x0f);
    /* DAC: write entry 5, read it back, the index advances */
    outb(r, 0x3c8, 5);
    outb(r, 0x3c9, 0x3f); outb(r, 0x3c9, 0x20); outb(r, 0x3c9, 0x41);
    CHECK_EQ(inb(r, 0x3c8), 6);
    outb(r, 0x3c7, 5);
    CHECK_EQ(inb(r, 0x3c7), 3);
    CHECK_EQ(inb(r, 0x3c9), 0x3f);
    CHECK_EQ(inb(r, 0x3c9), 0x20);
    CHECK_EQ(inb(r, 0x3c9), 0x01);          /* 6-bit components */
    /* vertical retrace follows virtual time at 60 Hz */
    vclock_set(&r->clock, 100000);
    CHECK_EQ(inb(r, 0x3da) & 0x09, 0x09);
    vclock_set(&r->clock, 5000000);
    CHECK_EQ(inb(r, 0x3da) & 0x08, 0x00);
    int seen0 = 0, seen1 = 0;
    for (uint64_t t = 5000000; t < 5100000; t += 1000) {
        vclock_set(&r->clock, t);
        if (inb(r, 0x3da) & 1) seen1 = 1; else seen0 = 1;
    }
    CHECK(seen0 && seen1);
    vclock_set(&r->clock, 16666667 + 1000);
    CHECK_EQ(inb(r, 0x3da) & 0x08, 0x08);
    /* Bochs VBE */
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_ID, 2);
    io_out(&r->bus, 0x1cf, VBE_DISPI_ID0, 2);
    CHECK_EQ(io_in(&r->bus, 0x1cf, 2), VBE_DISPI_ID0);
    io_out(&r->bus, 0x1cf, 0x1234, 2);       /* not an ID: ignored */
    CHECK_EQ(io_in(&r->bus, 0x1cf, 2), VBE_DISPI_ID0);
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_VIDEO_MEMORY_64K, 2);
    CHECK_EQ(io_in(&r->bus, 0x1cf, 2), 256);
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_ENABLE, 2);
    io_out(&r->bus, 0x1cf, VBE_DISPI_GETCAPS, 2);
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_XRES, 2);
    CHECK_EQ(io_in(&r->bus, 0x1cf, 2), VBE_DISPI_MAX_XRES);
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_ENABLE, 2);
    io_out(&r->bus, 0x1cf, 0, 2);
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_XRES, 2);
    io_out(&r->bus, 0x1cf, 640, 2);
    CHECK_EQ(io_in(&r->bus, 0x1cf, 2), 640);
    /* banked window while VBE is on */
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_BANK, 2);
    io_out(&r->bus, 0x1cf, 2, 2);
    io_out(&r->bus, 0x1ce, VBE_DISPI_INDEX_ENABLE, 2);
    io_out(&r->bus, 0x1cf, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM, 2);
    phys_write(&r->pm, 0xa0010, 0x5a, 1);
    CHECK_EQ(r->v.vram[0x20010], 0x5a);
    rig_free(r);
}

/* ---- vgabios-stdvga on the CPU ---------------------------------------------------
 * Debian's SeaBIOS VGA BIOS runs its POST at c000:0003 from a tiny BIOS stub,
 * then the stub sets mode 3 and prints through INT 10h teletype, and asks for
 * VBE controller information (INT 10h AX=4F00). The stub, in nasm syntax:
 *     cli / xor ax,ax / mov ss,ax / mov sp,0x7000 / mov es,ax / xor di,di
 *     mov cx,256 / .fill: mov word [es:di],iret_stub / mov word [es:di+2],0xf000
 *     add di,4 / loop .fill / mov ax,0x0018 (PCI 00:03.0) / call 0xc000:0x0003
 *     mov ax,0x0003 / int 0x10 / push cs / pop ds / mov si,msg
 *     .next: lodsb / or al,al / jz .vbe / mov ah,0x0e / mov bx,7 / int 0x10 / jmp .next
 *     .vbe: xor ax,ax / mov ds,ax / mov es,ax / mov di,0x8000 / mov ax,0x4f00
 *     int 0x10 / mov [0x500],ax / .halt: hlt / jmp .halt
 *     iret_stub: iret / msg: db "relic",13,10,0xc9,0xcd,0xbb,0 */
static const uint8_t bios_stub[] = {
    0xfa, 0x31, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x70, 0x8e, 0xc0, 0x31, 0xff, 0xb9, 0x00, 0x01, 0x26,
    0xc7, 0x05, 0x53, 0x00, 0x26, 0xc7, 0x45, 0x02, 0x00, 0xf0, 0x83, 0xc7, 0x04, 0xe2, 0xf0, 0xb8,
    0x18, 0x00, 0x9a, 0x03, 0x00, 0x00, 0xc0, 0xb8, 0x03, 0x00, 0xcd, 0x10, 0x0e, 0x1f, 0xbe, 0x54,
    0x00, 0xac, 0x08, 0xc0, 0x74, 0x09, 0xb4, 0x0e, 0xbb, 0x07, 0x00, 0xcd, 0x10, 0xeb, 0xf2, 0x31,
    0xc0, 0x8e, 0xd8, 0x8e, 0xc0, 0xbf, 0x00, 0x80, 0xb8, 0x00, 0x4f, 0xcd, 0x10, 0xa3, 0x00, 0x05,
    0xf4, 0xeb, 0xfd, 0xcf, 0x72, 0x65, 0x6c, 0x69, 0x63, 0x0d, 0x0a, 0xc9, 0xcd, 0xbb, 0x00,
};

/* Just enough PCI configuration mechanism #1 for the VGA BIOS to find its
 * device: 1234:1111 at 00:03.0, class 0300, BAR 0 at 0xfd000000. */
struct fake_pci { uint32_t addr; };

static uint32_t fake_cfg(uint32_t a)
{
    if (!(a & 0x80000000u) || (a & 0x00ffff00u) != (3u << 11))
        return 0xffffffffu;
    switch (a & 0xfc) {
    case 0x00: return (uint32_t)VGA_PCI_DEVICE << 16 | VGA_PCI_VENDOR;
    case 0x04: return 0x00000003;
    case 0x08: return 0x03000002;
    case 0x10: return 0xfd000008;
    default: return 0;
    }
}

static uint32_t fake_pci_read(void *opaque, uint16_t port, int size)
{
    struct fake_pci *p = opaque;
    uint32_t v = port < 0xcfc ? p->addr >> (8 * (port - 0xcf8)) : fake_cfg(p->addr) >> (8 * (port & 3));
    return size == 4 ? v : size == 2 ? (v & 0xffff) : (v & 0xff);
}

static void fake_pci_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct fake_pci *p = opaque;
    if (port == 0xcf8 && size == 4)
        p->addr = val;
}

static void test_vgabios(void)
{
    static uint8_t rom[0x10000], bios[0x10000];
    FILE *f = fopen("/usr/share/seabios/vgabios-stdvga.bin", "rb");
    if (!f) {
        printf("SKIP vgabios-stdvga: /usr/share/seabios/vgabios-stdvga.bin not installed\n");
        return;
    }
    size_t n = fread(rom, 1, sizeof rom, f);
    fclose(f);
    CHECK(n > 512 && rom[0] == 0x55 && rom[1] == 0xaa);

    struct rig *r = calloc(1, sizeof *r);
    struct cpu *cpu = calloc(1, sizeof *cpu);
    struct fake_pci pci = { 0 };
    io_init(&r->bus);
    phys_init(&r->pm, 1 << 20);
    vclock_init(&r->clock, VCLOCK_MANUAL);
    CHECK_EQ(vga_init(&r->v, &r->bus, &r->pm, &r->clock), 0);
    io_register(&r->bus, 0xcf8, 8, IO_W8 | IO_W16 | IO_W32, fake_pci_read, fake_pci_write, &pci, "pci");
    memcpy(bios, bios_stub, sizeof bios_stub);
    static const uint8_t reset_jump[5] = { 0xea, 0x00, 0x00, 0x00, 0xf0 };   /* jmp f000:0000 */
    memcpy(bios + 0xfff0, reset_jump, sizeof reset_jump);
    phys_add_ram_alias(&r->pm, 0xc0000, 0x10000, rom, 0, "vgabios");
    phys_add_ram_alias(&r->pm, 0xf0000, 0x10000, bios, 1, "bios");
    phys_add_ram_alias(&r->pm, 0xffff0000u, 0x10000, bios, 1, "bios-high");
    CHECK(vga_map_lfb(&r->v, &r->pm, 0xfd000000u) >= 0);
    CHECK_EQ(cpu_init(cpu, &r->pm, &r->bus), 0);
    cpu_reset(cpu);
    int halted = 0;
    for (int slice = 0; slice < 2000 && !halted; slice++) {
        halted = cpu_run(cpu, 10000) == CPU_EXIT_HLT;
        vclock_set(&r->clock, vclock_now(&r->clock) + 1000000);   /* 1 ms a slice */
    }
    CHECK(halted);
    CHECK_EQ(phys_read(&r->pm, 0x500, 2), 0x004f);                /* VBE present */
    CHECK_EQ(phys_read(&r->pm, 0x8000, 4), 0x41534556);           /* "VESA" */
    struct vga_text *t = malloc(sizeof *t);
    vga_text_screen(&r->v, t);
    CHECK_EQ(t->graphics, 0);
    CHECK_EQ(t->cols, 80);
    CHECK_EQ(t->rows, 25);
    CHECK_EQ(t->cells[0], 0x0772);                                /* 'r' grey on black */
    CHECK_EQ(t->cursor_row, 1);
    CHECK_EQ(t->cursor_col, 3);
    CHECK_EQ(t->cursor_visible, 1);
    char *d = dump(r);
    const char *want = "relic\n\xe2\x95\x94\xe2\x95\x90\xe2\x95\x97\n\n";
    CHECK(strncmp(d, want, strlen(want)) == 0);
    free(d);
    /* the font went to plane 2: 'A' (0x41) has its 8x16 glyph at 0x41 * 32 */
    int glyph = 0;
    for (int i = 0; i < 16; i++)
        glyph |= r->v.vram[((0x41 * 32 + i) << 2) | 2];
    CHECK(glyph != 0);
    free(t);
    cpu_free(cpu);
    free(cpu);
    rig_free(r);
}

int main(void)
{
    test_text();
    test_cp437();
    test_attribute_flipflop();
    test_planar();
    test_chain4_and_map();
    test_ports();
    test_vgabios();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
