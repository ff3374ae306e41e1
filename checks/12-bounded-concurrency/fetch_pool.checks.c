/*
 * fetch_pool.checks.c -- the checks of 12-bounded-concurrency/fetch_pool,
 * run by the trusted checker on what fetch_pool.probe.c observed.
 *
 * What they catch, from lesson 12: fixed batches (each waits for its
 * slowest page: 120 ms instead of 100 for the one_slow plan); no limit;
 * fetches that start out of order or later than a free slot allows;
 * outcomes missing, misfiled, or borrowing the caller's URL; a bug or a
 * cancellation recorded instead of propagated; fetches left running
 * after a cancellation; leaks.
 */
#include <string.h>

#include "checker.h"
#include "fetch_pool.scenario.h"

#define URLS FP_URLS

/* The start of each fetch, in URL order, as a FIFO semaphore with `limit`
 * permits schedules them: each takes the slot that frees first.  Returns
 * when the last one ends. */
static long long fifo_schedule(const long long *dur, size_t n, unsigned limit,
                               long long *start)
{
    long long slot[FP_N] = {0}, last = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned k = 0;
        for (unsigned s = 1; s < limit; s++)
            if (slot[s] < slot[k])
                k = s;
        start[i] = slot[k];
        slot[k] += dur[i];
        if (slot[k] > last)
            last = slot[k];
    }
    return last;
}

static long call_of(const checker_obs *o, int i)
{
    return obs_calls_find(o, "calls", "fetch_url", URLS[i], NULL);
}

/* Each fetch started when the FIFO schedule says, for these durations. */
static void starts_as_scheduled(const checker_obs *o, const long long *dur,
                                size_t n, unsigned limit)
{
    long long start[FP_N];
    long long end = fifo_schedule(dur, n, limit, start);
    for (size_t i = 0; i < n; i++) {
        long k = call_of(o, (int)i);
        CHECK(o, k >= 0, "fetch_url was never called for %s.", URLS[i]);
        long long at = obs_int(o, checker_path("calls.items.%ld.start", k));
        CHECK(o, at >= start[i],
              "The fetch of %s started at %lld ms, before any of the %u "
              "slots was free (expected %lld ms): more than %u fetches "
              "were running at once.",
              URLS[i], at, limit, start[i], limit);
        CHECK_INT_EQ(o, checker_path("calls.items.%ld.start", k), start[i],
                     "The fetch of %s started at {actual} ms; expected "
                     "{expected} ms. With a limit of %u, the next URL in "
                     "line starts the moment any fetch ends -- not when a "
                     "whole batch has ended.",
                     URLS[i], limit);
    }
    CHECK_INT_EQ(o, "returned_at", end,
                 "fetch_pool returned at {actual} ms; the last fetch ended "
                 "at {expected} ms.");
}

static void outcome_kept(const checker_obs *o, int i, const char *error_type)
{
    CHECK_STR_EQ(o, checker_path("outs.%d.url", i), URLS[i],
                 "outs[%d].url is {actual}; expected {expected}: each "
                 "outcome goes in the slot of its own URL.",
                 i);
    CHECK(o, !obs_bool(o, checker_path("outs.%d.url_borrowed", i)),
          "outs[%d].url is the caller's own string urls[%d], not a copy: "
          "the outcome must own its copy (copy_str).",
          i, i);
    if (error_type == NULL) {
        CHECK_INT_EQ(o, checker_path("outs.%d.status", i), 0,
                     "outs[%d] has status {actual}; the fetch of %s worked, "
                     "so it should be FETCH_OK ({expected}).",
                     i, URLS[i]);
        CHECK_STR_EQ(o, checker_path("outs.%d.body", i),
                     checker_fmt("body of %s", URLS[i]),
                     "outs[%d].body is {actual}; expected {expected}.", i);
        CHECK_NULL(o, checker_path("outs.%d.error", i),
                   "outs[%d].error is {actual}, but that fetch worked.", i);
    } else {
        CHECK_INT_EQ(o, checker_path("outs.%d.status", i), 1,
                     "outs[%d] has status {actual}; the fetch of %s failed, "
                     "so it should be FETCH_FAILED ({expected}).",
                     i, URLS[i]);
        CHECK_ERROR_TYPE(o, checker_path("outs.%d.error", i), error_type,
                         "outs[%d].error is {actual}; expected the %s the "
                         "fetch of %s failed with.",
                         i, error_type, URLS[i]);
        CHECK_NULL(o, checker_path("outs.%d.body", i),
                   "outs[%d].body is {actual}, but that fetch failed.", i);
    }
}

/* ---- one_slow: 100, 10, 10, 10, 10, 10 ms; limit 2 ---------------------- */

static void finishes_with_slowest(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "fetch_pool returned {actual}; every fetch worked, so it "
               "should return NULL.");
    CHECK_INT_EQ(o, "returned_at", FP_SLOW_MS,
                 "fetch_pool returned at {actual} ms; expected {expected} "
                 "ms. The slow page takes %d ms in one slot; the five quick "
                 "ones go one after another through the other slot and are "
                 "done by %d ms. Fixed batches make each batch wait for its "
                 "slowest member while a slot sits idle: 100 + 10 + 10 = "
                 "120 ms.",
                 FP_SLOW_MS, 5 * FP_FAST_MS);
}

static void never_above_limit(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.fetch_url", 0);
    CHECK(o, peak <= FP_SLOW_LIMIT,
          "%lld fetches were in flight at once; the limit is %d. Take a "
          "permit (tg_sem_acquire) before each fetch, from one semaphore "
          "made with tg_sem_new(limit) and shared by every task.",
          peak, FP_SLOW_LIMIT);
    CHECK_VALUE_EQ(o, peak, FP_SLOW_LIMIT,
                   "At most {actual} fetch was in flight at once; with a "
                   "limit of {expected}, {expected} should run together.");
}

static void slots_kept_busy(const checker_obs *o)
{
    long long dur[FP_SLOW_N];
    for (int i = 0; i < FP_SLOW_N; i++)
        dur[i] = i == 0 ? FP_SLOW_MS : FP_FAST_MS;
    starts_as_scheduled(o, dur, FP_SLOW_N, FP_SLOW_LIMIT);
}

/* ---- mixed: 9 URLs, limit 3, 20-80 ms each, three failures -------------- */

static void outcomes_filled(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "fetch_pool returned {actual}; a 404, a reset and a timeout "
               "are recorded in their outcomes, so it should return NULL.");
    for (int i = 0; i < FP_N; i++)
        outcome_kept(o, i,
                     i == FP_404       ? "HTTPError"
                     : i == FP_RESET   ? "ConnectionError"
                     : i == FP_TIMEOUT ? "TimeoutError"
                                       : NULL);
}

static void fetches_start_in_order(const checker_obs *o)
{
    long long dur[FP_N];
    for (int i = 0; i < FP_N; i++) {
        long k = call_of(o, i);
        CHECK(o, k >= 0, "fetch_url was never called for %s.", URLS[i]);
        CHECK(o,
              strcmp(obs_str(o, checker_path("calls.items.%ld.outcome", k)),
                     "cancelled") != 0,
              "The fetch of %s was cancelled: one page failing must not "
              "stop the others.",
              URLS[i]);
        dur[i] = obs_int(o, checker_path("calls.items.%ld.end", k)) -
                 obs_int(o, checker_path("calls.items.%ld.start", k));
    }
    starts_as_scheduled(o, dur, FP_N, FP_MIXED_LIMIT);
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_pool");
}

/* ---- bug: p/1 raises a TypeError ---------------------------------------- */

static void bug_propagates(const checker_obs *o)
{
    for (int i = 0; i < FP_SLOW_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i), "TypeError"),
              "outs[%d].error holds the injected TypeError, recorded as if "
              "it were a failed fetch. A bug must be raised so that it "
              "reaches the caller.",
              i);
    CHECK(o, obs_error_find(o, "returned", "TypeError", NULL) != NULL,
          "fetch_pool returned %s, without the injected TypeError that the "
          "fetch of %s raised. It should come back in what fetch_pool "
          "returns.",
          obs_describe(o, "returned"), URLS[FP_BUG]);
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} fetches were still in flight when fetch_pool "
                   "returned; expected {expected}.");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_pool");
}

/* ---- cancel: cancelled at 25 ms ----------------------------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "fetch_pool was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     FP_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", FP_CANCEL_MS,
                 "fetch_pool returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} fetches were still in flight when fetch_pool "
                   "returned; expected {expected}.");
    for (int i = 0; i < FP_SLOW_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i),
                            "CancelledError"),
              "outs[%d].error holds a CancelledError: a cancellation is "
              "not a failed fetch; raise it, never record it.",
              i);
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_pool");
}

const checker_check CHECKER_CHECKS[] = {
    {"finishes_with_slowest", "one_slow", finishes_with_slowest},
    {"never_above_limit", "one_slow", never_above_limit},
    {"slots_kept_busy", "one_slow", slots_kept_busy},
    {"outcomes_filled", "mixed", outcomes_filled},
    {"fetches_start_in_order", "mixed", fetches_start_in_order},
    {"no_leaks", "mixed", no_leaks},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
