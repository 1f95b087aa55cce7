/*
 * level.c - host reports and level files.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "inifile.h"
#include "level.h"
#include "policy.h"

int xl_generation_parse(const char *s, uint64_t *gen)
{
    uint64_t v = 0;
    const char *p;

    if ( !s || !*s || (s[0] == '0' && s[1]) )
        return -EINVAL;
    for ( p = s; *p; p++ )
    {
        if ( *p < '0' || *p > '9' )
            return -EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
        if ( v > XL_GENERATION_MAX )
            return -EINVAL;
    }
    *gen = v;
    return 0;
}

bool xl_name_valid(const char *name)
{
    size_t n;

    if ( !name || !*name || name[0] == '.' || name[0] == '-' )
        return false;
    n = strlen(name);
    return n < XL_NAME_MAX &&
           strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789._-+:@") == n;
}

/* A value quoted in a message: printable ASCII, the rest as '?'. */
static const char *printable(const char *s, char *buf, size_t len)
{
    size_t i;

    for ( i = 0; s[i] && i + 1 < len; i++ )
        buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    buf[i] = '\0';
    return buf;
}

static const char *const cap_names[XL_CAP_NR] = {
    "faulting", "ecx", "edx", "extd_ecx", "extd_edx", "xsave_eax",
    "thermal_ecx", "l7s0_eax", "l7s0_ebx",
};

const char *xl_cap_name(unsigned int bit)
{
    return bit < XL_CAP_NR ? cap_names[bit] : NULL;
}

int xl_caps_parse(const char *s, uint32_t *caps, char *bad, size_t badlen)
{
    *caps = 0;
    while ( *s )
    {
        const char *e;
        unsigned int i;
        size_t n;

        while ( isspace((unsigned char)*s) )
            s++;
        if ( !*s )
            break;
        for ( e = s; *e && !isspace((unsigned char)*e); e++ )
            ;
        n = (size_t)(e - s);
        for ( i = 0; i < XL_CAP_NR; i++ )
            if ( strlen(cap_names[i]) == n && !strncmp(cap_names[i], s, n) )
                break;
        if ( i == XL_CAP_NR )
        {
            snprintf(bad, badlen, "%.*s", (int)n, s);
            return -EINVAL;
        }
        *caps |= 1U << i;
        s = e;
    }
    return 0;
}

void xl_caps_print(FILE *f, uint32_t caps)
{
    unsigned int i;
    bool first = true;

    for ( i = 0; i < XL_CAP_NR; i++ )
        if ( caps & (1U << i) )
        {
            fprintf(f, "%s%s", first ? "" : " ", cap_names[i]);
            first = false;
        }
}

static int get_fs(const struct xl_ini *ini, const char *section,
                  const char *key, const struct xl_parse_opts *opts,
                  struct xl_fs *fs, struct xl_err *err)
{
    const struct xl_ini_entry *e = xl_ini_get(ini, section, key);
    unsigned int bad = 0;
    int rc;

    memset(fs, 0, sizeof(*fs));
    if ( !e )
        return 0;
    rc = xl_fs_parse(e->value, fs, opts && opts->allow_extra_words, &bad);
    switch ( rc )
    {
    case 0:
        return 0;
    case -ENODATA:
        return xl_ini_bad(ini, e, err, "empty featureset");
    case -E2BIG:
        return xl_ini_bad(ini, e, err,
                          "featureset has %u words, this build knows %u "
                          "(set extra_words = ignore in the site config to "
                          "drop the extra words)", bad, XL_FS_WORDS);
    default:
        return xl_ini_bad(ini, e, err,
                          "featureset word %u is not an 8-digit hex number",
                          bad);
    }
}

static int get_str(const struct xl_ini *ini, const char *section,
                   const char *key, char *buf, size_t len, bool nonempty,
                   struct xl_err *err)
{
    const struct xl_ini_entry *e = xl_ini_get(ini, section, key);

    buf[0] = '\0';
    if ( !e )
        return 0;
    if ( strlen(e->value) >= len )
        return xl_ini_bad(ini, e, err, "value longer than %zu characters",
                          len - 1);
    if ( nonempty && !e->value[0] )
        return xl_ini_bad(ini, e, err, "empty value");
    strcpy(buf, e->value);
    return 0;
}

static int check_vendor(const struct xl_ini *ini, const char *section,
                        const char *vendor, struct xl_err *err)
{
    const char *p;

    for ( p = vendor; *p; p++ )
        if ( !isalnum((unsigned char)*p) )
            return xl_ini_bad(ini, xl_ini_get(ini, section, "vendor"), err,
                              "vendor '%s' is not a CPUID vendor string "
                              "such as AuthenticAMD or GenuineIntel", vendor);
    return 0;
}

static const struct xl_ini_schema report_schema[] = {
    { "host", "name", true },
    { "host", "vendor", true },
    { "host", "family", false },
    { "host", "model", false },
    { "host", "stepping", false },
    { "host", "xen_version", true },
    { "host", "levelling_caps", true },
    { "featureset", "host", true },
    { "featureset", "pv_default", true },
    { "featureset", "hvm_default", true },
    { "featureset", "pv_max", true },
    { "featureset", "hvm_max", true },
    { "featureset", "raw", false },
    { "features", "host", false },
    { "features", "pv_default", false },
    { "features", "hvm_default", false },
};

/* Integers are decimal, with the generation's rule (xl_generation_parse). */
static int get_uint(const struct xl_ini *ini, const char *section,
                    const char *key, uint64_t max, uint64_t *val,
                    struct xl_err *err)
{
    const struct xl_ini_entry *e = xl_ini_get(ini, section, key);
    char buf[40];
    uint64_t v;

    *val = 0;
    if ( !e )
        return 0;
    if ( xl_generation_parse(e->value, &v) || v > max )
        return xl_ini_bad(ini, e, err,
                          "'%s' is not a decimal integer in 0..%" PRIu64
                          " (digits only, no sign or leading zero)",
                          printable(e->value, buf, sizeof(buf)), max);
    *val = v;
    return 0;
}

static int get_name(const struct xl_ini *ini, const char *section,
                    char *buf, size_t len, struct xl_err *err)
{
    const struct xl_ini_entry *e;
    char shown[XL_NAME_MAX + 8];
    int rc;

    if ( (rc = get_str(ini, section, "name", buf, len, true, err)) )
        return rc;
    e = xl_ini_get(ini, section, "name");
    if ( e && !xl_name_valid(buf) )
        return xl_ini_bad(ini, e, err,
                          "'%s' is not a valid name (A-Z a-z 0-9 . _ - + : @, "
                          "not starting with '.' or '-')",
                          printable(buf, shown, sizeof(shown)));
    return 0;
}

int xl_report_parse(const char *name, const char *text,
                    const struct xl_parse_opts *opts,
                    struct xl_host_report *r, struct xl_err *err)
{
    struct xl_ini ini;
    const struct xl_ini_entry *e;
    uint64_t v;
    char bad[64];
    int rc;

    memset(r, 0, sizeof(*r));
    rc = xl_ini_parse(name, text, report_schema,
                      sizeof(report_schema) / sizeof(report_schema[0]),
                      &ini, err);
    if ( rc )
        return rc;

    if ( (rc = get_name(&ini, "host", r->name, sizeof(r->name), err)) ||
         (rc = get_str(&ini, "host", "vendor", r->vendor, sizeof(r->vendor),
                       true, err)) ||
         (rc = check_vendor(&ini, "host", r->vendor, err)) ||
         (rc = get_str(&ini, "host", "xen_version", r->xen_version,
                       sizeof(r->xen_version), false, err)) ||
         (rc = get_uint(&ini, "host", "family", 0xfff, &v, err)) )
        goto out;
    r->family = (unsigned int)v;
    if ( (rc = get_uint(&ini, "host", "model", 0xff, &v, err)) )
        goto out;
    r->model = (unsigned int)v;
    if ( (rc = get_uint(&ini, "host", "stepping", 0xf, &v, err)) )
        goto out;
    r->stepping = (unsigned int)v;

    e = xl_ini_get(&ini, "host", "levelling_caps");
    if ( xl_caps_parse(e->value, &r->caps, bad, sizeof(bad)) )
    {
        rc = xl_ini_bad(&ini, e, err, "unknown levelling cap '%s'", bad);
        goto out;
    }

    if ( (rc = get_fs(&ini, "featureset", "host", opts, &r->host, err)) ||
         (rc = get_fs(&ini, "featureset", "pv_default", opts, &r->pv_def,
                      err)) ||
         (rc = get_fs(&ini, "featureset", "hvm_default", opts, &r->hvm_def,
                      err)) ||
         (rc = get_fs(&ini, "featureset", "pv_max", opts, &r->pv_max,
                      err)) ||
         (rc = get_fs(&ini, "featureset", "hvm_max", opts, &r->hvm_max,
                      err)) )
        goto out;
    r->has_hvm = !xl_fs_empty(&r->hvm_max);
    if ( xl_ini_get(&ini, "featureset", "raw") )
    {
        if ( (rc = get_fs(&ini, "featureset", "raw", opts, &r->raw, err)) )
            goto out;
        r->has_raw = true;
    }
 out:
    xl_ini_free(&ini);
    return rc;
}

int xl_report_load(const char *path, const struct xl_parse_opts *opts,
                   struct xl_host_report *r, struct xl_err *err)
{
    char *text = NULL;
    size_t len;
    int rc;

    rc = xl_read_file(path, &text, &len, err);
    if ( !rc )
        rc = xl_report_parse(path, text, opts, r, err);
    free(text);
    return rc;
}

static void write_fs(FILE *f, const char *key, const struct xl_fs *fs)
{
    char buf[XL_FS_STRLEN];

    xl_fs_format(fs, buf);
    fprintf(f, "%s = %s\n", key, buf);
}

static void write_names(FILE *f, const char *key, const struct xl_fs *fs)
{
    fprintf(f, "%s = ", key);
    xl_fs_print_names(f, fs);
    fputc('\n', f);
}

void xl_report_write(FILE *f, const struct xl_host_report *r)
{
    fprintf(f, "; xenlevel host report\n[host]\n");
    fprintf(f, "name = %s\nvendor = %s\nfamily = %u\nmodel = %u\n"
            "stepping = %u\nxen_version = %s\nlevelling_caps = ",
            r->name, r->vendor, r->family, r->model, r->stepping,
            r->xen_version);
    xl_caps_print(f, r->caps);
    fprintf(f, "\n\n[featureset]\n");
    write_fs(f, "host", &r->host);
    write_fs(f, "pv_default", &r->pv_def);
    write_fs(f, "hvm_default", &r->hvm_def);
    write_fs(f, "pv_max", &r->pv_max);
    write_fs(f, "hvm_max", &r->hvm_max);
    if ( r->has_raw )
        write_fs(f, "raw", &r->raw);
    fprintf(f, "\n; Informative only: the words above are authoritative.\n"
            "[features]\n");
    write_names(f, "host", &r->host);
    write_names(f, "pv_default", &r->pv_def);
    write_names(f, "hvm_default", &r->hvm_def);
}

static const struct xl_ini_schema level_schema[] = {
    { "level", "name", true },
    { "level", "generation", true },
    { "level", "vendor", true },
    { "level", "hosts", false },
    { "level", "comment", false },
    { "pv", "featureset", true },
    { "pv", "features", false },
    { "hvm", "featureset", false },
    { "hvm", "features", false },
};

int xl_level_parse(const char *name, const char *text,
                   const struct xl_parse_opts *opts, struct xl_level *l,
                   struct xl_err *err)
{
    struct xl_ini ini;
    int rc;

    memset(l, 0, sizeof(*l));
    rc = xl_ini_parse(name, text, level_schema,
                      sizeof(level_schema) / sizeof(level_schema[0]),
                      &ini, err);
    if ( rc )
        return rc;
    if ( (rc = get_name(&ini, "level", l->name, sizeof(l->name), err)) ||
         (rc = get_str(&ini, "level", "vendor", l->vendor,
                       sizeof(l->vendor), true, err)) ||
         (rc = check_vendor(&ini, "level", l->vendor, err)) ||
         (rc = get_uint(&ini, "level", "generation", XL_GENERATION_MAX,
                        &l->generation, err)) ||
         (rc = get_fs(&ini, "pv", "featureset", opts, &l->pv, err)) )
        goto out;
    if ( xl_ini_has_section(&ini, "hvm") )
    {
        const struct xl_ini_entry *e = xl_ini_get(&ini, "hvm", "featureset");

        if ( !e )
        {
            xl_err_set(err, name, xl_ini_section_line(&ini, "hvm"),
                       "hvm.featureset",
                       "[hvm] section without a featureset key");
            rc = -EINVAL;
            goto out;
        }
        if ( (rc = get_fs(&ini, "hvm", "featureset", opts, &l->hvm, err)) )
            goto out;
        l->has_hvm = true;
    }
 out:
    xl_ini_free(&ini);
    return rc;
}

int xl_level_load(const char *path, const struct xl_parse_opts *opts,
                  struct xl_level *l, struct xl_err *err)
{
    char *text = NULL;
    size_t len;
    int rc;

    rc = xl_read_file(path, &text, &len, err);
    if ( !rc )
        rc = xl_level_parse(path, text, opts, l, err);
    free(text);
    return rc;
}

void xl_level_write(FILE *f, const struct xl_level *l)
{
    fprintf(f, "; xenlevel pool level\n[level]\nname = %s\n"
            "generation = %" PRIu64 "\nvendor = %s\n",
            l->name, l->generation, l->vendor);
    fprintf(f, "\n[pv]\n");
    write_fs(f, "featureset", &l->pv);
    write_names(f, "features", &l->pv);
    if ( l->has_hvm )
    {
        fprintf(f, "\n[hvm]\n");
        write_fs(f, "featureset", &l->hvm);
        write_names(f, "features", &l->hvm);
    }
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void xl_level_write_hosts(FILE *f, const struct xl_host_report *hosts,
                          unsigned int nr)
{
    const char **names = calloc(nr ? nr : 1, sizeof(*names));
    uint64_t h = 0xcbf29ce484222325ULL;     /* FNV-1a, 64 bits */
    unsigned int i;
    const char *p;

    fprintf(f, "; computed from %u host report%s:", nr, nr == 1 ? "" : "s");
    for ( i = 0; i < nr && i < XL_HOSTS_NAMED; i++ )
        fprintf(f, " %s", hosts[i].name);
    if ( nr > XL_HOSTS_NAMED )
        fprintf(f, " and %u more", nr - XL_HOSTS_NAMED);
    fputc('\n', f);
    /* Every name is written already: the comment is as it always was. */
    if ( nr <= XL_HOSTS_NAMED || !names )
    {
        free(names);
        return;
    }
    for ( i = 0; i < nr; i++ )
        names[i] = hosts[i].name;
    qsort(names, nr, sizeof(*names), cmp_name);
    for ( i = 0; i < nr; i++ )
        for ( p = names[i]; ; p++ )
        {
            /* Each name with its terminating NUL, so "a","bc" != "ab","c". */
            h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
            if ( !*p )
                break;
        }
    fprintf(f, "; host names (sorted) FNV-1a-64: %016" PRIx64 "\n", h);
    free(names);
}
