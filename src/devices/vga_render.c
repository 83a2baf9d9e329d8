/* VGA frame renderer (see vga_render.h). Register meanings follow the IBM
 * VGA reference as FreeVGA describes it; the memory layout is vga.c's (byte
 * p of plane offset o at vram[4*o + p]). */
#include "vga_render.h"
#include <stdlib.h>
#include <string.h>

#define VBE_REG(v, r) ((v)->vbe[VBE_DISPI_INDEX_##r])

static uint8_t plane_at(const struct vga *v, uint32_t off, int plane)
{
    return v->vram[((off & 0xffff) << 2) | (uint32_t)plane];
}

/* ---- colour --------------------------------------------------------------------- */

/* Repeats the top bits into the bottom ones so full scale maps to 0xff. */
static uint32_t widen(uint32_t c, int bits)
{
    return (c << (8 - bits)) | (c >> (2 * bits - 8));
}

static uint32_t dac_rgb(const struct vga *v, uint8_t index)
{
    const uint8_t *c = v->dac[index & v->dac_mask];
    if (VBE_REG(v, ENABLE) & VBE_DISPI_8BIT_DAC)
        return (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
    return widen(c[0] & 0x3fu, 6) << 16 | widen(c[1] & 0x3fu, 6) << 8 | widen(c[2] & 0x3fu, 6);
}

/* A 4-bit colour through the attribute controller: colour plane enable,
 * palette register, then the colour select bits above the 6 (or 4) the
 * palette gives. */
static uint8_t attribute_index(const struct vga *v, unsigned colour)
{
    uint8_t p = v->ar[colour & v->ar[0x12] & 0x0f] & 0x3f;
    uint8_t sel = v->ar[0x14];
    if (v->ar[0x10] & 0x80)
        p = (uint8_t)((p & 0x0f) | (sel & 0x03) << 4);
    return (uint8_t)(p | (sel & 0x0c) << 4);
}

static void palette16(const struct vga *v, uint32_t pal[16])
{
    for (unsigned i = 0; i < 16; i++)
        pal[i] = dac_rgb(v, attribute_index(v, i));
}

/* ---- CRTC geometry ------------------------------------------------------------- */

struct crtc {
    int char_clocks;            /* per scan line */
    int lines;                  /* distinct scan lines (double scan removed) */
    int scans;                  /* scan lines a character row */
    uint32_t start, stride;     /* in memory-address-counter units */
};

static void crtc_geometry(const struct vga *v, struct crtc *c)
{
    const uint8_t *cr = v->cr;
    int vde = cr[0x12] | (cr[7] & 0x02) << 7 | (cr[7] & 0x40) << 3;
    c->char_clocks = cr[1] + 1;
    c->lines = (vde + 1) >> (cr[9] >> 7);
    c->scans = (cr[9] & 0x1f) + 1;
    c->start = (uint32_t)cr[0x0c] << 8 | cr[0x0d];
    c->stride = 2u * cr[0x13];    /* the counter advances twice the offset a row */
}

/* Memory address counter to plane offset. Word mode rotates a high counter
 * bit into bit 0; dword mode would shift by 2, but vga.c already packs four
 * chain-4 bytes to one plane offset, so the counter is the offset there. The
 * CGA compatibility bits put the row scan counter on address bits 13 and 14
 * (odd scan lines from the second bank). */
static uint32_t crtc_address(const struct vga *v, uint32_t ctr, int scan)
{
    uint8_t mode = v->cr[0x17];
    uint32_t a = ctr;
    if (!(v->cr[0x14] & 0x40) && !(mode & 0x40))
        a = ctr << 1 | ((ctr >> ((mode & 0x20) ? 15 : 13)) & 1);
    if (!(mode & 0x01))
        a = (a & ~0x2000u) | (uint32_t)(scan & 1) << 13;
    if (!(mode & 0x02))
        a = (a & ~0x4000u) | (uint32_t)(scan & 2) << 13;
    return a & 0xffff;
}

/* ---- text ----------------------------------------------------------------------- */

struct text {
    struct crtc g;
    int cell_w;
    uint32_t font[2];           /* plane 2 offsets: attribute bit 3 clear, set */
    int line_graphics, blink;
    int cursor_on, cursor_start, cursor_end;
    uint32_t cursor;            /* counter value of the cursor cell */
    uint32_t pal[16];
};

/* Character map number (0-7) to its plane 2 offset: maps 0-3 at 16 KiB
 * steps, 4-7 in the 8 KiB gaps between them. */
static uint32_t font_base(unsigned map)
{
    return (map & 3) * 0x4000u + (map >> 2) * 0x2000u;
}

static void text_setup(const struct vga *v, struct text *t)
{
    uint8_t sr3 = v->sr[3];
    crtc_geometry(v, &t->g);
    t->cell_w = (v->sr[1] & 1) ? 8 : 9;
    t->font[0] = font_base((sr3 & 0x03) | (sr3 & 0x10) >> 2);
    t->font[1] = font_base((sr3 & 0x0c) >> 2 | (sr3 & 0x20) >> 3);
    t->line_graphics = (v->ar[0x10] & 0x04) != 0;
    t->blink = (v->ar[0x10] & 0x08) != 0;
    t->cursor_start = v->cr[0x0a] & 0x1f;
    t->cursor_end = v->cr[0x0b] & 0x1f;
    t->cursor_on = !(v->cr[0x0a] & 0x20) && t->cursor_start <= t->cursor_end;
    t->cursor = (uint32_t)v->cr[0x0e] << 8 | v->cr[0x0f];
    palette16(v, t->pal);
}

/* One character cell's slice on scan line `scan`, cell_w pixels to dst. */
static void text_cell(const struct vga *v, const struct text *t, uint32_t ctr, int scan, uint32_t *dst)
{
    uint32_t a = crtc_address(v, ctr, scan);
    uint8_t ch = plane_at(v, a, 0), at = plane_at(v, a, 1);
    unsigned glyph = plane_at(v, t->font[(at >> 3) & 1] + ch * 32u + (uint32_t)scan, 2);
    /* the ninth dot copies the eighth only for the box-drawing range */
    glyph <<= 1;
    if (t->line_graphics && (ch & 0xe0) == 0xc0)
        glyph |= glyph >> 1 & 1;
    if (t->cursor_on && (ctr & 0xffff) == t->cursor && scan >= t->cursor_start && scan <= t->cursor_end)
        glyph = 0x1ff;
    uint32_t fg = t->pal[at & 0x0f];
    uint32_t bg = t->pal[t->blink ? (at >> 4) & 7 : at >> 4];
    for (int x = 0; x < t->cell_w; x++)
        dst[x] = (glyph >> (8 - x)) & 1 ? fg : bg;
}

static void render_text(const struct vga *v, struct vga_frame *f)
{
    struct text t;
    text_setup(v, &t);
    for (int y = 0; y < f->height; y++) {
        int row = y / t.g.scans, scan = y % t.g.scans;
        uint32_t ctr = t.g.start + (uint32_t)row * t.g.stride;
        uint32_t *dst = f->pixels + (size_t)y * (size_t)f->width;
        for (int c = 0; c < t.g.char_clocks; c++)
            text_cell(v, &t, ctr + (uint32_t)c, scan, dst + c * t.cell_w);
    }
}

/* ---- VGA graphics ----------------------------------------------------------------- */

/* A shift register mode: the pixels one character clock's four plane bytes
 * make. */
typedef void emit_fn(const uint8_t b[4], const uint32_t *pal, uint32_t *dst);

/* 16 colours: bit 7-i of plane p is bit p of pixel i. */
static void emit_planar(const uint8_t b[4], const uint32_t *pal, uint32_t *dst)
{
    for (int i = 0; i < 8; i++) {
        int s = 7 - i;
        unsigned c = (unsigned)((b[0] >> s & 1) | (b[1] >> s & 1) << 1 | (b[2] >> s & 1) << 2 |
                                (b[3] >> s & 1) << 3);
        dst[i] = pal[c];
    }
}

/* Interleaved: planes 0 then 1 (with 2 and 3 as the high bits) hold four
 * 2-bit pixels a byte, leftmost in bits 7-6. */
static void emit_cga(const uint8_t b[4], const uint32_t *pal, uint32_t *dst)
{
    for (int i = 0; i < 8; i++) {
        int half = i >> 2, s = 6 - 2 * (i & 3);
        dst[i] = pal[(b[half] >> s & 3) | (b[half + 2] >> s & 3) << 2];
    }
}

/* 256 colours: one byte a pixel, planes in order. */
static void emit_256(const uint8_t b[4], const uint32_t *pal, uint32_t *dst)
{
    for (int i = 0; i < 4; i++)
        dst[i] = pal[b[i]];
}

struct shifter {
    enum vga_render_mode mode;
    int pixels;                 /* a character clock */
    emit_fn *emit;
};

static const struct shifter shifters[] = {
    { VGA_RENDER_PLANAR16, 8, emit_planar },
    { VGA_RENDER_CGA4, 8, emit_cga },
    { VGA_RENDER_256, 4, emit_256 },
};

static const struct shifter *shifter_of(const struct vga *v)
{
    if (v->gr[5] & 0x40)
        return &shifters[2];
    return &shifters[(v->gr[5] & 0x20) ? 1 : 0];
}

/* Scan lines each output line stands for: a character row repeats its
 * first line unless the row scan counter reaches the address. */
static int gfx_repeat(const struct vga *v, const struct crtc *g)
{
    return (v->cr[0x17] & 0x03) == 0x03 ? g->scans : 1;
}

static void render_graphics(const struct vga *v, struct vga_frame *f)
{
    const struct shifter *sh = shifter_of(v);
    struct crtc g;
    uint32_t pal[256];
    crtc_geometry(v, &g);
    if (sh->mode == VGA_RENDER_256)
        for (unsigned i = 0; i < 256; i++)
            pal[i] = dac_rgb(v, (uint8_t)i);
    else
        palette16(v, pal);
    int rep = gfx_repeat(v, &g);
    for (int y = 0; y < f->height; y++) {
        int line = y * rep, row = line / g.scans, scan = line % g.scans;
        uint32_t ctr = g.start + (uint32_t)row * g.stride;
        uint32_t *dst = f->pixels + (size_t)y * (size_t)f->width;
        for (int c = 0; c < g.char_clocks; c++) {
            uint32_t a = crtc_address(v, ctr + (uint32_t)c, scan);
            uint8_t b[4] = { plane_at(v, a, 0), plane_at(v, a, 1), plane_at(v, a, 2), plane_at(v, a, 3) };
            sh->emit(b, pal, dst + c * sh->pixels);
        }
    }
}

/* ---- VBE ---------------------------------------------------------------------------- */

typedef uint32_t vbe_pixel_fn(const uint8_t *p, const uint32_t *pal);

static uint32_t vbe8(const uint8_t *p, const uint32_t *pal) { return pal[p[0]]; }

static uint32_t vbe15(const uint8_t *p, const uint32_t *pal)
{
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    (void)pal;
    return widen(w >> 10 & 0x1f, 5) << 16 | widen(w >> 5 & 0x1f, 5) << 8 | widen(w & 0x1f, 5);
}

static uint32_t vbe16(const uint8_t *p, const uint32_t *pal)
{
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    (void)pal;
    return widen(w >> 11, 5) << 16 | widen(w >> 5 & 0x3f, 6) << 8 | widen(w & 0x1f, 5);
}

/* 24 and 32 bpp store blue, green, red from the lowest address. */
static uint32_t vbe24(const uint8_t *p, const uint32_t *pal)
{
    (void)pal;
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

struct vbe_format {
    int bpp, bytes;
    vbe_pixel_fn *pixel;
};

static const struct vbe_format vbe_formats[] = {
    { 8, 1, vbe8 }, { 15, 2, vbe15 }, { 16, 2, vbe16 }, { 24, 3, vbe24 }, { 32, 4, vbe24 },
};

static const struct vbe_format *vbe_format_of(const struct vga *v)
{
    for (size_t i = 0; i < sizeof vbe_formats / sizeof vbe_formats[0]; i++)
        if (vbe_formats[i].bpp == VBE_REG(v, BPP))
            return &vbe_formats[i];
    return NULL;
}

static void render_vbe(const struct vga *v, struct vga_frame *f)
{
    const struct vbe_format *fmt = vbe_format_of(v);
    uint32_t pal[256];
    for (unsigned i = 0; i < 256; i++)
        pal[i] = dac_rgb(v, (uint8_t)i);
    uint64_t virt = VBE_REG(v, VIRT_WIDTH) ? VBE_REG(v, VIRT_WIDTH) : VBE_REG(v, XRES);
    uint64_t pitch = virt * (uint64_t)fmt->bytes;
    uint64_t base = VBE_REG(v, Y_OFFSET) * pitch + VBE_REG(v, X_OFFSET) * (uint64_t)fmt->bytes;
    for (int y = 0; y < f->height; y++) {
        uint32_t *dst = f->pixels + (size_t)y * (size_t)f->width;
        for (int x = 0; x < f->width; x++) {
            uint64_t a = base + (uint64_t)y * pitch + (uint64_t)x * (uint64_t)fmt->bytes;
            dst[x] = a + (uint64_t)fmt->bytes <= VGA_VRAM_SIZE ? fmt->pixel(&v->vram[a], pal) : 0;
        }
    }
}

/* ---- mode selection ------------------------------------------------------------------ */

typedef void render_fn(const struct vga *v, struct vga_frame *f);

static void render_black(const struct vga *v, struct vga_frame *f)
{
    (void)v;
    for (size_t i = 0; i < (size_t)f->width * (size_t)f->height; i++)
        f->pixels[i] = 0;
}

struct layout {
    enum vga_render_mode mode;
    int width, height;
    render_fn *render;
};

static void choose(const struct vga *v, struct layout *l)
{
    struct crtc g;
    if (VBE_REG(v, ENABLE) & VBE_DISPI_ENABLED) {
        int known = vbe_format_of(v) != NULL;
        /* the dispi registers take no more than this, whatever vga.c stores */
        l->width = VBE_REG(v, XRES) < VBE_DISPI_MAX_XRES ? VBE_REG(v, XRES) : VBE_DISPI_MAX_XRES;
        l->height = VBE_REG(v, YRES) < VBE_DISPI_MAX_YRES ? VBE_REG(v, YRES) : VBE_DISPI_MAX_YRES;
        l->mode = known ? VGA_RENDER_VBE : VGA_RENDER_UNSUPPORTED;
        l->render = known ? render_vbe : render_black;
        return;
    }
    crtc_geometry(v, &g);
    if (!(v->gr[6] & 1) && !(v->ar[0x10] & 1)) {
        l->mode = VGA_RENDER_TEXT;
        l->width = g.char_clocks * ((v->sr[1] & 1) ? 8 : 9);
        l->height = g.lines;
        l->render = render_text;
        return;
    }
    const struct shifter *sh = shifter_of(v);
    int rep = gfx_repeat(v, &g);
    l->mode = sh->mode;
    l->width = g.char_clocks * sh->pixels;
    l->height = (g.lines + rep - 1) / rep;
    l->render = render_graphics;
}

static int screen_off(const struct vga *v)
{
    return (v->sr[1] & 0x20) || !(v->ar_index & 0x20);
}

static int frame_resize(struct vga_frame *f, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    if (n > f->capacity) {
        uint32_t *p = realloc(f->pixels, n * sizeof *p);
        if (!p) {
            f->width = f->height = 0;
            return -1;
        }
        f->pixels = p;
        f->capacity = n;
    }
    f->width = w;
    f->height = h;
    return 0;
}

int vga_render(const struct vga *v, struct vga_frame *out)
{
    struct layout l;
    choose(v, &l);
    if (frame_resize(out, l.width, l.height))
        return -1;
    out->mode = screen_off(v) ? VGA_RENDER_OFF : l.mode;
    (out->mode == VGA_RENDER_OFF ? render_black : l.render)(v, out);
    return 0;
}

void vga_frame_free(struct vga_frame *f)
{
    free(f->pixels);
    memset(f, 0, sizeof *f);
}

int vga_frame_write_ppm(const struct vga_frame *f, FILE *out)
{
    uint8_t *row = malloc((size_t)f->width * 3 + 1);
    if (!row)
        return -1;
    fprintf(out, "P6\n%d %d\n255\n", f->width, f->height);
    for (int y = 0; y < f->height; y++) {
        const uint32_t *src = f->pixels + (size_t)y * (size_t)f->width;
        for (int x = 0; x < f->width; x++) {
            row[3 * x] = (uint8_t)(src[x] >> 16);
            row[3 * x + 1] = (uint8_t)(src[x] >> 8);
            row[3 * x + 2] = (uint8_t)src[x];
        }
        fwrite(row, 3, (size_t)f->width, out);
    }
    free(row);
    return ferror(out) ? -1 : 0;
}
