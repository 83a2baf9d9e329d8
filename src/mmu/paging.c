/* Page walk and TLB maintenance. */
#include "paging.h"
#include <string.h>

#define CR0_WP (1u << 16)
#define CR4_PSE (1u << 4)
#define CR4_PGE (1u << 7)
#define PTE_P 1u
#define PTE_W 2u
#define PTE_U 4u
#define PTE_A 0x20u
#define PTE_D 0x40u
#define PTE_PS 0x80u
#define PTE_G 0x100u

static int allowed(const struct walk_in *in, int w, int u)
{
    if (in->user && !u)
        return 0;
    if (in->acc == WALK_WRITE && !w && (in->user || (in->cr0 & CR0_WP)))
        return 0;
    return 1;
}

int page_walk(struct physmem *pm, const struct walk_in *in, struct walk_out *o)
{
    uint32_t pfec_base = (in->acc == WALK_WRITE ? PFEC_W : 0) | (in->user ? PFEC_U : 0);
    uint32_t pde_addr = ((in->cr3 & 0xfffff000u) | ((in->lin >> 20) & 0xffc)) & pm->a20_mask;
    uint32_t pde = phys_read(pm, pde_addr, 4);
    memset(o, 0, sizeof *o);
    if (!(pde & PTE_P)) {
        o->pfec = pfec_base;
        return -1;
    }
    if ((pde & PTE_PS) && (in->cr4 & CR4_PSE)) {
        int w = !!(pde & PTE_W), u = !!(pde & PTE_U);
        if (!allowed(in, w, u)) {
            o->pfec = pfec_base | PFEC_P;
            return -1;
        }
        uint32_t npde = pde | PTE_A | (in->acc == WALK_WRITE ? PTE_D : 0);
        if (npde != pde)
            phys_write(pm, pde_addr, npde, 4);
        o->paddr = (pde & 0xffc00000u) | (in->lin & 0x3fffff);
        o->writable = w || (!in->user && !(in->cr0 & CR0_WP));
        o->user_ok = u;
        o->dirty = !!(npde & PTE_D);
        o->global = (pde & PTE_G) && (in->cr4 & CR4_PGE);
        o->large = 1;
        return 0;
    }
    uint32_t pte_addr = ((pde & 0xfffff000u) | ((in->lin >> 10) & 0xffc)) & pm->a20_mask;
    uint32_t pte = phys_read(pm, pte_addr, 4);
    if (!(pte & PTE_P)) {
        o->pfec = pfec_base;
        return -1;
    }
    /* Both levels must allow the access: the effective rights are the AND. */
    int w = (pde & PTE_W) && (pte & PTE_W), u = (pde & PTE_U) && (pte & PTE_U);
    if (!allowed(in, w, u)) {
        o->pfec = pfec_base | PFEC_P;
        return -1;
    }
    if (!(pde & PTE_A))
        phys_write(pm, pde_addr, pde | PTE_A, 4);
    uint32_t npte = pte | PTE_A | (in->acc == WALK_WRITE ? PTE_D : 0);
    if (npte != pte)
        phys_write(pm, pte_addr, npte, 4);
    o->paddr = (pte & 0xfffff000u) | (in->lin & 0xfff);
    o->writable = w || (!in->user && !(in->cr0 & CR0_WP));
    o->user_ok = u;
    o->dirty = !!(npte & PTE_D);
    o->global = (pte & PTE_G) && (in->cr4 & CR4_PGE);
    return 0;
}

static void invalidate(struct tlb_entry *e)
{
    e->tag_read = e->tag_write = e->tag_fetch = TLB_INVALID;
    e->vpage = TLB_INVALID;
    e->global = 0;
}

void tlb_init(struct tlb *t)
{
    memset(t, 0, sizeof *t);
    for (int p = 0; p < 2; p++) {
        for (unsigned i = 0; i < TLB_SIZE; i++)
            invalidate(&t->e[p][i]);
        for (unsigned i = 0; i < TLB_VICTIMS; i++)
            invalidate(&t->victim[p][i]);
    }
}

/* Only the slots filled since the last flush can be valid, so a flush
 * costs what the guest used, not the table's size (a process switch after
 * touching a few dozen pages clears a few dozen entries). */
void tlb_flush(struct tlb *t, int keep_global)
{
    for (int p = 0; p < 2; p++) {
        unsigned kept = 0;
        for (unsigned k = 0; k < t->nused[p]; k++) {
            struct tlb_entry *e = &t->e[p][t->used[p][k]];
            if (keep_global && e->global) {
                t->used[p][kept++] = t->used[p][k];
                continue;
            }
            invalidate(e);
            e->listed = 0;
        }
        t->nused[p] = kept;
        for (unsigned i = 0; i < TLB_VICTIMS; i++)
            if (!keep_global || !t->victim[p][i].global)
                invalidate(&t->victim[p][i]);
    }
}

void tlb_flush_page(struct tlb *t, uint32_t lin)
{
    unsigned i = (lin >> 12) & (TLB_SIZE - 1);
    for (int p = 0; p < 2; p++) {
        invalidate(&t->e[p][i]);
        for (unsigned k = 0; k < TLB_VICTIMS; k++)
            if (t->victim[p][k].vpage == (lin & ~0xfffu))
                invalidate(&t->victim[p][k]);
    }
}

static void flag_write(struct tlb_entry *e, uint32_t ppage, uint32_t flag)
{
    if (e->vpage != TLB_INVALID && e->ppage == ppage && !(e->tag_write & TLB_INVALID))
        e->tag_write |= flag;
}

void tlb_flag_writes(struct tlb *t, uint32_t ppage, uint32_t flag)
{
    for (int p = 0; p < 2; p++) {
        for (unsigned k = 0; k < t->nused[p]; k++)
            flag_write(&t->e[p][t->used[p][k]], ppage, flag);
        for (unsigned k = 0; k < TLB_VICTIMS; k++)
            flag_write(&t->victim[p][k], ppage, flag);
    }
}

struct tlb_entry *tlb_victim_find(struct tlb *t, int user, uint32_t lpage)
{
    for (unsigned k = 0; k < TLB_VICTIMS; k++)
        if (t->victim[user][k].vpage == lpage)
            return &t->victim[user][k];
    return NULL;
}

void tlb_swap(struct tlb_entry *e, struct tlb_entry *v)
{
    struct tlb_entry tmp = *e;
    uint8_t listed = e->listed;
    *e = *v;
    *v = tmp;
    e->listed = listed;
    v->listed = 0;
}

struct tlb_entry *tlb_slot_for_fill(struct tlb *t, int user, uint32_t lpage)
{
    struct tlb_entry *e = &t->e[user][(lpage >> 12) & (TLB_SIZE - 1)];
    /* an older copy of this page in the victim TLB would outlive the new one */
    struct tlb_entry *old = tlb_victim_find(t, user, lpage);
    if (old)
        invalidate(old);
    if (e->vpage != TLB_INVALID && e->vpage != lpage) {
        unsigned k = t->victim_next[user]++ % TLB_VICTIMS;
        t->victim[user][k] = *e;
        t->victim[user][k].listed = 0;
    }
    if (!e->listed) {
        e->listed = 1;
        t->used[user][t->nused[user]++] = (uint16_t)(e - t->e[user]);
    }
    return e;
}
