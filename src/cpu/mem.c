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

/* Walks (or not, without paging) and returns the physical address with A20
 * applied; raises #PF with CR2 on failure. Fills the TLB entry on the way. */
static uint32_t translate_fill(struct cpu *c, uint32_t lin, int acc)
{
    struct physmem *pm = c->pm;
    int user = access_is_user(c, acc);
    int kind = acc & 3;
    if (pm->map_generation != c->tlb_generation) {
        tlb_flush(c->tlb, 0);
        c->tlb_generation = pm->map_generation;
    }
    struct walk_out w;
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
    uint32_t ppage = paddr & ~0xfffu;
    struct tlb_entry *e = &c->tlb->e[user][(lin >> 12) & (TLB_SIZE - 1)];
    uint8_t *host = phys_host_ptr(pm, ppage, 0);
    e->ppage = ppage;
    e->global = w.global;
    e->writable = w.writable;
    if (host) {
        e->addend = (uintptr_t)host - (uintptr_t)(lin & ~0xfffu);
        e->tag_read = e->tag_fetch = lin & ~0xfffu;
        int fast_write = w.writable && w.dirty && phys_host_ptr(pm, ppage, 1) && !pm->code_page[ppage >> 12];
        e->tag_write = fast_write ? lin & ~0xfffu : TLB_INVALID;
    } else {
        e->tag_read = e->tag_write = e->tag_fetch = TLB_INVALID;
    }
    /* alignment checking at CPL 3: user data accesses take the slow path, which checks */
    if (UNLIKELY(user && (c->cr0 & CR0_AM) && (c->eflags & F_AC)))
        e->tag_read = e->tag_write = TLB_INVALID;
    /* armed data breakpoints: reads and writes take the slow path, which reports them */
    if (UNLIKELY(c->dr[7] & 0xff) && debug_data_armed(c))
        e->tag_read = e->tag_write = TLB_INVALID;
    return paddr;
}

uint32_t lin_translate(struct cpu *c, uint32_t lin, int acc)
{
    return translate_fill(c, lin, acc);
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
        return phys_read(c->pm, translate_fill(c, lin, acc), size);
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= phys_read(c->pm, translate_fill(c, lin + k, acc), 1) << (8 * k);
    return v;
}

void lin_probe_write(struct cpu *c, uint32_t lin, int size, int acc)
{
    check_align(c, lin, size, acc);
    translate_fill(c, lin, acc | ACC_WRITE);
    if ((lin & 0xfff) > 0x1000u - size)
        translate_fill(c, (lin + size - 1) & ~0xfffu, acc | ACC_WRITE);
}

void lin_write_slow(struct cpu *c, uint32_t lin, uint32_t v, int size, int acc)
{
    check_align(c, lin, size, acc);
    if (UNLIKELY(c->dr[7] & 0xff)) debug_data(c, lin, size, 1);
    if ((lin & 0xfff) <= 0x1000u - size) {
        phys_write(c->pm, translate_fill(c, lin, acc | ACC_WRITE), v, size);
        return;
    }
    /* Both pages are checked before either is written, so a fault leaves memory untouched. */
    uint32_t p0 = translate_fill(c, lin, acc | ACC_WRITE);
    uint32_t p1 = translate_fill(c, (lin + size - 1) & ~0xfffu, acc | ACC_WRITE);
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
