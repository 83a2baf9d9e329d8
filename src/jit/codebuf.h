/* Memory for generated code: one region seen through two mappings of the
 * same pages, one writable and one executable, so no page is ever both
 * (hosts that enforce W^X allow this; nobody else minds). Allocation is a
 * bump pointer; when the region is full the translator flushes it whole and
 * bumps the generation, which retires every block's code at once. */
#ifndef RELIC_JIT_CODEBUF_H
#define RELIC_JIT_CODEBUF_H
#include <stddef.h>
#include <stdint.h>

struct codebuf {
    uint8_t *rw, *rx;           /* the same bytes, writable / executable */
    size_t size, used;
    size_t released;            /* the writable view's pages below this are given back */
    unsigned gen;               /* bumped by each flush; starts at 1 */
};

/* Returns 0, or -1 (errno set) when the host gives no such memory. */
int codebuf_init(struct codebuf *cb, size_t size);
void codebuf_free(struct codebuf *cb);
/* Forgets every translation. */
void codebuf_flush(struct codebuf *cb);
/* Drops the writable view's pages of code made so far from the process
 * (the bytes stay, seen through the executable view): each code page would
 * otherwise count twice in the resident set. Writing there again (chain
 * patching) brings a page back. Cheap to call often: it acts per MiB. */
void codebuf_release(struct codebuf *cb);
/* The executable address of a writable one. */
static inline void *codebuf_exec(const struct codebuf *cb, const uint8_t *rw)
{
    return cb->rx + (rw - cb->rw);
}
#endif
