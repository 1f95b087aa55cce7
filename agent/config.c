/*
 * config.c - site config parsing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "inifile.h"

void xl_config_defaults(struct xl_config *c)
{
    memset(c, 0, sizeof(*c));
    c->order[0] = XL_SOURCE_FILE;
    c->nr_order = 1;
    snprintf(c->files[0], sizeof(c->files[0]), "/var/lib/xenlevel/level");
    snprintf(c->files[1], sizeof(c->files[1]), "/etc/xen/xenlevel/level");
    c->nr_files = 2;
    snprintf(c->xenstore_path, sizeof(c->xenstore_path), "/xenlevel/level");
    snprintf(c->persist, sizeof(c->persist), "/var/lib/xenlevel/level");
    snprintf(c->status, sizeof(c->status), "/run/xenlevel/status");
    c->log_level = XL_LOG_INFO;
    c->kmsg = -1;
}

static const struct xl_ini_schema schema[] = {
    { "source", "order", false },
    { "source", "files", false },
    { "source", "xenstore_path", false },
    { "source", "persist", false },
    { "source", "status", false },
    { "policy", "unknown_features", false },
    { "policy", "extra_words", false },
    { "policy", "missing_features", false },
    { "policy", "pv_enforcement", false },
    { "policy", "beyond_boot_defaults", false },
    { "policy", "mask", false },
    { "policy", "unlevelled_guests", false },
    { "log", "level", false },
    { "log", "kmsg", false },
};

/* Split a space-separated list; calls fn for each word. */
static int each_word(const char *s,
                     int (*fn)(const char *w, void *arg), void *arg)
{
    char word[PATH_MAX];
    int rc;

    while ( *s )
    {
        size_t n = 0;

        while ( isspace((unsigned char)*s) )
            s++;
        if ( !*s )
            break;
        while ( s[n] && !isspace((unsigned char)s[n]) )
            n++;
        if ( n >= sizeof(word) )
            return -ENAMETOOLONG;
        memcpy(word, s, n);
        word[n] = '\0';
        s += n;
        rc = fn(word, arg);
        if ( rc )
            return rc;
    }
    return 0;
}

struct word_ctx {
    struct xl_config *c;
    char bad[128];
};

static int add_order(const char *w, void *arg)
{
    struct word_ctx *x = arg;
    enum xl_source s;
    unsigned int i;

    if ( !strcmp(w, "file") )
        s = XL_SOURCE_FILE;
    else if ( !strcmp(w, "xenstore") )
        s = XL_SOURCE_XENSTORE;
    else
    {
        snprintf(x->bad, sizeof(x->bad), "unknown source '%s' "
                 "(expected file or xenstore)", w);
        return -EINVAL;
    }
    for ( i = 0; i < x->c->nr_order; i++ )
        if ( x->c->order[i] == s )
        {
            snprintf(x->bad, sizeof(x->bad), "source '%s' listed twice", w);
            return -EINVAL;
        }
    x->c->order[x->c->nr_order++] = s;
    return 0;
}

static int add_file(const char *w, void *arg)
{
    struct word_ctx *x = arg;

    if ( w[0] != '/' )
    {
        snprintf(x->bad, sizeof(x->bad), "'%s' is not an absolute path", w);
        return -EINVAL;
    }
    if ( x->c->nr_files == XL_MAX_FILES )
    {
        snprintf(x->bad, sizeof(x->bad), "more than %d files",
                 XL_MAX_FILES);
        return -EINVAL;
    }
    snprintf(x->c->files[x->c->nr_files++], PATH_MAX, "%s", w);
    return 0;
}

static int add_mask(const char *w, void *arg)
{
    struct word_ctx *x = arg;

    if ( xl_fs_lookup(w, &x->c->mask) )
    {
        snprintf(x->bad, sizeof(x->bad), "unknown feature '%s'", w);
        return -EINVAL;
    }
    return 0;
}

/*
 * A level path must be in a tree no other domain controls: not below
 * another domain's /local/domain/N (the guest owns its home and can delete
 * or replace what is below it), and a well-formed absolute path.
 */
static int xenstore_path_owned(const char *p, char *why, size_t len)
{
    static const char home[] = "/local/domain";
    size_t n = strlen(p);

    if ( n < 2 || p[n - 1] == '/' || strstr(p, "//") )
    {
        snprintf(why, len, "'%s' is not a xenstore path", p);
        return -EINVAL;
    }
    if ( strncmp(p, home, sizeof(home) - 1) ||
         (p[sizeof(home) - 1] && p[sizeof(home) - 1] != '/') )
        return 0;
    p += sizeof(home) - 1;
    if ( !strcmp(p, "/0") || !strncmp(p, "/0/", 3) )
        return 0;
    snprintf(why, len, "'%s%s' is not dom0's: a level path below "
             "%s/N (N != 0) can be changed by domain N", home, p, home);
    return -EPERM;
}

static int choice(const struct xl_ini *ini, const char *section,
                  const char *key, const char *no, const char *yes,
                  bool *val, struct xl_err *err)
{
    const struct xl_ini_entry *e = xl_ini_get(ini, section, key);

    if ( !e )
        return 0;
    if ( !strcmp(e->value, no) )
        *val = false;
    else if ( !strcmp(e->value, yes) )
        *val = true;
    else
        return xl_ini_bad(ini, e, err, "'%s' is not %s or %s", e->value, no,
                          yes);
    return 0;
}

static int path_value(const struct xl_ini *ini, const char *key, char *buf,
                      size_t len, struct xl_err *err)
{
    const struct xl_ini_entry *e = xl_ini_get(ini, "source", key);

    if ( !e )
        return 0;
    if ( e->value[0] != '/' || strlen(e->value) >= len ||
         strchr(e->value, ' ') )
        return xl_ini_bad(ini, e, err, "'%s' is not an absolute path",
                          e->value);
    strcpy(buf, e->value);
    return 0;
}

int xl_config_parse(const char *name, const char *text, struct xl_config *c,
                    struct xl_err *err)
{
    struct word_ctx x = { .c = c };
    const struct xl_ini_entry *e;
    struct xl_ini ini;
    int rc;

    rc = xl_ini_parse(name, text, schema, sizeof(schema) / sizeof(schema[0]),
                      &ini, err);
    if ( rc )
        return rc;
    snprintf(c->path, sizeof(c->path), "%s", name);

    if ( (e = xl_ini_get(&ini, "source", "order")) )
    {
        c->nr_order = 0;
        if ( each_word(e->value, add_order, &x) || !c->nr_order )
        {
            rc = xl_ini_bad(&ini, e, err, "%s",
                            x.bad[0] ? x.bad : "empty source order");
            goto out;
        }
    }
    if ( (e = xl_ini_get(&ini, "source", "files")) )
    {
        c->nr_files = 0;
        if ( each_word(e->value, add_file, &x) || !c->nr_files )
        {
            rc = xl_ini_bad(&ini, e, err, "%s",
                            x.bad[0] ? x.bad : "empty file list");
            goto out;
        }
    }
    if ( (e = xl_ini_get(&ini, "source", "xenstore_path")) )
    {
        char why[700];

        if ( e->value[0] != '/' ||
             strlen(e->value) >= sizeof(c->xenstore_path) ||
             strspn(e->value, "abcdefghijklmnopqrstuvwxyz"
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_@") !=
             strlen(e->value) )
        {
            rc = xl_ini_bad(&ini, e, err, "'%s' is not a xenstore path",
                            e->value);
            goto out;
        }
        if ( (rc = xenstore_path_owned(e->value, why, sizeof(why))) )
        {
            rc = xl_ini_bad(&ini, e, err, "%s", why);
            goto out;
        }
        strcpy(c->xenstore_path, e->value);
    }
    if ( (rc = path_value(&ini, "persist", c->persist, sizeof(c->persist),
                          err)) ||
         (rc = path_value(&ini, "status", c->status, sizeof(c->status),
                          err)) ||
         (rc = choice(&ini, "policy", "unknown_features", "clear", "keep",
                      &c->unknown_keep, err)) ||
         (rc = choice(&ini, "policy", "extra_words", "reject", "ignore",
                      &c->extra_words_ignore, err)) ||
         (rc = choice(&ini, "policy", "missing_features", "refuse", "allow",
                      &c->missing_allow, err)) ||
         (rc = choice(&ini, "policy", "pv_enforcement", "refuse", "allow",
                      &c->pv_enforce_allow, err)) ||
         (rc = choice(&ini, "policy", "beyond_boot_defaults", "refuse",
                      "allow", &c->beyond_allow, err)) ||
         (rc = choice(&ini, "policy", "unlevelled_guests", "start", "hold",
                      &c->hold_guests, err)) )
        goto out;
    if ( (e = xl_ini_get(&ini, "policy", "mask")) )
    {
        memset(&c->mask, 0, sizeof(c->mask));
        if ( strlen(e->value) >= sizeof(c->mask_text) )
        {
            rc = xl_ini_bad(&ini, e, err, "value too long");
            goto out;
        }
        if ( each_word(e->value, add_mask, &x) )
        {
            rc = xl_ini_bad(&ini, e, err, "%s", x.bad);
            goto out;
        }
        strcpy(c->mask_text, e->value);
    }
    if ( (e = xl_ini_get(&ini, "log", "level")) &&
         log_parse_level(e->value, &c->log_level) )
    {
        rc = xl_ini_bad(&ini, e, err, "'%s' is not error, warning, info or "
                        "debug", e->value);
        goto out;
    }
    if ( (e = xl_ini_get(&ini, "log", "kmsg")) )
    {
        if ( !strcmp(e->value, "auto") )
            c->kmsg = -1;
        else if ( !strcmp(e->value, "yes") )
            c->kmsg = 1;
        else if ( !strcmp(e->value, "no") )
            c->kmsg = 0;
        else
        {
            rc = xl_ini_bad(&ini, e, err, "'%s' is not auto, yes or no",
                            e->value);
            goto out;
        }
    }
 out:
    xl_ini_free(&ini);
    return rc;
}

int xl_config_load(const char *path, struct xl_config *c, struct xl_err *err)
{
    char *text = NULL;
    size_t len;
    int rc;

    xl_config_defaults(c);
    if ( !path )
    {
        if ( access(XL_DEFAULT_CONFIG, F_OK) != 0 )
            return 0;
        path = XL_DEFAULT_CONFIG;
    }
    rc = xl_read_file(path, &text, &len, err);
    if ( !rc )
        rc = xl_config_parse(path, text, c, err);
    free(text);
    return rc;
}
