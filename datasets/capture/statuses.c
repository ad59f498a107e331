/*
 * statuses.c: the wait status word Linux reports for the ways a child can end, and what waitpid
 * answers when there is nothing to wait for. Core dumps are switched off (RLIMIT_CORE = 0) so the
 * 0x80 bit depends on nothing outside the probe.
 *
 * Output: CSV rows (no header): scenario,result,errno,status_hex,wifexited,wexitstatus,wifsignaled,wtermsig,wcoredump
 *   result is what waitpid returned (the child's pid is written as "child", 0 and -1 as numbers).
 */
#include "common.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void row(const char *scenario, pid_t child, pid_t got, int err, int s)
{
    char result[16];
    if (got == child && child > 0) snprintf(result, sizeof result, "child");
    else snprintf(result, sizeof result, "%d", (int)got);
    if (got > 0)
        printf("%s,%s,,0x%04x,%d,%d,%d,%d,%d\n", scenario, result, s, WIFEXITED(s), WEXITSTATUS(s), WIFSIGNALED(s),
               WIFSIGNALED(s) ? WTERMSIG(s) : 0, WIFSIGNALED(s) ? (WCOREDUMP(s) ? 1 : 0) : 0);
    else
        printf("%s,%s,%s,,,,,,\n", scenario, result, err ? strerrorname_np(err) : "");
    fflush(stdout);
}

/* Fork a child that runs body(arg); the parent optionally sends a signal, then waits. */
static void run(const char *scenario, void (*body)(int), int arg, int kill_with)
{
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) { body(arg); _exit(99); }
    if (kill_with) { usleep(20000); CHECK(kill(pid, kill_with) == 0, "kill"); }
    int s = 0;
    pid_t got = waitpid(pid, &s, 0);
    row(scenario, pid, got, got < 0 ? errno : 0, s);
}

static void do_exit(int code) { _exit(code); }
static void do_pause(int unused) { (void)unused; for (;;) pause(); }
static void do_abort(int unused) { (void)unused; abort(); }
static void do_segv(int unused) { (void)unused; *(volatile int *)0 = 1; }   /* write to address 0 */
static void do_bad_exec(int unused)
{
    (void)unused;
    char *argv[] = { "nonexistent", NULL };
    execv("/nonexistent", argv);       /* fails with ENOENT: the shell convention is exit status 127 */
    _exit(127);
}

int main(void)
{
    struct rlimit no_core = { 0, 0 };
    CHECK(setrlimit(RLIMIT_CORE, &no_core) == 0, "setrlimit(RLIMIT_CORE)");
    run("exit_0", do_exit, 0, 0);
    run("exit_3", do_exit, 3, 0);
    run("exit_42", do_exit, 42, 0);
    run("exit_256", do_exit, 256, 0);      /* only the low 8 bits survive: status 0 */
    run("exit_minus_1", do_exit, -1, 0);   /* 255 */
    run("killed_SIGTERM", do_pause, 0, SIGTERM);
    run("killed_SIGKILL", do_pause, 0, SIGKILL);
    run("abort_SIGABRT", do_abort, 0, 0);
    run("write_to_null_SIGSEGV", do_segv, 0, 0);
    run("exec_failed_127", do_bad_exec, 0, 0);

    /* WNOHANG while the only child still runs: 0. */
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) { do_pause(0); }
    int s = 0;
    pid_t got = waitpid(-1, &s, WNOHANG);
    row("wnohang_child_running", pid, got, got < 0 ? errno : 0, s);
    kill(pid, SIGKILL);
    waitpid(pid, &s, 0);

    /* No child at all: -1 ECHILD. */
    got = waitpid(-1, &s, 0);
    row("wait_no_children", 0, got, got < 0 ? errno : 0, s);
    return 0;
}
