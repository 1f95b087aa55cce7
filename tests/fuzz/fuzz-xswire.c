/*
 * fuzz-xswire.c - a stream of xenstore replies as the watcher's own
 * connection reads them (xswire.h): each message taken off the stream,
 * its error name or its permission entries parsed.  Checks: a message
 * never reaches past the bytes given, no permission list exceeds its
 * bound, every domid fits a domid_t.
 */
#define FUZZ_NAME "fuzz-xswire"
#include "fuzz.h"

#include "xs.h"
#include "xswire.h"

static void fuzz_one(const char *text, size_t size)
{
    size_t off = 0;

    for ( ;; )
    {
        struct xl_xsw_msg m;
        struct xl_xs_perm p[16];
        unsigned int nr = 0, i;
        int rc = xl_xsw_take(text + off, size - off, &m);

        if ( rc <= 0 )
            return;
        if ( (size_t)rc > size - off || m.len > XL_XSW_PAYLOAD_MAX ||
             m.body != text + off + XL_XSW_HDR )
            abort();
        if ( m.type == XL_XSW_ERROR && xl_xsw_errno(m.body, m.len) >= 0 )
            abort();
        if ( xl_xsw_perms(m.body, m.len, p, 16, &nr) == 0 )
        {
            if ( nr == 0 || nr > 16 )
                abort();
            for ( i = 0; i < nr; i++ )
                if ( p[i].domid > 65535 || p[i].perms > 3 )
                    abort();
        }
        off += (size_t)rc;
    }
}
