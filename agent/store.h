/*
 * store.h - files written atomically (write temp, fsync, rename, fsync dir).
 */
#ifndef XENLEVEL_STORE_H
#define XENLEVEL_STORE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "err.h"
#include "level.h"

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

/*
 * xl_write_atomic with flags:
 *   XL_WRITE_NOSYNC     no fsync of the file nor of the directory: the
 *                       rename is still atomic (a reader sees the old or
 *                       the new content), only durability across a crash
 *                       is not asked for (the status record: it describes
 *                       the running boot, on /run);
 *   XL_WRITE_DIR_READY  the caller made and checked the directory.
 * id (if not NULL) gets the fstat of the file written, taken on its
 * descriptor after the rename (all zero if that fstat failed).
 */
#define XL_WRITE_NOSYNC     (1u << 0)
#define XL_WRITE_DIR_READY  (1u << 1)
struct stat;
int xl_write_atomic_ex(const char *path, const char *data, size_t len,
                       unsigned int mode, unsigned int flags, struct stat *id,
                       struct xl_err *err);

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
/* The same with xl_write_atomic_ex's flags and id. */
int xl_write_state_ex(const char *path, const char *data, size_t len,
                      unsigned int mode, uid_t owner, unsigned int flags,
                      struct stat *id, struct xl_err *err);

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
 * What a long-running process (the watcher) knows of the persisted level:
 * the generation and name of the file it last wrote or read, and that
 * file's identity (st_dev, st_ino, st_size, st_mtim, st_ctim, from fstat
 * on the descriptor it wrote or read).  A stat of the path that matches
 * all of them is that file, unchanged: any write, rename over, chmod,
 * truncate or touch changes at least one (ctime cannot be set from user
 * space), so the file is then read and parsed again.  One limit, that of
 * every timestamp cache: an in-place rewrite to the same size within the
 * same kernel clock tick (a few ms) as the write the cache holds keeps
 * both times; xenlevel itself never writes in place (it renames a new
 * file: a new inode), and the state directory is root's.
 */
struct xl_persist_cache {
    bool valid;
    struct stat id;
    uint64_t generation;
    char name[XL_NAME_MAX];
    unsigned int loads;         /* times the file was read and parsed */
};
bool xl_persist_cache_match(const struct xl_persist_cache *c,
                            const struct stat *st);

/* Still the same file: device, inode, size, modification and change times
 * (inline, so that the Xen edge's probe builds need no core object). */
static inline bool xl_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * xl_generation_check with a cache (NULL: none): one stat of the path when
 * it matches, else the file is read and parsed (and the cache refilled
 * from the fstat of what was read).
 */
int xl_generation_check_cached(const struct xl_level *l,
                               const char *persist_path, bool force,
                               struct xl_persist_cache *cache,
                               uint64_t *persisted, struct xl_err *err);

/*
 * Persist a level for the next boot (xl_write_state, owner root; so the
 * same return values as xl_write_atomic).  _owner: another owner (tests).
 */
int xl_persist_level(const struct xl_level *l, const char *path,
                     struct xl_err *err);
int xl_persist_level_owner(const struct xl_level *l, const char *path,
                           uid_t owner, struct xl_err *err);
/* The same, leaving in cache (if not NULL) what was written: the file's
 * identity, l's generation and name; invalid when nothing was replaced. */
int xl_persist_level_cached(const struct xl_level *l, const char *path,
                            uid_t owner, struct xl_persist_cache *cache,
                            struct xl_err *err);

#endif /* XENLEVEL_STORE_H */
