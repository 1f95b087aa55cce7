/*
 * test-state.c - the state records (one writer, one parser) and the boot
 * rule (which level a boot applies).
 */
#include <errno.h>

#include "source.h"
#include "state.h"
#include "testlib.h"

/* Round trip: whatever a field holds, the parser gets it back exactly. */
static void test_roundtrip(void)
{
    static const struct test {
        const char *name;
        const char *source, *reason;
    } tests[] = {
        { "plain", "/var/lib/xenlevel/level", "" },
        { "newline forging state=levelled",
          "/tmp/x\nstate=levelled", "a\nstate=levelled\nreason=" },
        { "backslashes", "C:\\x41\\", "\\\\n" },
        { "tab, CR, DEL, ESC", "a\tb\rc\x7f" "d\x1b[0m", "" },
        { "utf-8 kept", "/srv/niveau-\xc3\xa9t\xc3\xa9", "d\xc3\xa9j\xc3\xa0" },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_status s, back;
        struct xl_err err = { .line = 0 };
        char buf[8192];
        int rc;

        t_name = t->name;
        xl_status_init(&s);
        XL_STATUS_SET(&s, state, "unlevelled");
        XL_STATUS_SET(&s, stage, "initramfs");
        XL_STATUS_SET(&s, cause, "cannot-honour");
        XL_STATUS_SET(&s, level, "pool");
        XL_STATUS_SET(&s, source, "%s", t->source);
        XL_STATUS_SET(&s, reason, "%s", t->reason);
        s.generation = 7;
        s.has_generation = true;
        s.exit_code = 4;
        CHECK(xl_status_format(&s, buf, sizeof(buf)) == 0, "format");
        /* exactly 8 lines: no field spans two */
        {
            unsigned int nl = 0;
            const char *p;

            for ( p = buf; *p; p++ )
                nl += *p == '\n';
            CHECK(nl == 8, "%u lines in %s", nl, buf);
        }
        rc = xl_status_parse("rec", buf, &back, &err);
        CHECK(rc == 0, "parse: %s", err.msg);
        CHECK(!strcmp(back.state, "unlevelled"), "state %s", back.state);
        CHECK(!strcmp(back.source, t->source), "source");
        CHECK(!strcmp(back.reason, t->reason), "reason");
        CHECK(back.generation == 7 && back.has_generation, "generation");
        CHECK(back.exit_code == 4, "exit %d", back.exit_code);
    }
}

static void test_parse_errors(void)
{
    static const struct test {
        const char *name;
        const char *text;
        unsigned int line;
        const char *key, *msg;
    } tests[] = {
        { "duplicate state (the last-state-wins forgery)",
          "state=unlevelled\nstate=levelled\n", 2, "state", "duplicate" },
        { "unknown key", "state=levelled\ncolour=red\n", 2, "colour",
          "unknown key" },
        { "no '='", "state=levelled\nlevelled\n", 2, "", "key=value" },
        { "unknown state", "state=great\n", 1, "state", "unknown state" },
        { "missing state", "level=x\n", 1, "state", "missing" },
        { "raw control character", "state=levelled\nreason=a\x01z\n", 2,
          "reason", "control" },
        { "bad escape", "state=levelled\nreason=a\\q\n", 2, "reason",
          "escape" },
        { "escaped NUL", "state=levelled\nreason=a\\x00\n", 2, "reason",
          "escape" },
        { "generation with sign", "state=levelled\ngeneration=-1\n", 2,
          "generation", "decimal" },
        { "generation with leading zero", "state=levelled\ngeneration=010\n",
          2, "generation", "decimal" },
        { "generation overflow",
          "state=levelled\ngeneration=18446744073709551616\n", 2,
          "generation", "decimal" },
        { "generation above the documented bound",
          "state=levelled\ngeneration=9007199254740992\n", 2,
          "generation", "decimal" },
        { "exit code above 255", "state=levelled\nexit=256\n", 2, "exit",
          "exit code" },
        { "unknown stage", "state=levelled\nstage=later\n", 2, "stage",
          "unknown stage" },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_err err = { .line = 0 };
        struct xl_status s;
        int rc;

        t_name = t->name;
        rc = xl_status_parse("rec", t->text, &s, &err);
        CHECK(rc == -EINVAL, "rc %d", rc);
        CHECK(err.line == t->line, "line %u", err.line);
        CHECK(!strcmp(err.key, t->key), "key '%s'", err.key);
        CHECK(strstr(err.msg, t->msg) != NULL, "msg '%s'", err.msg);
    }
}

static void test_floor(void)
{
    static const struct test {
        const char *name, *text;
        int rc;
        uint64_t floor;
    } tests[] = {
        { "ok", "generation=12\n", 0, 12 },
        { "no newline", "generation=3", 0, 3 },
        { "negative", "generation=-1\n", -EINVAL, 0 },
        { "hex", "generation=0x10\n", -EINVAL, 0 },
        { "trailing line", "generation=3\nx=1\n", -EINVAL, 0 },
        { "other key", "level=3\n", -EINVAL, 0 },
    };
    unsigned int i;
    char buf[64];
    uint64_t f;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];

        t_name = t->name;
        f = 0;
        CHECK(xl_floor_parse("forced", t->text, &f, NULL) == t->rc, "rc");
        CHECK(t->rc || f == t->floor, "floor %llu", (unsigned long long)f);
    }
    t_name = "floor round trip";
    CHECK(xl_floor_format(XL_GENERATION_MAX, buf, sizeof(buf)) == 0,
          "format");
    CHECK(xl_floor_parse("forced", buf, &f, NULL) == 0 &&
          f == XL_GENERATION_MAX, "back");
    t_name = "floor above the generation bound";
    CHECK(xl_floor_format(XL_GENERATION_MAX + 1, buf, sizeof(buf)) == 0,
          "format");
    CHECK(xl_floor_parse("forced", buf, &f, NULL) == -EINVAL, "refused");
}

static void test_boot_pick(void)
{
    static const struct test {
        const char *name;
        bool p_exists, p_valid;
        uint64_t p_gen;
        bool b_exists, b_valid;
        uint64_t b_gen, floor;
        enum xl_pick want;
    } tests[] = {
        { "nothing", false, false, 0, false, false, 0, 0, XL_PICK_NONE },
        { "persisted only", true, true, 3, false, false, 0, 0,
          XL_PICK_PERSISTED },
        { "site only", false, false, 0, true, true, 2, 0, XL_PICK_BAKED },
        { "persisted newer", true, true, 5, true, true, 4, 0,
          XL_PICK_PERSISTED },
        { "equal: persisted", true, true, 5, true, true, 5, 0,
          XL_PICK_PERSISTED },
        { "site newer (initramfs rebuilt)", true, true, 5, true, true, 6, 0,
          XL_PICK_BAKED },
        { "forced rollback survives", true, true, 3, true, true, 5, 5,
          XL_PICK_PERSISTED },
        { "site newer than the floor", true, true, 3, true, true, 6, 5,
          XL_PICK_BAKED },
        { "damaged persisted: site above no floor", true, false, 0, true,
          true, 2, 0, XL_PICK_BAKED },
        { "damaged persisted: site above the floor", true, false, 0, true,
          true, 6, 5, XL_PICK_BAKED },
        { "damaged persisted: the rule holds at the floor", true, false, 0,
          true, true, 5, 5, XL_PICK_NONE },
        { "damaged persisted: the rule holds under the floor", true, false,
          0, true, true, 3, 5, XL_PICK_NONE },
        { "damaged persisted, no site level", true, false, 0, false, false,
          0, 0, XL_PICK_NONE },
        { "damaged site: persisted", true, true, 1, true, false, 0, 0,
          XL_PICK_PERSISTED },
        { "both damaged", true, false, 0, true, false, 0, 0, XL_PICK_NONE },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_candidate p = { t->p_exists ? "/p" : NULL, t->p_valid,
                                  t->p_gen };
        struct xl_candidate b = { t->b_exists ? "/b" : NULL, t->b_valid,
                                  t->b_gen };
        char why[512] = "";

        t_name = t->name;
        CHECK(xl_boot_pick(&p, &b, t->floor, why, sizeof(why)) == t->want,
              "picked otherwise: %s", why);
        CHECK(*why, "no reason given");
    }
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_roundtrip();
    test_parse_errors();
    test_floor();
    test_boot_pick();
    return t_done("test-state");
}
