/*
 * keep_reason.checks.c -- the checks of 04-keep-the-context/keep_reason,
 * run by the trusted checker on what keep_reason.probe.c observed.
 *
 * What they catch, from lesson 04: the error released and the record
 * left saying only "failed"; the caller's address pointer kept instead
 * of a copy (the record then names whatever address the caller's buffer
 * holds next); a new error or a copy kept instead of send_email's own; a
 * send_record_free that does not release everything the record owns
 * (the address, the error); an extra reference that keeps the error
 * alive; bugs and cancellations recorded instead of returned.
 */
#include "checker.h"
#include "keep_reason.scenario.h"

/* *out was written, and its to is its own copy of want. */
static void check_address(const checker_obs *o, const char *want)
{
    CHECK(o, !obs_bool(o, "out_untouched"),
          "keep_reason returned %s but never wrote *out.",
          obs_describe(o, "returned"));
    CHECK(o, !obs_bool(o, "out.to_untouched"), "out->to was never set.");
    CHECK(o, !obs_bool(o, "out.to_is_buffer"),
          "out->to is the caller's own pointer: right after keep_reason "
          "returned, the caller read the next address (%s) into the same "
          "buffer, and the record now names that one instead of %s. Keep "
          "your own copy of the input (copy_str), and free it in "
          "send_record_free.",
          KR_NEXT, want);
    CHECK_STR_EQ(o, "out.to", want,
                 "out->to is {actual}; expected {expected}, the address "
                 "keep_reason was given.");
}

/* ---- bounce: bob's send bounces at 20 ms --------------------------------- */

static void address_copied(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "The send bounced, and keep_reason returned {actual}; "
               "expected NULL: a bounce is a failed send, recorded in *out.");
    check_address(o, KR_BOUNCE_TO);
}

static void error_kept(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "The send bounced, and keep_reason returned {actual}; "
               "expected NULL: a bounce is recorded in *out.");
    CHECK(o, !obs_bool(o, "out_untouched"), "*out was never written.");
    CHECK(o, !obs_bool(o, "out.ok"),
          "out->ok should be false: the send to %s bounced.", KR_BOUNCE_TO);
    CHECK(o, !obs_bool(o, "out.error_untouched"), "out->error was never set.");
    CHECK_NOT_NULL(o, "out.error",
                   "out->error is NULL: the record says the send failed, "
                   "but not which error, nor why. send_email gave you a "
                   "BounceError (\"no such mailbox: %s\"): keep it in the "
                   "record -- the reference moves in, so do not release "
                   "it.",
                   KR_BOUNCE_TO);
    CHECK_ERROR_TYPE(o, "out.error", "BounceError",
                     "out->error is {actual}; expected the BounceError "
                     "send_email gave you.");
    CHECK_ERROR_MESSAGE(o, "out.error", "no such mailbox: " KR_BOUNCE_TO,
                        "out->error has the message {actual}; expected "
                        "{expected}.");
    CHECK(o, obs_bool(o, "out.error_is_services"),
          "out->error is a BounceError with the right message, but not the "
          "very object send_email gave you (a copy, or a new one). Keep the "
          "error itself: it carries everything the service knew -- its "
          "type, message, notes, cause and where it was made.");
    CHECK(o, !obs_bool(o, "out.receipt_untouched"),
          "out->receipt was never set: set it to NULL for a failed send.");
    CHECK_NULL(o, "out.receipt",
               "out->receipt is {actual}, but the send failed: it should be "
               "NULL.");
}

/* No error and no byte left once the record was freed. */
static void check_freed(const checker_obs *o)
{
    long long errors = obs_int(o, "leaks.errors");
    long long bytes = obs_int_or(o, "leaks.bytes", 0);
    CHECK(o, errors <= 0,
          "After send_record_free, %lld error object%s still alive. The "
          "record owns its error: send_record_free releases it "
          "(tg_error_unref), and keep_reason hands the record the "
          "reference send_email gave it -- no extra tg_error_ref.",
          errors, errors == 1 ? " was" : "s were");
    CHECK(o, bytes <= 0,
          "After send_record_free, %lld bytes were still allocated. The "
          "record owns its copy of the address and its receipt: "
          "send_record_free frees both.",
          bytes);
    CHECK_NO_LEAKS(o, "keep_reason");
}

static void record_freed(const checker_obs *o)
{
    check_freed(o);
}

/* ---- success: ann's send is delivered at 30 ms --------------------------- */

static void success_recorded(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "The send worked, and keep_reason returned {actual}; "
               "expected NULL.");
    check_address(o, KR_OK_TO);
    CHECK(o, obs_bool(o, "out.ok"), "out->ok should be true: the email was "
                                    "sent.");
    CHECK(o, !obs_bool(o, "out.receipt_untouched"),
          "out->receipt was never set.");
    CHECK_STR_EQ(o, "out.receipt", obs_str(o, "calls.items.0.result"),
                 "out->receipt is {actual}; expected {expected}, the receipt "
                 "send_email returned.");
    CHECK(o, !obs_bool(o, "out.error_untouched"),
          "out->error was never set: set it to NULL for a sent email.");
    CHECK_NULL(o, "out.error",
               "out->error is {actual}, but the email was sent: it should "
               "be NULL.");
}

static void success_record_freed(const checker_obs *o)
{
    check_freed(o);
}

/* ---- bug and cancel ------------------------------------------------------ */

static void check_propagated(const checker_obs *o, const char *type,
                             const char *what)
{
    CHECK_ERROR_TYPE(o, "returned", type,
                     "%s, and keep_reason returned {actual}; expected that "
                     "%s, unchanged. Only an EmailError is a failed send; "
                     "anything else goes back to the caller.",
                     what, type);
    CHECK(o, obs_bool(o, "returned_is_services"),
          "keep_reason returned a %s, but not the very object send_email "
          "gave you. Return err itself.",
          type);
    CHECK(o, obs_bool(o, "out_untouched"),
          "keep_reason returned the %s, but it also wrote into *out. When "
          "an error propagates, the record is left as it was.",
          type);
}

static void bug_propagates(const checker_obs *o)
{
    check_propagated(o, "TypeError",
                     "send_email raised a TypeError (an injected bug)");
}

static void cancel_propagates(const checker_obs *o)
{
    check_propagated(o, "CancelledError",
                     checker_fmt("keep_reason was cancelled at %d ms, inside "
                                 "send_email",
                                 KR_CANCEL_MS));
}

const checker_check CHECKER_CHECKS[] = {
    {"address_copied", "bounce", address_copied},
    {"error_kept", "bounce", error_kept},
    {"record_freed", "bounce", record_freed},
    {"success_recorded", "success", success_recorded},
    {"success_record_freed", "success", success_record_freed},
    {"bug_propagates", "bug", bug_propagates},
    {"cancel_propagates", "cancel", cancel_propagates},
    {NULL, NULL, NULL},
};
