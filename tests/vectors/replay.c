/* Replays the reference vectors recorded from a real CPU (tests/vectors/
 * *.vec.gz, see FORMAT.md) through relic's interpreter: each vector's
 * instruction runs once in 32-bit flat protected mode, and every register,
 * flag (under the recorded undefined-flag mask), memory byte and x87 bit is
 * compared. Transcendentals may differ from the recorded CPU by one unit in
 * the last place (and in C1/PE, which follow the rounding): relic rounds
 * them correctly and tests/unit/f80_ulp_check.c shows the recorded CPU is
 * the one that is off in those cases; such vectors are counted apart.
 * With --jit the translator (src/jit) runs them instead, so the same
 * recorded values check it.
 *   replay [-v] [--jit] FILE.vec.gz...   final line: N passed, N failed */
#include "cpu/exec.h"
#include "jit/jit.h"
#include "../unit/flat32.h"
#include "vecfile.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static struct physmem pm;
static struct iobus io;
static struct cpu cpu;
static int verbose;
static int seen_vector = -1;   /* first interrupt or exception the instruction raised */

static void note_int(void *opaque, struct cpu *c, int vec, int is_hw, uint32_t err, int has_err)
{
    (void)opaque; (void)c; (void)is_hw; (void)err; (void)has_err;
    if (seen_vector < 0) seen_vector = vec;
}

static void machine_setup(void)
{
    if (phys_init(&pm, 4u << 20) || io_init(&io) || cpu_init(&cpu, &pm, &io)) {
        fprintf(stderr, "replay: out of memory\n");
        exit(1);
    }
    cpu.trace_int = note_int;
    flat32_tables(&pm);
}

static void load_state(const struct vector *v)
{
    struct cpu *c = &cpu;
    flat32_enter(c);
    seen_vector = -1;
    memcpy(c->reg, v->gpr_in, sizeof c->reg);
    c->eip = v->eip_in;
    c->eflags = (v->eflags_in & VEC_EFLAGS_MASK) | 2;
    c->lf_op = LF_NONE;
    cpu_update_mode(c);
    phys_load(&pm, v->eip_in, v->bytes, v->len);
    if (v->mem_len)
        phys_load(&pm, v->mem_addr, v->mem_in, v->mem_len);
    if (v->has_fpu) {
        const struct vec_fpu *f = &v->fpu_in;
        c->fpu.cw = f->cw;
        c->fpu.sw = f->sw & ~0x3800u;
        c->fpu.top = (f->sw >> 11) & 7;
        c->fpu.tw = f->tw;
        for (int p = 0; p < 8; p++) {
            c->fpu.st[p].sig = f->reg[p].mant;
            c->fpu.st[p].se = f->reg[p].sexp;
        }
    }
}

static void run_one(void)
{
    /* a budget of 1 runs one REP iteration, which stays on the REP; a fault ends at its stub */
    for (int n = 0; n < 100000; n++) {
        cpu_run(&cpu, 1);
        if (cpu.eip != VEC_CODE_EIP || cpu.halted || cpu.shutdown)
            return;
    }
}

static int is_trans(const char *name)
{
    static const char *t[] = { "f2xm1", "fyl2x", "fyl2xp1", "fsin", "fcos", "fsincos", "fptan", "fpatan" };
    for (unsigned k = 0; k < sizeof t / sizeof t[0]; k++) {
        size_t l = strlen(t[k]);
        if (!strncmp(name, t[k], l) && (name[l] == ':' || name[l] == 0)) return 1;
    }
    return 0;
}

/* |a - b| <= 1 unit in the last place, same sign and exponent neighbourhood. */
static int within_ulp(struct vec_f80 a, struct fpreg b)
{
    if (a.sexp == b.se && (a.mant - b.sig + 1 <= 2)) return 1;
    /* across a binade boundary: compare as integers of (exponent, significand) */
    if ((a.sexp >> 15) != (b.se >> 15)) return 0;
    uint64_t ea = a.sexp & 0x7fff, eb = b.se & 0x7fff;
    if (ea + 1 == eb) return a.mant == ~0ull && b.sig == 0x8000000000000000ull;
    if (eb + 1 == ea) return b.sig == ~0ull && a.mant == 0x8000000000000000ull;
    return 0;
}

struct result { int fail; int ulp; };

static void report(const struct vector *v, const char *what, uint64_t want, uint64_t got)
{
    if (verbose)
        printf("  line %lu %s: %s expected %llx got %llx\n", v->lineno, v->name, what,
               (unsigned long long)want, (unsigned long long)got);
}

static struct result check(const struct vector *v)
{
    struct cpu *c = &cpu;
    struct result r = { 0, 0 };
    if (v->exception != VEC_NO_EXCEPTION) {
        /* the vector counts, not its delivery: a random ESP may make the frame push fault */
        if (seen_vector != v->exception) { report(v, "exception vector", (uint64_t)v->exception, (uint64_t)seen_vector); r.fail = 1; }
        for (int k = 0; k < 8; k++)
            if (k != R_ESP && c->reg[k] != v->gpr_in[k]) { report(v, "gpr after fault", v->gpr_in[k], c->reg[k]); r.fail = 1; }
        return r;
    }
    if (seen_vector >= 0) { report(v, "unexpected exception", 0, (uint64_t)seen_vector); r.fail = 1; }
    if (c->eip != v->eip_out) { report(v, "eip", v->eip_out, c->eip); r.fail = 1; }
    for (int k = 0; k < 8; k++)
        if (!(v->out_undef & VEC_UNDEF_GPR(k)) && c->reg[k] != v->gpr_out[k]) {
            report(v, "gpr", v->gpr_out[k], c->reg[k]);
            r.fail = 1;
        }
    uint32_t fm = VEC_EFLAGS_MASK & ~v->eflags_undef;
    uint32_t fl = cpu_get_eflags(c);
    if ((fl & fm) != (v->eflags_out & fm)) { report(v, "eflags", v->eflags_out & fm, fl & fm); r.fail = 1; }
    if (v->mem_len && !(v->out_undef & VEC_UNDEF_MEM))
        for (unsigned k = 0; k < v->mem_len; k++) {
            uint8_t b = (uint8_t)phys_read(&pm, v->mem_addr + k, 1);
            if (b != v->mem_out[k]) { report(v, "memory byte", v->mem_out[k], b); r.fail = 1; break; }
        }
    if (!v->has_fpu)
        return r;
    const struct vec_fpu *f = &v->fpu_out;
    int trans = is_trans(v->name);
    uint16_t sw = (uint16_t)((c->fpu.sw & ~0x3800u) | (c->fpu.top & 7) << 11);
    uint16_t swm = (uint16_t)~v->fsw_undef;
    if (trans) swm &= (uint16_t)~(0x200 | 0x20);    /* C1 and PE follow the last-bit rounding */
    int undef_regs = (v->out_undef & VEC_UNDEF_FPREGS) != 0;
    /* an undefined result (operand outside the documented domain) leaves its
     * exception flags, summary bits and tag undefined too */
    if (undef_regs) swm &= (uint16_t)~0x80ffu;
    if (c->fpu.cw != f->cw) { report(v, "fpu cw", f->cw, c->fpu.cw); r.fail = 1; }
    if ((sw & swm) != (f->sw & swm)) { report(v, "fpu sw", f->sw & swm, sw & swm); r.fail = 1; }
    if (!undef_regs && c->fpu.tw != f->tw) { report(v, "fpu tw", f->tw, c->fpu.tw); r.fail = 1; }
    if (!undef_regs)
        for (int p = 0; p < 8; p++) {
            if (!(f->valid & (1u << p))) continue;
            const struct fpreg *g = &c->fpu.st[p];
            if (g->sig == f->reg[p].mant && g->se == f->reg[p].sexp) continue;
            if (trans && within_ulp(f->reg[p], *g)) { r.ulp = 1; continue; }
            report(v, "fpu reg sig", f->reg[p].mant, g->sig);
            report(v, "fpu reg se", f->reg[p].sexp, g->se);
            r.fail = 1;
        }
    if (trans && (sw & 0x220) != (f->sw & 0x220) && !r.fail) r.ulp = 1;
    return r;
}

int main(int argc, char **argv)
{
    long passed = 0, failed = 0, ulp = 0;
    machine_setup();
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "-v")) { verbose = 1; continue; }
        if (!strcmp(argv[a], "--jit")) {
            char err[200];
            if (!jit_available()) { printf("SKIP: no translator backend on this host\n"); return 77; }
            if (jit_attach(&cpu, err, sizeof err) < 0) { fprintf(stderr, "replay: %s\n", err); return 1; }
            continue;
        }
        struct vecfile vf;
        if (vec_open(&vf, argv[a]) < 0) {
            fprintf(stderr, "replay: cannot read %s\n", argv[a]);
            return 1;
        }
        struct vector v;
        long fp = 0, ff = 0, fu = 0;
        int st;
        while ((st = vec_next(&vf, &v)) > 0) {
            load_state(&v);
            run_one();
            struct result r = check(&v);
            if (r.fail) {
                ff++;
                if (ff <= 5 && !verbose) printf("FAIL %s line %lu %s\n", argv[a], v.lineno, v.name);
            } else {
                fp++;
                fu += r.ulp;
            }
            /* leave the window as zeros for the next vector */
            if (v.mem_len) {
                uint8_t z[VEC_MAX_MEM] = { 0 };
                phys_load(&pm, v.mem_addr, z, v.mem_len);
            }
        }
        vec_close(&vf);
        if (st < 0) {
            printf("FAIL %s: malformed vector line\n", argv[a]);
            ff++;
        }
        printf("%s: %ld passed, %ld failed%s", argv[a], fp, ff, fu ? "" : "\n");
        if (fu) printf(" (%ld transcendental results 1 ulp from the recorded CPU)\n", fu);
        passed += fp;
        failed += ff;
        ulp += fu;
    }
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}
