/*
 * xs.h - xenstore: publish, read (trusted nodes only), watch, status.
 *
 * xs.c is the only file that calls libxenstore or talks to xenstored.  The
 * trust rule itself is pure (xl_xs_perms_trusted in store.c) so that it is
 * unit-tested, and so is the wire framing of the trusted read, which xs.c
 * sends on a connection of its own (xswire.h).
 */
#ifndef XENLEVEL_XS_H
#define XENLEVEL_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define XL_XS_MAX_VALUE 3072        /* larger level values are refused; a
                                       * level is ~1.2 KiB, and xenstore's
                                       * payload limit is 4096 */

/* A node permission as libxenstore gives it. */
struct xl_xs_perm {
    uint32_t domid;
    uint32_t perms;                 /* XL_XS_PERM_* */
};

#define XL_XS_PERM_READ  0x01
#define XL_XS_PERM_WRITE 0x02

/*
 * Only dom0 can write the node: owned by domain 0 (the first entry, whose
 * perms are everyone else's default), with no write for others and no
 * later entry granting write to another domain.  Pure.
 */
bool xl_xs_perms_trusted(const struct xl_xs_perm *p, unsigned int nr,
                         char *why, size_t whylen);

/*
 * The value rule, the same for publish and read: at most XL_XS_MAX_VALUE
 * bytes (-EFBIG) and no NUL byte among the len bytes (-EINVAL); err names
 * the path.  Pure (store.c), so that it is unit-tested and fuzzed.
 */
int xl_xs_value_check(const char *path, const char *val, size_t len,
                      struct xl_err *err);

struct xl_xs;

int xl_xs_open(struct xl_xs **xp);
void xl_xs_close(struct xl_xs *x);

/*
 * Xenstore transactions that conflict (EAGAIN) are retried this many times,
 * then the call fails with -EAGAIN and a message saying so.
 */
#define XL_XS_RETRIES 16

/*
 * Write the value and make the node dom0-only: owner domain 0, no read and
 * no write for any other domain ("n0"), both in one transaction.
 */
int xl_xs_publish(struct xl_xs *x, const char *path, const char *text,
                  struct xl_err *err);

/*
 * Read a node of at most XL_XS_MAX_VALUE bytes, trusted only if the
 * permissions read after the value (two requests, no transaction, sent
 * together) show that only dom0 can write it (-EPERM otherwise); *text
 * malloc'ed.
 */
int xl_xs_read_trusted(struct xl_xs *x, const char *path, char **text,
                       struct xl_err *err);

/*
 * Write a plain value (status records) with explicit permissions: owner
 * dom0, every other domain may read it but not write it ("r0"; a guest
 * may learn which level its host runs, as it sees the CPUID anyway).  An
 * existing node: its permissions set first, then the value (two requests;
 * once dom0 owns it read-only for others, only dom0 can change it); a new
 * node: value and permissions in one transaction, retried as above.
 */
int xl_xs_write(struct xl_xs *x, const char *path, const char *text);

/* A domain's name (/local/domain/DOMID/name), informative only. */
int xl_xs_domain_name(struct xl_xs *x, uint32_t domid, char *buf,
                      size_t len);

/* Watch path; xl_xs_wait blocks until it (or a child) fires. */
int xl_xs_watch(struct xl_xs *x, const char *path);
int xl_xs_wait(struct xl_xs *x, char *fired, size_t len);

/*
 * After xl_xs_wait failed (xenstored went away, e.g. restarted): close *xp,
 * then connect and watch path again, trying once a second at most `tries`
 * times.  0 with *xp the new connection (its watch fires at once, as a new
 * watch does), else -errno of the last try with *xp NULL.
 */
int xl_xs_rewatch(struct xl_xs **xp, const char *path, unsigned int tries);

#endif /* XENLEVEL_XS_H */
