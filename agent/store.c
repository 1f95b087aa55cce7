/*
 * store.c - atomic file replacement.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

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
    if ( rc && fd != -2 )
        unlink(tmp);
    return rc;
}
