/*
 * log.c - stderr and /dev/kmsg logging.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static enum xl_log_level verbosity = XL_LOG_INFO;
static int kmsg_fd = -1;

void log_init(enum xl_log_level level, int kmsg)
{
    verbosity = level;
    if ( kmsg < 0 )
        kmsg = access("/etc/initrd-release", F_OK) == 0 ||
               getenv("XENLEVEL_KMSG") != NULL;
    if ( kmsg && kmsg_fd < 0 )
        kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
    else if ( !kmsg && kmsg_fd >= 0 )
    {
        close(kmsg_fd);
        kmsg_fd = -1;
    }
}

void log_setlevel(enum xl_log_level level)
{
    verbosity = level;
}

int log_parse_level(const char *s, enum xl_log_level *level)
{
    static const struct {
        const char *name;
        enum xl_log_level level;
    } names[] = {
        { "error", XL_LOG_ERR },
        { "warning", XL_LOG_WARNING },
        { "info", XL_LOG_INFO },
        { "debug", XL_LOG_DEBUG },
    };
    unsigned int i;

    for ( i = 0; i < sizeof(names) / sizeof(names[0]); i++ )
        if ( strcmp(s, names[i].name) == 0 )
        {
            *level = names[i].level;
            return 0;
        }
    return -EINVAL;
}

/* The last error logged, for --json outputs (log_last_error). */
static char last_error[1200];

const char *log_last_error(void)
{
    return last_error;
}

static void vlog(enum xl_log_level pri, const char *fmt, va_list ap,
                 const char *suffix)
{
    char msg[1024], *p;

    if ( pri > verbosity && pri > XL_LOG_ERR )
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if ( pri <= XL_LOG_ERR )
        snprintf(last_error, sizeof(last_error), "%s%s%s", msg,
                 suffix ? ": " : "", suffix ? suffix : "");
    if ( pri > verbosity )
        return;
    /*
     * One record, one line: a control character from a file name, a level
     * or a xenstore value must not start a forged line in the journal.
     */
    for ( p = msg; *p; p++ )
        if ( (unsigned char)*p < 0x20 || *p == 0x7f )
            *p = '?';
    fprintf(stderr, "xenlevel: %s%s%s\n", msg, suffix ? ": " : "",
            suffix ? suffix : "");
    if ( kmsg_fd >= 0 )
    {
        /*
         * One write() per record.  Not dprintf(): glibc's vdprintf() first
         * asks lseek(fd, 0, SEEK_CUR), /dev/kmsg answers -EINVAL and
         * vdprintf() gives up without writing anything.
         */
        char rec[1200];
        int n = snprintf(rec, sizeof(rec), "<%d>xenlevel: %s%s%s\n", pri,
                         msg, suffix ? ": " : "", suffix ? suffix : "");

        if ( n > 0 )
        {
            ssize_t w = write(kmsg_fd, rec,
                              (size_t)n < sizeof(rec) ? (size_t)n
                                                      : sizeof(rec) - 1);
            (void)w;
        }
    }
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vlog(XL_LOG_ERR, fmt, ap, strerror(saved));
    va_end(ap);
    errno = saved;
}

void log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(XL_LOG_ERR, fmt, ap, NULL);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(XL_LOG_INFO, fmt, ap, NULL);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(XL_LOG_DEBUG, fmt, ap, NULL);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vlog(XL_LOG_ERR, fmt, ap, strerror(saved));
    va_end(ap);
    exit(1);
}

void fatalx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(XL_LOG_ERR, fmt, ap, NULL);
    va_end(ap);
    exit(1);
}
