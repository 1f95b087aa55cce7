/*
 * xen.c - the Xen edge: the only file of the agent that talks to Xen.
 *
 * Choices made here:
 *
 *  - Reading policies.  Debian's 4.17 libxenguest does not export
 *    xc_get_system_cpu_policy() / xc_get_domain_cpu_policy(); its public
 *    equivalents are xc_cpu_policy_get_system() / xc_cpu_policy_get_domain()
 *    followed by xc_cpu_policy_serialise(), which produces the same
 *    serialised leaves and MSRs as XEN_SYSCTL/DOMCTL_get_cpu_policy (it
 *    runs the same x86_cpuid_copy_to_buffer() code on the policy Xen
 *    returned).  struct xl_leaf / xl_msr have the layout of xen_cpuid_leaf_t
 *    / xen_msr_entry_t (asserted below), so they are serialised in place.
 *
 *  - Writing the defaults.  XEN_SYSCTL_set_cpu_policy exists only in
 *    xenlevel's patched hypervisor (xen-patches/<version>/0004-*.patch);
 *    Debian's installed headers do not have it.  It is issued here directly
 *    through libxencall, with the structure defined locally when the
 *    headers lack it, so that on 4.17 the agent runs on Debian's stock
 *    libraries and only the hypervisor is replaced.  The series does not
 *    change XEN_SYSCTL_INTERFACE_VERSION (0x15 up to 4.21, 0x16 on master),
 *    which is stamped into the request as libxenctrl does: the agent is
 *    built against the libraries of the Xen it drives (make
 *    XEN_VERSION=...).
 *
 *  - Which operation number.  The op is 30 on 4.17, but 4.18 gave 30 to
 *    XEN_SYSCTL_dt_overlay, so the 4.20 and master series use 31 (see
 *    xen-patches/README).  The agent trusts no single number: it reads the
 *    hypervisor's version, picks the number the series uses there (30 on
 *    4.17, 31 from 4.18 on; nothing before 4.17), and probes it once per
 *    handle with a request only our op answers in a recognisable way: an
 *    unknown flag, nr_policies 0 and the err_* fields preset to a pattern.
 *    XEN_SYSCTL_set_cpu_policy refuses it with -EINVAL and rewrites every
 *    err_* field to ~0 (it reports err_* whatever the outcome), changing
 *    nothing; a hypervisor without it answers -ENOSYS (or -EPERM with
 *    Flask, which denies unknown sysctls), leaving them as they were.  Any other answer means the number
 *    belongs to something else: -ENOSYS, "no such sysctl".  (The series also adds
 *    libxenguest's xc_set_system_cpu_policy(), which Debian's libraries do
 *    not have.)  Errors are passed on as Xen gave them, so that the caller
 *    tells apart -ENOSYS (no such sysctl), -EOPNOTSUPP (no HVM), -EPERM
 *    (XSM denial: Flask's AVC answers -EACCES, which eacces_meaning()
 *    tells from an interface version mismatch, -EACCES) and a refused
 *    policy.
 *
 *  - xl's lock.  A domain xl builds copies the default (leaves and MSRs)
 *    at creation; later xc_cpuid_apply_policy() re-reads the default's
 *    leaves only.  Defaults changing in between would give it old MSRs
 *    with new leaves.  xl holds its lock file (xl.conf "lockfile", default
 *    /var/lock/xl) across domain creation, with an fcntl() write lock over
 *    the whole file (acquire_lock() in tools/xl/xl_vmcontrol.c); the
 *    sysctl that changes the defaults is issued holding the same lock,
 *    taken the same way, waiting at most XL_XEN_XL_LOCK_WAIT seconds.
 *    Only the set needs it: xl never changes the defaults, and the
 *    agent's own get + set are serialised by xenlevel's lock.  No
 *    /var/lock (the initramfs): no xl can run, nothing to take.  libvirt
 *    does not take xl's lock, and xl takes it only when it autoballoons
 *    (autoballoon="on", or "auto" without dom0_mem= on Xen's command
 *    line): tests/boot/cases/86-fault-matrix measures both.
 *
 *  - Levelling capabilities.  Up to 4.21, XEN_SYSCTL_get_cpu_levelling_caps
 *    says which CPUID words Xen can enforce on PV guests (CPUID faulting,
 *    or masking MSRs per word).  4.22 removed it (and cpuid_mask_*), while
 *    Xen still levels PV guests the same way internally (arch/x86/cpu/
 *    amd.c, intel.c: amd_init_levelling(), intel_init_levelling()).
 *    Built against headers without it, the agent derives the answer from
 *    the host policy the way those functions decide it
 *    (xl_xen_levelling_caps_derive(), documented in xenlevel(8), LEVELLING
 *    CAPABILITIES).
 *
 *  - struct xl_xen_err.index is the XL_POL_* index of the refused entry
 *    (~0 when the request as a whole was refused).  err is filled on every
 *    error the hypervisor answered with, not only -EINVAL (e.g. -ERANGE for
 *    a leaf Xen does not know), and set to ~0 everywhere otherwise.
 *
 *  - xl_xen_list_domains() skips dom0 and dying domains.  When there are
 *    more domains than *nr can hold, the first *nr are returned (and *nr
 *    is left at that capacity, so that *nr never exceeds the array) and
 *    the result is -ENOBUFS: the caller uses those and says there are more.
 *
 * Xen coding style; functions return 0 or -errno.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenguest.h>
#include <xencall.h>

#include "store.h"
#include "xen.h"

/*
 * XEN_SYSCTL_set_cpu_policy, as added to xen/include/public/sysctl.h by
 * xen-patches/<version>/0004-x86-sysctl-introduce-XEN_SYSCTL_set_cpu_policy.patch
 * (headers of a patched tree have it; Debian's 4.17 ones do not).  Keep in
 * sync with those patches.  The op number is not taken from here: see
 * set_op() below.
 */
#ifndef XEN_SYSCTL_set_cpu_policy
#define XEN_SYSCTL_CPU_POLICY_ALLOW_BEYOND_DEFAULT (1u << 0)
#define XEN_SYSCTL_CPU_POLICY_RESET                (1u << 1)
struct xen_sysctl_set_cpu_policy {
    uint32_t nr_policies;   /* IN: 1 or 2 (0 to reset) */
    uint32_t flags;         /* IN: XEN_SYSCTL_CPU_POLICY_* */
    uint32_t err_policy;    /* OUT: position in policy[] that failed, or ~0 */
    uint32_t err_leaf;      /* OUT: as XEN_DOMCTL_set_cpu_policy, ~0 if n/a */
    uint32_t err_subleaf;   /* OUT */
    uint32_t err_msr;       /* OUT */
    struct xen_sysctl_cpu_policy policy[2]; /* IN: as get_cpu_policy */
};
#endif

_Static_assert(XL_XEN_SET_BEYOND_DEFAULT ==
               XEN_SYSCTL_CPU_POLICY_ALLOW_BEYOND_DEFAULT,
               "XL_XEN_SET_BEYOND_DEFAULT");
_Static_assert(sizeof(struct xen_sysctl_set_cpu_policy) == 88,
               "XEN_SYSCTL_set_cpu_policy layout");
_Static_assert(offsetof(struct xen_sysctl_set_cpu_policy, policy) == 24,
               "XEN_SYSCTL_set_cpu_policy layout");
_Static_assert(sizeof(struct xen_sysctl_set_cpu_policy) <=
               sizeof(((struct xen_sysctl *)NULL)->u),
               "XEN_SYSCTL_set_cpu_policy must fit the sysctl union");

/* struct xl_leaf / xl_msr are xen_cpuid_leaf_t / xen_msr_entry_t. */
#define SAME_FIELD(a, fa, b, fb)                                           \
    _Static_assert(offsetof(a, fa) == offsetof(b, fb) &&                   \
                   sizeof(((a *)NULL)->fa) == sizeof(((b *)NULL)->fb),     \
                   #a "." #fa " != " #b "." #fb)
_Static_assert(sizeof(struct xl_leaf) == sizeof(xen_cpuid_leaf_t),
               "xl_leaf size");
SAME_FIELD(struct xl_leaf, leaf, xen_cpuid_leaf_t, leaf);
SAME_FIELD(struct xl_leaf, subleaf, xen_cpuid_leaf_t, subleaf);
SAME_FIELD(struct xl_leaf, a, xen_cpuid_leaf_t, a);
SAME_FIELD(struct xl_leaf, b, xen_cpuid_leaf_t, b);
SAME_FIELD(struct xl_leaf, c, xen_cpuid_leaf_t, c);
SAME_FIELD(struct xl_leaf, d, xen_cpuid_leaf_t, d);
_Static_assert(sizeof(struct xl_msr) == sizeof(xen_msr_entry_t),
               "xl_msr size");
SAME_FIELD(struct xl_msr, idx, xen_msr_entry_t, idx);
SAME_FIELD(struct xl_msr, flags, xen_msr_entry_t, flags);
SAME_FIELD(struct xl_msr, val, xen_msr_entry_t, val);
#undef SAME_FIELD

_Static_assert(XL_NO_SUBLEAF == XEN_CPUID_NO_SUBLEAF, "XL_NO_SUBLEAF");

_Static_assert(XL_POL_RAW == XEN_SYSCTL_cpu_policy_raw &&
               XL_POL_HOST == XEN_SYSCTL_cpu_policy_host &&
               XL_POL_PV_MAX == XEN_SYSCTL_cpu_policy_pv_max &&
               XL_POL_HVM_MAX == XEN_SYSCTL_cpu_policy_hvm_max &&
               XL_POL_PV_DEF == XEN_SYSCTL_cpu_policy_pv_default &&
               XL_POL_HVM_DEF == XEN_SYSCTL_cpu_policy_hvm_default,
               "XL_POL_* are XEN_SYSCTL_cpu_policy_*");

/* The op number the series uses on each Xen (see set_op()). */
#define XL_SET_OP_4_17   30  /* 4.17 */
#define XL_SET_OP_4_18   31  /* 4.18 and later: 30 is XEN_SYSCTL_dt_overlay */
#ifdef XEN_SYSCTL_set_cpu_policy
_Static_assert(XEN_SYSCTL_set_cpu_policy == XL_SET_OP_4_17 ||
               XEN_SYSCTL_set_cpu_policy == XL_SET_OP_4_18,
               "XEN_SYSCTL_set_cpu_policy is one of the numbers probed");
#endif

#ifdef XEN_SYSCTL_CPU_LEVELCAP_faulting
_Static_assert(XL_CAP_FAULTING == XEN_SYSCTL_CPU_LEVELCAP_faulting &&
               XL_CAP_ECX == XEN_SYSCTL_CPU_LEVELCAP_ecx &&
               XL_CAP_EDX == XEN_SYSCTL_CPU_LEVELCAP_edx &&
               XL_CAP_EXTD_ECX == XEN_SYSCTL_CPU_LEVELCAP_extd_ecx &&
               XL_CAP_EXTD_EDX == XEN_SYSCTL_CPU_LEVELCAP_extd_edx &&
               XL_CAP_XSAVE_EAX == XEN_SYSCTL_CPU_LEVELCAP_xsave_eax &&
               XL_CAP_THERMAL_ECX == XEN_SYSCTL_CPU_LEVELCAP_thermal_ecx &&
               XL_CAP_L7S0_EAX == XEN_SYSCTL_CPU_LEVELCAP_l7s0_eax &&
               XL_CAP_L7S0_EBX == XEN_SYSCTL_CPU_LEVELCAP_l7s0_ebx,
               "XL_CAP_* are XEN_SYSCTL_CPU_LEVELCAP_*");
#endif

struct xl_xen {
    xc_interface *xch;
    xencall_handle *xcall;
    int set_op;     /* 0: not probed yet; > 0: the op; < 0: -errno */
    /* xl's lockfile as xl.conf named it when it had identity xl_conf
     * (xl_conf_errno: stat's errno then, e.g. ENOENT); "" until read. */
    char xl_lock[4096];
    struct stat xl_conf;
    int xl_conf_errno;
};

/* errno after a failed library call, never 0. */
static int neg_errno(void)
{
    return errno ? -errno : -EIO;
}

int xl_xen_open(struct xl_xen **xp)
{
    struct xl_xen *x;
    int rc;

    *xp = NULL;

    x = calloc(1, sizeof(*x));
    if ( !x )
        return -ENOMEM;

    errno = 0;
    x->xch = xc_interface_open(NULL, NULL, 0);
    if ( !x->xch )
    {
        rc = errno ? -errno : -ENOENT;
        goto out;
    }

    errno = 0;
    x->xcall = xencall_open(NULL, 0);
    if ( !x->xcall )
    {
        rc = errno ? -errno : -ENOENT;
        goto out;
    }

    *xp = x;
    x = NULL;
    rc = 0;

 out:
    xl_xen_close(x);
    return rc;
}

void xl_xen_close(struct xl_xen *x)
{
    if ( !x )
        return;

    if ( x->xcall )
        xencall_close(x->xcall);
    if ( x->xch )
        xc_interface_close(x->xch);
    free(x);
}

int xl_xen_version(struct xl_xen *x, char *buf, size_t len)
{
    xen_extraversion_t extra;
    int ver, n;

    errno = 0;
    ver = xc_version(x->xch, XENVER_version, NULL);
    if ( ver < 0 )
        return neg_errno();

    memset(extra, 0, sizeof(extra));
    errno = 0;
    if ( xc_version(x->xch, XENVER_extraversion, &extra) < 0 )
        return neg_errno();
    extra[sizeof(extra) - 1] = '\0';

    n = snprintf(buf, len, "%d.%d%s", ver >> 16, ver & 0xffff, extra);
    if ( n < 0 || (size_t)n >= len )
        return -ENOBUFS;

    return 0;
}

int xl_xen_levelling_caps(struct xl_xen *x, uint32_t *caps)
{
#ifdef XEN_SYSCTL_get_cpu_levelling_caps
    errno = 0;
    if ( xc_get_cpu_levelling_caps(x->xch, caps) )
        return neg_errno();

    return 0;
#else
    /* Xen 4.22 and later: no such sysctl. */
    return xl_xen_levelling_caps_derive(x, caps);
#endif
}

static const struct xl_msr *find_msr(const struct xl_policy *p, uint32_t idx)
{
    unsigned int i;

    for ( i = 0; i < p->nr_msrs; i++ )
        if ( p->msrs[i].idx == idx )
            return &p->msrs[i];
    return NULL;
}

/* A register of a serialised leaf, 0 when the policy has no such leaf. */
static uint32_t leaf_reg(const struct xl_policy *p, uint32_t leaf,
                         uint32_t subleaf, char reg)
{
    unsigned int i;

    for ( i = 0; i < p->nr_leaves; i++ )
    {
        const struct xl_leaf *l = &p->leaves[i];

        if ( l->leaf != leaf || l->subleaf != subleaf )
            continue;
        switch ( reg )
        {
        case 'a': return l->a;
        case 'b': return l->b;
        case 'c': return l->c;
        default:  return l->d;
        }
    }
    return 0;
}

/*
 * What amd_init_levelling() / intel_init_levelling() (xen/arch/x86/cpu/)
 * set in levelling_caps, from the host policy:
 *  - CPUID faulting: the host MSR policy's MSR_INTEL_PLATFORM_INFO
 *    (0xce) bit 31, which Xen sets from cpu_has_cpuid_faulting (Intel, or
 *    AMD when virtualised); on AMD/Hygon also CpuidUserDis
 *    (0x80000021.eax bit 17).  Either way Xen then uses nothing else.
 *  - AMD/Hygon masking MSRs, expected on every family but 0x11 and
 *    family 0xf before model 0x20: leaf 1 ecx/edx, 0x80000001 ecx/edx,
 *    7:0 eax/ebx when max_leaf >= 7, 6 ecx on family 0x15 (leaf 6 ecx
 *    non-zero).
 *  - Intel masking MSRs on family 6 only: Penryn (models 0x17, 0x1d)
 *    leaf 1; Nehalem/Westmere (0x1a, 0x1e, 0x1f, 0x25, 0x2c, 0x2e, 0x2f)
 *    leaf 1 and 0x80000001; SandyBridge (0x2a, 0x2d) also 0xd:1 eax.
 * Xen probes each expected MSR at boot and drops the word when the probe
 * fails (possible when Xen runs virtualised; Xen warns on its console
 * otherwise): the answer is what Xen expects, an overstatement then.
 */
int xl_xen_levelling_caps_derive(struct xl_xen *x, uint32_t *caps)
{
    struct xl_policy *host;
    const struct xl_msr *pi;
    char vendor[13];
    unsigned int family, model;
    uint32_t max_leaf, eax1, v[3], c = 0;
    bool amd;
    int rc;

    *caps = 0;
    host = malloc(sizeof(*host));
    if ( !host )
        return -ENOMEM;

    rc = xl_xen_get_policy(x, XL_POL_HOST, host);
    if ( rc )
        goto out;

    /* Vendor, family and model as Xen's get_cpu_vendor() etc. read them. */
    v[0] = leaf_reg(host, 0, XL_NO_SUBLEAF, 'b');
    v[1] = leaf_reg(host, 0, XL_NO_SUBLEAF, 'd');
    v[2] = leaf_reg(host, 0, XL_NO_SUBLEAF, 'c');
    memcpy(vendor, v, 12);
    vendor[12] = '\0';
    eax1 = leaf_reg(host, 1, XL_NO_SUBLEAF, 'a');
    family = (eax1 >> 8) & 0xf;
    if ( family == 0xf )
        family += (eax1 >> 20) & 0xff;
    model = (eax1 >> 4) & 0xf;
    if ( family >= 6 )
        model |= ((eax1 >> 16) & 0xf) << 4;
    amd = !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");
    max_leaf = leaf_reg(host, 0, XL_NO_SUBLEAF, 'a');

    pi = find_msr(host, 0xce /* MSR_INTEL_PLATFORM_INFO */);
    if ( (pi && (pi->val & (1ULL << 31))) ||
         (amd && (leaf_reg(host, 0x80000021, XL_NO_SUBLEAF, 'a') &
                  (1U << 17))) )
        c = XL_CAP_FAULTING;
    else if ( amd )
    {
        if ( family != 0x11 && !(family == 0xf && model < 0x20) )
        {
            c = XL_CAP_ECX | XL_CAP_EDX | XL_CAP_EXTD_ECX | XL_CAP_EXTD_EDX;
            if ( max_leaf >= 7 )
                c |= XL_CAP_L7S0_EAX | XL_CAP_L7S0_EBX;
            if ( family == 0x15 && max_leaf >= 6 &&
                 leaf_reg(host, 6, XL_NO_SUBLEAF, 'c') )
                c |= XL_CAP_THERMAL_ECX;
        }
    }
    else if ( !strcmp(vendor, "GenuineIntel") && family == 6 )
    {
        switch ( model )
        {
        case 0x17: case 0x1d:
            c = XL_CAP_ECX | XL_CAP_EDX;
            break;
        case 0x1a: case 0x1e: case 0x1f: case 0x25: case 0x2c: case 0x2e:
        case 0x2f:
            c = XL_CAP_ECX | XL_CAP_EDX | XL_CAP_EXTD_ECX | XL_CAP_EXTD_EDX;
            break;
        case 0x2a: case 0x2d:
            c = XL_CAP_ECX | XL_CAP_EDX | XL_CAP_EXTD_ECX | XL_CAP_EXTD_EDX |
                XL_CAP_XSAVE_EAX;
            break;
        }
    }
    *caps = c;

 out:
    free(host);
    return rc;
}

/* Serialise a libxenguest policy object into *out. */
static int serialise(struct xl_xen *x, const xc_cpu_policy_t *pol,
                     struct xl_policy *out)
{
    uint32_t nr_leaves = XL_MAX_LEAVES, nr_msrs = XL_MAX_MSRS;

    errno = 0;
    if ( xc_cpu_policy_serialise(x->xch, pol,
                                 (xen_cpuid_leaf_t *)out->leaves, &nr_leaves,
                                 (xen_msr_entry_t *)out->msrs, &nr_msrs) )
        return neg_errno();

    out->nr_leaves = nr_leaves;
    out->nr_msrs = nr_msrs;

    return 0;
}

/* A system policy (XL_POL_* index) or a domain's, serialised. */
static int get_policy(struct xl_xen *x, bool domain, uint32_t id,
                      struct xl_policy *out)
{
    xc_cpu_policy_t *pol;
    int rc;

    memset(out, 0, sizeof(*out));

    pol = xc_cpu_policy_init();
    if ( !pol )
        return -ENOMEM;

    errno = 0;
    if ( domain ? xc_cpu_policy_get_domain(x->xch, id, pol)
                : xc_cpu_policy_get_system(x->xch, id, pol) )
    {
        rc = neg_errno();
        goto out;
    }

    rc = serialise(x, pol, out);

 out:
    xc_cpu_policy_destroy(pol);
    return rc;
}

int xl_xen_get_policy(struct xl_xen *x, unsigned int index,
                      struct xl_policy *out)
{
    if ( index >= XL_POL_NR )
        return -EINVAL;
    return get_policy(x, false, index, out);
}

int xl_xen_domain_policy(struct xl_xen *x, uint32_t domid,
                         struct xl_policy *out)
{
    return get_policy(x, true, domid, out);
}

void xl_xen_xl_lockfile(char *buf, size_t len)
{
    char line[512];
    FILE *f = fopen(XL_XEN_XL_CONF, "re");

    snprintf(buf, len, "/var/lock/xl");
    if ( !f )
        return;
    /* xl.conf: lockfile="PATH" (xlu syntax; a plain string is enough). */
    while ( fgets(line, sizeof(line), f) )
    {
        char *p = line, *q;

        while ( isspace((unsigned char)*p) )
            p++;
        if ( strncmp(p, "lockfile", 8) )
            continue;
        p += 8;
        while ( isspace((unsigned char)*p) )
            p++;
        if ( *p++ != '=' )
            continue;
        while ( isspace((unsigned char)*p) )
            p++;
        if ( *p != '"' && *p != '\'' )
            continue;
        q = strchr(p + 1, *p);
        if ( !q || q == p + 1 )
            continue;
        *q = '\0';
        snprintf(buf, len, "%s", p + 1);
    }
    fclose(f);
}

/*
 * xl's lockfile, read from xl.conf again only when a stat shows another
 * xl.conf (or its appearance or removal): a resident watcher sets the
 * defaults on every event, and the stat is one call where the read is five.
 */
static const char *xl_lockfile(struct xl_xen *x)
{
    struct stat st;
    int e = stat(XL_XEN_XL_CONF, &st) ? errno : 0;

    if ( e )
        memset(&st, 0, sizeof(st));
    if ( x->xl_lock[0] && e == x->xl_conf_errno &&
         (e || xl_same_file(&st, &x->xl_conf)) )
        return x->xl_lock;
    xl_xen_xl_lockfile(x->xl_lock, sizeof(x->xl_lock));
    x->xl_conf = st;
    x->xl_conf_errno = e;
    return x->xl_lock;
}

/*
 * Take xl's lock as acquire_lock() does (open O_WRONLY|O_CREAT, an F_WRLCK
 * fcntl lock over the whole file), polling instead of F_SETLKW so that the
 * wait is bounded.  *fd is -1 when there is nowhere to lock (no /var/lock).
 */
static int xl_lock_take(struct xl_xen *x, int *fd)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    unsigned int tries;
    int rc = -ETIMEDOUT;

    *fd = open(xl_lockfile(x), O_WRONLY | O_CREAT | O_CLOEXEC, S_IWUSR);
    if ( *fd < 0 )
        return errno == ENOENT ? 0 : -errno;

    for ( tries = 0; tries < XL_XEN_XL_LOCK_WAIT * 50; tries++ )
    {
        if ( fcntl(*fd, F_SETLK, &fl) == 0 )
            return 0;
        if ( errno != EACCES && errno != EAGAIN && errno != EINTR )
        {
            rc = -errno;
            break;
        }
        nanosleep(&pause, NULL);
    }
    close(*fd);
    *fd = -1;
    return rc;
}

static void xl_lock_drop(int fd)
{
    if ( fd >= 0 )
        close(fd);  /* releases the fcntl lock */
}

/*
 * Xen answers -EACCES both for a sysctl interface version it does not know
 * (checked first, in do_sysctl()) and for an XSM/Flask denial (the AVC's
 * answer).  Tell them apart with XEN_SYSCTL_physinfo, issued the same way
 * with the same interface version: if Xen takes it, the version is right
 * and the -EACCES was a denial, returned as -EPERM.  Any other answer
 * to physinfo leaves -EACCES (interface version).
 */
static int eacces_meaning(struct xl_xen *x)
{
    struct xen_sysctl *sysctl = xencall_alloc_buffer(x->xcall, sizeof(*sysctl));
    int rc;

    if ( !sysctl )
        return -EACCES;
    memset(sysctl, 0, sizeof(*sysctl));
    sysctl->cmd = XEN_SYSCTL_physinfo;
    sysctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    rc = xencall1(x->xcall, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)sysctl);
    xencall_free_buffer(x->xcall, sysctl);
    return rc < 0 ? -EACCES : -EPERM;
}

/*
 * The number of XEN_SYSCTL_set_cpu_policy on this hypervisor, or -errno:
 * -ENOSYS when it has none (see "Which operation number" above), -EPERM
 * (XSM denial) or -EACCES (interface version).  Probed once per handle,
 * unless denied.
 */
static int set_op(struct xl_xen *x)
{
    struct xen_sysctl *sysctl;
    struct xen_sysctl_set_cpu_policy *set;
    int ver, op, rc;

    if ( x->set_op )
        return x->set_op;

    errno = 0;
    ver = xc_version(x->xch, XENVER_version, NULL);
    if ( ver < 0 )
        return neg_errno();
    if ( ver < ((4 << 16) | 17) )
        return x->set_op = -ENOSYS;
    op = ver == ((4 << 16) | 17) ? XL_SET_OP_4_17 : XL_SET_OP_4_18;

    sysctl = xencall_alloc_buffer(x->xcall, sizeof(*sysctl));
    if ( !sysctl )
        return neg_errno();

    memset(sysctl, 0, sizeof(*sysctl));
    sysctl->cmd = op;
    sysctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    set = (struct xen_sysctl_set_cpu_policy *)&sysctl->u;
    set->flags = 1U << 31;      /* no such flag: refused, nothing changes */
    set->nr_policies = 0;
    set->err_policy = set->err_leaf = set->err_subleaf = set->err_msr =
        0x5a5a5a5aU;

    errno = 0;
    rc = xencall1(x->xcall, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)sysctl);
    rc = rc < 0 ? neg_errno() : 0;
    if ( rc == -EACCES )
        rc = eacces_meaning(x);

    if ( rc == -EINVAL && set->err_policy == ~0U && set->err_leaf == ~0U &&
         set->err_subleaf == ~0U && set->err_msr == ~0U )
        x->set_op = op;
    else if ( rc == -EPERM || rc == -EACCES )
    {
        /* Denied: say so, not "no such sysctl"; not cached, as a policy
         * loaded later (flask-loadpolicy) may allow it. */
        xencall_free_buffer(x->xcall, sysctl);
        return rc;
    }
    else
        x->set_op = -ENOSYS;    /* absent, or the number means another op */

    xencall_free_buffer(x->xcall, sysctl);
    return x->set_op;
}

int xl_xen_set_op(struct xl_xen *x)
{
    return set_op(x);
}

/* One XEN_SYSCTL_set_cpu_policy: set (pv/hvm) or reset (both NULL). */
static int set_cpu_policy(struct xl_xen *x, const struct xl_policy *pv,
                          const struct xl_policy *hvm, uint32_t flags,
                          struct xl_xen_err *err)
{
    const struct xl_policy *in[2] = { pv, hvm };
    static const uint32_t index[2] = {
        XEN_SYSCTL_cpu_policy_pv_default,
        XEN_SYSCTL_cpu_policy_hvm_default,
    };
    uint32_t pos_index[2] = { ~0U, ~0U };
    struct xen_sysctl *sysctl = NULL;
    struct xen_sysctl_set_cpu_policy *set;
    void *leaves[2] = { NULL, NULL }, *msrs[2] = { NULL, NULL };
    unsigned int i, nr = 0;
    int rc, op, lockfd = -1;

    if ( err )
        err->index = err->leaf = err->subleaf = err->msr = ~0U;

    for ( i = 0; i < 2; ++i )
        if ( in[i] && (in[i]->nr_leaves > XL_MAX_LEAVES ||
                       in[i]->nr_msrs > XL_MAX_MSRS) )
            return -E2BIG;

    if ( !pv && !hvm && !(flags & XEN_SYSCTL_CPU_POLICY_RESET) )
        return -EINVAL;

    op = set_op(x);
    if ( op < 0 )
        return op;

    sysctl = xencall_alloc_buffer(x->xcall, sizeof(*sysctl));
    if ( !sysctl )
    {
        rc = neg_errno();
        goto out;
    }

    memset(sysctl, 0, sizeof(*sysctl));
    sysctl->cmd = op;
    sysctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    set = (struct xen_sysctl_set_cpu_policy *)&sysctl->u;
    set->err_policy = set->err_leaf = set->err_subleaf = set->err_msr = ~0U;
    set->flags = flags;

    for ( i = 0; i < 2; ++i )
    {
        struct xen_sysctl_cpu_policy *p = &set->policy[nr];
        size_t lsz, msz;

        if ( !in[i] )
            continue;

        /* Hypercall buffers: at least one byte, even for empty arrays. */
        lsz = in[i]->nr_leaves * sizeof(xen_cpuid_leaf_t);
        msz = in[i]->nr_msrs * sizeof(xen_msr_entry_t);
        leaves[nr] = xencall_alloc_buffer(x->xcall, lsz ? lsz : 1);
        msrs[nr] = xencall_alloc_buffer(x->xcall, msz ? msz : 1);
        if ( !leaves[nr] || !msrs[nr] )
        {
            rc = neg_errno();
            goto out;
        }
        memcpy(leaves[nr], in[i]->leaves, lsz);
        memcpy(msrs[nr], in[i]->msrs, msz);

        p->index = index[i];
        p->nr_leaves = in[i]->nr_leaves;
        p->nr_msrs = in[i]->nr_msrs;
        set_xen_guest_handle_raw(p->leaves, leaves[nr]);
        set_xen_guest_handle_raw(p->msrs, msrs[nr]);
        pos_index[nr] = index[i];
        ++nr;
    }
    set->nr_policies = nr;

    rc = xl_lock_take(x, &lockfd);
    if ( rc )
        goto out;

    errno = 0;
    rc = xencall1(x->xcall, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)sysctl);
    rc = rc < 0 ? neg_errno() : 0;

    xl_lock_drop(lockfd);
    if ( rc == -EACCES )
        rc = eacces_meaning(x);

    if ( rc && err )
    {
        err->index = set->err_policy < nr ? pos_index[set->err_policy] : ~0U;
        err->leaf = set->err_leaf;
        err->subleaf = set->err_subleaf;
        err->msr = set->err_msr;
    }

 out:
    for ( i = 0; i < 2; ++i )
    {
        xencall_free_buffer(x->xcall, leaves[i]);
        xencall_free_buffer(x->xcall, msrs[i]);
    }
    xencall_free_buffer(x->xcall, sysctl);
    return rc;
}

int xl_xen_set_defaults(struct xl_xen *x, const struct xl_policy *pv,
                        const struct xl_policy *hvm, unsigned int flags,
                        struct xl_xen_err *err)
{
    if ( flags & ~XL_XEN_SET_BEYOND_DEFAULT )
        return -EINVAL;
    if ( !pv && !hvm )
        return -EINVAL;
    return set_cpu_policy(x, pv, hvm, flags, err);
}

int xl_xen_reset_defaults(struct xl_xen *x, struct xl_xen_err *err)
{
    return set_cpu_policy(x, NULL, NULL, XEN_SYSCTL_CPU_POLICY_RESET, err);
}

int xl_xen_list_domains(struct xl_xen *x, struct xl_domain *doms,
                        unsigned int *nr)
{
    xc_domaininfo_t info[64];
    unsigned int cap = *nr, count = 0;
    uint32_t next = 1;
    int n, i;

    for ( ;; )
    {
        errno = 0;
        n = xc_domain_getinfolist(x->xch, next, 64, info);
        if ( n < 0 )
            return neg_errno();
        if ( n == 0 )
            break;

        for ( i = 0; i < n; ++i )
        {
            if ( info[i].domain == 0 ||
                 (info[i].flags & XEN_DOMINF_dying) )
                continue;

            if ( count < cap )
            {
                doms[count].domid = info[i].domain;
                doms[count].hvm = info[i].flags & XEN_DOMINF_hvm_guest;
            }
            ++count;
        }

        next = info[n - 1].domain + 1;
        if ( n < 64 || next >= DOMID_FIRST_RESERVED )
            break;
    }

    if ( count > cap )
    {
        *nr = cap;
        return -ENOBUFS;
    }
    *nr = count;

    return 0;
}
