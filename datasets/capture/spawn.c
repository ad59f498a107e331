/*
 * spawn.c: posix_spawn twice and wait for both children.
 *   1. /bin/true: glibc does clone3(CLONE_VM|CLONE_VFORK) then execve in the child; exit status 0.
 *   2. /nonexistent: the child's execve fails with ENOENT and the child exits with 127;
 *      glibc also reports the error to the parent (posix_spawn returns ENOENT).
 */
#include "common.h"
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static void spawn_and_wait(const char *path)
{
    char *const argv[] = { (char *)path, NULL };
    pid_t pid;
    int err = posix_spawn(&pid, path, NULL, NULL, argv, environ);
    if (err != 0) { printf("posix_spawn(%s) failed: %s\n", path, strerror(err)); return; }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    printf("%s: exit status %d\n", path, WEXITSTATUS(status));
}

int main(void)
{
    spawn_and_wait("/bin/true");
    spawn_and_wait("/nonexistent");
    return 0;
}
