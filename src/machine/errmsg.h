/* One-line error messages for setting the machine up: a step that refuses
 * formats its reason into the caller's buffer (without the "relic: " that
 * main adds) and returns -1, so it can `return fail(...)`. */
#ifndef RELIC_MACHINE_ERRMSG_H
#define RELIC_MACHINE_ERRMSG_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

__attribute__((format(printf, 3, 4)))
static inline int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}
#endif
