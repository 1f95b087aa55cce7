/*
 * policy.h - CPU policies as plain data, and featureset <-> policy mapping.
 *
 * Part of the pure core: no Xen headers.  struct xl_leaf and struct xl_msr
 * have the layout of Xen's public xen_cpuid_leaf_t and xen_msr_entry_t (the
 * serialised form used by XEN_SYSCTL_get_cpu_policy); xen.c asserts that.
 */
#ifndef XENLEVEL_POLICY_H
#define XENLEVEL_POLICY_H

#include <stdint.h>
#include <stdio.h>

#include "featureset.h"

#define XL_MAX_LEAVES 256
#define XL_MAX_MSRS   16

/* Xen's XEN_SYSCTL_cpu_policy_* indices. */
enum xl_policy_index {
    XL_POL_RAW     = 0,
    XL_POL_HOST    = 1,
    XL_POL_PV_MAX  = 2,
    XL_POL_HVM_MAX = 3,
    XL_POL_PV_DEF  = 4,
    XL_POL_HVM_DEF = 5,
    XL_POL_NR      = 6,
};

struct xl_leaf {
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
};

struct xl_msr {
    uint32_t idx, flags;
    uint64_t val;
};

struct xl_policy {
    uint32_t nr_leaves, nr_msrs;
    struct xl_leaf leaves[XL_MAX_LEAVES];
    struct xl_msr msrs[XL_MAX_MSRS];
};

#define XL_NO_SUBLEAF 0xffffffffU

/* Xen's XEN_SYSCTL_CPU_LEVELCAP_* bits (public/sysctl.h). */
#define XL_CAP_FAULTING     (1U << 0)
#define XL_CAP_ECX          (1U << 1)
#define XL_CAP_EDX          (1U << 2)
#define XL_CAP_EXTD_ECX     (1U << 3)
#define XL_CAP_EXTD_EDX     (1U << 4)
#define XL_CAP_XSAVE_EAX    (1U << 5)
#define XL_CAP_THERMAL_ECX  (1U << 6)
#define XL_CAP_L7S0_EAX     (1U << 7)
#define XL_CAP_L7S0_EBX     (1U << 8)
#define XL_CAP_NR           9

#endif /* XENLEVEL_POLICY_H */
