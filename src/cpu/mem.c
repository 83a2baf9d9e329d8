/* The CPU's memory path: segmentation checks, the TLB slow path (page
 * walk and fill), page-crossing and MMIO accesses, and the stack. */
#include "exec.h"

_Noreturn void cpu_fault(struct cpu *c, int vec, uint32_t err)
{
    c->fault_vec = vec;
    c->fault_err = err;
    c->fault_has_err = 1;
    longjmp(c->fault_jmp, 1);
}

_Noreturn void cpu_fault0(struct cpu *c, int vec)
{
    c->fault_vec = vec;
    c->fault_err = 0;
    c->fault_has_err = 0;
    longjmp(c->fault_jmp, 1);
}

_Noreturn void cpu_ud(struct cpu *c) { cpu_fault0(c, EX_UD); }

static int access_is_user(const struct cpu *c, int acc)
{
    return c->cpl == 3 && !(acc & ACC_SYS);
}

/* What keeps each kind of access of a page off the fast path. */
static void fill_tags(struct cpu *c, struct tlb_entry *e, uint32_t lpage, int user, const struct walk_out *w)
{
    struct physmem *pm = c->pm;
    struct phys_region *r = phys_region_at(pm, e->ppage);
    uint32_t rd = 0, wr = 0;
    if (!r || r->kind == PHYS_MMIO)
        rd = TLB_MMIO;
    else if (r->kind == PHYS_ROM)
        wr = TLB_NOWRITE_ROM;
    if (!rd) {
        uint8_t *host = r->host + (e->ppage - r->base);
        e->addend = (uintptr_t)host - (uintptr_t)lpage;
        if (pm->report_all_writes || phys_code_mask(pm, e->ppage >> 12))
            wr |= TLB_CODE;
        if (phys_host_clean(pm, r->kind == PHYS_ROM ? NULL : host))
            wr |= TLB_NOTDIRTY;
    }
    e->tag_fetch = lpage | rd;
    /* alignment checking at CPL 3 and armed data breakpoints are checked
     * by the slow path */
    if (UNLIKELY((user && (c->cr0 & CR0_AM) && (c->eflags & F_AC))
                 || ((c->dr[7] & 0xff) && debug_data_armed(c))))
        rd |= TLB_WATCH;
    e->tag_read = lpage | rd;
    /* a clean page walks on its first write, which sets D in the PTE */
    e->tag_write = w->writable && w->dirty ? lpage | rd | wr : TLB_INVALID;
}

/* Walks (or not, without paging) and fills the TLB entry for lin; raises
 * #PF with CR2 on failure. Returns the physical address, A20 applied. */
static uint32_t translate_fill(struct cpu *c, uint32_t lin, int acc)
{
    struct physmem *pm = c->pm;
    int user = access_is_user(c, acc);
    int kind = acc & 3;
    struct walk_out w;
    c->tlb_walks++;
    if (c->cr0 & CR0_PG) {
        struct walk_in in = { c->cr0, c->cr3, c->cr4, lin,
                              kind == ACC_WRITE ? WALK_WRITE : kind == ACC_FETCH ? WALK_FETCH : WALK_READ, user };
        if (page_walk(pm, &in, &w) < 0) {
            c->cr2 = lin;
            cpu_fault(c, EX_PF, w.pfec);
        }
        if (w.large)
            c->tlb_has_large = 1;
    } else {
        w = (struct walk_out){ .paddr = lin, .writable = 1, .user_ok = 1, .dirty = 1 };
    }
    uint32_t paddr = w.paddr & pm->a20_mask;
    uint32_t lpage = lin & ~0xfffu;
    struct tlb_entry *e = tlb_slot_for_fill(c->tlb, user, lpage);
    e->vpage = lpage;
    e->ppage = paddr & ~0xfffu;
    e->global = (uint8_t)w.global;
    e->addend = 0;
    fill_tags(c, e, lpage, user, &w);
    return paddr;
}

static uint32_t *tag_of(struct tlb_entry *e, int kind)
{
    return kind == ACC_WRITE ? &e->tag_write : kind == ACC_FETCH ? &e->tag_fetch : &e->tag_read;
}

/* The physical address of lin for an access within one page: from the
 * entry when its tag names the page for this kind of access (MMIO, ROM,
 * code pages and watched pages are served here without a walk), else from
 * the victim TLB, else by a walk. */
static uint32_t tlb_translate(struct cpu *c, uint32_t lin, int acc)
{
    if (c->pm->map_generation != c->tlb_generation)
        cpu_tlb_flush(c, 0);
    int user = access_is_user(c, acc), kind = acc & 3;
    struct tlb_entry *e = &c->tlb->e[user][(lin >> 12) & (TLB_SIZE - 1)];
    if (tlb_names(*tag_of(e, kind), lin))
        return e->ppage | (lin & 0xfff);
    struct tlb_entry *v = tlb_victim_find(c->tlb, user, lin & ~0xfffu);
    if (v && tlb_names(*tag_of(v, kind), lin)) {
        tlb_swap(e, v);
        c->tlb_victim_hits++;
        return e->ppage | (lin & 0xfff);
    }
    return translate_fill(c, lin, acc);
}

uint32_t lin_translate(struct cpu *c, uint32_t lin, int acc)
{
    return tlb_translate(c, lin, acc);
}

static void check_align(struct cpu *c, uint32_t lin, int size, int acc)
{
    if (UNLIKELY((lin & (size - 1)) && c->cpl == 3 && !(acc & ACC_SYS)
                 && (c->cr0 & CR0_AM) && (c->eflags & F_AC) && !(acc & ACC_FETCH)))
        cpu_fault(c, EX_AC, 0);
}

uint32_t lin_read_slow(struct cpu *c, uint32_t lin, int size, int acc)
{
    check_align(c, lin, size, acc);
    if (UNLIKELY(c->dr[7] & 0xff)) debug_data(c, lin, size, 0);
    if ((lin & 0xfff) <= 0x1000u - size)
        return phys_read(c->pm, tlb_translate(c, lin, acc), size);
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= phys_read(c->pm, tlb_translate(c, lin + k, acc), 1) << (8 * k);
    return v;
}

void lin_probe_write(struct cpu *c, uint32_t lin, int size, int acc)
{
    check_align(c, lin, size, acc);
    tlb_translate(c, lin, acc | ACC_WRITE);
    if ((lin & 0xfff) > 0x1000u - size)
        tlb_translate(c, (lin + size - 1) & ~0xfffu, acc | ACC_WRITE);
}

/* After a slow write: a page now dirty, or no longer holding code, may
 * let the next write through the fast path. */
static void write_tag_refresh(struct cpu *c, uint32_t lin, int acc)
{
    struct tlb_entry *e = &c->tlb->e[access_is_user(c, acc)][(lin >> 12) & (TLB_SIZE - 1)];
    uint32_t t = e->tag_write;
    if (!(t & (TLB_CODE | TLB_NOTDIRTY)) || !tlb_names(t, lin))
        return;
    struct physmem *pm = c->pm;
    if ((t & TLB_CODE) && !pm->report_all_writes && !phys_code_mask(pm, e->ppage >> 12))
        t &= ~TLB_CODE;
    if ((t & TLB_NOTDIRTY) && !phys_host_clean(pm, (uint8_t *)(e->addend + (lin & ~0xfffu))))
        t &= ~TLB_NOTDIRTY;
    e->tag_write = t;
}

void lin_write_slow(struct cpu *c, uint32_t lin, uint32_t v, int size, int acc)
{
    check_align(c, lin, size, acc);
    if (UNLIKELY(c->dr[7] & 0xff)) debug_data(c, lin, size, 1);
    if ((lin & 0xfff) <= 0x1000u - size) {
        phys_write(c->pm, tlb_translate(c, lin, acc | ACC_WRITE), v, size);
        write_tag_refresh(c, lin, acc);
        return;
    }
    /* Both pages are checked before either is written, so a fault leaves memory untouched. */
    uint32_t p0 = tlb_translate(c, lin, acc | ACC_WRITE);
    uint32_t p1 = tlb_translate(c, (lin + size - 1) & ~0xfffu, acc | ACC_WRITE);
    for (int k = 0; k < size; k++) {
        uint32_t l = lin + k;
        uint32_t pa = ((l ^ lin) & ~0xfffu) ? (p1 & ~0xfffu) | (l & 0xfff) : p0 + k;
        phys_write(c->pm, pa, (v >> (8 * k)) & 0xff, 1);
    }
}

uint32_t seg_check_slow(struct cpu *c, int s, uint32_t off, int size, int write)
{
    const struct seg *sg = &c->seg[s];
    int vec = s == S_SS ? EX_SS : EX_GP;
    if (c->pmode && !c->v86) {
        if (!sg->valid)
            cpu_fault(c, vec == EX_SS ? EX_SS : EX_GP, 0);
        if (!(sg->rw & (write ? SEG_WR : SEG_RD)))
            cpu_fault(c, EX_GP, 0);
    }
    uint64_t last = (uint64_t)off + (uint64_t)(size - 1);
    if (sg->rw & SEG_DOWN) {
        uint32_t upper = SEGF_DB(sg->flags) ? 0xffffffffu : 0xffff;
        if (off <= sg->limit || last > upper)
            cpu_fault(c, vec, 0);
    } else if (last > sg->limit) {
        cpu_fault(c, vec, 0);
    }
    return sg->base + off;
}

void push(struct cpu *c, uint32_t v, int size)
{
    uint32_t sp = (c->reg[R_ESP] - size) & sp_mask(c);
    mem_write(c, S_SS, sp, v, size);
    set_sp(c, sp);
}

uint32_t pop(struct cpu *c, int size)
{
    uint32_t sp = c->reg[R_ESP] & sp_mask(c);
    uint32_t v = mem_read(c, S_SS, sp, size);
    set_sp(c, sp + size);
    return v;
}

uint32_t stack_peek(struct cpu *c, uint32_t n, int size)
{
    return mem_read(c, S_SS, (c->reg[R_ESP] + n) & sp_mask(c), size);
}
