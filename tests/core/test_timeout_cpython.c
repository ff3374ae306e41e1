/*
 * test_timeout_cpython.c -- the parts of CPython 3.11.7's
 * Lib/test/test_asyncio/test_timeouts.py that apply to libtg's timeout
 * scopes (tg_timeout_enter/tg_timeout_exit), one cmocka test per Python
 * test (test_timeout_cpython_<python name>).
 *
 * How the Python maps to C:
 *   async with asyncio.timeout(0.01) as cm: body
 *                          to = tg_timeout_enter(10); body;
 *                          err = tg_timeout_exit(to, what left the body)
 *   cm.expired() after the block   tg_timeout_expired(to) just before
 *                          tg_timeout_exit (which frees the scope); the
 *                          state is already EXPIRING then, so the answer
 *                          is the same.
 *   with self.assertRaises(T): ... inside the coroutine
 *                          assert_raises(): what Python's context manager
 *                          does -- swallow a T, let anything else through,
 *                          raise AssertionError when nothing was raised --
 *                          so the outcome is checked after tg_run.
 *   time.sleep() blocking the loop thread   nanosleep() in a run on real
 *                          time (virtual time cannot pass while the loop
 *                          is blocked).  Everything else runs on virtual
 *                          time.
 * Every test also checks that no tg_error leaked (teardown).
 *
 * Not ported, and why:
 *   test_timeout_at_basic, test_timeout_at_disabled   no absolute-deadline
 *                          scope (timeout_at) nor cm.when() in libtg.
 *   test_timeout_disabled  no "never" delay (timeout(None)).
 *   test_timeout_in_the_past_sleep_zero   a negative delay cannot be
 *                          expressed (uint64_t ms); 0 is
 *                          test_timeout_zero_sleep_zero.
 *   test_reschedule, test_timeout_finished, test_timeout_expired,
 *   test_timeout_expiring, test_timeout_not_entered   no reschedule().
 *   test_repr_active, test_repr_expired, test_repr_finished,
 *   test_repr_disabled     no repr of a scope.
 *   test_timeout_already_entered, test_timeout_double_enter
 *                          tg_timeout_enter creates and enters the scope
 *                          and tg_timeout_exit frees it: a scope cannot
 *                          be entered twice.
 * Ported in part:
 *   test_timeout_not_called, test_timeout_zero,
 *   test_timeout_zero_sleep_zero   the cm.when() comparisons are dropped;
 *                          for the zero delays, "the deadline is now" is
 *                          checked as "no virtual time passed".
 *   test_timeout_without_task   the reschedule() half is dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "tg.h"

static TG_ERROR_TYPE(ZeroDivisionError, TG_Exception);
static TG_ERROR_TYPE(AssertionError, TG_Exception);

/* ---- harness ----------------------------------------------------------- */

static size_t live_before;

static int setup(void **state)
{
    (void)state;
    live_before = tg_error_live_count();
    return 0;
}

/* No tg_error may outlive a test. */
static int teardown(void **state)
{
    (void)state;
    size_t live = tg_error_live_count();
    if (live != live_before) {
        print_error("leaked %zu tg_error(s)\n", live - live_before);
        return -1;
    }
    return 0;
}

/* A coroutine function and its argument. */
typedef struct job {
    tg_fn fn;
    void *arg;
} job;

static uint64_t end_ms; /* run's clock when the test's body returned */

static tg_result timed_main(void *arg)
{
    const job *j = arg;
    tg_result r = j->fn(j->arg);
    end_ms = tg_now();
    return r;
}

/* Runs fn(arg) as the test's own task; end_ms then says how long it took
 * (on virtual time, exactly what CPython takes, give or take its clock). */
static tg_result run_on(bool virtual_time, tg_fn fn, void *arg)
{
    tg_options opts = {.virtual_time = virtual_time};
    job j = {fn, arg};
    end_ms = UINT64_MAX;
    return tg_run(timed_main, &j, &opts);
}

static tg_result run_virtual(tg_fn fn, void *arg)
{
    return run_on(true, fn, arg);
}

#define assert_took(ms) assert_int_equal(end_ms, (ms))

/* Fails the test with the rendered error when e is not NULL. */
static void expect_no_error(tg_error *e)
{
    if (!e)
        return;
    char *s = tg_error_format(e);
    print_error("unexpected error:\n%s\n", s ? s : "?");
    free(s);
    tg_error_unref(e);
    fail();
}

/* with self.assertRaises(TimeoutError) around the whole test body. */
static void expect_type(tg_error *e, const tg_error_type *type)
{
    if (!tg_error_is(e, type)) {
        char *s = e ? tg_error_format(e) : NULL;
        print_error("expected %s, got:\n%s\n", type->name, s ? s : "None");
        free(s);
        tg_error_unref(e);
        fail();
    }
}

/* ---- helpers used inside tasks (no cmocka calls here) ------------------ */

/* "with self.assertRaises(type): ..." given what the block raised (owned):
 * swallows a match, lets anything else through, and raises AssertionError
 * when nothing was raised, as unittest does. */
static tg_error *assert_raises(const tg_error_type *type, tg_error *raised)
{
    if (!raised)
        return tg_error_new(&AssertionError, "%s not raised", type->name);
    if (tg_error_is(raised, type)) {
        tg_error_unref(raised);
        return NULL;
    }
    return raised;
}

/* "finally: raise X" while e is in flight: X replaces e (its context). */
static tg_error *replace(tg_error *e, tg_error *x)
{
    if (e)
        tg_error_set_context(x, e);
    return x;
}

/* Leaves the scope; *expired gets cm.expired() as Python sees it after
 * the block. */
static tg_error *leave(tg_timeout *to, tg_error *body, bool *expired)
{
    *expired = tg_timeout_expired(to);
    return tg_timeout_exit(to, body);
}

/* time.sleep(): blocks the loop's thread, no suspension point. */
static void block_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

typedef struct obs {
    bool sleep_zero; /* input: test_timeout_zero_sleep_zero's variant */
    bool expired, expired2;
    bool cancelled;
    uint64_t t0, t1;
} obs;

/* ---- test_timeout_basic ------------------------------------------------ */

static tg_result basic_main(void *arg)
{
    obs *o = arg;
    tg_timeout *cm = tg_timeout_enter(10);
    tg_error *e = tg_sleep(10000);
    return tg_raise(leave(cm, e, &o->expired));
}

static void test_timeout_cpython_timeout_basic(void **state)
{
    (void)state;
    obs o = {0};
    tg_error *e = run_virtual(basic_main, &o).error;
    assert_took(10);
    expect_type(e, &TG_TimeoutError);
    assert_true(o.expired);
    tg_error_unref(e);
}

/* ---- test_nested_timeouts ---------------------------------------------- */

static tg_result nested_main(void *arg)
{
    obs *o = arg;
    /* Both scopes have the same deadline (timeout_at(deadline) twice). */
    tg_timeout *cm1 = tg_timeout_enter(10);
    tg_timeout *cm2 = tg_timeout_enter(10);
    tg_error *e = tg_sleep(10000);
    e = leave(cm2, e, &o->expired2);
    /* Only the topmost scope turns it into TimeoutError. */
    if (tg_error_is(e, &TG_CancelledError))
        o->cancelled = true; /* and "raise" */
    return tg_raise(leave(cm1, e, &o->expired));
}

static void test_timeout_cpython_nested_timeouts(void **state)
{
    (void)state;
    obs o = {0};
    tg_error *e = run_virtual(nested_main, &o).error;
    assert_took(10);
    expect_type(e, &TG_TimeoutError);
    assert_true(o.cancelled);
    assert_true(o.expired);
    assert_true(o.expired2);
    tg_error_unref(e);
}

/* ---- test_waiter_cancelled --------------------------------------------- */

static tg_result waiter_cancelled_main(void *arg)
{
    obs *o = arg;
    tg_timeout *cm = tg_timeout_enter(10);
    tg_error *e = tg_sleep(10000);
    if (tg_error_is(e, &TG_CancelledError))
        o->cancelled = true; /* and "raise" */
    return tg_raise(leave(cm, e, &o->expired));
}

static void test_timeout_cpython_waiter_cancelled(void **state)
{
    (void)state;
    obs o = {0};
    tg_error *e = run_virtual(waiter_cancelled_main, &o).error;
    assert_took(10);
    expect_type(e, &TG_TimeoutError);
    assert_true(o.cancelled);
    tg_error_unref(e);
}

/* ---- test_timeout_not_called ------------------------------------------- */

static tg_result not_called_main(void *arg)
{
    obs *o = arg;
    tg_timeout *cm = tg_timeout_enter(10000);
    tg_error *e = tg_sleep(10);
    return tg_raise(leave(cm, e, &o->expired));
}

static void test_timeout_cpython_timeout_not_called(void **state)
{
    (void)state;
    obs o = {.expired = true};
    expect_no_error(run_virtual(not_called_main, &o).error);
    assert_took(10);
    assert_false(o.expired);
}

/* ---- test_timeout_zero, test_timeout_zero_sleep_zero ------------------- */

static tg_result zero_main(void *arg)
{
    obs *o = arg;
    o->t0 = tg_now();
    tg_timeout *cm = tg_timeout_enter(0);
    tg_error *e = tg_sleep(o->sleep_zero ? 0 : 10000);
    e = leave(cm, e, &o->expired);
    o->t1 = tg_now();
    return tg_raise(e);
}

static void run_zero(bool sleep_zero)
{
    obs o = {.sleep_zero = sleep_zero};
    tg_error *e = run_virtual(zero_main, &o).error;
    assert_took(0);
    expect_type(e, &TG_TimeoutError);
    assert_true(o.expired);
    /* t0 <= cm.when() <= t1: the deadline was "now", no time passed */
    assert_int_equal(o.t1, o.t0);
    tg_error_unref(e);
}

static void test_timeout_cpython_timeout_zero(void **state)
{
    (void)state;
    run_zero(false);
}

static void test_timeout_cpython_timeout_zero_sleep_zero(void **state)
{
    (void)state;
    run_zero(true);
}

/* ---- test_foreign_exception_passed ------------------------------------- */

static tg_result foreign_passed_main(void *arg)
{
    obs *o = arg;
    tg_timeout *cm = tg_timeout_enter(10);
    tg_error *e = tg_error_new(&TG_KeyError, "%s", ""); /* raise KeyError */
    return tg_raise(leave(cm, e, &o->expired));
}

static void test_timeout_cpython_foreign_exception_passed(void **state)
{
    (void)state;
    obs o = {.expired = true};
    tg_error *e = run_virtual(foreign_passed_main, &o).error;
    assert_took(0);
    expect_type(e, &TG_KeyError);
    assert_false(o.expired);
    tg_error_unref(e);
}

/* ---- test_foreign_exception_on_timeout --------------------------------- */

/* async def crash(): try: await asyncio.sleep(1) finally: 1/0 */
static tg_error *crash(void)
{
    tg_error *e = tg_sleep(1000);
    return replace(e, tg_error_new(&ZeroDivisionError, "division by zero"));
}

static tg_result foreign_on_timeout_main(void *arg)
{
    (void)arg;
    tg_timeout *cm = tg_timeout_enter(10);
    tg_error *e = crash();
    return tg_raise(tg_timeout_exit(cm, e));
}

static void test_timeout_cpython_foreign_exception_on_timeout(void **state)
{
    (void)state;
    tg_error *e = run_virtual(foreign_on_timeout_main, NULL).error;
    assert_took(10);
    expect_type(e, &ZeroDivisionError);
    tg_error_unref(e);
}

/* ---- test_foreign_cancel_doesnt_timeout_if_not_expired ----------------- */

static tg_result foreign_cancel_main(void *arg)
{
    obs *o = arg;
    tg_timeout *cm = tg_timeout_enter(10000);
    tg_task_cancel(tg_current_task());
    tg_error *e = tg_sleep(10000);
    return tg_raise(leave(cm, e, &o->expired));
}

static void
test_timeout_cpython_foreign_cancel_doesnt_timeout_if_not_expired(void **state)
{
    (void)state;
    obs o = {.expired = true};
    tg_error *e = run_virtual(foreign_cancel_main, &o).error;
    assert_took(0);
    expect_type(e, &TG_CancelledError);
    assert_false(o.expired);
    tg_error_unref(e);
}

/* ---- test_outer_task_is_not_cancelled ---------------------------------- */

typedef struct obs_outer {
    bool cancelled, done;
} obs_outer;

static tg_result outer(void *arg)
{
    (void)arg;
    tg_timeout *cm = tg_timeout_enter(1);
    tg_error *e = tg_sleep(10000);
    e = tg_timeout_exit(cm, e);
    return tg_raise(assert_raises(&TG_TimeoutError, e));
}

/* task = asyncio.create_task(outer()); await task -- the task is spawned
 * alone into a group that the test's task waits for. */
static tg_result outer_main(void *arg)
{
    obs_outer *o = arg;
    tg_group *aw = tg_group_new();
    tg_task *task = tg_spawn(aw, outer, NULL);
    tg_error *err = tg_group_wait(aw);
    tg_error *raised = tg_error_ref(tg_task_result(task).error);
    o->cancelled = tg_task_cancelled(task);
    o->done = tg_task_done(task);
    tg_error_unref(err);
    tg_group_free(aw);
    return tg_raise(raised);
}

static void test_timeout_cpython_outer_task_is_not_cancelled(void **state)
{
    (void)state;
    obs_outer o = {.cancelled = true};
    expect_no_error(run_virtual(outer_main, &o).error);
    assert_took(1);
    assert_false(o.cancelled);
    assert_true(o.done);
}

/* ---- test_nested_timeouts_concurrent ----------------------------------- */

static tg_result concurrent_main(void *arg)
{
    (void)arg;
    tg_timeout *cm1 = tg_timeout_enter(2);
    tg_timeout *cm2 = tg_timeout_enter(100);
    block_ms(10); /* "Pretend we crunch some numbers." */
    tg_error *e = tg_sleep(1000);
    e = assert_raises(&TG_TimeoutError, tg_timeout_exit(cm2, e));
    return tg_raise(tg_timeout_exit(cm1, e));
}

static void test_timeout_cpython_nested_timeouts_concurrent(void **state)
{
    (void)state;
    tg_error *e = run_on(false, concurrent_main, NULL).error;
    expect_type(e, &TG_TimeoutError);
    tg_error_unref(e);
}

/* ---- test_nested_timeouts_loop_busy ------------------------------------ */

static tg_result loop_busy_main(void *arg)
{
    obs *o = arg;
    o->t0 = tg_now();
    tg_timeout *cm1 = tg_timeout_enter(100); /* (1) */
    tg_timeout *cm2 = tg_timeout_enter(10);  /* (2) */
    block_ms(100); /* "Pretend the loop is busy for a while." */
    tg_error *e = tg_sleep(1000);
    e = assert_raises(&TG_TimeoutError, tg_timeout_exit(cm2, e));
    /* TimeoutError was caught by (2); this sleep should be interrupted by
     * (1). */
    if (!e)
        e = tg_sleep(10000);
    e = tg_timeout_exit(cm1, e);
    o->t1 = tg_now();
    return tg_raise(e);
}

static void test_timeout_cpython_nested_timeouts_loop_busy(void **state)
{
    (void)state;
    obs o = {0};
    tg_error *e = run_on(false, loop_busy_main, &o).error;
    expect_type(e, &TG_TimeoutError);
    assert_true(o.t0 <= o.t1 && o.t1 <= o.t0 + 1000);
    tg_error_unref(e);
}

/* ---- test_nested_timeout_in_finally ------------------------------------ */

static tg_result in_finally_main(void *arg)
{
    (void)arg;
    tg_timeout *cm1 = tg_timeout_enter(10);
    tg_error *e = tg_sleep(1000);
    /* finally: with self.assertRaises(TimeoutError): async with
     * asyncio.timeout(0.01): await asyncio.sleep(10) */
    tg_timeout *cm2 = tg_timeout_enter(10);
    tg_error *f = tg_sleep(10000);
    f = assert_raises(&TG_TimeoutError, tg_timeout_exit(cm2, f));
    if (f)
        e = replace(e, f);
    return tg_raise(tg_timeout_exit(cm1, e));
}

static void test_timeout_cpython_nested_timeout_in_finally(void **state)
{
    (void)state;
    tg_error *e = run_virtual(in_finally_main, NULL).error;
    assert_took(20);
    expect_type(e, &TG_TimeoutError);
    tg_error_unref(e);
}

/* ---- test_timeout_after_cancellation ----------------------------------- */
/* ---- test_cancel_in_timeout_after_cancellation ------------------------- */

static tg_result after_cancellation(bool cancel_inside)
{
    tg_task_cancel(tg_current_task());
    tg_error *e = tg_sleep(1000); /* work which will be cancelled */
    if (tg_error_is(e, &TG_CancelledError)) {
        tg_error_unref(e); /* except asyncio.CancelledError: pass */
        e = NULL;
    }
    /* finally: */
    tg_timeout *cm = tg_timeout_enter(cancel_inside ? 1000 : 0);
    if (cancel_inside)
        tg_task_cancel(tg_current_task());
    tg_error *f = tg_sleep(cancel_inside ? 2000 : 1000); /* some cleanup */
    f = tg_timeout_exit(cm, f);
    f = assert_raises(cancel_inside ? &TG_CancelledError : &TG_TimeoutError, f);
    if (f)
        e = replace(e, f);
    return tg_raise(e);
}

static tg_result after_cancellation_main(void *arg)
{
    (void)arg;
    return after_cancellation(false);
}

static tg_result cancel_after_cancellation_main(void *arg)
{
    (void)arg;
    return after_cancellation(true);
}

static void test_timeout_cpython_timeout_after_cancellation(void **state)
{
    (void)state;
    expect_no_error(run_virtual(after_cancellation_main, NULL).error);
    assert_took(0);
}

static void
test_timeout_cpython_cancel_in_timeout_after_cancellation(void **state)
{
    (void)state;
    expect_no_error(run_virtual(cancel_after_cancellation_main, NULL).error);
    assert_took(0);
}

/* ---- test_timeout_exception_cause -------------------------------------- */

static tg_result cause_main(void *arg)
{
    (void)arg;
    tg_timeout *cm = tg_timeout_enter(0);
    tg_error *e = tg_sleep(1000);
    return tg_raise(tg_timeout_exit(cm, e));
}

static void test_timeout_cpython_timeout_exception_cause(void **state)
{
    (void)state;
    tg_error *e = run_virtual(cause_main, NULL).error;
    assert_took(0);
    expect_type(e, &TG_TimeoutError);
    assert_true(tg_error_is(tg_error_cause(e), &TG_CancelledError));
    tg_error_unref(e);
}

/* ---- test_timeout_without_task ----------------------------------------- */

static void test_timeout_cpython_timeout_without_task(void **state)
{
    (void)state;
    /* "Timeout should be used inside a task": refused (NULL). */
    assert_null(tg_timeout_enter(10));
}

/* ------------------------------------------------------------------------ */

#define T(name)                                                                \
    cmocka_unit_test_setup_teardown(test_timeout_cpython_##name, setup,        \
                                    teardown)

/* TG_TEST_FILTER=pattern runs only the matching tests (cmocka's filter). */
int main(void)
{
    const char *filter = getenv("TG_TEST_FILTER");
    if (filter)
        cmocka_set_test_filter(filter);
    const struct CMUnitTest tests[] = {
        T(timeout_basic),
        T(nested_timeouts),
        T(waiter_cancelled),
        T(timeout_not_called),
        T(timeout_zero),
        T(timeout_zero_sleep_zero),
        T(foreign_exception_passed),
        T(foreign_exception_on_timeout),
        T(foreign_cancel_doesnt_timeout_if_not_expired),
        T(outer_task_is_not_cancelled),
        T(nested_timeouts_concurrent),
        T(nested_timeouts_loop_busy),
        T(nested_timeout_in_finally),
        T(timeout_after_cancellation),
        T(cancel_in_timeout_after_cancellation),
        T(timeout_exception_cause),
        T(timeout_without_task),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
