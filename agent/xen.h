/*
 * xen.h - the Xen edge.  xen.c is the only file of the agent that calls
 * libxenctrl, libxenguest or libxencall.  Everything it returns is plain
 * data (struct xl_policy), so the rest of the agent never sees Xen types.
 *
 * All functions return 0 or a negative errno value.
 */
#ifndef XENLEVEL_XEN_H
#define XENLEVEL_XEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct xl_xen;

/* Open handles to Xen (privcmd).  -ENOENT/-EACCES etc. when not in dom0. */
int xl_xen_open(struct xl_xen **xp);
void xl_xen_close(struct xl_xen *x);

/* "4.17.5-pre" style version string (major.minor + extraversion). */
int xl_xen_version(struct xl_xen *x, char *buf, size_t len);

/*
 * XEN_SYSCTL_get_cpu_levelling_caps, as XL_CAP_* bits; on a Xen without
 * that sysctl (4.22 and later), xl_xen_levelling_caps_derive().
 */
int xl_xen_levelling_caps(struct xl_xen *x, uint32_t *caps);

/*
 * The levelling capabilities Xen's CPU vendor code sets up, derived from
 * the host policy (CPUID faulting, vendor, family, model): see xen.c and
 * xenlevel(8).  What Xen expects to find: a masking MSR that Xen's boot
 * probe did not find is not seen here.
 */
int xl_xen_levelling_caps_derive(struct xl_xen *x, uint32_t *caps);

/*
 * The XEN_SYSCTL_set_cpu_policy number on this hypervisor, found by probing
 * (30 on 4.17, 31 from 4.18 on); -ENOSYS when it has none, -EPERM/-EACCES
 * when the probe was denied.
 */
int xl_xen_set_op(struct xl_xen *x);

/*
 * XEN_SYSCTL_get_cpu_policy for one XL_POL_* index.  -EOPNOTSUPP (or the
 * errno Xen gave) when that policy does not exist, e.g. HVM on a host
 * without HVM support.
 */
int xl_xen_get_policy(struct xl_xen *x, unsigned int index,
                      struct xl_policy *out);

/* Where Xen refused a set: which policy, leaf, subleaf, MSR (~0 = none). */
struct xl_xen_err {
    uint32_t index;
    uint32_t leaf, subleaf, msr;
};

/* Flags of xl_xen_set_defaults(). */
#define XL_XEN_SET_BEYOND_DEFAULT 1U /* allow features beyond the boot-time
                                        defaults (still within max) */

/*
 * Install new PV and HVM default policies in one XEN_SYSCTL_set_cpu_policy
 * call (xen-patches/).  hvm may be NULL on a host without HVM.  Either both
 * are installed or neither.  Xen builds each from its boot-time default.
 * While it sets, xl's lock file is held (see xen.c), waiting at most
 * XL_XEN_XL_LOCK_WAIT seconds for it.  Returns:
 *   -ENOSYS          this hypervisor has no such sysctl (unpatched Xen);
 *   -EOPNOTSUPP      Xen cannot take an HVM default (no HVM support);
 *   -EPERM           denied by XSM/Flask (a Flask Xen without the series
 *                    answers this too; Flask's own -EACCES for a known
 *                    op is returned as -EPERM once XEN_SYSCTL_physinfo
 *                    shows the interface version is right);
 *   -EACCES          sysctl interface version mismatch;
 *   -EINVAL, -ERANGE, -E2BIG  the content was refused, *err says where
 *                    (index ~0 when Xen named no policy);
 *   -ETIMEDOUT       xl's lock file stayed busy;
 *   other -errno     hypercall or memory failure.
 */
#define XL_XEN_XL_LOCK_WAIT 30
int xl_xen_set_defaults(struct xl_xen *x, const struct xl_policy *pv,
                        const struct xl_policy *hvm, unsigned int flags,
                        struct xl_xen_err *err);

/*
 * Restore Xen's boot-time default policies, byte for byte
 * (XEN_SYSCTL_CPU_POLICY_RESET).  Same errors and xl locking as
 * xl_xen_set_defaults().
 */
int xl_xen_reset_defaults(struct xl_xen *x, struct xl_xen_err *err);

#define XL_XEN_XL_CONF "/etc/xen/xl.conf"

/* xl's lock file: xl.conf's "lockfile", else /var/lock/xl, as xl does. */
void xl_xen_xl_lockfile(char *buf, size_t len);

/* XEN_DOMCTL_get_cpu_policy for a domain. */
int xl_xen_domain_policy(struct xl_xen *x, uint32_t domid,
                         struct xl_policy *out);

struct xl_domain {
    uint32_t domid;
    bool hvm;
};

/*
 * Running domains other than dom0; *nr in: capacity, out: how many were
 * stored.  -ENOBUFS when there were more than the capacity: the first *nr
 * are stored all the same (report them, and say there are more).
 */
int xl_xen_list_domains(struct xl_xen *x, struct xl_domain *doms,
                        unsigned int *nr);

#endif /* XENLEVEL_XEN_H */
