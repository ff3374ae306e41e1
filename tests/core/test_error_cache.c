/*
 * test_error_cache.c -- the recycled blocks of small errors
 * (core/src/error_cache.c): a recycled block starts clean whatever the
 * error before it held, big errors never go through the cache, the cache
 * is emptied with the thread's last error outside a run, kept (without
 * a bound) while a run is on but for blocks idle a whole period, and
 * dropped or cut back when the run ends.  Run under ASan and valgrind too,
 * where a block used after its release is a reported error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/src/error_internal.h"
#include "tg.h"

static int no_leak(void **state)
{
    (void)state;
    assert_int_equal(tg_error_live_count(), 0);
    assert_int_equal(tg__error_block_cache_count(), 0);
    return 0;
}

static void test_error_cache_recycled_block_is_clean(void **state)
{
    (void)state;
    tg_error *inner = tg_error_new(&TG_OSError, "inner");
    tg_error *e = tg_error_new(&TG_ValueError, "first");
    tg_error_add_note(e, "a note");
    tg_error_from(e, inner);
    tg_error_set_context(e, tg_error_new(&TG_KeyError, "ctx"));
    tg_error *keep = tg_error_new(&TG_TypeError, "keeps the cache");
    tg_error_unref(e); /* e, inner and the context go to the cache */
    assert_int_equal(tg__error_block_cache_count(), 3);

    tg_error *again = tg_error_new(&TG_RuntimeError, "second");
    assert_int_equal(tg__error_block_cache_count(), 2);
    assert_string_equal(tg_error_message(again), "second");
    assert_string_equal(tg_error_type_name(again), "RuntimeError");
    assert_int_equal(tg_error_note_count(again), 0);
    assert_null(tg_error_cause(again));
    assert_null(tg_error_context(again));
    tg_error_unref(again);
    tg_error_unref(keep); /* the last one, outside a run: all freed */
    assert_int_equal(tg__error_block_cache_count(), 0);
}

static void test_error_cache_big_errors_bypass_it(void **state)
{
    (void)state;
    char text[TG__ERROR_SMALL + 1];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    tg_error *keep = tg_error_new(&TG_TypeError, "keeps the cache");
    tg_error *big = tg_error_new(&TG_ValueError, "%s", text);
    assert_string_equal(tg_error_message(big), text);
    tg_error_unref(big);
    assert_int_equal(tg__error_block_cache_count(), 0);
    tg_error_unref(keep);
}

static size_t seen_in_run;

static tg_result churn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        tg_error_unref(tg_error_new(&TG_ValueError, "short-lived %d", i));
    /* No error is alive now, but the run keeps the block for the next. */
    seen_in_run = tg__error_block_cache_count();
    return tg_return(NULL);
}

static void test_error_cache_kept_during_a_run_dropped_after(void **state)
{
    (void)state;
    tg_options o = {.virtual_time = true};
    tg_result r = tg_run(churn, NULL, &o);
    assert_null(r.error);
    assert_int_equal(seen_in_run, 1);
    assert_int_equal(tg__error_block_cache_count(), 0);
}

static tg_result raise_one(void *arg)
{
    (void)arg;
    return tg_raise(tg_error_new(&TG_ValueError, "outlives the run"));
}

static void test_error_cache_dropped_when_a_result_outlives_the_run(
    void **state)
{
    (void)state;
    tg_options o = {.virtual_time = true};
    tg_result r = tg_run(raise_one, NULL, &o);
    assert_non_null(r.error);
    tg_error_unref(r.error); /* the last error, now outside the run */
    assert_int_equal(tg__error_block_cache_count(), 0);
}

/* More blocks than the bound outside a run (65536): a fail-fast group of
 * a hundred thousand tasks releases that many CancelledErrors at once. */
enum { MANY = 70000 };
static size_t kept_in_run;

static tg_result release_many(void *arg)
{
    (void)arg;
    tg_error **e = malloc(MANY * sizeof *e);
    if (!e)
        return tg_raise(tg_error_new(&TG_MemoryError, "test"));
    for (size_t i = 0; i < MANY; i++)
        e[i] = tg_error_new(&TG_ValueError, "one of many");
    for (size_t i = 0; i < MANY; i++)
        tg_error_unref(e[i]);
    free(e);
    kept_in_run = tg__error_block_cache_count();
    return tg_raise(tg_error_new(&TG_ValueError, "outlives the run"));
}

static void test_error_cache_unbounded_in_a_run_cut_back_after(void **state)
{
    (void)state;
    tg_options o = {.virtual_time = true};
    tg_result r = tg_run(release_many, NULL, &o);
    assert_non_null(r.error);
    /* Every block was kept while the run was on ... */
    assert_true(kept_in_run >= MANY);
    /* ... and the run's end cut the cache back to its bound, though an
     * error (the result) still lives. */
    size_t after = tg__error_block_cache_count();
    assert_true(after > 0);
    assert_true(after <= 65536);
    tg_error_unref(r.error);
    assert_int_equal(tg__error_block_cache_count(), 0);
}

/* During a run, blocks left idle above the bound for a whole period go
 * back; blocks in use again stay. */
static void test_error_cache_idle_blocks_given_back_in_a_run(void **state)
{
    (void)state;
    tg__error_block_cache_bound(false); /* as tg_run does */
    tg_error *keep = tg_error_new(&TG_TypeError, "keeps the cache");
    tg_error **e = malloc(MANY * sizeof *e);
    assert_non_null(e);
    for (size_t i = 0; i < MANY; i++)
        e[i] = tg_error_new(&TG_ValueError, "one of many");
    for (size_t i = 0; i < MANY; i++)
        tg_error_unref(e[i]);
    assert_int_equal(tg__error_block_cache_count(), MANY);

    tg__error_block_cache_tick(100000); /* a look: all idle since */
    assert_int_equal(tg__error_block_cache_count(), MANY);
    tg__error_block_cache_tick(100500); /* within the period: nothing */
    assert_int_equal(tg__error_block_cache_count(), MANY);
    tg__error_block_cache_tick(101000); /* a period idle: back to the bound */
    assert_int_equal(tg__error_block_cache_count(), 65536);

    /* Taken and given back within the period: kept. */
    for (size_t i = 0; i < 10; i++)
        e[i] = tg_error_new(&TG_ValueError, "again");
    for (size_t i = 0; i < 10; i++)
        tg_error_unref(e[i]);
    tg__error_block_cache_tick(102000);
    assert_int_equal(tg__error_block_cache_count(), 65536);
    free(e);
    tg__error_block_cache_bound(true);
    tg_error_unref(keep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_error_cache_recycled_block_is_clean,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_cache_big_errors_bypass_it,
                                  no_leak),
        cmocka_unit_test_teardown(
            test_error_cache_kept_during_a_run_dropped_after, no_leak),
        cmocka_unit_test_teardown(
            test_error_cache_dropped_when_a_result_outlives_the_run, no_leak),
        cmocka_unit_test_teardown(
            test_error_cache_unbounded_in_a_run_cut_back_after, no_leak),
        cmocka_unit_test_teardown(
            test_error_cache_idle_blocks_given_back_in_a_run, no_leak),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
