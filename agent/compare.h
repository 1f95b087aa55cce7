/*
 * compare.h - the migration pre-check (pure core): does a source (a
 * running domain's CPU policy, or a level) fit a target (a host's max
 * policy for the guest type, or another level)?  Used by
 * `xenlevel compare`, see xenlevel(8).
 */
#ifndef XENLEVEL_COMPARE_H
#define XENLEVEL_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "featureset.h"
#include "level.h"

/* One side of a comparison, as the output names it. */
struct xl_cmp_side {
    const char *kind;               /* "domain", "level" or "host" */
    char name[XL_NAME_MAX];
    char vendor[XL_VENDOR_MAX];
    const char *file;               /* level or report file, or NULL */
    uint32_t domid;                 /* kind "domain" */
    uint64_t generation;            /* kind "level" */
};

/* The result of one comparison (one guest type). */
struct xl_cmp {
    const char *type;               /* "pv" or "hvm" */
    bool vendor_ok;
    bool unavailable;               /* the target has no such guest type */
    bool fits;
    struct xl_fs target_lacks;      /* in the source, not in the target */
    struct xl_fs source_lacks;      /* in the target, not in the source */
};

/*
 * Compare one featureset of the source with the target's for the same
 * guest type (tgt NULL: the target has none).  AMD and Hygon: a domain's
 * 0x80000001 edx mirrors its leaf 1 edx common bits, which max and
 * default featuresets need not carry; mirrored bits whose leaf 1 bit the
 * other side has are not counted as lacking.
 */
void xl_compare_fs(const char *type, const char *src_vendor,
                   const struct xl_fs *src, const char *tgt_vendor,
                   const struct xl_fs *tgt, struct xl_cmp *out);

/*
 * A running domain's policy as the source: drop from c the topology bits
 * the toolstack sets per domain (htt, cmp-legacy: xc_cpuid_apply_policy
 * derives them from the host or the vCPU layout, never from a default
 * policy or a level), then re-judge whether it fits.
 */
void xl_compare_drop_topology(struct xl_cmp *c);

/*
 * A level against a target (a host report's max policies when r is
 * given, else the level t): PV always, HVM when the source level has an
 * HVM part.  Fills up to 2 results; returns how many.
 */
unsigned int xl_compare_level(const struct xl_level *src,
                              const struct xl_host_report *r,
                              const struct xl_level *t,
                              struct xl_cmp out[2]);

/* The exit code for a set of results: 0 all fit, 6 a vendor differs, 4. */
int xl_compare_exit(const struct xl_cmp *c, unsigned int nr);

/* Text: one line per result, naming the two sides. */
void xl_compare_print(FILE *f, const struct xl_cmp_side *src,
                      const struct xl_cmp_side *tgt, const struct xl_cmp *c);

/* JSON: one member of "results" (no separating comma). */
void xl_compare_json(FILE *f, const struct xl_cmp_side *src,
                     const struct xl_cmp *c);

/* JSON: "target":{...} or "source":{...} (with the leading comma). */
void xl_compare_json_side(FILE *f, const char *key,
                          const struct xl_cmp_side *s);

#endif /* XENLEVEL_COMPARE_H */
