/*
 * maps.c: print this process's own /proc/self/maps (the segments of a real process image).
 * Built twice by capture.sh: gcc -static (the shortest map: no loader, no shared libraries) and
 * a normal dynamic build (ld.so, libc.so, vdso ...). A malloc makes [heap] appear, an anonymous
 * mmap adds one more mapping, so every kind of segment the course names is visible.
 */
#include "common.h"
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    char *heap = malloc(64 * 1024);                 /* brk grows: [heap] */
    CHECK(heap != NULL, "malloc");
    heap[0] = 1;                                    /* write first (zero page is disabled here) */
    char *anon = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(anon != MAP_FAILED, "mmap");
    anon[0] = 1;
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL, "fopen(/proc/self/maps)");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
}
