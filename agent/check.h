/*
 * check.h - pool level computation and per-host validation (pure core).
 */
#ifndef XENLEVEL_CHECK_H
#define XENLEVEL_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "featureset.h"
#include "level.h"

_Static_assert(XL_FS_WORDS <= 32, "word masks are 32-bit");

/*
 * Compute a pool level from host reports: same vendor everywhere (else
 * -EINVAL naming two hosts), PV and HVM separately from the default
 * featuresets (HVM over the hosts that have HVM), intersect, accumulate,
 * mask (may be NULL), deep dependencies.  name/generation are set by the
 * caller.
 */
int xl_compute(const struct xl_host_report *hosts, unsigned int nr,
               const struct xl_fs *mask, struct xl_level *out,
               struct xl_err *err);

struct xl_check {
    bool vendor_ok;
    struct xl_fs pv_missing, hvm_missing;
    bool hvm_checked;               /* level and host both have HVM */
    bool hvm_unavailable;           /* level has HVM, host has none */
    uint32_t pv_differs;            /* words where level != PV default */
    uint32_t pv_unenforced;         /* ...that Xen cannot enforce */
    uint32_t pv_native_ok;          /* ...whose hidden bits hardware lacks */
    uint32_t caps;                  /* host levelling caps */
};

/* Features a level may have beyond a host's default, if in its max. */
const struct xl_fs *xl_fs_may_exceed_default(void);

void xl_check(const struct xl_host_report *host, const struct xl_level *l,
              struct xl_check *res);

/*
 * The masking cap that covers a featureset word for PV, 0 for a word Xen
 * can always enforce (an MSR), or ~0 for a word no cap covers.
 */
uint32_t xl_word_cap(unsigned int word);

enum xl_verdict {
    XL_VERDICT_OK = 0,
    XL_VERDICT_VENDOR,
    XL_VERDICT_HONOUR,
    XL_VERDICT_ENFORCE,
};

enum xl_verdict xl_check_verdict(const struct xl_check *res,
                                 bool missing_allow, bool pv_enforce_allow);

/* Human-readable explanation of res, every line starting with prefix. */
void xl_check_print(FILE *f, const struct xl_host_report *host,
                    const struct xl_level *l, const struct xl_check *res);

/* One-line reason for a verdict, for logs and the status record. */
void xl_check_reason(const struct xl_check *res, enum xl_verdict v,
                     char *buf, size_t len);

#endif /* XENLEVEL_CHECK_H */
