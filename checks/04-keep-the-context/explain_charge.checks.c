/*
 * explain_charge.checks.c -- the checks of 04-keep-the-context/
 * explain_charge, run by the trusted checker on what
 * explain_charge.probe.c observed.
 *
 * What they catch, from lesson 04: every error replaced by a vaguer one
 * and the original dropped; a decline wrapped without a cause, or with a
 * copy as its cause, or only noted (the type callers handle never
 * appears); other errors wrapped too, so that a ConnectionError, a bug or
 * a cancellation changes type; notes missing, repeated or without the
 * order; an extra reference to the cause (it outlives the error); *txn
 * left unset.
 */
#include "checker.h"
#include "explain_charge.scenario.h"

#define NOTE "while charging order 42"

static void txn_null_on_failure(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "txn_set"),
          "charge_order never set *txn. On failure it is NULL: set it on "
          "every path.");
    CHECK_NULL(o, "txn",
               "*txn is {actual}, but the charge failed: it should be "
               "NULL.");
}

/* The error came back as the very object, same type, and (unless
 * note_optional) with exactly one note naming the order. */
static void check_kept(const checker_obs *o, const char *type,
                       const char *what, bool note_optional)
{
    CHECK_NOT_NULL(o, "returned",
                   "%s, and charge_order returned NULL: the failure "
                   "vanished. Return the error.",
                   what);
    CHECK_ERROR_TYPE(o, "returned", type,
                     "%s, and charge_order returned {actual}. Only a "
                     "decline becomes an OrderError; any other error keeps "
                     "its type, so that callers who test for a %s still "
                     "match it. Add a note to it instead of replacing it.",
                     what, type);
    CHECK(o, obs_bool(o, "returned_is_services"),
          "charge_order returned a %s, but not the very object charge_card "
          "gave you (a copy, or a new one). Add the note to err itself and "
          "return it.",
          type);
    if (note_optional)
        return;
    size_t notes = obs_len(o, "returned.notes");
    CHECK(o, notes > 0,
          "The %s charge_order returned has no note. Add one, so that "
          "whoever reads it knows which order it was about: "
          "tg_error_add_note(err, \"while charging order %%d\", o->id).",
          type);
    CHECK(o, notes == 1,
          "The %s charge_order returned has %zu notes; expected exactly "
          "one, \"%s\".",
          type, notes, NOTE);
    CHECK_STR_EQ(o, "returned.notes.0", NOTE,
                 "The note is {actual}; expected {expected}.");
}

/* ---- paid ---------------------------------------------------------------- */

static void paid_returns_txn(const checker_obs *o)
{
    CHECK_VALUE_EQ(o, (long long)obs_calls_count(o, "calls", "charge_card",
                                                 NULL, NULL),
                   1,
                   "charge_card was called {actual} times; expected once.");
    CHECK_STR_EQ(o, "calls.items.0.input", EC_CARD,
                 "charge_card was called with the card {actual}; expected "
                 "the order's, {expected}.");
    CHECK_INT_EQ(o, "calls.items.0.cents", EC_CENTS,
                 "charge_card was asked for {actual} cents; expected the "
                 "order's {expected}.");
    CHECK_NULL(o, "returned",
               "The charge went through, and charge_order returned "
               "{actual}; expected NULL.");
    CHECK(o, obs_bool(o, "txn_set"), "charge_order never set *txn.");
    CHECK_STR_EQ(o, "txn", obs_str(o, "calls.items.0.result"),
                 "*txn is {actual}; expected {expected}, the transaction id "
                 "charge_card returned.");
}

/* ---- declined ------------------------------------------------------------ */

static void declined_becomes_order_error(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "The card was declined, and charge_order returned NULL.");
    CHECK_ERROR_TYPE(o, "returned", "OrderError",
                     "The card was declined, and charge_order returned "
                     "{actual}; expected an OrderError. Callers handle "
                     "OrderError, not the payment API's own types: make a "
                     "new OrderError, and attach the decline as its cause.");
    CHECK_ERROR_MESSAGE(o, "returned", "order 42 was not paid",
                        "The OrderError's message is {actual}; expected "
                        "{expected}: \"order <id> was not paid\", with the "
                        "order's id.");
    txn_null_on_failure(o);
}

static void declined_is_the_cause(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "The card was declined, and charge_order returned NULL.");
    CHECK(o, !obs_error_is(o, "returned", "PaymentDeclined"),
          "charge_order returned the PaymentDeclined itself. It should be "
          "the cause of a new OrderError: the OrderError is what callers "
          "handle, the PaymentDeclined says why.");
    CHECK_NOT_NULL(o, "returned.cause",
                   "What charge_order returned (%s) has no cause: why the "
                   "order was not paid is lost. Attach the PaymentDeclined "
                   "charge_card gave you with tg_error_from(e, err), "
                   "instead of releasing it.",
                   obs_describe(o, "returned"));
    CHECK_ERROR_TYPE(o, "returned.cause", "PaymentDeclined",
                     "The cause is {actual}; expected the PaymentDeclined "
                     "charge_card gave you.");
    CHECK_ERROR_MESSAGE(o, "returned.cause",
                        "card declined: insufficient funds",
                        "The cause's message is {actual}; expected the "
                        "bank's own, {expected}.");
    CHECK(o, obs_bool(o, "cause_is_services"),
          "The cause is a PaymentDeclined with the right message, but not "
          "the very object charge_card gave you (a copy, or a new one). "
          "Pass err itself to tg_error_from: it takes over your reference.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK(o, obs_int(o, "leaks.errors") <= 0,
          "After the caller released the error charge_order returned, "
          "%lld error object%s still alive. tg_error_from takes over the "
          "reference you pass for the cause: pass err itself, not "
          "tg_error_ref(err).",
          obs_int(o, "leaks.errors"),
          obs_int(o, "leaks.errors") == 1 ? " was" : "s were");
    CHECK_NO_LEAKS(o, "charge_order");
}

/* ---- reset --------------------------------------------------------------- */

static void reset_keeps_type(const checker_obs *o)
{
    check_kept(o, "ConnectionError",
               "charge_card failed with a ConnectionError (\"connection "
               "reset\")",
               true);
    txn_null_on_failure(o);
}

static void reset_noted(const checker_obs *o)
{
    check_kept(o, "ConnectionError",
               "charge_card failed with a ConnectionError (\"connection "
               "reset\")",
               false);
}

static void no_leaks_after_reset(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "charge_order");
}

/* ---- bug and cancel ------------------------------------------------------ */

static void bug_keeps_type(const checker_obs *o)
{
    check_kept(o, "TypeError",
               "charge_card raised a TypeError (an injected bug)", false);
}

static void cancel_keeps_type(const checker_obs *o)
{
    check_kept(o, "CancelledError",
               checker_fmt("charge_order was cancelled at %d ms, inside "
                           "charge_card",
                           EC_CANCEL_MS),
               true);
    CHECK_INT_EQ(o, "returned_at", EC_CANCEL_MS,
                 "charge_order returned at {actual} ms; it was cancelled at "
                 "{expected} ms.");
}

const checker_check CHECKER_CHECKS[] = {
    {"paid_returns_txn", "paid", paid_returns_txn},
    {"declined_becomes_order_error", "declined", declined_becomes_order_error},
    {"declined_is_the_cause", "declined", declined_is_the_cause},
    {"no_leaks", "declined", no_leaks},
    {"reset_keeps_type", "reset", reset_keeps_type},
    {"reset_noted", "reset", reset_noted},
    {"no_leaks_after_reset", "reset", no_leaks_after_reset},
    {"bug_keeps_type", "bug", bug_keeps_type},
    {"cancel_keeps_type", "cancel", cancel_keeps_type},
    {NULL, NULL, NULL},
};
