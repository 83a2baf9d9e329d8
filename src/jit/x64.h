/* A small x86-64 assembler for the x86-64 backend: register-register,
 * register-immediate and [base + index*scale + disp] forms with any
 * registers, at 8, 16, 32 or 64 bits. Emission never overruns: past the end
 * it only counts, and the caller sees overflow and retries in a fresh
 * buffer. The host is little-endian x86-64 wherever this is included. */
#ifndef RELIC_JIT_X64_H
#define RELIC_JIT_X64_H
#include <stdint.h>
#include <stddef.h>
#include <string.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define NOREG (-1)

/* ALU operations in their x86 /digit order (also the guest's 00-3F rows). */
enum { X_ADD, X_OR, X_ADC, X_SBB, X_AND, X_SUB, X_XOR, X_CMP };
/* Shift group /digit. */
enum { X_ROL, X_ROR, X_RCL, X_RCR, X_SHL, X_SHR, X_SAL, X_SAR };
/* Condition codes in x86 encoding order. */
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };

struct emit {
    uint8_t *p, *end;
    int overflow;
    int bad;                    /* an operand combination x86-64 cannot encode */
};

/* A memory operand: [base + index << scale + disp]; base or index NOREG. */
struct mem { int base, index, scale; int32_t disp; };
static inline struct mem M(int base, int32_t disp) { return (struct mem){ base, NOREG, 0, disp }; }
static inline struct mem MX(int base, int index, int scale, int32_t disp) { return (struct mem){ base, index, scale, disp }; }

static inline void e_byte(struct emit *e, uint8_t b)
{
    if (e->p < e->end) *e->p++ = b;
    else e->overflow = 1;
}
static inline void e_u16(struct emit *e, uint16_t v) { e_byte(e, (uint8_t)v); e_byte(e, (uint8_t)(v >> 8)); }
static inline void e_u32(struct emit *e, uint32_t v) { e_u16(e, (uint16_t)v); e_u16(e, (uint16_t)(v >> 16)); }
static inline void e_u64(struct emit *e, uint64_t v) { e_u32(e, (uint32_t)v); e_u32(e, (uint32_t)(v >> 32)); }

/* Prefixes for an operation of w bytes (1, 2, 4, 8) with reg r, index x and
 * base/rm b. Byte registers 4-7 are always AH..BH here (the guest's): they
 * exist only without REX, so an instruction naming one together with
 * r8-r15 cannot be encoded; it marks the emission bad and the block is
 * left to the interpreter. byte_regs: bit 0 r, bit 1 b is a byte register. */
static inline void e_pfx(struct emit *e, int w, int r, int x, int b, int byte_regs)
{
    if (w == 2) e_byte(e, 0x66);
    int rex = (w == 8 ? 8 : 0) | (r >= 8 ? 4 : 0) | (x >= 8 ? 2 : 0) | (b >= 8 ? 1 : 0);
    if (rex && ((byte_regs & 1 && r >= 4 && r < 8) || (byte_regs & 2 && b >= 4 && b < 8))) e->bad = 1;
    if (rex) e_byte(e, (uint8_t)(0x40 | rex));
}

static inline void e_modrm_rr(struct emit *e, int reg, int rm)
{
    e_byte(e, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* ModRM (+SIB, +disp) for a memory operand with `reg` in the reg field. */
static inline void e_modrm_m(struct emit *e, int reg, struct mem m)
{
    int mod = m.disp == 0 && m.base != NOREG && (m.base & 7) != RBP ? 0
            : m.disp >= -128 && m.disp <= 127 && m.base != NOREG ? 1 : 2;
    if (m.base == NOREG) {                       /* [index*s + disp32] or [disp32] */
        e_byte(e, (uint8_t)(((reg & 7) << 3) | 4));
        e_byte(e, (uint8_t)((m.scale << 6) | ((m.index == NOREG ? 4 : m.index & 7) << 3) | 5));
        e_u32(e, (uint32_t)m.disp);
        return;
    }
    if (m.index == NOREG && (m.base & 7) != RSP) {
        e_byte(e, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (m.base & 7)));
    } else {
        e_byte(e, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        e_byte(e, (uint8_t)((m.scale << 6) | ((m.index == NOREG ? 4 : m.index & 7) << 3) | (m.base & 7)));
    }
    if (mod == 1) e_byte(e, (uint8_t)m.disp);
    else if (mod == 2) e_u32(e, (uint32_t)m.disp);
}

/* opcode r, r/m (memory) at w bytes; op8 is the byte form's opcode, op8+1 the others'. */
static inline void e_op_rm(struct emit *e, int w, uint8_t op8, int reg, struct mem m)
{
    e_pfx(e, w, reg, m.index == NOREG ? 0 : m.index, m.base == NOREG ? 0 : m.base, w == 1 ? 1 : 0);
    e_byte(e, w == 1 ? op8 : (uint8_t)(op8 + 1));
    e_modrm_m(e, reg, m);
}
/* opcode reg-field, rm-register at w bytes */
static inline void e_op_rr(struct emit *e, int w, uint8_t op8, int reg, int rm)
{
    e_pfx(e, w, reg, 0, rm, w == 1 ? 3 : 0);
    e_byte(e, w == 1 ? op8 : (uint8_t)(op8 + 1));
    e_modrm_rr(e, reg, rm);
}

/* ALU op dst, src (registers) / op dst, [m] / op [m], src */
static inline void e_alu_rr(struct emit *e, int w, int op, int dst, int src) { e_op_rr(e, w, (uint8_t)(op * 8), src, dst); }
static inline void e_alu_rm(struct emit *e, int w, int op, int dst, struct mem m) { e_op_rm(e, w, (uint8_t)(op * 8 + 2), dst, m); }
static inline void e_alu_mr(struct emit *e, int w, int op, struct mem m, int src) { e_op_rm(e, w, (uint8_t)(op * 8), src, m); }
/* ALU op r, imm / op [m], imm */
static inline void e_alu_ri(struct emit *e, int w, int op, int r, uint32_t v)
{
    int small = w > 1 && (int32_t)v >= -128 && (int32_t)v <= 127;
    e_pfx(e, w, 0, 0, r, w == 1 ? 2 : 0);
    e_byte(e, w == 1 ? 0x80 : small ? 0x83 : 0x81);
    e_modrm_rr(e, op, r);
    if (w == 1 || small) e_byte(e, (uint8_t)v);
    else if (w == 2) e_u16(e, (uint16_t)v);
    else e_u32(e, v);
}
static inline void e_alu_mi(struct emit *e, int w, int op, struct mem m, uint32_t v)
{
    int small = w > 1 && (int32_t)v >= -128 && (int32_t)v <= 127;
    e_pfx(e, w, 0, m.index == NOREG ? 0 : m.index, m.base == NOREG ? 0 : m.base, 0);
    e_byte(e, w == 1 ? 0x80 : small ? 0x83 : 0x81);
    e_modrm_m(e, op, m);
    if (w == 1 || small) e_byte(e, (uint8_t)v);
    else if (w == 2) e_u16(e, (uint16_t)v);
    else e_u32(e, v);
}
/* test r, r / test r, imm / test [m], imm */
static inline void e_test_rr(struct emit *e, int w, int a, int b) { e_op_rr(e, w, 0x84, b, a); }
static inline void e_test_ri(struct emit *e, int w, int r, uint32_t v)
{
    e_pfx(e, w, 0, 0, r, w == 1 ? 2 : 0);
    e_byte(e, w == 1 ? 0xf6 : 0xf7);
    e_modrm_rr(e, 0, r);
    if (w == 1) e_byte(e, (uint8_t)v); else if (w == 2) e_u16(e, (uint16_t)v); else e_u32(e, v);
}

/* mov r, r / mov r, [m] / mov [m], r / mov [m], imm / mov r32, imm32 / mov r64, imm64 */
static inline void e_mov_rr(struct emit *e, int w, int dst, int src) { e_op_rr(e, w, 0x88, src, dst); }
static inline void e_load(struct emit *e, int w, int dst, struct mem m) { e_op_rm(e, w, 0x8a, dst, m); }
static inline void e_store(struct emit *e, int w, struct mem m, int src) { e_op_rm(e, w, 0x88, src, m); }
static inline void e_store_imm(struct emit *e, int w, struct mem m, uint32_t v)
{
    e_pfx(e, w, 0, m.index == NOREG ? 0 : m.index, m.base == NOREG ? 0 : m.base, 0);
    e_byte(e, w == 1 ? 0xc6 : 0xc7);
    e_modrm_m(e, 0, m);
    if (w == 1) e_byte(e, (uint8_t)v); else if (w == 2) e_u16(e, (uint16_t)v); else e_u32(e, v);
}
static inline void e_mov_ri(struct emit *e, int w, int r, uint32_t v)
{
    if (w == 1) { e_pfx(e, 1, 0, 0, r, 2); e_byte(e, (uint8_t)(0xb0 + (r & 7))); e_byte(e, (uint8_t)v); return; }
    e_pfx(e, w, 0, 0, r, 0);
    e_byte(e, (uint8_t)(0xb8 + (r & 7)));
    if (w == 2) e_u16(e, (uint16_t)v); else e_u32(e, v);
}
static inline void e_mov64_ri(struct emit *e, int r, uint64_t v)
{
    if (v <= 0xffffffffu) { e_mov_ri(e, 4, r, (uint32_t)v); return; }
    e_pfx(e, 8, 0, 0, r, 0);
    e_byte(e, (uint8_t)(0xb8 + (r & 7)));
    e_u64(e, v);
}
/* lea r, [m] at 4 or 8 bytes */
static inline void e_lea(struct emit *e, int w, int dst, struct mem m)
{
    e_pfx(e, w, dst, m.index == NOREG ? 0 : m.index, m.base == NOREG ? 0 : m.base, 0);
    e_byte(e, 0x8d);
    e_modrm_m(e, dst, m);
}
/* movzx/movsx r32, r/m8 or r/m16 (op: 0xb6 zx8, 0xb7 zx16, 0xbe sx8, 0xbf sx16) */
static inline void e_movx_rr(struct emit *e, uint8_t op, int dst, int src)
{
    e_pfx(e, 4, dst, 0, src, (op & 1) == 0 ? 2 : 0);
    e_byte(e, 0x0f); e_byte(e, op); e_modrm_rr(e, dst, src);
}
static inline void e_movx_rm(struct emit *e, uint8_t op, int dst, struct mem m)
{
    e_pfx(e, 4, dst, m.index == NOREG ? 0 : m.index, m.base == NOREG ? 0 : m.base, 0);
    e_byte(e, 0x0f); e_byte(e, op); e_modrm_m(e, dst, m);
}
/* shift group r, imm8 / r, 1 / r, cl */
static inline void e_shift_ri(struct emit *e, int w, int op, int r, uint8_t n)
{
    e_pfx(e, w, 0, 0, r, w == 1 ? 2 : 0);
    if (n == 1) { e_byte(e, w == 1 ? 0xd0 : 0xd1); e_modrm_rr(e, op, r); return; }
    e_byte(e, w == 1 ? 0xc0 : 0xc1); e_modrm_rr(e, op, r); e_byte(e, n);
}
/* unary group 3: not (2), neg (3), mul (4), imul (5) on a register */
static inline void e_grp3_r(struct emit *e, int w, int op, int r) { e_pfx(e, w, 0, 0, r, w == 1 ? 2 : 0); e_byte(e, w == 1 ? 0xf6 : 0xf7); e_modrm_rr(e, op, r); }
/* inc (0) / dec (1) on a register */
static inline void e_incdec_r(struct emit *e, int w, int dec, int r) { e_pfx(e, w, 0, 0, r, w == 1 ? 2 : 0); e_byte(e, w == 1 ? 0xfe : 0xff); e_modrm_rr(e, dec, r); }
/* imul r, r/m (2 or 4 bytes) */
static inline void e_imul_rr(struct emit *e, int w, int dst, int src) { e_pfx(e, w, dst, 0, src, 0); e_byte(e, 0x0f); e_byte(e, 0xaf); e_modrm_rr(e, dst, src); }
/* setcc r8 / cmovcc r32, r32 */
static inline void e_setcc(struct emit *e, int cc, int r) { e_pfx(e, 1, 0, 0, r, 2); e_byte(e, 0x0f); e_byte(e, (uint8_t)(0x90 + cc)); e_modrm_rr(e, 0, r); }
static inline void e_cmov_rr(struct emit *e, int w, int cc, int dst, int src) { e_pfx(e, w, dst, 0, src, 0); e_byte(e, 0x0f); e_byte(e, (uint8_t)(0x40 + cc)); e_modrm_rr(e, dst, src); }
/* bt r32, imm8 */
static inline void e_bt_ri(struct emit *e, int r, uint8_t bit) { e_pfx(e, 4, 0, 0, r, 0); e_byte(e, 0x0f); e_byte(e, 0xba); e_modrm_rr(e, 4, r); e_byte(e, bit); }
/* xchg r, r */
static inline void e_xchg_rr(struct emit *e, int w, int a, int b) { e_op_rr(e, w, 0x86, a, b); }

static inline void e_push(struct emit *e, int r) { e_pfx(e, 4, 0, 0, r, 0); e_byte(e, (uint8_t)(0x50 + (r & 7))); }
static inline void e_pop(struct emit *e, int r) { e_pfx(e, 4, 0, 0, r, 0); e_byte(e, (uint8_t)(0x58 + (r & 7))); }
static inline void e_popfq(struct emit *e) { e_byte(e, 0x9d); }
static inline void e_ret(struct emit *e) { e_byte(e, 0xc3); }
static inline void e_call_r(struct emit *e, int r) { e_pfx(e, 4, 0, 0, r, 0); e_byte(e, 0xff); e_modrm_rr(e, 2, r); }
static inline void e_jmp_r(struct emit *e, int r) { e_pfx(e, 4, 0, 0, r, 0); e_byte(e, 0xff); e_modrm_rr(e, 4, r); }
static inline void e_jmp_m(struct emit *e, struct mem m) { e_pfx(e, 4, 0, m.index == NOREG ? 0 : m.index, m.base == NOREG ? 0 : m.base, 0); e_byte(e, 0xff); e_modrm_m(e, 4, m); }

/* Forward branches: emit with a 32-bit hole, patch when the target is known.
 * They return the end of the instruction, which the displacement counts from. */
static inline uint8_t *e_jcc32(struct emit *e, int cc) { e_byte(e, 0x0f); e_byte(e, (uint8_t)(0x80 + cc)); e_u32(e, 0); return e->p; }
static inline uint8_t *e_jmp32(struct emit *e) { e_byte(e, 0xe9); e_u32(e, 0); return e->p; }
static inline void e_patch(struct emit *e, uint8_t *after, const uint8_t *target)
{
    if (e->overflow || !after) return;
    uint32_t rel = (uint32_t)(target - after);
    memcpy(after - 4, &rel, 4);
}
static inline void e_patch_here(struct emit *e, uint8_t *after) { e_patch(e, after, e->p); }
/* jcc / jmp to a known (earlier or later, already placed) target */
static inline void e_jcc_to(struct emit *e, int cc, const uint8_t *target) { uint8_t *a = e_jcc32(e, cc); e_patch(e, a, target); }
static inline void e_jmp_to(struct emit *e, const uint8_t *target) { uint8_t *a = e_jmp32(e); e_patch(e, a, target); }
/* mov r64, [rip + disp32] / lea r64, [rip + disp32]: return the end of the
 * instruction for e_patch to point them at their target. */
static inline uint8_t *e_load_rip(struct emit *e, int r) { e_pfx(e, 8, r, 0, 0, 0); e_byte(e, 0x8b); e_byte(e, (uint8_t)(0x05 | (r & 7) << 3)); e_u32(e, 0); return e->p; }
static inline uint8_t *e_lea_rip(struct emit *e, int r) { e_pfx(e, 8, r, 0, 0, 0); e_byte(e, 0x8d); e_byte(e, (uint8_t)(0x05 | (r & 7) << 3)); e_u32(e, 0); return e->p; }
#endif
