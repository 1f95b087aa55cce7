/*
 * err.h - where a failure happened, for one-line error messages.
 *
 * Core functions return 0 or a negative errno and fill an optional
 * struct xl_err saying where: "FILE:LINE: KEY: message" for files,
 * "xenstore PATH: message" for xenstore values.
 */
#ifndef XENLEVEL_ERR_H
#define XENLEVEL_ERR_H

#include <stdarg.h>

struct xl_err {
    char file[256];     /* file name, or xenstore path; "" if none */
    unsigned int line;  /* 0 if none */
    char key[96];       /* "section.key", feature name, leaf...; "" if none */
    char msg[512];
};

void xl_err_set(struct xl_err *err, const char *file, unsigned int line,
                const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Format as one line: "file:line: key: msg". */
const char *xl_err_str(const struct xl_err *err, char *buf, unsigned int len);

#endif /* XENLEVEL_ERR_H */
