/*
 * edge.h - what the orchestration (source.c, run.c) needs from the world
 * outside the process, as an ops table, and the context of one run.
 *
 * struct xl_edge is Xen and xenstore: host.c fills it with the real edge
 * (xen.c, xs.c); the unit tests with a fake, so that the source selection
 * and the apply path run in userspace.  Files are reached directly (store.c),
 * in the directories the site config names.
 *
 * struct xl_run is everything a run needs that the command line decided:
 * the site config, the real root at boot, a captured host report.  Nothing
 * below xenlevel.c reads the command line.
 */
#ifndef XENLEVEL_EDGE_H
#define XENLEVEL_EDGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "apply.h"
#include "config.h"
#include "err.h"
#include "xen.h"

struct xl_persist_cache;

struct xl_edge {
    void *ctx;
    /*
     * Read this host from Xen: version, levelling caps, every policy (name
     * NULL: the host name).  0 or -errno, err says why in one line ("cannot
     * open Xen (...): run in dom0 ..." when Xen cannot be reached).
     */
    int (*read_host)(void *ctx, const char *name, struct xl_host *h,
                     struct xl_err *err);
    /* The set and read-back operations of xl_apply (after read_host). */
    void (*apply_ops)(void *ctx, struct xl_apply_ops *ops);
    /* Restore Xen's boot-time defaults (as xl_xen_reset_defaults). */
    int (*reset_defaults)(void *ctx, struct xl_set_err *e);
    /* Running domains (as xl_xen_list_domains) and one domain's policy. */
    int (*list_domains)(void *ctx, struct xl_domain *doms, unsigned int *nr);
    int (*domain_policy)(void *ctx, uint32_t domid, struct xl_policy *out);
    /* Connect to xenstore (idempotent): 0 or -errno (-ENOENT: no daemon). */
    int (*xs_open)(void *ctx);
    /* After xs_open: read a trusted node (xl_xs_read_trusted), write one. */
    int (*xs_read)(void *ctx, const char *path, char **text,
                   struct xl_err *err);
    int (*xs_write)(void *ctx, const char *path, const char *text);
};

struct xl_run {
    const struct xl_config *cfg;
    const char *root;           /* apply --boot --root: the real root */
    const char *host_report;    /* -H: a captured host report, not Xen */
    bool current_defaults;      /* status, reset: the defaults as they are
                                   now, not Xen's boot-time ones */
    uid_t owner;                /* owner of the state directories:
                                   XL_STATE_OWNER (tests: their own) */
    const struct xl_edge *edge;
    const struct xl_host *host; /* the watcher: this host's facts, read
                                   once at start-up (they do not change
                                   in a boot); NULL: read them each run */
    struct xl_persist_cache *persisted;
                                /* the watcher: what it knows of the
                                   persisted level (store.h); NULL: read
                                   it each run */
};

/*
 * Where a step failed, for the command line's exit code: the one-line
 * message is err's (xl_err_str).
 */
enum xl_fail_at {
    XL_AT_NONE,
    XL_AT_INPUT,                /* a file or value: exit 3 */
    XL_AT_XEN,                  /* Xen: exit 7 */
    XL_AT_XS,                   /* xenstore: exit 9 */
    XL_AT_NO_LEVEL,             /* no level at all: exit 13 */
    XL_AT_PERSIST_DAMAGED,      /* damaged persisted level: exit 18 */
    XL_AT_INTERNAL,             /* out of memory: exit 1 */
};

struct xl_fail {
    enum xl_fail_at at;
    struct xl_err err;
};

#endif /* XENLEVEL_EDGE_H */
