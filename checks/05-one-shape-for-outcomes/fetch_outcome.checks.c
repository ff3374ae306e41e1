/*
 * fetch_outcome.checks.c -- the checks of 05-one-shape-for-outcomes/
 * fetch_outcome, run by the trusted checker on what fetch_outcome.probe.c
 * observed.
 *
 * What they catch, from lesson 05: fields set piecemeal, so that the ones
 * a path forgets keep what *out held before (the probe fills it with
 * 0xA5 bytes first); a URL borrowed instead of copied; the service's
 * error replaced by a copy; *out written on a path that returns a bug or
 * a cancellation; a catch-all that records them; a clear function that
 * frees only the body or leaves old pointers behind; leaks.
 */
#include "checker.h"
#include "fetch_outcome.scenario.h"

#define STALE_WORDS                                                            \
    "still holds the bytes that were in *out before the call (the lab "        \
    "filled *out with 0xA5 bytes first): this path never set it"

static const char *status_name(long long s)
{
    return s == 0 ? "FETCH_OK"
           : s == 1
               ? "FETCH_FAILED"
               : checker_fmt("%lld (neither FETCH_OK nor FETCH_FAILED)", s);
}

static bool flag(const checker_obs *o, const char *out, const char *field)
{
    return obs_bool(o, checker_path("%s.%s", out, field));
}

/* The url field of the outcome at out must be a copy of url. */
static void check_url(const checker_obs *o, const char *out, const char *url,
                      const char *what)
{
    CHECK(o, !flag(o, out, "url_stale"), "After %s, out->url " STALE_WORDS ".",
          what);
    CHECK(o, !flag(o, out, "url_borrowed"),
          "After %s, out->url is the caller's own string (the very pointer "
          "passed as url), not a copy: once the caller changed it after the "
          "call, the outcome read %s. Store a copy of its own: "
          "copy_str(url).",
          what, obs_describe(o, checker_path("%s.url", out)));
    CHECK_STR_EQ(o, checker_path("%s.url", out), url,
                 "After %s, out->url is {actual}; expected {expected}, a copy "
                 "of the URL, on every path.",
                 what);
}

/* ---- ok: a fetch that works after 30 ms --------------------------------- */

static void ok_outcome_complete(const checker_obs *o)
{
    const char *out = "fetch.0.out";
    const char *what = "a fetch that worked";
    CHECK_NULL(o, "fetch.0.returned",
               "safe_fetch returned {actual} for a fetch that worked; "
               "expected NULL, with the page in *out.");
    long k = obs_calls_find(o, "calls", "fetch_url", FO_OK_URL, "ok");
    CHECK(o, k >= 0, "fetch_url was never called for %s.", FO_OK_URL);
    const char *body = obs_str(o, checker_path("calls.items.%ld.result", k));
    CHECK(o, !flag(o, out, "status_stale"),
          "After %s, out->status " STALE_WORDS ".", what);
    CHECK(o, obs_int(o, checker_path("%s.status", out)) == 0,
          "After %s, out->status is %s; expected FETCH_OK.", what,
          status_name(obs_int(o, checker_path("%s.status", out))));
    CHECK(o, !flag(o, out, "body_stale"),
          "After %s, out->body " STALE_WORDS ".", what);
    CHECK_STR_EQ(o, checker_path("%s.body", out), body,
                 "After %s, out->body is {actual}; expected {expected}, the "
                 "page fetch_url returned.",
                 what);
    CHECK(o, !flag(o, out, "error_stale"),
          "After %s, out->error " STALE_WORDS ". A caller that frees the "
          "outcome would pass that garbage to tg_error_unref. Set every "
          "field on every path: in a FETCH_OK outcome, error is NULL.",
          what);
    CHECK_NULL(o, checker_path("%s.error", out),
               "After %s, out->error is {actual}; expected NULL.", what);
    check_url(o, out, FO_OK_URL, what);
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_fetch");
}

/* ---- failures: a 404, a reset connection, a timeout --------------------- */

static void failed_outcomes_complete(const checker_obs *o)
{
    for (int i = 0; i < FO_FAIL_N; i++) {
        const char *out = checker_path("fetch.%d.out", i);
        const char *what = checker_fmt("a fetch that failed with %s %s",
                                       FO_FAIL_TYPE[i][0] == 'H' ? "an" : "a",
                                       FO_FAIL_TYPE[i]);
        CHECK_NULL(o, checker_path("fetch.%d.returned", i),
                   "safe_fetch returned {actual} for %s (%s); expected NULL: "
                   "an HTTPError, a ConnectionError or a TimeoutError is an "
                   "expected failure, recorded in *out.",
                   what, FO_FAIL_URL[i]);
        CHECK(o, !flag(o, out, "status_stale"),
              "After %s, out->status " STALE_WORDS ".", what);
        CHECK(o, obs_int(o, checker_path("%s.status", out)) == 1,
              "After %s, out->status is %s; expected FETCH_FAILED.", what,
              status_name(obs_int(o, checker_path("%s.status", out))));
        CHECK(o, !flag(o, out, "error_stale"),
              "After %s, out->error " STALE_WORDS ".", what);
        CHECK_ERROR_TYPE(o, checker_path("%s.error", out), FO_FAIL_TYPE[i],
                         "After %s, out->error should be that %s; it is "
                         "{actual}.",
                         what, FO_FAIL_TYPE[i]);
        CHECK(o, flag(o, out, "error_from_service"),
              "After %s, out->error is %s %s, but not the one "
              "fetch_url raised: keep the service's own error object (it is "
              "yours "
              "once the call hands it over), not a copy.",
              what, FO_FAIL_TYPE[i][0] == 'H' ? "an" : "a", FO_FAIL_TYPE[i]);
        CHECK(o, !flag(o, out, "body_stale"),
              "After %s, out->body " STALE_WORDS ". A caller that frees "
              "the outcome would pass that garbage to free(). In a "
              "FETCH_FAILED outcome, body is NULL.",
              what);
        CHECK_NULL(o, checker_path("%s.body", out),
                   "After %s, out->body is {actual}; expected NULL.", what);
        check_url(o, out, FO_FAIL_URL[i], what);
    }
}

static void no_leaks_after_failures(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_fetch");
}

/* ---- bug and cancel: the error comes back, *out is not touched ---------- */

static void bug_returned(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "fetch.0.returned",
                   "safe_fetch returned NULL, but fetch_url raised a bug (a "
                   "TypeError) for %s: only an HTTPError, a ConnectionError "
                   "or a TimeoutError is an expected failure. Return "
                   "anything else to the caller.",
                   FO_BUG_URL);
    CHECK_ERROR_TYPE(o, "fetch.0.returned", "TypeError",
                     "safe_fetch should return the TypeError fetch_url "
                     "raised; it returned {actual}.");
    CHECK(o, obs_bool(o, "fetch.0.returned_from_service"),
          "safe_fetch returned a TypeError, but not the one fetch_url "
          "raised: return the service's own error object, "
          "unchanged.");
}

static void bug_leaves_out_alone(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "fetch.0.untouched"),
          "safe_fetch returned the bug but also wrote to *out. When "
          "it returns an error, the caller does not look at *out and "
          "will not clear it: leave it exactly as it was, and fill it "
          "only on the paths that return NULL.");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_fetch");
}

static void cancel_returned(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "fetch.0.returned", "CancelledError",
                     "safe_fetch was cancelled at %d ms, inside fetch_url, "
                     "and should return the CancelledError; it returned "
                     "{actual}.",
                     FO_CANCEL_MS);
    CHECK(o, obs_bool(o, "fetch.0.returned_from_service"),
          "safe_fetch returned a CancelledError, but not the one "
          "fetch_url handed over: return it unchanged.");
    CHECK_INT_EQ(o, "fetch.0.returned_at", FO_CANCEL_MS,
                 "safe_fetch returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
}

static void cancel_leaves_out_alone(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "fetch.0.untouched"),
          "safe_fetch returned the cancellation but also wrote to "
          "*out. When it returns an error, the caller does not look "
          "at *out and will not clear it: leave it exactly as it "
          "was.");
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "safe_fetch");
}

/* ---- clear: outcomes built by the probe --------------------------------- */

static void clear_frees_everything(const checker_obs *o)
{
    CHECK(o, obs_int(o, "leaks.errors") <= 0,
          "After fetch_outcome_clear, the HTTPError of a FETCH_FAILED "
          "outcome was still alive: clear releases the error "
          "(tg_error_unref), whatever the status.");
    long long bytes = obs_int_or(o, "leaks.bytes", 0);
    CHECK(o, bytes <= 0,
          "After fetch_outcome_clear on one FETCH_OK and one FETCH_FAILED "
          "outcome, %lld bytes were still allocated. Free every string the "
          "outcome owns, the body and the url, for either status.",
          bytes);
    CHECK_NO_LEAKS(o, "fetch_outcome_clear");
}

static void check_zero(const checker_obs *o, const char *which,
                       const char *what)
{
    bool body = obs_bool(o, checker_path("cleared.%s.body_null", which));
    bool error = obs_bool(o, checker_path("cleared.%s.error_null", which));
    bool url = obs_bool(o, checker_path("cleared.%s.url_null", which));
    CHECK(o, body && error && url,
          "After fetch_outcome_clear on %s, a pointer field still holds its "
          "old address (body %s, error %s, url %s). Leave the outcome all "
          "zero, *o = (struct fetch_outcome){0}, so that nothing can use or "
          "free those pointers again.",
          what, body ? "NULL" : "not NULL", error ? "NULL" : "not NULL",
          url ? "NULL" : "not NULL");
    CHECK_INT_EQ(o, checker_path("cleared.%s.status", which), 0,
                 "After fetch_outcome_clear on %s, status is {actual}; "
                 "expected 0: the whole outcome is left zero.",
                 what);
}

static void clear_leaves_zeros(const checker_obs *o)
{
    check_zero(o, "ok", "a FETCH_OK outcome");
    check_zero(o, "failed", "a FETCH_FAILED outcome");
    check_zero(o, "zero", "an outcome that was already all zero");
}

const checker_check CHECKER_CHECKS[] = {
    {"ok_outcome_complete", "ok", ok_outcome_complete},
    {"no_leaks", "ok", no_leaks},
    {"failed_outcomes_complete", "failures", failed_outcomes_complete},
    {"no_leaks_after_failures", "failures", no_leaks_after_failures},
    {"bug_returned", "bug", bug_returned},
    {"bug_leaves_out_alone", "bug", bug_leaves_out_alone},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_returned", "cancel", cancel_returned},
    {"cancel_leaves_out_alone", "cancel", cancel_leaves_out_alone},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {"clear_frees_everything", "clear", clear_frees_everything},
    {"clear_leaves_zeros", "clear", clear_leaves_zeros},
    {NULL, NULL, NULL},
};
