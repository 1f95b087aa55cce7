/*
 * inifile.h - strict INI loading on top of inih.
 *
 * Loads a whole file (or an in-memory text, e.g. a xenstore value) through
 * inih, checking every section and key against a schema: an unknown
 * section or key, a repeated section header, a duplicate key, or a missing
 * required key is an error naming file:line and the key.  A UTF-8 byte
 * order mark at the start of the text is skipped.
 */
#ifndef XENLEVEL_INIFILE_H
#define XENLEVEL_INIFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define XL_INI_MAX_SIZE (1024 * 1024)

struct xl_ini_schema {
    const char *section;
    const char *key;
    bool required;
};

struct xl_ini_entry {
    const char *section;    /* points into the schema */
    const char *key;        /* points into the schema */
    char *value;
    unsigned int line;
};

struct xl_ini_section {
    const char *name;       /* points into the schema */
    unsigned int line;      /* line of the header */
};

struct xl_ini {
    char name[256];         /* file name (or xenstore path) for messages */
    struct xl_ini_entry *entries;
    unsigned int nr;
    struct xl_ini_section *sections;    /* every header, each at most once */
    unsigned int nr_sections;
};

/*
 * Read a whole regular file of at most XL_INI_MAX_SIZE bytes.  Opened
 * O_NONBLOCK|O_NOCTTY, so a FIFO or a device never blocks: anything but a
 * regular file (or the null device, read as empty) is refused ("FILE: not
 * a regular file", -EINVAL), as is a NUL byte.  -ENOENT, -EACCES, -EFBIG,
 * -EIO...  *buf is NUL-terminated and must be freed.
 */
int xl_read_file(const char *path, char **buf, size_t *len,
                 struct xl_err *err);

/*
 * The same, and *id (if not NULL) gets the fstat of the file that was read
 * (its identity: st_dev, st_ino, st_size, st_mtim, st_ctim), taken on the
 * open descriptor, so it names exactly the content returned.
 */
struct stat;
int xl_read_file_st(const char *path, char **buf, size_t *len,
                    struct stat *id, struct xl_err *err);

int xl_ini_parse(const char *name, const char *text,
                 const struct xl_ini_schema *schema, unsigned int nr_schema,
                 struct xl_ini *ini, struct xl_err *err);
int xl_ini_load(const char *path, const struct xl_ini_schema *schema,
                unsigned int nr_schema, struct xl_ini *ini,
                struct xl_err *err);
void xl_ini_free(struct xl_ini *ini);

const struct xl_ini_entry *xl_ini_get(const struct xl_ini *ini,
                                      const char *section, const char *key);
/* Line of the section's header, 0 if the section is absent. */
unsigned int xl_ini_section_line(const struct xl_ini *ini,
                                 const char *section);
bool xl_ini_has_section(const struct xl_ini *ini, const char *section);

/* Error helper: fill err with the entry's location. Returns -EINVAL. */
int xl_ini_bad(const struct xl_ini *ini, const struct xl_ini_entry *e,
               struct xl_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* XENLEVEL_INIFILE_H */
