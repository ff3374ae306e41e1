/*
 * 11-retries-with-backoff/backoff_delay -- a capped exponential backoff
 * with jitter.  (Lesson 11: retries with backoff and jitter.)
 *
 * As written, the delay doubles with every attempt and never stops
 * growing; and in C, base_ms << attempt is undefined once attempt reaches
 * 64, and silently wraps around well before that -- to 0 for some
 * attempts, which means "retry at once, at full speed".  Run `lab check`
 * to see both.  Make the delay stop at cap_ms, for every attempt.
 *
 * The contract is in backoff_delay.h; tg_random_below is in tg.h.
 */
#include "backoff_delay.h"

uint64_t backoff_delay(unsigned attempt, uint64_t base_ms, uint64_t cap_ms)
{
    (void)cap_ms; /* TODO: nothing keeps the delay under the cap */

    /* TODO: once attempt is large enough, this shift overflows (and from
     * 64 on it is undefined behaviour). */
    return (base_ms << attempt) + tg_random_below(base_ms);
}
