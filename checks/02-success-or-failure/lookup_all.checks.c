/*
 * lookup_all.checks.c -- the checks of 02-success-or-failure/lookup_all,
 * run by the trusted checker on what lookup_all.probe.c observed.
 *
 * What they catch, from lesson 02: a sentinel ("" for a failure) that
 * makes a real empty value look like a failure and a failure look like a
 * value; a tag guessed from the value; the reason for a failure thrown
 * away, or replaced by a copy; expected failures raised (the batch stops)
 * or unexpected ones recorded (a bug, a cancellation); lookups one after
 * another; leaks.
 */
#include "checker.h"
#include "lookup_all.scenario.h"

static const char *slot_name(int i)
{
    return checker_fmt("slots[%d] (%s)", i, LA_KEYS[i]);
}

/* A slot that found value: ok, that value, no error. */
static void check_found(const checker_obs *o, int i, const char *value)
{
    CHECK(o, obs_calls_find(o, "calls", "db_get", LA_KEYS[i], "ok") >= 0,
          "The lookup of %s should have found %s%s%s, but it did not end "
          "well (%zu calls for it). One failed lookup must not stop the "
          "others.",
          LA_KEYS[i], value[0] ? "\"" : "the empty value \"", value,
          "\"", obs_calls_count(o, "calls", "db_get", LA_KEYS[i], NULL));
    CHECK(o, obs_bool(o, checker_path("slots.%d.ok", i)),
          "%s has ok = false, but db_get found its value, %s. The tag "
          "says whether the lookup found a value: set it from the call "
          "(did db_get set an error?), never from what the value looks "
          "like.",
          slot_name(i),
          value[0] ? checker_fmt("\"%s\"", value)
                   : "\"\" (an empty string is a value like any other)");
    CHECK_STR_EQ(o, checker_path("slots.%d.value", i), value,
                 "%s has the value {actual}; expected {expected}, what "
                 "db_get returned.",
                 slot_name(i));
    CHECK_NULL(o, checker_path("slots.%d.error", i),
               "%s has the error {actual}, but its lookup worked: a found "
               "value has no error (NULL).",
               slot_name(i));
}

/* A slot whose lookup failed with type/message. */
static void check_failed(const checker_obs *o, int i, const char *type,
                         const char *message)
{
    const char *err = checker_path("slots.%d.error", i);
    CHECK(o, obs_error_find(o, "returned", type, message) == NULL,
          "The lookup of %s failed with %s: %s, and that error was raised: "
          "it is in what lookup_all returned, and the group cancelled the "
          "lookups still running. A %s is an expected failure of a "
          "lookup: record it in %s and return normally.",
          LA_KEYS[i], type, message, type, slot_name(i));
    CHECK(o, !obs_bool(o, checker_path("slots.%d.ok", i)),
          "%s has ok = true, but its lookup failed with %s: %s. Set the "
          "tag on every path: false when db_get set an error.",
          slot_name(i), type, message);
    CHECK_NULL(o, checker_path("slots.%d.value", i),
               "%s has the value {actual}, but its lookup failed with %s: "
               "%s. A failed lookup has no value (NULL). A sentinel such as "
               "\"\" cannot work: \"\" is also a real value (look at "
               "nick:ann).",
               slot_name(i), type, message);
    CHECK_NOT_NULL(o, err,
                   "%s has no error, but its lookup failed with %s: %s. "
                   "Keep the error in the slot (s->error = err): it is the "
                   "only thing that says why.",
                   slot_name(i), type, message);
    CHECK_ERROR_TYPE(o, err, type,
                     "%s should hold the %s db_get gave you; it holds "
                     "{actual}.",
                     slot_name(i), type);
    CHECK(o, obs_bool(o, checker_path("slots.%d.error_is_services", i)),
          "%s holds %s, but not the very error db_get gave you (a new one, "
          "or a copy). Keep db_get's own error object.",
          slot_name(i), obs_describe(o, err));
}

/* ---- nicks ---------------------------------------------------------------- */

static void empty_value_is_found(const checker_obs *o)
{
    check_found(o, LA_ANN, LA_ANN_VALUE);
}

static void value_found(const checker_obs *o)
{
    check_found(o, LA_BOB, LA_BOB_VALUE);
}

static void missing_key_has_error(const checker_obs *o)
{
    check_failed(o, LA_CY, "KeyError", "no such key: nick:cy");
}

static void transient_failures_have_errors(const checker_obs *o)
{
    check_failed(o, LA_DAN, "ConnectionError", "connection reset");
    check_failed(o, LA_EVE, "TimeoutError", "server did not answer");
}

static void returns_null(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "lookup_all returned {actual}; expected NULL. A missing key, "
               "a reset connection and a timeout are expected failures: "
               "they belong in their slots, not in what lookup_all "
               "returns.");
    CHECK_INT_EQ(o, "returned_at", obs_calls_last_end(o, "calls", "db_get"),
                 "lookup_all returned at {actual} ms, but the last lookup "
                 "ended at {expected} ms.");
}

static void runs_concurrently(const checker_obs *o)
{
    CHECK_VALUE_EQ(o, obs_int_or(o, "calls.max_in_flight.db_get", 0), LA_N,
                   "The most lookups in flight at once was {actual}; "
                   "expected all {expected} together: spawn one task per "
                   "slot into one group, and wait once.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "lookup_all");
}

/* ---- bug: nick:bob's lookup raises a TypeError at 30 ms ------------------ */

static void bug_propagates(const checker_obs *o)
{
    CHECK(o,
          !obs_error_is(o, checker_path("slots.%d.error", LA_BOB),
                        "TypeError"),
          "The injected bug (a TypeError from db_get for %s) was recorded "
          "in %s as if it were a failed lookup. Only a KeyError, a "
          "ConnectionError or a TimeoutError is; anything else must be "
          "raised (return tg_raise(err)).",
          LA_KEYS[LA_BOB], slot_name(LA_BOB));
    CHECK(o,
          obs_error_find(o, "returned", "TypeError",
                         "bug in db_get (injected)") != NULL,
          "lookup_all returned %s, without the injected TypeError that "
          "db_get raised for %s at %d ms. It should be in the group "
          "tg_group_wait returns: return that.",
          obs_describe(o, "returned"), LA_KEYS[LA_BOB], LA_BUG_MS);
}

/* ---- cancel: lookup_all's task is cancelled at 15 ms --------------------- */

static void cancel_propagates(const checker_obs *o)
{
    for (int i = 0; i < LA_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("slots.%d.error", i),
                            "CancelledError"),
              "%s holds a CancelledError. Its lookup did not fail: it was "
              "cancelled, because lookup_all was. Raise a cancellation, "
              "never record it.",
              slot_name(i));
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "lookup_all was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     LA_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", LA_CANCEL_MS,
                 "lookup_all returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "lookup_all");
}

const checker_check CHECKER_CHECKS[] = {
    {"empty_value_is_found", "nicks", empty_value_is_found},
    {"value_found", "nicks", value_found},
    {"missing_key_has_error", "nicks", missing_key_has_error},
    {"transient_failures_have_errors", "nicks",
     transient_failures_have_errors},
    {"returns_null", "nicks", returns_null},
    {"runs_concurrently", "nicks", runs_concurrently},
    {"no_leaks", "nicks", no_leaks},
    {"bug_propagates", "bug", bug_propagates},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
