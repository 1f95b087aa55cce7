/*
 * state.c - the state records (status, boot, forced): one writer, one
 * parser.  Pure: text in, text out; loading and atomic writing are the
 * caller's (store.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

static const char *const states[] = {
    "levelled", "unlevelled", "disabled", "refused", NULL,
};
static const char *const stages[] = {
    "initramfs", "sync", "apply", "watch", "reset", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for ( ; *list; list++ )
        if ( !strcmp(*list, s) )
            return true;
    return false;
}

bool xl_status_state_valid(const char *state)
{
    return in_list(states, state);
}

bool xl_status_stage_valid(const char *stage)
{
    return in_list(stages, stage);
}

void xl_status_init(struct xl_status *s)
{
    memset(s, 0, sizeof(*s));
    s->exit_code = -1;
}

void xl_status_set(char *field, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(field, size, fmt, ap);
    va_end(ap);
}

void xl_status_make(struct xl_status *s, const char *stage,
                    const char *state, const char *cause,
                    const struct xl_level *l, const char *source,
                    const char *reason, int exit_code)
{
    xl_status_init(s);
    XL_STATUS_SET(s, state, "%s", state);
    XL_STATUS_SET(s, stage, "%s", stage ? stage : "apply");
    XL_STATUS_SET(s, cause, "%s", cause ? cause : "");
    XL_STATUS_SET(s, source, "%s", source ? source : "");
    XL_STATUS_SET(s, reason, "%s", reason ? reason : "");
    if ( l )
    {
        XL_STATUS_SET(s, level, "%s", l->name);
        s->generation = l->generation;
        s->has_generation = true;
    }
    s->exit_code = exit_code;
}

/* Append "key=escaped(value)\n" at buf+*n. */
static int put(char *buf, size_t len, size_t *n, const char *key,
               const char *val)
{
    size_t need = strlen(key) + 2;
    const unsigned char *p;

    for ( p = (const unsigned char *)val; *p; p++ )
        need += (*p == '\\') ? 2 : (*p < 0x20 || *p == 0x7f) ? 4 : 1;
    if ( *n + need + 1 > len )
        return -ENOSPC;
    *n += (size_t)sprintf(buf + *n, "%s=", key);
    for ( p = (const unsigned char *)val; *p; p++ )
    {
        if ( *p == '\\' )
            *n += (size_t)sprintf(buf + *n, "\\\\");
        else if ( *p < 0x20 || *p == 0x7f )
            *n += (size_t)sprintf(buf + *n, "\\x%02x", *p);
        else
            buf[(*n)++] = (char)*p;
    }
    buf[(*n)++] = '\n';
    buf[*n] = '\0';
    return 0;
}

int xl_status_format(const struct xl_status *s, char *buf, size_t len)
{
    char gen[24] = "", code[16] = "";
    size_t n = 0;
    int rc;

    if ( s->has_generation )
        snprintf(gen, sizeof(gen), "%" PRIu64, s->generation);
    if ( s->exit_code >= 0 )
        snprintf(code, sizeof(code), "%d", s->exit_code);
    if ( len )
        buf[0] = '\0';
    if ( (rc = put(buf, len, &n, "state", s->state)) ||
         (rc = put(buf, len, &n, "stage", s->stage)) ||
         (rc = put(buf, len, &n, "cause", s->cause)) ||
         (rc = put(buf, len, &n, "level", s->level)) ||
         (rc = put(buf, len, &n, "generation", gen)) ||
         (rc = put(buf, len, &n, "source", s->source)) ||
         (rc = put(buf, len, &n, "reason", s->reason)) ||
         (rc = put(buf, len, &n, "exit", code)) )
        return rc;
    return 0;
}

/* Strict unsigned decimal: digits only, no sign, no leading zero. */
static int parse_u64(const char *s, uint64_t *v)
{
    uint64_t x = 0;

    if ( !*s || (s[0] == '0' && s[1]) )
        return -EINVAL;
    for ( ; *s; s++ )
    {
        if ( *s < '0' || *s > '9' )
            return -EINVAL;
        if ( x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10 )
            return -ERANGE;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return 0;
}

/* Unescape src into dst (size len); -EINVAL on a bad escape or raw ctl. */
static int unescape(const char *src, char *dst, size_t len)
{
    size_t n = 0;

    for ( ; *src; src++ )
    {
        unsigned char c = (unsigned char)*src;

        if ( c < 0x20 || c == 0x7f )
            return -EINVAL;
        if ( c == '\\' )
        {
            unsigned int hex;

            if ( src[1] == '\\' )
            {
                c = '\\';
                src++;
            }
            else if ( src[1] == 'x' && src[2] && src[3] &&
                      strchr("0123456789abcdef", src[2]) &&
                      strchr("0123456789abcdef", src[3]) &&
                      sscanf(src + 2, "%2x", &hex) == 1 && hex )
            {
                c = (unsigned char)hex;
                src += 3;
            }
            else
                return -EINVAL;
        }
        if ( n + 1 >= len )
            return -ENAMETOOLONG;
        dst[n++] = (char)c;
    }
    dst[n] = '\0';
    return 0;
}

struct field {
    const char *key;
    size_t off, size;           /* a text field; size 0: special */
};

#define TEXT(k) { #k, offsetof(struct xl_status, k), \
                  sizeof(((struct xl_status *)0)->k) }
static const struct field fields[] = {
    TEXT(state), TEXT(stage), TEXT(cause), TEXT(level), TEXT(source),
    TEXT(reason), { "generation", 0, 0 }, { "exit", 0, 0 },
};
#undef TEXT
#define NR_FIELDS (sizeof(fields) / sizeof(fields[0]))

int xl_status_parse(const char *name, const char *text, struct xl_status *s,
                    struct xl_err *err)
{
    bool seen[NR_FIELDS] = { false };
    char line[2 * XL_STATE_TEXT + 64], val[XL_STATE_TEXT];
    unsigned int lineno = 0, i;
    const char *p = text;

    xl_status_init(s);
    while ( *p )
    {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        char *eq;

        lineno++;
        if ( l >= sizeof(line) )
        {
            xl_err_set(err, name, lineno, NULL, "line too long");
            return -EINVAL;
        }
        memcpy(line, p, l);
        line[l] = '\0';
        p += l + (nl ? 1 : 0);
        eq = strchr(line, '=');
        if ( !eq )
        {
            xl_err_set(err, name, lineno, NULL, "not a key=value line");
            return -EINVAL;
        }
        *eq = '\0';
        for ( i = 0; i < NR_FIELDS; i++ )
            if ( !strcmp(fields[i].key, line) )
                break;
        if ( i == NR_FIELDS )
        {
            xl_err_set(err, name, lineno, line, "unknown key");
            return -EINVAL;
        }
        if ( seen[i] )
        {
            xl_err_set(err, name, lineno, line, "duplicate key");
            return -EINVAL;
        }
        seen[i] = true;
        if ( unescape(eq + 1, val, fields[i].size ? fields[i].size
                                                  : sizeof(val)) )
        {
            xl_err_set(err, name, lineno, line,
                       "bad value (control character, bad escape or too "
                       "long)");
            return -EINVAL;
        }
        if ( fields[i].size )
            memcpy((char *)s + fields[i].off, val, strlen(val) + 1);
        else if ( !strcmp(line, "generation") && *val )
        {
            if ( xl_generation_parse(val, &s->generation) )
            {
                xl_err_set(err, name, lineno, line, "not a decimal number "
                           "in 0..%llu", (unsigned long long)XL_GENERATION_MAX);
                return -EINVAL;
            }
            s->has_generation = true;
        }
        else if ( !strcmp(line, "exit") && *val )
        {
            uint64_t v;

            if ( parse_u64(val, &v) || v > 255 )
            {
                xl_err_set(err, name, lineno, line, "not an exit code");
                return -EINVAL;
            }
            s->exit_code = (int)v;
        }
    }
    if ( !seen[0] || !xl_status_state_valid(s->state) )
    {
        xl_err_set(err, name, lineno, "state",
                   seen[0] ? "unknown state '%s'" : "missing", s->state);
        return -EINVAL;
    }
    if ( *s->stage && !xl_status_stage_valid(s->stage) )
    {
        xl_err_set(err, name, lineno, "stage", "unknown stage '%s'",
                   s->stage);
        return -EINVAL;
    }
    return 0;
}

int xl_floor_format(uint64_t floor, char *buf, size_t len)
{
    int n = snprintf(buf, len, "generation=%" PRIu64 "\n", floor);

    return (n < 0 || (size_t)n >= len) ? -ENOSPC : 0;
}

int xl_floor_parse(const char *name, const char *text, uint64_t *floor,
                   struct xl_err *err)
{
    const char *nl;
    char val[32];
    size_t l;

    if ( strncmp(text, "generation=", 11) )
    {
        xl_err_set(err, name, 1, NULL, "expected generation=N");
        return -EINVAL;
    }
    text += 11;
    nl = strchr(text, '\n');
    l = nl ? (size_t)(nl - text) : strlen(text);
    if ( l >= sizeof(val) || (nl && nl[1]) )
    {
        xl_err_set(err, name, 1, "generation", "bad value");
        return -EINVAL;
    }
    memcpy(val, text, l);
    val[l] = '\0';
    if ( xl_generation_parse(val, floor) )
    {
        xl_err_set(err, name, 1, "generation", "not a decimal number in "
                   "0..%llu", (unsigned long long)XL_GENERATION_MAX);
        return -EINVAL;
    }
    return 0;
}
