/* Flag liveness over a block's micro-ops (see ir.h): which arithmetic
 * flags some later micro-op, the block's exit, or a fault may still see.
 * A micro-op that can fault or calls a handler needs every flag exact
 * before it (an exception frame holds EFLAGS; the handler may read any);
 * the rest read and write what the opcode table says. The backend keeps
 * flags it would otherwise compute or save only where they are live. */
#include "ir.h"
#include "../cpu/cpu.h"

static int needs_all_flags(const struct uop *u)
{
    switch (u->kind) {
    case U_ADDR: case U_ADDR_SP: case U_LIMIT: case U_HELPER:
        return 1;
    case U_MULDIV:
        return u->sub == 6;                 /* DIV may raise #DE */
    default:
        return 0;
    }
}

void ir_liveness(struct ir *ir)
{
    uint16_t live = F_ARITH;            /* the next block may read any flag */
    for (int k = ir->n - 1; k >= 0; k--) {
        struct uop *u = &ir->u[k];
        u->live = live;
        if (needs_all_flags(u))
            live = F_ARITH;
        else
            live = (uint16_t)((live & ~u->fl_write) | u->fl_read);
    }
}
