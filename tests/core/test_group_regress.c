/*
 * test_group_regress.c -- regression tests for group bugs found while
 * porting CPython's test_taskgroups.py (see test_taskgroup_cpython.c).
 * Each test names the Python it mirrors; the expected outcomes are what
 * CPython 3.11.7 does.
 *
 *   - tg_group_exit with a body error on a group that never spawned
 *     crashed (no error slots were reserved yet).
 *   - tg_group_wait decides "the body was cancelled" from the owner's
 *     latest suspension point; a nested tg_group_wait or tg_gather counted
 *     as its *internal* last suspension, so a CancelledError it returned
 *     was missed, and a cancellation it absorbed inside was seen.
 *   - the same for a timeout scope: the CancelledError it turned into
 *     TimeoutError was still taken for the body's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tg.h"

static TG_ERROR_TYPE(MyExc, TG_Exception);

static size_t live_before;

static int setup(void **state)
{
    (void)state;
    live_before = tg_error_live_count();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (tg_error_live_count() != live_before) {
        print_error("leaked %zu tg_error(s)\n",
                    tg_error_live_count() - live_before);
        return -1;
    }
    return 0;
}

static tg_result run_virtual(tg_fn fn, void *arg)
{
    tg_options opts = {.virtual_time = true};
    return tg_run(fn, arg, &opts);
}

typedef struct obs {
    bool inner_cancelled; /* the inner wait/gather returned CancelledError */
    bool inner_group;     /* the inner wait returned an ExceptionGroup */
    bool inner_timeout;   /* the timeout scope returned TimeoutError */
    bool child_cancelled; /* the outer group's child ended cancelled */
    uint64_t outer_at;    /* when the outer wait returned */
    tg_error *outer;      /* what it returned (owned) */
} obs;

static tg_result sleep_ms(void *arg)
{
    const uint64_t *ms = arg;
    return tg_raise(tg_sleep(*ms));
}

static tg_result fail_now(void *arg)
{
    (void)arg;
    return tg_raise(tg_error_new(&TG_ValueError, "boom"));
}

/* r = create_task(fn(o)); await asyncio.sleep(0.1); r.cancel(); await r */
static tg_result cancel_at_100(tg_fn fn, obs *o)
{
    tg_group *aw = tg_group_new();
    tg_task *r = tg_spawn(aw, fn, o);
    tg_error_unref(tg_sleep(100));
    tg_task_cancel(r);
    tg_error_unref(tg_group_wait(aw));
    tg_group_free(aw);
    return tg_return(NULL);
}

/* ---- a body error, no children ------------------------------------------ */

/* async with TaskGroup(): raise MyExc  ->  ExceptionGroup([MyExc]) */
static tg_result body_error_main(void *arg)
{
    obs *o = arg;
    tg_group *g = tg_group_new();
    o->outer = tg_group_exit(g, tg_error_new(&MyExc, "body"));
    tg_group_free(g);
    return tg_return(NULL);
}

static void test_group_exit_body_error_without_children(void **state)
{
    (void)state;
    obs o = {0};
    assert_null(run_virtual(body_error_main, &o).error);
    assert_true(tg_error_is(o.outer, &TG_ExceptionGroup));
    assert_int_equal(tg_error_group_count(o.outer), 1);
    assert_true(tg_error_is(tg_error_group_at(o.outer, 0), &MyExc));
    tg_error_unref(o.outer);
}

/* ---- a nested wait that returned CancelledError ------------------------- */

/*
 * async with TaskGroup() as g1:
 *     g1.create_task(asyncio.sleep(10))
 *     async with TaskGroup() as g2:
 *         g2.create_task(asyncio.sleep(10))
 * cancelled at 0.1: g2 raises CancelledError, which leaves g1's body, so
 * g1 cancels its child and raises CancelledError at 0.1 too.
 */
static tg_result nested_wait_runner(void *arg)
{
    static uint64_t ten_s = 10000;
    obs *o = arg;
    tg_group *g1 = tg_group_new();
    tg_task *child = tg_spawn(g1, sleep_ms, &ten_s);
    tg_group *g2 = tg_group_new();
    tg_spawn(g2, sleep_ms, &ten_s);
    tg_error *e2 = tg_group_wait(g2);
    o->inner_cancelled = tg_error_is(e2, &TG_CancelledError);
    tg_group_free(g2);
    tg_error_unref(e2);
    o->outer = tg_group_wait(g1); /* the body got CancelledError */
    o->outer_at = tg_now();
    o->child_cancelled = tg_task_cancelled(child);
    tg_group_free(g1);
    return tg_raise(tg_error_ref(o->outer));
}

static tg_result nested_wait_main(void *arg)
{
    return cancel_at_100(nested_wait_runner, arg);
}

static void test_group_wait_after_cancelled_inner_wait(void **state)
{
    (void)state;
    obs o = {0};
    assert_null(run_virtual(nested_wait_main, &o).error);
    assert_true(o.inner_cancelled);
    assert_true(tg_error_is(o.outer, &TG_CancelledError));
    assert_int_equal(o.outer_at, 100);
    assert_true(o.child_cancelled);
    tg_error_unref(o.outer);
}

/* ---- a nested wait that absorbed its own cancellation ------------------- */

/*
 * async with TaskGroup() as g1:
 *     t = g1.create_task(asyncio.sleep(1))
 *     try:
 *         async with TaskGroup() as g2:
 *             g2.create_task(fail_now())
 *     except* ValueError:
 *         pass
 * g2 cancels its owner and absorbs that inside its wait; g1 then exits
 * normally at 1.0, its child not cancelled.
 */
static tg_result handled_failure_main(void *arg)
{
    static uint64_t one_s = 1000;
    obs *o = arg;
    tg_group *g1 = tg_group_new();
    tg_task *child = tg_spawn(g1, sleep_ms, &one_s);
    tg_group *g2 = tg_group_new();
    tg_spawn(g2, fail_now, NULL);
    tg_error *e2 = tg_group_wait(g2);
    o->inner_group = tg_error_is(e2, &TG_ExceptionGroup);
    tg_group_free(g2);
    tg_error_unref(e2); /* except* ValueError: pass */
    o->outer = tg_group_wait(g1);
    o->outer_at = tg_now();
    o->child_cancelled = tg_task_cancelled(child);
    tg_group_free(g1);
    return tg_return(NULL);
}

static void test_group_wait_after_handled_inner_failure(void **state)
{
    (void)state;
    obs o = {0};
    assert_null(run_virtual(handled_failure_main, &o).error);
    assert_true(o.inner_group);
    assert_null(o.outer);
    assert_int_equal(o.outer_at, 1000);
    assert_false(o.child_cancelled);
}

/* ---- a gather that returned CancelledError ------------------------------ */

/*
 * async with TaskGroup() as g1:
 *     g1.create_task(asyncio.sleep(10))
 *     await asyncio.gather(asyncio.sleep(10), return_exceptions=True)
 * cancelled at 0.1: the gather raises CancelledError, and so does g1.
 */
static tg_result gather_runner(void *arg)
{
    static uint64_t ten_s = 10000;
    obs *o = arg;
    tg_group *g1 = tg_group_new();
    tg_task *child = tg_spawn(g1, sleep_ms, &ten_s);
    tg_fn fns[1] = {sleep_ms};
    void *args[1] = {&ten_s};
    tg_result res[1];
    tg_error *e = tg_gather(1, fns, args, res);
    o->inner_cancelled = tg_error_is(e, &TG_CancelledError);
    tg_error_unref(res[0].error);
    tg_error_unref(e);
    o->outer = tg_group_wait(g1); /* the body got CancelledError */
    o->outer_at = tg_now();
    o->child_cancelled = tg_task_cancelled(child);
    tg_group_free(g1);
    return tg_raise(tg_error_ref(o->outer));
}

static tg_result gather_main(void *arg)
{
    return cancel_at_100(gather_runner, arg);
}

static void test_group_wait_after_cancelled_gather(void **state)
{
    (void)state;
    obs o = {0};
    assert_null(run_virtual(gather_main, &o).error);
    assert_true(o.inner_cancelled);
    assert_true(tg_error_is(o.outer, &TG_CancelledError));
    assert_int_equal(o.outer_at, 100);
    assert_true(o.child_cancelled);
    tg_error_unref(o.outer);
}

/* ---- a timeout scope in the body, its TimeoutError handled --------------- */

/*
 * async with TaskGroup() as g:
 *     t = g.create_task(asyncio.sleep(1))
 *     try:
 *         async with asyncio.timeout(0.01):
 *             await asyncio.sleep(10)
 *     except TimeoutError:
 *         pass
 * The scope consumed the cancellation: g exits normally at 1.0, its child
 * not cancelled.
 */
static tg_result handled_timeout_main(void *arg)
{
    static uint64_t one_s = 1000;
    obs *o = arg;
    tg_group *g = tg_group_new();
    tg_task *child = tg_spawn(g, sleep_ms, &one_s);
    tg_timeout *to = tg_timeout_enter(10);
    tg_error *e = tg_timeout_exit(to, tg_sleep(10000));
    o->inner_timeout = tg_error_is(e, &TG_TimeoutError);
    tg_error_unref(e); /* except TimeoutError: pass */
    o->outer = tg_group_wait(g);
    o->outer_at = tg_now();
    o->child_cancelled = tg_task_cancelled(child);
    tg_group_free(g);
    return tg_return(NULL);
}

static void test_group_wait_after_handled_timeout(void **state)
{
    (void)state;
    obs o = {0};
    assert_null(run_virtual(handled_timeout_main, &o).error);
    assert_true(o.inner_timeout);
    assert_null(o.outer);
    assert_int_equal(o.outer_at, 1000);
    assert_false(o.child_cancelled);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_group_exit_body_error_without_children),
        T(test_group_wait_after_cancelled_inner_wait),
        T(test_group_wait_after_handled_inner_failure),
        T(test_group_wait_after_cancelled_gather),
        T(test_group_wait_after_handled_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
