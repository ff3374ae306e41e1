/*
 * cached_fallback.checks.c -- the checks of 09-robust-operations/
 * cached_fallback, run by the trusted checker on what
 * cached_fallback.probe.c observed.
 *
 * What they catch, from lesson 09: a fallback on any error (a 404 served
 * a stale profile, a bug hidden, a cancelled caller answered anyway);
 * a fallback on resets only (timeouts are unreachable too); a silent
 * fallback (not logged); a miss that returns the KeyError, or a copy, or
 * loses the note, instead of the original error; every error of the
 * cache read taken for a miss (a cancellation during it); leaks.
 */
#include <string.h>

#include "cached_fallback.scenario.h"
#include "checker.h"

static size_t cache_reads(const checker_obs *o)
{
    return obs_calls_count(o, "calls", "db_get", NULL, NULL);
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

/* No cache read: the failure (what) must come back as it is. */
static void check_no_fallback(const checker_obs *o, const char *user,
                              const char *type, const char *what)
{
    CHECK(o, obs_is_null(o, "profile"),
          "get_profile(\"%s\") gave the profile %s, but %s, so there is "
          "no profile to give.%s",
          user, obs_describe(o, "profile"), what,
          cache_reads(o) ? " It came from the cache: only an unreachable "
                           "service (a ConnectionError or a TimeoutError) "
                           "makes the cached copy an honest answer."
                         : "");
    CHECK_ERROR_TYPE(o, "returned", type,
                     "get_profile(\"%s\") should return the %s (%s); it "
                     "returned {actual}.",
                     user, type, what);
    CHECK_STR_EQ(o, "returned_from", "fetch_url",
                 "The %s returned is not the one fetch_url raised: return "
                 "the service's own error object, unchanged.",
                 type);
    CHECK(o, cache_reads(o) == 0,
          "get_profile(\"%s\") read the cache, but %s: only an unreachable "
          "service is a reason to fall back. Return any other error at "
          "once, without touching the cache.",
          user, what);
}

/* ---- ok: ann's profile is fetched ---------------------------------------- */

static void fresh_profile(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "The fetch of ann's profile worked, and get_profile returned "
               "{actual}; expected NULL.");
    CHECK_STR_EQ(o, "profile", "body of " CF_URL_PREFIX "ann",
                 "*profile is {actual}; expected {expected}, the page "
                 "fetch_url returned.");
    CHECK(o, cache_reads(o) == 0,
          "The fetch worked, but get_profile also read the cache.");
}

/* ---- not_found: bob does not exist (404) --------------------------------- */

static void not_found_not_cached(const checker_obs *o)
{
    check_no_fallback(o, "bob", "HTTPError",
                      "the service answered 404 Not Found (bob has no "
                      "profile)");
}

/* ---- reset_hit: carol's fetch is reset; the cache holds a copy ----------- */

static void cache_used_when_unreachable(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "The service was unreachable (connection reset) and the "
               "cache holds a copy of carol's profile, so get_profile should "
               "fall back to it and return NULL; it returned {actual}.");
    CHECK_STR_EQ(o, "profile", CF_CACHED_PREFIX "carol",
                 "*profile is {actual}; expected the cached copy, "
                 "{expected}.");
    CHECK(o,
          obs_calls_count(o, "calls", "db_get", CF_KEY_PREFIX "carol", NULL) ==
              1,
          "The cache should be read once, with db_get(\"" CF_KEY_PREFIX
          "carol\").");
}

static void fallback_logged(const checker_obs *o)
{
    CHECK(o, obs_len(o, "log") == 1,
          "log_error wrote %s; expected one line, \"ConnectionError: "
          "connection reset\". A fallback nobody hears of turns an outage "
          "into a mystery: log the fetch's error before releasing it.",
          log_lines(o));
    CHECK_STR_EQ(o, "log.0", "ConnectionError: connection reset",
                 "log_error wrote {actual}; expected {expected}, the fetch's "
                 "error.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "get_profile");
}

/* ---- timeout_hit: dan's fetch times out; the cache holds a copy ---------- */

static void timeout_uses_cache(const checker_obs *o)
{
    CHECK_STR_EQ(o, "profile", CF_CACHED_PREFIX "dan",
                 "The service did not answer (a TimeoutError), and *profile "
                 "is {actual}; expected the cached copy, {expected}. A "
                 "timeout means unreachable too, like a reset connection.");
    CHECK_NULL(o, "returned",
               "get_profile returned {actual}; expected "
               "NULL.");
}

/* ---- reset_miss: erin's fetch is reset; no cached copy ------------------- */

static void miss_returns_original(const checker_obs *o)
{
    CHECK(o, obs_is_null(o, "profile"),
          "There is no cached copy of erin, but *profile is %s.",
          obs_describe(o, "profile"));
    CHECK(o, !obs_error_is(o, "returned", "KeyError"),
          "get_profile returned the cache's KeyError (%s). The reason "
          "there is no profile is the reset connection; the missing cache "
          "entry only says why there is no fallback either. Return the "
          "fetch's error, with a note, and release the KeyError.",
          obs_describe(o, "returned"));
    CHECK_ERROR_TYPE(o, "returned", "ConnectionError",
                     "get_profile should return the fetch's "
                     "ConnectionError; it returned {actual}.");
    CHECK_STR_EQ(o, "returned_from", "fetch_url",
                 "The ConnectionError returned is not the one fetch_url "
                 "raised but a copy: return the very same object.");
    CHECK(o, obs_len(o, "returned.notes") == 1,
          "The ConnectionError returned has %zu notes; expected one, "
          "\"no cached copy for erin\".",
          obs_len(o, "returned.notes"));
    CHECK_STR_EQ(o, "returned.notes.0", "no cached copy for erin",
                 "The note is {actual}; expected {expected}.");
}

static void no_leaks_after_miss(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "get_profile");
}

/* ---- bug, cancel: no fallback -------------------------------------------- */

static void bug_propagates(const checker_obs *o)
{
    check_no_fallback(o, "finn", "TypeError",
                      "fetch_url raised a bug (a TypeError)");
}

static void cancel_propagates(const checker_obs *o)
{
    check_no_fallback(o, "gina", "CancelledError",
                      "get_profile was cancelled during the fetch (its "
                      "caller gave up)");
    CHECK_INT_EQ(o, "returned_at", CF_CANCEL_MS,
                 "get_profile returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
}

/* ---- cancel_in_cache: cancelled while reading the cache ------------------ */

static void cancel_during_cache_read(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "get_profile was cancelled at %d ms, while reading the "
                     "cache after a reset, and should return the "
                     "CancelledError; it returned {actual}. Only a KeyError "
                     "means \"no cached copy\": any other error of the cache "
                     "read wins, and the fetch's error is released.",
                     CF_CANCEL_IN_CACHE_MS);
    CHECK_STR_EQ(o, "returned_from", "db_get",
                 "The CancelledError returned is not the one db_get handed "
                 "over: return it unchanged.");
    CHECK(o, obs_is_null(o, "profile"), "*profile is %s; expected NULL.",
          obs_describe(o, "profile"));
    CHECK_INT_EQ(o, "returned_at", CF_CANCEL_IN_CACHE_MS,
                 "get_profile returned at {actual} ms; it was cancelled at "
                 "{expected} ms.");
    CHECK_NO_LEAKS(o, "get_profile");
}

const checker_check CHECKER_CHECKS[] = {
    {"fresh_profile", "ok", fresh_profile},
    {"not_found_not_cached", "not_found", not_found_not_cached},
    {"cache_used_when_unreachable", "reset_hit", cache_used_when_unreachable},
    {"fallback_logged", "reset_hit", fallback_logged},
    {"no_leaks", "reset_hit", no_leaks},
    {"timeout_uses_cache", "timeout_hit", timeout_uses_cache},
    {"miss_returns_original", "reset_miss", miss_returns_original},
    {"no_leaks_after_miss", "reset_miss", no_leaks_after_miss},
    {"bug_propagates", "bug", bug_propagates},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"cancel_during_cache_read", "cancel_in_cache", cancel_during_cache_read},
    {NULL, NULL, NULL},
};
