/*
 * test_sync.c -- timeout scopes (asyncio.timeout), tg_gather with errors
 * kept as results, and the FIFO counting semaphore.
 */
#include "tg_test.h"

static tg_result sleeper(void *arg)
{
    tg_error *e = tg_sleep((uint64_t)(uintptr_t)arg);
    return e ? tg_raise(e) : tg_return(arg);
}

/* ---- timeouts ------------------------------------------------------------------ */

typedef struct timeouts {
    tg_result slow, fast;
    uint64_t slow_at, fast_at;
    int cancelling_after;
} timeouts;

static tg_result timeout_main(void *arg)
{
    timeouts *t = arg;
    t->slow = tg_call_with_timeout(50, sleeper, (void *)(uintptr_t)100);
    t->slow_at = tg_now();
    t->fast = tg_call_with_timeout(50, sleeper, (void *)(uintptr_t)10);
    t->fast_at = tg_now();
    t->cancelling_after = tg_task_cancelling(tg_current_task());
    return tg_return(NULL);
}

static void test_sync_timeout_expires_into_timeout_error(void **state)
{
    (void)state;
    timeouts t = {0};
    tg_result r = tg_test_run(timeout_main, &t, 1);
    assert_null(r.error);
    assert_true(tg_error_is(t.slow.error, &TG_TimeoutError));
    /* "raise TimeoutError from CancelledError" */
    assert_true(tg_error_is(tg_error_cause(t.slow.error), &TG_CancelledError));
    assert_int_equal(t.slow_at, 50);
    assert_null(t.fast.error);
    assert_ptr_equal(t.fast.value, (void *)(uintptr_t)10);
    assert_int_equal(t.fast_at, 60);
    assert_int_equal(t.cancelling_after, 0);
    tg_error_unref(t.slow.error);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* The outer scope expires first: the inner one must not claim it. */
typedef struct nested_to {
    tg_error *inner, *outer;
} nested_to;

static tg_result nested_timeout_main(void *arg)
{
    nested_to *n = arg;
    tg_timeout *outer = tg_timeout_enter(20);
    tg_timeout *inner = tg_timeout_enter(100);
    tg_error *e = tg_sleep(1000);
    e = tg_timeout_exit(inner, e);
    n->inner = tg_error_ref(e);
    n->outer = tg_timeout_exit(outer, e);
    return tg_return(NULL);
}

static void test_sync_nested_timeouts_outer_wins(void **state)
{
    (void)state;
    nested_to n = {0};
    tg_result r = tg_test_run(nested_timeout_main, &n, 1);
    assert_null(r.error);
    assert_true(tg_error_is(n.inner, &TG_CancelledError)); /* passed on */
    assert_true(tg_error_is(n.outer, &TG_TimeoutError));
    tg_error_unref(n.inner);
    tg_error_unref(n.outer);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* A timeout around a whole group: the group's children are cancelled. */
static tg_result group_body(void *arg)
{
    tg_task **child = arg;
    tg_group *g = tg_group_new();
    *child = tg_spawn(g, sleeper, (void *)(uintptr_t)500);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result timeout_group_main(void *arg)
{
    int *ok = arg;
    tg_task *child = NULL;
    tg_result r = tg_call_with_timeout(30, group_body, &child);
    *ok = tg_error_is(r.error, &TG_TimeoutError) && tg_now() == 30;
    tg_error_unref(r.error);
    return tg_return(NULL);
}

static void test_sync_timeout_around_group(void **state)
{
    (void)state;
    int ok = 0;
    tg_result r = tg_test_run(timeout_group_main, &ok, 1);
    assert_null(r.error);
    assert_int_equal(ok, 1);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- gather keeps errors as results ---------------------------------------- */

static tg_result fail_after(void *arg)
{
    tg_error *e = tg_sleep((uint64_t)(uintptr_t)arg);
    if (e)
        return tg_raise(e);
    return tg_raise(tg_error_new(&TG_ValueError, "failed"));
}

static tg_result gather_main(void *arg)
{
    tg_result *res = arg;
    tg_fn fns[3] = {sleeper, fail_after, sleeper};
    void *args[3] = {(void *)(uintptr_t)30, (void *)(uintptr_t)10,
                     (void *)(uintptr_t)20};
    tg_error *e = tg_gather(3, fns, args, res);
    res[3].value = (void *)(uintptr_t)tg_now();
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sync_gather_keeps_errors_as_results(void **state)
{
    (void)state;
    tg_result res[4] = {0};
    tg_result r = tg_test_run(gather_main, res, 1);
    assert_null(r.error);
    /* The failure did not cancel the slower siblings. */
    assert_null(res[0].error);
    assert_ptr_equal(res[0].value, (void *)(uintptr_t)30);
    assert_true(tg_error_is(res[1].error, &TG_ValueError));
    assert_null(res[2].error);
    assert_int_equal((uintptr_t)res[3].value, 30);
    tg_error_unref(res[1].error);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- semaphore ----------------------------------------------------------------- */

typedef struct semtest {
    tg_sem *s;
    tg_test_log log;
    int inside, max_inside;
} semtest;

static semtest *g_sem;

static tg_result worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    tg_error *e = tg_sem_acquire(g_sem->s);
    if (e)
        return tg_raise(e);
    tg_test_logf(&g_sem->log, "%d@%llu ", id, (unsigned long long)tg_now());
    if (++g_sem->inside > g_sem->max_inside)
        g_sem->max_inside = g_sem->inside;
    e = tg_sleep(10);
    g_sem->inside--;
    tg_sem_release(g_sem->s);
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result sem_main(void *arg)
{
    semtest *st = arg;
    st->s = tg_sem_new(2);
    tg_group *g = tg_group_new();
    for (int i = 0; i < 6; i++)
        tg_spawn(g, worker, (void *)(intptr_t)i);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    tg_sem_free(st->s);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_sync_semaphore_bounds_and_orders(void **state)
{
    (void)state;
    semtest st = {0};
    g_sem = &st;
    tg_result r = tg_test_run(sem_main, &st, 1);
    assert_null(r.error);
    assert_int_equal(st.max_inside, 2);
    assert_string_equal(st.log.buf, "0@0 1@0 2@10 3@10 4@20 5@20 ");
}

/* A waiter cancelled after it was handed a permit passes the permit on. */
typedef struct handoff {
    tg_sem *s;
    tg_task *b;
    tg_test_log log;
} handoff;

static handoff *g_handoff;

static tg_result holder(void *arg)
{
    (void)arg;
    tg_error *e = tg_sem_acquire(g_handoff->s);
    if (e)
        return tg_raise(e);
    e = tg_sleep(10);
    tg_sem_release(g_handoff->s); /* wakes b (first in line) */
    tg_task_cancel(g_handoff->b); /* ...which is cancelled before it runs */
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result waiter(void *arg)
{
    tg_error *e = tg_sem_acquire(g_handoff->s);
    tg_test_logf(&g_handoff->log, "%s:%s ", (const char *)arg,
                 e ? "cancelled" : "acquired");
    if (e)
        return tg_raise(e);
    tg_sem_release(g_handoff->s);
    return tg_return(NULL);
}

static tg_result handoff_main(void *arg)
{
    handoff *h = arg;
    h->s = tg_sem_new(1);
    tg_group *g = tg_group_new();
    tg_spawn(g, holder, NULL);
    h->b = tg_spawn(g, waiter, "b");
    tg_spawn(g, waiter, "c");
    tg_error *e = tg_group_wait(g);
    unsigned left = tg_sem_value(h->s);
    tg_group_free(g);
    tg_sem_free(h->s);
    return e ? tg_raise(e) : tg_return((void *)(uintptr_t)left);
}

static void test_sync_semaphore_cancelled_waiter_passes_permit(void **state)
{
    (void)state;
    handoff h = {0};
    g_handoff = &h;
    tg_result r = tg_test_run(handoff_main, &h, 1);
    assert_null(r.error);
    assert_string_equal(h.log.buf, "b:cancelled c:acquired ");
    assert_int_equal((uintptr_t)r.value, 1); /* no permit lost */
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync_timeout_expires_into_timeout_error),
        cmocka_unit_test(test_sync_nested_timeouts_outer_wins),
        cmocka_unit_test(test_sync_timeout_around_group),
        cmocka_unit_test(test_sync_gather_keeps_errors_as_results),
        cmocka_unit_test(test_sync_semaphore_bounds_and_orders),
        cmocka_unit_test(test_sync_semaphore_cancelled_waiter_passes_permit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
