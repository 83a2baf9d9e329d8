/* The virtual clock and its event queue.
 *
 * Time is in nanoseconds since the machine was created. By default it
 * follows the host's monotonic clock; in manual mode it moves only when told
 * (unit tests now, a deterministic instruction-counted mode later).
 *
 * Devices embed a struct timer and arm it with an absolute deadline. The
 * machine loop runs the callbacks of expired timers between CPU slices, and
 * sleeps until the next deadline when the guest halts. Callbacks may re-arm
 * or disarm any timer, their own included. */
#ifndef RELIC_TIMER_H
#define RELIC_TIMER_H
#include <stdint.h>

#define VCLOCK_NEVER UINT64_MAX

enum vclock_mode { VCLOCK_HOST, VCLOCK_MANUAL };

struct timer;
typedef void (*timer_cb)(void *opaque);

struct vclock {
    enum vclock_mode mode;
    uint64_t host_origin;          /* host monotonic ns at vclock_init */
    uint64_t manual_now;           /* the time in manual mode */
    int paused;                    /* host mode: time stands at paused_at */
    uint64_t paused_at;
    struct timer *head;            /* armed timers, earliest deadline first */
};

struct timer {
    uint64_t deadline;             /* absolute virtual ns; valid while armed */
    timer_cb cb;
    void *opaque;
    struct vclock *clock;
    struct timer *next;
    int armed;
};

void vclock_init(struct vclock *c, enum vclock_mode mode);
uint64_t vclock_now(struct vclock *c);
/* Manual mode only: moves time forward (never back) to ns. */
void vclock_set(struct vclock *c, uint64_t ns);
/* Stops or restarts time (the monitor's stop/cont): a paused guest sees
 * no time pass, so its timers do not all fire at once on cont. */
void vclock_pause(struct vclock *c, int paused);
/* Deadline of the earliest armed timer, or VCLOCK_NEVER. */
uint64_t vclock_next_deadline(const struct vclock *c);
/* Runs the callbacks of every timer whose deadline is <= now, earliest
 * first. Returns how many ran. */
int vclock_run_timers(struct vclock *c);

void timer_init(struct timer *t, struct vclock *c, timer_cb cb, void *opaque);
/* Arms (or re-arms) t to fire at the absolute virtual time deadline. */
void timer_mod(struct timer *t, uint64_t deadline);
void timer_del(struct timer *t);
static inline int timer_armed(const struct timer *t) { return t->armed; }

/* Host monotonic clock in nanoseconds. */
uint64_t host_monotonic_ns(void);
#endif
