/* Serial port backends (see chardev.h). */
#include "chardev.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int chardev_tty_raw(int fd, struct termios *saved, int keep_signals)
{
    struct termios t;
    if (!isatty(fd) || tcgetattr(fd, saved) < 0)
        return 0;
    t = *saved;
    /* Like cfmakeraw, but output processing (\n -> \r\n) stays, the way
     * QEMU's stdio backend sets the terminal up. */
    t.c_iflag &= (tcflag_t)~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= (tcflag_t)~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!keep_signals)
        t.c_lflag &= (tcflag_t)~ISIG;
    t.c_cflag &= (tcflag_t)~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &t);
    return 1;
}

int chardev_open(struct chardev *c, const struct serial_opt *opt, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->kind = opt->kind;
    c->out_fd = c->in_fd = c->tty_fd = -1;
    switch (opt->kind) {
    case SERIAL_STDIO:
        c->out_fd = STDOUT_FILENO;
        /* Shared with the monitor: it reads stdin and pushes our bytes, and
         * Ctrl-C is a key for the guest (Ctrl-A x ends relic). */
        c->in_fd = opt->mux ? -1 : STDIN_FILENO;
        if (chardev_tty_raw(STDIN_FILENO, &c->saved_tty, !opt->mux))
            c->tty_fd = STDIN_FILENO;
        return 0;
    case SERIAL_FILE:
        c->out_fd = open(opt->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (c->out_fd < 0) {
            snprintf(err, errlen, "cannot open serial output '%s': %s", opt->path, strerror(errno));
            return -1;
        }
        c->owns_out = 1;
        return 0;
    case SERIAL_NULL:
    case SERIAL_NONE:
        return 0;
    }
    return 0;
}

void chardev_close(struct chardev *c)
{
    if (c->tty_fd >= 0)
        tcsetattr(c->tty_fd, TCSANOW, &c->saved_tty);
    if (c->owns_out)
        close(c->out_fd);
    c->owns_out = 0;
    c->tty_fd = -1;
    c->out_fd = c->in_fd = -1;
}

void chardev_write(void *opaque, uint8_t byte)
{
    struct chardev *c = opaque;
    if (c->out_fd < 0)
        return;
    while (write(c->out_fd, &byte, 1) < 0 && errno == EINTR)
        ;
}

int chardev_poll(struct chardev *c)
{
    if (c->in_fd >= 0 && c->in_len < CHARDEV_INBUF) {
        struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
        if (poll(&p, 1, 0) > 0) {
            if (c->in_head + c->in_len == CHARDEV_INBUF) {
                memmove(c->inbuf, c->inbuf + c->in_head, c->in_len);
                c->in_head = 0;
            }
            ssize_t n = read(c->in_fd, c->inbuf + c->in_head + c->in_len,
                             CHARDEV_INBUF - c->in_head - c->in_len);
            if (n > 0)
                c->in_len += (size_t)n;
            else if (n == 0 || (errno != EINTR && errno != EAGAIN))
                c->in_fd = -1;          /* EOF or a dead stream: stop asking */
        }
    }
    return c->in_len > 0;
}

size_t chardev_drain(struct chardev *c, size_t max, void (*fn)(void *, uint8_t), void *opaque)
{
    size_t n = c->in_len < max ? c->in_len : max;
    for (size_t i = 0; i < n; i++)
        fn(opaque, c->inbuf[c->in_head + i]);
    c->in_head += n;
    c->in_len -= n;
    if (!c->in_len)
        c->in_head = 0;
    return n;
}

size_t chardev_push(struct chardev *c, const uint8_t *buf, size_t len)
{
    size_t room = chardev_room(c);
    size_t n = len < room ? len : room;
    if (c->in_head + c->in_len + n > CHARDEV_INBUF) {
        memmove(c->inbuf, c->inbuf + c->in_head, c->in_len);
        c->in_head = 0;
    }
    memcpy(c->inbuf + c->in_head + c->in_len, buf, n);
    c->in_len += n;
    return n;
}
