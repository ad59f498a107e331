/*
 * thread_exec.c: a second thread calls execve while the main thread waits in pause().
 * execve destroys every other thread and the exec'ing thread takes over the process's PID (the
 * thread group leader's): strace shows "<pid changed to LEADER ...>", then "+++ superseded by execve
 * in pid THREAD +++" and the execve resuming under the leader's pid.
 */
#include "common.h"
#include <pthread.h>
#include <unistd.h>

static void *run(void *arg)
{
    (void)arg;
    char *argv[] = { "true", NULL };
    execv("/bin/true", argv);
    return NULL;                       /* only if execv failed */
}

int main(void)
{
    pthread_t t;
    CHECK(pthread_create(&t, NULL, run, NULL) == 0, "pthread_create");
    pause();                           /* never returns: the exec replaces this thread too */
    return 0;
}
