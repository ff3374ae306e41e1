/*
 * batch_deadline.checks.c -- the checks of 13-capstone-batch-mailer/
 * batch_deadline, run by the trusted checker on what
 * batch_deadline.probe.c observed.
 *
 * What they catch, from lesson 13 (and 10): a deadline polled with
 * tg_now() between attempts (sends that have begun, and addresses already
 * queued for a slot, run past it); the deadline's TimeoutError returned
 * instead of NULL; an outside cancellation swallowed as if it were the
 * deadline; outcomes lost or wrongly kept when the deadline cuts the
 * batch short; a scope that is still open after an early finish; a bug
 * not propagated; leaks.
 */
#include <string.h>

#include "batch_deadline.scenario.h"
#include "checker.h"

#define TO BD_TO

enum { SENT = 0, FAILED = 1, SKIPPED = 2 };

static const char *status_word(long long s)
{
    return s == SENT      ? "MAIL_SENT"
           : s == FAILED  ? "MAIL_FAILED"
           : s == SKIPPED ? "MAIL_SKIPPED"
                          : "not a status";
}

static long long item_int(const checker_obs *o, size_t j, const char *field)
{
    return obs_int(o, checker_path("calls.items.%zu.%s", j, field));
}

static const char *item_str(const checker_obs *o, size_t j, const char *f)
{
    return obs_str(o, checker_path("calls.items.%zu.%s", j, f));
}

static void address_kept(const checker_obs *o, int i)
{
    CHECK_STR_EQ(o, checker_path("outs.%d.to", i), TO[i],
                 "outs[%d].to is {actual}; expected {expected}: every "
                 "outcome holds its own copy of its address, from the "
                 "start.",
                 i);
    CHECK(o, !obs_bool(o, checker_path("outs.%d.to_borrowed", i)),
          "outs[%d].to is the caller's own string to[%d], not a copy "
          "(copy_str).",
          i, i);
}

static void status_is(const checker_obs *o, int i, long long want,
                      const char *why)
{
    long long got = obs_int(o, checker_path("outs.%d.status", i));
    CHECK(o, got == want, "outs[%d] (%s) is %s; expected %s: %s", i, TO[i],
          status_word(got), status_word(want), why);
}

/* outs[i] is MAIL_SENT with the receipt its (last, successful) send
 * delivered. */
static void sent_ok(const checker_obs *o, int i, const char *why)
{
    status_is(o, i, SENT, why);
    long k = obs_calls_find(o, "calls", "send_email", TO[i], "ok");
    CHECK(o, k >= 0, "outs[%d] says MAIL_SENT, but no send to %s worked.", i,
          TO[i]);
    CHECK_STR_EQ(o, checker_path("outs.%d.receipt", i),
                 item_str(o, (size_t)k, "result"),
                 "outs[%d].receipt is {actual}; expected {expected}.", i);
    CHECK_NULL(o, checker_path("outs.%d.error", i),
               "outs[%d].error is {actual}, but %s was sent.", i, TO[i]);
}

static void skipped_ok(const checker_obs *o, int i, const char *why)
{
    status_is(o, i, SKIPPED, why);
    CHECK_NULL(o, checker_path("outs.%d.receipt", i),
               "outs[%d] is skipped but has the receipt {actual}.", i);
    CHECK_NULL(o, checker_path("outs.%d.error", i),
               "outs[%d] is skipped but holds the error {actual}: an "
               "address the batch did not finish has no error of its own.",
               i);
}

/* ---- deadline: 10 addresses, the batch stops at 250 ms ------------------ */

static void returns_at_deadline(const checker_obs *o)
{
    CHECK(o, !obs_error_is(o, "returned", "TimeoutError"),
          "mail_batch_by returned %s. Reaching the deadline is part of the "
          "plan, not a failure: the outcomes already say what was sent and "
          "what was not, so return NULL. (tg_timeout_exit turns the "
          "scope's own expiry into a TimeoutError: that one is yours to "
          "release.)",
          obs_describe(o, "returned"));
    CHECK_NULL(o, "returned",
               "mail_batch_by returned {actual}; when the deadline ends the "
               "batch, it should return NULL.");
    CHECK_INT_EQ(o, "returned_at", BD_DEADLINE_MS,
                 "mail_batch_by returned at {actual} ms; the deadline was "
                 "{expected} ms. Looking at the clock between attempts is "
                 "not enough: a send that has begun runs to its end, and "
                 "an address already waiting for a slot looked long ago. "
                 "Put a timeout scope around the group's wait, so that the "
                 "deadline stops every task at once.");
}

static void nothing_runs_past_deadline(const checker_obs *o)
{
    size_t n = obs_len(o, "calls.items");
    for (size_t j = 0; j < n; j++) {
        long long start = item_int(o, j, "start"), end = item_int(o, j, "end");
        const char *outcome = item_str(o, j, "outcome");
        const char *to = item_str(o, j, "input");
        CHECK(o, start < BD_DEADLINE_MS,
              "A send to %s started at %lld ms, after the %d ms deadline.", to,
              start, BD_DEADLINE_MS);
        CHECK(o, strcmp(outcome, "running") != 0,
              "The send to %s that started at %lld ms was still running "
              "when mail_batch_by returned.",
              to, start);
        CHECK(o, end <= BD_DEADLINE_MS,
              "The send to %s that started at %lld ms ran until %lld ms, "
              "past the %d ms deadline: at the deadline it should have "
              "been cancelled.",
              to, start, end, BD_DEADLINE_MS);
        CHECK(o, end < BD_DEADLINE_MS || strcmp(outcome, "cancelled") == 0,
              "The send to %s ended %s at the deadline; it should have been "
              "cancelled there.",
              to, outcome);
    }
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} sends were still in flight when mail_batch_by "
                   "returned; expected {expected}.");
}

static void finished_kept(const checker_obs *o)
{
    static const int sent[] = {0, 2, 4, 5};
    for (size_t k = 0; k < sizeof sent / sizeof sent[0]; k++)
        sent_ok(o, sent[k],
                "its send worked before the deadline, and a deadline keeps "
                "what was done.");
    status_is(o, BD_BOUNCE, FAILED,
              "its send bounced before the deadline, and a deadline keeps "
              "what was done.");
    CHECK_ERROR_TYPE(o, checker_path("outs.%d.error", BD_BOUNCE), "BounceError",
                     "outs[%d].error is {actual}; expected the BounceError "
                     "its send failed with.",
                     BD_BOUNCE);
    for (int i = 0; i < BD_N; i++)
        address_kept(o, i);
}

static void rest_skipped(const checker_obs *o)
{
    skipped_ok(o, BD_RESET,
               "its first send was reset, and at the deadline it was still "
               "waiting to retry.");
    static const int queued[] = {6, 7, 8, 9};
    for (size_t k = 0; k < sizeof queued / sizeof queued[0]; k++)
        skipped_ok(o, queued[k],
                   "its send had not finished by the deadline (it was "
                   "being sent, or waiting for a slot). Pre-fill every "
                   "outcome as MAIL_SKIPPED; a task overwrites its outcome "
                   "only when it finishes.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "mail_batch_by");
}

/* ---- early: done at 80 ms, the deadline is at 10 s ---------------------- */

static void early_finish_returns_early(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "mail_batch_by returned {actual}; every send worked, so it "
               "should return NULL.");
    CHECK_INT_EQ(o, "returned_at", 2 * BD_EARLY_MS,
                 "mail_batch_by returned at {actual} ms; the last send ended "
                 "at {expected} ms. A batch that is done long before its "
                 "deadline returns at once: nothing should wait for the "
                 "deadline itself.");
    for (int i = 0; i < BD_EARLY_N; i++)
        sent_ok(o, i, "its send worked.");
}

static void scope_closed(const checker_obs *o)
{
    CHECK(o, !obs_bool(o, "later.cancelled"),
          "After mail_batch_by had returned, its caller was cancelled at "
          "%lld ms, when the deadline passed: the timeout scope was still "
          "open. Close it with tg_timeout_exit on every way out.",
          obs_int(o, "later.at"));
    CHECK_NO_LEAKS(o, "mail_batch_by");
}

/* ---- outside_cancel: cancelled at 150 ms, before the deadline ----------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK(o, !obs_is_null(o, "returned"),
          "mail_batch_by was cancelled by its caller at %d ms, before its "
          "deadline, and returned NULL as if the deadline had come. A "
          "cancellation from outside is a request to stop, not yours to "
          "swallow: only the scope's own expiry (a TimeoutError, once "
          "tg_timeout_exit has seen it) becomes NULL.",
          BD_CANCEL_MS);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "mail_batch_by was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     BD_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", BD_CANCEL_MS,
                 "mail_batch_by returned at {actual} ms; it was cancelled "
                 "at {expected} ms and should stop right then.");
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} sends were still in flight when mail_batch_by "
                   "returned; expected {expected}.");
    sent_ok(o, 0, "its send worked before the cancellation.");
    sent_ok(o, 2, "its send worked before the cancellation.");
    for (int i = 3; i < BD_N; i++)
        skipped_ok(o, i, "it had not finished when the cancellation came.");
    CHECK(o, !obs_bool(o, "later.cancelled"),
          "After mail_batch_by had returned, its caller was cancelled "
          "again at %lld ms, when the deadline passed: the timeout scope "
          "was still open. Close it with tg_timeout_exit on every way "
          "out.",
          obs_int(o, "later.at"));
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "mail_batch_by");
}

/* ---- bug: cal's send raises a TypeError ---------------------------------- */

static void bug_propagates(const checker_obs *o)
{
    long k = obs_calls_find(o, "calls", "send_email", TO[BD_BUG], NULL);
    CHECK(o, k >= 0, "%s was never sent.", TO[BD_BUG]);
    for (int i = 0; i < BD_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i), "TypeError"),
              "outs[%d].error holds the injected TypeError, recorded as a "
              "failed send: a bug must be raised, so that it stops the "
              "batch and reaches the caller.",
              i);
    CHECK(o, obs_error_find(o, "returned", "TypeError", NULL) != NULL,
          "mail_batch_by returned %s, without the injected TypeError that "
          "the send to %s raised.",
          obs_describe(o, "returned"), TO[BD_BUG]);
    CHECK_INT_EQ(o, "returned_at", item_int(o, (size_t)k, "end"),
                 "mail_batch_by returned at {actual} ms; the bug was raised "
                 "at {expected} ms and should stop the batch right then.");
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} sends were still in flight when mail_batch_by "
                   "returned; expected {expected}.");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "mail_batch_by");
}

const checker_check CHECKER_CHECKS[] = {
    {"returns_at_deadline", "deadline", returns_at_deadline},
    {"nothing_runs_past_deadline", "deadline", nothing_runs_past_deadline},
    {"finished_kept", "deadline", finished_kept},
    {"rest_skipped", "deadline", rest_skipped},
    {"no_leaks", "deadline", no_leaks},
    {"early_finish_returns_early", "early", early_finish_returns_early},
    {"scope_closed", "early", scope_closed},
    {"cancel_propagates", "outside_cancel", cancel_propagates},
    {"no_leaks_after_cancel", "outside_cancel", no_leaks_after_cancel},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {NULL, NULL, NULL},
};
