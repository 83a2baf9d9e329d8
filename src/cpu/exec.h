/* What instruction handlers in src/cpu share: faults, register and memory
 * operand access, lazy flags, mode bookkeeping. Internal to src/cpu. */
#ifndef RELIC_EXEC_H
#define RELIC_EXEC_H
#include "cpu.h"
#include "decode.h"
#include "../mmu/endian.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- faults: unwind to the main loop, which restores the instruction's
 * starting EIP/ESP and delivers the exception ---- */
_Noreturn void cpu_fault(struct cpu *c, int vec, uint32_t err);   /* with error code */
_Noreturn void cpu_fault0(struct cpu *c, int vec);                /* without */
_Noreturn void cpu_ud(struct cpu *c);
#define GP0(c) cpu_fault((c), EX_GP, 0)

/* ---- registers ---- */
static inline uint32_t reg_get(const struct cpu *c, int r, int size)
{
    if (size == 4) return c->reg[r];
    if (size == 2) return c->reg[r] & 0xffff;
    return r < 4 ? c->reg[r] & 0xff : (c->reg[r - 4] >> 8) & 0xff;
}
static inline void reg_set(struct cpu *c, int r, int size, uint32_t v)
{
    if (size == 4) c->reg[r] = v;
    else if (size == 2) c->reg[r] = (c->reg[r] & 0xffff0000u) | (v & 0xffff);
    else if (r < 4) c->reg[r] = (c->reg[r] & 0xffffff00u) | (v & 0xff);
    else c->reg[r - 4] = (c->reg[r - 4] & 0xffff00ffu) | (v & 0xff) << 8;
}
static inline uint32_t size_mask(int size) { return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1; }
static inline uint32_t sign_bit(int size) { return 1u << (8 * size - 1); }
static inline uint32_t sext(uint32_t v, int size)
{
    return size == 1 ? (uint32_t)(int32_t)(int8_t)v : size == 2 ? (uint32_t)(int32_t)(int16_t)v : v;
}

/* ---- memory ---- */
enum { ACC_READ = 0, ACC_WRITE = 1, ACC_FETCH = 2, ACC_SYS = 4 /* implicit supervisor access */ };

uint32_t lin_read_slow(struct cpu *c, uint32_t lin, int size, int acc);
void lin_write_slow(struct cpu *c, uint32_t lin, uint32_t v, int size, int acc);
/* Makes sure a write of `size` bytes at lin would not fault (RMW, multi-part writes). */
void lin_probe_write(struct cpu *c, uint32_t lin, int size, int acc);
/* Translates for the given access, faulting as the access would. Returns the physical address. */
uint32_t lin_translate(struct cpu *c, uint32_t lin, int acc);

static inline int tlb_user(const struct cpu *c) { return c->cpl == 3; }

static inline uint32_t lin_read(struct cpu *c, uint32_t lin, int size)
{
    struct tlb_entry *e = &c->tlb->e[tlb_user(c)][(lin >> 12) & (TLB_SIZE - 1)];
    if (LIKELY(tlb_hit(e->tag_read, lin, size))) {
        const uint8_t *p = (const uint8_t *)(e->addend + lin);
        return size == 1 ? *p : size == 2 ? ld16le(p) : ld32le(p);
    }
    return lin_read_slow(c, lin, size, ACC_READ);
}
static inline void lin_write(struct cpu *c, uint32_t lin, uint32_t v, int size)
{
    struct tlb_entry *e = &c->tlb->e[tlb_user(c)][(lin >> 12) & (TLB_SIZE - 1)];
    if (LIKELY(tlb_hit(e->tag_write, lin, size))) {
        uint8_t *p = (uint8_t *)(e->addend + lin);
        if (size == 1) *p = (uint8_t)v; else if (size == 2) st16le(p, (uint16_t)v); else st32le(p, v);
        return;
    }
    lin_write_slow(c, lin, v, size, ACC_WRITE);
}
/* Implicit supervisor accesses (descriptor tables, TSS, IDT). */
static inline uint32_t sys_read(struct cpu *c, uint32_t lin, int size) { return lin_read_slow(c, lin, size, ACC_READ | ACC_SYS); }
static inline void sys_write(struct cpu *c, uint32_t lin, uint32_t v, int size) { lin_write_slow(c, lin, v, size, ACC_WRITE | ACC_SYS); }

/* Segment checks: return the linear address of seg:off for an access of
 * `size` bytes, or fault (#GP(0), or #SS(0) for SS). */
uint32_t seg_check_slow(struct cpu *c, int s, uint32_t off, int size, int write);
static inline uint32_t seg_lin(struct cpu *c, int s, uint32_t off, int size, int write)
{
    const struct seg *sg = &c->seg[s];
    /* fast case: expand-up, access type allowed, within the limit */
    if (LIKELY((sg->rw & (SEG_DOWN | (write ? SEG_WR : SEG_RD))) == (write ? SEG_WR : SEG_RD)
               && (uint64_t)off + (uint64_t)(size - 1) <= sg->limit))
        return sg->base + off;
    return seg_check_slow(c, s, off, size, write);
}

static inline uint32_t mem_read(struct cpu *c, int s, uint32_t off, int size)
{
    return lin_read(c, seg_lin(c, s, off, size, 0), size);
}
static inline void mem_write(struct cpu *c, int s, uint32_t off, uint32_t v, int size)
{
    lin_write(c, seg_lin(c, s, off, size, 1), v, size);
}
/* Read with write intent: faults now if the later write would. */
static inline uint32_t mem_read_rmw(struct cpu *c, int s, uint32_t off, int size)
{
    uint32_t lin = seg_lin(c, s, off, size, 1);
    struct tlb_entry *e = &c->tlb->e[tlb_user(c)][(lin >> 12) & (TLB_SIZE - 1)];
    if (!tlb_hit(e->tag_write, lin, size))
        lin_probe_write(c, lin, size, ACC_WRITE);
    return lin_read(c, lin, size);
}

/* ---- ModRM operands ---- */
static inline uint32_t insn_ea(const struct cpu *c, const struct insn *i)
{
    uint32_t a = i->disp;
    if (i->base >= 0) a += c->reg[i->base];
    if (i->index >= 0) a += c->reg[i->index] << i->scale;
    return i->asz == 2 ? a & 0xffff : a;
}
static inline uint32_t rm_read(struct cpu *c, const struct insn *i, int size)
{
    if (i->mod == 3) return reg_get(c, i->rm, size);
    return mem_read(c, i->seg, insn_ea(c, i), size);
}
static inline uint32_t rm_read_rmw(struct cpu *c, const struct insn *i, int size)
{
    if (i->mod == 3) return reg_get(c, i->rm, size);
    return mem_read_rmw(c, i->seg, insn_ea(c, i), size);
}
static inline void rm_write(struct cpu *c, const struct insn *i, int size, uint32_t v)
{
    if (i->mod == 3) reg_set(c, i->rm, size, v);
    else mem_write(c, i->seg, insn_ea(c, i), v, size);
}

/* ---- stack ---- */
static inline uint32_t sp_mask(const struct cpu *c) { return c->stack32 ? 0xffffffffu : 0xffff; }
void push(struct cpu *c, uint32_t v, int size);
uint32_t pop(struct cpu *c, int size);
/* Reads the value `n` bytes above the top of stack without popping. */
uint32_t stack_peek(struct cpu *c, uint32_t n, int size);
static inline void set_sp(struct cpu *c, uint32_t v)
{
    if (c->stack32) c->reg[R_ESP] = v;
    else c->reg[R_ESP] = (c->reg[R_ESP] & 0xffff0000u) | (v & 0xffff);
}

/* ---- flags (flags.c) ---- */
static inline void lf_set(struct cpu *c, int op, int size, uint32_t res, uint32_t s1, uint32_t s2)
{
    c->lf_op = (uint8_t)op; c->lf_size = (uint8_t)size;
    c->lf_res = res; c->lf_s1 = s1; c->lf_s2 = s2;
}
/* Folds lazy flags into eflags and marks them materialised. */
void flags_materialise(struct cpu *c);
/* Sets the arithmetic flags in `mask` to the values in `val`, eagerly. */
static inline void flags_set_arith(struct cpu *c, uint32_t mask, uint32_t val)
{
    if (c->lf_op != LF_NONE) flags_materialise(c);
    c->eflags = (c->eflags & ~mask) | (val & mask);
}
int flag_cf(struct cpu *c);
int flag_zf(struct cpu *c);
int flag_sf(struct cpu *c);
int flag_of(struct cpu *c);
int flag_pf(struct cpu *c);
int flag_af(struct cpu *c);
/* Condition code 0..15 as in Jcc/SETcc/CMOVcc. */
int cond(struct cpu *c, int cc);

/* ---- engines (cpu.c) ---- */
struct block;
/* Runs up to b->n instructions of b one record at a time: the reference
 * engine, and the translator's fallback. */
void cpu_interp_block(struct cpu *c, struct block *b);
/* The same from instruction `first` on: the rest of a block a translation
 * left (its interrupts are still served only at the block's end). */
void cpu_interp_block_from(struct cpu *c, struct block *b, unsigned first);
/* Nonzero when instructions must run one at a time: single-step, RF, an
 * interrupt shadow, or armed debug breakpoints. */
int cpu_step_mode(const struct cpu *c);
extern const uint8_t parity_table[256];   /* 1 where the byte has even parity */
/* Writes EFLAGS respecting the mode's writable-bit rules is the job of
 * the instruction (POPF/IRET); this stores bits as given. */
void set_eflags(struct cpu *c, uint32_t v);

/* ---- mode bookkeeping (cpu.c) ---- */
/* Recomputes cpl/pmode/v86/code32/stack32 after a change to CR0, EFLAGS.VM or CS/SS. */
void cpu_update_mode(struct cpu *c);
void cpu_tlb_flush(struct cpu *c, int keep_global);

/* ---- segments (seg.c) ---- */
/* Loads a segment register as MOV/POP/LDS would, with all protected-mode checks. */
void seg_load(struct cpu *c, int s, uint16_t sel);
/* Loads without checks: real mode and v86 semantics (base = sel << 4). */
void seg_load_real(struct cpu *c, int s, uint16_t sel);
/* Reads the 8-byte descriptor for sel from the GDT/LDT; faults with `vec`(sel) if out of limits. */
int desc_read(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi, int vec);
void seg_from_desc(struct seg *s, uint16_t sel, uint32_t lo, uint32_t hi);

/* ---- interrupts (intr.c) ---- */
/* Delivers an interrupt or exception now. is_sw: INT n / INT3 / INTO (privilege checked against the gate DPL). */
void cpu_interrupt(struct cpu *c, int vec, int is_sw, int has_err, uint32_t err, uint32_t next_eip);
/* The protected-mode and v86 far transfers. */
void far_jump(struct cpu *c, uint16_t sel, uint32_t off, int osz, uint32_t next_eip);
void far_call(struct cpu *c, uint16_t sel, uint32_t off, int osz, uint32_t next_eip);
void far_ret(struct cpu *c, int osz, uint16_t imm);
/* next_eip: the instruction after IRET, saved in the old TSS on a task return (NT). */
void iret(struct cpu *c, int osz, uint32_t next_eip);
/* Hardware task switch to the TSS named by sel (reason: jump, call/int, iret). */
enum { TS_JMP, TS_CALL, TS_IRET, TS_INT };
void task_switch(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, int reason, int has_err, uint32_t err, uint32_t next_eip);
/* IOPL/TSS I/O permission check for IN/OUT/INS/OUTS; faults #GP(0) if denied. */
void io_check(struct cpu *c, uint16_t port, int size);

/* ---- debug registers (debug.c) ---- */
/* Step mode, before an instruction: instruction breakpoints (#DB fault), then RF is cleared. */
void cpu_debug_check(struct cpu *c);
/* Step mode, after an instruction: data/I/O breakpoint and single-step traps; tf = TF at its start. */
void cpu_debug_after(struct cpu *c, int tf);
/* Nonzero while a data breakpoint is armed: the TLB then keeps no fast read/write tags. */
int debug_data_armed(const struct cpu *c);
/* Memory slow path: records data breakpoint hits for a read or write. */
void debug_data(struct cpu *c, uint32_t lin, int size, int write);
#endif
