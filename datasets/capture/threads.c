/*
 * threads.c: a main thread starts three POSIX threads and joins them.
 * Under strace -f each pthread_create shows as clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|
 * CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|...}); each thread ends with exit(0)
 * (not exit_group), and the process ends with exit_group when main returns.
 */
#include "common.h"
#include <pthread.h>

static void *worker(void *arg)
{
    volatile long sum = 0;
    for (long i = 0; i < 1000 * (long)(size_t)arg; i++) sum += i;   /* a little work */
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    for (size_t i = 0; i < 3; i++) CHECK(pthread_create(&t[i], NULL, worker, (void *)(i + 1)) == 0, "pthread_create");
    for (int i = 0; i < 3; i++) CHECK(pthread_join(t[i], NULL) == 0, "pthread_join");
    return 0;
}
