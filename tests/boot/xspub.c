/*
 * xspub - test-only publisher for tests/boot/bench: one process publishes
 * each FILE at xenstore PATH as `xenlevel publish` does (value and
 * permissions "n0", dom0 only, in one transaction), pausing INTERVAL_MS
 * before each and after the last.  The watcher's event is then handled
 * while the publisher sleeps: no process exits or starts beside it.
 *
 *   xspub PATH INTERVAL_MS FILE...
 *
 * Prints "XSPUB published N" at the end; exit 1 on the first error.
 *
 *   xspub time PATH N
 *
 * The xenstore part of the watcher's work, in a tight loop (no process
 * start), N times each, medians in microseconds: the trusted read of PATH
 * (one transaction: start, permissions, value, end: agent/xs.c
 * xl_xs_read_trusted) and the status write at PATH-benchstatus
 * (permissions, then value: agent/xs.c xl_xs_write on an existing node).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>
#include "timing.h"

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while ( nanosleep(&ts, &ts) && errno == EINTR )
        ;
}

static int publish(struct xs_handle *h, const char *path, const char *text)
{
    struct xs_permissions perm = { .id = 0, .perms = XS_PERM_NONE };
    int tries;

    for ( tries = 0; tries < 8; tries++ )
    {
        xs_transaction_t t = xs_transaction_start(h);

        if ( t == XBT_NULL )
            return -1;
        if ( !xs_write(h, t, path, text, (unsigned int)strlen(text)) ||
             !xs_set_permissions(h, t, path, &perm, 1) )
        {
            xs_transaction_end(h, t, true);
            return -1;
        }
        if ( xs_transaction_end(h, t, false) )
            return 0;
        if ( errno != EAGAIN )
            return -1;
    }
    return -1;
}

static int time_ops(struct xs_handle *h, const char *path, unsigned int n)
{
    static double t[1000];
    struct xs_permissions rperm = { .id = 0, .perms = XS_PERM_READ };
    char status[300];
    unsigned int i, len, nr;

    if ( !n || n > 1000 )
        return 1;
    for ( i = 0; i < n; i++ )
    {
        double t0 = now_us();
        xs_transaction_t tx = xs_transaction_start(h);
        struct xs_permissions *p;
        char *v;

        if ( tx == XBT_NULL )
            return 1;
        p = xs_get_permissions(h, tx, path, &nr);
        v = xs_read(h, tx, path, &len);
        if ( !p || !v )
        {
            xs_transaction_end(h, tx, true);
            return 1;
        }
        xs_transaction_end(h, tx, false);
        t[i] = now_us() - t0;
        free(p);
        free(v);
    }
    printf("XSPUB time trusted-read n=%u median_us=%.0f\n", n, median(t, n));

    snprintf(status, sizeof(status), "%s-benchstatus", path);
    if ( !xs_write(h, XBT_NULL, status, "x", 1) )
        return 1;
    for ( i = 0; i < n; i++ )
    {
        double t0 = now_us();

        if ( !xs_set_permissions(h, XBT_NULL, status, &rperm, 1) ||
             !xs_write(h, XBT_NULL, status, "state=levelled\n", 15) )
            return 1;
        t[i] = now_us() - t0;
    }
    xs_rm(h, XBT_NULL, status);
    printf("XSPUB time status-write n=%u median_us=%.0f\n", n, median(t, n));
    return 0;
}

int main(int argc, char **argv)
{
    struct xs_handle *h;
    long interval;
    int i;

    if ( argc < 4 )
    {
        fprintf(stderr, "usage: xspub PATH INTERVAL_MS FILE...\n");
        return 1;
    }
    h = xs_open(0);
    if ( !h )
    {
        perror("xspub: xs_open");
        return 1;
    }
    if ( !strcmp(argv[1], "time") )
    {
        int rc = time_ops(h, argv[2], (unsigned int)atoi(argv[3]));

        if ( rc )
            fprintf(stderr, "xspub: time: %s\n", strerror(errno));
        xs_close(h);
        return rc;
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
        if ( publish(h, argv[1], text) )
        {
            fprintf(stderr, "xspub: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
    }
    pause_ms(interval);
    xs_close(h);
    printf("XSPUB published %d\n", argc - 3);
    return 0;
}
