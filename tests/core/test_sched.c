/*
 * test_sched.c -- the scheduler: lazy FIFO start, suspension points,
 * cancellation delivery (asyncio.Task's rules), virtual time, seeded
 * determinism of the event trace, deadlock handling and misuse outside a
 * run; a batch runs only what was queued before it began (a task that
 * keeps yielding cannot starve a timer); the floating-point rounding mode
 * belongs to the side that set it.
 */
#include <fenv.h>
#include <stdlib.h>

#include "tg_test.h"

static tg_test_log *g_log;

/* ---- tasks start lazily, in FIFO order, when the spawner suspends ------- */

static tg_result logger(void *arg)
{
    tg_test_logf(g_log, "start %d@%llu;", (int)(intptr_t)arg,
                 (unsigned long long)tg_now());
    tg_error *e = tg_yield();
    if (e)
        return tg_raise(e);
    tg_test_logf(g_log, "end %d;", (int)(intptr_t)arg);
    return tg_return(arg);
}

static tg_result fifo_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    for (int i = 0; i < 3; i++)
        tg_spawn(g, logger, (void *)(intptr_t)i);
    tg_test_logf(g_log, "spawned;");
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_lazy_fifo_start(void **state)
{
    (void)state;
    tg_test_log log = {0};
    g_log = &log;
    tg_result r = tg_test_run(fifo_main, NULL, 1);
    assert_null(r.error);
    assert_string_equal(log.buf, "spawned;start 0@0;start 1@0;start 2@0;"
                                 "end 0;end 1;end 2;");
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- virtual time: 100 tasks sleeping 1..100 ms end exactly on time ------ */

typedef struct hundred {
    uint64_t woke[101];
    uint64_t end;
} hundred;

static hundred *g_hundred;

static tg_result sleep_i(void *arg)
{
    uint64_t ms = (uint64_t)(uintptr_t)arg;
    tg_error *e = tg_sleep(ms);
    if (e)
        return tg_raise(e);
    g_hundred->woke[ms] = tg_now();
    return tg_return(NULL);
}

static tg_result hundred_main(void *arg)
{
    hundred *h = arg;
    tg_group *g = tg_group_new();
    for (uintptr_t ms = 100; ms >= 1; ms--) /* spawn in reverse order */
        tg_spawn(g, sleep_i, (void *)ms);
    tg_error *e = tg_group_wait(g);
    h->end = tg_now();
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_virtual_time_is_exact(void **state)
{
    (void)state;
    hundred h = {0};
    g_hundred = &h;
    tg_result r = tg_test_run(hundred_main, &h, 1);
    assert_null(r.error);
    for (int ms = 1; ms <= 100; ms++)
        assert_int_equal(h.woke[ms], ms);
    /* Concurrent, not one after another: 100 ms, not 5050 ms. */
    assert_int_equal(h.end, 100);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- equal deadlines fire in the order they were armed ------------------- */

static tg_result tie(void *arg)
{
    tg_error *e = tg_sleep(10);
    if (e)
        return tg_raise(e);
    tg_test_logf(g_log, "%d", (int)(intptr_t)arg);
    return tg_return(NULL);
}

static tg_result tie_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    for (int i = 0; i < 8; i++)
        tg_spawn(g, tie, (void *)(intptr_t)i);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_ties_break_by_arm_order(void **state)
{
    (void)state;
    tg_test_log log = {0};
    g_log = &log;
    tg_result r = tg_test_run(tie_main, NULL, 1);
    assert_null(r.error);
    assert_string_equal(log.buf, "01234567");
}

/* ---- cancellation rules ------------------------------------------------------ */

typedef struct cancels {
    int body_ran;
    tg_task *unstarted;
    tg_task *sleeping;
    tg_error *sleep_err;
    uint64_t sleep_err_at;
    bool unstarted_cancelled;
    bool cancel_done_returns_false;
    int count_after_two;
    int count_after_uncancel;
} cancels;

static cancels *g_cancels;

static tg_result never_body(void *arg)
{
    (void)arg;
    g_cancels->body_ran = 1;
    return tg_return(NULL);
}

static tg_result long_sleep(void *arg)
{
    (void)arg;
    tg_error *e = tg_sleep(1000);
    g_cancels->sleep_err_at = tg_now();
    g_cancels->sleep_err = tg_error_ref(e);
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result cancels_main(void *arg)
{
    cancels *c = arg;
    tg_group *g = tg_group_new();
    c->unstarted = tg_spawn(g, never_body, NULL);
    tg_task_cancel(c->unstarted); /* before it ever ran */
    c->sleeping = tg_spawn(g, long_sleep, NULL);
    tg_error *e = tg_sleep(5);
    tg_error_unref(e);
    tg_task_cancel(c->sleeping);
    tg_task_cancel(c->sleeping); /* counted twice, delivered once */
    c->count_after_two = tg_task_cancelling(c->sleeping);
    c->count_after_uncancel = tg_task_uncancel(c->sleeping);
    e = tg_group_wait(g);
    c->unstarted_cancelled = tg_task_cancelled(c->unstarted);
    c->cancel_done_returns_false = !tg_task_cancel(c->sleeping);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_cancellation_rules(void **state)
{
    (void)state;
    cancels c = {0};
    g_cancels = &c;
    tg_result r = tg_test_run(cancels_main, &c, 1);
    assert_null(r.error);
    assert_int_equal(c.body_ran, 0); /* cancelled before start: never ran */
    assert_true(c.unstarted_cancelled);
    assert_true(tg_error_is(c.sleep_err, &TG_CancelledError));
    assert_int_equal(c.sleep_err_at, 5);
    assert_int_equal(c.count_after_two, 2);
    assert_int_equal(c.count_after_uncancel, 1);
    assert_true(c.cancel_done_returns_false);
    tg_error_unref(c.sleep_err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* A task cancelled while it runs sees it at its next suspension point. */
static tg_result self_cancel(void *arg)
{
    (void)arg;
    tg_task_cancel(tg_current_task());
    tg_test_logf(g_log, "still running;");
    tg_error *e = tg_sleep(10);
    tg_test_logf(g_log, "%s@%llu;", e ? tg_error_type_name(e) : "none",
                 (unsigned long long)tg_now());
    return e ? tg_raise(e) : tg_return(NULL);
}

/* A task that returns with a cancellation pending counts as cancelled. */
static tg_result cancel_then_return(void *arg)
{
    (void)arg;
    tg_task_cancel(tg_current_task());
    return tg_return((void *)1);
}

static tg_result self_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    tg_task *a = tg_spawn(g, self_cancel, NULL);
    tg_task *b = tg_spawn(g, cancel_then_return, NULL);
    tg_error *e = tg_group_wait(g);
    tg_test_logf(g_log, "a:%d b:%d;", tg_task_cancelled(a),
                 tg_task_cancelled(b));
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_self_cancel(void **state)
{
    (void)state;
    tg_test_log log = {0};
    g_log = &log;
    tg_result r = tg_test_run(self_main, NULL, 1);
    assert_null(r.error);
    assert_string_equal(log.buf,
                        "still running;CancelledError@0;a:1 b:1;");
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- the same seed gives the same trace; another seed another one ------ */

typedef struct trace {
    char buf[8192];
    size_t len;
} trace;

static void record(const tg_event *ev, void *ud)
{
    trace *t = ud;
    int n = snprintf(t->buf + t->len, sizeof t->buf - t->len,
                     "%d:%llu:%llu:%s|", (int)ev->kind,
                     (unsigned long long)ev->time_ms,
                     (unsigned long long)ev->task_id,
                     ev->error ? tg_error_type_name(ev->error) : "-");
    if (n > 0 && t->len + (size_t)n < sizeof t->buf)
        t->len += (size_t)n;
}

static tg_result jittery(void *arg)
{
    (void)arg;
    tg_error *e = tg_sleep(1 + tg_random_below(50));
    if (e)
        return tg_raise(e);
    if (tg_random_below(4) == 0)
        return tg_raise(tg_error_new(&TG_ConnectionError, "injected"));
    return tg_return(NULL);
}

static tg_result jitter_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    for (int i = 0; i < 12; i++)
        tg_spawn(g, jittery, NULL);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    tg_error_unref(e);
    return tg_return(NULL);
}

static void run_traced(uint64_t seed, trace *t)
{
    tg_options o = {.virtual_time = true, .seed = seed, .trace = record,
                    .trace_ud = t};
    tg_result r = tg_run(jitter_main, NULL, &o);
    assert_null(r.error);
}

static void test_sched_same_seed_same_trace(void **state)
{
    (void)state;
    static trace a, b, c;
    run_traced(42, &a);
    run_traced(42, &b);
    run_traced(43, &c);
    assert_true(a.len > 100);
    assert_string_equal(a.buf, b.buf);
    assert_string_not_equal(a.buf, c.buf);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- deadlock: nothing can wake anyone -------------------------------------- */

static tg_result wait_forever(void *arg)
{
    tg_sem *s = arg;
    tg_error *e = tg_sem_acquire(s); /* nobody will ever release */
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result deadlock_main(void *arg)
{
    (void)arg;
    tg_sem *s = tg_sem_new(0);
    tg_group *g = tg_group_new();
    tg_spawn(g, wait_forever, s);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    tg_sem_free(s);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_deadlock_is_broken_and_reported(void **state)
{
    (void)state;
    tg_result r = tg_test_run(deadlock_main, NULL, 1);
    assert_true(tg_error_is(r.error, &TG_CancelledError));
    assert_int_equal(tg_error_note_count(r.error), 1);
    assert_non_null(strstr(tg_error_note_at(r.error, 0), "deadlock"));
    tg_error_unref(r.error);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- tasks left running when main returns are cancelled ----------------- */

static tg_result left_behind(void *arg)
{
    tg_error *e = tg_sleep(10000);
    *(int *)arg = tg_error_is(e, &TG_CancelledError);
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result forgetful_main(void *arg)
{
    tg_group *g = tg_group_new(); /* never waited, never freed */
    tg_spawn(g, left_behind, arg);
    tg_error *e = tg_yield();
    tg_error_unref(e);
    return tg_return((void *)7);
}

static void test_sched_main_return_cancels_the_rest(void **state)
{
    (void)state;
    int saw_cancel = 0;
    tg_result r = tg_test_run(forgetful_main, &saw_cancel, 1);
    assert_null(r.error);
    assert_int_equal((intptr_t)r.value, 7);
    assert_int_equal(saw_cancel, 1);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- misuse outside a run ---------------------------------------------------- */

static tg_result nested_run(void *arg)
{
    (void)arg;
    tg_result inner = tg_run(nested_run, NULL, NULL);
    return inner;
}

static void test_sched_misuse_outside_a_task(void **state)
{
    (void)state;
    tg_error *e = tg_sleep(1);
    assert_true(tg_error_is(e, &TG_RuntimeError));
    tg_error_unref(e);
    e = tg_yield();
    assert_true(tg_error_is(e, &TG_RuntimeError));
    tg_error_unref(e);
    assert_null(tg_group_new());
    assert_null(tg_current_task());
    tg_result r = tg_run(nested_run, NULL, NULL);
    assert_true(tg_error_is(r.error, &TG_RuntimeError));
    tg_error_unref(r.error);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- real time: a short sleep really sleeps (no exact assertion) -------- */

static tg_result real_sleep(void *arg)
{
    (void)arg;
    uint64_t before = tg_now();
    tg_error *e = tg_sleep(20);
    if (e)
        return tg_raise(e);
    return tg_return((void *)(uintptr_t)(tg_now() - before));
}

static void test_sched_real_time_sleep_advances_clock(void **state)
{
    (void)state;
    tg_result r = tg_run(real_sleep, NULL, NULL);
    assert_null(r.error);
    /* The clock moved by at least the sleep; not a timing assertion. */
    assert_true((uintptr_t)r.value >= 20);
}

/* ---- the PRNG is seeded per run ------------------------------------------------ */

static tg_result draw(void *arg)
{
    uint64_t *out = arg;
    for (int i = 0; i < 4; i++)
        out[i] = tg_random();
    out[4] = tg_random_below(10);
    return tg_return(NULL);
}

static void test_sched_random_is_seeded_per_run(void **state)
{
    (void)state;
    uint64_t a[5], b[5], c[5];
    tg_test_run(draw, a, 7);
    tg_test_run(draw, b, 7);
    tg_test_run(draw, c, 8);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    assert_true(a[4] < 10);
}

/* ---- one loop iteration runs one batch: a yielding loop cannot starve a
 * timer ------------------------------------------------------------------- */

static volatile int g_woke;
static long g_spins;

static tg_result sleeper(void *arg)
{
    (void)arg;
    tg_error *e = tg_sleep(2);
    if (e)
        return tg_raise(e);
    g_woke = 1;
    return tg_return(NULL);
}

static tg_result spinner(void *arg)
{
    (void)arg;
    /* Each yield is queued for the next batch; due timers are moved in
     * between batches.  A loop that ran until the queue was empty would
     * never move the sleeper's timer. */
    while (!g_woke && g_spins < 50000000) {
        tg_error *e = tg_yield();
        if (e)
            return tg_raise(e);
        g_spins++;
    }
    return tg_return(NULL);
}

static tg_result spin_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    tg_spawn(g, sleeper, NULL);
    tg_spawn(g, spinner, NULL);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_yield_loop_does_not_starve_a_timer(void **state)
{
    (void)state;
    g_woke = 0;
    g_spins = 0;
    tg_result r = tg_run(spin_main, NULL, NULL); /* real time */
    assert_null(r.error);
    assert_true(g_woke);
    assert_true(g_spins < 50000000);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- the rounding mode stays on the side that set it --------------------- */

static int g_task_rounding, g_other_rounding;

/* The cancel a timeout fires is reported from the scheduler's side. */
static void round_up_on_cancel(const tg_event *ev, void *ud)
{
    (void)ud;
    if (ev->kind == TG_EV_CANCEL)
        fesetround(FE_UPWARD);
}

static tg_result timed_out(void *arg)
{
    (void)arg;
    tg_timeout *to = tg_timeout_enter(1);
    tg_error *e = tg_sleep(5); /* cancelled by the timeout */
    g_task_rounding = fegetround();
    return tg_raise(tg_timeout_exit(to, e));
}

static tg_result rounds_down(void *arg)
{
    (void)arg;
    fesetround(FE_DOWNWARD);
    tg_error *e = tg_sleep(10);
    g_other_rounding = fegetround(); /* after the others ran */
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result rounding_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    tg_spawn(g, timed_out, NULL);
    tg_spawn(g, rounds_down, NULL);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sched_rounding_mode_stays_on_its_side(void **state)
{
    (void)state;
    tg_options o = {.virtual_time = true, .trace = round_up_on_cancel};
    tg_result r = tg_run(rounding_main, NULL, &o);
    int after = fegetround();
    fesetround(FE_TONEAREST);
    /* The timeout's TimeoutError, in the group. */
    assert_non_null(r.error);
    tg_error_unref(r.error);
    /* The hook ran on the scheduler's side: tasks never saw its mode ... */
    assert_int_equal(g_task_rounding, FE_TONEAREST);
    /* ... a task keeps its own across switches ... */
    assert_int_equal(g_other_rounding, FE_DOWNWARD);
    /* ... and the side that called tg_run keeps what the hook set there. */
    assert_int_equal(after, FE_UPWARD);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sched_lazy_fifo_start),
        cmocka_unit_test(test_sched_virtual_time_is_exact),
        cmocka_unit_test(test_sched_ties_break_by_arm_order),
        cmocka_unit_test(test_sched_cancellation_rules),
        cmocka_unit_test(test_sched_self_cancel),
        cmocka_unit_test(test_sched_same_seed_same_trace),
        cmocka_unit_test(test_sched_deadlock_is_broken_and_reported),
        cmocka_unit_test(test_sched_main_return_cancels_the_rest),
        cmocka_unit_test(test_sched_misuse_outside_a_task),
        cmocka_unit_test(test_sched_real_time_sleep_advances_clock),
        cmocka_unit_test(test_sched_yield_loop_does_not_starve_a_timer),
        cmocka_unit_test(test_sched_rounding_mode_stays_on_its_side),
        cmocka_unit_test(test_sched_random_is_seeded_per_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
