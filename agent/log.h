/*
 * log.h - tiny logging in the style of OpenBSD ntpd's log.c.
 *
 * Messages go to stderr as "xenlevel: ..." and, when enabled, to /dev/kmsg
 * so that they reach dmesg and the journal from the initramfs.
 */
#ifndef XENLEVEL_LOG_H
#define XENLEVEL_LOG_H

#include <stdbool.h>

enum xl_log_level {
    XL_LOG_ERR = 3,
    XL_LOG_WARNING = 4,
    XL_LOG_INFO = 6,
    XL_LOG_DEBUG = 7,
};

/* kmsg: 1 on, 0 off, -1 auto (on inside an initramfs). */
void log_init(enum xl_log_level level, int kmsg);
void log_setlevel(enum xl_log_level level);
int log_parse_level(const char *s, enum xl_log_level *level);

/* The last message logged at XL_LOG_ERR ("" when none), for --json. */
const char *log_last_error(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif /* XENLEVEL_LOG_H */
