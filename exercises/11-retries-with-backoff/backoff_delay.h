/*
 * backoff_delay.h -- exercise 11-retries-with-backoff/backoff_delay: the
 * contract of backoff_delay, shared by your file and the lab's checks.  Do
 * not change it; write backoff_delay in backoff_delay.c.
 */
#ifndef BACKOFF_DELAY_H
#define BACKOFF_DELAY_H

#include <stdint.h>

#include <tg.h>

/*
 * How long to wait, in ms, after failed attempt number `attempt` (the
 * first attempt is 0) before trying again:
 *
 *     min(cap_ms, base_ms * 2^attempt) + jitter
 *
 * where jitter = tg_random_below(base_ms), exactly one draw from the
 * run's seeded generator per call (so the same seed gives the same
 * delays).  Right for every attempt from 0 to UINT_MAX: nothing may
 * overflow.  base_ms > 0 and base_ms <= cap_ms.  Called from a task.
 */
uint64_t backoff_delay(unsigned attempt, uint64_t base_ms, uint64_t cap_ms);

#endif /* BACKOFF_DELAY_H */
