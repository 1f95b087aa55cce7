/*
 * fuzz-xsvalue.c - a xenstore level value: the value rule (size, NUL
 * bytes; xl_xs_value_check, as xl_xs_read_trusted applies it), then the
 * level parser on what passes, as load_level_xs does.
 */
#define FUZZ_NAME "fuzz-xsvalue"
#include "fuzz.h"

#include "level.h"
#include "xs.h"

static void fuzz_one(const char *text, size_t size)
{
    struct xl_parse_opts po = { 0 };
    struct xl_err err;
    struct xl_level l;
    int rc;

    rc = xl_xs_value_check("/xenlevel/level", text, size, &err);
    if ( rc != ((size > XL_XS_MAX_VALUE) ? -EFBIG :
                memchr(text, '\0', size) ? -EINVAL : 0) )
        abort();
    if ( rc )
        return;
    if ( xl_level_parse("/xenlevel/level", text, &po, &l, &err) == 0 &&
         !xl_name_valid(l.name) )
        abort();
}
