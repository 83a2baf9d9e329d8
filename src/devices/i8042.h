/* Intel 8042 keyboard controller (the PC/AT "KBC" at ports 0x60 and 0x64)
 * with a PS/2 keyboard on its first port and a PS/2 mouse on the second.
 *
 * Controller: status register, command byte (RAM byte 0, commands 0x20-0x3f
 * and 0x60-0x7f), self test (0xaa -> 0x55), interface tests (0xab, 0xa9),
 * port enable/disable (0xad/0xae, 0xa7/0xa8), output port read/write
 * (0xd0/0xd1: bit 0 is the CPU reset line, active low; bit 1 gates A20),
 * 0xdd/0xdf A20 off/on, pulse commands 0xf0-0xff (0xfe resets the CPU),
 * 0xd2/0xd3 write the keyboard/aux output buffer, 0xd4 sends to the mouse.
 * With command byte bit 6 set, keyboard bytes are translated from scan code
 * set 2 to set 1 on their way to the output buffer (0xf0 prefixes fold into
 * bit 7 of the next byte), as the real controller does.
 *
 * The output buffer holds one byte; the devices queue the rest. Status bit 5
 * says the byte came from the mouse. IRQ 1 follows a keyboard byte in the
 * buffer while command byte bit 0 is set, IRQ 12 a mouse byte while bit 1 is
 * set; reading port 0x60 drops the line and the next byte raises it again.
 *
 * Sending a byte to the keyboard (port 0x60) or the mouse (0xd4) enables
 * that port, as the 8042's firmware does.
 *
 * Commands complete at once: the input buffer is never seen full.
 *
 * Typematic: the last key pressed repeats its make code, on the virtual
 * clock, at the delay and rate of the 0xf3 byte until it is released or
 * another key is pressed (IBM 101/102-key keyboard technical reference).
 * Sets 1 and 2 repeat every key but Pause; set 3 follows the all-keys
 * commands 0xf7-0xfa (per-key types 0xfb-0xfd are not modelled). A repeat
 * is dropped while an earlier byte still waits in the keyboard's queue, as
 * the real keyboard stores only one make code while it is inhibited. */
#ifndef RELIC_I8042_H
#define RELIC_I8042_H
#include <stdint.h>
#include "../mmu/io.h"
#include "../machine/timer.h"
#include "irq.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64

/* Status register bits */
enum {
    I8042_STR_OBF = 0x01,       /* output buffer full */
    I8042_STR_IBF = 0x02,       /* input buffer full (never, here) */
    I8042_STR_SYS = 0x04,       /* system flag (command byte bit 2) */
    I8042_STR_CMD = 0x08,       /* last write was to port 0x64 */
    I8042_STR_UNLOCKED = 0x10,  /* keyboard inhibit switch off */
    I8042_STR_AUXDATA = 0x20,   /* the byte in the buffer is from the mouse */
    I8042_STR_TIMEOUT = 0x40,
    I8042_STR_PARITY = 0x80,
};

/* Command byte bits */
enum {
    I8042_CTR_KBDINT = 0x01,
    I8042_CTR_AUXINT = 0x02,
    I8042_CTR_SYS = 0x04,
    I8042_CTR_KBDDIS = 0x10,
    I8042_CTR_AUXDIS = 0x20,
    I8042_CTR_XLATE = 0x40,
};

#define I8042_QUEUE_SIZE 256
#define I8042_HOLD_MAX 16

struct i8042_queue {
    uint8_t data[I8042_QUEUE_SIZE];
    uint16_t head, count;
    uint8_t aux[I8042_QUEUE_SIZE];   /* controller queue only: byte goes out as aux */
};

struct ps2_kbd {
    struct i8042_queue q;
    uint8_t scancode_set;            /* 1, 2 or 3 */
    uint8_t leds;                    /* bit 0 scroll, 1 num, 2 caps */
    uint8_t typematic;               /* rate/delay byte of 0xf3 */
    uint8_t scanning;                /* 0xf4/0xf5 */
    uint8_t pending;                 /* command waiting for its argument, or 0 */
    uint8_t last;                    /* last byte sent, for 0xfe resend */
    uint8_t set3_typematic;          /* set 3: keys repeat (0xf7/0xfa on, 0xf8/0xf9 off) */
    uint16_t repeat_code;            /* set 2 code of the repeating key, 0 for none */
};

struct ps2_mouse {
    struct i8042_queue q;
    uint8_t rate, resolution, scaling21;
    uint8_t remote, reporting, wrap;
    uint8_t id;                      /* 0, 3 (IntelliMouse) or 4 (Explorer) */
    uint8_t pending;
    uint8_t last;
    uint8_t rate_hist[3];            /* last three sample rates set (newest last) */
    uint8_t buttons;                 /* bit 0 left, 1 right, 2 middle, 3 and 4 side */
    uint8_t sent_buttons;
    int32_t dx, dy, dz;              /* motion not yet reported (PS/2 sense: y up) */
};

struct i8042 {
    uint8_t status;
    uint8_t ram[32];                 /* ram[0] is the command byte */
    uint8_t outport;
    uint8_t obuf;                    /* the output buffer */
    uint8_t pending;                 /* controller command waiting for data, or 0 */
    uint8_t xlate_break;             /* translation saw 0xf0 */
    struct i8042_queue ctrl;         /* controller's own replies, ahead of the devices */
    struct ps2_kbd kbd;
    struct ps2_mouse mouse;
    struct irq_line irq_kbd, irq_aux;
    int level_kbd, level_aux;
    void (*set_a20)(void *opaque, int on);
    void (*request_reset)(void *opaque);
    void *opaque;
    struct vclock *clock;
    struct timer repeat_timer;       /* the keyboard's next typematic repeat */
    uint64_t repeat_due;             /* when it is due (the rate counts from here) */
    uint16_t held[I8042_HOLD_MAX];   /* i8042_key_hold's keys, in press order */
    int nheld;
    struct timer hold_timer;         /* releases held[] */
};

/* Claims ports 0x60 and 0x64. irq_kbd is IRQ 1 and irq_aux IRQ 12 on a PC
 * (either may be NULL). set_a20 is called with the output port's A20 bit on
 * every output port write (and 0xdd/0xdf); request_reset when the guest
 * pulls the reset line (0xfe, 0xf0-0xff with bit 0 clear in the mask, or
 * 0xd1 with bit 0 clear). Callbacks may be NULL. clock (not NULL) times the
 * typematic repeats and held keys. Returns 0, or -1 if a port is taken. */
int i8042_init(struct i8042 *k, struct iobus *bus, struct vclock *clock,
               const struct irq_line *irq_kbd,
               const struct irq_line *irq_aux, void (*set_a20)(void *opaque, int on),
               void (*request_reset)(void *opaque), void *opaque);
/* Machine reset: controller, keyboard and mouse to their power-on state. */
void i8042_reset(struct i8042 *k);

/* A key changed. code is the key's scan code set 2 make code, 0xe0xx for
 * extended keys (e.g. 0xe075 up arrow, 0xe014 right Ctrl), 0xe114 for Pause
 * (which sends its whole sequence on press and nothing on release). The
 * keyboard sends it in the scan code set the guest selected (set 3 is
 * answered to but sends set 2 codes). Dropped while the keyboard is not
 * scanning or its queue is full. Call it on real transitions only: the
 * keyboard repeats held keys itself, so a host's auto-repeat presses must
 * not be passed on. */
void i8042_key(struct i8042 *k, uint16_t set2_code, int pressed);
/* The same from a set 1 make code (0xe0xx for extended keys, 0xe11d for
 * Pause), which is what struct ui_event carries. */
void i8042_key_set1(struct i8042 *k, uint16_t set1_code, int pressed);
/* Presses n (at most I8042_HOLD_MAX) set 2 codes in order and releases them
 * in reverse order hold_ns of virtual time later; keys still held from an
 * earlier call are released first. For scripted input (the monitor). */
void i8042_key_hold(struct i8042 *k, const uint16_t *codes, int n, uint64_t hold_ns);

/* The mouse moved: dx right, dy down (screen sense), dz wheel clicks
 * (positive = towards the user), buttons bit 0 left, 1 right, 2 middle,
 * 3/4 side buttons (reported with ID 4 only). Sends packets while the mouse
 * reports in stream mode; otherwise accumulates for the 0xeb read. */
void i8042_mouse_motion(struct i8042 *k, int dx, int dy, int dz, unsigned buttons);

/* Set 1 code of a set 2 code (the controller's translation table). */
uint8_t i8042_translate(uint8_t set2);
#endif
