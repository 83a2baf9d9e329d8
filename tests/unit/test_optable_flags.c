/* Checks the opcode table's flag columns (fl_read, fl_write, fl_undef and
 * OP_FLCOND, defined above struct opinfo in src/cpu/decode.h) against the
 * vectors recorded from a real CPU (tests/vectors/NAME.vec.gz, FORMAT.md).
 * Each vector's bytes go through relic's decoder to find the row, then:
 *  1. every arithmetic flag the CPU changed is in the row's fl_write;
 *  2. every flag of fl_write is seen to change in some vector of a row
 *     that has at least MIN_VECTORS of them (else `unseen` says why not);
 *  3. fl_undef is the undefined-flag mask the vectors carry (`u:`): the
 *     same in every vector of a row, or their union for OP_FLCOND rows,
 *     whose mask depends on the count;
 *  4. fl_read: two vectors of a row that differ only in their input flags
 *     must give the same outputs unless those flags meet fl_read. For Jcc,
 *     SETcc, CMOVcc, FCMOVcc and LOOPcc the outcome (taken, set, moved)
 *     must be a function of the fl_read flags alone, and each of those
 *     flags must be seen to change it. Statically, every row's fl_read
 *     must be what the SDM gives for its handler (`want_read`).
 * Rows no vector reaches are counted (informational) and the SDM's values
 * for the flag-touching ones are checked statically (`check_sdm_rows`).
 *   test_optable_flags [-v] VECTOR_DIR     final line: N passed, N failed */
#include "cpu/ops.h"
#include "../vectors/vecfile.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

#define FA F_ARITH
#define MIN_VECTORS 50
#define MAX_REPORTS 8     /* failing vectors printed per row and check */

static int verbose;

/* ---- the rows, found by walking every table ---- */

struct row {
    const struct opinfo *op;
    char where[16];           /* encoding: "0f a3", "f6 /4", "db e8" */
    unsigned long n;          /* vectors decoded to this row */
    uint16_t changed;         /* flags seen to change */
    uint16_t undef_or, undef_and;  /* union and intersection of the u: masks */
    uint16_t read_seen;       /* flags a vector pair proved read */
    unsigned reports;
    /* condition rows: outcomes (bit 0 false, bit 1 true) seen per
     * [loop counter ends at 0][input flags of fl_read, packed] */
    uint8_t outcome[2][64];
};

static struct row rows[1024];
static int nrows;

static void add_row(const struct opinfo *op, const char *where)
{
    if (!op->exec)
        return;
    for (int k = 0; k < nrows; k++)
        if (rows[k].op == op)
            return;   /* groups shared by two opcodes (80/82) */
    if (nrows == (int)(sizeof rows / sizeof rows[0])) {
        printf("FAIL: more rows than the test expects\n");
        exit(1);
    }
    struct row *r = &rows[nrows++];
    r->op = op;
    snprintf(r->where, sizeof r->where, "%s", where);
    r->undef_and = 0xffff;
}

static void add_table(const struct opinfo *t, const char *prefix)
{
    char w[16];
    for (int b = 0; b < 256; b++) {
        if (t[b].form & OP_X87)
            continue;   /* walked through x87_mem / x87_reg */
        if (t[b].form & OP_GROUP) {
            for (int r = 0; r < 8; r++) {
                snprintf(w, sizeof w, "%s%02x /%d", prefix, b, r);
                add_row(&t[b].group[r], w);
            }
            continue;
        }
        snprintf(w, sizeof w, "%s%02x", prefix, b);
        add_row(&t[b], w);
    }
}

static void add_all_rows(void)
{
    char w[16];
    add_table(optable_1, "");
    add_table(optable_0f, "0f ");
    for (int e = 0; e < 8; e++) {
        for (int r = 0; r < 8; r++) {
            snprintf(w, sizeof w, "%02x /%d", 0xd8 + e, r);
            add_row(&x87_mem[e][r], w);
        }
        for (int m = 0; m < 64; m++) {
            snprintf(w, sizeof w, "%02x %02x", 0xd8 + e, 0xc0 + m);
            add_row(&x87_reg[e][m], w);
        }
    }
}

static struct row *find_row(const struct opinfo *op)
{
    for (int k = 0; k < nrows; k++)
        if (rows[k].op == op)
            return &rows[k];
    return NULL;
}

static const char *flagnames(uint32_t f)
{
    static char buf[4][32];
    static int turn;
    char *s = buf[turn++ & 3];
    static const struct { uint32_t bit; const char *name; } fl[] = {
        { F_CF, "CF" }, { F_PF, "PF" }, { F_AF, "AF" }, { F_ZF, "ZF" }, { F_SF, "SF" }, { F_OF, "OF" } };
    s[0] = 0;
    for (unsigned k = 0; k < sizeof fl / sizeof fl[0]; k++)
        if (f & fl[k].bit) {
            strcat(s, s[0] ? " " : "");
            strcat(s, fl[k].name);
        }
    return s[0] ? s : "-";
}

/* ---- per-vector records for the read check ---- */

struct rec {
    uint32_t row;
    uint16_t fin, fout, undef;
    uint64_t in, out;          /* hashes of every non-flag input and output */
    unsigned long lineno;
    uint8_t file;
};

static struct rec *recs;
static size_t nrecs, caprecs;

static uint64_t hash(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t k = 0; k < n; k++)
        h = (h ^ b[k]) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_fpu(uint64_t h, const struct vec_fpu *f, uint16_t sw_undef, int regs)
{
    uint16_t w[3] = { f->cw, (uint16_t)(f->sw & ~sw_undef), f->tw };
    h = hash(h, w, sizeof w);
    for (int p = 0; regs && p < 8; p++) {
        h = hash(h, &f->reg[p].mant, sizeof f->reg[p].mant);
        h = hash(h, &f->reg[p].sexp, sizeof f->reg[p].sexp);
    }
    return h;
}

static uint64_t hash_inputs(const struct vector *v, uint64_t rowk)
{
    uint32_t df = v->eflags_in & F_DF;
    uint64_t h = hash(0xcbf29ce484222325ull, &rowk, sizeof rowk);
    h = hash(h, v->bytes, v->len);
    h = hash(h, v->gpr_in, sizeof v->gpr_in);
    h = hash(h, &df, sizeof df);
    h = hash(h, &v->mem_addr, sizeof v->mem_addr);
    h = hash(h, v->mem_in, v->mem_len);
    return v->has_fpu ? hash_fpu(h, &v->fpu_in, 0, 1) : h;
}

static uint64_t hash_outputs(const struct vector *v)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int r = 0; r < 8; r++) {
        uint32_t g = (v->out_undef & VEC_UNDEF_GPR(r)) ? 0 : v->gpr_out[r];
        h = hash(h, &g, sizeof g);
    }
    h = hash(h, &v->eip_out, sizeof v->eip_out);
    h = hash(h, &v->exception, sizeof v->exception);
    if (!(v->out_undef & VEC_UNDEF_MEM))
        h = hash(h, v->mem_out, v->mem_len);
    if (v->has_fpu)
        h = hash_fpu(h, &v->fpu_out, v->fsw_undef, !(v->out_undef & VEC_UNDEF_FPREGS));
    return h;
}

static void keep(const struct vector *v, uint32_t rowk, int file)
{
    if (nrecs == caprecs) {
        caprecs = caprecs ? 2 * caprecs : 65536;
        recs = realloc(recs, caprecs * sizeof *recs);
        if (!recs) { printf("FAIL: out of memory\n"); exit(1); }
    }
    recs[nrecs++] = (struct rec){
        .row = rowk, .fin = (uint16_t)(v->eflags_in & FA), .fout = (uint16_t)(v->eflags_out & FA),
        .undef = (uint16_t)(v->eflags_undef & FA), .in = hash_inputs(v, rowk), .out = hash_outputs(v),
        .lineno = v->lineno, .file = (uint8_t)file };
}

/* ---- checks 1 and 3 per vector, while reading ---- */

static void note_outcome(struct row *r, const struct vector *v, const struct insn *i);

struct fetch_src { const struct vector *v; };

static int fetch_vec(void *opaque, uint32_t n)
{
    const struct vector *v = ((struct fetch_src *)opaque)->v;
    return n < v->len ? v->bytes[n] : -1;
}

static const char *files[] = { "alu", "shift", "muldiv", "bit", "move", "misc", "string",
                               "x87-arith", "x87-unary", "x87-cmp", "x87-ldst", "x87-trans" };
#define NFILES (int)(sizeof files / sizeof files[0])

static int one_vector(const struct vector *v, int file)
{
    struct insn i;
    uint32_t fault_n;
    struct fetch_src src = { v };
    if (decode_insn(&i, 1, fetch_vec, &src, &fault_n) != DEC_OK || i.len != v->len || i.op == &op_ud) {
        printf("FAIL %s.vec.gz:%lu %s: relic does not decode it\n", files[file], v->lineno, v->name);
        return 1;
    }
    struct row *r = find_row(i.op);
    if (!r) {
        printf("FAIL %s.vec.gz:%lu %s: decodes to no row of the tables\n", files[file], v->lineno, v->name);
        return 1;
    }
    uint16_t changed = (uint16_t)((v->eflags_in ^ v->eflags_out) & FA);
    uint16_t undef = (uint16_t)(v->eflags_undef & FA);
    r->n++;
    r->changed |= changed;
    r->undef_or |= undef;
    r->undef_and &= undef;
    keep(v, (uint32_t)(r - rows), file);
    note_outcome(r, v, &i);
    if (!(changed & ~r->op->fl_write))
        return 0;
    if (r->reports++ < MAX_REPORTS)
        printf("FAIL %s.vec.gz:%lu %s (%s %s): changed %s, fl_write %s\n", files[file], v->lineno, v->name,
               r->where, r->op->name, flagnames(changed), flagnames(r->op->fl_write));
    return 1;
}

/* Packs the six arithmetic flags into 6 bits. */
static unsigned pack(uint32_t f)
{
    return (f & 1) | ((f >> 1) & 2) | ((f >> 2) & 4) | ((f >> 3) & 8) | ((f >> 3) & 16) | ((f >> 6) & 32);
}

static uint32_t operand_in(const struct vector *v, const struct insn *i)
{
    if (i->mod == 3)
        return v->gpr_in[i->rm] & (i->osz == 2 ? 0xffffu : 0xffffffffu);
    uint32_t x = 0;
    for (int k = i->osz - 1; k >= 0; k--)
        x = x << 8 | v->mem_in[k];
    return x;
}

static int same_f80(const struct vec_f80 *a, const struct vec_f80 *b)
{
    return a->mant == b->mant && a->sexp == b->sexp;
}

/* The outcome of a condition row's condition in this vector: 1 taken, set
 * or moved, 0 not, -1 when the vector cannot tell (a jump to the next
 * instruction, a move of the value already there). `loop_end` says the
 * counter of LOOPcc reaches 0, which also decides the outcome. */
static int cond_outcome(const struct vector *v, const struct insn *i, int *loop_end)
{
    const struct opinfo *op = i->op;
    *loop_end = 0;
    if (op->exec == ex_jcc || op->exec == ex_loope || op->exec == ex_loopne) {
        if (op->exec != ex_jcc)
            *loop_end = v->gpr_in[VEC_ECX] == 1;
        if (!i->imm)
            return -1;
        return v->eip_out != v->eip_in + v->len;
    }
    if (op->exec == ex_setcc) {
        if (i->mod != 3)
            return v->mem_out[0];
        return (int)(i->rm < 4 ? v->gpr_out[i->rm] & 0xff : (v->gpr_out[i->rm - 4] >> 8) & 0xff);
    }
    if (op->exec == ex_cmovcc) {
        uint32_t m = i->osz == 2 ? 0xffffu : 0xffffffffu, src = operand_in(v, i);
        uint32_t was = v->gpr_in[i->reg] & m, now = v->gpr_out[i->reg] & m;
        return src == was ? -1 : now == src;
    }
    if (!strncmp(op->name, "fcmov", 5)) {
        unsigned top = (v->fpu_in.sw >> 11) & 7, p0 = top, pi = (top + i->rm) & 7;
        if (!(v->fpu_in.valid >> p0 & 1) || !(v->fpu_in.valid >> pi & 1)
            || same_f80(&v->fpu_in.reg[p0], &v->fpu_in.reg[pi]))
            return -1;
        return same_f80(&v->fpu_out.reg[p0], &v->fpu_in.reg[pi]);
    }
    return -1;
}

static int is_cc_row(const struct opinfo *op);

static void note_outcome(struct row *r, const struct vector *v, const struct insn *i)
{
    int loop_end, o;
    if (!is_cc_row(r->op) || (o = cond_outcome(v, i, &loop_end)) < 0)
        return;
    r->outcome[loop_end][pack(v->eflags_in & r->op->fl_read)] |= (uint8_t)(1u << (o != 0));
}

static int read_file(const char *dir, int file, int *found)
{
    static struct vecfile vf;
    static struct vector v;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.vec.gz", dir, files[file]);
    if (vec_open(&vf, path) < 0)
        return 0;
    (*found)++;
    unsigned long n = 0, bad = 0;
    int st;
    while ((st = vec_next(&vf, &v)) == 1) {
        n++;
        bad += (unsigned long)one_vector(&v, file);
    }
    if (st < 0) {
        printf("FAIL %s: %s\n", path, vf.err);
        failed++;
    }
    vec_close(&vf);
    printf("%s.vec.gz: %lu vectors, %lu with a flag write outside fl_write or undecodable\n",
           files[file], n, bad);
    passed += (int)(n - bad);
    failed += (int)bad;
    return 1;
}

/* ---- check 2: every written flag is seen to change ---- */

/* Flags a row's vectors cannot show changing, and why: all are flags the
 * SDM leaves undefined (fl_undef) and the recorded AMD CPU keeps as they
 * were; Intel's P6 family writes them (relic's handlers do too). Each
 * entry must still be needed, or the test fails. */
#define UNDEF_KEPT "undefined, and the recorded CPU keeps them"
static struct unseen { const char *name; uint16_t flags; const char *why; int used; } unseen[] = {
    { "mul", F_SF | F_ZF | F_AF | F_PF, UNDEF_KEPT, 0 },
    { "imul", F_SF | F_ZF | F_AF | F_PF, UNDEF_KEPT, 0 },
    { "div", F_CF | F_OF, UNDEF_KEPT " (the other four change)", 0 },
    { "idiv", F_CF | F_OF, UNDEF_KEPT " (the other four change)", 0 },
    { "bt", F_OF | F_SF | F_AF | F_PF, UNDEF_KEPT, 0 },
    { "bts", F_OF | F_SF | F_AF | F_PF, UNDEF_KEPT, 0 },
    { "btr", F_OF | F_SF | F_AF | F_PF, UNDEF_KEPT, 0 },
    { "btc", F_OF | F_SF | F_AF | F_PF, UNDEF_KEPT, 0 },
};

static void check_seen(void)
{
    int rows_seen = 0;
    for (int k = 0; k < nrows; k++) {
        struct row *r = &rows[k];
        uint16_t missing = r->op->fl_write & ~r->changed;
        if (r->n < MIN_VECTORS)
            continue;
        rows_seen++;
        for (unsigned e = 0; missing && e < sizeof unseen / sizeof unseen[0]; e++)
            if (!strcmp(unseen[e].name, r->op->name) && !(missing & ~unseen[e].flags)
                && !(unseen[e].flags & ~r->op->fl_undef)) {
                unseen[e].used = 1;
                if (verbose)
                    printf("  %s %s: %s never change (%s)\n", r->where, r->op->name, flagnames(missing), unseen[e].why);
                missing = 0;
            }
        if (missing)
            printf("FAIL %s %s: %lu vectors, fl_write %s never changes\n", r->where, r->op->name, r->n,
                   flagnames(missing));
        CHECK(!missing);
    }
    for (unsigned e = 0; e < sizeof unseen / sizeof unseen[0]; e++) {
        if (!unseen[e].used)
            printf("FAIL: exception for %s %s is not needed\n", unseen[e].name, flagnames(unseen[e].flags));
        CHECK(unseen[e].used);
    }
    printf("fl_write: every flag seen to change in %d rows with %d+ vectors (%u exceptions)\n", rows_seen,
           MIN_VECTORS, (unsigned)(sizeof unseen / sizeof unseen[0]));
}

/* ---- check 3: fl_undef is the recorded mask ---- */

static void check_undef(void)
{
    for (int k = 0; k < nrows; k++) {
        const struct row *r = &rows[k];
        if (!r->n)
            continue;
        int cond = r->op->form & OP_FLCOND;
        int ok = r->undef_or == r->op->fl_undef && (cond || r->undef_and == r->undef_or);
        if (!ok)
            printf("FAIL %s %s: fl_undef %s, vectors' u: %s%s%s\n", r->where, r->op->name,
                   flagnames(r->op->fl_undef), flagnames(r->undef_or),
                   r->undef_and != r->undef_or ? " in some, in all " : "",
                   r->undef_and != r->undef_or ? flagnames(r->undef_and) : "");
        CHECK(ok);
    }
}

/* ---- check 4: fl_read ---- */

static int rec_cmp(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->in != y->in) return x->in < y->in ? -1 : 1;
    return (x->fin > y->fin) - (x->fin < y->fin);
}

/* Whether two runs with the same non-flag inputs ended differently, beyond
 * flags each passed through unchanged or left undefined. */
static int outputs_differ(const struct rec *a, const struct rec *b)
{
    if (a->out != b->out)
        return 1;
    uint16_t d = (uint16_t)(a->fin ^ b->fin);
    uint16_t diff = (uint16_t)((a->fout ^ b->fout) & ~(a->undef | b->undef));
    uint16_t passed_through = (uint16_t)~((a->fin ^ a->fout) | (b->fin ^ b->fout));
    return (diff & ~(d & passed_through)) != 0;
}

static void pair(const struct rec *a, const struct rec *b, unsigned *bad)
{
    struct row *r = &rows[a->row];
    uint16_t d = (uint16_t)(a->fin ^ b->fin);
    if (!d || !outputs_differ(a, b))
        return;
    if (!(d & (d - 1)))
        r->read_seen |= d;
    if (d & r->op->fl_read)
        return;
    if ((*bad)++ < MAX_REPORTS)
        printf("FAIL %s.vec.gz:%lu and %lu (%s %s): input flags differ in %s, outputs differ, fl_read %s\n",
               files[a->file], a->lineno, b->lineno, r->where, r->op->name, flagnames(d),
               flagnames(r->op->fl_read));
}

static void check_read_pairs(void)
{
    qsort(recs, nrecs, sizeof *recs, rec_cmp);
    unsigned bad = 0;
    unsigned long pairs = 0;
    for (size_t g = 0, e; g < nrecs; g = e) {
        for (e = g + 1; e < nrecs && recs[e].row == recs[g].row && recs[e].in == recs[g].in; e++)
            ;
        for (size_t x = g; x < e; x++)
            for (size_t y = x + 1; y < e; y++, pairs++)
                pair(&recs[x], &recs[y], &bad);
    }
    int proved = 0;
    for (int k = 0; k < nrows; k++)
        if (rows[k].read_seen) {
            proved++;
            if (verbose)
                printf("  %s %s: a pair shows %s read, fl_read %s\n", rows[k].where, rows[k].op->name,
                       flagnames(rows[k].read_seen), flagnames(rows[k].op->fl_read));
        }
    printf("fl_read: %lu vector pairs with the same non-flag inputs, %u outputs depend on a flag outside fl_read"
           " (%d rows show a read)\n", pairs, bad, proved);
    CHECK_EQ(bad, 0);
}

/* Flags read by the condition codes 0-15, from the SDM's Jcc table. */
static const uint16_t cc_reads[16] = {
    F_OF, F_OF, F_CF, F_CF, F_ZF, F_ZF, F_CF | F_ZF, F_CF | F_ZF,
    F_SF, F_SF, F_PF, F_PF, F_SF | F_OF, F_SF | F_OF, F_ZF | F_SF | F_OF, F_ZF | F_SF | F_OF };

static int is_cc_row(const struct opinfo *op)
{
    return op->exec == ex_jcc || op->exec == ex_setcc || op->exec == ex_cmovcc
        || op->exec == ex_loope || op->exec == ex_loopne || !strncmp(op->name, "fcmov", 5);
}

/* A condition row's outcome must follow from its fl_read flags alone (the
 * same packed flags never give both outcomes, whatever the other flags
 * were), and flipping each flag of fl_read must change it somewhere. */
static void check_outcomes(void)
{
    int n = 0;
    for (int k = 0; k < nrows; k++) {
        const struct row *r = &rows[k];
        if (!r->n || !is_cc_row(r->op))
            continue;
        int decided = 0;
        for (int e = 0; e < 2; e++)
            for (unsigned x = 0; x < 64; x++)
                decided += r->outcome[e][x] != 0;
        if (!decided) {
            /* FCMOVcc ST(0),ST(0): a move that changes nothing tells nothing */
            printf("%s %s: no vector shows the outcome\n", r->where, r->op->name);
            continue;
        }
        n++;
        uint16_t needed = 0;
        int conflicts = 0;
        for (int e = 0; e < 2; e++)
            for (unsigned x = 0; x < 64; x++) {
                conflicts += r->outcome[e][x] == 3;
                for (int b = 0; b < 6; b++) {
                    unsigned y = x ^ (1u << b);
                    if ((r->outcome[e][x] | r->outcome[e][y]) == 3 && r->outcome[e][x] != 3
                        && r->outcome[e][y] != 3)
                        needed |= (uint16_t)(b == 5 ? F_OF : 1u << (b < 3 ? 2 * b : b + 3));
                }
            }
        if (conflicts || needed != r->op->fl_read)
            printf("FAIL %s %s: outcome %s by fl_read %s, changed by %s\n", r->where, r->op->name,
                   conflicts ? "not decided" : "decided", flagnames(r->op->fl_read), flagnames(needed));
        CHECK(!conflicts && needed == r->op->fl_read);
    }
    printf("fl_read: %d condition rows: the outcome is a function of exactly fl_read\n", n);
}

/* What the SDM says each row reads, by handler. The handlers that call
 * cond(), flag_cf() and the like or cpu_get_eflags(), or push EFLAGS, are
 * all listed: Jcc SETcc CMOVcc (cond), ADC SBB RCL RCR (flag_cf, named
 * below), SALC CMC DAA DAS AAA AAS, LAHF PUSHF, LOOPE LOOPNE, INTO, INT n
 * INT3 INT1, IRET and the far JMP/CALL (task switches save EFLAGS).
 * INC/DEC call flag_cf() only to keep CF, which is no read; POPF merges
 * cpu_get_eflags() only into the bits it does not pop, none arithmetic.
 * Every other row reads nothing. FCMOVcc is checked apart (static in x87.c). */
static uint16_t want_read(const struct opinfo *op, int cc)
{
    static const struct { exec_fn fn; uint16_t read; } fixed[] = {
        { ex_salc, F_CF }, { ex_cmc, F_CF }, { ex_daa, F_CF | F_AF }, { ex_das, F_CF | F_AF },
        { ex_aaa, F_AF }, { ex_aas, F_AF }, { ex_lahf, FA & ~F_OF }, { ex_pushf, FA },
        { ex_loope, F_ZF }, { ex_loopne, F_ZF }, { ex_into, FA }, { ex_int3, FA }, { ex_int_I, FA },
        { ex_int1, FA }, { ex_iret, FA }, { ex_jmp_far, FA }, { ex_call_far, FA },
        { ex_jmp_farE, FA }, { ex_call_farE, FA },
        { ex_inc_r, 0 }, { ex_dec_r, 0 }, { ex_inc_E, 0 }, { ex_dec_E, 0 },
    };
    for (unsigned k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
        if (op->exec == fixed[k].fn)
            return fixed[k].read;
    if (op->exec == ex_jcc || op->exec == ex_setcc || op->exec == ex_cmovcc)
        return cc_reads[cc];
    if (!strcmp(op->name, "adc") || !strcmp(op->name, "sbb") || !strcmp(op->name, "rcl") || !strcmp(op->name, "rcr"))
        return F_CF;
    return 0;
}

static void check_read_static(void)
{
    for (int k = 0; k < nrows; k++) {
        const struct opinfo *op = rows[k].op;
        /* the condition is the low opcode nibble (Jcc, SETcc, CMOVcc) */
        int cc = (int)(strtoul(rows[k].where + (rows[k].where[0] == '0' && rows[k].where[1] == 'f' ? 3 : 0),
                               NULL, 16) & 15);
        if (!strncmp(op->name, "fcmov", 5))
            continue;
        uint16_t want = want_read(op, cc);
        if (op->fl_read != want)
            printf("FAIL %s %s: fl_read %s, SDM %s\n", rows[k].where, op->name, flagnames(op->fl_read),
                   flagnames(want));
        CHECK_EQ(op->fl_read, want);
    }
    /* FCMOVcc: DA C0-DF B E BE U, DB C0-DF NB NE NBE NU */
    static const uint16_t fcmov[4] = { F_CF, F_ZF, F_CF | F_ZF, F_PF };
    for (int e = 0; e < 2; e++)
        for (int m = 0; m < 32; m++)
            CHECK_EQ(x87_reg[2 + e][m].fl_read, fcmov[m / 8]);
}

/* ---- the rows no vector reaches: the SDM's values ---- */

struct sdm_row { const struct opinfo *op; uint16_t read, write, undef; int cond; };

static void check_sdm_rows(void)
{
    const struct sdm_row sdm[] = {
        { &optable_1[0x27], F_CF | F_AF, FA, F_OF, 0 },             /* DAA */
        { &optable_1[0x2f], F_CF | F_AF, FA, F_OF, 0 },             /* DAS */
        { &optable_1[0x37], F_AF, FA, F_OF | F_SF | F_ZF | F_PF, 0 }, /* AAA */
        { &optable_1[0x3f], F_AF, FA, F_OF | F_SF | F_ZF | F_PF, 0 }, /* AAS */
        { &optable_1[0xd4], 0, FA, F_OF | F_AF | F_CF, 0 },         /* AAM */
        { &optable_1[0xd5], 0, FA, F_OF | F_AF | F_CF, 0 },         /* AAD */
        { &optable_1[0xd6], F_CF, 0, 0, 0 },                        /* SALC */
        { &optable_1[0x63], 0, F_ZF, 0, 0 },                        /* ARPL */
        { &optable_1[0x9c], FA, 0, 0, 0 },                          /* PUSHF */
        { &optable_1[0x9d], 0, FA, 0, 0 },                          /* POPF */
        { &optable_1[0xcf], FA, FA, 0, 0 },                         /* IRET (NT: task switch) */
        { &optable_1[0xcc], FA, FA, 0, 1 },                         /* INT3: task gate */
        { &optable_1[0xcd], FA, FA, 0, 1 },                         /* INT n */
        { &optable_1[0xce], FA, FA, 0, 1 },                         /* INTO */
        { &optable_1[0xf1], FA, FA, 0, 1 },                         /* INT1 */
        { &optable_1[0x9a], FA, FA, 0, 1 },                         /* CALL ptr: TSS or task gate */
        { &optable_1[0xea], FA, FA, 0, 1 },                         /* JMP ptr */
        { &optable_1[0xff].group[3], FA, FA, 0, 1 },                /* CALL m16:32 */
        { &optable_1[0xff].group[5], FA, FA, 0, 1 },                /* JMP m16:32 */
        { &optable_0f[0x00].group[4], 0, F_ZF, 0, 0 },              /* VERR */
        { &optable_0f[0x00].group[5], 0, F_ZF, 0, 0 },              /* VERW */
        { &optable_0f[0x02], 0, F_ZF, 0, 0 },                       /* LAR */
        { &optable_0f[0x03], 0, F_ZF, 0, 0 },                       /* LSL */
    };
    for (unsigned k = 0; k < sizeof sdm / sizeof sdm[0]; k++) {
        const struct opinfo *op = sdm[k].op;
        int ok = op->fl_read == sdm[k].read && op->fl_write == sdm[k].write && op->fl_undef == sdm[k].undef
              && !!(op->form & OP_FLCOND) == sdm[k].cond;
        if (!ok)
            printf("FAIL %s: read %s write %s undef %s%s, SDM read %s write %s undef %s%s\n", op->name,
                   flagnames(op->fl_read), flagnames(op->fl_write), flagnames(op->fl_undef),
                   (op->form & OP_FLCOND) ? " cond" : "", flagnames(sdm[k].read), flagnames(sdm[k].write),
                   flagnames(sdm[k].undef), sdm[k].cond ? " cond" : "");
        CHECK(ok);
    }
    /* INC/DEC r32 (40-4F) are INC/DEC r/m (FF /0, /1) without a ModRM */
    for (int r = 0; r < 8; r++)
        for (int dec = 0; dec < 2; dec++) {
            const struct opinfo *a = &optable_1[0x40 + 8 * dec + r], *b = &optable_1[0xff].group[dec];
            CHECK(a->fl_read == b->fl_read && a->fl_write == b->fl_write && a->fl_undef == b->fl_undef
                  && a->form == (b->form & ~(OP_MODRM | OP_LOCKOK)));
        }
}

/* Sanity of every row: only arithmetic flags, fl_undef within fl_write,
 * OP_FLCOND only on rows that write; rows of one mnemonic and handler
 * (other sizes, ModRM aliases like F6 /1 and FCOM2, the x87 ST(i) rows)
 * agree, so the twins of vector-checked rows are checked too. */
static void check_shape(void)
{
    int bad = 0;
    for (int k = 0; k < nrows; k++) {
        const struct opinfo *op = rows[k].op;
        int ok = !((op->fl_read | op->fl_write | op->fl_undef) & ~FA) && !(op->fl_undef & ~op->fl_write)
              && (!(op->form & OP_FLCOND) || op->fl_write);
        for (int t = 0; ok && t < k; t++) {
            const struct opinfo *o = rows[t].op;
            const char *a = op->name, *b = o->name;
            size_t la = strcspn(a, "0123456789"), lb = strcspn(b, "0123456789");
            if (o->exec == op->exec && la == lb && !strncmp(a, b, la))
                ok = o->fl_read == op->fl_read && o->fl_write == op->fl_write && o->fl_undef == op->fl_undef
                  && (o->form & OP_FLCOND) == (op->form & OP_FLCOND);
        }
        if (!ok) {
            bad++;
            printf("FAIL %s %s: read %x write %x undef %x form %x\n", rows[k].where, op->name, op->fl_read,
                   op->fl_write, op->fl_undef, op->form);
        }
    }
    CHECK_EQ(bad, 0);
}

int main(int argc, char **argv)
{
    int a = 1;
    if (a < argc && !strcmp(argv[a], "-v")) { verbose = 1; a++; }
    if (a >= argc) {
        fprintf(stderr, "usage: test_optable_flags [-v] VECTOR_DIR\n");
        return 2;
    }
    add_all_rows();
    check_shape();
    check_read_static();
    check_sdm_rows();

    int found = 0;
    for (int f = 0; f < NFILES; f++)
        if (!read_file(argv[a], f, &found))
            printf("missing %s/%s.vec.gz\n", argv[a], files[f]);
    if (!found) {
        printf("SKIP: no vector files in %s\n", argv[a]);
        return 77;
    }
    check_seen();
    check_undef();
    check_read_pairs();
    check_outcomes();

    int none = 0;
    for (int k = 0; k < nrows; k++)
        if (!rows[k].n) {
            none++;
            if (verbose)
                printf("  no vectors: %s %s\n", rows[k].where, rows[k].op->name);
        }
    printf("%d rows, %d with no vectors (-v lists them)\n", nrows, none);
    free(recs);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
