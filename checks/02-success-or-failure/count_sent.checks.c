/*
 * count_sent.checks.c -- the checks of 02-success-or-failure/count_sent,
 * run by the trusted checker on what count_sent.probe.c observed.
 *
 * What they catch, from lesson 02: a failure stored as a string in the
 * receipt field, so that it looks like a success; a tag guessed from the
 * contents (receipt != NULL) or never written on failure; the error
 * replaced by its message, or by a copy; a count that does not read the
 * tag; a catch-all that records a bug or a cancellation; sends one after
 * another; leaks.
 */
#include <string.h>

#include "checker.h"
#include "count_sent.scenario.h"

static bool failed(int i)
{
    return i == CS_BOUNCE_A || i == CS_BOUNCE_B || i == CS_FULL;
}

/* "slots[1] (bob@example.com)" */
static const char *slot_name(int i)
{
    return checker_fmt("slots[%d] (%s)", i, CS_TO[i]);
}

/* How the send to slot i failed, from the call log: "it bounced at 20 ms
 * with BounceError: no such mailbox: ...". */
static const char *how_it_failed(const checker_obs *o, int i)
{
    long k = obs_calls_find(o, "calls", "send_email", CS_TO[i], "error");
    if (k < 0)
        return "its send did not fail";
    return checker_fmt(
        "its send failed at %lld ms with %s: %s",
        obs_int(o, checker_path("calls.items.%ld.end", k)),
        obs_str(o, checker_path("calls.items.%ld.error", k)),
        obs_str(o, checker_path("calls.items.%ld.message", k)));
}

/* ---- three_fail: 8 sends; bob and eve bounce, gus's mailbox is full ------ */

static void sent_counts_deliveries(const checker_obs *o)
{
    CHECK_INT_EQ(o, "sent", CS_N - 3,
                 "*sent is {actual}; expected {expected}: of the %d "
                 "addresses, %s, %s and %s failed. Count the slots whose "
                 "ok tag is true -- and set that tag from whether "
                 "send_email gave you an error, not from whether the slot "
                 "holds a string.",
                 CS_N, CS_TO[CS_BOUNCE_A], CS_TO[CS_BOUNCE_B], CS_TO[CS_FULL]);
}

static void tags_match_outcomes(const checker_obs *o)
{
    for (int i = 0; i < CS_N; i++) {
        bool ok = obs_bool(o, checker_path("slots.%d.ok", i));
        if (failed(i))
            CHECK(o, !ok,
                  "%s has ok = true, but %s. The tag must say false for a "
                  "failed send: set it from err (ok = err == NULL), never "
                  "from what the slot happens to hold -- and set it on "
                  "failure too, since the slot may hold an old true.",
                  slot_name(i), how_it_failed(o, i));
        else
            CHECK(o, ok,
                  "%s has ok = false, but its email was sent. Set the tag "
                  "to true when send_email gave no error.",
                  slot_name(i));
    }
}

static void failures_hold_errors(const checker_obs *o)
{
    for (int i = 0; i < CS_N; i++) {
        if (!failed(i))
            continue;
        const char *err = checker_path("slots.%d.error", i);
        CHECK_NULL(o, checker_path("slots.%d.receipt", i),
                   "%s has the receipt {actual}, but %s. A failed send has "
                   "no receipt (NULL); a message stored there reads "
                   "exactly like a receipt to whoever looks at the slot.",
                   slot_name(i), how_it_failed(o, i));
        CHECK_NOT_NULL(o, err,
                       "%s has no error, but %s. Store the error itself in "
                       "the slot (s->error = err): it says what went wrong, "
                       "with its type.",
                       slot_name(i), how_it_failed(o, i));
        CHECK(o, obs_bool(o, checker_path("slots.%d.error_is_services", i)),
              "%s holds %s, but not the very error send_email gave you "
              "(a new one, or a copy). Keep send_email's own error object: "
              "it is the one with the whole story.",
              slot_name(i), obs_describe(o, err));
    }
}

static void successes_hold_receipts(const checker_obs *o)
{
    for (int i = 0; i < CS_N; i++) {
        if (failed(i))
            continue;
        long k = obs_calls_find(o, "calls", "send_email", CS_TO[i], "ok");
        CHECK(o, k >= 0,
              "The send to %s should have been delivered, but it was not "
              "(%zu calls for it, none delivered). One failed send must not "
              "stop the others.",
              CS_TO[i],
              obs_calls_count(o, "calls", "send_email", CS_TO[i], NULL));
        CHECK_STR_EQ(o, checker_path("slots.%d.receipt", i),
                     obs_str(o, checker_path("calls.items.%ld.result", k)),
                     "%s has the receipt {actual}; expected {expected}, the "
                     "receipt send_email returned.",
                     slot_name(i));
        CHECK_NULL(o, checker_path("slots.%d.error", i),
                   "%s has the error {actual}, but its email was sent: a "
                   "sent email has no error (NULL).",
                   slot_name(i));
    }
}

static void returns_null(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "send_tagged returned {actual}; expected NULL. Failed sends "
               "are recorded in their slots, not returned.");
    CHECK_INT_EQ(o, "returned_at", obs_calls_last_end(o, "calls", "send_email"),
                 "send_tagged returned at {actual} ms, but the last send "
                 "ended at {expected} ms: it should return as soon as every "
                 "send has ended.");
}

static void runs_concurrently(const checker_obs *o)
{
    CHECK_VALUE_EQ(o, obs_int_or(o, "calls.max_in_flight.send_email", 0), CS_N,
                   "The most sends in flight at once was {actual}; expected "
                   "all {expected} together: spawn one task per slot into "
                   "one group, and wait once.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_tagged");
}

/* ---- bug: cy's send raises a TypeError at 30 ms -------------------------- */

static void bug_propagates(const checker_obs *o)
{
    const char *bug_msg = "bug in send_email (injected)";
    const char *slot_err = checker_path("slots.%d.error", CS_BUG);
    const char *receipt = obs_str(o, checker_path("slots.%d.receipt", CS_BUG));
    CHECK(o,
          !obs_error_is(o, slot_err, "TypeError") &&
              !(receipt && strstr(receipt, "bug in send_email")),
          "The injected bug (a TypeError from send_email for %s) was "
          "recorded in %s as if it were a failed send. Only an EmailError "
          "is a failed send; anything else must be raised (return "
          "tg_raise(err)) so that it stops the group and reaches the "
          "caller.",
          CS_TO[CS_BUG], slot_name(CS_BUG));
    CHECK(o, obs_error_find(o, "returned", "TypeError", bug_msg) != NULL,
          "send_tagged returned %s, without the injected TypeError that "
          "send_email raised for %s at %d ms. It should be in the group "
          "tg_group_wait returns: return that.",
          obs_describe(o, "returned"), CS_TO[CS_BUG], CS_BUG_MS);
}

/* ---- cancel: send_tagged's task is cancelled at 30 ms -------------------- */

static void cancel_propagates(const checker_obs *o)
{
    for (int i = 0; i < CS_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("slots.%d.error", i),
                            "CancelledError"),
              "%s holds a CancelledError. Its send did not fail: it was "
              "cancelled, because send_tagged was. Raise a cancellation "
              "(return tg_raise(err)), never record it.",
              slot_name(i));
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "send_tagged was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     CS_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", CS_CANCEL_MS,
                 "send_tagged returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_tagged");
}

const checker_check CHECKER_CHECKS[] = {
    {"sent_counts_deliveries", "three_fail", sent_counts_deliveries},
    {"tags_match_outcomes", "three_fail", tags_match_outcomes},
    {"failures_hold_errors", "three_fail", failures_hold_errors},
    {"successes_hold_receipts", "three_fail", successes_hold_receipts},
    {"returns_null", "three_fail", returns_null},
    {"runs_concurrently", "three_fail", runs_concurrently},
    {"no_leaks", "three_fail", no_leaks},
    {"bug_propagates", "bug", bug_propagates},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
