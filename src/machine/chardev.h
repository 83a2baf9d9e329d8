/* Host ends of the serial ports: stdio, a file, or nothing. Output is
 * written through at once (a crash loses nothing); input is read from
 * stdin without blocking, when the machine loop polls. On a terminal, stdin
 * goes into raw mode (keys reach the guest as typed, without echo) but keeps
 * signals, so Ctrl-C still stops relic; chardev_close restores it. A port
 * shared with the monitor (mux) gets its input from the monitor instead and
 * passes Ctrl-C to the guest. */
#ifndef RELIC_CHARDEV_H
#define RELIC_CHARDEV_H
#include <stdint.h>
#include <stddef.h>
#include <termios.h>
#include "options.h"

#define CHARDEV_INBUF 256

struct chardev {
    enum opt_serial kind;
    int out_fd;                     /* -1: output dropped */
    int in_fd;                      /* -1: no input (or it reached EOF) */
    int owns_out;                   /* out_fd was opened here */
    int tty_fd;                     /* terminal put in raw mode, -1 none */
    struct termios saved_tty;       /* its settings to restore */
    uint8_t inbuf[CHARDEV_INBUF];   /* read from the host, not yet taken by the guest */
    size_t in_head, in_len;
};

/* Opens the backend an option names. Returns 0, or -1 with err set. */
int chardev_open(struct chardev *c, const struct serial_opt *opt, char *err, size_t errlen);
void chardev_close(struct chardev *c);

/* The UART's tx_byte callback. */
void chardev_write(void *opaque, uint8_t byte);

/* Reads what stdin has without blocking. Returns 1 if buffered input waits. */
int chardev_poll(struct chardev *c);
/* The descriptor to wait on for more input, or -1. */
static inline int chardev_wait_fd(const struct chardev *c)
{
    return c->in_len < CHARDEV_INBUF ? c->in_fd : -1;
}
/* Input from elsewhere (the monitor's stdio mux): queues what fits, returns how much. */
size_t chardev_push(struct chardev *c, const uint8_t *buf, size_t len);
static inline size_t chardev_room(const struct chardev *c)
{
    return CHARDEV_INBUF - c->in_len;
}
/* Puts terminal fd in raw mode, saving its settings in *saved; returns 0 if
 * fd is no terminal. keep_signals: Ctrl-C and Ctrl-Z still signal relic. */
int chardev_tty_raw(int fd, struct termios *saved, int keep_signals);
/* Hands up to max buffered bytes to fn(opaque, byte); returns how many. */
size_t chardev_drain(struct chardev *c, size_t max, void (*fn)(void *, uint8_t), void *opaque);
#endif
