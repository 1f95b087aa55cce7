/*
 * store.h - files written atomically (write temp, fsync, rename, fsync dir).
 */
#ifndef XENLEVEL_STORE_H
#define XENLEVEL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Replace path by data, atomically; creates the directory if needed. */
int xl_write_atomic(const char *path, const char *data, size_t len,
                    unsigned int mode, struct xl_err *err);

/*
 * Take an exclusive lock (flock) on path, waiting for it; *fd is released
 * with xl_unlock.  Serialises applies from the watcher, by hand and from
 * the boot hook.
 */
int xl_lock(const char *path, int *fd, struct xl_err *err);
void xl_unlock(int fd);

/* A state file (the lock, native-defaults) in the status record's dir. */
void xl_state_path(const char *status, const char *name, char *buf,
                   size_t len);

struct xl_level;

/*
 * The generation rule: a level older than the persisted one (at
 * persist_path; none yet is fine) is refused with -ESTALE unless force.
 * *persisted is set to the persisted generation (0 if none).
 */
int xl_generation_check(const struct xl_level *l, const char *persist_path,
                        bool force, uint64_t *persisted, struct xl_err *err);

/* Persist a level atomically for the next boot. */
int xl_persist_level(const struct xl_level *l, const char *path,
                     struct xl_err *err);

#endif /* XENLEVEL_STORE_H */
