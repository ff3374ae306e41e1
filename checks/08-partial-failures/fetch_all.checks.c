/*
 * fetch_all.checks.c -- the checks of 08-partial-failures/fetch_all, run
 * by the trusted checker on what fetch_all.probe.c observed.
 *
 * What they catch, from lesson 08: plain fetch tasks in one group, so
 * that a fast failure cancels the slow fetches and their pages are never
 * produced; outcomes missing or not attached to their URL (results in
 * arrival order); a catch-all ("except* Exception") that swallows a bug;
 * a cancellation recorded as a failed fetch; fetches made one after
 * another; leaks.
 */
#include <string.h>

#include "checker.h"
#include "fetch_all.scenario.h"

static const char *status_name(long long s)
{
    return s == 0 ? "FETCH_OK"
           : s == 1
               ? "FETCH_FAILED"
               : checker_fmt("%lld (neither FETCH_OK nor FETCH_FAILED)", s);
}

/* "its fetch was cancelled at 20 ms", ... for messages. */
static const char *what_happened(const checker_obs *o, const char *url)
{
    long k = obs_calls_find(o, "calls", "fetch_url", url, NULL);
    if (k < 0)
        return "fetch_url was never called for it";
    const char *outcome =
        obs_str(o, checker_path("calls.items.%ld.outcome", k));
    long long end = obs_int(o, checker_path("calls.items.%ld.end", k));
    if (strcmp(outcome, "cancelled") == 0)
        return checker_fmt("its fetch was cancelled at %lld ms, before the "
                           "page arrived",
                           end);
    if (strcmp(outcome, "error") == 0)
        return checker_fmt(
            "its fetch failed at %lld ms with %s", end,
            obs_str(o, checker_path("calls.items.%ld.error", k)));
    if (strcmp(outcome, "running") == 0)
        return "its fetch had not finished when fetch_all returned";
    return "its page was delivered";
}

/* outs[i] must be FETCH_OK with the page of url. */
static void check_page(const checker_obs *o, int i, const char *url)
{
    long long status = obs_int(o, checker_path("outs.%d.status", i));
    bool empty = obs_is_null(o, checker_path("outs.%d.body", i)) &&
                 obs_is_null(o, checker_path("outs.%d.error", i)) &&
                 obs_is_null(o, checker_path("outs.%d.url", i));
    long k = obs_calls_find(o, "calls", "fetch_url", url, "ok");
    CHECK(o, k >= 0,
          "outs[%d] (%s) has no page: %s. A fast failure must not stop the "
          "other fetches: when a task fails (returns tg_raise(err)), its "
          "group cancels every task still running, and a cancelled fetch "
          "never produces its page, so reading the task results after the "
          "wait cannot bring it back. Wrap each fetch so that an expected "
          "failure is recorded, not raised.",
          i, url, what_happened(o, url));
    CHECK(o, !empty,
          "outs[%d] (%s) was never filled, though %s: the page must land "
          "in outs[%d].",
          i, url, what_happened(o, url), i);
    CHECK(o, status == 0,
          "outs[%d].status is %s, but the page of %s was delivered: "
          "expected FETCH_OK.",
          i, status_name(status), url);
    CHECK_STR_EQ(o, checker_path("outs.%d.body", i),
                 obs_str(o, checker_path("calls.items.%ld.result", k)),
                 "outs[%d].body is {actual}; expected {expected}, the page "
                 "fetch_url returned for %s: outs[i] holds the outcome of "
                 "urls[i], whatever order the fetches end in.",
                 i, url);
    CHECK_NULL(o, checker_path("outs.%d.error", i),
               "outs[%d].error is {actual}, but the fetch of %s worked.", i,
               url);
}

/* outs[i] must be FETCH_FAILED with the service's own error of type. */
static void check_failure(const checker_obs *o, int i, const char *url,
                          const char *type)
{
    const char *err = checker_path("outs.%d.error", i);
    CHECK(o, obs_int(o, checker_path("outs.%d.status", i)) == 1,
          "outs[%d].status is %s, but the fetch of %s failed (%s): expected "
          "FETCH_FAILED.",
          i, status_name(obs_int(o, checker_path("outs.%d.status", i))), url,
          what_happened(o, url));
    CHECK_ERROR_TYPE(o, err, type,
                     "outs[%d].error should be the %s fetch_url raised for "
                     "%s; it is {actual}.",
                     i, type, url);
    CHECK(o, obs_bool(o, checker_path("outs.%d.error_from_service", i)),
          "outs[%d].error is a %s, but not the one fetch_url raised: keep "
          "the service's own error object, not a copy.",
          i, type);
    CHECK_NULL(o, checker_path("outs.%d.body", i),
               "outs[%d].body is {actual}, but the fetch of %s failed.", i,
               url);
}

/* ---- fast_failure: a 10 ms, b 404 at 20 ms, c 100 ms, d 150 ms ---------- */

static void every_fetch_finishes(const checker_obs *o)
{
    for (int i = 0; i < FA_N; i++) {
        size_t n = obs_calls_count(o, "calls", "fetch_url", FA_URL[i], NULL);
        CHECK(o, n == 1,
              "fetch_url was called %zu times for %s; expected exactly "
              "once.",
              n, FA_URL[i]);
    }
    size_t cancelled =
        obs_calls_count(o, "calls", "fetch_url", NULL, "cancelled");
    CHECK(o, cancelled == 0,
          "%zu of the %d fetches were cancelled, at %d ms, when the fetch "
          "of %s failed with a 404: a task that fails makes its group "
          "cancel every other task. A 404 is an expected failure: record "
          "it in its outcome and return normally.",
          cancelled, FA_N, FA_MS[FA_FAILED], FA_URL[FA_FAILED]);
}

static void slow_pages_kept(const checker_obs *o)
{
    for (int i = FA_N - 1; i >= 0; i--) /* the slowest first */
        if (i != FA_FAILED)
            check_page(o, i, FA_URL[i]);
}

static void failure_recorded(const checker_obs *o)
{
    check_failure(o, FA_FAILED, FA_URL[FA_FAILED], "HTTPError");
}

static void urls_recorded(const checker_obs *o)
{
    for (int i = 0; i < FA_N; i++) {
        const char *url = checker_path("outs.%d.url", i);
        CHECK(o, !obs_bool(o, checker_path("outs.%d.url_borrowed", i)),
              "outs[%d].url is the caller's own string (the very pointer "
              "urls[%d]), not a copy: once the caller changed it, the "
              "outcome read %s. Store a copy: copy_str(url).",
              i, i, obs_describe(o, url));
        CHECK_STR_EQ(o, url, FA_URL[i],
                     "outs[%d].url is {actual}; expected {expected}, a copy "
                     "of urls[%d], in every outcome.",
                     i, i);
    }
}

static void returns_null_at_the_end(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "fetch_all returned {actual}; expected NULL: a 404 is an "
               "expected failure, recorded in its outcome, not returned.");
    CHECK_INT_EQ(o, "returned_at", FA_MS[FA_N - 1],
                 "fetch_all returned at {actual} ms (virtual time); expected "
                 "{expected} ms, when the slowest fetch ended.");
}

static void runs_concurrently(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.fetch_url", 0);
    CHECK_VALUE_EQ(o, peak, FA_N,
                   "The most fetches in flight at once was {actual}; "
                   "expected all {expected} together. Spawn one task per "
                   "URL into one group, and wait once, after spawning them "
                   "all.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_all");
}

/* ---- reverse: the first URL is the slowest --------------------------------
 */

static void outcomes_match_urls(const checker_obs *o)
{
    for (int i = 0; i < FA_N; i++) {
        const char *url = obs_str(o, checker_path("outs.%d.url", i));
        CHECK(o,
              url == NULL || strcmp(url, FA_REV_URL[i]) == 0 ||
                  obs_bool(o, checker_path("outs.%d.url_borrowed", i)),
              "outs[%d] holds the outcome of %s, not of urls[%d] (%s). "
              "Here the fetches end in the reverse order of the URLs: "
              "outs[i] belongs to urls[i], whatever order they end in, so "
              "each task writes into the slot of its own URL.",
              i, url, i, FA_REV_URL[i]);
        if (i == FA_REV_FAILED)
            check_failure(o, i, FA_REV_URL[i], "ConnectionError");
        else
            check_page(o, i, FA_REV_URL[i]);
        CHECK_STR_EQ(o, checker_path("outs.%d.url", i), FA_REV_URL[i],
                     "outs[%d].url is {actual}; expected {expected}.", i);
    }
}

/* ---- bug: c raises a TypeError at 60 ms ---------------------------------- */

static void bug_propagates(const checker_obs *o)
{
    CHECK(o,
          !obs_error_is(o, checker_path("outs.%d.error", FA_BUG), "TypeError"),
          "The injected bug (a TypeError from fetch_url for %s) was recorded "
          "in outs[%d] as if it were a failed fetch. Only an HTTPError, a "
          "ConnectionError or a TimeoutError is expected; anything else "
          "must reach the caller.",
          FA_URL[FA_BUG], FA_BUG);
    CHECK_NOT_NULL(o, "returned",
                   "fetch_all returned NULL. fetch_url was to raise a bug (a "
                   "TypeError) for %s at %d ms, and here %s; a bug must "
                   "come back to the caller, and \"collect the errors and "
                   "go on\" hides it.",
                   FA_URL[FA_BUG], FA_BUG_MS, what_happened(o, FA_URL[FA_BUG]));
    const char *leaf = obs_error_find(o, "returned", "TypeError", NULL);
    CHECK(o, leaf != NULL,
          "fetch_all returned %s, without the injected TypeError in it.",
          obs_describe(o, "returned"));
    CHECK_ERROR_MESSAGE(o, leaf, "bug in fetch_url (injected)",
                        "The TypeError in what fetch_all returned has the "
                        "message {actual}; expected the service's own error, "
                        "{expected}, unchanged.");
    CHECK(o, obs_error_find(o, "returned", "HTTPError", NULL) == NULL,
          "What fetch_all returned also holds the 404 of %s: expected "
          "failures are recorded in their outcomes, never returned.",
          FA_URL[FA_FAILED]);
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_all");
}

/* ---- cancel: fetch_all's task is cancelled at 50 ms ---------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_INT_EQ(o, "returned_at", FA_CANCEL_MS,
                 "fetch_all returned at {actual} ms, with %s; it should "
                 "still have been waiting for its slowest fetch (%u ms) when "
                 "it was cancelled at {expected} ms, and stop right then.",
                 obs_describe(o, "returned"), FA_MS[FA_N - 1]);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "fetch_all was cancelled at %d ms and should return the "
                     "CancelledError; it returned {actual}.",
                     FA_CANCEL_MS);
}

static void cancel_not_recorded(const checker_obs *o)
{
    for (int i = 0; i < FA_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i),
                            "CancelledError"),
              "outs[%d].error holds a CancelledError. The fetch of %s did "
              "not fail: it was cancelled, because fetch_all was. Raise a "
              "cancellation (return tg_raise(err)), never record it.",
              i, FA_URL[i]);
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_all");
}

const checker_check CHECKER_CHECKS[] = {
    {"every_fetch_finishes", "fast_failure", every_fetch_finishes},
    {"slow_pages_kept", "fast_failure", slow_pages_kept},
    {"failure_recorded", "fast_failure", failure_recorded},
    {"urls_recorded", "fast_failure", urls_recorded},
    {"returns_null_at_the_end", "fast_failure", returns_null_at_the_end},
    {"runs_concurrently", "fast_failure", runs_concurrently},
    {"no_leaks", "fast_failure", no_leaks},
    {"outcomes_match_urls", "reverse", outcomes_match_urls},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"cancel_not_recorded", "cancel", cancel_not_recorded},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
