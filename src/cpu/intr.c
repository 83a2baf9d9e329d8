/* Interrupt and exception delivery (real mode through the IVT, protected
 * and virtual-8086 mode through IDT gates), the protected-mode far
 * transfers JMP/CALL/RETF/IRET with call gates and task gates, and the
 * I/O permission check.
 *
 * Precision: every check that can fault runs before any architectural
 * write. Frames for a new stack are collected first (each slot checked
 * against the new stack's limit), their pages probed, and only then
 * written; registers change last, where nothing can fault any more. */
#include "sys.h"

/* ---- frames built on a stack that need not be the current one ---- */
#define FRAME_MAX 16
struct frame {
    const struct seg *ss;
    uint32_t sp, mask;
    int acc;                /* ACC_WRITE, plus ACC_SYS when written for CPL 0-2 */
    int vec;                /* fault on a limit violation */
    uint32_t err;
    int n;
    uint32_t lin[FRAME_MAX], val[FRAME_MAX];
    uint8_t size[FRAME_MAX];
};

static int seg_fits(const struct seg *s, uint32_t off, int size)
{
    uint64_t last = (uint64_t)off + (uint64_t)(size - 1);
    if (s->rw & SEG_DOWN) {
        uint32_t upper = SEGF_DB(s->flags) ? 0xffffffffu : 0xffff;
        return off > s->limit && last <= upper;
    }
    return last <= s->limit;
}

static void frame_init(struct frame *f, const struct seg *ss, uint32_t sp, int sys, int vec, uint32_t err)
{
    f->ss = ss;
    f->mask = SEGF_DB(ss->flags) ? 0xffffffffu : 0xffff;
    f->sp = sp & f->mask;
    f->acc = ACC_WRITE | (sys ? ACC_SYS : 0);
    f->vec = vec;
    f->err = err;
    f->n = 0;
}

static void frame_push(struct cpu *c, struct frame *f, uint32_t v, int size)
{
    f->sp = (f->sp - (uint32_t)size) & f->mask;
    if (!seg_fits(f->ss, f->sp, size)) cpu_fault(c, f->vec, f->err);
    f->lin[f->n] = f->ss->base + f->sp;
    f->val[f->n] = size == 4 ? v : v & 0xffff;
    f->size[f->n] = (uint8_t)size;
    f->n++;
}

/* Faults (page faults) now if any slot cannot be written, else writes all. */
static void frame_commit(struct cpu *c, struct frame *f)
{
    for (int k = 0; k < f->n; k++) lin_probe_write(c, f->lin[k], f->size[k], f->acc);
    for (int k = 0; k < f->n; k++) lin_write_slow(c, f->lin[k], f->val[k], f->size[k], f->acc);
}

/* New ESP after pushing a frame: a 16-bit stack keeps the upper half. */
static uint32_t frame_esp(const struct frame *f, uint32_t old_esp)
{
    return f->mask == 0xffffffffu ? f->sp : (old_esp & 0xffff0000u) | f->sp;
}

/* ---- EFLAGS image pushed for an event (SDM 17.3.1.1 on RF) ---- */
static int fault_class(int vec)
{
    switch (vec) {
    case EX_DE: case EX_BR: case EX_UD: case EX_NM: case EX_TS: case EX_NP:
    case EX_SS: case EX_GP: case EX_PF: case EX_MF: case EX_AC:
        return 1;
    }
    return 0;
}

/* EFLAGS image pushed for an event handler. */
static uint32_t event_eflags(struct cpu *c, int vec, int is_sw)
{
    uint32_t fl = cpu_get_eflags(c);
    if (is_sw)
        fl &= ~F_RF;                       /* cleared at the start of INT n */
    else if (c->last_vector == vec && fault_class(vec))
        fl |= F_RF;                        /* faults push RF = 1 (not #DB) */
    return fl;
}

/* Reads the descriptor for sel, faulting with vec(sel, ext) outside the table. */
static void read_desc_ext(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi, int vec, int ext)
{
    int ok;
    uint32_t a = desc_addr(c, sel, &ok);
    if (!ok) cpu_fault(c, vec, sel_err(sel, ext));
    *lo = sys_read(c, a, 4);
    *hi = sys_read(c, a + 4, 4);
}

/* The inner stack for privilege level dpl from the current TSS, with the
 * checks of an inter-privilege CALL or interrupt. */
static void tss_stack(struct cpu *c, unsigned dpl, int ext, struct seg *ss, uint32_t *esp, uint32_t *sshi)
{
    uint32_t a, sp;
    uint16_t sel;
    if (c->tr.flags & 8) {
        a = dpl * 8 + 4;
        if (a + 7 > c->tr.limit) cpu_fault(c, EX_TS, sel_err(c->tr.sel, ext));
        sp = sys_read(c, c->tr.base + a, 4);
        sel = (uint16_t)sys_read(c, c->tr.base + a + 4, 2);
    } else {
        a = dpl * 4 + 2;
        if (a + 3 > c->tr.limit) cpu_fault(c, EX_TS, sel_err(c->tr.sel, ext));
        sp = sys_read(c, c->tr.base + a, 2);
        sel = (uint16_t)sys_read(c, c->tr.base + a + 2, 2);
    }
    if (!(sel & 0xfffc)) cpu_fault(c, EX_TS, ext ? 1 : 0);
    uint32_t lo, hi;
    read_desc_ext(c, sel, &lo, &hi, EX_TS, ext);
    if ((sel & 3u) != dpl || desc_dpl(hi) != dpl || !desc_writable_data(hi))
        cpu_fault(c, EX_TS, sel_err(sel, ext));
    if (!desc_p(hi)) cpu_fault(c, EX_SS, sel_err(sel, ext));
    seg_from_desc(ss, sel, lo, hi | 0x100);
    *esp = sp;
    *sshi = hi;
}

/* Data segment registers the new (outer) CPL may not use become null. */
static void null_outer_segs(struct cpu *c)
{
    static const int segs[] = { S_ES, S_DS, S_FS, S_GS };
    for (int k = 0; k < 4; k++) {
        struct seg *s = &c->seg[segs[k]];
        if (!s->valid) continue;
        uint16_t f = s->flags;
        int code = SEGF_TYPE(f) & 8, conf = code && (SEGF_TYPE(f) & 4);
        if ((!code || !conf) && SEGF_DPL(f) < c->cpl)
            seg_set_null(s, 0);
    }
}

/* ---- interrupts and exceptions ---- */
static void real_interrupt(struct cpu *c, int vec, int is_sw, uint32_t next_eip)
{
    if ((uint32_t)vec * 4 + 3 > c->idtr.limit) cpu_fault(c, EX_GP, 0);
    uint32_t ent = sys_read(c, c->idtr.base + (uint32_t)vec * 4, 4);
    uint32_t fl = event_eflags(c, vec, is_sw);
    push(c, fl & 0xffff, 2);
    push(c, c->seg[S_CS].sel, 2);
    push(c, next_eip & 0xffff, 2);
    c->eflags &= ~(F_IF | F_TF | F_AC | F_RF);
    seg_load_real(c, S_CS, (uint16_t)(ent >> 16));
    c->eip = ent & 0xffff;
    cpu_update_mode(c);
}

static void task_gate(struct cpu *c, uint32_t glo, int reason, int ext, int has_err, uint32_t err, uint32_t next_eip)
{
    uint16_t tsel = (uint16_t)(glo >> 16);
    uint32_t lo, hi;
    if (tsel & 4) cpu_fault(c, EX_GP, sel_err(tsel, ext));
    read_desc_ext(c, tsel, &lo, &hi, EX_GP, ext);
    if (desc_s(hi) || (desc_type(hi) != DT_TSS16 && desc_type(hi) != DT_TSS32))
        cpu_fault(c, EX_GP, sel_err(tsel, ext));
    if (!desc_p(hi)) cpu_fault(c, EX_NP, sel_err(tsel, ext));
    task_switch(c, tsel, lo, hi, reason, has_err, err, next_eip);
}

static void pm_interrupt(struct cpu *c, int vec, int is_sw, int has_err, uint32_t err, uint32_t next_eip)
{
    int ext = !is_sw;
    uint32_t gerr = (uint32_t)vec * 8 + 2 + (uint32_t)ext;
    if ((uint32_t)vec * 8 + 7 > c->idtr.limit) cpu_fault(c, EX_GP, gerr);
    uint32_t glo = sys_read(c, c->idtr.base + (uint32_t)vec * 8, 4);
    uint32_t ghi = sys_read(c, c->idtr.base + (uint32_t)vec * 8 + 4, 4);
    unsigned type = desc_type(ghi);
    if (desc_s(ghi) || !(type == DT_TASK || type == DT_INT16 || type == DT_TRAP16
                         || type == DT_INT32 || type == DT_TRAP32))
        cpu_fault(c, EX_GP, gerr);
    if (is_sw && desc_dpl(ghi) < c->cpl) cpu_fault(c, EX_GP, gerr);
    if (!desc_p(ghi)) cpu_fault(c, EX_NP, gerr);
    if (type == DT_TASK) {
        task_gate(c, glo, TS_INT, ext, has_err, err, next_eip);
        return;
    }

    int gate32 = (type & 8) != 0, sz = gate32 ? 4 : 2;
    uint32_t off = gate32 ? (glo & 0xffff) | (ghi & 0xffff0000u) : glo & 0xffff;
    uint16_t csel = (uint16_t)(glo >> 16);
    uint32_t clo, chi;
    if (!(csel & 0xfffc)) cpu_fault(c, EX_GP, (uint32_t)ext);
    read_desc_ext(c, csel, &clo, &chi, EX_GP, ext);
    unsigned dpl = desc_dpl(chi);
    if (!desc_is_code(chi) || dpl > c->cpl) cpu_fault(c, EX_GP, sel_err(csel, ext));
    if (!desc_p(chi)) cpu_fault(c, EX_NP, sel_err(csel, ext));
    int inner = !desc_conforming(chi) && dpl < c->cpl;
    if (c->v86 && !(inner && dpl == 0)) cpu_fault(c, EX_GP, sel_err(csel, ext));
    unsigned ncpl = inner ? dpl : c->cpl;

    struct seg ncs, nss;
    seg_from_desc(&ncs, (uint16_t)((csel & ~3u) | ncpl), clo, chi | 0x100);
    uint32_t fl = event_eflags(c, vec, is_sw);
    uint32_t nesp = 0, sshi = 0;
    struct frame f;
    if (inner) {
        tss_stack(c, dpl, ext, &nss, &nesp, &sshi);
        frame_init(&f, &nss, nesp, 1, EX_SS, sel_err(nss.sel, ext));
        if (c->v86) {
            frame_push(c, &f, c->seg[S_GS].sel, sz);
            frame_push(c, &f, c->seg[S_FS].sel, sz);
            frame_push(c, &f, c->seg[S_DS].sel, sz);
            frame_push(c, &f, c->seg[S_ES].sel, sz);
        }
        frame_push(c, &f, c->seg[S_SS].sel, sz);
        frame_push(c, &f, c->reg[R_ESP], sz);
    } else {
        frame_init(&f, &c->seg[S_SS], c->reg[R_ESP], ncpl < 3, EX_SS, (uint32_t)ext);
    }
    frame_push(c, &f, fl, sz);
    frame_push(c, &f, c->seg[S_CS].sel, sz);
    frame_push(c, &f, next_eip, sz);
    if (has_err) frame_push(c, &f, err, sz);
    if (off > ncs.limit) cpu_fault(c, EX_GP, (uint32_t)ext);
    desc_set_accessed(c, csel, chi);
    if (inner) desc_set_accessed(c, nss.sel, sshi);
    frame_commit(c, &f);

    /* commit: nothing below can fault */
    if (inner) {
        if (c->v86) {
            seg_set_null(&c->seg[S_ES], 0);
            seg_set_null(&c->seg[S_DS], 0);
            seg_set_null(&c->seg[S_FS], 0);
            seg_set_null(&c->seg[S_GS], 0);
        }
        c->seg[S_SS] = nss;
        c->reg[R_ESP] = frame_esp(&f, nesp);
    } else {
        c->reg[R_ESP] = frame_esp(&f, c->reg[R_ESP]);
    }
    c->seg[S_CS] = ncs;
    c->eip = off;
    c->eflags &= ~(F_TF | F_NT | F_RF | F_VM);
    if (!(type & 1)) c->eflags &= ~F_IF;      /* interrupt gate (trap gates keep IF) */
    cpu_update_mode(c);
}

void cpu_interrupt(struct cpu *c, int vec, int is_sw, int has_err, uint32_t err, uint32_t next_eip)
{
    c->chain_slot = 0;      /* the block that asked for a chain is not the one that runs next */
    if (c->trace_int)
        c->trace_int(c->trace_opaque, c, vec, !is_sw && c->last_vector != vec, err, has_err);
    if (!c->pmode)
        real_interrupt(c, vec, is_sw, next_eip);
    else
        pm_interrupt(c, vec, is_sw, has_err, err, next_eip);
}

/* ---- far transfers (protected mode, not v86) ---- */

/* Loads CS for a transfer at the same privilege level to sel:off. */
static void load_cs_same(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, uint32_t off)
{
    struct seg n;
    seg_from_desc(&n, (uint16_t)((sel & ~3u) | c->cpl), lo, hi | 0x100);
    if (off > n.limit) GP0(c);
    desc_set_accessed(c, sel, hi);
    c->seg[S_CS] = n;
    c->eip = off;
    cpu_update_mode(c);
}

/* A direct JMP/CALL target: checks of a code segment descriptor. */
static void check_code_target(struct cpu *c, uint16_t sel, uint32_t hi)
{
    unsigned dpl = desc_dpl(hi), rpl = sel & 3u;
    if (!desc_is_code(hi)) cpu_fault(c, EX_GP, sel & 0xfffc);
    if (desc_conforming(hi) ? dpl > c->cpl : (rpl > c->cpl || dpl != c->cpl))
        cpu_fault(c, EX_GP, sel & 0xfffc);
    if (!desc_p(hi)) cpu_fault(c, EX_NP, sel & 0xfffc);
}

/* Gate, task gate or TSS as a JMP/CALL target: common checks. Returns the type. */
static unsigned check_system_target(struct cpu *c, uint16_t sel, uint32_t hi)
{
    unsigned t = desc_type(hi);
    if (!(t == DT_CALL16 || t == DT_CALL32 || t == DT_TASK || t == DT_TSS16 || t == DT_TSS32))
        cpu_fault(c, EX_GP, sel & 0xfffc);
    if (desc_dpl(hi) < c->cpl || desc_dpl(hi) < (sel & 3u)) cpu_fault(c, EX_GP, sel & 0xfffc);
    if (!desc_p(hi)) cpu_fault(c, EX_NP, sel & 0xfffc);
    return t;
}

/* The code segment a call gate names: returns its descriptor. */
static void gate_target(struct cpu *c, uint32_t glo, uint16_t *csel, uint32_t *clo, uint32_t *chi)
{
    *csel = (uint16_t)(glo >> 16);
    if (!(*csel & 0xfffc)) GP0(c);
    desc_read(c, *csel, clo, chi, EX_GP);
    if (!desc_is_code(*chi) || desc_dpl(*chi) > c->cpl) cpu_fault(c, EX_GP, *csel & 0xfffc);
    if (!desc_p(*chi)) cpu_fault(c, EX_NP, *csel & 0xfffc);
}

void far_jump(struct cpu *c, uint16_t sel, uint32_t off, int osz, uint32_t next_eip)
{
    uint32_t lo, hi;
    if (osz == 2) off &= 0xffff;
    if (!(sel & 0xfffc)) GP0(c);
    desc_read(c, sel, &lo, &hi, EX_GP);
    if (desc_s(hi)) {
        check_code_target(c, sel, hi);
        load_cs_same(c, sel, lo, hi, off);
        return;
    }
    unsigned t = check_system_target(c, sel, hi);
    if (t == DT_TSS16 || t == DT_TSS32) {
        task_switch(c, sel, lo, hi, TS_JMP, 0, 0, next_eip);
        return;
    }
    if (t == DT_TASK) {
        task_gate(c, lo, TS_JMP, 0, 0, 0, next_eip);
        return;
    }
    uint16_t csel;
    uint32_t clo, chi;
    gate_target(c, lo, &csel, &clo, &chi);
    if (desc_conforming(chi) ? desc_dpl(chi) > c->cpl : desc_dpl(chi) != c->cpl)
        cpu_fault(c, EX_GP, csel & 0xfffc);
    uint32_t goff = t == DT_CALL32 ? (lo & 0xffff) | (hi & 0xffff0000u) : lo & 0xffff;
    load_cs_same(c, csel, clo, chi, goff);
}

/* Pushes CS:EIP on the current stack and loads CS at the same privilege. */
static void call_same(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, uint32_t off, int sz, uint32_t next_eip)
{
    struct seg n;
    struct frame f;
    seg_from_desc(&n, (uint16_t)((sel & ~3u) | c->cpl), lo, hi | 0x100);
    frame_init(&f, &c->seg[S_SS], c->reg[R_ESP], 0, EX_SS, 0);
    frame_push(c, &f, c->seg[S_CS].sel, sz);
    frame_push(c, &f, next_eip, sz);
    if (off > n.limit) GP0(c);
    desc_set_accessed(c, sel, hi);
    frame_commit(c, &f);
    c->reg[R_ESP] = frame_esp(&f, c->reg[R_ESP]);
    c->seg[S_CS] = n;
    c->eip = off;
    cpu_update_mode(c);
}

void far_call(struct cpu *c, uint16_t sel, uint32_t off, int osz, uint32_t next_eip)
{
    uint32_t lo, hi;
    if (osz == 2) off &= 0xffff;
    if (!(sel & 0xfffc)) GP0(c);
    desc_read(c, sel, &lo, &hi, EX_GP);
    if (desc_s(hi)) {
        check_code_target(c, sel, hi);
        call_same(c, sel, lo, hi, off, osz, next_eip);
        return;
    }
    unsigned t = check_system_target(c, sel, hi);
    if (t == DT_TSS16 || t == DT_TSS32) {
        task_switch(c, sel, lo, hi, TS_CALL, 0, 0, next_eip);
        return;
    }
    if (t == DT_TASK) {
        task_gate(c, lo, TS_CALL, 0, 0, 0, next_eip);
        return;
    }
    /* call gate */
    uint16_t csel;
    uint32_t clo, chi;
    gate_target(c, lo, &csel, &clo, &chi);
    int sz = t == DT_CALL32 ? 4 : 2;
    uint32_t goff = sz == 4 ? (lo & 0xffff) | (hi & 0xffff0000u) : lo & 0xffff;
    unsigned dpl = desc_dpl(chi);
    if (desc_conforming(chi) || dpl == c->cpl) {
        call_same(c, csel, clo, chi, goff, sz, next_eip);
        return;
    }
    /* more privileged: switch to the inner stack and copy the parameters */
    struct seg nss, ncs;
    uint32_t nesp, sshi;
    struct frame f;
    tss_stack(c, dpl, 0, &nss, &nesp, &sshi);
    frame_init(&f, &nss, nesp, 1, EX_SS, nss.sel & 0xfffc);
    frame_push(c, &f, c->seg[S_SS].sel, sz);
    frame_push(c, &f, c->reg[R_ESP], sz);
    unsigned count = hi & 0x1f;
    for (unsigned k = count; k-- > 0;)
        frame_push(c, &f, mem_read(c, S_SS, (c->reg[R_ESP] + k * (uint32_t)sz) & sp_mask(c), sz), sz);
    frame_push(c, &f, c->seg[S_CS].sel, sz);
    frame_push(c, &f, next_eip, sz);
    seg_from_desc(&ncs, (uint16_t)((csel & ~3u) | dpl), clo, chi | 0x100);
    if (goff > ncs.limit) GP0(c);
    desc_set_accessed(c, csel, chi);
    desc_set_accessed(c, nss.sel, sshi);
    frame_commit(c, &f);
    c->seg[S_SS] = nss;
    c->reg[R_ESP] = frame_esp(&f, nesp);
    c->seg[S_CS] = ncs;
    c->eip = goff;
    cpu_update_mode(c);
}

/* The code segment of a RETF/IRET: checks against its RPL (the new CPL). */
static void check_return_cs(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    if (!(sel & 0xfffc)) GP0(c);
    desc_read(c, sel, lo, hi, EX_GP);
    unsigned rpl = sel & 3u, dpl = desc_dpl(*hi);
    if (rpl < c->cpl || !desc_is_code(*hi)) cpu_fault(c, EX_GP, sel & 0xfffc);
    if (desc_conforming(*hi) ? dpl > rpl : dpl != rpl) cpu_fault(c, EX_GP, sel & 0xfffc);
    if (!desc_p(*hi)) cpu_fault(c, EX_NP, sel & 0xfffc);
}

/* The stack segment of a return to an outer level with RPL rpl. */
static void check_return_ss(struct cpu *c, uint16_t sel, unsigned rpl, uint32_t *lo, uint32_t *hi)
{
    if (!(sel & 0xfffc)) GP0(c);
    desc_read(c, sel, lo, hi, EX_GP);
    if ((sel & 3u) != rpl || !desc_writable_data(*hi) || desc_dpl(*hi) != rpl)
        cpu_fault(c, EX_GP, sel & 0xfffc);
    if (!desc_p(*hi)) cpu_fault(c, EX_SS, sel & 0xfffc);
}

/* Loads CS:EIP and SS:ESP (and EFLAGS for IRET) of a return to an outer
 * privilege level. Only the accessed-bit writes can fault; they come first. */
static void return_outer(struct cpu *c, uint16_t csel, uint32_t clo, uint32_t chi, uint32_t eip,
                         uint16_t ssel, uint32_t slo, uint32_t shi, uint32_t esp,
                         const uint32_t *eflags)
{
    desc_set_accessed(c, csel, chi);
    desc_set_accessed(c, ssel, shi);
    if (eflags) set_eflags(c, *eflags);
    seg_from_desc(&c->seg[S_CS], csel, clo, chi | 0x100);
    seg_from_desc(&c->seg[S_SS], ssel, slo, shi | 0x100);
    c->eip = eip;
    if (SEGF_DB(c->seg[S_SS].flags)) c->reg[R_ESP] = esp;
    else c->reg[R_ESP] = (c->reg[R_ESP] & 0xffff0000u) | (esp & 0xffff);
    cpu_update_mode(c);
    null_outer_segs(c);
}

void far_ret(struct cpu *c, int osz, uint16_t imm)
{
    uint32_t off = stack_peek(c, 0, osz);
    uint16_t sel = (uint16_t)stack_peek(c, (uint32_t)osz, 2);
    uint32_t lo, hi;
    check_return_cs(c, sel, &lo, &hi);
    unsigned rpl = sel & 3u;
    if (rpl == c->cpl) {
        struct seg n;
        seg_from_desc(&n, sel, lo, hi | 0x100);
        if (off > n.limit) GP0(c);
        desc_set_accessed(c, sel, hi);
        set_sp(c, c->reg[R_ESP] + 2u * (uint32_t)osz + imm);
        c->seg[S_CS] = n;
        c->eip = off;
        cpu_update_mode(c);
        return;
    }
    uint32_t esp = stack_peek(c, 2u * (uint32_t)osz + imm, osz);
    uint16_t ssel = (uint16_t)stack_peek(c, 3u * (uint32_t)osz + imm, 2);
    uint32_t slo, shi;
    check_return_ss(c, ssel, rpl, &slo, &shi);
    if (off > desc_limit(lo, hi)) GP0(c);
    if (osz == 2) esp = (c->reg[R_ESP] & 0xffff0000u) | esp;
    uint32_t nesp = SEGF_DB((shi >> 8) & 0xf0ff) ? esp + imm : (esp & 0xffff0000u) | ((esp + imm) & 0xffff);
    return_outer(c, sel, lo, hi, off, ssel, slo, shi, nesp, NULL);
}

/* EFLAGS after a protected-mode IRET that stays out of v86 mode; the
 * rules use the CPL before the return. */
static uint32_t iret_eflags(struct cpu *c, uint32_t fl, int osz)
{
    uint32_t old = cpu_get_eflags(c);
    uint32_t m = F_ARITH | F_TF | F_DF | F_NT | F_RF | F_AC | F_ID;
    unsigned iopl = (old >> 12) & 3;
    if (c->cpl <= iopl) m |= F_IF;
    if (c->cpl == 0) m |= F_IOPL | F_VIF | F_VIP;
    if (osz == 2) m &= 0xffff;
    return (old & ~m) | (fl & m);
}

static void iret_to_v86(struct cpu *c, uint32_t eip, uint16_t cs, uint32_t fl)
{
    uint32_t esp = stack_peek(c, 12, 4);
    uint16_t ss = (uint16_t)stack_peek(c, 16, 2);
    uint16_t es = (uint16_t)stack_peek(c, 20, 2);
    uint16_t ds = (uint16_t)stack_peek(c, 24, 2);
    uint16_t fs = (uint16_t)stack_peek(c, 28, 2);
    uint16_t gs = (uint16_t)stack_peek(c, 32, 2);
    if (eip > 0xffff) GP0(c);
    set_eflags(c, fl);
    seg_load_v86(c, S_CS, cs);
    seg_load_v86(c, S_SS, ss);
    seg_load_v86(c, S_ES, es);
    seg_load_v86(c, S_DS, ds);
    seg_load_v86(c, S_FS, fs);
    seg_load_v86(c, S_GS, gs);
    c->reg[R_ESP] = esp;
    c->eip = eip;
    cpu_update_mode(c);
}

static void iret_v86(struct cpu *c, int osz)
{
    if (((c->eflags >> 12) & 3) < 3) GP0(c);
    uint32_t eip = stack_peek(c, 0, osz);
    uint16_t cs = (uint16_t)stack_peek(c, (uint32_t)osz, 2);
    uint32_t fl = stack_peek(c, 2u * (uint32_t)osz, osz);
    if (eip > c->seg[S_CS].limit) GP0(c);
    uint32_t old = cpu_get_eflags(c);
    uint32_t keep = F_VM | F_IOPL | F_VIP | F_VIF;
    uint32_t nfl = osz == 4 ? (fl & ~keep) | (old & keep)
                            : (old & (0xffff0000u | F_IOPL)) | (fl & 0xffff & ~F_IOPL);
    set_sp(c, c->reg[R_ESP] + 3u * (uint32_t)osz);
    seg_load_v86(c, S_CS, cs);
    c->eip = eip;
    set_eflags(c, nfl);
    cpu_update_mode(c);
}

void iret(struct cpu *c, int osz, uint32_t next_eip)
{
    if (c->v86) {
        iret_v86(c, osz);
        return;
    }
    if (c->eflags & F_NT) {
        /* return to the task in the back link */
        uint16_t link = (uint16_t)sys_read(c, c->tr.base, 2);
        uint32_t lo, hi;
        if (link & 4) cpu_fault(c, EX_TS, link & 0xfffc);
        desc_read(c, link, &lo, &hi, EX_TS);
        if (desc_s(hi) || (desc_type(hi) != DT_TSS16_BUSY && desc_type(hi) != DT_TSS32_BUSY))
            cpu_fault(c, EX_TS, link & 0xfffc);
        if (!desc_p(hi)) cpu_fault(c, EX_NP, link & 0xfffc);
        task_switch(c, link, lo, hi, TS_IRET, 0, 0, next_eip);
        return;
    }
    uint32_t eip = stack_peek(c, 0, osz);
    uint16_t sel = (uint16_t)stack_peek(c, (uint32_t)osz, 2);
    uint32_t fl = stack_peek(c, 2u * (uint32_t)osz, osz);
    if (osz == 4 && (fl & F_VM) && c->cpl == 0) {
        iret_to_v86(c, eip, sel, fl);
        return;
    }
    uint32_t lo, hi;
    check_return_cs(c, sel, &lo, &hi);
    unsigned rpl = sel & 3u;
    uint32_t nfl = iret_eflags(c, fl, osz);
    if (rpl == c->cpl) {
        struct seg n;
        seg_from_desc(&n, sel, lo, hi | 0x100);
        if (eip > n.limit) GP0(c);
        desc_set_accessed(c, sel, hi);
        set_sp(c, c->reg[R_ESP] + 3u * (uint32_t)osz);
        c->seg[S_CS] = n;
        c->eip = eip;
        set_eflags(c, nfl);
        cpu_update_mode(c);
        return;
    }
    uint32_t esp = stack_peek(c, 3u * (uint32_t)osz, osz);
    uint16_t ssel = (uint16_t)stack_peek(c, 4u * (uint32_t)osz, 2);
    uint32_t slo, shi;
    check_return_ss(c, ssel, rpl, &slo, &shi);
    if (eip > desc_limit(lo, hi)) GP0(c);
    if (osz == 2) esp = (c->reg[R_ESP] & 0xffff0000u) | esp;
    return_outer(c, sel, lo, hi, eip, ssel, slo, shi, esp, &nfl);
}

/* ---- I/O permission ---- */
void io_check(struct cpu *c, uint16_t port, int size)
{
    if (c->pmode && (c->v86 || c->cpl > ((c->eflags >> 12) & 3))) {
        /* only a 32-bit TSS has an I/O permission bitmap */
        if (!c->tr.valid || !(c->tr.flags & 8) || c->tr.limit < 0x67) GP0(c);
        uint32_t map = sys_read(c, c->tr.base + 0x66, 2);
        uint32_t a = map + (port >> 3);
        if (a + 1 > c->tr.limit) GP0(c);
        uint32_t bits = sys_read(c, c->tr.base + a, 2);
        if ((bits >> (port & 7)) & ((1u << size) - 1)) GP0(c);
    }
    if ((c->cr4 & CR4_DE) && (c->dr[7] & 0xff)) debug_io(c, port, size);
}
