/*
 * run.c - the apply orchestration (see run.h).  Xen and xenstore only
 * through the edge (edge.h); files through store.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inifile.h"
#include "log.h"
#include "run.h"
#include "json.h"
#include "source.h"
#include "store.h"

/*
 * Xen's own (boot-time) default featuresets.  Xen recomputes nothing once a
 * level is installed: after levelling, the current defaults are the level,
 * so "what this host can offer" (check, apply, report) must come from the
 * defaults as they were before the first levelling of this boot.  The first
 * agent run of a boot (the initramfs hook) records them next to the status
 * record, on /run (a tmpfs, so a reboot forgets them); later runs read them.
 */
void xl_run_native_defaults(const struct xl_run *run, struct xl_host *h,
                            bool use)
{
    char path[4200], fs[XL_FS_STRLEN], rec[2 * XL_FS_STRLEN + 16];
    char *text = NULL, *line, *save = NULL;
    struct xl_fs pv, hvm;
    bool have_pv = false, have_hvm = false;
    struct xl_err err;
    size_t len;

    xl_state_path(run->cfg->status, "native-defaults", path, sizeof(path));
    if ( access(path, F_OK) )
    {
        char dir[4200];
        int n;

        xl_state_path(run->cfg->status, "", dir, sizeof(dir));
        if ( access(dir, F_OK) )
            return;             /* no /run/xenlevel yet: nothing to keep */
        xl_fs_format(&h->rep.pv_def, fs);
        n = snprintf(rec, sizeof(rec), "pv = %s\n", fs);
        if ( h->rep.has_hvm )
        {
            xl_fs_format(&h->rep.hvm_def, fs);
            n += snprintf(rec + n, sizeof(rec) - (size_t)n, "hvm = %s\n", fs);
        }
        if ( xl_write_state(path, rec, (size_t)n, 0644, run->owner, &err) )
            log_debug("cannot record %s: %s", path, err.msg);
        return;
    }
    /* Regular file, bounded, non-blocking: the one file reader. */
    if ( xl_read_file(path, &text, &len, &err) )
    {
        log_warnx("%s: %s (ignored: using Xen's current defaults)", path,
                  err.msg);
        return;
    }
    for ( line = strtok_r(text, "\n", &save); line;
          line = strtok_r(NULL, "\n", &save) )
    {
        if ( !strncmp(line, "pv = ", 5) )
            have_pv = !xl_fs_parse(line + 5, &pv, false, NULL);
        else if ( !strncmp(line, "hvm = ", 6) )
            have_hvm = !xl_fs_parse(line + 6, &hvm, false, NULL);
    }
    free(text);
    if ( !use )
        return;
    if ( have_pv )
        h->rep.pv_def = pv;
    if ( have_hvm && h->rep.has_hvm )
        h->rep.hvm_def = hvm;
    log_debug("host defaults as Xen computed them at boot: %s", path);
}

uint64_t xl_run_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int xl_run_load_host(const struct xl_run *run, const char *name,
                     struct xl_host *h, struct xl_fail *fail)
{
    struct xl_parse_opts po = xl_config_parse_opts(run->cfg);
    int rc;

    fail->at = XL_AT_NONE;
    if ( run->host )
    {
        *h = *run->host;
        return 0;
    }
    if ( run->host_report )
    {
        struct xl_host_report *r = malloc(sizeof(*r));

        if ( !r )
        {
            xl_err_set(&fail->err, NULL, 0, NULL, "out of memory");
            fail->at = XL_AT_INTERNAL;
            return -ENOMEM;
        }
        rc = xl_report_load(run->host_report, &po, r, &fail->err);
        if ( rc )
            fail->at = XL_AT_INPUT;
        else
            xl_host_from_report(r, h);
        free(r);
        return rc;
    }
    rc = run->edge->read_host(run->edge->ctx, name, h, &fail->err);
    if ( rc )
    {
        fail->at = XL_AT_XEN;
        return rc;
    }
    /* status compares the current defaults; the rest wants Xen's own. */
    xl_run_native_defaults(run, h, !run->current_defaults);
    return 0;
}

int xl_run_read_record(const char *path, struct xl_status *st,
                       struct xl_err *err)
{
    char *text = NULL;
    size_t len;
    int rc;

    if ( access(path, F_OK) )
        return -ENOENT;
    rc = xl_read_file(path, &text, &len, err);
    if ( !rc )
        rc = xl_status_parse(path, text, st, err);
    free(text);
    return rc;
}

/*
 * Record an outcome: the status record, and for the boot stages (initramfs,
 * sync) the boot record as well.  One writer: state.c formats it.
 */
void xl_run_record(const struct xl_run *run, const struct xl_status *st)
{
    struct xl_err err = { .line = 0 };
    char buf[4 * XL_STATE_TEXT], ebuf[1024], path[4200];

    if ( xl_status_format(st, buf, sizeof(buf)) )
        return;
    /*
     * The status record describes the running boot (on /run): replaced
     * atomically (one writer, one parser, rename), not synced; the boot
     * record below and the persisted level are.
     */
    if ( xl_write_state_ex(run->cfg->status, buf, strlen(buf), 0644,
                           run->owner, XL_WRITE_NOSYNC, NULL, &err) )
        log_warnx("status record: %s", xl_err_str(&err, ebuf, sizeof(ebuf)));
    if ( strcmp(st->stage, "initramfs") && strcmp(st->stage, "sync") )
        return;
    xl_state_path(run->cfg->status, "boot", path, sizeof(path));
    if ( xl_write_state(path, buf, strlen(buf), 0644, run->owner, &err) )
        log_warnx("boot record: %s", xl_err_str(&err, ebuf, sizeof(ebuf)));
}

void xl_run_record_xs(const struct xl_run *run, const struct xl_status *st)
{
    const struct xl_edge *e = run->edge;
    char path[300], val[4 * XL_STATE_TEXT];

    if ( xl_status_format(st, val, sizeof(val)) || e->xs_open(e->ctx) )
        return;
    snprintf(path, sizeof(path), "%s-status", run->cfg->xenstore_path);
    if ( e->xs_write(e->ctx, path, val) )
        log_debug("cannot record status at xenstore %s", path);
}

/* The cause= token of an apply exit code. */
static const char *exit_cause(int rc)
{
    switch ( rc )
    {
    case XL_EXIT_OK: return "";
    case XL_EXIT_INPUT: return XL_CAUSE_BAD_LEVEL;
    case XL_EXIT_HONOUR: return XL_CAUSE_HONOUR;
    case XL_EXIT_ENFORCE: return XL_CAUSE_ENFORCE;
    case XL_EXIT_VENDOR: return XL_CAUSE_VENDOR;
    case XL_EXIT_NOSYSCTL: return XL_CAUSE_UNPATCHED;
    case XL_EXIT_STALE: return XL_CAUSE_STALE;
    case XL_EXIT_NOT_PERSISTED: return XL_CAUSE_NOT_PERSISTED;
    case XL_EXIT_DENIED: return XL_CAUSE_DENIED;
    case XL_EXIT_NOHVM: return XL_CAUSE_NOHVM;
    case XL_EXIT_READBACK: return XL_CAUSE_READBACK;
    case XL_EXIT_PERSIST_DAMAGED: return XL_CAUSE_PERSIST_DAMAGED;
    default: return XL_CAUSE_XEN;
    }
}

/*
 * This Xen has no XEN_SYSCTL_set_cpu_policy.  Say which hypervisor was
 * booted and, when the xenlevel hypervisor package is installed but was not
 * booted (a Debian Xen update took GRUB's default), say exactly that.
 */
static void unpatched_reason(const char *root, const char *xen_version,
                             char *buf, size_t len)
{
    char boot[4200];

    snprintf(boot, sizeof(boot), "%s%s", root ? root : "", XL_PATCHED_XEN);
    if ( !access(boot, F_OK) && !strstr(xen_version, XL_PATCHED_TAG) )
        snprintf(buf, len, "unpatched hypervisor: the booted Xen %s is not "
                 "xenlevel's (no XEN_SYSCTL_set_cpu_policy); %s is installed "
                 "but was not booted (GRUB's default changed, e.g. by a "
                 "Debian Xen update): boot it (see xenlevel(8), HYPERVISOR)",
                 xen_version, XL_PATCHED_XEN);
    else
        snprintf(buf, len, "unpatched hypervisor: this Xen %s cannot take "
                 "default CPU policies (no XEN_SYSCTL_set_cpu_policy): boot "
                 "a hypervisor built with the xenlevel patch series "
                 "(xen-patches/VERSION/series; package xen-hypervisor-4.17-xenlevel-"
                 "amd64, %s); nothing was changed", xen_version,
                 XL_PATCHED_XEN);
}

/* List running guests whose policy is above the new defaults. */
static void report_guests(const struct xl_edge *e, const struct xl_host *h,
                          const struct xl_apply_result *res)
{
    struct xl_domain doms[256];
    unsigned int nr = 256, i;
    struct xl_policy *p = malloc(sizeof(*p));
    int rc;

    if ( !p )
        return;
    rc = e->list_domains(e->ctx, doms, &nr);
    if ( rc == -ENOBUFS )
        log_warnx("more than %u domains: checking the first %u only", nr, nr);
    else if ( rc )
        nr = 0;
    for ( i = 0; i < nr; i++ )
    {
        struct xl_fs cur, want, above;
        char names[1024];
        FILE *f;

        if ( e->domain_policy(e->ctx, doms[i].domid, p) )
            continue;
        if ( doms[i].hvm && !res->hvm )
            continue;
        xl_policy_to_fs(p, &cur);
        xl_policy_to_fs(doms[i].hvm ? &res->hvm_new : &res->pv_new, &want);
        xl_fs_minus(&above, &cur, &want);
        /*
         * AMD: Xen mirrors a domain's leaf 1 edx common bits into its
         * 0x80000001 edx, which the default policies never carry.
         */
        if ( !strcmp(h->rep.vendor, "AuthenticAMD") ||
             !strcmp(h->rep.vendor, "HygonGenuine") )
            above.w[2] &= ~(want.w[0] & (uint32_t)CPUID_COMMON_1D_FEATURES);
        if ( xl_fs_empty(&above) )
            continue;
        f = fmemopen(names, sizeof(names), "w");
        if ( !f )
            continue;
        xl_fs_print_names(f, &above);
        fclose(f);
        log_warnx("domain %u (%s) keeps its policy, above the new level "
                  "(%s); it becomes migratable within the new level after "
                  "its next restart", doms[i].domid,
                  doms[i].hvm ? "hvm" : "pv", names);
    }
    free(p);
}

/*
 * A forced apply leaves a floor: the highest generation it went back from
 * (the persisted level's, the site level's), so that the next boot does
 * not undo it with a site level that is not newer than that.
 */
static int write_floor(const struct xl_run *run, uint64_t persisted,
                       const struct xl_level *l, struct xl_err *err)
{
    const struct xl_config *cfg = run->cfg;
    struct xl_parse_opts po = xl_config_parse_opts(cfg);
    uint64_t floor = xl_source_floor(cfg, NULL);
    char path[4200], buf[64], sbuf[4200];
    struct xl_run here = *run;
    const char *site;
    struct xl_level *sl = malloc(sizeof(*sl));

    here.root = NULL;           /* the floor of a running host */
    site = xl_site_level_path(&here, sbuf, sizeof(sbuf));
    if ( persisted > floor )
        floor = persisted;
    if ( sl && site && !xl_level_load(site, &po, sl, NULL) &&
         sl->generation > floor )
        floor = sl->generation;
    free(sl);
    if ( floor <= l->generation )
        return 0;
    xl_state_path(cfg->persist, "forced", path, sizeof(path));
    xl_floor_format(floor, buf, sizeof(buf));
    log_info("forced back to generation %" PRIu64 ": site levels up to "
             "generation %" PRIu64 " will not replace it at boot (%s)",
             l->generation, floor, path);
    return xl_write_state(path, buf, strlen(buf), 0644, run->owner, err);
}

/* xenstore's status for a refused publication: state=refused, the level. */
static void record_refused_xs(const struct xl_run *run,
                              const struct xl_apply_req *rq,
                              const struct xl_level *l, const char *cause,
                              const char *reason, int rc)
{
    struct xl_status st;

    xl_status_make(&st, rq->stage, "refused", cause, l, rq->source, reason,
                   rc);
    xl_run_record_xs(run, &st);
}

/*
 * An apply refused before Xen's defaults changed (the level cannot be
 * honoured or enforced, Xen refused or denied the set, Xen could not be
 * read).  At boot, or when no status record exists yet, the record says
 * unlevelled, which is then the host's state.  On a running host the record
 * already describes this boot's defaults, which the refusal left as they
 * were (levelled by an earlier apply, or not): it is kept, so that
 * `xenlevel status` and the gate never call a levelled host unlevelled
 * because a later level was refused.  The refusal itself is reported by the
 * exit code, the log and, except at boot, xenstore's status (state=refused
 * with the refused level).
 */
static void record_refusal(const struct xl_run *run,
                           const struct xl_apply_req *rq,
                           const struct xl_level *l, const char *cause,
                           const char *reason, int rc)
{
    struct xl_status st, prev;
    struct xl_err err = { .line = 0 };

    if ( rq->dry )
        return;
    if ( rq->boot || xl_run_read_record(run->cfg->status, &prev, &err) )
    {
        xl_status_make(&st, rq->stage, "unlevelled", cause, l, rq->source,
                       reason, rc);
        xl_run_record(run, &st);
    }
    else
        log_debug("status record kept: the host is still %s%s%s (level %s "
                  "generation %" PRIu64 ")", prev.state,
                  *prev.cause ? ", " : "", prev.cause,
                  *prev.level ? prev.level : "none", prev.generation);
    if ( !rq->boot )
        record_refused_xs(run, rq, l, cause, reason, rc);
}

int xl_run_apply(const struct xl_run *run, const struct xl_level *l,
                 const struct xl_apply_req *rq)
{
    const struct xl_config *cfg = run->cfg;
    struct xl_apply_result *res = NULL;
    struct xl_apply_ops ops;
    struct xl_host *h = NULL;
    struct xl_err err = { .line = 0 };
    struct xl_fail fail;
    struct xl_status st;
    char lockpath[4200], buf[1024];
    uint64_t persisted = 0, t = xl_run_now_us(), t0;
    struct xl_run_times dummy;
    struct xl_run_times *tm = rq->times ? rq->times : &dummy;
    int rc, prc, lockfd = -1;
    char *diff = NULL;
    size_t difflen = 0;
    FILE *out = stdout;

#define LAP(field) (t0 = t, t = xl_run_now_us(), tm->field = t - t0)
    memset(tm, 0, sizeof(*tm));
    if ( !rq->dry )
    {
        xl_state_path(cfg->status, "lock", lockpath, sizeof(lockpath));
        if ( xl_lock_owner(lockpath, run->owner, &lockfd, &err) )
        {
            log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
            return XL_EXIT_ERROR;
        }
    }
    if ( !rq->dry && !rq->boot && !rq->chosen )
    {
        if ( xl_generation_check_cached(l, cfg->persist, rq->force,
                                        run->persisted, &persisted, &err) )
        {
            xl_err_str(&err, buf, sizeof(buf));
            log_warnx("%s", buf);
            rc = XL_EXIT_STALE;
            /* The status record is left alone: Xen was not touched. */
            record_refused_xs(run, rq, l, XL_CAUSE_STALE, buf, rc);
            goto out;
        }
    }
    h = calloc(1, sizeof(*h));
    res = calloc(1, sizeof(*res));
    if ( !h || !res )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }
    LAP(lock);
    rc = xl_run_load_host(run, NULL, h, &fail);
    LAP(host);
    if ( rc )
    {
        log_warnx("%s", xl_err_str(&fail.err, buf, sizeof(buf)));
        rc = fail.at == XL_AT_INPUT ? XL_EXIT_INPUT :
             fail.at == XL_AT_INTERNAL ? XL_EXIT_ERROR : XL_EXIT_XEN;
        record_refusal(run, rq, l, XL_CAUSE_XEN,
                       "cannot read this host from Xen", rc);
        goto out;
    }
    if ( !rq->dry )
        run->edge->apply_ops(run->edge->ctx, &ops);
    /* --json: the dry run's diff goes into the object. */
    if ( rq->json && !(out = open_memstream(&diff, &difflen)) )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }
    rc = xl_apply(cfg, l, h, rq->dry ? NULL : &ops, out, res);
    if ( out != stdout )
        fclose(out);
    LAP(set);
    if ( rc )
    {
        if ( rc == XL_EXIT_NOSYSCTL )
            unpatched_reason(run->root, h->rep.xen_version, res->reason,
                             sizeof(res->reason));
        if ( rc == XL_EXIT_READBACK )
            /* Changed, not levelled: not persisted, so the next boot
             * applies the previously persisted level. */
            log_warnx("level %s generation %" PRIu64 " (%s) installed but "
                      "NOT verified, not persisted: %s", l->name,
                      l->generation, rq->source, res->reason);
        else
            log_warnx("level %s generation %" PRIu64 " (%s) not applied: %s",
                      l->name, l->generation, rq->source, res->reason);
        if ( rc == XL_EXIT_READBACK )
        {
            /* Xen's defaults changed: the host is not levelled now. */
            xl_status_make(&st, rq->stage, "unlevelled", exit_cause(rc), l,
                           rq->source, res->reason, rc);
            if ( !rq->dry )
            {
                xl_run_record(run, &st);
                if ( !rq->boot )
                    xl_run_record_xs(run, &st);
            }
        }
        else
            record_refusal(run, rq, l, exit_cause(rc), res->reason, rc);
        goto out;
    }
    if ( rq->dry )
        goto out;
    /*
     * The critical path ends here: the defaults are set and read back, and
     * the level is persisted for the next boot.  What follows only reports
     * (running guests above the level, the status record, the xenstore
     * status), so it is timed apart (tm->levelled).
     */
    xl_status_make(&st, rq->stage, "levelled", rq->cause ? rq->cause : "",
                   l, rq->source, rq->reason ? rq->reason : "", 0);
    prc = rq->persist ?
          xl_persist_level_cached(l, cfg->persist, run->owner,
                                  run->persisted, &err) : 0;
    if ( !prc && rq->persist && rq->force )
        prc = write_floor(run, persisted, l, &err);
    if ( prc == XL_WRITE_UNSYNCED )
    {
        /* Written; only its durability across a crash is unknown. */
        log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
        prc = 0;
    }
    LAP(persist);
    if ( !prc )
        tm->levelled = t;
    log_info("levelled: level %s generation %" PRIu64 " (%s) installed as "
             "Xen's PV%s default policy", l->name, l->generation, rq->source,
             res->hvm ? " and HVM" : "");
    if ( prc )
    {
        xl_err_str(&err, buf, sizeof(buf));
        log_warnx("level installed in Xen but NOT persisted: the next boot "
                  "applies the previous level: %s", buf);
        rc = XL_EXIT_NOT_PERSISTED;
        XL_STATUS_SET(&st, cause, "%s", XL_CAUSE_NOT_PERSISTED);
        XL_STATUS_SET(&st, reason, "installed in Xen but not persisted: %s",
                      buf);
        st.exit_code = rc;
    }
    report_guests(run->edge, h, res);
    LAP(guests);
    xl_run_record(run, &st);
    LAP(record);
    if ( !rq->boot )
        xl_run_record_xs(run, &st);
    LAP(record_xs);
 out:
#undef LAP
    if ( rq->json )
        xl_json_apply(stdout, l, rq->source, rq->dry, h, res,
                      rq->dry ? diff : NULL, rc);
    free(diff);
    free(h);
    free(res);
    xl_unlock(lockfd);
    return rc;
}

/*
 * xenlevel reset: restore Xen's boot-time default policies
 * (XEN_SYSCTL_CPU_POLICY_RESET).  A persisted level would be applied again
 * at the next boot and is the floor of the generation rule: reset refuses
 * while one exists, unless force, which then sets it aside as
 * PERSIST.reset (kept for the administrator, never read by xenlevel), so
 * that the next boot does not re-apply it.  The status record says
 * unlevelled.
 */
int xl_run_reset(const struct xl_run *run, bool dry, bool force, FILE *out)
{
    const struct xl_config *cfg = run->cfg;
    struct xl_parse_opts po = xl_config_parse_opts(cfg);
    struct xl_err err = { .line = 0 };
    struct xl_set_err se;
    struct xl_fail fail;
    struct xl_host *h = NULL;
    struct xl_level pl;
    struct xl_host_report now;
    char lockpath[4200], aside[4200], buf[1024], *text = NULL;
    bool persisted = false;
    size_t len;
    int rc, lockfd = -1;

    if ( !dry )
    {
        xl_state_path(cfg->status, "lock", lockpath, sizeof(lockpath));
        if ( xl_lock_owner(lockpath, run->owner, &lockfd, &err) )
        {
            log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
            return XL_EXIT_ERROR;
        }
    }

    /* The generation rule: a persisted level holds the host. */
    if ( xl_read_file(cfg->persist, &text, &len, &err) == 0 )
    {
        persisted = xl_level_parse(cfg->persist, text, &po, &pl, &err) == 0;
        if ( !persisted )
            snprintf(pl.name, sizeof(pl.name), "(unparsable)");
        persisted = true;
        free(text);
    }
    /* --dry-run reports it, as apply --dry-run skips the rule. */
    if ( persisted && !force && !dry )
    {
        log_warnx("reset: level %s generation %" PRIu64 " is persisted at %s:"
                  " the next boot would apply it again, and newer levels are "
                  "still held to it; use --force to reset and set it aside",
                  pl.name, pl.generation, cfg->persist);
        rc = XL_EXIT_STALE;
        goto out;
    }

    h = calloc(1, sizeof(*h));
    if ( !h )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }
    if ( xl_run_load_host(run, NULL, h, &fail) )
    {
        log_warnx("%s", xl_err_str(&fail.err, buf, sizeof(buf)));
        rc = fail.at == XL_AT_INPUT ? XL_EXIT_INPUT :
             fail.at == XL_AT_INTERNAL ? XL_EXIT_ERROR : XL_EXIT_XEN;
        goto out;
    }

    if ( dry )
    {
        static const char *const kinds[2] = { "pv", "hvm" };
        bool known;
        int k;

        /* now: the current defaults; h->rep: the boot-time ones. */
        now = h->rep;
        xl_state_path(cfg->status, "native-defaults", aside, sizeof(aside));
        known = access(aside, R_OK) == 0;
        xl_run_native_defaults(run, h, true);
        fprintf(out, "reset: would restore Xen's boot-time PV%s default "
                "policies\n", h->rep.has_hvm ? " and HVM" : "");
        for ( k = 0; k < (h->rep.has_hvm ? 2 : 1); k++ )
        {
            const struct xl_fs *cur = k ? &now.hvm_def : &now.pv_def;
            const struct xl_fs *boot = k ? &h->rep.hvm_def : &h->rep.pv_def;
            struct xl_fs gain, lose;

            xl_fs_minus(&gain, boot, cur);
            xl_fs_minus(&lose, cur, boot);
            fprintf(out, "%s_default:", kinds[k]);
            if ( xl_fs_empty(&gain) && xl_fs_empty(&lose) )
                fprintf(out, known ? " (no change)\n"
                                   : " (no record of the boot-time defaults "
                                     "this boot: difference unknown)\n");
            else
            {
                if ( !xl_fs_empty(&gain) )
                {
                    fprintf(out, " +");
                    xl_fs_print_names(out, &gain);
                }
                if ( !xl_fs_empty(&lose) )
                {
                    fprintf(out, " -");
                    xl_fs_print_names(out, &lose);
                }
                fprintf(out, "\n");
            }
        }
        if ( persisted )
            fprintf(out, "persisted level %s generation %" PRIu64
                    " at %s: %s\n", pl.name, pl.generation, cfg->persist,
                    force ? "would be set aside as PERSIST.reset"
                          : "reset would refuse (exit 10) without --force");
        rc = XL_EXIT_OK;
        goto out;
    }

    rc = run->edge->reset_defaults(run->edge->ctx, &se);
    if ( rc )
    {
        rc = xl_set_error(rc, &se, false, "reset", buf, sizeof(buf));
        log_warnx("reset: %s", buf);
        goto out;
    }
    if ( persisted )
    {
        snprintf(aside, sizeof(aside), "%s.reset", cfg->persist);
        if ( rename(cfg->persist, aside) )
            log_warnx("reset: defaults restored, but the persisted level %s "
                      "could not be set aside (%s): the next boot applies it",
                      cfg->persist, strerror(errno));
        else
            log_info("reset: persisted level %s generation %" PRIu64
                     " set aside as %s", pl.name, pl.generation, aside);
    }
    log_info("reset: Xen's boot-time default policies restored");
    {
        struct xl_status st;

        xl_status_make(&st, "reset", "unlevelled", XL_CAUSE_RESET, NULL,
                       "xenlevel reset",
                       "boot-time default policies restored by xenlevel "
                       "reset", XL_EXIT_OK);
        xl_run_record(run, &st);
        xl_run_record_xs(run, &st);
    }
    rc = XL_EXIT_OK;
 out:
    free(h);
    xl_unlock(lockfd);
    return rc;
}
