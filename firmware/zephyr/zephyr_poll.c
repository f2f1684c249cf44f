/* Zephyr port, asynchronous-socket service for the reused posix network port
 * (firmware/ports/posix/posix_network.c, compiled with CONFIG_POSIX_API). It implements the
 * poll-service half of firmware/ports/posix/posix_port.h.
 *
 * Why not posix_poll.c: it creates its wake-up descriptor with eventfd(0, EFD_NONBLOCK |
 * EFD_CLOEXEC); Zephyr's <sys/eventfd.h> has no EFD_CLOEXEC (and rejects unknown flags), and its
 * service thread is a pthread with a NULL attribute (dynamic stacks). Here the service is one
 * kernel thread with a static stack that polls each armed socket without blocking every
 * CONFIG_PALTLS_POLL_INTERVAL_MS: no wake-up descriptor, one pollfd per poll() call (within the
 * default CONFIG_ZVFS_POLL_MAX), at the cost of up to one interval of notification latency.
 * The contract is the posix port's: a direction is watched once armed and disarmed when its
 * callback has been delivered; after posix_pollUnregister() returns, the socket's callback is not
 * running and never runs again (unless called from that very callback). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>

#include <zephyr/kernel.h>

#include "posix_port.h"

#define ZPOLL_FAILURE_EVENTS (POLLERR | POLLHUP | POLLNVAL)

typedef struct zephyr_poll_service {
    posix_socket_t *sockets; /* every registered asynchronous socket */
    size_t count;
    posix_socket_t *running; /* socket whose callback runs right now */
    bool started;
    bool stopping;
} zephyr_poll_service_t;

K_THREAD_STACK_DEFINE(s_poll_stack, CONFIG_PALTLS_POLL_STACK_SIZE);
static struct k_thread s_poll_thread;
static K_MUTEX_DEFINE(s_poll_lock);
static K_CONDVAR_DEFINE(s_poll_finished); /* a callback returned */
static zephyr_poll_service_t s_poll;      /* guarded by s_poll_lock */

/* Only the poll thread touches the snapshot. */
static posix_socket_t *s_snapshot[CONFIG_PALTLS_MAX_ASYNC_SOCKETS];
static struct pollfd s_snapshot_fds[CONFIG_PALTLS_MAX_ASYNC_SOCKETS];

static bool zpoll_is_registered_locked(const posix_socket_t *socket)
{
    for (const posix_socket_t *entry = s_poll.sockets; entry != NULL; entry = entry->next) {
        if (entry == socket) {
            return true;
        }
    }
    return false;
}

static void zpoll_dispatch(posix_socket_t *socket, short revents)
{
    short triggered;
    palAsyncSocketCallback_t callback;
    void *argument;

    k_mutex_lock(&s_poll_lock, K_FOREVER);
    if (!zpoll_is_registered_locked(socket)) {
        k_mutex_unlock(&s_poll_lock);
        return;
    }
    triggered = (short)(revents & socket->armed);
    if ((revents & ZPOLL_FAILURE_EVENTS) != 0) {
        triggered = socket->armed;
    }
    if (triggered == 0) {
        k_mutex_unlock(&s_poll_lock);
        return;
    }
    socket->armed = (short)(socket->armed & ~triggered);
    callback = socket->callback;
    argument = socket->callback_argument;
    s_poll.running = socket;
    k_mutex_unlock(&s_poll_lock);

    callback(argument);

    k_mutex_lock(&s_poll_lock, K_FOREVER);
    s_poll.running = NULL;
    (void)k_condvar_broadcast(&s_poll_finished);
    k_mutex_unlock(&s_poll_lock);
}

static void zpoll_thread(void *p1, void *p2, void *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    for (;;) {
        size_t count = 0;

        k_mutex_lock(&s_poll_lock, K_FOREVER);
        if (s_poll.stopping) {
            k_mutex_unlock(&s_poll_lock);
            return;
        }
        for (posix_socket_t *entry = s_poll.sockets; entry != NULL && count < ARRAY_SIZE(s_snapshot);
             entry = entry->next) {
            if (entry->armed != 0) {
                s_snapshot[count] = entry;
                s_snapshot_fds[count].fd = entry->fd;
                s_snapshot_fds[count].events = entry->armed;
                s_snapshot_fds[count].revents = 0;
                count++;
            }
        }
        k_mutex_unlock(&s_poll_lock);

        for (size_t i = 0; i < count; i++) {
            /* A descriptor closed after the snapshot reports POLLNVAL or fails: the dispatch
             * below re-checks the registration under the lock, so nothing is delivered for it. */
            if (poll(&s_snapshot_fds[i], 1, 0) > 0 && s_snapshot_fds[i].revents != 0) {
                zpoll_dispatch(s_snapshot[i], s_snapshot_fds[i].revents);
            }
        }
        k_msleep(CONFIG_PALTLS_POLL_INTERVAL_MS);
    }
}

palStatus_t posix_pollServiceStart(void)
{
    k_mutex_lock(&s_poll_lock, K_FOREVER);
    if (s_poll.started) {
        k_mutex_unlock(&s_poll_lock);
        return PAL_ERR_GENERIC_FAILURE; /* pal_init reference counting makes this unreachable */
    }
    s_poll.stopping = false;
    s_poll.started = true;
    k_mutex_unlock(&s_poll_lock);
    (void)k_thread_create(&s_poll_thread, s_poll_stack, K_THREAD_STACK_SIZEOF(s_poll_stack), zpoll_thread, NULL,
                          NULL, NULL, K_PRIO_PREEMPT(CONFIG_NUM_PREEMPT_PRIORITIES - 4), 0, K_NO_WAIT);
    return PAL_SUCCESS;
}

/* Sockets stay registered: if PAL is initialised again they are watched again. */
palStatus_t posix_pollServiceStop(void)
{
    k_mutex_lock(&s_poll_lock, K_FOREVER);
    if (!s_poll.started) {
        k_mutex_unlock(&s_poll_lock);
        return PAL_ERR_NOT_INITIALIZED;
    }
    s_poll.stopping = true;
    k_mutex_unlock(&s_poll_lock);
    if (k_thread_join(&s_poll_thread, K_FOREVER) != 0) {
        return PAL_ERR_RTOS_OS;
    }
    k_mutex_lock(&s_poll_lock, K_FOREVER);
    s_poll.started = false;
    k_mutex_unlock(&s_poll_lock);
    return PAL_SUCCESS;
}

palStatus_t posix_pollRegister(posix_socket_t *socket)
{
    palStatus_t status = PAL_SUCCESS;

    k_mutex_lock(&s_poll_lock, K_FOREVER);
    if (!s_poll.started) {
        status = PAL_ERR_NOT_INITIALIZED;
    } else if (s_poll.count >= CONFIG_PALTLS_MAX_ASYNC_SOCKETS) {
        status = PAL_ERR_SOCKET_ALLOCATION_FAILED;
    } else {
        socket->armed = 0;
        socket->next = s_poll.sockets;
        s_poll.sockets = socket;
        s_poll.count++;
    }
    k_mutex_unlock(&s_poll_lock);
    return status;
}

void posix_pollUnregister(posix_socket_t *socket)
{
    posix_socket_t **link = &s_poll.sockets;

    k_mutex_lock(&s_poll_lock, K_FOREVER);
    while (*link != NULL && *link != socket) {
        link = &(*link)->next;
    }
    if (*link == socket) {
        *link = socket->next;
        s_poll.count--;
    }
    while (s_poll.running == socket && k_current_get() != &s_poll_thread) {
        (void)k_condvar_wait(&s_poll_finished, &s_poll_lock, K_FOREVER);
    }
    k_mutex_unlock(&s_poll_lock);
}

void posix_pollArm(posix_socket_t *socket, short events)
{
    if (socket->callback == NULL) {
        return;
    }
    k_mutex_lock(&s_poll_lock, K_FOREVER);
    socket->armed = (short)(socket->armed | events);
    k_mutex_unlock(&s_poll_lock);
}
