/*
 * config.h - the site config, /etc/xen/xenlevel.conf (xenlevel.conf(5)).
 */
#ifndef XENLEVEL_CONFIG_H
#define XENLEVEL_CONFIG_H

#include <limits.h>
#include <stdbool.h>

#include "err.h"
#include "featureset.h"
#include "level.h"
#include "log.h"

#define XL_DEFAULT_CONFIG "/etc/xen/xenlevel.conf"
#define XL_MAX_FILES 8

enum xl_source {
    XL_SOURCE_FILE,
    XL_SOURCE_XENSTORE,
};

struct xl_config {
    char path[PATH_MAX];                /* "" when built-in defaults */

    /* [source] */
    enum xl_source order[2];
    unsigned int nr_order;
    char files[XL_MAX_FILES][PATH_MAX]; /* first readable one wins */
    unsigned int nr_files;
    char xenstore_path[256];
    char persist[PATH_MAX];             /* persisted level (next boot) */
    char status[PATH_MAX];              /* status record */

    /* [policy] */
    bool unknown_keep;                  /* unknown_features = keep */
    bool extra_words_ignore;            /* extra_words = ignore */
    bool missing_allow;                 /* missing_features = allow */
    bool pv_enforce_allow;              /* pv_enforcement = allow */
    bool beyond_allow;                  /* beyond_boot_defaults = allow */
    bool hold_guests;                   /* unlevelled_guests = hold */
    struct xl_fs mask;                  /* mask = ..., by name */
    char mask_text[1024];

    /* [log] */
    enum xl_log_level log_level;
    int kmsg;                           /* 1 yes, 0 no, -1 auto */
};

void xl_config_defaults(struct xl_config *c);

/*
 * Load path over the defaults.  When path is NULL the default path is used
 * if it exists; a path given explicitly must exist.
 */
int xl_config_load(const char *path, struct xl_config *c, struct xl_err *err);
int xl_config_parse(const char *name, const char *text, struct xl_config *c,
                    struct xl_err *err);

static inline struct xl_parse_opts xl_config_parse_opts(
    const struct xl_config *c)
{
    struct xl_parse_opts o = { .allow_extra_words = c->extra_words_ignore };

    return o;
}

#endif /* XENLEVEL_CONFIG_H */
