/*
 * explain_charge.scenario.h -- the inputs of explain_charge's scenarios,
 * shared by its probe (which sets them up) and its checks.  Only inputs
 * live here.  Every scenario charges one order, EC_ID, on card EC_CARD
 * for EC_CENTS.
 */
#ifndef EXPLAIN_CHARGE_SCENARIO_H
#define EXPLAIN_CHARGE_SCENARIO_H

#define EC_ID 42
#define EC_CARD "4000-0000-0000-0002"
#define EC_CENTS 1999L

/* paid: charged after 30 ms.  declined: a PaymentDeclined after 30 ms.
 * reset: a ConnectionError after 20 ms.  bug: a TypeError (an injected
 * bug) after 20 ms.  cancel: a 50 ms charge; the probe cancels
 * charge_order's task at 10 ms. */
#define EC_OK_MS 30
#define EC_DECLINED_MS 30
#define EC_RESET_MS 20
#define EC_BUG_MS 20
#define EC_SLOW_MS 50
#define EC_CANCEL_MS 10

#endif /* EXPLAIN_CHARGE_SCENARIO_H */
