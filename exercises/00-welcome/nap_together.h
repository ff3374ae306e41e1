/*
 * nap_together.h -- exercise 00-welcome/nap_together: the contract of
 * nap_together, shared by your file and the lab's checks.  Do not change
 * it; write nap_together in nap_together.c.
 */
#ifndef NAP_TOGETHER_H
#define NAP_TOGETHER_H

#include <stdint.h>

#include <tg.h>

/*
 * Takes two naps at the same time: one task sleeps a_ms and another sleeps
 * b_ms, both in one task group.  Returns once both naps are over, so after
 * max(a_ms, b_ms) of (virtual) time, with what tg_group_wait returned:
 * NULL, or the error to propagate -- a CancelledError when nap_together
 * itself is cancelled -- which the caller owns.
 */
tg_error *nap_together(uint64_t a_ms, uint64_t b_ms);

#endif /* NAP_TOGETHER_H */
