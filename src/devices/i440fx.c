/* i440FX host bridge (see i440fx.h). */
#include "i440fx.h"
#include <stdlib.h>
#include <string.h>

enum { PAM_RE = 1, PAM_WE = 2 };
enum { RCR_SYS_RST = 2, RCR_RST_CPU = 4, RCR_FULL_RST = 8 };
enum { SMRAM_C_BASE_SEG = 0x02, SMRAM_WMASK = 0x78 };

static uint32_t seg_base(int s)
{
    return s < 12 ? I440FX_SHADOW_BASE + 0x4000u * (uint32_t)s : 0xf0000u;
}
static uint32_t seg_size(int s) { return s < 12 ? 0x4000u : 0x10000u; }

/* The nibble of PAMx that controls segment s: PAM0 bits 5:4 hold
 * 0xf0000; PAM1..PAM6 hold two 16 KiB segments each, low nibble first. */
static uint8_t seg_attr(const struct i440fx *h, int s)
{
    if (s == 12)
        return (h->pci.config[I440FX_PAM0] >> 4) & 3;
    uint8_t r = h->pci.config[I440FX_PAM0 + 1 + s / 2];
    return (s & 1 ? r >> 4 : r) & 3;
}

static void update_pam(struct i440fx *h)
{
    for (int s = 0; s < I440FX_PAM_SEGMENTS; s++) {
        uint8_t m = seg_attr(h, s);
        if (m == h->mode[s])
            continue;
        h->mode[s] = m;
        uint32_t off = seg_base(s) - I440FX_SHADOW_BASE;
        uint8_t *ram = h->pm->ram + seg_base(s);
        uint8_t *rom = h->bus_rom + off;
        switch (m) {
        case 0:      phys_set_backing(h->pm, h->region[s], rom, 1, NULL); break;
        case PAM_RE: phys_set_backing(h->pm, h->region[s], ram, 1, NULL); break;
        case PAM_WE: phys_set_backing(h->pm, h->region[s], rom, 1, ram); break;
        default:     phys_set_backing(h->pm, h->region[s], ram, 0, NULL); break;
        }
    }
}

static void config_write(void *opaque, unsigned reg, uint32_t val, int size)
{
    struct i440fx *h = opaque;
    (void)val;
    if (reg < I440FX_PAM0 + 7 && reg + (unsigned)size > I440FX_PAM0)
        update_pam(h);
}

static uint32_t rcr_read(void *opaque, uint16_t port, int size)
{
    struct i440fx *h = opaque;
    (void)port; (void)size;
    return h->rcr;
}

static void rcr_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct i440fx *h = opaque;
    uint8_t old = h->rcr;
    (void)port; (void)size;
    h->rcr = (uint8_t)(val & (RCR_SYS_RST | RCR_FULL_RST));   /* RST_CPU reads as 0 */
    if ((val & RCR_RST_CPU) && !(old & RCR_RST_CPU) && h->request_reset)
        h->request_reset(h->opaque);
}

int i440fx_init(struct i440fx *h, struct pci_bus *bus, struct iobus *io, struct physmem *pm,
                const uint8_t *bios, uint32_t bios_size,
                void (*request_reset)(void *opaque), void *opaque)
{
    memset(h, 0, sizeof *h);
    if (pm->ram_size < 0x100000u)
        return -1;
    h->pm = pm;
    h->request_reset = request_reset;
    h->opaque = opaque;
    h->bus_rom = malloc(I440FX_SHADOW_SIZE);
    if (!h->bus_rom)
        return -1;
    memset(h->bus_rom, 0xff, I440FX_SHADOW_SIZE);
    uint32_t low = bios_size < 0x20000u ? bios_size : 0x20000u;
    if (bios)
        memcpy(h->bus_rom + I440FX_SHADOW_SIZE - low, bios + bios_size - low, low);

    pci_func_init(&h->pci, 0x8086, 0x1237, 0x060000, 0x02, "i440fx", h);
    h->pci.config_write = config_write;
    h->pci.wmask[I440FX_PAM0] = 0x30;
    for (int i = 1; i < 7; i++)
        h->pci.wmask[I440FX_PAM0 + i] = 0x33;
    h->pci.wmask[I440FX_SMRAM] = SMRAM_WMASK;
    if (pci_register(bus, &h->pci, I440FX_DEVFN) < 0)
        goto fail;
    if (io_register(io, I440FX_RCR_PORT, 1, IO_W8, rcr_read, rcr_write, h, "i440fx-rcr") < 0)
        goto fail;
    for (int s = 0; s < I440FX_PAM_SEGMENTS; s++) {
        h->region[s] = phys_add_ram_alias(pm, seg_base(s), seg_size(s),
                                          h->bus_rom + (seg_base(s) - I440FX_SHADOW_BASE), 1, "pam");
        if (h->region[s] < 0)
            goto fail;
    }
    i440fx_reset(h);
    return 0;
fail:
    free(h->bus_rom);
    h->bus_rom = NULL;
    return -1;
}

void i440fx_reset(struct i440fx *h)
{
    for (int i = 0; i < 7; i++)
        h->pci.config[I440FX_PAM0 + i] = 0;
    h->pci.config[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
    pci_set_word(h->pci.config, PCI_COMMAND, PCI_COMMAND_MEMORY);   /* 0x0006 on a real 82441FX */
    pci_set_word(h->pci.config, PCI_STATUS, 0x0280);
    h->rcr = 0;
    for (int s = 0; s < I440FX_PAM_SEGMENTS; s++)
        h->mode[s] = 0xff;         /* force every segment to be set */
    update_pam(h);
}

void i440fx_free(struct i440fx *h)
{
    free(h->bus_rom);
    h->bus_rom = NULL;
}
