/*
 * task.c -- a task's life: spawning, stepping on its fiber, suspending at a
 * suspension point, cancellation and completion.
 *
 * The rules are asyncio.Task's.  cancel() on a task parked on a future
 * cancels that future, which schedules the task's next step with a
 * CancelledError; otherwise (not started, or its next step already queued)
 * it sets must_cancel, and the next step delivers the CancelledError.  A
 * task cancelled before it ever ran finishes cancelled without running.  A
 * task that returns while a cancellation is pending counts as cancelled, as
 * in asyncio.  Task structs come from slabs recycled through a free list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define TASK_CHUNK 256

tg_error *tg__cancelled_error(void)
{
    /* Made directly, with no message to format (a fail-fast group makes
     * thousands) and no location: one inside libtg tells a reader
     * nothing. */
    tg_error *e = tg__error_new_leaf(&TG_CancelledError);
    return e ? e : tg__error_cancelled_static(); /* out of memory */
}

tg_error *tg__no_task_error(const char *fn)
{
    return tg_error_new(&TG_RuntimeError,
                        "%s() must be called from a task inside tg_run()", fn);
}

/* A task struct never used before, from the newest chunk (or a new one).
 * Out of line: most spawns reuse a freed struct. */
__attribute__((noinline)) static tg_task *task_carve(tg__run *run)
{
    if (run->ntask_chunks == 0 || run->task_chunk_fill == TASK_CHUNK) {
        if (run->ntask_chunks == run->task_chunks_cap) {
            size_t cap = run->task_chunks_cap ? run->task_chunks_cap * 2 : 8;
            void **chunks = tg__realloc(run->task_chunks, cap * sizeof *chunks);
            if (!chunks)
                return NULL;
            run->task_chunks = chunks;
            run->task_chunks_cap = cap;
        }
        /* Room to align the tasks to cache lines; freed as allocated. */
        void *chunk = tg__malloc(TASK_CHUNK * sizeof(tg_task) + 63);
        if (!chunk)
            return NULL;
        run->task_chunks[run->ntask_chunks++] = chunk;
        run->task_chunk_fill = 0;
    }
    uintptr_t raw = (uintptr_t)run->task_chunks[run->ntask_chunks - 1];
    tg_task *chunk = (tg_task *)((raw + 63) & ~(uintptr_t)63);
    return &chunk[run->task_chunk_fill++];
}

static tg_task *task_alloc(tg__run *run)
{
    tg_task *t = run->task_free;
    if (!t)
        return task_carve(run);
    run->task_free = t->free_next;
    if (t->free_next) /* a spawn loop takes the next one soon */
        __builtin_prefetch(t->free_next, 1);
    return t;
}


/* A new field of tg_task must be set in tg__task_new, and fit. */
_Static_assert(sizeof(void *) != 8 || sizeof(tg_task) == 128,
               "tg_task changed: set the new field in tg__task_new");

tg_task *tg__task_new(tg__run *run, tg_group *g, tg_fn fn, void *arg,
                      const char *name)
{
    if (!tg__ready_reserve(run))
        return NULL;
    tg_task *t = task_alloc(run);
    char *copy = NULL;
    if (!t || (name && !(copy = tg__strdup(name)))) {
        if (t) {
            t->free_next = run->task_free;
            run->task_free = t;
        }
        tg__ready_release(run);
        return NULL;
    }
    /* Every field, one by one: a memset of the struct compiles to a
     * rep stos (GCC 12, -O2), slow to start, on the spawn path. */
    t->step = (tg__handle){.run = tg__task_step};
    t->state = TG__TASK_CREATED;
    t->must_cancel = false;
    t->waiting = false;
    t->registered = false;
    t->done_cancelled = false;
    t->cancels_requested = 0;
    t->fiber = NULL;
    t->group = g;
    t->result = (tg_result){0};
    t->resume_error = NULL;
    t->last_cancel = NULL;
    t->suspensions = 0;
    t->fn = fn;   /* wait_cancel and wait_data once it suspends */
    t->arg = arg;
    t->id = run->next_task_id++;
    t->name = copy;
    t->group_next = NULL;
    t->last_cancel_at = 0;
    run->tasks_not_done++;
    run->stats.tasks_spawned++;
    run->stats.tasks_live++;
    return t;
}

void tg__task_free(tg__run *run, tg_task *t)
{
    /* Most tasks own none of these: skip the calls (thousands per group). */
    if (t->result.error)
        tg_error_unref(t->result.error);
    if (t->resume_error)
        tg_error_unref(t->resume_error);
    if (t->last_cancel)
        tg_error_unref(t->last_cancel);
    if (t->name)
        tg__free(t->name);
    tg__handle_cancel(run, &t->step);
    tg__ready_release(run);
    if (t->fiber)
        tg__fiber_put(&run->pool, t->fiber);
    if (t->state != TG__TASK_DONE)
        run->tasks_not_done--; /* abandoned by a run that gave up */
    t->free_next = run->task_free;
    run->task_free = t;
    run->stats.tasks_live--;
}

void tg__task_free_all(tg__run *run)
{
    /* Every other task belongs to a group, freed before this. */
    if (run->main)
        tg__task_free(run, run->main);
    run->main = NULL;
    for (size_t i = 0; i < run->ntask_chunks; i++)
        tg__free(run->task_chunks[i]);
    tg__free(run->task_chunks);
    run->task_chunks = NULL;
    run->ntask_chunks = 0;
    run->task_free = NULL;
}

/* Records the outcome, asyncio's way, and queues the done callbacks.  The
 * result comes as its two words, stored one by one: GCC copies a whole
 * tg_result through a 16-byte load of what it just stored as two 8-byte
 * halves, a store-forwarding stall on every task. */
static void task_finish(tg__run *run, tg_task *t, void *value, tg_error *error)
{
    if (!error && t->must_cancel) {
        value = NULL;
        error = tg__cancelled_error(); /* cancelled right at the end */
    }
    t->must_cancel = false;
    t->result.value = value;
    t->result.error = error;
    t->state = TG__TASK_DONE;
    t->done_cancelled = tg__is_cancelled(error);
    if (t->last_cancel) {
        tg__error_unref(t->last_cancel);
        t->last_cancel = NULL;
    }
    run->tasks_not_done--;
    tg__trace(run, error ? TG_EV_RAISE : TG_EV_RETURN, t, 0, error, NULL);
    if (t->group) {
        /* Its steps are over: the handle now runs the done callbacks. */
        t->step.run = tg__task_done_callbacks;
        tg__call_soon(run, &t->step);
    }
}

void tg__task_finish_unstarted(tg__run *run, tg_task *t, tg_error *err)
{
    task_finish(run, t, NULL, err);
}

void tg__task_done_callbacks(tg__handle *h)
{
    tg_task *t = TG__CONTAINER_OF(h, tg_task, step);
    tg__group_on_task_done(t->group, t);
}

/* Runs on the task's own fiber: the body, then back for good. */
static void task_entry(void *arg)
{
    tg_task *t = arg;
    tg__run *run = tg__current_run;
    tg__trace(run, TG_EV_START, t, 0, NULL, NULL);
    tg_result r = t->fn(t->arg);
    task_finish(run, t, r.value, r.error);
    tg__fiber_yield(t->fiber, &run->sched_ctx, true);
}

/* Cancels what a parked task waits on, and wakes it with CancelledError. */
static void deliver_cancel(tg__run *run, tg_task *t)
{
    if (t->wait_cancel)
        t->wait_cancel(t);
    t->waiting = false;
    t->wait_cancel = NULL;
    tg_error_unref(t->resume_error);
    t->resume_error = tg__cancelled_error();
    tg__call_soon(run, &t->step);
}

/* The rare paths of a step (see tg__task_run_step in runtime.h). */

void tg__task_take_cancel(tg_task *t)
{
    t->must_cancel = false;
    if (!tg__is_cancelled(t->resume_error)) {
        if (t->resume_error)
            tg_error_unref(t->resume_error);
        t->resume_error = tg__cancelled_error();
    }
}

bool tg__task_start(tg__run *run, tg_task *t)
{
    if (t->resume_error) { /* cancelled before it ever ran */
        tg_error *e = t->resume_error;
        t->resume_error = NULL;
        tg__trace(run, TG_EV_CANCELLED, t, 0, e, "before start");
        task_finish(run, t, NULL, e);
        return false;
    }
    t->fiber = tg__fiber_get(&run->pool, task_entry, t);
    if (!t->fiber) {
        task_finish(run, t, NULL, tg__error_oom());
        return false;
    }
    t->fiber->task_id = (unsigned long long)t->id;
    return true;
}

void tg__task_cancel_wait(tg__run *run, tg_task *t)
{
    t->must_cancel = false;
    deliver_cancel(run, t);
}

void tg__task_step(tg__handle *h)
{
    tg__task_run_step(tg__current_run, TG__CONTAINER_OF(h, tg_task, step));
}

tg_error *tg__task_suspend(tg_task *t, tg__wait_cancel_fn cancel,
                           void *data, const char *what)
{
    tg__run *run = tg__current_run;
    t->state = TG__TASK_SUSPENDED;
    t->waiting = cancel != NULL;
    t->wait_cancel = cancel;
    t->wait_data = data;
    tg__trace(run, TG_EV_SUSPEND, t, 0, NULL, what);
    tg__fiber_yield(t->fiber, &run->sched_ctx, false);

    tg_error *e = t->resume_error;
    t->resume_error = NULL;
    t->suspensions++;
    if (t->last_cancel) {
        tg_error_unref(t->last_cancel);
        t->last_cancel = NULL;
    }
    if (e && tg__is_cancelled(e)) {
        t->last_cancel = tg__error_ref(e);
        t->last_cancel_at = t->suspensions;
        tg__trace(run, TG_EV_CANCELLED, t, 0, e, what);
    } else {
        tg__trace(run, TG_EV_RESUME, t, 0, NULL, what);
    }
    return e;
}

void tg__task_note_outcome(tg_task *t, tg_error *result)
{
    tg_error_unref(t->last_cancel);
    t->last_cancel = NULL;
    if (tg__is_cancelled(result)) {
        t->last_cancel = tg_error_ref(result);
        t->last_cancel_at = t->suspensions;
    }
}

void tg__task_wake(tg_task *t)
{
    t->waiting = false;
    t->wait_cancel = NULL;
    tg__call_soon(tg__current_run, &t->step);
}

bool tg_task_cancel(tg_task *t)
{
    tg__run *run = tg__current_run;
    if (!t || !run || t->state == TG__TASK_DONE)
        return false;
    t->cancels_requested++;
    tg__trace(run, TG_EV_CANCEL, t, run->current ? run->current->id : 0,
              NULL, NULL);
    if (t->state == TG__TASK_SUSPENDED && t->waiting) {
        deliver_cancel(run, t);
        return true;
    }
    t->must_cancel = true;
    return true;
}

int tg_task_uncancel(tg_task *t)
{
    if (t->cancels_requested > 0)
        t->cancels_requested--;
    return t->cancels_requested;
}

int tg_task_cancelling(const tg_task *t)
{
    return t->cancels_requested;
}

tg_task *tg_current_task(void)
{
    tg__run *run = tg__current_run;
    return run ? run->current : NULL;
}

tg_result tg_task_result(const tg_task *t)
{
    if (!t || t->state != TG__TASK_DONE)
        return tg_raise(tg__error_not_done());
    return t->result;
}

bool tg_task_done(const tg_task *t)
{
    return t && t->state == TG__TASK_DONE;
}

bool tg_task_cancelled(const tg_task *t)
{
    return tg_task_done(t) && t->done_cancelled;
}

uint64_t tg_task_id(const tg_task *t)
{
    return t ? t->id : 0;
}

const char *tg_task_name(const tg_task *t)
{
    return t && t->name ? t->name : "task";
}

/* ---- the simplest suspension points ---------------------------------------- */

/* A sleep's timer lives in tg_sleep's frame: the task is parked there
 * for as long as the timer is armed. */
typedef struct sleep_wait {
    tg__timer timer;
    tg_task *task;
} sleep_wait;

static void sleep_fire(tg__handle *h)
{
    sleep_wait *w = TG__CONTAINER_OF(h, sleep_wait, timer.handle);
    tg__task_wake(w->task);
}

static void sleep_cancel(tg_task *t)
{
    sleep_wait *w = t->wait_data;
    tg__timer_disarm(tg__current_run, &w->timer);
}

tg_error *tg_yield(void)
{
    tg__run *run = tg__current_run;
    tg_task *t = run ? run->current : NULL;
    if (!t)
        return tg__no_task_error("tg_yield");
    /* A bare yield: the next step is queued now, there is no future. */
    tg__call_soon(run, &t->step);
    return tg__task_suspend(t, NULL, NULL, "yield");
}

tg_error *tg_sleep(uint64_t ms)
{
    tg__run *run = tg__current_run;
    tg_task *t = run ? run->current : NULL;
    if (!t)
        return tg__no_task_error("tg_sleep");
    if (ms == 0)
        return tg_yield(); /* as asyncio.sleep(0) */
    sleep_wait w = {.task = t};
    tg__timer_init(&w.timer, sleep_fire);
    if (!tg__timer_arm(run, &w.timer, tg__clock(run) + ms))
        return tg__error_oom();
    return tg__task_suspend(t, sleep_cancel, &w, "sleep");
}
