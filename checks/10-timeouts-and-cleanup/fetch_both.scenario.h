/*
 * fetch_both.scenario.h -- the inputs of fetch_both's scenarios, shared by
 * its probe (which sets them up) and its checks (which know what they
 * mean).  Only inputs live here.
 */
#ifndef FETCH_BOTH_SCENARIO_H
#define FETCH_BOTH_SCENARIO_H

#define FB_A "https://example.com/header.html"
#define FB_B "https://example.com/footer.html"

/* Unless a scenario says otherwise, a answers after 20 ms and b after
 * 30 ms. */
#define FB_A_MS 20
#define FB_B_MS 30
/* b_fails: b is a 404, after 30 ms.  b_bug: b raises a TypeError (an
 * injected bug) after 30 ms.  a_fails: a is a 404, after 20 ms. */
/* cancel_during_b: b takes 100 ms, and the probe cancels fetch_both's
 * task at 50 ms, while b is being fetched. */
#define FB_SLOW_B_MS 100
#define FB_CANCEL_MS 50

#endif /* FETCH_BOTH_SCENARIO_H */
