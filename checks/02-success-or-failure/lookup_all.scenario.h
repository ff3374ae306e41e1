/*
 * lookup_all.scenario.h -- the inputs of lookup_all's scenarios, shared
 * by its probe (which sets them up) and its checks.  Only inputs live
 * here.
 */
#ifndef LOOKUP_ALL_SCENARIO_H
#define LOOKUP_ALL_SCENARIO_H

#define LA_N 5

static const char *const LA_KEYS[LA_N] = {
    "nick:ann", "nick:bob", "nick:cy", "nick:dan", "nick:eve",
};

/* nicks: every lookup takes 20 to 40 ms (seeded jitter).  The database
 * holds nick:ann = "" and nick:bob = "bobby"; nick:cy is not there (a
 * KeyError); nick:dan's lookup fails with a ConnectionError at 45 ms and
 * nick:eve's with a TimeoutError at 50 ms. */
#define LA_ANN 0
#define LA_BOB 1
#define LA_CY 2
#define LA_DAN 3
#define LA_EVE 4
#define LA_ANN_VALUE ""
#define LA_BOB_VALUE "bobby"
#define LA_LATENCY 20
#define LA_JITTER 20
#define LA_RESET_MS 45
#define LA_TIMEOUT_MS 50
/* bug: as nicks, but nick:bob's lookup raises a TypeError (an injected
 * bug) at 30 ms. */
#define LA_BUG_MS 30
/* cancel: as nicks; the probe cancels lookup_all's task at 15 ms. */
#define LA_CANCEL_MS 15

#endif /* LOOKUP_ALL_SCENARIO_H */
