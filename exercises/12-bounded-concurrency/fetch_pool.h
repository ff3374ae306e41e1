/*
 * fetch_pool.h -- exercise 12-bounded-concurrency/fetch_pool: the outcome
 * record (lesson 08) and the contract of fetch_pool, shared by your file
 * and the lab's checks.  Do not change it; write fetch_pool in
 * fetch_pool.c.
 */
#ifndef FETCH_POOL_H
#define FETCH_POOL_H

#include <stddef.h>

#include <tg.h>

struct fetch_outcome {
    enum { FETCH_OK, FETCH_FAILED } status;
    char *body;      /* FETCH_OK: owned, else NULL */
    tg_error *error; /* FETCH_FAILED: a reference, else NULL */
    char *url;       /* our own copy */
};

/*
 * Fetches urls[0..n-1], never more than `limit` (>= 1) at once, and waits
 * until every fetch has ended.  The fetches start in the order of urls,
 * each as soon as fewer than `limit` are running: one slow page must not
 * hold up the others.  outs[i], zeroed by the caller, gets the outcome
 * for urls[i]: its body, or the error it failed with (an HTTPError, a
 * TG_ConnectionError or a TG_TimeoutError).
 *
 * Returns NULL, or the error to propagate -- a bug, a cancellation --
 * which the caller owns; then only the fetches that had finished have an
 * outcome, and the other slots stay zero.  Nothing is left running or
 * waiting when it returns.  The caller frees every outcome's body, error
 * and url.
 */
tg_error *fetch_pool(const char *const *urls, size_t n, unsigned limit,
                     struct fetch_outcome *outs);

#endif /* FETCH_POOL_H */
