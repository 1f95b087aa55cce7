/*
 * xenlevel.c - command line: argument parsing, dispatch, exit codes.
 * See xenlevel(8).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "apply.h"
#include "check.h"
#include "compare-cmd.h"
#include "config.h"
#include "host.h"
#include "inifile.h"
#include "json.h"
#include "level.h"
#include "log.h"
#include "run.h"
#include "source.h"
#include "state.h"
#include "store.h"
#include "xs.h"

#define XENLEVEL_VERSION "0.1"

static const char usage_text[] =
"Usage: xenlevel [GLOBAL OPTIONS] COMMAND [ARGS]\n"
"\n"
"Level the CPUID features Xen offers to new guests across a pool.\n"
"\n"
"Commands:\n"
"  report [--name NAME] [-o FILE] [--json]\n"
"        Print this host's facts as an INI host report (--json: as JSON on\n"
"        stdout; -o FILE still gets the INI report).\n"
"  compute [-o FILE] [--name NAME] [--generation N] REPORT...\n"
"        Compute the pool level from host reports (site-config masks apply).\n"
"  define --name NAME --vendor VENDOR [--generation N] [--no-hvm]\n"
"         [-o FILE] FEATURE...\n"
"        Write a level file holding exactly the named features (and none\n"
"        whose dependencies are missing), e.g. a psABI baseline.\n"
"  check LEVEL [--json]\n"
"        Say whether this host can honour and enforce LEVEL; change nothing.\n"
"  apply [LEVEL] [--level LEVEL] [--dry-run] [--force] [--json]\n"
"        Install LEVEL (default: the site config's sources) as Xen's PV and\n"
"        HVM default CPU policies and persist it; --dry-run prints the diff\n"
"        instead; --force accepts a level older than the persisted one.\n"
"  apply --from-xenstore [--dry-run] [--force]\n"
"        Install the level published at the site config's xenstore path.\n"
"  apply --boot [--root DIR] [--level LEVEL]\n"
"        The dracut hook's call: pick the site config and level with the\n"
"        real root at DIR, install, write the status and boot records.\n"
"  sync\n"
"        After switch_root (xenlevel-sync.service): apply the level the\n"
"        boot rule picks when the initramfs applied another one.\n"
"  publish LEVEL\n"
"        Write LEVEL into the local xenstore (dom0-only node) for watchers.\n"
"  watch\n"
"        Service: apply each level published in xenstore (xenlevel.service).\n"
"  status [--json]\n"
"        Show Xen's current default policies against the active level,\n"
"        the boot record and the status record; exit 12 if not levelled.\n"
"  gate [--hold-autostart] [--levelled]\n"
"        Exit 11 when this host is not levelled and the site config says\n"
"        unlevelled_guests = hold (xenlevel-gate.service, xendomains).\n"
"  record --state STATE [--stage S] [--cause C] [--reason TEXT]\n"
"         [--level FILE] [--exit N]\n"
"        Write the status record (the dracut hook's outcomes).\n"
"  compare (--domain DOMID|NAME | --all-domains | --level LEVEL)\n"
"          (--to-host REPORT | --to-level LEVEL) [--json]\n"
"        Migration pre-check: does a running domain's CPU policy, or a\n"
"        level, fit a target host's max policy or another level?  Names\n"
"        the features the target lacks (exit 4; 6 another vendor).\n"
"  reset [--dry-run] [--force]\n"
"        Restore Xen's boot-time default policies.  Refused (exit 10) while\n"
"        a level is persisted for the next boot, unless --force, which also\n"
"        sets the persisted level aside (PERSIST.reset).\n"
"\n"
"Global options:\n"
"  -c, --config FILE      site config (default " XL_DEFAULT_CONFIG " if present)\n"
"  -H, --host-report FILE use a captured host report instead of Xen\n"
"                         (check, apply --dry-run, status)\n"
"  -v, --verbose          debug logging\n"
"  -q, --quiet            errors only\n"
"  -h, --help             this help\n"
"  -V, --version          print the version\n"
"\n"
"Exit codes:\n"
"  0 success (check: the level can be honoured and enforced;\n"
"    compare: the source fits the target)\n"
"  1 internal error             2 usage error\n"
"  3 bad input: missing or unreadable file, syntax, unknown or duplicate\n"
"    key, bad value (the message names file:line and key)\n"
"  4 cannot honour: the host lacks features of the level; compare:\n"
"    the target lacks features of the source\n"
"  5 cannot enforce: PV leaves differ and Xen has neither CPUID faulting\n"
"    nor the masking MSR for them\n"
"  6 vendor mismatch (also compare)\n"
"  7 Xen unreachable, or Xen refused the policy (the message names the\n"
"    policy and the leaf/subleaf or MSR), or xl's lock stayed busy\n"
"  8 this Xen has no XEN_SYSCTL_set_cpu_policy (unpatched hypervisor)\n"
"  9 xenstore: unreachable, untrusted node (another domain can write it)\n"
"    or oversized value (the message names the path)\n"
"  10 the level is older than the persisted one (generation rule); reset:\n"
"     a level is persisted (use --force)\n"
"  11 gate: guests held back on an unlevelled host\n"
"  12 status, sync: the host is not levelled\n"
"  13 boot, sync: no level at all (none persisted, no site level)\n"
"  14 installed in Xen but not persisted (the next boot applies the\n"
"     previous level)\n"
"  15 Xen denied the sysctl: XSM/Flask (a policy without\n"
"     xen2:set_cpu_policy; a Flask Xen without the patch series) or a\n"
"     sysctl interface version mismatch\n"
"  16 this Xen cannot take an HVM default policy (no HVM support)\n"
"  17 Xen's defaults were changed but read back other than the level\n"
"     (the host runs neither its previous defaults nor the level; not\n"
"     persisted)\n"
"  18 boot, sync: the persisted level is damaged and no site level above\n"
"     the floor of the last apply --force may replace it (not levelled)\n"
"With --json, stdout holds one JSON object whose \"exit\", \"result\" and\n"
"\"meaning\" members repeat the exit code (see xenlevel(8), JSON OUTPUT).\n"
"\n"
"See xenlevel(8) and xenlevel.conf(5).\n";

/* libvirt's libxl driver skips autostart when this file exists. */
#define XL_LIBVIRT_AUTOSTARTED "/run/libvirt/libxl/autostarted"

struct globals {
    const char *config;
    const char *root;           /* apply --boot --root: the real root */
    const char *host_report;
    struct xl_config cfg;
    bool current_defaults;      /* status: the defaults as they are now */
    struct xl_host_edge he;     /* Xen and xenstore, opened when needed */
    struct xl_edge edge;
    const struct xl_host *host; /* watch: this host, read at start-up */
    struct xl_persist_cache *persisted; /* watch: the persisted level */
};

/* What the orchestration (run.c, source.c) needs of the command line. */
static struct xl_run run_of(const struct globals *g)
{
    struct xl_run r = {
        .cfg = &g->cfg,
        .root = g->root,
        .host_report = g->host_report,
        .current_defaults = g->current_defaults,
        .owner = XL_STATE_OWNER,
        .edge = &g->edge,
        .host = g->host,
        .persisted = g->persisted,
    };

    return r;
}

static int usage_error(const char *fmt, const char *arg)
{
    char msg[256];

    snprintf(msg, sizeof(msg), fmt, arg);
    log_warnx("%s (see xenlevel --help)", msg);
    return XL_EXIT_USAGE;
}

static int input_error(const struct xl_err *err)
{
    char buf[1024];

    log_warnx("%s", xl_err_str(err, buf, sizeof(buf)));
    return XL_EXIT_INPUT;
}

/* A failed step of the orchestration: its message, and the exit code. */
static int fail_exit(const struct xl_fail *f)
{
    char buf[1024];

    log_warnx("%s", xl_err_str(&f->err, buf, sizeof(buf)));
    switch ( f->at )
    {
    case XL_AT_INPUT: return XL_EXIT_INPUT;
    case XL_AT_XEN: return XL_EXIT_XEN;
    case XL_AT_XS: return XL_EXIT_XS;
    case XL_AT_NO_LEVEL: return XL_EXIT_NO_LEVEL;
    case XL_AT_PERSIST_DAMAGED: return XL_EXIT_PERSIST_DAMAGED;
    default: return XL_EXIT_ERROR;
    }
}

/* --generation: the level files' rule (xl_generation_parse). */
static bool parse_generation(const char *arg, unsigned long long *gen)
{
    uint64_t v;

    if ( xl_generation_parse(arg, &v) )
        return false;
    *gen = v;
    return true;
}

/* Load this host: from Xen, or from --host-report. */
static int load_host(struct globals *g, const char *name, struct xl_host *h)
{
    struct xl_run run = run_of(g);
    struct xl_fail fail;

    if ( xl_run_load_host(&run, name, h, &fail) )
        return fail_exit(&fail);
    return XL_EXIT_OK;
}

static int write_output(const char *path, char *data, size_t len)
{
    struct xl_err err = { .line = 0 };
    char buf[1024];

    if ( !path || !strcmp(path, "-") )
    {
        fwrite(data, 1, len, stdout);
        return fflush(stdout) ? XL_EXIT_ERROR : XL_EXIT_OK;
    }
    if ( xl_write_atomic(path, data, len, 0644, &err) )
    {
        log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
        return XL_EXIT_ERROR;
    }
    return XL_EXIT_OK;
}

static int cmd_report(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'n' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    const char *name = NULL, *output = NULL;
    struct xl_host *h;
    char *data = NULL;
    size_t len = 0;
    FILE *f;
    int c, rc;

    while ( (c = getopt_long(argc, argv, "n:o:", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'n': name = optarg; break;
        case 'o': output = optarg; break;
        default: return XL_EXIT_USAGE;
        }
    if ( optind != argc )
        return usage_error("report: unexpected argument '%s'", argv[optind]);
    if ( name && !xl_name_valid(name) )
        return usage_error("report: bad --name '%s'", name);
    h = calloc(1, sizeof(*h));
    if ( !h )
        return XL_EXIT_ERROR;
    rc = load_host(g, name, h);
    if ( rc )
        goto out;
    if ( name )
        snprintf(h->rep.name, sizeof(h->rep.name), "%s", name);
    f = open_memstream(&data, &len);
    if ( !f )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }
    xl_report_write(f, &h->rep);
    fclose(f);
    /* --json: the JSON object on stdout; -o FILE still gets the report. */
    rc = xl_json_mode && !output ? XL_EXIT_OK
                                 : write_output(output, data, len);
    if ( xl_json_mode && rc == XL_EXIT_OK )
    {
        xl_json_begin(stdout, "report");
        xl_json_report(stdout, &h->rep);
        xl_json_end(stdout, rc);
    }
 out:
    free(data);
    free(h);
    return rc;
}

static int cmd_compute(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'n' },
        { "generation", required_argument, NULL, 'g' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    const char *name = "pool", *output = NULL;
    unsigned long long gen = 1;
    struct xl_host_report *hosts = NULL;
    struct xl_err err = { .line = 0 };
    struct xl_level l;
    char *data = NULL;
    size_t len = 0;
    int c, i, n, rc;
    FILE *f;

    while ( (c = getopt_long(argc, argv, "n:g:o:", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'n': name = optarg; break;
        case 'o': output = optarg; break;
        case 'g':
            if ( !parse_generation(optarg, &gen) )
                return usage_error("compute: --generation '%s' is not a "
                                   "non-negative integer", optarg);
            break;
        default: return XL_EXIT_USAGE;
        }
    if ( !xl_name_valid(name) )
        return usage_error("compute: bad --name '%s'", name);
    n = argc - optind;
    if ( n <= 0 )
        return usage_error("compute: %s", "no host reports given");
    hosts = calloc((size_t)n, sizeof(*hosts));
    if ( !hosts )
        return XL_EXIT_ERROR;
    for ( i = 0; i < n; i++ )
        if ( xl_report_load(argv[optind + i], &po, &hosts[i], &err) )
        {
            rc = input_error(&err);
            goto out;
        }
    if ( xl_compute(hosts, (unsigned int)n, &g->cfg.mask, &l, &err) )
    {
        rc = input_error(&err);
        goto out;
    }
    snprintf(l.name, sizeof(l.name), "%s", name);
    l.generation = gen;
    f = open_memstream(&data, &len);
    if ( !f )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }
    xl_level_write(f, &l);
    fprintf(f, "\n");
    xl_level_write_hosts(f, hosts, (unsigned int)n);
    if ( g->cfg.mask_text[0] )
        fprintf(f, "; site mask: %s\n", g->cfg.mask_text);
    fclose(f);
    rc = write_output(output, data, len);
 out:
    free(data);
    free(hosts);
    return rc;
}

static int cmd_define(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'n' },
        { "vendor", required_argument, NULL, 'V' },
        { "generation", required_argument, NULL, 'g' },
        { "no-hvm", no_argument, NULL, 'N' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    const char *name = NULL, *vendor = NULL, *output = NULL;
    unsigned long long gen = 1;
    bool hvm = true;
    struct xl_level l;
    char *data = NULL;
    size_t len = 0;
    int c, i, rc;
    FILE *f;

    (void)g;
    while ( (c = getopt_long(argc, argv, "n:V:g:No:", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'n': name = optarg; break;
        case 'V': vendor = optarg; break;
        case 'N': hvm = false; break;
        case 'o': output = optarg; break;
        case 'g':
            if ( !parse_generation(optarg, &gen) )
                return usage_error("define: --generation '%s' is not a "
                                   "non-negative integer", optarg);
            break;
        default: return XL_EXIT_USAGE;
        }
    if ( !xl_name_valid(name) )
        return usage_error("define: %s", "needs a valid --name");
    if ( !vendor || strlen(vendor) != 12 )
        return usage_error("define: --vendor '%s' is not a 12-character "
                           "CPUID vendor string", vendor ? vendor : "");
    if ( optind >= argc )
        return usage_error("define: %s", "no features named");
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "%s", name);
    snprintf(l.vendor, sizeof(l.vendor), "%s", vendor);
    l.generation = gen;
    for ( i = optind; i < argc; i++ )
        if ( xl_fs_lookup(argv[i], &l.pv) )
        {
            log_warnx("define: unknown feature '%s' (names are xen-cpuid's)",
                      argv[i]);
            return XL_EXIT_INPUT;
        }
    /* Only AMD-compatible CPUs mirror leaf 1 edx into 0x80000001 edx. */
    if ( strcmp(vendor, "AuthenticAMD") && strcmp(vendor, "HygonGenuine") )
        l.pv.w[2] &= ~(uint32_t)CPUID_COMMON_1D_FEATURES;
    xl_fs_apply_deep_deps(&l.pv);
    l.hvm = l.pv;
    l.has_hvm = hvm;
    f = open_memstream(&data, &len);
    if ( !f )
        return XL_EXIT_ERROR;
    xl_level_write(f, &l);
    fclose(f);
    rc = write_output(output, data, len);
    free(data);
    return rc;
}

/*
 * Read and parse the level published in xenstore.  Returns 0, an XL_EXIT_*
 * code, or -ENOENT (quietly) when the node does not exist and !must.
 */
static int load_level_xs(struct globals *g, struct xl_level *l, bool must)
{
    struct xl_run run = run_of(g);
    struct xl_fail fail;
    int rc = xl_source_load_xs(&run, l, must, &fail);

    if ( rc == -ENOENT && fail.at == XL_AT_NONE )
        return -ENOENT;
    return rc ? fail_exit(&fail) : 0;
}

/* Find the level: explicit path, else the site config's sources. */
static int load_level(struct globals *g, const char *path, struct xl_level *l,
                      char *used, size_t usedlen)
{
    struct xl_run run = run_of(g);
    struct xl_fail fail;

    if ( xl_source_load(&run, path, l, used, usedlen, &fail) )
        return fail_exit(&fail);
    return 0;
}

static int cmd_check(struct globals *g, int argc, char **argv)
{
    struct xl_host *h = NULL;
    struct xl_check res;
    struct xl_level l;
    enum xl_verdict v;
    char used[4096], reason[1024];
    int rc;

    if ( argc - optind != 1 )
        return usage_error("check: %s", "expects exactly one LEVEL file");
    rc = load_level(g, argv[optind], &l, used, sizeof(used));
    if ( rc )
        return rc;
    h = calloc(1, sizeof(*h));
    if ( !h )
        return XL_EXIT_ERROR;
    rc = load_host(g, NULL, h);
    if ( rc )
        goto out;
    xl_check(&h->rep, &l, &res);
    v = xl_check_verdict(&res, g->cfg.missing_allow, g->cfg.pv_enforce_allow);
    xl_check_reason(&res, v, reason, sizeof(reason));
    if ( xl_json_mode )
    {
        rc = v == XL_VERDICT_OK ? XL_EXIT_OK :
             v == XL_VERDICT_VENDOR ? XL_EXIT_VENDOR :
             v == XL_VERDICT_HONOUR ? XL_EXIT_HONOUR : XL_EXIT_ENFORCE;
        if ( v == XL_VERDICT_VENDOR )
            log_warnx("%s: level is for %s, this host is %s", used, l.vendor,
                      h->rep.vendor);
        else if ( v != XL_VERDICT_OK )
            log_warnx("%s: %s", used, reason);
        xl_json_begin(stdout, "check");
        xl_json_check(stdout, &h->rep, &l, used, &res, v, reason);
        xl_json_end(stdout, rc);
        goto out;
    }
    xl_check_print(stdout, &h->rep, &l, &res);
    switch ( v )
    {
    case XL_VERDICT_OK:
        printf("verdict: ok: this host can honour and enforce level %s\n",
               l.name);
        rc = XL_EXIT_OK;
        break;
    case XL_VERDICT_VENDOR:
        printf("verdict: vendor mismatch\n");
        log_warnx("%s: level is for %s, this host is %s", used, l.vendor,
                  h->rep.vendor);
        rc = XL_EXIT_VENDOR;
        break;
    case XL_VERDICT_HONOUR:
        printf("verdict: %s\n", reason);
        rc = XL_EXIT_HONOUR;
        break;
    case XL_VERDICT_ENFORCE:
        printf("verdict: %s\n", reason);
        rc = XL_EXIT_ENFORCE;
        break;
    }
 out:
    free(h);
    return rc;
}

static void record_status(const struct globals *g, const struct xl_status *st)
{
    struct xl_run run = run_of(g);

    xl_run_record(&run, st);
}

static void record_xs_status(const struct globals *g,
                             const struct xl_status *st)
{
    struct xl_run run = run_of(g);

    xl_run_record_xs(&run, st);
}

/*
 * The boot rule (source.h): 0, or an XL_EXIT_* code with why set.  A
 * damaged persisted level is recorded with the outcome (rq's cause).
 */
static int boot_select(const struct globals *g, struct xl_level *l,
                       char *used, size_t usedlen, char *why, size_t whylen,
                       struct xl_apply_req *rq)
{
    struct xl_run run = run_of(g);
    struct xl_fail fail;
    bool damaged;

    if ( !xl_boot_select(&run, l, used, usedlen, why, whylen, &damaged,
                         &fail) )
    {
        if ( damaged )
        {
            rq->cause = XL_CAUSE_PERSIST_DAMAGED;
            rq->reason = why;
        }
        return 0;
    }
    return fail.at == XL_AT_NO_LEVEL ? XL_EXIT_NO_LEVEL :
           fail.at == XL_AT_PERSIST_DAMAGED ? XL_EXIT_PERSIST_DAMAGED :
           fail.at == XL_AT_INTERNAL ? XL_EXIT_ERROR : XL_EXIT_INPUT;
}

/* The status record's cause when the boot rule found no level. */
static const char *boot_cause(int rc)
{
    return rc == XL_EXIT_NO_LEVEL ? XL_CAUSE_NO_LEVEL :
           rc == XL_EXIT_PERSIST_DAMAGED ? XL_CAUSE_PERSIST_DAMAGED :
           XL_CAUSE_BAD_LEVEL;
}

static int do_apply(const struct globals *g, const struct xl_level *l,
                    const struct xl_apply_req *rq)
{
    struct xl_run run = run_of(g);
    struct xl_apply_req r = *rq;

    r.json = xl_json_mode;
    return xl_run_apply(&run, l, &r);
}

/* apply --boot --root DIR: the real root's site config wins when present. */
static int boot_config(struct globals *g)
{
    struct xl_err err = { .line = 0 };
    char path[4200];

    if ( g->config || !g->root || !*g->root )
        return 0;
    snprintf(path, sizeof(path), "%s%s", g->root, XL_DEFAULT_CONFIG);
    if ( access(path, F_OK) )
        return 0;
    if ( xl_config_load(path, &g->cfg, &err) )
        return input_error(&err);
    log_info("site config: %s (the real root's copy)", path);
    return 0;
}

static int cmd_apply(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "dry-run", no_argument, NULL, 'n' },
        { "boot", no_argument, NULL, 'b' },
        { "force", no_argument, NULL, 'f' },
        { "from-xenstore", no_argument, NULL, 'x' },
        { "level", required_argument, NULL, 'l' },
        { "root", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_apply_req rq = { .persist = true, .stage = "apply" };
    const char *path = NULL;
    bool from_xs = false;
    struct xl_level l;
    struct xl_status st;
    char used[4096], why[2048], rpath[4200];
    int c, rc;

    while ( (c = getopt_long(argc, argv, "nbfxl:r:", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'n': rq.dry = true; break;
        case 'b': rq.boot = true; break;
        case 'f': rq.force = true; break;
        case 'x': from_xs = true; break;
        case 'l': path = optarg; break;
        case 'r': g->root = optarg; break;
        default: return XL_EXIT_USAGE;
        }
    if ( argc - optind > 1 || (path && argc - optind == 1) )
        return usage_error("apply: %s", "expects at most one LEVEL");
    if ( argc - optind == 1 )
        path = argv[optind];
    if ( from_xs && path )
        return usage_error("apply: %s", "--from-xenstore takes no LEVEL");
    if ( g->host_report && !rq.dry )
        return usage_error("apply: %s", "--host-report needs --dry-run");
    if ( g->root && !rq.boot )
        return usage_error("apply: %s", "--root needs --boot");
    if ( rq.boot && (from_xs || rq.force) )
        return usage_error("apply: %s",
                           "--boot takes neither --from-xenstore nor --force");

    if ( rq.boot )
    {
        rq.stage = "initramfs";
        if ( (rc = boot_config(g)) )
            return rc;
        if ( path )
        {
            /* rd.xenlevel.level=: the initramfs's file, else the root's. */
            if ( g->root && access(path, F_OK) )
            {
                snprintf(rpath, sizeof(rpath), "%s%s", g->root, path);
                path = rpath;
            }
            rc = load_level(g, path, &l, used, sizeof(used));
            snprintf(why, sizeof(why), "%.2000s", used);
        }
        else
            rc = boot_select(g, &l, used, sizeof(used), why, sizeof(why),
                             &rq);
        if ( rc )
        {
            xl_status_make(&st, rq.stage, "unlevelled",
                           path ? XL_CAUSE_BAD_LEVEL : boot_cause(rc), NULL,
                           path, path ? "no valid level (see the log)" : why,
                           rc);
            if ( !path )
                log_warnx("%s", why);
            record_status(g, &st);
            return rc;
        }
        log_info("boot: applying %s", why);
        rq.persist = false;     /* the initramfs has nowhere lasting */
    }
    else if ( from_xs )
    {
        rc = load_level_xs(g, &l, true);
        snprintf(used, sizeof(used), "xenstore:%s", g->cfg.xenstore_path);
    }
    else
        rc = load_level(g, path, &l, used, sizeof(used));
    if ( rc )
        return rc;
    rq.source = used;
    /* The persisted file itself needs no second copy. */
    if ( !rq.boot )
        rq.persist = strcmp(used, g->cfg.persist) != 0 || rq.force;
    return do_apply(g, &l, &rq);
}

/* Is rd.xenlevel=0 (or rd.xenlevel=no/off) on the kernel command line? */
static bool cmdline_disabled(void)
{
    char *text = NULL, *tok, *save = NULL;
    struct xl_err err = { .line = 0 };
    bool off = false;
    size_t len;

    if ( xl_read_file("/proc/cmdline", &text, &len, &err) )
        return false;
    for ( tok = strtok_r(text, " \t\n", &save); tok;
          tok = strtok_r(NULL, " \t\n", &save) )
        if ( !strcmp(tok, "rd.xenlevel=0") || !strcmp(tok, "rd.xenlevel=no") ||
             !strcmp(tok, "rd.xenlevel=off") )
            off = true;
    free(text);
    return off;
}

/*
 * sync: after switch_root, the whole root is mounted (a separate /var
 * included).  Apply the level the boot rule picks now when it is not what
 * the initramfs applied (newer persisted level, level changed while the
 * host was down, no xenlevel module in the initramfs).
 */
static int cmd_sync(struct globals *g, int argc, char **argv)
{
    struct xl_apply_req rq = { .stage = "sync", .boot = false, .persist = true };
    struct xl_err err = { .line = 0 };
    struct xl_status boot, st;
    struct xl_level l;
    char path[4200], used[4096], why[2048], buf[1024];
    bool have_boot;
    int rc;

    (void)argv;
    if ( argc - optind != 0 )
        return usage_error("sync: %s", "takes no arguments");
    xl_state_path(g->cfg.status, "boot", path, sizeof(path));
    rc = xl_run_read_record(path, &boot, &err);
    if ( rc && rc != -ENOENT )
        log_warnx("%s (ignored)", xl_err_str(&err, buf, sizeof(buf)));
    have_boot = rc == 0;
    if ( (have_boot && !strcmp(boot.state, "disabled")) ||
         (!have_boot && cmdline_disabled()) )
    {
        log_info("sync: levelling is disabled in this boot (%s)",
                 have_boot ? boot.reason : "rd.xenlevel=0");
        if ( !have_boot )
        {
            xl_status_make(&st, "sync", "disabled", XL_CAUSE_DISABLED,
                           NULL, "", "rd.xenlevel=0", -1);
            record_status(g, &st);
        }
        return XL_EXIT_OK;
    }
    rc = boot_select(g, &l, used, sizeof(used), why, sizeof(why), &rq);
    if ( rc )
    {
        if ( have_boot )
        {
            log_info("sync: %s; keeping the initramfs's outcome (%s)", why,
                     boot.state);
            return !strcmp(boot.state, "levelled") ? XL_EXIT_OK : rc;
        }
        log_warnx("%s", why);
        xl_status_make(&st, "sync", "unlevelled", boot_cause(rc), NULL, "",
                       why, rc);
        record_status(g, &st);
        return rc;
    }
    if ( have_boot && boot.has_generation && !strcmp(boot.level, l.name) &&
         boot.generation == l.generation )
    {
        log_info("sync: the initramfs already took level %s generation %"
                 PRIu64 " (%s): nothing to do", l.name, l.generation,
                 boot.state);
        return !strcmp(boot.state, "levelled") ? XL_EXIT_OK
                                                : XL_EXIT_NOT_LEVELLED;
    }
    log_info("sync: %s; the initramfs took %s", why,
             have_boot ? (*boot.level ? boot.level : boot.state)
                       : "nothing (no boot record)");
    rq.source = used;
    rq.persist = strcmp(used, g->cfg.persist) != 0;
    /* The boot rule has already weighed the persisted generation. */
    rq.chosen = true;
    return do_apply(g, &l, &rq);
}

/*
 * record: write a state record for the dracut hook, which must not format
 * records itself (one writer).
 */
static int cmd_record(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "state", required_argument, NULL, 's' },
        { "stage", required_argument, NULL, 'S' },
        { "cause", required_argument, NULL, 'c' },
        { "reason", required_argument, NULL, 'r' },
        { "level", required_argument, NULL, 'l' },
        { "exit", required_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    const char *state = NULL, *stage = "initramfs", *cause = "";
    const char *reason = "", *lpath = NULL;
    struct xl_level *l = NULL;
    struct xl_status st;
    int c, code = -1;

    while ( (c = getopt_long(argc, argv, "s:S:c:r:l:e:", opts, NULL)) != -1 )
        switch ( c )
        {
        case 's': state = optarg; break;
        case 'S': stage = optarg; break;
        case 'c': cause = optarg; break;
        case 'r': reason = optarg; break;
        case 'l': lpath = optarg; break;
        case 'e': code = atoi(optarg); break;
        default: return XL_EXIT_USAGE;
        }
    if ( argc != optind || !state )
        return usage_error("record: %s", "needs --state and no operands");
    if ( !xl_status_state_valid(state) )
        return usage_error("record: unknown state '%s'", state);
    if ( !xl_status_stage_valid(stage) )
        return usage_error("record: unknown stage '%s'", stage);
    if ( lpath && (l = malloc(sizeof(*l))) &&
         xl_level_load(lpath, &po, l, NULL) )
    {
        free(l);
        l = NULL;
    }
    xl_status_make(&st, stage, state, cause, l, lpath, reason, code);
    free(l);
    record_status(g, &st);
    return XL_EXIT_OK;
}

static int cmd_publish(struct globals *g, int argc, char **argv)
{
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    struct xl_err err = { .line = 0 };
    struct xl_xs *xs = NULL;
    struct xl_level l;
    char *text = NULL, buf[1024];
    size_t len;
    int rc;

    if ( argc - optind != 1 )
        return usage_error("publish: %s", "expects exactly one LEVEL file");
    if ( xl_read_file(argv[optind], &text, &len, &err) ||
         xl_level_parse(argv[optind], text, &po, &l, &err) )
    {
        free(text);
        return input_error(&err);
    }
    rc = xl_xs_open(&xs);
    if ( rc )
    {
        log_warnx("xenstore %s: cannot open xenstore: %s",
                  g->cfg.xenstore_path, strerror(-rc));
        free(text);
        return XL_EXIT_XS;
    }
    rc = xl_xs_publish(xs, g->cfg.xenstore_path, text, &err);
    xl_xs_close(xs);
    free(text);
    if ( rc )
    {
        log_warnx("xenstore %s", xl_err_str(&err, buf, sizeof(buf)));
        return XL_EXIT_XS;
    }
    log_info("published level %s generation %" PRIu64 " at xenstore %s",
             l.name, l.generation, g->cfg.xenstore_path);
    return XL_EXIT_OK;
}

/*
 * Tell systemd (Type=notify) that the watch is registered: a datagram
 * "READY=1" to $NOTIFY_SOCKET (sd_notify(3)), without libsystemd.
 */
static void sd_notify_ready(void)
{
    const char *sock = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    socklen_t salen;
    int fd;

    if ( !sock || (sock[0] != '/' && sock[0] != '@') ||
         strlen(sock) >= sizeof(sa.sun_path) )
        return;
    memcpy(sa.sun_path, sock, strlen(sock));
    if ( sa.sun_path[0] == '@' )
        sa.sun_path[0] = '\0';     /* abstract namespace */
    salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(sock));
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
        return;
    if ( sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa,
                salen) < 0 )
        log_debug("sd_notify: %s", strerror(errno));
    close(fd);
}

/*
 * The watcher.  What does not change in a boot is read once at start-up:
 * the site config (main), this host's facts (version, caps, policies, the
 * native defaults), the Xen and xenstore connections.  Between events it
 * keeps the persisted level's generation, checked by the file's identity
 * (store.h, struct xl_persist_cache).  Per event: read and
 * parse the published level, then xl_run_apply (lock, generation rule,
 * set, read-back, persist with fsync: the critical path; then the running
 * guests' report and the records).  Each event's time from the xenstore
 * event to the level persisted and to the status written is logged with
 * where it went (tests/boot/bench reads it).
 */
static int cmd_watch(struct globals *g, int argc, char **argv)
{
    static struct xl_persist_cache persisted;
    struct xl_xs *xs = NULL;
    struct xl_host *h = NULL;
    char fired[512], used[300];
    int rc;

    (void)argv;
    if ( argc - optind != 0 )
        return usage_error("watch: %s", "takes no arguments");
    /* The persisted level it wrote last: a stat instead of a parse. */
    g->persisted = &persisted;
    rc = xl_xs_open(&xs);
    if ( rc || (rc = xl_xs_watch(xs, g->cfg.xenstore_path)) )
    {
        log_warnx("xenstore %s: cannot watch: %s", g->cfg.xenstore_path,
                  strerror(-rc));
        xl_xs_close(xs);
        return XL_EXIT_XS;
    }
    h = calloc(1, sizeof(*h));
    if ( h && load_host(g, NULL, h) == XL_EXIT_OK )
        g->host = h;
    else
        log_warnx("watch: this host's facts will be read at each event");
    log_info("watching xenstore %s for new levels", g->cfg.xenstore_path);
    sd_notify_ready();
    snprintf(used, sizeof(used), "xenstore:%s", g->cfg.xenstore_path);
    for ( ;; )
    {
        struct xl_run_times tm;
        struct xl_apply_req rq = { .source = used, .persist = true,
                                   .stage = "watch", .times = &tm };
        struct xl_level l;
        uint64_t t0, t1;

        rc = xl_xs_wait(xs, fired, sizeof(fired));
        t0 = xl_run_now_us();
        if ( rc )
        {
            /* xenstored restarted: its watches are gone; watch again. */
            log_warnx("xenstore watch failed: %s; reconnecting",
                      strerror(-rc));
            rc = xl_xs_rewatch(&xs, g->cfg.xenstore_path, 60);
            if ( rc )
            {
                log_warnx("xenstore %s: cannot watch again: %s",
                          g->cfg.xenstore_path, strerror(-rc));
                break;
            }
            /* The edge's connection died with the old xenstored too. */
            xl_host_edge_drop_xs(&g->he);
            log_info("watching xenstore %s again", g->cfg.xenstore_path);
            continue;
        }
        if ( strcmp(fired, g->cfg.xenstore_path) )
            continue;
        rc = load_level_xs(g, &l, false);
        if ( rc == -ENOENT )
            continue;           /* the first event fires before a level */
        if ( rc )
        {
            struct xl_status st;

            xl_status_make(&st, "watch", "refused",
                           rc == XL_EXIT_XS ? "untrusted-level"
                                            : XL_CAUSE_BAD_LEVEL,
                           NULL, used,
                           "invalid or untrusted level (see the journal)",
                           rc);
            record_xs_status(g, &st);
            continue;
        }
        t1 = xl_run_now_us();
        rc = do_apply(g, &l, &rq);
        log_info("watch: level %s generation %" PRIu64 ": %s (exit %d); "
                 "from the xenstore event: levelled (set, read back, "
                 "persisted) in %.2f ms, status written in %.2f ms "
                 "(xenstore read+parse %.2f, lock+rule %.2f, host %.2f, "
                 "check+set+read-back %.2f, persist %.2f | guests %.2f, "
                 "status record %.2f, xenstore status %.2f ms)", l.name,
                 l.generation, rc ? "not applied" : "applied", rc,
                 tm.levelled ? (tm.levelled - t0) / 1e3 : 0.0,
                 (xl_run_now_us() - t0) / 1e3, (t1 - t0) / 1e3,
                 tm.lock / 1e3, tm.host / 1e3, tm.set / 1e3,
                 tm.persist / 1e3, tm.guests / 1e3, tm.record / 1e3,
                 tm.record_xs / 1e3);
    }
    g->host = NULL;
    free(h);
    xl_xs_close(xs);
    return XL_EXIT_XS;
}

/*
 * gate: may guests start automatically?  Yes on a levelled host, a host
 * where levelling is disabled, or unlevelled_guests = start; else exit 11.
 * --hold-autostart (xenlevel-gate.service) also stops libvirt's libxl driver
 * from autostarting its guests, by creating the marker file libvirt itself
 * uses for "already autostarted in this boot".
 */
static int cmd_gate(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "hold-autostart", no_argument, NULL, 'a' },
        { "levelled", no_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_err err = { .line = 0 };
    struct xl_status st;
    char reason[1400] = "";
    bool autostart = false, only = false;
    int c, rc, fd;

    while ( (c = getopt_long(argc, argv, "al", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'a': autostart = true; break;
        case 'l': only = true; break;
        default: return XL_EXIT_USAGE;
        }
    if ( argc - optind != 0 )
        return usage_error("gate: %s", "takes no operands");
    rc = xl_run_read_record(g->cfg.status, &st, &err);
    if ( rc == -ENOENT )
        snprintf(reason, sizeof(reason), "no status record %.900s",
                 g->cfg.status);
    else if ( rc )
        xl_err_str(&err, reason, sizeof(reason));
    else if ( !strcmp(st.state, "levelled") || !strcmp(st.state, "disabled") )
    {
        if ( *st.level )
            log_info("gate: host %s (level %s generation %" PRIu64 "): "
                     "guests may start", st.state, st.level, st.generation);
        else
            log_info("gate: host %s (%s): guests may start", st.state,
                     st.reason);
        return XL_EXIT_OK;
    }
    else
        snprintf(reason, sizeof(reason), "%s%s%s", st.cause,
                 *st.cause ? ": " : "", st.reason);
    if ( only )
        return XL_EXIT_GATE;    /* --levelled: the record alone decides */
    if ( !g->cfg.hold_guests )
    {
        log_warnx("host is not levelled (%s); starting guests anyway "
                  "(unlevelled_guests = start)", reason);
        return XL_EXIT_OK;
    }
    log_warnx("host is not levelled (%s): holding guests back "
              "(unlevelled_guests = hold)", reason);
    if ( autostart )
    {
        if ( mkdir("/run/libvirt", 0755) && errno != EEXIST )
            log_warn("mkdir /run/libvirt");
        if ( mkdir("/run/libvirt/libxl", 0755) && errno != EEXIST )
            log_warn("mkdir /run/libvirt/libxl");
        fd = open(XL_LIBVIRT_AUTOSTARTED,
                  O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if ( fd < 0 )
            log_warn("%s", XL_LIBVIRT_AUTOSTARTED);
        else
        {
            close(fd);
            log_info("libvirt's autostart held back (%s)",
                     XL_LIBVIRT_AUTOSTARTED);
        }
    }
    return XL_EXIT_GATE;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for ( ; *s; s++ )
    {
        if ( *s == '"' || *s == '\\' )
            fprintf(f, "\\%c", *s);
        else if ( (unsigned char)*s < 0x20 )
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

/* One state record, for status: text or a JSON member. */
static void print_record(bool json, const char *name, int rc,
                         const struct xl_status *st, const char *err)
{
    if ( json )
    {
        printf(",\"%s\":", name);
        if ( rc )
        {
            printf("{\"error\":");
            json_str(stdout, rc == -ENOENT ? "no record" : err);
            printf("}");
            return;
        }
        printf("{\"state\":");
        json_str(stdout, st->state);
        printf(",\"stage\":");
        json_str(stdout, st->stage);
        printf(",\"cause\":");
        json_str(stdout, st->cause);
        printf(",\"level\":");
        json_str(stdout, st->level);
        if ( st->has_generation )
            printf(",\"generation\":%" PRIu64, st->generation);
        printf(",\"source\":");
        json_str(stdout, st->source);
        printf(",\"reason\":");
        json_str(stdout, st->reason);
        printf(",\"exit\":%d}", st->exit_code);
        return;
    }
    if ( rc )
    {
        printf("%s record: %s\n", name, rc == -ENOENT ? "none" : err);
        return;
    }
    printf("%s record: %s by %s", name, st->state,
           *st->stage ? st->stage : "?");
    if ( *st->level )
        printf(", level %s generation %" PRIu64, st->level, st->generation);
    if ( *st->source )
        printf(" (%s)", st->source);
    if ( *st->cause )
        printf(", cause %s", st->cause);
    if ( st->exit_code > 0 )
        printf(", exit %d", st->exit_code);
    printf("\n");
    if ( *st->reason )
        printf("  reason: %s\n", st->reason);
}

static int cmd_status(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const kinds[2] = { "pv", "hvm" };
    struct xl_host *h = NULL;
    struct xl_level l;
    bool json = xl_json_mode, have_level, levelled;
    char used[4096] = "", fsbuf[XL_FS_STRLEN];
    int c, rc, k;

    while ( (c = getopt_long(argc, argv, "j", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'j': json = true; break;
        default: return XL_EXIT_USAGE;
        }
    if ( optind != argc )
        return usage_error("status: unexpected argument '%s'", argv[optind]);
    h = calloc(1, sizeof(*h));
    if ( !h )
        return XL_EXIT_ERROR;
    g->current_defaults = true;
    rc = load_host(g, NULL, h);
    if ( rc )
        goto out;
    have_level = load_level(g, NULL, &l, used, sizeof(used)) == 0;
    levelled = have_level;

    if ( json )
    {
        printf("{\"host\":");
        json_str(stdout, h->rep.name);
        printf(",\"vendor\":");
        json_str(stdout, h->rep.vendor);
        printf(",\"xen_version\":");
        json_str(stdout, h->rep.xen_version);
        if ( have_level )
        {
            printf(",\"level\":{\"name\":");
            json_str(stdout, l.name);
            printf(",\"generation\":%" PRIu64 ",\"source\":", l.generation);
            json_str(stdout, used);
            printf("}");
        }
        else
            printf(",\"level\":null");
    }
    else
    {
        printf("host: %s (%s), Xen %s\n", h->rep.name, h->rep.vendor,
               h->rep.xen_version);
        if ( have_level )
            printf("active level: %s generation %" PRIu64 " (%s)\n", l.name,
                   l.generation, used);
        else
            printf("active level: none\n");
    }
    for ( k = 0; k < 2; k++ )
    {
        const struct xl_fs *cur = k ? &h->rep.hvm_def : &h->rep.pv_def;
        const struct xl_fs *want = k ? &l.hvm : &l.pv;
        bool avail = k ? h->rep.has_hvm : true;
        bool inlevel = have_level && (!k || l.has_hvm);
        struct xl_fs extra, lack;
        const char *state;

        xl_fs_minus(&extra, cur, want);
        xl_fs_minus(&lack, want, cur);
        if ( !avail )
            state = "unavailable";
        else if ( !inlevel )
            state = "no-level";
        else if ( xl_fs_equal(cur, want) )
            state = "levelled";
        else
            state = "differs";
        if ( avail && inlevel && strcmp(state, "levelled") )
            levelled = false;
        xl_fs_format(cur, fsbuf);
        if ( json )
        {
            printf(",\"%s_default\":{\"state\":\"%s\",\"featureset\":\"%s\"",
                   kinds[k], state, avail ? fsbuf : "");
            if ( avail && inlevel )
            {
                printf(",\"above_level\":\"");
                xl_fs_print_names(stdout, &extra);
                printf("\",\"below_level\":\"");
                xl_fs_print_names(stdout, &lack);
                printf("\"");
            }
            printf("}");
        }
        else
        {
            printf("%s_default: %s\n", kinds[k], state);
            if ( !avail )
                continue;
            printf("  featureset: %s\n", fsbuf);
            if ( inlevel && !xl_fs_empty(&extra) )
            {
                printf("  above the level: ");
                xl_fs_print_names(stdout, &extra);
                printf("\n");
            }
            if ( inlevel && !xl_fs_empty(&lack) )
            {
                printf("  below the level: ");
                xl_fs_print_names(stdout, &lack);
                printf("\n");
            }
        }
    }
    if ( !g->host_report )
    {
        struct xl_err err = { .line = 0 };
        struct xl_status st;
        char path[4200], ebuf[1024] = "";
        int r;

        xl_state_path(g->cfg.status, "boot", path, sizeof(path));
        r = xl_run_read_record(path, &st, &err);
        if ( r && r != -ENOENT )
            xl_err_str(&err, ebuf, sizeof(ebuf));
        print_record(json, "boot", r, &st, ebuf);
        r = xl_run_read_record(g->cfg.status, &st, &err);
        if ( r && r != -ENOENT )
            xl_err_str(&err, ebuf, sizeof(ebuf));
        print_record(json, "status", r, &st, ebuf);
        if ( r || strcmp(st.state, "levelled") )
            levelled = false;
    }
    if ( json )
    {
        /* "exit" last but for result/meaning (json.h): the shape kept. */
        printf(",\"levelled\":%s", levelled ? "true" : "false");
        xl_json_end(stdout, levelled ? XL_EXIT_OK : XL_EXIT_NOT_LEVELLED);
    }
    else
        printf("levelled: %s\n", levelled ? "yes" : "no");
    rc = levelled ? XL_EXIT_OK : XL_EXIT_NOT_LEVELLED;
 out:
    free(h);
    return rc;
}

/* reset: restore Xen's boot-time default policies (xl_run_reset). */
static int cmd_reset(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "dry-run", no_argument, NULL, 'n' },
        { "force", no_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_run run;
    bool dry = false, force = false;
    int c;

    while ( (c = getopt_long(argc, argv, "nf", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'n': dry = true; break;
        case 'f': force = true; break;
        default: return XL_EXIT_USAGE;
        }
    if ( optind != argc )
        return usage_error("reset: unexpected argument '%s'", argv[optind]);
    if ( g->host_report )
        return usage_error("reset: %s", "--host-report does not apply");
    g->current_defaults = true;
    run = run_of(g);
    return xl_run_reset(&run, dry, force, stdout);
}

static int dispatch(struct globals *g, const char *cmd, int cargc,
                    char **cargv);

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "host-report", required_argument, NULL, 'H' },
        { "verbose", no_argument, NULL, 'v' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct globals g = { 0 };
    struct xl_err err = { .line = 0 };
    enum xl_log_level lvl = XL_LOG_INFO;
    bool lvl_set = false;
    const char *cmd;
    char **cargv;
    int c, cargc;

    log_init(XL_LOG_INFO, -1);
    while ( (c = getopt_long(argc, argv, "+c:H:vqhV", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'c': g.config = optarg; break;
        case 'H': g.host_report = optarg; break;
        case 'v': lvl = XL_LOG_DEBUG; lvl_set = true; break;
        case 'q': lvl = XL_LOG_ERR; lvl_set = true; break;
        case 'h': fputs(usage_text, stdout); return XL_EXIT_OK;
        case 'V': printf("xenlevel %s\n", XENLEVEL_VERSION); return 0;
        default: return XL_EXIT_USAGE;
        }
    if ( optind >= argc )
    {
        fputs(usage_text, stderr);
        return XL_EXIT_USAGE;
    }
    cmd = argv[optind];
    if ( !strcmp(cmd, "help") )
    {
        fputs(usage_text, stdout);
        return XL_EXIT_OK;
    }
    if ( xl_config_load(g.config, &g.cfg, &err) )
        return input_error(&err);
    log_init(lvl_set ? lvl : g.cfg.log_level, g.cfg.kmsg);
    xl_host_edge(&g.he, &g.edge);

    /*
     * Sub-command options: getopt again over argv[optind..], and options
     * may follow operands.  optind = 1 alone would keep the REQUIRE_ORDER
     * ('+') of the global options above; optind = 0 makes glibc
     * reinitialise at the next call, which we make at once, with an
     * optstring without '+' (so: permute) and nothing to scan, leaving
     * optind = 1 also for the commands that take no options.
     */
    cargc = argc - optind;
    cargv = argv + optind;
    optind = 0;
    (void)getopt(1, cargv, "");
    for ( c = 1; c < cargc; c++ )
        if ( !strcmp(cargv[c], "--help") || !strcmp(cargv[c], "-h") )
        {
            fputs(usage_text, stdout);
            return XL_EXIT_OK;
        }
    /*
     * --json (report, check, apply, status, compare): one JSON object on
     * stdout whatever the outcome (json.h); taken out of the arguments.
     */
    for ( c = 1; c < cargc && strcmp(cargv[c], "--"); c++ )
        if ( !strcmp(cargv[c], "--json") )
        {
            memmove(&cargv[c], &cargv[c + 1],
                    (size_t)(cargc - c) * sizeof(*cargv));
            cargc--;
            c--;
            xl_json_mode = true;
        }
    if ( xl_json_mode && strcmp(cmd, "report") && strcmp(cmd, "check") &&
         strcmp(cmd, "apply") && strcmp(cmd, "status") &&
         strcmp(cmd, "compare") )
        return usage_error("%s: --json is not supported here", cmd);
    c = dispatch(&g, cmd, cargc, cargv);
    xl_json_fallback(stdout, cmd, c);
    xl_host_edge_close(&g.he);
    return c;
}

static int dispatch(struct globals *g, const char *cmd, int cargc,
                    char **cargv)
{
    if ( !strcmp(cmd, "compare") )
        return xl_cmd_compare(&g->cfg, cargc, cargv);
    if ( !strcmp(cmd, "report") )
        return cmd_report(g, cargc, cargv);
    if ( !strcmp(cmd, "compute") )
        return cmd_compute(g, cargc, cargv);
    if ( !strcmp(cmd, "check") )
        return cmd_check(g, cargc, cargv);
    if ( !strcmp(cmd, "define") )
        return cmd_define(g, cargc, cargv);
    if ( !strcmp(cmd, "apply") )
        return cmd_apply(g, cargc, cargv);
    if ( !strcmp(cmd, "gate") )
        return cmd_gate(g, cargc, cargv);
    if ( !strcmp(cmd, "publish") )
        return cmd_publish(g, cargc, cargv);
    if ( !strcmp(cmd, "watch") )
        return cmd_watch(g, cargc, cargv);
    if ( !strcmp(cmd, "status") )
        return cmd_status(g, cargc, cargv);
    if ( !strcmp(cmd, "sync") )
        return cmd_sync(g, cargc, cargv);
    if ( !strcmp(cmd, "record") )
        return cmd_record(g, cargc, cargv);
    if ( !strcmp(cmd, "reset") )
        return cmd_reset(g, cargc, cargv);
    return usage_error("unknown command '%s'", cmd);
}
