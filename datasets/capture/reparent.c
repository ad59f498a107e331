/*
 * reparent.c: who becomes the parent of an orphan.
 * The probe ("top") forks X; X forks C; C forks G; then X exits. C is now an orphan: Linux gives it
 * to init (PID 1) or, when "top" marked itself with prctl(PR_SET_CHILD_SUBREAPER), to "top".
 * G is C's child, not X's: it keeps its living parent C.
 * Scenarios: "orphan" (no subreaper) and "subreaper" (top is a child subreaper).
 *
 * Output: CSV rows (no header): scenario,process,parent_before,parent_after,parent_after_comm
 *   parents are named by role: top, X, C, init (PID 1), or "other" (an ancestor of top that is a subreaper).
 */
#include "common.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t top, x, c;

static const char *role(pid_t p)
{
    if (p == 1) return "init";
    if (p == top) return "top";
    if (p == x) return "X";
    if (p == c) return "C";
    return "other";
}

static void comm_of(pid_t p, char *out, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", (int)p);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(out, (int)n, f)) snprintf(out, n, "?");
    else out[strcspn(out, "\n")] = 0;
    if (f) fclose(f);
}

/* Runs in C and in G: wait until X is gone, then report our parent through the pipe. */
static void report_after_x_exits(int fd, const char *scenario, const char *me, pid_t before)
{
    while (getppid() == x && kill(x, 0) == 0) usleep(1000);  /* until we are reparented (or X is gone) */
    usleep(20000);
    pid_t now = getppid();
    char comm[64], line[256];
    comm_of(now, comm, sizeof comm);
    int n = snprintf(line, sizeof line, "%s,%s,%s,%s,%s\n", scenario, me, role(before), role(now), comm);
    CHECK(write(fd, line, n) == n, "write(pipe)");
}

static void scenario(const char *name, int subreaper)
{
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, subreaper, 0, 0, 0) == 0, "prctl(PR_SET_CHILD_SUBREAPER)");
    int fds[2], go[2];
    CHECK(pipe(fds) == 0 && pipe(go) == 0, "pipe");
    top = getpid();
    x = fork();
    CHECK(x >= 0, "fork X");
    if (x == 0) {
        x = getpid();
        c = fork();
        CHECK(c >= 0, "fork C");
        if (c == 0) {
            c = getpid();
            pid_t g = fork();
            CHECK(g >= 0, "fork G");
            if (g == 0) { char b; CHECK(read(go[0], &b, 1) == 1, "read"); report_after_x_exits(fds[1], name, "G", c); _exit(0); }
            char b;
            CHECK(read(go[0], &b, 1) == 1, "read");
            report_after_x_exits(fds[1], name, "C", x);
            waitpid(g, NULL, 0);                   /* C reaps its own child G */
            _exit(0);
        }
        _exit(0);                                   /* X exits at once: C becomes an orphan */
    }
    CHECK(waitpid(x, NULL, 0) == x, "waitpid X");  /* top reaps X */
    CHECK(write(go[1], "xx", 2) == 2, "write(go)"); /* now C and G look at their parents */
    close(fds[1]);
    char buf[1024];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    close(fds[0]);
    while (waitpid(-1, NULL, 0) > 0) { }           /* as subreaper, top reaps C */
}

int main(void)
{
    scenario("orphan", 0);
    scenario("subreaper", 1);
    return 0;
}
