/* The PC board: memory map, firmware, devices, and the main loop. */
#include "machine.h"
#include "errmsg.h"
#include "trace.h"
#include "monitor.h"
#include "../jit/jit.h"
#include "../ui/ui.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

/* Instructions per CPU slice: between slices the loop runs timers and reads
 * input, so this bounds their latency (about a millisecond at interpreter
 * speed) while keeping the per-slice cost negligible. */
#define SLICE_INSNS 100000
/* Longest sleep in HLT: a signal that lands just before the sleep starts
 * is seen this late at worst. */
#define MAX_WAIT_NS 100000000ull

static const struct com_port {
    uint16_t base;
    uint8_t irq;                    /* for the PIC, when it comes */
    const char *name;
} com_ports[OPT_MAX_SERIAL] = {
    { UART_COM1_BASE, 4, "COM1" }, { UART_COM2_BASE, 3, "COM2" },
    { UART_COM3_BASE, 4, "COM3" }, { UART_COM4_BASE, 3, "COM4" },
};


/* ---- requests from devices: noted here, acted on between slices ---- */

/* Makes cpu_run return after the current instruction: no budget left, and
 * no more of the current decoded block either. */
static void end_slice(struct machine *m)
{
    m->cpu.budget = 0;
    m->cpu.stop_block = 1;
}

static void request_exit(void *opaque, int status)
{
    struct machine *m = opaque;
    if (!m->exit_requested) {
        m->exit_requested = 1;
        m->exit_status = status;
    }
    end_slice(m);
}

static void request_reset(void *opaque)
{
    struct machine *m = opaque;
    m->reset_requested = 1;
    end_slice(m);
}

static void uart_irq(void *opaque, int level)
{
    irq_set(opaque, level);         /* opaque: the machine's ISA IRQ line */
}

static uint64_t machine_clock_ns(void *opaque)
{
    return vclock_now(opaque);
}

/* ---- firmware ---- */

/* QEMU's lookup: the name as given, else each data directory in turn. */
static int find_file(const struct machine *m, const char *const *extra, const char *name,
                     char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", name);
    if (access(name, R_OK) == 0)
        return 0;
    if (strchr(name, '/'))
        return -1;
    for (int i = 0; i < m->opts.ndatadirs; i++) {
        snprintf(out, outlen, "%s/%s", m->opts.datadir[i], name);
        if (access(out, R_OK) == 0)
            return 0;
    }
    for (int i = 0; extra && extra[i]; i++) {
        snprintf(out, outlen, "%s/%s", extra[i], name);
        if (access(out, R_OK) == 0)
            return 0;
    }
    snprintf(out, outlen, "%s", name);
    return -1;
}

static int read_bios(struct machine *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f)
        return fail(err, errlen, "cannot open BIOS '%s': %s", path, strerror(errno));
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return fail(err, errlen, "BIOS '%s' is not a regular file", path);
    }
    if (st.st_size == 0 || st.st_size % 4096 || st.st_size > BIOS_MAX_SIZE) {
        fclose(f);
        return fail(err, errlen, "BIOS '%s' is %lld bytes: it must be a multiple of 4 KiB, "
                    "at most 16 MiB", path, (long long)st.st_size);
    }
    m->bios_size = (uint32_t)st.st_size;
    m->bios = malloc(m->bios_size);
    size_t got = m->bios ? fread(m->bios, 1, m->bios_size, f) : 0;
    fclose(f);
    if (got != m->bios_size)
        return fail(err, errlen, "cannot read BIOS '%s'", path);
    return 0;
}

/* The image ends at 4 GiB, where the CPU starts. Its last 128 KiB also
 * appear just below 1 MiB: the i440FX (chipset.c) maps them there, under
 * the control of its PAM registers, as the PC's chipset does. */
static int map_bios(struct machine *m, char *err, size_t errlen)
{
    if (phys_add_ram_alias(&m->pm, (uint32_t)(0u - m->bios_size), m->bios_size, m->bios, 1, "bios") < 0)
        return fail(err, errlen, "cannot map the BIOS");
    return 0;
}

static int load_firmware(struct machine *m, const char *const *extra, char *err, size_t errlen)
{
    char path[4096];
    const char *name = m->opts.bios ? m->opts.bios : DEFAULT_BIOS;
    if (find_file(m, extra, name, path, sizeof path) < 0 && !m->opts.bios)
        return fail(err, errlen, "cannot find the default firmware '%s' (give -bios FILE or -L DIR)", name);
    /* Not found anywhere: opening the name as given reports why. */
    if (read_bios(m, path, err, errlen) < 0)
        return -1;
    return map_bios(m, err, errlen);
}

/* ---- devices: one init and one reset per kind, run from tables ---- */

/* Turns a refused port claim into the start-up error it is. */
static int claimed(struct machine *m, int rc, uint16_t base, unsigned count, const char *what,
                   char *err, size_t errlen)
{
    if (rc == 0)
        return 0;
    for (unsigned i = 0; i < count; i++) {
        const char *owner = io_owner(&m->io, (uint16_t)(base + i));
        if (owner)
            return fail(err, errlen, "I/O port 0x%x of %s is already taken by %s",
                        base + i, what, owner);
    }
    return fail(err, errlen, "cannot register the ports of %s", what);
}

static int init_debugcon(struct machine *m, char *err, size_t errlen)
{
    int rc = debugcon_init(&m->debugcon, &m->io, DEBUGCON_PORT, stderr);
    return claimed(m, rc, DEBUGCON_PORT, 1, "debugcon", err, errlen);
}

static int init_port92(struct machine *m, char *err, size_t errlen)
{
    int rc = port92_init(&m->port92, &m->io, &m->pm, request_reset, m);
    return claimed(m, rc, PORT92_PORT, 1, "port92", err, errlen);
}

static int init_serial(struct machine *m, char *err, size_t errlen)
{
    for (int i = 0; i < m->opts.nserial; i++) {
        const struct com_port *p = &com_ports[i];
        if (m->opts.serial[i].kind == SERIAL_NONE)
            continue;
        if (chardev_open(&m->chr[i], &m->opts.serial[i], err, errlen) < 0)
            return -1;
        m->has_uart[i] = 1;
        int rc = uart_init(&m->uart[i], &m->io, p->base, p->name, &m->clock);
        if (claimed(m, rc, p->base, 8, p->name, err, errlen) < 0)
            return -1;
        uart_set_backend(&m->uart[i], chardev_write, &m->chr[i]);
        uart_set_irq_handler(&m->uart[i], uart_irq, &m->irq[p->irq]);
    }
    return 0;
}

/* Last, so a -device that collides with a built-in port is the one blamed. */
static int init_debugexit(struct machine *m, char *err, size_t errlen)
{
    for (int i = 0; i < m->opts.ndebugexit; i++) {
        const struct debugexit_opt *o = &m->opts.debugexit[i];
        int rc = debugexit_init(&m->debugexit[i], &m->io, o->iobase, o->iosize, request_exit, m);
        if (claimed(m, rc, o->iobase, o->iosize, "isa-debug-exit", err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int init_vga(struct machine *m, char *err, size_t errlen)
{
    if (vga_init(&m->vga, &m->io, &m->pm, &m->clock) < 0)
        return fail(err, errlen, "cannot set up the VGA (ports taken or out of memory)");
    m->has_vga = 1;
    return 0;
}

static void kbc_a20(void *opaque, int on)
{
    struct machine *m = opaque;
    phys_set_a20(&m->pm, on);
}

static int init_kbc(struct machine *m, char *err, size_t errlen)
{
    int rc = i8042_init(&m->kbc, &m->io, &m->clock, &m->irq[1], &m->irq[12], kbc_a20,
                        request_reset, m);
    return claimed(m, rc, 0x60, 1, "i8042", err, errlen);
}

/* -hda..-hdd and -cdrom: QEMU's positions (the CD is the secondary master). */
static int attach_drive(struct machine *m, int pos, const char *path, enum disk_media media,
                        char *err, size_t errlen)
{
    char why[512];
    int snapshot = media == DISK_MEDIA_HD && m->opts.snapshot;
    if (disk_open(&m->disk[pos], path, media, snapshot, why, sizeof why) < 0)
        return fail(err, errlen, "%s", why);
    m->disk_ok[pos] = 1;
    enum ide_kind kind = media == DISK_MEDIA_CDROM ? IDE_ATAPI : IDE_ATA;
    if (ide_attach(&m->ide[pos / 2], pos % 2, kind, &m->disk[pos], why, sizeof why) < 0)
        return fail(err, errlen, "%s", why);
    return 0;
}

static int init_ide(struct machine *m, char *err, size_t errlen)
{
    static const struct { uint16_t base, ctl; int irq; const char *name; } chan[2] = {
        { IDE_PRIMARY_BASE, IDE_PRIMARY_CTL, IDE_PRIMARY_IRQ, "ide0" },
        { IDE_SECONDARY_BASE, IDE_SECONDARY_CTL, IDE_SECONDARY_IRQ, "ide1" },
    };
    if (m->opts.cdrom && m->opts.hd[2])
        return fail(err, errlen, "-cdrom and -hdc both want the secondary master");
    for (int c = 0; c < 2; c++) {
        if (ide_init(&m->ide[c], &m->io, chan[c].base, chan[c].ctl, m->irq[chan[c].irq], chan[c].name) < 0)
            return claimed(m, -1, chan[c].base, 8, chan[c].name, err, errlen);
        m->ide_ok[c] = 1;
    }
    ide_bm_init(&m->ide_bm, &m->pm, &m->ide[0], &m->ide[1]);
    for (int pos = 0; pos < 4; pos++)
        if (m->opts.hd[pos] && attach_drive(m, pos, m->opts.hd[pos], DISK_MEDIA_HD, err, errlen) < 0)
            return -1;
    if (m->opts.cdrom && attach_drive(m, 2, m->opts.cdrom, DISK_MEDIA_CDROM, err, errlen) < 0)
        return -1;
    return 0;
}

static void reset_ide(struct machine *m)
{
    ide_reset(&m->ide[0]);
    ide_reset(&m->ide[1]);
    ide_bm_reset(&m->ide_bm);
}

static void reset_nothing(struct machine *m) { (void)m; }

/* -kernel: the bzImage goes to SeaBIOS through fw_cfg with relic's loader ROM. */
static int init_linux(struct machine *m, char *err, size_t errlen)
{
    if (!m->opts.kernel && !m->opts.initrd && !m->opts.append)
        return 0;
    char path[4096];
    if (find_file(m, m->extra_dirs, "linuxboot.bin", path, sizeof path) < 0)
        return fail(err, errlen, "cannot find relic's Linux loader ROM 'linuxboot.bin' (give -L DIR)");
    FILE *f = fopen(path, "rb");
    static uint8_t rom[64 << 10];
    size_t n = f ? fread(rom, 1, sizeof rom, f) : 0;
    if (f) fclose(f);
    if (!n)
        return fail(err, errlen, "cannot read the Linux loader ROM '%s'", path);
    return linux_load(m, rom, n, err, errlen);
}

static void reset_vga(struct machine *m) { vga_reset(&m->vga); }

static int init_chipset(struct machine *m, char *err, size_t errlen)
{
    return chipset_init(m, request_reset, err, errlen);
}
static void reset_kbc(struct machine *m) { i8042_reset(&m->kbc); }

static void reset_debugcon(struct machine *m) { debugcon_reset(&m->debugcon); }
static void reset_port92(struct machine *m) { port92_reset(&m->port92); }

static void reset_serial(struct machine *m)
{
    for (int i = 0; i < OPT_MAX_SERIAL; i++)
        if (m->has_uart[i])
            uart_reset(&m->uart[i]);
}

static void reset_debugexit(struct machine *m)
{
    for (int i = 0; i < m->opts.ndebugexit; i++)
        debugexit_reset(&m->debugexit[i]);
}

static const struct device_kind {
    int (*init)(struct machine *m, char *err, size_t errlen);
    void (*reset)(struct machine *m);
} device_kinds[] = {
    { init_debugcon, reset_debugcon },
    { init_port92, reset_port92 },
    { init_vga, reset_vga },
    { init_chipset, chipset_reset },
    { init_serial, reset_serial },
    { init_kbc, reset_kbc },
    { init_ide, reset_ide },
    { init_linux, reset_nothing },
    { init_debugexit, reset_debugexit },
};
#define N_DEVICE_KINDS (sizeof device_kinds / sizeof device_kinds[0])

/* ---- lifetime ---- */

/* With overcommit the allocation below succeeds whatever its size and the
 * guest is killed later, touching memory the host does not have: refuse a
 * guest RAM larger than the host's memory and swap together up front. */
static int check_host_memory(uint64_t ram, char *err, size_t errlen)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0)
        return 0;
    uint64_t host = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
    if (ram <= host)
        return 0;
    return fail(err, errlen, "-m %llu MiB is more than this host has (%llu MiB of memory and swap)",
                (unsigned long long)(ram >> 20), (unsigned long long)(host >> 20));
}

/* A window with -display sdl, or by default when the host has a display
 * (as QEMU picks one); a default that cannot open falls back to none. */
static int open_ui(struct machine *m, char *err, size_t errlen)
{
    const struct options *o = &m->opts;
    int host_display = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
    if (o->display == DISPLAY_SDL || (o->display_auto && host_display)) {
        char why[256], title[64];
        snprintf(title, sizeof title, "relic (%s)", machine_engine(m));
        m->ui = ui_sdl_create(o->full_screen, title, why, sizeof why);
        if (m->ui)
            return 0;
        if (o->display == DISPLAY_SDL)
            return fail(err, errlen, "%s (-display none runs without a window)", why);
        fprintf(stderr, "relic: %s; running without a display\n", why);
    }
    m->ui = ui_headless_create();
    return m->ui ? 0 : fail(err, errlen, "out of memory");
}

/* The translator where asked for; by default where the host has one,
 * the interpreter silently taking over where it cannot start. */
static int attach_engine(struct machine *m, char *err, size_t errlen)
{
    if (m->opts.accel != ACCEL_JIT)
        return 0;
    if (m->opts.accel_auto && !jit_available())
        return 0;
    char why[256];
    if (jit_attach(&m->cpu, why, sizeof why) == 0 || m->opts.accel_auto)
        return 0;
    return fail(err, errlen, "%s", why);
}

const char *machine_engine(const struct machine *m)
{
    return jit_get_stats(&m->cpu) ? "translator" : "interpreter";
}

static int build(struct machine *m, const char *const *extra, char *err, size_t errlen)
{
    m->extra_dirs = extra;
    vclock_init(&m->clock, VCLOCK_HOST);
    if (check_host_memory(m->opts.ram_size, err, errlen) < 0)
        return -1;
    if (phys_init(&m->pm, (uint32_t)m->opts.ram_size) < 0)
        return fail(err, errlen, "cannot allocate %llu MiB of guest RAM (the host refused it)",
                    (unsigned long long)(m->opts.ram_size >> 20));
    m->phys_ok = 1;
    if (io_init(&m->io) < 0)
        return fail(err, errlen, "out of memory");
    m->io_ok = 1;
    if (load_firmware(m, extra, err, errlen) < 0)
        return -1;
    if (cpu_init(&m->cpu, &m->pm, &m->io) < 0)
        return fail(err, errlen, "cannot initialise the CPU");
    m->cpu_ok = 1;
    if (attach_engine(m, err, errlen) < 0)
        return -1;
    m->cpu.clock_ns = machine_clock_ns;     /* the TSC follows virtual time */
    m->cpu.clock_opaque = &m->clock;
    for (size_t i = 0; i < N_DEVICE_KINDS; i++)
        if (device_kinds[i].init(m, err, errlen) < 0)
            return -1;
    if (m->opts.log_mask) {
        m->trace = trace_create(m->opts.log_mask, m->opts.log_file, err, errlen);
        if (!m->trace)
            return -1;
        trace_attach(m->trace, &m->cpu, &m->io);
        if (m->opts.log_mask & LOG_POST)
            dma_set_post_hook(&m->dma, trace_post_code, m->trace);
    }
    if (open_ui(m, err, errlen) < 0)
        return -1;
    return monitor_open(m, err, errlen);
}

struct machine *machine_create(const struct options *opts, const char *const *extra_dirs,
                               char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        fail(err, errlen, "out of memory");
        return NULL;
    }
    m->opts = *opts;
    if (build(m, extra_dirs, err, errlen) < 0) {
        machine_free(m);
        return NULL;
    }
    machine_reset(m);
    return m;
}

void machine_reset(struct machine *m)
{
    phys_set_a20(&m->pm, 1);        /* the gate opens on reset, as on QEMU's PC */
    for (size_t i = 0; i < N_DEVICE_KINDS; i++)
        device_kinds[i].reset(m);
    cpu_reset(&m->cpu);
}

void machine_free(struct machine *m)
{
    if (!m)
        return;
    monitor_free(m->monitor);
    trace_free(m->trace);
    ui_free(m->ui);
    vga_frame_free(&m->screen.frame[0]);
    vga_frame_free(&m->screen.frame[1]);
    chipset_free(m);
    if (m->has_vga)
        vga_free(&m->vga);
    for (int c = 0; c < 2; c++)
        if (m->ide_ok[c])
            ide_free(&m->ide[c]);
    for (int d = 0; d < 4; d++)
        if (m->disk_ok[d])
            disk_close(&m->disk[d]);
    for (int i = 0; i < OPT_MAX_SERIAL; i++)
        if (m->has_uart[i])
            chardev_close(&m->chr[i]);
    if (m->cpu_ok) {
        jit_detach(&m->cpu);
        cpu_free(&m->cpu);
    }
    if (m->io_ok)
        io_free(&m->io);
    if (m->phys_ok)
        phys_free(&m->pm);
    free(m->bios);
    free(m);
}

/* ---- the loop ---- */

static void take_byte(void *opaque, uint8_t byte)
{
    uart_receive(opaque, byte);
}

static void feed_serial_input(struct machine *m)
{
    for (int i = 0; i < OPT_MAX_SERIAL; i++) {
        if (!m->has_uart[i] || !chardev_poll(&m->chr[i]))
            continue;
        int room = uart_can_receive(&m->uart[i]);
        if (room > 0)
            chardev_drain(&m->chr[i], (size_t)room, take_byte, &m->uart[i]);
    }
}

/* Closing the window ends relic (status 0), as in QEMU. While paused the
 * guest takes no new input, but releases still go through so that no key
 * stays held. */
static void poll_ui(struct machine *m)
{
    struct ui_event ev;
    while (ui_poll(m->ui, &ev)) {
        if (ev.type == UI_EV_QUIT)
            request_exit(m, MACHINE_EXIT_OK);
        else if (ev.type == UI_EV_KEY && (ev.down == 0 || !m->paused))
            i8042_key_set1(&m->kbc, ev.scancode, ev.down);
        else if (ev.type == UI_EV_MOUSE && !m->paused)
            i8042_mouse_motion(&m->kbc, ev.dx, ev.dy, ev.dz, ev.buttons);
    }
}

static uint64_t host_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int same_frame(const struct vga_frame *a, const struct vga_frame *b)
{
    return a->width == b->width && a->height == b->height &&
           !memcmp(a->pixels, b->pixels, (size_t)a->width * (size_t)a->height * sizeof a->pixels[0]);
}

/* Hands the VGA's picture to a backend that shows frames, at most every
 * ui->frame_ms of host time and only when it changed: a still text screen
 * costs one render and one memcmp a frame. VGA modes fill a 4:3 monitor
 * whatever their pixel count; VBE modes have square pixels. */
static void present_screen(struct machine *m)
{
    if (!m->ui->frame_ms || !m->has_vga)
        return;
    uint64_t now = host_ms();
    if (now < m->screen.next_ms)
        return;
    m->screen.next_ms = now + (uint64_t)m->ui->frame_ms;
    struct vga_frame *next = &m->screen.frame[!m->screen.shown];
    if (vga_render(&m->vga, next) < 0 || next->width <= 0 ||
        same_frame(next, &m->screen.frame[m->screen.shown]))
        return;
    m->screen.shown = !m->screen.shown;
    int vbe = next->mode == VGA_RENDER_VBE;
    ui_present(m->ui, &(struct ui_frame){
        .width = next->width, .height = next->height, .stride = next->width,
        .pixels = next->pixels, .dirty_y0 = 0, .dirty_y1 = next->height,
        .aspect_w = vbe ? next->width : 4, .aspect_h = vbe ? next->height : 3 });
}

/* The longest the loop may sleep: a window needs its events read and its
 * frames drawn while the guest idles. */
static uint64_t max_wait_ns(const struct machine *m)
{
    uint64_t ui = (uint64_t)m->ui->frame_ms * 1000000u;
    return ui && ui < MAX_WAIT_NS ? ui : MAX_WAIT_NS;
}

static void serve_devices(struct machine *m)
{
    vclock_run_timers(&m->clock);
    feed_serial_input(m);
    monitor_poll(m->monitor);
    poll_ui(m);
    present_screen(m);
}

/* Returns 1 with *status set when the machine must stop. */
static int serve_requests(struct machine *m, int *status)
{
    if (m->stop_signal && *m->stop_signal) {
        fprintf(stderr, "relic: terminating on signal %d\n", (int)*m->stop_signal);
        *status = MACHINE_EXIT_OK;
        return 1;
    }
    if (m->exit_requested) {
        *status = m->exit_status;
        return 1;
    }
    if (m->poweroff_requested) {    /* ACPI S5 from the guest: a clean power-off */
        *status = MACHINE_EXIT_OK;
        return 1;
    }
    if (m->reset_requested) {
        m->reset_requested = 0;
        if (m->opts.no_reboot) {    /* QEMU turns a reset into a clean exit */
            *status = MACHINE_EXIT_OK;
            return 1;
        }
        machine_reset(m);
    }
    return 0;
}

/* The guest halted: sleep until the next timer or host input. */
static void wait_for_event(struct machine *m)
{
    uint64_t next = vclock_next_deadline(&m->clock), now = vclock_now(&m->clock);
    if (m->clock.mode == VCLOCK_MANUAL) {
        if (next != VCLOCK_NEVER)
            vclock_set(&m->clock, next);    /* nothing to wait for: jump there */
        return;
    }
    if (next <= now)
        return;
    uint64_t wait = next - now < max_wait_ns(m) ? next - now : max_wait_ns(m);
    struct timespec ts = { (time_t)(wait / 1000000000u), (long)(wait % 1000000000u) };
    struct pollfd fds[OPT_MAX_SERIAL + 1];
    nfds_t n = 0;
    for (int i = 0; i < OPT_MAX_SERIAL; i++)
        if (m->has_uart[i] && chardev_wait_fd(&m->chr[i]) >= 0)
            fds[n++] = (struct pollfd){ .fd = chardev_wait_fd(&m->chr[i]), .events = POLLIN };
    n += (nfds_t)monitor_pollfds(m->monitor, fds + n, 1);
    ppoll(fds, n, &ts, NULL);
}

void machine_pause(struct machine *m, int paused)
{
    m->paused = paused;
    vclock_pause(&m->clock, paused);
    ui_set_paused(m->ui, paused);
}

/* Paused: no CPU, timers or guest input; the monitor and the UI are served,
 * sleeping in between. */
static int serve_paused(struct machine *m, int *status)
{
    monitor_poll(m->monitor);
    poll_ui(m);
    present_screen(m);
    if (serve_requests(m, status))
        return 1;
    if (m->paused) {
        struct pollfd fds[1];
        struct timespec ts = { 0, (long)max_wait_ns(m) };
        ppoll(fds, (nfds_t)monitor_pollfds(m->monitor, fds, 1), &ts, NULL);
    }
    return 0;
}

static int on_halt(struct machine *m, int *status)
{
    /* With IF clear only NMI wakes the CPU, and nothing on this board raises NMI. */
    if (!(cpu_get_eflags(&m->cpu) & F_IF) && !m->cpu.nmi_pending) {
        fprintf(stderr, "relic: guest halted with interrupts disabled\n");
        *status = MACHINE_EXIT_HALTED;
        return 1;
    }
    /* an interrupt raised by the devices just served wakes it now */
    if ((m->cpu.intr_line && (cpu_get_eflags(&m->cpu) & F_IF)) || m->cpu.nmi_pending)
        return 0;
    wait_for_event(m);
    return 0;
}

/* -text-screen FILE: the VGA text screen as the guest left it, as UTF-8 lines. */
static void dump_text_screen(struct machine *m)
{
    if (!m->opts.text_screen || !m->has_vga)
        return;
    int to_stdout = strcmp(m->opts.text_screen, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(m->opts.text_screen, "w");
    if (!f) {
        fprintf(stderr, "relic: cannot write the text screen to '%s': %s\n", m->opts.text_screen, strerror(errno));
        return;
    }
    vga_text_dump(&m->vga, f);
    if (to_stdout) fflush(f);
    else fclose(f);
}

int machine_run(struct machine *m)
{
    int status = MACHINE_EXIT_OK;
    for (;;) {
        if (m->paused) {
            if (serve_paused(m, &status))
                break;
            continue;
        }
        enum cpu_exit why = cpu_run(&m->cpu, SLICE_INSNS);
        serve_devices(m);
        if (serve_requests(m, &status))
            break;
        if (why == CPU_EXIT_HLT && on_halt(m, &status))
            break;
        if (why == CPU_EXIT_SHUTDOWN) {
            /* Triple fault: the board resets the CPU, or -no-reboot ends here. */
            if (m->opts.no_reboot)
                break;
            machine_reset(m);
        }
    }
    trace_finish(m->trace, &m->cpu);
    dump_text_screen(m);
    return status;
}
