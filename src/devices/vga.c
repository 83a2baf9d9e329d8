/* VGA with the Bochs VBE extension (see vga.h). */
#include "vga.h"
#include <stdlib.h>
#include <string.h>

/* Register values of BIOS mode 3 (80x25 text, 16 colours): the state a card
 * leaves after its own POST. Values from the IBM VGA technical reference. */
static const uint8_t mode3_sr[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_cr[0x19] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
    0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff };
static const uint8_t mode3_gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
static const uint8_t mode3_ar[0x15] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b,
    0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00 };

/* ---- video memory through the legacy window ----------------------------------- */

static uint8_t *plane_byte(struct vga *v, uint32_t off, int plane)
{
    return &v->vram[((off & 0xffff) << 2) | (uint32_t)plane];
}

/* Offset inside the GR6 memory map, or -1 when addr is outside it. */
static int32_t window_offset(struct vga *v, uint32_t addr)
{
    switch ((v->gr[6] >> 2) & 3) {
    case 0: return (int32_t)addr;
    case 1: return addr < 0x10000 ? (int32_t)addr : -1;
    case 2: return addr >= 0x10000 && addr < 0x18000 ? (int32_t)(addr - 0x10000) : -1;
    default: return addr >= 0x18000 ? (int32_t)(addr - 0x18000) : -1;
    }
}

static uint8_t *vbe_bank_byte(struct vga *v, uint32_t addr)
{
    uint32_t a;
    if (addr >= 0x10000)
        return NULL;
    a = ((uint32_t)v->vbe[VBE_DISPI_INDEX_BANK] << 16) + addr;
    return a < VGA_VRAM_SIZE ? &v->vram[a] : NULL;
}

static void load_latches(struct vga *v, uint32_t o)
{
    for (int p = 0; p < 4; p++)
        v->latch[p] = *plane_byte(v, o, p);
}

uint8_t vga_mem_read(struct vga *v, uint32_t addr)
{
    if (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) {
        uint8_t *b = vbe_bank_byte(v, addr);
        return b ? *b : 0xff;
    }
    int32_t off = window_offset(v, addr);
    if (off < 0)
        return 0xff;
    if (v->sr[4] & 0x08) {                       /* chain 4 */
        load_latches(v, (uint32_t)off >> 2);
        return v->latch[off & 3];
    }
    uint32_t o;
    int plane;
    if (v->gr[5] & 0x10) {                       /* host odd/even */
        plane = (v->gr[4] & 2) | (off & 1);
        o = (uint32_t)off & ~1u;
    } else {
        plane = v->gr[4] & 3;
        o = (uint32_t)off;
    }
    load_latches(v, o);
    if (!(v->gr[5] & 0x08))                      /* read mode 0 */
        return v->latch[plane];
    uint8_t diff = 0;                            /* read mode 1: colour compare */
    for (int p = 0; p < 4; p++)
        if (v->gr[7] & (1 << p))
            diff |= v->latch[p] ^ ((v->gr[2] & (1 << p)) ? 0xff : 0x00);
    return (uint8_t)~diff;
}

void vga_mem_write(struct vga *v, uint32_t addr, uint8_t val)
{
    if (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) {
        uint8_t *b = vbe_bank_byte(v, addr);
        if (b)
            *b = val;
        return;
    }
    int32_t off = window_offset(v, addr);
    if (off < 0)
        return;
    uint8_t map_mask = v->sr[2] & 0x0f;
    if (v->sr[4] & 0x08) {                       /* chain 4 */
        if (map_mask & (1 << (off & 3)))
            *plane_byte(v, (uint32_t)off >> 2, off & 3) = val;
        return;
    }
    if (!(v->sr[4] & 0x04)) {                    /* odd/even */
        int plane = off & 1;
        if (map_mask & (1 << plane))
            *plane_byte(v, (uint32_t)off & ~1u, plane) = val;
        return;
    }
    /* planar: write modes 0-3 */
    uint8_t rot = v->gr[3] & 7;
    uint8_t rv = (uint8_t)((val >> rot) | (val << ((8 - rot) & 7)));
    uint8_t mask = v->gr[8];
    uint8_t data[4];
    int mode = v->gr[5] & 3;
    for (int p = 0; p < 4; p++) {
        uint8_t sr = (v->gr[0] & (1 << p)) ? 0xff : 0x00;
        switch (mode) {
        case 0: data[p] = (v->gr[1] & (1 << p)) ? sr : rv; break;
        case 1: data[p] = v->latch[p]; break;
        case 2: data[p] = (val & (1 << p)) ? 0xff : 0x00; break;
        default: data[p] = sr; break;
        }
    }
    if (mode == 3)
        mask &= rv;
    if (mode != 1) {
        for (int p = 0; p < 4; p++) {
            switch ((v->gr[3] >> 3) & 3) {
            case 1: data[p] &= v->latch[p]; break;
            case 2: data[p] |= v->latch[p]; break;
            case 3: data[p] ^= v->latch[p]; break;
            default: break;
            }
            data[p] = (uint8_t)((data[p] & mask) | (v->latch[p] & ~mask));
        }
    }
    for (int p = 0; p < 4; p++)
        if (map_mask & (1 << p))
            *plane_byte(v, (uint32_t)off, p) = data[p];
}

static uint32_t window_read(void *opaque, uint32_t addr, int size)
{
    uint32_t val = 0;
    for (int i = 0; i < size; i++)
        val |= (uint32_t)vga_mem_read(opaque, addr + (uint32_t)i) << (8 * i);
    return val;
}

static void window_write(void *opaque, uint32_t addr, uint32_t val, int size)
{
    for (int i = 0; i < size; i++)
        vga_mem_write(opaque, addr + (uint32_t)i, (uint8_t)(val >> (8 * i)));
}

static const struct mmio_ops window_ops = { window_read, window_write };

/* ---- registers -------------------------------------------------------------- */

#define FRAME_NS 16666667ull              /* 60 Hz */
#define LINE_NS 31778ull                  /* 31.47 kHz */

static uint8_t input_status1(struct vga *v)
{
    int vr, de;
    if (v->clock) {
        uint64_t pos = vclock_now(v->clock) % FRAME_NS;
        vr = pos < FRAME_NS / 20;
        de = vr || (pos % LINE_NS) >= LINE_NS * 4 / 5;
    } else {
        uint32_t n = v->status_reads++;
        vr = (n & 0x3f) < 4;
        de = vr || (n & 1);
    }
    v->ar_data_next = 0;                   /* the attribute flip-flop back to index */
    return (uint8_t)((vr ? 0x08 : 0) | (de ? 0x01 : 0));
}

static int crtc_port_live(struct vga *v, uint16_t port)
{
    int colour = v->misc & 1;
    if ((port & 0xfff0) == 0x3b0)
        return !colour;
    if ((port & 0xfff0) == 0x3d0)
        return colour;
    return 1;
}

static uint32_t vga_port_read(void *opaque, uint16_t port, int size)
{
    struct vga *v = opaque;
    (void)size;
    if (!crtc_port_live(v, port))
        return 0xff;
    switch (port) {
    case 0x3c0: return v->ar_index;
    case 0x3c1: return (v->ar_index & 0x1f) < 0x15 ? v->ar[v->ar_index & 0x1f] : 0;
    case 0x3c2: return 0x00;                               /* input status 0 */
    case 0x3c3: return v->enable;
    case 0x3c4: return v->sr_index;
    case 0x3c5: return v->sr_index < 8 ? v->sr[v->sr_index] : 0xff;
    case 0x3c6: return v->dac_mask;
    case 0x3c7: return v->dac_reading ? 0x03 : 0x00;
    case 0x3c8: return v->dac_write_index;
    case 0x3c9: {
        uint8_t val = v->dac[v->dac_read_index][v->dac_sub];
        if (++v->dac_sub == 3) {
            v->dac_sub = 0;
            v->dac_read_index++;
        }
        return val;
    }
    case 0x3ca: return v->feature_ctl;
    case 0x3cc: return v->misc;
    case 0x3ce: return v->gr_index;
    case 0x3cf: return v->gr_index < 9 ? v->gr[v->gr_index] : 0xff;
    case 0x3b4: case 0x3d4: return v->cr_index;
    case 0x3b5: case 0x3d5: return v->cr_index < 0x19 ? v->cr[v->cr_index] : 0xff;
    case 0x3ba: case 0x3da: return input_status1(v);
    default: return 0xff;
    }
}

static void vga_port_write(void *opaque, uint16_t port, uint32_t val32, int size)
{
    struct vga *v = opaque;
    uint8_t val = (uint8_t)val32;
    (void)size;
    if (!crtc_port_live(v, port))
        return;
    switch (port) {
    case 0x3c0:
        if (!v->ar_data_next) {
            v->ar_index = val & 0x3f;
        } else if ((v->ar_index & 0x1f) < 0x15) {
            v->ar[v->ar_index & 0x1f] = val;
        }
        v->ar_data_next ^= 1;
        break;
    case 0x3c2: v->misc = val; break;
    case 0x3c3: v->enable = val & 1; break;
    case 0x3c4: v->sr_index = val & 7; break;
    case 0x3c5: v->sr[v->sr_index] = val; break;
    case 0x3c6: v->dac_mask = val; break;
    case 0x3c7:
        v->dac_read_index = val;
        v->dac_sub = 0;
        v->dac_reading = 1;
        break;
    case 0x3c8:
        v->dac_write_index = val;
        v->dac_sub = 0;
        v->dac_reading = 0;
        break;
    case 0x3c9:
        v->dac[v->dac_write_index][v->dac_sub] =
            (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) ? val : (val & 0x3f);
        if (++v->dac_sub == 3) {
            v->dac_sub = 0;
            v->dac_write_index++;
        }
        break;
    case 0x3ce: v->gr_index = val & 0x0f; break;
    case 0x3cf: if (v->gr_index < 9) v->gr[v->gr_index] = val; break;
    case 0x3b4: case 0x3d4: v->cr_index = val & 0x3f; break;
    case 0x3b5: case 0x3d5:
        if (v->cr_index >= 0x19)
            break;
        if ((v->cr[0x11] & 0x80) && v->cr_index <= 7) {   /* CR11 bit 7 protects CR0-7 */
            if (v->cr_index == 7)
                v->cr[7] = (uint8_t)((v->cr[7] & ~0x10) | (val & 0x10));
            break;
        }
        v->cr[v->cr_index] = val;
        break;
    case 0x3ba: case 0x3da: v->feature_ctl = val; break;
    default: break;
    }
}

/* ---- Bochs VBE ---------------------------------------------------------------- */

static uint32_t vbe_read(void *opaque, uint16_t port, int size)
{
    struct vga *v = opaque;
    (void)size;
    if (port == VBE_DISPI_IOPORT_INDEX)
        return v->vbe_index;
    if (v->vbe_index >= VBE_DISPI_NUM_REGS)
        return 0;
    if (v->vbe_index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K)
        return VGA_VRAM_SIZE >> 16;
    if (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
        switch (v->vbe_index) {
        case VBE_DISPI_INDEX_XRES: return VBE_DISPI_MAX_XRES;
        case VBE_DISPI_INDEX_YRES: return VBE_DISPI_MAX_YRES;
        case VBE_DISPI_INDEX_BPP: return VBE_DISPI_MAX_BPP;
        default: break;
        }
    }
    return v->vbe[v->vbe_index];
}

static void vbe_write(void *opaque, uint16_t port, uint32_t val32, int size)
{
    struct vga *v = opaque;
    uint16_t val = (uint16_t)val32;
    (void)size;
    if (port == VBE_DISPI_IOPORT_INDEX) {
        v->vbe_index = val;
        return;
    }
    switch (v->vbe_index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5)
            v->vbe[0] = val;
        break;
    case VBE_DISPI_INDEX_XRES: case VBE_DISPI_INDEX_YRES:
        if (!(v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED))
            v->vbe[v->vbe_index] = val;
        break;
    case VBE_DISPI_INDEX_BPP:
        if (!(v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED))
            v->vbe[v->vbe_index] = val ? val : 8;
        break;
    case VBE_DISPI_INDEX_ENABLE: {
        int was = v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
        v->vbe[VBE_DISPI_INDEX_ENABLE] = val;
        if ((val & VBE_DISPI_ENABLED) && !was) {
            uint32_t bytes = (uint32_t)v->vbe[VBE_DISPI_INDEX_XRES] * v->vbe[VBE_DISPI_INDEX_YRES] *
                             ((v->vbe[VBE_DISPI_INDEX_BPP] + 7u) / 8u);
            v->vbe[VBE_DISPI_INDEX_VIRT_WIDTH] = v->vbe[VBE_DISPI_INDEX_XRES];
            v->vbe[VBE_DISPI_INDEX_VIRT_HEIGHT] = v->vbe[VBE_DISPI_INDEX_YRES];
            v->vbe[VBE_DISPI_INDEX_X_OFFSET] = v->vbe[VBE_DISPI_INDEX_Y_OFFSET] = 0;
            if (!(val & VBE_DISPI_NOCLEARMEM))
                memset(v->vram, 0, bytes < VGA_VRAM_SIZE ? bytes : VGA_VRAM_SIZE);
        }
        break;
    }
    case VBE_DISPI_INDEX_BANK:
        if ((uint32_t)val << 16 < VGA_VRAM_SIZE)
            v->vbe[VBE_DISPI_INDEX_BANK] = val;
        break;
    case VBE_DISPI_INDEX_VIRT_WIDTH: case VBE_DISPI_INDEX_VIRT_HEIGHT:
    case VBE_DISPI_INDEX_X_OFFSET: case VBE_DISPI_INDEX_Y_OFFSET:
        v->vbe[v->vbe_index] = val;
        break;
    default:
        break;
    }
}

/* ---- text screen ----------------------------------------------------------------- */

void vga_text_screen(struct vga *v, struct vga_text *out)
{
    memset(out, 0, offsetof(struct vga_text, cells));
    out->cursor_col = out->cursor_row = 0;
    if ((v->gr[6] & 1) || (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED)) {
        out->graphics = 1;
        return;
    }
    int cols = v->cr[1] + 1;
    int lines = (v->cr[0x12] | (v->cr[7] & 0x02) << 7 | (v->cr[7] & 0x40) << 3) + 1;
    int ch = (v->cr[9] & 0x1f) + 1;
    if (v->cr[9] & 0x80)
        lines /= 2;
    int rows = lines / ch;
    if (cols > 256) cols = 256;
    if (rows > 128) rows = 128;
    if (rows < 1) rows = 1;
    int pitch = v->cr[0x13] * 2;
    uint32_t start = (uint32_t)v->cr[0x0c] << 8 | v->cr[0x0d];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            uint32_t o = 2 * (start + (uint32_t)(r * pitch + c));
            out->cells[r * cols + c] = (uint16_t)(*plane_byte(v, o, 0) | *plane_byte(v, o, 1) << 8);
        }
    out->cols = cols;
    out->rows = rows;
    out->char_height = ch;
    uint32_t cur = (uint32_t)v->cr[0x0e] << 8 | v->cr[0x0f];
    int rel = (int)(cur - start);
    if (pitch > 0) {
        out->cursor_row = rel >= 0 ? rel / pitch : -1;
        out->cursor_col = rel >= 0 ? rel % pitch : -1;
    }
    out->cursor_start = v->cr[0x0a] & 0x1f;
    out->cursor_end = v->cr[0x0b] & 0x1f;
    out->cursor_visible = !(v->cr[0x0a] & 0x20) && out->cursor_start <= out->cursor_end &&
                          out->cursor_row >= 0 && out->cursor_row < rows && out->cursor_col < cols;
}

/* Code page 437 to Unicode (the IBM PC character set). */
static const uint16_t cp437[256] = {
    0x0020, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
    0x25d8, 0x25cb, 0x25d9, 0x2642, 0x2640, 0x266a, 0x266b, 0x263c,
    0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7, 0x25ac, 0x21a8,
    0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc,
    ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
    '@', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '[', '\\', ']', '^', '_',
    '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 0x2302,
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
    0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
    0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
    0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
    0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
    0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
    0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
    0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
    0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
    0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
    0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
    0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

unsigned vga_cp437_to_unicode(uint8_t c)
{
    return cp437[c];
}

static int put_utf8(char *p, unsigned cp)
{
    if (cp < 0x80) {
        p[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (char)(0xc0 | cp >> 6);
        p[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    p[0] = (char)(0xe0 | cp >> 12);
    p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    p[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

void vga_text_dump(struct vga *v, FILE *f)
{
    struct vga_text *t = malloc(sizeof *t);
    if (!t)
        return;
    vga_text_screen(v, t);
    if (t->graphics) {
        fprintf(f, "[graphics mode]\n");
        free(t);
        return;
    }
    char line[256 * 3 + 2];
    for (int r = 0; r < t->rows; r++) {
        int n = 0, keep = 0;
        for (int c = 0; c < t->cols; c++) {
            uint8_t ch = (uint8_t)t->cells[r * t->cols + c];
            n += put_utf8(line + n, cp437[ch]);
            if (ch != 0x00 && ch != 0x20 && ch != 0xff)
                keep = n;
        }
        line[keep] = '\n';
        fwrite(line, 1, (size_t)keep + 1, f);
    }
    free(t);
}

/* ---- set-up ----------------------------------------------------------------------- */

void vga_reset(struct vga *v)
{
    v->misc = 0x67;
    v->feature_ctl = 0;
    v->enable = 1;
    memset(v->sr, 0, sizeof v->sr);
    memcpy(v->sr, mode3_sr, sizeof mode3_sr);
    memcpy(v->cr, mode3_cr, sizeof mode3_cr);
    memcpy(v->gr, mode3_gr, sizeof mode3_gr);
    memcpy(v->ar, mode3_ar, sizeof mode3_ar);
    v->sr_index = v->cr_index = v->gr_index = 0;
    v->ar_index = 0x20;
    v->ar_data_next = 0;
    v->dac_mask = 0xff;
    v->dac_read_index = v->dac_write_index = v->dac_sub = v->dac_reading = 0;
    memset(v->latch, 0, sizeof v->latch);
    v->vbe_index = 0;
    memset(v->vbe, 0, sizeof v->vbe);
    v->vbe[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    v->vbe[VBE_DISPI_INDEX_BPP] = 8;
}

int vga_init(struct vga *v, struct iobus *bus, struct physmem *pm, struct vclock *clock)
{
    memset(v, 0, sizeof *v);
    v->clock = clock;
    v->pm = pm;
    v->vram = calloc(1, VGA_VRAM_SIZE);
    if (!v->vram)
        return -1;
    vga_reset(v);
    unsigned w = IO_W8;
    if (io_register(bus, 0x3b4, 2, w, vga_port_read, vga_port_write, v, "vga") ||
        io_register(bus, 0x3ba, 1, w, vga_port_read, vga_port_write, v, "vga") ||
        io_register(bus, 0x3c0, 16, w, vga_port_read, vga_port_write, v, "vga") ||
        io_register(bus, 0x3d4, 2, w, vga_port_read, vga_port_write, v, "vga") ||
        io_register(bus, 0x3da, 1, w, vga_port_read, vga_port_write, v, "vga") ||
        io_register(bus, VBE_DISPI_IOPORT_INDEX, 2, IO_W8 | IO_W16, vbe_read, vbe_write, v, "vbe"))
        return -1;
    phys_add_mmio(pm, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &window_ops, v, "vga-window");
    return 0;
}

void vga_free(struct vga *v)
{
    free(v->vram);
    v->vram = NULL;
}

int vga_map_lfb(struct vga *v, struct physmem *pm, uint32_t base)
{
    if (!base || (base & 0xfff) || base > 0u - VGA_VRAM_SIZE)
        return -1;
    if (base == v->lfb_base)
        return 0;
    int r = phys_add_ram_alias(pm, base, VGA_VRAM_SIZE, v->vram, 0, "vga-lfb");
    if (r >= 0)
        v->lfb_base = base;
    return r;
}

void vga_lfb_bar_map(void *opaque, int bar, uint32_t old_addr, uint32_t new_addr)
{
    struct vga *v = opaque;
    (void)old_addr;
    if (bar == 0 && new_addr != 0xffffffffu)
        vga_map_lfb(v, v->pm, new_addr & ~0xfu);
}
