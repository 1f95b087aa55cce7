/*
 * host.h - reading this host through the Xen edge.
 */
#ifndef XENLEVEL_HOST_H
#define XENLEVEL_HOST_H

#include "apply.h"
#include "xen.h"

/* Read version, caps and every policy; derive the report. */
int xl_host_from_xen(struct xl_xen *x, const char *name, struct xl_host *h,
                     struct xl_err *err);

/* Apply operations that go to Xen. */
void xl_host_apply_ops(struct xl_xen *x, struct xl_apply_ops *ops);

#endif /* XENLEVEL_HOST_H */
