/* Internals shared by the files of the posix port (not part of the PAL port interface). */
#ifndef POSIX_PORT_H
#define POSIX_PORT_H

#include <stdbool.h>
#include <time.h>

#include "pal_network.h"
#include "pal_types.h"

/* For pthread calls on objects this port owns, in places without an error channel (service
 * threads, unlock paths): a failure there can only be a programming error or memory corruption,
 * and carrying on would deadlock or corrupt state, so it aborts with a message. */
void posix_mustSucceed(int err, const char *what);

/* pthread/errno code of an RTOS primitive -> PAL status. */
palStatus_t posix_rtosStatus(int err);

/* Absolute deadline, milliseconds from now, on the given clock (for timed waits). */
palStatus_t posix_deadline(clockid_t clock, uint32_t milliseconds, struct timespec *deadline);

/* Timer service thread (posix_timer.c), started and stopped with the RTOS layer. */
palStatus_t posix_timerServiceStart(void);
palStatus_t posix_timerServiceStop(void);

/* One PAL socket. The poll fields are guarded by the poll service lock (posix_poll.c). */
typedef struct posix_socket {
    int fd;
    int type; /* SOCK_STREAM or SOCK_DGRAM */
    bool non_blocking;
    palAsyncSocketCallback_t callback; /* NULL for synchronous sockets */
    void *callback_argument;
    short armed;               /* poll events the poll thread waits for on this socket */
    struct posix_socket *next; /* registry of asynchronous sockets */
} posix_socket_t;

/* Poll service (posix_poll.c): one thread watching every asynchronous socket. A direction is
 * watched once armed (after a would-block / in-progress result) and disarmed when its callback
 * has been delivered, so a readable socket nobody reads does not make the thread spin. */
palStatus_t posix_pollServiceStart(void);
palStatus_t posix_pollServiceStop(void);
palStatus_t posix_pollRegister(posix_socket_t *socket);
/* After it returns, the socket's callback is not running and will never run again (unless
 * called from that very callback, which is then allowed to finish). */
void posix_pollUnregister(posix_socket_t *socket);
/* No effect on synchronous sockets. */
void posix_pollArm(posix_socket_t *socket, short events);

#endif
