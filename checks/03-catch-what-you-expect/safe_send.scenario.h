/*
 * safe_send.scenario.h -- the inputs of safe_send's scenarios, shared by
 * its probe (which sets them up) and its checks.  Only inputs live here.
 * Each scenario makes one call, safe_send(SS_TO, &out), with out filled
 * with SS_PATTERN bytes beforehand.
 */
#ifndef SAFE_SEND_SCENARIO_H
#define SAFE_SEND_SCENARIO_H

#define SS_TO "bob@example.com"
#define SS_PATTERN 0xA5

/* bounce: a BounceError after 20 ms.  mailbox_full: a plain EmailError
 * after 20 ms.  timeout: a TimeoutError after 30 ms.  reset: a
 * ConnectionError after 10 ms.  success: delivered after 40 ms.  bug: a
 * TypeError (an injected bug) after 20 ms.  cancel: a 50 ms send, and the
 * probe cancels safe_send's task at 10 ms. */
#define SS_BOUNCE_MS 20
#define SS_FULL_MS 20
#define SS_FULL_MESSAGE "mailbox full: bob@example.com"
#define SS_TIMEOUT_MS 30
#define SS_RESET_MS 10
#define SS_OK_MS 40
#define SS_BUG_MS 20
#define SS_SLOW_MS 50
#define SS_CANCEL_MS 10

#endif /* SAFE_SEND_SCENARIO_H */
