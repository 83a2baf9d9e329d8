/* A small x86-64 assembler for the translator's backend: just the forms
 * generated code uses. Guest state is addressed as [rbx + disp] (rbx holds
 * the struct cpu pointer in generated code); scratch registers are rax,
 * rcx, rdx, rsi, rdi. Emission never overruns: past the end it only counts,
 * and the caller sees overflow and retries in a fresh buffer. */
#ifndef RELIC_JIT_EMIT_X86_64_H
#define RELIC_JIT_EMIT_X86_64_H
#include <stdint.h>
#include <stddef.h>
#include <string.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* ALU operations in their x86 /digit order (also the guest's 00-3F rows). */
enum { X_ADD, X_OR, X_ADC, X_SBB, X_AND, X_SUB, X_XOR, X_CMP };

struct emit {
    uint8_t *p, *end;
    int overflow;
};

static inline void e_byte(struct emit *e, uint8_t b)
{
    if (e->p < e->end) *e->p++ = b;
    else e->overflow = 1;
}
static inline void e_u16(struct emit *e, uint16_t v) { e_byte(e, (uint8_t)v); e_byte(e, (uint8_t)(v >> 8)); }
static inline void e_u32(struct emit *e, uint32_t v) { e_u16(e, (uint16_t)v); e_u16(e, (uint16_t)(v >> 16)); }
static inline void e_u64(struct emit *e, uint64_t v) { e_u32(e, (uint32_t)v); e_u32(e, (uint32_t)(v >> 32)); }

/* REX prefix when needed (w: 64-bit operand; r, b: high register bits). */
static inline void e_rex(struct emit *e, int w, int r, int b)
{
    uint8_t rex = (uint8_t)(0x40 | (w << 3) | ((r >> 3) << 2) | (b >> 3));
    if (rex != 0x40) e_byte(e, rex);
}

/* ModRM for [rbx + disp] with a register (or /digit) in the reg field. */
static inline void e_mem(struct emit *e, int reg, int32_t disp)
{
    if (disp >= -128 && disp <= 127) {
        e_byte(e, (uint8_t)(0x40 | ((reg & 7) << 3) | RBX));
        e_byte(e, (uint8_t)disp);
    } else {
        e_byte(e, (uint8_t)(0x80 | ((reg & 7) << 3) | RBX));
        e_u32(e, (uint32_t)disp);
    }
}
static inline void e_modrm_rr(struct emit *e, int reg, int rm)
{
    e_byte(e, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* mov r32, [rbx+disp] / mov [rbx+disp], r32 */
static inline void e_load32(struct emit *e, int r, int32_t disp) { e_rex(e, 0, r, 0); e_byte(e, 0x8b); e_mem(e, r, disp); }
static inline void e_store32(struct emit *e, int32_t disp, int r) { e_rex(e, 0, r, 0); e_byte(e, 0x89); e_mem(e, r, disp); }
/* mov dword [rbx+disp], imm32 / mov word [rbx+disp], imm16 */
static inline void e_store32_imm(struct emit *e, int32_t disp, uint32_t v) { e_byte(e, 0xc7); e_mem(e, 0, disp); e_u32(e, v); }
static inline void e_store16_imm(struct emit *e, int32_t disp, uint16_t v) { e_byte(e, 0x66); e_byte(e, 0xc7); e_mem(e, 0, disp); e_u16(e, v); }
/* op r32, r32 (op: X_*) */
static inline void e_alu_rr(struct emit *e, int op, int dst, int src)
{
    e_rex(e, 0, src, dst);
    e_byte(e, (uint8_t)(op * 8 + 1));
    e_modrm_rr(e, src, dst);
}
/* op r32, [rbx+disp] */
static inline void e_alu_rm(struct emit *e, int op, int dst, int32_t disp)
{
    e_rex(e, 0, dst, 0);
    e_byte(e, (uint8_t)(op * 8 + 3));
    e_mem(e, dst, disp);
}
/* op r32, imm32 */
static inline void e_alu_ri(struct emit *e, int op, int dst, uint32_t v)
{
    e_rex(e, 0, 0, dst);
    e_byte(e, 0x81);
    e_modrm_rr(e, op, dst);
    e_u32(e, v);
}
/* op dword [rbx+disp], imm32 */
static inline void e_alu_mi(struct emit *e, int op, int32_t disp, uint32_t v)
{
    if ((int32_t)v >= -128 && (int32_t)v <= 127) {
        e_byte(e, 0x83); e_mem(e, op, disp); e_byte(e, (uint8_t)v);
    } else {
        e_byte(e, 0x81); e_mem(e, op, disp); e_u32(e, v);
    }
}
/* add qword [rbx+disp], imm8 (small counters) */
static inline void e_add64_mi8(struct emit *e, int32_t disp, int8_t v) { e_byte(e, 0x48); e_byte(e, 0x83); e_mem(e, X_ADD, disp); e_byte(e, (uint8_t)v); }
/* cmp byte [rbx+disp], imm8 */
static inline void e_cmp8_mi(struct emit *e, int32_t disp, uint8_t v) { e_byte(e, 0x80); e_mem(e, X_CMP, disp); e_byte(e, v); }
/* mov r32, r32 / test r32, r32 */
static inline void e_mov_rr(struct emit *e, int dst, int src) { e_rex(e, 0, src, dst); e_byte(e, 0x89); e_modrm_rr(e, src, dst); }
static inline void e_test_rr(struct emit *e, int a, int b) { e_rex(e, 0, b, a); e_byte(e, 0x85); e_modrm_rr(e, b, a); }
/* mov r64, r64 / mov r64, imm64 */
static inline void e_mov64_rr(struct emit *e, int dst, int src) { e_rex(e, 1, src, dst); e_byte(e, 0x89); e_modrm_rr(e, src, dst); }
static inline void e_mov64_ri(struct emit *e, int r, uint64_t v)
{
    if (v <= 0xffffffffu) {                     /* mov r32, imm32 zero-extends */
        e_rex(e, 0, 0, r); e_byte(e, (uint8_t)(0xb8 + (r & 7))); e_u32(e, (uint32_t)v);
    } else {
        e_rex(e, 1, 0, r); e_byte(e, (uint8_t)(0xb8 + (r & 7))); e_u64(e, v);
    }
}
/* mov r32, imm32 */
static inline void e_mov_ri(struct emit *e, int r, uint32_t v) { e_rex(e, 0, 0, r); e_byte(e, (uint8_t)(0xb8 + (r & 7))); e_u32(e, v); }
/* setcc r8 (al, cl, dl, bl only) / movzx r32, r8 */
static inline void e_setcc(struct emit *e, int cc, int r) { e_byte(e, 0x0f); e_byte(e, (uint8_t)(0x90 + cc)); e_modrm_rr(e, 0, r); }
static inline void e_movzx8(struct emit *e, int dst, int src) { e_byte(e, 0x0f); e_byte(e, 0xb6); e_modrm_rr(e, dst, src); }
static inline void e_call_r(struct emit *e, int r) { e_rex(e, 0, 0, r); e_byte(e, 0xff); e_modrm_rr(e, 2, r); }
static inline void e_push(struct emit *e, int r) { e_rex(e, 0, 0, r); e_byte(e, (uint8_t)(0x50 + (r & 7))); }
static inline void e_pop(struct emit *e, int r) { e_rex(e, 0, 0, r); e_byte(e, (uint8_t)(0x58 + (r & 7))); }
static inline void e_ret(struct emit *e) { e_byte(e, 0xc3); }

/* movzx r32, byte [rbx+disp] */
static inline void e_load8z(struct emit *e, int r, int32_t disp) { e_rex(e, 0, r, 0); e_byte(e, 0x0f); e_byte(e, 0xb6); e_mem(e, r, disp); }
/* mov r64, [rbx+disp] / add r64, [rbx+disp] */
static inline void e_load64(struct emit *e, int r, int32_t disp) { e_rex(e, 1, r, 0); e_byte(e, 0x8b); e_mem(e, r, disp); }
static inline void e_add64_rm(struct emit *e, int r, int32_t disp) { e_rex(e, 1, r, 0); e_byte(e, 0x03); e_mem(e, r, disp); }
/* shift group r32, imm8 (op: 4 SHL, 5 SHR, 7 SAR) */
static inline void e_shift_ri(struct emit *e, int op, int r, uint8_t n) { e_rex(e, 0, 0, r); e_byte(e, 0xc1); e_modrm_rr(e, op, r); e_byte(e, n); }
/* pushfq; pop rax / push rax; popfq: host flags to and from rax */
static inline void e_flags_to_rax(struct emit *e) { e_byte(e, 0x9c); e_byte(e, 0x58); }
static inline void e_rax_to_flags(struct emit *e) { e_byte(e, 0x50); e_byte(e, 0x9d); }
/* shl/shr r32, imm8 */
static inline void e_shl_ri(struct emit *e, int r, uint8_t n) { e_rex(e, 0, 0, r); e_byte(e, 0xc1); e_modrm_rr(e, 4, r); e_byte(e, n); }
static inline void e_shr_ri(struct emit *e, int r, uint8_t n) { e_rex(e, 0, 0, r); e_byte(e, 0xc1); e_modrm_rr(e, 5, r); e_byte(e, n); }
/* lea rax, [rcx + d8]; cmp rax, rdx (64-bit) */
static inline void e_lea_rax_rcx8(struct emit *e, int8_t d) { e_byte(e, 0x48); e_byte(e, 0x8d); e_byte(e, 0x41); e_byte(e, (uint8_t)d); }
static inline void e_cmp64_rax_rdx(struct emit *e) { e_byte(e, 0x48); e_byte(e, 0x39); e_byte(e, 0xd0); }
/* Host memory at [rax + rcx] (the soft TLB's addend plus the linear address). */
static inline void e_load32_hostmem(struct emit *e, int r) { e_rex(e, 0, r, 0); e_byte(e, 0x8b); e_byte(e, (uint8_t)(0x04 | (r & 7) << 3)); e_byte(e, 0x08); }
static inline void e_store32_hostmem(struct emit *e, int r) { e_rex(e, 0, r, 0); e_byte(e, 0x89); e_byte(e, (uint8_t)(0x04 | (r & 7) << 3)); e_byte(e, 0x08); }
static inline void e_store32_hostmem_imm(struct emit *e, uint32_t v) { e_byte(e, 0xc7); e_byte(e, 0x04); e_byte(e, 0x08); e_u32(e, v); }
/* cmp edx, [rax + d8] / mov rax, [rax + d8] (fields of a TLB entry) */
static inline void e_cmp_rdx_rax8(struct emit *e, int8_t d) { e_byte(e, 0x3b); e_byte(e, 0x50); e_byte(e, (uint8_t)d); }
static inline void e_load64_rax_rax8(struct emit *e, int8_t d) { e_byte(e, 0x48); e_byte(e, 0x8b); e_byte(e, 0x40); e_byte(e, (uint8_t)d); }

/* inc qword [addr] through r (rax, rcx, rdx, rsi or rdi): a counter
 * outside struct cpu; clobbers r and the host flags. */
static inline void e_inc64_abs(struct emit *e, int r, const uint64_t *addr)
{
    e_mov64_ri(e, r, (uint64_t)(uintptr_t)addr);
    e_byte(e, 0x48); e_byte(e, 0xff); e_byte(e, (uint8_t)(r & 7));
}

/* test dword [rbx+disp], imm32 / test byte [rbx+disp], imm8 */
static inline void e_test32_mi(struct emit *e, int32_t disp, uint32_t v) { e_byte(e, 0xf7); e_mem(e, 0, disp); e_u32(e, v); }
static inline void e_test8_mi(struct emit *e, int32_t disp, uint8_t v) { e_byte(e, 0xf6); e_mem(e, 0, disp); e_byte(e, v); }
/* cmp byte [rax+d8], imm8 / cmp dword [rax+d8], imm32 (fields of a struct block) */
static inline void e_cmp8_rax8_i(struct emit *e, int8_t d, uint8_t v) { e_byte(e, 0x80); e_byte(e, 0x78); e_byte(e, (uint8_t)d); e_byte(e, v); }
static inline void e_cmp32_rax8_i(struct emit *e, int8_t d, uint32_t v) { e_byte(e, 0x81); e_byte(e, 0x78); e_byte(e, (uint8_t)d); e_u32(e, v); }
/* mov [rbx+disp], r64 / mov byte [rbx+disp], imm8 */
static inline void e_store64(struct emit *e, int32_t disp, int r) { e_rex(e, 1, r, 0); e_byte(e, 0x89); e_mem(e, r, disp); }
static inline void e_store8_imm(struct emit *e, int32_t disp, uint8_t v) { e_byte(e, 0xc6); e_mem(e, 0, disp); e_byte(e, v); }
/* test rax, rax / jmp rax */
static inline void e_test64_rax(struct emit *e) { e_byte(e, 0x48); e_byte(e, 0x85); e_byte(e, 0xc0); }
static inline void e_jmp_rax(struct emit *e) { e_byte(e, 0xff); e_byte(e, 0xe0); }
/* mov rax, [rip+disp32] / lea rax, [rip+disp32]: return the end of the
 * instruction, which the displacement counts from (patched later). */
static inline uint8_t *e_load_rip(struct emit *e) { e_byte(e, 0x48); e_byte(e, 0x8b); e_byte(e, 0x05); e_u32(e, 0); return e->p; }
static inline uint8_t *e_lea_rip(struct emit *e) { e_byte(e, 0x48); e_byte(e, 0x8d); e_byte(e, 0x05); e_u32(e, 0); return e->p; }
/* Points a rip-relative operand that ended at `after` to `target`. */
static inline void e_patch_rip(struct emit *e, uint8_t *after, const uint8_t *target)
{
    if (e->overflow || !after) return;
    uint32_t rel = (uint32_t)(target - after);
    memcpy(after - 4, &rel, 4);
}

/* movzx/movsx r32, byte/word [rbx+disp] (op: 0xb6 zx8, 0xb7 zx16, 0xbe sx8, 0xbf sx16) */
static inline void e_movx_m(struct emit *e, int op, int r, int32_t disp) { e_rex(e, 0, r, 0); e_byte(e, 0x0f); e_byte(e, (uint8_t)op); e_mem(e, r, disp); }
/* the same from host memory [rax + rcx] */
static inline void e_movx_hostmem(struct emit *e, int op, int r) { e_rex(e, 0, r, 0); e_byte(e, 0x0f); e_byte(e, (uint8_t)op); e_byte(e, (uint8_t)(0x04 | (r & 7) << 3)); e_byte(e, 0x08); }
/* mov byte [rbx+disp], r8 (al, cl, dl, bl) */
static inline void e_store8(struct emit *e, int32_t disp, int r) { e_byte(e, 0x88); e_mem(e, r, disp); }
/* imul r32, r32 / imul r32, r32, imm32 */
static inline void e_imul_rr(struct emit *e, int dst, int src) { e_rex(e, 0, dst, src); e_byte(e, 0x0f); e_byte(e, 0xaf); e_modrm_rr(e, dst, src); }
static inline void e_imul_rri(struct emit *e, int dst, int src, uint32_t v) { e_rex(e, 0, dst, src); e_byte(e, 0x69); e_modrm_rr(e, dst, src); e_u32(e, v); }

/* Sized moves between edx and a register slot [rbx+disp] or host memory
 * [rax+rcx]: 1, 2 or 4 bytes; loads zero-extend. */
static inline void e_store_w(struct emit *e, int w, int32_t disp)
{
    if (w == 2) e_byte(e, 0x66);
    e_byte(e, w == 1 ? 0x88 : 0x89); e_mem(e, RDX, disp);
}
static inline void e_load_w(struct emit *e, int w, int32_t disp)
{
    if (w == 4) e_load32(e, RDX, disp);
    else e_movx_m(e, w == 1 ? 0xb6 : 0xb7, RDX, disp);
}
static inline void e_load_hostmem_w(struct emit *e, int w)
{
    if (w == 4) e_load32_hostmem(e, RDX);
    else e_movx_hostmem(e, w == 1 ? 0xb6 : 0xb7, RDX);
}
static inline void e_store_hostmem_w(struct emit *e, int w)
{
    if (w == 2) e_byte(e, 0x66);
    e_byte(e, w == 1 ? 0x88 : 0x89); e_byte(e, 0x14); e_byte(e, 0x08);
}
static inline void e_store_hostmem_imm_w(struct emit *e, int w, uint32_t v)
{
    if (w == 2) e_byte(e, 0x66);
    e_byte(e, w == 1 ? 0xc6 : 0xc7); e_byte(e, 0x04); e_byte(e, 0x08);
    if (w == 1) e_byte(e, (uint8_t)v); else if (w == 2) e_u16(e, (uint16_t)v); else e_u32(e, v);
}

/* Forward branches: emit with a 32-bit hole, patch when the target is known. */
static inline uint8_t *e_jcc32(struct emit *e, int cc)
{
    e_byte(e, 0x0f); e_byte(e, (uint8_t)(0x80 + cc)); e_u32(e, 0);
    return e->p;
}
static inline uint8_t *e_jmp32(struct emit *e) { e_byte(e, 0xe9); e_u32(e, 0); return e->p; }
/* Points the branch that ended at `after` to the current position. */
static inline void e_patch_here(struct emit *e, uint8_t *after)
{
    if (e->overflow || !after) return;
    uint32_t rel = (uint32_t)(e->p - after);
    memcpy(after - 4, &rel, 4);                 /* host is little-endian x86-64 */
}

/* Condition codes in x86 encoding order. */
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };
#endif
