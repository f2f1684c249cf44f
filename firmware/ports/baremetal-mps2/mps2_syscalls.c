/* Minimal newlib system calls for the bare-metal image: a heap bounded by the linker script,
 * stdout/stderr to UART0 as plain text (the serial protocol allows log text between frames, and
 * with one thread a printf can never land inside a frame), no files. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#include "mps2_port.h"

extern char __heap_start[], __heap_end[];

static char *s_heap_break = __heap_start;

/* Prototypes for -Wmissing-prototypes: newlib calls these by name. */
void *_sbrk(ptrdiff_t increment);
int _write(int fd, const void *buf, size_t count);
int _read(int fd, void *buf, size_t count);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
off_t _lseek(int fd, off_t offset, int whence);
int _open(const char *path, int flags, int mode);
void _exit(int status);
int _kill(int pid, int sig);
int _getpid(void);
int _gettimeofday(struct timeval *tv, void *tz);

size_t mps2_heap_size(void)
{
    return (size_t)(__heap_end - __heap_start);
}

size_t mps2_heap_used(void)
{
    return (size_t)(s_heap_break - __heap_start);
}

void *_sbrk(ptrdiff_t increment)
{
    char *previous = s_heap_break;
    if ((increment > 0 && increment > __heap_end - s_heap_break) ||
        (increment < 0 && -increment > s_heap_break - __heap_start)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    s_heap_break += increment;
    return previous;
}

int _write(int fd, const void *buf, size_t count)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    return mps2_uart_write((const uint8_t *)buf, count);
}

int _read(int fd, void *buf, size_t count)
{
    (void)fd;
    (void)buf;
    (void)count;
    errno = EBADF;
    return -1;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    if (fd >= 0 && fd <= 2) {
        st->st_mode = S_IFCHR;
        return 0;
    }
    errno = EBADF;
    return -1;
}

int _isatty(int fd)
{
    return fd >= 0 && fd <= 2;
}

off_t _lseek(int fd, off_t offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    errno = ESPIPE;
    return (off_t)-1;
}

int _open(const char *path, int flags, int mode)
{
    (void)path;
    (void)flags;
    (void)mode;
    errno = ENOENT;
    return -1;
}

void _exit(int status)
{
    (void)status;
    for (;;) {
        __asm volatile("cpsid i\n\twfi");
    }
}

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void)
{
    return 1;
}

/* Seconds since boot: the image has no calendar clock (device time is the PAL's business). */
int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    if (tv != NULL) {
        uint64_t ms = mps2_uptime_ms();
        tv->tv_sec = (time_t)(ms / 1000u);
        tv->tv_usec = (suseconds_t)((ms % 1000u) * 1000u);
    }
    return 0;
}
