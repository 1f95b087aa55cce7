/*
 * fuzz-level.c - the level parser (files and xenstore values), both
 * extra_words policies, and the writer over what it accepts: what the
 * writer prints must parse back to the same level.
 */
#define FUZZ_NAME "fuzz-level"
#include "fuzz.h"

#include "level.h"

static void fuzz_one(const char *text, size_t size)
{
    static const bool extra[2] = { false, true };
    unsigned int i;

    (void)size;
    for ( i = 0; i < 2; i++ )
    {
        struct xl_parse_opts po = { .allow_extra_words = extra[i] };
        struct xl_level l, back;
        struct xl_err err;
        char *out = NULL;
        size_t len = 0;
        FILE *f;

        if ( xl_level_parse("fuzz", text, &po, &l, &err) )
        {
            /* Every refusal names where; a name never holds a newline. */
            if ( strchr(err.msg, '\n') || strchr(err.key, '\n') )
                abort();
            continue;
        }
        if ( !xl_name_valid(l.name) || l.generation > XL_GENERATION_MAX )
            abort();
        f = open_memstream(&out, &len);
        if ( !f )
            return;
        xl_level_write(f, &l);
        fclose(f);
        if ( xl_level_parse("fuzz-back", out, &po, &back, &err) ||
             strcmp(back.name, l.name) || back.generation != l.generation ||
             strcmp(back.vendor, l.vendor) || back.has_hvm != l.has_hvm ||
             !xl_fs_equal(&back.pv, &l.pv) ||
             (l.has_hvm && !xl_fs_equal(&back.hvm, &l.hvm)) )
            abort();
        free(out);
    }
}
