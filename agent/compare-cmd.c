/*
 * compare-cmd.c - `xenlevel compare`: the migration pre-check's command
 * line.  The comparison itself is pure (compare.c); this file reads the
 * sides: level files, host reports, and running domains through the Xen
 * edge (xen.c) and their names from xenstore (xs.c).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "compare.h"
#include "compare-cmd.h"
#include "json.h"
#include "log.h"
#include "policy.h"
#include "xen.h"
#include "xs.h"

#define MAX_DOMS 1024

static int usage(const char *msg, const char *arg)
{
    log_warnx("compare: %s%s%s (see xenlevel --help)", msg,
              arg ? ": " : "", arg ? arg : "");
    return XL_EXIT_USAGE;
}

static int input_error(const struct xl_err *err)
{
    char buf[1024];

    log_warnx("%s", xl_err_str(err, buf, sizeof(buf)));
    return XL_EXIT_INPUT;
}

/* A domain reference: all decimal digits is a domid, else a name. */
static bool parse_domid(const char *s, uint32_t *domid)
{
    char *end;
    unsigned long v;

    if ( !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5 )
        return false;
    v = strtoul(s, &end, 10);
    *domid = (uint32_t)v;
    return v < 0x7ff0;
}

struct dom {
    struct xl_domain d;
    char name[XL_NAME_MAX];
};

/* Running domains (dom0 excluded), with their names when xenstore has them. */
static int list_doms(struct xl_xen *x, struct dom *doms, unsigned int *nr)
{
    struct xl_domain *d = calloc(MAX_DOMS, sizeof(*d));
    unsigned int n = MAX_DOMS, i;
    struct xl_xs *xs = NULL;
    int rc;

    if ( !d )
        return -ENOMEM;
    rc = xl_xen_list_domains(x, d, &n);
    if ( rc == -ENOBUFS )
    {
        log_warnx("more than %u domains: comparing the first %u only", n, n);
        rc = 0;
    }
    if ( rc )
        goto out;
    if ( xl_xs_open(&xs) )
        xs = NULL;
    for ( i = 0; i < n; i++ )
    {
        doms[i].d = d[i];
        doms[i].name[0] = '\0';
        if ( xs )
            xl_xs_domain_name(xs, d[i].domid, doms[i].name,
                              sizeof(doms[i].name));
    }
    *nr = n;
    if ( xs )
        xl_xs_close(xs);
 out:
    free(d);
    return rc;
}

int xl_cmd_compare(const struct xl_config *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        { "domain", required_argument, NULL, 'd' },
        { "all-domains", no_argument, NULL, 'a' },
        { "level", required_argument, NULL, 'l' },
        { "to-host", required_argument, NULL, 'H' },
        { "to-level", required_argument, NULL, 'L' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_parse_opts po = xl_config_parse_opts(cfg);
    struct xl_err err = { .line = 0 };
    const char *domref = NULL, *src_level = NULL, *to_host = NULL,
               *to_level = NULL;
    bool all = false;
    struct xl_host_report *rep = NULL;
    struct xl_level *sl = NULL, *tl = NULL;
    struct xl_cmp_side src = { .kind = "level" }, tgt = { .kind = "host" };
    struct xl_cmp *res = NULL;
    struct xl_cmp_side *srcs = NULL;
    struct xl_policy *pol = NULL;
    struct dom *doms = NULL;
    struct xl_xen *x = NULL;
    unsigned int nres = 0, ndoms = 0, i;
    int c, rc;

    while ( (c = getopt_long(argc, argv, "d:al:H:L:", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'd': domref = optarg; break;
        case 'a': all = true; break;
        case 'l': src_level = optarg; break;
        case 'H': to_host = optarg; break;
        case 'L': to_level = optarg; break;
        default: return XL_EXIT_USAGE;
        }
    if ( optind != argc )
        return usage("unexpected argument", argv[optind]);
    if ( !!domref + all + !!src_level != 1 )
        return usage("give one source: --domain, --all-domains or --level",
                     NULL);
    if ( !!to_host + !!to_level != 1 )
        return usage("give one target: --to-host or --to-level", NULL);

    rep = calloc(1, sizeof(*rep));
    sl = calloc(1, sizeof(*sl));
    tl = calloc(1, sizeof(*tl));
    res = calloc(2 * MAX_DOMS, sizeof(*res));
    srcs = calloc(2 * MAX_DOMS, sizeof(*srcs));
    if ( !rep || !sl || !tl || !res || !srcs )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }

    /* The target. */
    if ( to_host )
    {
        if ( xl_report_load(to_host, &po, rep, &err) )
        {
            rc = input_error(&err);
            goto out;
        }
        snprintf(tgt.name, sizeof(tgt.name), "%s", rep->name);
        snprintf(tgt.vendor, sizeof(tgt.vendor), "%s", rep->vendor);
        tgt.file = to_host;
    }
    else
    {
        if ( xl_level_load(to_level, &po, tl, &err) )
        {
            rc = input_error(&err);
            goto out;
        }
        tgt.kind = "level";
        snprintf(tgt.name, sizeof(tgt.name), "%s", tl->name);
        snprintf(tgt.vendor, sizeof(tgt.vendor), "%s", tl->vendor);
        tgt.generation = tl->generation;
        tgt.file = to_level;
    }

    /* The source(s). */
    if ( src_level )
    {
        if ( xl_level_load(src_level, &po, sl, &err) )
        {
            rc = input_error(&err);
            goto out;
        }
        snprintf(src.name, sizeof(src.name), "%s", sl->name);
        snprintf(src.vendor, sizeof(src.vendor), "%s", sl->vendor);
        src.generation = sl->generation;
        src.file = src_level;
        nres = xl_compare_level(sl, to_host ? rep : NULL, tl, res);
        for ( i = 0; i < nres; i++ )
            srcs[i] = src;
    }
    else
    {
        uint32_t want = 0;
        bool by_id = domref && parse_domid(domref, &want);
        bool found = false;

        doms = calloc(MAX_DOMS, sizeof(*doms));
        pol = malloc(sizeof(*pol));
        if ( !doms || !pol )
        {
            rc = XL_EXIT_ERROR;
            goto out;
        }
        rc = xl_xen_open(&x);
        if ( rc )
        {
            log_warnx("cannot open Xen (%s): run in dom0 with xen-privcmd "
                      "loaded and /proc/xen mounted", strerror(-rc));
            rc = XL_EXIT_XEN;
            goto out;
        }
        rc = list_doms(x, doms, &ndoms);
        if ( rc )
        {
            log_warnx("cannot list the domains: %s", strerror(-rc));
            rc = XL_EXIT_XEN;
            goto out;
        }
        for ( i = 0; i < ndoms; i++ )
        {
            const struct dom *d = &doms[i];
            struct xl_cmp_side *s = &srcs[nres];
            struct xl_fs fs;
            const struct xl_fs *tfs;
            unsigned int fam, mod, step;
            char vendor[13];

            if ( domref && (by_id ? d->d.domid != want
                                  : strcmp(d->name, domref)) )
                continue;
            found = true;
            if ( xl_xen_domain_policy(x, d->d.domid, pol) )
            {
                log_warnx("domain %" PRIu32 " (%s): cannot read its CPU "
                          "policy", d->d.domid, d->name);
                rc = XL_EXIT_XEN;
                goto out;
            }
            xl_policy_to_fs(pol, &fs);
            xl_policy_identity(pol, vendor, &fam, &mod, &step);
            s->kind = "domain";
            s->domid = d->d.domid;
            snprintf(s->name, sizeof(s->name), "%s", d->name);
            snprintf(s->vendor, sizeof(s->vendor), "%s", vendor);
            if ( to_host )
                tfs = d->d.hvm ? (rep->has_hvm ? &rep->hvm_max : NULL)
                               : &rep->pv_max;
            else
                tfs = d->d.hvm ? (tl->has_hvm ? &tl->hvm : NULL) : &tl->pv;
            xl_compare_fs(d->d.hvm ? "hvm" : "pv", vendor, &fs, tgt.vendor,
                          tfs, &res[nres]);
            if ( to_level )
                xl_compare_drop_topology(&res[nres]);
            nres++;
        }
        if ( domref && !found )
        {
            log_warnx("compare: no running domain %s", domref);
            rc = XL_EXIT_INPUT;
            goto out;
        }
    }

    rc = xl_compare_exit(res, nres);
    if ( xl_json_mode )
    {
        xl_json_begin(stdout, "compare");
        xl_compare_json_side(stdout, "target", &tgt);
        printf(",\"fits\":%s,\"results\":[", rc ? "false" : "true");
        for ( i = 0; i < nres; i++ )
        {
            if ( i )
                putchar(',');
            xl_compare_json(stdout, &srcs[i], &res[i]);
        }
        putchar(']');
        xl_json_end(stdout, rc);
    }
    else
    {
        for ( i = 0; i < nres; i++ )
            xl_compare_print(stdout, &srcs[i], &tgt, &res[i]);
        if ( !nres )
            printf("no running domains to compare\n");
    }
 out:
    if ( x )
        xl_xen_close(x);
    free(rep);
    free(sl);
    free(tl);
    free(res);
    free(srcs);
    free(pol);
    free(doms);
    return rc;
}
