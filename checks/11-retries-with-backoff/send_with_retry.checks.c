/*
 * send_with_retry.checks.c -- the checks of 11-retries-with-backoff/
 * send_with_retry, run by the trusted checker on what
 * send_with_retry.probe.c observed.
 *
 * What they catch, from lesson 11: every error retried (bounces, bugs,
 * cancellations); waits that do not grow, are not capped, or whose jitter
 * is not one draw of the run's generator; a cancellation during a wait
 * thrown away (the loop carries on sending); giving up with a new, vague
 * error instead of the last attempt's own, or without the note; too many
 * or too few attempts; leaks.
 */
#include <string.h>

#include "checker.h"
#include "send_with_retry.scenario.h"

static size_t sends(const checker_obs *o)
{
    return obs_calls_count(o, "calls", "send_email", SWR_TO, NULL);
}

/* The i-th send (from 0): start and end, in ms. */
static long long call_start(const checker_obs *o, size_t i)
{
    return obs_int(o, checker_path("calls.items.%zu.start", i));
}

static long long call_end(const checker_obs *o, size_t i)
{
    return obs_int(o, checker_path("calls.items.%zu.end", i));
}

/* min(cap, base * 2^k) */
static long long wait_floor(unsigned k, long long base, long long cap)
{
    long long d = base;
    for (unsigned i = 0; i < k && d < cap; i++)
        d *= 2;
    return d < cap ? d : cap;
}

/* Every wait between two sends is within [floor, floor + base). */
static void waits_in_bounds(const checker_obs *o, long long base, long long cap)
{
    size_t n = sends(o);
    for (size_t k = 0; k + 1 < n; k++) {
        long long gap = call_start(o, k + 1) - call_end(o, k);
        long long lo = wait_floor((unsigned)k, base, cap);
        CHECK(
            o,
            gap >= lo &&
                    gap<lo + base,
                        "Send %zu failed at %lld ms and send %zu started at "
                        "%lld ms: "
                        "a wait of %lld ms. After failed attempt %zu (counting "
                        "from "
                        "0) the wait is min(%lld, %lld * 2^%zu) = %lld ms plus "
                        "a "
                        "jitter below %lld, so from %lld to %lld ms.%s",
                        k + 1, call_end(o, k), k + 2, call_start(o, k + 1), gap,
                        k, cap, base, k, lo, base, lo, lo + base - 1, k> 0 &&
                    gap == call_start(o, 1) - call_end(o, 0)
                ? " The waits do not grow: each one should double, up to "
                  "the cap."
                : "");
    }
}

static void no_receipt(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "receipt_set"),
          "send_with_retry never wrote *receipt. Set it on every path: "
          "NULL when an error comes back.");
    CHECK_NULL(o, "receipt",
               "send_with_retry returned an error but left *receipt = "
               "{actual}; it must be NULL.");
}

/* ---- recovers: reset, reset, delivered ---------------------------------- */

static void retries_until_sent(const checker_obs *o)
{
    CHECK(o, sends(o) > 1,
          "send_email was called once: the first send failed with a "
          "ConnectionError (\"connection reset\"), which is transient -- "
          "worth another try after a wait.");
    CHECK_VALUE_EQ(o, (long long)sends(o), SWR_RECOVER_AFTER + 1,
                   "send_email was called {actual} times; expected "
                   "{expected}: two resets, then the third send is "
                   "delivered and nothing more is needed.");
    CHECK_NULL(o, "returned",
               "send_with_retry returned {actual}; the third send was "
               "delivered, so it should return NULL.");
    CHECK_STR_EQ(
        o, "receipt",
        obs_str(o, checker_path("calls.items.%d.result", SWR_RECOVER_AFTER)),
        "*receipt is {actual}; expected {expected}, the receipt "
        "of the send that worked.");
    CHECK_INT_EQ(o, "returned_at", call_end(o, SWR_RECOVER_AFTER),
                 "send_with_retry returned at {actual} ms; the send that "
                 "worked ended at {expected} ms.");
}

static void backs_off(const checker_obs *o)
{
    CHECK(o, sends(o) >= 2,
          "There is no wait to look at: send_email was called %zu "
          "time(s).",
          sends(o));
    waits_in_bounds(o, SWR_BASE, SWR_CAP);
}

/* The jitter of each wait is the run's next tg_random_below(base). */
static void jitter_matches(const checker_obs *o, long long base, long long cap)
{
    size_t n = sends(o);
    CHECK(o, n >= 2,
          "There is no wait to look at: send_email was called "
          "%zu time(s).",
          n);
    for (size_t k = 0; k + 1 < n; k++) {
        long long gap = call_start(o, k + 1) - call_end(o, k);
        long long lo = wait_floor((unsigned)k, base, cap);
        long long want = obs_int(o, checker_path("draws.%zu", k));
        if (gap < lo || gap >= lo + base)
            return; /* out of bounds: the bounds check says so */
        CHECK(o, gap != lo || want == 0,
              "Wait %zu was exactly %lld ms, with no jitter. Without it, "
              "every client that failed at the same moment retries at the "
              "same moments too. Add tg_random_below(base_ms): with this "
              "seed it gives %lld here.",
              k + 1, gap, want);
        CHECK(o, gap - lo == want,
              "With this seed, wait %zu should be %lld + %lld ms: its "
              "jitter is the %zu%s number tg_random_below(%lld) draws in "
              "the run. It was %lld + %lld. Draw the jitter with "
              "tg_random_below(base_ms), once per wait, and nothing else "
              "from the generator.",
              k + 1, lo, want, k + 1,
              k == 0   ? "st"
              : k == 1 ? "nd"
              : k == 2 ? "rd"
                       : "th",
              base, lo, gap - lo);
    }
}

static void jitter_from_seed(const checker_obs *o)
{
    jitter_matches(o, SWR_BASE, SWR_CAP);
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_with_retry");
}

/* ---- bounce / bug: never worth a retry ---------------------------------- */

static void bounce_not_retried(const checker_obs *o)
{
    CHECK_VALUE_EQ(o, (long long)sends(o), 1,
                   "send_email was called {actual} times for %s, but the "
                   "first answer was a BounceError: that mailbox does not "
                   "exist, and asking again will not create it. Retry only "
                   "TG_ConnectionError and TG_TimeoutError.",
                   SWR_TO);
    CHECK_ERROR_TYPE(o, "returned", "BounceError",
                     "send_with_retry returned {actual}; expected the "
                     "BounceError send_email gave you.");
    CHECK(o, obs_bool(o, "returned_is_last_error"),
          "send_with_retry returned a BounceError, but not the one "
          "send_email gave you: return that very error, unchanged.");
    CHECK_INT_EQ(o, "returned_at", SWR_SEND_MS,
                 "send_with_retry returned at {actual} ms; the bounce came "
                 "at {expected} ms and there was nothing to wait for.");
    no_receipt(o);
}

static void bug_not_retried(const checker_obs *o)
{
    CHECK_VALUE_EQ(o, (long long)sends(o), 1,
                   "send_email was called {actual} times, but the first "
                   "answer was a TypeError: a bug. The same wrong call fails "
                   "the same way every time; return it at once.");
    CHECK_ERROR_TYPE(o, "returned", "TypeError",
                     "send_with_retry returned {actual}; expected the "
                     "TypeError (an injected bug) send_email raised.");
    CHECK(o, obs_bool(o, "returned_is_last_error"),
          "send_with_retry returned a TypeError, but not the one "
          "send_email raised: return that very error, unchanged.");
    no_receipt(o);
}

/* ---- gives_up: reset, timeout, reset, reset; 4 attempts, cap 120 -------- */

static void gives_up_after_max(const checker_obs *o)
{
    CHECK_VALUE_EQ(o, (long long)sends(o), SWR_GU_MAX,
                   "send_email was called {actual} times; the policy allows "
                   "{expected} attempts in all, the first one included, and "
                   "every one of them failed.");
    CHECK_INT_EQ(o, "returned_at", call_end(o, SWR_GU_MAX - 1),
                 "send_with_retry returned at {actual} ms; the last attempt "
                 "failed at {expected} ms, and after the last attempt there "
                 "is nothing to wait for.");
    no_receipt(o);
}

static void timeouts_retried(const checker_obs *o)
{
    CHECK(o, sends(o) >= 3,
          "The second send failed with TimeoutError(\"%s\") and "
          "send_with_retry stopped there. A server that did not answer in "
          "time is as transient as a reset connection: retry it too.",
          SWR_GU_MSG_2);
}

static void last_error_kept(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "send_with_retry returned NULL, but every attempt "
                   "failed.");
    CHECK(o, !obs_error_is(o, "returned", "EmailError"),
          "send_with_retry gave up with %s: a new error that hides the "
          "real reason. Return the last attempt's own error (here a "
          "ConnectionError, \"%s\"), with a note.",
          obs_describe(o, "returned"), SWR_GU_MSG_4);
    CHECK_ERROR_TYPE(o, "returned", "ConnectionError",
                     "send_with_retry gave up with {actual}; expected the "
                     "last attempt's ConnectionError.");
    CHECK_ERROR_MESSAGE(o, "returned", SWR_GU_MSG_4,
                        "The error send_with_retry gave up with says "
                        "{actual}; expected {expected}: the *last* "
                        "attempt's error, not an earlier one.");
    CHECK(o, obs_bool(o, "returned_is_last_error"),
          "send_with_retry gave up with a ConnectionError, but not the "
          "very one the last send handed out: return that object, with a "
          "note added.");
    CHECK_VALUE_EQ(o, (long long)obs_len(o, "returned.notes"), 1,
                   "The error has {actual} notes; expected {expected}: "
                   "\"gave up after %d attempts\".",
                   SWR_GU_MAX);
    CHECK_STR_EQ(o, "returned.notes.0",
                 checker_fmt("gave up after %d attempts", SWR_GU_MAX),
                 "The note says {actual}; expected {expected}.");
}

static void backoff_capped(const checker_obs *o)
{
    CHECK(o, sends(o) >= 2,
          "There is no wait to look at: send_email was called %zu "
          "time(s).",
          sends(o));
    waits_in_bounds(o, SWR_GU_BASE, SWR_GU_CAP);
    jitter_matches(o, SWR_GU_BASE, SWR_GU_CAP);
}

static void no_leaks_after_giving_up(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_with_retry");
}

/* ---- cancel_in_backoff: cancelled at 50 ms, in the first wait ----------- */

static void stops_when_cancelled_waiting(const checker_obs *o)
{
    CHECK(o, sends(o) == 1,
          "send_with_retry was cancelled at %d ms, while it waited after "
          "the first reset, and yet it sent %zu more time(s) (the next at "
          "%lld ms). tg_sleep is a suspension point: a cancellation "
          "arrives there as the CancelledError it returns. Return it; "
          "dropping it throws the request to stop away.",
          SWR_CANCEL_WAIT_MS, sends(o) - 1,
          sends(o) > 1 ? call_start(o, 1) : 0);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "send_with_retry was cancelled at %d ms, during a "
                     "wait, and should return the CancelledError; it "
                     "returned {actual}.",
                     SWR_CANCEL_WAIT_MS);
    CHECK_INT_EQ(o, "returned_at", SWR_CANCEL_WAIT_MS,
                 "send_with_retry returned at {actual} ms; it was cancelled "
                 "at {expected} ms and should stop right then.");
    no_receipt(o);
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_with_retry");
}

/* ---- cancel_in_send: cancelled at 30 ms, during the first send ---------- */

static void stops_when_cancelled_sending(const checker_obs *o)
{
    CHECK(o, sends(o) == 1,
          "send_with_retry was cancelled at %d ms, during the first send, "
          "and then sent %zu more time(s). The CancelledError send_email "
          "returned is a request to stop, not a failed attempt: retrying "
          "is the opposite of stopping.",
          SWR_CANCEL_SEND_MS, sends(o) - 1);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "send_with_retry was cancelled at %d ms and should "
                     "return the CancelledError; it returned {actual}.",
                     SWR_CANCEL_SEND_MS);
    CHECK_INT_EQ(o, "returned_at", SWR_CANCEL_SEND_MS,
                 "send_with_retry returned at {actual} ms; it was cancelled "
                 "at {expected} ms and should stop right then.");
    no_receipt(o);
}

const checker_check CHECKER_CHECKS[] = {
    {"retries_until_sent", "recovers", retries_until_sent},
    {"backs_off", "recovers", backs_off},
    {"jitter_from_seed", "recovers", jitter_from_seed},
    {"no_leaks", "recovers", no_leaks},
    {"bounce_not_retried", "bounce", bounce_not_retried},
    {"bug_not_retried", "bug", bug_not_retried},
    {"gives_up_after_max", "gives_up", gives_up_after_max},
    {"timeouts_retried", "gives_up", timeouts_retried},
    {"last_error_kept", "gives_up", last_error_kept},
    {"backoff_capped", "gives_up", backoff_capped},
    {"no_leaks_after_giving_up", "gives_up", no_leaks_after_giving_up},
    {"stops_when_cancelled_waiting", "cancel_in_backoff",
     stops_when_cancelled_waiting},
    {"no_leaks_after_cancel", "cancel_in_backoff", no_leaks_after_cancel},
    {"stops_when_cancelled_sending", "cancel_in_send",
     stops_when_cancelled_sending},
    {NULL, NULL, NULL},
};
