/*
 * json.h - the one JSON writer of xenlevel's --json outputs (pure core).
 *
 * Every --json output is one JSON object on one line of stdout, whatever
 * the outcome: its last members are always "exit" (the exit code),
 * "result" (a stable token for it) and "meaning" (the sentence of
 * xenlevel(8)'s EXIT STATUS); "error" holds the last error message when
 * there was one.  The schema is documented in xenlevel(8), JSON OUTPUT.
 */
#ifndef XENLEVEL_JSON_H
#define XENLEVEL_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "apply.h"
#include "check.h"
#include "featureset.h"
#include "level.h"

/* --json was given (set by the command line before dispatch). */
extern bool xl_json_mode;

/* A JSON string, escaped (quotes, backslash, control characters). */
void xl_json_str(FILE *f, const char *s);

/* A JSON array of the feature names set in fs (xl_fs_print_names's names). */
void xl_json_names(FILE *f, const struct xl_fs *fs);

/* A featureset as xen-cpuid prints it, as a JSON string. */
void xl_json_fs(FILE *f, const struct xl_fs *fs);

/* The stable token and the sentence for an XL_EXIT_* code. */
const char *xl_exit_result(int rc);
const char *xl_exit_meaning(int rc);

/*
 * Start an object: {"command":CMD (then members follow, each starting
 * with a comma); end it with the exit members, "error" when a message was
 * logged, and a newline.  xl_json_end marks the output done.
 */
void xl_json_begin(FILE *f, const char *cmd);
void xl_json_end(FILE *f, int rc);

/*
 * When --json is on and the command printed no object (a bad input, a
 * usage error found late), print {"command":CMD,...,"exit":rc...} alone.
 */
void xl_json_fallback(FILE *f, const char *cmd, int rc);

/* report --json: "host":{...} of a host report. */
void xl_json_report(FILE *f, const struct xl_host_report *r);

/* "level":{name,generation,vendor,source,pv,hvm} of a level. */
void xl_json_level(FILE *f, const char *key, const struct xl_level *l,
                   const char *source);

/* check --json: the verdict and what is missing or unenforceable. */
void xl_json_check(FILE *f, const struct xl_host_report *h,
                   const struct xl_level *l, const char *source,
                   const struct xl_check *res, enum xl_verdict v,
                   const char *reason);

/*
 * apply --json: what was (or, dry, would be) installed.  h and res may be
 * NULL (a failure before Xen was read); diff: the dry run's text diff.
 */
void xl_json_apply(FILE *f, const struct xl_level *l, const char *source,
                   bool dry, const struct xl_host *h,
                   const struct xl_apply_result *res, const char *diff,
                   int rc);

/* The verdict's stable token: ok, vendor-mismatch, cannot-honour, ... */
const char *xl_verdict_name(enum xl_verdict v);

#endif /* XENLEVEL_JSON_H */
