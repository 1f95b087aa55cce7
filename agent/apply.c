/*
 * apply.c - from a level and a host to installed default policies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "log.h"

void xl_host_derive_report(struct xl_host *h)
{
    struct xl_host_report *r = &h->rep;
    char vendor[13];

    if ( h->have[XL_POL_HOST] )
    {
        xl_policy_identity(&h->pol[XL_POL_HOST], vendor, &r->family,
                           &r->model, &r->stepping);
        snprintf(r->vendor, sizeof(r->vendor), "%s", vendor);
        xl_policy_to_fs(&h->pol[XL_POL_HOST], &r->host);
    }
    if ( h->have[XL_POL_RAW] )
    {
        xl_policy_to_fs(&h->pol[XL_POL_RAW], &r->raw);
        r->has_raw = true;
    }
    if ( h->have[XL_POL_PV_DEF] )
        xl_policy_to_fs(&h->pol[XL_POL_PV_DEF], &r->pv_def);
    if ( h->have[XL_POL_PV_MAX] )
        xl_policy_to_fs(&h->pol[XL_POL_PV_MAX], &r->pv_max);
    if ( h->have[XL_POL_HVM_DEF] )
        xl_policy_to_fs(&h->pol[XL_POL_HVM_DEF], &r->hvm_def);
    if ( h->have[XL_POL_HVM_MAX] )
        xl_policy_to_fs(&h->pol[XL_POL_HVM_MAX], &r->hvm_max);
    r->has_hvm = h->have[XL_POL_HVM_DEF] && !xl_fs_empty(&r->hvm_max);
}

void xl_host_from_report(const struct xl_host_report *r, struct xl_host *h)
{
    static const struct {
        unsigned int index;
        size_t off;
    } map[] = {
        { XL_POL_RAW, offsetof(struct xl_host_report, raw) },
        { XL_POL_HOST, offsetof(struct xl_host_report, host) },
        { XL_POL_PV_MAX, offsetof(struct xl_host_report, pv_max) },
        { XL_POL_HVM_MAX, offsetof(struct xl_host_report, hvm_max) },
        { XL_POL_PV_DEF, offsetof(struct xl_host_report, pv_def) },
        { XL_POL_HVM_DEF, offsetof(struct xl_host_report, hvm_def) },
    };
    unsigned int i;

    memset(h, 0, sizeof(*h));
    h->rep = *r;
    for ( i = 0; i < sizeof(map) / sizeof(map[0]); i++ )
    {
        const struct xl_fs *fs =
            (const struct xl_fs *)((const char *)r + map[i].off);

        if ( (map[i].index == XL_POL_HVM_DEF ||
              map[i].index == XL_POL_HVM_MAX) && !r->has_hvm )
            continue;
        if ( map[i].index == XL_POL_RAW && !r->has_raw )
            continue;
        xl_policy_synth(r->vendor, r->family, r->model, r->stepping, fs,
                        &h->pol[map[i].index]);
        h->have[map[i].index] = true;
    }
}

/* Level features this host can take, when missing_features = allow. */
static void clip(struct xl_fs *fs, const struct xl_fs *def,
                 const struct xl_fs *max)
{
    struct xl_fs ok = *xl_fs_may_exceed_default();

    xl_fs_and(&ok, max);
    xl_fs_or(&ok, def);
    xl_fs_and(fs, &ok);
    xl_fs_apply_deep_deps(fs);
}

/* Equal as featuresets (what a level decides). */
static bool policies_equal(const struct xl_policy *a,
                           const struct xl_policy *b)
{
    struct xl_fs fa, fb;

    xl_policy_to_fs(a, &fa);
    xl_policy_to_fs(b, &fb);
    return xl_fs_equal(&fa, &fb);
}

/*
 * Read one default back after the set: 0 when it is what was installed;
 * else -EIO and reason says how it differs (features gained, lost) or why
 * it could not be read.
 */
static int readback(const struct xl_apply_ops *ops, unsigned int index,
                    const struct xl_policy *want, const char *kind,
                    char *reason, size_t len)
{
    struct xl_policy *back = malloc(sizeof(*back));
    struct xl_fs fb, fw, gain, lose;
    char names[600] = "";
    FILE *f;
    int rc;

    if ( !back )
        return -ENOMEM;
    rc = ops->get_policy(ops->ctx, index, back);
    if ( rc )
    {
        snprintf(reason, len, "Xen's default policies were changed, but the "
                 "%s default could not be read back (%s): the host runs "
                 "neither its previous defaults nor a verified level",
                 kind, strerror(-rc));
        free(back);
        return -EIO;
    }
    xl_policy_to_fs(back, &fb);
    free(back);
    xl_policy_to_fs(want, &fw);
    if ( xl_fs_equal(&fb, &fw) )
        return 0;
    xl_fs_minus(&gain, &fb, &fw);
    xl_fs_minus(&lose, &fw, &fb);
    f = fmemopen(names, sizeof(names) - 1, "w");
    if ( f )
    {
        if ( !xl_fs_empty(&gain) )
        {
            fprintf(f, " +");
            xl_fs_print_names(f, &gain);
        }
        if ( !xl_fs_empty(&lose) )
        {
            fprintf(f, " -");
            xl_fs_print_names(f, &lose);
        }
        fclose(f);
    }
    snprintf(reason, len, "Xen's default policies were changed, but the %s "
             "default reads back other than the level's (%s:%s): the host "
             "runs neither its previous defaults nor the level", kind, kind,
             names);
    return -EIO;
}

/* " leaf 0x7 subleaf 0", " msr 0x10a", or "" when Xen named none. */
static void where(const struct xl_set_err *e, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    if ( e->leaf != ~0U )
        n = (size_t)snprintf(buf, len, " leaf %#x", e->leaf);
    if ( e->leaf != ~0U && e->subleaf != ~0U && n < len )
        n += (size_t)snprintf(buf + n, len - n, " subleaf %#x", e->subleaf);
    if ( e->msr != ~0U && n < len )
        snprintf(buf + n, len - n, " msr %#x", e->msr);
}

int xl_set_error(int rc, const struct xl_set_err *e, bool beyond,
                 const char *what, char *reason, size_t len)
{
    bool reset = !strcmp(what, "reset");
    char at[96];

    switch ( rc )
    {
    case -ENOSYS:
        snprintf(reason, len, "this Xen cannot take default CPU policies "
                 "(no XEN_SYSCTL_set_cpu_policy): boot a hypervisor built "
                 "with the xenlevel patch series (xen-patches/VERSION/series); "
                 "nothing was changed");
        return XL_EXIT_NOSYSCTL;

    case -EOPNOTSUPP:
        snprintf(reason, len, "this Xen cannot take an HVM default CPU "
                 "policy (no HVM support, EOPNOTSUPP); nothing was changed");
        return XL_EXIT_NOHVM;

    case -EPERM:
        snprintf(reason, len, "Xen denied XEN_SYSCTL_set_cpu_policy (XSM): "
                 "an XSM/Flask policy without xen2:set_cpu_policy for this "
                 "domain, or a Flask-enabled Xen without the xenlevel patch "
                 "series; nothing was changed");
        return XL_EXIT_DENIED;

    case -EACCES:
        snprintf(reason, len, "Xen refused the sysctl interface version "
                 "(EACCES): this xenlevel was built for another Xen "
                 "release's XEN_SYSCTL_INTERFACE_VERSION; nothing was "
                 "changed");
        return XL_EXIT_DENIED;

    case -ETIMEDOUT:
        snprintf(reason, len, "xl's lock file stayed busy (a domain is being "
                 "created?) for too long; nothing was changed");
        return XL_EXIT_XEN;

    case -EINVAL:
    case -ERANGE:
    case -E2BIG:
        where(e, at, sizeof(at));
        if ( reset )
            snprintf(reason, len, "Xen refused the reset (%s)%s",
                     strerror(-rc), at);
        else if ( e->index == XL_POL_PV_DEF || e->index == XL_POL_HVM_DEF )
            snprintf(reason, len, "Xen refused the %s default policy (%s):"
                     "%s; neither default was changed%s",
                     e->index == XL_POL_HVM_DEF ? "HVM" : "PV", strerror(-rc),
                     at[0] ? at : " no leaf named",
                     rc == -EINVAL && !beyond ?
                     " (a feature beyond this host's max policy, or one Xen "
                     "withholds from its boot-time defaults: see "
                     "beyond_boot_defaults in xenlevel.conf(5))" : "");
        else
            snprintf(reason, len, "Xen refused the request (%s)%s; neither "
                     "default was changed", strerror(-rc), at);
        return XL_EXIT_XEN;

    default:
        snprintf(reason, len, "XEN_SYSCTL_set_cpu_policy (%s) failed: %s; "
                 "nothing was changed", what, strerror(-rc));
        return XL_EXIT_XEN;
    }
}

int xl_apply(const struct xl_config *cfg, const struct xl_level *l,
             struct xl_host *h, const struct xl_apply_ops *ops, FILE *out,
             struct xl_apply_result *res)
{
    struct xl_fs keep = { { 0 } }, pv = l->pv, hvm = l->hvm;
    const struct xl_fs *keep_p = NULL;
    struct xl_set_err se;
    struct xl_err err = { .line = 0 };
    char buf[600];
    int rc;

    memset(res, 0, sizeof(*res));
    if ( !h->have[XL_POL_PV_DEF] )
    {
        snprintf(res->reason, sizeof(res->reason),
                 "cannot read this host's PV default policy");
        return XL_EXIT_XEN;
    }

    xl_check(&h->rep, l, &res->check);
    res->verdict = xl_check_verdict(&res->check, cfg->missing_allow,
                                    cfg->pv_enforce_allow);
    if ( res->verdict != XL_VERDICT_OK )
    {
        xl_check_reason(&res->check, res->verdict, res->reason,
                        sizeof(res->reason));
        if ( res->verdict == XL_VERDICT_VENDOR )
            snprintf(res->reason, sizeof(res->reason),
                     "vendor mismatch: level %s is for %s, this host is %s",
                     l->name, l->vendor, h->rep.vendor);
        return res->verdict == XL_VERDICT_VENDOR ? XL_EXIT_VENDOR :
               res->verdict == XL_VERDICT_HONOUR ? XL_EXIT_HONOUR :
                                                   XL_EXIT_ENFORCE;
    }
    if ( res->check.pv_unenforced )
    {
        xl_check_reason(&res->check, XL_VERDICT_ENFORCE, buf, sizeof(buf));
        log_warnx("pv_enforcement = allow: PV user mode may see more than "
                  "the level: %s", buf);
    }
    if ( cfg->missing_allow )
    {
        clip(&pv, &h->rep.pv_def, &h->rep.pv_max);
        clip(&hvm, &h->rep.hvm_def, &h->rep.hvm_max);
    }
    if ( cfg->unknown_keep )
    {
        keep = *xl_fs_known();
        for ( unsigned int w = 0; w < XL_FS_WORDS; w++ )
            keep.w[w] = ~keep.w[w];
        keep_p = &keep;
    }

    rc = xl_policy_build(&h->pol[XL_POL_PV_DEF], &pv, keep_p, &res->pv_new,
                         &err);
    if ( rc )
    {
        snprintf(res->reason, sizeof(res->reason), "pv: %s: %s", err.key,
                 err.msg);
        return XL_EXIT_ERROR;
    }
    res->hvm = l->has_hvm && h->rep.has_hvm && h->have[XL_POL_HVM_DEF];
    if ( res->hvm )
    {
        rc = xl_policy_build(&h->pol[XL_POL_HVM_DEF], &hvm, keep_p,
                             &res->hvm_new, &err);
        if ( rc )
        {
            snprintf(res->reason, sizeof(res->reason), "hvm: %s: %s",
                     err.key, err.msg);
            return XL_EXIT_ERROR;
        }
    }
    else if ( h->rep.has_hvm )
        log_warnx("level %s has no HVM part: HVM default left as it is",
                  l->name);

    if ( !ops )
    {
        unsigned int n;

        fprintf(out, "--- pv_default (current)\n+++ pv_default (level %s "
                "generation %llu)\n", l->name,
                (unsigned long long)l->generation);
        n = xl_policy_diff(out, "  ", &h->pol[XL_POL_PV_DEF], &res->pv_new);
        if ( !n )
            fprintf(out, "  (no change)\n");
        res->changed = n != 0;
        if ( res->hvm )
        {
            fprintf(out, "--- hvm_default (current)\n+++ hvm_default "
                    "(level %s generation %llu)\n", l->name,
                    (unsigned long long)l->generation);
            n = xl_policy_diff(out, "  ", &h->pol[XL_POL_HVM_DEF],
                               &res->hvm_new);
            if ( !n )
                fprintf(out, "  (no change)\n");
            res->changed |= n != 0;
        }
        else
            fprintf(out, "hvm_default: not changed (%s)\n",
                    h->rep.has_hvm ? "the level has no HVM part"
                                   : "this host has no HVM");
        return XL_EXIT_OK;
    }

    /* Whether the new defaults differ from the current ones. */
    res->changed = !policies_equal(&h->pol[XL_POL_PV_DEF], &res->pv_new) ||
                   (res->hvm &&
                    !policies_equal(&h->pol[XL_POL_HVM_DEF], &res->hvm_new));
    memset(&se, 0, sizeof(se));
    rc = ops->set_defaults(ops->ctx, &res->pv_new,
                           res->hvm ? &res->hvm_new : NULL,
                           cfg->beyond_allow ? XL_SET_BEYOND_DEFAULT : 0,
                           &se);
    if ( rc )
        return xl_set_error(rc, &se, cfg->beyond_allow, "set", res->reason,
                            sizeof(res->reason));

    /*
     * Verify by reading back.  From here on Xen's defaults have changed:
     * a difference is not "not applied" but a state of its own.
     */
    if ( readback(ops, XL_POL_PV_DEF, &res->pv_new, "PV", res->reason,
                  sizeof(res->reason)) ||
         (res->hvm && readback(ops, XL_POL_HVM_DEF, &res->hvm_new, "HVM",
                               res->reason, sizeof(res->reason))) )
        return XL_EXIT_READBACK;
    return XL_EXIT_OK;
}
