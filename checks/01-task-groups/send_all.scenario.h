/*
 * send_all.scenario.h -- the inputs of send_all's scenarios, shared by its
 * probe (which sets them up) and its checks (which know what they mean).
 * Only inputs live here: what the results should be is in the checks.
 */
#ifndef SEND_ALL_SCENARIO_H
#define SEND_ALL_SCENARIO_H

#define SEND_ALL_N 10

static const char *const SEND_ALL_TO[SEND_ALL_N] = {
    "ann@example.com", "bob@example.com", "cy@example.com",  "dan@example.com",
    "eve@example.com", "fay@example.com", "gus@example.com", "hal@example.com",
    "ida@example.com", "joe@example.com",
};

/* two_bounce, bug, cancel: every send takes 80 ms unless said otherwise. */
#define SEND_ALL_LATENCY 80
/* two_bounce: dan and hal bounce after 20 ms.  bug: dan bounces. */
#define SEND_ALL_BOUNCE_A 3
#define SEND_ALL_BOUNCE_B 7
#define SEND_ALL_BOUNCE_MS 20
/* bug: fay's send raises a TypeError (an injected bug) after 50 ms. */
#define SEND_ALL_BUG 5
#define SEND_ALL_BUG_MS 50
/* cancel: the probe cancels send_all's task at 40 ms. */
#define SEND_ALL_CANCEL_MS 40
/* mailbox_full: the first 4 addresses, 40 to 80 ms each (seeded jitter);
 * bob's fails after 30 ms with a plain EmailError. */
#define SEND_ALL_FULL_N 4
#define SEND_ALL_FULL 1
#define SEND_ALL_FULL_MS 30
#define SEND_ALL_FULL_MESSAGE "mailbox full: bob@example.com"

#endif /* SEND_ALL_SCENARIO_H */
