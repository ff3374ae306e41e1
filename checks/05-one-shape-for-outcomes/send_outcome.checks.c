/*
 * send_outcome.checks.c -- the checks of 05-one-shape-for-outcomes/
 * send_outcome, run by the trusted checker on what send_outcome.probe.c
 * observed.
 *
 * What they catch, from lesson 05: a void * that is sometimes a receipt
 * and sometimes an error, read back by guessing from the text (receipts
 * of another format taken for errors); fields left unset (no input) or
 * borrowed from the caller; a failed send that loses its error; a
 * catch-all that records a bug or a cancellation; a clear function that
 * frees only some fields or leaves old pointers behind; sends made one
 * after another; leaks.
 */
#include <string.h>

#include "checker.h"
#include "send_outcome.scenario.h"

#define TO SO_TO

static const char *status_name(long long s)
{
    return s == 0   ? "SEND_OK"
           : s == 1 ? "SEND_FAILED"
                    : checker_fmt("%lld (neither SEND_OK nor SEND_FAILED)", s);
}

static long long status_of(const checker_obs *o, int i)
{
    return obs_int(o, checker_path("outs.%d.status", i));
}

/* The outcome of the send to TO[i] must be SEND_OK with the receipt the
 * log shows and nothing else. */
static void check_ok_outcome(const checker_obs *o, int i)
{
    long k = obs_calls_find(o, "calls", "send_email", TO[i], "ok");
    CHECK(o, k >= 0,
          "The send to %s should have been delivered, but the call log "
          "has no delivered send for it. Every address gets its own send, "
          "and one failure must not stop the others.",
          TO[i]);
    const char *receipt = obs_str(o, checker_path("calls.items.%ld.result", k));
    const char *as_error =
        obs_str(o, checker_path("outs.%d.error_is_receipt", i));
    CHECK(o, as_error == NULL,
          "outs[%d] (%s) is %s, and its error field holds the receipt "
          "send_email returned, \"%s\": the send worked, but the receipt "
          "was taken for an error. Whatever a receipt looks like, a send "
          "that returned no error succeeded: record that in the status, "
          "instead of guessing from the text.",
          i, TO[i], status_name(status_of(o, i)), as_error ? as_error : "");
    CHECK(o, status_of(o, i) == 0,
          "outs[%d].status is %s, but the send to %s was delivered "
          "(receipt \"%s\"): expected SEND_OK.",
          i, status_name(status_of(o, i)), TO[i], receipt);
    CHECK_STR_EQ(o, checker_path("outs.%d.receipt", i), receipt,
                 "outs[%d].receipt is {actual}; expected {expected}, the "
                 "receipt send_email returned for %s.",
                 i, TO[i]);
    CHECK_NULL(o, checker_path("outs.%d.error", i),
               "outs[%d].error is {actual}, but the send to %s worked: a "
               "SEND_OK outcome has no error (NULL).",
               i, TO[i]);
}

/* The outcome of the send to TO[i] must be SEND_FAILED with the service's
 * own BounceError and no receipt. */
static void check_failed_outcome(const checker_obs *o, int i)
{
    const char *err = checker_path("outs.%d.error", i);
    CHECK(o, !obs_bool(o, checker_path("outs.%d.receipt_is_error", i)),
          "outs[%d].receipt holds the BounceError send_email raised for "
          "%s: an error stored as a receipt. A failed send has its error "
          "in the error field and no receipt.",
          i, TO[i]);
    CHECK(o, status_of(o, i) == 1,
          "outs[%d].status is %s, but the send to %s bounced: expected "
          "SEND_FAILED.",
          i, status_name(status_of(o, i)), TO[i]);
    CHECK_NOT_NULL(o, err,
                   "outs[%d].error is NULL, but the send to %s bounced. A "
                   "SEND_FAILED outcome keeps the error it failed with.",
                   i, TO[i]);
    CHECK_ERROR_TYPE(o, err, "BounceError",
                     "outs[%d].error should be the BounceError send_email "
                     "raised for %s; it is {actual}.",
                     i, TO[i]);
    CHECK(o, obs_bool(o, checker_path("outs.%d.error_from_service", i)),
          "outs[%d].error is a BounceError, but not the one send_email "
          "raised for %s: keep the service's own error object (it is "
          "yours once the call hands it over), not a copy.",
          i, TO[i]);
    CHECK_NULL(o, checker_path("outs.%d.receipt", i),
               "outs[%d].receipt is {actual}, but the send to %s failed: a "
               "SEND_FAILED outcome has no receipt (NULL).",
               i, TO[i]);
}

static bool bounced(int i)
{
    return i == SO_BOUNCE_A || i == SO_BOUNCE_B;
}

/* ---- two_bounce: 6 addresses, 60 ms each; bob and eve bounce at 20 ms -- */

static void every_address_sent(const checker_obs *o)
{
    for (int i = 0; i < SO_N; i++) {
        size_t n = obs_calls_count(o, "calls", "send_email", TO[i], NULL);
        CHECK(o, n == 1,
              "send_email was called %zu times for %s (to[%d]); expected "
              "exactly once: one send per address.",
              n, TO[i], i);
    }
    size_t cancelled =
        obs_calls_count(o, "calls", "send_email", NULL, "cancelled");
    CHECK(o, cancelled == 0,
          "%zu of the %d sends were cancelled, so those emails were never "
          "delivered. A bounce is an expected failure: the task records "
          "it and returns normally, so that the group cancels nothing.",
          cancelled, SO_N);
}

static void ok_outcomes(const checker_obs *o)
{
    for (int i = 0; i < SO_N; i++)
        if (!bounced(i))
            check_ok_outcome(o, i);
}

static void failed_outcomes(const checker_obs *o)
{
    for (int i = 0; i < SO_N; i++)
        if (bounced(i))
            check_failed_outcome(o, i);
}

static void input_copied(const checker_obs *o)
{
    for (int i = 0; i < SO_N; i++) {
        const char *in = checker_path("outs.%d.input", i);
        CHECK_NOT_NULL(o, in,
                       "outs[%d].input is NULL; expected \"%s\". Every "
                       "outcome names its address, whatever its status: "
                       "without it, a failure cannot say whose send it "
                       "was.",
                       i, TO[i]);
        CHECK(o, !obs_bool(o, checker_path("outs.%d.input_borrowed", i)),
              "outs[%d].input is the caller's own string (the very pointer "
              "to[%d]), not a copy: once the caller changed it after the "
              "call, the outcome read %s. Store a copy of the outcome's "
              "own: copy_str(to[i]).",
              i, i, obs_describe(o, in));
        CHECK_STR_EQ(o, in, TO[i],
                     "outs[%d].input is {actual}; expected {expected}, a "
                     "copy of to[%d].",
                     i, i);
    }
}

static void runs_concurrently(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.send_email", 0);
    CHECK_VALUE_EQ(
        o, peak, SO_N,
        "The most sends in flight at once was {actual}; "
        "expected all {expected} together. Spawn one task per address "
        "into one group, and wait once, after spawning them "
        "all.");
    CHECK_INT_EQ(o, "returned_at", SO_LATENCY,
                 "send_batch returned at {actual} ms (virtual time); "
                 "expected {expected} ms, when the last send ended.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_batch");
}

/* ---- odd_receipts: receipts read "queued as ..."; cy bounces ----------- */

static void odd_receipts_ok(const checker_obs *o)
{
    for (int i = 0; i < SO_ODD_N; i++) {
        if (i == SO_ODD_BOUNCE)
            check_failed_outcome(o, i);
        else
            check_ok_outcome(o, i);
    }
}

/* ---- bug: dan's send raises a TypeError at 30 ms ------------------------ */

static void bug_propagates(const checker_obs *o)
{
    CHECK(o,
          !obs_error_is(o, checker_path("outs.%d.error", SO_BUG), "TypeError"),
          "The injected bug (a TypeError from send_email for %s) was "
          "recorded in outs[%d] as if it were a failed send. Only an "
          "EmailError is a failed send; anything else must be raised "
          "(return tg_raise(err)) so that it reaches the caller.",
          TO[SO_BUG], SO_BUG);
    CHECK_NOT_NULL(o, "returned",
                   "send_batch returned NULL, but send_email raised a bug "
                   "(a TypeError) for %s at %d ms: it must come back to the "
                   "caller, in the error tg_group_wait returns.",
                   TO[SO_BUG], SO_BUG_MS);
    const char *leaf = obs_error_find(o, "returned", "TypeError", NULL);
    CHECK(o, leaf != NULL,
          "send_batch returned %s, without the injected TypeError in it.",
          obs_describe(o, "returned"));
    CHECK_ERROR_MESSAGE(o, leaf, "bug in send_email (injected)",
                        "The TypeError in what send_batch returned has the "
                        "message {actual}; expected the service's own "
                        "error, {expected}, unchanged.");
    CHECK(o, obs_error_find(o, "returned", "EmailError", NULL) == NULL,
          "What send_batch returned also holds an EmailError: bounces are "
          "recorded in their outcomes, never returned.");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_batch");
}

/* ---- cancel: send_batch's task is cancelled at 30 ms -------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "send_batch was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     SO_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", SO_CANCEL_MS,
                 "send_batch returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
}

static void cancel_not_recorded(const checker_obs *o)
{
    for (int i = 0; i < SO_N; i++) {
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i),
                            "CancelledError"),
              "outs[%d].error holds a CancelledError. The send to %s did "
              "not fail: it was cancelled, because send_batch was. A "
              "cancellation is raised (return tg_raise(err)), never "
              "recorded as a failed send.",
              i, TO[i]);
        CHECK_NULL(o, checker_path("outs.%d.receipt", i),
                   "outs[%d].receipt is {actual}, but nothing was delivered "
                   "before the cancellation.",
                   i);
    }
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_batch");
}

/* ---- clear: outcomes built by the probe --------------------------------- */

static void clear_frees_everything(const checker_obs *o)
{
    long long errors = obs_int(o, "leaks.errors");
    CHECK(o, errors <= 0,
          "After send_outcome_clear, the BounceError of a SEND_FAILED "
          "outcome was still alive: clear releases the error "
          "(tg_error_unref), whatever the status.");
    long long bytes = obs_int_or(o, "leaks.bytes", 0);
    CHECK(o, bytes <= 0,
          "After send_outcome_clear on one SEND_OK and one SEND_FAILED "
          "outcome, %lld bytes were still allocated. Free every string "
          "the outcome owns, the receipt and the input, for either "
          "status.",
          bytes);
    CHECK_NO_LEAKS(o, "send_outcome_clear");
}

static void check_zero(const checker_obs *o, const char *which,
                       const char *what)
{
    CHECK(
        o,
        obs_bool(o, checker_path("cleared.%s.receipt_null", which)) &&
            obs_bool(o, checker_path("cleared.%s.error_null", which)) &&
            obs_bool(o, checker_path("cleared.%s.input_null", which)),
        "After send_outcome_clear on %s, a pointer field still holds its "
        "old address (receipt %s, error %s, input %s). Leave the "
        "outcome all zero, *o = (struct send_outcome){0}, so that "
        "nothing can use or free those pointers again.",
        what,
        obs_bool(o, checker_path("cleared.%s.receipt_null", which))
            ? "NULL"
            : "not NULL",
        obs_bool(o, checker_path("cleared.%s.error_null", which)) ? "NULL"
                                                                  : "not NULL",
        obs_bool(o, checker_path("cleared.%s.input_null", which)) ? "NULL"
                                                                  : "not NULL");
    CHECK_INT_EQ(o, checker_path("cleared.%s.status", which), 0,
                 "After send_outcome_clear on %s, status is {actual}; "
                 "expected 0: the whole outcome is left zero.",
                 what);
}

static void clear_leaves_zeros(const checker_obs *o)
{
    check_zero(o, "ok", "a SEND_OK outcome");
    check_zero(o, "failed", "a SEND_FAILED outcome");
    check_zero(o, "zero", "an outcome that was already all zero");
}

const checker_check CHECKER_CHECKS[] = {
    {"every_address_sent", "two_bounce", every_address_sent},
    {"ok_outcomes", "two_bounce", ok_outcomes},
    {"failed_outcomes", "two_bounce", failed_outcomes},
    {"input_copied", "two_bounce", input_copied},
    {"runs_concurrently", "two_bounce", runs_concurrently},
    {"no_leaks", "two_bounce", no_leaks},
    {"odd_receipts_ok", "odd_receipts", odd_receipts_ok},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"cancel_not_recorded", "cancel", cancel_not_recorded},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {"clear_frees_everything", "clear", clear_frees_everything},
    {"clear_leaves_zeros", "clear", clear_leaves_zeros},
    {NULL, NULL, NULL},
};
