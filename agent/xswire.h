/*
 * xswire.h - the xenstore wire protocol (xen/io/xs_wire.h) as the agent
 * speaks it on its own socket connection for the watcher's per-event read:
 * framing a request, taking replies apart, the error and permission
 * strings.  Pure (no I/O, no libxenstore): xs.c does the I/O, and the unit
 * tests replay replies captured from xenstored.
 *
 * Why not libxenstore for this one read: libxenstore 4.17 sends a request
 * as two write()s, reads its reply as two read()s and saves and restores
 * the SIGPIPE action around each request, so the trusted read (value, then
 * permissions) costs twelve system calls and two round trips to xenstored.
 * Sent together on a connection of its own (xenstored answers a
 * connection's requests in order), the two requests cost one sendmsg() and
 * usually one or two read()s, on the watcher's critical path.
 */
#ifndef XENLEVEL_XSWIRE_H
#define XENLEVEL_XSWIRE_H

#include <stddef.h>
#include <stdint.h>

#include "xs.h"

#define XL_XSW_HDR 16               /* type, req_id, tx_id, len: u32 each */
#define XL_XSW_PAYLOAD_MAX 4096     /* XENSTORE_PAYLOAD_MAX */
#define XL_XSW_PATH_MAX 3072        /* XENSTORE_ABS_PATH_MAX */

/* Message types used here (enum xsd_sockmsg_type). */
#define XL_XSW_READ      2
#define XL_XSW_GET_PERMS 3
#define XL_XSW_ERROR     16

struct xl_xsw_msg {
    uint32_t type, req_id, tx_id, len;
    const char *body;               /* len bytes, inside the caller's buffer */
};

/*
 * Append a request whose payload is path and its NUL (XS_READ,
 * XS_GET_PERMS) to buf (size bytes, *used already taken), outside any
 * transaction.  0, or -ENAMETOOLONG (path over XL_XSW_PATH_MAX or no
 * absolute path), or -ENOBUFS (buf full).
 */
int xl_xsw_request(char *buf, size_t size, size_t *used, uint32_t type,
                   uint32_t req_id, const char *path);

/*
 * Take the first message off have bytes at buf: > 0 its length (header and
 * payload; m filled, m->body points into buf), 0 when the message is not
 * complete yet, -EBADMSG when its length exceeds XL_XSW_PAYLOAD_MAX.
 */
int xl_xsw_take(const char *buf, size_t have, struct xl_xsw_msg *m);

/*
 * An XS_ERROR payload ("ENOENT\0") as a negative errno; -EIO for an error
 * name this table does not know or a malformed payload.
 */
int xl_xsw_errno(const char *body, size_t len);

/*
 * An XS_GET_PERMS payload: NUL-terminated entries "<n|r|w|b><domid>", the
 * first the owner and everyone else's default.  0, -EBADMSG (malformed:
 * an empty or unterminated entry, an unknown letter, a domid that is not a
 * decimal number below 65536), or -E2BIG (more than max entries).
 */
int xl_xsw_perms(const char *body, size_t len, struct xl_xs_perm *p,
                 unsigned int max, unsigned int *nr);

#endif /* XENLEVEL_XSWIRE_H */
