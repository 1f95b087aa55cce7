/*
 * json.c - the one JSON writer of xenlevel's --json outputs.  See json.h
 * and xenlevel(8), JSON OUTPUT.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "log.h"

bool xl_json_mode;
static bool emitted;

void xl_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for ( ; *s; s++ )
    {
        unsigned char c = (unsigned char)*s;

        if ( c == '"' || c == '\\' )
            fprintf(f, "\\%c", c);
        else if ( c < 0x20 || c == 0x7f )
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void xl_json_names(FILE *f, const struct xl_fs *fs)
{
    unsigned int bit;
    bool first = true;

    fputc('[', f);
    for ( bit = 0; bit < XL_FS_BITS; bit++ )
    {
        const char *n;
        char buf[32];

        if ( !xl_fs_test(fs, bit) )
            continue;
        n = xl_fs_name(bit);
        if ( !n )
        {
            snprintf(buf, sizeof(buf), "w%ub%u", bit / 32, bit % 32);
            n = buf;
        }
        if ( !first )
            fputc(',', f);
        xl_json_str(f, n);
        first = false;
    }
    fputc(']', f);
}

void xl_json_fs(FILE *f, const struct xl_fs *fs)
{
    char buf[XL_FS_STRLEN];

    xl_fs_format(fs, buf);
    xl_json_str(f, buf);
}

static const struct {
    const char *result, *meaning;
} exits[] = {
    [XL_EXIT_OK] = { "ok", "success" },
    [XL_EXIT_ERROR] = { "internal-error", "internal error" },
    [XL_EXIT_USAGE] = { "usage", "usage error" },
    [XL_EXIT_INPUT] = { "bad-input", "bad input: missing or unreadable "
                        "file, syntax, unknown or duplicate key, bad value" },
    [XL_EXIT_HONOUR] = { "cannot-honour", "cannot honour: the host (or "
                         "the target) lacks features of the level (or of "
                         "the source)" },
    [XL_EXIT_ENFORCE] = { "cannot-enforce", "cannot enforce: PV leaves "
                          "differ and Xen has neither CPUID faulting nor "
                          "their masking MSR" },
    [XL_EXIT_VENDOR] = { "vendor-mismatch", "the level is for another "
                         "CPU vendor" },
    [XL_EXIT_XEN] = { "xen-error", "Xen unreachable, Xen refused the "
                      "policy, or xl's lock stayed busy" },
    [XL_EXIT_NOSYSCTL] = { "unpatched-hypervisor", "this Xen has no "
                           "XEN_SYSCTL_set_cpu_policy" },
    [XL_EXIT_XS] = { "xenstore", "xenstore unreachable, untrusted node "
                     "or oversized value" },
    [XL_EXIT_STALE] = { "stale-generation", "the level is older than the "
                        "persisted one (generation rule)" },
    [XL_EXIT_GATE] = { "held", "guests held back on an unlevelled host" },
    [XL_EXIT_NOT_LEVELLED] = { "not-levelled", "the host is not levelled" },
    [XL_EXIT_NO_LEVEL] = { "no-level", "no level at all" },
    [XL_EXIT_NOT_PERSISTED] = { "not-persisted", "installed in Xen but not "
                                "persisted" },
    [XL_EXIT_DENIED] = { "denied", "Xen denied the sysctl (XSM/Flask or "
                         "interface version)" },
    [XL_EXIT_NOHVM] = { "no-hvm", "this Xen cannot take an HVM default "
                        "policy" },
    [XL_EXIT_READBACK] = { "readback-mismatch", "Xen's defaults were "
                           "changed but read back other than the level "
                           "(not persisted)" },
    [XL_EXIT_PERSIST_DAMAGED] = { "persisted-damaged", "the persisted "
                                  "level is damaged and no site level may "
                                  "replace it" },
};

const char *xl_exit_result(int rc)
{
    if ( rc < 0 || (size_t)rc >= sizeof(exits) / sizeof(exits[0]) ||
         !exits[rc].result )
        return "unknown";
    return exits[rc].result;
}

const char *xl_exit_meaning(int rc)
{
    if ( rc < 0 || (size_t)rc >= sizeof(exits) / sizeof(exits[0]) ||
         !exits[rc].meaning )
        return "unknown exit code";
    return exits[rc].meaning;
}

void xl_json_begin(FILE *f, const char *cmd)
{
    fputs("{\"command\":", f);
    xl_json_str(f, cmd);
}

void xl_json_end(FILE *f, int rc)
{
    const char *e = log_last_error();

    if ( rc && e && *e )
    {
        fputs(",\"error\":", f);
        xl_json_str(f, e);
    }
    fprintf(f, ",\"exit\":%d,\"result\":", rc);
    xl_json_str(f, xl_exit_result(rc));
    fputs(",\"meaning\":", f);
    xl_json_str(f, xl_exit_meaning(rc));
    fputs("}\n", f);
    fflush(f);
    emitted = true;
}

void xl_json_fallback(FILE *f, const char *cmd, int rc)
{
    if ( !xl_json_mode || emitted )
        return;
    xl_json_begin(f, cmd);
    xl_json_end(f, rc);
}

void xl_json_report(FILE *f, const struct xl_host_report *r)
{
    unsigned int i;
    bool first = true;

    fputs(",\"host\":{\"name\":", f);
    xl_json_str(f, r->name);
    fputs(",\"vendor\":", f);
    xl_json_str(f, r->vendor);
    fprintf(f, ",\"family\":%u,\"model\":%u,\"stepping\":%u", r->family,
            r->model, r->stepping);
    fputs(",\"xen_version\":", f);
    xl_json_str(f, r->xen_version);
    fputs(",\"levelling_caps\":[", f);
    for ( i = 0; i < XL_CAP_NR; i++ )
        if ( r->caps & (1U << i) )
        {
            if ( !first )
                fputc(',', f);
            xl_json_str(f, xl_cap_name(i));
            first = false;
        }
    fprintf(f, "],\"hvm\":%s,\"featureset\":{\"host\":",
            r->has_hvm ? "true" : "false");
    xl_json_fs(f, &r->host);
    fputs(",\"pv_default\":", f);
    xl_json_fs(f, &r->pv_def);
    fputs(",\"hvm_default\":", f);
    xl_json_fs(f, &r->hvm_def);
    fputs(",\"pv_max\":", f);
    xl_json_fs(f, &r->pv_max);
    fputs(",\"hvm_max\":", f);
    xl_json_fs(f, &r->hvm_max);
    fputs("}}", f);
}

void xl_json_level(FILE *f, const char *key, const struct xl_level *l,
                   const char *source)
{
    fprintf(f, ",\"%s\":{\"name\":", key);
    xl_json_str(f, l->name);
    fprintf(f, ",\"generation\":%" PRIu64 ",\"vendor\":", l->generation);
    xl_json_str(f, l->vendor);
    if ( source )
    {
        fputs(",\"source\":", f);
        xl_json_str(f, source);
    }
    fputs(",\"pv\":", f);
    xl_json_fs(f, &l->pv);
    fputs(",\"hvm\":", f);
    if ( l->has_hvm )
        xl_json_fs(f, &l->hvm);
    else
        fputs("null", f);
    fputc('}', f);
}

const char *xl_verdict_name(enum xl_verdict v)
{
    switch ( v )
    {
    case XL_VERDICT_OK: return "ok";
    case XL_VERDICT_VENDOR: return "vendor-mismatch";
    case XL_VERDICT_HONOUR: return "cannot-honour";
    case XL_VERDICT_ENFORCE: return "cannot-enforce";
    }
    return "unknown";
}

static void json_words(FILE *f, uint32_t words)
{
    unsigned int w;
    bool first = true;

    fputc('[', f);
    for ( w = 0; w < XL_FS_WORDS; w++ )
        if ( words & (1U << w) )
        {
            if ( !first )
                fputc(',', f);
            xl_json_str(f, xl_fs_word(w)->abbr);
            first = false;
        }
    fputc(']', f);
}

void xl_json_check(FILE *f, const struct xl_host_report *h,
                   const struct xl_level *l, const char *source,
                   const struct xl_check *res, enum xl_verdict v,
                   const char *reason)
{
    fputs(",\"host\":", f);
    xl_json_str(f, h->name);
    fputs(",\"host_vendor\":", f);
    xl_json_str(f, h->vendor);
    xl_json_level(f, "level", l, source);
    fputs(",\"verdict\":", f);
    xl_json_str(f, xl_verdict_name(v));
    fprintf(f, ",\"honour\":%s,\"enforce\":%s",
            res->vendor_ok && xl_fs_empty(&res->pv_missing) &&
            xl_fs_empty(&res->hvm_missing) && !res->hvm_unavailable ?
            "true" : "false",
            res->pv_unenforced ? "false" : "true");
    fputs(",\"pv_missing\":", f);
    xl_json_names(f, &res->pv_missing);
    fputs(",\"hvm_missing\":", f);
    xl_json_names(f, &res->hvm_missing);
    fprintf(f, ",\"hvm_unavailable\":%s,\"pv_leaves_differ\":",
            res->hvm_unavailable ? "true" : "false");
    json_words(f, res->pv_differs);
    fputs(",\"pv_leaves_unenforced\":", f);
    json_words(f, res->pv_unenforced);
    fputs(",\"reason\":", f);
    xl_json_str(f, v == XL_VERDICT_OK ? "" : reason);
}

static void json_default(FILE *f, const char *key, const struct xl_policy *cur,
                         const struct xl_policy *want)
{
    struct xl_fs c, w, d;

    xl_policy_to_fs(cur, &c);
    xl_policy_to_fs(want, &w);
    fprintf(f, ",\"%s\":{\"current\":", key);
    xl_json_fs(f, &c);
    fputs(",\"new\":", f);
    xl_json_fs(f, &w);
    fputs(",\"added\":", f);
    xl_fs_minus(&d, &w, &c);
    xl_json_names(f, &d);
    fputs(",\"removed\":", f);
    xl_fs_minus(&d, &c, &w);
    xl_json_names(f, &d);
    fputc('}', f);
}

void xl_json_apply(FILE *f, const struct xl_level *l, const char *source,
                   bool dry, const struct xl_host *h,
                   const struct xl_apply_result *res, const char *diff,
                   int rc)
{
    /* Built: the new defaults exist (a verdict of ok, then a build). */
    bool built = h && res && res->verdict == XL_VERDICT_OK &&
                 (rc == XL_EXIT_OK || !dry) && res->pv_new.nr_leaves;

    xl_json_begin(f, "apply");
    fprintf(f, ",\"dry_run\":%s", dry ? "true" : "false");
    if ( h )
    {
        fputs(",\"host\":", f);
        xl_json_str(f, h->rep.name);
    }
    if ( l )
        xl_json_level(f, "level", l, source);
    fprintf(f, ",\"changed\":%s", !rc && res && res->changed ? "true"
                                                              : "false");
    if ( res && h )
    {
        fputs(",\"verdict\":", f);
        xl_json_str(f, xl_verdict_name(res->verdict));
    }
    if ( built )
    {
        json_default(f, "pv_default", &h->pol[XL_POL_PV_DEF], &res->pv_new);
        if ( res->hvm )
            json_default(f, "hvm_default", &h->pol[XL_POL_HVM_DEF],
                         &res->hvm_new);
        else
            fputs(",\"hvm_default\":null", f);
    }
    if ( diff )
    {
        fputs(",\"diff\":", f);
        xl_json_str(f, diff);
    }
    fputs(",\"reason\":", f);
    xl_json_str(f, res ? res->reason : "");
    xl_json_end(f, rc);
}
