/*
 * send_with_retry.h -- exercise 11-retries-with-backoff/send_with_retry:
 * the retry policy and the contract of send_with_retry, shared by your
 * file and the lab's checks.  Do not change it; write send_with_retry in
 * send_with_retry.c.
 */
#ifndef SEND_WITH_RETRY_H
#define SEND_WITH_RETRY_H

#include <stdint.h>

#include <tg.h>

struct retry_policy {
    unsigned max_attempts; /* sends in all, the first one included (>= 1) */
    uint64_t base_ms;      /* backoff: the first wait, and the jitter's */
                           /* range (> 0) */
    uint64_t cap_ms;       /* the longest wait, jitter aside (>= base_ms) */
};

/*
 * Sends an email to `to`, retrying transient failures.
 *
 * TG_ConnectionError and TG_TimeoutError are transient: after failed
 * attempt k (the first attempt is 0), wait
 *     min(cap_ms, base_ms * 2^k) + tg_random_below(base_ms)
 * ms -- one draw from the run's generator per wait -- and try again, up to
 * p->max_attempts sends in all.
 *
 * Returns NULL and sets *receipt (the caller frees it) as soon as a send
 * works.  Otherwise sets *receipt to NULL and returns an error, which the
 * caller owns:
 *   - any error that is not transient, at once and unchanged: a
 *     BounceError (that mailbox does not exist), a bug, a CancelledError
 *     (from a send, or from a wait between two attempts);
 *   - after the last attempt, that attempt's own error, with the note
 *     "gave up after <n> attempts".
 * Errors of earlier attempts are released.
 */
tg_error *send_with_retry(const char *to, const struct retry_policy *p,
                          char **receipt);

#endif /* SEND_WITH_RETRY_H */
