/* -d tracing (see trace.h). Formats are QEMU 7.2's, checked against its
 * output for the same guest code. */
#include "trace.h"
#include "options.h"
#include "../cpu/cpu.h"
#include "../jit/jit.h"
#include <capstone/capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct tracer {
    FILE *f;
    int own_file;
    uint32_t mask;
    csh cs[3];                  /* [0] 16-bit code, [1] 32-bit code, [2] the host's (out_asm) */
    int cs_ok[3];
    uint64_t *seen;             /* in_asm: open-addressed set of key + 1, 0 = empty */
    size_t seen_cap, seen_len;
    unsigned nint;              /* QEMU numbers its protected-mode interrupt lines */
};

/* ---- -d cpu ---- */

static const char *const seg_names[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static const char *const sys_type_names[16] = {
    "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate",
    "IntGate16", "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
    "CallGate32", "Reserved", "IntGate32", "TrapGate32",
};

static void dump_seg(FILE *f, const char *name, const struct seg *s, int pe)
{
    unsigned fl = s->flags, type = SEGF_TYPE(fl);
    /* QEMU prints the descriptor's high dword, bits 8..23. */
    fprintf(f, "%-3s=%04x %08x %08x %08x", name, s->sel, s->base, s->limit, (uint32_t)fl << 8);
    if (pe && SEGF_P(fl)) {
        fprintf(f, " DPL=%u ", SEGF_DPL(fl));
        if (!SEGF_S(fl))
            fputs(sys_type_names[type], f);
        else if (type & 8)
            fprintf(f, "%s [%c%c%c]", SEGF_DB(fl) ? "CS32" : "CS16", type & 4 ? 'C' : '-',
                    type & 2 ? 'R' : '-', type & 1 ? 'A' : '-');
        else
            fprintf(f, "%s [%c%c%c]", SEGF_DB(fl) ? "DS  " : "DS16", type & 4 ? 'E' : '-',
                    type & 2 ? 'W' : '-', type & 1 ? 'A' : '-');
    }
    fputc('\n', f);
}

static const struct { uint32_t bit; char letter; } flag_letters[] = {
    { F_DF, 'D' }, { F_OF, 'O' }, { F_SF, 'S' }, { F_ZF, 'Z' }, { F_AF, 'A' }, { F_PF, 'P' }, { F_CF, 'C' },
};
#define N_FLAG_LETTERS (sizeof flag_letters / sizeof flag_letters[0])

void trace_dump_cpu(FILE *f, struct cpu *cpu)
{
    const uint32_t *r = cpu->reg;
    uint32_t efl = cpu_get_eflags(cpu);
    char letters[N_FLAG_LETTERS + 1];
    for (size_t i = 0; i < N_FLAG_LETTERS; i++)
        letters[i] = (efl & flag_letters[i].bit) ? flag_letters[i].letter : '-';
    letters[N_FLAG_LETTERS] = '\0';

    fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", r[R_EAX], r[R_EBX], r[R_ECX], r[R_EDX]);
    fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", r[R_ESI], r[R_EDI], r[R_EBP], r[R_ESP]);
    fprintf(f, "EIP=%08x EFL=%08x [%s] CPL=%d II=%d A20=%d SMM=0 HLT=%d\n", cpu->eip, efl, letters,
            cpu->cpl, cpu->inhibit_irq ? 1 : 0, (int)((cpu->pm->a20_mask >> 20) & 1), cpu->halted ? 1 : 0);
    for (int s = S_ES; s <= S_GS; s++)
        dump_seg(f, seg_names[s], &cpu->seg[s], cpu->pmode);
    dump_seg(f, "LDT", &cpu->ldtr, cpu->pmode);
    dump_seg(f, "TR", &cpu->tr, cpu->pmode);
    fprintf(f, "GDT=     %08x %08x\n", cpu->gdtr.base, cpu->gdtr.limit);
    fprintf(f, "IDT=     %08x %08x\n", cpu->idtr.base, cpu->idtr.limit);
    fprintf(f, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", cpu->cr0, cpu->cr2, cpu->cr3, cpu->cr4);
    fprintf(f, "DR0=%08x DR1=%08x DR2=%08x DR3=%08x \n", cpu->dr[0], cpu->dr[1], cpu->dr[2], cpu->dr[3]);
    fprintf(f, "DR6=%08x DR7=%08x\n", cpu->dr[6], cpu->dr[7]);
    /* relic's lazy flags do not map onto QEMU's cc_op; see trace.h. */
    fprintf(f, "CCS=00000000 CCD=00000000 CCO=EFLAGS\n");
    fprintf(f, "EFER=%016" PRIx64 "\n", (uint64_t)0);
}

/* ---- -d in_asm ---- */

/* Records key; returns 1 if it was new. */
static int seen_insert(struct tracer *t, uint64_t key)
{
    if (2 * (t->seen_len + 1) > t->seen_cap) {
        size_t ncap = t->seen_cap ? 2 * t->seen_cap : 4096;
        uint64_t *n = calloc(ncap, sizeof *n);
        if (!n)
            return 1;                       /* no memory: print it again, lose nothing */
        for (size_t i = 0; i < t->seen_cap; i++)
            if (t->seen[i]) {
                size_t j = (size_t)(t->seen[i] * 0x9e3779b97f4a7c15ull >> 40) & (ncap - 1);
                while (n[j])
                    j = (j + 1) & (ncap - 1);
                n[j] = t->seen[i];
            }
        free(t->seen);
        t->seen = n;
        t->seen_cap = ncap;
    }
    uint64_t k = key + 1;
    size_t j = (size_t)(k * 0x9e3779b97f4a7c15ull >> 40) & (t->seen_cap - 1);
    while (t->seen[j]) {
        if (t->seen[j] == k)
            return 0;
        j = (j + 1) & (t->seen_cap - 1);
    }
    t->seen[j] = k;
    t->seen_len++;
    return 1;
}

/* One instruction as QEMU lays it out: address, up to eight bytes padded to
 * a column, mnemonic padded to eight, operands; further bytes on
 * continuation lines of their own. */
static void print_insn_lines(FILE *f, uint64_t addr, const uint8_t *bytes, size_t len,
                             const char *mnemonic, const char *ops)
{
    char col[8 * 3 + 1];
    size_t first = len < 8 ? len : 8, pos = 0;
    for (size_t i = 0; i < first; i++)
        pos += (size_t)snprintf(col + pos, sizeof col - pos, "%02x ", bytes[i]);
    fprintf(f, "0x%08" PRIx64 ":  %-24s %-8s %s\n", addr, col, mnemonic, ops);
    for (size_t i = first; i < len; i += 8) {
        fprintf(f, "0x%08" PRIx64 ":  %02x", addr + i, bytes[i]);
        for (size_t j = i + 1; j < len && j < i + 8; j++)
            fprintf(f, " %02x", bytes[j]);
        fputc('\n', f);
    }
}

static void trace_in_asm(struct tracer *t, struct cpu *cpu, uint32_t lin)
{
    int mode = cpu->code32 ? 1 : 0;
    if (!seen_insert(t, (uint64_t)lin | (uint64_t)mode << 32))
        return;
    uint8_t buf[15];
    size_t n = cpu_peek_lin(cpu, lin, buf, sizeof buf);
    fprintf(t->f, "----------------\nIN: \n");
    cs_insn *insn = NULL;
    if (n && t->cs_ok[mode] && cs_disasm(t->cs[mode], buf, n, lin, 1, &insn) == 1) {
        print_insn_lines(t->f, lin, insn->bytes, insn->size, insn->mnemonic, insn->op_str);
        cs_free(insn, 1);
    } else if (n) {
        char op[8];
        snprintf(op, sizeof op, "0x%02x", buf[0]);
        print_insn_lines(t->f, lin, buf, 1, ".byte", op);
    } else {
        fprintf(t->f, "0x%08x:  (not mapped)\n", lin);
    }
    fputc('\n', t->f);
}

/* ---- -d out_asm ---- */

/* QEMU's layout: a size line, the guest address, the host code. relic's
 * translator records no per-instruction boundaries, so the block's code is
 * one chunk; the chain slots after it are not code and are left out. */
static void hook_out_asm(void *opaque, uint32_t cs_base, uint32_t eip, uint32_t phys,
                         const uint8_t *code, size_t len)
{
    struct tracer *t = opaque;
    (void)phys;
    fprintf(t->f, "OUT: [size=%zu]\n  -- guest addr 0x%08x + tb prologue\n", len, cs_base + eip);
    cs_insn *insn = NULL;
    size_t n = t->cs_ok[2] ? cs_disasm(t->cs[2], code, len, (uint64_t)(uintptr_t)code, 0, &insn) : 0;
    for (size_t i = 0; i < n; i++)
        print_insn_lines(t->f, insn[i].address, insn[i].bytes, insn[i].size, insn[i].mnemonic, insn[i].op_str);
    if (n)
        cs_free(insn, n);
    else
        fprintf(t->f, "0x%08" PRIx64 ":  (%zu bytes, no disassembler)\n", (uint64_t)(uintptr_t)code, len);
    fputc('\n', t->f);
}

/* ---- -d jit, info jit ---- */

#define TOP_HELPERS 10

static double share(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void trace_dump_jit(FILE *f, const struct cpu *cpu)
{
    const struct jit_stats *s = jit_get_stats(cpu);
    if (!s) {
        fprintf(f, "Translator information is only available with -accel jit "
                "(the interpreter runs this machine).\n");
        return;
    }
    uint64_t exits = s->exits_chained + s->exits_jump_cache + s->exits_dispatcher;
    fprintf(f, "Translator state:\n");
    fprintf(f, "blocks translated    %" PRIu64 "\n", s->blocks_translated);
    fprintf(f, "code buffer flushes  %" PRIu64 "\n", s->code_flushes);
    fprintf(f, "invalidations        %" PRIu64 "\n", s->invalidations);
    fprintf(f, "\nBlock exits:         %" PRIu64 "\n", exits);
    fprintf(f, "chained              %" PRIu64 " (%.1f%%)\n", s->exits_chained, share(s->exits_chained, exits));
    fprintf(f, "jump cache           %" PRIu64 " (%.1f%%)\n", s->exits_jump_cache, share(s->exits_jump_cache, exits));
    fprintf(f, "dispatcher           %" PRIu64 " (%.1f%%)\n", s->exits_dispatcher, share(s->exits_dispatcher, exits));
    fprintf(f, "\nStatistics:\n");
    fprintf(f, "helper calls         %" PRIu64 "\n", s->helper_calls);
    fprintf(f, "interpreter blocks   %" PRIu64 "\n", s->interp_blocks);
    const char *names[TOP_HELPERS];
    uint64_t counts[TOP_HELPERS];
    size_t n = jit_helper_counts(cpu, names, counts, TOP_HELPERS);
    if (n)
        fprintf(f, "\nCommonest helpers:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%-20s %" PRIu64 " (%.1f%%)\n", names[i], counts[i], share(counts[i], s->helper_calls));
}

/* ---- hooks ---- */

static void hook_insn(void *opaque, struct cpu *cpu)
{
    struct tracer *t = opaque;
    uint32_t lin = cpu->seg[S_CS].base + cpu->eip;
    if (t->mask & LOG_IN_ASM)
        trace_in_asm(t, cpu, lin);
    if (t->mask & LOG_EXEC)
        fprintf(t->f, "Trace 0: [%08x/%08x/%08x] \n", cpu->seg[S_CS].base, lin,
                (uint32_t)cpu->cpl | (uint32_t)cpu->code32 << 8 | (uint32_t)cpu->pmode << 16 |
                (uint32_t)cpu->v86 << 24);
    if (t->mask & LOG_CPU)
        trace_dump_cpu(t->f, cpu);
}

/* Whether the instruction at insn_eip is INT n / INT3 / INTO raising vec:
 * QEMU marks those i=1 and prints no check_exception line for them. */
static int is_software_int(struct cpu *cpu, int vec)
{
    uint8_t b[15];
    size_t n = cpu_peek_lin(cpu, cpu->seg[S_CS].base + cpu->insn_eip, b, sizeof b), i = 0;
    static const uint8_t prefixes[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3 };
    while (i < n && memchr(prefixes, b[i], sizeof prefixes))
        i++;
    if (i >= n)
        return 0;
    return (b[i] == 0xcd && i + 1 < n && b[i + 1] == vec) || (b[i] == 0xcc && vec == EX_BP) ||
           (b[i] == 0xce && vec == EX_OF);
}

/* The exception being delivered when this one arose, 0xffffffff if none.
 * The CPU has already made vec its current one when it calls the hook, so
 * an equal last_vector says nothing about the old one. */
static unsigned old_exception(const struct cpu *cpu, int vec)
{
    return cpu->last_vector < 0 || cpu->last_vector == vec ? 0xffffffffu : (unsigned)cpu->last_vector;
}

static void hook_int(void *opaque, struct cpu *cpu, int vec, int is_hw, uint32_t err, int has_err)
{
    struct tracer *t = opaque;
    int soft = !is_hw && is_software_int(cpu, vec);
    if (is_hw)
        fprintf(t->f, "Servicing hardware INT=0x%02x\n", vec);
    else if (!soft)
        fprintf(t->f, "check_exception old: 0x%x new 0x%x\n", old_exception(cpu, vec), vec);
    if (!cpu->pmode)
        return;                             /* QEMU logs no more for real mode */
    /* A hardware interrupt comes between instructions: EIP is the next one. */
    uint32_t eip = is_hw ? cpu->eip : cpu->insn_eip;
    fprintf(t->f, "%6u: v=%02x e=%04x i=%d cpl=%d IP=%04x:%08x pc=%08x SP=%04x:%08x",
            t->nint++, vec, has_err ? err : 0, soft, cpu->cpl, cpu->seg[S_CS].sel, eip,
            cpu->seg[S_CS].base + eip, cpu->seg[S_SS].sel, cpu->reg[R_ESP]);
    if (vec == EX_PF)
        fprintf(t->f, " CR2=%08x\n", cpu->cr2);
    else
        fprintf(t->f, " env->regs[R_EAX]=%08x\n", cpu->reg[R_EAX]);
    trace_dump_cpu(t->f, cpu);
}

static void hook_io(void *opaque, uint16_t port, uint32_t val, int size, int write)
{
    struct tracer *t = opaque;
    char sz = size == 1 ? 'b' : size == 2 ? 'w' : 'l';
    fprintf(t->f, "ioport: %s%c%s 0x%04x %s 0x%0*x\n", write ? "out" : "in", sz, write ? "" : " ",
            port, write ? "<-" : "->", size * 2, val);
}

void trace_post_code(void *opaque, uint8_t code)
{
    struct tracer *t = opaque;
    fprintf(t->f, "POST: 0x%02x\n", code);
}

/* ---- lifetime ---- */

struct tracer *trace_create(uint32_t mask, const char *path, char *err, size_t errlen)
{
    struct tracer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->mask = mask;
    t->f = stderr;
    if (path) {
        t->f = fopen(path, "w");
        if (!t->f) {
            snprintf(err, errlen, "cannot open log file '%s': %s", path, strerror(errno));
            free(t);
            return NULL;
        }
        t->own_file = 1;
    }
    static const cs_mode modes[3] = { CS_MODE_16, CS_MODE_32, CS_MODE_64 };
    for (int i = 0; i < 3; i++) {
        if (!(mask & (i < 2 ? LOG_IN_ASM : LOG_OUT_ASM)))
            continue;
        t->cs_ok[i] = cs_open(CS_ARCH_X86, modes[i], &t->cs[i]) == CS_ERR_OK;
        if (t->cs_ok[i]) {
            cs_option(t->cs[i], CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
            cs_option(t->cs[i], CS_OPT_SKIPDATA, CS_OPT_ON);
        }
    }
    return t;
}

void trace_attach(struct tracer *t, struct cpu *cpu, struct iobus *io)
{
    cpu->trace_opaque = t;
    cpu->trace_flags = t->mask;
    if (t->mask & (LOG_IN_ASM | LOG_CPU | LOG_EXEC))
        cpu->trace_insn = hook_insn;
    if (t->mask & LOG_INT)
        cpu->trace_int = hook_int;
    if (t->mask & LOG_OUT_ASM)
        jit_set_out_asm(cpu, hook_out_asm, t);
    if (t->mask & LOG_IOPORT) {
        io->trace = hook_io;
        io->trace_opaque = t;
    }
}

void trace_finish(struct tracer *t, const struct cpu *cpu)
{
    if (!t)
        return;
    if (t->mask & LOG_JIT)
        trace_dump_jit(t->f, cpu);
    fflush(t->f);
}

void trace_free(struct tracer *t)
{
    if (!t)
        return;
    for (int i = 0; i < 3; i++)
        if (t->cs_ok[i])
            cs_close(&t->cs[i]);
    if (t->own_file)
        fclose(t->f);
    else
        fflush(t->f);
    free(t->seen);
    free(t);
}
