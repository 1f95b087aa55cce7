/*
 * tests/boot/timing.h - the timing helpers of the test-only probes
 * (xenprobe.c, xspub.c): a monotonic clock in microseconds and the median
 * of a sample (sorted in place).
 */
#ifndef XENLEVEL_TEST_TIMING_H
#define XENLEVEL_TEST_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static inline double median(double *v, unsigned int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
