/*
 * xswire.c - the xenstore wire protocol, pure (see xswire.h).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/io/xs_wire.h>

#include "xswire.h"

_Static_assert(XL_XSW_READ == XS_READ, "xs_wire.h: XS_READ");
_Static_assert(XL_XSW_GET_PERMS == XS_GET_PERMS, "xs_wire.h: XS_GET_PERMS");
_Static_assert(XL_XSW_ERROR == XS_ERROR, "xs_wire.h: XS_ERROR");
_Static_assert(XL_XSW_HDR == sizeof(struct xsd_sockmsg), "xs_wire.h: header");
_Static_assert(XL_XSW_PAYLOAD_MAX == XENSTORE_PAYLOAD_MAX,
               "xs_wire.h: payload");
_Static_assert(XL_XSW_PATH_MAX == XENSTORE_ABS_PATH_MAX, "xs_wire.h: path");

int xl_xsw_request(char *buf, size_t size, size_t *used, uint32_t type,
                   uint32_t req_id, const char *path)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .tx_id = 0 };
    size_t plen = strnlen(path, XL_XSW_PATH_MAX + 1);

    if ( path[0] != '/' || plen > XL_XSW_PATH_MAX )
        return -ENAMETOOLONG;
    if ( size < *used || size - *used < sizeof(h) + plen + 1 )
        return -ENOBUFS;
    h.len = (uint32_t)(plen + 1);
    memcpy(buf + *used, &h, sizeof(h));
    memcpy(buf + *used + sizeof(h), path, plen + 1);
    *used += sizeof(h) + plen + 1;
    return 0;
}

int xl_xsw_take(const char *buf, size_t have, struct xl_xsw_msg *m)
{
    struct xsd_sockmsg h;

    if ( have < sizeof(h) )
        return 0;
    memcpy(&h, buf, sizeof(h));
    if ( h.len > XL_XSW_PAYLOAD_MAX )
        return -EBADMSG;
    if ( have - sizeof(h) < h.len )
        return 0;
    m->type = h.type;
    m->req_id = h.req_id;
    m->tx_id = h.tx_id;
    m->len = h.len;
    m->body = buf + sizeof(h);
    return (int)(sizeof(h) + h.len);
}

int xl_xsw_errno(const char *body, size_t len)
{
    unsigned int i;

    /* The name and its NUL, nothing else. */
    if ( !len || body[len - 1] != '\0' || strlen(body) != len - 1 )
        return -EIO;
    for ( i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++ )
        if ( !strcmp(body, xsd_errors[i].errstring) )
            return -xsd_errors[i].errnum;
    return -EIO;
}

int xl_xsw_perms(const char *body, size_t len, struct xl_xs_perm *p,
                 unsigned int max, unsigned int *nr)
{
    size_t off = 0;
    unsigned int n = 0;

    if ( !len )
        return -EBADMSG;            /* a node has at least its owner */
    while ( off < len )
    {
        const char *e = body + off;
        size_t elen = strnlen(e, len - off), i;
        uint32_t domid = 0, perms;

        if ( elen == len - off )
            return -EBADMSG;        /* no NUL: unterminated */
        if ( elen < 2 || elen > 6 )
            return -EBADMSG;        /* a letter and 1..5 digits */
        switch ( e[0] )
        {
        case 'n': perms = 0; break;
        case 'r': perms = XL_XS_PERM_READ; break;
        case 'w': perms = XL_XS_PERM_WRITE; break;
        case 'b': perms = XL_XS_PERM_READ | XL_XS_PERM_WRITE; break;
        default: return -EBADMSG;
        }
        for ( i = 1; i < elen; i++ )
        {
            if ( e[i] < '0' || e[i] > '9' )
                return -EBADMSG;
            domid = domid * 10 + (uint32_t)(e[i] - '0');
        }
        if ( domid > 65535 )
            return -EBADMSG;
        if ( n == max )
            return -E2BIG;
        p[n].domid = domid;
        p[n].perms = perms;
        n++;
        off += elen + 1;
    }
    *nr = n;
    return 0;
}
