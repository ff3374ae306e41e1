/*
 * safe_send.checks.c -- the checks of 03-catch-what-you-expect/safe_send,
 * run by the trusted checker on what safe_send.probe.c observed.
 *
 * What they catch, from lesson 03: `if (err)` recording everything; a
 * test for TG_Exception (cancellations pass, bugs are still recorded); a
 * list too narrow (BounceError only: a plain EmailError, a timeout or a
 * reset propagate instead of being recorded); *out written before the
 * decision, so that a propagated error leaves a half-filled record; a bug
 * or a cancellation wrapped or copied instead of returned as it is;
 * leaks.
 */
#include <string.h>

#include "checker.h"
#include "safe_send.scenario.h"

/* *out was filled for a failed send of this type and message. */
static void check_recorded(const checker_obs *o, const char *type,
                           const char *message)
{
    CHECK_NULL(o, "returned",
               "send_email failed with %s: %s, and safe_send returned "
               "{actual}; expected NULL. %s %s is one of the failures a "
               "send is expected to have (an EmailError, a TimeoutError or "
               "a ConnectionError): record it in *out, and return NULL.",
               type, message, strchr("AEIOU", type[0]) ? "An" : "A", type);
    CHECK(o, !obs_bool(o, "out_untouched"),
          "safe_send returned NULL, but never wrote *out: the send failed "
          "with %s: %s, and the record must say so.",
          type, message);
    CHECK(o,
          !obs_bool(o, "out.to_untouched") && obs_bool(o, "out.to_is_input"),
          "out->to was not set to safe_send's to argument; every field of "
          "*out is set when the outcome is recorded.");
    CHECK(o, !obs_bool(o, "out.ok_untouched") && !obs_bool(o, "out.ok"),
          "out->ok should be false: the send failed with %s: %s.", type,
          message);
    CHECK(o, !obs_bool(o, "out.receipt_untouched"),
          "out->receipt was never set; a failed send has no receipt: set it "
          "to NULL.");
    CHECK_NULL(o, "out.receipt",
               "out->receipt is {actual}, but the send failed: it should be "
               "NULL.");
    CHECK(o, !obs_bool(o, "out.error_untouched"),
          "out->error was never set; it should hold the %s send_email gave "
          "you.",
          type);
    CHECK_ERROR_TYPE(o, "out.error", type,
                     "out->error should be the %s send_email gave you; it is "
                     "{actual}.",
                     type);
    CHECK_ERROR_MESSAGE(o, "out.error", message,
                        "out->error has the message {actual}; expected "
                        "{expected}, send_email's own.");
    CHECK(o, obs_bool(o, "out.error_is_services"),
          "out->error is a %s with the right message, but not the very "
          "object send_email gave you (a copy, or a new one). Store err "
          "itself: the record owns that reference now.",
          type);
}

/* "to, ok and error": the fields of *out that were written. */
static const char *touched_fields(const checker_obs *o)
{
    static const char *const fields[] = {"to", "ok", "receipt", "error"};
    const char *names[4];
    size_t n = 0;
    for (size_t i = 0; i < 4; i++)
        if (!obs_bool(o, checker_fmt("out.%s_untouched", fields[i])))
            names[n++] = fields[i];
    const char *list = "";
    for (size_t i = 0; i < n; i++)
        list = checker_fmt("%s%s%s", list,
                           i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
    return n ? list : "padding bytes only";
}

/* *out still holds the probe's pattern, every byte. */
static void check_untouched(const checker_obs *o, const char *what)
{
    CHECK(o, obs_bool(o, "out_untouched"),
          "%s: an error safe_send must return, leaving *out exactly as it "
          "was. But safe_send wrote into *out (%s). Decide first whether "
          "the error is one you record, and only then write: a filled-in "
          "record tells the caller about an outcome that never happened.",
          what, touched_fields(o));
}

/* ---- the expected failures ----------------------------------------------- */

static void bounce_recorded(const checker_obs *o)
{
    check_recorded(o, "BounceError", "no such mailbox: " SS_TO);
}

static void email_error_recorded(const checker_obs *o)
{
    check_recorded(o, "EmailError", SS_FULL_MESSAGE);
}

static void timeout_recorded(const checker_obs *o)
{
    check_recorded(o, "TimeoutError", "server did not answer");
}

static void reset_recorded(const checker_obs *o)
{
    check_recorded(o, "ConnectionError", "connection reset");
}

static void success_recorded(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "The send worked, and safe_send returned {actual}; expected "
               "NULL.");
    CHECK(o,
          !obs_bool(o, "out.to_untouched") && obs_bool(o, "out.to_is_input"),
          "out->to was not set to safe_send's to argument.");
    CHECK(o, !obs_bool(o, "out.ok_untouched") && obs_bool(o, "out.ok"),
          "out->ok should be true: the email was sent.");
    CHECK(o, !obs_bool(o, "out.receipt_untouched"),
          "out->receipt was never set; it should hold send_email's "
          "receipt.");
    CHECK_STR_EQ(o, "out.receipt", obs_str(o, "calls.items.0.result"),
                 "out->receipt is {actual}; expected {expected}, the receipt "
                 "send_email returned.");
    CHECK(o, !obs_bool(o, "out.error_untouched"),
          "out->error was never set; a sent email has no error: set it to "
          "NULL.");
    CHECK_NULL(o, "out.error",
               "out->error is {actual}, but the email was sent: it should "
               "be NULL.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_send");
}

/* ---- bug: a TypeError from send_email ------------------------------------ */

static void bug_propagates(const checker_obs *o)
{
    CHECK(o,
          obs_bool(o, "out.error_untouched") ||
              !obs_error_is(o, "out.error", "TypeError"),
          "send_email raised a TypeError (an injected bug), and safe_send "
          "recorded it in *out as if the email had failed. A TypeError is "
          "not a failure of the send: it is a bug in the caller, and it "
          "must propagate. Note that TypeError is an Exception, so a test "
          "for TG_Exception still records it: name the types you expect.");
    CHECK_NOT_NULL(o, "returned",
                   "send_email raised a TypeError (an injected bug), and "
                   "safe_send returned NULL. A bug must propagate: return "
                   "the error.");
    CHECK_ERROR_TYPE(o, "returned", "TypeError",
                     "safe_send returned {actual}; expected the TypeError "
                     "send_email raised, unchanged -- not wrapped in another "
                     "error, not replaced.");
    CHECK(o, obs_bool(o, "returned_is_services"),
          "safe_send returned a TypeError, but not the very object "
          "send_email gave you (a copy, or a new one). Return err itself: "
          "it carries the traceback of the bug.");
}

static void bug_leaves_out_untouched(const checker_obs *o)
{
    check_untouched(o, "send_email raised a TypeError (an injected bug)");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_send");
}

/* ---- cancel: safe_send's task is cancelled at 10 ms ---------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK(o,
          obs_bool(o, "out.error_untouched") ||
              !obs_error_is(o, "out.error", "CancelledError"),
          "safe_send was cancelled at %d ms, inside send_email, and it "
          "recorded the CancelledError in *out as if the email had failed. "
          "A cancellation is a request to stop, not a failed send: return "
          "it, so that whoever cancelled you sees you stop.",
          SS_CANCEL_MS);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "safe_send was cancelled at %d ms and should return the "
                     "CancelledError send_email gave it, unchanged; it "
                     "returned {actual}.",
                     SS_CANCEL_MS);
    CHECK(o, obs_bool(o, "returned_is_services"),
          "safe_send returned a CancelledError, but not the very object "
          "send_email gave you. Return err itself.");
    CHECK_INT_EQ(o, "returned_at", SS_CANCEL_MS,
                 "safe_send returned at {actual} ms; it was cancelled at "
                 "{expected} ms.");
}

static void cancel_leaves_out_untouched(const checker_obs *o)
{
    check_untouched(o, checker_fmt("safe_send was cancelled at %d ms, "
                                   "and send_email gave it a CancelledError",
                                   SS_CANCEL_MS));
}

const checker_check CHECKER_CHECKS[] = {
    {"bounce_recorded", "bounce", bounce_recorded},
    {"email_error_recorded", "mailbox_full", email_error_recorded},
    {"timeout_recorded", "timeout", timeout_recorded},
    {"reset_recorded", "reset", reset_recorded},
    {"success_recorded", "success", success_recorded},
    {"no_leaks", "bounce", no_leaks},
    {"bug_propagates", "bug", bug_propagates},
    {"bug_leaves_out_untouched", "bug", bug_leaves_out_untouched},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"cancel_leaves_out_untouched", "cancel", cancel_leaves_out_untouched},
    {NULL, NULL, NULL},
};
