/* Virtual clock and event queue: a sorted singly linked list. Machines have
 * a handful of timers (PIT, RTC, UART timeouts), so insertion order beats
 * any heap for both code size and speed. */
#include "timer.h"
#include <time.h>
#include <stddef.h>

uint64_t host_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void vclock_init(struct vclock *c, enum vclock_mode mode)
{
    c->mode = mode;
    c->host_origin = host_monotonic_ns();
    c->manual_now = 0;
    c->paused = 0;
    c->paused_at = 0;
    c->head = NULL;
}

uint64_t vclock_now(struct vclock *c)
{
    if (c->mode == VCLOCK_MANUAL)
        return c->manual_now;
    if (c->paused)
        return c->paused_at;
    return host_monotonic_ns() - c->host_origin;
}

void vclock_pause(struct vclock *c, int paused)
{
    if (c->mode == VCLOCK_MANUAL || !paused == !c->paused)
        return;
    if (paused)
        c->paused_at = vclock_now(c);
    else
        c->host_origin = host_monotonic_ns() - c->paused_at;
    c->paused = paused;
}

void vclock_set(struct vclock *c, uint64_t ns)
{
    if (ns > c->manual_now)
        c->manual_now = ns;
}

uint64_t vclock_next_deadline(const struct vclock *c)
{
    return c->head ? c->head->deadline : VCLOCK_NEVER;
}

static void unlink_timer(struct timer *t)
{
    struct timer **p = &t->clock->head;
    while (*p && *p != t)
        p = &(*p)->next;
    if (*p)
        *p = t->next;
    t->next = NULL;
    t->armed = 0;
}

void timer_init(struct timer *t, struct vclock *c, timer_cb cb, void *opaque)
{
    t->deadline = VCLOCK_NEVER;
    t->cb = cb;
    t->opaque = opaque;
    t->clock = c;
    t->next = NULL;
    t->armed = 0;
}

void timer_mod(struct timer *t, uint64_t deadline)
{
    if (t->armed)
        unlink_timer(t);
    /* Equal deadlines keep arming order, so callbacks run in a stable order. */
    struct timer **p = &t->clock->head;
    while (*p && (*p)->deadline <= deadline)
        p = &(*p)->next;
    t->deadline = deadline;
    t->next = *p;
    *p = t;
    t->armed = 1;
}

void timer_del(struct timer *t)
{
    if (t->armed)
        unlink_timer(t);
}

int vclock_run_timers(struct vclock *c)
{
    uint64_t now = vclock_now(c);
    int n = 0;
    /* Take one timer at a time from the head: a callback may re-arm itself
     * or others, so nothing about the list survives the call. The cap keeps
     * a device that keeps re-arming in the past from spinning here forever;
     * what is left runs on the next call. */
    while (c->head && c->head->deadline <= now && n < 1000) {
        struct timer *t = c->head;
        c->head = t->next;
        t->next = NULL;
        t->armed = 0;
        t->cb(t->opaque);
        n++;
    }
    return n;
}
