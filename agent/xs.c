/*
 * xs.c - the xenstore edge: every libxenstore call of the agent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenstore.h>

#include "xs.h"

_Static_assert(XL_XS_PERM_READ == XS_PERM_READ, "perm bits");
_Static_assert(XL_XS_PERM_WRITE == XS_PERM_WRITE, "perm bits");

struct xl_xs {
    struct xs_handle *h;
};

int xl_xs_open(struct xl_xs **xp)
{
    struct xl_xs *x = calloc(1, sizeof(*x));

    if ( !x )
        return -ENOMEM;
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
 * The value first, then the node's permissions, outside a transaction: two
 * requests instead of a transaction's four (start, permissions, value,
 * end), on every event of the watcher.  The value is taken only if the
 * permissions read after it show that only dom0 can write the node.  Only
 * the owner (dom0 here) or dom0 can change them, and while they are dom0's
 * no other domain can write, remove or re-create the node.  This takes the
 * same values as reading both in one transaction: a value another domain
 * wrote while dom0 had opened the node to it is taken either way once dom0
 * has closed the node again (the transaction's snapshot then shows it with
 * dom0's permissions too); a node still open when its permissions are read
 * is refused either way.  A change in between fires the watch again, and
 * the next read takes the node as it is then.  (Permissions first, then
 * the value, would not do: dom0 could open the node in between and the
 * value read would be one no check had covered.)
 */
int xl_xs_read_trusted(struct xl_xs *x, const char *path, char **text,
                       struct xl_err *err)
{
    struct xl_xs_perm p[16];
    struct xs_permissions *perms = NULL;
    unsigned int nr = 0, i, len = 0;
    char why[256], *val = NULL;
    int rc = 0;

    if ( !(val = xs_read(x->h, XBT_NULL, path, &len)) ||
         !(perms = xs_get_permissions(x->h, XBT_NULL, path, &nr)) )
    {
        rc = errno ? -errno : -EIO;
        xl_err_set(err, path, 0, NULL, "cannot read xenstore node: %s",
                   strerror(-rc));
        goto out;
    }
    if ( nr > sizeof(p) / sizeof(p[0]) )
    {
        rc = -EPERM;
        xl_err_set(err, path, 0, NULL, "node has %u permission entries; "
                   "refusing it", nr);
        goto out;
    }
    for ( i = 0; i < nr; i++ )
    {
        p[i].domid = perms[i].id;
        p[i].perms = perms[i].perms;
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
    free(perms);
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
