/*
 * fetch_pool.scenario.h -- the inputs of fetch_pool's scenarios, shared
 * by its probe (which sets them up) and its checks (which know what they
 * mean).  Only inputs live here.
 */
#ifndef FETCH_POOL_SCENARIO_H
#define FETCH_POOL_SCENARIO_H

#define FP_N 9

static const char *const FP_URLS[FP_N] = {
    "https://example.com/p/0", "https://example.com/p/1",
    "https://example.com/p/2", "https://example.com/p/3",
    "https://example.com/p/4", "https://example.com/p/5",
    "https://example.com/p/6", "https://example.com/p/7",
    "https://example.com/p/8",
};

/* one_slow and cancel: the first 6 URLs, limit 2; p/0 takes 100 ms, the
 * others 10 ms each.  cancel: the probe cancels fetch_pool at 25 ms. */
#define FP_SLOW_N 6
#define FP_SLOW_LIMIT 2
#define FP_SLOW_MS 100
#define FP_FAST_MS 10
#define FP_CANCEL_MS 25

/* mixed: 9 URLs, limit 3; every fetch takes 20 to 80 ms (seeded jitter);
 * p/2 is a 404, p/5 a reset connection, p/7 a server timeout. */
#define FP_MIXED_LIMIT 3
#define FP_MIXED_MS 20
#define FP_MIXED_JITTER 60
#define FP_404 2
#define FP_RESET 5
#define FP_TIMEOUT 7

/* bug: the first 6 URLs, limit 2; p/1 raises a TypeError (an injected
 * bug) after 10 ms, the others take 10 ms. */
#define FP_BUG 1

#endif /* FETCH_POOL_SCENARIO_H */
