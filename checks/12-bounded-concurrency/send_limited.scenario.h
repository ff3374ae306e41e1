/*
 * send_limited.scenario.h -- the inputs of send_limited's scenarios,
 * shared by its probe (which sets them up) and its checks (which know
 * what they mean).  Only inputs live here.
 */
#ifndef SEND_LIMITED_SCENARIO_H
#define SEND_LIMITED_SCENARIO_H

#include <stdbool.h>

#define SL_N 12

static const char *const SL_TO[SL_N] = {
    "ann@example.com", "bob@example.com", "cy@example.com",  "dan@example.com",
    "eve@example.com", "fay@example.com", "gus@example.com", "hal@example.com",
    "ida@example.com", "joe@example.com", "kim@example.com", "lou@example.com",
};

/* four_bounce: 12 addresses, limit 3; a send takes 40 ms, and bob, cy,
 * fay and joe bounce after 20 ms. */
#define SL_LIMIT 3
#define SL_SEND_MS 40
#define SL_BOUNCE_MS 20

static inline bool sl_bounces(int i)
{
    return i == 1 || i == 2 || i == 5 || i == 9;
}

/* bug: the first 8 addresses, limit 2; dan's send raises a TypeError (an
 * injected bug) after 20 ms. */
#define SL_BUG_N 8
#define SL_BUG_LIMIT 2
#define SL_BUG 3
#define SL_BUG_MS 20

/* cancel: 12 addresses, limit 3, 40 ms each; the probe cancels
 * send_limited's task at 60 ms, when 3 sends are in flight and 6 tasks
 * wait for a permit. */
#define SL_CANCEL_MS 60

#endif /* SEND_LIMITED_SCENARIO_H */
