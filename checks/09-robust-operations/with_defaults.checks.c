/*
 * with_defaults.checks.c -- the checks of 09-robust-operations/
 * with_defaults, run by the trusted checker on what with_defaults.probe.c
 * observed.
 *
 * What they catch, from lesson 09: "if the wait returned anything, use
 * the defaults", which hides corrupt data, bugs and cancellations behind
 * a light theme; defaults chosen in a handler before every clause has
 * run (a timeout beside an IntegrityError); silent defaults (recoverable
 * errors not logged); a half-loaded configuration; critical errors not
 * logged or not re-raised; bugs logged; loads made one after another;
 * leaks.
 */
#include <string.h>

#include "checker.h"
#include "with_defaults.scenario.h"

static const char *field(int i)
{
    return checker_path("settings.%s", WD_KEY[i]);
}

/* "theme \"light\", lang NULL, tz \"UTC\"", for messages. */
static const char *settings_words(const checker_obs *o)
{
    return checker_fmt("theme %s, lang %s, tz %s", obs_describe(o, field(0)),
                       obs_describe(o, field(1)), obs_describe(o, field(2)));
}

static bool any_default(const checker_obs *o)
{
    for (int i = 0; i < 3; i++) {
        const char *v = obs_str(o, field(i));
        if (v && strcmp(v, WD_DEFAULT[i]) == 0)
            return true;
    }
    return false;
}

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

static bool logged(const checker_obs *o, const char *line)
{
    for (size_t i = 0; i < obs_len(o, "log"); i++)
        if (strcmp(obs_str(o, checker_path("log.%zu", i)), line) == 0)
            return true;
    return false;
}

static void check_no_defaults(const checker_obs *o, const char *why)
{
    CHECK(o, !any_default(o),
          "The settings hold defaults (%s), but %s: a default is an honest "
          "answer only when every error was recoverable. Decide after "
          "tg_except has run every clause, and apply the defaults only "
          "when nothing is left to propagate.",
          settings_words(o), why);
}

/* ---- all_ok ---------------------------------------------------------------
 */

static void values_loaded(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "load_settings returned {actual}, but every load worked; "
               "expected NULL.");
    for (int i = 0; i < 3; i++)
        CHECK_STR_EQ(o, field(i), WD_VALUE[i],
                     "s->%s is {actual}; expected {expected}, the value "
                     "stored in the database.",
                     WD_KEY[i]);
    CHECK(o, obs_len(o, "log") == 0, "Nothing failed, but log_error wrote %s.",
          log_lines(o));
}

static void loads_concurrent(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.db_get", 0);
    CHECK_VALUE_EQ(o, peak, 3,
                   "The most loads in flight at once was {actual}; expected "
                   "all {expected} together, in one group.");
    CHECK_INT_EQ(o, "returned_at", WD_MS[2],
                 "load_settings returned at {actual} ms; expected {expected} "
                 "ms, when the slowest load ended.");
}

/* ---- reset_lang: lang's connection is reset at 20 ms --------------------- */

static void recoverable_gives_defaults(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "lang's connection was reset, a recoverable error, so "
               "load_settings should fall back to the defaults and return "
               "NULL; it returned {actual}.");
    for (int i = 0; i < 3; i++)
        CHECK_STR_EQ(o, field(i), WD_DEFAULT[i],
                     "s->%s is {actual}; expected the default {expected}. "
                     "When a recoverable error stops the loads, all three "
                     "settings fall back together (%s): a half-loaded "
                     "configuration is worse than the defaults.",
                     WD_KEY[i], settings_words(o));
}

static void recoverable_logged(const checker_obs *o)
{
    CHECK(o,
          obs_len(o, "log") == 1 &&
              logged(o, "ConnectionError: connection reset"),
          "log_error wrote %s; expected exactly one line, \"ConnectionError: "
          "connection reset\". A default that nobody hears about turns an "
          "outage into a mystery: log each recoverable error before "
          "handling it.",
          log_lines(o));
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "load_settings");
}

/* ---- corrupt_tz: tz is corrupt (IntegrityError at 20 ms) ----------------- */

static void corruption_propagates(const checker_obs *o)
{
    const char *leaf = obs_error_find(o, "returned", "IntegrityError", NULL);
    CHECK(o, leaf != NULL,
          "The stored tz is corrupt (an IntegrityError at 20 ms), and "
          "load_settings returned %s. Corrupt data is critical: log it and "
          "re-raise it (a handler that returns matched), so that someone "
          "looks at it.",
          obs_describe(o, "returned"));
    CHECK_ERROR_MESSAGE(o, leaf, "checksum mismatch in tz",
                        "The IntegrityError returned has the message "
                        "{actual}; expected {expected}, db_get's own.");
    CHECK_STR_EQ(o, "returned_from.0", "tz",
                 "The IntegrityError returned is not the one db_get raised "
                 "for tz: re-raise the service's own error object.");
    check_no_defaults(o, "the data is corrupt");
}

static void corruption_logged(const checker_obs *o)
{
    CHECK(o,
          obs_len(o, "log") == 1 &&
              logged(o, "IntegrityError: checksum mismatch in tz"),
          "log_error wrote %s; expected exactly one line, \"IntegrityError: "
          "checksum mismatch in tz\": a critical error is logged with every "
          "detail, and re-raised.",
          log_lines(o));
}

/* ---- timeout_and_corrupt: both at 20 ms ---------------------------------- */

static void corruption_wins_over_default(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "lang timed out and tz is corrupt, both at 20 ms, and "
                   "load_settings returned NULL with %s. The timeout alone "
                   "would allow the defaults, but the corruption must "
                   "propagate: decide after every clause has run, not in "
                   "the timeout's handler.",
                   settings_words(o));
    CHECK_TREE(o, "returned",
               "ExceptionGroup: unhandled errors in a TaskGroup\n"
               "+-- IntegrityError: checksum mismatch in tz",
               "Only the IntegrityError should propagate, in the group's "
               "shape: the TimeoutError is recoverable and handled.");
    check_no_defaults(o, "the data is corrupt");
    CHECK(o,
          obs_len(o, "log") == 2 &&
              logged(o, "TimeoutError: server did not answer") &&
              logged(o, "IntegrityError: checksum mismatch in tz"),
          "log_error wrote %s; expected the two errors, \"TimeoutError: "
          "server did not answer\" and \"IntegrityError: checksum mismatch "
          "in tz\", once each.",
          log_lines(o));
}

static void no_leaks_after_corruption(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "load_settings");
}

/* ---- bug: theme raises a TypeError at 20 ms ------------------------------ */

static void bug_propagates(const checker_obs *o)
{
    const char *leaf = obs_error_find(o, "returned", "TypeError", NULL);
    CHECK(o, leaf != NULL,
          "db_get raised a bug (a TypeError) for theme, and load_settings "
          "returned %s. A bug is neither recoverable nor critical data: "
          "no clause should match it, so that it propagates by itself.",
          obs_describe(o, "returned"));
    CHECK_ERROR_MESSAGE(o, leaf, "bug in db_get (injected)",
                        "The TypeError returned has the message {actual}; "
                        "expected the service's own error, {expected}.");
    check_no_defaults(o, "a bug is not a reason to fall back");
    CHECK(o, obs_len(o, "log") == 0,
          "log_error wrote %s: a bug is not logged here, it propagates "
          "untouched.",
          log_lines(o));
}

/* ---- cancel: load_settings's task is cancelled at 10 ms ------------------ */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "load_settings was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     WD_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", WD_CANCEL_MS,
                 "load_settings returned at {actual} ms; it was cancelled "
                 "at {expected} ms and should stop right then.");
    check_no_defaults(o, "load_settings was cancelled");
    CHECK(o, obs_len(o, "log") == 0,
          "log_error wrote %s: a cancellation is not logged, it "
          "propagates.",
          log_lines(o));
}

const checker_check CHECKER_CHECKS[] = {
    {"values_loaded", "all_ok", values_loaded},
    {"loads_concurrent", "all_ok", loads_concurrent},
    {"recoverable_gives_defaults", "reset_lang", recoverable_gives_defaults},
    {"recoverable_logged", "reset_lang", recoverable_logged},
    {"no_leaks", "reset_lang", no_leaks},
    {"corruption_propagates", "corrupt_tz", corruption_propagates},
    {"corruption_logged", "corrupt_tz", corruption_logged},
    {"corruption_wins_over_default", "timeout_and_corrupt",
     corruption_wins_over_default},
    {"no_leaks_after_corruption", "timeout_and_corrupt",
     no_leaks_after_corruption},
    {"bug_propagates", "bug", bug_propagates},
    {"cancel_propagates", "cancel", cancel_propagates},
    {NULL, NULL, NULL},
};
