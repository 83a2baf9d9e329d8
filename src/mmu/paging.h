/* 32-bit (non-PAE) page walk with 4 KiB and 4 MiB (PSE) pages, and the
 * software TLB entry layout the CPU's memory path fills from it. */
#ifndef RELIC_PAGING_H
#define RELIC_PAGING_H
#include <stdint.h>
#include "phys.h"

/* Page-fault error code bits, as the hardware pushes them. */
enum { PFEC_P = 1, PFEC_W = 2, PFEC_U = 4, PFEC_RSVD = 8, PFEC_I = 16 };

enum walk_access { WALK_READ, WALK_WRITE, WALK_FETCH };

struct walk_in {
    uint32_t cr0, cr3, cr4;
    uint32_t lin;
    enum walk_access acc;
    int user;                  /* access is at CPL 3 (not an implicit supervisor access) */
};

struct walk_out {
    uint32_t paddr;            /* translated address (A20 not applied) */
    uint32_t pfec;             /* error code when the walk faults */
    int writable;              /* the mapping allows writes at this privilege */
    int user_ok;               /* the mapping allows user accesses */
    int dirty;                 /* the final entry has D set (after this walk) */
    int global;
    int large;
};

/* Walks the tables; sets accessed bits, and the dirty bit on a permitted
 * write, as the hardware does. Returns 0, or -1 with o->pfec for a #PF. */
int page_walk(struct physmem *pm, const struct walk_in *in, struct walk_out *o);

/* Software TLB: direct mapped, one table per privilege class. A tag holds
 * the linear page when that kind of access may take the fast path; the low
 * bit TLB_INVALID never matches an aligned address. */
#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_INVALID 1u

struct tlb_entry {
    uint32_t tag_read, tag_write, tag_fetch;
    uint32_t ppage;            /* physical page (A20 applied) for the slow path */
    uintptr_t addend;          /* host pointer = addend + linear address */
    uint32_t global;
    uint32_t writable;         /* page allows writes (dirty may still be clear) */
};

struct tlb {
    struct tlb_entry e[2][TLB_SIZE];   /* [0] supervisor, [1] user */
    uint32_t epoch;                    /* bumped by every flush: what was learnt of the mapping is stale */
};

void tlb_flush(struct tlb *t, int keep_global);
void tlb_flush_page(struct tlb *t, uint32_t lin);
#endif
