/*
 * testlib.h - minimal table-driven test support.
 *
 * Each test program runs its tables, prints one line per failure and a
 * closing "N passed, N failed" line, and exits non-zero on any failure.
 */
#ifndef XENLEVEL_TESTLIB_H
#define XENLEVEL_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int t_pass, t_fail;
static const char *t_name = "";
static const char *t_dir = "tests";     /* argv[1]: the tests/ directory */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define CHECK(cond, ...)                                                \
    do {                                                                \
        if ( cond )                                                     \
            t_pass++;                                                   \
        else                                                            \
        {                                                               \
            t_fail++;                                                   \
            fprintf(stderr, "FAIL %s: %s:%d: %s: ", t_name, __FILE__,   \
                    __LINE__, #cond);                                   \
            fprintf(stderr, __VA_ARGS__);                               \
            fputc('\n', stderr);                                        \
        }                                                               \
    } while ( 0 )

static inline int t_done(const char *prog)
{
    printf("%s: %u passed, %u failed\n", prog, t_pass, t_fail);
    return t_fail ? 1 : 0;
}

/* Path below the tests/ directory. */
static inline const char *t_path(const char *rel)
{
    static char buf[4][1024];
    static unsigned int n;
    char *b = buf[n++ % 4];

    snprintf(b, sizeof(buf[0]), "%s/%s", t_dir, rel);
    return b;
}

static inline char *t_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *m;
    int c;

    if ( !f )
        return NULL;
    m = open_memstream(&buf, &len);
    while ( (c = fgetc(f)) != EOF )
        fputc(c, m);
    fclose(m);
    fclose(f);
    return buf;
}

#endif /* XENLEVEL_TESTLIB_H */
