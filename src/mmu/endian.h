/* Little-endian guest memory access, portable to big-endian hosts.
 * memcpy keeps unaligned access defined; compilers turn it into one load. */
#ifndef RELIC_ENDIAN_H
#define RELIC_ENDIAN_H
#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RELIC_HOST_BE 1
#else
#define RELIC_HOST_BE 0
#endif

static inline uint16_t ld16le(const void *p)
{
    uint16_t v; memcpy(&v, p, 2);
    return RELIC_HOST_BE ? __builtin_bswap16(v) : v;
}
static inline uint32_t ld32le(const void *p)
{
    uint32_t v; memcpy(&v, p, 4);
    return RELIC_HOST_BE ? __builtin_bswap32(v) : v;
}
static inline uint64_t ld64le(const void *p)
{
    uint64_t v; memcpy(&v, p, 8);
    return RELIC_HOST_BE ? __builtin_bswap64(v) : v;
}
static inline void st16le(void *p, uint16_t v)
{
    if (RELIC_HOST_BE) v = __builtin_bswap16(v);
    memcpy(p, &v, 2);
}
static inline void st32le(void *p, uint32_t v)
{
    if (RELIC_HOST_BE) v = __builtin_bswap32(v);
    memcpy(p, &v, 4);
}
static inline void st64le(void *p, uint64_t v)
{
    if (RELIC_HOST_BE) v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}
#endif
