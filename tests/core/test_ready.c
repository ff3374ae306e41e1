/*
 * test_ready.c -- the scheduler's ready queue (core/src/ready.c and the
 * inline half in runtime.h): a ring of handles run FIFO, where a handle
 * unqueued before its turn leaves a gap.  Gaps are squeezed out when the
 * ring fills with them, even in the middle of a batch, which must then
 * still end after the handles that were queued before it began; growing
 * the ring keeps every handle's place.  Also through the public API: a
 * task that opens and closes thousands of zero timeouts (each queues a
 * timer and unqueues it) while its batch still has tasks to run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/src/runtime.h"
#include "tg.h"

/* ---- the ring by itself ------------------------------------------------- */

static void noop(tg__handle *h)
{
    (void)h;
}

/* A run with nothing but a ready queue, and n reservations. */
static tg__run *queue_run(size_t n)
{
    tg__run *run = calloc(1, sizeof *run);
    assert_non_null(run);
    tg__ready_init(&run->ready);
    for (size_t i = 0; i < n; i++)
        assert_true(tg__ready_reserve(run));
    return run;
}

static void queue_run_free(tg__run *run)
{
    tg__ready_free(&run->ready);
    free(run);
}

/* Takes the next handle the way the loop does; NULL for a gap. */
static tg__handle *pop(tg__run *run)
{
    tg__ready *q = &run->ready;
    assert_true(q->head != q->tail);
    tg__handle *h = q->ring[q->head++ & q->mask];
    if (h)
        h->queued = 0;
    else
        q->gaps--;
    return h;
}

/* The handles still queued, in order, gaps skipped. */
static size_t queued(tg__run *run, tg__handle **out, size_t max)
{
    tg__ready *q = &run->ready;
    size_t n = 0;
    for (uint64_t pos = q->head; pos != q->tail; pos++) {
        tg__handle *h = q->ring[pos & q->mask];
        if (h) {
            assert_true(n < max);
            assert_int_equal(h->queued, pos + 1); /* knows its place */
            out[n++] = h;
        }
    }
    assert_int_equal(n + q->gaps, q->tail - q->head);
    return n;
}

static void test_ready_gaps_squeezed_mid_batch_keep_order_and_batch(void **s)
{
    (void)s;
    tg__run *run = queue_run(5);
    tg__ready *q = &run->ready;
    tg__handle a = {.run = noop}, b = {.run = noop}, c = {.run = noop},
               x = {.run = noop}, churn = {.run = noop};

    tg__call_soon(run, &a);
    tg__call_soon(run, &b);
    tg__call_soon(run, &c);
    q->batch_end = q->tail; /* a batch of a, b, c begins */
    assert_ptr_equal(pop(run), &a);
    tg__call_soon(run, &x); /* for the next batch */
    tg__handle_cancel(run, &b);
    assert_int_equal(b.queued, 0);

    /* Gaps by the thousand: many times the ring's capacity. */
    size_t cap = q->cap;
    for (size_t i = 0; i < 10 * cap; i++) {
        tg__call_soon(run, &churn);
        tg__handle_cancel(run, &churn);
    }
    assert_int_equal(q->cap, cap); /* squeezed, not grown */
    assert_true(q->tail - q->head < cap);

    tg__handle *left[4];
    assert_int_equal(queued(run, left, 4), 2);
    assert_ptr_equal(left[0], &c);
    assert_ptr_equal(left[1], &x);
    /* The batch still ends after c and before x. */
    assert_int_equal(q->batch_end, c.queued);
    assert_true(x.queued > q->batch_end);
    queue_run_free(run);
}

static void test_ready_growth_keeps_places_across_the_wrap(void **s)
{
    (void)s;
    tg__run *run = queue_run(1);
    tg__ready *q = &run->ready;
    size_t cap = q->cap;
    while (q->reserved < cap)
        assert_true(tg__ready_reserve(run));
    tg__handle *h = calloc(2 * cap, sizeof *h);
    assert_non_null(h);
    for (size_t i = 0; i < 2 * cap; i++)
        h[i].run = noop;

    /* Fill the ring, run half of it, fill it again: it wraps around. */
    for (size_t i = 0; i < cap; i++)
        tg__call_soon(run, &h[i]);
    for (size_t i = 0; i < cap / 2; i++)
        assert_ptr_equal(pop(run), &h[i]);
    for (size_t i = cap; i < cap + cap / 2; i++)
        tg__call_soon(run, &h[i]);
    assert_int_equal(q->tail - q->head, cap);

    /* One more reservation than the ring holds: it must grow. */
    assert_true(tg__ready_reserve(run));
    assert_int_equal(q->cap, 2 * cap);
    tg__handle **left = calloc(2 * cap, sizeof *left);
    assert_non_null(left);
    size_t n = queued(run, left, 2 * cap);
    assert_int_equal(n, cap);
    for (size_t i = 0; i < n; i++)
        assert_ptr_equal(left[i], &h[cap / 2 + i]);
    /* Unqueueing after the growth finds the right slot. */
    tg__handle_cancel(run, &h[cap]);
    assert_int_equal(queued(run, left, 2 * cap), n - 1);
    assert_ptr_equal(left[cap / 2], &h[cap + 1]);
    free(left);
    free(h);
    queue_run_free(run);
}

/* ---- through the API ----------------------------------------------------- */

static char order[256];

static void note(const char *what, int id)
{
    size_t len = strlen(order);
    snprintf(order + len, sizeof order - len, "%s %d;", what, id);
}

static tg_result churner(void *arg)
{
    int id = (int)(intptr_t)arg;
    note("run", id);
    if (id == 0) {
        /* A zero timeout is due at once: entering queues its timer,
         * leaving unqueues it.  Thousands of gaps while tasks 1 and 2
         * wait their turn in this batch. */
        for (int i = 0; i < 5000; i++) {
            tg_timeout *to = tg_timeout_enter(0);
            if (!to)
                return tg_raise(tg_error_new(&TG_RuntimeError, "no timeout"));
            if (tg_timeout_expired(to))
                note("expired", i);
            tg_error *e = tg_timeout_exit(to, NULL);
            if (e)
                return tg_raise(e);
        }
    }
    tg_error *e = tg_yield();
    if (e)
        return tg_raise(e);
    note("again", id);
    return tg_return(NULL);
}

static tg_result churn_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    for (int i = 0; i < 3; i++)
        tg_spawn(g, churner, (void *)(intptr_t)i);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_ready_churn_of_zero_timeouts_keeps_fifo(void **s)
{
    (void)s;
    order[0] = '\0';
    tg_options o = {.virtual_time = true};
    tg_result r = tg_run(churn_main, NULL, &o);
    assert_null(r.error);
    assert_string_equal(order,
                        "run 0;run 1;run 2;again 0;again 1;again 2;");
    assert_int_equal(tg_error_live_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_ready_gaps_squeezed_mid_batch_keep_order_and_batch),
        cmocka_unit_test(test_ready_growth_keeps_places_across_the_wrap),
        cmocka_unit_test(test_ready_churn_of_zero_timeouts_keeps_fifo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
