/*
 * loop.c -- tg_run and the event loop.
 *
 * One loop iteration works like asyncio's _run_once: poll I/O, move the
 * timers that are due into the ready queue, then run exactly the handles
 * that were queued when the iteration began (a marker handle closes the
 * batch; whatever they queue runs in the next iteration).  With virtual
 * time, when nothing is ready and no I/O is pending, the clock jumps to the
 * next deadline.  When nothing can ever be ready again (every task blocked,
 * no timer, no I/O), the run is deadlocked: the tasks are cancelled so that
 * they unwind, and main's result says what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

_Thread_local tg__run *tg__current_run;

/* Deadlock breaks allowed before the run gives up on tasks that keep
 * blocking after being cancelled. */
#define MAX_DEADLOCK_BREAKS 64

uint64_t tg__clock(tg__run *run)
{
    if (run->opts.virtual_time)
        return run->now_ms;
    return (uv_hrtime() - run->start_ns) / 1000000u;
}

uint64_t tg_now(void)
{
    tg__run *run = tg__current_run;
    return run ? tg__clock(run) : 0;
}

void tg__trace_emit(tg__run *run, tg_event_kind kind, const tg_task *t,
                    uint64_t peer, const tg_error *e, const char *detail)
{
    tg_event ev = {
        .kind = kind,
        .time_ms = tg__clock(run),
        .task_id = t ? t->id : 0,
        .peer_id = peer,
        .task_name = t ? tg_task_name(t) : NULL,
        .error = e,
        .detail = detail,
    };
    run->opts.trace(&ev, run->opts.trace_ud);
    /* A hook that ran on the scheduler's side may have changed its
     * floating-point control state, read once at the start otherwise. */
    if (!run->current)
        tg__ctx_save_fp(&run->sched_ctx);
}

void tg_get_stats(tg_stats *out)
{
    tg__run *run = tg__current_run;
    memset(out, 0, sizeof *out);
    if (run) {
        *out = run->stats;
        out->stacks_mapped = run->pool.stacks;
    }
}

/* How far ahead of the handle it runs the loop starts fetching: the task
 * struct of the handle FETCH_TASK_AHEAD places on, and the stack of the
 * one FETCH_STACK_AHEAD places on (whose task struct is in cache by
 * then).  Thousands of tasks do not fit in cache; memory latency is
 * hidden only if the fetches start several handles early. */
#define FETCH_TASK_AHEAD 8
#define FETCH_STACK_AHEAD 4

/* Runs the handles queued before this call; later ones wait their turn. */
static void run_batch(tg__run *run)
{
    tg__ready *q = &run->ready;
    q->batch_end = q->tail;
    while (q->head != q->batch_end) {
        uint64_t pos = q->head++;
        tg__handle *h = q->ring[pos & q->mask];
        if (pos + FETCH_TASK_AHEAD < q->tail) {
            const char *far = (const char *)q->ring[(pos + FETCH_TASK_AHEAD) &
                                                    q->mask];
            if (far) { /* a task's two lines, or a timer's and more */
                __builtin_prefetch(far);
                __builtin_prefetch(far + 64);
            }
        }
        if (pos + FETCH_STACK_AHEAD < q->tail) {
            const tg__handle *near =
                q->ring[(pos + FETCH_STACK_AHEAD) & q->mask];
            if (near)
                tg__handle_prefetch_stack(near);
        }
        if (!h) {
            q->gaps--; /* unqueued before its turn */
            continue;
        }
        h->queued = 0;
        if (h->run == tg__task_step) /* most handles: the step inline */
            tg__task_run_step(run, TG__CONTAINER_OF(h, tg_task, step));
        else
            h->run(h);
    }
    q->batch_end = q->head;
}

static void move_due_timers(tg__run *run)
{
    uint64_t now = tg__clock(run);
    tg__timer *tm;
    while ((tm = tg__timer_peek(run)) && tm->deadline <= now) {
        tg__timer_pop(run);
        tg__call_soon(run, &tm->handle);
    }
}

static void on_wake_timer(uv_timer_t *timer)
{
    (void)timer; /* only wakes uv_run; due timers are moved afterwards */
}

/* Blocks in libuv until I/O happens or, in real time, the next timer is
 * due. */
static void wait_for_events(tg__run *run)
{
    tg__timer *next = tg__timer_peek(run);
    if (next && !run->opts.virtual_time) {
        uint64_t now = tg__clock(run);
        uint64_t delay = next->deadline > now ? next->deadline - now : 0;
        uv_timer_start(&run->wake_timer, on_wake_timer, delay, 0);
    }
    uv_run(&run->loop, UV_RUN_ONCE);
    uv_timer_stop(&run->wake_timer);
}

/* Cancels every task that has not finished, in spawn order. */
static void cancel_live_tasks(tg__run *run)
{
    tg_task_cancel(run->main);
    for (tg__node *n = run->groups.next; n != &run->groups; n = n->next)
        tg__group_cancel_all(TG__CONTAINER_OF(n, tg_group, live_link));
}

/* Nothing is ready and nothing can wake anyone: returns false when the run
 * should give up. */
static bool break_deadlock(tg__run *run, unsigned *breaks)
{
    if (++*breaks > MAX_DEADLOCK_BREAKS)
        return false;
    run->deadlocked = true;
    cancel_live_tasks(run);
    return !tg__ready_empty(run);
}

/* Drives the loop until every task has finished.  Returns false when the
 * run had to give up on a deadlock. */
static bool drive(tg__run *run)
{
    unsigned breaks = 0;
    bool shutting_down = false;
    unsigned iterations = 0;

    while (run->tasks_not_done > 0) {
        /* Now and then (a clock read is dear next to a short iteration),
         * let the error cache give back what a past peak left idle. */
        if ((++iterations & 1023) == 0)
            tg__error_block_cache_tick(uv_hrtime() / 1000000u);
        if (!shutting_down && run->main->state == TG__TASK_DONE) {
            /* As asyncio.run does: cancel what main left behind. */
            shutting_down = true;
            cancel_live_tasks(run);
        }
        bool ready = !tg__ready_empty(run);
        tg__timer *next = tg__timer_peek(run);
        if (run->io_pending) {
            if (ready || (next && run->opts.virtual_time))
                uv_run(&run->loop, UV_RUN_NOWAIT);
            else
                wait_for_events(run);
        } else if (!ready && !next) {
            if (!break_deadlock(run, &breaks))
                return false;
        } else if (!ready && !run->opts.virtual_time) {
            wait_for_events(run);
        }
        /* Virtual time: nothing to do now, so the next deadline is now. */
        next = tg__timer_peek(run);
        if (run->opts.virtual_time && next && tg__ready_empty(run) &&
            next->deadline > run->now_ms)
            run->now_ms = next->deadline;
        move_due_timers(run);
        if (!tg__ready_empty(run))
            run_batch(run);
    }
    return true;
}

static void rng_seed(uint64_t *s, uint64_t seed)
{
    /* splitmix64, as the xoshiro authors recommend for seeding */
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += UINT64_C(0x9E3779B97F4A7C15));
        z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
        s[i] = z ^ (z >> 31);
    }
}

static _Thread_local uint64_t outside_rng[4];
static _Thread_local bool outside_rng_seeded;

uint64_t tg_random(void)
{
    tg__run *run = tg__current_run;
    uint64_t *s = run ? run->rng : outside_rng;
    if (!run && !outside_rng_seeded) {
        rng_seed(outside_rng, 0);
        outside_rng_seeded = true;
    }
    /* xoshiro256** */
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

uint64_t tg_random_below(uint64_t n)
{
    if (n == 0)
        return 0;
    /* Rejection sampling: no modulo bias. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do
        r = tg_random();
    while (r >= limit);
    return r % n;
}

static void on_close(uv_handle_t *h)
{
    (void)h;
}

static void run_teardown(tg__run *run)
{
    tg__groups_free_all(run);
    tg__task_free_all(run);
    tg__timers_free(run);
    tg__ready_free(&run->ready);
    tg__fiber_pool_destroy(&run->pool);
    uv_close((uv_handle_t *)&run->wake_timer, on_close);
    uv_run(&run->loop, UV_RUN_DEFAULT);
    uv_loop_close(&run->loop);
}

tg_result tg_run(tg_fn main_fn, void *arg, const tg_options *opts)
{
    if (tg__current_run)
        return tg_raise(tg_error_new(&TG_RuntimeError,
                                     "tg_run() cannot be called from a "
                                     "running task"));
    tg__run *run = tg__calloc(1, sizeof *run);
    if (!run)
        return tg_raise(tg__error_oom());
    if (opts)
        run->opts = *opts;
    if (uv_loop_init(&run->loop) != 0) {
        tg__free(run);
        return tg_raise(tg_error_new(&TG_OSError, "uv_loop_init failed"));
    }
    uv_timer_init(&run->loop, &run->wake_timer);
    uv_unref((uv_handle_t *)&run->wake_timer);
    tg__ready_init(&run->ready);
    tg__list_init(&run->groups);
    run->start_ns = uv_hrtime();
    run->next_task_id = 1;
    rng_seed(run->rng, run->opts.seed);
    tg__fiber_pool_init(&run->pool, run->opts.stack_size);
    tg__ctx_save_fp(&run->sched_ctx); /* the scheduler's, for the run */
    tg__fiber_overflow_handler_install();
    tg__error_caches_hold(true);
    tg__current_run = run;

    tg_result result;
    run->main = tg__task_new(run, NULL, main_fn, arg, "main");
    if (!run->main) {
        result = tg_raise(tg__error_oom());
    } else {
        tg__call_soon(run, &run->main->step);
        bool finished = drive(run);
        if (run->main->state == TG__TASK_DONE) {
            result = run->main->result;
            run->main->result.error = NULL; /* handed to the caller */
        } else {
            result = tg_raise(tg_error_new(&TG_RuntimeError,
                                           "deadlock: main never finished"));
        }
        if (run->deadlocked && result.error)
            tg_error_add_note(result.error,
                              "deadlock: every task was waiting and nothing "
                              "could wake them, so the run cancelled them%s",
                              finished ? "" : " (some never finished)");
    }
    tg__current_run = NULL;
    tg__fiber_overflow_handler_remove();
    run_teardown(run);
    tg__free(run);
    tg__error_caches_hold(false);
    return result;
}
