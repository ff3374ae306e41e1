/*
 * tally_failures.checks.c -- the checks of 07-except-star/tally_failures,
 * run by the trusted checker on what tally_failures.probe.c observed.
 *
 * What they catch, from lesson 07: an if-chain on raised's own type
 * (never true for a group, so nothing is counted and everything
 * propagates); counting handler calls instead of leaves; handled errors
 * that still propagate; the rest rebuilt instead of kept in raised's
 * shape; a too-broad clause that swallows a bug or a cancellation; raised
 * released twice or never.
 */
#include "checker.h"
#include "tally_failures.scenario.h"

static const char MIXED_REST[] = "ExceptionGroup: " TF_TOP "\n"
                                 "(note: " TF_TOP_NOTE ")\n"
                                 "+-- TypeError: " TF_BUG "\n";

/* Why nothing was counted, when raised came back whole and untouched. */
static const char *why_uncounted(const checker_obs *o)
{
    return obs_bool(o, "propagated_is_raised") &&
                   obs_int(o, "tally.bounces") == 0 &&
                   obs_int(o, "tally.dropped") == 0
               ? " tally_failures returned raised unchanged: a test like "
                 "tg_error_is(raised, &BounceError) is false for a group "
                 "(raised is an ExceptionGroup), whatever it holds. Let "
                 "tg_except go through the leaves, with one clause per "
                 "type."
               : "";
}

/* ---- mixed: send batch [Bounce a, round 2 [Bounce b, Reset], TypeError] -- */

static void bounces_counted(const checker_obs *o)
{
    const char *why = why_uncounted(o);
    if (!*why && obs_int(o, "tally.bounces") == 1)
        why = " A clause's handler is called once, with every match in one "
              "group shaped like raised: count its leaves "
              "(tg_error_leaf_count), not the calls.";
    CHECK_INT_EQ(o, "tally.bounces", 2,
                 "t->bounces is {actual}; expected {expected}: one BounceError "
                 "at the top of raised and one inside 'round 2'.%s",
                 why);
}

static void drops_counted(const checker_obs *o)
{
    CHECK_INT_EQ(o, "tally.dropped", 1,
                 "t->dropped is {actual}; expected {expected}: the "
                 "ConnectionError inside 'round 2'.%s",
                 why_uncounted(o));
}

static void rest_propagates(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "propagated",
                   "tally_failures returned NULL, but raised holds a "
                   "TypeError (an injected bug): bounces and dropped "
                   "connections are handled, anything else must "
                   "propagate.");
    CHECK(o,
          obs_error_find(o, "propagated", "BounceError", NULL) == NULL &&
              obs_error_find(o, "propagated", "ConnectionError", NULL) == NULL,
          "What tally_failures returned still holds a BounceError or a "
          "ConnectionError, though they were handled:%s\n%s",
          obs_bool(o, "propagated_is_raised") ? " it is raised itself." : "",
          obs_outline(o, "propagated"));
    CHECK_TREE(o, "propagated", MIXED_REST,
               "What propagates should be the TypeError alone, in raised's "
               "shape: the group 'send batch' with its note.");
    CHECK_SAME_ERROR(o, obs_error_find(o, "propagated", "TypeError", NULL),
                     obs_error_find(o, "raised", "TypeError", NULL),
                     "The TypeError that propagates is not raised's own "
                     "error object but a copy.");
}

static void raised_released_once(const checker_obs *o)
{
    CHECK(o, !obs_bool(o, "raised_released_twice"),
          "raised was released once too often: tg_except takes raised "
          "(it releases it for you), so a tg_error_unref(raised) after it "
          "frees the error under your caller's feet.");
    CHECK(o, !obs_bool(o, "raised_kept"),
          "raised (or a part of it) was still alive after the caller had "
          "released what tally_failures returned. tally_failures takes "
          "raised: hand it to tg_except (which takes it in turn), or "
          "release it yourself on every path that does not return it; "
          "and take no tg_error_ref of a handler's matched that nobody "
          "releases.");
    CHECK_NO_LEAKS(o, "tally_failures");
}

/* ---- all_handled: send batch [Bounce a, Reset] --------------------------- */

static void all_handled_is_null(const checker_obs *o)
{
    CHECK_NULL(o, "propagated",
               "raised held one BounceError and one ConnectionError, both "
               "handled, so nothing should propagate: expected NULL, got "
               "{actual}.%s",
               *why_uncounted(o) || !obs_bool(o, "propagated_is_raised")
                   ? why_uncounted(o)
                   : " Counting is not handling: what you return is what "
                     "is left once the handled errors are taken out, "
                     "which is what tg_except returns.");
    CHECK_INT_EQ(o, "tally.bounces", 1,
                 "t->bounces is {actual}; expected "
                 "{expected}.");
    CHECK_INT_EQ(o, "tally.dropped", 1,
                 "t->dropped is {actual}; expected "
                 "{expected}.");
}

/* ---- bare: a single BounceError, not in a group -------------------------- */

static void bare_bounce_counted(const checker_obs *o)
{
    CHECK_INT_EQ(o, "tally.bounces", 1,
                 "raised was a single BounceError (not a group); t->bounces "
                 "is {actual}, expected {expected}. tg_except treats a bare "
                 "error as a group of one.");
    CHECK_NULL(o, "propagated",
               "raised was a single BounceError, handled: expected NULL, got "
               "{actual}.");
    CHECK_NO_LEAKS(o, "tally_failures");
}

/* ---- cancelled: BaseExceptionGroup send batch [Bounce a, CancelledError] --
 */

static void cancel_propagates(const checker_obs *o)
{
    const char *cancel =
        obs_error_find(o, "propagated", "CancelledError", NULL);
    CHECK(o, cancel != NULL,
          "raised held a CancelledError, and tally_failures returned %s "
          "without it: a cancellation is never yours to handle here. A "
          "clause on TG_BaseException (or a predicate that says yes to "
          "everything) swallows it; match only BounceError and "
          "TG_ConnectionError.",
          obs_describe(o, "propagated"));
    CHECK_SAME_ERROR(o, cancel,
                     obs_error_find(o, "raised", "CancelledError", NULL),
                     "The CancelledError that propagates is not raised's own "
                     "error object but a copy.");
}

const checker_check CHECKER_CHECKS[] = {
    {"bounces_counted", "mixed", bounces_counted},
    {"drops_counted", "mixed", drops_counted},
    {"rest_propagates", "mixed", rest_propagates},
    {"raised_released_once", "mixed", raised_released_once},
    {"all_handled_is_null", "all_handled", all_handled_is_null},
    {"bare_bounce_counted", "bare", bare_bounce_counted},
    {"cancel_propagates", "cancelled", cancel_propagates},
    {NULL, NULL, NULL},
};
