/*
 * test-apply.c - the apply path against a fake Xen: both defaults or
 * neither, refusals change nothing, read-back verification.
 */
#include <errno.h>

#include "apply.h"
#include "testhost.h"
#include "testlib.h"
#include "xl-names.h"

struct fake {
    struct xl_policy pv, hvm;
    int set_rc;                 /* what set_defaults answers */
    unsigned int err_index;     /* the index it names (0: PV) */
    bool corrupt_readback;
    unsigned int flags;         /* the flags it was given */
    unsigned int nr_set_calls;
    bool got_hvm;
};

static int fake_set(void *ctx, const struct xl_policy *pv,
                    const struct xl_policy *hvm, unsigned int flags,
                    struct xl_set_err *e)
{
    struct fake *f = ctx;

    f->nr_set_calls++;
    f->got_hvm = hvm != NULL;
    f->flags = flags;
    if ( f->set_rc )
    {
        e->index = f->err_index ? f->err_index : XL_POL_PV_DEF;
        e->leaf = 7;
        e->subleaf = 0;
        e->msr = ~0U;
        return f->set_rc;
    }
    f->pv = *pv;
    if ( hvm )
        f->hvm = *hvm;
    return 0;
}

static int fake_get(void *ctx, unsigned int index, struct xl_policy *out)
{
    struct fake *f = ctx;

    *out = index == XL_POL_PV_DEF ? f->pv : f->hvm;
    if ( f->corrupt_readback )
        out->leaves[1].c ^= 1;
    return 0;
}

static void make_host(struct xl_host *h, const char *vendor)
{
    struct xl_host_report r;

    t_report_all_known(&r, vendor);
    xl_host_from_report(&r, h);
}

static void test_apply(void)
{
    static const struct test {
        const char *name;
        const char *level_vendor;
        unsigned int level_lacks;       /* feature cleared in the level */
        int set_rc;
        unsigned int err_index;
        bool corrupt_readback;
        bool beyond;                    /* beyond_boot_defaults = allow */
        int exit;
        unsigned int set_calls;
        const char *reason;             /* substring of res.reason */
    } tests[] = {
        { "installs both defaults in one call", "AuthenticAMD",
          XL_BIT_SHA, 0, 0, false, false, XL_EXIT_OK, 1, "" },
        { "unpatched xen (ENOSYS)", "AuthenticAMD", XL_BIT_SHA, -ENOSYS, 0,
          false, false, XL_EXIT_NOSYSCTL, 1, "xen-patches/VERSION/series" },
        { "no HVM in Xen (EOPNOTSUPP)", "AuthenticAMD", XL_BIT_SHA,
          -EOPNOTSUPP, 0, false, false, XL_EXIT_NOHVM, 1, "no HVM support" },
        { "XSM denies (EPERM)", "AuthenticAMD", XL_BIT_SHA, -EPERM, 0,
          false, false, XL_EXIT_DENIED, 1, "xen2:set_cpu_policy" },
        { "interface version (EACCES)", "AuthenticAMD", XL_BIT_SHA, -EACCES,
          0, false, false, XL_EXIT_DENIED, 1, "XEN_SYSCTL_INTERFACE_VERSION" },
        { "xen refuses", "AuthenticAMD", XL_BIT_SHA, -EINVAL, 0, false,
          false, XL_EXIT_XEN, 1, "PV default policy (Invalid argument): "
          "leaf 0x7 subleaf 0; neither default was changed (a feature beyond "
          "this host's max policy, or one Xen withholds" },
        { "xen refuses the HVM one", "AuthenticAMD", XL_BIT_SHA, -EINVAL,
          XL_POL_HVM_DEF, false, true, XL_EXIT_XEN, 1,
          "HVM default policy (Invalid argument): leaf 0x7 subleaf 0; "
          "neither default was changed" },
        { "xen names no policy: no PV", "AuthenticAMD", XL_BIT_SHA, -EINVAL,
          ~0U, false, false, XL_EXIT_XEN, 1, "Xen refused the request" },
        { "read-back differs: changed, not 'not applied'", "AuthenticAMD",
          XL_BIT_SHA, 0, 0, true, false, XL_EXIT_READBACK, 1,
          "Xen's default policies were changed, but the PV default reads "
          "back other than the level's (PV: -sse3): the host runs neither" },
        { "vendor mismatch never reaches xen", "GenuineIntel",
          XL_BIT_SHA, 0, 0, false, false, XL_EXIT_VENDOR, 0, "vendor" },
        { "unenforceable never reaches xen", "AuthenticAMD", XL_BIT_XSAVES,
          0, 0, false, false, XL_EXIT_ENFORCE, 0, "0x0000000d:1" },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        static struct xl_host h;
        static struct xl_apply_result res;
        static struct fake f;
        struct xl_apply_ops ops = { &f, fake_set, fake_get };
        struct xl_config cfg;
        struct xl_policy pv_before, hvm_before;
        struct xl_fs got;
        struct xl_level l;
        int rc;

        t_name = t->name;
        xl_config_defaults(&cfg);
        make_host(&h, "AuthenticAMD");
        memset(&f, 0, sizeof(f));
        f.pv = pv_before = h.pol[XL_POL_PV_DEF];
        f.hvm = hvm_before = h.pol[XL_POL_HVM_DEF];
        f.set_rc = t->set_rc;
        f.err_index = t->err_index;
        f.corrupt_readback = t->corrupt_readback;
        cfg.beyond_allow = t->beyond;

        memset(&l, 0, sizeof(l));
        snprintf(l.name, sizeof(l.name), "lvl");
        snprintf(l.vendor, sizeof(l.vendor), "%s", t->level_vendor);
        l.pv = h.rep.pv_def;
        xl_fs_clear_with_deps(&l.pv, t->level_lacks);
        l.hvm = l.pv;
        l.has_hvm = true;

        rc = xl_apply(&cfg, &l, &h, &ops, stdout, &res);
        CHECK(rc == t->exit, "exit %d, expected %d (%s)", rc, t->exit,
              res.reason);
        CHECK(f.nr_set_calls == t->set_calls, "%u set calls",
              f.nr_set_calls);
        CHECK(strstr(res.reason, t->reason) != NULL, "reason '%s'",
              res.reason);
        if ( t->err_index == ~0U )
            CHECK(!strstr(res.reason, "PV") && !strstr(res.reason, "HVM"),
                  "names a policy Xen did not name: '%s'", res.reason);
        if ( t->beyond )
            CHECK(!strstr(res.reason, "beyond_boot_defaults"),
                  "beyond_boot_defaults hint with allow: '%s'", res.reason);
        if ( t->set_calls )
            CHECK(f.flags == (t->beyond ? XL_SET_BEYOND_DEFAULT : 0U),
                  "flags %#x, beyond_boot_defaults %d", f.flags, t->beyond);
        if ( t->set_calls )
            CHECK(f.got_hvm, "HVM default not passed with the PV one");
        if ( rc == XL_EXIT_OK || t->corrupt_readback )
        {
            xl_policy_to_fs(&f.pv, &got);
            CHECK(xl_fs_equal(&got, &l.pv), "PV default is not the level");
            xl_policy_to_fs(&f.hvm, &got);
            CHECK(xl_fs_equal(&got, &l.hvm), "HVM default is not the level");
        }
        else
            CHECK(!memcmp(&f.pv, &pv_before, sizeof(f.pv)) &&
                  !memcmp(&f.hvm, &hvm_before, sizeof(f.hvm)),
                  "a refused apply changed a default");
    }
}

static void test_dry_run_and_unknown(void)
{
    static struct xl_host h;
    static struct xl_apply_result res;
    struct xl_config cfg;
    struct xl_level l;
    char *out = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    t_name = "dry run prints a diff";
    xl_config_defaults(&cfg);
    make_host(&h, "AuthenticAMD");
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "lvl");
    snprintf(l.vendor, sizeof(l.vendor), "AuthenticAMD");
    l.pv = h.rep.pv_def;
    xl_fs_clear_with_deps(&l.pv, XL_BIT_SHA);
    l.hvm = l.pv;
    l.has_hvm = true;
    f = open_memstream(&out, &len);
    rc = xl_apply(&cfg, &l, &h, NULL, f, &res);
    fclose(f);
    CHECK(rc == XL_EXIT_OK, "exit %d", rc);
    CHECK(strstr(out, "leaf 0x00000007:0  ebx:") && strstr(out, " -sha"),
          "diff lacks the 7.0 ebx change:\n%s", out);
    CHECK(strstr(out, "+++ hvm_default"), "no HVM diff:\n%s", out);
    free(out);

    t_name = "unknown_features = keep keeps unknown bits";
    {
        unsigned int unknown_bit = ~0U, b;
        struct xl_fs got;

        for ( b = 0; b < XL_FS_BITS && unknown_bit == ~0U; b++ )
            if ( !xl_fs_test(xl_fs_known(), b) && xl_fs_word(b / 32)->reg != 'm' )
                unknown_bit = b;
        CHECK(unknown_bit != ~0U, "no unknown bit to test with");
        /* The host's default has a bit this build does not know. */
        {
            struct xl_fs cur;

            xl_policy_to_fs(&h.pol[XL_POL_PV_DEF], &cur);
            xl_fs_set(&cur, unknown_bit);
            xl_policy_build(&h.pol[XL_POL_PV_DEF], &cur, NULL,
                            &h.pol[XL_POL_PV_DEF], NULL);
        }
        FILE *devnull = fopen("/dev/null", "w");

        cfg.unknown_keep = true;
        rc = xl_apply(&cfg, &l, &h, NULL, devnull, &res);
        xl_policy_to_fs(&res.pv_new, &got);
        CHECK(rc == XL_EXIT_OK && xl_fs_test(&got, unknown_bit),
              "unknown bit %u dropped with keep", unknown_bit);
        cfg.unknown_keep = false;
        rc = xl_apply(&cfg, &l, &h, NULL, devnull, &res);
        xl_policy_to_fs(&res.pv_new, &got);
        CHECK(rc == XL_EXIT_OK && !xl_fs_test(&got, unknown_bit),
              "unknown bit %u kept with clear", unknown_bit);
        fclose(devnull);
    }
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_apply();
    test_dry_run_and_unknown();
    return t_done("test-apply");
}
