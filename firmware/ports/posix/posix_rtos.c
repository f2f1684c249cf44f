/* posix port, RTOS services: pthreads, recursive mutexes, counting semaphores, uptime, delay.
 *
 * Priorities are accepted and ignored: ordinary (SCHED_OTHER) Linux threads of an unprivileged
 * process have no priorities, so nothing here may rely on one PAL thread preempting another.
 * Thread IDs are the pthread_t values themselves, so pal_osThreadGetId() inside a thread equals
 * the ID its creator received. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pal_plat_rtos.h"
#include "posix_port.h"

/* Callers pass embedded stack sizes (a few KiB). Host stacks are only reserved address space,
 * and sanitizer builds need several times the stack of a normal build, so a host floor applies. */
#define POSIX_MIN_THREAD_STACK_SIZE (256u * 1024u)
#define POSIX_MS_PER_SECOND 1000u
#define POSIX_NS_PER_MS 1000000L
#define POSIX_NS_PER_SECOND 1000000000L

/* Thread IDs carry a pthread_t; this fails to compile where it would not fit. */
typedef char posix_pthread_fits_in_thread_id[(sizeof(pthread_t) <= sizeof(palThreadID_t)) ? 1 : -1];

typedef struct posix_thread_start {
    palThreadFuncPtr function;
    void *argument;
} posix_thread_start_t;

typedef struct posix_semaphore {
    pthread_mutex_t lock;
    pthread_cond_t available; /* waits on CLOCK_MONOTONIC: immune to wall-clock steps */
    uint32_t count;
    uint32_t waiters;
} posix_semaphore_t;

void posix_mustSucceed(int err, const char *what)
{
    if (err != 0) {
        fprintf(stderr, "paltls posix port: %s failed with error %d\n", what, err);
        abort();
    }
}

palStatus_t posix_rtosStatus(int err)
{
    switch (err) {
    case 0:
        return PAL_SUCCESS;
    case ENOMEM:
    case EAGAIN: /* pthread_create/mutex_init: lacks resources other than memory */
        return PAL_ERR_NO_MEMORY;
    case EINVAL:
    case ESRCH:
        return PAL_ERR_INVALID_ARGUMENT;
    case ETIMEDOUT:
        return PAL_ERR_RTOS_TIMEOUT;
    case EBUSY:
    case EPERM: /* release of a mutex owned by another thread */
    case EDEADLK:
        return PAL_ERR_RTOS_RESOURCE;
    default:
        return PAL_ERR_RTOS_OS;
    }
}

palStatus_t posix_deadline(clockid_t clock, uint32_t milliseconds, struct timespec *deadline)
{
    if (clock_gettime(clock, deadline) != 0) {
        return PAL_ERR_SYSCALL_FAILED;
    }
    deadline->tv_sec += (time_t)(milliseconds / POSIX_MS_PER_SECOND);
    deadline->tv_nsec += (long)(milliseconds % POSIX_MS_PER_SECOND) * POSIX_NS_PER_MS;
    if (deadline->tv_nsec >= POSIX_NS_PER_SECOND) {
        deadline->tv_sec++;
        deadline->tv_nsec -= POSIX_NS_PER_SECOND;
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_RTOSInitialize(void)
{
    return posix_timerServiceStart();
}

palStatus_t pal_plat_RTOSDestroy(void)
{
    return posix_timerServiceStop();
}

/* CLOCK_MONOTONIC cannot fail on a supported system; 0 keeps callers' arithmetic defined. */
uint64_t pal_plat_osUptimeMs(void)
{
    struct timespec now;

    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
        return 0;
    }
    return (uint64_t)now.tv_sec * POSIX_MS_PER_SECOND + (uint64_t)(now.tv_nsec / POSIX_NS_PER_MS);
}

palStatus_t pal_plat_osDelay(uint32_t milliseconds)
{
    struct timespec remaining;

    remaining.tv_sec = (time_t)(milliseconds / POSIX_MS_PER_SECOND);
    remaining.tv_nsec = (long)(milliseconds % POSIX_MS_PER_SECOND) * POSIX_NS_PER_MS;
    /* A signal interrupts nanosleep; sleep what is left so the delay is never cut short. */
    while (nanosleep(&remaining, &remaining) != 0) {
        if (errno != EINTR) {
            return PAL_ERR_SYSCALL_FAILED;
        }
    }
    return PAL_SUCCESS;
}

static void *posix_threadEntry(void *arg)
{
    posix_thread_start_t start = *(posix_thread_start_t *)arg;

    free(arg);
    start.function(start.argument);
    return NULL;
}

static size_t posix_threadStackSize(uint32_t requested)
{
    size_t size = requested;

    if (size < POSIX_MIN_THREAD_STACK_SIZE) {
        size = POSIX_MIN_THREAD_STACK_SIZE;
    }
    if (size < (size_t)PTHREAD_STACK_MIN) {
        size = (size_t)PTHREAD_STACK_MIN;
    }
    return size;
}

static int posix_startThread(posix_thread_start_t *start, uint32_t stackSize, pthread_t *thread)
{
    pthread_attr_t attr;
    int err = pthread_attr_init(&attr);

    if (err != 0) {
        return err;
    }
    err = pthread_attr_setstacksize(&attr, posix_threadStackSize(stackSize));
    if (err == 0) {
        err = pthread_create(thread, &attr, posix_threadEntry, start);
    }
    posix_mustSucceed(pthread_attr_destroy(&attr), "pthread_attr_destroy");
    return err;
}

palStatus_t pal_plat_osThreadCreate(palThreadFuncPtr function, void *funcArgument, palThreadPriority_t priority,
                                    uint32_t stackSize, palThreadID_t *threadID)
{
    pthread_t thread;
    int err;
    posix_thread_start_t *start = (posix_thread_start_t *)malloc(sizeof(*start));

    (void)priority;
    if (start == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    start->function = function;
    start->argument = funcArgument;
    /* On success the new thread owns (and frees) start. */
    err = posix_startThread(start, stackSize, &thread);
    if (err != 0) {
        free(start);
        return posix_rtosStatus(err);
    }
    *threadID = (palThreadID_t)thread;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osThreadJoin(palThreadID_t threadID)
{
    return posix_rtosStatus(pthread_join((pthread_t)threadID, NULL));
}

palThreadID_t pal_plat_osThreadGetId(void)
{
    return (palThreadID_t)pthread_self();
}

static int posix_initRecursiveMutex(pthread_mutex_t *mutex)
{
    pthread_mutexattr_t attr;
    int err = pthread_mutexattr_init(&attr);

    if (err != 0) {
        return err;
    }
    err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    if (err == 0) {
        err = pthread_mutex_init(mutex, &attr);
    }
    posix_mustSucceed(pthread_mutexattr_destroy(&attr), "pthread_mutexattr_destroy");
    return err;
}

palStatus_t pal_plat_osMutexCreate(palMutexID_t *mutexID)
{
    int err;
    pthread_mutex_t *mutex = (pthread_mutex_t *)malloc(sizeof(*mutex));

    if (mutex == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    err = posix_initRecursiveMutex(mutex);
    if (err != 0) {
        free(mutex);
        return posix_rtosStatus(err);
    }
    *mutexID = (palMutexID_t)mutex;
    return PAL_SUCCESS;
}

/* pthread_mutex_timedlock measures against CLOCK_REALTIME (the only clock POSIX defines for it):
 * a wall-clock step during a wait changes its length. Mutex timeouts only guard against
 * deadlocks, so that is acceptable; semaphores, used for timed waits, use CLOCK_MONOTONIC. A
 * lock that is free is taken even when the deadline has passed, which makes 0 a try-lock. */
palStatus_t pal_plat_osMutexWait(palMutexID_t mutexID, uint32_t millisec)
{
    pthread_mutex_t *mutex = (pthread_mutex_t *)mutexID;
    struct timespec deadline;
    palStatus_t status;

    if (millisec == PAL_RTOS_WAIT_FOREVER) {
        return posix_rtosStatus(pthread_mutex_lock(mutex));
    }
    status = posix_deadline(CLOCK_REALTIME, millisec, &deadline);
    if (status != PAL_SUCCESS) {
        return status;
    }
    return posix_rtosStatus(pthread_mutex_timedlock(mutex, &deadline));
}

palStatus_t pal_plat_osMutexRelease(palMutexID_t mutexID)
{
    return posix_rtosStatus(pthread_mutex_unlock((pthread_mutex_t *)mutexID));
}

/* Deleting a locked mutex is a caller error (undefined in POSIX); glibc refuses it with EBUSY,
 * which is reported and leaves the mutex, and the caller's handle, valid. */
palStatus_t pal_plat_osMutexDelete(palMutexID_t mutexID)
{
    pthread_mutex_t *mutex = (pthread_mutex_t *)mutexID;
    int err = pthread_mutex_destroy(mutex);

    if (err != 0) {
        return posix_rtosStatus(err);
    }
    free(mutex);
    return PAL_SUCCESS;
}

static int posix_initMonotonicCond(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int err = pthread_condattr_init(&attr);

    if (err != 0) {
        return err;
    }
    err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (err == 0) {
        err = pthread_cond_init(cond, &attr);
    }
    posix_mustSucceed(pthread_condattr_destroy(&attr), "pthread_condattr_destroy");
    return err;
}

palStatus_t pal_plat_osSemaphoreCreate(uint32_t count, palSemaphoreID_t *semaphoreID)
{
    int err;
    posix_semaphore_t *semaphore = (posix_semaphore_t *)malloc(sizeof(*semaphore));

    if (semaphore == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    err = pthread_mutex_init(&semaphore->lock, NULL);
    if (err != 0) {
        free(semaphore);
        return posix_rtosStatus(err);
    }
    err = posix_initMonotonicCond(&semaphore->available);
    if (err != 0) {
        posix_mustSucceed(pthread_mutex_destroy(&semaphore->lock), "pthread_mutex_destroy");
        free(semaphore);
        return posix_rtosStatus(err);
    }
    semaphore->count = count;
    semaphore->waiters = 0;
    *semaphoreID = (palSemaphoreID_t)semaphore;
    return PAL_SUCCESS;
}

/* Called with the lock held; returns 0 or the error that ended the wait (ETIMEDOUT). */
static int posix_semaphoreWaitLocked(posix_semaphore_t *semaphore, uint32_t millisec, const struct timespec *deadline)
{
    int err = 0;

    semaphore->waiters++;
    while (semaphore->count == 0 && err == 0) {
        if (millisec == PAL_RTOS_WAIT_FOREVER) {
            err = pthread_cond_wait(&semaphore->available, &semaphore->lock);
        } else {
            err = pthread_cond_timedwait(&semaphore->available, &semaphore->lock, deadline);
        }
    }
    semaphore->waiters--;
    return semaphore->count > 0 ? 0 : err;
}

palStatus_t pal_plat_osSemaphoreWait(palSemaphoreID_t semaphoreID, uint32_t millisec, int32_t *countersAvailable)
{
    posix_semaphore_t *semaphore = (posix_semaphore_t *)semaphoreID;
    struct timespec deadline = { 0, 0 };
    palStatus_t status = PAL_SUCCESS;
    int err;

    if (millisec != PAL_RTOS_WAIT_FOREVER) {
        status = posix_deadline(CLOCK_MONOTONIC, millisec, &deadline);
        if (status != PAL_SUCCESS) {
            return status;
        }
    }
    posix_mustSucceed(pthread_mutex_lock(&semaphore->lock), "semaphore lock");
    err = posix_semaphoreWaitLocked(semaphore, millisec, &deadline);
    if (err == 0) {
        semaphore->count--;
    }
    if (countersAvailable != NULL) {
        *countersAvailable = (int32_t)semaphore->count;
    }
    posix_mustSucceed(pthread_mutex_unlock(&semaphore->lock), "semaphore unlock");
    return posix_rtosStatus(err);
}

/* The count is reported through an int32_t, which bounds it. */
palStatus_t pal_plat_osSemaphoreRelease(palSemaphoreID_t semaphoreID)
{
    posix_semaphore_t *semaphore = (posix_semaphore_t *)semaphoreID;
    palStatus_t status = PAL_SUCCESS;

    posix_mustSucceed(pthread_mutex_lock(&semaphore->lock), "semaphore lock");
    if (semaphore->count >= (uint32_t)INT32_MAX) {
        status = PAL_ERR_RTOS_RESOURCE;
    } else {
        semaphore->count++;
        posix_mustSucceed(pthread_cond_signal(&semaphore->available), "semaphore signal");
    }
    posix_mustSucceed(pthread_mutex_unlock(&semaphore->lock), "semaphore unlock");
    return status;
}

/* Refused while a thread waits on it (the handle stays valid); otherwise nobody uses the
 * semaphore any more and destroying its parts cannot fail. */
palStatus_t pal_plat_osSemaphoreDelete(palSemaphoreID_t semaphoreID)
{
    posix_semaphore_t *semaphore = (posix_semaphore_t *)semaphoreID;
    bool busy;

    posix_mustSucceed(pthread_mutex_lock(&semaphore->lock), "semaphore lock");
    busy = semaphore->waiters != 0;
    posix_mustSucceed(pthread_mutex_unlock(&semaphore->lock), "semaphore unlock");
    if (busy) {
        return PAL_ERR_RTOS_RESOURCE;
    }
    posix_mustSucceed(pthread_cond_destroy(&semaphore->available), "pthread_cond_destroy");
    posix_mustSucceed(pthread_mutex_destroy(&semaphore->lock), "pthread_mutex_destroy");
    free(semaphore);
    return PAL_SUCCESS;
}
