/* The bench/loop.asm body run natively (32-bit registers in 64-bit mode),
 * for the relic : QEMU : native ratio. Prints seconds for ITER iterations. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    unsigned long iter = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000000ul;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
#if defined(__x86_64__)
    unsigned ecx = (unsigned)iter, eax = 0, edx = 0;
    __asm__ volatile("1: addl %%ecx, %%eax\n\txorl %%eax, %%edx\n\tshll $1, %%edx\n\tdecl %%ecx\n\tjnz 1b"
                     : "+c"(ecx), "+a"(eax), "+d"(edx));
#else
    fprintf(stderr, "native loop: x86-64 only\n");
    return 77;
#endif
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.4f\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}
