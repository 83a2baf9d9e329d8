/* VGA frame renderer: the picture the adapter would send to the monitor,
 * as 0x00RRGGBB pixels, for a UI window and for screendumps.
 *
 * The mode comes from the registers, as the hardware decides it: the Bochs
 * VBE interface when enabled (8 bpp through the DAC, 15, 16, 24, 32 bpp),
 * else text (graphics bits of GR6 and AR10 clear), else a graphics mode by
 * its shift register: 256-colour (GR5 bit 6), CGA-style interleaved 4-colour
 * (GR5 bit 5) or 16-colour planar. A blanked screen (SR1 bit 5 set or the
 * attribute controller's palette address source clear) is a black frame of
 * the mode's size.
 *
 * The frame is the mode's logical resolution, not the raster the monitor
 * scans: scan lines the CRTC repeats (double scan, and graphics rows of
 * several scan lines that fetch the same memory) and the 256-colour mode's
 * doubled dots appear once, so mode 13h is 320x200, mode 12h 640x480, text
 * mode 3 720x400. The UI scales to the aspect ratio it wants.
 *
 * Blinking text is drawn in its visible phase and the cursor always shown
 * (when enabled), so a frame depends on the adapter's state only. */
#ifndef RELIC_VGA_RENDER_H
#define RELIC_VGA_RENDER_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vga.h"

enum vga_render_mode {
    VGA_RENDER_NONE,            /* never rendered */
    VGA_RENDER_OFF,             /* display disabled: black */
    VGA_RENDER_TEXT,
    VGA_RENDER_PLANAR16,        /* modes 0Dh, 0Eh, 10h, 12h */
    VGA_RENDER_CGA4,            /* modes 04h, 05h */
    VGA_RENDER_256,             /* mode 13h and unchained "mode X" */
    VGA_RENDER_VBE,
    VGA_RENDER_UNSUPPORTED,     /* black: e.g. VBE 4 bpp */
};

struct vga_frame {
    int width, height;
    uint32_t *pixels;           /* width * height, row-major, 0x00RRGGBB */
    size_t capacity;            /* pixels allocated */
    enum vga_render_mode mode;  /* what the last vga_render drew */
};

/* Renders the current picture into out, which must start zeroed (or come
 * from an earlier vga_render); its buffer grows as modes change. Returns 0,
 * or -1 when memory is short (out is then left 0x0). */
int vga_render(const struct vga *v, struct vga_frame *out);
void vga_frame_free(struct vga_frame *f);
/* Writes the frame as a binary PPM (P6). Returns 0, or -1 on a write error. */
int vga_frame_write_ppm(const struct vga_frame *f, FILE *out);
#endif
