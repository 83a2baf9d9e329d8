/* Decoded blocks, cached by the physical address of their first byte and
 * the code size they were decoded for, so code is decoded once. A write
 * into a page holding blocks invalidates the blocks overlapping it. */
#ifndef RELIC_BLOCK_H
#define RELIC_BLOCK_H
#include "decode.h"

#define BLOCK_MAX_INSNS 64

struct block {
    uint32_t phys;            /* first byte */
    uint32_t phys_last;       /* last byte (may be in the next page for a straddling insn) */
    uint32_t phys_page2;      /* second page, or ~0 */
    uint8_t code32;
    uint8_t dead;
    uint16_t n;
    uint8_t interp_only;      /* code rewritten again and again: engines interpret it */
    void *native_chain;       /* translated code's entry (src/jit), valid while native_key matches */
    uint32_t native_key;      /* the translator's code generation << 8 | the mode it assumed; 0: none */
    struct block *hnext;      /* hash chain */
    struct block *pnext[2];   /* page chains (first page, second page) */
    struct insn insn[];
};

struct cpu;
int block_cache_init(struct cpu *c);
void block_cache_free(struct cpu *c);
void block_cache_flush(struct cpu *c);
/* The block starting at the current CS:EIP, decoding it if needed; faults
 * as the first instruction's fetch would. */
struct block *block_lookup(struct cpu *c);
/* Physical-memory write hook: invalidates blocks overlapping [paddr, paddr+len). */
void block_invalidate(void *cpu, uint32_t paddr, int len);
#endif
