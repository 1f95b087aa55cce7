/*
 * run.h - the apply orchestration: the one apply path of `apply`, the boot
 * hook (apply --boot), `sync` and the watcher, and the records it leaves
 * (status and boot records, persisted level, generation floor).
 *
 * It reads nothing from the command line: struct xl_run (edge.h) carries
 * the site config, the real root and the edge.  Loaders return 0 or -errno
 * and fill struct xl_fail (where, and the one-line message).  xl_run_apply
 * returns its outcome as an XL_EXIT_* code, because that code is part of
 * what it records (the status record's exit=).
 */
#ifndef XENLEVEL_RUN_H
#define XENLEVEL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "apply.h"
#include "edge.h"
#include "level.h"
#include "state.h"

/* The hypervisor that the xenlevel-hypervisor package installs, and the
 * tag its version string carries (XEN_VENDORVERSION). */
#define XL_PATCHED_XEN "/boot/xen-4.17-xenlevel-amd64.gz"
#define XL_PATCHED_TAG "xenlevel"

struct xl_apply_req {
    const char *source;         /* for messages and the status record */
    const char *stage;          /* status record stage= */
    bool dry, boot, force;
    bool chosen;                /* picked by the boot rule: no generation
                                   check, no floor */
    bool persist;               /* persist the level for the next boot */
    bool json;                  /* --json: one object on stdout (json.h) */
    const char *cause, *reason; /* recorded with a levelled outcome (a
                                   fallback: persisted-damaged); NULL */
    struct xl_run_times *times; /* NULL, or where each step's time goes */
};

/*
 * Where an apply's time went (CLOCK_MONOTONIC, microseconds).  In order:
 * lock, host, set and persist are the critical path, which ends at
 * levelled; guests, record and record_xs only report.
 */
struct xl_run_times {
    uint64_t lock;              /* the lock and the generation rule */
    uint64_t host;              /* this host's facts (0 when cached) */
    uint64_t set;               /* check, build, set, read-back */
    uint64_t persist;           /* the persisted level (fsync'd) */
    uint64_t levelled;          /* xl_run_now_us() when the defaults were
                                   set, read back and persisted; 0 when
                                   the apply stopped before */
    uint64_t guests;            /* running guests above the level */
    uint64_t record;            /* the status record (file) */
    uint64_t record_xs;         /* the xenstore status */
};

/* CLOCK_MONOTONIC in microseconds. */
uint64_t xl_run_now_us(void);

/*
 * Install l as Xen's default policies (or print the diff, rq->dry), then
 * persist it, leave the floor of a forced apply, and record the outcome in
 * the status (and boot) record and in xenstore.  Serialised by the lock in
 * the status record's directory.  Returns the XL_EXIT_* outcome.
 */
int xl_run_apply(const struct xl_run *run, const struct xl_level *l,
                 const struct xl_apply_req *rq);

/*
 * xenlevel reset: restore Xen's boot-time defaults (dry: print what would
 * change to out); refused (XL_EXIT_STALE) while a level is persisted unless
 * force, which sets it aside as PERSIST.reset.  Run with
 * run->current_defaults.  Returns the XL_EXIT_* outcome.
 */
int xl_run_reset(const struct xl_run *run, bool dry, bool force, FILE *out);

/*
 * This host: from Xen, or from run->host_report.  Unless
 * run->current_defaults, the defaults are Xen's boot-time ones (the
 * native-defaults record).  0, or -errno with fail set (XL_AT_INPUT for
 * the report, XL_AT_XEN).
 */
int xl_run_load_host(const struct xl_run *run, const char *name,
                     struct xl_host *h, struct xl_fail *fail);

/*
 * Xen's own (boot-time) default featuresets: recorded by the first run of
 * a boot next to the status record, then read; use: put them in h->rep.
 */
void xl_run_native_defaults(const struct xl_run *run, struct xl_host *h,
                            bool use);

/* Read and parse a state record; -ENOENT quietly when it does not exist. */
int xl_run_read_record(const char *path, struct xl_status *st,
                       struct xl_err *err);

/* Write the status record, and for the boot stages the boot record too. */
void xl_run_record(const struct xl_run *run, const struct xl_status *st);

/* The status in xenstore, next to the published level (PATH-status). */
void xl_run_record_xs(const struct xl_run *run, const struct xl_status *st);

#endif /* XENLEVEL_RUN_H */
