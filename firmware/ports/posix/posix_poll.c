/* posix port, asynchronous socket notifications: one thread poll()s every armed asynchronous
 * socket plus an eventfd used to wake it when the set of armed sockets changes.
 *
 * Rules:
 *  - A direction (POLLIN/POLLOUT) is watched only once armed by a would-block/in-progress
 *    result, and is disarmed when its callback is delivered; an error/hang-up condition
 *    delivers one callback and disarms both. The socket is then ignored until re-armed.
 *  - Callbacks run on the poll thread without the registry lock, after checking, under the
 *    lock, that the socket is still registered; unregistering waits for a running callback.
 *    Hence no callback runs after pal_close has returned for its socket.
 *  - A spurious callback is possible (a socket closed and another one opened at the same
 *    address in between): the API only promises "may have become ready", callers retry. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "posix_port.h"

/* Bounds the poll set, which lives in static arrays of the poll thread (no allocation per poll). */
#define POSIX_MAX_ASYNC_SOCKETS 64u
#define POSIX_POLL_SET_SIZE (POSIX_MAX_ASYNC_SOCKETS + 1u)
#define POSIX_POLL_FAILURE_EVENTS (POLLERR | POLLHUP | POLLNVAL)

typedef struct posix_poll_service {
    posix_socket_t *sockets; /* every registered asynchronous socket */
    size_t count;
    posix_socket_t *running; /* socket whose callback runs right now */
    int wake_fd;
    pthread_t thread;
    bool started;
    bool stopping;
} posix_poll_service_t;

static pthread_mutex_t g_pollLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_pollFinished = PTHREAD_COND_INITIALIZER; /* a callback returned */
/* Guarded by g_pollLock. */
static posix_poll_service_t g_poll;

/* Only the poll thread touches these. */
static struct pollfd g_pollSet[POSIX_POLL_SET_SIZE];
static posix_socket_t *g_pollOwners[POSIX_POLL_SET_SIZE];

static void posix_pollLock(void)
{
    posix_mustSucceed(pthread_mutex_lock(&g_pollLock), "poll lock");
}

static void posix_pollUnlock(void)
{
    posix_mustSucceed(pthread_mutex_unlock(&g_pollLock), "poll unlock");
}

/* An eventfd counter only overflows after 2^64-2 unread wake-ups; EAGAIN then still means
 * "a wake-up is pending", which is all that matters. */
static void posix_pollWakeLocked(void)
{
    uint64_t one = 1;

    if (g_poll.started && write(g_poll.wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
        posix_mustSucceed(errno, "poll wake-up write");
    }
}

static void posix_pollDrainWakeups(void)
{
    uint64_t pending;

    if (read(g_poll.wake_fd, &pending, sizeof(pending)) < 0 && errno != EAGAIN) {
        posix_mustSucceed(errno, "poll wake-up read");
    }
}

static bool posix_pollIsRegisteredLocked(const posix_socket_t *socket)
{
    const posix_socket_t *entry;

    for (entry = g_poll.sockets; entry != NULL; entry = entry->next) {
        if (entry == socket) {
            return true;
        }
    }
    return false;
}

static nfds_t posix_pollBuildSetLocked(void)
{
    nfds_t count = 1;
    posix_socket_t *entry;

    g_pollSet[0].fd = g_poll.wake_fd;
    g_pollSet[0].events = POLLIN;
    g_pollSet[0].revents = 0;
    for (entry = g_poll.sockets; entry != NULL; entry = entry->next) {
        if (entry->armed == 0) {
            continue;
        }
        g_pollSet[count].fd = entry->fd;
        g_pollSet[count].events = entry->armed;
        g_pollSet[count].revents = 0;
        g_pollOwners[count] = entry;
        count++;
    }
    return count;
}

static void posix_pollDispatch(posix_socket_t *socket, short revents)
{
    short triggered;
    palAsyncSocketCallback_t callback;
    void *argument;

    posix_pollLock();
    if (!posix_pollIsRegisteredLocked(socket)) {
        posix_pollUnlock();
        return;
    }
    triggered = (short)(revents & socket->armed);
    if ((revents & POSIX_POLL_FAILURE_EVENTS) != 0) {
        triggered = socket->armed;
    }
    if (triggered == 0) {
        posix_pollUnlock();
        return;
    }
    socket->armed = (short)(socket->armed & ~triggered);
    callback = socket->callback;
    argument = socket->callback_argument;
    g_poll.running = socket;
    posix_pollUnlock();

    callback(argument);

    posix_pollLock();
    g_poll.running = NULL;
    posix_mustSucceed(pthread_cond_broadcast(&g_pollFinished), "poll broadcast");
    posix_pollUnlock();
}

static void *posix_pollThread(void *unused)
{
    (void)unused;
    for (;;) {
        nfds_t count;
        nfds_t i;
        int ready;

        posix_pollLock();
        if (g_poll.stopping) {
            posix_pollUnlock();
            return NULL;
        }
        count = posix_pollBuildSetLocked();
        posix_pollUnlock();

        ready = poll(g_pollSet, count, -1);
        if (ready < 0) {
            if (errno != EINTR) {
                posix_mustSucceed(errno, "poll");
            }
            continue;
        }
        if (g_pollSet[0].revents != 0) {
            posix_pollDrainWakeups();
        }
        for (i = 1; i < count; i++) {
            if (g_pollSet[i].revents != 0) {
                posix_pollDispatch(g_pollOwners[i], g_pollSet[i].revents);
            }
        }
    }
}

palStatus_t posix_pollServiceStart(void)
{
    int err;

    if (g_poll.started) {
        return PAL_ERR_GENERIC_FAILURE; /* pal_init reference counting makes this unreachable */
    }
    g_poll.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g_poll.wake_fd < 0) {
        return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? PAL_ERR_NO_MEMORY : PAL_ERR_SYSCALL_FAILED;
    }
    g_poll.stopping = false;
    err = pthread_create(&g_poll.thread, NULL, posix_pollThread, NULL);
    if (err != 0) {
        (void)close(g_poll.wake_fd); /* never used: nothing can be lost */
        return posix_rtosStatus(err);
    }
    posix_pollLock();
    g_poll.started = true;
    posix_pollUnlock();
    return PAL_SUCCESS;
}

/* Sockets stay registered: if PAL is initialised again they are watched again. */
palStatus_t posix_pollServiceStop(void)
{
    int err;

    if (!g_poll.started) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    posix_pollLock();
    g_poll.stopping = true;
    posix_pollWakeLocked();
    posix_pollUnlock();
    err = pthread_join(g_poll.thread, NULL);
    if (err != 0) {
        return posix_rtosStatus(err);
    }
    posix_pollLock();
    g_poll.started = false;
    posix_pollUnlock();
    if (close(g_poll.wake_fd) != 0) {
        return PAL_ERR_SYSCALL_FAILED;
    }
    return PAL_SUCCESS;
}

palStatus_t posix_pollRegister(posix_socket_t *socket)
{
    palStatus_t status = PAL_SUCCESS;

    posix_pollLock();
    if (!g_poll.started) {
        status = PAL_ERR_NOT_INITIALIZED;
    } else if (g_poll.count >= POSIX_MAX_ASYNC_SOCKETS) {
        status = PAL_ERR_SOCKET_ALLOCATION_FAILED;
    } else {
        socket->armed = 0;
        socket->next = g_poll.sockets;
        g_poll.sockets = socket;
        g_poll.count++;
    }
    posix_pollUnlock();
    return status;
}

void posix_pollUnregister(posix_socket_t *socket)
{
    posix_socket_t **link = &g_poll.sockets;

    posix_pollLock();
    while (*link != NULL && *link != socket) {
        link = &(*link)->next;
    }
    if (*link == socket) {
        *link = socket->next;
        g_poll.count--;
    }
    while (g_poll.running == socket && !pthread_equal(pthread_self(), g_poll.thread)) {
        posix_mustSucceed(pthread_cond_wait(&g_pollFinished, &g_pollLock), "poll wait");
    }
    /* Drop the descriptor from the poll set before the caller closes it. */
    posix_pollWakeLocked();
    posix_pollUnlock();
}

void posix_pollArm(posix_socket_t *socket, short events)
{
    if (socket->callback == NULL) {
        return;
    }
    posix_pollLock();
    if ((socket->armed & events) != events) {
        socket->armed = (short)(socket->armed | events);
        posix_pollWakeLocked();
    }
    posix_pollUnlock();
}
