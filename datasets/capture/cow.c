/*
 * cow.c: copy-on-write accounting of one anonymous region across fork.
 *
 * Usage: cow PAGES PERCENT alive|exited
 *   1. parent maps PAGES pages (4 KiB, MADV_NOHUGEPAGE) and writes every page (demand-zero faults)
 *   2. fork; both processes report smaps of the region
 *   3. the child writes the first PERCENT % of the pages (copy-on-write copies), then rewrites them (no fault)
 *   4. alive:  the parent writes every page while the child is alive (copies for the still-shared
 *              pages, "reuse" for the pages the child already copied), then the child exits
 *      exited: the child exits first, then the parent writes every page (all "reuse": map count 1)
 *   5. the parent rewrites every page (no fault: the pages are writable again)
 * Every page is written before it is ever read: the machines here boot with the zero page disabled
 * (pvm_no_zero_page=1), so read-before-write would not behave like stock Linux.
 *
 * Output: CSV rows (no header) on stdout, one per (step, process):
 *   pages,percent,order,step,process,pages_written,minor_faults,Rss,Pss,Shared_Clean,Shared_Dirty,Private_Clean,Private_Dirty,AnonHugePages
 * Sizes in kB as smaps prints them. minor_faults is the getrusage(ru_minflt) delta around the writes
 * of that step, empty for the process that did not write. Parent and child synchronise through two
 * pipes, so both rows of a step describe the same moment.
 */
#include "common.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static char *region;
static long pages, percent, page_size;
static const char *order;

/* The smaps fields we report, in output order. */
static const char *fields[] = { "Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "AnonHugePages" };
#define NFIELDS (sizeof fields / sizeof fields[0])

/* Read /proc/self/smaps and fill kb[] for the VMA that starts at the region. */
static void region_smaps(long kb[NFIELDS])
{
    char want[32], line[512];
    snprintf(want, sizeof want, "%lx-", (unsigned long)region);
    FILE *f = fopen("/proc/self/smaps", "r");
    CHECK(f != NULL, "fopen(/proc/self/smaps)");
    int inside = 0, found = 0;
    long size_kb = -1;
    while (fgets(line, sizeof line, f)) {
        /* VMA headers start with a lowercase hex address ("7f12...-7f13... rw-p ..."); fields with a capital. */
        int header = (line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f');
        if (header) { inside = strncmp(line, want, strlen(want)) == 0; found |= inside; continue; }
        if (!inside) continue;
        char name[64]; long value;
        if (sscanf(line, "%63[^:]: %ld kB", name, &value) != 2) continue;
        if (strcmp(name, "Size") == 0) size_kb = value;
        for (size_t i = 0; i < NFIELDS; i++)
            if (strcmp(name, fields[i]) == 0) kb[i] = value;
    }
    fclose(f);
    /* The region must be exactly one VMA of our size, or the numbers would mix in a neighbour. */
    if (!found || size_kb != pages * page_size / 1024) {
        fprintf(stderr, "cow: region VMA not found or merged (found=%d, Size=%ld kB)\n", found, size_kb);
        exit(2);
    }
}

static long minflt(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* Write one byte into each of the first n pages and return the minor faults this took. */
static long write_pages(long n, char value)
{
    minflt();                         /* warm up: the rusage struct's stack page may itself be COW-shared */
    long before = minflt();
    for (long i = 0; i < n; i++) region[i * page_size] = value;
    long after = minflt();
    return after - before;
}

static void report(const char *step, const char *who, long written, long faults)
{
    long kb[NFIELDS] = { 0 };
    region_smaps(kb);
    char line[512], faults_text[32] = "";
    if (faults >= 0) snprintf(faults_text, sizeof faults_text, "%ld", faults);
    int n = snprintf(line, sizeof line, "%ld,%ld,%s,%s,%s,%ld,%s", pages, percent, order, step, who, written, faults_text);
    for (size_t i = 0; i < NFIELDS; i++) n += snprintf(line + n, sizeof line - n, ",%ld", kb[i]);
    n += snprintf(line + n, sizeof line - n, "\n");
    CHECK(write(STDOUT_FILENO, line, n) == n, "write(stdout)");  /* one write per row: no interleaving */
}

/* One-byte handshakes between parent and child. */
static void send(int fd) { CHECK(write(fd, "x", 1) == 1, "write(pipe)"); }
static void recv1(int fd) { char c; CHECK(read(fd, &c, 1) == 1, "read(pipe)"); }

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[3], "alive") != 0 && strcmp(argv[3], "exited") != 0)) {
        fprintf(stderr, "usage: cow PAGES PERCENT alive|exited\n");
        return 2;
    }
    pages = atol(argv[1]);
    percent = atol(argv[2]);
    order = argv[3];
    int child_stays = strcmp(order, "alive") == 0;   /* does the parent write while the child lives? */
    page_size = sysconf(_SC_PAGESIZE);
    long child_pages = pages * percent / 100;

    region = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(region != MAP_FAILED, "mmap");
    CHECK(madvise(region, pages * page_size, MADV_NOHUGEPAGE) == 0, "madvise(MADV_NOHUGEPAGE)");

    /* Step 1: the parent touches (writes) every page. */
    long f = write_pages(pages, 1);
    report("touched", "parent", pages, f);

    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0, "pipe");
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) {
        /* Child: report, then hand over to the parent and wait for its turn. */
        report("forked", "child", 0, -1);                 send(to_parent[1]); recv1(to_child[0]);
        f = write_pages(child_pages, 2);
        report("child_wrote", "child", child_pages, f);   send(to_parent[1]); recv1(to_child[0]);
        f = write_pages(child_pages, 3);
        report("child_rewrote", "child", child_pages, f); send(to_parent[1]); recv1(to_child[0]);
        if (child_stays) {
            recv1(to_child[0]);                           /* the parent has written every page */
            report("parent_wrote", "child", 0, -1);       send(to_parent[1]); recv1(to_child[0]);
        }
        _exit(0);                                         /* only after the parent's report of this moment */
    }
    int status;
    recv1(to_parent[0]); report("forked", "parent", 0, -1);        send(to_child[1]);
    recv1(to_parent[0]); report("child_wrote", "parent", 0, -1);   send(to_child[1]);
    recv1(to_parent[0]); report("child_rewrote", "parent", 0, -1); send(to_child[1]);
    if (child_stays) {
        f = write_pages(pages, 4);                        /* the child waits in recv1 meanwhile */
        send(to_child[1]);                                /* the child reports this moment first */
        recv1(to_parent[0]);
        report("parent_wrote", "parent", pages, f);
        send(to_child[1]);
        CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
        report("child_reaped", "parent", 0, -1);
    } else {
        CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
        report("child_reaped", "parent", 0, -1);
        f = write_pages(pages, 4);
        report("parent_wrote", "parent", pages, f);
    }
    f = write_pages(pages, 5);
    report("parent_rewrote", "parent", pages, f);
    return 0;
}
