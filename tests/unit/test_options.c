/* Command-line parser tests: QEMU's spellings in, struct options or a
 * one-line error out. Prints failed checks and "N passed, N failed". */
#include "machine/options.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(int ok, const char *what, int line)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL test_options.c:%d: %s\n", line, what);
}

static struct options o;
static char err[256];

/* Parses the NULL-terminated arguments after "relic". */
static int parse(const char *first, ...)
{
    char *argv[32] = { "relic" };
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    err[0] = '\0';
    return options_parse(&o, argc, argv, err, sizeof err);
}

static int err_is(const char *want)
{
    if (!strcmp(err, want))
        return 1;
    printf("     error was: '%s'\n", err);
    return 0;
}

static void test_defaults(void)
{
    CHECK(parse(NULL) == 0);
    CHECK(o.action == OPT_RUN);
    CHECK(o.bios == NULL);
    CHECK(o.ram_size == 128ull << 20);
    CHECK(o.display == DISPLAY_NONE);
    CHECK(o.nserial == 1 && o.serial[0].kind == SERIAL_STDIO);
    CHECK(o.ndebugexit == 0);
    CHECK(o.log_mask == 0 && o.log_file == NULL);
    /* the translator unless told otherwise; the board falls back to the
     * interpreter where the host has none (accel_auto) */
    CHECK(o.accel == ACCEL_JIT && o.accel_auto);
    CHECK(!o.no_reboot && !o.snapshot && !o.nographic && o.ndatadirs == 0);
}

static void test_memory(void)
{
    static const struct { const char *arg; uint64_t bytes; } good[] = {
        { "64", 64ull << 20 }, { "512K", 512ull << 10 }, { "512k", 512ull << 10 },
        { "1G", 1ull << 30 }, { "1g", 1ull << 30 }, { "256M", 256ull << 20 },
        { "size=32M", 32ull << 20 }, { "3584", 3584ull << 20 }, { "3584M", 3584ull << 20 },
        { "1K", 4096 },               /* rounded up to a page */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CHECK(parse("-m", good[i].arg, NULL) == 0);
        CHECK(o.ram_size == good[i].bytes);
    }
    static const char *const bad[] = { "0", "3585", "4G", "1T", "abc", "12X", "1.5G", "-1", "", "1MB", "0K" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(parse("-m", bad[i], NULL) < 0);
    CHECK(parse("-m", "0", NULL) < 0 && err_is("RAM size '0' out of range: give 1 byte to 3584M"));
    CHECK(parse("-m", "lots", NULL) < 0 && err_is("invalid RAM size 'lots'"));
    CHECK(parse("-m", NULL) < 0 && err_is("option '-m' needs an argument"));

    uint64_t b;
    CHECK(options_parse_size("2", &b) == 0 && b == 2ull << 20);
    CHECK(options_parse_size("99999999999999999999", &b) < 0);
    CHECK(options_parse_size("17179869184T", &b) < 0);   /* overflows 64 bits */
}

static void test_display_serial(void)
{
    CHECK(parse("-display", "none", NULL) == 0 && o.display == DISPLAY_NONE && !o.display_auto);
    CHECK(parse("-display", "sdl", NULL) == 0 && o.display == DISPLAY_SDL && !o.display_auto &&
          !o.full_screen && o.nserial == 1 && o.serial[0].kind == SERIAL_STDIO);
    CHECK(parse("-display", "sdl", "-full-screen", NULL) == 0 && o.display == DISPLAY_SDL && o.full_screen);
    CHECK(parse("-display", "sdl,gl=on", NULL) < 0 &&
          err_is("-display sdl: options after the name are not supported"));
    CHECK(parse("-display", "gtk", NULL) < 0 && err_is("display 'gtk' not available (none, sdl)"));
    CHECK(parse(NULL) == 0 && o.display == DISPLAY_NONE && o.display_auto);
    CHECK(parse("-nographic", NULL) == 0 && o.nographic && o.display == DISPLAY_NONE &&
          !o.display_auto && o.nserial == 1 && o.serial[0].kind == SERIAL_STDIO);

    CHECK(parse("-serial", "null", NULL) == 0 && o.nserial == 1 && o.serial[0].kind == SERIAL_NULL);
    CHECK(parse("-serial", "none", NULL) == 0 && o.serial[0].kind == SERIAL_NONE);
    CHECK(parse("-serial", "file:/tmp/x.log", "-serial", "stdio", NULL) == 0 && o.nserial == 2 &&
          o.serial[0].kind == SERIAL_FILE && !strcmp(o.serial[0].path, "/tmp/x.log") &&
          o.serial[1].kind == SERIAL_STDIO);
    CHECK(parse("-serial", "file:", NULL) < 0);
    CHECK(parse("-serial", "tcp::4444", NULL) < 0 &&
          err_is("serial backend 'tcp::4444' not available (stdio, mon:stdio, null, none, file:PATH)"));
    CHECK(parse("-serial", "null", "-serial", "null", "-serial", "null", "-serial", "null", NULL) == 0 &&
          o.nserial == 4);
    CHECK(parse("-serial", "null", "-serial", "null", "-serial", "null", "-serial", "null",
                "-serial", "null", NULL) < 0 && err_is("too many -serial options (at most 4)"));
    CHECK(parse("-serial", "stdio", "-serial", "stdio", NULL) < 0 &&
          err_is("stdio can back only one serial port"));
}

static void test_device(void)
{
    CHECK(parse("-device", "isa-debug-exit", NULL) == 0 && o.ndebugexit == 1 &&
          o.debugexit[0].iobase == 0x501 && o.debugexit[0].iosize == 2);
    CHECK(parse("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", NULL) == 0 &&
          o.debugexit[0].iobase == 0xf4 && o.debugexit[0].iosize == 4);
    CHECK(parse("-device", "isa-debug-exit,iobase=244", NULL) == 0 && o.debugexit[0].iobase == 0xf4);
    CHECK(parse("-device", "isa-debug-exit,iosize=1,iobase=0xf4", NULL) == 0 &&
          o.debugexit[0].iobase == 0xf4 && o.debugexit[0].iosize == 1);
    CHECK(parse("-device", "isa-debug-exit,iobase=0xf4", "-device", "isa-debug-exit", NULL) == 0 &&
          o.ndebugexit == 2);
    CHECK(parse("-device", "isa-debug-exit,iobase=0x10000", NULL) < 0 &&
          err_is("isa-debug-exit: bad value '0x10000' for iobase"));
    CHECK(parse("-device", "isa-debug-exit,iobase=0xffff", NULL) < 0);   /* 2 ports do not fit */
    CHECK(parse("-device", "isa-debug-exit,iobase=0xffff,iosize=1", NULL) == 0);
    CHECK(parse("-device", "isa-debug-exit,iosize=0", NULL) < 0);
    CHECK(parse("-device", "isa-debug-exit,iobase=zz", NULL) < 0);
    CHECK(parse("-device", "isa-debug-exit,iobase", NULL) < 0 &&
          err_is("isa-debug-exit: property 'iobase' needs a value"));
    CHECK(parse("-device", "isa-debug-exit,speed=3", NULL) < 0 &&
          err_is("isa-debug-exit: unknown property 'speed'"));
    CHECK(parse("-device", "e1000", NULL) < 0 && err_is("device 'e1000' not available"));
    CHECK(parse("-device", "isa-debug-exitx", NULL) < 0);
}

static void test_logging(void)
{
    int help;
    uint32_t m = 0;
    CHECK(parse("-d", "in_asm,cpu", NULL) == 0 && o.log_mask == (LOG_IN_ASM | LOG_CPU));
    CHECK(parse("-d", "int", "-d", "ioport", NULL) == 0 && o.log_mask == (LOG_INT | LOG_IOPORT));
    CHECK(parse("-d", "in_asm,int,cpu,exec,ioport,guest_errors,unimp", NULL) == 0 && o.log_mask == 0x7f);
    CHECK(parse("-d", "out_asm,jit", NULL) == 0 && o.log_mask == (LOG_OUT_ASM | LOG_JIT));
    CHECK(parse("-d", "help", NULL) == 0 && o.action == OPT_LOG_HELP);
    CHECK(parse("-d", "cpu,bogus", NULL) < 0 && err_is("unknown -d item 'bogus' (try -d help)"));
    CHECK(parse("-d", "cpu,", NULL) < 0);
    CHECK(parse("-D", "/tmp/log.txt", "-d", "cpu", NULL) == 0 && !strcmp(o.log_file, "/tmp/log.txt"));
    CHECK(options_parse_log("exec", &m, &help, err, sizeof err) == 0 && m == LOG_EXEC && !help);
}

static void test_misc(void)
{
    CHECK(parse("-bios", "seabios.bin", NULL) == 0 && !strcmp(o.bios, "seabios.bin"));
    CHECK(parse("-accel", "interp", NULL) == 0 && o.accel == ACCEL_INTERP && !o.accel_auto);
    CHECK(parse("-accel", "jit", NULL) == 0 && o.accel == ACCEL_JIT && !o.accel_auto);
    CHECK(parse("-accel", "kvm", NULL) < 0 && err_is("accelerator kvm not available (interp, jit)"));
    CHECK(parse("-accel", "tcg", NULL) == 0 && o.accel == ACCEL_JIT && !o.accel_auto);
    CHECK(parse("-accel", "tcg,thread=single", NULL) == 0 && o.accel == ACCEL_JIT && !o.accel_auto);
    CHECK(parse("-accel", "jit", "-accel", "interp", NULL) == 0 && o.accel == ACCEL_INTERP);
    CHECK(parse("-no-reboot", "-snapshot", NULL) == 0 && o.no_reboot && o.snapshot);
    CHECK(parse("-L", "/a", "-L", "/b", NULL) == 0 && o.ndatadirs == 2 &&
          !strcmp(o.datadir[0], "/a") && !strcmp(o.datadir[1], "/b"));
    CHECK(parse("-version", NULL) == 0 && o.action == OPT_VERSION);
    CHECK(parse("-h", NULL) == 0 && o.action == OPT_HELP);
    CHECK(parse("-help", NULL) == 0 && o.action == OPT_HELP);
    CHECK(parse("--help", NULL) == 0 && o.action == OPT_HELP);
    CHECK(parse("--m", "64", NULL) == 0 && o.ram_size == 64ull << 20);    /* QEMU takes --opt */

    CHECK(parse("-foo", NULL) < 0 && err_is("unknown option '-foo'"));
    CHECK(parse("-m=128", NULL) < 0 && err_is("unknown option '-m=128'"));
    CHECK(parse("disk.img", NULL) < 0 && err_is("unexpected argument 'disk.img'"));
    CHECK(parse("-", NULL) < 0);
    CHECK(parse("-bios", NULL) < 0 && err_is("option '-bios' needs an argument"));
    /* a bad option stops parsing where it stands */
    CHECK(parse("-m", "64", "-bogus", "-m", "32", NULL) < 0 && err_is("unknown option '-bogus'"));
}

static void test_monitor(void)
{
    CHECK(parse(NULL) == 0 && o.monitor.kind == MONITOR_NONE && !o.serial[0].mux);
    /* -nographic alone: COM1 and the monitor share stdio */
    CHECK(parse("-nographic", NULL) == 0 && o.serial[0].kind == SERIAL_STDIO && o.serial[0].mux &&
          o.monitor.kind == MONITOR_STDIO && o.monitor.mux);
    CHECK(parse("-serial", "mon:stdio", NULL) == 0 && o.serial[0].kind == SERIAL_STDIO &&
          o.serial[0].mux && o.monitor.kind == MONITOR_STDIO);
    CHECK(parse("-nographic", "-serial", "stdio", NULL) == 0 && !o.serial[0].mux &&
          o.monitor.kind == MONITOR_NONE);
    CHECK(parse("-nographic", "-serial", "null", NULL) == 0 && o.monitor.kind == MONITOR_STDIO &&
          !o.monitor.mux);
    CHECK(parse("-nographic", "-monitor", "none", NULL) == 0 && !o.serial[0].mux &&
          o.monitor.kind == MONITOR_NONE);
    CHECK(parse("-monitor", "stdio", NULL) == 0 && o.monitor.kind == MONITOR_STDIO &&
          o.serial[0].kind == SERIAL_NULL);
    CHECK(parse("-monitor", "stdio", "-serial", "null", NULL) == 0 && o.monitor.kind == MONITOR_STDIO);
    CHECK(parse("-monitor", "stdio", "-serial", "stdio", NULL) < 0 &&
          err_is("stdio cannot back both -serial and -monitor (share it with -serial mon:stdio or -nographic)"));
    CHECK(parse("-serial", "mon:stdio", "-monitor", "stdio", NULL) < 0 &&
          err_is("-serial mon:stdio already puts the monitor on stdio; drop -monitor"));
    CHECK(parse("-monitor", "none", "-monitor", "none", NULL) < 0 && err_is("only one -monitor is supported"));
    CHECK(parse("-monitor", "unix:/tmp/m.sock,server,nowait", NULL) == 0 &&
          o.monitor.kind == MONITOR_UNIX && o.monitor.pathlen == 11 &&
          !strncmp(o.monitor.path, "/tmp/m.sock", 11) && !o.monitor.wait);
    CHECK(parse("-monitor", "unix:/tmp/m.sock,server=on,wait=off", NULL) == 0 && !o.monitor.wait);
    CHECK(parse("-monitor", "unix:/tmp/m.sock,server", NULL) == 0 && o.monitor.wait);
    CHECK(parse("-monitor", "unix:/tmp/m.sock", NULL) < 0 &&
          err_is("-monitor unix: relic only listens: add ',server'"));
    CHECK(parse("-monitor", "unix:,server", NULL) < 0 && err_is("-monitor unix: needs a socket path"));
    CHECK(parse("-monitor", "unix:/x,server,telnet", NULL) < 0 &&
          err_is("-monitor unix: unknown flag 'telnet'"));
    CHECK(parse("-monitor", "tcp::4444", NULL) < 0 &&
          err_is("monitor backend 'tcp::4444' not available (stdio, none, unix:PATH,server[,nowait])"));
}

static void test_help_text(void)
{
    char buf[8192] = { 0 };
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    options_print_help(f);
    options_print_log_help(f);
    fclose(f);
    CHECK(strstr(buf, "usage: relic") != NULL);
    CHECK(strstr(buf, "-device isa-debug-exit[,iobase=N][,iosize=N]") != NULL);
    CHECK(strstr(buf, "-no-reboot") != NULL);
    CHECK(strstr(buf, "-monitor DEV") != NULL);
    CHECK(strstr(buf, "guest_errors    log when") != NULL);
    CHECK(strstr(buf, "-accel jit|interp") != NULL && strstr(buf, "(default jit where the host has it, else interp)"));
    CHECK(strstr(buf, "\nout_asm         show the host code") != NULL);
    CHECK(strstr(buf, "\njit             at exit") != NULL);
}

int main(void)
{
    test_defaults();
    test_memory();
    test_display_serial();
    test_device();
    test_logging();
    test_misc();
    test_monitor();
    test_help_text();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
