/*
 * policy.c - CPU policies as plain data: featureset <-> leaves.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "err.h"
#include "policy.h"

struct xl_leaf *xl_policy_leaf(struct xl_policy *p, uint32_t leaf,
                               uint32_t subleaf)
{
    uint32_t i;

    for ( i = 0; i < p->nr_leaves && i < XL_MAX_LEAVES; i++ )
        if ( p->leaves[i].leaf == leaf && p->leaves[i].subleaf == subleaf )
            return &p->leaves[i];
    return NULL;
}

const struct xl_leaf *xl_policy_leaf_c(const struct xl_policy *p,
                                       uint32_t leaf, uint32_t subleaf)
{
    return xl_policy_leaf((struct xl_policy *)p, leaf, subleaf);
}

struct xl_msr *xl_policy_msr(struct xl_policy *p, uint32_t idx)
{
    uint32_t i;

    for ( i = 0; i < p->nr_msrs && i < XL_MAX_MSRS; i++ )
        if ( p->msrs[i].idx == idx )
            return &p->msrs[i];
    return NULL;
}

static uint32_t *leaf_reg(struct xl_leaf *l, char reg)
{
    switch ( reg )
    {
    case 'a': return &l->a;
    case 'b': return &l->b;
    case 'c': return &l->c;
    default:  return &l->d;
    }
}

void xl_policy_to_fs(const struct xl_policy *p, struct xl_fs *fs)
{
    struct xl_policy *mp = (struct xl_policy *)p;
    unsigned int w;

    memset(fs, 0, sizeof(*fs));
    for ( w = 0; w < XL_FS_WORDS; w++ )
    {
        const struct xl_word_info *wi = xl_fs_word(w);

        if ( wi->reg == 'm' )
        {
            const struct xl_msr *m = xl_policy_msr(mp, wi->leaf);

            if ( m )
                fs->w[w] = (uint32_t)(m->val >> wi->shift);
        }
        else
        {
            struct xl_leaf *l = xl_policy_leaf(mp, wi->leaf, wi->subleaf);

            if ( l )
                fs->w[w] = *leaf_reg(l, wi->reg);
        }
    }
}

void xl_policy_identity(const struct xl_policy *p, char vendor[13],
                        unsigned int *family, unsigned int *model,
                        unsigned int *stepping)
{
    const struct xl_leaf *l0 = xl_policy_leaf_c(p, 0, XL_NO_SUBLEAF);
    const struct xl_leaf *l1 = xl_policy_leaf_c(p, 1, XL_NO_SUBLEAF);
    unsigned int fam = 0, mod = 0, step = 0;

    memset(vendor, 0, 13);
    if ( l0 )
    {
        memcpy(vendor, &l0->b, 4);
        memcpy(vendor + 4, &l0->d, 4);
        memcpy(vendor + 8, &l0->c, 4);
    }
    if ( l1 )
    {
        fam = (l1->a >> 8) & 0xf;
        mod = (l1->a >> 4) & 0xf;
        step = l1->a & 0xf;
        if ( fam == 0xf )
            fam += (l1->a >> 20) & 0xff;
        if ( fam >= 6 )
            mod |= ((l1->a >> 16) & 0xf) << 4;
    }
    *family = fam;
    *model = mod;
    *stepping = step;
}

int xl_policy_build(const struct xl_policy *cur, const struct xl_fs *fs,
                    const struct xl_fs *keep, struct xl_policy *out,
                    struct xl_err *err)
{
    unsigned int w;

    *out = *cur;
    for ( w = 0; w < XL_FS_WORDS; w++ )
    {
        const struct xl_word_info *wi = xl_fs_word(w);
        uint32_t k = keep ? keep->w[w] : 0;

        if ( wi->reg == 'm' )
        {
            struct xl_msr *m = xl_policy_msr(out, wi->leaf);
            uint64_t mask = (uint64_t)0xffffffffU << wi->shift;
            uint32_t old;

            if ( !m )
            {
                if ( fs->w[w] )
                {
                    xl_err_set(err, NULL, 0, wi->abbr,
                               "the policy has no MSR %#x (%s)", wi->leaf,
                               wi->desc);
                    return -ENOENT;
                }
                continue;
            }
            old = (uint32_t)(m->val >> wi->shift);
            m->val = (m->val & ~mask) |
                     ((uint64_t)((old & k) | (fs->w[w] & ~k)) << wi->shift);
        }
        else
        {
            struct xl_leaf *l = xl_policy_leaf(out, wi->leaf, wi->subleaf);
            uint32_t *r;

            if ( !l )
            {
                if ( fs->w[w] )
                {
                    xl_err_set(err, NULL, 0, wi->abbr,
                               "the policy has no leaf for %s", wi->desc);
                    return -ENOENT;
                }
                continue;
            }
            r = leaf_reg(l, wi->reg);
            *r = (*r & k) | (fs->w[w] & ~k);
        }
    }
    return 0;
}

static void add_leaf(struct xl_policy *p, uint32_t leaf, uint32_t subleaf)
{
    if ( xl_policy_leaf(p, leaf, subleaf) || p->nr_leaves == XL_MAX_LEAVES )
        return;
    p->leaves[p->nr_leaves].leaf = leaf;
    p->leaves[p->nr_leaves].subleaf = subleaf;
    p->nr_leaves++;
}

void xl_policy_synth(const char *vendor, unsigned int family,
                     unsigned int model, unsigned int stepping,
                     const struct xl_fs *fs, struct xl_policy *out)
{
    struct xl_leaf *l;
    char v[12] = { 0 };
    unsigned int w;

    memset(out, 0, sizeof(*out));
    memcpy(v, vendor, strnlen(vendor, sizeof(v)));
    add_leaf(out, 0, XL_NO_SUBLEAF);
    l = xl_policy_leaf(out, 0, XL_NO_SUBLEAF);
    l->a = 0xd;
    memcpy(&l->b, v, 4);
    memcpy(&l->d, v + 4, 4);
    memcpy(&l->c, v + 8, 4);
    add_leaf(out, 1, XL_NO_SUBLEAF);
    l = xl_policy_leaf(out, 1, XL_NO_SUBLEAF);
    if ( family >= 0xf )
        l->a = (0xfU << 8) | ((family - 0xf) << 20);
    else
        l->a = family << 8;
    l->a |= ((model & 0xf) << 4) | ((model >> 4) << 16) | (stepping & 0xf);
    for ( w = 0; w < XL_FS_WORDS; w++ )
    {
        const struct xl_word_info *wi = xl_fs_word(w);

        if ( wi->reg == 'm' )
        {
            if ( !xl_policy_msr(out, wi->leaf) )
                out->msrs[out->nr_msrs++].idx = wi->leaf;
        }
        else
            add_leaf(out, wi->leaf, wi->subleaf);
    }
    xl_policy_build(out, fs, NULL, out, NULL);
}

static void print_bits(FILE *f, unsigned int word, uint32_t added,
                       uint32_t removed)
{
    unsigned int b;

    for ( b = 0; b < 32; b++ )
    {
        uint32_t m = 1U << b;
        const char *n;

        if ( !((added | removed) & m) )
            continue;
        n = xl_fs_name(word * 32 + b);
        if ( n )
            fprintf(f, " %c%s", added & m ? '+' : '-', n);
        else
            fprintf(f, " %cw%ub%u", added & m ? '+' : '-', word, b);
    }
}

/* The featureset word stored in (leaf, subleaf, reg), or -1. */
static int word_of(uint32_t leaf, uint32_t subleaf, char reg)
{
    unsigned int w;

    for ( w = 0; w < XL_FS_WORDS; w++ )
    {
        const struct xl_word_info *wi = xl_fs_word(w);

        if ( wi->reg == reg && wi->leaf == leaf && wi->subleaf == subleaf )
            return (int)w;
    }
    return -1;
}

unsigned int xl_policy_diff(FILE *f, const char *prefix,
                            const struct xl_policy *a,
                            const struct xl_policy *b)
{
    static const char regs[] = "abcd";
    unsigned int i, r, lines = 0;

    for ( i = 0; i < b->nr_leaves && i < XL_MAX_LEAVES; i++ )
    {
        const struct xl_leaf *nl = &b->leaves[i];
        const struct xl_leaf *ol = xl_policy_leaf_c(a, nl->leaf,
                                                    nl->subleaf);
        struct xl_leaf zero = { 0 };
        const uint32_t *ov, *nv;

        if ( !ol )
            ol = &zero;
        ov = &ol->a;
        nv = &nl->a;
        for ( r = 0; r < 4; r++ )
        {
            int w;

            if ( ov[r] == nv[r] )
                continue;
            if ( nl->subleaf == XL_NO_SUBLEAF )
                fprintf(f, "%sleaf %#010x    e%cx: %08x -> %08x", prefix,
                        nl->leaf, regs[r], ov[r], nv[r]);
            else
                fprintf(f, "%sleaf %#010x:%-2u e%cx: %08x -> %08x", prefix,
                        nl->leaf, nl->subleaf, regs[r], ov[r], nv[r]);
            w = word_of(nl->leaf, nl->subleaf, regs[r]);
            if ( w >= 0 )
                print_bits(f, (unsigned int)w, nv[r] & ~ov[r],
                           ov[r] & ~nv[r]);
            fputc('\n', f);
            lines++;
        }
    }
    for ( i = 0; i < b->nr_msrs && i < XL_MAX_MSRS; i++ )
    {
        const struct xl_msr *nm = &b->msrs[i];
        const struct xl_msr *om = xl_policy_msr((struct xl_policy *)a,
                                                nm->idx);
        uint64_t ov = om ? om->val : 0;
        unsigned int w;

        if ( ov == nm->val )
            continue;
        fprintf(f, "%smsr  %#010x     : %016" PRIx64 " -> %016" PRIx64,
                prefix, nm->idx, ov, nm->val);
        for ( w = 0; w < XL_FS_WORDS; w++ )
        {
            const struct xl_word_info *wi = xl_fs_word(w);
            uint32_t o, n;

            if ( wi->reg != 'm' || wi->leaf != nm->idx )
                continue;
            o = (uint32_t)(ov >> wi->shift);
            n = (uint32_t)(nm->val >> wi->shift);
            print_bits(f, w, n & ~o, o & ~n);
        }
        fputc('\n', f);
        lines++;
    }
    return lines;
}
