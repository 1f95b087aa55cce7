/*
 * check.c - pool levels and whether a host can honour and enforce one.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "policy.h"
#include "xl-names.h"

int xl_compute(const struct xl_host_report *hosts, unsigned int nr,
               const struct xl_fs *mask, struct xl_level *out,
               struct xl_err *err)
{
    struct xl_fs pv_all, pv_any = { { 0 } }, hvm_all, hvm_any = { { 0 } };
    unsigned int i, nr_hvm = 0;

    memset(out, 0, sizeof(*out));
    if ( nr == 0 )
    {
        xl_err_set(err, NULL, 0, NULL, "no host reports");
        return -EINVAL;
    }
    memset(&pv_all, 0xff, sizeof(pv_all));
    memset(&hvm_all, 0xff, sizeof(hvm_all));
    for ( i = 0; i < nr; i++ )
    {
        if ( strcmp(hosts[i].vendor, hosts[0].vendor) )
        {
            xl_err_set(err, NULL, 0, NULL,
                       "mixed vendors: host %s is %s but host %s is %s",
                       hosts[0].name, hosts[0].vendor, hosts[i].name,
                       hosts[i].vendor);
            return -EINVAL;
        }
        xl_fs_and(&pv_all, &hosts[i].pv_def);
        xl_fs_or(&pv_any, &hosts[i].pv_def);
        if ( hosts[i].has_hvm )
        {
            xl_fs_and(&hvm_all, &hosts[i].hvm_def);
            xl_fs_or(&hvm_any, &hosts[i].hvm_def);
            nr_hvm++;
        }
    }
    snprintf(out->vendor, sizeof(out->vendor), "%s", hosts[0].vendor);

    xl_fs_pool(&pv_all, &pv_any, &out->pv);
    if ( mask )
        xl_fs_andnot(&out->pv, mask);
    xl_fs_apply_deep_deps(&out->pv);

    if ( nr_hvm )
    {
        xl_fs_pool(&hvm_all, &hvm_any, &out->hvm);
        if ( mask )
            xl_fs_andnot(&out->hvm, mask);
        xl_fs_apply_deep_deps(&out->hvm);
        out->has_hvm = true;
    }
    if ( xl_fs_empty(&out->pv) )
    {
        xl_err_set(err, NULL, 0, NULL, "the pool level is empty");
        return -EINVAL;
    }
    return 0;
}

const struct xl_fs *xl_fs_may_exceed_default(void)
{
    static struct xl_fs fs;
    static bool done;

    if ( !done )
    {
        fs = *xl_fs_accumulated();
        xl_fs_set(&fs, XL_BIT_RSBA);
        xl_fs_set(&fs, XL_BIT_RRSBA);
        done = true;
    }
    return &fs;
}

/* Level features a host lacks: not in its default, nor allowed via max. */
static void missing(const struct xl_fs *level, const struct xl_fs *def,
                    const struct xl_fs *max, struct xl_fs *out)
{
    struct xl_fs ok = *xl_fs_may_exceed_default();

    xl_fs_and(&ok, max);
    xl_fs_or(&ok, def);
    xl_fs_minus(out, level, &ok);
}

uint32_t xl_word_cap(unsigned int word)
{
    static const struct {
        uint32_t leaf, subleaf;
        char reg;
        uint32_t cap;
    } caps[] = {
        { 0x1, XL_NO_SUBLEAF, 'd', XL_CAP_EDX },
        { 0x1, XL_NO_SUBLEAF, 'c', XL_CAP_ECX },
        { 0x80000001, XL_NO_SUBLEAF, 'd', XL_CAP_EXTD_EDX },
        { 0x80000001, XL_NO_SUBLEAF, 'c', XL_CAP_EXTD_ECX },
        { 0xd, 1, 'a', XL_CAP_XSAVE_EAX },
        { 0x7, 0, 'b', XL_CAP_L7S0_EBX },
    };
    const struct xl_word_info *wi = xl_fs_word(word);
    unsigned int i;

    if ( !wi || wi->reg == 'm' )
        return 0;   /* MSRs: a PV guest's RDMSR always traps to Xen. */
    for ( i = 0; i < sizeof(caps) / sizeof(caps[0]); i++ )
        if ( caps[i].leaf == wi->leaf && caps[i].subleaf == wi->subleaf &&
             caps[i].reg == wi->reg )
            return caps[i].cap;
    return ~0U;
}

void xl_check(const struct xl_host_report *host, const struct xl_level *l,
              struct xl_check *res)
{
    unsigned int w;

    memset(res, 0, sizeof(*res));
    res->caps = host->caps;
    res->vendor_ok = strcmp(host->vendor, l->vendor) == 0;
    missing(&l->pv, &host->pv_def, &host->pv_max, &res->pv_missing);
    if ( l->has_hvm && host->has_hvm )
    {
        missing(&l->hvm, &host->hvm_def, &host->hvm_max, &res->hvm_missing);
        res->hvm_checked = true;
    }
    else if ( l->has_hvm )
        res->hvm_unavailable = true;

    for ( w = 0; w < XL_FS_WORDS; w++ )
    {
        const struct xl_fs *native = host->has_raw ? &host->raw : &host->host;
        uint32_t cap;

        if ( l->pv.w[w] == host->pv_def.w[w] )
            continue;
        res->pv_differs |= 1U << w;
        /*
         * PV user mode runs CPUID natively: it sees the hardware's bits,
         * less what a masking MSR hides.  Only a hidden bit that the
         * hardware reports needs enforcing; bits Xen synthesises (not in
         * raw) and bits the level adds are invisible to native CPUID.
         */
        cap = xl_word_cap(w);
        if ( cap != 0 && !(host->pv_def.w[w] & ~l->pv.w[w] & native->w[w]) )
        {
            res->pv_native_ok |= 1U << w;
            continue;
        }
        if ( host->caps & XL_CAP_FAULTING )
            continue;
        if ( cap == 0 || (cap != ~0U && (host->caps & cap)) )
            continue;
        res->pv_unenforced |= 1U << w;
    }
}

enum xl_verdict xl_check_verdict(const struct xl_check *res,
                                 bool missing_allow, bool pv_enforce_allow)
{
    if ( !res->vendor_ok )
        return XL_VERDICT_VENDOR;
    if ( !missing_allow && (!xl_fs_empty(&res->pv_missing) ||
                            !xl_fs_empty(&res->hvm_missing)) )
        return XL_VERDICT_HONOUR;
    if ( !pv_enforce_allow && res->pv_unenforced )
        return XL_VERDICT_ENFORCE;
    return XL_VERDICT_OK;
}

static void print_words(FILE *f, uint32_t words)
{
    unsigned int w;
    bool first = true;

    for ( w = 0; w < XL_FS_WORDS; w++ )
        if ( words & (1U << w) )
        {
            fprintf(f, "%s%s", first ? "" : ", ", xl_fs_word(w)->desc);
            first = false;
        }
}

void xl_check_reason(const struct xl_check *res, enum xl_verdict v,
                     char *buf, size_t len)
{
    FILE *f = fmemopen(buf, len, "w");

    if ( !f )
    {
        snprintf(buf, len, "(out of memory)");
        return;
    }
    switch ( v )
    {
    case XL_VERDICT_OK:
        fprintf(f, "ok");
        break;
    case XL_VERDICT_VENDOR:
        fprintf(f, "vendor mismatch");
        break;
    case XL_VERDICT_HONOUR:
        fprintf(f, "cannot honour: host lacks");
        if ( !xl_fs_empty(&res->pv_missing) )
        {
            fprintf(f, " pv: ");
            xl_fs_print_names(f, &res->pv_missing);
        }
        if ( !xl_fs_empty(&res->hvm_missing) )
        {
            fprintf(f, "%shvm: ",
                    xl_fs_empty(&res->pv_missing) ? " " : "; ");
            xl_fs_print_names(f, &res->hvm_missing);
        }
        break;
    case XL_VERDICT_ENFORCE:
        fprintf(f, "cannot enforce for PV (no CPUID faulting, no masking "
                "MSR): ");
        print_words(f, res->pv_unenforced);
        break;
    }
    fclose(f);
}

void xl_check_print(FILE *f, const struct xl_host_report *host,
                    const struct xl_level *l, const struct xl_check *res)
{
    unsigned int w;

    fprintf(f, "host %s (%s), level %s generation %llu (%s)\n", host->name,
            host->vendor, l->name, (unsigned long long)l->generation,
            l->vendor);
    if ( !res->vendor_ok )
    {
        fprintf(f, "vendor: MISMATCH: host is %s, level is for %s\n",
                host->vendor, l->vendor);
        return;
    }
    fprintf(f, "vendor: ok\n");
    if ( xl_fs_empty(&res->pv_missing) )
        fprintf(f, "pv features: ok (host has every feature of the level)\n");
    else
    {
        fprintf(f, "pv features: MISSING: ");
        xl_fs_print_names(f, &res->pv_missing);
        fputc('\n', f);
    }
    if ( res->hvm_unavailable )
        fprintf(f, "hvm features: n/a (this host has no HVM; the level's "
                "HVM part is not used here)\n");
    else if ( !res->hvm_checked )
        fprintf(f, "hvm features: n/a (the level has no HVM part)\n");
    else if ( xl_fs_empty(&res->hvm_missing) )
        fprintf(f, "hvm features: ok\n");
    else
    {
        fprintf(f, "hvm features: MISSING: ");
        xl_fs_print_names(f, &res->hvm_missing);
        fputc('\n', f);
    }
    fprintf(f, "pv enforcement: CPUID faulting %s; masking caps: ",
            (res->caps & XL_CAP_FAULTING) ? "available" : "not available");
    if ( res->caps & ~XL_CAP_FAULTING )
        xl_caps_print(f, res->caps & ~XL_CAP_FAULTING);
    else
        fprintf(f, "none");
    fputc('\n', f);
    if ( !res->pv_differs )
        fprintf(f, "  no PV leaf differs from this host's PV default\n");
    for ( w = 0; w < XL_FS_WORDS; w++ )
    {
        const struct xl_word_info *wi = xl_fs_word(w);
        uint32_t cap = xl_word_cap(w);
        struct xl_fs diff = { { 0 } };

        if ( !(res->pv_differs & (1U << w)) )
            continue;
        fprintf(f, "  %-24s %-5s differs (", wi->desc, wi->abbr);
        diff.w[w] = host->pv_def.w[w] & ~l->pv.w[w];
        if ( diff.w[w] )
        {
            fprintf(f, "hides ");
            xl_fs_print_names(f, &diff);
        }
        diff.w[w] = l->pv.w[w] & ~host->pv_def.w[w];
        if ( diff.w[w] )
        {
            fprintf(f, "%sadds ", host->pv_def.w[w] & ~l->pv.w[w] ? "; " : "");
            xl_fs_print_names(f, &diff);
        }
        fprintf(f, "): ");
        if ( res->pv_native_ok & (1U << w) )
            fprintf(f, "nothing to enforce (the hardware's CPUID reports "
                    "none of the hidden bits)\n");
        else if ( res->caps & XL_CAP_FAULTING )
            fprintf(f, "enforced by CPUID faulting\n");
        else if ( cap == 0 )
            fprintf(f, "enforced (a PV guest's RDMSR traps to Xen)\n");
        else if ( cap != ~0U && (res->caps & cap) )
        {
            unsigned int b = 0;

            while ( !(cap & (1U << b)) )
                b++;
            fprintf(f, "enforced by masking (%s)\n", xl_cap_name(b));
        }
        else if ( cap == ~0U )
            fprintf(f, "NOT ENFORCEABLE: no masking MSR exists for this "
                    "leaf and no CPUID faulting\n");
        else
        {
            unsigned int b = 0;

            while ( !(cap & (1U << b)) )
                b++;
            fprintf(f, "NOT ENFORCEABLE: host lacks the %s masking cap and "
                    "CPUID faulting\n", xl_cap_name(b));
        }
    }
}
