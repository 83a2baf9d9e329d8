/* The x86-64 backend: a block's micro-ops (ir.h) -> host code.
 *
 * Register convention, the same in every block so chained blocks pass
 * state in registers:
 *   rbp        struct cpu *
 *   rax rcx rdx rbx rsi rdi r12 r13   guest EAX ECX EDX EBX ESI EDI ESP EBP
 *              (so guest AL..BH, EDX:EAX and CL are the host's own)
 *   r14        V_T0;  r10: V_T1 (free between two address checks)
 *   r8         the linear address of the access; r11 its host base (TLB addend)
 *   r9         scratch
 *   r15        guest arithmetic flags when held there, in EFLAGS bit positions
 * The guest's arithmetic flags are the host's own after a native
 * arithmetic instruction (x86 on x86: same definitions, same bits), kept
 * there while nothing clobbers them, saved to r15 (LAHF and SETO: PUSHF
 * costs ten times more) before something does while they are live, and
 * written to the CPU state only at block exits and helper calls. In r15
 * they keep LAHF's layout: bits 8-15 SF ZF - AF - PF - CF, bit 0 OF. Guest registers live in host registers
 * across chained blocks and are stored at every exit to C.
 *
 * EIP in the CPU state holds the block's start (plus eip_off, a
 * translate-time offset) while the block runs, and is set exactly before
 * a helper call and at every exit. The budget is charged for the whole
 * block at entry (a block runs only when the budget covers it; else it
 * exits at once and the interpreter runs what fits) and given back at a
 * helper call, which sees the exact budget and instruction count the
 * interpreter's loop would. */
#include "backend.h"
#include "ir.h"
#include "x64.h"
#include "../cpu/exec.h"
#include "../cpu/block.h"

#define OFF(f) ((int32_t)offsetof(struct cpu, f))
#define CPU(f) M(RBP, OFF(f))
#define SEGF(s, f) M(RBP, (int32_t)(offsetof(struct cpu, seg) + (s) * sizeof(struct seg) + offsetof(struct seg, f)))
#define BLK(f) ((int32_t)offsetof(struct block, f))
#define TLB_ENTRY_SHIFT 5
_Static_assert(sizeof(struct tlb_entry) == 1u << TLB_ENTRY_SHIFT, "TLB entries are 32 bytes");
_Static_assert(offsetof(struct cpu, nmi_pending) == offsetof(struct cpu, intr_line) + 1,
               "one 16-bit compare sees INTR and NMI");

static const int hreg[8] = { RAX, RCX, RDX, RBX, R12, R13, RSI, RDI };
enum { T0 = R14, T1 = R10, LIN = R8, HOST = R11, SCR = R9, FLG = R15 };

/* An EFLAGS arithmetic mask in r15's layout */
static uint32_t RF(uint32_t f) { return ((f & 0xff) << 8) | ((f & F_OF) ? 1 : 0); }

/* r15 = the host's flags (LAHF's byte; guest EAX is in rax, so AH is borrowed) */
static void e_save_host_flags(struct emit *e)
{
    e_mov_rr(e, 8, FLG, RAX);
    e_byte(e, 0x9f);                                /* lahf */
    e_xchg_rr(e, 8, FLG, RAX);
    e_setcc(e, CC_O, FLG);
}
/* dst = r15's flags in EFLAGS layout (arithmetic bits only) */
static void e_eflags_from_r15(struct emit *e, int dst, int tmp)
{
    e_mov_rr(e, 4, dst, FLG);
    e_shift_ri(e, 4, X_SHR, dst, 8);
    e_alu_ri(e, 4, X_AND, dst, F_ARITH & 0xff);
    e_mov_rr(e, 4, tmp, FLG);
    e_alu_ri(e, 4, X_AND, tmp, 1);
    e_shift_ri(e, 4, X_SHL, tmp, 11);
    e_alu_rr(e, 4, X_OR, dst, tmp);
}
/* r15 = the flags in the CPU state's eflags (which must not be lazy) */
static void e_r15_from_eflags(struct emit *e, int tmp)
{
    e_load(e, 4, tmp, CPU(eflags));
    e_movx_rr(e, 0xb6, FLG, tmp);
    e_shift_ri(e, 4, X_SHL, FLG, 8);
    e_shift_ri(e, 4, X_SHR, tmp, 11);
    e_alu_ri(e, 4, X_AND, tmp, 1);
    e_alu_rr(e, 4, X_OR, FLG, tmp);
}
/* eflags = r15's flags, lf_op = LF_NONE */
static void e_r15_to_eflags(struct emit *e)
{
    e_eflags_from_r15(e, SCR, R10);
    e_load(e, 4, R10, CPU(eflags));
    e_alu_ri(e, 4, X_AND, R10, ~(uint32_t)F_ARITH);
    e_alu_rr(e, 4, X_OR, R10, SCR);
    e_store(e, 4, CPU(eflags), R10);
    e_store_imm(e, 1, CPU(lf_op), LF_NONE);
}

/* Where the guest's arithmetic flags are (a set: any valid copy serves). */
enum { FS_HOST = 1, FS_R15 = 2, FS_MEM = 4 };   /* none: only the CPU state, possibly lazy */

#define MAX_STUBS 64
struct stub {                       /* an instruction's slow path: its handler */
    int k;                          /* instruction */
    uint8_t *jumps[6];
    int njumps;
    int fs_before, eip_before;
    uint8_t *join;                  /* where the fast path continues; NULL: it left the block */
    int fs_join, af_join;
};

#define MAX_EXITS 4
struct bk {
    struct emit e;
    const struct ir *ir;
    const struct jit_env *env;
    int fs, af_bad;                 /* af_bad: host AF is from a logic op (the guest's AF is 0) */
    int eip_off;
    int k;                          /* current instruction */
    struct stub stubs[MAX_STUBS];
    int nstubs;
    struct stub *cur;               /* the current instruction's stub, if any */
    uint8_t *slot_refs[MAX_EXITS][2];   /* rip-relative uses of each chain slot */
    int nslot_refs[MAX_EXITS];
    int nslots;
    uint8_t *entry;                 /* the block's own entry: a loop to it needs no slot */
};

static int code16(const struct bk *b) { return !(b->ir->mode & JIT_MODE_CODE32); }
static int flat(const struct bk *b) { return (b->ir->mode & JIT_MODE_FLAT) != 0; }
static uint32_t end_off(const struct bk *b, int k) { return b->ir->insn_off[k + 1]; }

/* The host register of operand v at size (AH..BH are encodings 4-7 at size 1). */
static int R(int v, int size)
{
    if (v == V_T0) return T0;
    if (v == V_T1) return T1;
    return size == 1 ? v : hreg[v & 7];
}

static void call_abs(struct emit *e, const void *fn)
{
    uint64_t a;
    memcpy(&a, &fn, sizeof a);
    e_mov64_ri(e, R9, a);
    e_call_r(e, R9);
}
static void jmp_abs(struct emit *e, const uint8_t *target) { e_jmp_to(e, target); }
static void jcc_abs(struct emit *e, int cc, const uint8_t *target) { e_jcc_to(e, cc, target); }

/* ---- flags ---- */

/* r15 = the flags, from wherever they are. */
static void flags_to_r15(struct bk *b)
{
    struct emit *e = &b->e;
    if (b->fs & FS_R15) return;
    if (b->fs & FS_HOST) {
        e_save_host_flags(e);
        if (b->af_bad) e_alu_ri(e, 4, X_AND, FLG, ~RF(F_AF));
        b->fs |= FS_R15;
        return;
    }
    if (!(b->fs & FS_MEM)) {                        /* lazy in the CPU state */
        e_byte(e, 0xe8); e_u32(e, 0);
        e_patch(e, e->p, b->env->materialise);
        b->fs |= FS_MEM;
    }
    e_r15_from_eflags(e, SCR);
    b->fs |= FS_R15;
}

/* The CPU state's eflags = the flags (lf_op LF_NONE). */
static void flags_to_mem(struct bk *b)
{
    struct emit *e = &b->e;
    if (!b->fs || (b->fs & FS_MEM)) return;
    flags_to_r15(b);
    e_byte(e, 0xe8); e_u32(e, 0);                   /* the shared e_r15_to_eflags */
    e_patch(e, e->p, b->env->r15_to_mem);
    b->fs |= FS_MEM;
}

/* The host flags = the flags. */
static void flags_to_host(struct bk *b)
{
    if (b->fs & FS_HOST) return;
    flags_to_r15(b);
    e_eflags_from_r15(&b->e, SCR, R10);
    e_push(&b->e, SCR);
    e_popfq(&b->e);
    b->fs |= FS_HOST;
    b->af_bad = 0;
}

/* Before host code that clobbers the host flags: keep the guest's if live. */
static void clobber(struct bk *b, uint16_t live)
{
    if (b->fs == FS_HOST && live) flags_to_r15(b);
    b->fs &= ~FS_HOST;
}

/* Host condition code that is true when guest condition cc is, from r15. */
static int cond_from_r15(struct bk *b, int cc)
{
    struct emit *e = &b->e;
    int neg = cc & 1;
    switch (cc >> 1) {
    case 0: e_test_ri(e, 4, FLG, RF(F_OF)); break;
    case 1: e_test_ri(e, 4, FLG, RF(F_CF)); break;
    case 2: e_test_ri(e, 4, FLG, RF(F_ZF)); break;
    case 3: e_test_ri(e, 4, FLG, RF(F_CF | F_ZF)); break;
    case 4: e_test_ri(e, 4, FLG, RF(F_SF)); break;
    case 5: e_test_ri(e, 4, FLG, RF(F_PF)); break;
    default:                                        /* L/GE: SF != OF; LE/G: ZF or SF != OF */
        e_mov_rr(e, 4, SCR, FLG);
        e_shift_ri(e, 4, X_SHR, SCR, 15);           /* SF (bit 15) to bit 0, beside OF */
        e_alu_rr(e, 4, X_XOR, SCR, FLG);
        e_alu_ri(e, 4, X_AND, SCR, 1);
        if ((cc >> 1) == 7) {
            e_mov_rr(e, 4, R10, FLG);               /* r10 (V_T1) is never live at a condition */
            e_alu_ri(e, 4, X_AND, R10, RF(F_ZF));
            e_alu_rr(e, 4, X_OR, SCR, R10);
        }
        break;
    }
    return neg ? CC_E : CC_NE;
}

/* A host condition code for guest cc, evaluating it from r15 if needed. */
static int condition(struct bk *b, int cc)
{
    if (b->fs & FS_HOST) return cc;
    flags_to_r15(b);
    b->fs &= ~FS_HOST;
    return cond_from_r15(b, cc);
}

/* host CF = guest CF (the rest of the host flags unspecified) */
static void carry_to_host(struct bk *b)
{
    if (b->fs & FS_HOST) return;
    flags_to_r15(b);
    e_bt_ri(&b->e, FLG, 8);
}

/* ---- guest state in registers ---- */

static void store_regs(struct emit *e)
{
    for (int r = 0; r < 8; r++) e_store(e, 4, M(RBP, OFF(reg) + 4 * r), hreg[r]);
}
static void load_regs(struct emit *e)
{
    for (int r = 0; r < 8; r++) e_load(e, 4, hreg[r], M(RBP, OFF(reg) + 4 * r));
}

/* c->eip += delta (16-bit code wraps at 64 KiB as next() does) */
static void add_eip(struct bk *b, int32_t delta)
{
    if (!delta) return;
    if (code16(b)) e_alu_mi(&b->e, 2, X_ADD, CPU(eip), (uint32_t)delta & 0xffff);
    else e_alu_mi(&b->e, 4, X_ADD, CPU(eip), (uint32_t)delta);
}

/* Leaves the block after a helper, the interpreter running the rest of it
 * from instruction k (the guest registers are in the CPU state). */
static void resume_in_interp(struct bk *b, int k)
{
    e_store_imm(&b->e, 4, CPU(resume_insn), (uint32_t)k);
    jmp_abs(&b->e, b->env->exit_mem);
}

/* Calls instruction k's handler through one of the shared trampolines
 * (handler_trampoline), counting the call by mnemonic when asked to. */
static void call_handler(struct bk *b, int k, const uint8_t *trampoline)
{
    struct emit *e = &b->e;
    const struct insn *i = &b->ir->b->insn[k];
    if (b->env->helper_counter) {               /* -d jit: calls by mnemonic */
        e_mov64_ri(e, R9, (uint64_t)(uintptr_t)b->env->helper_counter(b->env->opaque, i));
        e_alu_mi(e, 8, X_ADD, M(R9, 0), 1);
    }
    e_mov64_ri(e, R9, (uint64_t)(uintptr_t)i);
    e_mov_ri(e, 4, R10, b->ir->insn_off[k] - (uint32_t)b->eip_off);
    e_mov_ri(e, 4, R11, (uint32_t)(b->ir->n_insns - k));
    e_byte(e, 0xe8); e_u32(e, 0);
    e_patch(e, e->p, trampoline);
}

/* Runs instruction k's handler as the interpreter's loop would, with the
 * flags already in the CPU state; afterwards the flags are there (maybe
 * lazy) and EIP is the handler's. Returns with the guest registers
 * reloaded, or leaves the block as the loop would. */
static void helper_call(struct bk *b, int k)
{
    struct emit *e = &b->e;
    int n = b->ir->n_insns;
    call_handler(b, k, code16(b) ? b->env->helper16 : b->env->helper32);
    b->fs = 0;
    b->eip_off = (int)b->ir->insn_off[k + 1];
    if (k + 1 >= n) return;
    int rest = n - k - 1;
    e_alu_mi(e, 1, X_CMP, CPU(stop_block), 0);
    jcc_abs(e, CC_NE, b->env->exit_mem);
    /* a budget that ends inside the block: the interpreter runs what fits
     * of the rest, with no return to the loop (which would serve interrupts) */
    e_alu_ri(e, 4, X_CMP, SCR, (uint32_t)rest);
    uint8_t *enough = e_jcc32(e, CC_GE);
    resume_in_interp(b, k + 1);
    e_patch_here(e, enough);
    e_alu_mi(e, 4, X_SUB, CPU(budget), (uint32_t)rest);
    e_alu_mi(e, 8, X_ADD, CPU(icount), (uint32_t)rest);
}

/* ---- slow paths ---- */

/* The current instruction's slow path, created at its first check. */
static void to_stub(struct bk *b, int cc)
{
    if (!b->cur) {
        if (b->nstubs == MAX_STUBS) { b->e.bad = 1; return; }
        b->cur = &b->stubs[b->nstubs++];
        *b->cur = (struct stub){ .k = b->k, .fs_before = b->fs & ~FS_HOST, .eip_before = b->eip_off };
    }
    struct stub *s = b->cur;
    if (s->njumps == (int)(sizeof s->jumps / sizeof s->jumps[0])) { b->e.bad = 1; return; }
    s->jumps[s->njumps++] = e_jcc32(&b->e, cc);
}

static void emit_stub(struct bk *b, struct stub *s)
{
    struct emit *e = &b->e;
    for (int j = 0; j < s->njumps; j++) e_patch_here(e, s->jumps[j]);
    b->fs = s->fs_before;
    b->eip_off = s->eip_before;
    flags_to_mem(b);
    helper_call(b, s->k);
    if (!s->join) {
        jmp_abs(e, b->env->exit_mem);
        return;
    }
    /* back to the fast path's state at the join */
    add_eip(b, s->eip_before - b->eip_off);
    if (s->fs_join & FS_HOST) { b->af_bad = 0; flags_to_host(b); }
    else if (s->fs_join & FS_R15) flags_to_r15(b);
    else if (s->fs_join & FS_MEM) { flags_to_r15(b); }
    jmp_abs(e, s->join);
}

/* ---- memory operands ---- */

/* r8 = the effective address of the instruction's memory operand */
static void effective_address(struct bk *b, const struct insn *i, int dst)
{
    struct emit *e = &b->e;
    int base = i->base >= 0 ? hreg[i->base] : NOREG, index = i->index >= 0 ? hreg[i->index] : NOREG;
    if (base == NOREG && index == NOREG) e_mov_ri(e, 4, dst, i->disp);
    else e_lea(e, 4, dst, MX(base, index, index == NOREG ? 0 : i->scale, (int32_t)i->disp));
    if (i->asz == 2) e_movx_rr(e, 0xb7, dst, dst);
}

/* r8: offset -> linear address in segment s (seg_lin's fast case), else the slow path */
static void segment(struct bk *b, int s, int size, int write)
{
    struct emit *e = &b->e;
    if (flat(b) && (s == S_DS || s == S_ES || s == S_SS)) return;
    int want = write ? SEG_WR : SEG_RD;
    e_movx_rm(e, 0xb6, SCR, SEGF(s, rw));
    e_alu_ri(e, 4, X_AND, SCR, (uint32_t)(SEG_DOWN | want));
    e_alu_ri(e, 4, X_CMP, SCR, (uint32_t)want);
    to_stub(b, CC_NE);
    e_lea(e, 8, SCR, M(LIN, size - 1));
    e_load(e, 4, R10, SEGF(s, limit));
    e_alu_rr(e, 8, X_CMP, SCR, R10);
    to_stub(b, CC_A);
    e_alu_rm(e, 4, X_ADD, LIN, SEGF(s, base));
}

/* r8 (linear) -> r11 = host addend: the access is [r11 + r8]. One compare
 * covers hit, access kind and page crossing: the slot indexed by the first
 * byte's page must hold the last byte's page. */
static void tlb_probe(struct bk *b, int size, int write)
{
    struct emit *e = &b->e;
    int user = (b->ir->mode & JIT_MODE_USER) != 0;
    e_mov_rr(e, 4, SCR, LIN);
    e_shift_ri(e, 4, X_SHR, SCR, 12 - TLB_ENTRY_SHIFT);
    e_alu_ri(e, 4, X_AND, SCR, (TLB_SIZE - 1) << TLB_ENTRY_SHIFT);
    e_lea(e, 4, R10, M(LIN, size - 1));
    e_alu_ri(e, 4, X_AND, R10, ~0xfffu);
    e_mov64_ri(e, HOST, (uint64_t)(uintptr_t)&b->env->tlb->e[user][0]);
    e_alu_rm(e, 4, X_CMP, R10, MX(HOST, SCR, 0, write ? (int32_t)offsetof(struct tlb_entry, tag_write)
                                                      : (int32_t)offsetof(struct tlb_entry, tag_read)));
    to_stub(b, CC_NE);
    e_load(e, 8, HOST, MX(HOST, SCR, 0, (int32_t)offsetof(struct tlb_entry, addend)));
}

static struct mem ACCESS(void) { return MX(HOST, LIN, 0, 0); }

static void u_addr(struct bk *b, const struct uop *u)
{
    const struct insn *i = &b->ir->b->insn[u->insn];
    int write = (u->flags & U_WRITE) != 0;
    effective_address(b, i, LIN);
    segment(b, i->seg, u->size, write);
    tlb_probe(b, u->size, write);
}

static void u_addr_sp(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    e_lea(e, 4, LIN, M(hreg[(u->flags & U_FROM_BP) ? R_EBP : R_ESP], (int32_t)u->imm));
    if (!(b->ir->mode & JIT_MODE_STACK32)) e_movx_rr(e, 0xb7, LIN, LIN);
    segment(b, S_SS, u->size, (u->flags & U_WRITE) != 0);
    tlb_probe(b, u->size, (u->flags & U_WRITE) != 0);
}

static void u_load(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    if (u->sub) {                                   /* MOVZX/MOVSX from memory */
        if (u->imm == 4) { e_movx_rm(e, u->sub, R(u->d, 4), ACCESS()); return; }
        e_movx_rm(e, u->sub, SCR, ACCESS());
        e_mov_rr(e, 2, R(u->d, 2), SCR);
        return;
    }
    if (u->d >= 8 && u->size < 4) e_movx_rm(e, u->size == 1 ? 0xb6 : 0xb7, R(u->d, 4), ACCESS());
    else e_load(e, u->size, R(u->d, u->size), ACCESS());
}

static void u_store(struct bk *b, const struct uop *u)
{
    if (u->a == V_IMM) e_store_imm(&b->e, u->size, ACCESS(), u->imm);
    else e_store(&b->e, u->size, ACCESS(), R(u->a, u->size));
}

/* ---- register operations ---- */

static void u_mov(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    if (u->a == V_IMM) { e_mov_ri(e, u->size == 1 ? 1 : u->size, R(u->d, u->size), u->imm); return; }
    if (u->d == u->a && u->size == 4) return;
    e_mov_rr(e, u->size, R(u->d, u->size), R(u->a, u->size));
}

static void u_movx(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    if (!u->sub) { e_mov_rr(e, 4, R(u->d, 4), R(u->a, 4)); return; }
    int from = (u->sub & 1) ? 2 : 1;
    if (u->size == 4) { e_movx_rr(e, u->sub, R(u->d, 4), R(u->a, from)); return; }
    e_movx_rr(e, u->sub, SCR, R(u->a, from));
    e_mov_rr(e, 2, R(u->d, 2), SCR);
}

static void u_alu(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int op = u->sub;
    if (op == X_ADC || op == X_SBB) carry_to_host(b);
    else clobber(b, u->fl_write ? 0 : u->live);
    int d = R(u->d, u->size);
    if (op == U_TEST) {
        if (u->a == V_IMM) e_test_ri(e, u->size, d, u->imm);
        else e_test_rr(e, u->size, d, R(u->a, u->size));
    } else if (u->a == V_IMM) {
        e_alu_ri(e, u->size, op, d, u->imm);
    } else {
        e_alu_rr(e, u->size, op, d, R(u->a, u->size));
    }
    if (u->fl_write) {
        b->fs = FS_HOST;
        b->af_bad = op == X_OR || op == X_AND || op == X_XOR || op == U_TEST;
    }
}

static void u_incdec(struct bk *b, const struct uop *u)
{
    if (u->live & F_CF) carry_to_host(b);
    e_incdec_r(&b->e, u->size, u->sub, R(u->d, u->size));
    b->fs = FS_HOST;
    b->af_bad = 0;
}

static void u_neg(struct bk *b, const struct uop *u)
{
    e_grp3_r(&b->e, u->size, 3, R(u->d, u->size));
    b->fs = FS_HOST;
    b->af_bad = 0;
}

/* host shift or rotate of d by the micro-op's count (CL or an immediate) */
static void shift_op(struct emit *e, const struct uop *u, int d)
{
    if (u->a == R_ECX) {
        e_pfx(e, u->size, 0, 0, d, u->size == 1 ? 2 : 0);
        e_byte(e, u->size == 1 ? 0xd2 : 0xd3);
        e_modrm_rr(e, u->sub, d);
    } else {
        e_shift_ri(e, u->size, u->sub, d, (uint8_t)u->imm);
    }
}

/* r9 = bit (8 * size - 1 - below) of reg, in bit 0 */
static void msb_to(struct emit *e, int dst, int reg, int size, int below)
{
    e_mov_rr(e, 4, dst, reg);
    e_shift_ri(e, 4, X_SHR, dst, (uint8_t)(8 * size - 1 - below));
    e_alu_ri(e, 4, X_AND, dst, 1);
}

/* Shifts and rotates with the interpreter's flags: SHL/SHR/SAR set CF, SF,
 * ZF, PF as the host does, AF 0, OF = sign of the result xor CF (SHL), the
 * operand's sign (SHR), 0 (SAR); ROL/ROR set CF as the host and OF = the
 * result's sign xor CF (ROL) or xor the next bit (ROR), keeping the other
 * flags. A CL count of 0 changes nothing. */
static void u_shift(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int d = R(u->d, u->size), op = u->sub, sz = u->size;
    int rotate = op == X_ROL || op == X_ROR;
    int dynamic = u->a == R_ECX;
    if (!dynamic && !rotate && !(u->live & F_ARITH)) {
        clobber(b, 0);
        shift_op(e, u, d);
        b->fs = FS_HOST;                            /* (dead) */
        b->af_bad = 0;
        return;
    }
    /* the flags a zero count or a rotate keeps */
    if (dynamic || rotate) flags_to_r15(b);
    clobber(b, 0);
    uint8_t *skip = NULL;
    if (dynamic) {
        e_test_ri(e, 1, RCX, 31);
        skip = e_jcc32(e, CC_E);
    }
    if (op == X_SHR) e_mov_rr(e, 4, R10, d);       /* the operand's sign, for OF */
    shift_op(e, u, d);
    if (rotate) {
        e_setcc(e, CC_B, SCR);
        e_movx_rr(e, 0xb6, SCR, SCR);
        e_alu_ri(e, 4, X_AND, FLG, ~RF(F_CF | F_OF));
        e_mov_rr(e, 4, R10, SCR);
        e_shift_ri(e, 4, X_SHL, R10, 8);
        e_alu_rr(e, 4, X_OR, FLG, R10);             /* CF */
        if (op == X_ROL) msb_to(e, R10, d, sz, 0);
        else { msb_to(e, R10, d, sz, 1); e_mov_rr(e, 4, SCR, R10); msb_to(e, R10, d, sz, 0); }
        e_alu_rr(e, 4, X_XOR, SCR, R10);
        e_alu_rr(e, 4, X_OR, FLG, SCR);             /* OF */
    } else {
        e_save_host_flags(e);
        e_alu_ri(e, 4, X_AND, FLG, RF(F_CF | F_PF | F_ZF | F_SF));
        if (op == X_SHL) {
            msb_to(e, SCR, d, sz, 0);
            e_mov_rr(e, 4, R10, FLG);
            e_shift_ri(e, 4, X_SHR, R10, 8);
            e_alu_rr(e, 4, X_XOR, SCR, R10);
            e_alu_ri(e, 4, X_AND, SCR, 1);
            e_alu_rr(e, 4, X_OR, FLG, SCR);
        } else if (op == X_SHR) {
            msb_to(e, SCR, R10, sz, 0);
            e_alu_rr(e, 4, X_OR, FLG, SCR);
        }
    }
    if (skip) e_patch_here(e, skip);
    b->fs = FS_R15;
    b->af_bad = 0;
}

/* After a host MUL/IMUL: r15 = CF = OF = the host's CF (the product needs
 * the high half), ZF SF PF from the low half in `low`, AF 0 (mul_flags). */
static void mul_flags(struct bk *b, int size, int low)
{
    struct emit *e = &b->e;
    e_setcc(e, CC_B, SCR);
    e_movx_rr(e, 0xb6, SCR, SCR);
    e_test_rr(e, size, low, low);
    e_save_host_flags(e);
    e_alu_ri(e, 4, X_AND, FLG, RF(F_ZF | F_SF | F_PF));
    e_alu_rr(e, 4, X_OR, FLG, SCR);                 /* OF */
    e_shift_ri(e, 4, X_SHL, SCR, 8);
    e_alu_rr(e, 4, X_OR, FLG, SCR);                 /* CF */
    b->fs = FS_R15;
}

/* IMUL r, r/m: CF = OF = the product does not fit; ZF, SF, PF from the low
 * half; AF 0 (the interpreter's mul_flags). */
static void u_imul(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int d = R(u->d, u->size);
    clobber(b, 0);
    e_imul_rr(e, u->size, d, R(u->a, u->size));
    if (!(u->live & F_ARITH)) { b->fs = FS_HOST; b->af_bad = 0; return; }
    mul_flags(b, u->size, d);
}

static void u_lea(struct bk *b, const struct uop *u)
{
    const struct insn *i = &b->ir->b->insn[u->insn];
    if (u->size == 4 && i->asz == 4) { effective_address(b, i, R(u->d, 4)); return; }
    effective_address(b, i, SCR);
    e_mov_rr(&b->e, u->size, R(u->d, u->size), SCR);
}

static void u_setcc(struct bk *b, const struct uop *u)
{
    int hcc = condition(b, u->cc);
    e_setcc(&b->e, hcc, R(u->d, 1));
}

static void u_cmov(struct bk *b, const struct uop *u)
{
    int hcc = condition(b, u->cc);
    e_cmov_rr(&b->e, u->size, hcc, R(u->d, u->size), R(u->a, u->size));
}

static void u_cdq(struct bk *b, const struct uop *u)
{
    if (u->size == 2) e_byte(&b->e, 0x66);
    e_byte(&b->e, u->sub ? 0x99 : 0x98);
}

static void u_flagop(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    if (u->sub >= 3) {                              /* CLD/STD: DF is not an arithmetic flag */
        clobber(b, u->live);
        if (u->sub == 3) e_alu_mi(e, 4, X_AND, CPU(eflags), ~(uint32_t)F_DF);
        else e_alu_mi(e, 4, X_OR, CPU(eflags), F_DF);
        return;
    }
    if (b->fs & FS_HOST) {
        e_byte(e, u->sub == 0 ? 0xf8 : u->sub == 1 ? 0xf9 : 0xf5);
        b->fs = FS_HOST;
        return;
    }
    flags_to_r15(b);
    if (u->sub == 0) e_alu_ri(e, 4, X_AND, FLG, ~RF(F_CF));
    else if (u->sub == 1) e_alu_ri(e, 4, X_OR, FLG, RF(F_CF));
    else e_alu_ri(e, 4, X_XOR, FLG, RF(F_CF));
    b->fs = FS_R15;
}

/* ---- control transfers ---- */

/* scr = EIP + delta (the translate-time offset of a target) */
static void eip_plus(struct bk *b, int reg, int32_t delta)
{
    e_load(&b->e, 4, reg, CPU(eip));
    e_lea(&b->e, 4, reg, M(reg, delta));
    if (code16(b)) e_movx_rr(&b->e, 0xb7, reg, reg);
}

static void u_limit(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    if (flat(b)) return;                            /* CS limit 4 GiB: nothing is beyond it */
    int reg = T0;
    if (u->flags & 1) {
        eip_plus(b, SCR, (int32_t)(end_off(b, u->insn) + u->imm) - b->eip_off);
        if (u->size == 2) e_movx_rr(e, 0xb7, SCR, SCR);
        reg = SCR;
    } else {
        reg = R(u->a, 4);
    }
    e_alu_rm(e, 4, X_CMP, reg, SEGF(S_CS, limit));
    to_stub(b, CC_A);
}

static void u_push_ret(struct bk *b, const struct uop *u)
{
    eip_plus(b, R(u->d, 4), (int32_t)end_off(b, u->insn) - b->eip_off);
}

/* CF = the bit, as the interpreter's bt_apply (the other flags kept) */
static void u_bt(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    static const uint8_t op_r[4] = { 0xa3, 0xab, 0xb3, 0xbb };
    int d = R(u->d, u->size);
    flags_to_r15(b);
    clobber(b, 0);
    if (u->a == V_IMM) {
        e_pfx(e, u->size, 0, 0, d, 0);
        e_byte(e, 0x0f); e_byte(e, 0xba); e_modrm_rr(e, 4 + u->sub, d); e_byte(e, (uint8_t)u->imm);
    } else {
        int a = R(u->a, u->size);
        e_pfx(e, u->size, a, 0, d, 0);
        e_byte(e, 0x0f); e_byte(e, op_r[u->sub]); e_modrm_rr(e, a, d);
    }
    e_setcc(e, CC_B, SCR);
    e_movx_rr(e, 0xb6, SCR, SCR);
    e_shift_ri(e, 4, X_SHL, SCR, 8);
    e_alu_ri(e, 4, X_AND, FLG, ~RF(F_CF));
    e_alu_rr(e, 4, X_OR, FLG, SCR);
    b->fs = FS_R15;
}

/* MUL/IMUL: CF = OF = the high half is needed, ZF SF PF from the low half,
 * AF 0 (mul_flags). DIV: a zero divisor or a quotient that does not fit
 * (the high half at least the divisor) takes the slow path, whose handler
 * raises #DE; the flags stay as they were. */
static void u_muldiv(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int a = R(u->a, u->size), sz = u->size;
    if (u->sub == 6) {
        e_test_rr(e, sz, a, a);
        to_stub(b, CC_E);
        e_alu_rr(e, sz, X_CMP, RDX, a);
        to_stub(b, CC_AE);
        e_grp3_r(e, sz, 6, a);
        return;                                     /* (flags: clobber() saved them if live) */
    }
    clobber(b, 0);
    e_grp3_r(e, sz, u->sub, a);
    if (!(u->live & F_ARITH)) { b->fs = FS_HOST; b->af_bad = 0; return; }
    mul_flags(b, sz, RAX);
}

/* SHLD/SHRD (32 bits, count 1..31): result, CF, SF, ZF, PF from the host;
 * AF 0 and OF = the sign changed, as the interpreter's shxd defines them
 * for every count. A CL count of 0 changes nothing. */
static void u_shxd(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int d = R(u->d, 4), a = R(u->a, 4);
    uint8_t *skip = NULL;
    if (u->cc) flags_to_r15(b);                     /* kept by a zero count */
    clobber(b, 0);
    if (u->cc) {
        e_test_ri(e, 1, RCX, 31);
        skip = e_jcc32(e, CC_E);
    }
    e_mov_rr(e, 4, R10, d);                         /* the old sign, for OF */
    e_pfx(e, 4, a, 0, d, 0);
    e_byte(e, 0x0f); e_byte(e, (uint8_t)((u->sub ? 0xa4 : 0xac) + u->cc)); e_modrm_rr(e, a, d);
    if (!u->cc) e_byte(e, (uint8_t)u->imm);
    e_save_host_flags(e);
    e_alu_ri(e, 4, X_AND, FLG, RF(F_CF | F_PF | F_ZF | F_SF));
    e_alu_rr(e, 4, X_XOR, R10, d);
    e_shift_ri(e, 4, X_SHR, R10, 31);
    e_alu_rr(e, 4, X_OR, FLG, R10);                 /* OF */
    if (skip) e_patch_here(e, skip);
    b->fs = FS_R15;
    b->af_bad = 0;
}

/* BSF/BSR as bitscan() in ops_alu.c: a zero source sets ZF alone and keeps
 * the destination; else the index, with PF from it and the rest 0. */
static void u_bitscan(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int d = R(u->d, u->size), a = R(u->a, u->size);
    clobber(b, 0);
    e_test_rr(e, u->size, a, a);
    uint8_t *zero = e_jcc32(e, CC_E);
    e_pfx(e, u->size, d, 0, a, 0);
    e_byte(e, 0x0f); e_byte(e, u->sub ? 0xbd : 0xbc); e_modrm_rr(e, d, a);
    e_test_ri(e, 4, d, 0xff);                       /* PF of the index (below 32) */
    e_save_host_flags(e);
    e_alu_ri(e, 4, X_AND, FLG, RF(F_PF));
    uint8_t *done = e_jmp32(e);
    e_patch_here(e, zero);
    e_mov_ri(e, 4, FLG, RF(F_ZF));
    e_patch_here(e, done);
    b->fs = FS_R15;
    b->af_bad = 0;
}

/* (E)SP = (E)BP + imm at the stack's size (set_sp) */
static void u_spset(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int sp = hreg[R_ESP], bp = hreg[R_EBP];
    if (b->ir->mode & JIT_MODE_STACK32) { e_lea(e, 4, sp, M(bp, (int32_t)u->imm)); return; }
    e_lea(e, 4, SCR, M(bp, (int32_t)u->imm));
    e_mov_rr(e, 2, sp, SCR);
}

static void u_spadj(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int sp = hreg[R_ESP];
    if (b->ir->mode & JIT_MODE_STACK32) { e_lea(e, 4, sp, M(sp, (int32_t)u->imm)); return; }
    e_lea(e, 4, SCR, M(sp, (int32_t)u->imm));
    e_mov_rr(e, 2, sp, SCR);
}

/* Leaves unless the TLB maps the code page of linear address r8 to the
 * physical page of the block in r9: what a fetch there would run now
 * (r8, r10, r11 clobbered). A flush or another address space just misses. */
static void mapped_to_block(struct bk *b)
{
    struct emit *e = &b->e;
    int user = (b->ir->mode & JIT_MODE_USER) != 0;
    e_mov_rr(e, 4, R10, R8);
    e_shift_ri(e, 4, X_SHR, R10, 12 - TLB_ENTRY_SHIFT);
    e_alu_ri(e, 4, X_AND, R10, (TLB_SIZE - 1) << TLB_ENTRY_SHIFT);
    e_alu_ri(e, 4, X_AND, R8, ~0xfffu);
    e_mov64_ri(e, R11, (uint64_t)(uintptr_t)&b->env->tlb->e[user][0]);
    e_alu_rm(e, 4, X_CMP, R8, MX(R11, R10, 0, (int32_t)offsetof(struct tlb_entry, tag_fetch)));
    jcc_abs(e, CC_NE, b->env->exit_r15);
    e_load(e, 4, R10, MX(R11, R10, 0, (int32_t)offsetof(struct tlb_entry, ppage)));
    e_alu_rm(e, 4, X_XOR, R10, M(SCR, BLK(phys)));
    e_alu_ri(e, 4, X_AND, R10, ~0xfffu);
    jcc_abs(e, CC_NE, b->env->exit_r15);
}

static void slot_ref(struct bk *b, int s, uint8_t *ref)
{
    if (b->nslot_refs[s] < 2) b->slot_refs[s][b->nslot_refs[s]++] = ref;
    else b->e.bad = 1;
}

/* Leaves the block for EIP = block start + target: straight into the next
 * block's code when the slot for this exit holds it (the dispatcher fills
 * the slot the first time), else through the dispatcher. Flags in r15. */
static void exit_direct(struct bk *b, int32_t target)
{
    struct emit *e = &b->e;
    const struct block *blk = b->ir->b;
    flags_to_r15(b);
    add_eip(b, target - b->eip_off);
    uint32_t tphys = blk->phys + (uint32_t)target;
    int same_page = blk->phys_page2 == ~0u && ((tphys ^ blk->phys) & ~0xfffu) == 0;
    if (target == 0) {                              /* a loop back to this block's start */
        e_alu_mi(e, 2, X_CMP, CPU(intr_line), 0);
        jcc_abs(e, CC_NE, b->env->exit_r15);
        e_alu_mi(e, 8, X_ADD, CPU(engine_counts), 1);
        jmp_abs(e, b->entry);
        return;
    }
    if (b->nslots == MAX_EXITS || (!same_page && !flat(b))) {
        jmp_abs(e, b->env->exit_r15);
        return;
    }
    e_alu_mi(e, 2, X_CMP, CPU(intr_line), 0);      /* INTR or NMI pending: to the loop */
    jcc_abs(e, CC_NE, b->env->exit_r15);
    if (same_page) {
        /* a jump the dispatcher points at the next block's entry (which
         * checks the block is alive) the first time this exit is taken */
        e_alu_mi(e, 8, X_ADD, CPU(engine_counts), 1);              /* chained exits */
        uint8_t *site = e_jmp32(e);
        e_patch_here(e, site);
        e_patch(e, e_lea_rip(e, SCR), site);
        e_pfx(e, 8, 0, 0, SCR, 0); e_byte(e, 0x0f); e_byte(e, 0xba);  /* bts r9, 63: a site, not a slot */
        e_modrm_rr(e, 5, SCR); e_byte(e, 63);
        jmp_abs(e, b->env->fill_exit);
        return;
    }
    int s = b->nslots++;
    b->nslot_refs[s] = 0;
    slot_ref(b, s, e_load_rip(e, SCR));
    e_test_rr(e, 8, SCR, SCR);
    uint8_t *fill = e_jcc32(e, CC_E);
    e_alu_mi(e, 4, X_CMP, M(SCR, BLK(native_key)), b->env->key);
    jcc_abs(e, CC_NE, b->env->exit_r15);
    e_alu_mi(e, 1, X_CMP, M(SCR, BLK(dead)), 0);
    jcc_abs(e, CC_NE, b->env->exit_r15);
    if (!same_page) {                               /* flat: the linear EIP is the address */
        e_load(e, 4, R8, CPU(eip));
        mapped_to_block(b);
    }
    e_store(e, 8, CPU(cur_block), SCR);
    e_alu_mi(e, 8, X_ADD, CPU(engine_counts), 1);                  /* chained exits */
    e_jmp_m(e, M(SCR, BLK(native_chain)));
    e_patch_here(e, fill);
    slot_ref(b, s, e_lea_rip(e, SCR));
    jmp_abs(e, b->env->fill_exit);
}

static void u_jcc(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int32_t taken = (int32_t)(end_off(b, u->insn) + u->imm), fall = (int32_t)end_off(b, u->insn);
    int hcc = condition(b, u->cc);
    uint8_t *jt = e_jcc32(e, hcc);
    int fs = b->fs, af = b->af_bad, eo = b->eip_off;
    exit_direct(b, fall);
    e_patch_here(e, jt);
    b->fs = fs; b->af_bad = af; b->eip_off = eo;
    flags_to_r15(b);
    if (!flat(b)) {
        struct uop lim = *u;
        lim.flags = 1;
        u_limit(b, &lim);
    }
    exit_direct(b, taken);
}

static void u_jmp(struct bk *b, const struct uop *u)
{
    int32_t target = (int32_t)(end_off(b, u->insn) + u->imm);
    flags_to_r15(b);
    if (!flat(b) && !(u->flags & 2)) {                /* 2: CALL checked it before its push */
        struct uop lim = *u;
        lim.flags = 1;
        u_limit(b, &lim);
    }
    exit_direct(b, target);
}

/* EIP = T0, then the jump cache: a hit for this linear EIP whose code is of
 * this generation and mode, and whose page the TLB still maps to the
 * block's, is entered directly. */
static void u_jmpind(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    (void)u;
    flags_to_r15(b);
    e_store(e, 4, CPU(eip), T0);
    e_alu_mi(e, 2, X_CMP, CPU(intr_line), 0);
    jcc_abs(e, CC_NE, b->env->exit_r15);
    e_mov_rr(e, 4, R8, T0);
    if (!flat(b)) e_alu_rm(e, 4, X_ADD, R8, SEGF(S_CS, base));
    e_mov_rr(e, 4, SCR, R8);
    e_shift_ri(e, 4, X_SHR, SCR, JC_SHIFT);
    e_alu_rr(e, 4, X_XOR, SCR, R8);
    e_alu_ri(e, 4, X_AND, SCR, JC_SIZE - 1);
    e_shift_ri(e, 4, X_SHL, SCR, 4);
    e_mov64_ri(e, HOST, (uint64_t)(uintptr_t)b->env->jc);
    e_alu_rm(e, 4, X_CMP, R8, MX(HOST, SCR, 0, 0));
    jcc_abs(e, CC_NE, b->env->exit_r15);
    e_load(e, 8, SCR, MX(HOST, SCR, 0, 8));
    e_alu_mi(e, 4, X_CMP, M(SCR, BLK(native_key)), b->env->key);
    jcc_abs(e, CC_NE, b->env->exit_r15);
    e_alu_mi(e, 1, X_CMP, M(SCR, BLK(dead)), 0);
    jcc_abs(e, CC_NE, b->env->exit_r15);
    mapped_to_block(b);
    e_store(e, 8, CPU(cur_block), SCR);
    e_alu_mi(e, 8, X_ADD, M(RBP, OFF(engine_counts) + 8), 1);     /* jump cache exits */
    e_jmp_m(e, M(SCR, BLK(native_chain)));
}

/* A light helper (U_LIGHT): the guest registers are stored (a fault and
 * the handler's address computation read them), the budget stays charged
 * (cpu_run gives back jit_uncharged if the handler faults), and only the
 * host registers a C call clobbers are reloaded. */
static void light_call(struct bk *b, const struct uop *u)
{
    struct emit *e = &b->e;
    int k = u->insn, n = b->ir->n_insns;
    flags_to_mem(b);
    call_handler(b, k, code16(b) ? b->env->light16 : b->env->light32);
    b->fs &= ~FS_HOST;
    b->eip_off = (int)b->ir->insn_off[k + 1];
    if (k + 1 >= n) return;
    /* it wrote into code: leave, giving back what the rest was charged */
    e_alu_mi(e, 1, X_CMP, CPU(stop_block), 0);
    uint8_t *go_on = e_jcc32(e, CC_E);
    e_alu_mi(e, 4, X_ADD, CPU(budget), (uint32_t)(n - k - 1));
    e_alu_mi(e, 8, X_SUB, CPU(icount), (uint32_t)(n - k - 1));
    jmp_abs(e, b->env->exit_mem);
    e_patch_here(e, go_on);
}

static void u_helper(struct bk *b, const struct uop *u)
{
    if ((u->flags & U_LIGHT) && !u->sub) { light_call(b, u); return; }
    flags_to_mem(b);
    helper_call(b, u->insn);
    if (!u->sub) return;
    /* what the translation assumed may have changed (a segment, the mode) */
    if (u->insn + 1 < (int)b->ir->b->n) resume_in_interp(b, u->insn + 1);
    else jmp_abs(&b->e, b->env->exit_mem);
}

/* ---- shared code ---- */

/* Called with r9 = the instruction, r10 = its EIP offset from EIP now, r11 =
 * the instructions charged for but not run (this one included): runs its
 * handler as the interpreter's loop would and returns with the guest
 * registers reloaded and r9 = the budget left. The light form (x87) leaves
 * the budget charged, records r11 in jit_uncharged for a fault to give
 * back, and reloads only the registers a C call clobbers. w: the code
 * size (EIP wraps at 64 KiB in 16-bit code). */
static void handler_trampoline(struct emit *e, int w, int light)
{
    static const int clobbered[5] = { R_EAX, R_ECX, R_EDX, R_ESI, R_EDI };
    store_regs(e);
    e_alu_mr(e, w, X_ADD, CPU(eip), R10);
    e_load(e, 4, RAX, CPU(eip));
    e_store(e, 4, CPU(insn_eip), RAX);
    e_store(e, 4, CPU(insn_esp), hreg[R_ESP]);
    if (light) {
        e_store(e, 4, CPU(jit_uncharged), R11);
    } else {
        e_alu_mr(e, 4, X_ADD, CPU(budget), R11);
        e_alu_mr(e, 8, X_SUB, CPU(icount), R11);
    }
    e_mov_rr(e, 8, RDI, RBP);
    e_mov_rr(e, 8, RSI, R9);
    e_alu_ri(e, 8, X_SUB, RSP, 8);
    e_pfx(e, 4, 0, 0, R9, 0); e_byte(e, 0xff);     /* call [r9 + exec] */
    e_modrm_m(e, 2, M(R9, (int32_t)offsetof(struct insn, exec)));
    e_alu_ri(e, 8, X_ADD, RSP, 8);
    if (light) {
        e_store_imm(e, 4, CPU(jit_uncharged), 0);
        for (int r = 0; r < 5; r++) e_load(e, 4, hreg[clobbered[r]], M(RBP, OFF(reg) + 4 * clobbered[r]));
    } else {
        load_regs(e);
        e_load(e, 4, SCR, CPU(budget));
        e_alu_ri(e, 4, X_SUB, SCR, 1);
        e_store(e, 4, CPU(budget), SCR);
        e_alu_mi(e, 8, X_ADD, CPU(icount), 1);
    }
    e_ret(e);
}

void jit_backend_trampolines(struct emit *e, struct jit_trampolines *t)
{
    static const int saved[6] = { RBX, RBP, R12, R13, R14, R15 };
    t->enter = e->p;                                /* enter(cpu, code) */
    for (int k = 0; k < 6; k++) e_push(e, saved[k]);
    e_alu_ri(e, 8, X_SUB, RSP, 8);                  /* calls from blocks see a 16-byte aligned stack */
    e_mov_rr(e, 8, RBP, RDI);
    e_mov_rr(e, 8, R8, RSI);
    load_regs(e);
    e_r15_from_eflags(e, SCR);                      /* the dispatcher materialised them */
    e_jmp_r(e, R8);

    t->exit_r15 = e->p;                             /* flags in r15 into eflags, then as exit_mem */
    e_r15_to_eflags(e);
    t->exit_mem = e->p;
    store_regs(e);
    e_alu_ri(e, 8, X_ADD, RSP, 8);
    for (int k = 5; k >= 0; k--) e_pop(e, saved[k]);
    e_ret(e);

    for (int w = 4; w >= 2; w -= 2) {
        const uint8_t **full = w == 4 ? &t->helper32 : &t->helper16;
        const uint8_t **light = w == 4 ? &t->light32 : &t->light16;
        *full = e->p;
        handler_trampoline(e, w, 0);
        *light = e->p;
        handler_trampoline(e, w, 1);
    }

    t->r15_to_mem = e->p;                           /* called: eflags = r15 (r9, r10 clobbered) */
    e_r15_to_eflags(e);
    e_ret(e);

    t->fill_exit = e->p;                            /* r9 = a chain slot to fill: ask the dispatcher, leave */
    e_store(e, 8, CPU(chain_slot), SCR);
    e_load(e, 4, R10, CPU(eip));
    e_store(e, 4, CPU(chain_eip), R10);
    e_jmp_to(e, t->exit_r15);

    t->materialise = e->p;                          /* called: keeps every register but the host flags */
    static const int volatile_regs[9] = { RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11 };
    for (int k = 0; k < 9; k++) e_push(e, volatile_regs[k]);
    e_mov_rr(e, 8, RDI, RBP);
    call_abs(e, (const void *)flags_materialise);
    for (int k = 8; k >= 0; k--) e_pop(e, volatile_regs[k]);
    e_ret(e);
}

/* ---- the block ---- */

static int can_fault(const struct uop *u)
{
    return u->kind == U_ADDR || u->kind == U_ADDR_SP || u->kind == U_LIMIT || (u->kind == U_MULDIV && u->sub == 6);
}

static void one(struct bk *b, const struct uop *u)
{
    if (can_fault(u)) clobber(b, F_ARITH);
    switch (u->kind) {
    case U_MOV: u_mov(b, u); break;
    case U_MOVX: u_movx(b, u); break;
    case U_ALU: u_alu(b, u); break;
    case U_INCDEC: u_incdec(b, u); break;
    case U_NEG: u_neg(b, u); break;
    case U_NOT: e_grp3_r(&b->e, u->size, 2, R(u->d, u->size)); break;
    case U_SHIFT: u_shift(b, u); break;
    case U_IMUL: u_imul(b, u); break;
    case U_LEA: u_lea(b, u); break;
    case U_ADDR: u_addr(b, u); break;
    case U_ADDR_SP: u_addr_sp(b, u); break;
    case U_LOAD: u_load(b, u); break;
    case U_STORE: u_store(b, u); break;
    case U_SPADJ: u_spadj(b, u); break;
    case U_SETCC: u_setcc(b, u); break;
    case U_CMOV: u_cmov(b, u); break;
    case U_CDQ: u_cdq(b, u); break;
    case U_XCHG: e_xchg_rr(&b->e, u->size, R(u->d, u->size), R(u->a, u->size)); break;
    case U_FLAGOP: u_flagop(b, u); break;
    case U_HELPER: u_helper(b, u); break;
    case U_LIMIT: u_limit(b, u); break;
    case U_JCC: u_jcc(b, u); break;
    case U_JMP: u_jmp(b, u); break;
    case U_JMPIND: u_jmpind(b, u); break;
    case U_EXIT: exit_direct(b, (int32_t)end_off(b, u->insn)); break;
    case U_PUSH_RET: u_push_ret(b, u); break;
    case U_BT: u_bt(b, u); break;
    case U_SPSET: u_spset(b, u); break;
    case U_MULDIV: u_muldiv(b, u); break;
    case U_SHXD: u_shxd(b, u); break;
    case U_BITSCAN: u_bitscan(b, u); break;
    case U_BSWAP:                                   /* (no flags) */
        e_pfx(&b->e, 4, 0, 0, R(u->d, 4), 0);
        e_byte(&b->e, 0x0f); e_byte(&b->e, (uint8_t)(0xc8 + (R(u->d, 4) & 7)));
        break;
    default: b->e.bad = 1; break;
    }
}

/* The end of an instruction: its slow path (if it has one) joins here. */
static void end_insn(struct bk *b, int leaves)
{
    if (!b->cur) return;
    b->cur->join = leaves ? NULL : b->e.p;
    b->cur->fs_join = b->fs;
    b->cur->af_join = b->af_bad;
    b->cur = NULL;
}

uint8_t *jit_backend_translate(struct emit *e, const struct ir *ir, const struct jit_env *env)
{
    struct bk b = { .e = *e, .ir = ir, .env = env, .fs = FS_R15, .k = 0 };
    uint8_t *entry = b.e.p;
    int n = ir->n_insns;
    /* entered by jumps patched in other blocks: only while alive */
    e_mov64_ri(&b.e, SCR, (uint64_t)(uintptr_t)ir->b);
    e_alu_mi(&b.e, 1, X_CMP, M(SCR, BLK(dead)), 0);
    jcc_abs(&b.e, CC_NE, env->exit_r15);
    e_store(&b.e, 8, CPU(cur_block), SCR);
    b.entry = b.e.p;
    /* the whole block is charged at entry; without the budget for it, leave */
    e_alu_mi(&b.e, 4, X_SUB, CPU(budget), (uint32_t)n);
    uint8_t *short_budget = e_jcc32(&b.e, CC_L);
    e_alu_mi(&b.e, 8, X_ADD, CPU(icount), (uint32_t)n);
    for (int j = 0; j < ir->n; j++) {
        const struct uop *u = &ir->u[j];
        if (u->insn != b.k) { end_insn(&b, 0); b.k = u->insn; }
        one(&b, u);
        if (u->kind >= U_JCC && u->kind <= U_EXIT) break;
        if (u->kind == U_HELPER && u->sub) break;
    }
    end_insn(&b, 1);
    e_patch_here(&b.e, short_budget);
    e_alu_mi(&b.e, 4, X_ADD, CPU(budget), (uint32_t)n);
    jmp_abs(&b.e, env->exit_r15);
    for (int s = 0; s < b.nstubs; s++) emit_stub(&b, &b.stubs[s]);
    /* chain slots: the next block's pointer, 8 bytes each */
    while ((uintptr_t)b.e.p & 7) e_byte(&b.e, 0xcc);
    for (int s = 0; s < b.nslots; s++) {
        for (int r = 0; r < b.nslot_refs[s]; r++)
            e_patch(&b.e, b.slot_refs[s][r], b.e.p);
        e_u64(&b.e, 0);
    }
    *e = b.e;
    return entry;
}
