/*
 * host.c - this host's facts and the apply operations, through the Xen
 * edge (xen.h).  No Xen headers here: xen.c is the only file with those.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "log.h"

int xl_host_from_xen(struct xl_xen *x, const char *name, struct xl_host *h,
                     struct xl_err *err)
{
    static const unsigned int idx[] = {
        XL_POL_RAW, XL_POL_HOST, XL_POL_PV_MAX, XL_POL_HVM_MAX,
        XL_POL_PV_DEF, XL_POL_HVM_DEF,
    };
    unsigned int i;
    int rc;

    memset(h, 0, sizeof(*h));
    if ( (rc = xl_xen_version(x, h->rep.xen_version,
                              sizeof(h->rep.xen_version))) ||
         (rc = xl_xen_levelling_caps(x, &h->rep.caps)) )
    {
        xl_err_set(err, NULL, 0, NULL, "cannot read Xen's version and "
                   "levelling caps: %s", strerror(-rc));
        return rc;
    }
    for ( i = 0; i < sizeof(idx) / sizeof(idx[0]); i++ )
    {
        rc = xl_xen_get_policy(x, idx[i], &h->pol[idx[i]]);
        if ( rc == 0 )
            h->have[idx[i]] = true;
        else if ( idx[i] == XL_POL_HVM_MAX || idx[i] == XL_POL_HVM_DEF )
            log_debug("no HVM policy %u: %s", idx[i], strerror(-rc));
        else
        {
            xl_err_set(err, NULL, 0, NULL, "cannot read Xen's CPU policy "
                       "%u: %s", idx[i], strerror(-rc));
            return rc;
        }
    }
    if ( name && *name )
        snprintf(h->rep.name, sizeof(h->rep.name), "%s", name);
    else if ( gethostname(h->rep.name, sizeof(h->rep.name) - 1) != 0 )
        snprintf(h->rep.name, sizeof(h->rep.name), "unknown");
    xl_host_derive_report(h);
    return 0;
}

static int set_defaults(void *ctx, const struct xl_policy *pv,
                        const struct xl_policy *hvm, unsigned int flags,
                        struct xl_set_err *e)
{
    struct xl_xen_err xe = { ~0U, ~0U, ~0U, ~0U };
    int rc = xl_xen_set_defaults(ctx, pv, hvm,
                                 flags & XL_SET_BEYOND_DEFAULT ?
                                 XL_XEN_SET_BEYOND_DEFAULT : 0, &xe);

    e->index = xe.index;
    e->leaf = xe.leaf;
    e->subleaf = xe.subleaf;
    e->msr = xe.msr;
    return rc;
}

static int get_policy(void *ctx, unsigned int index, struct xl_policy *out)
{
    return xl_xen_get_policy(ctx, index, out);
}

void xl_host_apply_ops(struct xl_xen *x, struct xl_apply_ops *ops)
{
    ops->ctx = x;
    ops->set_defaults = set_defaults;
    ops->get_policy = get_policy;
}

static int edge_read_host(void *ctx, const char *name, struct xl_host *h,
                          struct xl_err *err)
{
    struct xl_host_edge *he = ctx;
    int rc;

    if ( !he->x && (rc = xl_xen_open(&he->x)) )
    {
        he->x = NULL;
        xl_err_set(err, NULL, 0, NULL, "cannot open Xen (%s): run in dom0 "
                   "with xen-privcmd loaded and /proc/xen mounted",
                   strerror(-rc));
        return rc;
    }
    return xl_host_from_xen(he->x, name, h, err);
}

static void edge_apply_ops(void *ctx, struct xl_apply_ops *ops)
{
    struct xl_host_edge *he = ctx;

    xl_host_apply_ops(he->x, ops);
}

static int edge_reset_defaults(void *ctx, struct xl_set_err *e)
{
    struct xl_host_edge *he = ctx;
    struct xl_xen_err xe = { ~0U, ~0U, ~0U, ~0U };
    int rc = he->x ? xl_xen_reset_defaults(he->x, &xe) : -ENODEV;

    e->index = xe.index;
    e->leaf = xe.leaf;
    e->subleaf = xe.subleaf;
    e->msr = xe.msr;
    return rc;
}

static int edge_list_domains(void *ctx, struct xl_domain *doms,
                             unsigned int *nr)
{
    struct xl_host_edge *he = ctx;

    return he->x ? xl_xen_list_domains(he->x, doms, nr) : -ENODEV;
}

static int edge_domain_policy(void *ctx, uint32_t domid,
                              struct xl_policy *out)
{
    struct xl_host_edge *he = ctx;

    return he->x ? xl_xen_domain_policy(he->x, domid, out) : -ENODEV;
}

static int edge_xs_open(void *ctx)
{
    struct xl_host_edge *he = ctx;
    int rc;

    if ( he->xs )
        return 0;
    rc = xl_xs_open(&he->xs);
    if ( rc )
        he->xs = NULL;
    return rc;
}

static int edge_xs_read(void *ctx, const char *path, char **text,
                        struct xl_err *err)
{
    struct xl_host_edge *he = ctx;

    return xl_xs_read_trusted(he->xs, path, text, err);
}

static int edge_xs_write(void *ctx, const char *path, const char *text)
{
    struct xl_host_edge *he = ctx;

    return xl_xs_write(he->xs, path, text);
}

void xl_host_edge(struct xl_host_edge *he, struct xl_edge *e)
{
    memset(he, 0, sizeof(*he));
    memset(e, 0, sizeof(*e));
    e->ctx = he;
    e->read_host = edge_read_host;
    e->apply_ops = edge_apply_ops;
    e->reset_defaults = edge_reset_defaults;
    e->list_domains = edge_list_domains;
    e->domain_policy = edge_domain_policy;
    e->xs_open = edge_xs_open;
    e->xs_read = edge_xs_read;
    e->xs_write = edge_xs_write;
}

void xl_host_edge_drop_xs(struct xl_host_edge *he)
{
    if ( he->xs )
        xl_xs_close(he->xs);
    he->xs = NULL;
}

void xl_host_edge_close(struct xl_host_edge *he)
{
    if ( he->x )
        xl_xen_close(he->x);
    if ( he->xs )
        xl_xs_close(he->xs);
    he->x = NULL;
    he->xs = NULL;
}
