/*
 * test-xswire.c - the xenstore wire protocol of the watcher's trusted read.
 *
 * The replies below were captured from Debian's xenstored 4.17 (strace of
 * `xenlevel watch` under QEMU/TCG in a boot of tests/boot/boot, session 6):
 * the header of an XS_READ reply for /xenlevel/level (1130 bytes), the
 * XS_GET_PERMS reply "n0", and the XS_ERROR reply "ENOENT" of a node not
 * yet written.  libxenstore's own request for the same read was
 * "\2\0\0\0\0\0\0\0\0\0\0\0\20\0\0\0" "/xenlevel/level\0".
 */
#include <errno.h>
#include <stdint.h>

#include "testlib.h"
#include "xs.h"
#include "xswire.h"

#define HDR(type, id, len) \
    type, 0, 0, 0, id, 0, 0, 0, 0, 0, 0, 0, (len) & 0xff, (len) >> 8, 0, 0

static void test_request(void)
{
    static const unsigned char want[] = {
        HDR(2, 0, 16), '/', 'x', 'e', 'n', 'l', 'e', 'v', 'e', 'l', '/',
        'l', 'e', 'v', 'e', 'l', 0,
        HDR(3, 1, 16), '/', 'x', 'e', 'n', 'l', 'e', 'v', 'e', 'l', '/',
        'l', 'e', 'v', 'e', 'l', 0,
    };
    static char big[XL_XSW_PATH_MAX + 2];
    char buf[128];
    size_t used = 0;
    int rc;

    t_name = "request: XS_READ then XS_GET_PERMS, libxenstore's bytes";
    rc = xl_xsw_request(buf, sizeof(buf), &used, XL_XSW_READ, 0,
                        "/xenlevel/level");
    CHECK(rc == 0, "rc %d", rc);
    rc = xl_xsw_request(buf, sizeof(buf), &used, XL_XSW_GET_PERMS, 1,
                        "/xenlevel/level");
    CHECK(rc == 0, "rc %d", rc);
    CHECK(used == sizeof(want) && !memcmp(buf, want, sizeof(want)),
          "%zu bytes", used);

    t_name = "request: a full buffer";
    used = 100;
    rc = xl_xsw_request(buf, sizeof(buf), &used, XL_XSW_READ, 0,
                        "/xenlevel/level");
    CHECK(rc == -ENOBUFS && used == 100, "rc %d used %zu", rc, used);

    t_name = "request: path not absolute, path too long";
    used = 0;
    CHECK(xl_xsw_request(buf, sizeof(buf), &used, XL_XSW_READ, 0,
                         "xenlevel") == -ENAMETOOLONG, "relative");
    memset(big, 'a', sizeof(big) - 1);
    big[0] = '/';
    CHECK(xl_xsw_request(buf, sizeof(buf), &used, XL_XSW_READ, 0, big) ==
          -ENAMETOOLONG && used == 0, "long");
}

static void test_take(void)
{
    static const struct test {
        const char *name;
        unsigned char in[64];
        size_t have;
        int rc;                 /* bytes taken, 0 more needed, -errno */
        uint32_t type, req_id, len;
        const char *body;
    } tests[] = {
        { "captured: XS_GET_PERMS reply n0", { HDR(3, 0, 3), 'n', '0', 0 },
          19, 19, 3, 0, 3, "n0" },
        { "captured: XS_ERROR reply ENOENT",
          { HDR(16, 0, 7), 'E', 'N', 'O', 'E', 'N', 'T', 0 }, 23, 23, 16, 0,
          7, "ENOENT" },
        { "captured: XS_READ reply header, body still to come",
          { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x6a, 4, 0, 0 }, 16, 0, 0, 0,
          0, NULL },
        { "half a header", { HDR(3, 0, 3) }, 9, 0, 0, 0, 0, NULL },
        { "header, body cut short", { HDR(3, 0, 3), 'n', '0' }, 18, 0, 0, 0, 0,
          NULL },
        { "two replies: the first is taken", { HDR(2, 4, 1), 'x',
          HDR(3, 5, 3), 'n', '0', 0 }, 36, 17, 2, 4, 1, "x" },
        { "empty payload", { HDR(2, 9, 0) }, 16, 16, 2, 9, 0, "" },
        { "length over XENSTORE_PAYLOAD_MAX",
          { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x10, 0, 0 }, 16,
          -EBADMSG, 0, 0, 0, NULL },
        { "length 4 GiB - 1", { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
          0xff, 0xff, 0xff }, 16, -EBADMSG, 0, 0, 0, NULL },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_xsw_msg m = { .len = 0 };
        int rc;

        t_name = t->name;
        rc = xl_xsw_take((const char *)t->in, t->have, &m);
        CHECK(rc == t->rc, "rc %d, want %d", rc, t->rc);
        if ( rc <= 0 || t->rc <= 0 )
            continue;
        CHECK(m.type == t->type && m.req_id == t->req_id &&
              m.len == t->len && m.tx_id == 0, "type %u id %u len %u",
              m.type, m.req_id, m.len);
        CHECK(!memcmp(m.body, t->body, t->len), "body");
    }
}

static void test_errno(void)
{
    static const struct test {
        const char *name;
        const char *body;
        size_t len;
        int rc;
    } tests[] = {
        { "captured ENOENT", "ENOENT", 7, -ENOENT },
        { "EACCES", "EACCES", 7, -EACCES },
        { "EAGAIN (a transaction conflict)", "EAGAIN", 7, -EAGAIN },
        { "E2BIG", "E2BIG", 6, -E2BIG },
        { "unknown name", "EWHATEVER", 10, -EIO },
        { "no NUL", "ENOENT", 6, -EIO },
        { "bytes after the NUL", "ENOENT\0x", 8, -EIO },
        { "empty", "", 0, -EIO },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        int rc;

        t_name = t->name;
        rc = xl_xsw_errno(t->body, t->len);
        CHECK(rc == t->rc, "rc %d, want %d", rc, t->rc);
    }
}

static void test_perms(void)
{
    static const struct test {
        const char *name;
        const char *body;
        size_t len;
        unsigned int max;
        int rc;
        unsigned int nr;
        struct xl_xs_perm p[3];
    } tests[] = {
        { "captured n0: dom0 only", "n0", 3, 16, 0, 1, { { 0, 0 } } },
        { "status node r0", "r0", 3, 16, 0, 1,
          { { 0, XL_XS_PERM_READ } } },
        { "three entries", "n0\0r5\0b65535", 13, 16, 0, 3,
          { { 0, 0 }, { 5, XL_XS_PERM_READ },
            { 65535, XL_XS_PERM_READ | XL_XS_PERM_WRITE } } },
        { "owner w7", "w7", 3, 16, 0, 1, { { 7, XL_XS_PERM_WRITE } } },
        { "empty", "", 0, 16, -EBADMSG, 0, { { 0, 0 } } },
        { "unterminated", "n0", 2, 16, -EBADMSG, 0, { { 0, 0 } } },
        { "second entry unterminated", "n0\0r1", 5, 16, -EBADMSG, 0,
          { { 0, 0 } } },
        { "empty entry", "n0\0", 4, 16, -EBADMSG, 0, { { 0, 0 } } },
        { "unknown letter", "x0", 3, 16, -EBADMSG, 0, { { 0, 0 } } },
        { "no domid", "n", 2, 16, -EBADMSG, 0, { { 0, 0 } } },
        { "domid not a number", "n1a", 4, 16, -EBADMSG, 0, { { 0, 0 } } },
        { "domid 65536", "n65536", 7, 16, -EBADMSG, 0, { { 0, 0 } } },
        { "domid too long", "n1000000", 9, 16, -EBADMSG, 0,
          { { 0, 0 } } },
        { "more entries than max", "n0\0r1\0r2", 9, 2, -E2BIG, 0,
          { { 0, 0 } } },
    };
    unsigned int i, k;

    for ( i = 0; i < ARRAY_SIZE(tests); i++ )
    {
        const struct test *t = &tests[i];
        struct xl_xs_perm p[16];
        unsigned int nr = 99;
        int rc;

        t_name = t->name;
        rc = xl_xsw_perms(t->body, t->len, p, t->max, &nr);
        CHECK(rc == t->rc, "rc %d, want %d", rc, t->rc);
        if ( rc || t->rc )
            continue;
        CHECK(nr == t->nr, "nr %u, want %u", nr, t->nr);
        for ( k = 0; k < nr && k < t->nr; k++ )
            CHECK(p[k].domid == t->p[k].domid && p[k].perms == t->p[k].perms,
                  "entry %u: %u/%u", k, p[k].domid, p[k].perms);
    }
}

int main(int argc, char **argv)
{
    if ( argc > 1 )
        t_dir = argv[1];
    test_request();
    test_take();
    test_errno();
    test_perms();
    return t_done("test-xswire");
}
