/*
 * inifile.c - strict INI loading on top of inih.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <ini.h>

#include "inifile.h"

#define XL_INI_MAX_LINE 4096

struct ctx {
    const char *p;              /* next unread byte of the text */
    unsigned int line;          /* line number of the line last read */
    const struct xl_ini_schema *schema;
    unsigned int nr_schema;
    struct xl_ini *ini;
    struct xl_err *err;
    int rc;                     /* first error, 0 if none */
    bool at_line_start;
};

int xl_read_file(const char *path, char **buf, size_t *len,
                 struct xl_err *err)
{
    return xl_read_file_st(path, buf, len, NULL, err);
}

int xl_read_file_st(const char *path, char **buf, size_t *len,
                    struct stat *id, struct xl_err *err)
{
    struct stat st;
    char *data = NULL;
    size_t got = 0, cap;
    int fd, rc = 0;

    /*
     * O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer;
     * O_NOCTTY: a terminal never becomes ours.  Anything but a regular
     * file is then refused before the first read.
     */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if ( fd < 0 )
    {
        rc = -errno;
        xl_err_set(err, path, 0, NULL, "cannot open: %s", strerror(errno));
        return rc;
    }
    if ( fstat(fd, &st) < 0 )
    {
        rc = -errno;
        xl_err_set(err, path, 0, NULL, "cannot stat: %s", strerror(errno));
        goto out;
    }
    if ( id )
        *id = st;
    /* The null device reads as empty ("-c /dev/null": no site config). */
    if ( S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
         minor(st.st_rdev) == 3 )
        st.st_size = 0;
    else if ( !S_ISREG(st.st_mode) )
    {
        rc = -EINVAL;
        xl_err_set(err, path, 0, NULL, "not a regular file");
        goto out;
    }
    if ( st.st_size > XL_INI_MAX_SIZE )
    {
        rc = -EFBIG;
        xl_err_set(err, path, 0, NULL, "file larger than %d bytes",
                   XL_INI_MAX_SIZE);
        goto out;
    }
    /*
     * Read to the end, whatever fstat said (procfs files say 0, a file may
     * grow), but never more than the bound.
     */
    cap = st.st_size ? (size_t)st.st_size + 1 : 4096;
    data = malloc(cap + 1);
    if ( !data )
    {
        rc = -ENOMEM;
        xl_err_set(err, path, 0, NULL, "out of memory");
        goto out;
    }
    for ( ;; )
    {
        ssize_t r;

        if ( got == cap )
        {
            char *more;

            if ( cap > XL_INI_MAX_SIZE )
            {
                rc = -EFBIG;
                xl_err_set(err, path, 0, NULL, "file larger than %d bytes",
                           XL_INI_MAX_SIZE);
                goto out;
            }
            cap = cap * 2 > XL_INI_MAX_SIZE + 1 ? XL_INI_MAX_SIZE + 1
                                                 : cap * 2;
            more = realloc(data, cap + 1);
            if ( !more )
            {
                rc = -ENOMEM;
                xl_err_set(err, path, 0, NULL, "out of memory");
                goto out;
            }
            data = more;
        }
        r = read(fd, data + got, cap - got);
        if ( r < 0 && errno == EINTR )
            continue;
        if ( r < 0 )
        {
            rc = -errno;
            xl_err_set(err, path, 0, NULL, "cannot read: %s",
                       strerror(errno));
            goto out;
        }
        if ( r == 0 )
            break;
        got += (size_t)r;
    }
    data[got] = '\0';
    if ( memchr(data, '\0', got) )
    {
        rc = -EINVAL;
        xl_err_set(err, path, 0, NULL, "file contains a NUL byte");
        goto out;
    }
    *buf = data;
    *len = got;
    data = NULL;
 out:
    free(data);
    close(fd);
    return rc;
}

static void fail(struct ctx *c, unsigned int line, const char *key,
                 int rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fail(struct ctx *c, unsigned int line, const char *key,
                 int rc, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    if ( c->rc )
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xl_err_set(c->err, c->ini->name, line, key, "%s", msg);
    c->rc = rc;
}

static const struct xl_ini_schema *find_section(const struct ctx *c,
                                                const char *section)
{
    unsigned int i;

    for ( i = 0; i < c->nr_schema; i++ )
        if ( strcmp(c->schema[i].section, section) == 0 )
            return &c->schema[i];
    return NULL;
}

/* Record a section header; a repeated one is an error. */
static int add_section(struct ctx *c, const char *name)
{
    struct xl_ini *ini = c->ini;
    struct xl_ini_section *s;
    char key[80];
    unsigned int i;

    for ( i = 0; i < ini->nr_sections; i++ )
        if ( ini->sections[i].name == name )
        {
            snprintf(key, sizeof(key), "[%s]", name);
            fail(c, c->line, key, -EINVAL,
                 "repeated section (first at line %u)",
                 ini->sections[i].line);
            return -EINVAL;
        }
    s = realloc(ini->sections, (ini->nr_sections + 1) * sizeof(*s));
    if ( !s )
    {
        fail(c, c->line, NULL, -ENOMEM, "out of memory");
        return -ENOMEM;
    }
    ini->sections = s;
    s[ini->nr_sections].name = name;
    s[ini->nr_sections].line = c->line;
    ini->nr_sections++;
    return 0;
}

/*
 * inih reader, fgets-like: inih asks for the rest of a long line in further
 * calls (ini_allow_realloc).  We keep our own line count and check section
 * headers on whole lines, so that empty unknown sections are caught too.
 */
static char *reader(char *str, int num, void *stream)
{
    struct ctx *c = stream;
    const struct xl_ini_schema *sc;
    const char *nl, *s, *line = c->p;
    size_t len, full;

    if ( c->rc || !*c->p || num < 2 )
        return NULL;
    nl = strchr(c->p, '\n');
    full = nl ? (size_t)(nl - c->p) + 1 : strlen(c->p);

    if ( c->at_line_start )
    {
        c->line++;
        c->at_line_start = false;
        if ( full + 3 > XL_INI_MAX_LINE )
        {
            fail(c, c->line, NULL, -EINVAL, "line longer than %d characters",
                 XL_INI_MAX_LINE - 3);
            return NULL;
        }
        for ( s = line; s < line + full && isspace((unsigned char)*s); s++ )
            ;
        if ( s < line + full && *s == '[' )
        {
            const char *end = memchr(s, ']', full - (size_t)(s - line));
            char name[64];
            size_t n;

            if ( !end )
            {
                fail(c, c->line, NULL, -EINVAL, "syntax error: no ']'");
                return NULL;
            }
            n = (size_t)(end - s - 1);
            if ( n >= sizeof(name) )
                n = sizeof(name) - 1;
            memcpy(name, s + 1, n);
            name[n] = '\0';
            if ( !(sc = find_section(c, name)) )
            {
                fail(c, c->line, name, -EINVAL, "unknown section [%s]", name);
                return NULL;
            }
            if ( add_section(c, sc->section) )
                return NULL;
        }
    }

    len = full;
    if ( len > (size_t)num - 1 )
        len = (size_t)num - 1;
    memcpy(str, c->p, len);
    str[len] = '\0';
    c->p += len;
    if ( len == full )
        c->at_line_start = true;
    return str;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    struct ctx *c = user;
    const struct xl_ini_schema *sc = NULL;
    struct xl_ini_entry *e;
    char key[96];
    unsigned int i;

    snprintf(key, sizeof(key), "%s%s%s", section, *section ? "." : "", name);
    if ( c->rc )
        return 0;
    if ( !*section )
    {
        fail(c, c->line, key, -EINVAL, "key outside any section");
        return 0;
    }
    for ( i = 0; i < c->nr_schema; i++ )
        if ( strcmp(c->schema[i].section, section) == 0 &&
             strcmp(c->schema[i].key, name) == 0 )
            sc = &c->schema[i];
    if ( !sc )
    {
        fail(c, c->line, key, -EINVAL, "unknown key '%s' in [%s]", name,
             section);
        return 0;
    }
    for ( i = 0; i < c->ini->nr; i++ )
        if ( c->ini->entries[i].section == sc->section &&
             c->ini->entries[i].key == sc->key )
        {
            fail(c, c->line, key, -EINVAL, "duplicate key (first at line %u)",
                 c->ini->entries[i].line);
            return 0;
        }
    e = realloc(c->ini->entries, (c->ini->nr + 1) * sizeof(*e));
    if ( !e )
    {
        fail(c, c->line, key, -ENOMEM, "out of memory");
        return 0;
    }
    c->ini->entries = e;
    e = &e[c->ini->nr];
    e->section = sc->section;
    e->key = sc->key;
    e->line = c->line;
    e->value = strdup(value);
    if ( !e->value )
    {
        fail(c, c->line, key, -ENOMEM, "out of memory");
        return 0;
    }
    c->ini->nr++;
    return 1;
}

int xl_ini_parse(const char *name, const char *text,
                 const struct xl_ini_schema *schema, unsigned int nr_schema,
                 struct xl_ini *ini, struct xl_err *err)
{
    struct ctx c = {
        .p = text, .schema = schema, .nr_schema = nr_schema,
        .ini = ini, .err = err, .at_line_start = true,
    };
    unsigned int i;
    int r;

    memset(ini, 0, sizeof(*ini));
    snprintf(ini->name, sizeof(ini->name), "%s", name);
    /* A UTF-8 byte order mark (editors on other systems write one). */
    if ( !strncmp(c.p, "\xef\xbb\xbf", 3) )
        c.p += 3;

    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_initial_alloc = 256;
    ini_max_line = XL_INI_MAX_LINE;
    ini_allow_multiline = false;
    ini_allow_no_value = false;
    ini_stop_on_first_error = true;

    r = ini_parse_stream(reader, &c, handler, &c);
    if ( c.rc )
        goto out;
    if ( r > 0 )
    {
        fail(&c, (unsigned int)r, NULL, -EINVAL,
             "syntax error: expected 'key = value' or '[section]'");
        goto out;
    }
    if ( r < 0 )
    {
        fail(&c, 0, NULL, -ENOMEM, "inih failed (%d)", r);
        goto out;
    }
    for ( i = 0; i < nr_schema; i++ )
    {
        char key[96];

        if ( !schema[i].required ||
             xl_ini_get(ini, schema[i].section, schema[i].key) )
            continue;
        snprintf(key, sizeof(key), "%s.%s", schema[i].section,
                 schema[i].key);
        fail(&c, xl_ini_section_line(ini, schema[i].section) ?: c.line, key,
             -EINVAL, "missing required key '%s' in [%s]",
             schema[i].key, schema[i].section);
        break;
    }
 out:
    if ( c.rc )
        xl_ini_free(ini);
    return c.rc;
}

int xl_ini_load(const char *path, const struct xl_ini_schema *schema,
                unsigned int nr_schema, struct xl_ini *ini,
                struct xl_err *err)
{
    char *text = NULL;
    size_t len;
    int rc;

    rc = xl_read_file(path, &text, &len, err);
    if ( rc )
        goto out;
    rc = xl_ini_parse(path, text, schema, nr_schema, ini, err);
 out:
    free(text);
    return rc;
}

void xl_ini_free(struct xl_ini *ini)
{
    unsigned int i;

    for ( i = 0; i < ini->nr; i++ )
        free(ini->entries[i].value);
    free(ini->entries);
    ini->entries = NULL;
    ini->nr = 0;
    free(ini->sections);
    ini->sections = NULL;
    ini->nr_sections = 0;
}

const struct xl_ini_entry *xl_ini_get(const struct xl_ini *ini,
                                      const char *section, const char *key)
{
    unsigned int i;

    for ( i = 0; i < ini->nr; i++ )
        if ( strcmp(ini->entries[i].section, section) == 0 &&
             strcmp(ini->entries[i].key, key) == 0 )
            return &ini->entries[i];
    return NULL;
}

unsigned int xl_ini_section_line(const struct xl_ini *ini,
                                 const char *section)
{
    unsigned int i;

    for ( i = 0; i < ini->nr_sections; i++ )
        if ( strcmp(ini->sections[i].name, section) == 0 )
            return ini->sections[i].line;
    return 0;
}

bool xl_ini_has_section(const struct xl_ini *ini, const char *section)
{
    return xl_ini_section_line(ini, section) != 0;
}

int xl_ini_bad(const struct xl_ini *ini, const struct xl_ini_entry *e,
               struct xl_err *err, const char *fmt, ...)
{
    char key[96], msg[400];
    va_list ap;

    snprintf(key, sizeof(key), "%s.%s", e->section, e->key);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xl_err_set(err, ini->name, e->line, key, "%s", msg);
    return -EINVAL;
}
