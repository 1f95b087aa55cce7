/*
 * err.c - failure locations.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"

void xl_err_set(struct xl_err *err, const char *file, unsigned int line,
                const char *key, const char *fmt, ...)
{
    va_list ap;

    if ( !err )
        return;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    snprintf(err->key, sizeof(err->key), "%s", key ? key : "");
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

const char *xl_err_str(const struct xl_err *err, char *buf, unsigned int len)
{
    char where[300] = "";

    if ( err->file[0] && err->line )
        snprintf(where, sizeof(where), "%s:%u: ", err->file, err->line);
    else if ( err->file[0] )
        snprintf(where, sizeof(where), "%s: ", err->file);
    snprintf(buf, len, "%s%s%s%s", where, err->key, err->key[0] ? ": " : "",
             err->msg);
    return buf;
}
