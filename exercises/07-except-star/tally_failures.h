/*
 * tally_failures.h -- exercise 07-except-star/tally_failures: the tally
 * and the contract of tally_failures, shared by your file and the lab's
 * checks.  Do not change it; write tally_failures in tally_failures.c.
 */
#ifndef TALLY_FAILURES_H
#define TALLY_FAILURES_H

#include <stddef.h>

#include <tg.h>

struct tally {
    size_t bounces; /* BounceErrors handled */
    size_t dropped; /* TG_ConnectionErrors handled */
};

/*
 * Handles what a batch of sends raised, the way except* would: each
 * BounceError adds one to t->bounces and each TG_ConnectionError one to
 * t->dropped, wherever it sits in raised (at any depth), and both are
 * handled.  Every other error propagates, in raised's shape: the same
 * nesting, the groups' messages and notes, the very same error objects.
 *
 * Takes ownership of raised (an error group, or a single error; never
 * NULL).  Returns what propagates, which the caller owns, or NULL when
 * everything was handled.  The caller zeroes *t before the call.
 */
tg_error *tally_failures(tg_error *raised, struct tally *t);

#endif /* TALLY_FAILURES_H */
