/*
 * send_all.checks.c -- the checks of 01-task-groups/send_all, run by the
 * trusted checker on what send_all.probe.c observed.
 *
 * What they catch, from lesson 01: a bounce that fails its task and so
 * cancels the other sends; outcomes not recorded, or recorded in the wrong
 * field; only BounceError caught (a plain EmailError is a failed send
 * too); a catch-all that records a bug or a cancellation instead of
 * letting it through; sends made one after another; leaks.
 */
#include <string.h>

#include "checker.h"
#include "send_all.scenario.h"

#define TO SEND_ALL_TO

static bool bounced(int i)
{
    return i == SEND_ALL_BOUNCE_A || i == SEND_ALL_BOUNCE_B;
}

/* "it was cancelled at 20 ms", "it was never sent", ... for messages. */
static const char *what_happened(const checker_obs *o, int i)
{
    long k = obs_calls_find(o, "calls", "send_email", TO[i], NULL);
    if (k < 0)
        return "send_email was never called for it";
    const char *outcome =
        obs_str(o, checker_path("calls.items.%ld.outcome", k));
    long long end = obs_int(o, checker_path("calls.items.%ld.end", k));
    if (strcmp(outcome, "cancelled") == 0)
        return checker_fmt("its send was cancelled at %lld ms", end);
    if (strcmp(outcome, "error") == 0)
        return checker_fmt(
            "its send failed at %lld ms with %s", end,
            obs_str(o, checker_path("calls.items.%ld.error", k)));
    if (strcmp(outcome, "running") == 0)
        return "its send had not finished when send_all returned";
    return "its send was delivered";
}

/* ---- two_bounce: 10 addresses, 80 ms each; dan and hal bounce at 20 ms -- */

static void every_address_attempted(const checker_obs *o)
{
    for (int i = 0; i < SEND_ALL_N; i++) {
        size_t n = obs_calls_count(o, "calls", "send_email", TO[i], NULL);
        CHECK(o, n > 0,
              "send_email was never called for %s (jobs[%d]). Every "
              "address gets its own send, even when others bounce.",
              TO[i], i);
        CHECK(o, n == 1,
              "send_email was called %zu times for %s (jobs[%d]); expected "
              "exactly once: one send per job, and no retries here.",
              n, TO[i], i);
    }
    CHECK_INT_EQ(o, "calls.count", SEND_ALL_N,
                 "send_email was called {actual} times in all; expected "
                 "{expected}, once per address.");
}

static void all_sends_finish(const checker_obs *o)
{
    size_t cancelled =
        obs_calls_count(o, "calls", "send_email", NULL, "cancelled");
    if (cancelled > 0) {
        long k = obs_calls_find(o, "calls", "send_email", NULL, "cancelled");
        CHECK_FAIL(o,
                   "%zu of the %d sends were cancelled (the first at %lld "
                   "ms), so those emails were never delivered. At %d ms "
                   "dan@example.com and "
                   "hal@example.com bounced: when a task fails (returns "
                   "tg_raise(err)), its group cancels every other task. A "
                   "bounce is an expected failure: record it in the job "
                   "and return normally.",
                   cancelled, SEND_ALL_N,
                   obs_int(o, checker_path("calls.items.%ld.end", k)),
                   SEND_ALL_BOUNCE_MS);
    }
    CHECK_VALUE_EQ(
        o, (long long)obs_calls_count(o, "calls", "send_email", NULL, "ok"),
        SEND_ALL_N - 2,
        "{actual} of the %d sends were delivered; expected "
        "{expected}: every address except the two that bounce.",
        SEND_ALL_N);
}

static void bounces_recorded(const checker_obs *o)
{
    for (int i = 0; i < SEND_ALL_N; i++) {
        if (!bounced(i))
            continue;
        const char *err = checker_path("jobs.%d.error", i);
        CHECK_STR_EQ(o, checker_path("jobs.%d.to", i), TO[i],
                     "jobs[%d].to was changed to {actual}; it must still "
                     "name the address it was given, {expected}.",
                     i);
        CHECK_NOT_NULL(o, err,
                       "jobs[%d].error is NULL, but the send to %s bounced "
                       "at %d ms. Store the error in the job (job->error = "
                       "err): that is how the caller learns which address "
                       "failed, and why.",
                       i, TO[i], SEND_ALL_BOUNCE_MS);
        CHECK_ERROR_TYPE(o, err, "BounceError",
                         "jobs[%d].error should be the BounceError "
                         "send_email gave you for %s; it is {actual}.",
                         i, TO[i]);
        CHECK_ERROR_MESSAGE(
            o, err, checker_fmt("no such mailbox: %s", TO[i]),
            "jobs[%d].error has the message {actual}; expected {expected}. "
            "Keep send_email's own error, unchanged: it says which "
            "mailbox is missing.",
            i);
        CHECK_NULL(o, checker_path("jobs.%d.receipt", i),
                   "jobs[%d].receipt is {actual}, but the send to %s "
                   "failed: a failed job has no receipt (NULL).",
                   i, TO[i]);
    }
}

static void receipts_recorded(const checker_obs *o)
{
    for (int i = 0; i < SEND_ALL_N; i++) {
        if (bounced(i))
            continue;
        long k = obs_calls_find(o, "calls", "send_email", TO[i], "ok");
        CHECK(o, k >= 0,
              "jobs[%d] (%s) cannot have a receipt: %s. Every address that "
              "does not bounce must be delivered.",
              i, TO[i], what_happened(o, i));
        CHECK_STR_EQ(o, checker_path("jobs.%d.receipt", i),
                     obs_str(o, checker_path("calls.items.%ld.result", k)),
                     "jobs[%d].receipt is {actual}; expected {expected}, the "
                     "receipt send_email returned for %s. Store the receipt "
                     "in the job (job->receipt).",
                     i, TO[i]);
        CHECK_NULL(o, checker_path("jobs.%d.error", i),
                   "jobs[%d].error is {actual}, but the send to %s worked: "
                   "a job that succeeded has no error (NULL).",
                   i, TO[i]);
    }
}

static void returns_null(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "send_all returned {actual}; expected NULL. The bounces are "
               "expected failures: they belong in their jobs, not in what "
               "send_all returns.");
    CHECK_INT_EQ(o, "returned_at", SEND_ALL_LATENCY,
                 "send_all returned at {actual} ms (virtual time); expected "
                 "{expected} ms, when the last send finished.");
}

static void runs_concurrently(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.send_email", 0);
    CHECK_VALUE_EQ(o, peak, SEND_ALL_N,
                   "At most {actual} sends were in flight at once; expected "
                   "all {expected} together. Spawn one task per job into "
                   "one group, and wait once, after spawning them all.");
    CHECK_INT_EQ(o, "returned_at", obs_calls_last_end(o, "calls", "send_email"),
                 "send_all returned at {actual} ms, but the last send ended "
                 "at {expected} ms: it should return as soon as every send "
                 "has ended.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_all");
}

/* ---- mailbox_full: bob's send fails with a plain EmailError ------------ */

static void email_errors_recorded(const checker_obs *o)
{
    const int full = SEND_ALL_FULL;
    CHECK_ERROR_TYPE(
        o, checker_path("jobs.%d.error", full), "EmailError",
        "The send to %s failed with EmailError(\"%s\"): that is a failed "
        "send too, so jobs[%d].error should hold it; it is {actual}. "
        "BounceError is only one kind of EmailError: test with "
        "tg_error_is(err, &EmailError) to catch them all.",
        TO[full], SEND_ALL_FULL_MESSAGE, full);
    for (int i = 0; i < SEND_ALL_FULL_N; i++) {
        if (i == full)
            continue;
        CHECK(o, obs_calls_find(o, "calls", "send_email", TO[i], "ok") >= 0,
              "The send to %s should have been delivered, but %s. One "
              "failed send must not stop the others.",
              TO[i], what_happened(o, i));
        CHECK_NOT_NULL(o, checker_path("jobs.%d.receipt", i),
                       "jobs[%d].receipt is NULL, but the send to %s was "
                       "delivered: store its receipt in the job.",
                       i, TO[i]);
    }
    CHECK_NULL(o, "returned",
               "send_all returned {actual}; expected NULL: a failed send is "
               "recorded in its job, not returned.");
    CHECK_INT_EQ(o, "returned_at", obs_calls_last_end(o, "calls", "send_email"),
                 "send_all returned at {actual} ms, but the last send ended "
                 "at {expected} ms.");
}

/* ---- bug: fay's send raises a TypeError at 50 ms; dan bounces at 20 ---- */

static void bug_propagates(const checker_obs *o)
{
    const int bug = SEND_ALL_BUG;
    const char *job_err = checker_path("jobs.%d.error", bug);
    CHECK(o, !obs_error_is(o, job_err, "TypeError"),
          "The injected bug (a TypeError from send_email for %s) was "
          "stored in jobs[%d].error as if it were a failed send. Only an "
          "EmailError is an expected failure; anything else must be "
          "raised (return tg_raise(err)) so that it stops the group and "
          "reaches the caller.",
          TO[bug], bug);
    CHECK_NOT_NULL(o, "returned",
                   "send_all returned NULL, but send_email raised a bug (a "
                   "TypeError) for %s at %d ms: it must come back to the "
                   "caller, in the error tg_group_wait returns.",
                   TO[bug], SEND_ALL_BUG_MS);
    const char *leaf = obs_error_find(o, "returned", "TypeError", NULL);
    CHECK(o, leaf != NULL,
          "send_all returned %s, without the injected TypeError in it. "
          "send_email was to raise it for %s at %d ms, but %s. The "
          "TypeError should be in the group tg_group_wait returns.",
          obs_describe(o, "returned"), TO[bug], SEND_ALL_BUG_MS,
          what_happened(o, bug));
    CHECK_ERROR_MESSAGE(o, leaf, "bug in send_email (injected)",
                        "The TypeError in what send_all returned has the "
                        "message {actual}; expected the service's own "
                        "error, {expected}, unchanged.");
    CHECK(o, obs_error_find(o, "returned", "EmailError", NULL) == NULL,
          "What send_all returned also holds an EmailError: bounces are "
          "recorded in their jobs, never returned.");
    CHECK_ERROR_TYPE(o, checker_path("jobs.%d.error", SEND_ALL_BOUNCE_A),
                     "BounceError",
                     "dan@example.com bounced at %d ms, before the bug: "
                     "jobs[%d].error should hold its BounceError; it is "
                     "{actual}.",
                     SEND_ALL_BOUNCE_MS, SEND_ALL_BOUNCE_A);
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_all");
}

/* ---- cancel: send_all's task is cancelled at 40 ms ---------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "send_all was cancelled at %d ms and should return the "
                     "CancelledError; it returned {actual}. A task that "
                     "gets a CancelledError from send_email must raise it; "
                     "tg_group_wait then hands it to you.",
                     SEND_ALL_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", SEND_ALL_CANCEL_MS,
                 "send_all returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
}

static void cancel_not_recorded(const checker_obs *o)
{
    for (int i = 0; i < SEND_ALL_N; i++) {
        CHECK(o,
              !obs_error_is(o, checker_path("jobs.%d.error", i),
                            "CancelledError"),
              "jobs[%d].error holds a CancelledError. The send to %s did "
              "not fail: it was cancelled, because send_all was. A "
              "cancellation is not a failed send; raise it (return "
              "tg_raise(err)), never record it.",
              i, TO[i]);
        CHECK_NULL(o, checker_path("jobs.%d.receipt", i),
                   "jobs[%d].receipt is {actual}, but nothing was delivered "
                   "before the cancellation.",
                   i);
    }
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_all");
}

const checker_check CHECKER_CHECKS[] = {
    {"every_address_attempted", "two_bounce", every_address_attempted},
    {"all_sends_finish", "two_bounce", all_sends_finish},
    {"bounces_recorded", "two_bounce", bounces_recorded},
    {"receipts_recorded", "two_bounce", receipts_recorded},
    {"returns_null", "two_bounce", returns_null},
    {"runs_concurrently", "two_bounce", runs_concurrently},
    {"no_leaks", "two_bounce", no_leaks},
    {"email_errors_recorded", "mailbox_full", email_errors_recorded},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"cancel_not_recorded", "cancel", cancel_not_recorded},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
