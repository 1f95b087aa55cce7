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

struct xl_err;

/* Find a leaf (subleaf XL_NO_SUBLEAF for leaves without) or an MSR. */
struct xl_leaf *xl_policy_leaf(struct xl_policy *p, uint32_t leaf,
                               uint32_t subleaf);
const struct xl_leaf *xl_policy_leaf_c(const struct xl_policy *p,
                                       uint32_t leaf, uint32_t subleaf);
struct xl_msr *xl_policy_msr(struct xl_policy *p, uint32_t idx);

/* Featureset of a policy (missing leaves read as zero). */
void xl_policy_to_fs(const struct xl_policy *p, struct xl_fs *fs);

/* CPUID vendor string, family, model, stepping from leaves 0 and 1. */
void xl_policy_identity(const struct xl_policy *p, char vendor[13],
                        unsigned int *family, unsigned int *model,
                        unsigned int *stepping);

/*
 * Write fs into a copy of cur.  Bits of cur set in `keep` are kept as they
 * are (unknown_features = keep passes the bits this build does not know).
 * -ENOENT (err->key names the leaf) when fs has a bit in a leaf or MSR
 * that cur does not have.
 */
int xl_policy_build(const struct xl_policy *cur, const struct xl_fs *fs,
                    const struct xl_fs *keep, struct xl_policy *out,
                    struct xl_err *err);

/*
 * A policy standing for a host report's featureset, when replaying
 * captured data instead of reading Xen: leaf 0 (vendor), leaf 1
 * (family/model), every featureset word's leaf, and MSR_ARCH_CAPS.
 */
void xl_policy_synth(const char *vendor, unsigned int family,
                     unsigned int model, unsigned int stepping,
                     const struct xl_fs *fs, struct xl_policy *out);

/*
 * Print the leaves and MSRs that differ between a and b, one per line,
 * with the feature names added and removed.  Returns the number of lines.
 */
unsigned int xl_policy_diff(FILE *f, const char *prefix,
                            const struct xl_policy *a,
                            const struct xl_policy *b);

#endif /* XENLEVEL_POLICY_H */
