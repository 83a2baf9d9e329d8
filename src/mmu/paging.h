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

/* Software TLB: direct mapped, one table per privilege class, with a small
 * fully associative victim TLB behind each.
 *
 * A tag is `linear page | flags`. The fast path of an access of `size`
 * bytes (1, 2 or 4) at linear address `lin` is one compare:
 *
 *     e   = &tlb->e[user][(lin >> 12) & (TLB_SIZE - 1)]
 *     hit = e->tag_<kind> == ((lin + size - 1) & ~0xfff)     (32-bit sum)
 *     host pointer = e->addend + lin
 *
 * The slot comes from lin but the compare from the last byte's page, so a
 * page-crossing access compares the next page against a slot that cannot
 * hold it (adjacent pages use adjacent slots) and misses; an access wrapping
 * at 4 GiB compares page 0 against the last slot and misses too. Any flag
 * bit makes the compare miss and sends the access to the slow path, which
 * still finds the entry's physical page there without walking the tables
 * again (tlb_names). A kind of access the walk did not allow (a write to a
 * read-only or not yet dirty page) has TLB_INVALID in its tag: it walks. */
#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_VICTIMS 8
#define TLB_INVALID 0x001u      /* empty, or this kind of access must walk */
#define TLB_MMIO 0x002u         /* not plain RAM/ROM: MMIO or unmapped */
#define TLB_NOWRITE_ROM 0x004u  /* write to ROM: dropped or redirected by phys_write */
#define TLB_CODE 0x008u         /* the page holds decoded code: writes are checked */
#define TLB_NOTDIRTY 0x010u     /* dirty logging: the first write marks the page */
#define TLB_WATCH 0x020u        /* data breakpoints or alignment checking armed */
#define TLB_FLAGS 0xfffu

struct tlb_entry {
    uint32_t tag_read, tag_write, tag_fetch;
    uint32_t ppage;            /* physical page (A20 applied) */
    uintptr_t addend;          /* host pointer = addend + linear address (RAM/ROM only) */
    uint32_t vpage;            /* linear page, or TLB_INVALID when the slot is empty */
    uint8_t global;
    uint8_t listed;            /* the slot is in struct tlb's used list */
    uint16_t pad;
};
_Static_assert(sizeof(struct tlb_entry) == 32, "generated code indexes TLB entries by 32");

/* The e[] table leads: generated code reaches entry idx of privilege user
 * (0 supervisor, 1 user) at tlb + user * TLB_SIZE * 32 + idx * 32. */
struct tlb {
    struct tlb_entry e[2][TLB_SIZE];   /* [0] supervisor, [1] user */
    struct tlb_entry victim[2][TLB_VICTIMS];
    unsigned victim_next[2];           /* round-robin replacement */
    /* slots filled since the last flush, so a flush touches only those */
    unsigned nused[2];
    uint16_t used[2][TLB_SIZE];
};

/* The inline fast-path check (the formula above). */
static inline int tlb_hit(uint32_t tag, uint32_t lin, int size)
{
    return tag == ((lin + (uint32_t)size - 1) & ~0xfffu);
}
/* Slow path: the tag names lin's page, flags or not (not for TLB_INVALID). */
static inline int tlb_names(uint32_t tag, uint32_t lin)
{
    return !(tag & TLB_INVALID) && ((tag ^ lin) & ~0xfffu) == 0;
}

/* Empties every slot (after allocation). */
void tlb_init(struct tlb *t);
void tlb_flush(struct tlb *t, int keep_global);
void tlb_flush_page(struct tlb *t, uint32_t lin);
/* Adds `flag` to the write tags of entries mapping physical page ppage. */
void tlb_flag_writes(struct tlb *t, uint32_t ppage, uint32_t flag);
/* The victim entry holding linear page lpage, or NULL. */
struct tlb_entry *tlb_victim_find(struct tlb *t, int user, uint32_t lpage);
/* Exchanges a main slot with a victim entry (a victim hit). */
void tlb_swap(struct tlb_entry *e, struct tlb_entry *v);
/* The main slot a fill of lpage overwrites: its old entry moves to the
 * victim TLB, and the slot is listed for the next flush. */
struct tlb_entry *tlb_slot_for_fill(struct tlb *t, int user, uint32_t lpage);
#endif
