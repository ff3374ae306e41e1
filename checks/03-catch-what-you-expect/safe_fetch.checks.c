/*
 * safe_fetch.checks.c -- the checks of 03-catch-what-you-expect/
 * safe_fetch, run by the trusted checker on what safe_fetch.probe.c
 * observed.
 *
 * What they catch, from lesson 03: a test for TG_Exception that records
 * every bug as a failed fetch; a list of bugs to exclude instead of a
 * list of failures to expect (the next kind of bug gets through); a list
 * too narrow (a reset or a timeout propagates); `if (err)`, which also
 * records cancellations; *out written before the decision; errors wrapped
 * or copied instead of returned as they are; leaks.
 *
 * cancel_propagates passes for the starter already: CancelledError is a
 * BaseException, not an Exception.  It is there so that narrowing the
 * test does not break it.
 */
#include <string.h>

#include "checker.h"
#include "safe_fetch.scenario.h"

static const char *article(const char *type)
{
    return strchr("AEIOU", type[0]) ? "An" : "A";
}

/* *out was filled for a failed fetch of this type and message. */
static void check_recorded(const checker_obs *o, const char *type,
                           const char *message)
{
    CHECK_NULL(o, "returned",
               "fetch_url failed with %s: %s, and safe_fetch returned "
               "{actual}; expected NULL. %s %s is one of the failures a "
               "fetch is expected to have (an HTTPError, a ConnectionError "
               "or a TimeoutError): record it in *out, and return NULL.",
               type, message, article(type), type);
    CHECK(o, !obs_bool(o, "out_untouched"),
          "safe_fetch returned NULL, but never wrote *out: the fetch failed "
          "with %s: %s, and the record must say so.",
          type, message);
    CHECK(o,
          !obs_bool(o, "out.url_untouched") && obs_bool(o, "out.url_is_input"),
          "out->url was not set to safe_fetch's url argument; every field "
          "of *out is set when the outcome is recorded.");
    CHECK(o, !obs_bool(o, "out.ok_untouched") && !obs_bool(o, "out.ok"),
          "out->ok should be false: the fetch failed with %s: %s.", type,
          message);
    CHECK(o, !obs_bool(o, "out.body_untouched"),
          "out->body was never set; a failed fetch has no body: set it to "
          "NULL.");
    CHECK_NULL(o, "out.body",
               "out->body is {actual}, but the fetch failed: it should be "
               "NULL.");
    CHECK(o, !obs_bool(o, "out.error_untouched"),
          "out->error was never set; it should hold the %s fetch_url gave "
          "you.",
          type);
    CHECK_ERROR_TYPE(o, "out.error", type,
                     "out->error should be the %s fetch_url gave you; it is "
                     "{actual}.",
                     type);
    CHECK(o, obs_bool(o, "out.error_is_services"),
          "out->error is a %s, but not the very object fetch_url gave you "
          "(a copy, or a new one). Store err itself.",
          type);
}

/* "url, ok and error": the fields of *out that were written. */
static const char *touched_fields(const checker_obs *o)
{
    static const char *const fields[] = {"url", "ok", "body", "error"};
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

/* An injected bug of this type came back as it is, *out untouched. */
static void check_bug_propagates(const checker_obs *o, const char *type)
{
    CHECK(o,
          obs_bool(o, "out.error_untouched") ||
              !obs_error_is(o, "out.error", type),
          "fetch_url raised %s %s (an injected bug), and safe_fetch "
          "recorded it in *out as if the page had failed. A %s is an "
          "Exception, just like an HTTPError: a test for TG_Exception "
          "swallows it, and so does a list of bugs to leave out (the next "
          "bug is always of a kind not on it). Name the failures a fetch "
          "is expected to have -- HTTPError, ConnectionError, TimeoutError "
          "-- and let everything else through.",
          strcmp(article(type), "An") == 0 ? "an" : "a", type, type);
    CHECK_NOT_NULL(o, "returned",
                   "fetch_url raised %s %s (an injected bug), and "
                   "safe_fetch returned NULL: the bug vanished. Return it.",
                   strcmp(article(type), "An") == 0 ? "an" : "a", type);
    CHECK_ERROR_TYPE(o, "returned", type,
                     "safe_fetch returned {actual}; expected the %s "
                     "fetch_url raised, unchanged.",
                     type);
    CHECK(o, obs_bool(o, "returned_is_services"),
          "safe_fetch returned a %s, but not the very object fetch_url gave "
          "you (a copy, or a new one). Return err itself.",
          type);
    CHECK(o, obs_bool(o, "out_untouched"),
          "safe_fetch returned the %s, but it also wrote into *out (%s). "
          "When an error propagates, the record is left exactly as it was: "
          "decide first, then write.",
          type, touched_fields(o));
}

/* ---- the expected failures ----------------------------------------------- */

static void not_found_recorded(const checker_obs *o)
{
    check_recorded(o, "HTTPError", "404 Not Found");
}

static void reset_recorded(const checker_obs *o)
{
    check_recorded(o, "ConnectionError", "connection reset");
}

static void timeout_recorded(const checker_obs *o)
{
    check_recorded(o, "TimeoutError", "server did not answer");
}

static void success_recorded(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "The fetch worked, and safe_fetch returned {actual}; expected "
               "NULL.");
    CHECK(o,
          !obs_bool(o, "out.url_untouched") && obs_bool(o, "out.url_is_input"),
          "out->url was not set to safe_fetch's url argument.");
    CHECK(o, !obs_bool(o, "out.ok_untouched") && obs_bool(o, "out.ok"),
          "out->ok should be true: the page was fetched.");
    CHECK(o, !obs_bool(o, "out.body_untouched"),
          "out->body was never set; it should hold the page.");
    CHECK_STR_EQ(o, "out.body", "body of " SF_URL,
                 "out->body is {actual}; expected {expected}, what "
                 "fetch_url returned.");
    CHECK(o, !obs_bool(o, "out.error_untouched"),
          "out->error was never set; a fetched page has no error: set it to "
          "NULL.");
    CHECK_NULL(o, "out.error",
               "out->error is {actual}, but the page was fetched: it should "
               "be NULL.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_fetch");
}

/* ---- the injected bugs --------------------------------------------------- */

static void value_error_propagates(const checker_obs *o)
{
    check_bug_propagates(o, "ValueError");
}

static void key_error_propagates(const checker_obs *o)
{
    check_bug_propagates(o, "KeyError");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_fetch");
}

/* ---- cancel: safe_fetch's task is cancelled at 10 ms --------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK(o,
          obs_bool(o, "out.error_untouched") ||
              !obs_error_is(o, "out.error", "CancelledError"),
          "safe_fetch was cancelled at %d ms, inside fetch_url, and it "
          "recorded the CancelledError in *out as if the page had failed. "
          "A cancellation is a request to stop: return it.",
          SF_CANCEL_MS);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "safe_fetch was cancelled at %d ms and should return "
                     "the CancelledError fetch_url gave it, unchanged; it "
                     "returned {actual}.",
                     SF_CANCEL_MS);
    CHECK(o, obs_bool(o, "returned_is_services"),
          "safe_fetch returned a CancelledError, but not the very object "
          "fetch_url gave you. Return err itself.");
    CHECK(o, obs_bool(o, "out_untouched"),
          "safe_fetch returned the CancelledError, but it also wrote into "
          "*out (%s). Leave the record as it was.",
          touched_fields(o));
}

const checker_check CHECKER_CHECKS[] = {
    {"not_found_recorded", "not_found", not_found_recorded},
    {"reset_recorded", "reset", reset_recorded},
    {"timeout_recorded", "timeout", timeout_recorded},
    {"success_recorded", "success", success_recorded},
    {"no_leaks", "not_found", no_leaks},
    {"value_error_propagates", "value_bug", value_error_propagates},
    {"key_error_propagates", "key_bug", key_error_propagates},
    {"no_leaks_after_bug", "value_bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {NULL, NULL, NULL},
};
