/*
 * host.h - reading this host through the Xen edge.
 */
#ifndef XENLEVEL_HOST_H
#define XENLEVEL_HOST_H

#include "apply.h"
#include "edge.h"
#include "xen.h"
#include "xs.h"

/* Read version, caps and every policy; derive the report. */
int xl_host_from_xen(struct xl_xen *x, const char *name, struct xl_host *h,
                     struct xl_err *err);

/* Apply operations that go to Xen. */
void xl_host_apply_ops(struct xl_xen *x, struct xl_apply_ops *ops);

/*
 * The real edge of the orchestration (edge.h): Xen through xen.c, xenstore
 * through xs.c, each opened at its first use and kept until
 * xl_host_edge_close.
 */
struct xl_host_edge {
    struct xl_xen *x;
    struct xl_xs *xs;
};

void xl_host_edge(struct xl_host_edge *he, struct xl_edge *e);
/* Forget the xenstore connection (xenstored restarted): reopened at next use. */
void xl_host_edge_drop_xs(struct xl_host_edge *he);
void xl_host_edge_close(struct xl_host_edge *he);

#endif /* XENLEVEL_HOST_H */
