/* The differential test's 16-bit modes: real mode, a 16-bit protected-mode
 * code segment (D = 0) and virtual-8086 mode run one generator: every
 * 16-bit ModRM form, 32-bit addressing and operands through 67/66,
 * segment overrides, segment register loads (MOV, PUSH/POP, LDS/LES),
 * string instructions, loops, calls and forward jumps; in real and v86
 * mode far calls; in real mode also INT n and interrupts (raised between
 * slices and by the program: OUT E1h) with CLI/STI/POPF.
 *
 * Code is at 0x10000 (CS 1000 or selector 30); four data segments of
 * 64 KiB at 0x20000..0x50000 (2000..5000, or selectors 38..50). Only AX,
 * CX and DX take random values: BX, BP, SI and DI stay below 0x7000 and
 * displacements small, so 32-bit addresses (67) stay inside the 64 KiB
 * limits. A limit fault (a word at FFFF) ends a program in a HLT stub. */
#include "jit_diff.h"
#include "flat32.h"
#include <string.h>

static uint16_t segval[4];
static int keep_cx;
static int in_call;             /* SS stays: RET must find its return address */
static int irq16;               /* real mode: IF may be set, the program raises interrupts */
static int far16;               /* real and v86 mode: far calls into segment 0330, INT 50h..57h */
#define FAR_ROUTINE 0x3300u     /* add ax,1234h; retf */
#define INT_ROUTINE 0x3380u     /* add ax,1111h; iret */
static int asz32;               /* the memory operand being emitted uses 32-bit addressing */

/* AX, CX or DX (not CX in a loop body) */
static int wreg(void)
{
    for (;;) {
        int r = (int)pick(3);
        if (!(keep_cx && r == R_ECX)) return r;
    }
}
/* AL, CL, DL, AH, CH, DH under the same rule */
static int wreg8(void) { return wreg() + 4 * (int)pick(2); }
static int basereg(void) { static const int r[] = { R_EBX, R_EBP, R_ESI, R_EDI }; return r[pick(4)]; }

/* Prefixes for a memory operand: a segment override (not CS for a write)
 * and now and then 67. */
static void mem_prefix(struct prog *p, int write)
{
    static const uint8_t ovr[] = { 0x26, 0x36, 0x3e, 0x64, 0x65, 0x2e };
    if (!pick(3)) put(p, ovr[pick(write ? 5 : 6)]);
    asz32 = !pick(5);
    if (asz32) put(p, 0x67);
}
static void mem_modrm(struct prog *p, int reg)
{
    if (!asz32) {
        int mod = (int)pick(3), rm = (int)pick(8);
        put(p, (uint8_t)(mod << 6 | reg << 3 | rm));
        if (mod == 0 && rm == 6) put16(p, pick(0xfff0));
        else if (mod == 1) put(p, (uint8_t)pick(0x80));
        else if (mod == 2) put16(p, pick(0x1000));
        return;
    }
    switch (pick(4)) {
    case 0: put(p, (uint8_t)(reg << 3 | 5)); put32(p, pick(0xfff0)); break;          /* [disp32] */
    case 1: {                                                                          /* [base] */
        int b = basereg();
        if (b == R_EBP) { put(p, (uint8_t)(0x40 | reg << 3 | b)); put(p, 0); }
        else put(p, (uint8_t)(reg << 3 | b));
        break;
    }
    case 2: put(p, (uint8_t)(0x40 | reg << 3 | basereg())); put(p, (uint8_t)pick(0x80)); break;
    default:                                                                           /* [base + index + d32] */
        put(p, (uint8_t)(0x84 | reg << 3)); put(p, (uint8_t)(basereg() << 3 | basereg()));
        put32(p, pick(0x1000));
    }
}
static void mem(struct prog *p, const uint8_t *op, size_t n, int reg, int write)
{
    mem_prefix(p, write);
    putn(p, op, n);
    mem_modrm(p, reg);
}

static uint16_t value16(void)
{
    static const uint16_t edge[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0xfffe };
    return pick(3) ? (uint16_t)rnd() : edge[pick(sizeof edge / sizeof edge[0])];
}

static void gen16_alu(struct prog *p)
{
    uint8_t op = (uint8_t)(pick(8) * 8);
    switch (pick(12)) {
    case 0: put(p, op + 1); put(p, modrm_rr((int)pick(8), wreg())); break;               /* r16 op= r16 */
    case 1: put(p, op + 3); put(p, modrm_rr(wreg(), (int)pick(8))); break;
    case 2: put(p, op); put(p, modrm_rr((int)pick(8), wreg8())); break;                  /* r8 */
    case 3: put(p, 0x83); put(p, modrm_rr(op >> 3, wreg())); put(p, (uint8_t)rnd()); break;
    case 4: put(p, 0x66); put(p, op + 1); put(p, modrm_rr((int)pick(8), wreg())); break;  /* 32-bit */
    case 5: put(p, 0x66); put(p, 0x81); put(p, modrm_rr(op >> 3, wreg())); put32(p, value()); break;
    case 6: mem(p, &(uint8_t){ op + 3 }, 1, wreg(), 0); break;                         /* r16 op= [m] */
    case 7: mem(p, &(uint8_t){ op + 1 }, 1, (int)pick(8), 1); break;                   /* [m] op= r16 */
    case 8: mem(p, &(uint8_t){ op }, 1, (int)pick(8), 1); break;                       /* [m] op= r8 */
    case 9: mem(p, (const uint8_t[]){ 0x81 }, 1, op >> 3, 1); put16(p, value16()); break;
    case 10: put(p, 0x66); mem(p, &(uint8_t){ op + 3 }, 1, wreg(), 0); break;          /* r32 op= [m] */
    default: if (!keep_cx) { put(p, op + 5); put16(p, value16()); }                      /* AX, iw */
    }
}

static void gen16_move(struct prog *p)
{
    switch (pick(12)) {
    case 0: mem(p, (const uint8_t[]){ 0x8b }, 1, wreg(), 0); break;
    case 1: mem(p, (const uint8_t[]){ 0x89 }, 1, (int)pick(8), 1); break;
    case 2: mem(p, (const uint8_t[]){ 0x8a }, 1, wreg8(), 0); break;
    case 3: mem(p, (const uint8_t[]){ 0x88 }, 1, (int)pick(8), 1); break;
    case 4: mem(p, (const uint8_t[]){ 0xc7 }, 1, 0, 1); put16(p, value16()); break;
    case 5: mem(p, (const uint8_t[]){ 0xc6 }, 1, 0, 1); put(p, (uint8_t)rnd()); break;
    case 6: put(p, 0x66); mem(p, (const uint8_t[]){ 0x89 }, 1, (int)pick(8), 1); break;
    case 7: mem(p, (const uint8_t[]){ 0x8d }, 1, wreg(), 0); break;                    /* LEA */
    case 8: mem(p, (const uint8_t[]){ 0x0f, (uint8_t)(0xb6 + 8 * pick(2)) }, 2, wreg(), 0); break;  /* MOVZX/SX */
    case 9: put(p, (uint8_t)(0xb8 + basereg())); put16(p, pick(0x7000)); break;         /* a new base */
    case 10: put(p, (uint8_t)(0xb8 + wreg())); put16(p, value16()); break;
    default: put(p, (uint8_t)(0x50 + pick(8))); put(p, (uint8_t)(0x58 + wreg())); break;  /* PUSH; POP */
    }
}

static void gen16_misc(struct prog *p)
{
    switch (pick(9)) {
    case 0: put(p, (uint8_t)(0x40 + 8 * pick(2) + wreg())); break;                     /* INC/DEC */
    case 1: put(p, 0xc1); put(p, modrm_rr((int)pick(8), wreg())); put(p, (uint8_t)pick(20)); break;
    case 2: put(p, 0xd1); put(p, modrm_rr((int)pick(8), wreg())); break;
    case 3:                                                                             /* CBW, CWD, raise IRQ */
        if (irq16 && pick(2)) { put(p, 0xb0); put(p, (uint8_t)pick(8)); put(p, 0xe6); put(p, PORT_RAISE); }
        else put(p, pick(2) ? 0x98 : 0x99);
        break;
    case 4:                                                                             /* CMC CLC CLI STI */
        if (pick(2) || !irq16) put(p, (uint8_t)(0xf5 + 3 * pick(2)));
        else put(p, pick(2) ? 0xfa : 0xfb);
        break;
    case 5: put(p, 0x68); put16(p, rnd() & (irq16 ? 0x0ed5 : 0x0cd5)); put(p, 0x9d); break;   /* PUSH; POPF */
    case 6: put(p, 0x9c); put(p, (uint8_t)(0x58 + wreg())); break;                       /* PUSHF; POP */
    case 7: put(p, 0x0f); put(p, (uint8_t)(0x90 + pick(16))); put(p, modrm_rr(0, wreg8())); break;
    default: put(p, 0x66); put(p, 0x0f); put(p, 0xaf); put(p, modrm_rr(wreg(), (int)pick(8))); break;
    }
}

/* MOV sreg, PUSH/POP sreg, LDS/LES; the values are the four data segments. */
static void gen16_sreg(struct prog *p)
{
    static const uint8_t push[] = { 0x06, 0, 0x16, 0x1e }, pop[] = { 0x07, 0, 0x17, 0x1f };
    int s = (int)pick(6);
    if (s == S_CS || (in_call && s == S_SS)) s = S_DS;
    switch (pick(4)) {
    case 0:                                                     /* mov ax, v; mov sreg, ax */
        put(p, 0xb8); put16(p, segval[pick(4)]); put(p, 0x8e); put(p, modrm_rr(s, R_EAX));
        break;
    case 1: {                                                   /* push sreg; pop sreg */
        int from = (int)pick(6);
        if (from == S_CS) from = S_ES;
        if (from >= S_FS) { put(p, 0x0f); put(p, (uint8_t)(from == S_FS ? 0xa0 : 0xa8)); } else put(p, push[from]);
        if (s >= S_FS) { put(p, 0x0f); put(p, (uint8_t)(s == S_FS ? 0xa1 : 0xa9)); } else put(p, pop[s]);
        break;
    }
    default: {                                                  /* a far pointer, then LDS/LES */
        uint16_t at = (uint16_t)pick(0xfff0);
        put(p, 0xc7); put(p, 0x06); put16(p, at); put16(p, pick(0x7000));
        put(p, 0xc7); put(p, 0x06); put16(p, at + 2u); put16(p, segval[pick(4)]);
        put(p, pick(2) ? 0xc4 : 0xc5); put(p, (uint8_t)(basereg() << 3 | 6)); put16(p, at);
    }
    }
}

/* Strings over fresh SI/DI/CX; SI and DI are set back below 0x7000 after. */
static void gen16_string(struct prog *p)
{
    static const uint8_t ops[] = { 0xa4, 0xaa, 0xac, 0xae, 0xa6 };
    int op = (int)pick(5), size = 1 << pick(3), rep = keep_cx ? 0 : pick(3) ? 1 + (int)(pick(6) == 0) : 0;
    uint32_t count = !pick(6) ? 0 : pick(2) ? 1 + pick(12) : pick(0x800);
    int df = (int)pick(2);
    uint32_t total = rep ? count * (uint32_t)size : (uint32_t)size;
    uint32_t si = (df ? total : 0) + pick(0x7000), di = (df ? total : 0) + pick(0x7000);
    put(p, df ? 0xfd : 0xfc);
    if (rep) { put(p, 0xb9); put16(p, count); }
    put(p, 0xbe); put16(p, si);
    put(p, 0xbf); put16(p, di);
    if (op != 1 && op != 3 && !pick(3)) put(p, pick(2) ? 0x26 : 0x64);
    if (size == 4) put(p, 0x66);
    if (rep) put(p, rep == 1 ? 0xf3 : 0xf2);
    put(p, (uint8_t)(ops[op] + (size > 1)));
    put(p, 0xfc);
    put(p, 0xbe); put16(p, pick(0x7000));
    put(p, 0xbf); put16(p, pick(0x7000));
}

/* CALL FAR 0330:0000, or (real mode) INT 50h..57h into the IVT */
static void gen16_far(struct prog *p)
{
    if (irq16 && pick(2)) { put(p, 0xcd); put(p, (uint8_t)(0x50 + pick(8))); }
    else { put(p, 0x9a); put16(p, 0); put16(p, FAR_ROUTINE >> 4); }
}

static void gen16_skip(struct prog *p, int depth);
static void gen16_call(struct prog *p);
static void gen16_one(struct prog *p, int depth)
{
    uint32_t k = pick(20);
    if (k < 6) gen16_alu(p);
    else if (k < 10) gen16_move(p);
    else if (k < 13) gen16_misc(p);
    else if (k < 14) gen16_sreg(p);
    else if (k < 15) gen16_string(p);
    else if (k < 17 && depth < 2) gen16_skip(p, depth + 1);
    else if (k < 18 && depth < 2) gen16_call(p);
    else if (k < 19 && far16) gen16_far(p);
    else gen16_alu(p);
}

/* A forward Jcc (rel8 or rel16) or JMP over a few instructions. */
static void gen16_skip(struct prog *p, int depth)
{
    int far = (int)pick(2), cc = (int)pick(17);
    size_t at = p->len;
    if (cc == 16) put(p, far ? 0xe9 : 0xeb);
    else if (far) { put(p, 0x0f); put(p, (uint8_t)(0x80 + cc)); }
    else put(p, (uint8_t)(0x70 + cc));
    size_t hole = p->len;
    if (far) put16(p, 0); else put(p, 0);
    size_t from = p->len;
    for (int n = (int)pick(4); n > 0 && room(p); n--) gen16_one(p, depth);
    uint32_t rel = (uint32_t)(p->len - from);
    if (far) { p->b[hole] = (uint8_t)rel; p->b[hole + 1] = (uint8_t)(rel >> 8); }
    else if (rel < 128) p->b[hole] = (uint8_t)rel;
    else p->len = at;
}

/* call sub; jmp over; sub: ...; ret / ret 2 (after a push) */
static void gen16_call(struct prog *p)
{
    size_t at = p->len;
    put(p, 0xe8); put16(p, 2);
    put(p, 0xeb);
    size_t hole = p->len;
    put(p, 0);
    in_call = 1;
    for (int n = (int)pick(3); n > 0; n--) gen16_one(p, 2);
    in_call = 0;
    if (pick(3)) put(p, 0xc3);
    else { put(p, 0xc2); put16(p, 0); }
    size_t rel = p->len - (hole + 1);
    if (rel < 128) p->b[hole] = (uint8_t)rel;
    else p->len = at;
}

/* mov cx, n; body; dec cx; jnz body (or LOOP) */
static void gen16_loop(struct prog *p)
{
    put(p, 0xb9); put16(p, 1 + pick(6));
    size_t top = p->len;
    keep_cx = 1;
    for (int n = 1 + (int)pick(4); n > 0; n--) gen16_one(p, 1);
    keep_cx = 0;
    int loop = (int)pick(2);
    if (!loop) put(p, 0x49);
    int32_t rel = (int32_t)top - (int32_t)(p->len + 2);
    if (rel >= -128) { put(p, loop ? 0xe2 : 0x75); put(p, (uint8_t)rel); }
    else { if (loop) put(p, 0x49); put(p, 0x0f); put(p, 0x85); put16(p, (uint32_t)(rel - 2)); }
}

static void gen16_prog(struct rig *r, struct prog *p)
{
    static const uint8_t far_routine[] = { 0x05, 0x34, 0x12, 0xcb }, int_routine[] = { 0x05, 0x11, 0x11, 0xcf };
    phys_load(&r->pm, FAR_ROUTINE, far_routine, sizeof far_routine);
    phys_load(&r->pm, INT_ROUTINE, int_routine, sizeof int_routine);
    p->len = 0;
    p->base = CODE;
    p->code16 = 1;
    for (int k = 0; k < PROG_INSNS && room(p); k++) {
        if (!pick(20)) gen16_loop(p);
        else gen16_one(p, 0);
    }
    put(p, 0xf4);
    load_prog(r, p, CODE);
    for (uint32_t k = 0x20000; k < 0x60000; k++) r->pm.ram[k] = (uint8_t)rnd();
}

static void seg16(struct cpu *c, int s, uint16_t sel, uint32_t base, uint16_t flags, uint8_t valid)
{
    c->seg[s] = (struct seg){ .base = base, .limit = 0xffff, .sel = sel, .flags = flags, .valid = valid,
                              .rw = SEG_RD | SEG_WR };
}

/* The registers, with BX, BP, SI, DI (whole) below 0x7000, and the segments. */
static void regs16(struct cpu *c, uint16_t flags, uint8_t valid, int pm)
{
    static const int ds[6] = { 2, 0, 1, 0, 3, 0 };     /* ES 4000, SS 3000, DS 2000, FS 5000, GS 2000 */
    for (int k = 0; k < 8; k++) c->reg[k] = k < 3 ? value() : pick(0x7000);
    c->reg[R_ESP] = 0xfff0 - 2 * pick(8);
    seg16(c, S_CS, pm ? 0x30 : CODE >> 4, CODE, (uint16_t)(flags | 8), valid);
    for (int s = 0; s < 6; s++)
        if (s != S_CS) seg16(c, s, segval[ds[s]], 0x20000 + 0x10000 * (uint32_t)ds[s], flags, valid);
    c->eip = 0;
    c->lf_op = LF_NONE;
}

/* Real-mode interrupt handler at 0320:0000: counts (LOG_IRQS), folds the
 * interrupted IP into an order-sensitive sum (LOG_IRQ_EIP), EOI, IRET. */
#define H_IRQ16 0x3200u
static const uint8_t h_irq16[] = {
    0x50, 0x55, 0x89, 0xe5, 0x8b, 0x46, 0x04,       /* push ax; push bp; mov bp,sp; mov ax,[bp+4] */
    0x2e, 0xc1, 0x06, 0x08, 0x0e, 0x05,             /* rol word [cs:0e08h],5 */
    0x2e, 0x01, 0x06, 0x08, 0x0e,                   /* add [cs:0e08h],ax */
    0x2e, 0xff, 0x06, 0x04, 0x0e,                   /* inc word [cs:0e04h] */
    0xe6, PORT_EOI, 0x5d, 0x58, 0xcf,               /* out EOI,al; pop bp; pop ax; iret */
};

void build_real(struct rig *r, struct prog *p)
{
    rig_clear(r);
    sys_enter(r, 0);
    struct cpu *c = &r->cpu;
    for (uint32_t v = 0; v < 256; v++) {            /* IVT: every vector to its HLT stub */
        st16le(r->pm.ram + 4 * v, (uint16_t)v);
        st16le(r->pm.ram + 4 * v + 2, FLAT32_STUBS >> 4);
    }
    phys_load(&r->pm, H_IRQ16, h_irq16, sizeof h_irq16);
    for (uint32_t v = 0x40; v < 0x58; v++) {
        st16le(r->pm.ram + 4 * v, 0);
        st16le(r->pm.ram + 4 * v + 2, (uint16_t)((v < 0x50 ? H_IRQ16 : INT_ROUTINE) >> 4));
    }
    c->cr0 = CR0_ET | CR0_NE;
    c->idtr = (struct dtr){ 0, 0x3ff };
    for (int k = 0; k < 4; k++) segval[k] = (uint16_t)(0x2000 + 0x1000 * k);
    regs16(c, 0x93, SEG_VALID_REAL, 0);
    c->eflags = (rnd() & F_ARITH) | 2 | F_IF;
    cpu_update_mode(c);
    irq16 = far16 = 1;
    gen16_prog(r, p);
    irq16 = far16 = 0;
}

void build_pm16(struct rig *r, struct prog *p)
{
    rig_clear(r);
    sys_enter(r, 0);
    flat32_tables(&r->pm);                          /* exceptions end in HLT stubs */
    struct cpu *c = &r->cpu;
    for (int k = 0; k < 4; k++) segval[k] = (uint16_t)(0x38 + 8 * k);
    regs16(c, 0x93, 1, 1);
    c->eflags = (rnd() & F_ARITH) | 2;
    cpu_update_mode(c);
    gen16_prog(r, p);
}

/* v86 with IOPL 3; the final HLT faults (#GP) into a ring-0 HLT stub. */
void build_v86(struct rig *r, struct prog *p)
{
    rig_clear(r);
    sys_enter(r, 0);
    flat32_tables(&r->pm);
    struct cpu *c = &r->cpu;
    for (int k = 0; k < 4; k++) segval[k] = (uint16_t)(0x2000 + 0x1000 * k);
    regs16(c, 0xf3, 1, 0);
    c->seg[S_CS].flags = 0xfb;
    c->eflags = (rnd() & F_ARITH) | 2 | F_VM | F_IOPL;
    cpu_update_mode(c);
    far16 = 1;
    gen16_prog(r, p);
    far16 = 0;
}

/* ---- mode switches, as a BIOS makes them ---- */

/* Loads ES, SS, DS, FS, GS as regs16 sets them (AX is lost). */
static void load_segs16(struct prog *p)
{
    static const int s[] = { S_ES, S_SS, S_DS, S_FS, S_GS }, v[] = { 2, 1, 0, 3, 0 };
    for (int k = 0; k < 5; k++) {
        put(p, 0xb8); put16(p, segval[v[k]]);
        put(p, 0x8e); put(p, modrm_rr(s[k], R_EAX));
    }
}

/* EBX, EBP, ESI, EDI below 0x7000 again, for 32-bit addressing in 16-bit code */
static void small_bases(struct prog *p)
{
    for (int r = R_EBX; r <= R_EDI; r++)
        if (r != R_ESP) { put(p, 0x66); put(p, (uint8_t)(0xb8 + r)); put32(p, pick(0x7000)); }
}

static void chunk16(struct prog *p)
{
    for (int n = 5 + (int)pick(20); n > 0 && room(p); n--) gen16_one(p, 0);
}

/* Real mode -> 32-bit ring 0 (CR0.PE, JMP FAR 08:off32, LIDT, flat data
 * segments, ESP) -> 32-bit code -> 16-bit protected mode (JMP FAR 30:off16,
 * 16-bit data segments) -> 16-bit code -> real mode (CR0.PE off, JMP FAR
 * 1000:off16, LIDT, real segments, SP and small base registers). */
static void switch_to_pm32(struct prog *p)
{
    putn(p, (const uint8_t[]){ 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0 }, 8);   /* CR0.PE = 1 */
    put(p, 0x66); put(p, 0xea); put32(p, here(p) + 6); put16(p, 0x08);
    put(p, 0x2e); put(p, 0x0f); put(p, 0x01); put(p, 0x1d); put32(p, CODE + 8);         /* lidt cs:[idtr_pm] */
    put(p, 0xb8); put32(p, 0x10);
    for (int s = 0; s < 6; s++)
        if (s != S_CS) { put(p, 0x8e); put(p, modrm_rr(s, R_EAX)); }
    put(p, 0xbc); put32(p, STACK_TOP - 16);
}

static void switch_to_pm16(struct prog *p)
{
    put(p, 0xea); put32(p, here(p) + 6 - CODE); put16(p, 0x30);
    for (int k = 0; k < 4; k++) segval[k] = (uint16_t)(0x38 + 8 * k);
    load_segs16(p);
    small_bases(p);
}

static void switch_to_real(struct prog *p)
{
    putn(p, (const uint8_t[]){ 0x0f, 0x20, 0xc0, 0x24, 0xfe, 0x0f, 0x22, 0xc0 }, 8);   /* CR0.PE = 0 */
    put(p, 0xea); put16(p, here(p) + 4 - CODE); put16(p, CODE >> 4);
    putn(p, (const uint8_t[]){ 0x2e, 0x0f, 0x01, 0x1e, 0x02, 0x00 }, 6);               /* lidt cs:[idtr_real] */
    for (int k = 0; k < 4; k++) segval[k] = (uint16_t)(0x2000 + 0x1000 * k);
    load_segs16(p);
    put(p, 0xbc); put16(p, 0xfff0);
    small_bases(p);
}

void build_modeswitch(struct rig *r, struct prog *p)
{
    build_real(r, p);                               /* the machine; its program is replaced */
    flat32_tables(&r->pm);                          /* protected-mode exceptions end in HLT stubs */
    struct cpu *c = &r->cpu;
    c->eflags &= ~(uint32_t)F_IF;
    for (uint32_t k = 0x20000; k < 0x60000; k++) r->pm.ram[k] = (uint8_t)rnd();
    p->len = 0;
    put(p, 0xeb); put(p, 12);                       /* the two IDTRs: real mode's, then protected mode's */
    putn(p, (const uint8_t[]){ 0xff, 0x03, 0, 0, 0, 0, 0xff, 0x07 }, 8); put32(p, FLAT32_IDT);
    far16 = 1;
    for (int round = 1 + (int)pick(4); round > 0 && p->len + 600 < sizeof p->b; round--) {
        chunk16(p);
        switch_to_pm32(p);
        data_base = DATA;
        for (int n = 5 + (int)pick(20); n > 0 && room(p); n--) gen_one(p, 0);
        far16 = 0;
        switch_to_pm16(p);
        chunk16(p);
        switch_to_real(p);
        far16 = 1;
    }
    chunk16(p);
    far16 = 0;
    put(p, 0xf4);
    load_prog(r, p, CODE);
}
