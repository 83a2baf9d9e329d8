/*
 * vecfile.c - reader for relic's reference vectors.  Plain C11 + zlib,
 * no host-CPU dependency.  See FORMAT.md.
 */
#include "vecfile.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* parse exactly n hex digits (n <= 16) */
static int hexn(const char **pp, unsigned n, uint64_t *out)
{
    const char *p = *pp;
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        int h = hexval(p[i]);
        if (h < 0) return -1;
        v = v << 4 | (uint64_t)h;
    }
    *pp = p + n;
    *out = v;
    return 0;
}

/* parse 1..16 hex digits up to a non-hex character */
static int hexvar(const char **pp, uint64_t *out)
{
    const char *p = *pp;
    uint64_t v = 0;
    unsigned n = 0;
    while (hexval(*p) >= 0) {
        if (++n > 16) return -1;
        v = v << 4 | (uint64_t)hexval(*p++);
    }
    if (!n) return -1;
    *pp = p;
    *out = v;
    return 0;
}

/* hex byte string up to a delimiter; returns byte count or -1 */
static int hexbytes(const char **pp, uint8_t *dst, unsigned max)
{
    const char *p = *pp;
    unsigned n = 0;
    while (hexval(p[0]) >= 0) {
        if (hexval(p[1]) < 0 || n >= max) return -1;
        dst[n++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
        p += 2;
    }
    *pp = p;
    return (int)n;
}

static int parse_fpu(const char **pp, struct vec_fpu *f)
{
    uint64_t v;
    const char *p = *pp;
    memset(f, 0, sizeof *f);
    if (hexn(&p, 4, &v)) return -1;
    f->cw = (uint16_t)v;
    if (*p++ != ',' || hexn(&p, 4, &v)) return -1;
    f->sw = (uint16_t)v;
    if (*p++ != ',' || hexn(&p, 4, &v)) return -1;
    f->tw = (uint16_t)v;
    while (*p == ',') {
        uint64_t idx, se, m;
        p++;
        if (hexn(&p, 1, &idx) || idx > 7 || *p++ != '=') return -1;
        if (hexn(&p, 4, &se) || hexn(&p, 16, &m)) return -1;
        f->valid |= (uint8_t)(1u << idx);
        f->reg[idx].sexp = (uint16_t)se;
        f->reg[idx].mant = m;
    }
    *pp = p;
    return 0;
}

int vec_open(struct vecfile *vf, const char *path)
{
    memset(vf, 0, sizeof *vf);
    snprintf(vf->path, sizeof vf->path, "%s", path);
    vf->gz = gzopen(path, "rb");
    if (!vf->gz) {
        snprintf(vf->err, sizeof vf->err, "%s: cannot open", path);
        return -1;
    }
    return 0;
}

void vec_close(struct vecfile *vf)
{
    if (vf->gz) gzclose((gzFile)vf->gz);
    vf->gz = NULL;
}

static int fail(struct vecfile *vf, const char *what)
{
    snprintf(vf->err, sizeof vf->err, "%s:%lu: %s", vf->path, vf->lineno, what);
    return -1;
}

int vec_next(struct vecfile *vf, struct vector *v)
{
    char *s;
    uint64_t x;
    int have_out_mem = 0;
    if (!vf->gz) return fail(vf, "not open");
    do {
        if (!gzgets((gzFile)vf->gz, vf->line, (int)sizeof vf->line)) return 0;
        vf->lineno++;
    } while (vf->line[0] == '\n' || vf->line[0] == '#');
    s = vf->line;
    size_t ll = strlen(s);
    if (ll == 0 || s[ll - 1] != '\n') return fail(vf, "line too long or truncated");
    s[ll - 1] = 0;

    memset(v, 0, sizeof *v);
    v->lineno = vf->lineno;
    v->exception = VEC_NO_EXCEPTION;
    v->eip_in = VEC_CODE_EIP;

    /* name */
    char *sp = strchr(s, ' ');
    if (!sp || sp == s || (size_t)(sp - s) >= sizeof v->name) return fail(vf, "bad name");
    memcpy(v->name, s, (size_t)(sp - s));
    v->name[sp - s] = 0;
    const char *p = sp + 1;
    int n = hexbytes(&p, v->bytes, VEC_MAX_INSN);
    if (n <= 0 || *p != ' ') return fail(vf, "bad instruction bytes");
    v->len = (unsigned)n;
    v->eip_out = v->eip_in + v->len;

    int have_R = 0, have_F = 0, have_f = 0, have_P = 0, have_p = 0;
    while (*p == ' ') {
        p++;
        char k = p[0];
        if (k >= '0' && k <= '7' && p[1] == '=') {
            p += 2;
            if (!have_R || hexn(&p, 8, &x)) return fail(vf, "bad register output");
            v->gpr_out[k - '0'] = (uint32_t)x;
            continue;
        }
        if (p[1] != ':') return fail(vf, "bad field");
        p += 2;
        switch (k) {
        case 'R':
            for (int i = 0; i < 8; i++) {
                if (hexn(&p, 8, &x)) return fail(vf, "bad R:");
                v->gpr_in[i] = v->gpr_out[i] = (uint32_t)x;
            }
            have_R = 1;
            break;
        case 'F':
            if (hexvar(&p, &x)) return fail(vf, "bad F:");
            v->eflags_in = (uint32_t)x;
            have_F = 1;
            break;
        case 'f':
            if (hexvar(&p, &x)) return fail(vf, "bad f:");
            v->eflags_out = (uint32_t)x;
            have_f = 1;
            break;
        case 'u':
            if (hexvar(&p, &x)) return fail(vf, "bad u:");
            v->eflags_undef = (uint32_t)x;
            break;
        case 'U':
            if (hexvar(&p, &x)) return fail(vf, "bad U:");
            v->out_undef = (uint32_t)x;
            break;
        case 'x': {
            int e = 0, nd = 0;
            while (*p >= '0' && *p <= '9') {
                e = e * 10 + (*p++ - '0');
                if (++nd > 3) return fail(vf, "bad x:");
            }
            if (!nd) return fail(vf, "bad x:");
            v->exception = e;
            break;
        }
        case 'E':
            if (hexn(&p, 8, &x)) return fail(vf, "bad E:");
            v->eip_out = (uint32_t)x;
            break;
        case 'M': {
            if (hexn(&p, 8, &x) || *p++ != ':') return fail(vf, "bad M: address");
            v->mem_addr = (uint32_t)x;
            n = hexbytes(&p, v->mem_in, VEC_MAX_MEM);
            if (n <= 0) return fail(vf, "bad M: bytes");
            v->mem_len = (unsigned)n;
            if (*p == ':') {
                p++;
                if (hexbytes(&p, v->mem_out, VEC_MAX_MEM) != n) return fail(vf, "bad M: output bytes");
                have_out_mem = 1;
            }
            break;
        }
        case 'P':
            if (parse_fpu(&p, &v->fpu_in)) return fail(vf, "bad P:");
            have_P = 1;
            break;
        case 'p':
            if (parse_fpu(&p, &v->fpu_out)) return fail(vf, "bad p:");
            have_p = 1;
            break;
        case 's':
            if (hexvar(&p, &x)) return fail(vf, "bad s:");
            v->fsw_undef = (uint16_t)x;
            break;
        default:
            return fail(vf, "unknown field");
        }
    }
    if (*p) return fail(vf, "trailing garbage");
    if (!have_R || !have_F || !have_f) return fail(vf, "missing R:, F: or f:");
    if (have_P != have_p) return fail(vf, "P: without p: or the reverse");
    v->has_fpu = have_P;
    if (v->mem_len && !have_out_mem) memcpy(v->mem_out, v->mem_in, v->mem_len);
    return 1;
}

void vec_mnemonic(const struct vector *v, char *buf, unsigned size)
{
    unsigned i = 0;
    if (!size) return;
    while (v->name[i] && v->name[i] != ':' && i + 1 < size) {
        buf[i] = v->name[i];
        i++;
    }
    buf[i] = 0;
}
