/* Command-line options, spelled as QEMU spells them (-bios, -m, -serial,
 * -device isa-debug-exit,iobase=0xf4, -d in_asm,cpu, ...), so scripts and
 * habits carry over. Parsing fills a struct options and never exits or
 * prints: the caller reports errors and acts on -help/-version. */
#ifndef RELIC_OPTIONS_H
#define RELIC_OPTIONS_H
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#define OPT_MAX_SERIAL 4            /* COM1..COM4 */
#define OPT_MAX_DEBUGEXIT 4
#define OPT_MAX_DATADIRS 8
#define OPT_DEFAULT_RAM (128ull << 20)
#define OPT_MAX_RAM (3584ull << 20) /* 3.5 GiB: the rest of 4 GiB is for ROM and devices */

enum opt_action { OPT_RUN, OPT_HELP, OPT_VERSION, OPT_LOG_HELP };
enum opt_display { DISPLAY_NONE, DISPLAY_SDL };
enum opt_serial { SERIAL_NONE, SERIAL_NULL, SERIAL_STDIO, SERIAL_FILE };
enum opt_accel { ACCEL_INTERP, ACCEL_JIT };

/* -d items; trace.c and the CPU test these bits. */
enum {
    LOG_IN_ASM = 1u << 0, LOG_INT = 1u << 1, LOG_CPU = 1u << 2, LOG_EXEC = 1u << 3,
    LOG_IOPORT = 1u << 4, LOG_GUEST_ERRORS = 1u << 5, LOG_UNIMP = 1u << 6, LOG_POST = 1u << 7,
    LOG_OUT_ASM = 1u << 8, LOG_JIT = 1u << 9,
};

struct serial_opt {
    enum opt_serial kind;
    const char *path;               /* SERIAL_FILE: points into argv */
    int mux;                        /* SERIAL_STDIO shared with the monitor (mon:stdio, -nographic) */
};

/* -monitor: where the human monitor (monitor.h) listens. */
enum opt_monitor { MONITOR_NONE, MONITOR_STDIO, MONITOR_UNIX };
struct monitor_opt {
    enum opt_monitor kind;
    const char *path;               /* MONITOR_UNIX: socket path, points into argv, */
    size_t pathlen;                 /* ... and ends before the flags */
    int wait;                       /* MONITOR_UNIX: start only once a client connects */
    int given;                      /* -monitor appeared: no -nographic default */
    int mux;                        /* MONITOR_STDIO: shares stdio with a serial port */
};

struct debugexit_opt {
    uint16_t iobase, iosize;
};

struct options {
    enum opt_action action;
    const char *bios;               /* NULL: the default firmware */
    uint64_t ram_size;              /* bytes, page aligned */
    enum opt_display display;
    int display_auto;               /* neither -display nor -nographic: a window if the host has a display */
    int full_screen;                /* -full-screen: the window starts fullscreen */
    int nographic;
    int nserial;
    struct serial_opt serial[OPT_MAX_SERIAL];
    struct monitor_opt monitor;
    int ndebugexit;
    struct debugexit_opt debugexit[OPT_MAX_DEBUGEXIT];
    uint32_t log_mask;
    const char *log_file;           /* NULL: stderr */
    enum opt_accel accel;
    int accel_auto;                 /* no -accel: the translator where the host has one, else the interpreter */
    int no_reboot;
    int snapshot;                   /* accepted and stored: no disks yet */
    int ndatadirs;
    const char *datadir[OPT_MAX_DATADIRS];
    const char *hd[4];              /* -hda..-hdd: IDE primary master/slave, secondary master/slave */
    const char *cdrom;              /* -cdrom: secondary master unless -hdc is given */
    const char *fd[2];              /* -fda, -fdb */
    const char *boot;               /* -boot order=...|a|c|d as given */
    const char *kernel, *initrd, *append;
    const char *text_screen;        /* -text-screen FILE|-: dump the VGA text screen at exit */
};

/* Parses argv[1..argc-1]. Returns 0, or -1 with a one-line message (without
 * the "relic: " prefix) in err. Strings in *o point into argv. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);

/* "in_asm,cpu" -> mask. Returns 0, or -1 with err set; "help" sets *help. */
int options_parse_log(const char *list, uint32_t *mask, int *help, char *err, size_t errlen);
/* Sizes as -m takes them: a number of MiB, or with a K/M/G/T suffix. */
int options_parse_size(const char *s, uint64_t *bytes);

void options_print_help(FILE *f);
void options_print_log_help(FILE *f);
#endif
