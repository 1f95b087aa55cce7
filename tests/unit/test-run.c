/*
 * test-run.c - the orchestration (run.c, source.c) against a fake edge:
 * the boot rule with real files (persisted level, site level, floor), and
 * the records an apply leaves (status, persisted level, floor, xenstore
 * status) for each outcome.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "source.h"
#include "store.h"
#include "testhost.h"
#include "testlib.h"
#include "xl-names.h"

/* ---- the fake edge ---------------------------------------------------- */

struct fake {
    struct xl_host host;            /* what read_host answers */
    struct xl_policy pv, hvm;       /* Xen's current defaults */
    int read_rc;                    /* read_host's answer */
    int set_rc;                     /* set_defaults' answer */
    bool corrupt_readback;          /* the defaults read back differ */
    bool readback_fails;            /* get_policy fails after the set */
    unsigned int nr_set;
    unsigned int nr_read_host;
    bool xs_up;                     /* a xenstored */
    char xs_value[4096];            /* the published level ("" none) */
    char xs_status[4096];           /* the last status written */
};

static struct fake fk;

static int fake_set(void *ctx, const struct xl_policy *pv,
                    const struct xl_policy *hvm, unsigned int flags,
                    struct xl_set_err *e)
{
    (void)ctx;
    (void)flags;
    fk.nr_set++;
    if ( fk.set_rc )
    {
        e->index = XL_POL_PV_DEF;
        e->leaf = 7;
        e->subleaf = 0;
        e->msr = ~0U;
        return fk.set_rc;
    }
    fk.pv = *pv;
    if ( hvm )
        fk.hvm = *hvm;
    return 0;
}

static int fake_get(void *ctx, unsigned int index, struct xl_policy *out)
{
    (void)ctx;
    if ( fk.readback_fails && fk.nr_set )
        return -EIO;
    *out = index == XL_POL_PV_DEF ? fk.pv : fk.hvm;
    if ( fk.corrupt_readback && fk.nr_set )
        out->leaves[1].c ^= 1;
    return 0;
}

static int fake_read_host(void *ctx, const char *name, struct xl_host *h,
                          struct xl_err *err)
{
    (void)ctx;
    (void)name;
    fk.nr_read_host++;
    if ( fk.read_rc )
    {
        xl_err_set(err, NULL, 0, NULL, "cannot open Xen (%s)",
                   strerror(-fk.read_rc));
        return fk.read_rc;
    }
    *h = fk.host;
    h->pol[XL_POL_PV_DEF] = fk.pv;
    h->pol[XL_POL_HVM_DEF] = fk.hvm;
    return 0;
}

static void fake_apply_ops(void *ctx, struct xl_apply_ops *ops)
{
    ops->ctx = ctx;
    ops->set_defaults = fake_set;
    ops->get_policy = fake_get;
}

static int fake_reset(void *ctx, struct xl_set_err *e)
{
    (void)ctx;
    (void)e;
    return 0;
}

static int fake_list(void *ctx, struct xl_domain *doms, unsigned int *nr)
{
    (void)ctx;
    (void)doms;
    *nr = 0;
    return 0;
}

static int fake_dompol(void *ctx, uint32_t domid, struct xl_policy *out)
{
    (void)ctx;
    (void)domid;
    (void)out;
    return -ESRCH;
}

static int fake_xs_open(void *ctx)
{
    (void)ctx;
    return fk.xs_up ? 0 : -ENOENT;
}

static int fake_xs_read(void *ctx, const char *path, char **text,
                        struct xl_err *err)
{
    (void)ctx;
    if ( !fk.xs_value[0] )
    {
        xl_err_set(err, path, 0, NULL, "no such node");
        return -ENOENT;
    }
    *text = strdup(fk.xs_value);
    return *text ? 0 : -ENOMEM;
}

static int fake_xs_write(void *ctx, const char *path, const char *text)
{
    (void)ctx;
    (void)path;
    snprintf(fk.xs_status, sizeof(fk.xs_status), "%s", text);
    return 0;
}

static const struct xl_edge fake_edge = {
    .ctx = &fk,
    .read_host = fake_read_host,
    .apply_ops = fake_apply_ops,
    .reset_defaults = fake_reset,
    .list_domains = fake_list,
    .domain_policy = fake_dompol,
    .xs_open = fake_xs_open,
    .xs_read = fake_xs_read,
    .xs_write = fake_xs_write,
};

/* An AMD host that can take every known feature. */
static void fake_reset_host(void)
{
    struct xl_host_report r;

    memset(&fk, 0, sizeof(fk));
    t_report_all_known(&r, "AuthenticAMD");
    snprintf(r.xen_version, sizeof(r.xen_version), "4.17.5");
    xl_host_from_report(&r, &fk.host);
    fk.pv = fk.host.pol[XL_POL_PV_DEF];
    fk.hvm = fk.host.pol[XL_POL_HVM_DEF];
}

/* ---- files ------------------------------------------------------------ */

static char dir[256];

static void make_level(struct xl_level *l, const char *name, uint64_t gen)
{
    memset(l, 0, sizeof(*l));
    snprintf(l->name, sizeof(l->name), "%s", name);
    snprintf(l->vendor, sizeof(l->vendor), "AuthenticAMD");
    l->generation = gen;
    l->pv = fk.host.rep.pv_def;
    xl_fs_clear_with_deps(&l->pv, XL_BIT_SHA);
    l->hvm = l->pv;
    l->has_hvm = true;
}

/* Write a level of generation gen at path; gen ~0: a damaged file. */
static void put_level(const char *path, const char *name, uint64_t gen)
{
    struct xl_level l;
    FILE *f = fopen(path, "w");

    if ( !f )
        return;
    if ( gen == ~0ULL )
        fputs("[level]\nname = broken\ngeneration = seven\n", f);
    else
    {
        make_level(&l, name, gen);
        xl_level_write(f, &l);
    }
    fclose(f);
}

static void put_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if ( f )
    {
        fputs(text, f);
        fclose(f);
    }
}

static char *slurp(const char *rel)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    return t_slurp(path);
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    const char *p = text;

    while ( p && (p = strstr(p, line)) )
    {
        if ( (p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]) )
            return true;
        p += n;
    }
    return false;
}

/* A fresh state tree: DIR/var (persist), DIR/etc (site), DIR/run. */
static void fresh_tree(struct xl_config *cfg)
{
    char cmd[600];

    if ( dir[0] )
    {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if ( system(cmd) )
            fprintf(stderr, "cannot remove %s\n", dir);
    }
    snprintf(dir, sizeof(dir), "/tmp/xl-test-run.XXXXXX");
    if ( !mkdtemp(dir) )
    {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(cmd, sizeof(cmd), "%s/var", dir);
    mkdir(cmd, 0755);
    snprintf(cmd, sizeof(cmd), "%s/etc", dir);
    mkdir(cmd, 0755);
    snprintf(cmd, sizeof(cmd), "%s/run", dir);
    mkdir(cmd, 0755);
    xl_config_defaults(cfg);
    snprintf(cfg->persist, sizeof(cfg->persist), "%s/var/level", dir);
    snprintf(cfg->status, sizeof(cfg->status), "%s/run/status", dir);
    snprintf(cfg->files[0], sizeof(cfg->files[0]), "%s", cfg->persist);
    snprintf(cfg->files[1], sizeof(cfg->files[1]), "%s/etc/level", dir);
    cfg->nr_files = 2;
}

static struct xl_run make_run(const struct xl_config *cfg)
{
    struct xl_run r = {
        .cfg = cfg,
        .owner = getuid(),
        .edge = &fake_edge,
    };

    return r;
}

/* ---- the boot rule ---------------------------------------------------- */

#define NONE 0ULL
#define DAMAGED (~0ULL)

static void test_boot_select(void)
{
    static const struct test {
        const char *name;
        uint64_t persisted, site;       /* generation; NONE; DAMAGED */
        uint64_t floor;                 /* forced floor; 0 none */
        const char *pick;               /* "var", "etc"; NULL: fails */
        enum xl_fail_at at;             /* when it fails */
        const char *why;                /* substring of why */
        bool damaged;                   /* the persisted level is */
    } tests[] = {
        { "nothing at all", NONE, NONE, 0, NULL, XL_AT_NO_LEVEL,
          "no level: neither", false },
        { "only the site level", NONE, 3, 0, "etc", XL_AT_NONE,
          "no valid persisted level", false },
        { "only the persisted level", 3, NONE, 0, "var", XL_AT_NONE,
          "the persisted level", false },
        { "newer site level wins", 3, 4, 0, "etc", XL_AT_NONE,
          "is newer than the persisted", false },
        { "older site level loses", 5, 4, 0, "var", XL_AT_NONE,
          "is not older than the site level", false },
        { "equal generations: persisted", 4, 4, 0, "var", XL_AT_NONE,
          "is not older", false },
        { "forced back: a site level under the floor loses", 2, 4, 5,
          "var", XL_AT_NONE, "was forced back", false },
        { "forced back: the floor itself loses", 2, 5, 5, "var",
          XL_AT_NONE, "was forced back", false },
        { "forced back: a site level above the floor wins", 2, 6, 5,
          "etc", XL_AT_NONE, "is newer than the persisted", false },
        { "both damaged", DAMAGED, DAMAGED, 0, NULL, XL_AT_PERSIST_DAMAGED,
          "is damaged and there is no valid site level", true },
        { "damaged persisted: the site level, above no floor", DAMAGED, 3,
          0, "etc", XL_AT_NONE, "is damaged: falling back to the site "
          "level", true },
        { "damaged persisted: the site level above the floor", DAMAGED, 6,
          5, "etc", XL_AT_NONE, "above the floor of the last apply --force "
          "(5)", true },
        { "damaged persisted: the floor still holds", DAMAGED, 4, 5, NULL,
          XL_AT_PERSIST_DAMAGED, "is not above the floor of the last apply "
          "--force (5): nothing applied", true },
        { "damaged persisted, no site level", DAMAGED, NONE, 0, NULL,
          XL_AT_PERSIST_DAMAGED, "no valid site level", true },
        { "damaged site level alone", NONE, DAMAGED, 0, NULL, XL_AT_INPUT,
          "no valid level", false },
        { "damaged site level: persisted", 3, DAMAGED, 0, "var",
          XL_AT_NONE, "the persisted level", false },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_config cfg;
        struct xl_run run;
        struct xl_level l;
        struct xl_fail fail;
        char used[512], why[2048], path[512], want[512];
        bool damaged = !t->damaged;
        int rc;

        t_name = t->name;
        fake_reset_host();
        fresh_tree(&cfg);
        run = make_run(&cfg);
        if ( t->persisted != NONE )
            put_level(cfg.persist, "persisted", t->persisted);
        if ( t->site != NONE )
            put_level(cfg.files[1], "site", t->site);
        if ( t->floor )
        {
            snprintf(path, sizeof(path), "%s/var/forced", dir);
            snprintf(want, sizeof(want), "generation=%llu\n",
                     (unsigned long long)t->floor);
            put_text(path, want);
        }
        used[0] = why[0] = '\0';
        rc = xl_boot_select(&run, &l, used, sizeof(used), why, sizeof(why),
                            &damaged, &fail);
        CHECK(strstr(why, t->why) != NULL, "why '%s', want '%s'", why,
              t->why);
        CHECK(damaged == t->damaged, "damaged %d", damaged);
        if ( !t->pick )
        {
            CHECK(rc < 0 && fail.at == t->at, "rc %d at %d, want at %d", rc,
                  fail.at, t->at);
            continue;
        }
        snprintf(want, sizeof(want), "%s/%s/level", dir, t->pick);
        CHECK(rc == 0, "rc %d (%s)", rc, why);
        CHECK(!strcmp(used, want), "used '%s', want '%s'", used, want);
        CHECK(rc || l.generation == (!strcmp(t->pick, "var") ? t->persisted
                                                             : t->site),
              "generation %llu", (unsigned long long)l.generation);
    }
}

/* The real root: files under it win, a path already under it is kept. */
static void test_rooted(void)
{
    static const struct test {
        const char *name, *root, *path, *want;
    } tests[] = {
        { "no root", NULL, "/var/lib/x", "/var/lib/x" },
        { "empty root", "", "/var/lib/x", "/var/lib/x" },
        { "under the root", "/sysroot", "/var/lib/x", "/sysroot/var/lib/x" },
        { "already under it", "/sysroot", "/sysroot/var/x", "/sysroot/var/x" },
        { "a prefix is not a parent", "/sys", "/sysroot/x", "/sys/sysroot/x" },
    };
    unsigned int i;
    char buf[256];

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        t_name = tests[i].name;
        xl_rooted(tests[i].root, tests[i].path, buf, sizeof(buf));
        CHECK(!strcmp(buf, tests[i].want), "'%s', want '%s'", buf,
              tests[i].want);
    }
}

/* ---- apply: the outcome and the records it leaves ----------------------- */

static void test_apply_records(void)
{
    static const struct test {
        const char *name;
        uint64_t gen;                   /* the level's generation */
        uint64_t persisted;             /* NONE, or the persisted one */
        bool force;
        int set_rc, read_rc;
        bool corrupt_readback, readback_fails;
        bool persist_blocked;           /* the persist dir is a file */
        int exit;
        const char *state, *cause;      /* the status record, NULL none */
        const char *xs_state;           /* the xenstore status */
        uint64_t persisted_after;       /* NONE: no persisted level */
        uint64_t floor_after;           /* 0: no floor record */
        bool levelled_before;           /* a levelled status record exists
                                           (state NULL: it must stay as
                                           it was, byte for byte) */
    } tests[] = {
        { "levelled: persisted, recorded", 7, NONE, false, 0, 0, false,
          false, false, XL_EXIT_OK, "levelled", "", "levelled", 7, 0, false },
        { "newer level over a persisted one", 8, 7, false, 0, 0, false,
          false, false, XL_EXIT_OK, "levelled", "", "levelled", 8, 0, false },
        { "older level refused, nothing touched", 5, 7, false, 0, 0, false,
          false, false, XL_EXIT_STALE, NULL, NULL, "refused", 7, 0, false },
        { "older level forced: floor at the persisted generation", 5, 7,
          true, 0, 0, false, false, false, XL_EXIT_OK, "levelled", "",
          "levelled", 5, 7, false },
        { "Xen refuses: unlevelled, nothing persisted", 7, NONE, false,
          -EINVAL, 0, false, false, false, XL_EXIT_XEN, "unlevelled",
          "xen-error", "refused", NONE, 0, false },
        { "unpatched Xen", 7, NONE, false, -ENOSYS, 0, false, false, false,
          XL_EXIT_NOSYSCTL, "unlevelled", "unpatched-hypervisor",
          "refused", NONE, 0, false },
        { "Xen unreachable", 7, NONE, false, 0, -ENOENT, false, false,
          false, XL_EXIT_XEN, "unlevelled", "xen-error", "refused", NONE,
          0, false },
        { "Xen refuses on a levelled host: its record is kept", 8, 7, false,
          -EINVAL, 0, false, false, false, XL_EXIT_XEN, NULL, NULL,
          "refused", 7, 0, true },
        { "Xen unreachable on a levelled host: its record is kept", 8, 7,
          false, 0, -ENOENT, false, false, false, XL_EXIT_XEN, NULL, NULL,
          "refused", 7, 0, true },
        { "read-back differs on a levelled host: unlevelled", 8, 7, false,
          0, 0, true, false, false, XL_EXIT_READBACK, "unlevelled",
          "readback-mismatch", "unlevelled", 7, 0, true },
        { "read-back differs: changed, its own exit, not persisted", 8, 7,
          false, 0, 0, true, false, false, XL_EXIT_READBACK, "unlevelled",
          "readback-mismatch", "unlevelled", 7, 0, false },
        { "read-back fails: changed, its own exit, not persisted", 7, NONE,
          false, 0, 0, false, true, false, XL_EXIT_READBACK, "unlevelled",
          "readback-mismatch", "unlevelled", NONE, 0, false },
        { "installed but not persisted", 7, NONE, false, 0, 0, false,
          false, true, XL_EXIT_NOT_PERSISTED, "levelled", "not-persisted",
          "levelled", NONE, 0, false },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_run_times tm;
        struct xl_apply_req rq = { .source = "test", .stage = "apply",
                                   .persist = true, .times = &tm };
        struct xl_config cfg;
        struct xl_run run;
        struct xl_level l, back;
        struct xl_parse_opts po = { 0 };
        char *text, *before;
        int rc;

        t_name = t->name;
        fake_reset_host();
        fresh_tree(&cfg);
        run = make_run(&cfg);
        fk.xs_up = true;
        fk.set_rc = t->set_rc;
        fk.read_rc = t->read_rc;
        fk.corrupt_readback = t->corrupt_readback;
        fk.readback_fails = t->readback_fails;
        if ( t->persisted != NONE )
            put_level(cfg.persist, "old", t->persisted);
        if ( t->persist_blocked )
        {
            /* Its directory is a regular file: the write must fail. */
            put_text(cfg.files[1], "");
            snprintf(cfg.persist, sizeof(cfg.persist), "%s/etc/level/x",
                     dir);
        }
        make_level(&l, "new", t->gen);
        rq.force = t->force;
        before = NULL;
        if ( t->levelled_before )
        {
            put_text(cfg.status, "state=levelled\nstage=apply\n"
                     "level=old\ngeneration=7\nsource=test\nexit=0\n");
            before = slurp("run/status");
        }

        memset(&tm, 0xff, sizeof(tm));
        rc = xl_run_apply(&run, &l, &rq);
        CHECK(rc == t->exit, "exit %d, want %d", rc, t->exit);
        /* The critical path's end is marked only when the defaults are set,
         * read back and the level persisted. */
        CHECK((tm.levelled != 0 && tm.levelled <= xl_run_now_us()) ==
              (t->exit == XL_EXIT_OK),
              "levelled mark %llu with exit %d",
              (unsigned long long)tm.levelled, rc);

        text = slurp("run/status");
        if ( !t->state && before )
            CHECK(text && !strcmp(text, before), "the levelled record "
                  "became '%s'", text ? text : "");
        else if ( !t->state )
            CHECK(!text, "a status record was written: %s", text);
        else
        {
            char want[64];

            CHECK(text != NULL, "no status record");
            snprintf(want, sizeof(want), "state=%s", t->state);
            CHECK(text && has_line(text, want), "want %s in %s", want,
                  text ? text : "");
            snprintf(want, sizeof(want), "cause=%s", t->cause);
            CHECK(text && has_line(text, want), "want %s in %s", want,
                  text ? text : "");
            snprintf(want, sizeof(want), "exit=%d", t->exit);
            CHECK(text && has_line(text, want), "want %s in %s", want,
                  text ? text : "");
        }
        free(text);
        free(before);

        if ( t->xs_state )
        {
            char want[64];

            snprintf(want, sizeof(want), "state=%s", t->xs_state);
            CHECK(has_line(fk.xs_status, want), "xenstore status '%s'",
                  fk.xs_status);
        }
        else
            CHECK(!fk.xs_status[0], "xenstore status '%s'", fk.xs_status);

        if ( !t->persist_blocked )
        {
            rc = xl_level_load(cfg.persist, &po, &back, NULL);
            if ( t->persisted_after == NONE )
                CHECK(rc != 0, "a level was persisted");
            else
                CHECK(rc == 0 && back.generation == t->persisted_after,
                      "persisted generation %llu, want %llu",
                      rc ? 0ULL : (unsigned long long)back.generation,
                      (unsigned long long)t->persisted_after);
        }
        CHECK(xl_source_floor(&cfg, NULL) == t->floor_after,
              "floor %llu, want %llu",
              (unsigned long long)xl_source_floor(&cfg, NULL),
              (unsigned long long)t->floor_after);
    }
}

/*
 * The watcher's cache: with run->host, an apply reads nothing of the host
 * from Xen (here Xen "cannot be opened"), and still sets and verifies.
 */
static void test_cached_host(void)
{
    struct xl_run_times tm;
    struct xl_apply_req rq = { .source = "xenstore:/x", .stage = "watch",
                               .persist = true, .times = &tm };
    static struct xl_host cached;
    struct xl_config cfg;
    struct xl_run run;
    struct xl_level l;
    struct xl_fail fail;
    char *text;
    int rc;

    t_name = "watcher: host facts from the start-up cache";
    fake_reset_host();
    fresh_tree(&cfg);
    run = make_run(&cfg);
    CHECK(xl_run_load_host(&run, NULL, &cached, &fail) == 0,
          "start-up read failed");
    fk.nr_read_host = 0;
    fk.read_rc = -ENOENT;
    run.host = &cached;
    make_level(&l, "w", 3);
    memset(&tm, 0xff, sizeof(tm));
    rc = xl_run_apply(&run, &l, &rq);
    CHECK(rc == XL_EXIT_OK, "exit %d", rc);
    CHECK(fk.nr_read_host == 0, "read the host %u times", fk.nr_read_host);
    CHECK(fk.nr_set == 1, "%u sets", fk.nr_set);
    CHECK(tm.host < 1000000 && tm.set < 1000000 && tm.persist < 1000000 &&
          tm.record < 1000000, "times not filled in");
    text = slurp("run/status");
    CHECK(text && has_line(text, "state=levelled") &&
          has_line(text, "stage=watch"), "status '%s'", text ? text : "");
    free(text);

    t_name = "no cache: the host is read at each apply";
    run.host = NULL;
    fk.read_rc = 0;
    make_level(&l, "w", 4);
    rc = xl_run_apply(&run, &l, &rq);
    CHECK(rc == XL_EXIT_OK && fk.nr_read_host == 1, "exit %d, %u reads", rc,
          fk.nr_read_host);
}

/* apply --from-xenstore and the sources' order, through the fake. */
static void test_sources(void)
{
    struct xl_config cfg;
    struct xl_run run;
    struct xl_level l;
    struct xl_fail fail;
    char used[512];
    FILE *f;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    fake_reset_host();
    fresh_tree(&cfg);
    run = make_run(&cfg);

    t_name = "no xenstored: quietly the next source";
    rc = xl_source_load_xs(&run, &l, false, &fail);
    CHECK(rc == -ENOENT && fail.at == XL_AT_NONE, "rc %d at %d", rc,
          fail.at);
    t_name = "no xenstored, must: a xenstore failure";
    rc = xl_source_load_xs(&run, &l, true, &fail);
    CHECK(rc < 0 && fail.at == XL_AT_XS &&
          strstr(fail.err.msg, "cannot open xenstore"), "rc %d at %d '%s'",
          rc, fail.at, fail.err.msg);

    t_name = "a published level";
    fk.xs_up = true;
    make_level(&l, "published", 12);
    f = open_memstream(&buf, &len);
    xl_level_write(f, &l);
    fclose(f);
    snprintf(fk.xs_value, sizeof(fk.xs_value), "%s", buf);
    free(buf);
    memset(&l, 0, sizeof(l));
    rc = xl_source_load_xs(&run, &l, true, &fail);
    CHECK(rc == 0 && l.generation == 12, "rc %d gen %llu", rc,
          (unsigned long long)l.generation);

    t_name = "a damaged published level is bad input";
    snprintf(fk.xs_value, sizeof(fk.xs_value), "[level]\nname = x\n");
    rc = xl_source_load_xs(&run, &l, false, &fail);
    CHECK(rc < 0 && rc != -ENOENT && fail.at == XL_AT_INPUT, "rc %d at %d",
          rc, fail.at);

    fk.xs_up = false;
    t_name = "files: none exists";
    rc = xl_source_load(&run, NULL, &l, used, sizeof(used), &fail);
    CHECK(rc < 0 && fail.at == XL_AT_INPUT &&
          strstr(fail.err.msg, "no level: none of the site config's"),
          "rc %d '%s'", rc, fail.err.msg);
    t_name = "files: the site level";
    put_level(cfg.files[1], "site", 4);
    rc = xl_source_load(&run, NULL, &l, used, sizeof(used), &fail);
    CHECK(rc == 0 && !strcmp(used, cfg.files[1]) && l.generation == 4,
          "rc %d used %s", rc, used);
}

/*
 * The watcher's persisted-level cache through xl_run_apply: after its own
 * apply of generation 5, an apply of 6 takes the rule from the cache (no
 * read); another writer's generation 9 renamed over the file behind its
 * back is seen, and 6 is refused then; 9 itself is taken (not older).
 */
static void test_persist_cache_run(void)
{
    static const struct test {
        const char *name;
        uint64_t other;             /* another writer persists this, NONE */
        uint64_t gen;               /* the watcher's next level */
        int exit;
        unsigned int loads;         /* reads of the persisted file */
        uint64_t persisted_after;
    } tests[] = {
        { "nothing behind its back: 6 over its own 5, from the cache",
          NONE, 6, XL_EXIT_OK, 0, 6 },
        { "its own 5, again: the same generation is taken", NONE, 5,
          XL_EXIT_OK, 0, 5 },
        { "generation 9 persisted behind its back: 6 refused", 9, 6,
          XL_EXIT_STALE, 1, 9 },
        { "generation 9 behind its back: 9 is not older", 9, 9, XL_EXIT_OK,
          1, 9 },
        { "generation 3 behind its back: 4 taken (the file's 3, not 5)", 3,
          4, XL_EXIT_OK, 1, 4 },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_apply_req rq = { .source = "xenstore:/x", .stage = "watch",
                                   .persist = true };
        struct xl_persist_cache pc = { .valid = false };
        struct xl_parse_opts po = { 0 };
        struct xl_config cfg;
        struct xl_run run;
        struct xl_level l, back;
        unsigned int loads;
        int rc;

        t_name = t->name;
        fake_reset_host();
        fresh_tree(&cfg);
        run = make_run(&cfg);
        run.persisted = &pc;
        fk.xs_up = true;
        make_level(&l, "mine", 5);
        rc = xl_run_apply(&run, &l, &rq);
        CHECK(rc == XL_EXIT_OK && pc.valid && pc.generation == 5,
              "first apply: exit %d, cache valid %d generation %llu", rc,
              pc.valid, (unsigned long long)pc.generation);
        if ( t->other != NONE )
        {
            struct timespec tick = { 0, 20 * 1000 * 1000 };

            nanosleep(&tick, NULL);
            put_level(cfg.persist, "other", t->other);
        }
        loads = pc.loads;
        make_level(&l, "mine", t->gen);
        rc = xl_run_apply(&run, &l, &rq);
        CHECK(rc == t->exit, "exit %d, want %d", rc, t->exit);
        CHECK(pc.loads - loads == t->loads, "%u reads, want %u",
              pc.loads - loads, t->loads);
        rc = xl_level_load(cfg.persist, &po, &back, NULL);
        CHECK(rc == 0 && back.generation == t->persisted_after,
              "persisted generation %llu, want %llu",
              rc ? 0ULL : (unsigned long long)back.generation,
              (unsigned long long)t->persisted_after);
        CHECK(pc.valid && pc.generation == t->persisted_after,
              "cache generation %llu (valid %d), want %llu",
              (unsigned long long)pc.generation, pc.valid,
              (unsigned long long)t->persisted_after);
    }
}

int main(int argc, char **argv)
{
    char cmd[600];

    if ( argc > 1 )
        t_dir = argv[1];
    log_init(XL_LOG_ERR, 0);
    test_rooted();
    test_boot_select();
    test_apply_records();
    test_cached_host();
    test_persist_cache_run();
    test_sources();
    if ( dir[0] )
    {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if ( system(cmd) )
            fprintf(stderr, "cannot remove %s\n", dir);
    }
    return t_done("test-run");
}
