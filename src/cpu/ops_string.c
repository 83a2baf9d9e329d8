/* String instructions. A REP-prefixed instruction pays for its work: the
 * engine's loop charges one unit of budget (and icount) for the
 * instruction, and each iteration after the first in one execution charges
 * one more, so a REP of n iterations costs n units wherever it stops.
 * When the budget runs out, or a debug trap or a device asks the engine to
 * stop, the REP stops between iterations with EIP on its first prefix and
 * the registers as the iterations left them: pending interrupts are served
 * there and the instruction resumes after IRET, as the SDM describes for
 * interrupted string instructions (vol. 1 "Repeated String Operations").
 * It then sets EFLAGS.RF, so the event handler's frame holds RF = 1 and an
 * instruction breakpoint on the REP does not fire again when it resumes
 * (vol. 3 17.3.1.1: "for any interrupt arriving after any iteration of a
 * repeated string instruction but the last iteration, the value pushed for
 * RF is 1"; likewise for traps).
 *
 * Each iteration commits its register updates only after its memory
 * accesses succeed, so a fault at iteration k leaves ECX/ESI/EDI as after
 * k - 1. Runs of iterations that stay inside one page on every operand,
 * within the segment limits, on plain RAM with fast TLB tags (which
 * excludes code pages, MMIO, ROM, pages not yet dirty and armed data
 * breakpoints) are done with host memory operations a page at a time;
 * everything else goes one iteration at a time through the slow path,
 * which fills the TLB for the next run. */
#include "ops.h"
#include <string.h>

static inline uint32_t amask(const struct insn *i) { return i->asz == 2 ? 0xffff : 0xffffffffu; }
static inline int down(const struct cpu *c) { return (c->eflags & F_DF) != 0; }

/* Moves the index register r by n elements of `size` bytes, wrapping at the address size. */
static inline void adv_n(struct cpu *c, const struct insn *i, int r, uint32_t n, int size)
{
    uint32_t m = amask(i), d = n * (uint32_t)size;
    if (down(c)) d = 0u - d;
    c->reg[r] = (c->reg[r] & ~m) | ((c->reg[r] + d) & m);
}
static inline void adv(struct cpu *c, const struct insn *i, int r, int size) { adv_n(c, i, r, 1, size); }

static inline uint32_t count(const struct cpu *c, const struct insn *i) { return c->reg[R_ECX] & amask(i); }
static inline void sub_count(struct cpu *c, const struct insn *i, uint32_t n)
{
    uint32_t m = amask(i);
    c->reg[R_ECX] = (c->reg[R_ECX] & ~m) | ((c->reg[R_ECX] - n) & m);
}

/* ---- one iteration through the memory path (faults precisely) ---- */

typedef int (*iter_fn)(struct cpu *c, const struct insn *i);   /* returns the ZF outcome for REPE/REPNE */

static int it_movs(struct cpu *c, const struct insn *i)
{
    uint32_t v = mem_read(c, i->seg, c->reg[R_ESI] & amask(i), i->osz);
    mem_write(c, S_ES, c->reg[R_EDI] & amask(i), v, i->osz);
    adv(c, i, R_ESI, i->osz);
    adv(c, i, R_EDI, i->osz);
    return 0;
}

static int it_stos(struct cpu *c, const struct insn *i)
{
    mem_write(c, S_ES, c->reg[R_EDI] & amask(i), reg_get(c, R_EAX, i->osz), i->osz);
    adv(c, i, R_EDI, i->osz);
    return 0;
}

static int it_lods(struct cpu *c, const struct insn *i)
{
    uint32_t v = mem_read(c, i->seg, c->reg[R_ESI] & amask(i), i->osz);
    reg_set(c, R_EAX, i->osz, v);
    adv(c, i, R_ESI, i->osz);
    return 0;
}

static int it_cmps(struct cpu *c, const struct insn *i)
{
    uint32_t a = mem_read(c, i->seg, c->reg[R_ESI] & amask(i), i->osz);
    uint32_t b = mem_read(c, S_ES, c->reg[R_EDI] & amask(i), i->osz);
    uint32_t r = (a - b) & size_mask(i->osz);
    lf_set(c, LF_SUB, i->osz, r, a, b);
    adv(c, i, R_ESI, i->osz);
    adv(c, i, R_EDI, i->osz);
    return r == 0;
}

static int it_scas(struct cpu *c, const struct insn *i)
{
    uint32_t a = reg_get(c, R_EAX, i->osz);
    uint32_t b = mem_read(c, S_ES, c->reg[R_EDI] & amask(i), i->osz);
    uint32_t r = (a - b) & size_mask(i->osz);
    lf_set(c, LF_SUB, i->osz, r, a, b);
    adv(c, i, R_EDI, i->osz);
    return r == 0;
}

static int it_ins(struct cpu *c, const struct insn *i)
{
    uint16_t port = (uint16_t)c->reg[R_EDX];
    uint32_t di = c->reg[R_EDI] & amask(i);
    /* the destination is checked before the port is read: a port read may have side effects */
    lin_probe_write(c, seg_lin(c, S_ES, di, i->osz, 1), i->osz, ACC_WRITE);
    uint32_t v = io_in(c->io, port, i->osz);
    mem_write(c, S_ES, di, v, i->osz);
    adv(c, i, R_EDI, i->osz);
    return 0;
}

static int it_outs(struct cpu *c, const struct insn *i)
{
    uint32_t v = mem_read(c, i->seg, c->reg[R_ESI] & amask(i), i->osz);
    io_out(c->io, (uint16_t)c->reg[R_EDX], v, i->osz);
    adv(c, i, R_ESI, i->osz);
    return 0;
}

/* ---- runs of iterations inside one page, with host memory operations ---- */

/* A run's operand: host address of the element the run starts with. */
struct span {
    uint8_t *host;
    uint32_t n;          /* elements from there on that the run may cover */
};

/* How many elements of `size` bytes from s:off on (downwards when DF = 1)
 * lie in one page, inside the segment limit and without the offset
 * wrapping, on a page with fast TLB tags for the access; n = 0 when the
 * slow path must decide (expand-down or unusable segment, a straddling
 * element, a page that is not plain RAM or holds code). */
static struct span span_at(struct cpu *c, const struct insn *i, int s, uint32_t off, int size, int write)
{
    struct span sp = { NULL, 0 };
    const struct seg *sg = &c->seg[s];
    uint32_t need = write ? SEG_WR : SEG_RD;
    if ((sg->rw & (SEG_DOWN | need)) != need)
        return sp;
    uint64_t end = (uint64_t)amask(i) + 1;               /* first offset past the address space */
    if ((uint64_t)sg->limit + 1 < end) end = (uint64_t)sg->limit + 1;
    if ((uint64_t)off + (uint64_t)size > end)
        return sp;
    uint32_t lin = sg->base + off, in_page = lin & 0xfff;
    if (in_page > 0x1000u - (uint32_t)size)
        return sp;
    uint64_t n;
    if (down(c)) {
        n = in_page / (uint32_t)size + 1;
        if ((uint64_t)off / (uint64_t)size + 1 < n) n = (uint64_t)off / (uint64_t)size + 1;
    } else {
        n = (0x1000u - in_page) / (uint32_t)size;
        if ((end - off) / (uint64_t)size < n) n = (end - off) / (uint64_t)size;
    }
    struct tlb_entry *e = &c->tlb->e[tlb_user(c)][(lin >> 12) & (TLB_SIZE - 1)];
    if ((write ? e->tag_write : e->tag_read) != (lin & ~0xfffu)) {
        /* Fill the entry as the next iteration's access would (a #PF raised
         * here is that iteration's, with the registers of the one before);
         * the source's host address survives the destination evicting it.
         * Alignment checking faults before the walk: that stays slow. */
        if (tlb_user(c) && (c->cr0 & CR0_AM) && (c->eflags & F_AC))
            return sp;
        lin_translate(c, lin, write ? ACC_WRITE : ACC_READ);
        if ((write ? e->tag_write : e->tag_read) != (lin & ~0xfffu))
            return sp;
    }
    sp.host = (uint8_t *)(e->addend + lin);
    sp.n = (uint32_t)n;
    return sp;
}

static inline uint32_t ld(const uint8_t *p, int size) { return size == 1 ? *p : size == 2 ? ld16le(p) : ld32le(p); }
static inline void st(uint8_t *p, uint32_t v, int size)
{
    if (size == 1) *p = (uint8_t)v; else if (size == 2) st16le(p, (uint16_t)v); else st32le(p, v);
}
/* Host address of element k of a run (k counts in the direction of DF). */
static inline uint8_t *elem(const struct cpu *c, uint8_t *p, uint32_t k, int size)
{
    return down(c) ? p - (size_t)k * (size_t)size : p + (size_t)k * (size_t)size;
}

/* Copies n elements one by one in string order: where the destination
 * overlaps a source element not yet read (forward with dst just above src,
 * or backward with dst just below), this replicates the pattern as the
 * CPU does; memmove is used only where it gives the same bytes. */
static void copy_run(const struct cpu *c, uint8_t *d, const uint8_t *s, uint32_t n, int size)
{
    size_t bytes = (size_t)n * (size_t)size;
    int dn = down(c);
    uintptr_t lo_d = (uintptr_t)d - (dn ? bytes - (size_t)size : 0);
    uintptr_t lo_s = (uintptr_t)s - (dn ? bytes - (size_t)size : 0);
    int in_order_safe = dn ? (lo_d >= lo_s || lo_d + bytes <= lo_s) : (lo_d <= lo_s || lo_d >= lo_s + bytes);
    if (in_order_safe) {
        memmove((void *)lo_d, (const void *)lo_s, bytes);
        return;
    }
    ptrdiff_t step = dn ? -size : size;
    for (uint32_t k = 0; k < n; k++, d += step, s += step)
        st(d, ld(s, size), size);
}

/* The fast forms: each runs up to max iterations (at least 2, or returns 0
 * and leaves everything to the slow path), updates the registers, and
 * returns how many it ran; *zf gets the last comparison's ZF. */
typedef uint32_t (*run_fn)(struct cpu *c, const struct insn *i, uint32_t max, int *zf);

static uint32_t clip(uint32_t a, uint32_t b) { return a < b ? a : b; }

static uint32_t run_movs(struct cpu *c, const struct insn *i, uint32_t max, int *zf)
{
    int size = i->osz;
    if (max < 2)
        return 0;
    struct span s = span_at(c, i, i->seg, c->reg[R_ESI] & amask(i), size, 0);
    if (!s.n)
        return 0;              /* the source's checks come first: the destination's page waits */
    struct span d = span_at(c, i, S_ES, c->reg[R_EDI] & amask(i), size, 1);
    uint32_t n = clip(max, clip(s.n, d.n));
    if (n < 2)
        return 0;
    copy_run(c, d.host, s.host, n, size);
    adv_n(c, i, R_ESI, n, size);
    adv_n(c, i, R_EDI, n, size);
    sub_count(c, i, n);
    *zf = 0;
    return n;
}

static uint32_t run_stos(struct cpu *c, const struct insn *i, uint32_t max, int *zf)
{
    int size = i->osz;
    if (max < 2)
        return 0;
    struct span d = span_at(c, i, S_ES, c->reg[R_EDI] & amask(i), size, 1);
    uint32_t n = clip(max, d.n);
    if (n < 2)
        return 0;
    uint32_t v = reg_get(c, R_EAX, size);
    uint8_t *lo = down(c) ? d.host - (size_t)(n - 1) * (size_t)size : d.host;
    if (size == 1)
        memset(lo, (int)v, n);
    else
        for (uint32_t k = 0; k < n; k++) st(lo + (size_t)k * (size_t)size, v, size);
    adv_n(c, i, R_EDI, n, size);
    sub_count(c, i, n);
    *zf = 0;
    return n;
}

static uint32_t run_lods(struct cpu *c, const struct insn *i, uint32_t max, int *zf)
{
    int size = i->osz;
    if (max < 2)
        return 0;
    struct span s = span_at(c, i, i->seg, c->reg[R_ESI] & amask(i), size, 0);
    uint32_t n = clip(max, s.n);
    if (n < 2)
        return 0;
    reg_set(c, R_EAX, size, ld(elem(c, s.host, n - 1, size), size));
    adv_n(c, i, R_ESI, n, size);
    sub_count(c, i, n);
    *zf = 0;
    return n;
}

/* Runs the comparisons of REPE/REPNE (rep = 0xf3/0xf2) up to the first
 * that ends the repetition; a is EAX for SCAS (s_host NULL), else the
 * source elements. Returns the iterations run, with the lazy flags of the
 * last one. */
static uint32_t compare_run(struct cpu *c, const struct insn *i, uint8_t *s_host, uint8_t *d_host, uint32_t n, int *zf)
{
    int size = i->osz;
    uint32_t a = reg_get(c, R_EAX, size), b = 0, r = 0, k = 0;
    int want_equal = i->rep == 0xf3;
    while (k < n) {
        if (s_host) a = ld(elem(c, s_host, k, size), size);
        b = ld(elem(c, d_host, k, size), size);
        k++;
        if ((a == b) != want_equal) break;
    }
    r = (a - b) & size_mask(size);
    lf_set(c, LF_SUB, size, r, a, b);
    *zf = r == 0;
    return k;
}

static uint32_t run_cmps(struct cpu *c, const struct insn *i, uint32_t max, int *zf)
{
    int size = i->osz;
    if (max < 2)
        return 0;
    struct span s = span_at(c, i, i->seg, c->reg[R_ESI] & amask(i), size, 0);
    if (!s.n)
        return 0;
    struct span d = span_at(c, i, S_ES, c->reg[R_EDI] & amask(i), size, 0);
    uint32_t n = clip(max, clip(s.n, d.n));
    if (n < 2)
        return 0;
    n = compare_run(c, i, s.host, d.host, n, zf);
    adv_n(c, i, R_ESI, n, size);
    adv_n(c, i, R_EDI, n, size);
    sub_count(c, i, n);
    return n;
}

static uint32_t run_scas(struct cpu *c, const struct insn *i, uint32_t max, int *zf)
{
    int size = i->osz;
    if (max < 2)
        return 0;
    struct span d = span_at(c, i, S_ES, c->reg[R_EDI] & amask(i), size, 0);
    uint32_t n = clip(max, d.n);
    if (n < 2)
        return 0;
    n = compare_run(c, i, NULL, d.host, n, zf);
    adv_n(c, i, R_EDI, n, size);
    sub_count(c, i, n);
    return n;
}

/* ---- the REP loop ---- */

/* Iterations this execution may still run: the engine's loop pays for the
 * first, every further one costs a unit of budget. */
static uint32_t allowance(const struct cpu *c, uint32_t done)
{
    int64_t left = done ? (int64_t)c->budget - 1 : (c->budget > 1 ? c->budget : 1);
    return left > 0 ? (uint32_t)left : 0;
}

static void charge(struct cpu *c, uint32_t done_before, uint32_t n)
{
    uint32_t units = done_before ? n : n - 1;
    c->budget -= (int32_t)units;
    c->icount += units;
}

/* Stops between iterations: EIP stays on the instruction. */
static void suspend(struct cpu *c)
{
    c->eflags |= F_RF;
    c->stop_block = 1;
}

static void run_string(struct cpu *c, const struct insn *i, iter_fn one, run_fn fast, int cond_rep)
{
    if (!i->rep) {
        one(c, i);
        next(c, i);
        return;
    }
    /* RF, set when this REP was suspended, lasts until it resumes (the
     * interpreter's step mode clears it too; an engine that runs the REP
     * outside step mode relies on this) */
    c->eflags &= ~F_RF;
    /* single-step traps after each iteration (with RF = 1 in the #DB frame
     * until the last); so do data and I/O breakpoint hits (dr6_pending) */
    int tf = (c->eflags & F_TF) != 0;
    uint32_t done = 0;
    for (;;) {
        uint32_t left = count(c, i);
        if (!left) {
            next(c, i);
            return;
        }
        uint32_t max = clip(left, allowance(c, done));
        if (done && (!max || tf || c->stop_block || (c->dr6_pending & 0xfu))) {
            suspend(c);
            return;
        }
        int zf = 0;
        uint32_t n = fast && !tf ? fast(c, i, max, &zf) : 0;
        if (!n) {
            zf = one(c, i);
            sub_count(c, i, 1);
            n = 1;
        }
        charge(c, done, n);
        done += n;
        if (cond_rep && ((i->rep == 0xf3 && !zf) || (i->rep == 0xf2 && zf))) {
            next(c, i);
            return;
        }
    }
}

OP(movs) { run_string(c, i, it_movs, run_movs, 0); }
OP(stos) { run_string(c, i, it_stos, run_stos, 0); }
OP(lods) { run_string(c, i, it_lods, run_lods, 0); }
OP(cmps) { run_string(c, i, it_cmps, run_cmps, 1); }
OP(scas) { run_string(c, i, it_scas, run_scas, 1); }
OP(ins) { io_check(c, (uint16_t)c->reg[R_EDX], i->osz); run_string(c, i, it_ins, NULL, 0); }
OP(outs) { io_check(c, (uint16_t)c->reg[R_EDX], i->osz); run_string(c, i, it_outs, NULL, 0); }
