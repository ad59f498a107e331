/*
 * cost.c: how long it takes to create a process, against the parent's resident memory.
 *
 * Usage: cost ROUNDS REPS CPU SIZE_MIB...     (e.g. cost 6 3 0 0 16 64 256 1024)
 * The process pins itself (and so its children) to CPU, then for each round visits every size in a
 * rotated order (sizes interleaved, so slow drift of the machine does not bias one size), makes the
 * region resident (mmap + MADV_NOHUGEPAGE + a write to every page) and times each method REPS times.
 *
 * Methods (child either _exit(0)s at once, or execs /bin/true):
 *   fork           fork()
 *   vfork          vfork()
 *   clone_vm_vfork clone(CLONE_VM|CLONE_VFORK|SIGCHLD) on a small separate stack
 *   posix_spawn    posix_spawn("/bin/true") (always execs)
 * Two times per sample (microseconds, CLOCK_MONOTONIC):
 *   return_us  from just before the call until it returns in the parent
 *              (for vfork-like calls the parent only returns after the child's exec or _exit)
 *   reaped_us  from just before the call until waitpid() has reaped the child
 *              (so fork/none reaped_us is "fork + exit + wait")
 * Output: samples.csv rows then summary.csv rows, written to the two files given by the
 * environment variables SAMPLES and SUMMARY (no headers: capture.sh writes them).
 */
#include "common.h"
#include <sched.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static int with_exec;                     /* does the child exec /bin/true? */
static char *const true_argv[] = { "true", NULL };

static void child_body(void)
{
    if (with_exec) execve("/bin/true", true_argv, environ);
    _exit(with_exec ? 127 : 0);           /* 127: exec failed, like the shell and posix_spawn */
}

static int clone_child(void *arg) { (void)arg; child_body(); return 0; }

enum method { FORK, VFORK, CLONE_VM_VFORK, POSIX_SPAWN, NMETHODS };
static const char *method_names[] = { "fork", "vfork", "clone_vm_vfork", "posix_spawn" };

/* Time one creation; fills return and reaped times in ns. */
static void measure(enum method m, long long *ret_ns, long long *reaped_ns)
{
    static char stack[64 * 1024] __attribute__((aligned(16)));
    pid_t pid = -1;
    long long t0 = now_ns();
    switch (m) {
    case FORK:  pid = fork();  if (pid == 0) child_body(); break;
    case VFORK: pid = vfork(); if (pid == 0) child_body(); break;
    case CLONE_VM_VFORK:
        pid = clone(clone_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
        break;
    case POSIX_SPAWN:
        CHECK(posix_spawn(&pid, "/bin/true", NULL, NULL, true_argv, environ) == 0, "posix_spawn");
        break;
    default: break;
    }
    long long t1 = now_ns();
    CHECK(pid > 0, method_names[m]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    long long t2 = now_ns();
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child exit status");
    *ret_ns = t1 - t0;
    *reaped_ns = t2 - t0;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static double median_us(long long *v, int n)
{
    qsort(v, n, sizeof *v, cmp_ll);
    return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0) / 1000.0;
}

int main(int argc, char **argv)
{
    if (argc < 5) { fprintf(stderr, "usage: cost ROUNDS REPS CPU SIZE_MIB...\n"); return 2; }
    int rounds = atoi(argv[1]), reps = atoi(argv[2]), cpu = atoi(argv[3]), nsizes = argc - 4;
    long sizes[16];
    CHECK(nsizes <= 16, "too many sizes");
    for (int i = 0; i < nsizes; i++) sizes[i] = atol(argv[4 + i]);
    FILE *samples = fopen(getenv("SAMPLES"), "w"), *summary = fopen(getenv("SUMMARY"), "w");
    CHECK(samples && summary, "fopen(SAMPLES/SUMMARY)");

    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    CHECK(sched_setaffinity(0, sizeof set, &set) == 0, "sched_setaffinity");

    /* all samples: [size][method][exec][round*reps] for return and reaped times */
    int per = rounds * reps;
    long long *ret = calloc((size_t)nsizes * NMETHODS * 2 * per, sizeof *ret);
    long long *reaped = calloc((size_t)nsizes * NMETHODS * 2 * per, sizeof *reaped);
    CHECK(ret && reaped, "calloc");
    long page = sysconf(_SC_PAGESIZE);

    for (int r = 0; r < rounds; r++) {
        for (int j = 0; j < nsizes; j++) {
            int s = (j + r) % nsizes;                   /* rotate: each round starts at another size */
            size_t bytes = (size_t)sizes[s] << 20;
            char *region = NULL;
            if (bytes) {
                region = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                CHECK(region != MAP_FAILED, "mmap");
                CHECK(madvise(region, bytes, MADV_NOHUGEPAGE) == 0, "madvise");
                for (size_t off = 0; off < bytes; off += page) region[off] = 1;   /* write: resident */
            }
            for (int m = 0; m < NMETHODS; m++)
                for (with_exec = 0; with_exec <= 1; with_exec++) {
                    if (m == POSIX_SPAWN && !with_exec) continue;   /* posix_spawn always execs */
                    for (int k = 0; k < reps; k++) {
                        size_t at = (((size_t)s * NMETHODS + m) * 2 + with_exec) * per + r * reps + k;
                        measure(m, &ret[at], &reaped[at]);
                        fprintf(samples, "%d,%ld,%s,%s,%.3f,%.3f\n", r, sizes[s], method_names[m],
                                with_exec ? "/bin/true" : "none", ret[at] / 1000.0, reaped[at] / 1000.0);
                    }
                }
            if (region) munmap(region, bytes);
        }
    }
    for (int s = 0; s < nsizes; s++)
        for (int m = 0; m < NMETHODS; m++)
            for (int e = 0; e <= 1; e++) {
                if (m == POSIX_SPAWN && !e) continue;
                size_t at = (((size_t)s * NMETHODS + m) * 2 + e) * per;
                double ret_med = median_us(ret + at, per), reaped_med = median_us(reaped + at, per);
                fprintf(summary, "%ld,%s,%s,%d,%.3f,%.3f,%.3f,%.3f\n", sizes[s], method_names[m],
                        e ? "/bin/true" : "none", per, ret[at] / 1000.0, ret_med, reaped[at] / 1000.0, reaped_med);
            }
    fclose(samples);
    fclose(summary);
    return 0;
}
