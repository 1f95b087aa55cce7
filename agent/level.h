/*
 * level.h - host reports and pool level files: parse (inih) and write.
 *
 * Pure core.  Every featureset is colon-separated 8-digit hex words,
 * word 0 first, as xen-cpuid prints them; fewer words than this build
 * knows are padded with zeros.
 */
#ifndef XENLEVEL_LEVEL_H
#define XENLEVEL_LEVEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "featureset.h"

#define XL_NAME_MAX   64
#define XL_VENDOR_MAX 16

/*
 * A generation is written in decimal digits only: no sign, no space, no
 * leading zero (but "0" itself), no hex; at most 2^53 - 1, so that it is
 * exact wherever it is read as a JSON or shell number.
 */
#define XL_GENERATION_MAX 9007199254740991ULL

/*
 * The one parser of a generation (level files, --generation): 0, or
 * -EINVAL when s is not a decimal number in 0..XL_GENERATION_MAX.
 */
int xl_generation_parse(const char *s, uint64_t *gen);

/*
 * The one rule for a level or host name, wherever it enters (level files,
 * host reports, --name): 1 to XL_NAME_MAX - 1 characters of A-Z a-z 0-9
 * and . _ - + : @, not starting with '.' or '-'.  So a name is safe in a
 * file name, a log line, the status record and xenstore.
 */
bool xl_name_valid(const char *name);

struct xl_host_report {
    char name[XL_NAME_MAX];
    char vendor[XL_VENDOR_MAX];     /* CPUID vendor: "AuthenticAMD" ... */
    unsigned int family, model, stepping;
    char xen_version[64];
    uint32_t caps;                  /* XL_CAP_* */
    struct xl_fs host, pv_def, hvm_def, pv_max, hvm_max;
    struct xl_fs raw;               /* what the hardware's CPUID reports */
    bool has_raw;                   /* optional key raw was given */
    bool has_hvm;                   /* hvm_max is not empty */
};

struct xl_level {
    char name[XL_NAME_MAX];
    uint64_t generation;
    char vendor[XL_VENDOR_MAX];
    struct xl_fs pv, hvm;
    bool has_hvm;                   /* an [hvm] section was given */
};

struct xl_parse_opts {
    bool allow_extra_words;         /* site config: extra_words = ignore */
};

/* text: the whole file; name: file name (or xenstore path) for errors. */
int xl_report_parse(const char *name, const char *text,
                    const struct xl_parse_opts *opts,
                    struct xl_host_report *r, struct xl_err *err);
int xl_report_load(const char *path, const struct xl_parse_opts *opts,
                   struct xl_host_report *r, struct xl_err *err);
void xl_report_write(FILE *f, const struct xl_host_report *r);

int xl_level_parse(const char *name, const char *text,
                   const struct xl_parse_opts *opts, struct xl_level *l,
                   struct xl_err *err);
int xl_level_load(const char *path, const struct xl_parse_opts *opts,
                  struct xl_level *l, struct xl_err *err);
void xl_level_write(FILE *f, const struct xl_level *l);

/*
 * The comment compute writes after a level: how many host reports it was
 * computed from and their names; past XL_HOSTS_NAMED hosts, the first
 * XL_HOSTS_NAMED names, "and K more", and an FNV-1a-64 hash of all the
 * names sorted (an identifier, not a security check), so that a level's
 * size does not grow with the pool.
 */
#define XL_HOSTS_NAMED 8
void xl_level_write_hosts(FILE *f, const struct xl_host_report *hosts,
                          unsigned int nr);

/* Names of XL_CAP_* bits as in public/sysctl.h ("faulting", "ecx"...). */
const char *xl_cap_name(unsigned int bit);
int xl_caps_parse(const char *s, uint32_t *caps, char *bad, size_t badlen);
void xl_caps_print(FILE *f, uint32_t caps);

#endif /* XENLEVEL_LEVEL_H */
