/* CPUID: what relic's CPU reports about itself. The rule is to report only
 * what is implemented, so guests never pick a path relic cannot run.
 *
 * Identity: GenuineIntel, family 6 model 1 stepping 9 (Pentium Pro), the
 * same signature cpu_reset() leaves in EDX. Leaf 1 EDX features:
 *   FPU   x87 on chip                          (x87.c)
 *   DE    CR4.DE: DR4/DR5 #UD, I/O breakpoints (ops_sys.c, debug.c)
 *   PSE   4 MiB pages                           (mmu/paging.c)
 *   TSC   RDTSC, CR4.TSD                        (ops_sys.c)
 *   MSR   RDMSR/WRMSR (TSC, PLATFORM_ID, BIOS_SIGN_ID only)
 *   CX8   CMPXCHG8B                             (ops_alu.c)
 *   PGE   global pages, CR4.PGE                 (mmu/paging.c)
 *   CMOV  CMOVcc (and FCMOVcc/FCOMI with FPU)   (ops_alu.c, x87.c)
 *   FXSR  FXSAVE/FXRSTOR, CR4.OSFXSR            (x87.c)
 * Not reported, because not implemented: VME, PAE, MCE, APIC, SEP, MTRR,
 * MCA, PAT, PSE-36, MMX, SSE and later. (The real Pentium Pro sets SEP
 * without supporting it; relic does not repeat that.) */
#include "ops.h"

enum {
    FEAT_FPU = 1u << 0, FEAT_DE = 1u << 2, FEAT_PSE = 1u << 3, FEAT_TSC = 1u << 4,
    FEAT_MSR = 1u << 5, FEAT_CX8 = 1u << 8, FEAT_PGE = 1u << 13, FEAT_CMOV = 1u << 15,
    FEAT_FXSR = 1u << 24,
};

struct cpuid_leaf { uint32_t eax, ebx, ecx, edx; };

/* Leaf 2 descriptor bytes (AL = 1: one call returns everything):
 *   01  instruction TLB, 4 KiB pages, 4-way, 32 entries
 *   02  instruction TLB, 4 MiB pages, fully associative, 2 entries
 *   03  data TLB, 4 KiB pages, 4-way, 64 entries
 *   04  data TLB, 4 MiB pages, 4-way, 8 entries
 *   06  L1 instruction cache, 8 KiB, 4-way, 32-byte lines
 *   0a  L1 data cache, 8 KiB, 2-way, 32-byte lines
 *   42  L2 cache, 256 KiB, 4-way, 32-byte lines
 * (the Pentium Pro's caches; relic does not model caches, so these only
 * tell software what sizes to tune for). */
static const struct cpuid_leaf basic_leaves[] = {
    /* 0: highest basic leaf, vendor "Genu" "ineI" "ntel" in EBX EDX ECX */
    { 2, 0x756e6547, 0x6c65746e, 0x49656e69 },
    /* 1: signature (type 0, family 6, model 1, stepping 9), no brand/APIC info, features */
    { 0x00000619, 0, 0,
      FEAT_FPU | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_CX8 | FEAT_PGE | FEAT_CMOV | FEAT_FXSR },
    /* 2: cache and TLB descriptors */
    { 0x03020101, 0, 0, 0x0a064204 },
};
#define MAX_LEAF (sizeof basic_leaves / sizeof basic_leaves[0] - 1)

OP(cpuid)
{
    uint32_t leaf = c->reg[R_EAX];
    /* a leaf above the highest one (extended leaves too: none exist) returns the highest basic leaf */
    if (leaf > MAX_LEAF) leaf = MAX_LEAF;
    const struct cpuid_leaf *l = &basic_leaves[leaf];
    c->reg[R_EAX] = l->eax;
    c->reg[R_EBX] = l->ebx;
    c->reg[R_ECX] = l->ecx;
    c->reg[R_EDX] = l->edx;
    next(c, i);
}
