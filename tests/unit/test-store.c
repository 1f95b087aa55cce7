/*
 * test-store.c - xenstore trust rule, generation rule, atomic replace, lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "level.h"
#include "store.h"
#include "testlib.h"
#include "xs.h"

static void test_trust(void)
{
    static const struct test {
        const char *name;
        struct xl_xs_perm p[3];
        unsigned int nr;
        bool trusted;
        const char *why;
    } tests[] = {
        { "dom0 only, nobody else", { { 0, 0 } }, 1, true, "" },
        { "dom0 owner, others read", { { 0, XL_XS_PERM_READ } }, 1, true, "" },
        { "others may write", { { 0, XL_XS_PERM_WRITE } }, 1, false,
          "every domain may write" },
        { "owned by a guest", { { 5, 0 } }, 1, false, "owned by domain 5" },
        { "guest granted write", { { 0, 0 }, { 7, XL_XS_PERM_WRITE } }, 2,
          false, "domain 7 may write" },
        { "guest granted read only", { { 0, 0 }, { 7, XL_XS_PERM_READ } }, 2,
          true, "" },
        { "no permissions", { { 0, 0 } }, 0, false, "no permissions" },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        char why[128] = "";
        bool ok;

        t_name = t->name;
        ok = xl_xs_perms_trusted(t->p, t->nr, why, sizeof(why));
        CHECK(ok == t->trusted, "trusted %d", ok);
        CHECK(strstr(why, t->why) != NULL, "why '%s'", why);
    }
}

static void test_generation(void)
{
    static const struct test {
        const char *name;
        long persisted;             /* -1: no persisted level */
        uint64_t gen;
        bool force;
        int rc;
    } tests[] = {
        { "no persisted level", -1, 1, false, 0 },
        { "newer level", 4, 5, false, 0 },
        { "same generation (re-apply)", 4, 4, false, 0 },
        { "older level refused", 4, 3, false, -ESTALE },
        { "older level forced", 4, 3, true, 0 },
    };
    char dir[] = "/tmp/xenlevel-test-XXXXXX", path[256];
    unsigned int i;

    if ( !mkdtemp(dir) )
        return;
    snprintf(path, sizeof(path), "%s/sub/level", dir);
    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_level l = { .generation = t->gen, .pv = { { 1 } } };
        struct xl_err err;
        uint64_t persisted = 99;
        int rc;

        t_name = t->name;
        snprintf(l.name, sizeof(l.name), "new");
        snprintf(l.vendor, sizeof(l.vendor), "AuthenticAMD");
        unlink(path);
        if ( t->persisted >= 0 )
        {
            struct xl_level p = l;

            p.generation = (uint64_t)t->persisted;
            CHECK(xl_persist_level(&p, path, &err) == 0, "persist: %s",
                  err.msg);
        }
        rc = xl_generation_check(&l, path, t->force, &persisted, &err);
        CHECK(rc == t->rc, "rc %d", rc);
        CHECK(persisted == (t->persisted < 0 ? 0 : (uint64_t)t->persisted),
              "persisted %llu", (unsigned long long)persisted);
        if ( rc )
            CHECK(strstr(err.msg, "older than the persisted level"),
                  "message '%s'", err.msg);
    }

    t_name = "persisted level round-trips, no temp file left";
    {
        struct xl_level l = { .generation = 7, .pv = { { 0x178bfbff } } }, back;
        struct xl_parse_opts po = { 0 };
        struct xl_err err;
        char cmd[300];

        snprintf(l.name, sizeof(l.name), "rt");
        snprintf(l.vendor, sizeof(l.vendor), "GenuineIntel");
        CHECK(xl_persist_level(&l, path, &err) == 0, "%s", err.msg);
        CHECK(xl_level_load(path, &po, &back, &err) == 0 &&
              back.generation == 7 && xl_fs_equal(&back.pv, &l.pv),
              "round trip");
        snprintf(cmd, sizeof(cmd), "ls %s/sub | grep -q tmp", dir);
        CHECK(system(cmd) != 0, "a temporary file was left behind");
    }

    t_name = "lock is exclusive";
    {
        char lock[300];
        struct xl_err err;
        int fd = -1, fd2;

        snprintf(lock, sizeof(lock), "%s/run/lock", dir);
        CHECK(xl_lock(lock, &fd, &err) == 0, "%s", err.msg);
        fd2 = open(lock, O_RDWR);
        CHECK(fd2 >= 0 && flock(fd2, LOCK_EX | LOCK_NB) < 0 &&
              errno == EWOULDBLOCK, "second lock was granted");
        xl_unlock(fd);
        CHECK(flock(fd2, LOCK_EX | LOCK_NB) == 0, "lock not released");
        close(fd2);
    }
    {
        char cmd[300];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if ( system(cmd) )
            fprintf(stderr, "cannot remove %s\n", dir);
    }
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_trust();
    test_generation();
    return t_done("test-store");
}
