/*
 * settle_payments.checks.c -- the checks of 07-except-star/
 * settle_payments, run by the trusted checker on what
 * settle_payments.probe.c observed.
 *
 * What they catch, from lesson 07: a handler that logs and returns NULL
 * (logging is not handling: the declines vanish); no clause for the
 * corruption (a raw IntegrityError propagates) or a LedgerError without
 * its context or count; re-raised errors that lose raised's shape or are
 * copied; the wrong result shape around a raised error; a too-broad
 * clause that swallows a bug or a cancellation; raised released twice or
 * never.
 */
#include <string.h>

#include "checker.h"
#include "settle_payments.scenario.h"

static const char MIXED_RESULT[] =
    "ExceptionGroup\n"
    "+-- LedgerError: 2 records need repair\n"
    "+-- ExceptionGroup: " SP_TOP "\n"
    "    (note: " SP_TOP_NOTE ")\n"
    "    +-- PaymentDeclined: " SP_DECLINED_1 "\n"
    "    +-- ExceptionGroup: " SP_RETRIES "\n"
    "        +-- PaymentDeclined: " SP_DECLINED_2 "\n";

static const char MIXED_CORRUPT[] = "ExceptionGroup: " SP_TOP "\n"
                                    "(note: " SP_TOP_NOTE ")\n"
                                    "+-- ExceptionGroup: " SP_RETRIES "\n"
                                    "|   +-- IntegrityError: " SP_CORRUPT_3 "\n"
                                    "+-- IntegrityError: " SP_CORRUPT_5 "\n";

static const char DECLINES_ONLY[] =
    "ExceptionGroup: " SP_TOP "\n"
    "(note: " SP_TOP_NOTE ")\n"
    "+-- PaymentDeclined: " SP_DECLINED_1 "\n"
    "+-- ExceptionGroup: " SP_RETRIES "\n"
    "    +-- PaymentDeclined: " SP_DECLINED_2 "\n";

/* The lines logged, quoted and separated by commas, or "nothing". */
static const char *log_lines(const checker_obs *o)
{
    size_t n = obs_len(o, "log");
    if (n == 0)
        return "nothing";
    const char *all = "";
    for (size_t i = 0; i < n; i++)
        all = checker_fmt("%s%s\"%s\"", all, i ? ", " : "",
                          obs_str(o, checker_path("log.%zu", i)));
    return all;
}

/* The path of the LedgerError in what propagated, or NULL. */
static const char *ledger(const checker_obs *o)
{
    return obs_error_find(o, "propagated", "LedgerError", NULL);
}

/* ---- mixed --------------------------------------------------------------- */

static void declines_logged(const checker_obs *o)
{
    CHECK(o, obs_len(o, "log") == 2,
          "log_error wrote %zu line(s); expected exactly 2, one per declined "
          "payment (PaymentDeclined), and nothing else. What was logged: "
          "%s.",
          obs_len(o, "log"), log_lines(o));
    CHECK_STR_EQ(o, "log.0", "PaymentDeclined: " SP_DECLINED_1,
                 "The first line logged is {actual}; expected {expected}: "
                 "the declines are logged in raised's order, with "
                 "log_error.");
    CHECK_STR_EQ(o, "log.1", "PaymentDeclined: " SP_DECLINED_2,
                 "The second line logged is {actual}; expected {expected}.");
}

static void declines_reraised(const checker_obs *o)
{
    static const char *const msgs[] = {SP_DECLINED_1, SP_DECLINED_2};
    for (int i = 0; i < 2; i++) {
        const char *found =
            obs_error_find(o, "propagated", "PaymentDeclined", msgs[i]);
        CHECK(o, found != NULL,
              "The declined payment \"%s\" does not propagate. Logging is "
              "not handling: the caller still has to tell that customer. "
              "Return matched from the handler to re-raise what it got. "
              "settle_payments returned %s",
              msgs[i],
              obs_is_null(o, "propagated")
                  ? "NULL."
                  : checker_fmt("this:\n%s", obs_outline(o, "propagated")));
        CHECK_SAME_ERROR(
            o, found, obs_error_find(o, "raised", "PaymentDeclined", msgs[i]),
            "The PaymentDeclined \"%s\" that propagates is not raised's own "
            "error object but a copy: re-raise matched itself.",
            msgs[i]);
    }
}

static void ledger_error_raised(const checker_obs *o)
{
    CHECK(o, ledger(o) != NULL,
          "No LedgerError propagates%s. The two IntegrityErrors (corrupt "
          "ledger records) must be replaced by one LedgerError: a third "
          "clause, on IntegrityError, whose handler returns a new "
          "tg_error_new(&LedgerError, ...).",
          obs_error_find(o, "propagated", "IntegrityError", NULL)
              ? ": the IntegrityErrors propagate as they are"
              : "");
    CHECK_ERROR_MESSAGE(o, ledger(o), "2 records need repair",
                        "The LedgerError's message is {actual}; expected "
                        "{expected}: the number of IntegrityErrors its "
                        "handler got (tg_error_leaf_count(matched)).");
    CHECK(o, obs_error_find(o, "propagated", "IntegrityError", NULL) == NULL,
          "An IntegrityError still propagates beside the LedgerError; the "
          "LedgerError replaces them all:\n%s",
          obs_outline(o, "propagated"));
}

static void ledger_context(const checker_obs *o)
{
    CHECK(o, ledger(o) != NULL, "No LedgerError propagates.");
    const char *ctx = checker_path("%s.context", ledger(o));
    CHECK_NOT_NULL(o, ctx,
                   "The LedgerError has no context: the IntegrityErrors it "
                   "replaces are lost. Return a new error that has no "
                   "context of its own, and tg_except sets matched as its "
                   "context.");
    CHECK_TREE(o, ctx, MIXED_CORRUPT,
               "The LedgerError's context should be the group of "
               "IntegrityErrors its handler got, in raised's shape.");
}

static void timeouts_handled(const checker_obs *o)
{
    CHECK(o, obs_error_find(o, "propagated", "TimeoutError", NULL) == NULL,
          "A TimeoutError still propagates; timeouts are handled (the batch "
          "retries them later):\n%s",
          obs_outline(o, "propagated"));
}

static void result_shape(const checker_obs *o)
{
    CHECK_TREE(o, "propagated", MIXED_RESULT,
               "What propagates should be what Python's except* makes of "
               "it: a new group with an empty message holding first the "
               "LedgerError, then the re-raised declines in raised's "
               "shape. tg_except builds exactly that from what the "
               "handlers return.");
}

static void raised_released_once(const checker_obs *o)
{
    CHECK(o, !obs_bool(o, "raised_released_twice"),
          "raised was released once too often: tg_except takes raised, and "
          "matched is only borrowed by a handler, so neither is yours to "
          "release. (To keep matched, as a cause say, take a reference: "
          "tg_error_ref(matched).)");
    CHECK(o, !obs_bool(o, "raised_kept"),
          "raised (or a part of it) was still alive after the caller had "
          "released what settle_payments returned. settle_payments takes "
          "raised: hand it to tg_except, which takes it in turn. And a "
          "handler's matched is borrowed: re-raise it by returning matched "
          "itself, without a tg_error_ref of your own.");
    CHECK_NO_LEAKS(o, "settle_payments");
}

/* ---- declines_only: re-raised, in raised's shape --------------------------
 */

static void declines_keep_shape(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "propagated",
                   "raised held only declined payments, and settle_payments "
                   "returned NULL: they were logged and then dropped. Return "
                   "matched from the decline handler, to re-raise them.");
    CHECK_TREE(o, "propagated", DECLINES_ONLY,
               "The re-raised declines should propagate in raised's shape, "
               "with its groups, messages and notes (and no group around "
               "them: nothing new was raised).");
}

/* ---- timeouts_only: all handled ------------------------------------------ */

static void timeouts_only_null(const checker_obs *o)
{
    CHECK_NULL(o, "propagated",
               "raised held only TimeoutErrors, which are handled, so "
               "nothing should propagate: expected NULL, got {actual}.");
    CHECK(o, obs_len(o, "log") == 0,
          "log_error wrote %s, but only declined payments are logged.",
          log_lines(o));
}

/* ---- integrity_only: a lone LedgerError ---------------------------------- */

static void lone_ledger_error(const checker_obs *o)
{
    CHECK_TREE(o, "propagated", "LedgerError: 2 records need repair",
               "With a timeout (handled) and two IntegrityErrors, what "
               "propagates should be the LedgerError alone, not in a "
               "group: nothing else is left beside it.");
}

/* ---- bug_and_cancel ----------------------------------------------------- */

static void bug_and_cancel_propagate(const checker_obs *o)
{
    static const char *const types[] = {"TypeError", "CancelledError"};
    for (int i = 0; i < 2; i++) {
        const char *found = obs_error_find(o, "propagated", types[i], NULL);
        CHECK(o, found != NULL,
              "raised held a %s, and it does not propagate (settle_payments "
              "returned %s). Only timeouts, declines and corruption are "
              "yours to handle: a clause on TG_Exception or "
              "TG_BaseException (or a predicate that says yes to "
              "everything) swallows bugs and cancellations.",
              types[i], obs_describe(o, "propagated"));
        CHECK_SAME_ERROR(o, found, obs_error_find(o, "raised", types[i], NULL),
                         "The %s that propagates is not raised's own error "
                         "object but a copy.",
                         types[i]);
    }
}

const checker_check CHECKER_CHECKS[] = {
    {"declines_logged", "mixed", declines_logged},
    {"declines_reraised", "mixed", declines_reraised},
    {"ledger_error_raised", "mixed", ledger_error_raised},
    {"ledger_context", "mixed", ledger_context},
    {"timeouts_handled", "mixed", timeouts_handled},
    {"result_shape", "mixed", result_shape},
    {"raised_released_once", "mixed", raised_released_once},
    {"declines_keep_shape", "declines_only", declines_keep_shape},
    {"timeouts_only_null", "timeouts_only", timeouts_only_null},
    {"lone_ledger_error", "integrity_only", lone_ledger_error},
    {"bug_and_cancel_propagate", "bug_and_cancel", bug_and_cancel_propagate},
    {NULL, NULL, NULL},
};
