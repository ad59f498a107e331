/*
 * zeropage.c: does a read of an untouched anonymous page map the shared zero page?
 * Reads one byte of each of 256 fresh pages (never written) and prints the region's Rss in kB.
 * Stock Linux maps the shared zero page on such read faults: Rss stays 0. With the zero page
 * disabled (pvm_no_zero_page=1 on these machines) every read allocates a zeroed page: Rss = 1024.
 * Output: one line "rss_kb_after_reading_256_pages=N".
 */
#include "common.h"
#include <sys/mman.h>

int main(void)
{
    long page = 4096, pages = 256;
    volatile char *region = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(region != MAP_FAILED, "mmap");
    CHECK(madvise((void *)region, pages * page, MADV_NOHUGEPAGE) == 0, "madvise");
    long sum = 0;
    for (long i = 0; i < pages; i++) sum += region[i * page];           /* read only */
    char want[32], line[256];
    snprintf(want, sizeof want, "%lx-", (unsigned long)region);
    FILE *f = fopen("/proc/self/smaps", "r");
    CHECK(f != NULL, "fopen(/proc/self/smaps)");
    int inside = 0;
    long rss = -1;
    while (fgets(line, sizeof line, f)) {
        if ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) inside = strncmp(line, want, strlen(want)) == 0;
        else if (inside && rss < 0) sscanf(line, "Rss: %ld kB", &rss);
    }
    fclose(f);
    printf("rss_kb_after_reading_256_pages=%ld%s\n", rss, sum ? " (nonzero bytes?!)" : "");
    return 0;
}
