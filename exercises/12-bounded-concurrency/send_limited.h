/*
 * send_limited.h -- exercise 12-bounded-concurrency/send_limited: the
 * outcome record (lesson 05) and the contract of send_limited, shared by
 * your file and the lab's checks.  Do not change it; write send_limited
 * in send_limited.c.
 */
#ifndef SEND_LIMITED_H
#define SEND_LIMITED_H

#include <stddef.h>

#include <tg.h>

struct send_outcome {
    enum { SEND_OK, SEND_FAILED } status;
    char *receipt;   /* SEND_OK: the receipt (owned), else NULL */
    tg_error *error; /* SEND_FAILED: the EmailError (a reference), else NULL */
    char *input;     /* always: our own copy of the address */
};

/*
 * Sends one email to each of to[0..n-1], never more than `limit` (>= 1)
 * at once, and waits until every send has ended.  outs[i], zeroed by the
 * caller, gets the outcome for to[i]: its receipt, or the EmailError its
 * send failed with.  A failed send never stops the others.
 *
 * Returns NULL, or the error to propagate -- a bug, a cancellation --
 * which the caller owns; then only the sends that had finished have an
 * outcome, and the other slots stay zero.  Nothing is left running or
 * waiting when it returns.  The caller frees every outcome's receipt,
 * error and input.
 */
tg_error *send_limited(const char *const *to, size_t n, unsigned limit,
                       struct send_outcome *outs);

#endif /* SEND_LIMITED_H */
