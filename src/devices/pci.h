/* PCI bus 0 with configuration mechanism #1 (PCI Local Bus Specification
 * 3.0, 3.2.2.3.2): CONFIG_ADDRESS at 0xcf8 (32-bit accesses only), and
 * CONFIG_DATA at 0xcfc-0xcff (any width, the low address bits pick the
 * bytes). A function is a 256-byte configuration space with a mask of the
 * bits the guest may write; BARs are sized the standard way (write all ones,
 * read back the size mask) and reported to their device when their decoded
 * address changes. Interrupt pins are swizzled onto the four PIRQ lines as
 * on the PIIX: PIRQ = (slot + pin - 1) mod 4, pin 1..4 = INTA#..INTD#. */
#ifndef RELIC_PCI_H
#define RELIC_PCI_H
#include <stdint.h>
#include "../mmu/io.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc

/* Configuration header registers (type 0). */
enum {
    PCI_VENDOR_ID = 0x00, PCI_DEVICE_ID = 0x02, PCI_COMMAND = 0x04, PCI_STATUS = 0x06,
    PCI_REVISION_ID = 0x08, PCI_CLASS_PROG = 0x09, PCI_CLASS_DEVICE = 0x0a,
    PCI_CACHE_LINE_SIZE = 0x0c, PCI_LATENCY_TIMER = 0x0d, PCI_HEADER_TYPE = 0x0e,
    PCI_BASE_ADDRESS_0 = 0x10, PCI_SUBSYSTEM_VENDOR_ID = 0x2c, PCI_SUBSYSTEM_ID = 0x2e,
    PCI_ROM_ADDRESS = 0x30, PCI_INTERRUPT_LINE = 0x3c, PCI_INTERRUPT_PIN = 0x3d,
};
enum { PCI_COMMAND_IO = 1, PCI_COMMAND_MEMORY = 2, PCI_COMMAND_MASTER = 4 };
enum { PCI_HEADER_MULTI_FUNCTION = 0x80 };
enum { PCI_BAR_IO = 1, PCI_BAR_MEM = 0 };   /* bit 0 of a BAR */

#define PCI_NUM_BARS 6
#define PCI_BAR_UNMAPPED 0xffffffffu

struct pci_func;

/* A BAR's decoded address changed: old or new is PCI_BAR_UNMAPPED when the
 * BAR was or is now not decoded (its enable bit in COMMAND clear, or the
 * BAR unassigned). The device moves its ports or MMIO region. */
typedef void (*pci_bar_map_fn)(void *opaque, int bar, uint32_t old_addr, uint32_t new_addr);
/* Device hooks around the generic config access; NULL when not needed.
 * config_write runs after the generic write landed in config[] (masked by
 * wmask); reg is the byte offset, size 1, 2 or 4, val the value written.
 * config_read may override what is read (for registers with side effects
 * or computed values): it gets the generic value and returns the result. */
typedef void (*pci_config_write_fn)(void *opaque, unsigned reg, uint32_t val, int size);
typedef uint32_t (*pci_config_read_fn)(void *opaque, unsigned reg, uint32_t val, int size);

struct pci_bar {
    uint32_t size;                 /* power of two; 0 = no BAR */
    uint8_t type;                  /* PCI_BAR_IO or PCI_BAR_MEM */
    uint32_t addr;                 /* decoded address, or PCI_BAR_UNMAPPED */
};

struct pci_func {
    uint8_t config[256];
    uint8_t wmask[256];            /* 1 = the guest may write the bit */
    uint8_t w1cmask[256];          /* 1 = writing 1 clears the bit (status) */
    struct pci_bar bar[PCI_NUM_BARS];
    pci_bar_map_fn bar_map;
    pci_config_write_fn config_write;
    pci_config_read_fn config_read;
    void *opaque;
    const char *name;
    struct pci_bus *bus;
    int devfn;                     /* slot << 3 | function */
    int irq_level;                 /* what the function drives on its pin */
};

/* The board's end of the four PIRQ lines (the PIIX routes them to ISA IRQs). */
typedef void (*pci_pirq_fn)(void *opaque, int pirq, int level);

struct pci_bus {
    uint32_t config_address;       /* CONFIG_ADDRESS as last written */
    struct pci_func *func[256];    /* bus 0, by devfn */
    int pirq_count[4];             /* functions asserting each PIRQ */
    pci_pirq_fn set_pirq;
    void *pirq_opaque;
};

/* Claims 0xcf8 and 0xcfc-0xcff. Returns 0, or -1 if a port is taken. */
int pci_bus_init(struct pci_bus *bus, struct iobus *io);
void pci_bus_set_pirq_handler(struct pci_bus *bus, pci_pirq_fn fn, void *opaque);
/* Machine reset: CONFIG_ADDRESS clears, every function's BARs unmap. The
 * devices reset their own config contents (pci_func_init's defaults). */
void pci_bus_reset(struct pci_bus *bus);

/* Subsystem IDs every function carries, as on QEMU's PC: SeaBIOS takes a
 * host bridge with 1af4:1100 for QEMU's and only then reads fw_cfg. */
#define PCI_DEFAULT_SUBSYSTEM_VENDOR 0x1af4
#define PCI_DEFAULT_SUBSYSTEM 0x1100

/* Prepares f with its IDs, class (class << 8 | prog-if: 24 bits), the
 * default subsystem IDs and the writable bits every function has (COMMAND
 * I/O, memory, master; cache line, latency, INTERRUPT_LINE); the device
 * then fills in what is special to it. */
void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint32_t class_code,
                   uint8_t revision, const char *name, void *opaque);
/* Places f at devfn on bus 0. Returns 0, or -1 if taken. */
int pci_register(struct pci_bus *bus, struct pci_func *f, int devfn);
/* Declares BAR n: size (a power of two, at least 4 for I/O, 16 for memory)
 * and type; the guest sizes it by writing all ones. */
void pci_func_set_bar(struct pci_func *f, int n, uint32_t size, int type, pci_bar_map_fn map);
/* Sets the function's interrupt pin (1..4 = INTA#..INTD#, 0 = none). */
void pci_func_set_pin(struct pci_func *f, int pin);
/* Drives the function's interrupt pin (level-triggered, active high here). */
void pci_set_irq(struct pci_func *f, int level);
/* The PIRQ line (0..3) a function's pin reaches, or -1 without a pin. */
int pci_func_pirq(const struct pci_func *f);

/* Config space accessors as the guest sees them (also for board code and
 * tests): reg need not be aligned to size but must not cross 256. */
uint32_t pci_config_read(struct pci_func *f, unsigned reg, int size);
void pci_config_write(struct pci_func *f, unsigned reg, uint32_t val, int size);

/* Little-endian helpers on config[]. */
static inline void pci_set_word(uint8_t *c, unsigned reg, uint16_t v)
{
    c[reg] = (uint8_t)v;
    c[reg + 1] = (uint8_t)(v >> 8);
}
static inline void pci_set_long(uint8_t *c, unsigned reg, uint32_t v)
{
    pci_set_word(c, reg, (uint16_t)v);
    pci_set_word(c, reg + 2, (uint16_t)(v >> 16));
}
static inline uint16_t pci_get_word(const uint8_t *c, unsigned reg)
{
    return (uint16_t)(c[reg] | c[reg + 1] << 8);
}
static inline uint32_t pci_get_long(const uint8_t *c, unsigned reg)
{
    return pci_get_word(c, reg) | (uint32_t)pci_get_word(c, reg + 2) << 16;
}
#endif
