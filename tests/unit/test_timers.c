/* Interrupt controller and timer unit tests: the two 8259As, the 8254 with
 * port 0x61, and the MC146818 RTC/CMOS, wired as on a PC (PIT OUT0 -> IRQ 0,
 * RTC -> IRQ 8) and driven through io_out/io_in as a guest would, on a manual
 * virtual clock. A small "CPU" loop acknowledges interrupts with pic_ack.
 * Prints one line per failed check and a final "N passed, N failed". */
#include "machine/timer.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "mmu/io.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want) check_eq((uint32_t)(got), (uint32_t)(want), #got, __FILE__, __LINE__)

static void check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s:%d: %s\n", file, line, what);
}

static void check_eq(uint32_t got, uint32_t want, const char *what, const char *file, int line)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s:%d: %s is 0x%x (%u), want 0x%x (%u)\n", file, line, what, got, got, want, want);
}

/* ---- the rig: a PC's interrupt and timer chips on one bus ---- */

struct rig {
    struct iobus bus;
    struct vclock clock;
    struct pic pic;
    struct pit pit;
    struct rtc rtc;
    int intr, intr_changes;
};

static struct rig R;

static void on_intr(void *opaque, int level)
{
    struct rig *r = opaque;
    r->intr = level;
    r->intr_changes++;
}

static void out8(uint16_t port, uint8_t v) { io_out(&R.bus, port, v, 1); }
static uint8_t in8(uint16_t port) { return (uint8_t)io_in(&R.bus, port, 1); }

static void rig_init(void)
{
    memset(&R, 0, sizeof R);
    io_init(&R.bus);
    vclock_init(&R.clock, VCLOCK_MANUAL);
    CHECK_EQ(pic_init(&R.pic, &R.bus, on_intr, &R), 0);
    CHECK_EQ(pit_init(&R.pit, &R.bus, &R.clock,
                      (struct irq_line){ pic_irq_line_set, &R.pic, 0 }), 0);
    CHECK_EQ(rtc_init(&R.rtc, &R.bus, &R.clock,
                      (struct irq_line){ pic_irq_line_set, &R.pic, 8 }), 0);
}

static void rig_free(void)
{
    timer_del(&R.pit.irq_timer);
    timer_del(&R.rtc.periodic_timer);
    timer_del(&R.rtc.update_timer);
    io_free(&R.bus);
}

/* The BIOS's PIC set-up: vectors 0x08 and 0x70, cascade on IR2, 8086 mode. */
static void pic_program(uint8_t icw4)
{
    out8(0x20, 0x11); out8(0x21, 0x08); out8(0x21, 0x04); out8(0x21, icw4);
    out8(0xa0, 0x11); out8(0xa1, 0x70); out8(0xa1, 0x02); out8(0xa1, icw4);
    out8(0x21, 0x00);
    out8(0xa1, 0x00);
}

static uint8_t read_isr(uint16_t base) { out8(base, 0x0b); return in8(base); }
static uint8_t read_irr(uint16_t base) { out8(base, 0x0a); return in8(base); }

/* Virtual ns at which the PIT clock reaches tick t (tick 0 at ns 0). */
static uint64_t at_tick(uint64_t t) { return (t * 1000000000ull + PIT_HZ - 1) / PIT_HZ; }

static void go(uint64_t ns)
{
    vclock_set(&R.clock, ns);
    vclock_run_timers(&R.clock);
}

/* ---- PIC ---- */

static void test_pic_init(void)
{
    rig_init();
    out8(0x20, 0x11); out8(0x21, 0x08); out8(0x21, 0x04); out8(0x21, 0x01);
    CHECK_EQ(in8(0x21), 0x00);                  /* ICW1 cleared the mask */
    out8(0x21, 0xa5);
    CHECK_EQ(in8(0x21), 0xa5);                  /* OCW1 reads back */
    out8(0x21, 0x00);
    CHECK_EQ(R.pic.chip[0].vector_base, 0x08);
    CHECK_EQ(read_irr(0x20), 0);
    CHECK_EQ(read_isr(0x20), 0);
    CHECK_EQ(in8(0x20), 0);                     /* OCW3 choice sticks: ISR */
    CHECK_EQ(pic_intr(&R.pic), 0);
    rig_free();
}

static void test_pic_priority_eoi(void)
{
    rig_init();
    pic_program(0x01);
    pic_set_irq(&R.pic, 3, 1);
    pic_set_irq(&R.pic, 1, 1);
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(read_irr(0x20), 0x0a);
    CHECK_EQ(pic_ack(&R.pic), 0x09);            /* IRQ 1 beats IRQ 3 */
    CHECK_EQ(read_isr(0x20), 0x02);
    CHECK_EQ(read_irr(0x20), 0x08);
    CHECK_EQ(R.intr, 0);                        /* 3 waits for 1's EOI */
    pic_set_irq(&R.pic, 0, 1);                  /* but 0 outranks 1 */
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x08);
    CHECK_EQ(read_isr(0x20), 0x03);
    out8(0x20, 0x20);                           /* non-specific EOI: ends IRQ 0 */
    CHECK_EQ(read_isr(0x20), 0x02);
    CHECK_EQ(R.intr, 0);
    out8(0x20, 0x61);                           /* specific EOI 1 */
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x0b);
    out8(0x20, 0x20);
    CHECK_EQ(R.intr, 0);

    /* edge inputs: no new request without a new rising edge */
    pic_set_irq(&R.pic, 3, 1);
    CHECK_EQ(R.intr, 0);
    pic_set_irq(&R.pic, 3, 0);
    pic_set_irq(&R.pic, 3, 1);
    CHECK_EQ(R.intr, 1);
    /* masked: no INTR; unmasked: back */
    out8(0x21, 0x08);
    CHECK_EQ(R.intr, 0);
    out8(0x21, 0x00);
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x0b);
    out8(0x20, 0x20);

    /* set priority: IRQ 4 lowest, so 5 beats 1 */
    out8(0x20, 0xc4);
    pic_set_irq(&R.pic, 1, 0); pic_set_irq(&R.pic, 1, 1);
    pic_set_irq(&R.pic, 5, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x0d);
    out8(0x20, 0xe5);                           /* rotate on specific EOI 5: 5 lowest */
    CHECK_EQ(pic_ack(&R.pic), 0x09);
    out8(0x20, 0x20);

    /* poll mode: the read acknowledges */
    out8(0x20, 0xc7);                           /* back to IRQ 0 highest */
    pic_set_irq(&R.pic, 6, 1);
    out8(0x20, 0x0c);
    CHECK_EQ(in8(0x20), 0x86);
    CHECK_EQ(read_isr(0x20), 0x40);
    out8(0x20, 0x20);
    out8(0x20, 0x0c);
    CHECK_EQ(in8(0x20), 0x00);                  /* nothing pending */
    rig_free();
}

static void test_pic_aeoi_special_mask(void)
{
    rig_init();
    pic_program(0x03);                          /* auto-EOI */
    pic_set_irq(&R.pic, 4, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x0c);
    CHECK_EQ(read_isr(0x20), 0x00);             /* nothing left in service */
    pic_program(0x01);
    /* special mask mode: with IRQ 1 in service and masked, IRQ 5 gets through */
    pic_set_irq(&R.pic, 1, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x09);
    pic_set_irq(&R.pic, 5, 1);
    CHECK_EQ(R.intr, 0);
    out8(0x21, 0x02);
    out8(0x20, 0x68);                           /* OCW3: set special mask */
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x0d);
    out8(0x20, 0x65);
    out8(0x20, 0x48);                           /* clear special mask */
    out8(0x21, 0x00);
    out8(0x20, 0x61);
    CHECK_EQ(read_isr(0x20), 0x00);
    rig_free();
}

static void test_pic_cascade_spurious_elcr(void)
{
    rig_init();
    pic_program(0x01);
    pic_set_irq(&R.pic, 10, 1);
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(read_irr(0x20), 0x04);
    CHECK_EQ(pic_ack(&R.pic), 0x72);
    CHECK_EQ(read_isr(0x20), 0x04);
    CHECK_EQ(read_isr(0xa0), 0x04);
    pic_set_irq(&R.pic, 9, 1);                  /* 9 outranks 10 on the slave, but */
    CHECK_EQ(R.intr, 0);                        /* the master's IR2 is in service */
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x71);
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    pic_set_irq(&R.pic, 2, 1);                  /* the ISA IRQ2 pin is IRQ 9 */
    pic_set_irq(&R.pic, 9, 0);
    pic_set_irq(&R.pic, 2, 0); pic_set_irq(&R.pic, 2, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x71);
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    pic_set_irq(&R.pic, 2, 0);
    pic_set_irq(&R.pic, 10, 0);

    /* ELCR: only the allowed bits stick */
    out8(0x4d0, 0xff);
    out8(0x4d1, 0xff);
    CHECK_EQ(in8(0x4d0), 0xf8);
    CHECK_EQ(in8(0x4d1), 0xde);
    out8(0x4d0, 0x20);                          /* IRQ 5 level */
    out8(0x4d1, 0x08);                          /* IRQ 11 level */

    /* level mode: the request lasts while the line is high, across EOIs */
    pic_set_irq(&R.pic, 5, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x0d);
    out8(0x20, 0x20);
    CHECK_EQ(R.intr, 1);                        /* still high: asks again */
    CHECK_EQ(pic_ack(&R.pic), 0x0d);
    pic_set_irq(&R.pic, 5, 0);
    out8(0x20, 0x20);
    CHECK_EQ(R.intr, 0);

    /* spurious IRQ 7: the line drops between INTR and INTA */
    pic_set_irq(&R.pic, 5, 1);
    CHECK_EQ(R.intr, 1);
    pic_set_irq(&R.pic, 5, 0);
    CHECK_EQ(pic_ack(&R.pic), 0x0f);
    CHECK_EQ(read_isr(0x20), 0x00);             /* no ISR bit for a spurious IRQ */

    /* spurious IRQ 15: the master latched IR2, the slave's request went away */
    pic_set_irq(&R.pic, 11, 1);
    CHECK_EQ(R.intr, 1);
    pic_set_irq(&R.pic, 11, 0);
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x77);
    CHECK_EQ(read_isr(0xa0), 0x00);
    CHECK_EQ(read_isr(0x20), 0x04);             /* the master's IR2 still needs an EOI */
    out8(0x20, 0x20);
    CHECK_EQ(R.intr, 0);
    rig_free();
}

/* ---- PIT ---- */

static unsigned latch_read(int ch)
{
    out8(0x43, (uint8_t)(ch << 6));             /* counter latch */
    unsigned lo = in8((uint16_t)(0x40 + ch));
    return lo | (unsigned)in8((uint16_t)(0x40 + ch)) << 8;
}

static void test_pit_mode0(void)
{
    rig_init();
    pic_program(0x01);
    go(1000);
    uint64_t t0 = at_tick(10);                  /* load at tick 10 */
    go(t0);
    out8(0x43, 0x30);                           /* ch0, LSB/MSB, mode 0 */
    out8(0x40, 1000 & 0xff);
    out8(0x40, 1000 >> 8);
    CHECK_EQ(R.intr, 0);
    go(at_tick(10 + 500));
    CHECK_EQ(latch_read(0), 500);
    out8(0x43, 0xe2);                           /* read-back status of ch0 */
    CHECK_EQ(in8(0x40), 0x30);                  /* OUT low, counting, LSB/MSB, mode 0 */
    go(at_tick(10 + 999));
    CHECK_EQ(R.intr, 0);
    go(at_tick(10 + 1000));
    CHECK_EQ(R.intr, 1);                        /* terminal count: OUT rises */
    CHECK_EQ(pic_ack(&R.pic), 0x08);
    out8(0x20, 0x20);
    go(at_tick(10 + 1003));
    CHECK_EQ(latch_read(0), 0xfffd);            /* keeps counting, wrapped */
    out8(0x43, 0xe2);
    CHECK_EQ(in8(0x40), 0xb0);                  /* OUT high */
    CHECK_EQ(timer_armed(&R.pit.irq_timer), 0); /* one shot: nothing more to do */

    /* BCD on channel 1, LSB only */
    out8(0x43, 0x51);                           /* ch1, LSB, mode 0, BCD */
    out8(0x41, 0x50);                           /* 50 */
    go(at_tick(10 + 1003 + 7));
    CHECK_EQ(in8(0x41), 0x43);                  /* 43 in BCD */
    rig_free();
}

static void test_pit_mode2_readback(void)
{
    rig_init();
    out8(0x43, 0x34);                           /* ch0, LSB/MSB, mode 2 */
    out8(0x40, 100);
    out8(0x40, 0);
    go(at_tick(250));
    out8(0x43, 0xc2);                           /* read-back: count and status, ch0 */
    CHECK_EQ(in8(0x40), 0xb4);                  /* OUT high, LSB/MSB, mode 2 */
    CHECK_EQ(in8(0x40), 50);
    CHECK_EQ(in8(0x40), 0);
    go(at_tick(299));
    out8(0x43, 0xe2);
    CHECK_EQ(in8(0x40), 0x34);                  /* count 1: OUT low */
    go(at_tick(300));
    out8(0x43, 0xe2);
    CHECK_EQ(in8(0x40), 0xb4);
    /* a latch holds its value while time moves on */
    go(at_tick(310));
    out8(0x43, 0x00);
    go(at_tick(340));
    CHECK_EQ(in8(0x40), 90);
    go(at_tick(345));
    CHECK_EQ(in8(0x40), 0);
    /* without a latch, reads are live and alternate LSB/MSB */
    CHECK_EQ(in8(0x40), 55);
    CHECK_EQ(in8(0x40), 0);
    rig_free();
}

static void test_pit_mode3_portb(void)
{
    rig_init();
    CHECK_EQ(in8(0x61) & 0x0f, 0);
    out8(0x43, 0xb6);                           /* ch2, LSB/MSB, mode 3 */
    out8(0x42, 1000 & 0xff);
    out8(0x42, 1000 >> 8);
    go(at_tick(100));
    CHECK_EQ(latch_read(2), 1000);              /* gate low: not counting */
    out8(0x61, 0x03);                           /* gate on, speaker on */
    CHECK(pit_speaker_on(&R.pit));
    CHECK_EQ(in8(0x61) & 0x23, 0x23);           /* OUT2 high in the first half */
    go(at_tick(200));
    CHECK_EQ(latch_read(2), 800);               /* mode 3 counts by two */
    go(at_tick(100 + 600));
    CHECK_EQ(in8(0x61) & 0x20, 0x00);           /* second half: low */
    go(at_tick(100 + 1000));
    CHECK_EQ(in8(0x61) & 0x20, 0x20);
    out8(0x61, 0x00);                           /* gate off: OUT2 high, count stops */
    go(at_tick(100 + 1600));
    CHECK_EQ(in8(0x61) & 0x21, 0x20);
    /* refresh toggle: bit 4 flips every 15 us */
    uint64_t t = at_tick(100 + 1600);
    t = (t / 15000 + 1) * 15000;
    go(t + 100);
    uint8_t a = in8(0x61) & 0x10;
    go(t + 15000 + 100);
    uint8_t b = in8(0x61) & 0x10;
    CHECK(a != b);
    rig_free();
}

/* Runs the machine for `ns` of virtual time event by event, acknowledging and
 * EOIing interrupts like a guest's handlers (reading register C for IRQ 8).
 * Counts the vectors delivered and the timer events run. */
static void run_cpu(uint64_t until, int counts[256], int *events)
{
    for (;;) {
        while (R.intr) {
            int v = pic_ack(&R.pic);
            counts[v]++;
            if (v == 0x70) {
                out8(0x70, 0x0c);
                in8(0x71);
            }
            if (v >= 0x70)
                out8(0xa0, 0x20);
            out8(0x20, 0x20);
        }
        uint64_t next = vclock_next_deadline(&R.clock);
        if (next > until)
            break;
        vclock_set(&R.clock, next);
        *events += vclock_run_timers(&R.clock);
    }
    vclock_set(&R.clock, until);
}

static void test_pit_irq0_periodic(void)
{
    rig_init();
    pic_program(0x01);
    out8(0x21, 0xfe);                           /* only IRQ 0 */
    int counts[256] = { 0 }, events = 0;
    out8(0x43, 0x34);                           /* mode 2 at ~1 kHz */
    out8(0x40, 1193 & 0xff);
    out8(0x40, 1193 >> 8);
    run_cpu(1000000000ull, counts, &events);
    /* the control word raised OUT (low since reset): one edge, then one a
     * period, 1193182 / 1193 = 1000.15 of them */
    CHECK_EQ(counts[0x08], 1 + 1000);
    CHECK_EQ(events, 1000);                     /* one timer event a period */

    memset(counts, 0, sizeof counts);
    events = 0;
    out8(0x43, 0x36);                           /* mode 3 at 100 Hz */
    out8(0x40, 11932 & 0xff);
    out8(0x40, 11932 >> 8);
    run_cpu(2000000000ull, counts, &events);
    CHECK(counts[0x08] >= 99 && counts[0x08] <= 101);
    CHECK(events == counts[0x08]);

    /* a host stall: edges more than 100 ms behind are dropped, not replayed */
    memset(counts, 0, sizeof counts);
    events = 0;
    vclock_set(&R.clock, 3000000000ull);
    run_cpu(3000000000ull, counts, &events);
    CHECK(events <= 2);
    rig_free();
}

/* ---- RTC ---- */

static uint8_t cmos(int i) { out8(0x70, (uint8_t)i); return in8(0x71); }
static void cmos_w(int i, uint8_t v) { out8(0x70, (uint8_t)i); out8(0x71, v); }

static void test_rtc_time(void)
{
    rig_init();
    go(5000);
    rtc_set_time(&R.rtc, 1709251198);           /* 2024-02-29 23:59:58 UTC, a Thursday */
    uint64_t t0 = vclock_now(&R.clock);
    CHECK_EQ(cmos(RTC_REG_A), 0x26);
    CHECK_EQ(cmos(RTC_REG_B), 0x02);
    CHECK_EQ(cmos(RTC_REG_D), 0x80);
    CHECK_EQ(cmos(RTC_SEC), 0x58);
    CHECK_EQ(cmos(RTC_MIN), 0x59);
    CHECK_EQ(cmos(RTC_HOUR), 0x23);
    CHECK_EQ(cmos(RTC_DAY_OF_WEEK), 5);
    CHECK_EQ(cmos(RTC_DAY), 0x29);
    CHECK_EQ(cmos(RTC_MONTH), 0x02);
    CHECK_EQ(cmos(RTC_YEAR), 0x24);
    CHECK_EQ(cmos(CMOS_CENTURY), 0x20);
    go(t0 + 500000000);
    CHECK_EQ(cmos(RTC_REG_A) & 0x80, 0);        /* mid-second: no update */
    go(t0 + 999800000);
    CHECK_EQ(cmos(RTC_REG_A) & 0x80, 0x80);     /* within 244 us of the update */
    CHECK_EQ(cmos(RTC_SEC), 0x58);
    go(t0 + 2000000000ull);
    CHECK_EQ(cmos(RTC_REG_A) & 0x80, 0);
    CHECK_EQ(cmos(RTC_SEC), 0x00);
    CHECK_EQ(cmos(RTC_HOUR), 0x00);
    CHECK_EQ(cmos(RTC_DAY), 0x01);              /* leap day over: 1 March */
    CHECK_EQ(cmos(RTC_MONTH), 0x03);
    CHECK_EQ(cmos(RTC_DAY_OF_WEEK), 6);

    /* binary, 12-hour: midnight is 12 AM */
    cmos_w(RTC_REG_B, RTC_B_DM);
    CHECK_EQ(cmos(RTC_HOUR), 12);
    CHECK_EQ(cmos(RTC_DAY), 1);
    CHECK_EQ(cmos(RTC_YEAR), 24);

    /* SET: write 13:45:30 (1:45:30 PM, binary 12h) on 31 Dec 2099 */
    cmos_w(RTC_REG_B, RTC_B_SET | RTC_B_DM);
    cmos_w(RTC_HOUR, 0x80 | 1);
    cmos_w(RTC_MIN, 45);
    cmos_w(RTC_SEC, 30);
    cmos_w(RTC_DAY, 31);
    cmos_w(RTC_MONTH, 12);
    cmos_w(RTC_YEAR, 99);
    go(t0 + 5000000000ull);
    CHECK_EQ(cmos(RTC_SEC), 30);                /* frozen while SET */
    cmos_w(RTC_REG_B, RTC_B_24H);               /* run, in BCD 24h */
    CHECK_EQ(cmos(RTC_HOUR), 0x13);
    CHECK_EQ(cmos(RTC_MIN), 0x45);
    CHECK_EQ(cmos(RTC_DAY_OF_WEEK), 5);         /* 2099-12-31 is a Thursday */
    go(t0 + 6000000000ull);
    CHECK_EQ(cmos(RTC_SEC), 0x31);
    cmos_w(RTC_MIN, 0x10);                      /* a write while running */
    CHECK_EQ(cmos(RTC_MIN), 0x10);
    CHECK_EQ(cmos(RTC_SEC), 0x31);

    /* NMI mask bit, CMOS RAM */
    out8(0x70, 0x80 | 0x20);
    CHECK_EQ(rtc_nmi_masked(&R.rtc), 1);
    out8(0x71, 0x5a);
    CHECK_EQ(cmos(0x20), 0x5a);
    CHECK_EQ(rtc_nmi_masked(&R.rtc), 0);
    rig_free();
}

static void test_rtc_interrupts(void)
{
    rig_init();
    pic_program(0x01);
    go(1000);
    rtc_set_time(&R.rtc, 1709251198);
    uint64_t t0 = vclock_now(&R.clock);
    CHECK_EQ(cmos(RTC_REG_C) & 0x70, 0x00);

    /* flags get set without their interrupt enables, and reading C clears them */
    go(t0 + 1100000000ull);
    CHECK_EQ(cmos(RTC_REG_C), 0x50);            /* PF (1024 Hz) and UF, no IRQF */
    CHECK_EQ(cmos(RTC_REG_C), 0x00);
    CHECK_EQ(R.intr, 0);

    /* update-ended interrupt through IRQ 8 */
    cmos_w(RTC_REG_B, RTC_B_UIE | RTC_B_24H);
    go(t0 + 1900000000ull);
    CHECK_EQ(R.intr, 0);
    go(t0 + 2000000000ull);
    CHECK_EQ(R.intr, 1);
    CHECK_EQ(pic_ack(&R.pic), 0x70);
    CHECK_EQ(cmos(RTC_REG_C) & 0x90, 0x90);     /* IRQF | UF */
    CHECK_EQ(R.rtc.irq_level, 0);               /* the read dropped IRQ 8 */
    CHECK_EQ(cmos(RTC_REG_C) & 0x90, 0x00);
    out8(0xa0, 0x20);
    out8(0x20, 0x20);

    /* alarm at hh:mm:05 (hour and minute "don't care"): 7 s after :58 */
    cmos_w(RTC_REG_B, RTC_B_AIE | RTC_B_24H);
    cmos_w(RTC_SEC_ALARM, 0x05);
    cmos_w(RTC_MIN_ALARM, 0xc0);
    cmos_w(RTC_HOUR_ALARM, 0xff);
    int counts[256] = { 0 }, events = 0;
    run_cpu(t0 + 6500000000ull, counts, &events);
    CHECK_EQ(counts[0x70], 0);
    run_cpu(t0 + 7500000000ull, counts, &events);
    CHECK_EQ(counts[0x70], 1);
    CHECK_EQ(cmos(RTC_SEC), 0x05);

    /* periodic interrupt: 1024 Hz for one second */
    cmos_w(RTC_REG_B, RTC_B_24H);
    uint64_t t1 = 10000000000ull;
    go(t1);
    cmos(RTC_REG_C);
    cmos_w(RTC_REG_A, 0x26);
    cmos_w(RTC_REG_B, RTC_B_PIE | RTC_B_24H);
    memset(counts, 0, sizeof counts);
    events = 0;
    run_cpu(t1 + 1000000000ull, counts, &events);
    CHECK_EQ(counts[0x70], 1024);
    CHECK_EQ(events, 1024);
    cmos_w(RTC_REG_A, 0x2f);                    /* 2 Hz */
    memset(counts, 0, sizeof counts);
    run_cpu(t1 + 3000000000ull, counts, &events);
    CHECK_EQ(counts[0x70], 4);
    cmos_w(RTC_REG_B, RTC_B_24H);
    CHECK_EQ(timer_armed(&R.rtc.periodic_timer), 0);
    rig_free();
}

static void test_rtc_cmos(void)
{
    rig_init();
    struct rtc_pc_config cfg = {
        .floppy = { CMOS_FD_1M44, CMOS_FD_NONE },
        .disk = { { 1024, 16, 63, 1 }, { 0, 0, 0, 0 } },
        .boot = { CMOS_BOOT_DISK, CMOS_BOOT_CDROM, CMOS_BOOT_FLOPPY },
        .cpus = 2, .fpu = 1,
    };
    rtc_cmos_pc_defaults(&R.rtc, 128ull << 20, 128ull << 20, &cfg);
    CHECK_EQ(cmos(0x15) | cmos(0x16) << 8, 640);
    CHECK_EQ(cmos(0x17) | cmos(0x18) << 8, 0xffff);     /* 127 MB, capped */
    CHECK_EQ(cmos(0x30) | cmos(0x31) << 8, 0xffff);
    CHECK_EQ(cmos(0x34) | cmos(0x35) << 8, (112 << 20) >> 16);
    CHECK_EQ(cmos(0x10), 0x40);
    CHECK_EQ(cmos(0x14), 0x03);
    CHECK_EQ(cmos(0x12), 0xf0);
    CHECK_EQ(cmos(0x19), 47);
    CHECK_EQ(cmos(0x1b) | cmos(0x1c) << 8, 1024);
    CHECK_EQ(cmos(0x1d), 16);
    CHECK_EQ(cmos(0x23), 63);
    CHECK_EQ(cmos(0x3d), 0x32);
    CHECK_EQ(cmos(0x38), 0x10);
    CHECK_EQ(cmos(0x5f), 1);
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += cmos(i);
    CHECK_EQ(cmos(0x2e) << 8 | cmos(0x2f), sum);

    rtc_cmos_pc_defaults(&R.rtc, 8ull << 20, 8ull << 20, NULL);
    CHECK_EQ(cmos(0x17) | cmos(0x18) << 8, 7 * 1024);
    CHECK_EQ(cmos(0x34) | cmos(0x35) << 8, 0);
    rtc_cmos_set(&R.rtc, 0x20, 0x11);
    rtc_cmos_checksum(&R.rtc);
    sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += cmos(i);
    CHECK_EQ(cmos(0x2e) << 8 | cmos(0x2f), sum);

    /* the host clock at init: a sane year */
    int y = cmos(RTC_YEAR);
    CHECK(y >= 0x24 && y <= 0x99);
    rig_free();
}

/* The monitor's stop: host-clock time stands still while paused and goes
 * on from there, with no jump, after. */
static void test_vclock_pause(void)
{
    struct vclock c;
    vclock_init(&c, VCLOCK_HOST);
    vclock_pause(&c, 1);
    uint64_t frozen = vclock_now(&c);
    struct timespec ts = { 0, 50000000 };
    nanosleep(&ts, NULL);
    CHECK(vclock_now(&c) == frozen);
    vclock_pause(&c, 0);
    uint64_t after = vclock_now(&c);
    CHECK(after >= frozen && after - frozen < 40000000u);
    vclock_pause(&c, 0);                            /* cont while running: no change */
    CHECK(vclock_now(&c) - after < 40000000u);
}

int main(void)
{
    test_vclock_pause();
    test_pic_init();
    test_pic_priority_eoi();
    test_pic_aeoi_special_mask();
    test_pic_cascade_spurious_elcr();
    test_pit_mode0();
    test_pit_mode2_readback();
    test_pit_mode3_portb();
    test_pit_irq0_periodic();
    test_rtc_time();
    test_rtc_interrupts();
    test_rtc_cmos();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
