/* common.h: small helpers shared by the CourseKit probes (datasets/capture). */
#ifndef COURSEKIT_COMMON_H
#define COURSEKIT_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Stop with a message naming the failed call: probes must never produce half-valid data. */
#define CHECK(cond, what) \
    do { if (!(cond)) { fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, what, strerror(errno)); exit(2); } } while (0)

/* Monotonic time in nanoseconds (not wall-clock: immune to clock adjustments). */
static inline long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
#endif
