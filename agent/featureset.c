/*
 * featureset.c - featureset words, names and Xen's deep-dependency graph.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "featureset.h"
#include "policy.h"
#include "xl-names.h"

_Static_assert(XL_GEN_NR_WORDS == FEATURESET_NR_ENTRIES,
               "xen-cpuid.c and gen-cpuid.py disagree on the word count");

static const struct xl_word_info words[] = XL_GEN_WORDS;

static const struct {
    const char *name;
    unsigned int bit;
} xencpuid_names[] = XL_GEN_NAMES, xen_names[] = INIT_FEATURE_NAMES;

static const uint32_t known_words[] = INIT_KNOWN_FEATURES;
static const uint32_t deep_features_words[] = INIT_DEEP_FEATURES;
static const struct {
    uint32_t feature;
    uint32_t fs[FEATURESET_NR_ENTRIES];
} deep_deps[] = INIT_DEEP_DEPS;
static const unsigned int accumulated_bits[] = XL_GEN_ACCUMULATED;

const struct xl_word_info *xl_fs_word(unsigned int word)
{
    return word < XL_FS_WORDS ? &words[word] : NULL;
}

int xl_fs_parse(const char *s, struct xl_fs *fs, bool allow_extra,
                unsigned int *bad_word)
{
    unsigned int n = 0;
    const char *p = s;

    memset(fs, 0, sizeof(*fs));
    while ( isspace((unsigned char)*p) )
        p++;
    if ( !*p )
        return -ENODATA;

    for ( ;; )
    {
        unsigned long v = 0;
        unsigned int digits = 0;

        while ( isxdigit((unsigned char)*p) )
        {
            int c = tolower((unsigned char)*p++);

            if ( ++digits > 8 )
                break;
            v = v * 16 + (isdigit(c) ? c - '0' : c - 'a' + 10);
        }
        if ( digits == 0 || digits > 8 ||
             (*p != ':' && *p != '\0' && !isspace((unsigned char)*p)) )
        {
            if ( bad_word )
                *bad_word = n;
            return -EINVAL;
        }
        if ( n < XL_FS_WORDS )
            fs->w[n] = (uint32_t)v;
        n++;
        if ( *p != ':' )
            break;
        p++;
    }
    while ( isspace((unsigned char)*p) )
        p++;
    if ( *p )
    {
        if ( bad_word )
            *bad_word = n;
        return -EINVAL;
    }
    if ( n > XL_FS_WORDS && !allow_extra )
    {
        if ( bad_word )
            *bad_word = n;
        return -E2BIG;
    }
    return 0;
}

void xl_fs_format(const struct xl_fs *fs, char buf[XL_FS_STRLEN])
{
    unsigned int i;
    char *p = buf;

    for ( i = 0; i < XL_FS_WORDS; i++ )
        p += sprintf(p, "%s%08x", i ? ":" : "", fs->w[i]);
}

bool xl_fs_empty(const struct xl_fs *fs)
{
    unsigned int i;

    for ( i = 0; i < XL_FS_WORDS; i++ )
        if ( fs->w[i] )
            return false;
    return true;
}

bool xl_fs_equal(const struct xl_fs *a, const struct xl_fs *b)
{
    return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

void xl_fs_and(struct xl_fs *dst, const struct xl_fs *src)
{
    unsigned int i;

    for ( i = 0; i < XL_FS_WORDS; i++ )
        dst->w[i] &= src->w[i];
}

void xl_fs_or(struct xl_fs *dst, const struct xl_fs *src)
{
    unsigned int i;

    for ( i = 0; i < XL_FS_WORDS; i++ )
        dst->w[i] |= src->w[i];
}

void xl_fs_andnot(struct xl_fs *dst, const struct xl_fs *src)
{
    unsigned int i;

    for ( i = 0; i < XL_FS_WORDS; i++ )
        dst->w[i] &= ~src->w[i];
}

void xl_fs_minus(struct xl_fs *dst, const struct xl_fs *a,
                 const struct xl_fs *b)
{
    unsigned int i;

    for ( i = 0; i < XL_FS_WORDS; i++ )
        dst->w[i] = a->w[i] & ~b->w[i];
}

const struct xl_fs *xl_fs_known(void)
{
    static struct xl_fs known;
    static bool done;

    if ( !done )
    {
        memcpy(known.w, known_words, sizeof(known.w));
        done = true;
    }
    return &known;
}

const struct xl_fs *xl_fs_accumulated(void)
{
    static struct xl_fs acc;
    static bool done;
    unsigned int i;

    if ( !done )
    {
        for ( i = 0; i < sizeof(accumulated_bits) / sizeof(accumulated_bits[0]);
              i++ )
            xl_fs_set(&acc, accumulated_bits[i]);
        done = true;
    }
    return &acc;
}

const struct xl_fs *xl_fs_deep_deps(unsigned int bit)
{
    size_t lo = 0, hi = sizeof(deep_deps) / sizeof(deep_deps[0]);

    /* gen-cpuid.py emits INIT_DEEP_DEPS sorted by feature. */
    while ( lo < hi )
    {
        size_t mid = lo + (hi - lo) / 2;

        if ( deep_deps[mid].feature == bit )
            return (const struct xl_fs *)deep_deps[mid].fs;
        if ( deep_deps[mid].feature < bit )
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

_Static_assert(sizeof(struct xl_fs) == sizeof(deep_deps[0].fs),
               "struct xl_fs must overlay a deep-deps featureset");

void xl_fs_apply_deep_deps(struct xl_fs *fs)
{
    struct xl_fs deep;
    unsigned int bit;

    memcpy(deep.w, deep_features_words, sizeof(deep.w));
    for ( bit = 0; bit < XL_FS_BITS; bit++ )
    {
        const struct xl_fs *deps;

        if ( !xl_fs_test(&deep, bit) || xl_fs_test(fs, bit) )
            continue;
        deps = xl_fs_deep_deps(bit);
        if ( deps )
            xl_fs_andnot(fs, deps);
    }
}

void xl_fs_clear_with_deps(struct xl_fs *fs, unsigned int bit)
{
    const struct xl_fs *deps = xl_fs_deep_deps(bit);

    xl_fs_clear(fs, bit);
    if ( deps )
        xl_fs_andnot(fs, deps);
}

const char *xl_fs_name(unsigned int bit)
{
    size_t i;

    for ( i = 0; i < sizeof(xencpuid_names) / sizeof(xencpuid_names[0]); i++ )
        if ( xencpuid_names[i].bit == bit )
            return xencpuid_names[i].name;
    for ( i = 0; i < sizeof(xen_names) / sizeof(xen_names[0]); i++ )
        if ( xen_names[i].bit == bit )
            return xen_names[i].name;
    return NULL;
}

/* Compare ignoring case, with '-' and '_' equal. */
static bool name_eq(const char *a, const char *b)
{
    for ( ; *a && *b; a++, b++ )
    {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);

        if ( ca == '_' )
            ca = '-';
        if ( cb == '_' )
            cb = '-';
        if ( ca != cb )
            return false;
    }
    return *a == *b;
}

int xl_fs_lookup(const char *name, struct xl_fs *out)
{
    bool found = false;
    size_t i;

    for ( i = 0; i < sizeof(xencpuid_names) / sizeof(xencpuid_names[0]); i++ )
        if ( name_eq(xencpuid_names[i].name, name) )
        {
            xl_fs_set(out, xencpuid_names[i].bit);
            found = true;
        }
    if ( found )
        return 0;
    for ( i = 0; i < sizeof(xen_names) / sizeof(xen_names[0]); i++ )
        if ( name_eq(xen_names[i].name, name) )
        {
            xl_fs_set(out, xen_names[i].bit);
            found = true;
        }
    return found ? 0 : -ENOENT;
}

void xl_fs_print_names(FILE *f, const struct xl_fs *fs)
{
    unsigned int bit;
    bool first = true;

    for ( bit = 0; bit < XL_FS_BITS; bit++ )
    {
        const char *n;

        if ( !xl_fs_test(fs, bit) )
            continue;
        n = xl_fs_name(bit);
        if ( n )
            fprintf(f, "%s%s", first ? "" : " ", n);
        else
            fprintf(f, "%sw%ub%u", first ? "" : " ", bit / 32, bit % 32);
        first = false;
    }
}

void xl_fs_pool(const struct xl_fs *all, const struct xl_fs *any,
                struct xl_fs *out)
{
    struct xl_fs acc = *xl_fs_accumulated();

    *out = *all;
    xl_fs_and(&acc, any);
    xl_fs_or(out, &acc);

    if ( xl_fs_test(out, XL_BIT_ARCH_CAPS) &&
         (xl_fs_test(any, XL_BIT_RSBA) || xl_fs_test(any, XL_BIT_RRSBA)) )
    {
        xl_fs_clear(out, XL_BIT_RSBA);
        xl_fs_clear(out, XL_BIT_RRSBA);
        xl_fs_set(out, xl_fs_test(out, XL_BIT_EIBRS) ? XL_BIT_RRSBA
                                                     : XL_BIT_RSBA);
    }
}
