/* Zephyr port, RTOS services on the native kernel API: a static pool of threads, recursive
 * mutexes (k_mutex is recursive for its owner), counting semaphores, software timers whose
 * callbacks run on a dedicated work queue (thread context, as pal_plat_rtos.h requires),
 * uptime, delay and entropy (sys_csrand_get).
 *
 * Why not the posix port's posix_rtos.c/posix_timer.c through CONFIG_POSIX_API: they size every
 * thread stack to at least 256 KiB (host address space is cheap), allocate thread start blocks
 * with malloc and create service threads with a NULL pthread attribute, which on Zephyr needs
 * dynamic thread stacks. On a 192 KiB board a fixed pool of kernel threads is the sound choice.
 * Semantics follow the posix port so the suite sees the same behaviour (docs/porting.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <zephyr/kernel.h>
#include <zephyr/random/random.h>
#include <zephyr/sys/printk.h>

#include "mbedtls/build_info.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "pal_plat_rtos.h"
#include "zephyr_mbedtls_check.h"

/* ---- threads -------------------------------------------------------------------------------- */

typedef struct zephyr_thread_slot {
    struct k_thread thread;
    palThreadFuncPtr function;
    void *argument;
    bool in_use;
} zephyr_thread_slot_t;

K_THREAD_STACK_ARRAY_DEFINE(s_thread_stacks, CONFIG_PALTLS_THREAD_POOL_SIZE, CONFIG_PALTLS_THREAD_STACK_SIZE);
static zephyr_thread_slot_t s_threads[CONFIG_PALTLS_THREAD_POOL_SIZE];
static K_MUTEX_DEFINE(s_thread_lock);

/* PAL priorities 0 (idle) .. 10 (realtime) onto preemptible Zephyr priorities, where a smaller
 * number runs first. The agent runs on Zephyr's main thread (CONFIG_MAIN_THREAD_PRIORITY). */
static int zephyr_priority(palThreadPriority_t priority)
{
    int pal = (int)priority;
    int lowest = CONFIG_NUM_PREEMPT_PRIORITIES - 1;
    int mapped;

    if (pal < (int)PAL_osPriorityIdle || pal > (int)PAL_osPriorityRealtime) {
        pal = (int)PAL_osPriorityNormal;
    }
    mapped = lowest - pal;
    return mapped < 0 ? 0 : mapped;
}

static void zephyr_thread_entry(void *p1, void *p2, void *p3)
{
    zephyr_thread_slot_t *slot = (zephyr_thread_slot_t *)p1;

    (void)p2;
    (void)p3;
    slot->function(slot->argument);
}

palStatus_t pal_plat_osThreadCreate(palThreadFuncPtr function, void *funcArgument, palThreadPriority_t priority,
                                    uint32_t stackSize, palThreadID_t *threadID)
{
    zephyr_thread_slot_t *slot = NULL;
    size_t index = 0;

    if (stackSize > (uint32_t)CONFIG_PALTLS_THREAD_STACK_SIZE) {
        return PAL_ERR_NO_MEMORY;
    }
    k_mutex_lock(&s_thread_lock, K_FOREVER);
    for (index = 0; index < ARRAY_SIZE(s_threads); index++) {
        if (!s_threads[index].in_use) {
            slot = &s_threads[index];
            slot->in_use = true;
            break;
        }
    }
    k_mutex_unlock(&s_thread_lock);
    if (slot == NULL) {
        return PAL_ERR_NO_MEMORY; /* every slot holds a thread that has not been joined */
    }
    slot->function = function;
    slot->argument = funcArgument;
    (void)k_thread_create(&slot->thread, s_thread_stacks[index], K_THREAD_STACK_SIZEOF(s_thread_stacks[index]),
                          zephyr_thread_entry, slot, NULL, NULL, zephyr_priority(priority), 0, K_NO_WAIT);
    *threadID = (palThreadID_t)&slot->thread;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osThreadJoin(palThreadID_t threadID)
{
    zephyr_thread_slot_t *slot = NULL;
    int err;

    for (size_t i = 0; i < ARRAY_SIZE(s_threads); i++) {
        if ((palThreadID_t)&s_threads[i].thread == threadID && s_threads[i].in_use) {
            slot = &s_threads[i];
        }
    }
    if (slot == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if ((palThreadID_t)k_current_get() == threadID) {
        return PAL_ERR_RTOS_RESOURCE; /* joining oneself would deadlock */
    }
    err = k_thread_join(&slot->thread, K_FOREVER);
    if (err != 0) {
        return PAL_ERR_RTOS_OS;
    }
    k_mutex_lock(&s_thread_lock, K_FOREVER);
    slot->in_use = false;
    k_mutex_unlock(&s_thread_lock);
    return PAL_SUCCESS;
}

palThreadID_t pal_plat_osThreadGetId(void)
{
    return (palThreadID_t)k_current_get();
}

/* ---- time ----------------------------------------------------------------------------------- */

uint64_t pal_plat_osUptimeMs(void)
{
    return (uint64_t)k_uptime_get();
}

palStatus_t pal_plat_osDelay(uint32_t milliseconds)
{
    /* k_msleep takes an int32_t: sleep long delays in pieces. */
    while (milliseconds > (uint32_t)INT32_MAX) {
        (void)k_msleep(INT32_MAX);
        milliseconds -= (uint32_t)INT32_MAX;
    }
    (void)k_msleep((int32_t)milliseconds);
    return PAL_SUCCESS;
}

static k_timeout_t zephyr_timeout(uint32_t millisec)
{
    if (millisec == PAL_RTOS_WAIT_FOREVER) {
        return K_FOREVER;
    }
    return K_MSEC(millisec);
}

/* ---- mutexes -------------------------------------------------------------------------------- */

palStatus_t pal_plat_osMutexCreate(palMutexID_t *mutexID)
{
    struct k_mutex *mutex = (struct k_mutex *)malloc(sizeof(*mutex));

    if (mutex == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    (void)k_mutex_init(mutex);
    *mutexID = (palMutexID_t)mutex;
    return PAL_SUCCESS;
}

/* A mutex that is free is taken even with a zero timeout (0 is a try-lock). */
palStatus_t pal_plat_osMutexWait(palMutexID_t mutexID, uint32_t millisec)
{
    int err = k_mutex_lock((struct k_mutex *)mutexID, zephyr_timeout(millisec));

    if (err == 0) {
        return PAL_SUCCESS;
    }
    return (err == -EBUSY || err == -EAGAIN) ? PAL_ERR_RTOS_TIMEOUT : PAL_ERR_RTOS_OS;
}

palStatus_t pal_plat_osMutexRelease(palMutexID_t mutexID)
{
    int err = k_mutex_unlock((struct k_mutex *)mutexID);

    if (err == 0) {
        return PAL_SUCCESS;
    }
    /* -EPERM: another thread owns it; -EINVAL: it is not locked. */
    return PAL_ERR_RTOS_RESOURCE;
}

/* A locked mutex is refused and stays valid (as pthread_mutex_destroy's EBUSY on the posix port).
 * The try-lock succeeds for a free mutex and for one the caller already holds; lock_count
 * (a field of struct k_mutex in <zephyr/kernel.h>) tells the two apart. */
palStatus_t pal_plat_osMutexDelete(palMutexID_t mutexID)
{
    struct k_mutex *mutex = (struct k_mutex *)mutexID;
    bool held_before;

    if (k_mutex_lock(mutex, K_NO_WAIT) != 0) {
        return PAL_ERR_RTOS_RESOURCE;
    }
    held_before = mutex->lock_count > 1u;
    (void)k_mutex_unlock(mutex);
    if (held_before) {
        return PAL_ERR_RTOS_RESOURCE;
    }
    free(mutex);
    return PAL_SUCCESS;
}

/* ---- semaphores ----------------------------------------------------------------------------- */

typedef struct zephyr_semaphore {
    struct k_sem sem;
    atomic_t waiters;
} zephyr_semaphore_t;

palStatus_t pal_plat_osSemaphoreCreate(uint32_t count, palSemaphoreID_t *semaphoreID)
{
    zephyr_semaphore_t *semaphore;

    if (count > (uint32_t)INT32_MAX) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    semaphore = (zephyr_semaphore_t *)malloc(sizeof(*semaphore));
    if (semaphore == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    /* The PAL reports the count through an int32_t: that is the limit. */
    if (k_sem_init(&semaphore->sem, count, (unsigned int)INT32_MAX) != 0) {
        free(semaphore);
        return PAL_ERR_INVALID_ARGUMENT;
    }
    atomic_set(&semaphore->waiters, 0);
    *semaphoreID = (palSemaphoreID_t)semaphore;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osSemaphoreWait(palSemaphoreID_t semaphoreID, uint32_t millisec, int32_t *countersAvailable)
{
    zephyr_semaphore_t *semaphore = (zephyr_semaphore_t *)semaphoreID;
    int err;

    (void)atomic_inc(&semaphore->waiters);
    err = k_sem_take(&semaphore->sem, zephyr_timeout(millisec));
    (void)atomic_dec(&semaphore->waiters);
    if (countersAvailable != NULL) {
        *countersAvailable = (int32_t)k_sem_count_get(&semaphore->sem);
    }
    if (err == 0) {
        return PAL_SUCCESS;
    }
    return (err == -EBUSY || err == -EAGAIN) ? PAL_ERR_RTOS_TIMEOUT : PAL_ERR_RTOS_OS;
}

palStatus_t pal_plat_osSemaphoreRelease(palSemaphoreID_t semaphoreID)
{
    zephyr_semaphore_t *semaphore = (zephyr_semaphore_t *)semaphoreID;

    /* k_sem_give silently saturates at the limit; the PAL reports it instead. */
    if (k_sem_count_get(&semaphore->sem) >= (unsigned int)INT32_MAX) {
        return PAL_ERR_RTOS_RESOURCE;
    }
    k_sem_give(&semaphore->sem);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osSemaphoreDelete(palSemaphoreID_t semaphoreID)
{
    zephyr_semaphore_t *semaphore = (zephyr_semaphore_t *)semaphoreID;

    if (atomic_get(&semaphore->waiters) != 0) {
        return PAL_ERR_RTOS_RESOURCE; /* refused while a thread waits; the handle stays valid */
    }
    free(semaphore);
    return PAL_SUCCESS;
}

/* ---- timers --------------------------------------------------------------------------------- */

/* A timer deleted from its own callback cannot be freed there: the work queue still writes to
 * the work item after the handler returns (kernel/work.c, work_queue_main clears RUNNING and
 * finishes pending cancels). Such a timer goes on a list that a second work item frees; the queue
 * runs one item at a time, so that item runs only after the queue is done with the deleted one.
 * Only the queue thread touches the list, so it needs no lock. */
typedef struct zephyr_timer {
    struct k_timer timer; /* expiry runs in interrupt context: it only queues the work item */
    struct k_work work;   /* runs the callback on s_timer_queue */
    palTimerFuncPtr function;
    void *argument;
    palTimerType_t type;
    struct zephyr_timer *next_deleted;
} zephyr_timer_t;

K_THREAD_STACK_DEFINE(s_timer_stack, CONFIG_PALTLS_TIMER_STACK_SIZE);
static struct k_work_q s_timer_queue;
static bool s_timer_queue_started;
static zephyr_timer_t *s_timers_deleted; /* timer queue thread only */

static void zephyr_timer_reap(struct k_work *work)
{
    (void)work;
    while (s_timers_deleted != NULL) {
        zephyr_timer_t *timer = s_timers_deleted;

        s_timers_deleted = timer->next_deleted;
        free(timer);
    }
}

static K_WORK_DEFINE(s_timer_reaper, zephyr_timer_reap);

static void zephyr_timer_work(struct k_work *work)
{
    zephyr_timer_t *timer = CONTAINER_OF(work, zephyr_timer_t, work);

    timer->function(timer->argument);
}

static void zephyr_timer_expiry(struct k_timer *ktimer)
{
    zephyr_timer_t *timer = CONTAINER_OF(ktimer, zephyr_timer_t, timer);

    (void)k_work_submit_to_queue(&s_timer_queue, &timer->work);
}

palStatus_t pal_plat_osTimerCreate(palTimerFuncPtr function, void *funcArgument, palTimerType_t timerType,
                                   palTimerID_t *timerID)
{
    zephyr_timer_t *timer = (zephyr_timer_t *)malloc(sizeof(*timer));

    if (timer == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    timer->function = function;
    timer->argument = funcArgument;
    timer->type = timerType;
    timer->next_deleted = NULL;
    k_timer_init(&timer->timer, zephyr_timer_expiry, NULL);
    k_work_init(&timer->work, zephyr_timer_work);
    *timerID = (palTimerID_t)timer;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerStart(palTimerID_t timerID, uint32_t millisec)
{
    zephyr_timer_t *timer = (zephyr_timer_t *)timerID;
    k_timeout_t period = timer->type == palOsTimerPeriodic ? K_MSEC(millisec) : K_NO_WAIT;

    if (!s_timer_queue_started) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    k_timer_start(&timer->timer, K_MSEC(millisec), period);
    return PAL_SUCCESS;
}

/* Does not wait for a callback that is already running (same as the posix port). */
palStatus_t pal_plat_osTimerStop(palTimerID_t timerID)
{
    zephyr_timer_t *timer = (zephyr_timer_t *)timerID;

    k_timer_stop(&timer->timer);
    (void)k_work_cancel(&timer->work);
    return PAL_SUCCESS;
}

/* Waits for a running callback (it may still use the argument), unless called from a callback:
 * then the queue thread cannot be running this timer's work except as the caller itself, and
 * the free is left to the reaper. */
palStatus_t pal_plat_osTimerDelete(palTimerID_t timerID)
{
    zephyr_timer_t *timer = (zephyr_timer_t *)timerID;
    struct k_work_sync sync;

    k_timer_stop(&timer->timer);
    if (k_current_get() != k_work_queue_thread_get(&s_timer_queue)) {
        (void)k_work_cancel_sync(&timer->work, &sync);
        free(timer);
        return PAL_SUCCESS;
    }
    (void)k_work_cancel(&timer->work);
    timer->next_deleted = s_timers_deleted;
    s_timers_deleted = timer;
    /* 0 (already queued) or 1 (queued): the reaper will run. A negative value means the queue
     * refuses work, which a running queue thread never does. */
    return k_work_submit_to_queue(&s_timer_queue, &s_timer_reaper) >= 0 ? PAL_SUCCESS : PAL_ERR_RTOS_OS;
}

/* ---- life cycle and entropy ----------------------------------------------------------------- */

palStatus_t pal_plat_RTOSInitialize(void)
{
    if (!s_timer_queue_started) {
        k_work_queue_init(&s_timer_queue);
        k_work_queue_start(&s_timer_queue, s_timer_stack, K_THREAD_STACK_SIZEOF(s_timer_stack),
                           zephyr_priority(PAL_osPriorityReservedHighResTimer), NULL);
        s_timer_queue_started = true;
    }
    return PAL_SUCCESS;
}

/* The work queue thread is kept: Zephyr releases it only at reboot, and a later
 * pal_plat_RTOSInitialize() reuses it. */
palStatus_t pal_plat_RTOSDestroy(void)
{
    return PAL_SUCCESS;
}

/* sys_csrand_get(): the board's entropy driver through Zephyr's CSPRNG, or on QEMU targets
 * (CONFIG_TEST_RANDOM_GENERATOR) the test generator, which is NOT random; main.c says so in the
 * banner and the agent reports entropy=TEST-ONLY. */
palStatus_t pal_plat_osRandomBuffer(uint8_t *randomBuf, size_t bufSizeBytes)
{
    return sys_csrand_get(randomBuf, bufSizeBytes) == 0 ? PAL_SUCCESS : PAL_ERR_RTOS_TRNG_FAILED;
}

/* Fallback for mbedtls_ms_time() (MBEDTLS_PLATFORM_MS_TIME_ALT is set for Zephyr): Zephyr's own
 * modules/mbedtls/zephyr_init.c provides a strong definition, which wins when present. */
#if defined(MBEDTLS_HAVE_TIME) /* flavour minimal-psk has no library clock */
__attribute__((weak)) mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)k_uptime_get();
}
#endif

#if defined(MBEDTLS_PLATFORM_GMTIME_R_ALT)
/* Mbed TLS's own version falls back to gmtime() without a lock when it does not recognise a
 * POSIX system (library/platform_util.c), and certificate date checks run on several PAL
 * threads; gmtime_r() keeps its result in the caller's buffer. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    time_t seconds = (time_t)*tt;

    return gmtime_r(&seconds, tm_buf);
}
#endif
