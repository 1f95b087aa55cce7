/*
 * store.h - files written atomically (write temp, fsync, rename, fsync dir).
 */
#ifndef XENLEVEL_STORE_H
#define XENLEVEL_STORE_H

#include <stddef.h>

#include "err.h"

/* Replace path by data, atomically; creates the directory if needed. */
int xl_write_atomic(const char *path, const char *data, size_t len,
                    unsigned int mode, struct xl_err *err);

#endif /* XENLEVEL_STORE_H */
