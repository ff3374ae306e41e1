/*
 * fetch_within.checks.c -- the checks of 10-timeouts-and-cleanup/
 * fetch_within, run by the trusted checker on what fetch_within.probe.c
 * observed.
 *
 * What they catch, from lesson 10: a watchdog task racing the fetch (a
 * fast page still takes the whole limit; a slow one comes back as a
 * CancelledError); an error classified before tg_timeout_exit has seen it;
 * a TimeoutError made by hand, without the CancelledError as its cause;
 * every CancelledError turned into a TimeoutError (an outside
 * cancellation must stay one); a scope left open on an error path (it
 * cancels the caller later); the fetch's own error replaced or wrapped;
 * leaks on every path, cancellation included.
 */
#include <string.h>

#include "checker.h"
#include "fetch_within.scenario.h"

#define BODY "body of " FW_URL

/* How the fetch call ended, in words, for messages. */
static const char *fetch_ended(const checker_obs *o)
{
    long k = obs_calls_find(o, "calls", "fetch_url", FW_URL, NULL);
    if (k < 0)
        return "fetch_url was never called";
    const char *outcome =
        obs_str(o, checker_path("calls.items.%ld.outcome", k));
    long long end = obs_int(o, checker_path("calls.items.%ld.end", k));
    if (strcmp(outcome, "running") == 0)
        return "the fetch was still running when fetch_within returned";
    if (strcmp(outcome, "cancelled") == 0)
        return checker_fmt("the fetch was cancelled at %lld ms", end);
    if (strcmp(outcome, "error") == 0)
        return checker_fmt("the fetch failed at %lld ms", end);
    return checker_fmt("the fetch answered at %lld ms", end);
}

/* A scope that was never closed is never freed either: say so before the
 * general leak message.  expired: the scope is known to have expired
 * during the call, so a closed one has taken its cancellation request
 * back (a request counted by tg_task_cancelling).  Other requests are not
 * looked at: a group whose child failed leaves one behind, as asyncio's
 * TaskGroup does in Python 3.11. */
static void scope_not_leaked(const checker_obs *o, bool expired)
{
    CHECK(o, !obs_bool(o, "later.cancelled"),
          "A timeout scope was left open: after fetch_within had returned, "
          "its caller was cancelled at %lld ms by that scope, and the "
          "scope's memory was never freed. Every tg_timeout_enter needs "
          "its tg_timeout_exit on every way out.",
          obs_int(o, "later.at"));
    CHECK(o, !expired || obs_int(o, "cancelling_after") == 0,
          "The timeout scope expired and was never closed: its "
          "cancellation request is still counted against the caller, and "
          "the scope's memory was never freed. Pass the error the fetch "
          "ended with to tg_timeout_exit on every way out, this one "
          "included.");
}

/* The body is NULL whenever an error comes back. */
static void body_null_on_error(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "body_set"),
          "fetch_within never wrote *body. Set it on every path: the page, "
          "or NULL when an error comes back.");
    CHECK_NULL(o, "body",
               "fetch_within returned an error but left *body = {actual}. "
               "When it returns an error, *body must be NULL.");
}

/* ---- fast: the page answers at 30 ms, the limit is 1000 ms --------------- */

static void fast_fetch_returns_at_once(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "fetch_within returned {actual}; expected NULL: the page "
               "answered at %d ms, well within the %d ms limit.",
               FW_FAST_MS, FW_FAST_LIMIT);
    CHECK(o, obs_bool(o, "body_set") && obs_str(o, "body") != NULL,
          "fetch_within returned NULL but left *body without the page. "
          "Set *body to what fetch_url returned.");
    CHECK_STR_EQ(o, "body", BODY,
                 "*body is {actual}; expected {expected}, what fetch_url "
                 "returned.");
    CHECK_INT_EQ(o, "returned_at", FW_FAST_MS,
                 "fetch_within returned at {actual} ms (virtual time), but "
                 "the page came back at {expected} ms. A group waits for "
                 "every child: a watchdog task that sleeps out the %d ms "
                 "limit makes every call take the whole limit. A timeout "
                 "scope (tg_timeout_enter, then tg_timeout_exit) needs no "
                 "other task.",
                 FW_FAST_LIMIT);
}

static void no_leaks(const checker_obs *o)
{
    scope_not_leaked(o, false);
    CHECK_NO_LEAKS(o, "fetch_within");
}

/* ---- slow: the page would take 500 ms, the limit is 100 ms --------------- */

static void slow_fetch_times_out(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "fetch_within returned NULL, but the page takes %d ms "
                   "and the limit is %d ms: it should return a "
                   "TimeoutError.",
                   FW_SLOW_MS, FW_SLOW_LIMIT);
    CHECK(o, !obs_error_is(o, "returned", "CancelledError"),
          "fetch_within returned a CancelledError when the %d ms limit "
          "passed. To your caller a CancelledError means \"you were "
          "cancelled: stop\", not \"the page was too slow\". Pass the "
          "fetch's error through tg_timeout_exit, which turns the "
          "cancellation that your own scope caused into a TimeoutError.",
          FW_SLOW_LIMIT);
    CHECK_ERROR_TYPE(o, "returned", "TimeoutError",
                     "fetch_within returned {actual} when the limit passed; "
                     "expected a TimeoutError.");
    CHECK_INT_EQ(o, "returned_at", FW_SLOW_LIMIT,
                 "The TimeoutError came back at {actual} ms; expected "
                 "{expected} ms, when the limit passed.");
    body_null_on_error(o);
}

static void timeout_has_cause(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "TimeoutError",
                     "fetch_within should return a TimeoutError when the "
                     "limit passes; it returned {actual}.");
    CHECK_ERROR_TYPE(o, "returned.cause", "CancelledError",
                     "The TimeoutError's cause is {actual}; expected the "
                     "CancelledError that stopped the fetch. "
                     "tg_timeout_exit(t, err) makes that TimeoutError for "
                     "you: do not make one of your own.");
}

static void slow_fetch_stopped(const checker_obs *o)
{
    long k = obs_calls_find(o, "calls", "fetch_url", FW_URL, NULL);
    CHECK(o, k >= 0, "fetch_url was never called for %s.", FW_URL);
    CHECK_STR_EQ(o, checker_path("calls.items.%ld.outcome", k), "cancelled",
                 "The fetch ended {actual}; expected {expected}: when the "
                 "limit passes, the fetch must be stopped, not left to "
                 "run. (%s.)",
                 fetch_ended(o));
    CHECK_INT_EQ(o, checker_path("calls.items.%ld.end", k), FW_SLOW_LIMIT,
                 "The fetch was stopped at {actual} ms; expected "
                 "{expected} ms, when the limit passed.");
}

static void no_leaks_after_timeout(const checker_obs *o)
{
    scope_not_leaked(o, true);
    CHECK_NO_LEAKS(o, "fetch_within");
}

/* ---- not_found: a 404 at 20 ms, within the 100 ms limit ------------------ */

static void fetch_error_unchanged(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "fetch_within returned NULL, but the fetch failed with "
                   "a 404 at %d ms: return its error.",
                   FW_ERROR_MS);
    CHECK_ERROR_TYPE(o, "returned", "HTTPError",
                     "The fetch failed with HTTPError(\"404 Not Found\") at "
                     "%d ms, within the limit, so fetch_within should "
                     "return that error, unchanged; it returned {actual}.",
                     FW_ERROR_MS);
    CHECK_ERROR_MESSAGE(o, "returned", "404 Not Found",
                        "The HTTPError has the message {actual}; expected "
                        "{expected}, fetch_url's own.");
    CHECK(o, obs_bool(o, "returned_is_services"),
          "fetch_within returned an HTTPError, but not the one fetch_url "
          "gave you: hand the very same error object on (tg_timeout_exit "
          "returns it unchanged).");
    CHECK_INT_EQ(o, "returned_at", FW_ERROR_MS,
                 "fetch_within returned at {actual} ms; the fetch failed at "
                 "{expected} ms and nothing was left to wait for.");
    body_null_on_error(o);
}

static void scope_closed(const checker_obs *o)
{
    CHECK(o, !obs_bool(o, "later.cancelled"),
          "After fetch_within had returned the 404, its caller was "
          "cancelled at %lld ms, when the %d ms limit passed: the timeout "
          "scope was still open. Every tg_timeout_enter needs its "
          "tg_timeout_exit on every way out, error paths included; pass "
          "the error through it rather than returning early.",
          obs_int(o, "later.at"), FW_ERROR_LIMIT);
}

static void no_leaks_after_error(const checker_obs *o)
{
    scope_not_leaked(o, false);
    CHECK_NO_LEAKS(o, "fetch_within");
}

/* ---- bug: fetch_url raises a TypeError at 20 ms -------------------------- */

static void bug_propagates(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "fetch_within returned NULL, but fetch_url raised a bug "
                   "(a TypeError) at %d ms: it must reach the caller.",
                   FW_ERROR_MS);
    CHECK_ERROR_TYPE(o, "returned", "TypeError",
                     "fetch_url raised a TypeError (an injected bug) at %d "
                     "ms; fetch_within should return it unchanged, but "
                     "returned {actual}.",
                     FW_ERROR_MS);
    CHECK(o, obs_bool(o, "returned_is_services"),
          "fetch_within returned a TypeError, but not the one fetch_url "
          "raised: hand the very same error object on.");
    CHECK_INT_EQ(o, "returned_at", FW_ERROR_MS,
                 "fetch_within returned at {actual} ms; the bug was raised "
                 "at {expected} ms.");
}

/* ---- outside_cancel: the caller is cancelled at 50 ms -------------------- */

static void outside_cancel_stays_cancel(const checker_obs *o)
{
    CHECK(o, !obs_error_is(o, "returned", "TimeoutError"),
          "fetch_within was cancelled by its caller at %d ms, before its "
          "%d ms limit, and returned a TimeoutError: the request to stop "
          "was turned into an ordinary failure that the caller may record "
          "or retry. Only a cancellation caused by your own scope becomes "
          "a TimeoutError; tg_timeout_exit knows which is which, so let it "
          "decide.",
          FW_CANCEL_MS, FW_SLOW_LIMIT);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "fetch_within was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     FW_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", FW_CANCEL_MS,
                 "fetch_within returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
    body_null_on_error(o);
    CHECK(o, !obs_bool(o, "later.cancelled"),
          "After fetch_within had returned, its caller was cancelled again "
          "at %lld ms, when the %d ms limit passed: the timeout scope was "
          "still open. Close it with tg_timeout_exit on every way out, "
          "cancellation included.",
          obs_int(o, "later.at"), FW_SLOW_LIMIT);
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    scope_not_leaked(o, false);
    CHECK_NO_LEAKS(o, "fetch_within");
}

const checker_check CHECKER_CHECKS[] = {
    {"fast_fetch_returns_at_once", "fast", fast_fetch_returns_at_once},
    {"no_leaks", "fast", no_leaks},
    {"slow_fetch_times_out", "slow", slow_fetch_times_out},
    {"timeout_has_cause", "slow", timeout_has_cause},
    {"slow_fetch_stopped", "slow", slow_fetch_stopped},
    {"no_leaks_after_timeout", "slow", no_leaks_after_timeout},
    {"fetch_error_unchanged", "not_found", fetch_error_unchanged},
    {"scope_closed", "not_found", scope_closed},
    {"no_leaks_after_error", "not_found", no_leaks_after_error},
    {"bug_propagates", "bug", bug_propagates},
    {"outside_cancel_stays_cancel", "outside_cancel",
     outside_cancel_stays_cancel},
    {"no_leaks_after_cancel", "outside_cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
