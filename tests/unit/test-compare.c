/*
 * test-compare.c - the migration pre-check (compare.c) and the JSON
 * writer's exit members (json.c).
 *
 * Sides are built from the known-feature set minus what each case takes
 * away, so the cases read as differences.
 */
#include "apply.h"
#include "compare.h"
#include "json.h"
#include "testlib.h"
#include "xl-names.h"

#define END 0xffffffffU
#define E1D(bit) (2 * 32 + (bit))       /* 0x80000001 edx */

static void make_fs(struct xl_fs *fs, const unsigned int *lacks)
{
    unsigned int i;

    /* Known features, plus two AMD mirrors of leaf 1 (fpu, pse). */
    *fs = *xl_fs_known();
    xl_fs_set(fs, E1D(0));
    xl_fs_set(fs, E1D(3));
    for ( i = 0; lacks[i] != END; i++ )
        xl_fs_clear(fs, lacks[i]);
}

static bool same_bits(const struct xl_fs *fs, const unsigned int *bits)
{
    struct xl_fs want = { { 0 } };
    unsigned int i;

    for ( i = 0; bits[i] != END; i++ )
        xl_fs_set(&want, bits[i]);
    return xl_fs_equal(fs, &want);
}

static void test_compare_fs(void)
{
    static const struct test {
        const char *name;
        const char *src_vendor, *tgt_vendor;
        unsigned int src_lacks[4], tgt_lacks[4];
        bool tgt_none;
        bool fits, vendor_ok;
        unsigned int target_lacks[4], source_lacks[4];
    } tests[] = {
        { "equal sides fit", "AuthenticAMD", "AuthenticAMD", { END },
          { END }, false, true, true, { END }, { END } },
        { "target lacks avx2", "AuthenticAMD", "AuthenticAMD", { END },
          { XL_BIT_AVX2, END }, false, false, true, { XL_BIT_AVX2, END },
          { END } },
        { "source lacks avx512f: fits", "GenuineIntel", "GenuineIntel",
          { XL_BIT_AVX512F, END }, { END }, false, true, true, { END },
          { XL_BIT_AVX512F, END } },
        { "both lack different features", "GenuineIntel", "GenuineIntel",
          { XL_BIT_AVX512F, END }, { XL_BIT_SSE4_2, END }, false, false,
          true, { XL_BIT_SSE4_2, END }, { XL_BIT_AVX512F, END } },
        { "vendors differ", "AuthenticAMD", "GenuineIntel", { END },
          { END }, false, false, false, { END }, { END } },
        { "target has no such guest type", "AuthenticAMD", "AuthenticAMD",
          { END }, { END }, true, false, true, { END }, { END } },
        { "amd: leaf-1 mirror in e1d is not lacking", "AuthenticAMD",
          "AuthenticAMD", { END }, { E1D(0), E1D(3), END }, false, true,
          true, { END }, { END } },
        { "amd: mirror counts when leaf 1 lacks it too", "AuthenticAMD",
          "AuthenticAMD", { END }, { XL_BIT_FPU, E1D(0), END }, false, false,
          true, { XL_BIT_FPU, E1D(0), END }, { END } },
        { "intel: e1d bit 0 is a feature of its own", "GenuineIntel",
          "GenuineIntel", { END }, { E1D(0), END }, false, false, true,
          { E1D(0), END }, { END } },
        { "amd: source without the mirror lacks nothing", "AuthenticAMD",
          "AuthenticAMD", { E1D(0), END }, { END }, false, true, true,
          { END }, { END } },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_fs src, tgt;
        struct xl_cmp c;

        t_name = t->name;
        make_fs(&src, t->src_lacks);
        make_fs(&tgt, t->tgt_lacks);
        xl_compare_fs("pv", t->src_vendor, &src, t->tgt_vendor,
                      t->tgt_none ? NULL : &tgt, &c);
        CHECK(c.fits == t->fits, "fits %d", c.fits);
        CHECK(c.vendor_ok == t->vendor_ok, "vendor_ok %d", c.vendor_ok);
        CHECK(c.unavailable == t->tgt_none, "unavailable %d", c.unavailable);
        if ( t->tgt_none )
            CHECK(xl_fs_equal(&c.target_lacks, &src),
                  "no target: every source feature is lacking");
        else if ( t->vendor_ok )
        {
            CHECK(same_bits(&c.target_lacks, t->target_lacks),
                  "target_lacks differs");
            CHECK(same_bits(&c.source_lacks, t->source_lacks),
                  "source_lacks differs");
        }
        CHECK(xl_compare_exit(&c, 1) ==
              (t->fits ? XL_EXIT_OK : !t->vendor_ok ? XL_EXIT_VENDOR
                                                    : XL_EXIT_HONOUR),
              "exit %d", xl_compare_exit(&c, 1));
    }
}

/* A domain's toolstack-set topology bits are not features of a level. */
static void test_drop_topology(void)
{
    static const struct test {
        const char *name;
        unsigned int tgt_lacks[4];
        bool tgt_none;
        bool fits;
        unsigned int target_lacks[4];
    } tests[] = {
        { "htt and cmp-legacy only: fits", { XL_BIT_HTT, XL_BIT_CMP_LEGACY,
          END }, false, true, { END } },
        { "htt and avx2: avx2 remains", { XL_BIT_HTT, XL_BIT_AVX2, END },
          false, false, { XL_BIT_AVX2, END } },
        { "no such guest type still does not fit", { END }, true, false,
          { END } },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_fs src, tgt;
        struct xl_cmp c;
        static const unsigned int none[] = { END };

        t_name = t->name;
        make_fs(&src, none);
        make_fs(&tgt, t->tgt_lacks);
        xl_compare_fs("pv", "AuthenticAMD", &src, "AuthenticAMD",
                      t->tgt_none ? NULL : &tgt, &c);
        xl_compare_drop_topology(&c);
        CHECK(c.fits == t->fits, "fits %d", c.fits);
        if ( !t->tgt_none )
            CHECK(same_bits(&c.target_lacks, t->target_lacks),
                  "target_lacks differs");
        CHECK(!xl_fs_test(&c.source_lacks, XL_BIT_HTT), "htt in source_lacks");
    }
}

/* A level against a host report (max policies) or another level. */
static void test_compare_level(void)
{
    static const struct test {
        const char *name;
        bool level_hvm, target_is_level, target_hvm;
        unsigned int target_lacks[3];
        unsigned int nr;
        bool pv_fits, hvm_fits, hvm_unavailable;
        int exit;
    } tests[] = {
        { "pv-only level, host has more", false, false, true, { END }, 1,
          true, false, false, XL_EXIT_OK },
        { "level with hvm, host fits both", true, false, true, { END }, 2,
          true, true, false, XL_EXIT_OK },
        { "level with hvm, host without hvm", true, false, false, { END },
          2, true, false, true, XL_EXIT_HONOUR },
        { "host max lacks avx2", true, false, true, { XL_BIT_AVX2, END }, 2,
          false, false, false, XL_EXIT_HONOUR },
        { "lower level lacks sse4.2", false, true, false,
          { XL_BIT_SSE4_2, END }, 1, false, false, false, XL_EXIT_HONOUR },
        { "level against itself", true, true, true, { END }, 2, true, true,
          false, XL_EXIT_OK },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_level src = { .generation = 1 }, tl = { .generation = 2 };
        struct xl_host_report r = { .has_hvm = t->target_hvm };
        struct xl_cmp c[2];
        unsigned int nr;
        static const unsigned int none[] = { END };

        t_name = t->name;
        snprintf(src.vendor, sizeof(src.vendor), "AuthenticAMD");
        snprintf(tl.vendor, sizeof(tl.vendor), "AuthenticAMD");
        snprintf(r.vendor, sizeof(r.vendor), "AuthenticAMD");
        make_fs(&src.pv, none);
        make_fs(&src.hvm, none);
        src.has_hvm = t->level_hvm;
        make_fs(&tl.pv, t->target_lacks);
        make_fs(&tl.hvm, t->target_lacks);
        tl.has_hvm = t->target_hvm;
        make_fs(&r.pv_max, t->target_lacks);
        make_fs(&r.hvm_max, t->target_lacks);
        /* The defaults are not what compare looks at: make them empty. */
        nr = xl_compare_level(&src, t->target_is_level ? NULL : &r,
                              t->target_is_level ? &tl : NULL, c);
        CHECK(nr == t->nr, "%u results", nr);
        CHECK(c[0].fits == t->pv_fits, "pv fits %d", c[0].fits);
        CHECK(!strcmp(c[0].type, "pv"), "first result %s", c[0].type);
        if ( nr == 2 )
        {
            CHECK(!strcmp(c[1].type, "hvm"), "second result %s", c[1].type);
            CHECK(c[1].fits == t->hvm_fits, "hvm fits %d", c[1].fits);
            CHECK(c[1].unavailable == t->hvm_unavailable, "unavailable %d",
                  c[1].unavailable);
        }
        CHECK(xl_compare_exit(c, nr) == t->exit, "exit %d",
              xl_compare_exit(c, nr));
    }
}

/* The JSON of one result, byte for byte, and the exit members. */
static void test_json(void)
{
    static const struct test {
        const char *name;
        int rc;
        const char *result;
    } tests[] = {
        { "exit 0", XL_EXIT_OK, "ok" },
        { "exit 3", XL_EXIT_INPUT, "bad-input" },
        { "exit 4", XL_EXIT_HONOUR, "cannot-honour" },
        { "exit 6", XL_EXIT_VENDOR, "vendor-mismatch" },
        { "exit 10", XL_EXIT_STALE, "stale-generation" },
        { "exit 12", XL_EXIT_NOT_LEVELLED, "not-levelled" },
        { "exit 16", XL_EXIT_NOHVM, "no-hvm" },
        { "no such code", 99, "unknown" },
    };
    struct xl_cmp_side s = { .kind = "domain", .domid = 7 };
    struct xl_fs src = { { 0 } }, tgt = { { 0 } };
    struct xl_cmp c;
    char buf[512];
    unsigned int i;
    FILE *f;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        t_name = tests[i].name;
        CHECK(!strcmp(xl_exit_result(tests[i].rc), tests[i].result),
              "result %s", xl_exit_result(tests[i].rc));
    }
    for ( i = 0; i <= XL_EXIT_NOHVM; i++ )
        CHECK(strcmp(xl_exit_meaning((int)i), "unknown exit code"),
              "exit %u has no meaning", i);

    t_name = "one result as JSON";
    snprintf(s.name, sizeof(s.name), "g\"1");
    xl_fs_set(&src, XL_BIT_AVX2);
    xl_fs_set(&src, XL_BIT_FPU);
    xl_fs_set(&tgt, XL_BIT_FPU);
    xl_fs_set(&tgt, XL_BIT_SSE4_2);
    xl_compare_fs("hvm", "GenuineIntel", &src, "GenuineIntel", &tgt, &c);
    f = fmemopen(buf, sizeof(buf), "w");
    xl_compare_json(f, &s, &c);
    fclose(f);
    CHECK(!strcmp(buf, "{\"source\":{\"kind\":\"domain\",\"name\":\"g\\\"1\","
                       "\"domid\":7},\"type\":\"hvm\",\"fits\":false,"
                       "\"vendor_ok\":true,\"unavailable\":false,"
                       "\"target_lacks\":[\"avx2\"],"
                       "\"source_lacks\":[\"sse42\"]}"), "got %s", buf);
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_compare_fs();
    test_compare_level();
    test_drop_topology();
    test_json();
    return t_done("test-compare");
}
