/*
 * xspub - test-only publisher for tests/boot/bench: one process publishes
 * each FILE at xenstore PATH as `xenlevel publish` does (agent/xs.c
 * xl_xs_publish: value and permissions "n0", dom0 only, in one
 * transaction), pausing INTERVAL_MS before each and after the last.  The
 * watcher's event is then handled while the publisher sleeps: no process
 * exits or starts beside it.
 *
 *   xspub PATH INTERVAL_MS FILE...
 *
 * Prints "XSPUB published N" at the end; exit 1 on the first error.
 *
 *   xspub time PATH N
 *
 * The xenstore part of the watcher's work, in a tight loop (no process
 * start), N times each, medians in microseconds, through the agent's own
 * edge (agent/xs.c): the trusted read of PATH (xl_xs_read_trusted: value,
 * then permissions) and the status write at PATH-benchstatus (xl_xs_write
 * on an existing node: permissions, then value).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "timing.h"
#include "xs.h"

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while ( nanosleep(&ts, &ts) && errno == EINTR )
        ;
}

static int time_ops(struct xl_xs *x, const char *path, unsigned int n)
{
    static double t[1000];
    struct xl_err err;
    char status[300], *v;
    unsigned int i;
    int rc;

    if ( !n || n > 1000 )
        return -EINVAL;
    for ( i = 0; i < n; i++ )
    {
        double t0 = now_us();

        if ( (rc = xl_xs_read_trusted(x, path, &v, &err)) )
        {
            fprintf(stderr, "xspub: %s: %s\n", err.file, err.msg);
            return rc;
        }
        t[i] = now_us() - t0;
        free(v);
    }
    printf("XSPUB time trusted-read n=%u median_us=%.0f\n", n, median(t, n));

    snprintf(status, sizeof(status), "%s-benchstatus", path);
    if ( (rc = xl_xs_write(x, status, "x")) )
        return rc;
    for ( i = 0; i < n; i++ )
    {
        double t0 = now_us();

        if ( (rc = xl_xs_write(x, status, "state=levelled\n")) )
            return rc;
        t[i] = now_us() - t0;
    }
    printf("XSPUB time status-write n=%u median_us=%.0f\n", n, median(t, n));
    return 0;
}

int main(int argc, char **argv)
{
    struct xl_xs *x;
    struct xl_err err;
    long interval;
    int i, rc;

    if ( argc < 4 )
    {
        fprintf(stderr, "usage: xspub PATH INTERVAL_MS FILE...\n"
                "       xspub time PATH N\n");
        return 1;
    }
    if ( (rc = xl_xs_open(&x)) )
    {
        fprintf(stderr, "xspub: xenstore: %s\n", strerror(-rc));
        return 1;
    }
    if ( !strcmp(argv[1], "time") )
    {
        rc = time_ops(x, argv[2], (unsigned int)atoi(argv[3]));
        if ( rc )
            fprintf(stderr, "xspub: time: %s\n", strerror(-rc));
        xl_xs_close(x);
        return !!rc;
    }
    interval = atol(argv[2]);
    for ( i = 3; i < argc; i++ )
    {
        static char text[4096];
        size_t n;
        FILE *f = fopen(argv[i], "r");

        if ( !f )
        {
            perror(argv[i]);
            return 1;
        }
        n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        pause_ms(interval);
        if ( xl_xs_publish(x, argv[1], text, &err) )
        {
            fprintf(stderr, "xspub: %s: %s: %s\n", argv[i], err.file, err.msg);
            return 1;
        }
    }
    pause_ms(interval);
    xl_xs_close(x);
    printf("XSPUB published %d\n", argc - 3);
    return 0;
}
