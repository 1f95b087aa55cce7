/*
 * test-golden.c - golden-file tests for the three parsers.
 *
 * Each input under tests/golden/ is parsed; the result (the file written
 * back in canonical form, the parsed config, or the one-line error) must
 * equal tests/golden/<input>.expected.  XENLEVEL_REGEN=1 rewrites the
 * expected files instead (review the diff before committing).
 */
#include <errno.h>

#include "config.h"
#include "inifile.h"
#include "level.h"
#include "testlib.h"

enum kind { LEVEL, REPORT, CONFIG };

static const struct test {
    const char *file;
    enum kind kind;
    bool allow_extra;
} tests[] = {
    { "level-ok.ini", LEVEL, false },
    { "level-short.ini", LEVEL, false },
    { "level-extra-word.ini", LEVEL, false },
    { "level-extra-word.ini", LEVEL, true },
    { "level-nonhex.ini", LEVEL, false },
    { "level-empty-fs.ini", LEVEL, false },
    { "level-bad-generation.ini", LEVEL, false },
    { "level-negative-generation.ini", LEVEL, false },
    { "level-unknown-key.ini", LEVEL, false },
    { "level-unknown-section.ini", LEVEL, false },
    { "level-duplicate-key.ini", LEVEL, false },
    { "level-missing-key.ini", LEVEL, false },
    { "level-syntax.ini", LEVEL, false },
    { "level-hvm-no-fs.ini", LEVEL, false },
    { "level-bad-vendor.ini", LEVEL, false },
    { "level-too-long-line.ini", LEVEL, false },
    { "level-hex-generation.ini", LEVEL, false },
    { "level-octal-generation.ini", LEVEL, false },
    { "level-huge-generation.ini", LEVEL, false },
    { "level-generation-over-bound.ini", LEVEL, false },
    { "level-generation-bound.ini", LEVEL, false },
    { "level-plus-generation.ini", LEVEL, false },
    { "level-name-traversal.ini", LEVEL, false },
    { "level-name-control.ini", LEVEL, false },
    { "level-bom.ini", LEVEL, false },
    { "level-bom-hvm-first.ini", LEVEL, false },
    { "level-repeated-section.ini", LEVEL, false },
    { "level-hvm-behind-repeats.ini", LEVEL, false },
    { "report-ok.ini", REPORT, false },
    { "report-name-traversal.ini", REPORT, false },
    { "report-hex-family.ini", REPORT, false },
    { "report-repeated-section.ini", REPORT, false },
    { "report-bad-cap.ini", REPORT, false },
    { "report-missing-hvm-max.ini", REPORT, false },
    { "config-ok.conf", CONFIG, false },
    { "config-unknown-feature.conf", CONFIG, false },
    { "config-bad-choice.conf", CONFIG, false },
    { "config-relative-file.conf", CONFIG, false },
    { "config-bad-source.conf", CONFIG, false },
    { "config-unknown-key.conf", CONFIG, false },
    { "config-xenstore-other-domain.conf", CONFIG, false },
    { "config-xenstore-dom0.conf", CONFIG, false },
    { "config-xenstore-domain-01.conf", CONFIG, false },
    { "config-xenstore-relative.conf", CONFIG, false },
    { "config-xenstore-double-slash.conf", CONFIG, false },
    { "config-repeated-section.conf", CONFIG, false },
    { "config-bom.conf", CONFIG, false },
};

static void dump_config(FILE *f, const struct xl_config *c)
{
    unsigned int i;

    fprintf(f, "order =");
    for ( i = 0; i < c->nr_order; i++ )
        fprintf(f, " %s", c->order[i] == XL_SOURCE_FILE ? "file" : "xenstore");
    fprintf(f, "\nfiles =");
    for ( i = 0; i < c->nr_files; i++ )
        fprintf(f, " %s", c->files[i]);
    fprintf(f, "\nxenstore_path = %s\npersist = %s\nstatus = %s\n",
            c->xenstore_path, c->persist, c->status);
    fprintf(f, "unknown_keep = %d\nextra_words_ignore = %d\n"
            "missing_allow = %d\npv_enforce_allow = %d\nmask = ",
            c->unknown_keep, c->extra_words_ignore, c->missing_allow,
            c->pv_enforce_allow);
    xl_fs_print_names(f, &c->mask);
    fprintf(f, "\nlog_level = %d\nkmsg = %d\n", c->log_level, c->kmsg);
}

int main(int argc, char **argv)
{
    bool regen = getenv("XENLEVEL_REGEN") != NULL;
    unsigned int i;

    if ( argc > 1 )
        t_dir = argv[1];
    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_parse_opts po = { .allow_extra_words = t->allow_extra };
        struct xl_err err;
        char name[256], exp_path[1024], *text, *out = NULL, *expected;
        size_t len = 0;
        FILE *f;
        int rc;

        snprintf(name, sizeof(name), "golden/%s", t->file);
        snprintf(exp_path, sizeof(exp_path), "%s%s.expected",
                 t_path(name), t->allow_extra ? ".extra" : "");
        t_name = t->file;
        text = t_slurp(t_path(name));
        CHECK(text != NULL, "cannot read %s", t_path(name));
        if ( !text )
            continue;
        f = open_memstream(&out, &len);
        memset(&err, 0, sizeof(err));
        switch ( t->kind )
        {
        case LEVEL:
        {
            struct xl_level l;

            rc = xl_level_parse(name, text, &po, &l, &err);
            if ( !rc )
                xl_level_write(f, &l);
            break;
        }
        case REPORT:
        {
            struct xl_host_report r;

            rc = xl_report_parse(name, text, &po, &r, &err);
            if ( !rc )
                xl_report_write(f, &r);
            break;
        }
        default:
        {
            struct xl_config c;

            xl_config_defaults(&c);
            rc = xl_config_parse(name, text, &c, &err);
            if ( !rc )
                dump_config(f, &c);
            break;
        }
        }
        if ( rc )
        {
            char buf[1024];

            fprintf(f, "ERROR %d: %s\n", rc, xl_err_str(&err, buf,
                                                          sizeof(buf)));
        }
        fclose(f);
        if ( regen )
        {
            FILE *e = fopen(exp_path, "w");

            if ( e )
            {
                fputs(out, e);
                fclose(e);
            }
        }
        expected = t_slurp(exp_path);
        CHECK(expected && !strcmp(expected, out),
              "output differs from %s:\n%s", exp_path, out);
        free(expected);
        free(out);
        free(text);
    }
    return t_done("test-golden");
}
