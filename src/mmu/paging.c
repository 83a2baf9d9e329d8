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
    e->global = 0;
}

void tlb_flush(struct tlb *t, int keep_global)
{
    t->epoch++;
    for (int p = 0; p < 2; p++)
        for (unsigned i = 0; i < TLB_SIZE; i++)
            if (!keep_global || !t->e[p][i].global)
                invalidate(&t->e[p][i]);
}

void tlb_flush_page(struct tlb *t, uint32_t lin)
{
    unsigned i = (lin >> 12) & (TLB_SIZE - 1);
    t->epoch++;
    for (int p = 0; p < 2; p++)
        invalidate(&t->e[p][i]);
}
