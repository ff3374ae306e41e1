/*
 * fetch_report.checks.c -- the checks of 08-partial-failures/fetch_report,
 * run by the trusted checker on what fetch_report.probe.c observed.
 *
 * What they catch, from lesson 08: pages and failures stored in the order
 * the fetches end instead of the order of the URLs; failures without the
 * note that says which URL they come from; copies instead of the
 * service's errors; a group built when nothing failed; a bug or a
 * cancellation hidden in the report; fetches made one after another;
 * leaks.
 */
#include <string.h>

#include "checker.h"
#include "fetch_report.scenario.h"

/* The URL whose page is body ("body of <url>"), or NULL. */
static const char *page_of(const char *body)
{
    const char *prefix = "body of ";
    if (body == NULL || strncmp(body, prefix, strlen(prefix)) != 0)
        return NULL;
    return body + strlen(prefix);
}

static bool failed(int i)
{
    return i == FR_404 || i == FR_RESET;
}

/* ---- decreasing: p0 150 ms ... p4 30 ms; p1 404, p3 reset -------------- */

static void bodies_match_urls(const checker_obs *o)
{
    for (int i = 0; i < FR_N; i++) {
        const char *path = checker_path("bodies.%d", i);
        const char *body = obs_str(o, path);
        if (failed(i)) {
            CHECK_NULL(o, path,
                       "bodies[%d] is {actual}, but the fetch of urls[%d] "
                       "(%s) failed: its slot stays NULL.",
                       i, i, FR_URL[i]);
            continue;
        }
        const char *whose = page_of(body);
        CHECK(o, whose == NULL || strcmp(whose, FR_URL[i]) == 0,
              "bodies[%d] holds the page of %s, not of urls[%d] (%s). The "
              "fetches end in the reverse order of the URLs here: store "
              "each page in the slot of its own URL, bodies[i] for "
              "urls[i], not in the next free one.",
              i, whose ? whose : "", i, FR_URL[i]);
        long k = obs_calls_find(o, "calls", "fetch_url", FR_URL[i], "ok");
        CHECK(o, k >= 0, "The page of %s was never delivered.", FR_URL[i]);
        CHECK_STR_EQ(o, path,
                     obs_str(o, checker_path("calls.items.%ld.result", k)),
                     "bodies[%d] is {actual}; expected {expected}, the page "
                     "of urls[%d].",
                     i, i);
    }
}

static void failures_in_url_order(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "failures",
                   "*failures is NULL, but two fetches failed: %s (404) and "
                   "%s (connection reset).",
                   FR_URL[FR_404], FR_URL[FR_RESET]);
    CHECK_ERROR_TYPE(o, "failures", "ExceptionGroup",
                     "*failures should be an ExceptionGroup of the failed "
                     "fetches' errors; it is {actual}.");
    CHECK_ERROR_MESSAGE(o, "failures", "2 of 5 fetches failed",
                        "The group's message is {actual}; expected "
                        "{expected}.");
    CHECK(o, obs_len(o, "failures.members") == 2,
          "The group holds %zu errors; expected the 2 failures, each "
          "directly in the group:\n%s",
          obs_len(o, "failures.members"), obs_outline(o, "failures"));
    static const int order[] = {FR_404, FR_RESET};
    for (int j = 0; j < 2; j++) {
        const char *from = obs_str(o, checker_path("failure_urls.%d", j));
        CHECK(o, from != NULL,
              "Member %d of the group is not an error fetch_url raised "
              "(%s): put the service's own error objects in the group, not "
              "copies.",
              j, obs_describe(o, checker_path("failures.members.%d", j)));
        CHECK(o, strcmp(from, FR_URL[order[j]]) == 0,
              "Member %d of the group is the failure of %s; expected the "
              "failure of %s. The members follow the order of urls, not "
              "the order in which the fetches failed (%s failed first, at "
              "%u ms).",
              j, from, FR_URL[order[j]], FR_URL[FR_RESET], FR_MS[FR_RESET]);
    }
}

static void failures_noted(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "failures",
                   "*failures is NULL, but two fetches "
                   "failed.");
    size_t n = obs_len(o, "failures.members");
    for (size_t j = 0; j < n; j++) {
        const char *m = checker_path("failures.members.%zu", j);
        const char *from = obs_str(o, checker_path("failure_urls.%zu", j));
        const char *want = from ? checker_fmt("fetching %s", from) : NULL;
        size_t notes = obs_len(o, checker_path("%s.notes", m));
        CHECK(o, notes == 1,
              "The failure %s has %zu notes; expected exactly one, "
              "\"fetching <url>\", saying which fetch it comes from: a "
              "\"404 Not Found\" alone does not say which page is "
              "missing. Add it with tg_error_add_note where the URL is "
              "known, in the task.",
              obs_describe(o, m), notes);
        if (want)
            CHECK_STR_EQ(o, checker_path("%s.notes.0", m), want,
                         "The note of %s is {actual}; expected {expected}.",
                         obs_describe(o, m));
    }
}

static void returns_null(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "fetch_report returned {actual}; expected NULL: failed "
               "fetches go into *failures, not into what fetch_report "
               "returns.");
    CHECK_INT_EQ(o, "returned_at", FR_MS[0],
                 "fetch_report returned at {actual} ms (virtual time); "
                 "expected {expected} ms, when the slowest fetch ended.");
}

static void runs_concurrently(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.fetch_url", 0);
    CHECK_VALUE_EQ(o, peak, FR_N,
                   "The most fetches in flight at once was {actual}; "
                   "expected all {expected} together.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_report");
}

/* ---- all_ok: 3 URLs, no failure ------------------------------------------ */

static void no_failures_is_null(const checker_obs *o)
{
    CHECK_NULL(o, "failures",
               "Every fetch worked, so *failures should stay NULL; it is "
               "{actual}.%s",
               obs_error_is(o, "failures", "ValueError")
                   ? " A group of zero errors is not allowed: build the "
                     "group only when something failed."
                   : "");
}

/* ---- bug: p2 raises a TypeError at 90 ms --------------------------------- */

static void bug_propagates(const checker_obs *o)
{
    CHECK(o, obs_error_find(o, "failures", "TypeError", NULL) == NULL,
          "The injected bug (a TypeError from fetch_url for %s) is in "
          "*failures, as if it were a failed fetch. Only an HTTPError, a "
          "ConnectionError or a TimeoutError is expected; anything else "
          "must reach the caller.",
          FR_URL[FR_BUG]);
    const char *leaf = obs_error_find(o, "returned", "TypeError", NULL);
    CHECK(o, leaf != NULL,
          "fetch_report returned %s, but fetch_url raised a bug (a "
          "TypeError) for %s at %u ms: it must come back to the caller, in "
          "the error tg_group_wait returns.",
          obs_describe(o, "returned"), FR_URL[FR_BUG], FR_MS[FR_BUG]);
    CHECK_ERROR_MESSAGE(o, leaf, "bug in fetch_url (injected)",
                        "The TypeError fetch_report returned has the message "
                        "{actual}; expected the service's own error, "
                        "{expected}, unchanged.");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_report");
}

/* ---- cancel: fetch_report's task is cancelled at 70 ms ------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "fetch_report was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     FR_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", FR_CANCEL_MS,
                 "fetch_report returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then.");
    CHECK(o, obs_error_find(o, "failures", "CancelledError", NULL) == NULL,
          "*failures holds a CancelledError: a cancelled fetch did not "
          "fail, it was stopped because fetch_report was. Raise a "
          "cancellation, never report it as a failure.");
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "fetch_report");
}

const checker_check CHECKER_CHECKS[] = {
    {"bodies_match_urls", "decreasing", bodies_match_urls},
    {"failures_in_url_order", "decreasing", failures_in_url_order},
    {"failures_noted", "decreasing", failures_noted},
    {"returns_null", "decreasing", returns_null},
    {"runs_concurrently", "decreasing", runs_concurrently},
    {"no_leaks", "decreasing", no_leaks},
    {"no_failures_is_null", "all_ok", no_failures_is_null},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
