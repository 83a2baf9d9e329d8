/* MC146818A real-time clock and CMOS RAM (see rtc.h). Register behaviour
 * follows the Motorola MC146818A datasheet; the CMOS layout follows the IBM
 * PC AT technical reference, plus the bytes SeaBIOS reads on a QEMU-like
 * board (0x34/0x35, 0x38/0x3d, 0x39, 0x5b-0x5d, 0x5f). */
#include "rtc.h"
#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000ll
#define UIP_NS 244000ll                   /* UIP rises this long before an update */
#define TIMEBASE_HZ 32768

/* ---- calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_date(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void date_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static uint8_t to_bcd(int v) { return (uint8_t)((v / 10 % 10) << 4 | v % 10); }
static int from_bcd(uint8_t v) { return (v >> 4) * 10 + (v & 15); }

/* ---- register formats (register B's DM and 24/12 bits) ---- */

static uint8_t enc(const struct rtc *r, int v)
{
    return (r->cmos[RTC_REG_B] & RTC_B_DM) ? (uint8_t)v : to_bcd(v);
}

static int dec(const struct rtc *r, uint8_t v)
{
    return (r->cmos[RTC_REG_B] & RTC_B_DM) ? v : from_bcd(v);
}

static uint8_t enc_hour(const struct rtc *r, int h)
{
    if (r->cmos[RTC_REG_B] & RTC_B_24H)
        return enc(r, h);
    return (uint8_t)(enc(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static int dec_hour(const struct rtc *r, uint8_t v)
{
    if (r->cmos[RTC_REG_B] & RTC_B_24H)
        return dec(r, v);
    return dec(r, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

/* ---- time ---- */

static int set_mode(const struct rtc *r) { return r->cmos[RTC_REG_B] & RTC_B_SET; }

static int64_t now_ns(struct rtc *r) { return (int64_t)vclock_now(r->clock); }

/* The UTC second showing at virtual time ns (not meaningful while SET). */
static int64_t second_at(const struct rtc *r, int64_t ns)
{
    return r->sec + floor_div(ns - r->sec_start_ns, NS_PER_S);
}

static int century(const struct rtc *r)
{
    int c = from_bcd(r->cmos[CMOS_CENTURY]);
    return c >= 19 && c <= 99 ? c : 20;
}

/* Writes the time registers for UTC second t in the current format. */
static void store_time(struct rtc *r, int64_t t)
{
    int64_t days = floor_div(t, 86400), s = t - days * 86400, y;
    int m, d;
    date_from_days(days, &y, &m, &d);
    r->cmos[RTC_SEC] = enc(r, (int)(s % 60));
    r->cmos[RTC_MIN] = enc(r, (int)(s / 60 % 60));
    r->cmos[RTC_HOUR] = enc_hour(r, (int)(s / 3600));
    r->cmos[RTC_DAY_OF_WEEK] = enc(r, (int)((days % 7 + 11) % 7) + 1);   /* 1 = Sunday */
    r->cmos[RTC_DAY] = enc(r, d);
    r->cmos[RTC_MONTH] = enc(r, m);
    r->cmos[RTC_YEAR] = enc(r, (int)(((y % 100) + 100) % 100));
}

/* The UTC second the time registers hold. */
static int64_t parse_time(const struct rtc *r)
{
    int m = dec(r, r->cmos[RTC_MONTH]), d = dec(r, r->cmos[RTC_DAY]);
    if (m < 1 || m > 12)
        m = 1;
    if (d < 1 || d > 31)
        d = 1;
    int64_t y = century(r) * 100 + dec(r, r->cmos[RTC_YEAR]) % 100;
    return days_from_date(y, m, d) * 86400 + dec_hour(r, r->cmos[RTC_HOUR]) % 24 * 3600 +
           dec(r, r->cmos[RTC_MIN]) % 60 * 60 + dec(r, r->cmos[RTC_SEC]) % 60;
}

/* ---- interrupts ---- */

/* Clocks of the 32.768 kHz time base per periodic interrupt, 0 = off. */
static uint64_t periodic_ticks(const struct rtc *r)
{
    int rs = r->cmos[RTC_REG_A] & 15;
    if (rs == 0)
        return 0;
    return rs <= 2 ? 1ull << (rs + 6) : 1ull << (rs - 1);
}

static uint64_t timebase_tick(int64_t ns)
{
    return ns <= 0 ? 0 : (uint64_t)(((unsigned __int128)ns * TIMEBASE_HZ) / NS_PER_S);
}

static int alarm_matches(const struct rtc *r, int64_t t)
{
    int64_t s = t - floor_div(t, 86400) * 86400;
    const uint8_t want[3] = { enc(r, (int)(s % 60)), enc(r, (int)(s / 60 % 60)),
                              enc_hour(r, (int)(s / 3600)) };
    const int reg[3] = { RTC_SEC_ALARM, RTC_MIN_ALARM, RTC_HOUR_ALARM };
    for (int i = 0; i < 3; i++) {
        uint8_t a = r->cmos[reg[i]];
        if (a < 0xc0 && a != want[i])     /* 0xc0-0xff: don't care */
            return 0;
    }
    return 1;
}

/* Sets the flags of register C for the events between the last settlement
 * and now: an update (second boundary) sets UF and, if the time matches the
 * alarm, AF; a periodic boundary sets PF. */
static void settle_flags(struct rtc *r)
{
    int64_t now = now_ns(r), seen = (int64_t)r->flags_seen_ns;
    if (now <= seen)
        return;
    if (!set_mode(r) && floor_div(now - r->sec_start_ns, NS_PER_S) >
                        floor_div(seen - r->sec_start_ns, NS_PER_S)) {
        r->cmos[RTC_REG_C] |= RTC_C_UF;
        if (alarm_matches(r, second_at(r, now)))
            r->cmos[RTC_REG_C] |= RTC_C_AF;
    }
    uint64_t p = periodic_ticks(r);
    if (p && timebase_tick(now) / p > timebase_tick(seen) / p)
        r->cmos[RTC_REG_C] |= RTC_C_PF;
    r->flags_seen_ns = (uint64_t)now;
}

static void update_irq(struct rtc *r)
{
    uint8_t b = r->cmos[RTC_REG_B], c = r->cmos[RTC_REG_C];
    int level = ((c & RTC_C_PF) && (b & RTC_B_PIE)) || ((c & RTC_C_AF) && (b & RTC_B_AIE)) ||
                ((c & RTC_C_UF) && (b & RTC_B_UIE));
    if (level != r->irq_level) {
        r->irq_level = level;
        irq_set(&r->irq, level);
    }
}

/* Arms the timers the enabled interrupts need, for their next event. */
static void arm_timers(struct rtc *r)
{
    int64_t now = now_ns(r);
    uint64_t p = periodic_ticks(r);
    if (p && (r->cmos[RTC_REG_B] & RTC_B_PIE)) {
        uint64_t tick = (timebase_tick(now) / p + 1) * p;
        timer_mod(&r->periodic_timer,
                  (uint64_t)(((unsigned __int128)tick * NS_PER_S + TIMEBASE_HZ - 1) / TIMEBASE_HZ));
    } else {
        timer_del(&r->periodic_timer);
    }
    if (!set_mode(r) && (r->cmos[RTC_REG_B] & (RTC_B_UIE | RTC_B_AIE))) {
        int64_t k = floor_div(now - r->sec_start_ns, NS_PER_S) + 1;
        timer_mod(&r->update_timer, (uint64_t)(r->sec_start_ns + k * NS_PER_S));
    } else {
        timer_del(&r->update_timer);
    }
}

static void rtc_timer_cb(void *opaque)
{
    struct rtc *r = opaque;
    settle_flags(r);
    update_irq(r);
    arm_timers(r);
}

/* ---- registers ---- */

static uint8_t reg_read(struct rtc *r, int i)
{
    int64_t now = now_ns(r);
    switch (i) {
    case RTC_SEC: case RTC_MIN: case RTC_HOUR: case RTC_DAY_OF_WEEK:
    case RTC_DAY: case RTC_MONTH: case RTC_YEAR:
        if (!set_mode(r))
            store_time(r, second_at(r, now));
        return r->cmos[i];
    case RTC_REG_A: {
        int64_t frac = now - r->sec_start_ns - floor_div(now - r->sec_start_ns, NS_PER_S) * NS_PER_S;
        uint8_t v = r->cmos[RTC_REG_A] & 0x7f;
        if (!set_mode(r) && frac >= NS_PER_S - UIP_NS)
            v |= RTC_A_UIP;
        return v;
    }
    case RTC_REG_C: {
        settle_flags(r);
        uint8_t v = r->cmos[RTC_REG_C] & 0x70;
        if (r->irq_level)
            v |= RTC_C_IRQF;
        r->cmos[RTC_REG_C] = 0;
        update_irq(r);
        return v;
    }
    case RTC_REG_D:
        return RTC_D_VRT;
    default:
        return r->cmos[i];
    }
}

static void reg_write(struct rtc *r, int i, uint8_t v)
{
    switch (i) {
    case RTC_SEC: case RTC_MIN: case RTC_HOUR: case RTC_DAY_OF_WEEK:
    case RTC_DAY: case RTC_MONTH: case RTC_YEAR:
        if (set_mode(r)) {
            r->cmos[i] = v;
            return;
        }
        /* While running: the new value counts from the current second on. */
        settle_flags(r);
        store_time(r, second_at(r, now_ns(r)));
        r->cmos[i] = v;
        r->sec = parse_time(r) - floor_div(now_ns(r) - r->sec_start_ns, NS_PER_S);
        return;
    case RTC_SEC_ALARM: case RTC_MIN_ALARM: case RTC_HOUR_ALARM:
        r->cmos[i] = v;
        return;
    case RTC_REG_A:
        settle_flags(r);
        r->cmos[RTC_REG_A] = v & 0x7f;
        arm_timers(r);
        return;
    case RTC_REG_B: {
        settle_flags(r);
        uint8_t old = r->cmos[RTC_REG_B];
        int64_t now = now_ns(r);
        if (v & RTC_B_SET) {
            v &= (uint8_t)~RTC_B_UIE;     /* SET clears UIE (datasheet) */
            if (!(old & RTC_B_SET))
                store_time(r, second_at(r, now));   /* freeze what shows now */
        }
        if ((old & RTC_B_SET) && !(v & RTC_B_SET)) {
            /* The clock restarts from what was written, at the start of a
             * second; read in the format it was written in. */
            r->sec = parse_time(r);
            r->sec_start_ns = now;
            r->flags_seen_ns = (uint64_t)now;
        }
        r->cmos[RTC_REG_B] = v;
        update_irq(r);
        arm_timers(r);
        return;
    }
    case RTC_REG_C: case RTC_REG_D:
        return;                           /* read-only */
    default:
        r->cmos[i] = v;
        return;
    }
}

static uint32_t rtc_read(void *opaque, uint16_t port, int size)
{
    struct rtc *r = opaque;
    (void)size;
    if (!(port & 1))
        return 0xff;                      /* the index register is write-only */
    return reg_read(r, r->index);
}

static void rtc_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    struct rtc *r = opaque;
    (void)size;
    if (!(port & 1)) {
        r->index = val & 0x7f;
        r->nmi_masked = (val >> 7) & 1;
    } else {
        reg_write(r, r->index, (uint8_t)val);
    }
}

/* ---- board interface ---- */

int rtc_nmi_masked(struct rtc *r)
{
    return r->nmi_masked;
}

void rtc_set_time(struct rtc *r, int64_t t)
{
    int64_t now = now_ns(r);
    settle_flags(r);
    r->sec = t;
    r->sec_start_ns = now;
    int64_t y;
    int m, d;
    date_from_days(floor_div(t, 86400), &y, &m, &d);
    r->cmos[CMOS_CENTURY] = to_bcd((int)(y / 100));
    if (set_mode(r))
        store_time(r, t);
    arm_timers(r);
}

void rtc_cmos_set(struct rtc *r, int index, uint8_t v)
{
    if (index >= 0x0e && index < 128)
        r->cmos[index] = v;
}

uint8_t rtc_cmos_get(struct rtc *r, int index)
{
    return index >= 0 && index < 128 ? r->cmos[index] : 0xff;
}

void rtc_cmos_checksum(struct rtc *r)
{
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += r->cmos[i];
    r->cmos[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
    r->cmos[CMOS_CHECKSUM_LO] = (uint8_t)sum;
}

static void set16(struct rtc *r, int index, unsigned v)
{
    r->cmos[index] = (uint8_t)v;
    r->cmos[index + 1] = (uint8_t)(v >> 8);
}

static void set_disk(struct rtc *r, int n, const struct rtc_disk_geometry *g)
{
    int base = n ? CMOS_DISK1_PARAMS : CMOS_DISK0_PARAMS;
    r->cmos[CMOS_DISK_TYPES] |= (uint8_t)(n ? 0x0f : 0xf0);   /* "see extended type" */
    r->cmos[n ? CMOS_DISK1_EXT_TYPE : CMOS_DISK0_EXT_TYPE] = 47;  /* user defined */
    set16(r, base, g->cylinders);
    r->cmos[base + 2] = (uint8_t)g->heads;
    set16(r, base + 3, 0xffff);                               /* no write precompensation */
    r->cmos[base + 5] = (uint8_t)(0xc0 | (g->heads > 8 ? 0x08 : 0));
    set16(r, base + 6, g->cylinders);                         /* landing zone */
    r->cmos[base + 8] = (uint8_t)g->sectors;
    if (g->lba)
        r->cmos[CMOS_DISK_TRANSLATION] |= (uint8_t)(1 << (2 * n));
}

void rtc_cmos_pc_defaults(struct rtc *r, uint64_t ram_bytes, uint64_t ram_below_4g,
                          const struct rtc_pc_config *cfg)
{
    const uint64_t mb = 1024 * 1024;
    if (ram_below_4g > ram_bytes)
        ram_below_4g = ram_bytes;
    set16(r, CMOS_BASE_MEM_LO, 640);
    uint64_t ext_kb = ram_below_4g > mb ? (ram_below_4g - mb) / 1024 : 0;
    if (ext_kb > 0xffff)
        ext_kb = 0xffff;
    set16(r, CMOS_EXT_MEM_LO, (unsigned)ext_kb);
    set16(r, CMOS_EXT_MEM2_LO, (unsigned)ext_kb);
    uint64_t above16 = ram_below_4g > 16 * mb ? (ram_below_4g - 16 * mb) >> 16 : 0;
    if (above16 > 0xffff)
        above16 = 0xffff;
    set16(r, CMOS_MEM_ABOVE_16M_LO, (unsigned)above16);
    uint64_t above4g = (ram_bytes - ram_below_4g) >> 16;
    r->cmos[CMOS_MEM_ABOVE_4G] = (uint8_t)above4g;
    r->cmos[CMOS_MEM_ABOVE_4G + 1] = (uint8_t)(above4g >> 8);
    r->cmos[CMOS_MEM_ABOVE_4G + 2] = (uint8_t)(above4g >> 16);

    int64_t y;
    int m, d;
    date_from_days(floor_div(r->sec, 86400), &y, &m, &d);
    r->cmos[CMOS_CENTURY] = to_bcd((int)(y / 100));

    r->cmos[CMOS_FLOPPY_TYPES] = 0;
    r->cmos[CMOS_DISK_TYPES] = 0;
    r->cmos[CMOS_DISK_TRANSLATION] = 0;
    uint8_t equipment = 0;
    if (cfg) {
        int nfd = (cfg->floppy[0] != CMOS_FD_NONE) + (cfg->floppy[1] != CMOS_FD_NONE);
        r->cmos[CMOS_FLOPPY_TYPES] = (uint8_t)((cfg->floppy[0] & 15) << 4 | (cfg->floppy[1] & 15));
        if (nfd)
            equipment |= (uint8_t)((nfd - 1) << 6 | 0x01);
        if (cfg->fpu)
            equipment |= 0x02;
        for (int i = 0; i < 2; i++)
            if (cfg->disk[i].cylinders)
                set_disk(r, i, &cfg->disk[i]);
        r->cmos[CMOS_BOOT_ORDER_12] = (uint8_t)((cfg->boot[1] & 15) << 4 | (cfg->boot[0] & 15));
        r->cmos[CMOS_BOOT_ORDER_3] = (uint8_t)((cfg->boot[2] & 15) << 4);
        r->cmos[CMOS_CPU_COUNT] = (uint8_t)(cfg->cpus > 1 ? cfg->cpus - 1 : 0);
    }
    r->cmos[CMOS_EQUIPMENT] = equipment;      /* bits 5-4 = 00: EGA/VGA display */
    rtc_cmos_checksum(r);
}

void rtc_reset(struct rtc *r)
{
    settle_flags(r);
    r->cmos[RTC_REG_B] &= (uint8_t)~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    r->cmos[RTC_REG_C] = 0;
    r->nmi_masked = 0;
    update_irq(r);
    arm_timers(r);
}

int rtc_init(struct rtc *r, struct iobus *bus, struct vclock *clock, struct irq_line irq)
{
    memset(r, 0, sizeof *r);
    r->clock = clock;
    r->irq = irq;
    timer_init(&r->periodic_timer, clock, rtc_timer_cb, r);
    timer_init(&r->update_timer, clock, rtc_timer_cb, r);
    r->cmos[RTC_REG_A] = 0x26;            /* 32.768 kHz time base, 1024 Hz rate */
    r->cmos[RTC_REG_B] = RTC_B_24H;       /* BCD, 24 hours */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = now_ns(r);
    r->flags_seen_ns = (uint64_t)now;
    rtc_set_time(r, (int64_t)ts.tv_sec);
    r->sec_start_ns = now - ts.tv_nsec;   /* the host's second began this long ago */
    return io_register(bus, RTC_BASE, 2, IO_W8, rtc_read, rtc_write, r, "rtc");
}
