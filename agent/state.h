/*
 * state.h - xenlevel's state records: one writer and one parser, shared by
 * apply, sync, watch, gate, status and the dracut hook (which calls
 * `xenlevel record`).
 *
 * A record is text, one "key=value" line per field, keys from a fixed set,
 * each at most once.  Values are escaped by the writer: a backslash becomes
 * "\\", any control character (and DEL) "\xHH"; so a value never spans two
 * lines and a crafted path or reason cannot forge a field.  The parser
 * refuses unknown and duplicate keys, raw control characters and bad
 * escapes, naming file:line and the key.
 *
 * Records (in the status record's directory, /run/xenlevel by default):
 *   status  this boot's levelling: the last outcome, by any stage, that
 *           decided Xen's defaults (an attempt refused before anything
 *           changed leaves it as it was: run.c, record_refusal)
 *   boot    the boot-time levelling (initramfs, then xenlevel sync)
 * and next to the persisted level (/var/lib/xenlevel by default):
 *   forced  generation floor left by `apply --force` (see source.h)
 */
#ifndef XENLEVEL_STATE_H
#define XENLEVEL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "level.h"

#define XL_STATE_TEXT 1024

struct xl_status {
    char state[16];         /* levelled unlevelled disabled refused */
    char stage[16];         /* initramfs sync apply watch reset */
    char cause[32];         /* machine-readable reason, "" when levelled */
    char level[XL_NAME_MAX];
    uint64_t generation;
    bool has_generation;
    char source[XL_STATE_TEXT];
    char reason[XL_STATE_TEXT];
    int exit_code;          /* the agent's exit code, -1 if none */
};

/* Causes (the cause= field), documented in xenlevel(8). */
#define XL_CAUSE_DISABLED       "disabled"
#define XL_CAUSE_NOT_XEN        "not-xen"
#define XL_CAUSE_NOT_DOM0       "not-dom0"
#define XL_CAUSE_NO_LEVEL       "no-level"
#define XL_CAUSE_BAD_LEVEL      "bad-level"
#define XL_CAUSE_HONOUR         "cannot-honour"
#define XL_CAUSE_ENFORCE        "cannot-enforce"
#define XL_CAUSE_VENDOR         "vendor-mismatch"
#define XL_CAUSE_XEN            "xen-error"
#define XL_CAUSE_UNPATCHED      "unpatched-hypervisor"
#define XL_CAUSE_STALE          "stale-generation"
#define XL_CAUSE_TIMEOUT        "timeout"
#define XL_CAUSE_AGENT          "agent-failed"
#define XL_CAUSE_NOT_PERSISTED  "not-persisted"
#define XL_CAUSE_RESET          "reset"
#define XL_CAUSE_DENIED         "denied"
#define XL_CAUSE_NOHVM          "no-hvm"
#define XL_CAUSE_READBACK       "readback-mismatch"
#define XL_CAUSE_PERSIST_DAMAGED "persisted-damaged"

void xl_status_init(struct xl_status *s);

/* Set a text field, truncating; control characters are kept (escaped). */
void xl_status_set(char *field, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define XL_STATUS_SET(s, field, ...) \
    xl_status_set((s)->field, sizeof((s)->field), __VA_ARGS__)

/*
 * Fill a status: stage (NULL: "apply"), state, cause, the level's name and
 * generation (l may be NULL), source, reason, exit code (-1: none).
 */
void xl_status_make(struct xl_status *s, const char *stage,
                    const char *state, const char *cause,
                    const struct xl_level *l, const char *source,
                    const char *reason, int exit_code);

/* Format into buf (NUL-terminated); -ENOSPC if it does not fit. */
int xl_status_format(const struct xl_status *s, char *buf, size_t len);

/* Parse text (named name in errors). */
int xl_status_parse(const char *name, const char *text, struct xl_status *s,
                    struct xl_err *err);

/* Is this a known state / cause token?  (the `record` command checks) */
bool xl_status_state_valid(const char *state);
bool xl_status_stage_valid(const char *stage);

/* The generation floor record (forced): one key, generation. */
int xl_floor_format(uint64_t floor, char *buf, size_t len);
int xl_floor_parse(const char *name, const char *text, uint64_t *floor,
                   struct xl_err *err);

#endif /* XENLEVEL_STATE_H */
