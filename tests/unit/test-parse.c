/*
 * test-parse.c - one rule per field: generations, names, INI structure,
 * the xenstore value rule, the compute comment's size.
 */
#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inifile.h"
#include "level.h"
#include "testlib.h"
#include "xs.h"

/* xl_read_file: what it reads, what it refuses, never blocking. */
static void test_read_file(void)
{
    static const struct test {
        const char *name;
        const char *path;           /* "FIFO", "BIG": made here */
        int rc;
        const char *msg;            /* expected in err.msg, or in the text */
    } tests[] = {
        { "a regular file", "golden/level-ok.ini", 0, "[level]" },
        { "the null device reads as empty", "/dev/null", 0, "" },
        { "procfs says size 0 but has content", "/proc/version", 0,
          "Linux" },
        { "a FIFO, without blocking", "FIFO", -EINVAL, "not a regular file" },
        { "a character device", "/dev/zero", -EINVAL, "not a regular file" },
        { "a directory", "golden", -EINVAL, "not a regular file" },
        { "a NUL byte", "/proc/self/cmdline", -EINVAL, "NUL byte" },
        { "over the bound", "BIG", -EFBIG, "larger than" },
        { "missing", "golden/nope", -ENOENT, "cannot open" },
    };
    char dir[] = "/tmp/xenlevel-test-XXXXXX", fifo[300], big[300];
    unsigned int i;
    FILE *f;

    if ( !mkdtemp(dir) )
        return;
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    snprintf(big, sizeof(big), "%s/big", dir);
    if ( mkfifo(fifo, 0600) )
        return;
    f = fopen(big, "w");
    for ( i = 0; f && i <= XL_INI_MAX_SIZE / 32; i++ )
        fputs("; padding padding padding padding padding padding padding.\n",
              f);
    if ( f )
        fclose(f);
    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        const char *path = !strcmp(t->path, "FIFO") ? fifo :
                           !strcmp(t->path, "BIG") ? big :
                           t->path[0] == '/' ? t->path : t_path(t->path);
        struct xl_err err = { .line = 0 };
        char *text = NULL;
        size_t len = 99;
        int rc;

        t_name = t->name;
        rc = xl_read_file(path, &text, &len, &err);
        CHECK(rc == t->rc, "%s: rc %d, expected %d (%s)", path, rc, t->rc,
              err.msg);
        if ( rc )
            CHECK(strstr(err.msg, t->msg) && !strcmp(err.file, path),
                  "'%s: %s'", err.file, err.msg);
        else
            CHECK(text && strstr(text, t->msg) && strlen(text) == len,
                  "text '%.40s', len %zu", text ? text : "(null)", len);
        free(text);
    }
    unlink(fifo);
    unlink(big);
    rmdir(dir);
}

static void test_generation(void)
{
    static const struct test {
        const char *name;
        const char *in;
        int rc;
        uint64_t gen;
    } tests[] = {
        { "zero", "0", 0, 0 },
        { "one", "1", 0, 1 },
        { "typical", "20261127", 0, 20261127 },
        { "the bound (2^53-1)", "9007199254740991", 0, 9007199254740991ULL },
        { "bound + 1", "9007199254740992", -EINVAL, 0 },
        { "space then minus (was 2^64-1)", " -1", -EINVAL, 0 },
        { "minus", "-1", -EINVAL, 0 },
        { "plus", "+1", -EINVAL, 0 },
        { "leading zero (was octal 8)", "010", -EINVAL, 0 },
        { "double zero", "00", -EINVAL, 0 },
        { "hex (was 16)", "0x10", -EINVAL, 0 },
        { "2^64 (overflow)", "18446744073709551616", -EINVAL, 0 },
        { "2^64-1", "18446744073709551615", -EINVAL, 0 },
        { "many digits", "99999999999999999999999999999999", -EINVAL, 0 },
        { "empty", "", -EINVAL, 0 },
        { "trailing space", "1 ", -EINVAL, 0 },
        { "leading space", " 1", -EINVAL, 0 },
        { "word", "seven", -EINVAL, 0 },
        { "exponent", "1e3", -EINVAL, 0 },
        { "decimal point", "1.0", -EINVAL, 0 },
        { "arabic-indic digit", "\xd9\xa1", -EINVAL, 0 },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        uint64_t gen = 12345;
        int rc;

        t_name = t->name;
        rc = xl_generation_parse(t->in, &gen);
        CHECK(rc == t->rc, "'%s': rc %d, expected %d", t->in, rc, t->rc);
        if ( !t->rc )
            CHECK(gen == t->gen, "'%s': %" PRIu64, t->in, gen);
        else
            CHECK(gen == 12345, "'%s': output written on error", t->in);
    }
    t_name = "NULL generation";
    CHECK(xl_generation_parse(NULL, &(uint64_t){ 0 }) == -EINVAL, "NULL");
}

static void test_names(void)
{
    static const struct test {
        const char *name;
        const char *in;
        bool valid;
    } tests[] = {
        { "simple", "pool", true },
        { "baseline", "x86-64-v3-amd", true },
        { "fqdn", "host1.example.com", true },
        { "with @ : + _", "pool_a+b:c@d", true },
        { "63 characters", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
          true },
        { "64 characters", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
          false },
        { "empty", "", false },
        { "path traversal", "../../etc/passwd", false },
        { "slash", "a/b", false },
        { "dot", ".", false },
        { "dot dot", "..", false },
        { "hidden", ".pool", false },
        { "option-like", "-rf", false },
        { "space", "my pool", false },
        { "tab", "a\tb", false },
        { "newline (forges records)", "a\nstate=levelled", false },
        { "carriage return", "a\rb", false },
        { "escape", "a\x1b[2Jb", false },
        { "DEL", "a\x7f", false },
        { "INI specials", "a;b", false },
        { "brackets", "[pv]", false },
        { "equals", "a=b", false },
        { "quote", "a\"b", false },
        { "shell", "$(reboot)", false },
        { "non-ASCII", "h\xc3\xb4te", false },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];

        t_name = t->name;
        CHECK(xl_name_valid(t->in) == t->valid, "'%s'", t->in);
    }
    t_name = "NULL name";
    CHECK(!xl_name_valid(NULL), "NULL");
}

static const struct xl_ini_schema schema[] = {
    { "a", "k", false },
    { "b", "k", false },
    { "c", "k", false },
};

static void test_sections(void)
{
    static const struct test {
        const char *name;
        const char *text;
        int rc;
        const char *err;            /* xl_err_str, or the sections seen */
    } tests[] = {
        { "three sections", "[a]\nk=1\n[b]\nk=2\n[c]\nk=3\n", 0,
          "a:1 b:3 c:5" },
        { "repeated section", "[a]\nk=1\n[b]\n[a]\n", -EINVAL,
          "t:4: [a]: repeated section (first at line 1)" },
        { "repeated empty section", "[c]\n[c]\n", -EINVAL,
          "t:2: [c]: repeated section (first at line 1)" },
        { "a section behind 8 headers is not lost",
          "[a]\n[b]\n[a]\n[b]\n[a]\n[b]\n[a]\n[b]\n[c]\nk=1\n", -EINVAL,
          "t:3: [a]: repeated section (first at line 1)" },
        { "BOM then a section", "\xef\xbb\xbf[c]\nk=1\n", 0, "c:1" },
        { "BOM then an unknown section", "\xef\xbb\xbf[d]\nk=1\n", -EINVAL,
          "t:1: d: unknown section [d]" },
        { "BOM then a key outside sections", "\xef\xbb\xbfk=1\n", -EINVAL,
          "t:1: k: key outside any section" },
        { "BOM in the middle is not skipped", "[a]\n\xef\xbb\xbf[b]\n",
          -EINVAL, "t:2: syntax error" },
        { "half a BOM", "\xef\xbb[a]\n", -EINVAL, "t:1: syntax error" },
    };
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_err err = { .line = 0 };
        struct xl_ini ini;
        char buf[600] = "";
        int rc, n = 0;

        t_name = t->name;
        rc = xl_ini_parse("t", t->text, schema, ARRAY_SIZE(schema), &ini,
                          &err);
        CHECK(rc == t->rc, "rc %d, expected %d", rc, t->rc);
        if ( rc )
            xl_err_str(&err, buf, sizeof(buf));
        else
        {
            for ( j = 0; j < ARRAY_SIZE(schema); j++ )
                if ( xl_ini_has_section(&ini, schema[j].section) )
                    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%s:%u",
                                  n ? " " : "", schema[j].section,
                                  xl_ini_section_line(&ini,
                                                      schema[j].section));
            xl_ini_free(&ini);
        }
        CHECK(!strncmp(buf, t->err, strlen(t->err)), "got '%s', expected "
              "'%s'", buf, t->err);
    }
}

static void test_xs_value(void)
{
    static char big[XL_XS_MAX_VALUE + 2];
    static const struct test {
        const char *name;
        const char *val;
        size_t len;                 /* ~0: strlen(val) */
        int rc;
    } tests[] = {
        { "small level", "[level]\nname = x\n", ~(size_t)0, 0 },
        { "empty", "", 0, 0 },
        { "exactly the limit", big, XL_XS_MAX_VALUE, 0 },
        { "one byte over", big, XL_XS_MAX_VALUE + 1, -EFBIG },
        { "NUL inside", "[level]\0name = x", 16, -EINVAL },
        { "NUL at the end", "abc\0", 4, -EINVAL },
    };
    unsigned int i;

    memset(big, 'a', sizeof(big) - 1);
    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_err err = { .line = 0 };
        size_t len = t->len == ~(size_t)0 ? strlen(t->val) : t->len;
        int rc;

        t_name = t->name;
        rc = xl_xs_value_check("/xenlevel/level", t->val, len, &err);
        CHECK(rc == t->rc, "rc %d, expected %d", rc, t->rc);
        if ( rc )
            CHECK(!strcmp(err.file, "/xenlevel/level") && err.msg[0],
                  "error names '%s': '%s'", err.file, err.msg);
    }
}

/* The comment compute writes does not grow with the pool. */
static void test_hosts_comment(void)
{
    static const unsigned int sizes[] = { 1, 8, 9, 1000, 10000 };
    struct xl_host_report *h = calloc(10000, sizeof(*h));
    unsigned int i, k;
    size_t prev = 0;

    if ( !h )
        return;
    for ( i = 0; i < 10000; i++ )
        snprintf(h[i].name, sizeof(h[i].name),
                 "host%05u.rack%02u.datacentre.example.com", i, i % 97);
    for ( k = 0; k < ARRAY_SIZE(sizes); k++ )
    {
        char *out = NULL, *nl;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);

        xl_level_write_hosts(f, h, sizes[k]);
        fclose(f);
        t_name = "hosts comment: bounded";
        CHECK(len < 1024, "%u hosts: %zu bytes", sizes[k], len);
        /* Past XL_HOSTS_NAMED hosts, only the counts' digits grow. */
        CHECK(sizes[k] <= 9 || len <= prev + 8, "%u hosts: %zu bytes, "
              "9 hosts: %zu", sizes[k], len, prev);
        if ( sizes[k] == 9 )
            prev = len;
        for ( nl = out; (nl = strchr(nl, '\n')); nl++ )
            CHECK(nl[1] == '\0' || nl[1] == ';', "not a comment: %s", out);
        CHECK(out[0] == ';', "not a comment: %s", out);
        if ( sizes[k] == 9 )
            CHECK(strstr(out, " and 1 more\n") != NULL, "%s", out);
        free(out);
    }
    t_name = "hosts comment: hash independent of order";
    {
        char *a = NULL, *b = NULL;
        size_t la = 0, lb = 0;
        FILE *f;
        struct xl_host_report tmp;

        f = open_memstream(&a, &la);
        xl_level_write_hosts(f, h, 20);
        fclose(f);
        tmp = h[0];
        h[0] = h[19];
        h[19] = tmp;
        f = open_memstream(&b, &lb);
        xl_level_write_hosts(f, h, 20);
        fclose(f);
        CHECK(!strcmp(strstr(a, "FNV"), strstr(b, "FNV")), "%s / %s", a, b);
        free(a);
        free(b);
    }
    free(h);
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_read_file();
    test_generation();
    test_names();
    test_sections();
    test_xs_value();
    test_hosts_comment();
    return t_done("test-parse");
}
