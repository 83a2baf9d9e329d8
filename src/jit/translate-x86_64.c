/* The x86-64 backend: one decoded block -> one host function
 * `void f(struct cpu *)`. rbx holds the CPU pointer throughout.
 *
 * Each instruction either has a native template (32-bit register moves and
 * arithmetic, INC/DEC, conditional and direct jumps) or becomes a call to
 * its interpreter handler, preceded by what the handler expects (EIP and
 * ESP of the instruction start for fault unwinding) and followed by what
 * the interpreter loop does after it (count it, leave the block when the
 * handler asked to or the budget ran out). Templates leave exactly the state
 * the handler would, lazy flags included, so both engines agree bit for bit.
 *
 * Budget and instruction count live in host registers while the block
 * runs: r12 the budget left, r13 its value when icount was last written,
 * so icount is behind by r13 - r12. Each instruction decrements r12 and
 * leaves when it reaches 0, as the interpreter's loop does. Both are
 * written back before a helper call (which may fault and unwind, and must
 * see exact counts, or may end the slice by zeroing the budget) and at the
 * exit. */
#include "translate.h"
#include "emit-x86_64.h"
#include "../cpu/exec.h"
#include "../cpu/block.h"

#define OFF(f) ((int32_t)offsetof(struct cpu, f))
#define REG(r) (OFF(reg) + 4 * (int32_t)(r))
#define SEG_FIELD(s, f) ((int32_t)(offsetof(struct cpu, seg) + (s) * sizeof(struct seg) + offsetof(struct seg, f)))
#define CS_LIMIT SEG_FIELD(S_CS, limit)
#define TLB_ENTRY_SHIFT 5
_Static_assert(sizeof(struct tlb_entry) == 1u << TLB_ENTRY_SHIFT, "TLB entries are 32 bytes");

_Static_assert(offsetof(struct cpu, lf_size) == offsetof(struct cpu, lf_op) + 1,
               "one 16-bit store sets lf_op and lf_size");

#define LF_UNKNOWN (-1)

#define MAX_CHAINS 2                /* a block's direct exits: taken and not taken */

struct tx {
    struct emit e;
    const struct block *b;
    unsigned gen;           /* the code buffer generation this code belongs to */
    uint32_t phys_end;      /* physical address after the instruction being translated */
    uint8_t *chain_refs[MAX_CHAINS][2];     /* rip-relative uses of each chain slot */
    int nchains;
    int lf;                 /* lazy-flag op the code so far leaves (size 4), or LF_UNKNOWN */
    uint8_t *epilogue_jumps[4 * BLOCK_MAX_INSNS + 8];
    int njumps;
};

/* ---- plumbing ---------------------------------------------------------- */

/* budget = r12; icount += r13 - r12; r13 = r12 */
static void sync_counts(struct tx *t)
{
    struct emit *e = &t->e;
    e_store32(e, OFF(budget), R12);
    e_mov_rr(e, RAX, R13);
    e_alu_rr(e, X_SUB, RAX, R12);
    e_byte(e, 0x48); e_byte(e, 0x01); e_mem(e, RAX, OFF(icount));   /* add [icount], rax */
    e_mov_rr(e, R13, R12);
}

static void jump_to_epilogue(struct tx *t)
{
    uint8_t *j = e_jmp32(&t->e);
    if (t->njumps < (int)(sizeof t->epilogue_jumps / sizeof t->epilogue_jumps[0]))
        t->epilogue_jumps[t->njumps++] = j;
    else
        t->e.overflow = 1;
}

/* One more instruction done: leave when the budget is used up. */
static void count_insn(struct tx *t)
{
    e_byte(&t->e, 0x41); e_byte(&t->e, 0xff); e_modrm_rr(&t->e, 1, R12);   /* dec r12d */
}

static void exit_if(struct tx *t, int cc)
{
    uint8_t *j = e_jcc32(&t->e, cc);
    if (t->njumps < (int)(sizeof t->epilogue_jumps / sizeof t->epilogue_jumps[0]))
        t->epilogue_jumps[t->njumps++] = j;
    else
        t->e.overflow = 1;
}

static void call_c(struct tx *t, const void *fn)
{
    uint64_t a;
    memcpy(&a, &fn, sizeof a);
    e_mov64_ri(&t->e, RAX, a);
    e_call_r(&t->e, RAX);
}

/* The interpreter's handler for i, as its loop would run it. */
static void emit_helper(struct tx *t, const struct insn *i)
{
    struct emit *e = &t->e;
    sync_counts(t);
    e_load32(e, RAX, OFF(eip));
    e_store32(e, OFF(insn_eip), RAX);
    e_load32(e, RAX, REG(R_ESP));
    e_store32(e, OFF(insn_esp), RAX);
    e_mov64_rr(e, RDI, RBX);
    e_mov64_ri(e, RSI, (uint64_t)(uintptr_t)i);
    exec_fn fn = i->exec;
    const void *p;
    memcpy(&p, &fn, sizeof p);
    call_c(t, p);
    /* the handler may have ended the slice: take the budget as it left it */
    e_load32(e, R12, OFF(budget));
    e_byte(e, 0x48); e_byte(e, 0x83); e_mem(e, X_ADD, OFF(icount)); e_byte(e, 1);
    count_insn(t);
    e_mov_rr(e, R13, R12);
    e_cmp8_mi(e, OFF(stop_block), 0);
    exit_if(t, CC_NE);
    e_test_rr(e, R12, R12);
    exit_if(t, CC_LE);
    t->lf = LF_UNKNOWN;
}

/* Records the lazy flags of a 32-bit operation: result in edx, operands in
 * eax/ecx (or zeros for logic ops, as the interpreter stores them). */
static void store_lf_w(struct tx *t, int op, int w)
{
    struct emit *e = &t->e;
    e_store32(e, OFF(lf_res), RDX);
    if (op == LF_LOGIC) {
        e_store32_imm(e, OFF(lf_s1), 0);
        e_store32_imm(e, OFF(lf_s2), 0);
    } else {
        e_store32(e, OFF(lf_s1), RAX);
        e_store32(e, OFF(lf_s2), RCX);
    }
    e_store16_imm(e, OFF(lf_op), (uint16_t)(op | w << 8));
    /* what reads flags natively knows 32-bit operations only */
    t->lf = w == 4 ? op : LF_UNKNOWN;
}
static void store_lf(struct tx *t, int op) { store_lf_w(t, op, 4); }

/* The arithmetic flags in eax become eflags' own (LF_NONE), as
 * flags_set_arith(F_ARITH, ...) leaves them. */
static void store_eager_flags(struct tx *t)
{
    struct emit *e = &t->e;
    e_load32(e, RDX, OFF(eflags));
    e_alu_ri(e, X_AND, RDX, ~(uint32_t)F_ARITH);
    e_alu_rr(e, X_OR, RDX, RAX);
    e_store32(e, OFF(eflags), RDX);
    e_store8_imm(e, OFF(lf_op), LF_NONE);
    t->lf = LF_NONE;
}

static void advance_eip(struct tx *t, const struct insn *i)
{
    e_alu_mi(&t->e, X_ADD, OFF(eip), i->len);
}


/* ---- chaining ------------------------------------------------------------------- */

/* A direct exit to target_phys. When the target is on the block's own page
 * (so the page mapping that led here leads there too) the exit can jump
 * straight into the next block's code, kept in a slot next to this code:
 * the dispatcher fills the slot the first time the exit is taken. The jump
 * is taken only while nothing asks for the main loop -- budget left, no
 * pending interrupt or NMI, no single-step, interrupt shadow or breakpoint
 * -- and the next block is still alive and translated in this generation;
 * else the exit returns to the loop as any other. */
static void exit_direct(struct tx *t, uint32_t target_phys)
{
    struct emit *e = &t->e;
    const struct block *b = t->b;
    if (t->nchains == MAX_CHAINS || b->phys_page2 != ~0u || (target_phys ^ b->phys) & ~0xfffu) {
        jump_to_epilogue(t);
        return;
    }
    int slot = t->nchains++;
    exit_if(t, CC_E);
    e_test32_mi(e, OFF(eflags), F_TF | F_RF);
    exit_if(t, CC_NE);
    e_cmp8_mi(e, OFF(inhibit_irq), 0);
    exit_if(t, CC_NE);
    e_test8_mi(e, OFF(dr[7]), 0xff);
    exit_if(t, CC_NE);
    e_cmp8_mi(e, OFF(intr_line), 0);
    exit_if(t, CC_NE);
    e_cmp8_mi(e, OFF(nmi_pending), 0);
    exit_if(t, CC_NE);
    t->chain_refs[slot][0] = e_load_rip(e);
    e_test64_rax(e);
    uint8_t *miss = e_jcc32(e, CC_E);
    e_cmp8_rax8_i(e, (int8_t)offsetof(struct block, dead), 0);
    exit_if(t, CC_NE);
    e_cmp32_rax8_i(e, (int8_t)offsetof(struct block, native_gen), t->gen);
    exit_if(t, CC_NE);
    e_store64(e, OFF(cur_block), RAX);
    e_load64_rax_rax8(e, (int8_t)offsetof(struct block, native_chain));
    e_jmp_rax(e);
    e_patch_here(e, miss);
    t->chain_refs[slot][1] = e_lea_rip(e);
    e_store64(e, OFF(chain_slot), RAX);
    e_store32_imm(e, OFF(chain_phys), target_phys);
    e_store32_imm(e, OFF(chain_gen), t->gen);
    e_store8_imm(e, OFF(chain_code32), b->code32);
    jump_to_epilogue(t);
}

_Static_assert(offsetof(struct block, native_chain) < 128 && offsetof(struct block, native_gen) < 128,
               "block fields reached with 8-bit displacements");

/* ---- templates ---------------------------------------------------------- */

/* A native template returns TPL_NONE when the instruction is not its kind
 * (the helper then runs it), TPL_DONE when it emitted it (the caller counts
 * it), TPL_COUNTED when it also counted it (templates with a slow path). */
enum { TPL_NONE = -1, TPL_DONE = 0, TPL_COUNTED = 1 };
typedef int template_fn(struct tx *t, const struct insn *i);

static const uint8_t lf_of_alu[8] = {
    [X_ADD] = LF_ADD, [X_OR] = LF_LOGIC, [X_AND] = LF_LOGIC, [X_SUB] = LF_SUB,
    [X_XOR] = LF_LOGIC, [X_CMP] = LF_SUB,
};

/* dst = dst op src (src in ecx), flags as the interpreter's alu(). */
static void alu32(struct tx *t, int op, int dst)
{
    struct emit *e = &t->e;
    e_load32(e, RAX, REG(dst));
    e_mov_rr(e, RDX, RAX);
    e_alu_rr(e, op == X_CMP ? X_SUB : op, RDX, RCX);
    if (op != X_CMP)
        e_store32(e, REG(dst), RDX);
    store_lf(t, lf_of_alu[op]);
}

static int is_alu_native(int op) { return op != X_ADC && op != X_SBB; }

/* 01/03/09/0B/.../39/3B with a register operand, 81/83 and 05-3D on eAX. */
static int t_alu(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    int op, dst;
    if (oc < 0x40 && (oc & 7) <= 3 && (oc & 1) && i->mod == 3) {       /* Ev,Gv / Gv,Ev */
        op = (int)(oc >> 3);
        int to_rm = !(oc & 2);
        dst = to_rm ? i->rm : i->reg;
        if (!is_alu_native(op)) return TPL_NONE;
        e_load32(&t->e, RCX, REG(to_rm ? i->reg : i->rm));
    } else if (oc < 0x40 && (oc & 7) == 5) {                           /* eAX, Iv */
        op = (int)(oc >> 3);
        dst = R_EAX;
        if (!is_alu_native(op)) return TPL_NONE;
        e_mov_ri(&t->e, RCX, i->imm);
    } else if ((oc == 0x81 || oc == 0x83) && i->mod == 3) {            /* Ev, Iv / Ev, Ib */
        op = i->reg;
        dst = i->rm;
        if (!is_alu_native(op)) return TPL_NONE;
        e_mov_ri(&t->e, RCX, i->imm);
    } else {
        return TPL_NONE;
    }
    alu32(t, op, dst);
    advance_eip(t, i);
    return TPL_DONE;
}

static int t_mov(struct tx *t, const struct insn *i)
{
    struct emit *e = &t->e;
    if ((i->opcode == 0x89 || i->opcode == 0x8b) && i->mod == 3) {
        int to_rm = i->opcode == 0x89;
        e_load32(e, RAX, REG(to_rm ? i->reg : i->rm));
        e_store32(e, REG(to_rm ? i->rm : i->reg), RAX);
    } else if (i->opcode >= 0xb8 && i->opcode <= 0xbf) {
        e_store32_imm(e, REG(i->opcode & 7), i->imm);
    } else if (i->opcode == 0x90) {
        /* NOP (and PAUSE) */
    } else {
        return TPL_NONE;
    }
    advance_eip(t, i);
    return TPL_DONE;
}

/* INC/DEC keep CF: park it in eflags first, as the interpreter does. When
 * the op before is known, CF is computed here instead of by a call. */
static void park_cf(struct tx *t)
{
    struct emit *e = &t->e;
    switch (t->lf) {
    case LF_INC: case LF_DEC: case LF_NONE:
        return;                                 /* CF is in eflags already */
    case LF_LOGIC:
        e_alu_mi(e, X_AND, OFF(eflags), ~(uint32_t)F_CF);
        return;
    case LF_ADD: case LF_SUB:
        e_load32(e, RAX, OFF(lf_s1));
        e_alu_rm(e, t->lf == LF_ADD ? X_ADD : X_CMP, RAX, OFF(lf_s2));
        e_setcc(e, CC_B, RCX);
        e_movzx8(e, RCX, RCX);
        e_alu_mi(e, X_AND, OFF(eflags), ~(uint32_t)F_CF);
        e_byte(e, 0x09); e_mem(e, RCX, OFF(eflags));     /* or [eflags], ecx */
        return;
    default:
        e_mov64_rr(e, RDI, RBX);
        call_c(t, (const void *)jit_park_cf);
    }
}

static int t_incdec(struct tx *t, const struct insn *i)
{
    if (i->opcode < 0x40 || i->opcode > 0x4f) return TPL_NONE;
    int dec = i->opcode >= 0x48, r = i->opcode & 7;
    struct emit *e = &t->e;
    park_cf(t);
    e_load32(e, RAX, REG(r));
    e_mov_ri(e, RCX, 1);
    e_mov_rr(e, RDX, RAX);
    e_alu_rr(e, dec ? X_SUB : X_ADD, RDX, RCX);
    e_store32(e, REG(r), RDX);
    store_lf(t, dec ? LF_DEC : LF_INC);
    advance_eip(t, i);
    return TPL_DONE;
}

/* SHL/SAL, SHR, SAR r32 by 1 or an immediate: the result and CF, SF, ZF,
 * PF from the host's shift; OF and AF as the interpreter defines them (the
 * host leaves them undefined for counts above 1): SHL the result's sign
 * xor CF, SHR the operand's sign, SAR 0; AF 0. The flags land in eflags
 * itself (LF_NONE), as the interpreter leaves them. */
static int t_shift(struct tx *t, const struct insn *i)
{
    unsigned cnt;
    if (i->opcode == 0xc1) cnt = i->imm & 31;
    else if (i->opcode == 0xd1) cnt = 1;
    else return TPL_NONE;
    int op = i->reg == 6 ? 4 : i->reg;
    if (i->mod != 3 || op < 4) return TPL_NONE;
    struct emit *e = &t->e;
    if (cnt) {
        e_load32(e, RCX, REG(i->rm));
        e_mov_rr(e, RDX, RCX);
        e_shift_ri(e, op, RDX, (uint8_t)cnt);
        e_store32(e, REG(i->rm), RDX);
        e_flags_to_rax(e);
        e_alu_ri(e, X_AND, RAX, F_CF | F_PF | F_ZF | F_SF);
        if (op == 4) {                          /* OF = sign(result) ^ CF */
            e_mov_rr(e, RCX, RDX);
            e_shr_ri(e, RCX, 31);
            e_alu_rr(e, X_XOR, RCX, RAX);
        } else if (op == 5) {                   /* OF = sign(operand) */
            e_shr_ri(e, RCX, 31);
        }
        if (op != 7) {
            e_alu_ri(e, X_AND, RCX, 1);
            e_shl_ri(e, RCX, 11);
            e_alu_rr(e, X_OR, RAX, RCX);
        }
        store_eager_flags(t);
    }
    advance_eip(t, i);
    return TPL_DONE;
}

/* Sets the host flags so that host condition cc means guest condition cc,
 * or calls cond() and returns CC_NE for "true". */
static int host_condition(struct tx *t, int cc)
{
    struct emit *e = &t->e;
    int uses_cf = cc == CC_B || cc == CC_AE || cc == CC_BE || cc == CC_A;
    switch (t->lf) {
    case LF_SUB: case LF_ADD:
        e_load32(e, RAX, OFF(lf_s1));
        e_alu_rm(e, t->lf == LF_ADD ? X_ADD : X_CMP, RAX, OFF(lf_s2));
        return cc;
    case LF_LOGIC:
        e_load32(e, RAX, OFF(lf_res));
        e_test_rr(e, RAX, RAX);
        return cc;
    case LF_INC: case LF_DEC:
        if (uses_cf) break;                     /* CF is the guest's, in eflags */
        e_load32(e, RAX, OFF(lf_s1));
        e_alu_ri(e, t->lf == LF_INC ? X_ADD : X_SUB, RAX, 1);
        return cc;
    case LF_NONE:                               /* the flags themselves: into the host's */
        e_load32(e, RAX, OFF(eflags));
        e_alu_ri(e, X_AND, RAX, F_ARITH);
        e_rax_to_flags(e);
        return cc;
    default:
        break;
    }
    e_mov64_rr(e, RDI, RBX);
    e_mov_ri(e, RSI, (uint32_t)cc);
    call_c(t, (const void *)cond);
    e_test_rr(e, RAX, RAX);
    return CC_NE;
}

/* A taken near jump to EIP + len + disp: checks the CS limit like
 * jump_near; past it, the handler runs and raises the fault itself. */
static void taken(struct tx *t, const struct insn *i)
{
    struct emit *e = &t->e;
    e_load32(e, RAX, OFF(eip));
    e_alu_ri(e, X_ADD, RAX, i->len + i->imm);
    e_alu_rm(e, X_CMP, RAX, CS_LIMIT);
    uint8_t *slow = e_jcc32(e, CC_A);
    e_store32(e, OFF(eip), RAX);
    count_insn(t);
    exit_direct(t, t->phys_end + i->imm);
    e_patch_here(e, slow);
    emit_helper(t, i);
    jump_to_epilogue(t);
}

static int is_jcc(const struct insn *i)
{
    return (i->opcode >= 0x70 && i->opcode <= 0x7f) || (i->opcode >= 0x180 && i->opcode <= 0x18f);
}
static int is_jump(const struct insn *i)
{
    return is_jcc(i) || i->opcode == 0xeb || i->opcode == 0xe9;
}

static int t_jump(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    if (!is_jump(i)) return TPL_NONE;
    if (is_jcc(i)) {
        int hcc = host_condition(t, (int)(oc & 15));
        uint8_t *jt = e_jcc32(&t->e, hcc);
        advance_eip(t, i);
        count_insn(t);
        exit_direct(t, t->phys_end);
        e_patch_here(&t->e, jt);
    }
    taken(t, i);
    return TPL_DONE;
}


/* ---- memory operands ------------------------------------------------------------ */

/* Memory templates run the access inline when segment and soft TLB allow
 * it (the interpreter's lin_read/lin_write fast paths, instruction for
 * instruction); anything else -- a limit, a TLB miss, MMIO, a code page, a
 * page crossing -- jumps to the slow path, which runs the instruction's
 * handler from the start: nothing has been changed by then. */
#define MAX_SLOW 8
struct slow { uint8_t *jumps[MAX_SLOW]; int n; };

static void to_slow(struct tx *t, struct slow *sl, int cc)
{
    uint8_t *j = e_jcc32(&t->e, cc);
    if (sl->n < MAX_SLOW) sl->jumps[sl->n++] = j;
    else t->e.overflow = 1;
}

/* ecx = the 32-bit effective address of i's memory operand. */
static void effective_address(struct tx *t, const struct insn *i)
{
    struct emit *e = &t->e;
    if (i->base >= 0) e_load32(e, RCX, REG(i->base));
    else e_mov_ri(e, RCX, 0);
    if (i->index >= 0) {
        e_load32(e, RAX, REG(i->index));
        if (i->scale) e_shl_ri(e, RAX, i->scale);
        e_alu_rr(e, X_ADD, RCX, RAX);
    }
    if (i->disp) e_alu_ri(e, X_ADD, RCX, i->disp);
}

/* ecx: offset -> linear address (seg_lin's fast case), else slow. */
static void segment(struct tx *t, struct slow *sl, int s, int write, int size)
{
    struct emit *e = &t->e;
    int want = write ? SEG_WR : SEG_RD;
    e_load8z(e, RAX, SEG_FIELD(s, rw));
    e_alu_ri(e, X_AND, RAX, (uint32_t)(SEG_DOWN | want));
    e_alu_ri(e, X_CMP, RAX, (uint32_t)want);
    to_slow(t, sl, CC_NE);
    e_lea_rax_rcx8(e, (int8_t)(size - 1));
    e_load32(e, RDX, SEG_FIELD(s, limit));
    e_cmp64_rax_rdx(e);
    to_slow(t, sl, CC_A);
    e_alu_rm(e, X_ADD, RCX, SEG_FIELD(s, base));
}

/* ecx: linear address -> rax = host addend (the data is at [rax + rcx]),
 * else slow: a miss, an access the tag refuses, or a page crossing -- one
 * compare of the tag with the last byte's page (tlb_hit in paging.h). */
static void tlb(struct tx *t, struct slow *sl, int write, int size)
{
    struct emit *e = &t->e;
    e_mov_rr(e, RAX, RCX);
    e_shr_ri(e, RAX, 12);
    e_alu_ri(e, X_AND, RAX, TLB_SIZE - 1);
    e_shl_ri(e, RAX, TLB_ENTRY_SHIFT);
    e_load8z(e, RDX, OFF(cpl));
    e_alu_ri(e, X_CMP, RDX, 3);
    e_setcc(e, CC_E, RDX);
    e_movzx8(e, RDX, RDX);
    e_shl_ri(e, RDX, TLB_BITS + TLB_ENTRY_SHIFT);   /* user table follows the supervisor's */
    e_alu_rr(e, X_ADD, RAX, RDX);
    e_add64_rm(e, RAX, OFF(tlb));
    e_mov_rr(e, RDX, RCX);
    if (size > 1) e_alu_ri(e, X_ADD, RDX, (uint32_t)size - 1);
    e_alu_ri(e, X_AND, RDX, ~0xfffu);
    e_cmp_rdx_rax8(e, (int8_t)(write ? offsetof(struct tlb_entry, tag_write) : offsetof(struct tlb_entry, tag_read)));
    to_slow(t, sl, CC_NE);
    e_load64_rax_rax8(e, (int8_t)offsetof(struct tlb_entry, addend));
}

/* Ends a template with a slow path: counts the fast path, then the slow
 * path runs the handler; both join after it with the same lazy flags. */
static int finish_slow(struct tx *t, const struct insn *i, struct slow *sl)
{
    struct emit *e = &t->e;
    int lf = t->lf;
    count_insn(t);
    exit_if(t, CC_E);
    uint8_t *done = e_jmp32(e);
    for (int k = 0; k < sl->n; k++)
        e_patch_here(e, sl->jumps[k]);
    emit_helper(t, i);
    e_patch_here(e, done);
    t->lf = lf;
    return TPL_COUNTED;
}

static int mem_ok(const struct insn *i) { return i->mod != 3 && i->asz == 4; }

/* A general register of the operand size: its slot in the CPU state (the
 * low byte or word of the 32-bit one, or AH..BH). */
static int32_t reg_slot(int r, int size) { return size == 1 ? REG(r & 3) + (r >> 2) : REG(r); }

/* MOV r,[m] / MOV [m],r / MOV [m],imm at 8, 16 or 32 bits */
static int t_mov_mem(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    int load = oc == 0x8b || oc == 0x8a, store = oc == 0x89 || oc == 0x88;
    int imm = (oc == 0xc7 || oc == 0xc6) && i->reg == 0;
    if (!(load || store || imm) || !mem_ok(i)) return TPL_NONE;
    int w = i->osz;
    struct slow sl = { .n = 0 };
    effective_address(t, i);
    segment(t, &sl, i->seg, !load, w);
    tlb(t, &sl, !load, w);
    if (load) {
        e_load_hostmem_w(&t->e, w);
        e_store_w(&t->e, w, reg_slot(i->reg, w));
    } else if (store) {
        e_load_w(&t->e, w, reg_slot(i->reg, w));
        e_store_hostmem_w(&t->e, w);
    } else {
        e_store_hostmem_imm_w(&t->e, w, i->imm);
    }
    advance_eip(t, i);
    return finish_slow(t, i, &sl);
}

/* CMOVcc r32,[m]: the source is read whatever the condition (it may fault
 * either way), the condition taken first into esi, which the access keeps. */
static int t_cmov_mem(struct tx *t, const struct insn *i);

/* ALU r32,[m] (not ADC/SBB), CMP [m],r32, CMP [m],imm */
static int t_alu_mem(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    int op, reg_dst = 0;
    if (oc < 0x40 && (oc & 7) == 3) { op = (int)(oc >> 3); reg_dst = 1; }
    else if (oc == 0x39) op = X_CMP;
    else if ((oc == 0x81 || oc == 0x83) && i->reg == X_CMP) op = X_CMP;
    else return TPL_NONE;
    if (!is_alu_native(op) || !mem_ok(i)) return TPL_NONE;
    struct emit *e = &t->e;
    struct slow sl = { .n = 0 };
    effective_address(t, i);
    segment(t, &sl, i->seg, 0, 4);
    tlb(t, &sl, 0, 4);
    e_load32_hostmem(e, RDX);
    if (reg_dst) {
        e_mov_rr(e, RCX, RDX);
        alu32(t, op, i->reg);
    } else {
        e_mov_rr(e, RAX, RDX);
        if (oc == 0x39) e_load32(e, RCX, REG(i->reg));
        else e_mov_ri(e, RCX, i->imm);
        e_alu_rr(e, X_SUB, RDX, RCX);
        store_lf(t, LF_SUB);
    }
    advance_eip(t, i);
    return finish_slow(t, i, &sl);
}

/* PUSH r32 / POP r32 with a 32-bit stack */
static int t_pushpop(struct tx *t, const struct insn *i)
{
    if (i->opcode < 0x50 || i->opcode > 0x5f) return TPL_NONE;
    int push = i->opcode < 0x58, r = i->opcode & 7;
    struct emit *e = &t->e;
    struct slow sl = { .n = 0 };
    e_cmp8_mi(e, OFF(stack32), 0);
    to_slow(t, &sl, CC_E);
    e_load32(e, RCX, REG(R_ESP));
    if (push) e_alu_ri(e, X_SUB, RCX, 4);
    segment(t, &sl, S_SS, push, 4);
    tlb(t, &sl, push, 4);
    if (push) {
        e_load32(e, RDX, REG(r));
        e_store32_hostmem(e, RDX);
        e_alu_mi(e, X_SUB, REG(R_ESP), 4);
    } else {
        e_load32_hostmem(e, RDX);
        e_alu_mi(e, X_ADD, REG(R_ESP), 4);
        e_store32(e, REG(r), RDX);
    }
    advance_eip(t, i);
    return finish_slow(t, i, &sl);
}


/* ---- moves without flags, conditions on data ---------------------------------------- */

/* A byte register's place in the CPU state: AL..BL are the low bytes of
 * EAX..EBX, AH..BH the second bytes (the host is little-endian). */
static int32_t byte_reg(int r) { return REG(r & 3) + (r >> 2); }

/* LEA r32, m (32-bit addressing) */
static int t_lea(struct tx *t, const struct insn *i)
{
    if (i->opcode != 0x8d || !mem_ok(i)) return TPL_NONE;
    effective_address(t, i);
    e_store32(&t->e, REG(i->reg), RCX);
    advance_eip(t, i);
    return TPL_DONE;
}

/* MOVZX/MOVSX r32, r/m8 or r/m16 */
static int t_movx(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    if (oc != 0x1b6 && oc != 0x1b7 && oc != 0x1be && oc != 0x1bf) return TPL_NONE;
    int op = (int)(oc & 0xff), size = (oc & 1) ? 2 : 1;
    struct emit *e = &t->e;
    if (i->mod == 3) {
        e_movx_m(e, op, RDX, size == 1 ? byte_reg(i->rm) : REG(i->rm));
        e_store32(e, REG(i->reg), RDX);
        advance_eip(t, i);
        return TPL_DONE;
    }
    if (i->asz != 4) return TPL_NONE;
    struct slow sl = { .n = 0 };
    effective_address(t, i);
    segment(t, &sl, i->seg, 0, size);
    tlb(t, &sl, 0, size);
    e_movx_hostmem(e, op, RDX);
    e_store32(e, REG(i->reg), RDX);
    advance_eip(t, i);
    return finish_slow(t, i, &sl);
}

/* IMUL r32, r32: CF = OF = the product does not fit; ZF, SF, PF from the
 * low half; AF 0; all in eflags (LF_NONE), as mul_flags leaves them. */
static int t_imul(struct tx *t, const struct insn *i)
{
    if (i->opcode != 0x1af || i->mod != 3) return TPL_NONE;
    struct emit *e = &t->e;
    e_load32(e, RDX, REG(i->reg));
    e_load32(e, RCX, REG(i->rm));
    e_imul_rr(e, RDX, RCX);
    e_store32(e, REG(i->reg), RDX);
    e_setcc(e, CC_B, RCX);
    e_movzx8(e, RCX, RCX);
    e_imul_rri(e, RCX, RCX, F_CF | F_OF);
    e_test_rr(e, RDX, RDX);
    e_flags_to_rax(e);
    e_alu_ri(e, X_AND, RAX, F_ZF | F_SF | F_PF);
    e_alu_rr(e, X_OR, RAX, RCX);
    store_eager_flags(t);
    advance_eip(t, i);
    return TPL_DONE;
}

static int t_cmov_mem(struct tx *t, const struct insn *i)
{
    if (i->opcode < 0x140 || i->opcode > 0x14f || !mem_ok(i)) return TPL_NONE;
    struct emit *e = &t->e;
    int hcc = host_condition(t, (int)(i->opcode & 15));
    e_setcc(e, hcc, RDX);
    e_movzx8(e, RSI, RDX);
    struct slow sl = { .n = 0 };
    effective_address(t, i);
    segment(t, &sl, i->seg, 0, 4);
    tlb(t, &sl, 0, 4);
    e_load32_hostmem(e, RDX);
    e_test_rr(e, RSI, RSI);
    uint8_t *skip = e_jcc32(e, CC_E);
    e_store32(e, REG(i->reg), RDX);
    e_patch_here(e, skip);
    advance_eip(t, i);
    return finish_slow(t, i, &sl);
}

/* SETcc r8 and CMOVcc r32, r32: the condition as Jcc evaluates it. */
static int t_setcmov(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    int set = oc >= 0x190 && oc <= 0x19f, cmov = oc >= 0x140 && oc <= 0x14f;
    if (!(set || cmov) || i->mod != 3 || (cmov && i->osz != 4)) return TPL_NONE;
    struct emit *e = &t->e;
    int hcc = host_condition(t, (int)(oc & 15));
    if (set) {
        e_setcc(e, hcc, RDX);
        e_store8(e, byte_reg(i->rm), RDX);
    } else {
        e_load32(e, RDX, REG(i->rm));
        uint8_t *skip = e_jcc32(e, hcc ^ 1);
        e_store32(e, REG(i->reg), RDX);
        e_patch_here(e, skip);
    }
    advance_eip(t, i);
    return TPL_DONE;
}


/* ---- 8- and 16-bit arithmetic ------------------------------------------------------- */

/* r = the w-byte value at [rbx+slot], zero-extended */
static void load_slot(struct tx *t, int r, int w, int32_t slot)
{
    if (w == 4) e_load32(&t->e, r, slot);
    else e_movx_m(&t->e, w == 1 ? 0xb6 : 0xb7, r, slot);
}

/* dst = dst op ecx at w bytes (ecx zero-extended), lazy flags as alu();
 * TEST is AND without the store. */
static void alu_w(struct tx *t, int op, int test, int w, int32_t dst)
{
    struct emit *e = &t->e;
    load_slot(t, RAX, w, dst);
    e_mov_rr(e, RDX, RAX);
    e_alu_rr(e, op == X_CMP ? X_SUB : op, RDX, RCX);
    if (w < 4) e_alu_ri(e, X_AND, RDX, w == 1 ? 0xffu : 0xffffu);
    if (op != X_CMP && !test) e_store_w(e, w, dst);
    store_lf_w(t, lf_of_alu[op], w);
}

/* ALU Eb,Gb / Gb,Eb / AL,Ib / Eb,Ib and their 16-bit forms on registers;
 * TEST r/m,r and TEST eAX,imm at every size. */
static int t_alu_w(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    int w = i->osz, op, test = 0;
    int32_t dst, src = -1;                  /* src: a register slot, or -1 for the immediate */
    if (oc < 0x40 && (oc & 7) <= 3 && i->mod == 3 && w < 4) {         /* Eb,Gb ... Gv,Ev */
        op = (int)(oc >> 3);
        int to_rm = !(oc & 2);
        dst = reg_slot(to_rm ? i->rm : i->reg, w);
        src = reg_slot(to_rm ? i->reg : i->rm, w);
    } else if (oc < 0x40 && ((oc & 7) == 4 || ((oc & 7) == 5 && w < 4))) {   /* AL,Ib / AX,Iw */
        op = (int)(oc >> 3);
        dst = REG(R_EAX);
    } else if ((oc == 0x80 || ((oc == 0x81 || oc == 0x83) && w < 4)) && i->mod == 3) {
        op = i->reg;
        dst = reg_slot(i->rm, w);
    } else if ((oc == 0x84 || oc == 0x85) && i->mod == 3) {            /* TEST r/m, r */
        op = X_AND; test = 1;
        dst = reg_slot(i->rm, w);
        src = reg_slot(i->reg, w);
    } else if (oc == 0xa8 || oc == 0xa9) {                             /* TEST eAX, imm */
        op = X_AND; test = 1;
        dst = REG(R_EAX);
    } else {
        return TPL_NONE;
    }
    if (!is_alu_native(op)) return TPL_NONE;
    if (src >= 0) load_slot(t, RCX, w, src);
    else e_mov_ri(&t->e, RCX, i->imm & (w == 4 ? 0xffffffffu : w == 2 ? 0xffffu : 0xffu));
    alu_w(t, op, test, w, dst);
    advance_eip(t, i);
    return TPL_DONE;
}

/* ---- near CALL and RET ------------------------------------------------------------- */

/* CALL rel32 with a 32-bit stack: the CS limit check, then the push, as
 * call_rel does; a target on this page chains. */
static int t_call(struct tx *t, const struct insn *i)
{
    if (i->opcode != 0xe8) return TPL_NONE;
    struct emit *e = &t->e;
    struct slow sl = { .n = 0 };
    e_load32(e, RSI, OFF(eip));
    e_alu_ri(e, X_ADD, RSI, i->len + i->imm);
    e_alu_rm(e, X_CMP, RSI, CS_LIMIT);
    to_slow(t, &sl, CC_A);
    e_cmp8_mi(e, OFF(stack32), 0);
    to_slow(t, &sl, CC_E);
    e_load32(e, RCX, REG(R_ESP));
    e_alu_ri(e, X_SUB, RCX, 4);
    segment(t, &sl, S_SS, 1, 4);
    tlb(t, &sl, 1, 4);
    e_load32(e, RDX, OFF(eip));
    e_alu_ri(e, X_ADD, RDX, i->len);
    e_store32_hostmem(e, RDX);
    e_alu_mi(e, X_SUB, REG(R_ESP), 4);
    e_store32(e, OFF(eip), RSI);
    count_insn(t);
    exit_direct(t, t->phys_end + i->imm);
    for (int k = 0; k < sl.n; k++)
        e_patch_here(e, sl.jumps[k]);
    emit_helper(t, i);
    jump_to_epilogue(t);
    return TPL_DONE;
}

/* RET and RET imm16 with a 32-bit stack (near_ret: peek, limit, then ESP) */
static int t_ret(struct tx *t, const struct insn *i)
{
    if (i->opcode != 0xc3 && i->opcode != 0xc2) return TPL_NONE;
    uint32_t extra = i->opcode == 0xc2 ? (i->imm & 0xffff) : 0;
    struct emit *e = &t->e;
    struct slow sl = { .n = 0 };
    e_cmp8_mi(e, OFF(stack32), 0);
    to_slow(t, &sl, CC_E);
    e_load32(e, RCX, REG(R_ESP));
    segment(t, &sl, S_SS, 0, 4);
    tlb(t, &sl, 0, 4);
    e_load32_hostmem(e, RDX);
    e_alu_rm(e, X_CMP, RDX, CS_LIMIT);
    to_slow(t, &sl, CC_A);
    e_alu_mi(e, X_ADD, REG(R_ESP), 4 + extra);
    e_store32(e, OFF(eip), RDX);
    count_insn(t);
    jump_to_epilogue(t);
    for (int k = 0; k < sl.n; k++)
        e_patch_here(e, sl.jumps[k]);
    emit_helper(t, i);
    jump_to_epilogue(t);
    return TPL_DONE;
}


/* ---- ADC and SBB ----------------------------------------------------------------- */

/* esi = the guest's CF: computed here when the op before is known, else
 * by flag_cf(). */
static void cf_to_esi(struct tx *t)
{
    struct emit *e = &t->e;
    switch (t->lf) {
    case LF_LOGIC:
        e_mov_ri(e, RSI, 0);
        return;
    case LF_ADD: case LF_SUB:
        e_load32(e, RAX, OFF(lf_s1));
        e_alu_rm(e, t->lf == LF_ADD ? X_ADD : X_CMP, RAX, OFF(lf_s2));
        e_setcc(e, CC_B, RDX);
        e_movzx8(e, RSI, RDX);
        return;
    case LF_INC: case LF_DEC: case LF_NONE:
        e_load32(e, RSI, OFF(eflags));
        e_alu_ri(e, X_AND, RSI, F_CF);
        return;
    default:
        e_mov64_rr(e, RDI, RBX);
        call_c(t, (const void *)flag_cf);
        e_mov_rr(e, RSI, RAX);
    }
}

/* ADC/SBB r32 with a register or an immediate: as alu() does, the lazy op
 * is ADC/SBB only with a carry-in, else ADD/SUB (lf_op = base + CF). */
static int t_adc(struct tx *t, const struct insn *i)
{
    unsigned oc = i->opcode;
    int op, dst, src = -1;
    if (oc < 0x40 && ((oc >> 3) == X_ADC || (oc >> 3) == X_SBB) && (oc & 7) <= 3 && (oc & 1) && i->mod == 3) {
        op = (int)(oc >> 3);
        int to_rm = !(oc & 2);
        dst = to_rm ? i->rm : i->reg;
        src = to_rm ? i->reg : i->rm;
    } else if (oc < 0x40 && ((oc >> 3) == X_ADC || (oc >> 3) == X_SBB) && (oc & 7) == 5) {
        op = (int)(oc >> 3);
        dst = R_EAX;
    } else if ((oc == 0x81 || oc == 0x83) && (i->reg == X_ADC || i->reg == X_SBB) && i->mod == 3) {
        op = i->reg;
        dst = i->rm;
    } else {
        return TPL_NONE;
    }
    struct emit *e = &t->e;
    cf_to_esi(t);
    e_load32(e, RAX, REG(dst));
    if (src >= 0) e_load32(e, RCX, REG(src));
    else e_mov_ri(e, RCX, i->imm);
    e_mov_rr(e, RDX, RAX);
    if (op == X_ADC) { e_alu_rr(e, X_ADD, RDX, RCX); e_alu_rr(e, X_ADD, RDX, RSI); }
    else { e_alu_rr(e, X_SUB, RDX, RCX); e_alu_rr(e, X_SUB, RDX, RSI); }
    e_store32(e, REG(dst), RDX);
    e_store32(e, OFF(lf_res), RDX);
    e_store32(e, OFF(lf_s1), RAX);
    e_store32(e, OFF(lf_s2), RCX);
    e_alu_ri(e, X_ADD, RSI, (uint32_t)((op == X_ADC ? LF_ADD : LF_SUB) | 4 << 8));
    e_byte(e, 0x66); e_byte(e, 0x89); e_mem(e, RSI, OFF(lf_op));     /* mov [lf_op], si */
    t->lf = LF_UNKNOWN;
    advance_eip(t, i);
    return TPL_DONE;
}

/* Most templates handle 32-bit operands only; these also 8- and 16-bit. */
static const struct { template_fn *fn; int any_size; } templates[] = {
    { t_alu, 0 }, { t_mov, 0 }, { t_incdec, 0 }, { t_jump, 0 }, { t_mov_mem, 1 }, { t_alu_mem, 0 },
    { t_pushpop, 0 }, { t_shift, 0 }, { t_lea, 0 }, { t_movx, 0 }, { t_imul, 0 }, { t_setcmov, 1 },
    { t_cmov_mem, 0 }, { t_alu_w, 1 }, { t_call, 0 }, { t_ret, 0 },
    { t_adc, 0 },
};

/* Templates cover 32-bit operand and address size without LOCK; records
 * whose handler is not the opcode's own (#UD substitutes) never match. */
static int try_native(struct tx *t, const struct insn *i, int code32)
{
    if (!code32 || i->lock || i->exec != i->op->exec)
        return TPL_NONE;
    for (size_t k = 0; k < sizeof templates / sizeof templates[0]; k++) {
        if (i->osz != 4 && !templates[k].any_size)
            continue;
        int rc = templates[k].fn(t, i);
        if (rc != TPL_NONE)
            return rc;
    }
    return TPL_NONE;
}

/* ---- the block ------------------------------------------------------------ */

uint8_t *jit_x86_64_translate(struct emit *e, const struct block *b, unsigned gen, uint8_t **chain_entry)
{
    struct tx t = { .e = *e, .b = b, .gen = gen, .phys_end = b->phys, .nchains = 0,
                    .lf = LF_UNKNOWN, .njumps = 0 };
    uint8_t *start = t.e.p;
    /* three pushes keep the stack 16-byte aligned for the calls */
    e_push(&t.e, RBX);
    e_push(&t.e, R12);
    e_push(&t.e, R13);
    e_mov64_rr(&t.e, RBX, RDI);
    e_load32(&t.e, R12, OFF(budget));
    e_mov_rr(&t.e, R13, R12);
    *chain_entry = t.e.p;       /* chained blocks arrive here, registers set */
    int ended = 0;
    for (unsigned k = 0; k < b->n && !ended; k++) {
        const struct insn *i = &b->insn[k];
        t.phys_end += i->len;
        int rc = try_native(&t, i, b->code32);
        if (rc == TPL_NONE) {
            emit_helper(&t, i);
        } else if (is_jump(i) || i->opcode == 0xe8 || i->opcode == 0xc3 || i->opcode == 0xc2) {
            ended = 1;                  /* the template left the block */
        } else if (rc == TPL_DONE) {
            count_insn(&t);
            exit_if(&t, CC_E);
        }
    }
    for (int k = 0; k < t.njumps; k++)
        e_patch_here(&t.e, t.epilogue_jumps[k]);
    sync_counts(&t);
    e_pop(&t.e, R13);
    e_pop(&t.e, R12);
    e_pop(&t.e, RBX);
    e_ret(&t.e);
    /* the chain slots: 8 bytes each, aligned, empty until the dispatcher fills them */
    while ((uintptr_t)t.e.p & 7)
        e_byte(&t.e, 0xcc);
    for (int k = 0; k < t.nchains; k++) {
        e_patch_rip(&t.e, t.chain_refs[k][0], t.e.p);
        e_patch_rip(&t.e, t.chain_refs[k][1], t.e.p);
        e_u64(&t.e, 0);
    }
    *e = t.e;
    return start;
}
