/*
 * fetch_all.scenario.h -- the inputs of fetch_all's scenarios, shared by
 * its probe (which sets them up) and its checks.  Only inputs live here.
 */
#ifndef FETCH_ALL_SCENARIO_H
#define FETCH_ALL_SCENARIO_H

#define FA_N 4

/* fast_failure, bug, cancel: a answers in 10 ms, b fails with a 404 after
 * 20 ms, c answers in 100 ms and d in 150 ms.  bug: c raises a TypeError
 * (an injected bug) after 60 ms instead.  cancel: the probe cancels
 * fetch_all's task at 50 ms. */
static const char *const FA_URL[FA_N] = {
    "https://example.com/a",
    "https://example.com/b",
    "https://example.com/c",
    "https://example.com/d",
};
static const unsigned FA_MS[FA_N] = {10, 20, 100, 150};
#define FA_FAILED 1
#define FA_BUG 2
#define FA_BUG_MS 60
#define FA_CANCEL_MS 50

/* reverse: the first URL is the slowest and the last the fastest (120,
 * 90, 60, 30 ms); the first one's connection is reset at 120 ms. */
static const char *const FA_REV_URL[FA_N] = {
    "https://example.com/w",
    "https://example.com/x",
    "https://example.com/y",
    "https://example.com/z",
};
static const unsigned FA_REV_MS[FA_N] = {120, 90, 60, 30};
#define FA_REV_FAILED 0

#endif /* FETCH_ALL_SCENARIO_H */
