/*
 * group.c -- task groups with asyncio.TaskGroup's semantics (CPython
 * 3.11.7's taskgroups.py, line for line where it matters).
 *
 * The first child that fails with a non-cancellation error aborts the
 * group: every other child is cancelled, and so is the owner's current
 * suspension point (the "body"), which the wait later absorbs with
 * uncancel().  The wait returns only when every child has finished, with
 * NULL, an ExceptionGroup of all non-cancellation errors, or a bare
 * CancelledError when the owner itself was cancelled and no child failed.
 * A child's failure is handled in a done callback queued like any handle,
 * so tasks already ready in that iteration run first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

tg_group *tg__group_new(tg__group_mode mode)
{
    tg__run *run = tg__current_run;
    tg_task *owner = run ? run->current : NULL;
    if (!owner)
        return NULL;
    tg_group *g = tg__calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->mode = mode;
    g->owner = owner;
    g->owner_suspensions_at_new = owner->suspensions;
    tg__list_append(&run->groups, &g->live_link);
    run->stats.groups_live++;
    return g;
}

tg_group *tg_group_new(void)
{
    return tg__group_new(TG__GROUP_TASKGROUP);
}

/* A short description like Python's repr, for error messages. */
static void describe(const tg_group *g, char *buf, size_t len)
{
    snprintf(buf, len, "<TaskGroup tasks=%zu errors=%zu%s>", g->active,
             g->nerrors, g->aborting ? " cancelling" : "");
}

static bool grow_errors(tg_group *g, size_t need);

/* Room for every error the group could collect, reserved up front so that
 * recording a failure never needs memory. */
static inline bool reserve_error_slot(tg_group *g)
{
    size_t need = g->active + 2; /* every child, plus a body error */
    return need <= g->errors_cap || grow_errors(g, need);
}

static bool grow_errors(tg_group *g, size_t need)
{
    size_t cap = g->errors_cap ? g->errors_cap * 2 : 8;
    while (cap < need)
        cap *= 2;
    tg_error **errors = tg__realloc(g->errors, cap * sizeof *errors);
    if (!errors)
        return false;
    g->errors = errors;
    g->errors_cap = cap;
    return true;
}

static void link_task(tg_group *g, tg_task *t)
{
    if (g->tasks_tail)
        g->tasks_tail->group_next = t;
    else
        g->tasks = t;
    g->tasks_tail = t;
}

/* t, spawned into a group that no longer takes tasks, is done at birth
 * with a RuntimeError, outside the group: no callback will run.  Out of
 * line, as rare. */
__attribute__((noinline)) static void refuse(tg__run *run, tg_group *g,
                                             tg_task *t, uint64_t spawner,
                                             const char *refusal)
{
    char desc[96];
    describe(g, desc, sizeof desc);
    tg_error *e =
        tg_error_new(&TG_RuntimeError, "TaskGroup %s %s", desc, refusal);
    tg__trace(run, TG_EV_SPAWN_REFUSED, t, spawner, e, refusal);
    tg__task_finish_unstarted(run, t, e);
    tg__handle_cancel(run, &t->step); /* its done callbacks */
}

/* Who is spawning, for the trace. */
static uint64_t spawner_id(const tg__run *run)
{
    return run->current ? run->current->id : 0;
}

/* tg_spawn_named's body, inline in both entry points: spawning is the
 * hottest call a program makes. */
static inline tg_task *spawn(tg_group *g, const char *name, tg_fn fn,
                             void *arg)
{
    tg__run *run = tg__current_run;
    if (!run || !g)
        return NULL;
    const char *refusal = NULL;
    if (g->exiting && g->active == 0)
        refusal = "is finished";
    else if (g->aborting)
        refusal = "is shutting down";

    tg_task *t = tg__task_new(run, g, fn, arg, name);
    if (!t)
        return NULL;
    link_task(g, t);
    if (refusal) {
        refuse(run, g, t, spawner_id(run), refusal);
        return t;
    }
    if (!reserve_error_slot(g)) {
        tg__task_finish_unstarted(run, t, tg__error_oom());
        tg__handle_cancel(run, &t->step); /* its done callbacks */
        return t;
    }
    t->registered = true;
    g->active++;
    tg__trace(run, TG_EV_SPAWN, t, spawner_id(run), NULL, NULL);
    tg__call_soon(run, &t->step); /* lazy start, FIFO */
    return t;
}

tg_task *tg_spawn_named(tg_group *g, const char *name, tg_fn fn, void *arg)
{
    return spawn(g, name, fn, arg);
}

tg_task *tg_spawn(tg_group *g, tg_fn fn, void *arg)
{
    return spawn(g, NULL, fn, arg);
}

/* Cancels every child still running (asyncio's _abort). */
static void group_abort(tg_group *g)
{
    g->aborting = true;
    for (tg_task *t = g->tasks; t; t = t->group_next)
        if (t->registered && t->state != TG__TASK_DONE)
            tg_task_cancel(t);
}

void tg__group_cancel_all(tg_group *g)
{
    for (tg_task *t = g->tasks; t; t = t->group_next)
        tg_task_cancel(t); /* a no-op on finished ones */
}

void tg__group_on_task_done(tg_group *g, tg_task *t)
{
    tg__run *run = tg__current_run;
    t->registered = false;
    g->active--;
    if (g->owner_waiting && g->active == 0) {
        g->owner_waiting = false;
        tg__task_wake(g->owner);
    }
    if (g->mode == TG__GROUP_GATHER || t->done_cancelled)
        return; /* t is done: its result is final */
    tg_error *e = t->result.error;
    if (!e)
        return;
    g->errors[g->nerrors++] = tg__error_ref(e); /* slot reserved at spawn */

    if (g->owner->state == TG__TASK_DONE) {
        fprintf(stderr,
                "tg: warning: task %llu failed with %s, but the task that "
                "owns its group (task %llu) had already finished -- did it "
                "forget tg_group_wait()?\n",
                (unsigned long long)t->id, tg_error_type_name(e),
                (unsigned long long)g->owner->id);
        return;
    }
    if (!g->aborting && !g->parent_cancel_requested) {
        tg__trace(run, TG_EV_ABORT, t, g->owner->id, e, NULL);
        group_abort(g);
        g->parent_cancel_requested = true;
        tg_task_cancel(g->owner);
    }
}

static void group_wait_cancel(tg_task *t)
{
    tg_group *g = t->wait_data;
    g->owner_waiting = false;
}

/* Parks the owner until every child is done; the returned CancelledError
 * (if any) is the owner's, and is the caller's to keep or release. */
static tg_error *wait_children(tg_group *g)
{
    g->owner_waiting = true;
    return tg__task_suspend(g->owner, group_wait_cancel, g, "group wait");
}

tg_error *tg_group_exit(tg_group *g, tg_error *body_error)
{
    tg__run *run = tg__current_run;
    tg_task *self = run ? run->current : NULL;
    if (!self) {
        tg_error_unref(body_error);
        return tg__no_task_error("tg_group_wait");
    }
    if (!g || self != g->owner || g->exiting) {
        tg_error_unref(body_error);
        return tg_error_new(&TG_RuntimeError, "%s",
                            !g ? "tg_group_wait(NULL)"
                            : g->exiting
                                ? "this TaskGroup has already been waited"
                                : "only the task that made a TaskGroup may "
                                  "wait for it");
    }
    g->exiting = true;
    /* The body's error needs a slot in g->errors.  Each spawn reserves one,
     * but a group that never spawned has no array yet (nor children). */
    if (body_error && g->errors_cap == 0 && !reserve_error_slot(g)) {
        tg_error_unref(body_error);
        return tg__error_oom();
    }

    tg_error *propagate_cancel = NULL;
    if (tg__is_cancelled(body_error))
        propagate_cancel = tg_error_ref(body_error);
    if (g->parent_cancel_requested && tg_task_uncancel(self) == 0) {
        /* We cancelled the owner ourselves: absorb that cancellation. */
        tg_error_unref(propagate_cancel);
        propagate_cancel = NULL;
    }
    if (body_error && !g->aborting)
        group_abort(g);

    while (g->active > 0) {
        tg_error *e = wait_children(g);
        if (!e)
            continue;
        if (!g->aborting) {
            /* The owner is being cancelled from outside. */
            tg_error_unref(propagate_cancel);
            propagate_cancel = e;
            group_abort(g);
        } else {
            tg_error_unref(e);
        }
    }

    tg_error *result = NULL;
    if (propagate_cancel && g->nerrors == 0) {
        result = propagate_cancel;
        propagate_cancel = NULL;
    } else {
        if (body_error && !tg__is_cancelled(body_error))
            g->errors[g->nerrors++] = tg_error_ref(body_error);
        if (g->nerrors) {
            result = tg_error_group_new("unhandled errors in a TaskGroup",
                                        g->errors, g->nerrors);
            if (tg_error_is_group(result))
                tg_error_from(result, NULL); /* "raise me from None" */
            for (size_t i = 0; i < g->nerrors; i++)
                tg__error_unref(g->errors[i]);
            g->nerrors = 0;
        }
    }
    tg_error_unref(propagate_cancel);
    tg_error_unref(body_error);
    tg__task_note_outcome(self, result);
    tg__trace(run, TG_EV_GROUP_DONE, self, 0, result, NULL);
    return result;
}

tg_error *tg_group_wait(tg_group *g)
{
    tg__run *run = tg__current_run;
    tg_task *self = run ? run->current : NULL;
    tg_error *body = NULL;
    /* The body's latest suspension point delivered a cancellation: that is
     * "CancelledError escaped the async with body". */
    if (g && self == g->owner && self->last_cancel &&
        self->last_cancel_at > g->owner_suspensions_at_new)
        body = tg_error_ref(self->last_cancel);
    return tg_group_exit(g, body);
}

static void group_release(tg__run *run, tg_group *g)
{
    tg_task *t = g->tasks;
    while (t) {
        tg_task *next = t->group_next;
        /* A fail-fast group's tasks each hold a CancelledError, made long
         * ago and out of cache: fetch the next one's while this one goes. */
        if (next && next->result.error)
            __builtin_prefetch(next->result.error);
        tg__task_free(run, t);
        t = next;
    }
    for (size_t i = 0; i < g->nerrors; i++)
        tg_error_unref(g->errors[i]);
    tg__free(g->errors);
    tg__list_remove(&g->live_link);
    run->stats.groups_live--;
    tg__free(g);
}

void tg_group_free(tg_group *g)
{
    tg__run *run = tg__current_run;
    if (!g)
        return;
    if (g->active > 0) {
        fprintf(stderr,
                "tg: fatal: tg_group_free() on a group with %zu task(s) "
                "still running; call tg_group_wait() first\n",
                g->active);
        abort();
    }
    group_release(run, g);
}

void tg__groups_free_all(tg__run *run)
{
    while (!tg__list_empty(&run->groups)) {
        tg_group *g = TG__CONTAINER_OF(run->groups.next, tg_group, live_link);
        group_release(run, g);
    }
}
