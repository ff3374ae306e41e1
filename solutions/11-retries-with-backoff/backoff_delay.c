/*
 * 11-retries-with-backoff/backoff_delay -- solution.
 *
 * Why it works: the shift happens only when its result provably fits
 * under the cap -- attempt < 64 keeps it defined, and base <= cap >>
 * attempt means base << attempt <= cap, so it cannot wrap.  Every other
 * attempt gets the cap itself.  The jitter is one draw from the run's
 * seeded generator, so the same seed gives the same delays, and the
 * spread in [0, base) breaks up clients that failed at the same moment.
 */
#include "backoff_delay.h"

uint64_t backoff_delay(unsigned attempt, uint64_t base_ms, uint64_t cap_ms)
{
    uint64_t d = cap_ms;
    if (attempt < 64 && base_ms <= (cap_ms >> attempt))
        d = base_ms << attempt; /* fits: no overflow */
    return d + tg_random_below(base_ms);
}
