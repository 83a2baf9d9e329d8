/* 8042 keyboard controller unit tests: the controller, keyboard and mouse
 * are driven through ports 0x60/0x64 the way a BIOS and an OS driver do.
 * Prints one line per failed check and a final "N passed, N failed". */
#include "devices/i8042.h"
#include "mmu/io.h"
#include <stdio.h>
#include <string.h>

#include "check.h"

struct rig {
    struct iobus bus;
    struct vclock clock;
    struct i8042 k;
    int irq[16], edges[16];
    int a20, a20_calls, resets;
};

static void rig_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    if (level && !r->irq[n])
        r->edges[n]++;
    r->irq[n] = level;
}

static void rig_a20(void *opaque, int on)
{
    struct rig *r = opaque;
    r->a20 = on;
    r->a20_calls++;
}

static void rig_reset(void *opaque)
{
    struct rig *r = opaque;
    r->resets++;
}

static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof *r);
    io_init(&r->bus);
    vclock_init(&r->clock, VCLOCK_MANUAL);
    struct irq_line l1 = { rig_irq, r, 1 }, l12 = { rig_irq, r, 12 };
    CHECK_EQ(i8042_init(&r->k, &r->bus, &r->clock, &l1, &l12, rig_a20, rig_reset, r), 0);
}

static uint8_t status(struct rig *r) { return (uint8_t)io_in(&r->bus, 0x64, 1); }
static void cmd(struct rig *r, uint8_t c) { io_out(&r->bus, 0x64, c, 1); }
static void data(struct rig *r, uint8_t d) { io_out(&r->bus, 0x60, d, 1); }

/* Reads the next byte as a BIOS does: wait for OBF. Returns -1 when empty. */
static int next(struct rig *r)
{
    if (!(status(r) & 1))
        return -1;
    return (int)io_in(&r->bus, 0x60, 1);
}

static int next_aux(struct rig *r, int *aux)
{
    uint8_t s = status(r);
    if (!(s & 1))
        return -1;
    *aux = !!(s & 0x20);
    return (int)io_in(&r->bus, 0x60, 1);
}

static void set_ctr(struct rig *r, uint8_t v)
{
    cmd(r, 0x60);
    data(r, v);
}

static void test_controller(void)
{
    struct rig r;
    rig_init(&r);
    CHECK_EQ(status(&r) & 0x13, 0x10);      /* empty, unlocked */
    cmd(&r, 0xaa);
    CHECK_EQ(status(&r) & 0x0d, 0x0d);      /* OBF, SYS, last write a command */
    CHECK_EQ(next(&r), 0x55);
    CHECK_EQ(next(&r), -1);
    cmd(&r, 0xab);
    CHECK_EQ(next(&r), 0x00);
    cmd(&r, 0xa9);
    CHECK_EQ(next(&r), 0x00);
    set_ctr(&r, 0x65);
    CHECK_EQ(status(&r) & 0x08, 0x00);      /* last write was data */
    cmd(&r, 0x20);
    CHECK_EQ(next(&r), 0x65);
    cmd(&r, 0xa8);                          /* enable aux: clears bit 5 */
    cmd(&r, 0xae);
    cmd(&r, 0x20);
    CHECK_EQ(next(&r), 0x45);
    cmd(&r, 0xad);
    cmd(&r, 0xa7);
    cmd(&r, 0x20);
    CHECK_EQ(next(&r), 0x75);
    /* controller RAM */
    cmd(&r, 0x65);
    data(&r, 0x9c);
    cmd(&r, 0x25);
    CHECK_EQ(next(&r), 0x9c);
    /* IRQ 1 for a controller reply with KBDINT set, dropped by the read */
    set_ctr(&r, 0x01);
    cmd(&r, 0xaa);
    CHECK_EQ(r.irq[1], 1);
    CHECK_EQ(next(&r), 0x55);
    CHECK_EQ(r.irq[1], 0);
    /* 0xd2 writes the keyboard output buffer, 0xd3 the aux one */
    set_ctr(&r, 0x03);
    cmd(&r, 0xd2);
    data(&r, 0x9a);
    CHECK_EQ(r.irq[1], 1);
    CHECK_EQ(status(&r) & 0x20, 0);
    CHECK_EQ(next(&r), 0x9a);
    cmd(&r, 0xd3);
    data(&r, 0x9b);
    CHECK_EQ(r.irq[12], 1);
    CHECK_EQ(r.irq[1], 0);
    CHECK_EQ(status(&r) & 0x21, 0x21);
    CHECK_EQ(next(&r), 0x9b);
    CHECK_EQ(r.irq[12], 0);
    io_free(&r.bus);
}

static void test_outport(void)
{
    struct rig r;
    rig_init(&r);
    cmd(&r, 0xd0);
    CHECK_EQ(next(&r) & 0x03, 0x03);        /* not in reset, A20 on */
    cmd(&r, 0xd1);
    data(&r, 0xdd);                         /* A20 off */
    CHECK_EQ(r.a20_calls, 1);
    CHECK_EQ(r.a20, 0);
    CHECK_EQ(r.resets, 0);
    cmd(&r, 0xd0);
    CHECK_EQ(next(&r) & 0x03, 0x01);
    cmd(&r, 0xd1);
    data(&r, 0xdf);                         /* A20 on */
    CHECK_EQ(r.a20, 1);
    cmd(&r, 0xdd);
    CHECK_EQ(r.a20, 0);
    cmd(&r, 0xdf);
    CHECK_EQ(r.a20, 1);
    cmd(&r, 0xd0);
    CHECK_EQ(next(&r) & 0x02, 0x02);
    cmd(&r, 0xfe);                          /* pulse reset */
    CHECK_EQ(r.resets, 1);
    cmd(&r, 0xff);                          /* pulse nothing */
    CHECK_EQ(r.resets, 1);
    cmd(&r, 0xd1);
    data(&r, 0xde);                         /* reset line low */
    CHECK_EQ(r.resets, 2);
    CHECK_EQ(r.a20, 1);
    io_free(&r.bus);
}

static void test_keyboard(void)
{
    struct rig r;
    rig_init(&r);
    set_ctr(&r, 0x01);                      /* no translation yet */
    data(&r, 0xff);
    CHECK_EQ(r.irq[1], 1);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(r.edges[1], 2);                /* a new edge for the second byte */
    CHECK_EQ(next(&r), 0xaa);
    CHECK_EQ(next(&r), -1);
    data(&r, 0xf2);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0xab);
    CHECK_EQ(next(&r), 0x83);
    data(&r, 0xee);
    CHECK_EQ(next(&r), 0xee);
    data(&r, 0xed);
    CHECK_EQ(next(&r), 0xfa);
    data(&r, 0x07);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(r.k.kbd.leds, 7);
    data(&r, 0xf3);
    CHECK_EQ(next(&r), 0xfa);
    data(&r, 0x20);
    CHECK_EQ(next(&r), 0xfa);
    data(&r, 0xf0);
    CHECK_EQ(next(&r), 0xfa);
    data(&r, 0x00);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0x02);
    data(&r, 0xfe);                         /* resend */
    CHECK_EQ(next(&r), 0x02);
    data(&r, 0x12);                         /* not a command */
    CHECK_EQ(next(&r), 0xfe);

    /* set 2 key codes, untranslated: A make and break, right Ctrl */
    i8042_key(&r.k, 0x1c, 1);
    i8042_key(&r.k, 0x1c, 0);
    i8042_key(&r.k, 0xe014, 1);
    CHECK_EQ(next(&r), 0x1c);
    CHECK_EQ(next(&r), 0xf0);
    CHECK_EQ(next(&r), 0x1c);
    CHECK_EQ(next(&r), 0xe0);
    CHECK_EQ(next(&r), 0x14);
    CHECK_EQ(next(&r), -1);

    /* with translation on, the controller hands out set 1 */
    set_ctr(&r, 0x41);
    i8042_key(&r.k, 0x1c, 1);
    i8042_key(&r.k, 0x1c, 0);
    i8042_key(&r.k, 0xe075, 1);             /* up arrow */
    i8042_key(&r.k, 0xe075, 0);
    CHECK_EQ(next(&r), 0x1e);
    CHECK_EQ(next(&r), 0x9e);
    CHECK_EQ(next(&r), 0xe0);
    CHECK_EQ(next(&r), 0x48);
    CHECK_EQ(next(&r), 0xe0);
    CHECK_EQ(next(&r), 0xc8);
    CHECK_EQ(next(&r), -1);
    data(&r, 0xf2);                         /* translated ID as a PC sees it */
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0xab);
    CHECK_EQ(next(&r), 0x41);
    /* a set 1 code from the UI */
    i8042_key_set1(&r.k, 0x1c, 1);          /* Enter */
    CHECK_EQ(next(&r), 0x1c);
    i8042_key_set1(&r.k, 0xe01d, 0);        /* right Ctrl up */
    CHECK_EQ(next(&r), 0xe0);
    CHECK_EQ(next(&r), 0x9d);
    /* Pause, translated from its set 2 sequence */
    i8042_key(&r.k, 0xe114, 1);
    i8042_key(&r.k, 0xe114, 0);
    static const uint8_t pause1[6] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
    for (int i = 0; i < 6; i++)
        CHECK_EQ(next(&r), pause1[i]);
    CHECK_EQ(next(&r), -1);

    /* keyboard in set 1, translation off */
    set_ctr(&r, 0x01);
    data(&r, 0xf0);
    data(&r, 0x01);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0xfa);
    i8042_key(&r.k, 0x76, 1);               /* Esc */
    i8042_key(&r.k, 0x76, 0);
    CHECK_EQ(next(&r), 0x01);
    CHECK_EQ(next(&r), 0x81);

    /* disabled scanning: keys are dropped; interface disable holds bytes */
    data(&r, 0xf5);
    CHECK_EQ(next(&r), 0xfa);
    i8042_key(&r.k, 0x1c, 1);
    CHECK_EQ(next(&r), -1);
    data(&r, 0xf4);
    CHECK_EQ(next(&r), 0xfa);
    cmd(&r, 0xad);
    i8042_key(&r.k, 0x1c, 1);
    CHECK_EQ(next(&r), -1);
    cmd(&r, 0xae);
    CHECK_EQ(next(&r), 0x1c);               /* set 2 again after 0xf5 defaults */
    cmd(&r, 0xad);
    data(&r, 0xee);                         /* a byte for the keyboard enables its port */
    CHECK_EQ(next(&r), 0xee);
    cmd(&r, 0x20);
    CHECK_EQ(next(&r) & 0x10, 0x00);
    io_free(&r.bus);
}

static void test_mouse(void)
{
    struct rig r;
    int aux = 0;
    rig_init(&r);
    set_ctr(&r, 0x03);
    cmd(&r, 0xd4);
    data(&r, 0xff);
    CHECK_EQ(r.irq[12], 1);
    CHECK_EQ(next_aux(&r, &aux), 0xfa);
    CHECK_EQ(aux, 1);
    CHECK_EQ(next_aux(&r, &aux), 0xaa);
    CHECK_EQ(next_aux(&r, &aux), 0x00);
    CHECK_EQ(aux, 1);
    CHECK_EQ(next(&r), -1);
    CHECK_EQ(r.irq[12], 0);
    CHECK_EQ(r.edges[12], 3);
    CHECK_EQ(r.edges[1], 0);
    /* IntelliMouse knock: sample rates 200, 100, 80 then ID 3 */
    static const uint8_t knock[] = { 200, 100, 80 };
    for (int i = 0; i < 3; i++) {
        cmd(&r, 0xd4); data(&r, 0xf3);
        CHECK_EQ(next(&r), 0xfa);
        cmd(&r, 0xd4); data(&r, knock[i]);
        CHECK_EQ(next(&r), 0xfa);
    }
    cmd(&r, 0xd4);
    data(&r, 0xf2);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0x03);
    /* resolution and status request */
    cmd(&r, 0xd4); data(&r, 0xe8);
    CHECK_EQ(next(&r), 0xfa);
    cmd(&r, 0xd4); data(&r, 0x03);
    CHECK_EQ(next(&r), 0xfa);
    cmd(&r, 0xd4); data(&r, 0xe7);
    CHECK_EQ(next(&r), 0xfa);
    cmd(&r, 0xd4); data(&r, 0xe9);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0x10);               /* stream, disabled, 2:1 */
    CHECK_EQ(next(&r), 0x03);
    CHECK_EQ(next(&r), 80);
    /* no packets until reporting is enabled */
    i8042_mouse_motion(&r.k, 5, 5, 0, 0);
    CHECK_EQ(next(&r), -1);
    cmd(&r, 0xd4); data(&r, 0xf4);
    CHECK_EQ(next(&r), 0xfa);
    /* right 10, up 3 (screen dy -3), wheel 1, left button: 4-byte packet */
    i8042_mouse_motion(&r.k, 10, -3, 1, 1);
    CHECK_EQ(next_aux(&r, &aux), 0x09);
    CHECK_EQ(aux, 1);
    CHECK_EQ(next(&r), 20);                 /* 2:1 scaling */
    CHECK_EQ(next(&r), 3);
    CHECK_EQ(next(&r), 0x01);
    CHECK_EQ(next(&r), -1);
    cmd(&r, 0xd4); data(&r, 0xe6);          /* scaling 1:1 */
    CHECK_EQ(next(&r), 0xfa);
    i8042_mouse_motion(&r.k, 10, -3, 0, 1);
    CHECK_EQ(next(&r), 0x09);
    CHECK_EQ(next(&r), 10);
    CHECK_EQ(next(&r), 3);
    CHECK_EQ(next(&r), 0x00);
    /* left 2, down 300: clamped, sign bits, the rest follows in a second packet */
    i8042_mouse_motion(&r.k, -2, 300, -1, 0);
    CHECK_EQ(next(&r), 0x38);
    CHECK_EQ(next(&r), 0xfe);
    CHECK_EQ(next(&r), 0x00);               /* -256 */
    CHECK_EQ(next(&r), 0xff);
    CHECK_EQ(next(&r), 0x28);
    CHECK_EQ(next(&r), 0x00);
    CHECK_EQ(next(&r), (uint8_t)-44);
    CHECK_EQ(next(&r), 0x00);
    CHECK_EQ(next(&r), -1);
    /* aux port disabled: mouse bytes wait, keyboard bytes pass */
    cmd(&r, 0xa7);
    i8042_mouse_motion(&r.k, 1, 0, 0, 0);
    CHECK_EQ(next(&r), -1);
    cmd(&r, 0xa8);
    CHECK_EQ(next_aux(&r, &aux), 0x08);
    CHECK_EQ(aux, 1);
    next(&r); next(&r); next(&r);
    /* remote mode: read data on request */
    cmd(&r, 0xd4); data(&r, 0xf0);
    CHECK_EQ(next(&r), 0xfa);
    i8042_mouse_motion(&r.k, 7, 0, 0, 2);
    CHECK_EQ(next(&r), -1);
    cmd(&r, 0xd4); data(&r, 0xeb);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0x0a);
    CHECK_EQ(next(&r), 7);
    CHECK_EQ(next(&r), 0);
    CHECK_EQ(next(&r), 0);
    /* reset drops the wheel ID */
    cmd(&r, 0xd4); data(&r, 0xff);
    next(&r); next(&r); next(&r);
    cmd(&r, 0xd4); data(&r, 0xf2);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0x00);
    io_free(&r.bus);
}

/* ---- typematic ------------------------------------------------------------
 * Expected times from the IBM formula: delay (bits 5-6 + 1) * 250 ms,
 * period (8 + bits 0-2) * 2^(bits 3-4) * 4.17 ms. */
#define MS 1000000ull
#define P_2B 91740000ull        /* 0x2b: (8 + 3) * 2 * 4.17 ms, 10.9 cps */
#define P_00 33360000ull        /* 0x00: 8 * 1 * 4.17 ms, 30 cps */
#define P_7F 500400000ull       /* 0x7f: (8 + 7) * 8 * 4.17 ms, 2 cps */

/* Moves virtual time to ns and runs what fell due, as the machine loop does. */
static void at(struct rig *r, uint64_t ns)
{
    vclock_set(&r->clock, ns);
    vclock_run_timers(&r->clock);
}

static uint64_t now(struct rig *r) { return vclock_now(&r->clock); }

/* An untranslated keyboard in set 2, nothing waiting. */
static void rig_kbd(struct rig *r)
{
    rig_init(r);
    set_ctr(r, 0x01);
}

static void set_typematic(struct rig *r, uint8_t t)
{
    data(r, 0xf3);
    data(r, t);
    CHECK_EQ(next(r), 0xfa);
    CHECK_EQ(next(r), 0xfa);
}

/* A held: its make, nothing before the delay, then one make a period. */
static void check_timing(struct rig *r, uint64_t delay, uint64_t period, int repeats)
{
    uint64_t t0 = now(r);
    i8042_key(&r->k, 0x1c, 1);
    CHECK_EQ(next(r), 0x1c);
    at(r, t0 + delay - 1);
    CHECK_EQ(next(r), -1);
    for (int i = 0; i < repeats; i++) {
        uint64_t due = t0 + delay + (uint64_t)i * period;
        at(r, due - 1);
        CHECK_EQ(next(r), -1);
        at(r, due);
        CHECK_EQ(next(r), 0x1c);
        CHECK_EQ(next(r), -1);
    }
    i8042_key(&r->k, 0x1c, 0);
    CHECK_EQ(next(r), 0xf0);
    CHECK_EQ(next(r), 0x1c);
    at(r, now(r) + 3000 * MS);
    CHECK_EQ(next(r), -1);              /* release stops it */
}

static void test_typematic_rates(void)
{
    struct rig r;
    rig_kbd(&r);
    CHECK_EQ(r.k.kbd.typematic, 0x2b);
    check_timing(&r, 500 * MS, P_2B, 12);   /* a second and more of 10.9 cps */
    set_typematic(&r, 0x00);
    check_timing(&r, 250 * MS, P_00, 31);
    set_typematic(&r, 0x7f);
    check_timing(&r, 1000 * MS, P_7F, 3);
    io_free(&r.bus);
}

/* Reads the next bytes and checks them against want[0..n-1], then empty. */
static void expect(struct rig *r, const uint8_t *want, int n)
{
    for (int i = 0; i < n; i++)
        CHECK_EQ(next(r), want[i]);
    CHECK_EQ(next(r), -1);
}

static void test_typematic_extended(void)
{
    struct rig r;
    rig_kbd(&r);
    static const uint8_t up2[2] = { 0xe0, 0x75 }, up1[2] = { 0xe0, 0x48 };
    i8042_key(&r.k, 0xe075, 1);
    expect(&r, up2, 2);
    at(&r, 500 * MS);
    expect(&r, up2, 2);
    at(&r, 500 * MS + P_2B);
    expect(&r, up2, 2);
    i8042_key(&r.k, 0xe075, 0);
    static const uint8_t brk2[3] = { 0xe0, 0xf0, 0x75 };
    expect(&r, brk2, 3);

    set_ctr(&r, 0x41);                  /* the controller translates to set 1 */
    uint64_t t0 = now(&r);
    i8042_key(&r.k, 0xe075, 1);
    expect(&r, up1, 2);
    at(&r, t0 + 500 * MS);
    expect(&r, up1, 2);
    at(&r, t0 + 500 * MS + P_2B);
    expect(&r, up1, 2);
    i8042_key(&r.k, 0xe075, 0);
    static const uint8_t brk1[2] = { 0xe0, 0xc8 };
    expect(&r, brk1, 2);

    set_ctr(&r, 0x01);                  /* the keyboard itself in set 1 */
    data(&r, 0xf0);
    data(&r, 0x01);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0xfa);
    t0 = now(&r);
    i8042_key(&r.k, 0xe075, 1);
    expect(&r, up1, 2);
    at(&r, t0 + 500 * MS);
    expect(&r, up1, 2);
    i8042_key(&r.k, 0xe075, 0);
    expect(&r, brk1, 2);
    at(&r, t0 + 2000 * MS);
    CHECK_EQ(next(&r), -1);
    io_free(&r.bus);
}

static void test_typematic_two_keys(void)
{
    struct rig r;
    rig_kbd(&r);
    i8042_key(&r.k, 0x1c, 1);           /* A at 0 */
    CHECK_EQ(next(&r), 0x1c);
    at(&r, 300 * MS);
    i8042_key(&r.k, 0x32, 1);           /* B at 300 ms takes over */
    CHECK_EQ(next(&r), 0x32);
    at(&r, 799 * MS);
    CHECK_EQ(next(&r), -1);             /* A's 500 ms passed without a repeat */
    at(&r, 800 * MS);
    CHECK_EQ(next(&r), 0x32);
    i8042_key(&r.k, 0x1c, 0);           /* releasing A leaves B repeating */
    CHECK_EQ(next(&r), 0xf0);
    CHECK_EQ(next(&r), 0x1c);
    at(&r, 800 * MS + P_2B);
    CHECK_EQ(next(&r), 0x32);
    CHECK_EQ(next(&r), -1);
    at(&r, 800 * MS + 2 * P_2B);
    CHECK_EQ(next(&r), 0x32);
    i8042_key(&r.k, 0x32, 0);
    CHECK_EQ(next(&r), 0xf0);
    CHECK_EQ(next(&r), 0x32);
    at(&r, 3000 * MS);
    CHECK_EQ(next(&r), -1);

    /* Pause is the last key pressed but never repeats: nothing does */
    i8042_key(&r.k, 0x1c, 1);
    CHECK_EQ(next(&r), 0x1c);
    i8042_key(&r.k, 0xe114, 1);
    for (int i = 0; i < 8; i++)
        CHECK(next(&r) >= 0);
    at(&r, 6000 * MS);
    CHECK_EQ(next(&r), -1);
    io_free(&r.bus);
}

/* A held and repeating; then cmd (with its replies read) must stop it. */
static void check_stops(struct rig *r, uint8_t cmd_byte, int replies)
{
    uint64_t t0 = now(r);
    i8042_key(&r->k, 0x1c, 1);
    CHECK_EQ(next(r), 0x1c);
    at(r, t0 + 500 * MS);
    CHECK_EQ(next(r), 0x1c);
    data(r, cmd_byte);
    for (int i = 0; i < replies; i++)
        CHECK(next(r) >= 0);
    data(r, 0xf4);                      /* scanning again: still no repeat */
    CHECK_EQ(next(r), 0xfa);
    at(r, t0 + 5000 * MS);
    CHECK_EQ(next(r), -1);
}

static void test_typematic_stops(void)
{
    struct rig r;
    rig_kbd(&r);
    check_stops(&r, 0xf5, 1);           /* default disable */
    check_stops(&r, 0xf6, 1);           /* set default */
    check_stops(&r, 0xff, 2);           /* reset: ACK, 0xaa */
    check_stops(&r, 0xf4, 1);           /* enable also forgets the key */

    /* machine reset */
    i8042_key(&r.k, 0x1c, 1);
    CHECK_EQ(next(&r), 0x1c);
    i8042_reset(&r.k);
    set_ctr(&r, 0x01);
    at(&r, now(&r) + 5000 * MS);
    CHECK_EQ(next(&r), -1);

    /* set 3: repeats until 0xf8 makes all keys make/break only */
    data(&r, 0xf0);
    data(&r, 0x03);
    CHECK_EQ(next(&r), 0xfa);
    CHECK_EQ(next(&r), 0xfa);
    uint64_t t0 = now(&r);
    i8042_key(&r.k, 0x1c, 1);
    CHECK_EQ(next(&r), 0x1c);
    at(&r, t0 + 500 * MS);
    CHECK_EQ(next(&r), 0x1c);
    data(&r, 0xf8);
    CHECK_EQ(next(&r), 0xfa);
    i8042_key(&r.k, 0x32, 1);
    CHECK_EQ(next(&r), 0x32);
    at(&r, t0 + 5000 * MS);
    CHECK_EQ(next(&r), -1);
    io_free(&r.bus);
}

static void test_typematic_rate_change(void)
{
    struct rig r;
    rig_kbd(&r);
    i8042_key(&r.k, 0x1c, 1);
    CHECK_EQ(next(&r), 0x1c);
    at(&r, 500 * MS);
    CHECK_EQ(next(&r), 0x1c);
    set_typematic(&r, 0x00);            /* the repeat already due keeps its time */
    at(&r, 500 * MS + P_2B - 1);
    CHECK_EQ(next(&r), -1);
    at(&r, 500 * MS + P_2B);
    CHECK_EQ(next(&r), 0x1c);
    at(&r, 500 * MS + P_2B + P_00 - 1);
    CHECK_EQ(next(&r), -1);
    at(&r, 500 * MS + P_2B + P_00);     /* then the new rate */
    CHECK_EQ(next(&r), 0x1c);
    io_free(&r.bus);
}

/* A guest that stops reading gets one stored repeat, not a backlog. */
static void test_typematic_queue_full(void)
{
    struct rig r;
    rig_kbd(&r);
    i8042_key(&r.k, 0x1c, 1);           /* its make waits in the output buffer */
    at(&r, 500 * MS);
    at(&r, 500 * MS + 10 * P_2B);
    CHECK_EQ(next(&r), 0x1c);
    CHECK_EQ(next(&r), 0x1c);
    CHECK_EQ(next(&r), -1);
    at(&r, 500 * MS + 11 * P_2B);       /* the rate's own rhythm resumes */
    CHECK_EQ(next(&r), 0x1c);
    CHECK_EQ(next(&r), -1);

    /* port disabled: the one stored repeat waits, the rest are dropped */
    cmd(&r, 0xad);
    at(&r, 500 * MS + 20 * P_2B);
    CHECK_EQ(next(&r), -1);
    cmd(&r, 0xae);
    CHECK_EQ(next(&r), 0x1c);
    CHECK_EQ(next(&r), -1);
    io_free(&r.bus);
}

static void test_key_hold(void)
{
    struct rig r;
    rig_kbd(&r);
    static const uint16_t ctrl_a[2] = { 0x14, 0x1c };
    i8042_key_hold(&r.k, ctrl_a, 2, 100 * MS);
    CHECK_EQ(next(&r), 0x14);
    CHECK_EQ(next(&r), 0x1c);
    at(&r, 100 * MS - 1);
    CHECK_EQ(next(&r), -1);
    at(&r, 100 * MS);                   /* released in reverse order */
    static const uint8_t up[4] = { 0xf0, 0x1c, 0xf0, 0x14 };
    expect(&r, up, 4);

    /* held past the delay, the key repeats until its release at 1 s */
    uint64_t t0 = 1000 * MS;
    at(&r, t0);
    i8042_key_hold(&r.k, &ctrl_a[1], 1, 1000 * MS);
    CHECK_EQ(next(&r), 0x1c);
    int repeats = 0;
    for (uint64_t t = t0; t <= t0 + 1000 * MS; t += MS) {
        at(&r, t);
        int b;
        while ((b = next(&r)) == 0x1c)
            repeats++;
        if (b == 0xf0) {
            CHECK_EQ(next(&r), 0x1c);
            break;
        }
    }
    CHECK_EQ(repeats, 6);               /* 500 ms + 0..5 periods < 1000 ms */
    at(&r, t0 + 3000 * MS);
    CHECK_EQ(next(&r), -1);

    /* a new hold releases the keys still held first */
    t0 = now(&r);
    i8042_key_hold(&r.k, ctrl_a, 2, 1000 * MS);
    CHECK_EQ(next(&r), 0x14);
    CHECK_EQ(next(&r), 0x1c);
    static const uint16_t b = 0x32;
    i8042_key_hold(&r.k, &b, 1, 100 * MS);
    static const uint8_t swap[5] = { 0xf0, 0x1c, 0xf0, 0x14, 0x32 };
    expect(&r, swap, 5);
    at(&r, t0 + 100 * MS);
    CHECK_EQ(next(&r), 0xf0);
    CHECK_EQ(next(&r), 0x32);
    at(&r, t0 + 2000 * MS);
    CHECK_EQ(next(&r), -1);

    /* machine reset forgets a hold */
    i8042_key_hold(&r.k, &b, 1, 100 * MS);
    CHECK_EQ(next(&r), 0x32);
    i8042_reset(&r.k);
    set_ctr(&r, 0x01);
    at(&r, now(&r) + 1000 * MS);
    CHECK_EQ(next(&r), -1);
    io_free(&r.bus);
}

static void test_ports_taken(void)
{
    struct rig r;
    rig_init(&r);
    struct i8042 k2;
    CHECK_EQ(i8042_init(&k2, &r.bus, &r.clock, NULL, NULL, NULL, NULL, NULL), -1);
    CHECK_EQ(i8042_translate(0x76), 0x01);
    CHECK_EQ(i8042_translate(0xfa), 0xfa);
    CHECK(status(&r) & 0x10);
    io_free(&r.bus);
}

int main(void)
{
    test_controller();
    test_outport();
    test_keyboard();
    test_mouse();
    test_ports_taken();
    test_typematic_rates();
    test_typematic_extended();
    test_typematic_two_keys();
    test_typematic_stops();
    test_typematic_rate_change();
    test_typematic_queue_full();
    test_key_hold();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
