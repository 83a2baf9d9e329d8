/* PCI bus 0 and configuration mechanism #1 (see pci.h). */
#include "pci.h"
#include <string.h>

static void update_bars(struct pci_func *f)
{
    uint16_t cmd = pci_get_word(f->config, PCI_COMMAND);
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        struct pci_bar *b = &f->bar[n];
        if (!b->size)
            continue;
        uint32_t v = pci_get_long(f->config, PCI_BASE_ADDRESS_0 + 4 * n);
        uint32_t addr = PCI_BAR_UNMAPPED;
        if (b->type == PCI_BAR_IO) {
            uint32_t a = v & ~3u;
            if ((cmd & PCI_COMMAND_IO) && a && a + b->size <= 0x10000)
                addr = a;
        } else {
            uint32_t a = v & ~15u;
            if ((cmd & PCI_COMMAND_MEMORY) && a && (uint64_t)a + b->size < (1ull << 32))
                addr = a;
        }
        if (addr != b->addr) {
            uint32_t old = b->addr;
            b->addr = addr;
            if (f->bar_map)
                f->bar_map(f->opaque, n, old, addr);
        }
    }
}

uint32_t pci_config_read(struct pci_func *f, unsigned reg, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size && reg + i < 256; i++)
        v |= (uint32_t)f->config[reg + i] << (8 * i);
    if (f->config_read)
        v = f->config_read(f->opaque, reg, v, size);
    return v;
}

void pci_config_write(struct pci_func *f, unsigned reg, uint32_t val, int size)
{
    int touches_bars = 0;
    for (int i = 0; i < size && reg + i < 256; i++) {
        unsigned r = reg + i;
        uint8_t b = (uint8_t)(val >> (8 * i));
        uint8_t wm = f->wmask[r], cm = f->w1cmask[r];
        f->config[r] = (uint8_t)((f->config[r] & ~wm) | (b & wm));
        f->config[r] &= (uint8_t)~(b & cm);
        if ((r >= PCI_BASE_ADDRESS_0 && r < PCI_BASE_ADDRESS_0 + 4 * PCI_NUM_BARS) ||
            r == PCI_COMMAND)
            touches_bars = 1;
    }
    if (touches_bars)
        update_bars(f);
    if (f->config_write)
        f->config_write(f->opaque, reg, val, size);
}

/* CONFIG_ADDRESS: bit 31 enable, 23:16 bus, 15:11 device, 10:8 function,
 * 7:2 register. Only bus 0 exists; anything else reads as absent. */
static struct pci_func *addressed(struct pci_bus *bus)
{
    uint32_t a = bus->config_address;
    if (!(a & 0x80000000u) || ((a >> 16) & 0xff))
        return NULL;
    return bus->func[(a >> 8) & 0xff];
}

static uint32_t addr_read(void *opaque, uint16_t port, int size)
{
    struct pci_bus *bus = opaque;
    (void)port;
    return size == 4 ? bus->config_address : 0xffffffffu >> (32 - 8 * size);
}

static void addr_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct pci_bus *bus = opaque;
    (void)port;
    if (size == 4)                 /* narrower accesses are not config cycles */
        bus->config_address = val & 0x80fffffcu;
}

static uint32_t data_read(void *opaque, uint16_t port, int size)
{
    struct pci_bus *bus = opaque;
    struct pci_func *f = addressed(bus);
    if (!f)
        return 0xffffffffu >> (32 - 8 * size);
    unsigned reg = (bus->config_address & 0xfc) | (port & 3);
    return pci_config_read(f, reg, size);
}

static void data_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct pci_bus *bus = opaque;
    struct pci_func *f = addressed(bus);
    if (f)
        pci_config_write(f, (bus->config_address & 0xfc) | (port & 3), val, size);
}

int pci_bus_init(struct pci_bus *bus, struct iobus *io)
{
    memset(bus, 0, sizeof *bus);
    if (io_register(io, PCI_CONFIG_ADDRESS, 1, IO_W8 | IO_W16 | IO_W32, addr_read, addr_write, bus, "pci-addr") < 0)
        return -1;
    return io_register(io, PCI_CONFIG_DATA, 4, IO_W8 | IO_W16 | IO_W32, data_read, data_write, bus, "pci-data");
}

void pci_bus_set_pirq_handler(struct pci_bus *bus, pci_pirq_fn fn, void *opaque)
{
    bus->set_pirq = fn;
    bus->pirq_opaque = opaque;
}

void pci_bus_reset(struct pci_bus *bus)
{
    bus->config_address = 0;
    for (int i = 0; i < 256; i++) {
        struct pci_func *f = bus->func[i];
        if (!f)
            continue;
        pci_set_word(f->config, PCI_COMMAND, 0);
        update_bars(f);
    }
}

void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint32_t class_code,
                   uint8_t revision, const char *name, void *opaque)
{
    memset(f, 0, sizeof *f);
    pci_set_word(f->config, PCI_VENDOR_ID, vendor);
    pci_set_word(f->config, PCI_DEVICE_ID, device);
    f->config[PCI_REVISION_ID] = revision;
    f->config[PCI_CLASS_PROG] = (uint8_t)class_code;
    pci_set_word(f->config, PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
    pci_set_word(f->config, PCI_SUBSYSTEM_VENDOR_ID, PCI_DEFAULT_SUBSYSTEM_VENDOR);
    pci_set_word(f->config, PCI_SUBSYSTEM_ID, PCI_DEFAULT_SUBSYSTEM);
    pci_set_word(f->wmask, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | 0x0400);
    pci_set_word(f->w1cmask, PCI_STATUS, 0xf900);
    f->wmask[PCI_INTERRUPT_LINE] = 0xff;
    f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    f->wmask[PCI_LATENCY_TIMER] = 0xff;
    for (int n = 0; n < PCI_NUM_BARS; n++)
        f->bar[n].addr = PCI_BAR_UNMAPPED;
    f->name = name;
    f->opaque = opaque;
    f->devfn = -1;
}

int pci_register(struct pci_bus *bus, struct pci_func *f, int devfn)
{
    if (devfn < 0 || devfn > 255 || bus->func[devfn])
        return -1;
    bus->func[devfn] = f;
    f->bus = bus;
    f->devfn = devfn;
    return 0;
}

void pci_func_set_bar(struct pci_func *f, int n, uint32_t size, int type, pci_bar_map_fn map)
{
    struct pci_bar *b = &f->bar[n];
    b->size = size;
    b->type = (uint8_t)type;
    b->addr = PCI_BAR_UNMAPPED;
    f->bar_map = map;
    uint32_t low = type == PCI_BAR_IO ? 3u : 15u;
    pci_set_long(f->wmask, PCI_BASE_ADDRESS_0 + 4 * n, ~(size - 1) & ~low);
    pci_set_long(f->config, PCI_BASE_ADDRESS_0 + 4 * n, type == PCI_BAR_IO ? 1u : 0u);
}

void pci_func_set_pin(struct pci_func *f, int pin)
{
    f->config[PCI_INTERRUPT_PIN] = (uint8_t)pin;
}

int pci_func_pirq(const struct pci_func *f)
{
    int pin = f->config[PCI_INTERRUPT_PIN];
    if (pin < 1 || pin > 4 || f->devfn < 0)
        return -1;
    return ((f->devfn >> 3) + pin - 1) & 3;
}

void pci_set_irq(struct pci_func *f, int level)
{
    level = !!level;
    if (level == f->irq_level)
        return;
    f->irq_level = level;
    int p = pci_func_pirq(f);
    if (p < 0 || !f->bus)
        return;
    struct pci_bus *bus = f->bus;
    int before = bus->pirq_count[p] > 0;
    bus->pirq_count[p] += level ? 1 : -1;
    int after = bus->pirq_count[p] > 0;
    if (before != after && bus->set_pirq)
        bus->set_pirq(bus->pirq_opaque, p, after);
}
