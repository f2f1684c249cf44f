/* posix port, software timers: one service thread, a list of armed timers sorted by deadline,
 * and a condition variable on CLOCK_MONOTONIC (the uptime clock) to sleep until the earliest one.
 *
 * Callbacks run on the service thread, never while the list lock is held, so a callback may
 * start, stop or delete timers (including its own). Semantics:
 *  - pal_plat_osTimerStop does not wait for a callback that is already running;
 *  - pal_plat_osTimerDelete does wait for it (the callback may still use the timer's argument),
 *    except when called from that callback. Do not delete a timer while holding a lock its
 *    callback takes.
 *  - A periodic timer that fell behind skips the missed periods instead of firing in a burst.
 *  - Stopping the service (pal_destroy) disarms every timer. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "pal_plat_rtos.h"
#include "posix_port.h"

#define POSIX_TIMER_MS_PER_SECOND 1000u
#define POSIX_TIMER_NS_PER_MS 1000000L

typedef struct posix_timer {
    struct posix_timer *next;
    palTimerFuncPtr function;
    void *argument;
    palTimerType_t type;
    uint32_t period_ms;
    uint64_t deadline_ms;
    bool armed;
} posix_timer_t;

typedef struct posix_timer_service {
    pthread_cond_t changed;  /* list changed or service stopping */
    pthread_cond_t finished; /* a callback returned */
    posix_timer_t *armed;    /* sorted by deadline */
    posix_timer_t *running;  /* timer whose callback runs right now */
    pthread_t thread;
    bool started;
    bool stopping;
} posix_timer_service_t;

static pthread_mutex_t g_timerLock = PTHREAD_MUTEX_INITIALIZER;
/* Guarded by g_timerLock. */
static posix_timer_service_t g_service;

static void posix_timerLock(void)
{
    posix_mustSucceed(pthread_mutex_lock(&g_timerLock), "timer lock");
}

static void posix_timerUnlock(void)
{
    posix_mustSucceed(pthread_mutex_unlock(&g_timerLock), "timer unlock");
}

static void posix_timerUnlinkLocked(posix_timer_t *timer)
{
    posix_timer_t **link = &g_service.armed;

    while (*link != NULL && *link != timer) {
        link = &(*link)->next;
    }
    if (*link == timer) {
        *link = timer->next;
    }
    timer->next = NULL;
    timer->armed = false;
}

/* After the timers with the same deadline, so equal deadlines fire in arming order. */
static void posix_timerInsertLocked(posix_timer_t *timer)
{
    posix_timer_t **link = &g_service.armed;

    while (*link != NULL && (*link)->deadline_ms <= timer->deadline_ms) {
        link = &(*link)->next;
    }
    timer->next = *link;
    *link = timer;
    timer->armed = true;
}

static void posix_timerFireLocked(posix_timer_t *timer, uint64_t now)
{
    palTimerFuncPtr function = timer->function;
    void *argument = timer->argument;

    posix_timerUnlinkLocked(timer);
    /* Re-armed before the callback runs, so that a stop from inside the callback sticks. */
    if (timer->type == palOsTimerPeriodic) {
        timer->deadline_ms += timer->period_ms;
        if (timer->deadline_ms <= now) {
            timer->deadline_ms = now + timer->period_ms;
        }
        posix_timerInsertLocked(timer);
    }
    g_service.running = timer;
    posix_timerUnlock();
    function(argument);
    posix_timerLock();
    g_service.running = NULL;
    posix_mustSucceed(pthread_cond_broadcast(&g_service.finished), "timer broadcast");
}

static void posix_timerSleepLocked(uint64_t deadline_ms)
{
    struct timespec deadline;
    int err;

    deadline.tv_sec = (time_t)(deadline_ms / POSIX_TIMER_MS_PER_SECOND);
    deadline.tv_nsec = (long)(deadline_ms % POSIX_TIMER_MS_PER_SECOND) * POSIX_TIMER_NS_PER_MS;
    err = pthread_cond_timedwait(&g_service.changed, &g_timerLock, &deadline);
    if (err != ETIMEDOUT) {
        posix_mustSucceed(err, "timer timed wait");
    }
}

static void *posix_timerThread(void *unused)
{
    (void)unused;
    posix_timerLock();
    while (!g_service.stopping) {
        posix_timer_t *next = g_service.armed;
        uint64_t now;

        if (next == NULL) {
            posix_mustSucceed(pthread_cond_wait(&g_service.changed, &g_timerLock), "timer wait");
            continue;
        }
        now = pal_plat_osUptimeMs();
        if (next->deadline_ms > now) {
            /* Deadlines are uptime milliseconds, i.e. CLOCK_MONOTONIC, the condition's clock. */
            posix_timerSleepLocked(next->deadline_ms);
            continue;
        }
        posix_timerFireLocked(next, now);
    }
    posix_timerUnlock();
    return NULL;
}

static int posix_timerInitConditions(void)
{
    pthread_condattr_t attr;
    int err = pthread_condattr_init(&attr);

    if (err != 0) {
        return err;
    }
    err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (err == 0) {
        err = pthread_cond_init(&g_service.changed, &attr);
    }
    posix_mustSucceed(pthread_condattr_destroy(&attr), "pthread_condattr_destroy");
    if (err != 0) {
        return err;
    }
    err = pthread_cond_init(&g_service.finished, NULL);
    if (err != 0) {
        posix_mustSucceed(pthread_cond_destroy(&g_service.changed), "pthread_cond_destroy");
    }
    return err;
}

static void posix_timerDestroyConditions(void)
{
    posix_mustSucceed(pthread_cond_destroy(&g_service.changed), "pthread_cond_destroy");
    posix_mustSucceed(pthread_cond_destroy(&g_service.finished), "pthread_cond_destroy");
}

palStatus_t posix_timerServiceStart(void)
{
    int err;

    if (g_service.started) {
        return PAL_ERR_GENERIC_FAILURE; /* pal_init reference counting makes this unreachable */
    }
    err = posix_timerInitConditions();
    if (err != 0) {
        return posix_rtosStatus(err);
    }
    g_service.stopping = false;
    g_service.running = NULL;
    err = pthread_create(&g_service.thread, NULL, posix_timerThread, NULL);
    if (err != 0) {
        posix_timerDestroyConditions();
        return posix_rtosStatus(err);
    }
    g_service.started = true;
    return PAL_SUCCESS;
}

palStatus_t posix_timerServiceStop(void)
{
    int err;

    if (!g_service.started) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    posix_timerLock();
    g_service.stopping = true;
    posix_mustSucceed(pthread_cond_signal(&g_service.changed), "timer signal");
    posix_timerUnlock();
    err = pthread_join(g_service.thread, NULL);
    if (err != 0) {
        return posix_rtosStatus(err);
    }
    posix_timerLock();
    while (g_service.armed != NULL) {
        posix_timerUnlinkLocked(g_service.armed);
    }
    g_service.started = false;
    posix_timerUnlock();
    posix_timerDestroyConditions();
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerCreate(palTimerFuncPtr function, void *funcArgument, palTimerType_t timerType,
                                   palTimerID_t *timerID)
{
    posix_timer_t *timer = (posix_timer_t *)calloc(1, sizeof(*timer));

    if (timer == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    timer->function = function;
    timer->argument = funcArgument;
    timer->type = timerType;
    *timerID = (palTimerID_t)timer;
    return PAL_SUCCESS;
}

/* Restarting an armed timer moves its deadline. */
palStatus_t pal_plat_osTimerStart(palTimerID_t timerID, uint32_t millisec)
{
    posix_timer_t *timer = (posix_timer_t *)timerID;
    palStatus_t status = PAL_SUCCESS;

    posix_timerLock();
    if (!g_service.started) {
        status = PAL_ERR_NOT_INITIALIZED;
    } else {
        posix_timerUnlinkLocked(timer);
        timer->period_ms = millisec;
        timer->deadline_ms = pal_plat_osUptimeMs() + millisec;
        posix_timerInsertLocked(timer);
        posix_mustSucceed(pthread_cond_signal(&g_service.changed), "timer signal");
    }
    posix_timerUnlock();
    return status;
}

palStatus_t pal_plat_osTimerStop(palTimerID_t timerID)
{
    posix_timerLock();
    posix_timerUnlinkLocked((posix_timer_t *)timerID);
    posix_timerUnlock();
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerDelete(palTimerID_t timerID)
{
    posix_timer_t *timer = (posix_timer_t *)timerID;

    posix_timerLock();
    posix_timerUnlinkLocked(timer);
    while (g_service.running == timer && !pthread_equal(pthread_self(), g_service.thread)) {
        posix_mustSucceed(pthread_cond_wait(&g_service.finished, &g_timerLock), "timer wait");
    }
    posix_timerUnlock();
    free(timer);
    return PAL_SUCCESS;
}
