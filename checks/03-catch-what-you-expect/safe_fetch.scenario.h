/*
 * safe_fetch.scenario.h -- the inputs of safe_fetch's scenarios, shared by
 * its probe (which sets them up) and its checks.  Only inputs live here.
 * Each scenario makes one call, safe_fetch(SF_URL, &out), with out filled
 * with SF_PATTERN bytes beforehand.
 */
#ifndef SAFE_FETCH_SCENARIO_H
#define SAFE_FETCH_SCENARIO_H

#define SF_URL "https://example.com/news"
#define SF_PATTERN 0xA5

/* not_found: an HTTPError ("404 Not Found") after 20 ms.  reset: a
 * ConnectionError after 10 ms.  timeout: a TimeoutError after 30 ms.
 * success: the page after 40 ms.  value_bug, key_bug: a ValueError, a
 * KeyError (injected bugs) after 20 ms.  cancel: a 50 ms fetch, and the
 * probe cancels safe_fetch's task at 10 ms. */
#define SF_NOT_FOUND_MS 20
#define SF_RESET_MS 10
#define SF_TIMEOUT_MS 30
#define SF_OK_MS 40
#define SF_BUG_MS 20
#define SF_SLOW_MS 50
#define SF_CANCEL_MS 10

#endif /* SAFE_FETCH_SCENARIO_H */
