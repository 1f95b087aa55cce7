/*
 * xs.c - the xenstore edge: every libxenstore call of the agent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <xenstore.h>

#include "xs.h"
#include "xswire.h"

_Static_assert(XL_XS_PERM_READ == XS_PERM_READ, "perm bits");
_Static_assert(XL_XS_PERM_WRITE == XS_PERM_WRITE, "perm bits");

struct xl_xs {
    struct xs_handle *h;
    char sock[108];         /* xenstored's socket (sun_path's size) */
    int fd;                 /* our own connection for the trusted read
                               (xswire.h), made at the first one; -1 */
    bool wire_off;          /* it failed or broke: libxenstore's calls */
    uint32_t req_id;
};

/* A connection of our own to xenstored's socket: fd, or -errno. */
static int wire_connect(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd, rc;

    if ( strlen(path) >= sizeof(sa.sun_path) )
        return -ENAMETOOLONG;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
        return -errno;
    if ( connect(fd, (struct sockaddr *)&sa, sizeof(sa)) )
    {
        rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

int xl_xs_open(struct xl_xs **xp)
{
    struct xl_xs *x = calloc(1, sizeof(*x));

    if ( !x )
        return -ENOMEM;
    x->fd = -1;
    /*
     * Socket only: never block on /dev/xen/xenbus when no xenstored runs.
     * libxenstore 4.17 ignores XS_OPEN_SOCKETONLY and falls back to
     * /dev/xen/xenbus, where a request blocks for ever without a daemon;
     * so look for the socket ourselves (same path rules as libxenstore).
     */
    {
        const char *p = getenv("XENSTORED_PATH"), *dir;
        char sock[4096];
        struct stat st;

        if ( !p )
        {
            dir = getenv("XENSTORED_RUNDIR");
            snprintf(sock, sizeof(sock), "%s/socket",
                     dir ? dir : "/var/run/xenstored");
            p = sock;
        }
        if ( stat(p, &st) || !S_ISSOCK(st.st_mode) )
        {
            free(x);
            return -ENOENT;
        }
        /* Too long for sun_path: libxenstore's calls do it all. */
        x->wire_off = strlen(p) >= sizeof(x->sock);
        if ( !x->wire_off )
            memcpy(x->sock, p, strlen(p) + 1);
    }
    x->h = xs_open(XS_OPEN_SOCKETONLY);
    if ( !x->h )
    {
        int rc = -errno;

        free(x);
        return rc ? rc : -EIO;
    }
    *xp = x;
    return 0;
}

void xl_xs_close(struct xl_xs *x)
{
    if ( !x )
        return;
    if ( x->fd >= 0 )
        close(x->fd);
    xs_close(x->h);
    free(x);
}

/*
 * Write text at path owned by dom0, with `others` (XS_PERM_NONE: "n0",
 * XS_PERM_READ: "r0") for every other domain, value and permissions in one
 * transaction, retried at most XL_XS_RETRIES times when xenstored reports
 * a conflict (EAGAIN).  errno is saved right after the call that failed.
 */
static int write_owned(struct xl_xs *x, const char *path, const char *text,
                       unsigned int others, const char **what)
{
    struct xs_permissions perm = { .id = 0, .perms = others };
    unsigned int tries;
    xs_transaction_t t;
    int rc;

    for ( tries = 0; tries < XL_XS_RETRIES; tries++ )
    {
        t = xs_transaction_start(x->h);
        if ( t == XBT_NULL )
        {
            rc = -errno;
            *what = "transaction start";
            return rc ? rc : -EIO;
        }
        if ( !xs_write(x->h, t, path, text, (unsigned int)strlen(text)) )
        {
            rc = -errno;
            *what = "write";
            xs_transaction_end(x->h, t, true);
            return rc ? rc : -EIO;
        }
        if ( !xs_set_permissions(x->h, t, path, &perm, 1) )
        {
            rc = -errno;
            *what = "set permissions";
            xs_transaction_end(x->h, t, true);
            return rc ? rc : -EIO;
        }
        if ( xs_transaction_end(x->h, t, false) )
            return 0;
        rc = -errno;
        if ( rc != -EAGAIN )
        {
            *what = "transaction end";
            return rc ? rc : -EIO;
        }
    }
    *what = "transaction (conflicts on every retry)";
    return -EAGAIN;
}

int xl_xs_publish(struct xl_xs *x, const char *path, const char *text,
                  struct xl_err *err)
{
    const char *what = "";
    int rc;

    if ( (rc = xl_xs_value_check(path, text, strlen(text), err)) )
        return rc;
    rc = write_owned(x, path, text, XS_PERM_NONE, &what);
    if ( rc == -EAGAIN )
        xl_err_set(err, path, 0, NULL, "xenstore write failed: %d "
                   "transactions conflicted, giving up", XL_XS_RETRIES);
    else if ( rc )
        xl_err_set(err, path, 0, NULL, "xenstore write failed (%s): %s",
                   what, strerror(-rc));
    return rc;
}

/*
 * The two requests of the trusted read sent at once on our own connection:
 * XS_READ, then XS_GET_PERMS, one sendmsg(); xenstored answers them in
 * that order.  val (malloc'ed, len bytes) and the permissions, or -errno:
 * xenstore's own error for the node (-ENOENT, -EACCES, ...), or -EIO for
 * a broken connection or a reply out of protocol, after which the
 * connection is closed and libxenstore's calls take over.
 */
static int wire_read_perms(struct xl_xs *x, const char *path, char **val,
                           unsigned int *len, struct xl_xs_perm *p,
                           unsigned int max, unsigned int *nr)
{
    static const uint32_t types[2] = { XL_XSW_READ, XL_XSW_GET_PERMS };
    char out[2 * (XL_XSW_HDR + XL_XSW_PATH_MAX + 1)];
    char in[2 * (XL_XSW_HDR + XL_XSW_PAYLOAD_MAX)];
    struct xl_xsw_msg m[2];
    size_t used = 0, have = 0, off = 0;
    unsigned int got = 0, i;
    uint32_t id = x->req_id;
    int rc;

    x->req_id += 2;
    for ( i = 0; i < 2; i++ )
        if ( (rc = xl_xsw_request(out, sizeof(out), &used, types[i], id + i,
                                  path)) )
            return rc;
    while ( off < used )
    {
        ssize_t n = send(x->fd, out + off, used - off, MSG_NOSIGNAL);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            goto broken;
        off += (size_t)n;
    }
    off = 0;
    while ( got < 2 )
    {
        ssize_t n;

        rc = xl_xsw_take(in + off, have - off, &m[got]);
        if ( rc < 0 )
            goto broken;
        if ( rc > 0 )
        {
            off += (size_t)rc;
            if ( m[got].req_id != id + got || m[got].tx_id ||
                 (m[got].type != types[got] && m[got].type != XL_XSW_ERROR) )
                goto broken;
            got++;
            continue;
        }
        n = read(x->fd, in + have, sizeof(in) - have);
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            goto broken;
        have += (size_t)n;
    }
    if ( off != have )
        goto broken;            /* nothing else was asked */
    for ( i = 0; i < 2; i++ )
        if ( m[i].type == XL_XSW_ERROR )
            return xl_xsw_errno(m[i].body, m[i].len);
    if ( (rc = xl_xsw_perms(m[1].body, m[1].len, p, max, nr)) )
        return rc == -E2BIG ? rc : -EIO;
    if ( !(*val = malloc(m[0].len + 1)) )
        return -ENOMEM;
    memcpy(*val, m[0].body, m[0].len);
    (*val)[m[0].len] = '\0';
    *len = m[0].len;
    return 0;

 broken:
    close(x->fd);
    x->fd = -1;
    x->wire_off = true;
    return -EIO;
}

/* The same with libxenstore's calls, one request after the other. */
static int lib_read_perms(struct xl_xs *x, const char *path, char **val,
                          unsigned int *len, struct xl_xs_perm *p,
                          unsigned int max, unsigned int *nr)
{
    struct xs_permissions *perms = NULL;
    unsigned int i;
    int rc = 0;

    if ( !(*val = xs_read(x->h, XBT_NULL, path, len)) ||
         !(perms = xs_get_permissions(x->h, XBT_NULL, path, nr)) )
    {
        rc = errno ? -errno : -EIO;
        goto out;
    }
    if ( *nr > max )
    {
        rc = -E2BIG;
        goto out;
    }
    for ( i = 0; i < *nr; i++ )
    {
        p[i].domid = perms[i].id;
        p[i].perms = perms[i].perms;
    }
 out:
    if ( rc )
    {
        free(*val);
        *val = NULL;
    }
    free(perms);
    return rc;
}

/*
 * The value first, then the node's permissions, outside a transaction: two
 * requests instead of a transaction's four (start, permissions, value,
 * end), on every event of the watcher, sent together (wire_read_perms).
 * The value is taken only if the permissions read after it show that only
 * dom0 can write the node.  Only the owner (dom0 here) or dom0 can change
 * them, and while they are dom0's no other domain can write, remove or
 * re-create the node.  This takes the same values as reading both in one
 * transaction: a value another domain wrote while dom0 had opened the node
 * to it is taken either way once dom0 has closed the node again (the
 * transaction's snapshot then shows it with dom0's permissions too); a node
 * still open when its permissions are read is refused either way.  A
 * change in between fires the watch again, and the next read takes the
 * node as it is then.  (Permissions first, then the value, would not do:
 * dom0 could open the node in between and the value read would be one no
 * check had covered.)  Sent together, the two requests keep that order:
 * xenstored handles a connection's requests one after the other.
 */
int xl_xs_read_trusted(struct xl_xs *x, const char *path, char **text,
                       struct xl_err *err)
{
    struct xl_xs_perm p[16];
    unsigned int nr = 0, len = 0;
    char why[256], *val = NULL;
    int rc = -EIO;

    /* Connected at the first trusted read, not by every xl_xs_open. */
    if ( !x->wire_off && x->fd < 0 )
    {
        x->fd = wire_connect(x->sock);
        x->wire_off = x->fd < 0;
    }
    if ( !x->wire_off )
        rc = wire_read_perms(x, path, &val, &len, p, 16, &nr);
    if ( x->wire_off )
        rc = lib_read_perms(x, path, &val, &len, p, 16, &nr);
    if ( rc == -E2BIG )
    {
        rc = -EPERM;
        xl_err_set(err, path, 0, NULL, "node has more than 16 permission "
                   "entries; refusing it");
        goto out;
    }
    if ( rc )
    {
        xl_err_set(err, path, 0, NULL, "cannot read xenstore node: %s",
                   strerror(-rc));
        goto out;
    }
    if ( !xl_xs_perms_trusted(p, nr, why, sizeof(why)) )
    {
        rc = -EPERM;
        xl_err_set(err, path, 0, NULL, "untrusted node: %s", why);
        goto out;
    }
    if ( (rc = xl_xs_value_check(path, val, len, err)) )
    {
        /* Callers map -EFBIG to "xenstore" (exit 9): both are the node's. */
        rc = -EFBIG;
        goto out;
    }
    *text = val;
    val = NULL;
 out:
    free(val);
    return rc;
}

int xl_xs_write(struct xl_xs *x, const char *path, const char *text)
{
    struct xs_permissions perm = { .id = 0, .perms = XS_PERM_READ };
    const char *what = "";

    /*
     * An existing node: its permissions first, then the value (two
     * requests instead of a transaction's four).  Once the permissions
     * are dom0's with read-only for others, no other domain can write,
     * remove or re-permission the node, so the value written next is the
     * one that stays, as with the transaction.  (The reverse order would
     * leave a window where a domain that could write the node overwrites
     * the new value before it is locked.)  A node that does not exist
     * yet is created with its permissions in one transaction.
     */
    if ( xs_set_permissions(x->h, XBT_NULL, path, &perm, 1) )
        return xs_write(x->h, XBT_NULL, path, text,
                        (unsigned int)strlen(text)) ? 0 : -errno;
    if ( errno != ENOENT )
        return -errno;
    return write_owned(x, path, text, XS_PERM_READ, &what);
}

int xl_xs_watch(struct xl_xs *x, const char *path)
{
    return xs_watch(x->h, path, "xenlevel") ? 0 : -errno;
}

int xl_xs_wait(struct xl_xs *x, char *fired, size_t len)
{
    unsigned int num;
    char **vec = xs_read_watch(x->h, &num);

    if ( !vec )
        return -errno;
    snprintf(fired, len, "%s", vec[XS_WATCH_PATH]);
    free(vec);
    return 0;
}

int xl_xs_rewatch(struct xl_xs **xp, const char *path, unsigned int tries)
{
    unsigned int i;
    int rc = -ENOENT;

    xl_xs_close(*xp);
    *xp = NULL;
    for ( i = 0; i < tries; i++ )
    {
        sleep(1);
        if ( (rc = xl_xs_open(xp)) )
            continue;
        if ( !(rc = xl_xs_watch(*xp, path)) )
            return 0;
        xl_xs_close(*xp);
        *xp = NULL;
    }
    return rc;
}

int xl_xs_domain_name(struct xl_xs *x, uint32_t domid, char *buf,
                      size_t len)
{
    char path[64], *val;
    unsigned int n = 0;

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    val = xs_read(x->h, XBT_NULL, path, &n);
    if ( !val )
        return -errno;
    snprintf(buf, len, "%.*s", (int)n, val);
    free(val);
    return 0;
}
