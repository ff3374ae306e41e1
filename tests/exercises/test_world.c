/*
 * test_world.c -- the simulated world (exercises/support): default and
 * planned outcomes of every service, plans that run out, jitter under a
 * seed, hangs, cancellation inside a call, the call log and its in-flight
 * peaks, log_error, copy_str, and world_reset.
 *
 * cmocka's assertions longjmp, which must never happen on a task's stack:
 * tasks record what they see, and the tests assert after tg_run returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "world_probe.h"

/* What one service call gave back. */
typedef struct outcome {
    char *value;
    tg_error *err;
    uint64_t at; /* tg_now() when it returned */
} outcome;

static void outcome_clear(outcome *o)
{
    free(o->value);
    tg_error_unref(o->err);
    memset(o, 0, sizeof *o);
}

static tg_result run_fn(tg_fn fn, void *arg, uint64_t seed)
{
    tg_options opts = {.virtual_time = true, .seed = seed};
    return tg_run(fn, arg, &opts);
}

static void assert_call(size_t i, world_service s, const char *input,
                        uint64_t start, uint64_t end, world_end how)
{
    const world_call *c = world_call_at(i);
    assert_non_null(c);
    assert_int_equal(c->service, s);
    if (input)
        assert_string_equal(c->input, input);
    else
        assert_null(c->input);
    assert_int_equal(c->start_ms, start);
    assert_int_equal(c->end_ms, end);
    assert_int_equal(c->end, how);
}

/* ---- defaults ------------------------------------------------------------ */

typedef struct every_service {
    outcome mail, page, pay, value, missing;
    tg_error *verify;
} every_service;

static tg_result call_every_service(void *arg)
{
    every_service *r = arg;
    r->mail.value = send_email("ann@example.com", &r->mail.err);
    r->page.value = fetch_url("https://example.com/a", &r->page.err);
    r->pay.value = charge_card("4242", 1999, &r->pay.err);
    r->value.value = db_get("theme", &r->value.err);
    r->missing.value = db_get("nope", &r->missing.err);
    db_verify("shard-1", &r->verify);
    r->missing.at = tg_now();
    return tg_return(NULL);
}

static void test_world_defaults_are_ok_after_10_ms(void **state)
{
    (void)state;
    world_reset();
    world_db_put("theme", "dark");
    size_t live = tg_error_live_count();
    every_service r = {0};
    tg_result res = run_fn(call_every_service, &r, 1);
    assert_null(res.error);

    assert_string_equal(r.mail.value, "msg-1");
    assert_null(r.mail.err);
    assert_string_equal(r.page.value, "body of https://example.com/a");
    assert_string_equal(r.pay.value, "txn-1");
    assert_string_equal(r.value.value, "dark");
    assert_null(r.missing.value);
    assert_true(tg_error_is(r.missing.err, &TG_KeyError));
    assert_string_equal(tg_error_message(r.missing.err), "no such key: nope");
    assert_null(r.verify);
    assert_int_equal(r.missing.at, 60); /* six calls, one after another */

    assert_int_equal(world_call_count(), 6);
    assert_call(0, WORLD_SEND_EMAIL, "ann@example.com", 0, 10, WORLD_END_OK);
    assert_string_equal(world_call_at(0)->result, "msg-1");
    assert_null(world_call_at(0)->error_obj); /* delivered: no error */
    assert_ptr_equal(world_call_at(0)->value_obj, r.mail.value);
    assert_null(world_call_at(4)->value_obj); /* failed: nothing delivered */
    assert_call(2, WORLD_CHARGE_CARD, "4242", 20, 30, WORLD_END_OK);
    assert_int_equal(world_call_at(2)->cents, 1999);
    assert_call(4, WORLD_DB_GET, "nope", 40, 50, WORLD_END_ERROR);
    assert_string_equal(world_call_at(4)->error_type, "KeyError");
    assert_ptr_equal(world_call_at(4)->error_obj, r.missing.err);
    assert_call(5, WORLD_DB_VERIFY, "shard-1", 50, 60, WORLD_END_OK);
    assert_null(world_call_at(5)->value_obj); /* db_verify hands out none */
    assert_int_equal(world_max_in_flight(WORLD_SEND_EMAIL), 1);
    assert_int_equal(world_in_flight(WORLD_SEND_EMAIL), 0);

    outcome_clear(&r.mail);
    outcome_clear(&r.page);
    outcome_clear(&r.pay);
    outcome_clear(&r.value);
    outcome_clear(&r.missing);
    assert_int_equal(tg_error_live_count(), live);
}

/* ---- plans ----------------------------------------------------------------
 */

typedef struct repeated {
    const char *input;
    outcome got[4];
} repeated;

static tg_result call_four_times(void *arg)
{
    repeated *r = arg;
    for (int i = 0; i < 4; i++) {
        r->got[i].value = send_email(r->input, &r->got[i].err);
        r->got[i].at = tg_now();
    }
    return tg_return(NULL);
}

static void test_world_plan_steps_then_repeats_the_last(void **state)
{
    (void)state;
    world_reset();
    world_step steps[] = {
        WORLD_STEP_FAIL(5, TG_ConnectionError),
        WORLD_STEP_FAIL(7, TG_TimeoutError),
        WORLD_STEP_VALUE(3, "queued as 4F2A"),
    };
    world_plan(WORLD_SEND_EMAIL, "bob@example.com", steps, 3);
    repeated r = {.input = "bob@example.com"};
    tg_result res = run_fn(call_four_times, &r, 1);
    assert_null(res.error);
    assert_true(tg_error_is(r.got[0].err, &TG_ConnectionError));
    assert_string_equal(tg_error_message(r.got[0].err), "connection reset");
    assert_int_equal(r.got[0].at, 5);
    assert_true(tg_error_is(r.got[1].err, &TG_TimeoutError));
    assert_string_equal(tg_error_message(r.got[1].err),
                        "server did not answer");
    assert_int_equal(r.got[1].at, 12);
    assert_string_equal(r.got[2].value, "queued as 4F2A");
    assert_string_equal(r.got[3].value, "queued as 4F2A"); /* the last again */
    assert_int_equal(r.got[3].at, 18);
    for (int i = 0; i < 4; i++)
        outcome_clear(&r.got[i]);
}

static void test_world_default_plan_and_override(void **state)
{
    (void)state;
    world_reset();
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_FAIL(20, BounceError));
    world_plan1(WORLD_SEND_EMAIL, "ok@example.com", WORLD_STEP_OK(1));
    repeated a = {.input = "x@example.com"}, b = {.input = "ok@example.com"};
    assert_null(run_fn(call_four_times, &a, 1).error);
    assert_null(run_fn(call_four_times, &b, 1).error);
    assert_true(tg_error_is(a.got[0].err, &BounceError));
    assert_true(tg_error_is(a.got[0].err, &EmailError));
    assert_string_equal(tg_error_message(a.got[0].err),
                        "no such mailbox: x@example.com");
    assert_int_equal(a.got[0].at, 20);
    assert_non_null(b.got[0].value);
    assert_int_equal(b.got[0].at, 1);
    /* A new plan for an input restarts it. */
    world_plan1(WORLD_SEND_EMAIL, "ok@example.com",
                WORLD_STEP_FAIL_MSG(2, EmailError, "mailbox full"));
    repeated c = {.input = "ok@example.com"};
    assert_null(run_fn(call_four_times, &c, 1).error);
    assert_string_equal(tg_error_message(c.got[0].err), "mailbox full");
    assert_true(tg_error_is(c.got[0].err, &EmailError));
    assert_false(tg_error_is(c.got[0].err, &BounceError));
    for (int i = 0; i < 4; i++) {
        outcome_clear(&a.got[i]);
        outcome_clear(&b.got[i]);
        outcome_clear(&c.got[i]);
    }
}

typedef struct every_failure {
    outcome page, pay, value, reset, bug, bug2;
    tg_error *verify;
} every_failure;

static tg_result fail_every_service(void *arg)
{
    every_failure *r = arg;
    r->page.value = fetch_url("https://example.com/gone", &r->page.err);
    r->pay.value = charge_card("4000", 500, &r->pay.err);
    r->value.value = db_get("nick:ann", &r->value.err);
    r->reset.value = db_get("nick:dan", &r->reset.err);
    db_verify("shard-2", &r->verify);
    r->bug.value = fetch_url("https://example.com/bug", &r->bug.err);
    r->bug2.value = send_email("bug@example.com", &r->bug2.err);
    return tg_return(NULL);
}

static void test_world_failures_and_bugs(void **state)
{
    (void)state;
    world_reset();
    world_plan1(WORLD_FETCH_URL, "https://example.com/gone",
                (world_step){.latency_ms = 10, .outcome = WORLD_ERROR});
    world_plan1(WORLD_CHARGE_CARD, "4000",
                (world_step){.latency_ms = 10, .outcome = WORLD_ERROR});
    world_plan1(WORLD_DB_GET, "nick:ann", WORLD_STEP_VALUE(10, ""));
    world_plan1(WORLD_DB_GET, "nick:dan",
                WORLD_STEP_FAIL(10, TG_ConnectionError));
    world_plan1(WORLD_DB_VERIFY, "shard-2",
                (world_step){.latency_ms = 30, .outcome = WORLD_ERROR});
    world_plan1(WORLD_FETCH_URL, "https://example.com/bug", WORLD_STEP_BUG(1));
    world_plan1(WORLD_SEND_EMAIL, "bug@example.com",
                (world_step){.latency_ms = 1,
                             .outcome = WORLD_BUG,
                             .type = &TG_ValueError});
    every_failure r = {0};
    assert_null(run_fn(fail_every_service, &r, 1).error);
    assert_true(tg_error_is(r.page.err, &HTTPError));
    assert_string_equal(tg_error_message(r.page.err), "404 Not Found");
    assert_true(tg_error_is(r.pay.err, &PaymentDeclined));
    assert_string_equal(tg_error_message(r.pay.err),
                        "card declined: insufficient funds");
    assert_string_equal(r.value.value, ""); /* a value, not a failure */
    assert_null(r.value.err);
    assert_true(tg_error_is(r.reset.err, &TG_ConnectionError));
    assert_true(tg_error_is(r.verify, &IntegrityError));
    assert_true(tg_error_is(r.verify, &DatabaseError));
    assert_string_equal(tg_error_message(r.verify),
                        "checksum mismatch in shard-2");
    assert_true(tg_error_is(r.bug.err, &TG_TypeError));
    assert_string_equal(tg_error_message(r.bug.err),
                        "bug in fetch_url (injected)");
    assert_true(tg_error_is(r.bug2.err, &TG_ValueError));
    assert_string_equal(world_call_at(4)->error_type, "IntegrityError");
    assert_string_equal(world_call_at(4)->error_message,
                        "checksum mismatch in shard-2");
    assert_ptr_equal(world_call_at(4)->error_obj, r.verify); /* the same */
    tg_error_unref(r.verify);
    outcome_clear(&r.page);
    outcome_clear(&r.pay);
    outcome_clear(&r.value);
    outcome_clear(&r.reset);
    outcome_clear(&r.bug);
    outcome_clear(&r.bug2);
}

static void test_world_null_input_is_a_type_error(void **state)
{
    (void)state;
    world_reset();
    repeated r = {.input = NULL};
    assert_null(run_fn(call_four_times, &r, 1).error);
    assert_true(tg_error_is(r.got[0].err, &TG_TypeError));
    assert_int_equal(r.got[0].at, 0); /* no suspension */
    assert_call(0, WORLD_SEND_EMAIL, NULL, 0, 0, WORLD_END_ERROR);
    for (int i = 0; i < 4; i++)
        outcome_clear(&r.got[i]);
}

/* ---- concurrency, jitter, hangs, cancellation ------------------------------
 */

typedef struct fanout {
    size_t n;
    const char *inputs[8];
    outcome got[8];
    uint64_t cancel_at; /* 0: never */
    tg_error *wait;
} fanout;

typedef struct fan_arg {
    fanout *f;
    size_t i;
} fan_arg;

static tg_result fan_task(void *arg)
{
    fan_arg *a = arg;
    outcome *o = &a->f->got[a->i];
    o->value = send_email(a->f->inputs[a->i], &o->err);
    o->at = tg_now();
    return tg_return(NULL);
}

static tg_result fan_main(void *arg)
{
    fanout *f = arg;
    fan_arg args[8];
    tg_group *g = tg_group_new();
    tg_task *tasks[8];
    for (size_t i = 0; i < f->n; i++) {
        args[i] = (fan_arg){f, i};
        tasks[i] = tg_spawn(g, fan_task, &args[i]);
    }
    if (f->cancel_at) {
        tg_error *e = tg_sleep(f->cancel_at);
        tg_error_unref(e);
        for (size_t i = 0; i < f->n; i++)
            tg_task_cancel(tasks[i]);
    }
    f->wait = tg_group_wait(g);
    tg_group_free(g);
    return tg_return(NULL);
}

static void test_world_in_flight_peak(void **state)
{
    (void)state;
    world_reset();
    fanout f = {.n = 5, .inputs = {"a", "b", "c", "d", "e"}};
    assert_null(run_fn(fan_main, &f, 1).error);
    assert_null(f.wait);
    assert_int_equal(world_max_in_flight(WORLD_SEND_EMAIL), 5);
    assert_int_equal(world_in_flight(WORLD_SEND_EMAIL), 0);
    assert_int_equal(world_max_in_flight(WORLD_FETCH_URL), 0);
    for (size_t i = 0; i < f.n; i++) {
        assert_int_equal(f.got[i].at, 10);
        outcome_clear(&f.got[i]);
    }
}

static void test_world_cancel_inside_a_call(void **state)
{
    (void)state;
    world_reset();
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(80));
    world_plan1(WORLD_SEND_EMAIL, "h", WORLD_STEP_HANG());
    size_t live = tg_error_live_count();
    fanout f = {.n = 2, .inputs = {"a", "h"}, .cancel_at = 30};
    assert_null(run_fn(fan_main, &f, 1).error);
    for (size_t i = 0; i < 2; i++) {
        assert_null(f.got[i].value);
        assert_true(tg_error_is(f.got[i].err, &TG_CancelledError));
        assert_int_equal(f.got[i].at, 30);
        assert_call(i, WORLD_SEND_EMAIL, f.inputs[i], 0, 30,
                    WORLD_END_CANCELLED);
        assert_string_equal(world_call_at(i)->error_type, "CancelledError");
        assert_ptr_equal(world_call_at(i)->error_obj, f.got[i].err);
        assert_null(world_call_at(i)->result);
        outcome_clear(&f.got[i]);
    }
    assert_int_equal(world_in_flight(WORLD_SEND_EMAIL), 0);
    assert_int_equal(world_max_in_flight(WORLD_SEND_EMAIL), 2);
    assert_int_equal(tg_error_live_count(), live);
}

static void test_world_lone_hang_ends_in_deadlock_break(void **state)
{
    (void)state;
    world_reset();
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_HANG());
    repeated r = {.input = "x"};
    tg_result res = run_fn(call_four_times, &r, 1);
    /* Nothing can wake a hang but a cancellation: the run breaks the
     * deadlock by cancelling, and the call ends cancelled. */
    assert_true(tg_error_is(r.got[0].err, &TG_CancelledError));
    assert_int_equal(world_call_at(0)->end, WORLD_END_CANCELLED);
    tg_error_unref(res.error);
    for (int i = 0; i < 4; i++)
        outcome_clear(&r.got[i]);
}

static void jittered(uint64_t seed, uint64_t at[8])
{
    world_reset();
    world_plan1(WORLD_SEND_EMAIL, NULL,
                (world_step){.latency_ms = 40, .jitter_ms = 40});
    fanout f = {.n = 8, .inputs = {"a", "b", "c", "d", "e", "f", "g", "h"}};
    assert_null(run_fn(fan_main, &f, seed).error);
    for (size_t i = 0; i < f.n; i++) {
        at[i] = f.got[i].at;
        assert_true(at[i] >= 40 && at[i] <= 80);
        assert_int_equal(world_call_at(i)->end_ms, at[i]);
        outcome_clear(&f.got[i]);
    }
}

static void test_world_jitter_follows_the_seed(void **state)
{
    (void)state;
    uint64_t a[8], b[8], c[8];
    jittered(1, a);
    jittered(1, b);
    jittered(2, c);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
}

/* ---- helpers and reset -----------------------------------------------------
 */

static void test_world_log_error_and_copy_str(void **state)
{
    (void)state;
    world_reset();
    tg_error *b = tg_error_new(&BounceError, "no such mailbox: x");
    tg_error *c = tg_error_new(&TG_CancelledError, "%s", "");
    log_error(b);
    log_error(c);
    log_error(NULL);
    assert_int_equal(world_log_count(), 3);
    assert_string_equal(world_log_at(0), "BounceError: no such mailbox: x");
    assert_string_equal(world_log_at(1), "CancelledError");
    assert_string_equal(world_log_at(2), "NULL");
    assert_null(world_log_at(3));
    tg_error_unref(b);
    tg_error_unref(c);

    char *s = copy_str("abc");
    assert_string_equal(s, "abc");
    free(s);
    assert_null(copy_str(NULL));

    world_reset();
    assert_int_equal(world_log_count(), 0);
    assert_int_equal(world_call_count(), 0);
    assert_null(world_call_at(0));
    assert_string_equal(world_service_name(WORLD_DB_VERIFY), "db_verify");
    assert_string_equal(world_end_name(WORLD_END_CANCELLED), "cancelled");
}

static void test_world_type_hierarchy(void **state)
{
    (void)state;
    assert_true(tg_type_is(&BounceError, &EmailError));
    assert_true(tg_type_is(&EmailError, &TG_Exception));
    assert_true(tg_type_is(&IntegrityError, &DatabaseError));
    assert_true(tg_type_is(&OrderError, &TG_Exception));
    assert_true(tg_type_is(&LedgerError, &TG_Exception));
    assert_false(tg_type_is(&HTTPError, &EmailError));
    assert_string_equal(BounceError.name, "BounceError");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_world_defaults_are_ok_after_10_ms),
        cmocka_unit_test(test_world_plan_steps_then_repeats_the_last),
        cmocka_unit_test(test_world_default_plan_and_override),
        cmocka_unit_test(test_world_failures_and_bugs),
        cmocka_unit_test(test_world_null_input_is_a_type_error),
        cmocka_unit_test(test_world_in_flight_peak),
        cmocka_unit_test(test_world_cancel_inside_a_call),
        cmocka_unit_test(test_world_lone_hang_ends_in_deadlock_break),
        cmocka_unit_test(test_world_jitter_follows_the_seed),
        cmocka_unit_test(test_world_log_error_and_copy_str),
        cmocka_unit_test(test_world_type_hierarchy),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    world_reset();
    return failed;
}
