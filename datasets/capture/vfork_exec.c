/*
 * vfork_exec.c: the classic vfork + execve, then a fork whose child exits with 3 and one killed
 * by SIGKILL, so a trace shows vfork, fork (clone), exit statuses and a "killed by" line.
 */
#include "common.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char *const argv[] = { "echo", "hello from vfork", NULL };
    pid_t pid = vfork();
    CHECK(pid >= 0, "vfork");
    if (pid == 0) { execv("/bin/echo", argv); _exit(127); }   /* only exec or _exit after vfork */
    int status;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");

    pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) _exit(3);
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");

    pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) { pause(); _exit(0); }                       /* waits for a signal that kills it */
    CHECK(kill(pid, SIGKILL) == 0, "kill");
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    return 0;
}
