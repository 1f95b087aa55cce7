/*
 * test-store.c - xenstore trust rule, generation rule, atomic replace, lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
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
            CHECK(xl_persist_level_owner(&p, path, getuid(), &err) == 0,
                  "persist: %s", err.msg);
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
        CHECK(xl_persist_level_owner(&l, path, getuid(), &err) == 0, "%s",
              err.msg);
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
        CHECK(xl_lock_owner(lock, getuid(), &fd, &err) == 0, "%s", err.msg);
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

/* Open descriptors of this process. */
static unsigned int nr_fds(void)
{
    unsigned int n = 0;
    int fd;

    for ( fd = 0; fd < 1024; fd++ )
        if ( fcntl(fd, F_GETFD) >= 0 )
            n++;
    return n;
}

static char *slurp(const char *path)
{
    char *s = t_slurp(path);

    return s ? s : strdup("(none)");
}

static int fail_all(int fd)
{
    (void)fd;
    errno = EIO;
    return -1;
}

static int fail_dirs(int fd)
{
    struct stat st;

    if ( fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) )
    {
        errno = EIO;
        return -1;
    }
    return fsync(fd);
}

static unsigned int count_entries(const char *dir)
{
    char cmd[600];
    FILE *p;
    unsigned int n = 0;

    snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
    p = popen(cmd, "r");
    if ( p )
    {
        if ( fscanf(p, "%u", &n) != 1 )
            n = 999;
        pclose(p);
    }
    return n;
}

/* xl_write_atomic: what it refuses, what it never follows, what it says. */
static void test_write_atomic(void)
{
    char dir[] = "/tmp/xenlevel-test-XXXXXX", path[300], victim[300];
    char other[300], cmd[400], *s;
    struct xl_err err;
    unsigned int fds, entries;
    int rc, pid;

    if ( !mkdtemp(dir) )
        return;
    snprintf(path, sizeof(path), "%s/out", dir);
    snprintf(victim, sizeof(victim), "%s/victim", dir);
    snprintf(other, sizeof(other), "%s/other", dir);

    t_name = "a symlink at the old predictable temporary names is not followed";
    {
        FILE *f = fopen(victim, "w");

        fputs("precious\n", f);
        fclose(f);
        /* The old name was PATH.tmp.PID: plant links for a range of PIDs. */
        for ( pid = getpid(); pid < getpid() + 64; pid++ )
        {
            snprintf(cmd, sizeof(cmd), "%s.tmp.%d", path, pid);
            if ( symlink(victim, cmd) )
                break;
        }
        rc = xl_write_atomic(path, "new\n", 4, 0644, &err);
        CHECK(rc == 0, "rc %d: %s", rc, err.msg);
        s = slurp(victim);
        CHECK(!strcmp(s, "precious\n"), "victim now holds '%s'", s);
        free(s);
        s = slurp(path);
        CHECK(!strcmp(s, "new\n"), "target holds '%s'", s);
        free(s);
        snprintf(cmd, sizeof(cmd), "rm -f %s.tmp.*", path);
        CHECK(system(cmd) == 0, "rm");
    }

    t_name = "a symlink as the target is refused and left alone";
    {
        unlink(path);
        CHECK(symlink(victim, path) == 0, "symlink");
        memset(&err, 0, sizeof(err));
        rc = xl_write_atomic(path, "new\n", 4, 0644, &err);
        CHECK(rc == -EEXIST, "rc %d", rc);
        CHECK(strstr(err.msg, "not a regular file") != NULL, "'%s'", err.msg);
        s = slurp(victim);
        CHECK(!strcmp(s, "precious\n"), "victim now holds '%s'", s);
        free(s);
        {
            struct stat st;

            CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode),
                  "the symlink was replaced");
        }
        unlink(path);
    }

    t_name = "a FIFO as the target is refused (never becomes a file)";
    {
        struct stat st;

        CHECK(mkfifo(path, 0600) == 0, "mkfifo");
        rc = xl_write_atomic(path, "new\n", 4, 0644, &err);
        CHECK(rc == -EEXIST, "rc %d", rc);
        CHECK(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode), "replaced");
        unlink(path);
    }

    t_name = "a directory as the target is refused";
    {
        CHECK(mkdir(path, 0700) == 0, "mkdir");
        rc = xl_write_atomic(path, "new\n", 4, 0644, &err);
        CHECK(rc == -EEXIST, "rc %d", rc);
        rmdir(path);
    }

    t_name = "the mode is exact, whatever the umask";
    {
        mode_t old = umask(077);
        struct stat st;

        rc = xl_write_atomic(path, "x", 1, 0644, &err);
        umask(old);
        CHECK(rc == 0 && stat(path, &st) == 0 &&
              (st.st_mode & 07777) == 0644, "mode %o",
              (unsigned int)(st.st_mode & 07777));
    }

    t_name = "fsync failure: reported, no descriptor leaked, nothing left";
    {
        entries = count_entries(dir);
        fds = nr_fds();
        xl_store_fsync = fail_all;
        rc = xl_write_atomic(other, "x", 1, 0644, &err);
        xl_store_fsync = fsync;
        CHECK(rc == -EIO, "rc %d", rc);
        CHECK(strstr(err.msg, "fsync failed") != NULL, "'%s'", err.msg);
        CHECK(nr_fds() == fds, "%u descriptors open, %u before", nr_fds(),
              fds);
        CHECK(access(other, F_OK) != 0, "target created");
        CHECK(count_entries(dir) == entries, "a temporary file was left");
    }

    t_name = "directory fsync failure after rename: replaced, said so";
    {
        memset(&err, 0, sizeof(err));
        fds = nr_fds();
        xl_store_fsync = fail_dirs;
        rc = xl_write_atomic(path, "second\n", 7, 0644, &err);
        xl_store_fsync = fsync;
        CHECK(rc == XL_WRITE_UNSYNCED, "rc %d, expected %d", rc,
              XL_WRITE_UNSYNCED);
        CHECK(strstr(err.msg, "replaced, but directory sync failed") != NULL,
              "'%s'", err.msg);
        s = slurp(path);
        CHECK(!strcmp(s, "second\n"), "target holds '%s'", s);
        free(s);
        CHECK(nr_fds() == fds, "%u descriptors open, %u before", nr_fds(),
              fds);
    }

    t_name = "no temporary file left behind by any of the above";
    {
        CHECK(count_entries(dir) == 2, "%u entries (victim, out)",
              count_entries(dir));
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if ( system(cmd) )
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* State directories: owner and mode; the lock; the persisted level. */
static void test_state_dirs(void)
{
    static const struct test {
        const char *name;
        const char *sub;            /* below the scratch dir; "" itself */
        unsigned int mode;          /* 0: not created */
        int owner_delta;            /* expected owner = getuid() + this */
        int rc;
        const char *msg;
    } tests[] = {
        { "own dir, 0755", "a", 0755, 0, 0, "" },
        { "own dir, 0700", "b", 0700, 0, 0, "" },
        { "own dir, sticky 1755", "c", 01755, 0, 0, "" },
        { "group writable", "d", 0775, 0, -EPERM, "writable by group" },
        { "other writable", "e", 0757, 0, -EPERM, "writable by group" },
        { "world writable sticky (like /tmp)", "f", 01777, 0, -EPERM,
          "mode 1777" },
        { "another owner", "g", 0755, 1, -EPERM, "owned by uid" },
        { "missing", "h", 0, 0, -ENOENT, "No such file" },
    };
    char dir[] = "/tmp/xenlevel-test-XXXXXX", sub[300], cmd[400];
    unsigned int i;

    if ( !mkdtemp(dir) )
        return;
    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_err err = { .line = 0 };
        int rc;

        t_name = t->name;
        snprintf(sub, sizeof(sub), "%s/%s", dir, t->sub);
        if ( t->mode )
        {
            CHECK(mkdir(sub, 0700) == 0 && chmod(sub, t->mode) == 0,
                  "mkdir %s", sub);
        }
        rc = xl_state_dir_check(sub, getuid() + (uid_t)t->owner_delta, &err);
        CHECK(rc == t->rc, "rc %d, expected %d", rc, t->rc);
        if ( rc )
        {
            CHECK(!strcmp(err.file, sub), "names '%s', not '%s'", err.file,
                  sub);
            CHECK(strstr(err.msg, t->msg) != NULL, "'%s'", err.msg);
        }
    }

    t_name = "lock: in a group-writable directory, refused";
    {
        struct xl_err err;
        int fd = -1;

        snprintf(sub, sizeof(sub), "%s/d/lock", dir);
        CHECK(xl_lock_owner(sub, getuid(), &fd, &err) == -EPERM &&
              fd == -1, "locked");
        CHECK(access(sub, F_OK) != 0, "lock file created");
    }
    t_name = "lock: a symlink is not followed";
    {
        struct xl_err err;
        char target[300];
        int fd = -1;

        snprintf(target, sizeof(target), "%s/a/elsewhere", dir);
        snprintf(sub, sizeof(sub), "%s/a/lock", dir);
        CHECK(symlink(target, sub) == 0, "symlink");
        CHECK(xl_lock_owner(sub, getuid(), &fd, &err) < 0 && fd == -1,
              "locked through a symlink");
        CHECK(access(target, F_OK) != 0, "symlink target created");
        unlink(sub);
    }
    t_name = "lock: a FIFO is refused, without blocking";
    {
        struct xl_err err;
        int fd = -1;

        snprintf(sub, sizeof(sub), "%s/a/lock", dir);
        CHECK(mkfifo(sub, 0600) == 0, "mkfifo");
        CHECK(xl_lock_owner(sub, getuid(), &fd, &err) == -EINVAL && fd == -1,
              "locked a FIFO");
        CHECK(strstr(err.msg, "not a regular file") != NULL, "'%s'",
              err.msg);
        unlink(sub);
    }
    t_name = "persist: into a directory owned by another uid, refused";
    {
        struct xl_level l = { .generation = 1, .pv = { { 1 } } };
        struct xl_err err;

        snprintf(l.name, sizeof(l.name), "p");
        snprintf(l.vendor, sizeof(l.vendor), "AuthenticAMD");
        snprintf(sub, sizeof(sub), "%s/g/level", dir);
        CHECK(xl_persist_level_owner(&l, sub, getuid() + 1, &err) == -EPERM,
              "persisted");
        CHECK(access(sub, F_OK) != 0, "written");
        snprintf(sub, sizeof(sub), "%s/a/level", dir);
        CHECK(xl_persist_level_owner(&l, sub, getuid(), &err) == 0, "%s",
              err.msg);
        if ( getuid() != 0 )
            CHECK(xl_persist_level(&l, sub, &err) == -EPERM,
                  "root's rule not applied");
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if ( system(cmd) )
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* Count the fsyncs of store.c (xl_store_fsync hook). */
static unsigned int nr_fsyncs;
static int count_fsync(int fd)
{
    nr_fsyncs++;
    return fsync(fd);
}

/* Rewrite path in place (same inode) with text. */
static int rewrite_in_place(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    ssize_t n;

    if ( fd < 0 )
        return -1;
    n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * The watcher's cache of the persisted level (struct xl_persist_cache):
 * after it persisted generation 5 itself, the generation rule takes a stat;
 * any change behind its back makes it read and parse the file again.
 */
static void test_persist_cache(void)
{
    enum change { NONE, RENAMED_OVER, IN_PLACE, TOUCHED, CHMOD, REMOVED,
                  DAMAGED };
    static const struct test {
        const char *name;
        enum change change;
        uint64_t gen;               /* the new level's generation */
        int rc;
        uint64_t persisted;         /* what the rule saw */
        unsigned int loads;         /* file reads the rule needed */
    } tests[] = {
        { "unchanged: a stat, not read again", NONE, 6, 0, 5, 0 },
        { "unchanged: older level refused from the cache", NONE, 4,
          -ESTALE, 5, 0 },
        { "another writer renamed generation 9 over it", RENAMED_OVER, 6,
          -ESTALE, 9, 1 },
        { "rewritten in place, same size, generation 8", IN_PLACE, 6,
          -ESTALE, 8, 1 },
        { "touched (mtime only): read again, same generation", TOUCHED, 6,
          0, 5, 1 },
        { "chmod (ctime only): read again", CHMOD, 6, 0, 5, 1 },
        { "removed: no persisted level", REMOVED, 1, 0, 0, 0 },
        { "damaged in place: does not block, not cached", DAMAGED, 1, 0, 0,
          1 },
    };
    char dir[] = "/tmp/xenlevel-test-XXXXXX", path[256], cmd[300];
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    unsigned int i;

    if ( !mkdtemp(dir) )
        return;
    snprintf(path, sizeof(path), "%s/level", dir);
    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_persist_cache c = { .valid = false };
        struct xl_level mine = { .generation = 5, .pv = { { 1 } } }, l;
        struct xl_err err = { .line = 0 };
        struct stat st;
        uint64_t persisted = 99;
        unsigned int loads;
        int rc;

        t_name = t->name;
        snprintf(mine.name, sizeof(mine.name), "mine");
        snprintf(mine.vendor, sizeof(mine.vendor), "AuthenticAMD");
        l = mine;
        l.generation = t->gen;
        CHECK(xl_persist_level_cached(&mine, path, getuid(), &c, &err) == 0,
              "persist: %s", err.msg);
        CHECK(c.valid && c.generation == 5 && stat(path, &st) == 0 &&
              xl_persist_cache_match(&c, &st),
              "the cache does not name the file just written");
        /* Past the clock tick of the write: a change gets other times. */
        nanosleep(&pause, NULL);
        switch ( t->change )
        {
        case NONE:
            break;
        case RENAMED_OVER:
        {
            struct xl_level other = mine;

            other.generation = 9;
            CHECK(xl_persist_level_owner(&other, path, getuid(), &err) == 0,
                  "%s", err.msg);
            break;
        }
        case IN_PLACE:
        {
            char *text = slurp(path), *g = text ? strstr(text, "= 5\n")
                                                : NULL;

            CHECK(g != NULL, "no generation line");
            if ( g )
            {
                g[2] = '8';
                CHECK(rewrite_in_place(path, text) == 0, "rewrite");
            }
            free(text);
            break;
        }
        case TOUCHED:
            CHECK(utimensat(AT_FDCWD, path, NULL, 0) == 0, "touch");
            break;
        case CHMOD:
            CHECK(chmod(path, 0600) == 0, "chmod");
            break;
        case REMOVED:
            CHECK(unlink(path) == 0, "unlink");
            break;
        case DAMAGED:
            CHECK(rewrite_in_place(path, "[level]\nname = !\n") == 0,
                  "rewrite");
            break;
        }
        loads = c.loads;
        rc = xl_generation_check_cached(&l, path, false, &c, &persisted,
                                        &err);
        CHECK(rc == t->rc, "rc %d, expected %d", rc, t->rc);
        CHECK(persisted == t->persisted, "persisted %llu, expected %llu",
              (unsigned long long)persisted,
              (unsigned long long)t->persisted);
        CHECK(c.loads - loads == t->loads, "%u reads, expected %u",
              c.loads - loads, t->loads);
        if ( rc )
            CHECK(strstr(err.msg, "older than the persisted level"),
                  "message '%s'", err.msg);
        /* What was read is cached in turn: the next check is a stat. */
        if ( t->change != REMOVED && t->change != DAMAGED )
        {
            loads = c.loads;
            rc = xl_generation_check_cached(&l, path, false, &c, &persisted,
                                            &err);
            CHECK(rc == t->rc && persisted == t->persisted &&
                  c.loads == loads, "second check: rc %d persisted %llu, "
                  "%u reads", rc, (unsigned long long)persisted,
                  c.loads - loads);
        }
        else
            CHECK(!c.valid, "a missing or damaged file stays cached");
        unlink(path);
    }

    t_name = "no cache: the file is read each time";
    {
        struct xl_level l = { .generation = 3 };
        struct xl_err err;
        uint64_t persisted = 0;

        snprintf(l.name, sizeof(l.name), "x");
        snprintf(l.vendor, sizeof(l.vendor), "AuthenticAMD");
        CHECK(xl_persist_level_owner(&l, path, getuid(), &err) == 0, "%s",
              err.msg);
        l.generation = 2;
        CHECK(xl_generation_check(&l, path, false, &persisted, &err) ==
              -ESTALE && persisted == 3, "persisted %llu",
              (unsigned long long)persisted);
    }

    t_name = "NOSYNC: no fsync, still atomic; the default syncs file and dir";
    {
        struct xl_err err;
        struct stat id, st;
        char *text;

        nr_fsyncs = 0;
        xl_store_fsync = count_fsync;
        CHECK(xl_write_atomic_ex(path, "nosync\n", 7, 0644, XL_WRITE_NOSYNC,
                                 &id, &err) == 0, "%s", err.msg);
        CHECK(nr_fsyncs == 0, "%u fsyncs", nr_fsyncs);
        CHECK(stat(path, &st) == 0 && st.st_ino == id.st_ino &&
              st.st_ctim.tv_nsec == id.st_ctim.tv_nsec &&
              st.st_size == 7, "id is not the file's fstat");
        text = slurp(path);
        CHECK(text && !strcmp(text, "nosync\n"), "content '%s'", text);
        free(text);
        CHECK(xl_write_atomic(path, "synced\n", 7, 0644, &err) == 0, "%s",
              err.msg);
        xl_store_fsync = fsync;
        CHECK(nr_fsyncs == 2, "%u fsyncs, expected file + directory",
              nr_fsyncs);
    }

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if ( system(cmd) )
        fprintf(stderr, "cannot remove %s\n", dir);
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_trust();
    test_generation();
    test_write_atomic();
    test_persist_cache();
    test_state_dirs();
    return t_done("test-store");
}
