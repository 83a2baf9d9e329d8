/* The human monitor (-monitor, -nographic): a line-based console that takes
 * QEMU's HMP commands (help, info registers/status/version, x, xp, stop,
 * cont, system_reset, system_powerdown, sendkey, quit) plus relic's own
 * screentext, so habits and scripts carry over. It talks over stdio or a
 * listening unix socket (one client at a time, accepted without stopping
 * the guest). With -nographic or -serial mon:stdio it shares stdio with a
 * serial port the way QEMU's mux does: Ctrl-A c switches between them,
 * Ctrl-A x exits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends a Ctrl-A.
 *
 * Commands run between CPU slices, from the machine loop, so they see the
 * machine at an instruction boundary. */
#ifndef RELIC_MONITOR_H
#define RELIC_MONITOR_H
#include <poll.h>
#include <stddef.h>

struct machine;
struct monitor;

/* Sets up what m->opts.monitor asks for into m->monitor (NULL for none).
 * Returns 0, or -1 with a one-line message in err. */
int monitor_open(struct machine *m, char *err, size_t errlen);
void monitor_free(struct monitor *mon);

/* Reads what the host sent without blocking and runs complete commands.
 * A NULL monitor does nothing. */
void monitor_poll(struct monitor *mon);
/* Adds the descriptors worth waiting on to fds (room for max); returns how
 * many were added. */
int monitor_pollfds(const struct monitor *mon, struct pollfd *fds, int max);
#endif
