/*
 * nap_together.scenario.h -- the inputs of nap_together's scenarios,
 * shared by its probe and its checks.  Only inputs live here.
 */
#ifndef NAP_TOGETHER_SCENARIO_H
#define NAP_TOGETHER_SCENARIO_H

/* naps and cancel: nap_together(30, 50). */
#define NAP_A 30
#define NAP_B 50
/* longer_first: nap_together(70, 20). */
#define NAP_LONG 70
#define NAP_SHORT 20
/* cancel: the probe cancels nap_together's task at 20 ms. */
#define NAP_CANCEL_MS 20

#endif /* NAP_TOGETHER_SCENARIO_H */
