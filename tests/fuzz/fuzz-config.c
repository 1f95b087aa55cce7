/*
 * fuzz-config.c - the site config parser.  What it accepts keeps the
 * rules: absolute paths, a xenstore path not below another domain.
 */
#define FUZZ_NAME "fuzz-config"
#include "fuzz.h"

#include "config.h"

static void fuzz_one(const char *text, size_t size)
{
    struct xl_config c;
    struct xl_err err;
    unsigned int i;

    (void)size;
    xl_config_defaults(&c);
    if ( xl_config_parse("fuzz", text, &c, &err) )
        return;
    if ( c.xenstore_path[0] != '/' || c.persist[0] != '/' ||
         c.status[0] != '/' || !c.nr_order || c.nr_order > 2 ||
         !c.nr_files || c.nr_files > XL_MAX_FILES )
        abort();
    for ( i = 0; i < c.nr_files; i++ )
        if ( c.files[i][0] != '/' )
            abort();
    if ( !strncmp(c.xenstore_path, "/local/domain/", 14) &&
         strncmp(c.xenstore_path + 14, "0/", 2) &&
         strcmp(c.xenstore_path + 14, "0") )
        abort();
}
