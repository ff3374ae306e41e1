/*
 * fetch_within.h -- exercise 10-timeouts-and-cleanup/fetch_within: the
 * contract of fetch_within, shared by your file and the lab's checks.  Do
 * not change it; write fetch_within in fetch_within.c.
 */
#ifndef FETCH_WITHIN_H
#define FETCH_WITHIN_H

#include <stdint.h>

#include <tg.h>

/*
 * Fetches url, but waits at most ms milliseconds for it.
 *
 * When the fetch answers in time, sets *body to the page (the caller
 * frees it) and returns NULL, as soon as the fetch is done.  Otherwise
 * sets *body to NULL and returns the error, which the caller owns:
 *   - a TG_TimeoutError when ms passed first (its cause is the
 *     CancelledError that stopped the fetch), at exactly ms;
 *   - the fetch's own error, unchanged, when it failed in time;
 *   - a CancelledError when the caller itself was cancelled.
 * Nothing is left running or pending when it returns.
 */
tg_error *fetch_within(const char *url, uint64_t ms, char **body);

#endif /* FETCH_WITHIN_H */
