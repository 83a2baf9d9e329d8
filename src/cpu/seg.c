/* Segmentation: descriptor-table lookups, the segment-register loads of
 * MOV/POP Sreg, LDS and friends with every protected-mode check, LLDT, and
 * the real-mode and virtual-8086 loads. Far transfers are in intr.c. */
#include "sys.h"

uint32_t desc_addr(struct cpu *c, uint16_t sel, int *ok)
{
    uint32_t base, limit;
    if (sel & 4) {
        if (!c->ldtr.valid) { *ok = 0; return 0; }
        base = c->ldtr.base;
        limit = c->ldtr.limit;
    } else {
        base = c->gdtr.base;
        limit = c->gdtr.limit;
    }
    if ((uint32_t)(sel | 7) > limit) { *ok = 0; return 0; }
    *ok = 1;
    return base + (sel & ~7u);
}

/* Returns 0, or -1 when vec < 0 and the selector is outside its table
 * (with vec >= 0 that case faults with vec(sel)). */
int desc_read(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi, int vec)
{
    int ok;
    uint32_t a = desc_addr(c, sel, &ok);
    if (!ok) {
        if (vec < 0) return -1;
        cpu_fault(c, vec, sel & 0xfffc);
    }
    *lo = sys_read(c, a, 4);
    *hi = sys_read(c, a + 4, 4);
    return 0;
}

void desc_set_accessed(struct cpu *c, uint16_t sel, uint32_t hi)
{
    if (!desc_s(hi) || (hi & 0x100)) return;
    int ok;
    uint32_t a = desc_addr(c, sel, &ok);
    if (ok) sys_write(c, a + 5, ((hi >> 8) & 0xff) | 1, 1);
}

void seg_from_desc(struct seg *s, uint16_t sel, uint32_t lo, uint32_t hi)
{
    s->base = desc_base(lo, hi);
    s->limit = desc_limit(lo, hi);
    s->sel = sel;
    s->flags = (uint16_t)((hi >> 8) & 0xffff);   /* incl. limit 19:16, as traces show it */
    s->valid = 1;
    uint8_t rw = 0;
    if (desc_s(hi)) {
        if (desc_is_data(hi)) {
            rw = SEG_RD;
            if (hi & 0x200) rw |= SEG_WR;
            if (hi & 0x400) rw |= SEG_DOWN;
        } else if (hi & 0x200) {
            rw = SEG_RD;
        }
    }
    s->rw = rw;
}

void seg_set_null(struct seg *s, uint16_t sel)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->flags = 0;
    s->valid = 0;
    s->rw = 0;
}

void seg_load_v86(struct cpu *c, int s, uint16_t sel)
{
    struct seg *g = &c->seg[s];
    g->sel = sel;
    g->base = (uint32_t)sel << 4;
    g->limit = 0xffff;
    g->flags = s == S_CS ? 0xfb : 0xf3;   /* present, DPL 3, accessed; code r/x or data r/w */
    g->valid = 1;
    g->rw = SEG_RD | SEG_WR;
}

/* Real mode keeps the cached limit, DPL and D/B (so "unreal" mode works)
 * but makes the segment a present, accessed, read/write one. */
void seg_load_real(struct cpu *c, int s, uint16_t sel)
{
    if (c->v86) {
        seg_load_v86(c, s, sel);
        return;
    }
    struct seg *g = &c->seg[s];
    g->sel = sel;
    g->base = (uint32_t)sel << 4;
    g->flags = (uint16_t)((g->flags & 0xf060) | 0x90 | (s == S_CS ? 0xb : 0x3));
    g->valid = SEG_VALID_REAL;
    g->rw = SEG_RD | SEG_WR;
}

void seg_load_pm(struct cpu *c, int s, uint16_t sel, int vec)
{
    uint32_t lo, hi;
    unsigned rpl = sel & 3, cpl = c->cpl;
    if (s == S_SS) {
        if (!(sel & 0xfffc)) cpu_fault(c, vec, 0);
        desc_read(c, sel, &lo, &hi, vec);
        if (rpl != cpl || !desc_writable_data(hi) || desc_dpl(hi) != cpl)
            cpu_fault(c, vec, sel & 0xfffc);
        if (!desc_p(hi)) cpu_fault(c, EX_SS, sel & 0xfffc);
    } else {
        if (!(sel & 0xfffc)) {
            seg_set_null(&c->seg[s], sel);
            return;
        }
        desc_read(c, sel, &lo, &hi, vec);
        if (!desc_s(hi) || !desc_readable(hi))
            cpu_fault(c, vec, sel & 0xfffc);
        if (!desc_conforming(hi) && (rpl > desc_dpl(hi) || cpl > desc_dpl(hi)))
            cpu_fault(c, vec, sel & 0xfffc);
        if (!desc_p(hi)) cpu_fault(c, EX_NP, sel & 0xfffc);
    }
    desc_set_accessed(c, sel, hi);
    seg_from_desc(&c->seg[s], sel, lo, hi | 0x100);
    if (s == S_SS) cpu_update_mode(c);
}

void seg_load(struct cpu *c, int s, uint16_t sel)
{
    if (!c->pmode || c->v86) {
        seg_load_real(c, s, sel);
        if (s == S_SS || s == S_CS) cpu_update_mode(c);
        return;
    }
    seg_load_pm(c, s, sel, EX_GP);
}

void ldt_load(struct cpu *c, uint16_t sel, int ts)
{
    uint32_t lo, hi;
    int gp = ts ? EX_TS : EX_GP, np = ts ? EX_TS : EX_NP;
    if (!(sel & 0xfffc)) {
        seg_set_null(&c->ldtr, sel);
        return;
    }
    if (sel & 4) cpu_fault(c, gp, sel & 0xfffc);
    desc_read(c, sel, &lo, &hi, gp);
    if (desc_s(hi) || desc_type(hi) != DT_LDT) cpu_fault(c, gp, sel & 0xfffc);
    if (!desc_p(hi)) cpu_fault(c, np, sel & 0xfffc);
    seg_from_desc(&c->ldtr, sel, lo, hi);
}
