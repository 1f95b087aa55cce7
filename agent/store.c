/*
 * store.c - atomic file replacement.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inifile.h"
#include "level.h"
#include "store.h"
#include "xs.h"

static int mkdirs(const char *dir)
{
    char buf[PATH_MAX];
    char *p;

    if ( snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf) )
        return -ENAMETOOLONG;
    for ( p = buf + 1; *p; p++ )
    {
        if ( *p != '/' )
            continue;
        *p = '\0';
        if ( mkdir(buf, 0755) < 0 && errno != EEXIST )
            return -errno;
        *p = '/';
    }
    if ( mkdir(buf, 0755) < 0 && errno != EEXIST )
        return -errno;
    return 0;
}

/* Test hook (tests/unit/test-store.c): every fsync of this file. */
int (*xl_store_fsync)(int fd) = fsync;

/* dir receives the directory part of path ("." or "/" as needed). */
static int dir_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    int n;

    if ( slash == path )
        n = snprintf(dir, len, "/");
    else if ( slash )
        n = snprintf(dir, len, "%.*s", (int)(slash - path), path);
    else
        n = snprintf(dir, len, ".");
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* dir: path's directory, created (with its parents) if missing. */
static int make_dir_of(const char *path, char *dir, size_t len,
                       struct xl_err *err)
{
    int rc;

    if ( (rc = dir_of(path, dir, len)) )
    {
        xl_err_set(err, path, 0, NULL, "path too long");
        return rc;
    }
    if ( (rc = mkdirs(dir)) )
        xl_err_set(err, dir, 0, NULL, "cannot create directory: %s",
                   strerror(-rc));
    return rc;
}

/* An unpredictable temporary name next to path: DIR/.BASE.XXXXXXXXXXXX */
static int temp_name(const char *path, char *tmp, size_t len)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
    const char *slash = strrchr(path, '/');
    unsigned char rnd[12];
    char suffix[sizeof(rnd) + 1];
    size_t got = 0;
    unsigned int i;
    int n;

    while ( got < sizeof(rnd) )
    {
        ssize_t r = getrandom(rnd + got, sizeof(rnd) - got, 0);

        if ( r < 0 && errno == EINTR )
            continue;
        if ( r < 0 )
            return -errno;
        got += (size_t)r;
    }
    for ( i = 0; i < sizeof(rnd); i++ )
        suffix[i] = digits[rnd[i] & 31];
    suffix[i] = '\0';
    if ( slash )
        n = snprintf(tmp, len, "%.*s.%s.%s", (int)(slash + 1 - path), path,
                     slash + 1, suffix);
    else
        n = snprintf(tmp, len, ".%s.%s", path, suffix);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int xl_write_atomic(const char *path, const char *data, size_t len,
                    unsigned int mode, struct xl_err *err)
{
    return xl_write_atomic_ex(path, data, len, mode, 0, NULL, err);
}

int xl_write_atomic_ex(const char *path, const char *data, size_t len,
                       unsigned int mode, unsigned int flags, struct stat *id,
                       struct xl_err *err)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 32];
    struct stat st;
    int fd = -1, dfd = -1, rc = 0, tries;
    bool created = false, replaced = false;
    bool sync = !(flags & XL_WRITE_NOSYNC);
    size_t done = 0;

    if ( flags & XL_WRITE_DIR_READY )
        rc = dir_of(path, dir, sizeof(dir));
    else
        rc = make_dir_of(path, dir, sizeof(dir), err);
    if ( rc )
    {
        if ( flags & XL_WRITE_DIR_READY )
            xl_err_set(err, path, 0, NULL, "path too long");
        return rc;
    }
    /* Replace a regular file only: never a symlink, device, FIFO, dir. */
    if ( lstat(path, &st) == 0 && !S_ISREG(st.st_mode) )
    {
        xl_err_set(err, path, 0, NULL, "exists and is not a regular file: "
                   "refusing to replace it");
        return -EEXIST;
    }
    for ( tries = 0; ; tries++ )
    {
        if ( (rc = temp_name(path, tmp, sizeof(tmp))) )
        {
            xl_err_set(err, path, 0, NULL, "no temporary name: %s",
                       strerror(-rc));
            return rc;
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  mode);
        if ( fd >= 0 || errno != EEXIST || tries == 8 )
            break;
    }
    if ( fd < 0 )
    {
        rc = -errno;
        xl_err_set(err, tmp, 0, NULL, "cannot create: %s", strerror(errno));
        goto out;
    }
    created = true;
    if ( fchmod(fd, mode) < 0 )
    {
        rc = -errno;
        xl_err_set(err, tmp, 0, NULL, "chmod failed: %s", strerror(errno));
        goto out;
    }
    while ( done < len )
    {
        ssize_t w = write(fd, data + done, len - done);

        if ( w < 0 && errno == EINTR )
            continue;
        if ( w < 0 )
        {
            rc = -errno;
            xl_err_set(err, tmp, 0, NULL, "write failed: %s",
                       strerror(errno));
            goto out;
        }
        done += (size_t)w;
    }
    if ( sync && xl_store_fsync(fd) < 0 )
    {
        rc = -errno;
        xl_err_set(err, tmp, 0, NULL, "fsync failed: %s", strerror(errno));
        goto out;
    }
    /*
     * With id, the descriptor stays open over the rename: the identity is
     * the fstat of the file written, after the rename (which changes its
     * ctime), never a stat by name that could see someone else's file.
     */
    if ( !id )
    {
        rc = close(fd);
        fd = -1;
        if ( rc < 0 )
        {
            rc = -errno;
            xl_err_set(err, tmp, 0, NULL, "close failed: %s",
                       strerror(errno));
            goto out;
        }
    }
    if ( rename(tmp, path) < 0 )
    {
        rc = -errno;
        xl_err_set(err, path, 0, NULL, "rename failed: %s", strerror(errno));
        goto out;
    }
    created = false;
    replaced = true;
    if ( id && fstat(fd, id) < 0 )
        memset(id, 0, sizeof(*id));     /* matches no file: read it again */
    if ( !sync )
        goto out;
    /* From here on, path holds the new data: say so when sync fails. */
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ( dfd < 0 || xl_store_fsync(dfd) < 0 )
    {
        xl_err_set(err, path, 0, NULL, "replaced, but directory sync failed "
                   "(%s: %s): the new content may not survive a crash",
                   dir, strerror(errno));
        rc = XL_WRITE_UNSYNCED;
        goto out;
    }
 out:
    if ( rc == XL_WRITE_UNSYNCED && !replaced )
        rc = -EIO;              /* keep XL_WRITE_UNSYNCED unambiguous */
    if ( fd >= 0 )
        close(fd);
    if ( dfd >= 0 )
        close(dfd);
    if ( created )
        unlink(tmp);
    return rc;
}

int xl_state_dir_check(const char *dir, uid_t owner, struct xl_err *err)
{
    struct stat st;

    if ( stat(dir, &st) < 0 )
    {
        int rc = -errno;

        xl_err_set(err, dir, 0, NULL, "state directory: %s",
                   strerror(errno));
        return rc;
    }
    if ( !S_ISDIR(st.st_mode) )
    {
        xl_err_set(err, dir, 0, NULL, "state directory is not a directory");
        return -ENOTDIR;
    }
    if ( st.st_uid != owner )
    {
        xl_err_set(err, dir, 0, NULL, "state directory is owned by uid %u, "
                   "not %u: refusing it", (unsigned int)st.st_uid,
                   (unsigned int)owner);
        return -EPERM;
    }
    if ( st.st_mode & (S_IWGRP | S_IWOTH) )
    {
        xl_err_set(err, dir, 0, NULL, "state directory is writable by "
                   "group or others (mode %04o): refusing it",
                   (unsigned int)(st.st_mode & 07777));
        return -EPERM;
    }
    return 0;
}

/*
 * Create the directory of a state file if needed, then check it.  An
 * existing directory (the usual case) costs one stat, the check's: the
 * mkdir of every component is only tried when it is missing.
 */
static int state_dir(const char *path, uid_t owner, struct xl_err *err)
{
    char dir[PATH_MAX];
    int rc;

    if ( (rc = dir_of(path, dir, sizeof(dir))) )
    {
        xl_err_set(err, path, 0, NULL, "path too long");
        return rc;
    }
    rc = xl_state_dir_check(dir, owner, err);
    if ( rc != -ENOENT )
        return rc;
    if ( (rc = make_dir_of(path, dir, sizeof(dir), err)) )
        return rc;
    return xl_state_dir_check(dir, owner, err);
}

int xl_write_state(const char *path, const char *data, size_t len,
                   unsigned int mode, uid_t owner, struct xl_err *err)
{
    return xl_write_state_ex(path, data, len, mode, owner, 0, NULL, err);
}

int xl_write_state_ex(const char *path, const char *data, size_t len,
                      unsigned int mode, uid_t owner, unsigned int flags,
                      struct stat *id, struct xl_err *err)
{
    int rc = state_dir(path, owner, err);

    return rc ? rc : xl_write_atomic_ex(path, data, len, mode,
                                        flags | XL_WRITE_DIR_READY, id, err);
}

int xl_lock_owner(const char *path, uid_t owner, int *fd,
                  struct xl_err *err)
{
    struct stat st;
    int f, rc;

    if ( (rc = state_dir(path, owner, err)) )
        return rc;
    f = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
             O_CLOEXEC, 0600);
    if ( f < 0 )
    {
        rc = -errno;
        xl_err_set(err, path, 0, NULL, "cannot open lock: %s",
                   strerror(errno));
        return rc;
    }
    if ( fstat(f, &st) < 0 || !S_ISREG(st.st_mode) )
    {
        xl_err_set(err, path, 0, NULL, "lock is not a regular file");
        close(f);
        return -EINVAL;
    }
    while ( flock(f, LOCK_EX) < 0 )
    {
        if ( errno == EINTR )
            continue;
        rc = -errno;
        xl_err_set(err, path, 0, NULL, "cannot lock: %s", strerror(errno));
        close(f);
        return rc;
    }
    *fd = f;
    return 0;
}

int xl_lock(const char *path, int *fd, struct xl_err *err)
{
    return xl_lock_owner(path, XL_STATE_OWNER, fd, err);
}

void xl_unlock(int fd)
{
    if ( fd >= 0 )
        close(fd);
}

void xl_state_path(const char *status, const char *name, char *buf,
                   size_t len)
{
    const char *slash = strrchr(status, '/');

    if ( slash )
        snprintf(buf, len, "%.*s/%s", (int)(slash - status), status, name);
    else
        snprintf(buf, len, "%s", name);
}

bool xl_persist_cache_match(const struct xl_persist_cache *c,
                            const struct stat *st)
{
    return c && c->valid && xl_same_file(&c->id, st);
}

static void cache_set(struct xl_persist_cache *c, const struct stat *id,
                      const struct xl_level *l)
{
    if ( !c )
        return;
    c->valid = id->st_ino != 0;
    c->id = *id;
    c->generation = l->generation;
    snprintf(c->name, sizeof(c->name), "%s", l->name);
}

int xl_generation_check(const struct xl_level *l, const char *persist_path,
                        bool force, uint64_t *persisted, struct xl_err *err)
{
    return xl_generation_check_cached(l, persist_path, force, NULL,
                                      persisted, err);
}

int xl_generation_check_cached(const struct xl_level *l,
                               const char *persist_path, bool force,
                               struct xl_persist_cache *cache,
                               uint64_t *persisted, struct xl_err *err)
{
    struct xl_parse_opts po = { .allow_extra_words = true };
    struct xl_level cur;
    struct xl_err perr;
    struct stat st;
    char *text = NULL;
    size_t len;
    int rc;

    *persisted = 0;
    if ( stat(persist_path, &st) != 0 )
    {
        if ( cache )
            cache->valid = false;
        return 0;
    }
    if ( xl_persist_cache_match(cache, &st) )
    {
        /* The file this process wrote or read last, unchanged. */
        cur.generation = cache->generation;
        snprintf(cur.name, sizeof(cur.name), "%s", cache->name);
    }
    else
    {
        if ( cache )
            cache->valid = false;
        if ( cache )
            cache->loads++;
        rc = xl_read_file_st(persist_path, &text, &len, &st, &perr);
        if ( !rc )
            rc = xl_level_parse(persist_path, text, &po, &cur, &perr);
        free(text);
        if ( rc )
        {
            /* A damaged persisted level must not block a new one. */
            return 0;
        }
        cache_set(cache, &st, &cur);
    }
    *persisted = cur.generation;
    if ( l->generation < cur.generation && !force )
    {
        xl_err_set(err, persist_path, 0, "level.generation",
                   "level %s generation %llu is older than the persisted "
                   "level %s generation %llu: refused (use --force to "
                   "replay an older level)", l->name,
                   (unsigned long long)l->generation, cur.name,
                   (unsigned long long)cur.generation);
        return -ESTALE;
    }
    return 0;
}

int xl_persist_level(const struct xl_level *l, const char *path,
                     struct xl_err *err)
{
    return xl_persist_level_owner(l, path, XL_STATE_OWNER, err);
}

int xl_persist_level_owner(const struct xl_level *l, const char *path,
                           uid_t owner, struct xl_err *err)
{
    return xl_persist_level_cached(l, path, owner, NULL, err);
}

int xl_persist_level_cached(const struct xl_level *l, const char *path,
                            uid_t owner, struct xl_persist_cache *cache,
                            struct xl_err *err)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    struct stat id;
    int rc;

    if ( cache )
        cache->valid = false;
    if ( !f )
        return -ENOMEM;
    xl_level_write(f, l);
    fclose(f);
    rc = xl_write_state_ex(path, data, len, 0644, owner, 0,
                           cache ? &id : NULL, err);
    free(data);
    /* Replaced (durably or not): the file now holds l. */
    if ( cache && (rc == 0 || rc == XL_WRITE_UNSYNCED) )
        cache_set(cache, &id, l);
    return rc;
}

bool xl_xs_perms_trusted(const struct xl_xs_perm *p, unsigned int nr,
                         char *why, size_t whylen)
{
    unsigned int i;

    if ( nr == 0 )
    {
        snprintf(why, whylen, "no permissions");
        return false;
    }
    if ( p[0].domid != 0 )
    {
        snprintf(why, whylen, "owned by domain %u, not dom0", p[0].domid);
        return false;
    }
    if ( p[0].perms & XL_XS_PERM_WRITE )
    {
        snprintf(why, whylen, "every domain may write it");
        return false;
    }
    for ( i = 1; i < nr; i++ )
        if ( p[i].domid != 0 && (p[i].perms & XL_XS_PERM_WRITE) )
        {
            snprintf(why, whylen, "domain %u may write it", p[i].domid);
            return false;
        }
    return true;
}

int xl_xs_value_check(const char *path, const char *val, size_t len,
                      struct xl_err *err)
{
    if ( len > XL_XS_MAX_VALUE )
    {
        xl_err_set(err, path, 0, NULL, "value of %zu bytes refused (at most "
                   "%d)", len, XL_XS_MAX_VALUE);
        return -EFBIG;
    }
    if ( memchr(val, '\0', len) )
    {
        xl_err_set(err, path, 0, NULL, "value of %zu bytes refused: it "
                   "holds a NUL byte", len);
        return -EINVAL;
    }
    return 0;
}
