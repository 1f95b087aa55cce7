/*
 * apply.h - the one apply path: check, build, install, verify.
 *
 * Shared by `xenlevel apply`, the boot hook (apply --boot) and the
 * watcher.  Xen is reached only through struct xl_apply_ops, so that the
 * path is tested in userspace with a fake.
 */
#ifndef XENLEVEL_APPLY_H
#define XENLEVEL_APPLY_H

#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "config.h"
#include "err.h"
#include "level.h"
#include "policy.h"

/* Exit codes of xenlevel(8). */
enum {
    XL_EXIT_OK = 0,
    XL_EXIT_ERROR = 1,          /* internal error, out of memory */
    XL_EXIT_USAGE = 2,
    XL_EXIT_INPUT = 3,          /* bad or unreadable file, config, value */
    XL_EXIT_HONOUR = 4,         /* host lacks features of the level */
    XL_EXIT_ENFORCE = 5,        /* PV leaves Xen cannot enforce here */
    XL_EXIT_VENDOR = 6,         /* level is for another CPU vendor */
    XL_EXIT_XEN = 7,            /* Xen unreachable, or it refused */
    XL_EXIT_NOSYSCTL = 8,       /* Xen lacks XEN_SYSCTL_set_cpu_policy */
    XL_EXIT_XS = 9,             /* xenstore unreachable/untrusted/oversized */
    XL_EXIT_STALE = 10,         /* level older than the persisted one */
    XL_EXIT_GATE = 11,          /* gate: guests held on an unlevelled host */
    XL_EXIT_NOT_LEVELLED = 12,  /* status/sync: the host is not levelled */
    XL_EXIT_NO_LEVEL = 13,      /* boot: no level to apply at all */
    XL_EXIT_NOT_PERSISTED = 14, /* installed in Xen, but not persisted */
    XL_EXIT_DENIED = 15,        /* Xen denied the sysctl: XSM, version */
    XL_EXIT_NOHVM = 16,         /* Xen cannot take an HVM default */
    XL_EXIT_READBACK = 17,      /* defaults changed, but read back other
                                   than the level: neither old nor new */
    XL_EXIT_PERSIST_DAMAGED = 18, /* boot: the persisted level is damaged
                                     and no site level may replace it */
};

/* What a host is: its report, plus the policies behind it. */
struct xl_host {
    struct xl_host_report rep;
    struct xl_policy pol[XL_POL_NR];
    bool have[XL_POL_NR];
};

/* Fill h->rep from h->pol (pure).  name/xen_version/caps set by caller. */
void xl_host_derive_report(struct xl_host *h);

/* A host standing for a captured report (policies synthesised). */
void xl_host_from_report(const struct xl_host_report *r, struct xl_host *h);

struct xl_set_err {
    unsigned int index;         /* XL_POL_PV_DEF, XL_POL_HVM_DEF, ~0: none */
    uint32_t leaf, subleaf, msr;
};

/* Flags of set_defaults. */
#define XL_SET_BEYOND_DEFAULT 1U    /* beyond_boot_defaults = allow */

struct xl_apply_ops {
    void *ctx;
    /*
     * Install both defaults at once (hvm may be NULL); 0 or -errno:
     * -ENOSYS no such sysctl, -EOPNOTSUPP no HVM, -EPERM/-EACCES denied,
     * -EINVAL/-ERANGE/-E2BIG refused (e filled), -ETIMEDOUT xl's lock.
     */
    int (*set_defaults)(void *ctx, const struct xl_policy *pv,
                        const struct xl_policy *hvm, unsigned int flags,
                        struct xl_set_err *e);
    /* Read one policy back (XL_POL_*). */
    int (*get_policy)(void *ctx, unsigned int index, struct xl_policy *out);
};

struct xl_apply_result {
    enum xl_verdict verdict;
    struct xl_check check;
    struct xl_policy pv_new, hvm_new;
    bool hvm;                       /* HVM default is part of the change */
    bool changed;                   /* new defaults differ from current */
    char reason[1024];              /* one line: why not levelled */
};

/*
 * ops == NULL: dry run, print the diff to out.  Returns an XL_EXIT_* code;
 * res->reason says why on failure.  Never installs one default without
 * the other.  XL_EXIT_READBACK: the set succeeded, so Xen's defaults WERE
 * changed, but they read back other than what was installed (or could not
 * be read back): the host runs neither the previous defaults nor the level.
 */
int xl_apply(const struct xl_config *cfg, const struct xl_level *l,
             struct xl_host *h, const struct xl_apply_ops *ops, FILE *out,
             struct xl_apply_result *res);

/*
 * The XL_EXIT_* code and the one-line reason for a failed set (or reset,
 * what = "reset") of the default policies: rc and e as set_defaults gives
 * them.  beyond: whether beyond_boot_defaults = allow was in force.
 */
int xl_set_error(int rc, const struct xl_set_err *e, bool beyond,
                 const char *what, char *reason, size_t len);

#endif /* XENLEVEL_APPLY_H */
