/*
 * store.h - files written atomically (write temp, fsync, rename, fsync dir).
 */
#ifndef XENLEVEL_STORE_H
#define XENLEVEL_STORE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/*
 * Replace path by data, atomically; creates the directory if needed.
 *
 * The data goes to a new file with an unpredictable name in path's
 * directory (".NAME.<12 random characters>", created O_EXCL|O_NOFOLLOW,
 * mode exactly `mode`), is fsync'ed, renamed over path, and the directory
 * is fsync'ed.  A path that exists and is not a regular file (a symlink,
 * /dev/null, a FIFO, a directory) is refused with -EEXIST and left alone.
 *
 * Returns:
 *   0                   path holds data, durably;
 *   XL_WRITE_UNSYNCED   path DOES hold data (the rename was done), but the
 *                       directory fsync failed: after a crash the old
 *                       content may come back.  err says "replaced, but
 *                       directory sync failed".
 *   another -errno      path was not changed (nothing left behind).
 */
#define XL_WRITE_UNSYNCED (-EINPROGRESS)
int xl_write_atomic(const char *path, const char *data, size_t len,
                    unsigned int mode, struct xl_err *err);

/* Every fsync of store.c goes through this; a test hook.  fsync(2). */
extern int (*xl_store_fsync)(int fd);

/*
 * State directories (the status record's, /run/xenlevel, and the persisted
 * level's, /var/lib/xenlevel) must be directories owned by `owner` and not
 * writable by group or others; else -EPERM (-ENOTDIR, -ENOENT) and err
 * names the directory.  Callers pass XL_STATE_OWNER; tests their own uid.
 */
#define XL_STATE_OWNER ((uid_t)0)
int xl_state_dir_check(const char *dir, uid_t owner, struct xl_err *err);

/*
 * xl_write_atomic for a state file (status record, native defaults,
 * persisted level): creates path's directory if needed and checks it with
 * xl_state_dir_check first.  Output files (-o FILE) use xl_write_atomic.
 */
int xl_write_state(const char *path, const char *data, size_t len,
                   unsigned int mode, uid_t owner, struct xl_err *err);

/*
 * Take an exclusive lock (flock) on path, waiting for it; *fd is released
 * with xl_unlock.  Serialises applies from the watcher, by hand and from
 * the boot hook.  The lock's directory is a state directory (checked as
 * above, owner root); the lock is opened O_NOFOLLOW and must be a regular
 * file.  xl_lock_owner: the same with another owner (tests).
 */
int xl_lock(const char *path, int *fd, struct xl_err *err);
int xl_lock_owner(const char *path, uid_t owner, int *fd,
                  struct xl_err *err);
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

/*
 * Persist a level for the next boot (xl_write_state, owner root; so the
 * same return values as xl_write_atomic).  _owner: another owner (tests).
 */
int xl_persist_level(const struct xl_level *l, const char *path,
                     struct xl_err *err);
int xl_persist_level_owner(const struct xl_level *l, const char *path,
                           uid_t owner, struct xl_err *err);

#endif /* XENLEVEL_STORE_H */
