/* The soft TLB and self-modifying-code tracking, driven through the CPU's
 * memory path (lin_read/lin_write/mem_read_rmw, block_lookup) on a bare
 * rig: 8 MiB of RAM, a 4 KiB MMIO page at 0xFE000000 that counts its
 * accesses, 32-bit paging with 4 KiB pages built by the test.
 *
 * What is right comes from the architecture, not from relic: a page-
 * crossing access reads the bytes of both physical pages; a TLB keeps
 * using a translation after the page tables change until INVLPG or a CR3
 * write (global pages survive the CR3 write with CR4.PGE), as the SDM
 * (vol. 3, 4.10.4) says the hardware may; walks are counted to see which
 * accesses were served from the TLB. */
#include "cpu/exec.h"
#include "cpu/block.h"
#include "check.h"
#include "flat32.h"
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (8u << 20)
#define MMIO_BASE 0xfe000000u
#define PD 0x100000u
#define PTE_P 1u
#define PTE_W 2u
#define PTE_D 0x40u
#define PTE_G 0x100u

static struct physmem pm;
static struct iobus io;
static struct cpu cpu;
static uint32_t next_pt = PD + 0x1000;
static unsigned mmio_reads, mmio_writes, code_writes;

static uint32_t mmio_read(void *o, uint32_t addr, int size) { (void)o; (void)size; mmio_reads++; return 0xa0 + addr; }
static void mmio_write(void *o, uint32_t addr, uint32_t v, int size) { (void)o; (void)addr; (void)v; (void)size; mmio_writes++; }
static const struct mmio_ops mmio_ops = { mmio_read, mmio_write };

static void count_code_write(void *opaque, uint32_t paddr, int len)
{
    code_writes++;
    block_invalidate(opaque, paddr, len);
}

/* Maps the 4 KiB linear page of lin to phys, with PTE flags (P and W always). */
static void map(uint32_t lin, uint32_t phys, uint32_t flags)
{
    uint32_t pde_at = PD + (lin >> 22) * 4;
    uint32_t pde = phys_read(&pm, pde_at, 4);
    if (!(pde & PTE_P)) {
        pde = next_pt | PTE_P | PTE_W;
        next_pt += 0x1000;
        phys_write(&pm, pde_at, pde, 4);
    }
    phys_write(&pm, (pde & ~0xfffu) + ((lin >> 12) & 0x3ff) * 4, phys | flags | PTE_P | PTE_W, 4);
}

static uint64_t walks(void) { return cpu.tlb_walks; }

static struct tlb_entry *slot(uint32_t lin) { return &cpu.tlb->e[0][(lin >> 12) & (TLB_SIZE - 1)]; }

static void rig_init(void)
{
    if (phys_init(&pm, RAM_SIZE) < 0 || io_init(&io) < 0
        || phys_add_mmio(&pm, MMIO_BASE, 0x1000, &mmio_ops, NULL, "counter") < 0
        || cpu_init(&cpu, &pm, &io) < 0) {
        printf("cannot build the rig\n");
        exit(1);
    }
    pm.on_code_write = count_code_write;
    cpu.cr0 = CR0_PE | CR0_ET | CR0_PG;
    cpu.cr3 = PD;
    cpu.cr4 = CR4_PGE;
    flat32_seg(&cpu.seg[S_CS], 0x08, 0x9b);
    for (int s = 0; s < 6; s++)
        if (s != S_CS) flat32_seg(&cpu.seg[s], 0x10, 0x93);
    cpu_update_mode(&cpu);
    cpu_tlb_flush(&cpu, 0);
}

/* A fill walks once; later accesses of the page hit without walking. */
static void test_fill_hit(void)
{
    map(0x400000, 0x200000, PTE_D);
    phys_write(&pm, 0x200010, 0x11223344, 4);
    uint64_t w = walks();
    CHECK_EQ(lin_read(&cpu, 0x400010, 4), 0x11223344);
    CHECK_EQ(walks(), w + 1);
    CHECK(tlb_hit(slot(0x400010)->tag_read, 0x400010, 4));
    lin_write(&cpu, 0x400020, 0xcafe, 2);
    CHECK_EQ(phys_read(&pm, 0x200020, 2), 0xcafe);
    CHECK_EQ(lin_read(&cpu, 0x400ffc, 4), 0);
    CHECK_EQ(walks(), w + 1);
    /* a page not yet dirty: the read fills no write tag, the first write walks (and sets D) */
    map(0x401000, 0x201000, 0);
    lin_read(&cpu, 0x401000, 1);
    CHECK(slot(0x401000)->tag_write & TLB_INVALID);
    w = walks();
    lin_write(&cpu, 0x401000, 1, 1);
    CHECK_EQ(walks(), w + 1);
    CHECK(phys_read(&pm, next_pt - 0x1000 + 4, 4) & PTE_D);
    CHECK(tlb_hit(slot(0x401000)->tag_write, 0x401000, 1));
}

/* Every offset 0xffd..0xfff and size 1/2/4, over two physical pages that
 * are not adjacent: the bytes come from both, and only an access that
 * stays in its page passes the folded compare. */
static void test_page_crossing(void)
{
    const uint32_t lin = 0x800000, pa = 0x305000, pb = 0x2f3000;
    map(lin, pa, PTE_D);
    map(lin + 0x1000, pb, PTE_D);
    for (uint32_t k = 0; k < 8; k++) {
        phys_write(&pm, pa + 0xff8 + k, 0x10 + k, 1);
        phys_write(&pm, pb + k, 0x20 + k, 1);
    }
    lin_read(&cpu, lin, 1);
    lin_read(&cpu, lin + 0x1000, 1);
    lin_write(&cpu, lin, 0, 1);
    lin_write(&cpu, lin + 0x1000, 0x20, 1);
    uint64_t w = walks();
    for (uint32_t off = 0xffd; off <= 0xfff; off++) {
        for (int size = 1; size <= 4; size *= 2) {
            uint32_t a = lin + off, want = 0;
            for (int k = 0; k < size; k++) {
                uint32_t byte = off + (uint32_t)k < 0x1000 ? 0x10 + (off + (uint32_t)k - 0xff8) : 0x20 + (off + (uint32_t)k - 0x1000);
                want |= byte << (8 * k);
            }
            int crosses = off + (uint32_t)size > 0x1000;
            CHECK_EQ(tlb_hit(slot(a)->tag_read, a, size), !crosses);
            CHECK_EQ(tlb_hit(slot(a)->tag_write, a, size), !crosses);
            CHECK_EQ(lin_read(&cpu, a, size), want);
            CHECK_EQ(mem_read_rmw(&cpu, S_DS, a, size), want);
            /* write a fresh pattern and read it back from both physical pages */
            uint32_t v = 0xa1b2c3d4u & size_mask(size);
            lin_write(&cpu, a, v, size);
            for (int k = 0; k < size; k++) {
                uint32_t o = off + (uint32_t)k;
                uint32_t p = o < 0x1000 ? pa + o : pb + (o - 0x1000);
                CHECK_EQ(phys_read(&pm, p, 1), (v >> (8 * k)) & 0xff);
            }
            lin_write(&cpu, a, want, size);
        }
    }
    /* both pages stayed in the TLB: the crossing accesses walked nothing */
    CHECK_EQ(walks(), w);
}

/* An access running past 0xFFFFFFFF wraps to linear 0: it must miss the
 * last slot (which holds page 0xFFFFF) and read page 0's first bytes. */
static void test_wrap(void)
{
    map(0xfffff000u, 0x310000, PTE_D);
    map(0, 0x311000, PTE_D);
    phys_write(&pm, 0x310ffc, 0x44332211, 4);
    phys_write(&pm, 0x311000, 0x88776655, 4);
    CHECK_EQ(lin_read(&cpu, 0xfffffffcu, 4), 0x44332211);
    CHECK_EQ(lin_read(&cpu, 0, 4), 0x88776655);
    struct tlb_entry *e = slot(0xffffffffu);
    CHECK(tlb_hit(e->tag_read, 0xffffffffu, 1));
    CHECK(!tlb_hit(e->tag_read, 0xffffffffu, 2));
    CHECK(!tlb_hit(e->tag_read, 0xfffffffeu, 4));
    CHECK(!tlb_hit(e->tag_write, 0xfffffffdu, 4));
    CHECK_EQ(lin_read(&cpu, 0xffffffffu, 2), 0x5544);
    CHECK_EQ(lin_read(&cpu, 0xfffffffeu, 4), 0x66554433);
    lin_write(&cpu, 0xfffffffdu, 0xdeadbeef, 4);
    CHECK_EQ(phys_read(&pm, 0x310ffd, 2), 0xbeef);
    CHECK_EQ(phys_read(&pm, 0x310fff, 1), 0xad);
    CHECK_EQ(phys_read(&pm, 0x311000, 1), 0xde);
}

/* MMIO: every access reaches the device through the slow path, but the
 * page is walked once. Changing the PTE behind the TLB's back changes
 * nothing until INVLPG. */
static void test_mmio(void)
{
    const uint32_t lin = 0x900000;
    map(lin, MMIO_BASE, PTE_D);
    uint64_t w = walks();
    unsigned r = mmio_reads;
    CHECK_EQ(lin_read(&cpu, lin + 4, 1), 0xa4);
    CHECK(slot(lin)->tag_read & TLB_MMIO);
    CHECK_EQ(lin_read(&cpu, lin + 8, 4), 0xa8);
    lin_write(&cpu, lin, 1, 4);
    CHECK_EQ(mmio_reads, r + 2);
    CHECK_EQ(mmio_writes, 1);
    CHECK_EQ(walks(), w + 1);
    map(lin, 0x320000, PTE_D);
    phys_write(&pm, 0x320004, 0x5a, 1);
    CHECK_EQ(lin_read(&cpu, lin + 4, 1), 0xa4);     /* stale, as a hardware TLB would be */
    CHECK_EQ(walks(), w + 1);
    tlb_flush_page(cpu.tlb, lin);                   /* INVLPG */
    CHECK_EQ(lin_read(&cpu, lin + 4, 1), 0x5a);
    CHECK_EQ(walks(), w + 2);
    CHECK(tlb_hit(slot(lin)->tag_read, lin + 4, 1));
}

/* Two pages sharing a slot: the one evicted is found in the victim TLB. */
static void test_victim(void)
{
    const uint32_t x = 0xa00000, y = x + TLB_SIZE * 0x1000;
    map(x, 0x330000, PTE_D);
    map(y, 0x331000, PTE_D);
    phys_write(&pm, 0x330000, 0x1111, 2);
    phys_write(&pm, 0x331000, 0x2222, 2);
    uint64_t w = walks(), v = cpu.tlb_victim_hits;
    CHECK_EQ(lin_read(&cpu, x, 2), 0x1111);
    CHECK_EQ(lin_read(&cpu, y, 2), 0x2222);
    CHECK_EQ(walks(), w + 2);
    CHECK_EQ(lin_read(&cpu, x, 2), 0x1111);
    CHECK_EQ(lin_read(&cpu, y, 2), 0x2222);
    lin_write(&cpu, x, 0x3333, 2);
    CHECK_EQ(walks(), w + 2);
    CHECK_EQ(cpu.tlb_victim_hits, v + 3);
    CHECK_EQ(phys_read(&pm, 0x330000, 2), 0x3333);
    /* INVLPG of the page in the victim TLB drops it there too */
    lin_read(&cpu, y, 2);
    tlb_flush_page(cpu.tlb, x);
    lin_read(&cpu, x, 2);
    CHECK_EQ(walks(), w + 3);
    /* a full flush empties the victims */
    cpu_tlb_flush(&cpu, 0);
    lin_read(&cpu, y, 2);
    lin_read(&cpu, x, 2);
    CHECK_EQ(walks(), w + 5);
}

/* MOV CR3 keeps global pages (CR4.PGE), in the main and the victim TLB. */
static void test_global(void)
{
    const uint32_t g = 0xb00000, g2 = g + TLB_SIZE * 0x1000, n = 0xb01000;
    map(g, 0x340000, PTE_D | PTE_G);
    map(g2, 0x341000, PTE_D | PTE_G);
    map(n, 0x342000, PTE_D);
    cpu_tlb_flush(&cpu, 0);
    lin_read(&cpu, g2, 1);
    lin_read(&cpu, g, 1);                           /* g2 goes to the victim TLB */
    lin_read(&cpu, n, 1);
    uint64_t w = walks();
    cpu_tlb_flush(&cpu, 1);                         /* what MOV CR3 does */
    lin_read(&cpu, g, 1);
    lin_read(&cpu, g2, 1);
    CHECK_EQ(walks(), w);
    lin_read(&cpu, n, 1);
    CHECK_EQ(walks(), w + 1);
    cpu_tlb_flush(&cpu, 0);                         /* CR4.PGE toggled: all go */
    lin_read(&cpu, g, 1);
    CHECK_EQ(walks(), w + 2);
}

/* Decodes the block at linear address lin. */
static struct block *decode_at(uint32_t lin)
{
    cpu.eip = lin;
    return block_lookup(&cpu);
}

/* Writes into a code page: checked against the 64-byte chunk mask, served
 * without a walk, and only blocks overlapping changed bytes die. */
static void test_smc(void)
{
    const uint32_t lin = 0xc00000, pa = 0x350000, alias = 0xc10000;
    map(lin, pa, PTE_D);
    map(alias, pa, PTE_D);
    uint8_t code[32];
    memset(code, 0x90, sizeof code);
    code[8] = 0xf4;                                 /* 8 NOPs, HLT */
    phys_write_buf(&pm, pa + 0x100, code, 9);
    phys_write_buf(&pm, pa + 0x200, code, 9);
    phys_write_buf(&pm, pa + 0x7fc, code, 9);       /* straddles chunks 31 and 32 */
    lin_write(&cpu, alias, 0, 4);                   /* the alias's write tag is fast now */
    CHECK(tlb_hit(slot(alias)->tag_write, alias, 4));
    struct block *a = decode_at(lin + 0x100), *b = decode_at(lin + 0x200), *s = decode_at(lin + 0x7fc);
    CHECK_EQ(a->n, 9);
    CHECK_EQ(phys_code_mask(&pm, pa >> 12), (1ull << 4) | (1ull << 8) | (3ull << 31));
    /* the alias learnt about the code without a walk */
    CHECK(slot(alias)->tag_write & TLB_CODE);
    uint64_t w = walks();
    code_writes = 0;
    lin_write(&cpu, alias + 0x400, 0x12345678, 4);  /* a chunk without code */
    lin_write(&cpu, alias + 0x130, 0x77, 1);        /* a's chunk, after a's bytes */
    CHECK_EQ(code_writes, 1);
    CHECK(!a->dead && !b->dead && !s->dead);
    lin_write(&cpu, alias + 0x104, 0x90909090, 4);  /* the bytes already there */
    phys_write_buf(&pm, pa + 0x200, code, 9);       /* DMA of the same bytes */
    CHECK_EQ(code_writes, 1);
    CHECK(!a->dead && !b->dead);
    CHECK_EQ(walks(), w);
    /* a different byte inside a: a dies and the running block stops */
    cpu.cur_block = a;
    cpu.stop_block = 0;
    lin_write(&cpu, alias + 0x104, 0xcc, 1);
    CHECK(a->dead && !b->dead && !s->dead);
    CHECK_EQ(cpu.stop_block, 1);
    cpu.cur_block = NULL;
    CHECK_EQ(phys_code_mask(&pm, pa >> 12), (1ull << 8) | (3ull << 31));
    /* a 2-byte store across the straddling block's chunk boundary */
    lin_write(&cpu, alias + 0x7ff, 0xcccc, 2);
    CHECK(s->dead && !b->dead);
    /* DMA of new bytes over b */
    code[0] = 0xcc;
    phys_write_buf(&pm, pa + 0x1f0, code, 0x20);
    CHECK(b->dead);
    CHECK_EQ(phys_code_mask(&pm, pa >> 12), 0);
    CHECK_EQ(walks(), w);
    /* with no code left, the next write clears TLB_CODE: later ones are fast */
    lin_write(&cpu, alias + 0x10, 1, 1);
    CHECK(tlb_hit(slot(alias)->tag_write, alias + 0x10, 1));
    /* the decoded bytes are the new ones */
    struct block *b2 = decode_at(lin + 0x200);
    CHECK(b2 != b);
    CHECK_EQ(b2->insn[0].opcode, 0x90);
    /* a DMA run over two blocks that changes a byte of one kills only that one */
    uint8_t run[0x100];
    memset(run, 0x90, sizeof run);
    run[0x08] = run[0x88] = 0xf4;
    phys_write_buf(&pm, pa + 0x900, run, sizeof run);
    struct block *c1 = decode_at(lin + 0x900), *c2 = decode_at(lin + 0x980);
    run[0x84] = 0x40;
    phys_write_buf(&pm, pa + 0x900, run, sizeof run);
    CHECK(!c1->dead && c2->dead);
}

/* A page whose code is rewritten again and again: new blocks there are
 * left to the interpreter. */
static void test_interp_fallback(void)
{
    const uint32_t lin = 0xd00000, pa = 0x360000;
    map(lin, pa, PTE_D);
    uint8_t code[2] = { 0x40, 0xf4 };               /* INC EAX; HLT */
    phys_write_buf(&pm, pa, code, 2);
    struct block *b = decode_at(lin);
    CHECK(!b->interp_only);
    for (int k = 0; k < 16; k++) {
        code[0] = (uint8_t)(0x48 - (k & 1) * 8);    /* DEC EAX / INC EAX */
        phys_write_buf(&pm, pa, code, 1);
        b = decode_at(lin);
        CHECK_EQ(b->insn[0].opcode, code[0]);
    }
    CHECK(b->interp_only);
    block_cache_flush(&cpu);
    CHECK(!decode_at(lin)->interp_only);
}

/* Dirty logging: the first write to a clean page takes the slow path and
 * marks it; later writes are fast until the log is synced. */
static void test_dirty_log(void)
{
    const uint32_t lin = 0xe00000, pa = 0x370000;
    map(lin, pa, PTE_D);
    static uint8_t log[RAM_SIZE >> 12];
    CHECK_EQ(phys_dirty_log_start(&pm), 0);
    lin_read(&cpu, lin, 1);
    CHECK(slot(lin)->tag_write & TLB_NOTDIRTY);
    lin_write(&cpu, lin, 5, 1);
    CHECK(tlb_hit(slot(lin)->tag_write, lin, 1));
    uint8_t dma = 1;
    phys_write_buf(&pm, 0x371000, &dma, 1);
    phys_dirty_log_sync(&pm, log);
    CHECK_EQ(log[pa >> 12], 1);
    CHECK_EQ(log[(pa >> 12) + 1], 1);
    CHECK_EQ(log[(pa >> 12) + 2], 0);
    decode_at(0xd00000);                            /* the CPU sees the new map generation */
    lin_read(&cpu, lin, 1);
    CHECK(slot(lin)->tag_write & TLB_NOTDIRTY);
    phys_dirty_log_sync(&pm, log);
    CHECK_EQ(log[pa >> 12], 0);
    phys_dirty_log_stop(&pm);
    lin_write(&cpu, lin, 6, 1);
    CHECK(tlb_hit(slot(lin)->tag_write, lin, 1));
}

int main(void)
{
    rig_init();
    if (setjmp(cpu.fault_jmp)) {
        printf("FAIL: unexpected fault %d (error 0x%x, CR2 0x%x)\n", cpu.fault_vec, cpu.fault_err, cpu.cr2);
        return 1;
    }
    test_fill_hit();
    test_page_crossing();
    test_wrap();
    test_mmio();
    test_victim();
    test_global();
    test_smc();
    test_interp_fallback();
    test_dirty_log();
    cpu_free(&cpu);
    io_free(&io);
    phys_free(&pm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
