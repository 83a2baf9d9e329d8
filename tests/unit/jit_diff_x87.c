/* The differential test's x87 mode: loads and stores at every size,
 * arithmetic with memory and stack operands, exchanges, compares (FCOM,
 * FUCOM, FCOMI) with FSTSW AX + SAHF + Jcc, control words with every
 * rounding and precision control (and now and then unmasked exceptions,
 * which end the program in the #MF stub), FCHS/FABS/FSQRT/FRNDINT and
 * friends, FNSAVE/FRSTOR and FNSTENV/FLDENV. The flat 32-bit machine, or
 * for a third of the programs real mode; operands come from tables of
 * edge values in the data area. */
#include "jit_diff.h"
#include "flat32.h"
#include <string.h>

#define F32 (DATA + 0x000)      /* 32 singles */
#define F64 (DATA + 0x080)      /* 32 doubles */
#define F80 (DATA + 0x180)      /* 16 extendeds, 10 bytes apart */
#define I16 (DATA + 0x220)      /* 16 words */
#define I32 (DATA + 0x240)      /* 16 dwords */
#define I64 (DATA + 0x280)      /* 16 qwords */
#define CWS (DATA + 0x300)      /* 8 control words */
#define SCRATCH (DATA + 0x400)  /* stores land here */
#define SAVE (DATA + 0x800)     /* FNSAVE / FNSTENV area */

static void fill_tables(uint8_t *ram)
{
    static const uint32_t f32[] = { 0, 0x80000000u, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40200000, 0x7f7fffff,
                                    0x00000001, 0x007fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000,
                                    0x4b000001, 0x3effffff, 0x501502f9 };
    static const uint64_t f64[] = { 0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xc000000000000000ull,
                                    0x3fe0000000000000ull, 0x4004000000000000ull, 0x7fefffffffffffffull,
                                    0x0000000000000001ull, 0x7ff0000000000000ull, 0xfff8000000000000ull,
                                    0x7ff4000000000000ull, 0x43e0000000000000ull, 0xc3e0000000000001ull,
                                    0x3fb999999999999aull, 0x4330000000000001ull, 0x41dfffffffc00000ull };
    for (uint32_t k = 0; k < 32; k++) {
        st32le(ram + F32 + 4 * k, k < 16 ? f32[k] : (rnd() & 0x8fffffffu) | (pick(2) ? 0x30000000u : 0x40000000u));
        uint64_t r = (uint64_t)rnd() << 32 | rnd();
        uint64_t v = k < 16 ? f64[k] : (r & 0x800fffffffffffffull) | (uint64_t)(0x3c0 + pick(0x80)) << 52;
        st32le(ram + F64 + 8 * k, (uint32_t)v);
        st32le(ram + F64 + 8 * k + 4, (uint32_t)(v >> 32));
    }
    for (uint32_t k = 0; k < 16; k++) {
        uint8_t *e = ram + F80 + 10 * k;
        st32le(e, rnd());
        st32le(e + 4, rnd() | (pick(8) ? 0x80000000u : 0));          /* now and then unnormal */
        uint16_t se = pick(6) ? (uint16_t)(0x3fff - 40 + pick(80)) : (uint16_t)(pick(3) ? 0x7fff : pick(2));
        st16le(e + 8, (uint16_t)(se | (pick(2) ? 0x8000 : 0)));
        st16le(ram + I16 + 2 * k, (uint16_t)value());
        st32le(ram + I32 + 4 * k, value());
        st32le(ram + I64 + 8 * k, value());
        st32le(ram + I64 + 8 * k + 4, pick(2) ? value() : 0);
    }
    /* masked, but for the last one now and then: an unmasked exception
     * ends the program in the #MF stub */
    for (uint32_t k = 0; k < 8; k++) {
        uint16_t mask = k < 7 || pick(3) ? 0x3f : (uint16_t)(rnd() & 0x3f);
        st16le(ram + CWS + 2 * k, (uint16_t)(0x40 | mask | pick(4) << 8 | pick(4) << 10));
    }
    /* FRSTOR and FLDENV images (random but for masked control words and
     * a clear status word) until FNSAVE and FNSTENV write them */
    st16le(ram + SAVE, (uint16_t)(0x7f | pick(4) << 8 | pick(4) << 10));
    st16le(ram + SAVE + 4, 0);
    st16le(ram + SAVE + 0x80, (uint16_t)(0x7f | pick(4) << 8 | pick(4) << 10));
    st16le(ram + SAVE + 0x84, 0);
}

static int real16;              /* the program runs in real mode, DS = DATA >> 4 */

/* [at]: disp32 in 32-bit code, disp16 from DS's base in real mode */
static void modrm_mem(struct prog *p, int n, uint32_t at)
{
    if (real16) { put(p, (uint8_t)(n << 3 | 6)); put16(p, at - DATA); return; }
    put(p, (uint8_t)(n << 3 | 5));
    put32(p, at);
}

static void gen_x87_mem(struct prog *p)
{
    switch (pick(12)) {
    case 0: put(p, 0xd9); modrm_mem(p, 0, F32 + 4 * pick(32)); break;                    /* FLD m32 */
    case 1: put(p, 0xdd); modrm_mem(p, 0, F64 + 8 * pick(32)); break;                    /* FLD m64 */
    case 2: put(p, 0xdb); modrm_mem(p, 5, F80 + 10 * pick(16)); break;                   /* FLD m80 */
    case 3: {                                                                            /* FILD */
        static const uint8_t op[] = { 0xdf, 0xdb, 0xdf }, n[] = { 0, 0, 5 };
        static const uint32_t at[] = { I16, I32, I64 };
        int s = (int)pick(3);
        put(p, op[s]); modrm_mem(p, n[s], at[s] + (2u << s) * pick(16));
        break;
    }
    case 4: {                                                                            /* stores */
        static const uint8_t op[] = { 0xd9, 0xd9, 0xdd, 0xdd, 0xdb, 0xdf, 0xdf, 0xdb, 0xdb, 0xdf };
        static const uint8_t n[] = { 2, 3, 2, 3, 7, 2, 3, 2, 3, 7 };
        int s = (int)pick(10);
        put(p, op[s]); modrm_mem(p, n[s], SCRATCH + pick(0x3f0));
        break;
    }
    case 5: put(p, 0xd8); modrm_mem(p, (int)pick(8), F32 + 4 * pick(32)); break;        /* Fop m32 */
    case 6: put(p, 0xdc); modrm_mem(p, (int)pick(8), F64 + 8 * pick(32)); break;        /* Fop m64 */
    case 7: put(p, 0xda); modrm_mem(p, (int)pick(8), I32 + 4 * pick(16)); break;        /* FIop m32 */
    case 8: put(p, 0xde); modrm_mem(p, (int)pick(8), I16 + 2 * pick(16)); break;        /* FIop m16 */
    case 9: put(p, 0xd9); modrm_mem(p, 5, CWS + 2 * pick(8)); break;                     /* FLDCW */
    case 10: put(p, pick(2) ? 0xd9 : 0xdd); modrm_mem(p, 7, SCRATCH + pick(0x3f0)); break;  /* FNSTCW, FNSTSW */
    default:                                                                             /* state */
        switch (pick(4)) {
        case 0: put(p, 0xdd); modrm_mem(p, 6, SAVE); break;                              /* FNSAVE */
        case 1: put(p, 0xdd); modrm_mem(p, 4, SAVE); break;                              /* FRSTOR */
        case 2: put(p, 0xd9); modrm_mem(p, 6, SAVE + 0x80); break;                       /* FNSTENV */
        default: put(p, 0xd9); modrm_mem(p, 4, SAVE + 0x80); break;                      /* FLDENV */
        }
    }
}

static void gen_x87_reg(struct prog *p)
{
    static const uint8_t d9[] = { 0xe0, 0xe1, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xf0, 0xf1,
                                  0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff };
    static const uint8_t de[] = { 0, 1, 4, 5, 6, 7 };
    uint8_t i = (uint8_t)pick(8);
    switch (pick(12)) {
    case 0: put(p, 0xd8); put(p, (uint8_t)(0xc0 + 8 * pick(8) + i)); break;              /* st0 op= sti */
    case 1: put(p, 0xdc); put(p, (uint8_t)(0xc0 + 8 * de[pick(6)] + i)); break;          /* sti op= st0 */
    case 2: put(p, 0xde); put(p, (uint8_t)(0xc0 + 8 * de[pick(6)] + i)); break;          /* ..P */
    case 3: put(p, 0xd9); put(p, (uint8_t)(0xc8 + i)); break;                            /* FXCH */
    case 4: put(p, 0xd9); put(p, (uint8_t)(0xc0 + i)); break;                            /* FLD st(i) */
    case 5: put(p, 0xdd); put(p, (uint8_t)(0xd0 + 8 * pick(2) + i)); break;              /* FST(P) st(i) */
    case 6: {                                                                            /* compares */
        static const uint8_t op[] = { 0xd8, 0xd8, 0xdd, 0xdd, 0xdb, 0xdb, 0xdf, 0xdf }, base[] = { 0xd0, 0xd8, 0xe0, 0xe8, 0xf0, 0xe8, 0xf0, 0xe8 };
        int s = (int)pick(8);
        put(p, op[s]); put(p, (uint8_t)(base[s] + i));
        break;
    }
    case 7: put(p, pick(2) ? 0xda : 0xdb); put(p, (uint8_t)(0xc0 + 8 * pick(4) + i)); break;  /* FCMOVcc */
    case 8: putn(p, pick(2) ? (const uint8_t[]){ 0xde, 0xd9 } : (const uint8_t[]){ 0xda, 0xe9 }, 2); break;  /* FCOMPP, FUCOMPP */
    case 9: put(p, 0xdd); put(p, (uint8_t)(0xc0 + i)); break;                            /* FFREE */
    case 10: if (!pick(8)) { put(p, 0xdb); put(p, pick(2) ? 0xe2 : 0xe3); } else put(p, 0x9b); break;  /* FNCLEX, FNINIT, FWAIT */
    default: put(p, 0xd9); put(p, d9[pick(sizeof d9)]); break;
    }
}

static void gen_x87_one(struct prog *p)
{
    if (pick(2)) gen_x87_mem(p);
    else gen_x87_reg(p);
}

/* FSTSW AX; SAHF; Jcc over some x87 instructions */
static void gen_x87_branch(struct prog *p)
{
    put(p, 0xdf); put(p, 0xe0);
    put(p, 0x9e);
    gen_skip_with(p, gen_x87_one, 1 + (int)pick(3));
}

/* A third of the programs run in real mode (16-bit FNSAVE/FNSTENV
 * images, 16-bit pointers), x87 instructions and FSTSW AX; SAHF only. */
void build_x87(struct rig *r, struct prog *p)
{
    real16 = !pick(3);
    if (real16) {
        build_real(r, p);                           /* the machine; its program is replaced */
        r->cpu.eflags &= ~(uint32_t)F_IF;
    } else {
        rig_clear(r);
        flat32_tables(&r->pm);
        flat32_enter(&r->cpu);
        for (int k = 0; k < 8; k++) r->cpu.reg[k] = value();
        r->cpu.reg[R_ESP] = STACK_TOP;
        r->cpu.eip = CODE;
        r->cpu.eflags = (rnd() & F_ARITH) | 2;
        r->cpu.lf_op = LF_NONE;
        cpu_update_mode(&r->cpu);
    }
    for (uint32_t k = 0; k < 4096; k++) r->pm.ram[DATA + k] = (uint8_t)rnd();
    fill_tables(r->pm.ram);
    data_base = SCRATCH;
    p->base = CODE;
    p->code16 = real16;
    p->len = 0;
    put(p, 0xdb); put(p, 0xe3);                         /* FNINIT */
    for (int k = 0; k < PROG_INSNS && room(p); k++) {
        uint32_t what = pick(20);
        if (what < 8) gen_x87_mem(p);
        else if (what < 15) gen_x87_reg(p);
        else if (real16) { put(p, 0xdf); put(p, 0xe0); put(p, 0x9e); }   /* FSTSW AX; SAHF */
        else if (what < 17) gen_x87_branch(p);
        else if (what < 18) gen_loop(p);
        else gen_one(p, 1);
    }
    put(p, 0xf4);
    load_prog(r, p, CODE);
    real16 = 0;
}
