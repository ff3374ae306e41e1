/*
 * fetch_within.scenario.h -- the inputs of fetch_within's scenarios,
 * shared by its probe (which sets them up) and its checks (which know
 * what they mean).  Only inputs live here.
 *
 * After fetch_within returns, every scenario sleeps on until FW_LATER_MS
 * past the limit, to see whether a timeout scope left open cancels the
 * caller later.
 */
#ifndef FETCH_WITHIN_SCENARIO_H
#define FETCH_WITHIN_SCENARIO_H

#define FW_URL "https://example.com/report"

/* fast: the page answers at 30 ms; the limit is 1000 ms. */
#define FW_FAST_MS 30
#define FW_FAST_LIMIT 1000
/* slow: the page would answer at 500 ms; the limit is 100 ms. */
#define FW_SLOW_MS 500
#define FW_SLOW_LIMIT 100
/* not_found: a 404 at 20 ms; the limit is 100 ms.  bug: a TypeError at
 * 20 ms, same limit. */
#define FW_ERROR_MS 20
#define FW_ERROR_LIMIT 100
/* outside_cancel: the slow page and limit, and the probe cancels
 * fetch_within's task at 50 ms. */
#define FW_CANCEL_MS 50

/* How long past the limit the probe keeps sleeping afterwards. */
#define FW_LATER_MS 100

#endif /* FETCH_WITHIN_SCENARIO_H */
