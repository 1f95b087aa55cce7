/*
 * source.c - which level a run applies, and from where (see source.h).
 * xl_boot_pick is the pure rule; the loaders read files (store.c) and
 * xenstore (through the edge).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inifile.h"
#include "log.h"
#include "source.h"
#include "state.h"
#include "store.h"

enum xl_pick xl_boot_pick(const struct xl_candidate *persisted,
                          const struct xl_candidate *baked, uint64_t floor,
                          char *why, size_t whylen)
{
    char dummy[8];
    bool p = persisted && persisted->path && persisted->valid;
    bool b = baked && baked->path && baked->valid;

    if ( !why )
    {
        why = dummy;
        whylen = sizeof(dummy);
    }
    if ( persisted && persisted->path && !persisted->valid )
    {
        /*
         * A damaged persisted level: its generation is unknown, so the
         * floor of the last apply --force is all the rule has left.
         */
        if ( b && baked->generation > floor )
        {
            snprintf(why, whylen, "the persisted level %s is damaged: "
                     "falling back to the site level %s (generation %"
                     PRIu64 "), above the floor of the last apply --force "
                     "(%" PRIu64 ")", persisted->path, baked->path,
                     baked->generation, floor);
            return XL_PICK_BAKED;
        }
        if ( b )
            snprintf(why, whylen, "the persisted level %s is damaged and "
                     "the site level %s (generation %" PRIu64 ") is not "
                     "above the floor of the last apply --force (%" PRIu64
                     "): nothing applied (repair or remove %s, or apply a "
                     "level)", persisted->path, baked->path,
                     baked->generation, floor, persisted->path);
        else
            snprintf(why, whylen, "the persisted level %s is damaged and "
                     "there is no valid site level: nothing applied (repair "
                     "or remove %s, or apply a level)", persisted->path,
                     persisted->path);
        return XL_PICK_NONE;
    }
    if ( !p && !b )
    {
        snprintf(why, whylen, "no valid persisted or site level");
        return XL_PICK_NONE;
    }
    if ( !p )
    {
        snprintf(why, whylen, "no valid persisted level: the site level %s "
                 "(generation %" PRIu64 ")", baked->path, baked->generation);
        return XL_PICK_BAKED;
    }
    if ( !b )
    {
        snprintf(why, whylen, "the persisted level %s (generation %" PRIu64
                 ")", persisted->path, persisted->generation);
        return XL_PICK_PERSISTED;
    }
    if ( baked->generation > persisted->generation &&
         baked->generation > floor )
    {
        snprintf(why, whylen, "the site level %s (generation %" PRIu64 ") is "
                 "newer than the persisted %s (generation %" PRIu64 ")",
                 baked->path, baked->generation, persisted->path,
                 persisted->generation);
        return XL_PICK_BAKED;
    }
    if ( baked->generation > persisted->generation )
        snprintf(why, whylen, "the persisted level %s (generation %" PRIu64
                 ") was forced back (apply --force) below generation %"
                 PRIu64 "; the site level %s (generation %" PRIu64 ") is not "
                 "newer than that", persisted->path, persisted->generation,
                 floor, baked->path, baked->generation);
    else
        snprintf(why, whylen, "the persisted level %s (generation %" PRIu64
                 ") is not older than the site level (generation %" PRIu64
                 ")", persisted->path, persisted->generation,
                 baked->generation);
    return XL_PICK_PERSISTED;
}

void xl_rooted(const char *root, const char *path, char *buf, size_t len)
{
    size_t rl = root ? strlen(root) : 0;

    if ( !rl || (!strncmp(path, root, rl) && path[rl] == '/') )
        snprintf(buf, len, "%s", path);
    else
        snprintf(buf, len, "%s%s", root, path);
}

uint64_t xl_source_floor(const struct xl_config *cfg, const char *root)
{
    struct xl_err err = { .line = 0 };
    char path[4200], state[4200], *text = NULL, buf[1024];
    uint64_t floor = 0;
    size_t len;

    xl_state_path(cfg->persist, "forced", state, sizeof(state));
    xl_rooted(root, state, path, sizeof(path));
    if ( access(path, F_OK) )
        return 0;
    if ( xl_read_file(path, &text, &len, &err) ||
         xl_floor_parse(path, text, &floor, &err) )
    {
        log_warnx("%s (ignored)", xl_err_str(&err, buf, sizeof(buf)));
        floor = 0;
    }
    free(text);
    return floor;
}

const char *xl_site_level_path(const struct xl_run *run, char *buf,
                               size_t len)
{
    const struct xl_config *cfg = run->cfg;
    const char *root = run->root ? run->root : "";
    unsigned int i;

    for ( i = 0; i < cfg->nr_files; i++ )
    {
        if ( !strcmp(cfg->files[i], cfg->persist) )
            continue;
        xl_rooted(root, cfg->files[i], buf, len);
        if ( !access(buf, F_OK) )
            return buf;
        if ( *root && !access(cfg->files[i], F_OK) )
            return cfg->files[i];
    }
    return NULL;
}

static void fail_set(struct xl_fail *fail, enum xl_fail_at at,
                     const struct xl_err *err)
{
    fail->at = at;
    if ( err )
        fail->err = *err;
}

int xl_source_load_xs(const struct xl_run *run, struct xl_level *l,
                      bool must, struct xl_fail *fail)
{
    struct xl_parse_opts po = xl_config_parse_opts(run->cfg);
    const char *path = run->cfg->xenstore_path;
    const struct xl_edge *e = run->edge;
    struct xl_err err = { .line = 0 };
    char *text = NULL, buf[1024];
    int rc;

    fail->at = XL_AT_NONE;
    rc = e->xs_open(e->ctx);
    if ( rc && !must )
    {
        log_debug("xenstore %s: no xenstored (%s): next source", path,
                  strerror(-rc));
        return -ENOENT;
    }
    if ( rc )
    {
        xl_err_set(&fail->err, NULL, 0, NULL, "xenstore %s: cannot open "
                   "xenstore: %s", path, strerror(-rc));
        fail->at = XL_AT_XS;
        return rc;
    }
    rc = e->xs_read(e->ctx, path, &text, &err);
    if ( rc == -ENOENT && !must )
        return -ENOENT;
    if ( rc )
    {
        xl_err_set(&fail->err, NULL, 0, NULL, "xenstore %s",
                   xl_err_str(&err, buf, sizeof(buf)));
        fail->at = XL_AT_XS;
        return rc == -ENOENT ? -ENODATA : rc;
    }
    rc = xl_level_parse(path, text, &po, l, &err);
    free(text);
    if ( rc )
    {
        fail_set(fail, XL_AT_INPUT, &err);
        return rc == -ENOENT ? -EINVAL : rc;
    }
    return 0;
}

int xl_source_load(const struct xl_run *run, const char *path,
                   struct xl_level *l, char *used, size_t usedlen,
                   struct xl_fail *fail)
{
    const struct xl_config *cfg = run->cfg;
    struct xl_parse_opts po = xl_config_parse_opts(cfg);
    struct xl_err err = { .line = 0 };
    unsigned int i, j;
    int rc;

    fail->at = XL_AT_NONE;
    if ( path )
    {
        snprintf(used, usedlen, "%s", path);
        rc = xl_level_load(path, &po, l, &err);
        if ( rc )
            fail_set(fail, XL_AT_INPUT, &err);
        return rc;
    }
    for ( i = 0; i < cfg->nr_order; i++ )
    {
        if ( cfg->order[i] == XL_SOURCE_XENSTORE )
        {
            rc = xl_source_load_xs(run, l, false, fail);
            if ( rc == 0 )
                snprintf(used, usedlen, "xenstore:%s", cfg->xenstore_path);
            if ( rc != -ENOENT || fail->at != XL_AT_NONE )
                return rc;
            continue;
        }
        for ( j = 0; j < cfg->nr_files; j++ )
        {
            if ( access(cfg->files[j], F_OK) != 0 )
                continue;
            snprintf(used, usedlen, "%s", cfg->files[j]);
            rc = xl_level_load(cfg->files[j], &po, l, &err);
            if ( rc )
                fail_set(fail, XL_AT_INPUT, &err);
            return rc;
        }
    }
    xl_err_set(&fail->err, NULL, 0, NULL, "no level: none of the site "
               "config's level files exists (%s%s)", cfg->files[0],
               cfg->nr_files > 1 ? ", ..." : "");
    fail->at = XL_AT_INPUT;
    return -ENOENT;
}

/* Load one boot candidate; a damaged one is named and not used. */
static void load_candidate(const struct xl_run *run, const char *path,
                           struct xl_candidate *c, struct xl_level *l)
{
    struct xl_parse_opts po = xl_config_parse_opts(run->cfg);
    struct xl_err err = { .line = 0 };
    char buf[1024];

    c->path = NULL;
    c->valid = false;
    if ( !path || access(path, F_OK) )
        return;
    c->path = path;
    if ( xl_level_load(path, &po, l, &err) )
    {
        log_warnx("%s (not used)", xl_err_str(&err, buf, sizeof(buf)));
        return;
    }
    c->valid = true;
    c->generation = l->generation;
}

int xl_boot_select(const struct xl_run *run, struct xl_level *l, char *used,
                   size_t usedlen, char *why, size_t whylen, bool *damaged,
                   struct xl_fail *fail)
{
    const struct xl_config *cfg = run->cfg;
    struct xl_level *pl = malloc(sizeof(*pl)), *bl = malloc(sizeof(*bl));
    struct xl_candidate pc, bc;
    char ppath[4200], bbuf[4200];
    uint64_t floor;
    int rc = 0;

    fail->at = XL_AT_NONE;
    *damaged = false;
    if ( !pl || !bl )
    {
        snprintf(why, whylen, "out of memory");
        fail->at = XL_AT_INTERNAL;
        rc = -ENOMEM;
        goto out;
    }
    xl_rooted(run->root, cfg->persist, ppath, sizeof(ppath));
    load_candidate(run, ppath, &pc, pl);
    load_candidate(run, xl_site_level_path(run, bbuf, sizeof(bbuf)), &bc, bl);
    floor = xl_source_floor(cfg, run->root);
    *damaged = pc.path && !pc.valid;
    switch ( xl_boot_pick(&pc, &bc, floor, why, whylen) )
    {
    case XL_PICK_PERSISTED:
        *l = *pl;
        snprintf(used, usedlen, "%s", pc.path);
        goto out;
    case XL_PICK_BAKED:
        *l = *bl;
        snprintf(used, usedlen, "%s", bc.path);
        if ( *damaged )
            log_warnx("%s", why);
        goto out;
    case XL_PICK_NONE:
        break;
    }
    if ( *damaged )
    {
        fail->at = XL_AT_PERSIST_DAMAGED;
        xl_err_set(&fail->err, NULL, 0, NULL, "%s", why);
        rc = -EINVAL;
        goto out;
    }
    if ( pc.path || bc.path )
        snprintf(why, whylen, "no valid level: %.900s%s%.900s is damaged",
                 pc.path ? pc.path : "", pc.path && bc.path ? " and " : "",
                 bc.path ? bc.path : "");
    else
        snprintf(why, whylen, "no level: neither %.900s nor a site level "
                 "file (%.900s) exists", ppath,
                 cfg->nr_files > 1 ? cfg->files[1] : cfg->files[0]);
    fail->at = pc.path || bc.path ? XL_AT_INPUT : XL_AT_NO_LEVEL;
    xl_err_set(&fail->err, NULL, 0, NULL, "%s", why);
    rc = pc.path || bc.path ? -EINVAL : -ENOENT;
 out:
    free(pl);
    free(bl);
    return rc;
}
