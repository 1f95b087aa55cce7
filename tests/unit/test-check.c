/*
 * test-check.c - can a host honour and enforce a level; pool compute.
 *
 * Hosts are built from the known-feature set minus what each case takes
 * away, so the cases read as differences, as in test-cpu-policy.c.
 */
#include <errno.h>

#include "check.h"
#include "policy.h"
#include "testlib.h"
#include "xl-names.h"

#define END 0xffffffffU

static void make_host(struct xl_host_report *h, const char *name,
                      const char *vendor, uint32_t caps,
                      const unsigned int *lacks)
{
    unsigned int i;

    memset(h, 0, sizeof(*h));
    snprintf(h->name, sizeof(h->name), "%s", name);
    snprintf(h->vendor, sizeof(h->vendor), "%s", vendor);
    h->caps = caps;
    h->host = *xl_fs_known();
    for ( i = 0; lacks && lacks[i] != END; i++ )
        xl_fs_clear(&h->host, lacks[i]);
    /* Accumulated features are in max but, on this host, not in default. */
    h->pv_max = h->host;
    xl_fs_or(&h->pv_max, xl_fs_may_exceed_default());
    h->pv_def = h->host;
    xl_fs_apply_deep_deps(&h->pv_def);
    h->hvm_def = h->pv_def;
    h->hvm_max = h->pv_max;
    h->has_hvm = true;
}

#define AMD_CAPS (XL_CAP_ECX | XL_CAP_EDX | XL_CAP_EXTD_ECX | \
                  XL_CAP_EXTD_EDX | XL_CAP_L7S0_EAX | XL_CAP_L7S0_EBX)
#define NEHALEM_CAPS (XL_CAP_ECX | XL_CAP_EDX | XL_CAP_EXTD_ECX | \
                      XL_CAP_EXTD_EDX)

static void test_check(void)
{
    static const struct test {
        const char *name;
        const char *vendor;
        uint32_t caps;
        unsigned int host_lacks[4];
        unsigned int level_lacks[4];
        unsigned int level_adds[2];
        enum xl_verdict verdict;
        uint32_t unenforced;            /* words; ~0 = not checked */
    } tests[] = {
        { "level equals host", "AuthenticAMD", AMD_CAPS, { END }, { END },
          { END }, XL_VERDICT_OK, 0 },
        { "amd masks 1c", "AuthenticAMD", AMD_CAPS, { END },
          { XL_BIT_POPCNT, END }, { END }, XL_VERDICT_OK, 0 },
        { "amd masks 7b0", "AuthenticAMD", AMD_CAPS, { END },
          { XL_BIT_SHA, END }, { END }, XL_VERDICT_OK, 0 },
        { "amd cannot mask 0xd.1", "AuthenticAMD", AMD_CAPS, { END },
          { XL_BIT_XSAVES, END }, { END }, XL_VERDICT_ENFORCE, 1U << 4 },
        { "amd cannot mask 7c0", "AuthenticAMD", AMD_CAPS, { END },
          { XL_BIT_VAES, END }, { END }, XL_VERDICT_ENFORCE, 1U << 6 },
        { "nehalem lacks xsave_eax", "GenuineIntel", NEHALEM_CAPS, { END },
          { XL_BIT_XSAVEOPT, END }, { END }, XL_VERDICT_ENFORCE, 1U << 4 },
        { "sandybridge has xsave_eax", "GenuineIntel",
          NEHALEM_CAPS | XL_CAP_XSAVE_EAX, { END },
          { XL_BIT_XSAVEOPT, END }, { END }, XL_VERDICT_OK, 0 },
        { "haswell masks nothing", "GenuineIntel", 0, { END },
          { XL_BIT_POPCNT, END }, { END }, XL_VERDICT_ENFORCE, 1U << 1 },
        { "faulting enforces every leaf", "GenuineIntel", XL_CAP_FAULTING,
          { END }, { XL_BIT_AESNI, XL_BIT_VAES, XL_BIT_XSAVES, END },
          { END }, XL_VERDICT_OK, 0 },
        { "msr word always enforced", "GenuineIntel", 0, { END },
          { XL_BIT_FB_CLEAR, END }, { END }, XL_VERDICT_OK, 0 },
        { "host lacks a feature", "AuthenticAMD", AMD_CAPS,
          { XL_BIT_AVX2, END }, { END }, { END }, XL_VERDICT_HONOUR, ~0U },
        { "accumulated feature beyond default is fine", "GenuineIntel",
          XL_CAP_FAULTING, { XL_BIT_MD_CLEAR, END }, { END },
          { XL_BIT_MD_CLEAR, END }, XL_VERDICT_OK, 0 },
        { "ordinary feature beyond default is missing", "GenuineIntel",
          XL_CAP_FAULTING, { XL_BIT_AVX2, END }, { END },
          { XL_BIT_AVX2, END }, XL_VERDICT_HONOUR, ~0U },
    };
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_host_report h;
        struct xl_level l;
        struct xl_check res;
        enum xl_verdict v;

        t_name = t->name;
        make_host(&h, "h", t->vendor, t->caps, NULL);
        memset(&l, 0, sizeof(l));
        snprintf(l.vendor, sizeof(l.vendor), "%s", t->vendor);
        l.pv = h.pv_def;
        for ( j = 0; t->level_lacks[j] != END; j++ )
            xl_fs_clear_with_deps(&l.pv, t->level_lacks[j]);
        for ( j = 0; t->level_adds[j] != END; j++ )
            xl_fs_set(&l.pv, t->level_adds[j]);
        l.hvm = l.pv;
        l.has_hvm = true;
        /* The host is built after the level from its own lacks. */
        make_host(&h, "h", t->vendor, t->caps, t->host_lacks);
        xl_check(&h, &l, &res);
        v = xl_check_verdict(&res, false, false);
        CHECK(v == t->verdict, "verdict %d, expected %d", v, t->verdict);
        if ( t->unenforced != ~0U )
            CHECK(res.pv_unenforced == t->unenforced, "unenforced %#x",
                  res.pv_unenforced);
        if ( t->verdict == XL_VERDICT_HONOUR )
            CHECK(xl_check_verdict(&res, true, false) != XL_VERDICT_HONOUR,
                  "missing_features = allow did not allow");
        if ( t->verdict == XL_VERDICT_ENFORCE )
            CHECK(xl_check_verdict(&res, false, true) == XL_VERDICT_OK,
                  "pv_enforcement = allow did not allow");
    }

    t_name = "hiding a bit the hardware does not report needs no mask";
    {
        struct xl_host_report h;
        struct xl_level l;
        struct xl_check res;

        /* qemu64: Xen synthesises lfence+ (0x80000021.eax); no mask. */
        make_host(&h, "h", "AuthenticAMD", AMD_CAPS, NULL);
        memset(&l, 0, sizeof(l));
        snprintf(l.vendor, sizeof(l.vendor), "AuthenticAMD");
        l.pv = h.pv_def;
        xl_fs_clear(&l.pv, XL_BIT_LFENCE_DISPATCH);
        xl_check(&h, &l, &res);
        CHECK(xl_check_verdict(&res, false, false) == XL_VERDICT_ENFORCE,
              "without raw, host stands for the hardware");
        h.raw = h.host;
        xl_fs_clear(&h.raw, XL_BIT_LFENCE_DISPATCH);
        h.has_raw = true;
        xl_check(&h, &l, &res);
        CHECK(xl_check_verdict(&res, false, false) == XL_VERDICT_OK,
              "verdict %d", xl_check_verdict(&res, false, false));
        CHECK(res.pv_differs == 1U << 11 && res.pv_native_ok == 1U << 11,
              "differs %#x native_ok %#x", res.pv_differs, res.pv_native_ok);
    }

    t_name = "vendor mismatch";
    {
        struct xl_host_report h;
        struct xl_level l = { .pv = { { 1 } } };
        struct xl_check res;

        make_host(&h, "h", "GenuineIntel", 0, NULL);
        snprintf(l.vendor, sizeof(l.vendor), "AuthenticAMD");
        xl_check(&h, &l, &res);
        CHECK(xl_check_verdict(&res, true, true) == XL_VERDICT_VENDOR,
              "vendor mismatch not refused even with allow");
    }
}

static void test_compute(void)
{
    static const struct test {
        const char *name;
        const char *vendor2;
        unsigned int a_lacks[3], b_lacks[3];
        bool b_hvm;
        unsigned int mask;              /* 0: none */
        int rc;
        unsigned int pv_yes[2], pv_no[4], hvm_no[2];
    } tests[] = {
        { "intersection", "AuthenticAMD", { XL_BIT_AVX512F, END },
          { XL_BIT_SHA, END }, true, 0, 0,
          { XL_BIT_AVX2, END }, { XL_BIT_AVX512F, XL_BIT_SHA,
                                  XL_BIT_AVX512DQ, END }, { XL_BIT_SHA, END } },
        { "mask clears dependents", "AuthenticAMD", { END }, { END }, true,
          XL_BIT_AVX2, 0, { XL_BIT_AVX, END },
          { XL_BIT_AVX2, XL_BIT_AVX512F, XL_BIT_VAES, END },
          { XL_BIT_AVX2, END } },
        { "accumulated md-clear", "AuthenticAMD", { XL_BIT_MD_CLEAR, END },
          { END }, true, 0, 0, { XL_BIT_MD_CLEAR, END }, { END }, { END } },
        { "hvm only over hosts with hvm", "AuthenticAMD", { END },
          { XL_BIT_SHA, END }, false, 0, 0, { XL_BIT_AVX2, END },
          { XL_BIT_SHA, END }, { END } },
        { "mixed vendors", "GenuineIntel", { END }, { END }, true, 0,
          -EINVAL, { END }, { END }, { END } },
    };
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_host_report h[2];
        struct xl_fs mask = { { 0 } };
        struct xl_level l;
        struct xl_err err;
        int rc;

        t_name = t->name;
        make_host(&h[0], "a", "AuthenticAMD", AMD_CAPS, t->a_lacks);
        make_host(&h[1], "b", t->vendor2, AMD_CAPS, t->b_lacks);
        if ( !t->b_hvm )
        {
            memset(&h[1].hvm_def, 0, sizeof(h[1].hvm_def));
            memset(&h[1].hvm_max, 0, sizeof(h[1].hvm_max));
            h[1].has_hvm = false;
            /* b's lack of SHA must not reach the HVM level. */
        }
        if ( t->mask )
            xl_fs_set(&mask, t->mask);
        rc = xl_compute(h, 2, &mask, &l, &err);
        CHECK(rc == t->rc, "rc %d", rc);
        if ( rc )
        {
            CHECK(strstr(err.msg, "host a") && strstr(err.msg, "host b"),
                  "error does not name both hosts: %s", err.msg);
            continue;
        }
        for ( j = 0; t->pv_yes[j] != END; j++ )
            CHECK(xl_fs_test(&l.pv, t->pv_yes[j]), "pv lacks %u",
                  t->pv_yes[j]);
        for ( j = 0; t->pv_no[j] != END; j++ )
            CHECK(!xl_fs_test(&l.pv, t->pv_no[j]), "pv has %u", t->pv_no[j]);
        for ( j = 0; t->hvm_no[j] != END; j++ )
            CHECK(!xl_fs_test(&l.hvm, t->hvm_no[j]), "hvm has %u",
                  t->hvm_no[j]);
        if ( !t->b_hvm )
            CHECK(xl_fs_test(&l.hvm, XL_BIT_SHA), "hvm lost sha");
        /* Every host of the pool can honour its own level. */
        for ( j = 0; j < 2; j++ )
        {
            struct xl_check res;

            xl_check(&h[j], &l, &res);
            CHECK(xl_fs_empty(&res.pv_missing) &&
                  xl_fs_empty(&res.hvm_missing), "host %u cannot honour", j);
        }
    }
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_check();
    test_compute();
    return t_done("test-check");
}
