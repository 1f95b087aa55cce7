/*
 * xenprobe - test-only probe of xenlevel's Xen edge (agent/xen.c) and of
 * the XEN_SYSCTL_set_cpu_policy patch, run in dom0 (e.g. from the QEMU boot
 * tests).  Every result is one "XENPROBE ..." line on stdout.
 *
 *   xenprobe defaults          pv/hvm default featuresets
 *   xenprobe create pv|hvm     featureset of a fresh domain (no vCPUs)
 *   xenprobe above-max         a PV default with a bit beyond pv_max must be
 *                              refused and leave both defaults unchanged
 *   xenprobe set-same          re-install both defaults as they are
 *   xenprobe clear WORD:BIT    clear one featureset bit in the PV default
 *   xenprobe clear auto        ... a bit of 7.0.ebx (else 1.ecx) it has
 *   xenprobe beyond-default    a default with a feature of max that the
 *                              boot-time default withholds (not a pooling
 *                              bit) must be refused, leave both defaults
 *                              unchanged, and be accepted with
 *                              XL_XEN_SET_BEYOND_DEFAULT
 *   xenprobe reset             restore the boot-time defaults
 *   xenprobe caps              "XENPROBE caps sysctl=0x.. derived=0x.."
 *                              (sysctl: xl_xen_levelling_caps(), which on
 *                              a Xen without the sysctl is the derivation)
 *   xenprobe set-op            the XEN_SYSCTL_set_cpu_policy number the
 *                              agent's probe found, or its -errno
 *   xenprobe floor N FILE [MS] the benchmark floor: N times (a) get both
 *                              defaults + set them back (the sysctl pair,
 *                              no process start), (b) one fsync'd atomic
 *                              write of FILE's content (temp, fsync,
 *                              rename, fsync dir); medians in microseconds.
 *                              With MS, each run follows a pause of MS
 *                              milliseconds (dom0's vCPU idles, as a
 *                              resident watcher's does between events),
 *                              after one uncounted run of each (the
 *                              hypercall buffer cache filled, as a
 *                              watcher's is)
 *
 * Featuresets are printed as xen-cpuid does: colon-separated 8-hex-digit
 * words, word 0 first.  Exit status 0 when the probe ran (the rc is in the
 * output), 1 on a usage or setup error.
 *
 * Build: gcc -Iagent -I<dir of cpuid-autogen.h> tests/boot/xenprobe.c
 *        agent/xen.c $(pkg-config --cflags --libs xencontrol xenguest xencall)
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#include "xen.h"
#include "timing.h"

#define NR_WORDS 19

/* Where featureset word i lives (xen/include/xen/lib/x86/cpu-policy.h). */
static const struct {
    uint32_t leaf, subleaf;
    char reg;               /* 'a'..'d', or 'l'/'h': low/high half of MSR */
} words[NR_WORDS] = {
    { 0x00000001, XL_NO_SUBLEAF, 'd' },   /*  0 1d   */
    { 0x00000001, XL_NO_SUBLEAF, 'c' },   /*  1 1c   */
    { 0x80000001, XL_NO_SUBLEAF, 'd' },   /*  2 e1d  */
    { 0x80000001, XL_NO_SUBLEAF, 'c' },   /*  3 e1c  */
    { 0x0000000d, 1, 'a' },               /*  4 Da1  */
    { 0x00000007, 0, 'b' },               /*  5 7b0  */
    { 0x00000007, 0, 'c' },               /*  6 7c0  */
    { 0x80000007, XL_NO_SUBLEAF, 'd' },   /*  7 e7d  */
    { 0x80000008, XL_NO_SUBLEAF, 'b' },   /*  8 e8b  */
    { 0x00000007, 0, 'd' },               /*  9 7d0  */
    { 0x00000007, 1, 'a' },               /* 10 7a1  */
    { 0x80000021, XL_NO_SUBLEAF, 'a' },   /* 11 e21a */
    { 0x00000007, 1, 'b' },               /* 12 7b1  */
    { 0x00000007, 2, 'd' },               /* 13 7d2  */
    { 0x00000007, 1, 'c' },               /* 14 7c1  */
    { 0x00000007, 1, 'd' },               /* 15 7d1  */
    { 0x0000010a, 0, 'l' },               /* 16 m10Al */
    { 0x0000010a, 0, 'h' },               /* 17 m10Ah */
    { 0x80000021, XL_NO_SUBLEAF, 'c' },   /* 18 e21c */
};

static struct xl_leaf *find_leaf(struct xl_policy *p, uint32_t leaf,
                                 uint32_t subleaf)
{
    unsigned int i;

    for ( i = 0; i < p->nr_leaves; ++i )
        if ( p->leaves[i].leaf == leaf && p->leaves[i].subleaf == subleaf )
            return &p->leaves[i];

    return NULL;
}

static struct xl_msr *find_msr(struct xl_policy *p, uint32_t idx)
{
    unsigned int i;

    for ( i = 0; i < p->nr_msrs; ++i )
        if ( p->msrs[i].idx == idx )
            return &p->msrs[i];

    return NULL;
}

/* Pointer to featureset word w inside p, or NULL if p lacks its leaf. */
static uint32_t *word_ptr(struct xl_policy *p, unsigned int w)
{
    struct xl_leaf *l;
    struct xl_msr *m;

    if ( words[w].reg == 'l' || words[w].reg == 'h' )
    {
        m = find_msr(p, words[w].leaf);
        if ( !m )
            return NULL;
        /* Little endian: low half first. */
        return (uint32_t *)&m->val + (words[w].reg == 'h');
    }

    l = find_leaf(p, words[w].leaf, words[w].subleaf);
    if ( !l )
        return NULL;

    switch ( words[w].reg )
    {
    case 'a': return &l->a;
    case 'b': return &l->b;
    case 'c': return &l->c;
    default:  return &l->d;
    }
}

static void featureset(struct xl_policy *p, uint32_t fs[NR_WORDS])
{
    unsigned int w;

    for ( w = 0; w < NR_WORDS; ++w )
    {
        uint32_t *v = word_ptr(p, w);

        fs[w] = v ? *v : 0;
    }
}

static void print_fs(const char *prefix, struct xl_policy *p)
{
    uint32_t fs[NR_WORDS];
    unsigned int w;

    featureset(p, fs);
    printf("%s", prefix);
    for ( w = 0; w < NR_WORDS; ++w )
        printf("%s%08x", w ? ":" : "", fs[w]);
    printf("\n");
}

static bool same_policy(const struct xl_policy *a, const struct xl_policy *b)
{
    return a->nr_leaves == b->nr_leaves && a->nr_msrs == b->nr_msrs &&
           !memcmp(a->leaves, b->leaves, a->nr_leaves * sizeof(a->leaves[0])) &&
           !memcmp(a->msrs, b->msrs, a->nr_msrs * sizeof(a->msrs[0]));
}

static const struct xl_leaf *find_leaf_c(const struct xl_policy *p,
                                         uint32_t leaf, uint32_t subleaf)
{
    return find_leaf((struct xl_policy *)p, leaf, subleaf);
}

/* One "XENPROBE diff" line per leaf or MSR that differs. */
static void print_diff(const char *what, const struct xl_policy *a,
                       const struct xl_policy *b)
{
    const struct xl_leaf *la, *lb;
    unsigned int i, j;

    for ( i = 0; i < a->nr_leaves; ++i )
    {
        la = &a->leaves[i];
        lb = find_leaf_c(b, la->leaf, la->subleaf);
        if ( !lb )
            printf("XENPROBE diff %s leaf %08x:%08x %08x:%08x:%08x:%08x -> "
                   "absent\n", what, la->leaf, la->subleaf,
                   la->a, la->b, la->c, la->d);
        else if ( memcmp(la, lb, sizeof(*la)) )
            printf("XENPROBE diff %s leaf %08x:%08x %08x:%08x:%08x:%08x -> "
                   "%08x:%08x:%08x:%08x\n", what, la->leaf, la->subleaf,
                   la->a, la->b, la->c, la->d, lb->a, lb->b, lb->c, lb->d);
    }
    for ( i = 0; i < b->nr_leaves; ++i )
    {
        lb = &b->leaves[i];
        if ( !find_leaf_c(a, lb->leaf, lb->subleaf) )
            printf("XENPROBE diff %s leaf %08x:%08x absent -> "
                   "%08x:%08x:%08x:%08x\n", what, lb->leaf, lb->subleaf,
                   lb->a, lb->b, lb->c, lb->d);
    }
    for ( i = 0; i < a->nr_msrs || i < b->nr_msrs; ++i )
    {
        j = i < a->nr_msrs && i < b->nr_msrs;
        if ( !j || memcmp(&a->msrs[i], &b->msrs[i], sizeof(a->msrs[i])) )
            printf("XENPROBE diff %s msr #%u %08x=%016llx -> %08x=%016llx\n",
                   what, i,
                   i < a->nr_msrs ? a->msrs[i].idx : ~0U,
                   i < a->nr_msrs ? (unsigned long long)a->msrs[i].val : 0ULL,
                   i < b->nr_msrs ? b->msrs[i].idx : ~0U,
                   i < b->nr_msrs ? (unsigned long long)b->msrs[i].val : 0ULL);
    }
}

/* The policies are big: keep them off the stack. */
static struct xl_policy pv_def, hvm_def, pv_max, pv_new, after_pv, after_hvm;
static struct xl_policy hvm_max, hvm_new;

static int get_defaults(struct xl_xen *x, bool *have_hvm)
{
    int rc;

    rc = xl_xen_get_policy(x, XL_POL_PV_DEF, &pv_def);
    if ( rc )
    {
        printf("XENPROBE error get pv_default rc=%d\n", rc);
        return rc;
    }

    rc = xl_xen_get_policy(x, XL_POL_HVM_DEF, &hvm_def);
    *have_hvm = !rc;
    if ( rc )
        printf("XENPROBE note no hvm_default rc=%d\n", rc);

    return 0;
}

static int cmd_defaults(struct xl_xen *x)
{
    bool have_hvm;

    if ( get_defaults(x, &have_hvm) )
        return 1;

    print_fs("XENPROBE defaults pv featureset=", &pv_def);
    if ( have_hvm )
        print_fs("XENPROBE defaults hvm featureset=", &hvm_def);

    return 0;
}

static int cmd_create(xc_interface *xch, struct xl_xen *x, const char *type)
{
    struct xen_domctl_createdomain config = {
        .max_vcpus = 1,
        .max_evtchn_port = 1023,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };
    xc_physinfo_t info = {};
    /* Any free domid: 0 up to 4.21, DOMID_ANY since 4.22. */
#ifdef DOMID_ANY
    uint32_t domid = DOMID_ANY;
#else
    uint32_t domid = 0;
#endif
    char prefix[64];
    int rc;

    if ( !strcmp(type, "hvm") )
    {
        if ( xc_physinfo(xch, &info) )
        {
            printf("XENPROBE create hvm error physinfo errno=%d\n", errno);
            return 1;
        }
        if ( !(info.capabilities & XEN_SYSCTL_PHYSCAP_hvm) )
        {
            printf("XENPROBE create hvm unsupported (no HVM)\n");
            return 0;
        }
        /* A PVH-style container: only the local APIC is emulated. */
        config.flags = XEN_DOMCTL_CDF_hvm;
        config.arch.emulation_flags = XEN_X86_EMU_LAPIC;
        if ( info.capabilities & XEN_SYSCTL_PHYSCAP_hap )
            config.flags |= XEN_DOMCTL_CDF_hap;
        else if ( !(info.capabilities & XEN_SYSCTL_PHYSCAP_shadow) )
        {
            printf("XENPROBE create hvm unsupported (no hap, no shadow)\n");
            return 0;
        }
    }
    else if ( strcmp(type, "pv") )
        return 1;

    if ( xc_domain_create(xch, &domid, &config) )
    {
        printf("XENPROBE create %s error create errno=%d\n", type, errno);
        return 1;
    }

    rc = xl_xen_domain_policy(x, domid, &pv_new);
    if ( rc )
        printf("XENPROBE create %s domid=%u error policy rc=%d\n",
               type, domid, rc);
    else
    {
        snprintf(prefix, sizeof(prefix), "XENPROBE create %s%s featureset=",
                 type, !strcmp(type, "hvm") ?
                 (config.flags & XEN_DOMCTL_CDF_hap ? " hap" : " shadow") : "");
        print_fs(prefix, &pv_new);
    }

    if ( xc_domain_destroy(xch, domid) )
        printf("XENPROBE create %s error destroy errno=%d\n", type, errno);

    return rc ? 1 : 0;
}

/*
 * Re-read both defaults into after_pv/after_hvm and print
 * "XENPROBE <what>unchanged pv=yes|no hvm=yes|no|n/a" against the defaults
 * read first (diff: also print what changed).  Returns 1 if unreadable.
 */
static int print_unchanged(struct xl_xen *x, const char *what, bool have_hvm,
                           bool diff)
{
    if ( xl_xen_get_policy(x, XL_POL_PV_DEF, &after_pv) ||
         (have_hvm && xl_xen_get_policy(x, XL_POL_HVM_DEF, &after_hvm)) )
    {
        printf("XENPROBE error re-reading defaults\n");
        return 1;
    }
    if ( diff )
    {
        print_diff("pv", &pv_def, &after_pv);
        if ( have_hvm )
            print_diff("hvm", &hvm_def, &after_hvm);
    }
    printf("XENPROBE %sunchanged pv=%s hvm=%s\n", what,
           same_policy(&pv_def, &after_pv) ? "yes" : "no",
           !have_hvm ? "n/a" : same_policy(&hvm_def, &after_hvm) ? "yes" : "no");
    return 0;
}

static int cmd_above_max(struct xl_xen *x)
{
    struct xl_xen_err err;
    struct xl_leaf *l;
    const struct xl_leaf *m;
    static const unsigned int try_words[] = { 5 /* 7b0 */, 1 /* 1c */ };
    uint32_t bit = 0, *reg = NULL;
    unsigned int t, w = 0, b;
    bool have_hvm;
    int rc;

    if ( get_defaults(x, &have_hvm) )
        return 1;

    rc = xl_xen_get_policy(x, XL_POL_PV_MAX, &pv_max);
    if ( rc )
    {
        printf("XENPROBE error get pv_max rc=%d\n", rc);
        return 1;
    }

    /* A bit of 7.0.ebx (else 1.ecx) that pv_max lacks. */
    pv_new = pv_def;
    for ( t = 0; t < 2 && !reg; ++t )
    {
        w = try_words[t];
        l = find_leaf(&pv_new, words[w].leaf, words[w].subleaf);
        m = find_leaf(&pv_max, words[w].leaf, words[w].subleaf);
        if ( !l || !m )
            continue;
        for ( b = 0; b < 32; ++b )
        {
            if ( !(*word_ptr(&pv_max, w) & (1U << b)) )
            {
                reg = word_ptr(&pv_new, w);
                bit = b;
                break;
            }
        }
    }
    if ( !reg )
    {
        printf("XENPROBE above-max error no bit absent from pv_max\n");
        return 1;
    }
    *reg |= 1U << bit;
    printf("XENPROBE above-max word=%u bit=%u\n", w, bit);

    rc = xl_xen_set_defaults(x, &pv_new, have_hvm ? &hvm_def : NULL, 0, &err);
    printf("XENPROBE above-max rc=%d err_index=0x%x err_leaf=0x%x "
           "err_subleaf=0x%x err_msr=0x%x\n",
           rc, err.index, err.leaf, err.subleaf, err.msr);

    if ( print_unchanged(x, "", have_hvm, false) )
        return 1;

    return 0;
}

static int cmd_set_same(struct xl_xen *x)
{
    struct xl_xen_err err;
    bool have_hvm;
    int rc;

    if ( get_defaults(x, &have_hvm) )
        return 1;

    rc = xl_xen_set_defaults(x, &pv_def, have_hvm ? &hvm_def : NULL, 0,
                             &err);
    printf("XENPROBE set-same rc=%d err_index=0x%x err_leaf=0x%x "
           "err_subleaf=0x%x err_msr=0x%x\n",
           rc, err.index, err.leaf, err.subleaf, err.msr);

    if ( print_unchanged(x, "set-same ", have_hvm, true) )
        return 1;

    return 0;
}

static int cmd_clear(struct xl_xen *x, const char *arg)
{
    struct xl_xen_err err;
    unsigned int w, b;
    uint32_t *reg;
    bool have_hvm;
    int rc;

    if ( get_defaults(x, &have_hvm) )
        return 1;

    pv_new = pv_def;

    if ( !strcmp(arg, "auto") )
    {
        /* The lowest bit of 7.0.ebx in the default, else 1.ecx CX16. */
        reg = word_ptr(&pv_new, 5);
        w = 5;
        if ( !reg || !*reg )
        {
            reg = word_ptr(&pv_new, 1);
            w = 1;
        }
        if ( !reg || !*reg )
            return 1;
        b = w == 1 && (*reg & (1U << 13)) ? 13 : __builtin_ctz(*reg);
    }
    else if ( sscanf(arg, "%u:%u", &w, &b) != 2 || w >= NR_WORDS || b >= 32 )
        return 1;
    reg = word_ptr(&pv_new, w);
    if ( !reg || !(*reg & (1U << b)) )
    {
        printf("XENPROBE clear %u:%u error bit not set in pv_default\n", w, b);
        return 1;
    }
    *reg &= ~(1U << b);

    /* PV only: exercises nr_policies = 1. */
    rc = xl_xen_set_defaults(x, &pv_new, NULL, 0, &err);
    printf("XENPROBE clear %u:%u rc=%d err_leaf=0x%x err_subleaf=0x%x\n",
           w, b, rc, err.leaf, err.subleaf);

    rc = xl_xen_get_policy(x, XL_POL_PV_DEF, &after_pv);
    if ( rc )
        return 1;
    print_fs("XENPROBE clear pv_default featureset=", &after_pv);
    reg = word_ptr(&after_pv, w);
    printf("XENPROBE clear bit-now=%s\n",
           reg && (*reg & (1U << b)) ? "set" : "clear");

    return 0;
}

/*
 * Features Xen sets in max for pooling (RSBA, RRSBA, MD_CLEAR, FB_CLEAR,
 * RFDS_CLEAR, VERW_CLEAR, ARCH_CAPS), which a default may carry, and the AMD
 * e1d copies of leaf 1 edx, which are not audited.
 */
static bool pooling_or_copy(unsigned int w, unsigned int b)
{
    switch ( w )
    {
    case 2:  return (0x0183f3ffU >> b) & 1;         /* e1d copies */
    case 9:  return b == 10 || b == 29;              /* MD_CLEAR ARCH_CAPS */
    case 11: return b == 5;                          /* VERW_CLEAR */
    case 16: return b == 2 || b == 17 || b == 19 || b == 28;
                             /* RSBA FB_CLEAR RRSBA RFDS_CLEAR */
    }
    return false;
}

static int cmd_beyond_default(struct xl_xen *x)
{
    struct xl_xen_err err;
    struct xl_policy *def, *max, *new;
    uint32_t *reg;
    unsigned int t, w = 0, b = 0;
    bool have_hvm, found = false;
    const char *kind = "pv";
    int rc;

    if ( get_defaults(x, &have_hvm) ||
         xl_xen_get_policy(x, XL_POL_PV_MAX, &pv_max) ||
         (have_hvm && xl_xen_get_policy(x, XL_POL_HVM_MAX, &hvm_max)) )
    {
        printf("XENPROBE beyond-default error reading policies\n");
        return 1;
    }

    /* A feature of max the default lacks: PV first, then HVM. */
    for ( t = 0; t < (have_hvm ? 2U : 1U) && !found; ++t )
    {
        def = t ? &hvm_def : &pv_def;
        max = t ? &hvm_max : &pv_max;
        for ( w = 0; w < NR_WORDS && !found; ++w )
        {
            uint32_t *dv = word_ptr(def, w), *mv = word_ptr(max, w);

            if ( !dv || !mv )
                continue;
            for ( b = 0; b < 32; ++b )
                if ( (*mv & ~*dv & (1U << b)) && !pooling_or_copy(w, b) )
                {
                    found = true;
                    kind = t ? "hvm" : "pv";
                    break;
                }
        }
    }
    if ( !found )
    {
        printf("XENPROBE beyond-default none (max has nothing the defaults "
               "withhold)\n");
        return 0;
    }
    --w;
    printf("XENPROBE beyond-default %s word=%u bit=%u leaf=0x%x\n",
           kind, w, b, words[w].leaf);

    pv_new = pv_def;
    hvm_new = hvm_def;
    new = strcmp(kind, "hvm") ? &pv_new : &hvm_new;
    reg = word_ptr(new, w);
    *reg |= 1U << b;

    rc = xl_xen_set_defaults(x, &pv_new, have_hvm ? &hvm_new : NULL, 0, &err);
    printf("XENPROBE beyond-default refuse rc=%d err_index=0x%x err_leaf=0x%x "
           "err_subleaf=0x%x err_msr=0x%x\n",
           rc, err.index, err.leaf, err.subleaf, err.msr);

    if ( print_unchanged(x, "beyond-default ", have_hvm, false) )
        return 1;

    rc = xl_xen_set_defaults(x, &pv_new, have_hvm ? &hvm_new : NULL,
                             XL_XEN_SET_BEYOND_DEFAULT, &err);
    printf("XENPROBE beyond-default allow rc=%d err_leaf=0x%x\n", rc,
           err.leaf);
    if ( !rc )
    {
        struct xl_policy *now = strcmp(kind, "hvm") ? &after_pv : &after_hvm;

        if ( xl_xen_get_policy(x, strcmp(kind, "hvm") ? XL_POL_PV_DEF
                                                      : XL_POL_HVM_DEF, now) )
            return 1;
        reg = word_ptr(now, w);
        printf("XENPROBE beyond-default allow bit-now=%s\n",
               reg && (*reg & (1U << b)) ? "set" : "clear");
    }

    return 0;
}

static int cmd_reset(struct xl_xen *x)
{
    struct xl_xen_err err;
    int rc = xl_xen_reset_defaults(x, &err);

    printf("XENPROBE reset rc=%d err_leaf=0x%x\n", rc, err.leaf);
    return 0;
}

/* temp file, write, fsync, rename, fsync the directory. */
static int atomic_write(const char *path, const char *data, size_t len)
{
    char tmp[4300], dirbuf[4300];
    int fd, dfd, rc = 0;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    snprintf(dirbuf, sizeof(dirbuf), "%s", path);
    /* As the agent's writer: never through a link or an existing file. */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0644);
    if ( fd < 0 )
        return -errno;
    if ( write(fd, data, len) != (ssize_t)len || fsync(fd) )
        rc = -errno;
    close(fd);
    if ( !rc && rename(tmp, path) )
        rc = -errno;
    if ( rc )
        unlink(tmp);
    dfd = open(dirname(dirbuf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ( dfd >= 0 )
    {
        if ( !rc && fsync(dfd) )
            rc = -errno;
        close(dfd);
    }
    return rc;
}

struct floor_ctx {
    struct xl_xen *x;
    const char *data, *out;
    size_t len;
};

/* One run of the sysctl pair: get both defaults, set them back. */
static int floor_pair(struct floor_ctx *c)
{
    struct xl_xen_err err;
    bool have_hvm;

    if ( get_defaults(c->x, &have_hvm) )
        return -EIO;
    return xl_xen_set_defaults(c->x, &pv_def, have_hvm ? &hvm_def : NULL, 0,
                               &err);
}

static int floor_write(struct floor_ctx *c)
{
    return atomic_write(c->out, c->data, c->len);
}

/*
 * n timed runs of fn into t[]; with pause_ms, one uncounted run first and
 * each run after a pause.  0, or the failing run's rc.
 */
static int floor_runs(int (*fn)(struct floor_ctx *), struct floor_ctx *c,
                      unsigned int n, unsigned int pause_ms, double *t)
{
    struct timespec pause = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };
    int i, rc;

    for ( i = pause_ms ? -1 : 0; i < (int)n; i++ )
    {
        double t0;

        if ( pause_ms )
            nanosleep(&pause, NULL);
        t0 = now_us();
        rc = fn(c);
        if ( i >= 0 )
            t[i] = now_us() - t0;
        if ( rc )
            return rc;
    }
    return 0;
}

static int cmd_floor(struct xl_xen *x, unsigned int n, const char *file,
                     unsigned int pause_ms)
{
    static double t[1000];
    char data[8192], out[4200];
    struct floor_ctx c = { .x = x, .data = data, .out = out };
    FILE *f;
    int rc;

    if ( !n || n > 1000 )
        return 1;
    f = fopen(file, "r");
    if ( !f )
        return 1;
    c.len = fread(data, 1, sizeof(data), f);
    fclose(f);

    rc = floor_runs(floor_pair, &c, n, pause_ms, t);
    if ( rc )
    {
        printf("XENPROBE floor set rc=%d\n", rc);
        return 1;
    }
    printf("XENPROBE floor sysctl-pair n=%u median_us=%.0f pause_ms=%u\n", n,
           median(t, n), pause_ms);

    snprintf(out, sizeof(out), "%s.floor", file);
    rc = floor_runs(floor_write, &c, n, pause_ms, t);
    unlink(out);
    if ( rc )
    {
        printf("XENPROBE floor write rc=%d\n", rc);
        return 1;
    }
    printf("XENPROBE floor atomic-write n=%u median_us=%.0f bytes=%zu "
           "pause_ms=%u\n", n, median(t, n), c.len, pause_ms);

    return 0;
}

static int cmd_caps(struct xl_xen *x)
{
    uint32_t sys = 0, der = 0;
    int rc1 = xl_xen_levelling_caps(x, &sys);
    int rc2 = xl_xen_levelling_caps_derive(x, &der);

    printf("XENPROBE caps sysctl=%#x rc=%d derived=%#x rc=%d\n",
           sys, rc1, der, rc2);
    return 0;
}

int main(int argc, char **argv)
{
    struct xl_xen *x = NULL;
    xc_interface *xch = NULL;
    int rc;

    if ( argc < 2 )
        goto usage;

    rc = xl_xen_open(&x);
    if ( rc )
    {
        printf("XENPROBE error open rc=%d\n", rc);
        return 1;
    }

    if ( !strcmp(argv[1], "defaults") )
        rc = cmd_defaults(x);
    else if ( !strcmp(argv[1], "create") && argc == 3 &&
              (!strcmp(argv[2], "pv") || !strcmp(argv[2], "hvm")) )
    {
        xch = xc_interface_open(NULL, NULL, 0);
        rc = xch ? cmd_create(xch, x, argv[2]) : 1;
        if ( xch )
            xc_interface_close(xch);
    }
    else if ( !strcmp(argv[1], "above-max") )
        rc = cmd_above_max(x);
    else if ( !strcmp(argv[1], "set-same") )
        rc = cmd_set_same(x);
    else if ( !strcmp(argv[1], "clear") && argc == 3 )
        rc = cmd_clear(x, argv[2]);
    else if ( !strcmp(argv[1], "beyond-default") )
        rc = cmd_beyond_default(x);
    else if ( !strcmp(argv[1], "reset") )
        rc = cmd_reset(x);
    else if ( !strcmp(argv[1], "caps") )
        rc = cmd_caps(x);
    else if ( !strcmp(argv[1], "set-op") )
    {
        printf("XENPROBE set-op %d\n", xl_xen_set_op(x));
        rc = 0;
    }
    else if ( !strcmp(argv[1], "floor") && (argc == 4 || argc == 5) )
        rc = cmd_floor(x, (unsigned int)atoi(argv[2]), argv[3],
                       argc == 5 ? (unsigned int)atoi(argv[4]) : 0);
    else
    {
        xl_xen_close(x);
        goto usage;
    }

    xl_xen_close(x);
    return rc;

 usage:
    fprintf(stderr, "usage: xenprobe defaults | create pv|hvm | above-max | "
            "set-same | clear WORD:BIT|auto | beyond-default | reset | "
            "caps | set-op | floor N FILE [MS]\n");
    return 1;
}
