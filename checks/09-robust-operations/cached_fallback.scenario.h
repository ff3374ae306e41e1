/*
 * cached_fallback.scenario.h -- the inputs of cached_fallback's
 * scenarios, shared by its probe (which sets them up) and its checks.
 * Only inputs live here.
 *
 * The profile service answers in 30 ms and fails after 20 ms; the cache
 * (db_get) answers in 10 ms.  One user per scenario:
 *   ok               ann    the fetch works.
 *   not_found        bob    404; the cache does hold a copy of bob.
 *   reset_hit        carol  connection reset; the cache holds carol.
 *   timeout_hit      dan    no answer (TimeoutError); the cache holds dan.
 *   reset_miss       erin   connection reset; no copy of erin.
 *   bug              finn   the fetch raises a TypeError (an injected bug).
 *   cancel           gina   a 50 ms fetch, cancelled at 20 ms; the cache
 *                           holds gina.
 *   cancel_in_cache  hugo   connection reset at 10 ms, then a 50 ms cache
 *                           read, cancelled at 30 ms; the cache holds hugo.
 */
#ifndef CACHED_FALLBACK_SCENARIO_H
#define CACHED_FALLBACK_SCENARIO_H

#define CF_URL_PREFIX "https://api.example/users/"
#define CF_KEY_PREFIX "cache:"
#define CF_CACHED_PREFIX "cached profile of "
#define CF_FETCH_MS 30
#define CF_FAIL_MS 20
#define CF_CACHE_MS 10
#define CF_CANCEL_MS 20
#define CF_CANCEL_IN_CACHE_MS 30

#endif /* CACHED_FALLBACK_SCENARIO_H */
