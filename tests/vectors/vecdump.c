/*
 * vecdump.c - reads reference-vector files and prints counts per file, per
 * mnemonic and (with -f) per form.  Every line is parsed, so this also checks
 * that the files are well formed.
 *
 *   vecdump [-f] [FILE.vec.gz | DIR]...     (default: tests/vectors)
 */
#include "vecfile.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct cnt {
    char name[40];
    long n;
};
static struct cnt *cnts;
static size_t ncnt, capcnt;

static void bump(const char *name)
{
    for (size_t i = 0; i < ncnt; i++)
        if (!strcmp(cnts[i].name, name)) {
            cnts[i].n++;
            return;
        }
    if (ncnt == capcnt) {
        capcnt = capcnt ? 2 * capcnt : 256;
        cnts = realloc(cnts, capcnt * sizeof *cnts);
        if (!cnts) exit(1);
    }
    snprintf(cnts[ncnt].name, sizeof cnts[ncnt].name, "%s", name);
    cnts[ncnt++].n = 1;
}
static int cmpc(const void *a, const void *b)
{
    return strcmp(((const struct cnt *)a)->name, ((const struct cnt *)b)->name);
}
static int cmps(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static long total, total_fpu, total_exc, errors;
static int forms;

static void dump_file(const char *path)
{
    static struct vecfile vf;
    static struct vector v;
    long n = 0, nf = 0, ne = 0;
    int r;
    if (vec_open(&vf, path)) {
        fprintf(stderr, "%s\n", vf.err);
        errors++;
        return;
    }
    while ((r = vec_next(&vf, &v)) == 1) {
        char mn[40];
        n++;
        if (v.has_fpu) nf++;
        if (v.exception != VEC_NO_EXCEPTION) ne++;
        if (forms) bump(v.name);
        else {
            vec_mnemonic(&v, mn, sizeof mn);
            bump(mn);
        }
    }
    if (r < 0) {
        fprintf(stderr, "%s\n", vf.err);
        errors++;
    }
    vec_close(&vf);
    printf("%-40s %8ld vectors (%ld x87, %ld with exception)\n", path, n, nf, ne);
    total += n;
    total_fpu += nf;
    total_exc += ne;
}

static void dump_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t nn = 0;
    if (!d) {
        perror(dir);
        errors++;
        return;
    }
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 7 && !strcmp(e->d_name + l - 7, ".vec.gz")) {
            names = realloc(names, (nn + 1) * sizeof *names);
            names[nn] = malloc(strlen(dir) + l + 2);
            sprintf(names[nn++], "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmps);
    for (size_t i = 0; i < nn; i++) {
        dump_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int any = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (!strcmp(argv[i], "-f")) {
            forms = 1;
            continue;
        }
        any = 1;
        if (!stat(argv[i], &sb) && S_ISDIR(sb.st_mode)) dump_dir(argv[i]);
        else dump_file(argv[i]);
    }
    if (!any) dump_dir("tests/vectors");
    printf("total %ld vectors (%ld x87, %ld with exception)\n\n", total, total_fpu, total_exc);
    qsort(cnts, ncnt, sizeof *cnts, cmpc);
    for (size_t i = 0; i < ncnt; i++) printf("%-28s %8ld\n", cnts[i].name, cnts[i].n);
    return errors ? 1 : 0;
}
