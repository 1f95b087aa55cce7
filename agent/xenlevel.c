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
"  15 Xen denied the sysctl: XSM/Flask (EPERM; also a Flask Xen without\n"
"     the patch series) or interface version mismatch (EACCES)\n"
"  16 this Xen cannot take an HVM default policy (no HVM support)\n"
"With --json, stdout holds one JSON object whose \"exit\", \"result\" and\n"
"\"meaning\" members repeat the exit code (see xenlevel(8), JSON OUTPUT).\n"
"\n"
"See xenlevel(8) and xenlevel.conf(5).\n";

/* The hypervisor that the xenlevel-hypervisor package installs, and the
 * tag its version string carries (XEN_VENDORVERSION). */
#define XL_PATCHED_XEN "/boot/xen-4.17-xenlevel-amd64.gz"
#define XL_PATCHED_TAG "xenlevel"
/* libvirt's libxl driver skips autostart when this file exists. */
#define XL_LIBVIRT_AUTOSTARTED "/run/libvirt/libxl/autostarted"

struct globals {
    const char *config;
    const char *root;           /* apply --boot --root: the real root */
    const char *host_report;
    struct xl_config cfg;
    bool current_defaults;      /* status: the defaults as they are now */
};

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

/* --generation: the level files' rule (xl_generation_parse). */
static bool parse_generation(const char *arg, unsigned long long *gen)
{
    uint64_t v;

    if ( xl_generation_parse(arg, &v) )
        return false;
    *gen = v;
    return true;
}

/*
 * Xen's own (boot-time) default featuresets.  Xen recomputes nothing once a
 * level is installed: after levelling, the current defaults are the level,
 * so "what this host can offer" (check, apply, report) must come from the
 * defaults as they were before the first levelling of this boot.  The first
 * agent run of a boot (the initramfs hook) records them next to the status
 * record, on /run (a tmpfs, so a reboot forgets them); later runs read them.
 */
static void native_defaults(const struct globals *g, struct xl_host *h,
                            bool use)
{
    char path[4200], fs[XL_FS_STRLEN], rec[2 * XL_FS_STRLEN + 16];
    char *text = NULL, *line, *save = NULL;
    struct xl_fs pv, hvm;
    bool have_pv = false, have_hvm = false;
    struct xl_err err;
    size_t len;

    xl_state_path(g->cfg.status, "native-defaults", path, sizeof(path));
    if ( access(path, F_OK) )
    {
        char dir[4200];
        int n;

        xl_state_path(g->cfg.status, "", dir, sizeof(dir));
        if ( access(dir, F_OK) )
            return;             /* no /run/xenlevel yet: nothing to keep */
        xl_fs_format(&h->rep.pv_def, fs);
        n = snprintf(rec, sizeof(rec), "pv = %s\n", fs);
        if ( h->rep.has_hvm )
        {
            xl_fs_format(&h->rep.hvm_def, fs);
            n += snprintf(rec + n, sizeof(rec) - (size_t)n, "hvm = %s\n", fs);
        }
        if ( xl_write_state(path, rec, (size_t)n, 0644, XL_STATE_OWNER,
                            &err) )
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

/* Load this host: from Xen, or from --host-report. */
static int load_host(struct globals *g, const char *name, struct xl_host *h,
                     struct xl_xen **xp)
{
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    struct xl_err err = { .line = 0 };
    char buf[1024];
    int rc;

    if ( g->host_report )
    {
        struct xl_host_report r;

        if ( xl_report_load(g->host_report, &po, &r, &err) )
            return input_error(&err);
        xl_host_from_report(&r, h);
        return XL_EXIT_OK;
    }
    rc = xl_xen_open(xp);
    if ( rc )
    {
        log_warnx("cannot open Xen (%s): run in dom0 with xen-privcmd "
                  "loaded and /proc/xen mounted", strerror(-rc));
        return XL_EXIT_XEN;
    }
    if ( xl_host_from_xen(*xp, name, h, &err) )
    {
        log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
        return XL_EXIT_XEN;
    }
    /* status compares the current defaults; the rest wants Xen's own. */
    native_defaults(g, h, !g->current_defaults);
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
    struct xl_xen *x = NULL;
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
    rc = load_host(g, name, h, &x);
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
    if ( x )
        xl_xen_close(x);
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
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    const char *path = g->cfg.xenstore_path;
    struct xl_err err = { .line = 0 };
    struct xl_xs *xs = NULL;
    char *text = NULL, buf[1024];
    int rc;

    rc = xl_xs_open(&xs);
    if ( rc && !must )
    {
        log_debug("xenstore %s: no xenstored (%s): next source", path,
                  strerror(-rc));
        return -ENOENT;
    }
    if ( rc )
    {
        log_warnx("xenstore %s: cannot open xenstore: %s", path,
                  strerror(-rc));
        return XL_EXIT_XS;
    }
    rc = xl_xs_read_trusted(xs, path, &text, &err);
    xl_xs_close(xs);
    if ( rc == -ENOENT && !must )
        return -ENOENT;
    if ( rc )
    {
        log_warnx("xenstore %s", xl_err_str(&err, buf, sizeof(buf)));
        return XL_EXIT_XS;
    }
    rc = xl_level_parse(path, text, &po, l, &err);
    free(text);
    return rc ? input_error(&err) : 0;
}

/* Find the level: explicit path, else the site config's sources. */
static int load_level(struct globals *g, const char *path, struct xl_level *l,
                      char *used, size_t usedlen)
{
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    struct xl_err err = { .line = 0 };
    unsigned int i, j;

    if ( path )
    {
        snprintf(used, usedlen, "%s", path);
        return xl_level_load(path, &po, l, &err) ? input_error(&err) : 0;
    }
    for ( i = 0; i < g->cfg.nr_order; i++ )
    {
        if ( g->cfg.order[i] == XL_SOURCE_XENSTORE )
        {
            int rc = load_level_xs(g, l, false);

            if ( rc == 0 )
                snprintf(used, usedlen, "xenstore:%s", g->cfg.xenstore_path);
            if ( rc != -ENOENT )
                return rc;
            continue;
        }
        for ( j = 0; j < g->cfg.nr_files; j++ )
        {
            if ( access(g->cfg.files[j], F_OK) != 0 )
                continue;
            snprintf(used, usedlen, "%s", g->cfg.files[j]);
            return xl_level_load(g->cfg.files[j], &po, l, &err) ?
                   input_error(&err) : 0;
        }
    }
    log_warnx("no level: none of the site config's level files exists "
              "(%s%s)", g->cfg.files[0], g->cfg.nr_files > 1 ? ", ..." : "");
    return XL_EXIT_INPUT;
}

static int cmd_check(struct globals *g, int argc, char **argv)
{
    struct xl_xen *x = NULL;
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
    rc = load_host(g, NULL, h, &x);
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
    if ( x )
        xl_xen_close(x);
    return rc;
}

/* Read and parse a state record; -ENOENT quietly when it does not exist. */
static int read_status(const char *path, struct xl_status *st,
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
static void record_status(const struct globals *g, const struct xl_status *st)
{
    struct xl_err err = { .line = 0 };
    char buf[4 * XL_STATE_TEXT], ebuf[1024], path[4200];

    if ( xl_status_format(st, buf, sizeof(buf)) )
        return;
    if ( xl_write_state(g->cfg.status, buf, strlen(buf), 0644, XL_STATE_OWNER,
                        &err) )
        log_warnx("status record: %s", xl_err_str(&err, ebuf, sizeof(ebuf)));
    if ( strcmp(st->stage, "initramfs") && strcmp(st->stage, "sync") )
        return;
    xl_state_path(g->cfg.status, "boot", path, sizeof(path));
    if ( xl_write_state(path, buf, strlen(buf), 0644, XL_STATE_OWNER, &err) )
        log_warnx("boot record: %s", xl_err_str(&err, ebuf, sizeof(ebuf)));
}

/* Fill a status from a level, an exit code and a reason. */
static void make_status(struct xl_status *st, const char *stage,
                        const char *state, const char *cause,
                        const struct xl_level *l, const char *source,
                        const char *reason, int exit_code)
{
    xl_status_init(st);
    XL_STATUS_SET(st, state, "%s", state);
    XL_STATUS_SET(st, stage, "%s", stage ? stage : "apply");
    XL_STATUS_SET(st, cause, "%s", cause ? cause : "");
    XL_STATUS_SET(st, source, "%s", source ? source : "");
    XL_STATUS_SET(st, reason, "%s", reason ? reason : "");
    if ( l )
    {
        XL_STATUS_SET(st, level, "%s", l->name);
        st->generation = l->generation;
        st->has_generation = true;
    }
    st->exit_code = exit_code;
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
    default: return XL_CAUSE_XEN;
    }
}

/*
 * This Xen has no XEN_SYSCTL_set_cpu_policy.  Say which hypervisor was
 * booted and, when the xenlevel hypervisor package is installed but was not
 * booted (a Debian Xen update took GRUB's default), say exactly that.
 */
static void unpatched_reason(const struct globals *g, const char *xen_version,
                             char *buf, size_t len)
{
    char boot[4200];
    const char *root = g->root ? g->root : "";

    snprintf(boot, sizeof(boot), "%s%s", root, XL_PATCHED_XEN);
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
                 "(xen-patches/series; package xen-hypervisor-4.17-xenlevel-"
                 "amd64, %s); nothing was changed", xen_version,
                 XL_PATCHED_XEN);
}

struct apply_req {
    const char *source;         /* for messages and the status record */
    const char *stage;          /* status record stage= */
    bool dry, boot, force;
    bool chosen;                /* picked by the boot rule: no generation
                                   check, no floor */
    bool persist;               /* persist the level for the next boot */
};

/* List running guests whose policy is above the new defaults. */
static void report_guests(struct xl_xen *x, const struct xl_host *h,
                          const struct xl_apply_result *res)
{
    struct xl_domain doms[256];
    unsigned int nr = 256, i;
    struct xl_policy *p = malloc(sizeof(*p));
    int rc;

    if ( !p )
        return;
    rc = xl_xen_list_domains(x, doms, &nr);
    if ( rc == -ENOBUFS )
        log_warnx("more than %u domains: checking the first %u only", nr, nr);
    else if ( rc )
        nr = 0;
    for ( i = 0; i < nr; i++ )
    {
        struct xl_fs cur, want, above;
        char names[1024];
        FILE *f;

        if ( xl_xen_domain_policy(x, doms[i].domid, p) )
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

static void record_xs_status(const struct globals *g,
                             const struct xl_status *st)
{
    char path[300], val[4 * XL_STATE_TEXT];
    struct xl_xs *xs;

    if ( xl_status_format(st, val, sizeof(val)) || xl_xs_open(&xs) )
        return;
    snprintf(path, sizeof(path), "%s-status", g->cfg.xenstore_path);
    if ( xl_xs_write(xs, path, val) )
        log_debug("cannot record status at xenstore %s", path);
    xl_xs_close(xs);
}

/*
 * path as seen with the real root mounted at root: root + path, unless the
 * site config already names a path under root (a config written for the
 * initramfs, e.g. persist = /sysroot/var/lib/xenlevel/level).
 */
static void rooted(const char *root, const char *path, char *buf, size_t len)
{
    size_t rl = root ? strlen(root) : 0;

    if ( !rl || (!strncmp(path, root, rl) && path[rl] == '/') )
        snprintf(buf, len, "%s", path);
    else
        snprintf(buf, len, "%s%s", root, path);
}

/* The generation floor that `apply --force` leaves next to the persisted
 * level (see source.h): 0 when there is none or it cannot be read. */
static uint64_t read_floor(const char *root, const struct xl_config *cfg)
{
    struct xl_err err = { .line = 0 };
    char path[4200], state[4200], *text = NULL, buf[1024];
    uint64_t floor = 0;
    size_t len;

    xl_state_path(cfg->persist, "forced", state, sizeof(state));
    rooted(root, state, path, sizeof(path));
    if ( access(path, F_OK) )
        return 0;
    if ( xl_read_file(path, &text, &len, &err) ||
         xl_floor_parse(path, text, &floor, &err) )
    {
        log_warnx("%s (ignored)", xl_err_str(&err, buf, sizeof(buf)));
        floor = 0;
    }
    free(text);
    return floor;
}

/*
 * The site level file: the first of the site config's level files that is
 * not the persisted level, on the real root (root) when it has one, else
 * the copy baked into the initramfs.
 */
static const char *site_level_path(const struct globals *g, char *buf,
                                   size_t len)
{
    const char *root = g->root ? g->root : "";
    unsigned int i;

    for ( i = 0; i < g->cfg.nr_files; i++ )
    {
        if ( !strcmp(g->cfg.files[i], g->cfg.persist) )
            continue;
        rooted(root, g->cfg.files[i], buf, len);
        if ( !access(buf, F_OK) )
            return buf;
        if ( *root && !access(g->cfg.files[i], F_OK) )
            return g->cfg.files[i];
    }
    return NULL;
}

/* Load one boot candidate; a damaged one is named and not used. */
static void load_candidate(const struct globals *g, const char *path,
                           struct xl_candidate *c, struct xl_level *l)
{
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    struct xl_err err = { .line = 0 };
    char buf[1024];

    c->path = NULL;
    c->valid = false;
    if ( !path || access(path, F_OK) )
        return;
    c->path = path;
    if ( xl_level_load(path, &po, l, &err) )
    {
        log_warnx("%s (not used)", xl_err_str(&err, buf, sizeof(buf)));
        return;
    }
    c->valid = true;
    c->generation = l->generation;
}

/*
 * The boot rule (source.h): persisted level or site level.  Returns 0 with
 * *l and used set, or an XL_EXIT_* code with st filled in.
 */
static int boot_select(const struct globals *g, struct xl_level *l,
                       char *used, size_t usedlen, char *why, size_t whylen)
{
    static struct xl_level pl, bl;
    struct xl_candidate pc, bc;
    char ppath[4200], bbuf[4200];
    uint64_t floor;

    rooted(g->root, g->cfg.persist, ppath, sizeof(ppath));
    load_candidate(g, ppath, &pc, &pl);
    load_candidate(g, site_level_path(g, bbuf, sizeof(bbuf)), &bc, &bl);
    floor = read_floor(g->root, &g->cfg);
    switch ( xl_boot_pick(&pc, &bc, floor, why, whylen) )
    {
    case XL_PICK_PERSISTED:
        *l = pl;
        snprintf(used, usedlen, "%s", pc.path);
        return 0;
    case XL_PICK_BAKED:
        *l = bl;
        snprintf(used, usedlen, "%s", bc.path);
        return 0;
    case XL_PICK_NONE:
        break;
    }
    if ( pc.path || bc.path )
        snprintf(why, whylen, "no valid level: %.900s%s%.900s is damaged",
                 pc.path ? pc.path : "", pc.path && bc.path ? " and " : "",
                 bc.path ? bc.path : "");
    else
        snprintf(why, whylen, "no level: neither %.900s nor a site level "
                 "file (%.900s) exists", ppath,
                 g->cfg.nr_files > 1 ? g->cfg.files[1] : g->cfg.files[0]);
    return pc.path || bc.path ? XL_EXIT_INPUT : XL_EXIT_NO_LEVEL;
}

/*
 * A forced apply leaves a floor: the highest generation it went back from
 * (the persisted level's, the site level's), so that the next boot does
 * not undo it with a site level that is not newer than that.
 */
static int write_floor(const struct globals *g, uint64_t persisted,
                       const struct xl_level *l, struct xl_err *err)
{
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    uint64_t floor = read_floor(NULL, &g->cfg);
    char path[4200], buf[64], sbuf[4200];
    const char *site = site_level_path(g, sbuf, sizeof(sbuf));
    struct xl_level *sl = malloc(sizeof(*sl));

    if ( persisted > floor )
        floor = persisted;
    if ( sl && site && !xl_level_load(site, &po, sl, NULL) &&
         sl->generation > floor )
        floor = sl->generation;
    free(sl);
    if ( floor <= l->generation )
        return 0;
    xl_state_path(g->cfg.persist, "forced", path, sizeof(path));
    xl_floor_format(floor, buf, sizeof(buf));
    log_info("forced back to generation %" PRIu64 ": site levels up to "
             "generation %" PRIu64 " will not replace it at boot (%s)",
             l->generation, floor, path);
    return xl_write_state(path, buf, strlen(buf), 0644, XL_STATE_OWNER, err);
}

/* The one apply path of the CLI, the boot hook, sync and the watcher. */
static int do_apply(struct globals *g, const struct xl_level *l,
                    const struct apply_req *rq)
{
    struct xl_apply_result *res = NULL;
    struct xl_apply_ops ops;
    struct xl_xen *x = NULL;
    struct xl_host *h = NULL;
    struct xl_err err = { .line = 0 };
    struct xl_status st;
    char lockpath[4200], buf[1024];
    uint64_t persisted = 0;
    int rc, prc, lockfd = -1;
    char *diff = NULL;
    size_t difflen = 0;
    FILE *out = stdout;

    if ( !rq->dry )
    {
        xl_state_path(g->cfg.status, "lock", lockpath, sizeof(lockpath));
        if ( xl_lock(lockpath, &lockfd, &err) )
        {
            log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
            return XL_EXIT_ERROR;
        }
    }
    if ( !rq->dry && !rq->boot && !rq->chosen )
    {
        if ( xl_generation_check(l, g->cfg.persist, rq->force, &persisted,
                                 &err) )
        {
            xl_err_str(&err, buf, sizeof(buf));
            log_warnx("%s", buf);
            rc = XL_EXIT_STALE;
            make_status(&st, rq->stage, "refused", XL_CAUSE_STALE, l,
                        rq->source, buf, rc);
            /* A refused publication is a status too (the watcher's). */
            record_xs_status(g, &st);
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
    rc = load_host(g, NULL, h, &x);
    if ( rc )
    {
        make_status(&st, rq->stage, "unlevelled", XL_CAUSE_XEN, l,
                    rq->source, "cannot read this host from Xen", rc);
        if ( !rq->dry )
            record_status(g, &st);
        goto out;
    }
    if ( !rq->dry )
        xl_host_apply_ops(x, &ops);
    /* --json: the dry run's diff goes into the object. */
    if ( xl_json_mode && !(out = open_memstream(&diff, &difflen)) )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }
    rc = xl_apply(&g->cfg, l, h, rq->dry ? NULL : &ops, out, res);
    if ( out != stdout )
        fclose(out);
    if ( rc )
    {
        if ( rc == XL_EXIT_NOSYSCTL )
            unpatched_reason(g, h->rep.xen_version, res->reason,
                             sizeof(res->reason));
        log_warnx("level %s generation %" PRIu64 " (%s) not applied: %s",
                  l->name, l->generation, rq->source, res->reason);
        make_status(&st, rq->stage, "unlevelled", exit_cause(rc), l,
                    rq->source, res->reason, rc);
        if ( !rq->dry )
        {
            record_status(g, &st);
            if ( !rq->boot )
                record_xs_status(g, &st);
        }
        goto out;
    }
    if ( rq->dry )
        goto out;
    log_info("levelled: level %s generation %" PRIu64 " (%s) installed as "
             "Xen's PV%s default policy", l->name, l->generation, rq->source,
             res->hvm ? " and HVM" : "");
    report_guests(x, h, res);
    make_status(&st, rq->stage, "levelled", "", l, rq->source, "", 0);
    prc = rq->persist ? xl_persist_level(l, g->cfg.persist, &err) : 0;
    if ( !prc && rq->persist && rq->force )
        prc = write_floor(g, persisted, l, &err);
    if ( prc == XL_WRITE_UNSYNCED )
    {
        /* Written; only its durability across a crash is unknown. */
        log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
        prc = 0;
    }
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
    record_status(g, &st);
    if ( !rq->boot )
        record_xs_status(g, &st);
 out:
    if ( xl_json_mode )
        xl_json_apply(stdout, l, rq->source, rq->dry, h, res,
                      rq->dry ? diff : NULL, rc);
    free(diff);
    free(h);
    free(res);
    if ( x )
        xl_xen_close(x);
    xl_unlock(lockfd);
    return rc;
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
    struct apply_req rq = { .persist = true, .stage = "apply" };
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
            rc = boot_select(g, &l, used, sizeof(used), why, sizeof(why));
        if ( rc )
        {
            make_status(&st, rq.stage, "unlevelled",
                        rc == XL_EXIT_NO_LEVEL ? XL_CAUSE_NO_LEVEL
                                               : XL_CAUSE_BAD_LEVEL,
                        NULL, path, path ? "no valid level (see the log)"
                                         : why, rc);
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
    struct apply_req rq = { .stage = "sync", .boot = false, .persist = true };
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
    rc = read_status(path, &boot, &err);
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
            make_status(&st, "sync", "disabled", XL_CAUSE_DISABLED, NULL,
                        "", "rd.xenlevel=0", -1);
            record_status(g, &st);
        }
        return XL_EXIT_OK;
    }
    rc = boot_select(g, &l, used, sizeof(used), why, sizeof(why));
    if ( rc )
    {
        if ( have_boot )
        {
            log_info("sync: %s; keeping the initramfs's outcome (%s)", why,
                     boot.state);
            return !strcmp(boot.state, "levelled") ? XL_EXIT_OK : rc;
        }
        log_warnx("%s", why);
        make_status(&st, "sync", "unlevelled",
                    rc == XL_EXIT_NO_LEVEL ? XL_CAUSE_NO_LEVEL
                                           : XL_CAUSE_BAD_LEVEL,
                    NULL, "", why, rc);
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
    make_status(&st, stage, state, cause, l, lpath, reason, code);
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

static int cmd_watch(struct globals *g, int argc, char **argv)
{
    struct xl_xs *xs = NULL;
    char fired[512], used[300];
    int rc;

    (void)argv;
    if ( argc - optind != 0 )
        return usage_error("watch: %s", "takes no arguments");
    rc = xl_xs_open(&xs);
    if ( rc || (rc = xl_xs_watch(xs, g->cfg.xenstore_path)) )
    {
        log_warnx("xenstore %s: cannot watch: %s", g->cfg.xenstore_path,
                  strerror(-rc));
        xl_xs_close(xs);
        return XL_EXIT_XS;
    }
    log_info("watching xenstore %s for new levels", g->cfg.xenstore_path);
    sd_notify_ready();
    snprintf(used, sizeof(used), "xenstore:%s", g->cfg.xenstore_path);
    for ( ;; )
    {
        struct apply_req rq = { .source = used, .persist = true,
                                .stage = "watch" };
        struct xl_level l;

        rc = xl_xs_wait(xs, fired, sizeof(fired));
        if ( rc )
        {
            log_warnx("xenstore watch failed: %s", strerror(-rc));
            break;
        }
        if ( strcmp(fired, g->cfg.xenstore_path) )
            continue;
        rc = load_level_xs(g, &l, false);
        if ( rc == -ENOENT )
            continue;           /* the first event fires before a level */
        if ( rc )
        {
            struct xl_status st;

            make_status(&st, "watch", "refused",
                        rc == XL_EXIT_XS ? "untrusted-level"
                                         : XL_CAUSE_BAD_LEVEL,
                        NULL, used,
                        "invalid or untrusted level (see the journal)", rc);
            record_xs_status(g, &st);
            continue;
        }
        rc = do_apply(g, &l, &rq);
        log_info("watch: level %s generation %" PRIu64 ": %s (exit %d)",
                 l.name, l.generation, rc ? "not applied" : "applied", rc);
    }
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
    rc = read_status(g->cfg.status, &st, &err);
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
    struct xl_xen *x = NULL;
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
    rc = load_host(g, NULL, h, &x);
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
        r = read_status(path, &st, &err);
        if ( r && r != -ENOENT )
            xl_err_str(&err, ebuf, sizeof(ebuf));
        print_record(json, "boot", r, &st, ebuf);
        r = read_status(g->cfg.status, &st, &err);
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
    if ( x )
        xl_xen_close(x);
    return rc;
}

/*
 * xenlevel reset: restore Xen's boot-time default policies
 * (XEN_SYSCTL_CPU_POLICY_RESET).  A persisted level would be applied again
 * at the next boot and is the floor of the generation rule: reset refuses
 * while one exists, unless --force, which then sets it aside as
 * PERSIST.reset (kept for the administrator, never read by xenlevel), so
 * that the next boot does not re-apply it.  The status record says
 * unlevelled.
 */
static int cmd_reset(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "dry-run", no_argument, NULL, 'n' },
        { "force", no_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_parse_opts po = xl_config_parse_opts(&g->cfg);
    struct xl_err err = { .line = 0 };
    struct xl_xen_err xe;
    struct xl_set_err se;
    struct xl_xen *x = NULL;
    struct xl_host *h = NULL;
    struct xl_level pl;
    struct xl_host_report now;
    char lockpath[4200], aside[4200], buf[1024], *text = NULL;
    bool dry = false, force = false, persisted = false;
    size_t len;
    int c, rc, lockfd = -1;

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

    if ( !dry )
    {
        xl_state_path(g->cfg.status, "lock", lockpath, sizeof(lockpath));
        if ( xl_lock(lockpath, &lockfd, &err) )
        {
            log_warnx("%s", xl_err_str(&err, buf, sizeof(buf)));
            return XL_EXIT_ERROR;
        }
    }

    /* The generation rule: a persisted level holds the host. */
    if ( xl_read_file(g->cfg.persist, &text, &len, &err) == 0 )
    {
        persisted = xl_level_parse(g->cfg.persist, text, &po, &pl, &err) == 0;
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
                  pl.name, pl.generation, g->cfg.persist);
        rc = XL_EXIT_STALE;
        goto out;
    }

    h = calloc(1, sizeof(*h));
    if ( !h )
    {
        rc = XL_EXIT_ERROR;
        goto out;
    }
    g->current_defaults = true;
    rc = load_host(g, NULL, h, &x);
    if ( rc )
        goto out;

    if ( dry )
    {
        static const char *const kinds[2] = { "pv", "hvm" };
        bool known;
        int k;

        /* now: the current defaults; h->rep: the boot-time ones. */
        now = h->rep;
        xl_state_path(g->cfg.status, "native-defaults", aside, sizeof(aside));
        known = access(aside, R_OK) == 0;
        native_defaults(g, h, true);
        printf("reset: would restore Xen's boot-time PV%s default "
               "policies\n", h->rep.has_hvm ? " and HVM" : "");
        for ( k = 0; k < (h->rep.has_hvm ? 2 : 1); k++ )
        {
            const struct xl_fs *cur = k ? &now.hvm_def : &now.pv_def;
            const struct xl_fs *boot = k ? &h->rep.hvm_def : &h->rep.pv_def;
            struct xl_fs gain, lose;

            xl_fs_minus(&gain, boot, cur);
            xl_fs_minus(&lose, cur, boot);
            printf("%s_default:", kinds[k]);
            if ( xl_fs_empty(&gain) && xl_fs_empty(&lose) )
                printf(known ? " (no change)\n"
                             : " (no record of the boot-time defaults "
                               "this boot: difference unknown)\n");
            else
            {
                if ( !xl_fs_empty(&gain) )
                {
                    printf(" +");
                    xl_fs_print_names(stdout, &gain);
                }
                if ( !xl_fs_empty(&lose) )
                {
                    printf(" -");
                    xl_fs_print_names(stdout, &lose);
                }
                printf("\n");
            }
        }
        if ( persisted )
            printf("persisted level %s generation %" PRIu64 " at %s: %s\n",
                   pl.name, pl.generation, g->cfg.persist,
                   force ? "would be set aside as PERSIST.reset"
                         : "reset would refuse (exit 10) without --force");
        rc = XL_EXIT_OK;
        goto out;
    }

    rc = xl_xen_reset_defaults(x, &xe);
    if ( rc )
    {
        se.index = xe.index;
        se.leaf = xe.leaf;
        se.subleaf = xe.subleaf;
        se.msr = xe.msr;
        rc = xl_set_error(rc, &se, false, "reset", buf, sizeof(buf));
        log_warnx("reset: %s", buf);
        goto out;
    }
    if ( persisted )
    {
        snprintf(aside, sizeof(aside), "%s.reset", g->cfg.persist);
        if ( rename(g->cfg.persist, aside) )
            log_warnx("reset: defaults restored, but the persisted level %s "
                      "could not be set aside (%s): the next boot applies it",
                      g->cfg.persist, strerror(errno));
        else
            log_info("reset: persisted level %s generation %" PRIu64
                     " set aside as %s", pl.name, pl.generation, aside);
    }
    log_info("reset: Xen's boot-time default policies restored");
    {
        struct xl_status st;

        make_status(&st, "reset", "unlevelled", XL_CAUSE_RESET, NULL,
                    "xenlevel reset",
                    "boot-time default policies restored by xenlevel reset",
                    XL_EXIT_OK);
        record_status(g, &st);
        record_xs_status(g, &st);
    }
    rc = XL_EXIT_OK;
 out:
    free(h);
    if ( x )
        xl_xen_close(x);
    xl_unlock(lockfd);
    return rc;
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
