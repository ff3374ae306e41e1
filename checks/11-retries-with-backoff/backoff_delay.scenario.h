/*
 * backoff_delay.scenario.h -- the inputs of backoff_delay's scenarios,
 * shared by its probe (which calls backoff_delay with them) and its
 * checks (which know what the delays should be).  Only inputs live here.
 */
#ifndef BACKOFF_DELAY_SCENARIO_H
#define BACKOFF_DELAY_SCENARIO_H

#include <limits.h>

/* doubling: base 100 ms, cap 5000 ms, attempts 0 to 6. */
#define BD_DOUBLING_BASE 100
#define BD_DOUBLING_CAP 5000
#define BD_DOUBLING_N 7

/* capped: base 300 ms, cap 1000 ms (not a power-of-two multiple of the
 * base), attempts 0 to 5. */
#define BD_CAPPED_BASE 300
#define BD_CAPPED_CAP 1000
#define BD_CAPPED_N 6

/* huge: base 100 ms, cap 5000 ms, and attempts where a plain shift
 * overflows: wraps to 0 (62, 63), is undefined (64 and up). */
#define BD_HUGE_BASE 100
#define BD_HUGE_CAP 5000
#define BD_HUGE_N 9
static const unsigned BD_HUGE_ATTEMPTS[BD_HUGE_N] = {
    40, 57, 58, 62, 63, 64, 65, 1000, UINT_MAX,
};

#endif /* BACKOFF_DELAY_SCENARIO_H */
