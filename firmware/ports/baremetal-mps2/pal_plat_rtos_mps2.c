/* PAL RTOS port for bare metal without threads (QEMU mps2-an385).
 *
 * - One thread of execution: thread creation is PAL_ERR_NOT_SUPPORTED (cases that need threads
 *   are skipped on this board, see PALTEST_NEEDS_THREADS).
 * - Mutexes are recursive owner+count records; with a single thread a lock is always granted.
 * - Semaphores are counters. A wait that cannot take a token services the system (software
 *   timers, then the wait service the image registered (agent_poll(), which moves socket-bridge
 *   traffic and runs socket callbacks)
 *   until a callback releases a token or the timeout expires.
 * - Timers are software timers checked from those same wait loops (and pal_osDelay), never from
 *   the SysTick interrupt, so their callbacks run in thread context and may call the PAL.
 * - No hardware entropy: the only entropy is the seed the host injects (test-only). */
#include <stdlib.h>
#include <string.h>

#include "mps2_port.h"
#include "pal_plat_rtos.h"

#define MPS2_THREAD_ID ((palThreadID_t)1)
#define MPS2_SERVICE_SLICE_MS 5u
#define MPS2_MUTEX_MAGIC 0x4D555458u /* "MUTX" */
#define MPS2_SEM_MAGIC 0x53454D41u   /* "SEMA" */
#define MPS2_TIMER_MAGIC 0x54494D52u /* "TIMR" */

typedef struct mps2_mutex {
    uint32_t magic;
    palThreadID_t owner;
    uint32_t count;
} mps2_mutex_t;

typedef struct mps2_semaphore {
    uint32_t magic;
    volatile int32_t count;
} mps2_semaphore_t;

typedef struct mps2_timer {
    uint32_t magic;
    struct mps2_timer *next;
    palTimerFuncPtr function;
    void *argument;
    palTimerType_t type;
    bool armed;
    uint32_t period_ms;
    uint32_t round; /* service round in which it last fired */
    uint64_t due_ms;
} mps2_timer_t;

static mps2_timer_t *s_timers;
static bool s_in_service;
static uint32_t s_round;

/* Without a registered service (e.g. a stand-alone image) there is no traffic to serve: sleep. */
static void sleep_for(uint32_t timeout_ms)
{
    uint64_t until = mps2_uptime_ms() + timeout_ms;
    while (mps2_uptime_ms() < until) {
        mps2_idle();
    }
}

/* The agent's traffic service (agent_poll), registered by the image's main: a callback, so the
 * port stays below the agent in the link instead of calling up into it. */
static void (*s_wait_service)(uint32_t timeout_ms) = sleep_for;

void mps2_set_wait_service(void (*service)(uint32_t timeout_ms))
{
    s_wait_service = service != NULL ? service : sleep_for;
}

palStatus_t pal_plat_RTOSInitialize(void)
{
    return PAL_SUCCESS;
}

palStatus_t pal_plat_RTOSDestroy(void)
{
    return PAL_SUCCESS;
}

uint64_t pal_plat_osUptimeMs(void)
{
    return mps2_uptime_ms();
}

/* ---- service loop ------------------------------------------------------------------------ */

void mps2_timers_service(void)
{
    if (s_in_service) {
        return; /* a timer callback is waiting: do not re-enter the timer list */
    }
    s_in_service = true;
    s_round++;
    bool fired;
    do {
        fired = false;
        uint64_t now = mps2_uptime_ms();
        for (mps2_timer_t *t = s_timers; t != NULL; t = t->next) {
            /* Each timer fires at most once per round, so a periodic timer whose callback takes
             * longer than its period cannot keep the loop here forever. */
            if (!t->armed || t->due_ms > now || t->round == s_round) {
                continue;
            }
            t->round = s_round;
            if (t->type == palOsTimerPeriodic) {
                t->due_ms += t->period_ms;
                if (t->due_ms <= now) {
                    t->due_ms = now + t->period_ms; /* fell behind: skip missed periods */
                }
            } else {
                t->armed = false;
            }
            t->function(t->argument);
            /* The callback may have created, stopped or deleted timers: rescan from the head. */
            fired = true;
            break;
        }
    } while (fired);
    s_in_service = false;
}

uint32_t mps2_timers_next_due_ms(void)
{
    uint64_t now = mps2_uptime_ms();
    uint64_t next = UINT64_MAX;
    for (const mps2_timer_t *t = s_timers; t != NULL; t = t->next) {
        if (t->armed && t->due_ms < next) {
            next = t->due_ms;
        }
    }
    if (next == UINT64_MAX) {
        return UINT32_MAX;
    }
    return next <= now ? 0u : (uint32_t)(next - now > UINT32_MAX ? UINT32_MAX : next - now);
}

/* One step of a wait: run due timers, then serve I/O for at most max_ms (or less when a timer is
 * due sooner). */
static void service_once(uint32_t max_ms)
{
    mps2_timers_service();
    uint32_t slice = max_ms < MPS2_SERVICE_SLICE_MS ? max_ms : MPS2_SERVICE_SLICE_MS;
    uint32_t due = s_in_service ? UINT32_MAX : mps2_timers_next_due_ms();
    if (due < slice) {
        slice = due;
    }
    if (slice == 0) {
        return;
    }
    uint64_t before = mps2_uptime_ms();
    s_wait_service(slice);
    if (mps2_uptime_ms() == before) {
        mps2_idle(); /* the service returned at once (agent not running): sleep to the next tick */
    }
}

palStatus_t pal_plat_osDelay(uint32_t milliseconds)
{
    uint64_t until = mps2_uptime_ms() + milliseconds;
    for (;;) {
        uint64_t now = mps2_uptime_ms();
        if (now >= until) {
            break;
        }
        service_once((uint32_t)(until - now));
    }
    mps2_timers_service();
    return PAL_SUCCESS;
}

/* ---- threads ----------------------------------------------------------------------------- */

palStatus_t pal_plat_osThreadCreate(palThreadFuncPtr function, void *funcArgument, palThreadPriority_t priority,
                                    uint32_t stackSize, palThreadID_t *threadID)
{
    (void)function;
    (void)funcArgument;
    (void)priority;
    (void)stackSize;
    if (threadID != NULL) {
        *threadID = 0;
    }
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_plat_osThreadJoin(palThreadID_t threadID)
{
    (void)threadID;
    return PAL_ERR_NOT_SUPPORTED;
}

palThreadID_t pal_plat_osThreadGetId(void)
{
    return MPS2_THREAD_ID;
}

/* ---- mutexes ----------------------------------------------------------------------------- */

static mps2_mutex_t *mutex_from_id(palMutexID_t id)
{
    mps2_mutex_t *m = (mps2_mutex_t *)id;
    return (m != NULL && m->magic == MPS2_MUTEX_MAGIC) ? m : NULL;
}

palStatus_t pal_plat_osMutexCreate(palMutexID_t *mutexID)
{
    mps2_mutex_t *m = calloc(1, sizeof(*m));
    if (m == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    m->magic = MPS2_MUTEX_MAGIC;
    *mutexID = (palMutexID_t)m;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osMutexWait(palMutexID_t mutexID, uint32_t millisec)
{
    (void)millisec; /* the only thread either owns it already or finds it free */
    mps2_mutex_t *m = mutex_from_id(mutexID);
    if (m == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (m->count == UINT32_MAX) {
        return PAL_ERR_RTOS_RESOURCE;
    }
    m->owner = MPS2_THREAD_ID;
    m->count++;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osMutexRelease(palMutexID_t mutexID)
{
    mps2_mutex_t *m = mutex_from_id(mutexID);
    if (m == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (m->count == 0 || m->owner != MPS2_THREAD_ID) {
        return PAL_ERR_RTOS_RESOURCE; /* not locked by the caller */
    }
    if (--m->count == 0) {
        m->owner = 0;
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osMutexDelete(palMutexID_t mutexID)
{
    mps2_mutex_t *m = mutex_from_id(mutexID);
    if (m == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    m->magic = 0;
    free(m);
    return PAL_SUCCESS;
}

/* ---- semaphores -------------------------------------------------------------------------- */

static mps2_semaphore_t *semaphore_from_id(palSemaphoreID_t id)
{
    mps2_semaphore_t *s = (mps2_semaphore_t *)id;
    return (s != NULL && s->magic == MPS2_SEM_MAGIC) ? s : NULL;
}

palStatus_t pal_plat_osSemaphoreCreate(uint32_t count, palSemaphoreID_t *semaphoreID)
{
    if (count > INT32_MAX) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    mps2_semaphore_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    s->magic = MPS2_SEM_MAGIC;
    s->count = (int32_t)count;
    *semaphoreID = (palSemaphoreID_t)s;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osSemaphoreWait(palSemaphoreID_t semaphoreID, uint32_t millisec, int32_t *countersAvailable)
{
    mps2_semaphore_t *s = semaphore_from_id(semaphoreID);
    if (s == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    uint64_t start = mps2_uptime_ms();
    bool forever = millisec == PAL_RTOS_WAIT_FOREVER;
    for (;;) {
        if (s->count > 0) {
            s->count--;
            if (countersAvailable != NULL) {
                *countersAvailable = s->count;
            }
            return PAL_SUCCESS;
        }
        uint64_t elapsed = mps2_uptime_ms() - start;
        if (!forever && elapsed >= millisec) {
            break;
        }
        service_once(forever ? UINT32_MAX : (uint32_t)(millisec - elapsed));
        if (s->magic != MPS2_SEM_MAGIC) {
            return PAL_ERR_INVALID_ARGUMENT; /* deleted by a callback while waiting */
        }
    }
    if (countersAvailable != NULL) {
        *countersAvailable = 0;
    }
    return PAL_ERR_RTOS_TIMEOUT;
}

palStatus_t pal_plat_osSemaphoreRelease(palSemaphoreID_t semaphoreID)
{
    mps2_semaphore_t *s = semaphore_from_id(semaphoreID);
    if (s == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (s->count == INT32_MAX) {
        return PAL_ERR_RTOS_RESOURCE;
    }
    s->count++;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osSemaphoreDelete(palSemaphoreID_t semaphoreID)
{
    mps2_semaphore_t *s = semaphore_from_id(semaphoreID);
    if (s == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    s->magic = 0;
    free(s);
    return PAL_SUCCESS;
}

/* ---- software timers --------------------------------------------------------------------- */

static mps2_timer_t *timer_from_id(palTimerID_t id)
{
    mps2_timer_t *t = (mps2_timer_t *)id;
    return (t != NULL && t->magic == MPS2_TIMER_MAGIC) ? t : NULL;
}

palStatus_t pal_plat_osTimerCreate(palTimerFuncPtr function, void *funcArgument, palTimerType_t timerType,
                                   palTimerID_t *timerID)
{
    if (function == NULL || (timerType != palOsTimerOnce && timerType != palOsTimerPeriodic)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    mps2_timer_t *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    t->magic = MPS2_TIMER_MAGIC;
    t->function = function;
    t->argument = funcArgument;
    t->type = timerType;
    t->next = s_timers;
    s_timers = t;
    *timerID = (palTimerID_t)t;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerStart(palTimerID_t timerID, uint32_t millisec)
{
    mps2_timer_t *t = timer_from_id(timerID);
    if (t == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (millisec == 0 && t->type == palOsTimerPeriodic) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    t->period_ms = millisec;
    t->due_ms = mps2_uptime_ms() + millisec;
    t->armed = true;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerStop(palTimerID_t timerID)
{
    mps2_timer_t *t = timer_from_id(timerID);
    if (t == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    t->armed = false;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerDelete(palTimerID_t timerID)
{
    mps2_timer_t *t = timer_from_id(timerID);
    if (t == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    for (mps2_timer_t **link = &s_timers; *link != NULL; link = &(*link)->next) {
        if (*link == t) {
            *link = t->next;
            break;
        }
    }
    t->magic = 0;
    free(t);
    return PAL_SUCCESS;
}

/* ---- entropy ----------------------------------------------------------------------------- */

palStatus_t pal_plat_osRandomBuffer(uint8_t *randomBuf, size_t bufSizeBytes)
{
    (void)randomBuf;
    (void)bufSizeBytes;
    return PAL_ERR_NOT_SUPPORTED; /* no TRNG: the host-injected seed is the only entropy */
}
