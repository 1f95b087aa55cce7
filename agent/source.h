/*
 * source.h - which level a boot applies: the decision, pure.
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
 */
#ifndef XENLEVEL_SOURCE_H
#define XENLEVEL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif /* XENLEVEL_SOURCE_H */
