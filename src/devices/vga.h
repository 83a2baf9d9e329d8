/* VGA (IBM VGA register set) with the Bochs VBE "dispi" extension, as
 * vgabios-stdvga drives it.
 *
 * Registers: miscellaneous output (write 0x3c2, read 0x3cc), input status 0
 * (0x3c2), feature control (write 0x3ba/0x3da, read 0x3ca), VGA enable
 * (0x3c3), sequencer (0x3c4/5), CRT controller (0x3d4/5, or 0x3b4/5 while misc
 * bit 0 is clear; the other pair is dead), graphics controller (0x3ce/f),
 * attribute controller (0x3c0/1: one flip-flop alternates index and data
 * writes at 0x3c0, reading input status 1 at 0x3da/0x3ba resets it to
 * index), DAC (mask 0x3c6, read index/state 0x3c7, write index 0x3c8, data
 * 0x3c9, three 6-bit components an entry). Input status 1 shows vertical
 * retrace (bit 3) for 1/20 of every 60 Hz frame of virtual time and display
 * disable (bit 0) during retrace and each line's blanking, so BIOS loops
 * that wait for either edge progress.
 *
 * Memory: 256 KiB in four 64 KiB planes, seen through the legacy window
 * 0xa0000-0xbffff (an MMIO region) where GR6 maps it (128 KiB at 0xa0000,
 * 64 KiB at 0xa0000, 32 KiB at 0xb0000 or at 0xb8000). Chain 4 (SR4 bit 3),
 * odd/even (SR4 bit 2 clear for writes, GR5 bit 4 for reads), read modes 0
 * and 1 with colour compare, write modes 0-3 with set/reset, rotate, logical
 * operation, bit mask and the four latches.
 *
 * The planes are the first 256 KiB of a larger video memory (VGA_VRAM_SIZE,
 * byte p of plane offset o at vram[4*o + p]) which the Bochs VBE interface
 * (index 0x1ce, data 0x1cf) exposes as a linear framebuffer, mapped where the
 * board puts PCI BAR 0 of the 1234:1111 device (vga_map_lfb), and through
 * 64 KiB banks at 0xa0000 while VBE is enabled. VBE modes are registers only:
 * nothing renders graphics yet.
 *
 * Text mode: vga_text_screen reads the character/attribute cells (planes 0
 * and 1 from the CRTC start address, row pitch from the offset register)
 * and the cursor; vga_text_dump prints them as UTF-8 through code page 437. */
#ifndef RELIC_VGA_H
#define RELIC_VGA_H
#include <stdint.h>
#include <stdio.h>
#include "../mmu/io.h"
#include "../mmu/phys.h"
#include "../machine/timer.h"

#define VGA_VRAM_SIZE (16u << 20)       /* PCI BAR 0 size */
#define VGA_PLANE_SIZE 0x10000u
#define VGA_WINDOW_BASE 0xa0000u
#define VGA_WINDOW_SIZE 0x20000u
#define VBE_DISPI_IOPORT_INDEX 0x1ce
#define VBE_DISPI_IOPORT_DATA 0x1cf
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111

/* Bochs VBE dispi registers */
enum {
    VBE_DISPI_INDEX_ID, VBE_DISPI_INDEX_XRES, VBE_DISPI_INDEX_YRES, VBE_DISPI_INDEX_BPP,
    VBE_DISPI_INDEX_ENABLE, VBE_DISPI_INDEX_BANK, VBE_DISPI_INDEX_VIRT_WIDTH,
    VBE_DISPI_INDEX_VIRT_HEIGHT, VBE_DISPI_INDEX_X_OFFSET, VBE_DISPI_INDEX_Y_OFFSET,
    VBE_DISPI_INDEX_VIDEO_MEMORY_64K, VBE_DISPI_NUM_REGS
};
enum {
    VBE_DISPI_ENABLED = 0x01, VBE_DISPI_GETCAPS = 0x02, VBE_DISPI_8BIT_DAC = 0x20,
    VBE_DISPI_LFB_ENABLED = 0x40, VBE_DISPI_NOCLEARMEM = 0x80,
};
#define VBE_DISPI_ID0 0xb0c0
#define VBE_DISPI_ID5 0xb0c5
#define VBE_DISPI_MAX_XRES 2560
#define VBE_DISPI_MAX_YRES 1600
#define VBE_DISPI_MAX_BPP 32

struct vga {
    uint8_t misc;                  /* miscellaneous output */
    uint8_t feature_ctl;           /* feature control */
    uint8_t enable;                /* 0x3c3 */
    uint8_t sr_index, sr[8];
    uint8_t cr_index, cr[0x19];
    uint8_t gr_index, gr[9];
    uint8_t ar_index;              /* bits 0-4 index, bit 5 palette address source */
    uint8_t ar_data_next;          /* flip-flop: next 0x3c0 write is data */
    uint8_t ar[0x15];
    uint8_t dac_mask, dac_read_index, dac_write_index, dac_sub, dac_reading;
    uint8_t dac[256][3];           /* 6-bit components (8-bit with VBE 8BIT_DAC) */
    uint8_t latch[4];
    uint16_t vbe_index;
    uint16_t vbe[VBE_DISPI_NUM_REGS];
    uint32_t status_reads;         /* retrace fallback without a clock */

    uint8_t *vram;                 /* VGA_VRAM_SIZE bytes */
    struct vclock *clock;          /* may be NULL */
    struct physmem *pm;
    uint32_t lfb_base;             /* where the framebuffer was last mapped, 0 = nowhere */
};

#define VGA_TEXT_MAX_CELLS (256 * 128)

/* A snapshot of the text screen. */
struct vga_text {
    int graphics;                  /* 1: the adapter is in a graphics mode; no cells */
    int cols, rows;
    uint16_t cells[VGA_TEXT_MAX_CELLS];   /* character | attribute << 8, row-major */
    int cursor_col, cursor_row;    /* may lie off screen */
    int cursor_visible;
    int cursor_start, cursor_end;  /* scan lines of the cursor shape */
    int char_height;               /* scan lines per character row */
};

/* Allocates video memory, claims the ports (0x3b4/5, 0x3ba, 0x3c0-0x3cf,
 * 0x3d4/5, 0x3da, 0x1ce/0x1cf) and maps the legacy window 0xa0000-0xbffff.
 * clock times the retrace bits (NULL: they toggle on every read).
 * Returns 0, or -1 if a port is taken or memory is short. */
int vga_init(struct vga *v, struct iobus *bus, struct physmem *pm, struct vclock *clock);
void vga_free(struct vga *v);
/* Machine reset: registers to power-on values (a mode 3 BIOS must still
 * program them); video memory is kept. */
void vga_reset(struct vga *v);

/* Maps the whole video memory as RAM at base (PCI BAR 0, 16 MiB aligned).
 * Returns the region index, 0 if it is already mapped there, or -1. Each new
 * base adds a region (the physical map cannot remove or move one), so a BAR
 * that moves leaves its old mapping behind. */
int vga_map_lfb(struct vga *v, struct physmem *pm, uint32_t base);
/* The same as a PCI BAR hook (the pci_bar_map_fn signature of pci.h, opaque
 * = the struct vga): maps BAR 0 at new_addr; an unmapping (new_addr
 * 0xffffffff) is ignored. */
void vga_lfb_bar_map(void *opaque, int bar, uint32_t old_addr, uint32_t new_addr);

/* Fills *out with the current text screen. */
void vga_text_screen(struct vga *v, struct vga_text *out);
/* Prints the text screen, one line per row, trailing blanks trimmed, as UTF-8
 * (code page 437). In a graphics mode prints one line saying so. */
void vga_text_dump(struct vga *v, FILE *f);
/* Unicode code point of a code page 437 character (0x00 shows as space). */
unsigned vga_cp437_to_unicode(uint8_t c);

/* Legacy window accessors (what the MMIO region calls); addr is an offset
 * from 0xa0000. */
uint8_t vga_mem_read(struct vga *v, uint32_t addr);
void vga_mem_write(struct vga *v, uint32_t addr, uint8_t val);
#endif
