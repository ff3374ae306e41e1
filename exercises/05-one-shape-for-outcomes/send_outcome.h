/*
 * send_outcome.h -- exercise 05-one-shape-for-outcomes/send_outcome: the
 * outcome record of lesson 05 and the contract of send_batch and
 * send_outcome_clear, shared by your file and the lab's checks.  Do not
 * change it; write both functions in send_outcome.c.
 */
#ifndef SEND_OUTCOME_H
#define SEND_OUTCOME_H

#include <stddef.h>

#include <tg.h>

/* How one send went.  The status says which fields mean something; the
 * others are NULL. */
struct send_outcome {
    enum { SEND_OK, SEND_FAILED } status;
    char *receipt;   /* SEND_OK: the receipt (owned), else NULL */
    tg_error *error; /* SEND_FAILED: the error (a reference), else NULL */
    char *input;     /* always: the outcome's own copy of the address */
};

/*
 * Sends one email to each of the n addresses in to, all at once, and
 * waits for every send to end.  outs[i] gets the outcome of the send to
 * to[i]: SEND_OK and the receipt, or SEND_FAILED and the EmailError the
 * send failed with (BounceError is one); in both cases input is a copy of
 * to[i].  Returns NULL, or the error to propagate (anything that is not a
 * failed send: a bug, a cancellation), which the caller owns.
 *
 * The caller zeroes outs before the call and, afterwards, whatever
 * send_batch returned, calls send_outcome_clear on every one of them.
 */
tg_error *send_batch(const char *const *to, size_t n,
                     struct send_outcome *outs);

/* Frees everything o holds, whatever its status, and leaves *o all zero.
 * Safe on an outcome that is already all zero. */
void send_outcome_clear(struct send_outcome *o);

#endif /* SEND_OUTCOME_H */
