/* -kernel for Multiboot (v1) kernels; linuxload.c tries it on any kernel
 * that is not a bzImage. */
#ifndef RELIC_MULTIBOOT_H
#define RELIC_MULTIBOOT_H
#include "machine.h"

/* Loads the kernel image k (and -initrd as modules, -append as command
 * line) into fw_cfg for the loader ROM's Multiboot path. Returns 1 when k
 * has no Multiboot header, 0 when loaded, -1 with a one-line err. The
 * caller still registers the ROM. */
int multiboot_load(struct machine *m, const uint8_t *k, size_t klen, char *err, size_t errlen);

/* linuxload.c: a whole file into a malloc'd buffer (NULL with err set;
 * an empty file is an error). */
uint8_t *kernel_slurp(const char *path, size_t *len, const char *what, char *err, size_t errlen);
#endif
