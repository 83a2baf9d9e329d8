/* Motorola MC146818A real-time clock with 128 bytes of CMOS RAM, at 0x70
 * (index; bit 7 of a write masks NMI) and 0x71 (data).
 *
 * Time is kept as a count of seconds (UTC, from the host clock at init) and
 * the virtual instant that second began; registers 0-9 are computed from it
 * on every read, in the format register B asks for (BCD or binary, 12 or 24
 * hours), so the clock advances with the virtual clock and costs nothing
 * while nobody looks. Setting register B's SET bit freezes the registers for
 * the guest to write; clearing it starts the clock from what was written.
 *
 * Update-in-progress (register A bit 7) is high for the 244 us before each
 * second ticks over. The periodic (register A rate), alarm and update-ended
 * flags in register C are set whether or not their interrupts are enabled;
 * timers run only for enabled interrupts. IRQ 8 follows IRQF; reading
 * register C clears the flags and drops it. Register D always reads VRT.
 * Only the 32.768 kHz time base is modelled (divider bits read back). */
#ifndef RELIC_RTC_H
#define RELIC_RTC_H
#include <stdint.h>
#include "../mmu/io.h"
#include "../machine/timer.h"
#include "irq.h"

#define RTC_BASE 0x70

/* Register numbers and bits, as the datasheet names them. */
enum { RTC_SEC = 0, RTC_SEC_ALARM, RTC_MIN, RTC_MIN_ALARM, RTC_HOUR, RTC_HOUR_ALARM,
       RTC_DAY_OF_WEEK, RTC_DAY, RTC_MONTH, RTC_YEAR, RTC_REG_A, RTC_REG_B, RTC_REG_C,
       RTC_REG_D };
enum { RTC_A_UIP = 0x80 };
enum { RTC_B_SET = 0x80, RTC_B_PIE = 0x40, RTC_B_AIE = 0x20, RTC_B_UIE = 0x10,
       RTC_B_SQWE = 0x08, RTC_B_DM = 0x04, RTC_B_24H = 0x02, RTC_B_DSE = 0x01 };
enum { RTC_C_IRQF = 0x80, RTC_C_PF = 0x40, RTC_C_AF = 0x20, RTC_C_UF = 0x10 };
enum { RTC_D_VRT = 0x80 };
/* CMOS bytes a PC BIOS reads (IBM AT layout plus what SeaBIOS uses). */
enum { CMOS_FLOPPY_TYPES = 0x10, CMOS_DISK_TYPES = 0x12, CMOS_EQUIPMENT = 0x14,
       CMOS_BASE_MEM_LO = 0x15, CMOS_BASE_MEM_HI = 0x16, CMOS_EXT_MEM_LO = 0x17,
       CMOS_EXT_MEM_HI = 0x18, CMOS_DISK0_EXT_TYPE = 0x19, CMOS_DISK1_EXT_TYPE = 0x1a,
       CMOS_DISK0_PARAMS = 0x1b, CMOS_DISK1_PARAMS = 0x24, CMOS_CHECKSUM_HI = 0x2e,
       CMOS_CHECKSUM_LO = 0x2f, CMOS_EXT_MEM2_LO = 0x30, CMOS_EXT_MEM2_HI = 0x31,
       CMOS_CENTURY = 0x32, CMOS_MEM_ABOVE_16M_LO = 0x34, CMOS_MEM_ABOVE_16M_HI = 0x35,
       CMOS_BOOT_ORDER_3 = 0x38, CMOS_DISK_TRANSLATION = 0x39, CMOS_BOOT_ORDER_12 = 0x3d,
       CMOS_MEM_ABOVE_4G = 0x5b, CMOS_CPU_COUNT = 0x5f };

struct rtc {
    uint8_t cmos[128];            /* registers A-D and RAM; 0-9 only while SET */
    uint8_t index;                /* last index written to 0x70, bits 0..6 */
    uint8_t nmi_masked;           /* bit 7 of that write */
    int64_t sec;                  /* UTC seconds (Unix epoch) ... */
    int64_t sec_start_ns;         /* ... that began at this virtual ns */
    int64_t frozen_frac_ns;       /* SET: how far into the second the clock stopped */
    uint64_t flags_seen_ns;       /* register C's lazy flags are settled up to here */
    int irq_level;
    struct timer periodic_timer;  /* runs while PIE and a rate are set */
    struct timer update_timer;    /* runs while UIE or AIE is set */
    struct vclock *clock;
    struct irq_line irq;          /* IRQ 8 */
};

/* Claims 0x70-0x71; the clock starts at the host's UTC time. Returns 0, or
 * -1 if a port is taken. */
int rtc_init(struct rtc *r, struct iobus *bus, struct vclock *clock, struct irq_line irq);
/* Machine reset (the RESET pin): interrupt enables and flags clear; time,
 * CMOS RAM and the divider are kept, as on hardware. */
void rtc_reset(struct rtc *r);
/* 1 while the guest has masked NMI through bit 7 of port 0x70. */
int rtc_nmi_masked(struct rtc *r);
/* Sets the clock to UTC Unix time t (a fixed time for reproducible runs). */
void rtc_set_time(struct rtc *r, int64_t t);

/* CMOS RAM for the board (indexes 0x0e..0x7f; 0..0x0d are the clock). */
void rtc_cmos_set(struct rtc *r, int index, uint8_t v);
uint8_t rtc_cmos_get(struct rtc *r, int index);
/* Stores the standard checksum: the sum of 0x10..0x2d at 0x2e (high byte)
 * and 0x2f (low byte). */
void rtc_cmos_checksum(struct rtc *r);

/* CMOS floppy drive types (0x10 nibbles). */
enum { CMOS_FD_NONE = 0, CMOS_FD_360K = 1, CMOS_FD_1M2 = 2, CMOS_FD_720K = 3,
       CMOS_FD_1M44 = 4, CMOS_FD_2M88 = 5 };
/* CMOS boot devices (0x3d, 0x38 nibbles, as SeaBIOS reads them). */
enum { CMOS_BOOT_NONE = 0, CMOS_BOOT_FLOPPY = 1, CMOS_BOOT_DISK = 2, CMOS_BOOT_CDROM = 3 };

struct rtc_disk_geometry {
    unsigned cylinders, heads, sectors;   /* all 0: no disk */
    int lba;                              /* translation: 1 = LBA */
};

struct rtc_pc_config {
    int floppy[2];                        /* CMOS_FD_* for A: and B: */
    struct rtc_disk_geometry disk[2];     /* primary master and slave */
    int boot[3];                          /* CMOS_BOOT_* in order; 0 = none */
    int cpus;                             /* 0 or 1: leave 0x5f at 0 */
    int fpu;                              /* a math coprocessor (equipment bit 1) */
};

/* Fills what a PC BIOS expects: 640K base memory; extended memory in KB
 * (capped at 65535) at 0x17/0x18 and 0x30/0x31; memory between 16 MB and
 * ram_below_4g in 64K blocks at 0x34/0x35; memory above 4 GB in 64K blocks
 * at 0x5b-0x5d; floppy types; disk types 47 (user defined) with their
 * geometry and translation; equipment byte; century; boot order; CPU count;
 * and the checksum. ram_bytes is the whole RAM, ram_below_4g what of it sits
 * below 4 GB (the board's choice of PCI hole). cfg may be NULL. */
void rtc_cmos_pc_defaults(struct rtc *r, uint64_t ram_bytes, uint64_t ram_below_4g,
                          const struct rtc_pc_config *cfg);
#endif
