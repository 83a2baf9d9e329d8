/* The human monitor (see monitor.h): the connection, the stdio mux, the
 * line reader and the command table. */
#include "monitor.h"
#include "machine.h"
#include "errmsg.h"
#include "trace.h"
#include "machine/version.h"
#include "../devices/vga_render.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define MON_LINE_MAX 512
#define MUX_ESCAPE 0x01             /* Ctrl-A, as QEMU */
#define DUMP_MAX_BYTES (64u << 10)  /* one x/xp command prints at most this */

struct monitor {
    struct machine *m;
    int listen_fd;                  /* unix server socket, or -1 */
    char *sock_path;                /* unlinked on free */
    int in_fd, out_fd;              /* the connection; -1 when none */
    int is_socket;                  /* the connection is a client: close it at EOF */
    int echo;                       /* a terminal: echo what is typed */
    int tty_saved;
    struct termios saved_tty;
    struct chardev *mux;            /* serial port sharing stdio, or NULL */
    int focus;                      /* mux: 1 = keys go to the monitor */
    int escape;                     /* mux: Ctrl-A seen */
    int greeted;
    int last_cr;                    /* swallow the \n of a \r\n */
    int in_esc;                     /* inside a terminal escape sequence: 1 after ESC, 2 after ESC [ */
    char line[MON_LINE_MAX];
    size_t len;
};

/* ---- output ---- */

static void drop_client(struct monitor *mon)
{
    close(mon->in_fd);
    mon->in_fd = mon->out_fd = -1;
    mon->is_socket = 0;
    mon->len = 0;
}

static void mon_write(struct monitor *mon, const char *buf, size_t len)
{
    while (len && mon->out_fd >= 0) {
        /* A client that went away must not kill relic with SIGPIPE. */
        ssize_t n = mon->is_socket ? send(mon->out_fd, buf, len, MSG_NOSIGNAL)
                                   : write(mon->out_fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (mon->is_socket)
                drop_client(mon);
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void mon_puts(struct monitor *mon, const char *s)
{
    mon_write(mon, s, strlen(s));
}

static void prompt(struct monitor *mon)
{
    if (!mon->greeted) {
        mon_puts(mon, "relic " RELIC_VERSION " monitor - type 'help' for more information\n");
        mon->greeted = 1;
    }
    mon_puts(mon, "(relic) ");
}

/* ---- commands ---- */

typedef void (*cmd_fn)(struct monitor *mon, FILE *o, const char *args);

struct mon_cmd {
    const char *names;              /* "quit|q": the name, then aliases */
    const char *args;
    const char *help;
    cmd_fn fn;
};

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Does word (len chars) name cmd, by its name or an alias? */
static int names_match(const char *names, const char *word, size_t len)
{
    for (const char *p = names; *p; ) {
        size_t n = strcspn(p, "|");
        if (n == len && !strncmp(p, word, len))
            return 1;
        p += n + (p[n] == '|');
    }
    return 0;
}

static const struct mon_cmd *find_cmd(const struct mon_cmd *t, size_t n, const char *word, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (names_match(t[i].names, word, len))
            return &t[i];
    return NULL;
}

static void print_cmd_help(FILE *o, const char *prefix, const struct mon_cmd *c)
{
    fprintf(o, "%s%s%s%s -- %s\n", prefix, c->names, *c->args ? " " : "", c->args, c->help);
}

static void info_registers(struct monitor *mon, FILE *o, const char *args)
{
    (void)args;
    trace_dump_cpu(o, &mon->m->cpu);
}

static void info_status(struct monitor *mon, FILE *o, const char *args)
{
    (void)args;
    fprintf(o, "VM status: %s (%s)\n", mon->m->paused ? "paused" : "running", machine_engine(mon->m));
}

static void info_jit(struct monitor *mon, FILE *o, const char *args)
{
    (void)args;
    trace_dump_jit(o, &mon->m->cpu);
}

static void info_version(struct monitor *mon, FILE *o, const char *args)
{
    (void)mon; (void)args;
    fprintf(o, "%s\n", RELIC_VERSION);
}

static const struct mon_cmd info_cmds[] = {
    { "jit", "", "the translator's counters and its commonest helpers", info_jit },
    { "registers", "", "the CPU registers, as -d cpu prints them", info_registers },
    { "status", "", "whether the guest runs or is paused, and on which engine", info_status },
    { "version", "", "relic's version", info_version },
};
#define N_INFO_CMDS (sizeof info_cmds / sizeof info_cmds[0])

static void cmd_info(struct monitor *mon, FILE *o, const char *args)
{
    size_t len = strcspn(args, " \t");
    const struct mon_cmd *c = len ? find_cmd(info_cmds, N_INFO_CMDS, args, len) : NULL;
    if (c) {
        c->fn(mon, o, skip_spaces(args + len));
        return;
    }
    if (len)
        fprintf(o, "unknown info subcommand: '%.*s'\n", (int)len, args);
    for (size_t i = 0; i < N_INFO_CMDS; i++)
        print_cmd_help(o, "info ", &info_cmds[i]);
}

/* ---- x, xp ---- */

struct dump_fmt {
    unsigned count, size;
    char format;
};

struct dump_style {
    char format;
    void (*print)(FILE *o, uint64_t v, unsigned size);
};

static unsigned digits(char format, unsigned size)
{
    unsigned bits = size * 8;
    return format == 'o' ? (bits + 2) / 3 : format == 'x' ? bits / 4 : (bits * 10 + 32) / 33;
}

static void print_hex(FILE *o, uint64_t v, unsigned size) { fprintf(o, " 0x%0*" PRIx64, (int)digits('x', size), v); }
static void print_oct(FILE *o, uint64_t v, unsigned size) { fprintf(o, " %#*" PRIo64, (int)digits('o', size), v); }
static void print_uns(FILE *o, uint64_t v, unsigned size) { fprintf(o, " %*" PRIu64, (int)digits('u', size), v); }

static void print_dec(FILE *o, uint64_t v, unsigned size)
{
    unsigned shift = 64 - size * 8;
    fprintf(o, " %*" PRId64, (int)digits('d', size), (int64_t)(v << shift) >> shift);
}

static void print_char(FILE *o, uint64_t v, unsigned size)
{
    static const char esc[][2] = { { '\\', '\\' }, { '\'', '\'' }, { '\n', 'n' }, { '\r', 'r' } };
    (void)size;
    for (size_t i = 0; i < sizeof esc / sizeof esc[0]; i++)
        if (v == (uint8_t)esc[i][0]) {
            fprintf(o, " '\\%c'", esc[i][1]);
            return;
        }
    if (v >= 0x20 && v < 0x7f)
        fprintf(o, " '%c'", (int)v);
    else
        fprintf(o, " '\\x%02x'", (unsigned)v);
}

static const struct dump_style dump_styles[] = {
    { 'x', print_hex }, { 'o', print_oct }, { 'u', print_uns }, { 'd', print_dec }, { 'c', print_char },
};

static const struct dump_style *find_style(char format)
{
    for (size_t i = 0; i < sizeof dump_styles / sizeof dump_styles[0]; i++)
        if (dump_styles[i].format == format)
            return &dump_styles[i];
    return NULL;
}

/* "/[count][format][size]", QEMU's spelling; returns the rest or NULL. */
static const char *parse_fmt(const char *s, struct dump_fmt *f, FILE *o)
{
    static const char sizes[] = "bhwg";
    *f = (struct dump_fmt){ 1, 4, 'x' };
    if (*s != '/')
        return s;
    char *end;
    unsigned long n = strtoul(s + 1, &end, 10);
    if (end != s + 1)
        f->count = (unsigned)(n ? n : 1);
    for (s = end; *s && *s != ' ' && *s != '\t'; s++) {
        const char *z = strchr(sizes, *s);
        if (z)
            f->size = 1u << (z - sizes);
        else if (find_style(*s))
            f->format = *s;
        else {
            fprintf(o, "invalid char in format: '%c'\n", *s);
            return NULL;
        }
    }
    if (f->format == 'c')
        f->size = 1;
    return skip_spaces(s);
}

/* Reads one line's bytes; 0 if virtual memory there is not mapped. */
static int read_mem(struct monitor *mon, int phys, uint64_t addr, uint8_t *buf, size_t len)
{
    if (phys) {
        phys_read_buf(&mon->m->pm, (uint32_t)addr, buf, len);
        return 1;
    }
    return cpu_peek_lin(&mon->m->cpu, (uint32_t)addr, buf, len) == len;
}

static void dump_mem(struct monitor *mon, FILE *o, int phys, uint64_t addr, const struct dump_fmt *f)
{
    const struct dump_style *st = find_style(f->format);
    size_t line = f->size == 1 ? 8 : 16, len = (size_t)f->count * f->size;
    uint8_t buf[16];
    while (len) {
        size_t l = len < line ? len : line;
        if (phys)
            fprintf(o, "%016" PRIx64 ":", addr);
        else
            fprintf(o, "%08" PRIx32 ":", (uint32_t)addr);
        if (!read_mem(mon, phys, addr, buf, l)) {
            fprintf(o, " Cannot access memory\n");
            return;
        }
        for (size_t i = 0; i < l; i += f->size) {
            uint64_t v = 0;
            for (unsigned b = f->size; b--; )      /* little-endian */
                v = v << 8 | buf[i + b];
            st->print(o, v, f->size);
        }
        fputc('\n', o);
        addr += l;
        len -= l;
    }
}

static void memory_cmd(struct monitor *mon, FILE *o, const char *args, int phys)
{
    struct dump_fmt f;
    const char *p = parse_fmt(args, &f, o);
    if (!p)
        return;
    char *end;
    errno = 0;
    unsigned long long addr = strtoull(p, &end, 0);
    if (!*p || errno || *skip_spaces(end) || addr > UINT32_MAX) {
        fprintf(o, "invalid address: '%s'\n", p);
        return;
    }
    if ((size_t)f.count * f.size > DUMP_MAX_BYTES) {
        fprintf(o, "at most %u bytes at a time\n", DUMP_MAX_BYTES);
        return;
    }
    dump_mem(mon, o, phys, addr, &f);
}

static void cmd_x(struct monitor *mon, FILE *o, const char *args) { memory_cmd(mon, o, args, 0); }
static void cmd_xp(struct monitor *mon, FILE *o, const char *args) { memory_cmd(mon, o, args, 1); }

/* ---- the machine ---- */

static void cmd_stop(struct monitor *mon, FILE *o, const char *args)
{
    (void)o; (void)args;
    machine_pause(mon->m, 1);
}

static void cmd_cont(struct monitor *mon, FILE *o, const char *args)
{
    (void)o; (void)args;
    machine_pause(mon->m, 0);
}

static void cmd_system_reset(struct monitor *mon, FILE *o, const char *args)
{
    (void)o; (void)args;
    mon->m->reset_requested = 1;
}

static void cmd_system_powerdown(struct monitor *mon, FILE *o, const char *args)
{
    (void)args;
    if (!mon->m->chipset_ok) {
        fprintf(o, "no ACPI power management on this machine\n");
        return;
    }
    piix_pm_power_button(&mon->m->piix_pm);
}

static void cmd_quit(struct monitor *mon, FILE *o, const char *args)
{
    (void)o; (void)args;
    if (!mon->m->exit_requested) {
        mon->m->exit_requested = 1;
        mon->m->exit_status = MACHINE_EXIT_OK;
    }
}

static void cmd_screentext(struct monitor *mon, FILE *o, const char *args)
{
    if (!mon->m->has_vga) {
        fprintf(o, "this machine has no VGA\n");
        return;
    }
    if (!*args) {
        vga_text_dump(&mon->m->vga, o);
        return;
    }
    FILE *f = fopen(args, "w");
    if (!f) {
        fprintf(o, "cannot write '%s': %s\n", args, strerror(errno));
        return;
    }
    vga_text_dump(&mon->m->vga, f);
    if (fclose(f) != 0)
        fprintf(o, "cannot write '%s': %s\n", args, strerror(errno));
}

/* QEMU's screendump: the picture the VGA shows, as a binary PPM. */
static void cmd_screendump(struct monitor *mon, FILE *o, const char *args)
{
    if (!mon->m->has_vga) {
        fprintf(o, "this machine has no VGA\n");
        return;
    }
    if (!*args) {
        fprintf(o, "screendump needs a file name\n");
        return;
    }
    struct vga_frame frame = { 0 };
    FILE *f = NULL;
    const char *why = "out of memory";
    if (vga_render(&mon->m->vga, &frame) == 0) {
        why = NULL;
        f = fopen(args, "wb");
        if (!f || vga_frame_write_ppm(&frame, f) != 0)
            why = strerror(errno);
        if (f && fclose(f) != 0 && !why)
            why = strerror(errno);
    }
    if (why)
        fprintf(o, "cannot write '%s': %s\n", args, why);
    vga_frame_free(&frame);
}

/* ---- sendkey: QEMU's key names, in scan code set 2 (0xe0xx: E0 prefix) ---- */

static const struct key_name {
    const char *name;
    uint16_t code;
} key_names[] = {
    { "a", 0x1c }, { "b", 0x32 }, { "c", 0x21 }, { "d", 0x23 }, { "e", 0x24 }, { "f", 0x2b },
    { "g", 0x34 }, { "h", 0x33 }, { "i", 0x43 }, { "j", 0x3b }, { "k", 0x42 }, { "l", 0x4b },
    { "m", 0x3a }, { "n", 0x31 }, { "o", 0x44 }, { "p", 0x4d }, { "q", 0x15 }, { "r", 0x2d },
    { "s", 0x1b }, { "t", 0x2c }, { "u", 0x3c }, { "v", 0x2a }, { "w", 0x1d }, { "x", 0x22 },
    { "y", 0x35 }, { "z", 0x1a },
    { "1", 0x16 }, { "2", 0x1e }, { "3", 0x26 }, { "4", 0x25 }, { "5", 0x2e }, { "6", 0x36 },
    { "7", 0x3d }, { "8", 0x3e }, { "9", 0x46 }, { "0", 0x45 },
    { "minus", 0x4e }, { "equal", 0x55 }, { "backspace", 0x66 }, { "tab", 0x0d },
    { "bracket_left", 0x54 }, { "bracket_right", 0x5b }, { "ret", 0x5a }, { "semicolon", 0x4c },
    { "apostrophe", 0x52 }, { "grave_accent", 0x0e }, { "backslash", 0x5d }, { "comma", 0x41 },
    { "dot", 0x49 }, { "slash", 0x4a }, { "spc", 0x29 }, { "esc", 0x76 }, { "caps_lock", 0x58 },
    { "less", 0x61 },
    { "shift", 0x12 }, { "shift_r", 0x59 }, { "ctrl", 0x14 }, { "ctrl_r", 0xe014 },
    { "alt", 0x11 }, { "alt_r", 0xe011 }, { "meta_l", 0xe01f }, { "meta_r", 0xe027 },
    { "menu", 0xe02f },
    { "f1", 0x05 }, { "f2", 0x06 }, { "f3", 0x04 }, { "f4", 0x0c }, { "f5", 0x03 }, { "f6", 0x0b },
    { "f7", 0x83 }, { "f8", 0x0a }, { "f9", 0x01 }, { "f10", 0x09 }, { "f11", 0x78 }, { "f12", 0x07 },
    { "num_lock", 0x77 }, { "scroll_lock", 0x7e },
    { "kp_divide", 0xe04a }, { "kp_multiply", 0x7c }, { "asterisk", 0x7c }, { "kp_subtract", 0x7b },
    { "kp_add", 0x79 }, { "kp_enter", 0xe05a }, { "kp_decimal", 0x71 },
    { "kp_0", 0x70 }, { "kp_1", 0x69 }, { "kp_2", 0x72 }, { "kp_3", 0x7a }, { "kp_4", 0x6b },
    { "kp_5", 0x73 }, { "kp_6", 0x74 }, { "kp_7", 0x6c }, { "kp_8", 0x75 }, { "kp_9", 0x7d },
    { "insert", 0xe070 }, { "delete", 0xe071 }, { "home", 0xe06c }, { "end", 0xe069 },
    { "pgup", 0xe07d }, { "pgdn", 0xe07a }, { "up", 0xe075 }, { "down", 0xe072 },
    { "left", 0xe06b }, { "right", 0xe074 },
};

#define SENDKEY_MAX I8042_HOLD_MAX

static int key_code(const char *name, size_t len, uint16_t *code)
{
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (strlen(key_names[i].name) == len && !strncmp(key_names[i].name, name, len)) {
            *code = key_names[i].code;
            return 0;
        }
    return -1;
}

/* QEMU's default: long enough for a guest to see the key down, well short
 * of the keyboard's typematic delay. */
#define SENDKEY_HOLD_MS 100

/* The optional hold time in ms; an hour at most, which is plenty. */
static int parse_hold(const char *s, unsigned long *ms)
{
    char *end;
    if (!*s) {
        *ms = SENDKEY_HOLD_MS;
        return 0;
    }
    if (*s < '0' || *s > '9')
        return -1;
    *ms = strtoul(s, &end, 10);
    return *skip_spaces(end) || *ms > 3600000 ? -1 : 0;
}

static void cmd_sendkey(struct monitor *mon, FILE *o, const char *args)
{
    uint16_t codes[SENDKEY_MAX];
    int n = 0;
    size_t total = strcspn(args, " \t");
    unsigned long ms;
    if (parse_hold(skip_spaces(args + total), &ms) < 0) {
        fprintf(o, "invalid hold time: %s\n", skip_spaces(args + total));
        return;
    }
    for (const char *p = args; p < args + total; ) {
        size_t len = strcspn(p, "- \t");
        if (n == SENDKEY_MAX || key_code(p, len, &codes[n]) < 0) {
            fprintf(o, n == SENDKEY_MAX ? "too many keys\n" : "invalid parameter: %.*s\n", (int)len, p);
            return;
        }
        n++;
        p += len + (p[len] == '-');
    }
    if (!n) {
        fprintf(o, "sendkey: which keys? (e.g. sendkey ctrl-alt-delete)\n");
        return;
    }
    /* released on the virtual clock, so the guest sees the keys held */
    i8042_key_hold(&mon->m->kbc, codes, n, (uint64_t)ms * 1000000u);
}

static void cmd_help(struct monitor *mon, FILE *o, const char *args);

static const struct mon_cmd commands[] = {
    { "help|?", "[cmd]", "list the commands, or show one", cmd_help },
    { "info", "[subcommand]", "show the machine's state ('info' lists what)", cmd_info },
    { "x", "/fmt addr", "dump linear memory; fmt: [count][x|d|u|o|c][b|h|w|g]", cmd_x },
    { "xp", "/fmt addr", "dump physical memory; fmt as for x", cmd_xp },
    { "stop", "", "pause the guest", cmd_stop },
    { "cont|c", "", "resume the guest", cmd_cont },
    { "system_reset", "", "reset the machine", cmd_system_reset },
    { "system_powerdown", "", "press the ACPI power button", cmd_system_powerdown },
    { "sendkey", "keys [hold_ms]", "press keys together, QEMU names joined by '-' (ctrl-alt-delete)", cmd_sendkey },
    { "screendump", "file", "write the screen as a PPM picture", cmd_screendump },
    { "screentext", "[file]", "relic's own: print the VGA text screen, or write it to file", cmd_screentext },
    { "quit|q", "", "exit relic", cmd_quit },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void cmd_help(struct monitor *mon, FILE *o, const char *args)
{
    (void)mon;
    size_t len = strcspn(args, " \t");
    const struct mon_cmd *c = len ? find_cmd(commands, N_COMMANDS, args, len) : NULL;
    if (len && !c)
        fprintf(o, "unknown command: '%.*s'\n", (int)len, args);
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!c || c == &commands[i])
            print_cmd_help(o, "", &commands[i]);
}

/* Runs one line; its output goes back over the connection in one piece. */
static void run_line(struct monitor *mon, const char *line)
{
    char *text = NULL;
    size_t size = 0;
    FILE *o = open_memstream(&text, &size);
    if (!o)
        return;
    line = skip_spaces(line);
    size_t len = strcspn(line, " \t/");
    const struct mon_cmd *c = find_cmd(commands, N_COMMANDS, line, len);
    if (c)
        c->fn(mon, o, skip_spaces(line + len));
    else if (len)
        fprintf(o, "unknown command: '%.*s'\n", (int)len, line);
    fclose(o);
    mon_write(mon, text, size);
    free(text);
}

/* ---- input ---- */

/* Arrow and function keys send ESC [ ... or ESC O x: no line editing here,
 * so they are skipped whole instead of leaving "[A" in the line. */
static int skip_escape(struct monitor *mon, uint8_t b)
{
    if (b == 0x1b) {
        mon->in_esc = 1;
        return 1;
    }
    if (mon->in_esc == 1)
        mon->in_esc = b == '[' || b == 'O' ? 2 : 0;
    else if (mon->in_esc == 2 && b >= 0x40 && b <= 0x7e)
        mon->in_esc = 0;
    else if (!mon->in_esc)
        return 0;
    return 1;
}

static void line_byte(struct monitor *mon, uint8_t b)
{
    if (skip_escape(mon, b))
        return;
    int cr = b == '\r';
    if (b == '\n' && mon->last_cr) {
        mon->last_cr = 0;
        return;
    }
    mon->last_cr = cr;
    if (b == '\r' || b == '\n') {
        if (mon->echo)
            mon_puts(mon, "\n");
        mon->line[mon->len] = '\0';
        mon->len = 0;
        run_line(mon, mon->line);
        if (!mon->m->exit_requested)
            prompt(mon);
    } else if (b == 0x7f || b == '\b') {
        if (mon->len) {
            mon->len--;
            if (mon->echo)
                mon_puts(mon, "\b \b");
        }
    } else if (b >= 0x20 && mon->len < MON_LINE_MAX - 1) {
        mon->line[mon->len++] = (char)b;
        if (mon->echo)
            mon_write(mon, (const char *)&b, 1);
    }
}

static void mux_help(struct monitor *mon)
{
    mon_puts(mon, "\n"
             "C-a h    show these keys\n"
             "C-a x    exit relic\n"
             "C-a c    switch between the serial console and the monitor\n"
             "C-a C-a  send C-a\n");
}

static void mux_deliver(struct monitor *mon, uint8_t b)
{
    if (mon->focus)
        line_byte(mon, b);
    else
        chardev_push(mon->mux, &b, 1);
}

/* The key after Ctrl-A. */
static void mux_escape(struct monitor *mon, uint8_t b)
{
    switch (b) {
    case 'x':
        mon_puts(mon, "relic: terminated\n");
        cmd_quit(mon, NULL, "");
        break;
    case 'c':
        mon->focus = !mon->focus;
        if (mon->focus)
            prompt(mon);
        break;
    case 'h': case '?':
        mux_help(mon);
        break;
    case MUX_ESCAPE:
        mux_deliver(mon, b);
        break;
    default:                        /* unknown escapes are dropped, as QEMU does */
        break;
    }
}

static void input_byte(struct monitor *mon, uint8_t b)
{
    if (!mon->mux)
        line_byte(mon, b);
    else if (mon->escape) {
        mon->escape = 0;
        mux_escape(mon, b);
    } else if (b == MUX_ESCAPE)
        mon->escape = 1;
    else
        mux_deliver(mon, b);
}

/* How much to read now: with the mux, no more than the serial port can
 * take. When it can take nothing (a guest that does not read), one byte at
 * a time is still read so Ctrl-A x and Ctrl-A c keep working; keys for the
 * guest are then dropped. */
static size_t read_budget(const struct monitor *mon, size_t cap)
{
    if (!mon->mux)
        return cap;
    size_t room = chardev_room(mon->mux);
    return !room ? 1 : room < cap ? room : cap;
}

static void accept_client(struct monitor *mon)
{
    int fd = accept4(mon->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    mon->in_fd = mon->out_fd = fd;
    mon->is_socket = 1;
    mon->greeted = 0;
    mon->len = 0;
    prompt(mon);
}

static void read_input(struct monitor *mon)
{
    uint8_t buf[256];
    size_t want = read_budget(mon, sizeof buf);
    struct pollfd p = { .fd = mon->in_fd, .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return;
    ssize_t n = read(mon->in_fd, buf, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {                   /* EOF: a client leaves, stdin is done */
        if (mon->is_socket)
            drop_client(mon);
        else
            mon->in_fd = -1;
        return;
    }
    for (ssize_t i = 0; i < n; i++)
        input_byte(mon, buf[i]);
}

void monitor_poll(struct monitor *mon)
{
    if (!mon)
        return;
    if (mon->in_fd < 0 && mon->listen_fd >= 0) {
        struct pollfd p = { .fd = mon->listen_fd, .events = POLLIN };
        if (poll(&p, 1, 0) > 0)
            accept_client(mon);
    }
    if (mon->in_fd >= 0)
        read_input(mon);
}

int monitor_pollfds(const struct monitor *mon, struct pollfd *fds, int max)
{
    if (!mon || max < 1)
        return 0;
    int fd = mon->in_fd >= 0 ? mon->in_fd : mon->listen_fd;
    if (fd < 0)
        return 0;
    fds[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
    return 1;
}

/* ---- set-up ---- */


static struct chardev *mux_serial(struct machine *m)
{
    for (int i = 0; i < m->opts.nserial; i++)
        if (m->opts.serial[i].mux && m->has_uart[i])
            return &m->chr[i];
    return NULL;
}

static void open_stdio(struct monitor *mon)
{
    mon->in_fd = STDIN_FILENO;
    mon->out_fd = STDOUT_FILENO;
    mon->mux = mux_serial(mon->m);
    mon->echo = isatty(STDIN_FILENO);
    /* The mux's serial port set the terminal up already (signals off). */
    if (!mon->mux) {
        mon->tty_saved = chardev_tty_raw(STDIN_FILENO, &mon->saved_tty, 1);
        prompt(mon);
    }
}

/* Blocks until the first client comes, for wait=on (QEMU's default). */
static void wait_for_client(struct monitor *mon)
{
    fprintf(stderr, "relic: waiting for a monitor connection on unix:%s\n", mon->sock_path);
    int fl = fcntl(mon->listen_fd, F_GETFL);
    fcntl(mon->listen_fd, F_SETFL, fl & ~O_NONBLOCK);
    accept_client(mon);
    fcntl(mon->listen_fd, F_SETFL, fl);
}

static int open_unix(struct monitor *mon, const struct monitor_opt *o, char *err, size_t errlen)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (o->pathlen >= sizeof sa.sun_path)
        return fail(err, errlen, "-monitor unix: socket path too long (at most %zu bytes)", sizeof sa.sun_path - 1);
    memcpy(sa.sun_path, o->path, o->pathlen);
    mon->sock_path = strdup(sa.sun_path);
    mon->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (!mon->sock_path || mon->listen_fd < 0)
        return fail(err, errlen, "cannot create the monitor socket: %s", strerror(errno));
    unlink(sa.sun_path);            /* a stale socket from an earlier run */
    if (bind(mon->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(mon->listen_fd, 1) < 0)
        return fail(err, errlen, "cannot listen on monitor socket '%s': %s", sa.sun_path, strerror(errno));
    if (o->wait)
        wait_for_client(mon);
    return 0;
}

int monitor_open(struct machine *m, char *err, size_t errlen)
{
    const struct monitor_opt *o = &m->opts.monitor;
    m->monitor = NULL;
    if (o->kind == MONITOR_NONE)
        return 0;
    struct monitor *mon = calloc(1, sizeof *mon);
    if (!mon)
        return fail(err, errlen, "out of memory");
    *mon = (struct monitor){ .m = m, .listen_fd = -1, .in_fd = -1, .out_fd = -1 };
    m->monitor = mon;
    if (o->kind == MONITOR_STDIO) {
        open_stdio(mon);
        return 0;
    }
    return open_unix(mon, o, err, errlen);
}

void monitor_free(struct monitor *mon)
{
    if (!mon)
        return;
    if (mon->is_socket)
        close(mon->in_fd);
    if (mon->listen_fd >= 0)
        close(mon->listen_fd);
    if (mon->sock_path && mon->listen_fd >= 0)
        unlink(mon->sock_path);
    if (mon->tty_saved)
        tcsetattr(STDIN_FILENO, TCSANOW, &mon->saved_tty);
    free(mon->sock_path);
    free(mon);
}
