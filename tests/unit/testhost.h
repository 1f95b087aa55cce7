/*
 * testhost.h - a host report for the unit tests that need a whole host
 * (test-apply, test-run): family 0x17, every masking MSR, and every feature
 * xenlevel knows (with their deep dependencies) in the host, default and max
 * policies of PV and HVM.  The caller adds what its tests vary, then calls
 * xl_host_from_report().
 */
#ifndef XENLEVEL_TESTHOST_H
#define XENLEVEL_TESTHOST_H

#include <stdio.h>
#include <string.h>

#include "apply.h"

static inline void t_report_all_known(struct xl_host_report *r,
                                      const char *vendor)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->name, sizeof(r->name), "h");
    snprintf(r->vendor, sizeof(r->vendor), "%s", vendor);
    r->family = 23;
    r->caps = XL_CAP_ECX | XL_CAP_EDX | XL_CAP_EXTD_ECX | XL_CAP_EXTD_EDX |
              XL_CAP_L7S0_EAX | XL_CAP_L7S0_EBX;
    r->host = *xl_fs_known();
    xl_fs_apply_deep_deps(&r->host);
    r->pv_def = r->hvm_def = r->pv_max = r->hvm_max = r->host;
    r->has_hvm = true;
}

#endif
