/*
 * test_group.c -- task groups: fail-fast cancellation, error collection,
 * the timing of a child's failure (asyncio's done callbacks), nested
 * groups, refused spawns, and the owner's own cancellation.  Every
 * scenario runs under virtual time, so times are asserted exactly.
 */
#include "tg_test.h"

/* ---- 1 of 50 fails: the other 49 are cancelled at their next suspension -- */

typedef struct fifty {
    int started[50];
    int saw_cancel[50];
    uint64_t cancel_seen_at[50];
    tg_task *tasks[50];
    tg_error *group_error;
    size_t members;
    const tg_error *member0;
    const tg_error *failer_error;
} fifty;

static fifty *g_fifty;

static tg_result fifty_child(void *arg)
{
    int i = (int)(intptr_t)arg;
    g_fifty->started[i] = 1;
    if (i == 7)
        return tg_raise(tg_error_new(&TG_ValueError, "task %d failed", i));
    tg_error *e = tg_sleep(1000);
    if (e) {
        g_fifty->saw_cancel[i] = tg_error_is(e, &TG_CancelledError);
        g_fifty->cancel_seen_at[i] = tg_now();
        return tg_raise(e);
    }
    return tg_return(NULL);
}

static tg_result fifty_main(void *arg)
{
    fifty *f = arg;
    tg_group *g = tg_group_new();
    for (int i = 0; i < 50; i++)
        f->tasks[i] = tg_spawn(g, fifty_child, (void *)(intptr_t)i);
    f->group_error = tg_group_wait(g);
    f->members = tg_error_group_count(f->group_error);
    f->member0 = tg_error_group_at(f->group_error, 0);
    f->failer_error = tg_task_result(f->tasks[7]).error;
    for (int i = 0; i < 50; i++)
        if (i != 7 && !tg_task_cancelled(f->tasks[i]))
            f->saw_cancel[i] = -1; /* flag: task not marked cancelled */
    tg_group_free(g);
    return tg_return(NULL);
}

static void test_group_one_of_fifty_fails(void **state)
{
    (void)state;
    fifty f = {0};
    g_fifty = &f;
    tg_result r = tg_test_run(fifty_main, &f, 1);
    assert_null(r.error);
    assert_non_null(f.group_error);
    assert_true(tg_error_is(f.group_error, &TG_ExceptionGroup));
    assert_int_equal(f.members, 1);
    /* The group holds the child's own error object, not a copy. */
    assert_ptr_equal(f.member0, f.failer_error);
    assert_string_equal(tg_error_message(f.member0), "task 7 failed");
    for (int i = 0; i < 50; i++) {
        /* Siblings already scheduled start before the failure is handled. */
        assert_int_equal(f.started[i], 1);
        if (i == 7)
            continue;
        assert_int_equal(f.saw_cancel[i], 1);
        assert_int_equal(f.cancel_seen_at[i], 0);
    }
    tg_error_unref(f.group_error);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- two failures at the same virtual instant both land in the group ------ */

static tg_result fail_at_10(void *arg)
{
    tg_error *e = tg_sleep(10);
    if (e)
        return tg_raise(e);
    return tg_raise(tg_error_new(arg ? &TG_TypeError : &TG_ValueError,
                                 "failed at %llu",
                                 (unsigned long long)tg_now()));
}

typedef struct two_fail {
    tg_error *err;
    uint64_t done_at;
} two_fail;

static tg_result two_fail_main(void *arg)
{
    two_fail *tf = arg;
    tg_group *g = tg_group_new();
    tg_spawn(g, fail_at_10, NULL);
    tg_spawn(g, fail_at_10, (void *)1);
    tf->err = tg_group_wait(g);
    tf->done_at = tg_now();
    tg_group_free(g);
    return tg_return(NULL);
}

static void test_group_two_failures_same_instant(void **state)
{
    (void)state;
    two_fail tf = {0};
    tg_result r = tg_test_run(two_fail_main, &tf, 1);
    assert_null(r.error);
    assert_int_equal(tg_error_group_count(tf.err), 2);
    assert_true(tg_error_is(tg_error_group_at(tf.err, 0), &TG_ValueError));
    assert_true(tg_error_is(tg_error_group_at(tf.err, 1), &TG_TypeError));
    assert_string_equal(tg_error_message(tf.err),
                        "unhandled errors in a TaskGroup");
    assert_int_equal(tf.done_at, 10);
    tg_error_unref(tf.err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- a child that ignores its cancellation: the wait waits for it --------- */

typedef struct stubborn {
    uint64_t finished_at;
    int ignored;
    tg_task *t;
    tg_error *err;
    uint64_t wait_returned_at;
    bool cancelled;
    void *value;
} stubborn;

static tg_result stubborn_child(void *arg)
{
    stubborn *s = arg;
    tg_error *e = tg_sleep(1000);
    if (e) {          /* swallow the cancellation and keep working */
        s->ignored = 1;
        tg_error_unref(e);
    }
    e = tg_sleep(50); /* no new cancellation request: this completes */
    if (e)
        return tg_raise(e);
    s->finished_at = tg_now();
    return tg_return((void *)"kept working");
}

static tg_result fail_at(void *arg)
{
    tg_error *e = tg_sleep((uint64_t)(uintptr_t)arg);
    if (e)
        return tg_raise(e);
    return tg_raise(tg_error_new(&TG_ValueError, "boom"));
}

static tg_result stubborn_main(void *arg)
{
    stubborn *s = arg;
    tg_group *g = tg_group_new();
    s->t = tg_spawn(g, stubborn_child, s);
    tg_spawn(g, fail_at, (void *)(uintptr_t)20);
    s->err = tg_group_wait(g);
    s->wait_returned_at = tg_now();
    s->cancelled = tg_task_cancelled(s->t);
    s->value = tg_task_result(s->t).value;
    tg_group_free(g);
    return tg_return(NULL);
}

static void test_group_child_ignoring_cancel_is_awaited(void **state)
{
    (void)state;
    stubborn s = {0};
    tg_result r = tg_test_run(stubborn_main, &s, 1);
    assert_null(r.error);
    assert_int_equal(s.ignored, 1);
    assert_int_equal(s.finished_at, 70);      /* 20 (failure) + 50 */
    assert_int_equal(s.wait_returned_at, 70); /* asyncio waits for it */
    assert_false(s.cancelled);                /* it returned normally */
    assert_string_equal((const char *)s.value, "kept working");
    assert_int_equal(tg_error_group_count(s.err), 1);
    tg_error_unref(s.err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- nested groups ------------------------------------------------------------ */

static tg_result inner_group(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    tg_spawn(g, fail_at, (void *)(uintptr_t)5);
    tg_spawn(g, fail_at, (void *)(uintptr_t)500);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result sleeper(void *arg)
{
    tg_error *e = tg_sleep((uint64_t)(uintptr_t)arg);
    return e ? tg_raise(e) : tg_return(arg);
}

typedef struct nested {
    tg_error *err;
    tg_task *sibling;
    uint64_t at;
} nested;

static tg_result nested_main(void *arg)
{
    nested *n = arg;
    tg_group *g = tg_group_new();
    tg_spawn(g, inner_group, NULL);
    n->sibling = tg_spawn(g, sleeper, (void *)(uintptr_t)1000);
    n->err = tg_group_wait(g);
    n->at = tg_now();
    bool cancelled = tg_task_cancelled(n->sibling);
    tg_group_free(g);
    return tg_return((void *)(uintptr_t)cancelled);
}

static void test_group_nested_groups_nest_errors(void **state)
{
    (void)state;
    nested n = {0};
    tg_result r = tg_test_run(nested_main, &n, 1);
    assert_null(r.error);
    assert_int_equal((uintptr_t)r.value, 1); /* outer sibling cancelled */
    assert_int_equal(n.at, 5);
    assert_int_equal(tg_error_group_count(n.err), 1);
    tg_error *inner = tg_error_group_at(n.err, 0);
    assert_true(tg_error_is(inner, &TG_ExceptionGroup));
    assert_int_equal(tg_error_group_count(inner), 1);
    assert_true(tg_error_is(tg_error_group_at(inner, 0), &TG_ValueError));
    tg_error_unref(n.err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- spawning into an aborting or finished group is refused ----------------- */

typedef struct refusal {
    int ran;
    tg_error *aborting_err;
    tg_error *finished_err;
    bool refused_done;
    tg_error *group_err;
} refusal;

static tg_result must_not_run(void *arg)
{
    ((refusal *)arg)->ran = 1;
    return tg_return(NULL);
}

static tg_group *refusal_group;

static tg_result spawner_after_abort(void *arg)
{
    refusal *rf = arg;
    tg_error *e = tg_sleep(1000); /* cancelled by the failure at 10 */
    tg_error_unref(e);
    tg_task *t = tg_spawn(refusal_group, must_not_run, rf);
    rf->refused_done = tg_task_done(t);
    rf->aborting_err = tg_error_ref(tg_task_result(t).error);
    return tg_return(NULL);
}

static tg_result refusal_main(void *arg)
{
    refusal *rf = arg;
    refusal_group = tg_group_new();
    tg_spawn(refusal_group, spawner_after_abort, rf);
    tg_spawn(refusal_group, fail_at, (void *)(uintptr_t)10);
    rf->group_err = tg_group_wait(refusal_group);
    tg_task *t = tg_spawn(refusal_group, must_not_run, rf);
    rf->finished_err = tg_error_ref(tg_task_result(t).error);
    tg_error *e = tg_yield(); /* give a wrongly started task its chance */
    tg_error_unref(e);
    tg_group_free(refusal_group);
    return tg_return(NULL);
}

static void test_group_spawn_after_abort_refused(void **state)
{
    (void)state;
    refusal rf = {0};
    tg_result r = tg_test_run(refusal_main, &rf, 1);
    assert_null(r.error);
    assert_int_equal(rf.ran, 0);
    assert_true(rf.refused_done);
    assert_true(tg_error_is(rf.aborting_err, &TG_RuntimeError));
    assert_non_null(strstr(tg_error_message(rf.aborting_err),
                           "is shutting down"));
    assert_true(tg_error_is(rf.finished_err, &TG_RuntimeError));
    assert_non_null(strstr(tg_error_message(rf.finished_err), "is finished"));
    /* The refused spawn is not one of the group's errors. */
    assert_int_equal(tg_error_group_count(rf.group_err), 1);
    tg_error_unref(rf.aborting_err);
    tg_error_unref(rf.finished_err);
    tg_error_unref(rf.group_err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- the owner's body is cancelled by a child's failure, and absorbed ----- */

typedef struct body {
    tg_error *body_sleep;
    uint64_t body_woke_at;
    tg_error *wait_err;
    int cancelling_after;
} body;

static tg_result body_main(void *arg)
{
    body *b = arg;
    tg_group *g = tg_group_new();
    tg_spawn(g, fail_at, (void *)(uintptr_t)10);
    b->body_sleep = tg_sleep(100); /* the body: cancelled at 10 */
    b->body_woke_at = tg_now();
    b->wait_err = tg_group_wait(g);
    b->cancelling_after = tg_task_cancelling(tg_current_task());
    tg_group_free(g);
    return tg_return(NULL);
}

static void test_group_failure_cancels_owner_body_then_absorbs(void **state)
{
    (void)state;
    body b = {0};
    tg_result r = tg_test_run(body_main, &b, 1);
    assert_null(r.error);
    assert_true(tg_error_is(b.body_sleep, &TG_CancelledError));
    assert_int_equal(b.body_woke_at, 10);
    /* The wait gives the children's errors, not the owner's cancellation. */
    assert_true(tg_error_is(b.wait_err, &TG_ExceptionGroup));
    assert_int_equal(b.cancelling_after, 0); /* uncancel()ed */
    tg_error_unref(b.body_sleep);
    tg_error_unref(b.wait_err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- the owner cancelled from outside: children cancelled, bare Cancel ---- */

typedef struct outside {
    tg_task *owner;
    tg_task *child;
    tg_error *wait_err;
    bool child_cancelled;
} outside;

static tg_result owner_task(void *arg)
{
    outside *o = arg;
    tg_group *g = tg_group_new();
    o->child = tg_spawn(g, sleeper, (void *)(uintptr_t)1000);
    o->wait_err = tg_group_wait(g);
    o->child_cancelled = tg_task_cancelled(o->child);
    tg_group_free(g);
    return o->wait_err ? tg_raise(tg_error_ref(o->wait_err)) : tg_return(NULL);
}

static tg_result canceller(void *arg)
{
    outside *o = arg;
    tg_error *e = tg_sleep(30);
    if (e)
        return tg_raise(e);
    tg_task_cancel(o->owner);
    return tg_return(NULL);
}

static tg_result outside_main(void *arg)
{
    outside *o = arg;
    tg_group *g = tg_group_new();
    o->owner = tg_spawn(g, owner_task, o);
    tg_spawn(g, canceller, o);
    tg_error *e = tg_group_wait(g);
    bool owner_cancelled = tg_task_cancelled(o->owner);
    tg_group_free(g);
    return tg_return((void *)(uintptr_t)(e == NULL && owner_cancelled));
}

static void test_group_owner_cancelled_from_outside(void **state)
{
    (void)state;
    outside o = {0};
    tg_result r = tg_test_run(outside_main, &o, 1);
    assert_null(r.error);
    assert_int_equal((uintptr_t)r.value, 1);
    assert_true(o.child_cancelled);
    assert_true(tg_error_is(o.wait_err, &TG_CancelledError));
    assert_false(tg_error_is_group(o.wait_err));
    tg_error_unref(o.wait_err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- a body error joins the children's errors (tg_group_exit) ------------- */

static tg_result body_error_main(void *arg)
{
    tg_error **out = arg;
    tg_group *g = tg_group_new();
    tg_task *child = tg_spawn(g, sleeper, (void *)(uintptr_t)1000);
    tg_error *e = tg_sleep(5);
    tg_error_unref(e);
    *out = tg_group_exit(g, tg_error_new(&TG_KeyError, "in the body"));
    bool cancelled = tg_task_cancelled(child);
    tg_group_free(g);
    return tg_return((void *)(uintptr_t)cancelled);
}

static void test_group_body_error_cancels_and_joins(void **state)
{
    (void)state;
    tg_error *err = NULL;
    tg_result r = tg_test_run(body_error_main, &err, 1);
    assert_int_equal((uintptr_t)r.value, 1);
    assert_int_equal(tg_error_group_count(err), 1);
    assert_true(tg_error_is(tg_error_group_at(err, 0), &TG_KeyError));
    tg_error_unref(err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- an empty group, and a group where everything succeeds ---------------- */

static tg_result success_main(void *arg)
{
    (void)arg;
    tg_group *empty = tg_group_new();
    tg_error *e1 = tg_group_wait(empty);
    tg_group_free(empty);
    tg_group *g = tg_group_new();
    tg_task *a = tg_spawn(g, sleeper, (void *)(uintptr_t)30);
    tg_task *b = tg_spawn(g, sleeper, (void *)(uintptr_t)20);
    tg_error *e2 = tg_group_wait(g);
    uintptr_t ok = e1 == NULL && e2 == NULL && tg_now() == 30 &&
                   tg_task_result(a).value == (void *)(uintptr_t)30 &&
                   tg_task_result(b).value == (void *)(uintptr_t)20;
    tg_group_free(g);
    return tg_return((void *)ok);
}

static void test_group_all_succeed(void **state)
{
    (void)state;
    tg_result r = tg_test_run(success_main, NULL, 1);
    assert_null(r.error);
    assert_int_equal((uintptr_t)r.value, 1);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* ---- CancelledError is a BaseException, not an Exception ------------------ */

static void test_group_cancelled_is_not_exception(void **state)
{
    (void)state;
    tg_error *e = tg_error_new(&TG_CancelledError, "x");
    assert_true(tg_error_is(e, &TG_BaseException));
    assert_false(tg_error_is(e, &TG_Exception));
    tg_error_unref(e);
}

/* ---- a group with a cancelled child and a failing one --------------------- */

static tg_result base_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    tg_task *t = tg_spawn(g, sleeper, (void *)(uintptr_t)100);
    tg_error *e = tg_sleep(1);
    tg_error_unref(e);
    tg_task_cancel(t); /* explicitly cancelled: not an error of the group */
    tg_error *err = tg_group_wait(g);
    bool ok = err == NULL && tg_task_cancelled(t) && tg_now() == 1;
    tg_group_free(g);
    return tg_return((void *)(uintptr_t)ok);
}

static void test_group_cancelled_child_is_not_an_error(void **state)
{
    (void)state;
    tg_result r = tg_test_run(base_main, NULL, 1);
    assert_null(r.error);
    assert_int_equal((uintptr_t)r.value, 1);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_one_of_fifty_fails),
        cmocka_unit_test(test_group_two_failures_same_instant),
        cmocka_unit_test(test_group_child_ignoring_cancel_is_awaited),
        cmocka_unit_test(test_group_nested_groups_nest_errors),
        cmocka_unit_test(test_group_spawn_after_abort_refused),
        cmocka_unit_test(test_group_failure_cancels_owner_body_then_absorbs),
        cmocka_unit_test(test_group_owner_cancelled_from_outside),
        cmocka_unit_test(test_group_body_error_cancels_and_joins),
        cmocka_unit_test(test_group_all_succeed),
        cmocka_unit_test(test_group_cancelled_is_not_exception),
        cmocka_unit_test(test_group_cancelled_child_is_not_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
