/*
 * fetch_outcome.scenario.h -- the inputs of fetch_outcome's scenarios,
 * shared by its probe (which sets them up) and its checks.  Only inputs
 * live here.
 *
 * Before every call the probe fills the whole outcome with 0xA5 bytes:
 * a field the call does not set still reads 0xA5A5... afterwards.
 */
#ifndef FETCH_OUTCOME_SCENARIO_H
#define FETCH_OUTCOME_SCENARIO_H

#define FO_STALE_BYTE 0xA5

/* ok: one fetch that works after 30 ms. */
#define FO_OK_URL "https://example.com/news"

/* failures: three fetches, each failing after 20 ms: a 404, a reset
 * connection and a server that did not answer. */
#define FO_FAIL_N 3
static const char *const FO_FAIL_URL[FO_FAIL_N] = {
    "https://example.com/gone",
    "https://example.com/flaky",
    "https://example.com/slow",
};
static const char *const FO_FAIL_TYPE[FO_FAIL_N] = {
    "HTTPError",
    "ConnectionError",
    "TimeoutError",
};

/* bug: the fetch raises a TypeError (an injected bug) after 20 ms. */
#define FO_BUG_URL "https://example.com/buggy"
/* cancel: a 50 ms fetch whose caller is cancelled at 10 ms. */
#define FO_CANCEL_URL "https://example.com/big"
#define FO_CANCEL_MS 10

/* clear: outcomes the probe builds itself. */
#define FO_CLEAR_OK_URL "https://example.com/a"
#define FO_CLEAR_FAILED_URL "https://example.com/b"

#endif /* FETCH_OUTCOME_SCENARIO_H */
