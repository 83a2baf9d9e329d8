/* The PC: one struct owns the CPU, the buses, the devices, the clock and
 * the host ends, so several machines can live in one process (tests) and
 * nothing is global. Devices tell the machine what they want (exit, reset)
 * through callbacks that set a request and end the CPU's slice; the loop
 * acts on requests between slices. */
#ifndef RELIC_MACHINE_H
#define RELIC_MACHINE_H
#include <signal.h>
#include <stddef.h>
#include "options.h"
#include "timer.h"
#include "chardev.h"
#include "../cpu/cpu.h"
#include "../devices/debugcon.h"
#include "../devices/debugexit.h"
#include "../devices/port92.h"
#include "../devices/uart.h"
#include "../devices/vga.h"
#include "../devices/vga_render.h"
#include "../devices/i8042.h"
#include "../devices/disk.h"
#include "../devices/ide.h"
#include "../devices/pic.h"
#include "../devices/pit.h"
#include "../devices/rtc.h"
#include "../devices/pci.h"
#include "../devices/i440fx.h"
#include "../devices/piix.h"
#include "../devices/fw_cfg.h"
#include "../devices/dma.h"
#include "../devices/fdc.h"

struct tracer;
struct ui;
struct monitor;

#define BIOS_MAX_SIZE (16u << 20)
#define BIOS_LOW_WINDOW (128u << 10)    /* the part also seen just below 1 MiB */
#define DEFAULT_BIOS "/usr/share/seabios/bios.bin"   /* Debian's SeaBIOS, installed by scripts/setup.sh */

/* Exit statuses of machine_run besides the guest's own (isa-debug-exit). */
enum { MACHINE_EXIT_OK = 0, MACHINE_EXIT_HALTED = 2 };

struct machine {
    struct options opts;
    struct physmem pm;
    struct iobus io;
    struct cpu cpu;
    struct vclock clock;
    uint8_t *bios;
    uint32_t bios_size;

    struct debugcon debugcon;
    struct port92 port92;
    struct debugexit debugexit[OPT_MAX_DEBUGEXIT];
    struct uart uart[OPT_MAX_SERIAL];
    struct chardev chr[OPT_MAX_SERIAL];
    int has_uart[OPT_MAX_SERIAL];
    struct vga vga;
    int has_vga;
    struct i8042 kbc;
    struct ide_channel ide[2];
    struct ide_bm ide_bm;
    int ide_ok[2];
    struct disk disk[4];            /* by IDE position: channel * 2 + unit */
    int disk_ok[4];

    /* the chipset (chipset.c) */
    struct pic pic;
    struct irq_line irq[16];        /* ISA IRQ lines into the PICs */
    struct pit pit;
    struct rtc rtc;
    struct pci_bus pci;
    struct i440fx i440fx;
    struct piix3 piix3;
    struct piix_pm piix_pm;
    struct pci_func ide_func, vga_func;
    uint16_t ide_bm_base;
    struct fw_cfg fw_cfg;
    struct dma dma;
    struct fdc fdc;
    struct disk floppy[2];
    int floppy_ok[2];
    int chipset_ok;
    const char *const *extra_dirs;  /* where firmware files are looked up after -L */
    int poweroff_requested;

    struct tracer *trace;
    struct ui *ui;
    /* what the window shows (pc.c present_screen): the frame on screen and
     * the next one, and when the next may go (host monotonic ms) */
    struct { struct vga_frame frame[2]; int shown; uint64_t next_ms; } screen;
    struct monitor *monitor;        /* -monitor, or NULL */
    int paused;                     /* the monitor's stop: the CPU and time stand still */

    /* requests, set by device callbacks and acted on between slices */
    int exit_requested, exit_status;
    int reset_requested;
    /* set asynchronously by main's signal handler (its number), or NULL */
    volatile sig_atomic_t *stop_signal;

    int phys_ok, io_ok, cpu_ok;     /* what machine_free must undo */
};

/* Builds the PC the options describe and resets it. The firmware is looked
 * up as QEMU does: the name as given, else in each -L directory, else in
 * extra_dirs (NULL-terminated, may be NULL). Returns NULL with a one-line
 * message in err. */
struct machine *machine_create(const struct options *opts, const char *const *extra_dirs,
                               char *err, size_t errlen);
/* Runs until the guest or the user ends it; returns the exit status. */
int machine_run(struct machine *m);
/* RESET: CPU, devices and A20; memory is kept. */
void machine_reset(struct machine *m);
void machine_free(struct machine *m);
/* Which engine runs the CPU: "translator" or "interpreter". */
const char *machine_engine(const struct machine *m);
/* The monitor's stop (1) and cont (0). */
void machine_pause(struct machine *m, int paused);

/* chipset.c: the PC chipset; init after the RAM, the BIOS image and the VGA. */
int chipset_init(struct machine *m, void (*request_reset)(void *opaque), char *err, size_t errlen);
void chipset_reset(struct machine *m);
void chipset_free(struct machine *m);
/* linuxload.c: -kernel/-initrd/-append into fw_cfg with the loader ROM. */
int linux_load(struct machine *m, const uint8_t *rom, size_t rom_len, char *err, size_t errlen);
#endif
