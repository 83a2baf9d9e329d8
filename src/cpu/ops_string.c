/* String instructions. A REP-prefixed instruction runs in chunks: after a
 * chunk it leaves EIP on itself so pending interrupts are served, exactly
 * as a real CPU interrupts a long REP between iterations. Each iteration
 * commits its register updates only after its memory accesses succeed. */
#include "ops.h"

#define REP_CHUNK 4096

static inline uint32_t amask(const struct insn *i) { return i->asz == 2 ? 0xffff : 0xffffffffu; }

static inline void adv(struct cpu *c, const struct insn *i, int r, int size)
{
    uint32_t m = amask(i);
    int32_t d = (c->eflags & F_DF) ? -size : size;
    c->reg[r] = (c->reg[r] & ~m) | ((c->reg[r] + (uint32_t)d) & m);
}

static inline uint32_t count(const struct cpu *c, const struct insn *i) { return c->reg[R_ECX] & amask(i); }
static inline void dec_count(struct cpu *c, const struct insn *i)
{
    uint32_t m = amask(i);
    c->reg[R_ECX] = (c->reg[R_ECX] & ~m) | ((c->reg[R_ECX] - 1) & m);
}

/* Runs `one` once, or under REP until the count or the condition ends it. */
typedef int (*iter_fn)(struct cpu *c, const struct insn *i);   /* returns the ZF outcome for REPE/REPNE */

static void run_string(struct cpu *c, const struct insn *i, iter_fn one, int cond_rep)
{
    if (!i->rep) {
        one(c, i);
        next(c, i);
        return;
    }
    for (int n = 0; n < REP_CHUNK; n++) {
        if (!count(c, i)) {
            next(c, i);
            return;
        }
        int zf = one(c, i);
        dec_count(c, i);
        if (cond_rep && ((i->rep == 0xf3 && !zf) || (i->rep == 0xf2 && zf))) {
            next(c, i);
            return;
        }
    }
    if (!count(c, i)) {
        next(c, i);
        return;
    }
    /* more to do: stay on this instruction and let the loop serve events */
    c->stop_block = 1;
}

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

OP(movs) { run_string(c, i, it_movs, 0); }
OP(stos) { run_string(c, i, it_stos, 0); }
OP(lods) { run_string(c, i, it_lods, 0); }
OP(cmps) { run_string(c, i, it_cmps, 1); }
OP(scas) { run_string(c, i, it_scas, 1); }
OP(ins) { io_check(c, (uint16_t)c->reg[R_EDX], i->osz); run_string(c, i, it_ins, 0); }
OP(outs) { io_check(c, (uint16_t)c->reg[R_EDX], i->osz); run_string(c, i, it_outs, 0); }
