/*
 * featureset.h - Xen featuresets: words, names, deep dependencies.
 *
 * Pure core.  The tables come from Xen's own sources at build time:
 * FEATURESET_NR_ENTRIES and the deep-dependency graph from gen-cpuid.py's
 * cpuid-autogen.h, names from xen-cpuid.c (see gen-names.py).
 */
#ifndef XENLEVEL_FEATURESET_H
#define XENLEVEL_FEATURESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpuid-autogen.h"

#define XL_FS_WORDS FEATURESET_NR_ENTRIES
#define XL_FS_BITS  (XL_FS_WORDS * 32)

struct xl_fs {
    uint32_t w[XL_FS_WORDS];
};

/* Where one featureset word lives in a CPU policy. */
struct xl_word_info {
    const char *abbr;       /* xen-cpuid's abbreviation: "1d", "7b0" ... */
    const char *desc;       /* "CPUID 0x00000007:0.ebx" */
    uint32_t leaf;          /* CPUID leaf, or MSR index when reg == 'm' */
    uint32_t subleaf;       /* XL_NO_SUBLEAF when the leaf has none */
    char reg;               /* 'a' 'b' 'c' 'd', or 'm' for an MSR */
    unsigned int shift;     /* for MSRs: 0 = low half, 32 = high half */
};

const struct xl_word_info *xl_fs_word(unsigned int word);

/* Parse/format "xxxxxxxx:xxxxxxxx:..." (word 0 first, as xen-cpuid). */
#define XL_FS_STRLEN (XL_FS_WORDS * 9)

/*
 * Parse errors: -EINVAL non-hex or badly formed word (*bad_word says which,
 * counting from 0), -ENODATA empty, -E2BIG more words than this build knows
 * (*bad_word = number of words seen).  With allow_extra, extra words are
 * dropped instead (the features they stand for are then not offered).
 * Fewer words are padded with zeros.
 */
int xl_fs_parse(const char *s, struct xl_fs *fs, bool allow_extra,
                unsigned int *bad_word);
void xl_fs_format(const struct xl_fs *fs, char buf[XL_FS_STRLEN]);

static inline bool xl_fs_test(const struct xl_fs *fs, unsigned int bit)
{
    return bit < XL_FS_BITS && (fs->w[bit / 32] >> (bit % 32)) & 1;
}

static inline void xl_fs_set(struct xl_fs *fs, unsigned int bit)
{
    if ( bit < XL_FS_BITS )
        fs->w[bit / 32] |= 1U << (bit % 32);
}

static inline void xl_fs_clear(struct xl_fs *fs, unsigned int bit)
{
    if ( bit < XL_FS_BITS )
        fs->w[bit / 32] &= ~(1U << (bit % 32));
}

bool xl_fs_empty(const struct xl_fs *fs);
bool xl_fs_equal(const struct xl_fs *a, const struct xl_fs *b);
void xl_fs_and(struct xl_fs *dst, const struct xl_fs *src);
void xl_fs_or(struct xl_fs *dst, const struct xl_fs *src);
void xl_fs_andnot(struct xl_fs *dst, const struct xl_fs *src);
/* dst = bits of a that are not in b */
void xl_fs_minus(struct xl_fs *dst, const struct xl_fs *a,
                 const struct xl_fs *b);

/* Features Xen knows in this build (INIT_KNOWN_FEATURES). */
const struct xl_fs *xl_fs_known(void);
/* Features accumulated (ORed) across a pool instead of intersected. */
const struct xl_fs *xl_fs_accumulated(void);

/*
 * Deep dependencies: every feature that must be cleared when `bit` is
 * cleared (transitively), or NULL if `bit` has none.
 */
const struct xl_fs *xl_fs_deep_deps(unsigned int bit);

/* For each feature absent from fs, clear everything that depends on it. */
void xl_fs_apply_deep_deps(struct xl_fs *fs);

/* Clear `bit` and everything that depends on it. */
void xl_fs_clear_with_deps(struct xl_fs *fs, unsigned int bit);

/*
 * Feature names as xen-cpuid prints them ("avx512f", "sse41"); Xen's
 * gen-cpuid names ("sse4-1", "sse4_1") are accepted as aliases.  A name
 * may stand for more than one bit (AMD mirrors fpu, vme, ... into
 * 0x80000001.edx): xl_fs_lookup sets every bit it names in *out and
 * returns -ENOENT if none.
 */
const char *xl_fs_name(unsigned int bit);
int xl_fs_lookup(const char *name, struct xl_fs *out);

/*
 * Write the names of the features set in fs, space-separated, to f.
 * Bits without a name are written as "w<word>b<bit>".
 */
void xl_fs_print_names(FILE *f, const struct xl_fs *fs);

/*
 * Pool combination, as XenServer's xc_combine_cpu_featuresets: `all` is the
 * intersection of the hosts' featuresets and `any` their union.  out =
 * all, plus the accumulated features found in any host, with RSBA/RRSBA
 * re-derived (both cleared, then RRSBA if EIBRS survives, else RSBA, when
 * any host has either and ARCH_CAPS survives).  Deep dependencies are not
 * applied here: the caller masks first, then calls xl_fs_apply_deep_deps.
 */
void xl_fs_pool(const struct xl_fs *all, const struct xl_fs *any,
                struct xl_fs *out);

#endif /* XENLEVEL_FEATURESET_H */
