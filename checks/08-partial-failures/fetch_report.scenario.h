/*
 * fetch_report.scenario.h -- the inputs of fetch_report's scenarios,
 * shared by its probe (which sets them up) and its checks.  Only inputs
 * live here.
 */
#ifndef FETCH_REPORT_SCENARIO_H
#define FETCH_REPORT_SCENARIO_H

#define FR_N 5

/* decreasing: the later the URL, the sooner its fetch ends (150, 120,
 * 90, 60 and 30 ms); p1 fails with a 404 and p3's connection is reset.
 * all_ok: the first 3 URLs, same latencies, no failure.
 * bug: p1 fails with a 404 (at 120 ms) and p2 raises a TypeError (an
 * injected bug) at 90 ms.  cancel: the probe cancels fetch_report's task
 * at 70 ms; by then p4 has delivered and p3 has failed. */
static const char *const FR_URL[FR_N] = {
    "https://example.com/p0", "https://example.com/p1",
    "https://example.com/p2", "https://example.com/p3",
    "https://example.com/p4",
};
static const unsigned FR_MS[FR_N] = {150, 120, 90, 60, 30};
#define FR_404 1
#define FR_RESET 3
#define FR_ALL_OK_N 3
#define FR_BUG 2
#define FR_CANCEL_MS 70

#endif /* FETCH_REPORT_SCENARIO_H */
