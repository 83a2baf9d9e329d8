/* The checks the device unit tests share: each counts into passed/failed
 * and prints the failing expression; the test ends with
 * `printf("%d passed, %d failed\n", passed, failed)`. One test a program,
 * so the counters live here. */
#ifndef RELIC_TEST_CHECK_H
#define RELIC_TEST_CHECK_H
#include <stdint.h>
#include <stdio.h>

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want) check_eq((uint32_t)(got), (uint32_t)(want), #got, __FILE__, __LINE__)

static inline void check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s:%d: %s\n", file, line, what);
}

static inline void check_eq(uint32_t got, uint32_t want, const char *what, const char *file, int line)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s:%d: %s is 0x%x, want 0x%x\n", file, line, what, got, want);
}
#endif
