/* The translator's differential test (test_jit_diff.c): what its machine
 * set-ups and program generators share. A mode builds a whole machine and
 * its program from the random stream alone, so building twice from one
 * seed gives the interpreter and the translator identical machines. */
#ifndef RELIC_TEST_JIT_DIFF_H
#define RELIC_TEST_JIT_DIFF_H
#include "cpu/exec.h"
#include <stddef.h>
#include <stdint.h>

#define RAM (1u << 20)
#define CODE 0x10000u
#define DATA 0x20000u           /* the flat modes' 4 KiB of data */
#define STACK_TOP 0x40000u
#define PROG_INSNS 160

/* Fixed places of the system modes (paging, interrupts, strings) */
#define SYS_HANDLERS 0x3000u    /* exception and interrupt handlers */
#define SYS_LOG 0x4000u         /* counters and a ring of fault records */
#define SYS_TSS 0x5000u
#define SYS_STACK0 0x9000u      /* ring-0 stack top for CPL 3 programs */
#define SYS_PD 0x80000u         /* the paging modes' page directory (the #PF handler walks it) */
#define LOG_FAULTS (SYS_LOG + 0)    /* #PF seen */
#define LOG_IRQS (SYS_LOG + 4)      /* interrupts served */
#define LOG_IRQ_EIP (SYS_LOG + 8)   /* EIP each interrupt arrived at */
#define LOG_SKIPS (SYS_LOG + 12)    /* faulting instructions skipped */
#define LOG_RING (SYS_LOG + 0x100)  /* 16-byte fault records: CR2, error code, EIP, vector */
#define PORT_EOI 0xe0           /* OUT: the interrupt line drops */
#define PORT_RAISE 0xe1         /* OUT: raises the line, vector 0x40 + (AL & 7), unless AL bit 7 is set */

struct rig {
    struct physmem pm;
    struct iobus io;
    struct cpu cpu;
    int vector;                 /* what INTA answers */
};

struct prog {
    uint8_t b[PROG_INSNS * 24 + 256];
    size_t len;
    uint32_t base;              /* linear address of b[0], for the dump */
    int code16;                 /* for the dump's disassembly hint */
};

/* The random stream every generator draws from (xorshift). */
extern uint64_t rng;
static inline uint32_t rnd(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static inline uint32_t pick(uint32_t n) { return rnd() % n; }

static inline void put(struct prog *p, uint8_t v) { p->b[p->len++] = v; }
static inline void put16(struct prog *p, uint32_t v) { put(p, (uint8_t)v); put(p, (uint8_t)(v >> 8)); }
static inline void put32(struct prog *p, uint32_t v) { put16(p, v); put16(p, v >> 16); }
static inline void putn(struct prog *p, const uint8_t *s, size_t n) { while (n--) put(p, *s++); }
static inline int room(const struct prog *p) { return p->len + 160 < sizeof p->b; }
static inline uint8_t modrm_rr(int reg, int rm) { return (uint8_t)(0xc0 | reg << 3 | rm); }
/* EIP of the next byte */
static inline uint32_t here(const struct prog *p) { return p->base + (uint32_t)p->len; }

/* ---- the flat 32-bit generator (test_jit_diff.c), reused as filler ---- */
extern uint32_t data_base;      /* linear address of the 4 KiB the programs use */
extern int keep_ecx;            /* set inside loop bodies */
int gpr(void);
uint32_t value(void);
void gen_one(struct prog *p, int depth);
void gen_loop(struct prog *p);
void gen_call(struct prog *p);
/* A forward Jcc over instructions from `body` (n of them). */
void gen_skip_with(struct prog *p, void (*body)(struct prog *), int n);
/* The instruction bytes s, skipped by the fault handlers when it faults:
 * JMP +1 and a length byte go before it. */
void faulting(struct prog *p, const uint8_t *s, size_t n);

/* ---- machine set-ups ---- */
void rig_clear(struct rig *r);
/* Flat ring-0 protected mode with the system tables, handlers and TSS;
 * cpl 0 or 3. */
void sys_enter(struct rig *r, int cpl);
/* Loads the program at p->base's physical address (= linear in flat set-ups). */
void load_prog(struct rig *r, const struct prog *p, uint32_t phys);

/* ---- modes: each builds r and its program p from rng ---- */
void build_paging(struct rig *r, struct prog *p);
void build_string(struct rig *r, struct prog *p);
void build_real(struct rig *r, struct prog *p);
void build_pm16(struct rig *r, struct prog *p);
void build_v86(struct rig *r, struct prog *p);
void build_modeswitch(struct rig *r, struct prog *p);
void build_x87(struct rig *r, struct prog *p);
#endif
