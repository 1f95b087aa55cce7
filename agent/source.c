/*
 * source.c - which level a boot applies (see source.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "source.h"

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
