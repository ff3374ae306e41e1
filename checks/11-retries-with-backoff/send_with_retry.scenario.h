/*
 * send_with_retry.scenario.h -- the inputs of send_with_retry's
 * scenarios, shared by its probe (which sets them up) and its checks
 * (which know what they mean).  Only inputs live here.
 */
#ifndef SEND_WITH_RETRY_SCENARIO_H
#define SEND_WITH_RETRY_SCENARIO_H

#define SWR_TO "kim@example.com"
#define SWR_SEND_MS 10 /* every send answers after 10 ms unless said */

/* recovers, cancel_in_backoff, cancel_in_send, bounce, bug: at most 4
 * attempts, waits from 100 ms up to 5000 ms. */
#define SWR_MAX 4
#define SWR_BASE 100
#define SWR_CAP 5000

/* recovers: reset, reset, then delivered. */
#define SWR_RECOVER_AFTER 2

/* gives_up: at most 4 attempts, waits from 50 ms, capped at 120 ms; the
 * attempts fail with these errors, in this order. */
#define SWR_GU_MAX 4
#define SWR_GU_BASE 50
#define SWR_GU_CAP 120
#define SWR_GU_MSG_1 "connection reset (1st try)"
#define SWR_GU_MSG_2 "server did not answer (2nd try)" /* a TimeoutError */
#define SWR_GU_MSG_3 "connection reset (3rd try)"
#define SWR_GU_MSG_4 "connection reset (4th try)"

/* cancel_in_backoff: every send is reset; the probe cancels at 50 ms,
 * during the first wait. */
#define SWR_CANCEL_WAIT_MS 50
/* cancel_in_send: the send takes 100 ms; the probe cancels at 30 ms. */
#define SWR_SLOW_SEND_MS 100
#define SWR_CANCEL_SEND_MS 30

#endif /* SEND_WITH_RETRY_SCENARIO_H */
