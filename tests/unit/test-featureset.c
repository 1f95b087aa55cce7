/*
 * test-featureset.c - featureset words, names, deep deps, pool combine.
 */
#include <errno.h>

#include "featureset.h"
#include "testlib.h"
#include "xl-names.h"

static void test_parse(void)
{
    static const struct test {
        const char *name;
        const char *in;
        bool allow_extra;
        int rc;
        unsigned int bad_word;
        uint32_t w0, w1, last;
    } tests[] = {
        { "two words, padded", "0000000f:80000001", false, 0, 0,
          0xf, 0x80000001, 0 },
        { "upper-case hex", "DEADBEEF", false, 0, 0, 0xdeadbeef, 0, 0 },
        { "surrounding blanks", "  00000001:00000002  ", false, 0, 0,
          1, 2, 0 },
        { "all 19 words",
          "00000001:00000002:00000003:00000004:00000005:00000006:00000007:"
          "00000008:00000009:0000000a:0000000b:0000000c:0000000d:0000000e:"
          "0000000f:00000010:00000011:00000012:00000013", false, 0, 0,
          1, 2, 0x13 },
        { "20 words rejected",
          "00000001:00000002:00000003:00000004:00000005:00000006:00000007:"
          "00000008:00000009:0000000a:0000000b:0000000c:0000000d:0000000e:"
          "0000000f:00000010:00000011:00000012:00000013:00000014", false,
          -E2BIG, 20, 0, 0, 0 },
        { "20 words dropped when allowed",
          "00000001:00000002:00000003:00000004:00000005:00000006:00000007:"
          "00000008:00000009:0000000a:0000000b:0000000c:0000000d:0000000e:"
          "0000000f:00000010:00000011:00000012:00000013:00000014", true,
          0, 0, 1, 2, 0x13 },
        { "non-hex word", "00000001:0000zz02", false, -EINVAL, 1, 0, 0, 0 },
        { "nine digits", "000000001", false, -EINVAL, 0, 0, 0, 0 },
        { "empty", "", false, -ENODATA, 0, 0, 0, 0 },
        { "blank", "   ", false, -ENODATA, 0, 0, 0, 0 },
        { "trailing colon", "00000001:", false, -EINVAL, 1, 0, 0, 0 },
        { "double colon", "00000001::00000002", false, -EINVAL, 1, 0, 0, 0 },
        { "trailing junk", "00000001 x", false, -EINVAL, 1, 0, 0, 0 },
        { "negative", "-0000001", false, -EINVAL, 0, 0, 0, 0 },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_fs fs;
        unsigned int bad = 0;
        int rc;

        t_name = t->name;
        rc = xl_fs_parse(t->in, &fs, t->allow_extra, &bad);
        CHECK(rc == t->rc, "rc %d, expected %d", rc, t->rc);
        if ( rc )
        {
            CHECK(bad == t->bad_word, "bad word %u, expected %u", bad,
                  t->bad_word);
            continue;
        }
        CHECK(fs.w[0] == t->w0 && fs.w[1] == t->w1 &&
              fs.w[XL_FS_WORDS - 1] == t->last, "words %08x %08x %08x",
              fs.w[0], fs.w[1], fs.w[XL_FS_WORDS - 1]);
    }

    t_name = "format round trip";
    {
        struct xl_fs fs, back;
        char buf[XL_FS_STRLEN];

        memset(&fs, 0, sizeof(fs));
        fs.w[0] = 0x178bfbff;
        fs.w[XL_FS_WORDS - 1] = 0x6;
        xl_fs_format(&fs, buf);
        CHECK(strlen(buf) == XL_FS_WORDS * 9 - 1, "length %zu", strlen(buf));
        CHECK(!strncmp(buf, "178bfbff:00000000:", 18), "%s", buf);
        CHECK(xl_fs_parse(buf, &back, false, NULL) == 0 &&
              xl_fs_equal(&fs, &back), "round trip of %s", buf);
    }
}

static void test_names(void)
{
    static const struct test {
        const char *name;
        const char *feature;
        int rc;
        unsigned int bit;           /* one bit it must set */
        unsigned int nr_bits;       /* how many bits it sets */
    } tests[] = {
        { "xen-cpuid name", "avx512f", 0, XL_BIT_AVX512F, 1 },
        { "xen-cpuid spelling sse41", "sse41", 0, XL_BIT_SSE4_1, 1 },
        { "gen-cpuid alias sse4-1", "sse4-1", 0, XL_BIT_SSE4_1, 1 },
        { "alias with underscore", "sse4_1", 0, XL_BIT_SSE4_1, 1 },
        { "rtm", "rtm", 0, XL_BIT_RTM, 1 },
        { "mirrored AMD name sets both words", "fpu", 0, XL_BIT_FPU, 2 },
        { "case-insensitive", "AVX2", 0, XL_BIT_AVX2, 1 },
        { "MSR_ARCH_CAPS feature", "rsba", 0, XL_BIT_RSBA, 1 },
        { "unknown", "avx9000", -ENOENT, 0, 0 },
        { "empty", "", -ENOENT, 0, 0 },
    };
    unsigned int i, b, n;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_fs fs = { { 0 } };
        int rc;

        t_name = t->name;
        rc = xl_fs_lookup(t->feature, &fs);
        CHECK(rc == t->rc, "rc %d", rc);
        if ( rc )
            continue;
        CHECK(xl_fs_test(&fs, t->bit), "bit %u not set", t->bit);
        for ( n = 0, b = 0; b < XL_FS_BITS; b++ )
            n += xl_fs_test(&fs, b);
        CHECK(n == t->nr_bits, "%u bits set", n);
    }
    t_name = "names print as xen-cpuid";
    CHECK(!strcmp(xl_fs_name(XL_BIT_SSE4_1), "sse41"), "%s",
          xl_fs_name(XL_BIT_SSE4_1));
    CHECK(!strcmp(xl_fs_name(XL_BIT_HYPERVISOR), "hyper"), "%s",
          xl_fs_name(XL_BIT_HYPERVISOR));
}

static void test_deep_deps(void)
{
    static const struct test {
        const char *name;
        unsigned int clear;
        unsigned int gone[4];       /* must be cleared too */
        unsigned int stays[2];      /* must survive */
    } tests[] = {
        { "xsave takes avx, avx2, xsaveopt", XL_BIT_XSAVE,
          { XL_BIT_AVX, XL_BIT_AVX2, XL_BIT_XSAVEOPT, XL_BIT_AVX512F },
          { XL_BIT_SSE4_2, XL_BIT_FPU } },
        { "avx512f takes its family", XL_BIT_AVX512F,
          { XL_BIT_AVX512DQ, XL_BIT_AVX512BW, XL_BIT_AVX512VL,
            XL_BIT_AVX512CD },
          { XL_BIT_AVX2, XL_BIT_AVX } },
        { "arch-caps takes the MSR word", XL_BIT_ARCH_CAPS,
          { XL_BIT_RSBA, XL_BIT_RRSBA, XL_BIT_FB_CLEAR, XL_BIT_EIBRS },
          { XL_BIT_MD_CLEAR, XL_BIT_AVX } },
    };
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_fs a, b;

        t_name = t->name;
        memset(&a, 0xff, sizeof(a));
        b = a;
        xl_fs_clear_with_deps(&a, t->clear);
        xl_fs_clear(&b, t->clear);
        xl_fs_apply_deep_deps(&b);
        CHECK(xl_fs_equal(&a, &b), "clear_with_deps != apply_deep_deps");
        CHECK(!xl_fs_test(&a, t->clear), "feature itself kept");
        for ( j = 0; j < ARRAY_SIZE(t->gone); j++ )
            CHECK(!xl_fs_test(&a, t->gone[j]), "bit %u kept", t->gone[j]);
        for ( j = 0; j < ARRAY_SIZE(t->stays); j++ )
            CHECK(xl_fs_test(&a, t->stays[j]), "bit %u lost", t->stays[j]);
    }
}

/*
 * Pool combination over two hosts that have every feature except the ones
 * a test takes away from each.
 */
static void test_pool(void)
{
    static const struct test {
        const char *name;
        unsigned int a_lacks[4], b_lacks[4];    /* 0 = end */
        unsigned int yes[3], no[3];             /* 0 = end */
    } tests[] = {
        { "ordinary features intersect",
          { 0 }, { XL_BIT_AVX512F },
          { XL_BIT_SSE2, XL_BIT_AVX2 }, { XL_BIT_AVX512F, XL_BIT_AVX512DQ } },
        { "md-clear accumulates",
          { XL_BIT_MD_CLEAR }, { 0 },
          { XL_BIT_MD_CLEAR }, { 0 } },
        { "fb-clear accumulates under arch-caps",
          { XL_BIT_FB_CLEAR }, { 0 },
          { XL_BIT_ARCH_CAPS, XL_BIT_FB_CLEAR }, { 0 } },
        { "fb-clear dropped without arch-caps",
          { XL_BIT_ARCH_CAPS }, { XL_BIT_FB_CLEAR },
          { 0 }, { XL_BIT_FB_CLEAR, XL_BIT_ARCH_CAPS } },
        { "rsba from one host, no eibrs: rsba",
          { XL_BIT_EIBRS, XL_BIT_RRSBA }, { XL_BIT_RSBA, XL_BIT_RRSBA },
          { XL_BIT_RSBA }, { XL_BIT_RRSBA, XL_BIT_EIBRS } },
        { "rrsba from one host, eibrs everywhere: rrsba",
          { XL_BIT_RSBA }, { XL_BIT_RSBA, XL_BIT_RRSBA },
          { XL_BIT_RRSBA, XL_BIT_EIBRS }, { XL_BIT_RSBA } },
        { "rrsba from one host, eibrs not everywhere: rsba",
          { XL_BIT_RSBA }, { XL_BIT_RSBA, XL_BIT_RRSBA, XL_BIT_EIBRS },
          { XL_BIT_RSBA }, { XL_BIT_RRSBA, XL_BIT_EIBRS } },
    };
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_fs a, b, all, any, out;

        t_name = t->name;
        a = *xl_fs_known();
        b = a;
        for ( j = 0; j < ARRAY_SIZE(t->a_lacks) && t->a_lacks[j]; j++ )
            xl_fs_clear(&a, t->a_lacks[j]);
        for ( j = 0; j < ARRAY_SIZE(t->b_lacks) && t->b_lacks[j]; j++ )
            xl_fs_clear(&b, t->b_lacks[j]);
        all = a;
        xl_fs_and(&all, &b);
        any = a;
        xl_fs_or(&any, &b);
        xl_fs_pool(&all, &any, &out);
        xl_fs_apply_deep_deps(&out);
        for ( j = 0; j < ARRAY_SIZE(t->yes) && t->yes[j]; j++ )
            CHECK(xl_fs_test(&out, t->yes[j]), "bit %u missing", t->yes[j]);
        for ( j = 0; j < ARRAY_SIZE(t->no) && t->no[j]; j++ )
            CHECK(!xl_fs_test(&out, t->no[j]), "bit %u present", t->no[j]);
    }
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_parse();
    test_names();
    test_deep_deps();
    test_pool();
    return t_done("test-featureset");
}
