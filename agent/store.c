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
#include <sys/stat.h>
#include <unistd.h>

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

int xl_write_atomic(const char *path, const char *data, size_t len,
                    unsigned int mode, struct xl_err *err)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 32];
    const char *slash = strrchr(path, '/');
    int fd = -1, dfd = -1, rc = 0;
    size_t done = 0;

    if ( slash == path )
        snprintf(dir, sizeof(dir), "/");
    else if ( slash )
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof(dir), ".");
    if ( (rc = mkdirs(dir)) )
    {
        xl_err_set(err, dir, 0, NULL, "cannot create directory: %s",
                   strerror(-rc));
        return rc;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if ( fd < 0 )
    {
        rc = -errno;
        xl_err_set(err, tmp, 0, NULL, "cannot create: %s", strerror(errno));
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
    if ( fsync(fd) < 0 || close(fd) < 0 )
    {
        rc = -errno;
        fd = -1;
        xl_err_set(err, tmp, 0, NULL, "fsync failed: %s", strerror(errno));
        goto out;
    }
    fd = -1;
    if ( rename(tmp, path) < 0 )
    {
        rc = -errno;
        xl_err_set(err, path, 0, NULL, "rename failed: %s", strerror(errno));
        goto out;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ( dfd < 0 || fsync(dfd) < 0 )
    {
        rc = -errno;
        xl_err_set(err, dir, 0, NULL, "directory fsync failed: %s",
                   strerror(errno));
        goto out;
    }
 out:
    if ( fd >= 0 )
        close(fd);
    if ( dfd >= 0 )
        close(dfd);
    if ( rc )
        unlink(tmp);
    return rc;
}

int xl_lock(const char *path, int *fd, struct xl_err *err)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int f, rc;

    if ( slash && slash != path )
    {
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
        if ( (rc = mkdirs(dir)) )
        {
            xl_err_set(err, dir, 0, NULL, "cannot create directory: %s",
                       strerror(-rc));
            return rc;
        }
    }
    f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if ( f < 0 )
    {
        rc = -errno;
        xl_err_set(err, path, 0, NULL, "cannot open lock: %s",
                   strerror(errno));
        return rc;
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

int xl_generation_check(const struct xl_level *l, const char *persist_path,
                        bool force, uint64_t *persisted, struct xl_err *err)
{
    struct xl_parse_opts po = { .allow_extra_words = true };
    struct xl_level cur;
    struct xl_err perr;
    int rc;

    *persisted = 0;
    if ( access(persist_path, F_OK) != 0 )
        return 0;
    rc = xl_level_load(persist_path, &po, &cur, &perr);
    if ( rc )
    {
        /* A damaged persisted level must not block a new one. */
        return 0;
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
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    int rc;

    if ( !f )
        return -ENOMEM;
    xl_level_write(f, l);
    fclose(f);
    rc = xl_write_atomic(path, data, len, 0644, err);
    free(data);
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
