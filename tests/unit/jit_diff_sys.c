/* The differential test's paging and string modes: random page tables
 * over a 64 KiB window of data pages, ring 0 or ring 3 programs, and the
 * system handlers of test_jit_diff.c that log and fix page faults (setting
 * P, R/W and U/S, then INVLPG) or skip instructions that fault otherwise. */
#include "jit_diff.h"
#include <string.h>

#define PD SYS_PD
#define PT0 0x81000u            /* identity map of the first MiB */
#define PT1 0x82000u            /* the window */
#define PT_ANY 0x83000u         /* the rest of the address space: one read-only page */
#define ANY_PAGE 0x84000u
#define WIN 0x400000u           /* 16 random pages over the data pool */
#define WIN_PAGES 16
#define DATA_PAGES 14           /* what data accesses and strings use; page 15 is a ring-3 stack */
#define STACK3 0x70000u         /* its physical page, on no other mapping */
#define POOL 0x20000u           /* physical pages the window maps */
#define BIG 0x800000u           /* a 4 MiB page over physical 0 (CR4.PSE) */
/* Code the programs call, on two linear pages after the window whose
 * mappings ring 0 programs switch: CW -> 0x60000 or 0x61000, CW + 4 KiB
 * -> 0x62000 or 0x63000, and a writable alias of 0x60000 at CW + 8 KiB. */
#define CW (WIN + (WIN_PAGES << 12))
#define CODE_A 0x60000u
#define CW_PTE (PT1 + 4 * WIN_PAGES)
enum { P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80 };

static int cpl, pse;

static void st32(struct rig *r, uint32_t at, uint32_t v) { st32le(r->pm.ram + at, v); }

/* Ring 3 may use the code and stack pages of the identity map. */
static int user_page(uint32_t k) { return (k >= CODE >> 12 && k < (CODE >> 12) + 4) || (k >= 0x38 && k < 0x40); }

static uint32_t maybe(uint32_t bit, uint32_t in16) { return pick(16) < in16 ? bit : 0; }

/* Reads through registers left to chance (test_jit_diff.c's [esi+disp8])
 * may go anywhere: everywhere else maps one read-only page, so they find
 * no fault the handler would fix by writing page tables nobody meant. */
static void page_tables(struct rig *r)
{
    for (uint32_t k = 0; k < 1024; k++) {
        st32(r, PT_ANY + 4 * k, ANY_PAGE | P | US);
        st32(r, PD + 4 * k, PT_ANY | P | RW | US);
    }
    for (uint32_t k = 0; k < 256; k++)
        st32(r, PT0 + 4 * k, k << 12 | P | RW | (cpl && user_page(k) ? US : 0));
    st32(r, PD, PT0 | P | RW | US);
    st32(r, PD + 4, PT1 | maybe(P, 15) | maybe(RW, 14) | maybe(US, 14) | maybe(A, 8));
    for (uint32_t k = 0; k < WIN_PAGES; k++)
        st32(r, PT1 + 4 * k, (k == WIN_PAGES - 1 ? STACK3 : POOL + (pick(WIN_PAGES) << 12)) | maybe(P, 12)
                                 | maybe(RW, 12) | maybe(US, 12) | maybe(A, 8) | maybe(D, 8));
    if (pse)
        st32(r, PD + 8, PS | maybe(P, 14) | maybe(RW, 12) | maybe(US, 12) | maybe(A, 8) | maybe(D, 8));
    st32(r, CW_PTE, CODE_A | P | RW | US);
    st32(r, CW_PTE + 4, (CODE_A + 0x2000) | P | RW | US);
    st32(r, CW_PTE + 8, CODE_A | P | RW | US);
}

/* Routines "mov eax, imm32; add ebx, eax; ret" 16 bytes apart, with other
 * immediates in each physical version; one starts at 0xffa, so its ADD
 * straddles into the second page (whose versions have ADD EBX,EAX or
 * ADD EBX,EDX there). */
static void code_pages(struct rig *r)
{
    for (uint32_t v = 0; v < 4; v++) {
        uint8_t *pg = r->pm.ram + CODE_A + (v << 12);
        for (uint32_t k = (v & 2) ? 1 : 0; k < 8; k++) {
            pg[16 * k] = 0xb8;
            st32le(pg + 16 * k + 1, rnd());
            pg[16 * k + 5] = 0x01; pg[16 * k + 6] = 0xc3; pg[16 * k + 7] = 0xc3;
        }
        if (v & 2) { pg[0] = (uint8_t)(v & 1 ? 0xd3 : 0xc3); pg[1] = 0xc3; }
        else { pg[0xffa] = 0xb8; st32le(pg + 0xffb, rnd()); pg[0xfff] = 0x01; }
    }
}

static void paging_start(struct rig *r, struct prog *p)
{
    rig_clear(r);
    cpl = pick(2) ? 3 : 0;
    pse = (int)pick(2);
    sys_enter(r, cpl);
    page_tables(r);
    code_pages(r);
    struct cpu *c = &r->cpu;
    c->cr0 |= CR0_PG | (pick(2) ? CR0_WP : 0);
    c->cr3 = PD;
    c->cr4 = pse ? CR4_PSE : 0;
    for (int k = 0; k < 8; k++) if (k != R_ESP) c->reg[k] = value();
    if (cpl && pick(2)) c->reg[R_ESP] = WIN + 0xf800 + 4 * pick(0x100);   /* pushes may fault */
    c->eflags = (rnd() & F_ARITH) | 2;
    cpu_update_mode(c);
    for (uint32_t k = 0; k < WIN_PAGES << 12; k++) r->pm.ram[POOL + k] = (uint8_t)rnd();
    p->len = 0;
    p->base = CODE;
    p->code16 = 0;
}

static void paging_end(struct rig *r, struct prog *p)
{
    if (cpl) { put(p, 0xcd); put(p, 0x31); }
    else put(p, 0xf4);
    load_prog(r, p, CODE);
}

/* The 4 KiB the generator's memory operands use: half the time page
 * aligned, so its accesses at +4093..4095 cross into a page mapped
 * elsewhere. */
static uint32_t some_data(void)
{
    uint32_t off = pick(2) ? pick(DATA_PAGES - 1) << 12 : pick((DATA_PAGES - 1) * 4096);
    return (pse && !pick(4) ? BIG + POOL : WIN) + off;
}

/* Ring 0: page table edits followed by INVLPG or a CR3 reload, CR0.WP flips. */
static void gen_pt_edit(struct prog *p)
{
    static const uint32_t bits[] = { P, RW, US, A, D };
    uint32_t k = pick(WIN_PAGES);
    if (pick(6)) {
        put(p, 0x81); put(p, 0x35); put32(p, PT1 + 4 * k); put32(p, bits[pick(5)]);   /* xor [pte], bit */
        if (pick(3)) { put(p, 0x0f); put(p, 0x01); put(p, 0x3d); put32(p, WIN + (k << 12) + pick(4096)); return; }
    } else {
        put(p, 0x81); put(p, 0x35); put32(p, PD + 4 * (1 + pick(1 + (uint32_t)pse))); put32(p, bits[pick(3)]);
    }
    putn(p, (const uint8_t[]){ 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8 }, 6);     /* mov eax,cr3; mov cr3,eax */
}

/* #DE, #UD and (ring 3) #GP, each skipped by its handler. */
static void gen_faults(struct prog *p)
{
    switch (pick(cpl ? 6 : 3)) {
    case 0: faulting(p, (const uint8_t[]){ 0xf7, (uint8_t)(0xf0 | pick(2) << 3 | gpr()) }, 2); break;  /* DIV/IDIV */
    case 1: faulting(p, (const uint8_t[]){ 0x0f, 0x0b }, 2); break;                               /* UD2 */
    case 2:
        if (pick(2)) faulting(p, (const uint8_t[]){ 0xf7, 0x35, 0, 0, 0, 0 }, 6);               /* DIV [m] */
        else faulting(p, (const uint8_t[]){ 0xd9, 0x3d, 0, 0, 0, 0 }, 6);   /* FNSTCW [m]: an x87 handler that page-faults */
        memcpy(&p->b[p->len - 4], &(uint32_t){ some_data() }, 4);
        break;
    case 3: faulting(p, (const uint8_t[]){ pick(2) ? 0xfa : 0xf4 }, 1); break;                    /* CLI, HLT */
    case 4: faulting(p, (const uint8_t[]){ 0x0f, 0x20, 0xd8 }, 3); break;                         /* MOV EAX,CR3 */
    default: faulting(p, (const uint8_t[]){ 0xe6, PORT_EOI }, 2);                                 /* OUT */
    }
}

/* A call into the switched code pages (direct: a call to another page,
 * or through EAX), a switch of their mappings (ring 0) with INVLPG or a
 * CR3 reload, or a store through the alias into a routine's immediate. */
static void gen_code_window(struct prog *p)
{
    static const uint32_t entry[] = { 0, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xffa, 0x1010, 0x1020, 0x1070 };
    uint32_t to = CW + entry[pick(sizeof entry / sizeof entry[0])], pte = pick(2);
    switch (pick(cpl ? 3 : 5)) {
    case 0: put(p, 0xe8); put32(p, to - (here(p) + 4)); break;
    case 1: put(p, 0xb8); put32(p, to); put(p, 0xff); put(p, 0xd0); break;
    case 2: put(p, 0xc7); put(p, 0x05); put32(p, CW + 0x2000 + 16 * pick(8) + 1); put32(p, value()); break;
    default:
        put(p, 0x81); put(p, 0x35); put32(p, CW_PTE + 4 * pte); put32(p, 0x1000);   /* xor [pte], 4 KiB */
        if (pick(2)) { put(p, 0x0f); put(p, 0x01); put(p, 0x3d); put32(p, CW + (pte << 12) + pick(4096)); }
        else putn(p, (const uint8_t[]){ 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8 }, 6);
    }
}

static void gen_paging_extra(struct prog *p)
{
    uint32_t k = pick(8);
    if (k < 3) gen_code_window(p);
    else if (!cpl && k < 5) gen_pt_edit(p);
    else gen_faults(p);
}

void build_paging(struct rig *r, struct prog *p)
{
    paging_start(r, p);
    for (int k = 0; k < PROG_INSNS && room(p); k++) {
        data_base = some_data();
        uint32_t what = pick(20);
        if (what == 0) gen_loop(p);
        else if (what == 1) gen_call(p);
        else if (what < 5) gen_paging_extra(p);
        else gen_one(p, 0);
    }
    paging_end(r, p);
}

/* ---- strings ---- */

/* One string instruction with its set-up: DF, ECX (0, small, or enough to
 * cross pages), ESI and EDI inside the data pages (overlapping now and
 * then), EAX, a segment override on the source, REP/REPE/REPNE. */
static void gen_string(struct prog *p)
{
    static const uint8_t ops[] = { 0xa4, 0xaa, 0xac, 0xae, 0xa6 };   /* MOVS STOS LODS SCAS CMPS */
    int op = (int)pick(5), size = 1 << pick(3), rep = pick(4) ? 1 + (int)(pick(8) == 0) : 0;
    uint32_t count = !pick(6) ? 0 : pick(2) ? 1 + pick(16) : 16 + pick(0x3000u / (uint32_t)size);
    uint32_t total = rep ? count * (uint32_t)size : (uint32_t)size, win = pse && !pick(3) ? BIG + POOL : WIN;
    int df = (int)pick(2);
    if (total < (uint32_t)size) total = (uint32_t)size;
    uint32_t span = DATA_PAGES << 12;
    uint32_t lo = df ? win + total - (uint32_t)size : win, hi = df ? win + span - (uint32_t)size : win + span - total;
    uint32_t esi = lo + pick(hi - lo + 1), edi = lo + pick(hi - lo + 1);
    if (!pick(3)) {                                 /* overlapping */
        uint32_t e = esi + pick(33) - 16;
        if (e >= lo && e <= hi) edi = e;
    }
    put(p, df ? 0xfd : 0xfc);
    put(p, 0xb9); put32(p, count);
    put(p, 0xbe); put32(p, esi);
    put(p, 0xbf); put32(p, edi);
    if (pick(2)) { put(p, 0xb8); put32(p, value()); }
    if ((op == 0 || op >= 2) && op != 3 && !pick(4)) put(p, pick(2) ? 0x64 : 0x2e);
    if (size == 2) put(p, 0x66);
    if (rep) put(p, rep == 1 ? 0xf3 : 0xf2);
    put(p, (uint8_t)(ops[op] + (size > 1)));
    if (pick(2)) put(p, 0xfc);
}

void build_string(struct rig *r, struct prog *p)
{
    paging_start(r, p);
    for (int k = 0; k < PROG_INSNS / 4 && room(p); k++) {
        data_base = some_data();
        uint32_t what = pick(10);
        if (what < 5) gen_string(p);
        else if (what == 5) gen_paging_extra(p);
        else gen_one(p, 1);
    }
    paging_end(r, p);
}
