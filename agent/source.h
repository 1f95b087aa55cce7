/*
 * source.h - which level a run applies, and from where.
 *
 * At boot two levels may exist:
 *   persisted  the newest level applied on this host (var/lib/xenlevel/level
 *              on the real root), written by every apply outside the
 *              initramfs;
 *   baked      the site's level file (/etc/xen/xenlevel/level): the real
 *              root's copy when the root has one, else the copy dracut baked
 *              into the initramfs.
 * The persisted level wins, unless the baked one has a higher generation
 * than both the persisted level and the floor that `apply --force` left
 * (forced): a level forced back survives reboots until a level newer than
 * the one it replaced arrives.  An explicit rd.xenlevel.level= (or --level)
 * is not subject to this rule.
 *
 * A persisted level that exists but is damaged (unreadable, bad syntax, a
 * bad name or vendor...) does not switch the rule off: its generation is
 * unknown, so the site level replaces it only when its generation is above
 * the floor; otherwise nothing is applied (XL_EXIT_PERSIST_DAMAGED, cause
 * persisted-damaged).  Either way the log and the records say so.
 */
#ifndef XENLEVEL_SOURCE_H
#define XENLEVEL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge.h"
#include "level.h"

struct xl_candidate {
    const char *path;           /* NULL: no such candidate */
    bool valid;                 /* it exists and parsed */
    uint64_t generation;
};

enum xl_pick {
    XL_PICK_NONE,
    XL_PICK_PERSISTED,
    XL_PICK_BAKED,
};

/*
 * Choose between the persisted and the baked level; why (may be NULL)
 * receives one line saying why, for the log.
 */
enum xl_pick xl_boot_pick(const struct xl_candidate *persisted,
                          const struct xl_candidate *baked, uint64_t floor,
                          char *why, size_t whylen);

/*
 * path as seen with the real root mounted at root: root + path, unless path
 * already lies under root (a site config written for the initramfs, e.g.
 * persist = /sysroot/var/lib/xenlevel/level).  Pure.
 */
void xl_rooted(const char *root, const char *path, char *buf, size_t len);

/*
 * The generation floor that `apply --force` left next to the persisted
 * level (cfg->persist's directory, under root when given): 0 when there is
 * none; a damaged one is named in the log and read as 0.
 */
uint64_t xl_source_floor(const struct xl_config *cfg, const char *root);

/*
 * The site level file: the first of the site config's level files that is
 * not the persisted level, on the real root (run->root) when it has one,
 * else the copy baked into the initramfs; NULL when none exists.
 */
const char *xl_site_level_path(const struct xl_run *run, char *buf,
                               size_t len);

/*
 * The level published in xenstore (cfg->xenstore_path).  0; -ENOENT quietly
 * (fail->at XL_AT_NONE) when !must and there is no xenstored or no node;
 * else -errno with fail set (XL_AT_XS, or XL_AT_INPUT for the level).
 */
int xl_source_load_xs(const struct xl_run *run, struct xl_level *l,
                      bool must, struct xl_fail *fail);

/*
 * The level: path when given, else the site config's sources in order.
 * used receives where it came from ("xenstore:PATH" or the file).  0, or
 * -errno with fail set.
 */
int xl_source_load(const struct xl_run *run, const char *path,
                   struct xl_level *l, char *used, size_t usedlen,
                   struct xl_fail *fail);

/*
 * The boot rule (above): the persisted level or the site level, with the
 * real root at run->root.  0 with *l, used and why (one line for the log)
 * set; else -errno, why says why and fail->at is XL_AT_NO_LEVEL (none
 * exists), XL_AT_PERSIST_DAMAGED (the persisted level is damaged and no
 * site level may replace it) or XL_AT_INPUT (damaged site level).
 * *damaged: the persisted level exists but is damaged (named in the log);
 * with a 0 return the site level was taken as its fallback.
 */
int xl_boot_select(const struct xl_run *run, struct xl_level *l, char *used,
                   size_t usedlen, char *why, size_t whylen, bool *damaged,
                   struct xl_fail *fail);

#endif /* XENLEVEL_SOURCE_H */
