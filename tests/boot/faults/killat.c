/*
 * killat.c - LD_PRELOAD shim for the fault-matrix boot test
 * (tests/boot/cases/86-fault-matrix): stop a process with SIGKILL at a
 * chosen step, and trace the steps that matter for locking.  Built by the
 * test (gcc -shared -fPIC), never linked into the agent.
 *
 *   KILLAT_FN=fsync|rename|ioctl|open|set  the libc wrapper to count (open
 *                              counts open, open64, openat, openat64; set
 *                              only the ioctl that issues
 *                              XEN_SYSCTL_set_cpu_policy)
 *   KILLAT_N=N                 SIGKILL at the Nth call of KILLAT_FN
 *   KILLAT_WHEN=after|before   after the call returned (default) or before
 *                              it is made
 *   KILLAT_COUNT=FILE          at exit, append "fsync=A rename=B ioctl=C
 *                              open=D set=E" (the calls a whole run makes)
 *   KILLAT_TRACE=FILE          append "PID EVENT MONOTONIC-NS" lines:
 *                              lock (flock LOCK_EX granted), unlock (the
 *                              locked fd closed or LOCK_UN), set-begin and
 *                              set-end (the XEN_SYSCTL_set_cpu_policy
 *                              hypercall through /dev/xen/privcmd)
 *
 * Every call is passed on to libc unchanged (RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { FN_FSYNC, FN_RENAME, FN_IOCTL, FN_OPEN, FN_SET, FN_NR };
static const char *const fn_names[FN_NR] = { "fsync", "rename", "ioctl",
                                             "open", "set" };
static unsigned long calls[FN_NR];
static int target = -1;
static unsigned long kill_n;
static int kill_before;
static int locked_fd = -1;

/* Linux privcmd: IOCTL_PRIVCMD_HYPERCALL and its argument. */
#define PRIVCMD_HYPERCALL 0x305000UL
struct privcmd_hypercall { uint64_t op, arg[5]; };
#define HYPERVISOR_sysctl 35
#define SYSCTL_set_cpu_policy 30

static void __attribute__((constructor)) killat_init(void)
{
    const char *fn = getenv("KILLAT_FN"), *n = getenv("KILLAT_N");
    const char *when = getenv("KILLAT_WHEN");
    int i;

    for ( i = 0; fn && i < FN_NR; i++ )
        if ( !strcmp(fn, fn_names[i]) )
            target = i;
    kill_n = n ? strtoul(n, NULL, 10) : 0;
    kill_before = when && !strcmp(when, "before");
}

static void __attribute__((destructor)) killat_fini(void)
{
    const char *path = getenv("KILLAT_COUNT");
    FILE *f;

    if ( !path || !(f = fopen(path, "a")) )
        return;
    fprintf(f, "fsync=%lu rename=%lu ioctl=%lu open=%lu set=%lu\n",
            calls[FN_FSYNC], calls[FN_RENAME], calls[FN_IOCTL], calls[FN_OPEN],
            calls[FN_SET]);
    fclose(f);
}

static void trace(const char *event)
{
    const char *path = getenv("KILLAT_TRACE");
    struct timespec ts;
    char line[128];
    int fd, len;

    if ( !path )
        return;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    len = snprintf(line, sizeof(line), "%ld %s %lld\n", (long)getpid(), event,
                   (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    /* One write to an O_APPEND file: lines of two processes never mix. */
    /* Raw system calls: tracing must not count as the process's own opens. */
    fd = (int)syscall(SYS_openat, AT_FDCWD, path,
                      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if ( fd < 0 )
        return;
    if ( write(fd, line, (size_t)len) < 0 )
        fd = -fd;               /* nothing to do: a lost trace line */
    syscall(SYS_close, fd < 0 ? -fd : fd);
}

static void *next(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);

    if ( !f )
        abort();
    return f;
}

/* Count a call of fn; SIGKILL before it when this is the chosen one. */
static void step_before(int fn)
{
    calls[fn]++;
    if ( fn == target && kill_before && calls[fn] == kill_n )
        raise(SIGKILL);
}

static void step_after(int fn)
{
    if ( fn == target && !kill_before && calls[fn] == kill_n )
        raise(SIGKILL);
}

int fsync(int fd)
{
    static int (*real)(int);
    int rc;

    if ( !real )
        real = next("fsync");
    step_before(FN_FSYNC);
    rc = real(fd);
    step_after(FN_FSYNC);
    return rc;
}

int rename(const char *a, const char *b)
{
    static int (*real)(const char *, const char *);
    int rc;

    if ( !real )
        real = next("rename");
    step_before(FN_RENAME);
    rc = real(a, b);
    step_after(FN_RENAME);
    return rc;
}

int ioctl(int fd, unsigned long req, ...)
{
    static int (*real)(int, unsigned long, ...);
    const struct privcmd_hypercall *h;
    int rc, set = 0;
    va_list ap;
    void *arg;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    if ( !real )
        real = next("ioctl");
    h = arg;
    if ( req == PRIVCMD_HYPERCALL && h && h->op == HYPERVISOR_sysctl &&
         h->arg[0] &&
         *(const uint32_t *)(uintptr_t)h->arg[0] == SYSCTL_set_cpu_policy )
        set = 1;
    step_before(FN_IOCTL);
    if ( set )
    {
        step_before(FN_SET);
        trace("set-begin");
    }
    rc = real(fd, req, arg);
    if ( set )
    {
        trace("set-end");
        step_after(FN_SET);
    }
    step_after(FN_IOCTL);
    return rc;
}

#define OPEN_WRAPPER(name, proto, call)                                 \
    int name proto                                                      \
    {                                                                   \
        static int (*real) proto;                                       \
        mode_t mode = 0;                                                \
        va_list ap;                                                     \
        int rc;                                                         \
                                                                        \
        va_start(ap, flags);                                            \
        if ( flags & (O_CREAT | __O_TMPFILE) )                          \
            mode = va_arg(ap, mode_t);                                  \
        va_end(ap);                                                     \
        if ( !real )                                                    \
            real = next(#name);                                         \
        step_before(FN_OPEN);                                           \
        rc = call;                                                      \
        step_after(FN_OPEN);                                            \
        return rc;                                                      \
    }

OPEN_WRAPPER(open, (const char *path, int flags, ...),
             real(path, flags, mode))
OPEN_WRAPPER(open64, (const char *path, int flags, ...),
             real(path, flags, mode))
OPEN_WRAPPER(openat, (int dfd, const char *path, int flags, ...),
             real(dfd, path, flags, mode))
OPEN_WRAPPER(openat64, (int dfd, const char *path, int flags, ...),
             real(dfd, path, flags, mode))

int flock(int fd, int op)
{
    static int (*real)(int, int);
    int rc;

    if ( !real )
        real = next("flock");
    rc = real(fd, op);
    if ( !rc && (op & LOCK_EX) )
    {
        locked_fd = fd;
        trace("lock");
    }
    if ( !rc && (op & LOCK_UN) && fd == locked_fd )
    {
        locked_fd = -1;
        trace("unlock");
    }
    return rc;
}

int close(int fd)
{
    static int (*real)(int);

    if ( !real )
        real = next("close");
    /* Traced before the close: the lock is still held when the line lands. */
    if ( fd >= 0 && fd == locked_fd )
    {
        locked_fd = -1;
        trace("unlock");
    }
    return real(fd);
}
