/*
 * xgprobe - test-only user of the series' libxenguest call
 * xc_set_system_cpu_policy() (xen-patches/4.17/0006), linked statically against
 * the PATCHED tree's tools libraries (xen-patches/build-tools.sh) and run in
 * dom0 on the patched hypervisor (boot case 80).  Unlike xenprobe it does
 * not go through agent/xen.c: everything here is libxenguest/libxenctrl of
 * the same tree.  Every result is one "XGPROBE ..." line on stdout; the case
 * compares them.
 *
 * Steps, in order (each prints its rc, errno and err_* values):
 *   start      the current PV/HVM defaults (xc_cpu_policy_get_system)
 *   set-same   both defaults set to themselves: rc 0, read back identical
 *   set-pv     PV default with one 7:0 ebx feature cleared, HVM NULL: rc 0,
 *              read back: that bit clear in PV, HVM byte-identical
 *   above-max-pv   PV default with a 7:0 ebx bit pv_max lacks: EINVAL,
 *              err_policy = pv_default (4), err_leaf 0x7, nothing changed
 *   above-max-hvm  HVM only (PV NULL: position 0 in the sysctl) with a bit
 *              hvm_max lacks: EINVAL, err_policy = hvm_default (5), i.e.
 *              the library maps the position back to the index
 *   reset-with-policy  RESET with a policy: EINVAL, nothing changed
 *   reset      RESET, no policies: rc 0, read back = the boot-time defaults
 *              (compared with "start" when the caller had reset before)
 *
 * Exit status 0 when the probe ran to the end (verdicts are in the lines),
 * 1 on a setup error.
 *
 * Build: see tests/boot/Makefile rule build/tests/xgprobe (static, against
 * $(xen-patches/build-tools.sh)/include and its libs line).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenguest.h>

#define MAX_LEAVES 128
#define MAX_MSRS 16

struct ser {
    xen_cpuid_leaf_t leaves[MAX_LEAVES];
    xen_msr_entry_t msrs[MAX_MSRS];
    uint32_t nr_leaves, nr_msrs;
};

static xc_interface *xch;

static int serialise(const xc_cpu_policy_t *p, struct ser *s)
{
    s->nr_leaves = MAX_LEAVES;
    s->nr_msrs = MAX_MSRS;
    return xc_cpu_policy_serialise(xch, p, s->leaves, &s->nr_leaves,
                                   s->msrs, &s->nr_msrs);
}

static bool same(const struct ser *a, const struct ser *b)
{
    return a->nr_leaves == b->nr_leaves && a->nr_msrs == b->nr_msrs &&
           !memcmp(a->leaves, b->leaves, a->nr_leaves * sizeof(a->leaves[0])) &&
           !memcmp(a->msrs, b->msrs, a->nr_msrs * sizeof(a->msrs[0]));
}

static xen_cpuid_leaf_t *leaf_of(struct ser *s, uint32_t leaf, uint32_t sub)
{
    unsigned int i;

    for ( i = 0; i < s->nr_leaves; ++i )
        if ( s->leaves[i].leaf == leaf && s->leaves[i].subleaf == sub )
            return &s->leaves[i];

    return NULL;
}

/* Read a system policy into a new object and its serialised form. */
static xc_cpu_policy_t *get(unsigned int idx, struct ser *s)
{
    xc_cpu_policy_t *p = xc_cpu_policy_init();

    if ( !p )
        return NULL;
    if ( xc_cpu_policy_get_system(xch, idx, p) || serialise(p, s) )
    {
        fprintf(stderr, "xgprobe: reading policy %u: %s\n", idx,
                strerror(errno));
        xc_cpu_policy_destroy(p);
        return NULL;
    }

    return p;
}

/* A copy of p with leaf 7:0 ebx replaced. */
static xc_cpu_policy_t *with_7b0(const struct ser *s, uint32_t ebx)
{
    xc_cpu_policy_t *p = xc_cpu_policy_init();
    struct ser t = *s;
    xen_cpuid_leaf_t *l = leaf_of(&t, 7, 0);

    if ( !p || !l )
        goto fail;
    l->b = ebx;
    if ( xc_cpu_policy_update_cpuid(xch, p, t.leaves, t.nr_leaves) ||
         xc_cpu_policy_update_msrs(xch, p, t.msrs, t.nr_msrs) )
        goto fail;

    return p;

 fail:
    fprintf(stderr, "xgprobe: building a modified policy failed\n");
    xc_cpu_policy_destroy(p);
    return NULL;
}

static void report(const char *step, int rc, int err, uint32_t e_pol,
                   uint32_t e_leaf, uint32_t e_sub, uint32_t e_msr)
{
    printf("XGPROBE %s rc=%d errno=%s err_policy=%d err_leaf=%#x "
           "err_subleaf=%#x err_msr=%#x\n", step, rc,
           rc ? strerrorname_np(err) : "0", (int)e_pol, e_leaf, e_sub, e_msr);
}

/* set(): xc_set_system_cpu_policy() with its errors reported as a line. */
static int set(const char *step, uint32_t flags, xc_cpu_policy_t *pv,
               xc_cpu_policy_t *hvm)
{
    uint32_t e_pol = 0xdead, e_leaf = 0xdead, e_sub = 0xdead, e_msr = 0xdead;
    int rc, err;

    errno = 0;
    rc = xc_set_system_cpu_policy(xch, flags, pv, hvm, &e_pol, &e_leaf,
                                  &e_sub, &e_msr);
    err = errno;
    report(step, rc, err, e_pol, e_leaf, e_sub, e_msr);
    errno = err;

    return rc;
}

/* One "XGPROBE diff ..." line per leaf or MSR of b that differs from a. */
static void print_diff(const char *step, const char *what,
                       const struct ser *a, const struct ser *b)
{
    unsigned int i;

    for ( i = 0; i < a->nr_leaves || i < b->nr_leaves; ++i )
    {
        const xen_cpuid_leaf_t *x = i < a->nr_leaves ? &a->leaves[i] : NULL;
        const xen_cpuid_leaf_t *y = i < b->nr_leaves ? &b->leaves[i] : NULL;

        if ( x && y && !memcmp(x, y, sizeof(*x)) )
            continue;
        printf("XGPROBE diff %s %s #%u %08x:%08x %08x:%08x:%08x:%08x -> "
               "%08x:%08x %08x:%08x:%08x:%08x\n", step, what, i,
               x ? x->leaf : ~0u, x ? x->subleaf : ~0u, x ? x->a : 0,
               x ? x->b : 0, x ? x->c : 0, x ? x->d : 0,
               y ? y->leaf : ~0u, y ? y->subleaf : ~0u, y ? y->a : 0,
               y ? y->b : 0, y ? y->c : 0, y ? y->d : 0);
    }
    for ( i = 0; i < a->nr_msrs || i < b->nr_msrs; ++i )
        if ( i >= a->nr_msrs || i >= b->nr_msrs ||
             memcmp(&a->msrs[i], &b->msrs[i], sizeof(a->msrs[i])) )
            printf("XGPROBE diff %s %s msr #%u %08x=%016llx -> %08x=%016llx\n",
                   step, what, i, i < a->nr_msrs ? a->msrs[i].idx : ~0u,
                   i < a->nr_msrs ? (unsigned long long)a->msrs[i].val : 0,
                   i < b->nr_msrs ? b->msrs[i].idx : ~0u,
                   i < b->nr_msrs ? (unsigned long long)b->msrs[i].val : 0);
}

/* "XGPROBE check STEP pv=same|differs hvm=same|differs" against a, b. */
static int check(const char *step, const struct ser *pv, const struct ser *hvm,
                 struct ser *now_pv, struct ser *now_hvm)
{
    xc_cpu_policy_t *a = get(XEN_SYSCTL_cpu_policy_pv_default, now_pv);
    xc_cpu_policy_t *b = get(XEN_SYSCTL_cpu_policy_hvm_default, now_hvm);

    if ( !a || !b )
        return -1;
    printf("XGPROBE check %s pv=%s hvm=%s\n", step,
           same(pv, now_pv) ? "same" : "differs",
           same(hvm, now_hvm) ? "same" : "differs");
    print_diff(step, "pv", pv, now_pv);
    print_diff(step, "hvm", hvm, now_hvm);
    xc_cpu_policy_destroy(a);
    xc_cpu_policy_destroy(b);

    return 0;
}

int main(void)
{
    static struct ser pv0, hvm0, pvmax, hvmmax, now_pv, now_hvm;
    xc_cpu_policy_t *pv, *hvm, *pmax, *hmax, *mod;
    xen_cpuid_leaf_t *l, *m;
    unsigned int bit;

    xch = xc_interface_open(NULL, NULL, 0);
    if ( !xch )
    {
        fprintf(stderr, "xgprobe: xc_interface_open: %s\n", strerror(errno));
        return 1;
    }

    pv = get(XEN_SYSCTL_cpu_policy_pv_default, &pv0);
    hvm = get(XEN_SYSCTL_cpu_policy_hvm_default, &hvm0);
    pmax = get(XEN_SYSCTL_cpu_policy_pv_max, &pvmax);
    hmax = get(XEN_SYSCTL_cpu_policy_hvm_max, &hvmmax);
    if ( !pv || !hvm || !pmax || !hmax || !leaf_of(&pv0, 7, 0) ||
         !leaf_of(&hvm0, 7, 0) )
        return 1;
    printf("XGPROBE start pv leaves=%u msrs=%u 7b0=%08x hvm leaves=%u "
           "msrs=%u 7b0=%08x\n", pv0.nr_leaves, pv0.nr_msrs,
           leaf_of(&pv0, 7, 0)->b, hvm0.nr_leaves, hvm0.nr_msrs,
           leaf_of(&hvm0, 7, 0)->b);

    /* set-same */
    set("set-same", 0, pv, hvm);
    if ( check("set-same", &pv0, &hvm0, &now_pv, &now_hvm) )
        return 1;

    /* set-pv: clear the lowest 7:0 ebx feature the PV default has. */
    l = leaf_of(&pv0, 7, 0);
    for ( bit = 0; bit < 32 && !(l->b & (1u << bit)); ++bit )
        ;
    if ( bit == 32 )
        printf("XGPROBE set-pv none\n");
    else if ( (mod = with_7b0(&pv0, l->b & ~(1u << bit))) )
    {
        printf("XGPROBE set-pv clears 7b0 bit %u\n", bit);
        set("set-pv", 0, mod, NULL);
        if ( check("set-pv", &pv0, &hvm0, &now_pv, &now_hvm) )
            return 1;
        m = leaf_of(&now_pv, 7, 0);
        printf("XGPROBE set-pv readback 7b0=%08x bit=%s\n", m ? m->b : 0,
               m && !(m->b & (1u << bit)) ? "clear" : "set");
        xc_cpu_policy_destroy(mod);
        /* Back to the start for the refusal steps. */
        set("set-pv-restore", 0, pv, hvm);
    }

    /* above-max-pv */
    l = leaf_of(&pvmax, 7, 0);
    for ( bit = 0; bit < 32 && l && (l->b & (1u << bit)); ++bit )
        ;
    if ( !l || bit == 32 )
        printf("XGPROBE above-max-pv none\n");
    else if ( (mod = with_7b0(&pv0, leaf_of(&pv0, 7, 0)->b | (1u << bit))) )
    {
        printf("XGPROBE above-max-pv sets 7b0 bit %u\n", bit);
        set("above-max-pv", 0, mod, hvm);
        if ( check("above-max-pv", &pv0, &hvm0, &now_pv, &now_hvm) )
            return 1;
        xc_cpu_policy_destroy(mod);
    }

    /* above-max-hvm: PV NULL, so the refused entry is position 0. */
    l = leaf_of(&hvmmax, 7, 0);
    for ( bit = 0; bit < 32 && l && (l->b & (1u << bit)); ++bit )
        ;
    if ( !l || bit == 32 )
        printf("XGPROBE above-max-hvm none\n");
    else if ( (mod = with_7b0(&hvm0, leaf_of(&hvm0, 7, 0)->b | (1u << bit))) )
    {
        printf("XGPROBE above-max-hvm sets 7b0 bit %u\n", bit);
        set("above-max-hvm", 0, NULL, mod);
        if ( check("above-max-hvm", &pv0, &hvm0, &now_pv, &now_hvm) )
            return 1;
        xc_cpu_policy_destroy(mod);
    }

    /* reset-with-policy */
    set("reset-with-policy", XEN_SYSCTL_CPU_POLICY_RESET, pv, NULL);
    if ( check("reset-with-policy", &pv0, &hvm0, &now_pv, &now_hvm) )
        return 1;

    /* reset: the boot-time defaults (= start if the caller reset first). */
    set("reset", XEN_SYSCTL_CPU_POLICY_RESET, NULL, NULL);
    if ( check("reset", &pv0, &hvm0, &now_pv, &now_hvm) )
        return 1;

    printf("XGPROBE done\n");
    xc_cpu_policy_destroy(pv);
    xc_cpu_policy_destroy(hvm);
    xc_cpu_policy_destroy(pmax);
    xc_cpu_policy_destroy(hmax);
    xc_interface_close(xch);

    return 0;
}
