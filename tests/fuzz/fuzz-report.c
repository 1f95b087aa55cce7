/*
 * fuzz-report.c - the host report parser and writer: an accepted report
 * written back parses to the same report.
 */
#define FUZZ_NAME "fuzz-report"
#include "fuzz.h"

#include "level.h"

static void fuzz_one(const char *text, size_t size)
{
    struct xl_parse_opts po = { .allow_extra_words = size & 1 };
    struct xl_host_report r, back;
    struct xl_err err;
    char *out = NULL;
    size_t len = 0;
    FILE *f;

    if ( xl_report_parse("fuzz", text, &po, &r, &err) )
        return;
    if ( !xl_name_valid(r.name) )
        abort();
    f = open_memstream(&out, &len);
    if ( !f )
        return;
    xl_report_write(f, &r);
    fclose(f);
    if ( xl_report_parse("fuzz-back", out, &po, &back, &err) ||
         strcmp(back.name, r.name) || strcmp(back.vendor, r.vendor) ||
         back.family != r.family || back.model != r.model ||
         back.stepping != r.stepping || back.caps != r.caps ||
         !xl_fs_equal(&back.host, &r.host) ||
         !xl_fs_equal(&back.pv_def, &r.pv_def) ||
         !xl_fs_equal(&back.hvm_max, &r.hvm_max) )
        abort();
    free(out);
}
