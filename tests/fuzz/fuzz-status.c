/*
 * fuzz-status.c - the state records (status, boot, forced): the parser
 * must never crash, and whatever it accepts must survive the writer: format
 * then parse gives the same record (one writer, one parser; no field can
 * span two lines).
 */
#define FUZZ_NAME "fuzz-status"
#include "fuzz.h"

#include "state.h"

static void fuzz_one(const char *text, size_t size)
{
    static char buf[8 * XL_STATE_TEXT];
    struct xl_status s, back;
    struct xl_err err;
    uint64_t floor;

    (void)size;
    (void)xl_floor_parse("forced", text, &floor, &err);
    if ( xl_status_parse("status", text, &s, &err) )
        return;
    if ( xl_status_format(&s, buf, sizeof(buf)) ||
         xl_status_parse("status", buf, &back, &err) ||
         strcmp(s.state, back.state) || strcmp(s.stage, back.stage) ||
         strcmp(s.cause, back.cause) || strcmp(s.level, back.level) ||
         strcmp(s.source, back.source) || strcmp(s.reason, back.reason) ||
         s.generation != back.generation ||
         s.has_generation != back.has_generation ||
         s.exit_code != back.exit_code )
        abort();
}
