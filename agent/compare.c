/*
 * compare.c - the migration pre-check (pure core).  See compare.h.
 */
#include <inttypes.h>
#include <string.h>

#include "apply.h"
#include "compare.h"
#include "json.h"
#include "xl-names.h"

static bool amd_like(const char *vendor)
{
    return !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");
}

void xl_compare_fs(const char *type, const char *src_vendor,
                   const struct xl_fs *src, const char *tgt_vendor,
                   const struct xl_fs *tgt, struct xl_cmp *out)
{
    memset(out, 0, sizeof(*out));
    out->type = type;
    out->vendor_ok = !strcmp(src_vendor, tgt_vendor);
    if ( !tgt )
    {
        out->unavailable = true;
        out->target_lacks = *src;
        return;
    }
    xl_fs_minus(&out->target_lacks, src, tgt);
    xl_fs_minus(&out->source_lacks, tgt, src);
    if ( amd_like(src_vendor) && out->vendor_ok )
    {
        out->target_lacks.w[2] &= ~(tgt->w[0] & CPUID_COMMON_1D_FEATURES);
        out->source_lacks.w[2] &= ~(src->w[0] & CPUID_COMMON_1D_FEATURES);
    }
    out->fits = out->vendor_ok && xl_fs_empty(&out->target_lacks);
}

void xl_compare_drop_topology(struct xl_cmp *c)
{
    static const unsigned int bits[] = { XL_BIT_HTT, XL_BIT_CMP_LEGACY };
    unsigned int i;

    for ( i = 0; i < sizeof(bits) / sizeof(bits[0]); i++ )
    {
        xl_fs_clear(&c->target_lacks, bits[i]);
        xl_fs_clear(&c->source_lacks, bits[i]);
    }
    c->fits = c->vendor_ok && !c->unavailable &&
              xl_fs_empty(&c->target_lacks);
}

unsigned int xl_compare_level(const struct xl_level *src,
                              const struct xl_host_report *r,
                              const struct xl_level *t,
                              struct xl_cmp out[2])
{
    const char *tv = r ? r->vendor : t->vendor;
    const struct xl_fs *thvm;

    xl_compare_fs("pv", src->vendor, &src->pv, tv, r ? &r->pv_max : &t->pv,
                  &out[0]);
    if ( !src->has_hvm )
        return 1;
    if ( r )
        thvm = r->has_hvm ? &r->hvm_max : NULL;
    else
        thvm = t->has_hvm ? &t->hvm : NULL;
    xl_compare_fs("hvm", src->vendor, &src->hvm, tv, thvm, &out[1]);
    return 2;
}

int xl_compare_exit(const struct xl_cmp *c, unsigned int nr)
{
    unsigned int i;
    int rc = XL_EXIT_OK;

    for ( i = 0; i < nr; i++ )
    {
        if ( !c[i].vendor_ok )
            return XL_EXIT_VENDOR;
        if ( !c[i].fits )
            rc = XL_EXIT_HONOUR;
    }
    return rc;
}

static void print_side(FILE *f, const struct xl_cmp_side *s)
{
    if ( !strcmp(s->kind, "domain") )
        fprintf(f, "domain %" PRIu32 " (%s)", s->domid,
                *s->name ? s->name : "?");
    else if ( !strcmp(s->kind, "level") )
        fprintf(f, "level %s generation %" PRIu64, s->name, s->generation);
    else
        fprintf(f, "host %s", s->name);
}

void xl_compare_print(FILE *f, const struct xl_cmp_side *src,
                      const struct xl_cmp_side *tgt, const struct xl_cmp *c)
{
    print_side(f, src);
    fprintf(f, " %s -> ", c->type);
    print_side(f, tgt);
    fprintf(f, "%s: ", strcmp(tgt->kind, "host") ? "" : " (max policy)");
    if ( !c->vendor_ok )
    {
        fprintf(f, "does not fit: vendor %s, target is %s\n", src->vendor,
                tgt->vendor);
        return;
    }
    if ( c->unavailable )
    {
        fprintf(f, "does not fit: the target has no %s guests\n", c->type);
        return;
    }
    fprintf(f, "%s\n", c->fits ? "fits" : "does not fit");
    if ( !xl_fs_empty(&c->target_lacks) )
    {
        fprintf(f, "  target lacks: ");
        xl_fs_print_names(f, &c->target_lacks);
        fputc('\n', f);
    }
    if ( !xl_fs_empty(&c->source_lacks) )
    {
        fprintf(f, "  source lacks (the target has more): ");
        xl_fs_print_names(f, &c->source_lacks);
        fputc('\n', f);
    }
}

void xl_compare_json_side(FILE *f, const char *key,
                          const struct xl_cmp_side *s)
{
    fprintf(f, ",\"%s\":{\"kind\":", key);
    xl_json_str(f, s->kind);
    fputs(",\"name\":", f);
    xl_json_str(f, s->name);
    fputs(",\"vendor\":", f);
    xl_json_str(f, s->vendor);
    if ( !strcmp(s->kind, "domain") )
        fprintf(f, ",\"domid\":%" PRIu32, s->domid);
    if ( !strcmp(s->kind, "level") )
        fprintf(f, ",\"generation\":%" PRIu64, s->generation);
    if ( s->file )
    {
        fputs(",\"file\":", f);
        xl_json_str(f, s->file);
    }
    fputc('}', f);
}

void xl_compare_json(FILE *f, const struct xl_cmp_side *src,
                     const struct xl_cmp *c)
{
    fputs("{\"source\":{\"kind\":", f);
    xl_json_str(f, src->kind);
    fputs(",\"name\":", f);
    xl_json_str(f, src->name);
    if ( !strcmp(src->kind, "domain") )
        fprintf(f, ",\"domid\":%" PRIu32, src->domid);
    fputs("},\"type\":", f);
    xl_json_str(f, c->type);
    fprintf(f, ",\"fits\":%s,\"vendor_ok\":%s,\"unavailable\":%s",
            c->fits ? "true" : "false", c->vendor_ok ? "true" : "false",
            c->unavailable ? "true" : "false");
    fputs(",\"target_lacks\":", f);
    xl_json_names(f, &c->target_lacks);
    fputs(",\"source_lacks\":", f);
    xl_json_names(f, &c->source_lacks);
    fputc('}', f);
}
