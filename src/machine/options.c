/* Command-line parsing (see options.h): one table row per option. */
#include "options.h"
#include "errmsg.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>


/* ---- values ---- */

int options_parse_size(const char *s, uint64_t *bytes)
{
    static const struct { char suffix; unsigned shift; } units[] = {
        { 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 },
    };
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 20;                    /* plain numbers are MiB */
    if (*end) {
        size_t i = 0;
        while (i < sizeof units / sizeof units[0] && units[i].suffix != (*end & ~0x20))
            i++;
        if (i == sizeof units / sizeof units[0] || end[1] != '\0')
            return -1;
        shift = units[i].shift;
    }
    if (n > (UINT64_MAX >> shift))
        return -1;
    *bytes = (uint64_t)n << shift;
    return 0;
}

/* A port number or count: decimal, 0x hex (or 0 octal, as QEMU's parser). */
static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long n = strtoul(s, &end, 0);
    if (errno || *end || n > max)
        return -1;
    *v = n;
    return 0;
}

static const struct log_item {
    const char *name;
    uint32_t bit;
    const char *help;
} log_items[] = {
    { "in_asm", LOG_IN_ASM, "show guest assembly for each newly executed instruction" },
    { "out_asm", LOG_OUT_ASM, "show the host code the translator generates for each new block" },
    { "int", LOG_INT, "show interrupts/exceptions in short format" },
    { "cpu", LOG_CPU, "show CPU registers before each instruction" },
    { "exec", LOG_EXEC, "show a trace line before each executed instruction" },
    { "ioport", LOG_IOPORT, "show port I/O accesses" },
    { "guest_errors", LOG_GUEST_ERRORS, "log when the guest does something invalid" },
    { "unimp", LOG_UNIMP, "log unimplemented functionality" },
    { "post", LOG_POST, "show POST codes the firmware writes to port 0x80" },
    { "jit", LOG_JIT, "at exit, show the translator's counters and its commonest helpers" },
};
#define N_LOG_ITEMS (sizeof log_items / sizeof log_items[0])

int options_parse_log(const char *list, uint32_t *mask, int *help, char *err, size_t errlen)
{
    uint32_t m = 0;
    const char *p = list;
    *help = 0;
    for (;;) {
        size_t len = strcspn(p, ",");
        size_t i = 0;
        if (len == 4 && !strncmp(p, "help", 4))
            *help = 1;
        else {
            while (i < N_LOG_ITEMS && !(strlen(log_items[i].name) == len && !strncmp(p, log_items[i].name, len)))
                i++;
            if (i == N_LOG_ITEMS)
                return fail(err, errlen, "unknown -d item '%.*s' (try -d help)", (int)len, p);
            m |= log_items[i].bit;
        }
        if (!p[len])
            break;
        p += len + 1;
    }
    *mask |= m;
    return 0;
}

/* ---- one handler per option ---- */

typedef int (*opt_handler)(struct options *o, const char *arg, char *err, size_t errlen);

static int opt_bios(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    o->bios = arg;
    return 0;
}

static int opt_m(struct options *o, const char *arg, char *err, size_t errlen)
{
    uint64_t bytes;
    const char *s = strncmp(arg, "size=", 5) ? arg : arg + 5;   /* QEMU's long form */
    if (options_parse_size(s, &bytes) < 0)
        return fail(err, errlen, "invalid RAM size '%s'", arg);
    if (bytes == 0 || bytes > OPT_MAX_RAM)
        return fail(err, errlen, "RAM size '%s' out of range: give 1 byte to 3584M", arg);
    o->ram_size = (bytes + 0xfff) & ~0xfffull;   /* the physical map works in pages */
    return 0;
}

static int opt_display(struct options *o, const char *arg, char *err, size_t errlen)
{
    static const struct { const char *name; enum opt_display kind; } displays[] = {
        { "none", DISPLAY_NONE }, { "sdl", DISPLAY_SDL },
    };
    size_t len = strcspn(arg, ",");
    for (size_t i = 0; i < sizeof displays / sizeof displays[0]; i++)
        if (len == strlen(displays[i].name) && !strncmp(arg, displays[i].name, len)) {
            if (arg[len])
                return fail(err, errlen, "-display %s: options after the name are not supported", displays[i].name);
            o->display = displays[i].kind;
            o->display_auto = 0;
            return 0;
        }
    return fail(err, errlen, "display '%.*s' not available (none, sdl)", (int)len, arg);
}

static int opt_full_screen(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)arg; (void)err; (void)errlen;
    o->full_screen = 1;
    return 0;
}

static int opt_nographic(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)arg; (void)err; (void)errlen;
    o->nographic = 1;
    o->display = DISPLAY_NONE;
    o->display_auto = 0;
    return 0;
}

static int opt_serial(struct options *o, const char *arg, char *err, size_t errlen)
{
    static const struct { const char *name; enum opt_serial kind; } plain[] = {
        { "stdio", SERIAL_STDIO }, { "null", SERIAL_NULL }, { "none", SERIAL_NONE },
    };
    if (o->nserial == OPT_MAX_SERIAL)
        return fail(err, errlen, "too many -serial options (at most %d)", OPT_MAX_SERIAL);
    struct serial_opt *s = &o->serial[o->nserial];
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (!strcmp(arg, plain[i].name)) {
            *s = (struct serial_opt){ plain[i].kind, NULL, 0 };
            o->nserial++;
            return 0;
        }
    if (!strcmp(arg, "mon:stdio")) {
        *s = (struct serial_opt){ SERIAL_STDIO, NULL, 1 };
        o->nserial++;
        return 0;
    }
    if (!strncmp(arg, "file:", 5) && arg[5]) {
        *s = (struct serial_opt){ SERIAL_FILE, arg + 5, 0 };
        o->nserial++;
        return 0;
    }
    return fail(err, errlen, "serial backend '%s' not available (stdio, mon:stdio, null, none, file:PATH)", arg);
}

/* One ",key[=value]" flag of a unix: monitor; on/off flags as QEMU spells them. */
static int unix_flag(struct monitor_opt *mo, const char *p, size_t len, int *server)
{
    static const struct { const char *text; int is_server, value; } flags[] = {
        { "server", 1, 1 }, { "server=on", 1, 1 }, { "server=off", 1, 0 },
        { "wait", 0, 1 }, { "wait=on", 0, 1 }, { "wait=off", 0, 0 }, { "nowait", 0, 0 },
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strlen(flags[i].text) == len && !strncmp(p, flags[i].text, len)) {
            if (flags[i].is_server)
                *server = flags[i].value;
            else
                mo->wait = flags[i].value;
            return 0;
        }
    return -1;
}

/* unix:PATH[,server[=on]][,wait=off|,nowait] */
static int parse_unix_monitor(struct monitor_opt *mo, const char *spec, char *err, size_t errlen)
{
    size_t plen = strcspn(spec, ",");
    int server = 0;
    if (plen == 0)
        return fail(err, errlen, "-monitor unix: needs a socket path");
    mo->kind = MONITOR_UNIX;
    mo->wait = 1;                   /* QEMU's default for a server socket */
    for (const char *p = spec + plen; *p == ','; ) {
        p++;
        size_t len = strcspn(p, ",");
        if (unix_flag(mo, p, len, &server) < 0)
            return fail(err, errlen, "-monitor unix: unknown flag '%.*s'", (int)len, p);
        p += len;
    }
    if (!server)
        return fail(err, errlen, "-monitor unix: relic only listens: add ',server'");
    mo->path = spec;                /* up to the first comma */
    mo->pathlen = plen;
    return 0;
}

static int opt_monitor(struct options *o, const char *arg, char *err, size_t errlen)
{
    struct monitor_opt *mo = &o->monitor;
    if (mo->given)
        return fail(err, errlen, "only one -monitor is supported");
    mo->given = 1;
    if (!strcmp(arg, "stdio")) {
        mo->kind = MONITOR_STDIO;
        return 0;
    }
    if (!strcmp(arg, "none") || !strcmp(arg, "null")) {
        mo->kind = MONITOR_NONE;
        return 0;
    }
    if (!strncmp(arg, "unix:", 5))
        return parse_unix_monitor(mo, arg + 5, err, errlen);
    return fail(err, errlen, "monitor backend '%s' not available (stdio, none, unix:PATH,server[,nowait])", arg);
}

/* -device isa-debug-exit[,iobase=N][,iosize=N] */
static int opt_device(struct options *o, const char *arg, char *err, size_t errlen)
{
    static const char name[] = "isa-debug-exit";
    size_t len = strcspn(arg, ",");
    if (len != sizeof name - 1 || strncmp(arg, name, len))
        return fail(err, errlen, "device '%.*s' not available", (int)len, arg);
    if (o->ndebugexit == OPT_MAX_DEBUGEXIT)
        return fail(err, errlen, "too many isa-debug-exit devices (at most %d)", OPT_MAX_DEBUGEXIT);
    unsigned long iobase = 0x501, iosize = 2;   /* QEMU's defaults */
    const char *p = arg + len;
    while (*p == ',') {
        p++;
        size_t plen = strcspn(p, ",");
        char prop[64];
        if (plen >= sizeof prop)
            return fail(err, errlen, "isa-debug-exit: bad property '%.*s'", (int)plen, p);
        memcpy(prop, p, plen);
        prop[plen] = '\0';
        char *eq = strchr(prop, '=');
        if (!eq)
            return fail(err, errlen, "isa-debug-exit: property '%s' needs a value", prop);
        *eq = '\0';
        unsigned long *dst = !strcmp(prop, "iobase") ? &iobase : !strcmp(prop, "iosize") ? &iosize : NULL;
        if (!dst)
            return fail(err, errlen, "isa-debug-exit: unknown property '%s'", prop);
        if (parse_uint(eq + 1, 0xffff, dst) < 0)
            return fail(err, errlen, "isa-debug-exit: bad value '%s' for %s", eq + 1, prop);
        p += plen;
    }
    if (iosize == 0 || iobase + iosize > 0x10000)
        return fail(err, errlen, "isa-debug-exit: ports 0x%lx+%lu do not fit the I/O space", iobase, iosize);
    o->debugexit[o->ndebugexit++] = (struct debugexit_opt){ (uint16_t)iobase, (uint16_t)iosize };
    return 0;
}

static int opt_d(struct options *o, const char *arg, char *err, size_t errlen)
{
    int help;
    if (options_parse_log(arg, &o->log_mask, &help, err, errlen) < 0)
        return -1;
    if (help)
        o->action = OPT_LOG_HELP;
    return 0;
}

static int opt_D(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    o->log_file = arg;
    return 0;
}

static int opt_accel(struct options *o, const char *arg, char *err, size_t errlen)
{
    size_t len = strcspn(arg, ",");
    static const struct { const char *name; enum opt_accel accel; } engines[] = {
        { "interp", ACCEL_INTERP }, { "jit", ACCEL_JIT }, { "tcg", ACCEL_JIT },
    };
    for (size_t k = 0; k < sizeof engines / sizeof engines[0]; k++)
        if (len == strlen(engines[k].name) && !strncmp(arg, engines[k].name, len)) {
            o->accel = engines[k].accel;
            o->accel_auto = 0;
            return 0;
        }
    return fail(err, errlen, "accelerator %.*s not available (interp, jit)", (int)len, arg);
}

static int opt_no_reboot(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)arg; (void)err; (void)errlen;
    o->no_reboot = 1;
    return 0;
}

static int opt_snapshot(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)arg; (void)err; (void)errlen;
    o->snapshot = 1;
    return 0;
}

/* Disk and boot options store the argument; the board opens the images
 * and reports what is wrong with them. */
#define PATH_OPT(fn, field) \
    static int fn(struct options *o, const char *arg, char *err, size_t errlen) \
    { (void)err; (void)errlen; o->field = arg; return 0; }
PATH_OPT(opt_hda, hd[0])
PATH_OPT(opt_hdb, hd[1])
PATH_OPT(opt_hdc, hd[2])
PATH_OPT(opt_hdd, hd[3])
PATH_OPT(opt_cdrom, cdrom)
PATH_OPT(opt_fda, fd[0])
PATH_OPT(opt_fdb, fd[1])
PATH_OPT(opt_kernel, kernel)
PATH_OPT(opt_initrd, initrd)
PATH_OPT(opt_append, append)
PATH_OPT(opt_text_screen, text_screen)

static int opt_boot(struct options *o, const char *arg, char *err, size_t errlen)
{
    const char *order = strncmp(arg, "order=", 6) == 0 ? arg + 6 : arg;
    if (!*order || strspn(order, "acdn") != strlen(order))
        return fail(err, errlen, "-boot: '%s' is not a boot order of a, c, d and n", arg);
    o->boot = order;
    return 0;
}

static int opt_L(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (o->ndatadirs == OPT_MAX_DATADIRS)
        return fail(err, errlen, "too many -L options (at most %d)", OPT_MAX_DATADIRS);
    o->datadir[o->ndatadirs++] = arg;
    return 0;
}

static int opt_version(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)arg; (void)err; (void)errlen;
    o->action = OPT_VERSION;
    return 0;
}

static int opt_help(struct options *o, const char *arg, char *err, size_t errlen)
{
    (void)arg; (void)err; (void)errlen;
    o->action = OPT_HELP;
    return 0;
}

static const struct optdef {
    const char *name;           /* without the leading '-' */
    const char *argname;        /* NULL: the option takes no argument */
    opt_handler handle;
    const char *help;
} optdefs[] = {
    { "bios", "FILE", opt_bios, "firmware image, mapped to end at 4 GiB (default: SeaBIOS, /usr/share/seabios/bios.bin)" },
    { "m", "SIZE", opt_m, "guest RAM: MiB, or with a K/M/G suffix (default 128M, at most 3584M)" },
    { "display", "none|sdl", opt_display,
      "display backend (default: sdl when DISPLAY or WAYLAND_DISPLAY is set, else none)" },
    { "full-screen", NULL, opt_full_screen, "start the window fullscreen (Ctrl-Alt-F toggles)" },
    { "nographic", NULL, opt_nographic,
      "no display; COM1 and the monitor share stdio (Ctrl-A h: help, Ctrl-A c: switch, Ctrl-A x: exit)" },
    { "serial", "DEV", opt_serial, "next COM port's backend: stdio, mon:stdio (with the monitor), null, none, file:PATH" },
    { "monitor", "DEV", opt_monitor, "human monitor on stdio, none, or unix:PATH,server[,nowait] (type 'help' in it)" },
    { "device", "isa-debug-exit[,iobase=N][,iosize=N]", opt_device,
      "exit device: a write of v ends relic with status (v << 1) | 1" },
    { "d", "ITEM,...", opt_d, "log items (-d help lists them)" },
    { "D", "FILE", opt_D, "write the -d log to FILE (default stderr)" },
    { "accel", "jit|interp", opt_accel,
      "execution engine: jit (the translator, x86-64 hosts; 'tcg' is taken for it) or interp "
      "(the interpreter, the reference, every host) (default jit where the host has it, else interp)" },
    { "no-reboot", NULL, opt_no_reboot, "exit instead of rebooting (status 0)" },
    { "snapshot", NULL, opt_snapshot, "do not write to disk images" },
    { "L", "DIR", opt_L, "look for firmware in DIR" },
    { "hda", "FILE", opt_hda, "IDE primary master disk image (raw)" },
    { "hdb", "FILE", opt_hdb, "IDE primary slave disk image (raw)" },
    { "hdc", "FILE", opt_hdc, "IDE secondary master disk image (raw)" },
    { "hdd", "FILE", opt_hdd, "IDE secondary slave disk image (raw)" },
    { "cdrom", "FILE", opt_cdrom, "CD-ROM image (ISO), IDE secondary master" },
    { "fda", "FILE", opt_fda, "first floppy image" },
    { "fdb", "FILE", opt_fdb, "second floppy image" },
    { "boot", "[order=]DRIVES", opt_boot, "boot order: a (floppy), c (disk), d (CD), n (network)" },
    { "kernel", "FILE", opt_kernel, "Linux bzImage or Multiboot kernel to boot" },
    { "initrd", "FILE", opt_initrd, "initial ramdisk for -kernel" },
    { "append", "CMDLINE", opt_append, "kernel command line for -kernel" },
    { "text-screen", "FILE", opt_text_screen, "at exit, write the VGA text screen to FILE ('-': stdout)" },
    { "version", NULL, opt_version, "print the version and exit" },
    { "h", NULL, opt_help, "print this help and exit" },
    { "help", NULL, opt_help, NULL },
};
#define N_OPTDEFS (sizeof optdefs / sizeof optdefs[0])

static const struct optdef *find_opt(const char *name)
{
    for (size_t i = 0; i < N_OPTDEFS; i++)
        if (!strcmp(optdefs[i].name, name))
            return &optdefs[i];
    return NULL;
}

static void set_defaults(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->action = OPT_RUN;
    o->ram_size = OPT_DEFAULT_RAM;
    o->display = DISPLAY_NONE;
    o->display_auto = 1;
    o->accel = ACCEL_JIT;
    o->accel_auto = 1;
}

static int stdio_serials(const struct options *o, int *mux)
{
    int n = 0;
    *mux = 0;
    for (int i = 0; i < o->nserial; i++)
        if (o->serial[i].kind == SERIAL_STDIO) {
            n++;
            *mux |= o->serial[i].mux;
        }
    return n;
}

/* The monitor QEMU's rules give: -nographic alone puts it on stdio beside
 * COM1; mon:stdio brings it along. */
static int settle_monitor(struct options *o, char *err, size_t errlen)
{
    int mux, nstdio = stdio_serials(o, &mux);
    struct monitor_opt *mo = &o->monitor;
    if (mux) {
        if (mo->given && mo->kind != MONITOR_NONE)
            return fail(err, errlen, "-serial mon:stdio already puts the monitor on stdio; drop -monitor");
        if (!mo->given)
            *mo = (struct monitor_opt){ .kind = MONITOR_STDIO, .mux = 1 };
        return 0;
    }
    /* QEMU refuses -nographic -serial stdio; relic keeps it working, monitor-less. */
    if (o->nographic && !mo->given && !nstdio)
        mo->kind = MONITOR_STDIO;
    if (mo->kind == MONITOR_STDIO && nstdio)
        return fail(err, errlen, "stdio cannot back both -serial and -monitor "
                    "(share it with -serial mon:stdio or -nographic)");
    return 0;
}

/* Choices that depend on several options, made once all are seen. */
static int finish(struct options *o, char *err, size_t errlen)
{
    if (o->nserial == 0) {
        /* The first COM port is the console on stdio, as QEMU's -nographic
         * has it; with a window too, since the window has no serial console
         * of its own. A monitor that takes stdio leaves COM1 unconnected. */
        int shared = o->nographic && !o->monitor.given;
        int mon_stdio = o->monitor.given && o->monitor.kind == MONITOR_STDIO;
        o->serial[0] = (struct serial_opt){ mon_stdio ? SERIAL_NULL : SERIAL_STDIO, NULL, shared };
        o->nserial = 1;
    }
    int mux;
    if (stdio_serials(o, &mux) > 1)
        return fail(err, errlen, "stdio can back only one serial port");
    return settle_monitor(o, err, errlen);
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
    set_defaults(o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1])
            return fail(err, errlen, "unexpected argument '%s'", a);
        /* QEMU takes --opt for -opt. */
        const struct optdef *d = find_opt(a[1] == '-' ? a + 2 : a + 1);
        if (!d)
            return fail(err, errlen, "unknown option '%s'", a);
        const char *arg = NULL;
        if (d->argname) {
            if (i + 1 >= argc)
                return fail(err, errlen, "option '%s' needs an argument", a);
            arg = argv[++i];
        }
        if (d->handle(o, arg, err, errlen) < 0)
            return -1;
    }
    return finish(o, err, errlen);
}

void options_print_help(FILE *f)
{
    fprintf(f, "usage: relic [options]\n\nOptions (spelled as in QEMU):\n");
    for (size_t i = 0; i < N_OPTDEFS; i++) {
        const struct optdef *d = &optdefs[i];
        if (!d->help)
            continue;
        fprintf(f, "  -%s%s%s\n        %s\n", d->name, d->argname ? " " : "",
                d->argname ? d->argname : "", d->help);
    }
}

void options_print_log_help(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < N_LOG_ITEMS; i++)
        fprintf(f, "%-15s %s\n", log_items[i].name, log_items[i].help);
}
