/*
 * fetch_both.checks.c -- the checks of 10-timeouts-and-cleanup/fetch_both,
 * run by the trusted checker on what fetch_both.probe.c observed.
 *
 * What they catch, from lesson 10: the first page leaked when the second
 * fetch fails, raises a bug or is cancelled (`return err;` in the middle of
 * the function); a failure or a cancellation swallowed (half a result
 * returned as if all went well); *joined left pointing at a partial
 * result on an error; the error replaced; b fetched although a failed.
 */
#include <string.h>

#include "checker.h"
#include "fetch_both.scenario.h"

#define BODY_A "body of " FB_A
#define BODY_B "body of " FB_B

/* Where the call to url stands, in words, for messages. */
static const char *call_state(const checker_obs *o, const char *url)
{
    long k = obs_calls_find(o, "calls", "fetch_url", url, NULL);
    if (k < 0)
        return checker_fmt("%s was never fetched", url);
    const char *outcome =
        obs_str(o, checker_path("calls.items.%ld.outcome", k));
    long long end = obs_int(o, checker_path("calls.items.%ld.end", k));
    if (strcmp(outcome, "running") == 0)
        return checker_fmt("the fetch of %s was still running", url);
    return checker_fmt("the fetch of %s ended %s at %lld ms", url, outcome,
                       end);
}

static void joined_null(const checker_obs *o, const char *why)
{
    CHECK(o, obs_bool(o, "joined_set"),
          "fetch_both never wrote *joined. Set it on every path: NULL "
          "when an error comes back.");
    CHECK_NULL(o, "joined",
               "fetch_both returned an error (%s) but left *joined = "
               "{actual}. Half a result is not a result: on an error, "
               "*joined must be NULL.",
               why);
}

/* The leak check after a's page came back, with a word on the usual
 * culprit first. */
static void nothing_leaked(const checker_obs *o, const char *when)
{
    long long bytes = obs_int_or(o, "leaks.bytes", 0);
    CHECK(o, bytes <= 0 || obs_int(o, "leaks.errors") != 0,
          "%lld bytes were never freed when %s. The page of %s that "
          "fetch_both already holds is still yours on that path: a `return "
          "err;` in the middle of the function skips its free(). Send "
          "every way out through one exit label that frees both pages.",
          bytes, when, FB_A);
    CHECK_NO_LEAKS(o, "fetch_both");
}

/* ---- both_ok: a at 20 ms, b at 30 ms after it ---------------------------- */

static void joins_both_pages(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "fetch_both returned {actual}; both pages came back, so it "
               "should return NULL.");
    CHECK_STR_EQ(o, "joined", BODY_A BODY_B,
                 "*joined is {actual}; expected {expected}: a's page "
                 "followed by b's.");
    long a = obs_calls_find(o, "calls", "fetch_url", FB_A, "ok");
    long b = obs_calls_find(o, "calls", "fetch_url", FB_B, "ok");
    CHECK(o, a >= 0 && b >= 0,
          "Both pages should have been fetched once: %s; %s.",
          call_state(o, FB_A), call_state(o, FB_B));
    long long a_end = obs_int(o, checker_path("calls.items.%ld.end", a));
    long long b_start = obs_int(o, checker_path("calls.items.%ld.start", b));
    CHECK(o, b_start >= a_end,
          "%s was requested at %lld ms, before the page of %s came back at "
          "%lld ms. Fetch b only once a has answered: when a fails, b is "
          "not needed at all.",
          FB_B, b_start, FB_A, a_end);
    CHECK_INT_EQ(o, "returned_at", FB_A_MS + FB_B_MS,
                 "fetch_both returned at {actual} ms; expected {expected} "
                 "ms, when b's page came back.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_both");
}

/* ---- b_fails: b is a 404 ------------------------------------------------- */

static void b_error_returned(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "fetch_both returned NULL, but the fetch of %s failed "
                   "with a 404: return its error, so the caller knows the "
                   "page is incomplete.",
                   FB_B);
    CHECK_ERROR_TYPE(o, "returned", "HTTPError",
                     "The fetch of %s failed with HTTPError(\"404 Not "
                     "Found\"); fetch_both should return that error and "
                     "returned {actual}.",
                     FB_B);
    CHECK(o, obs_bool(o, "returned_is_b_error"),
          "fetch_both returned an HTTPError, but not the one fetch_url gave "
          "you for %s: hand the very same error object on.",
          FB_B);
    joined_null(o, "b's 404");
}

static void no_leaks_when_b_fails(const checker_obs *o)
{
    nothing_leaked(o, "the fetch of b failed");
}

/* ---- b_bug: b raises a TypeError ------------------------------------------
 */

static void bug_propagates(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "fetch_both returned NULL, but fetch_url raised a bug (a "
                   "TypeError) for %s: it must reach the caller.",
                   FB_B);
    CHECK_ERROR_TYPE(o, "returned", "TypeError",
                     "fetch_url raised a TypeError (an injected bug) for "
                     "%s; fetch_both should return it unchanged, but "
                     "returned {actual}.",
                     FB_B);
    CHECK(o, obs_bool(o, "returned_is_b_error"),
          "fetch_both returned a TypeError, but not the one fetch_url "
          "raised: hand the very same error object on.");
    joined_null(o, "a bug");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    nothing_leaked(o, "the fetch of b raised a bug");
}

/* ---- cancel_during_b: cancelled at 50 ms, while b is fetched ------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "fetch_both was cancelled at %d ms, while it fetched "
                     "%s, and should return the CancelledError; it "
                     "returned {actual}. A cancellation arrives as the "
                     "error of the fetch it interrupted: pass it up like "
                     "any other.",
                     FB_CANCEL_MS, FB_B);
    CHECK_INT_EQ(o, "returned_at", FB_CANCEL_MS,
                 "fetch_both returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then (%s).",
                 call_state(o, FB_B));
    joined_null(o, "a cancellation");
}

static void no_leaks_on_cancel(const checker_obs *o)
{
    nothing_leaked(o, "fetch_both was cancelled during the fetch of b");
}

/* ---- a_fails: a is a 404 ------------------------------------------------- */

static void stops_when_a_fails(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "HTTPError",
                     "The fetch of %s failed with a 404; fetch_both should "
                     "return that HTTPError and returned {actual}.",
                     FB_A);
    CHECK(o, obs_bool(o, "returned_is_a_error"),
          "fetch_both returned an HTTPError, but not the one fetch_url gave "
          "you for %s: hand the very same error object on.",
          FB_A);
    CHECK(o, obs_calls_count(o, "calls", "fetch_url", FB_B, NULL) == 0,
          "%s was fetched although %s had already failed: without a's "
          "page there is nothing to join, so b must not be requested "
          "(%s).",
          FB_B, FB_A, call_state(o, FB_B));
    joined_null(o, "a's 404");
    CHECK_NO_LEAKS(o, "fetch_both");
}

const checker_check CHECKER_CHECKS[] = {
    {"joins_both_pages", "both_ok", joins_both_pages},
    {"no_leaks", "both_ok", no_leaks},
    {"b_error_returned", "b_fails", b_error_returned},
    {"no_leaks_when_b_fails", "b_fails", no_leaks_when_b_fails},
    {"bug_propagates", "b_bug", bug_propagates},
    {"no_leaks_after_bug", "b_bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel_during_b", cancel_propagates},
    {"no_leaks_on_cancel", "cancel_during_b", no_leaks_on_cancel},
    {"stops_when_a_fails", "a_fails", stops_when_a_fails},
    {NULL, NULL, NULL},
};
