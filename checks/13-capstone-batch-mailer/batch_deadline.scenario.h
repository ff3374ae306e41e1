/*
 * batch_deadline.scenario.h -- the inputs of batch_deadline's scenarios,
 * shared by its probe (which sets them up) and its checks (which know
 * what they mean).  Only inputs live here.
 */
#ifndef BATCH_DEADLINE_SCENARIO_H
#define BATCH_DEADLINE_SCENARIO_H

#define BD_N 10

static const char *const BD_TO[BD_N] = {
    "ada@example.com", "ben@example.com", "cal@example.com", "dee@example.com",
    "eli@example.com", "fox@example.com", "gil@example.com", "hugo@example.com",
    "ivy@example.com", "jay@example.com",
};

/* Every scenario: limit 2, 3 attempts, 200 ms per attempt, backoff 50 ms
 * up to 1000 ms; a send takes 100 ms unless said otherwise. */
#define BD_LIMIT 2
#define BD_MAX_ATTEMPTS 3
#define BD_ATTEMPT_MS 200
#define BD_BASE_MS 50
#define BD_CAP_MS 1000
#define BD_SEND_MS 100

/* deadline: 10 addresses, the batch stops at 250 ms.  ben bounces after
 * 30 ms; dee's first send is reset after 40 ms (the second would work).
 * By 250 ms ada, cal, eli and fox are sent and ben has failed; gil and
 * hugo are being sent, dee waits to retry, ivy and jay wait for a slot. */
#define BD_DEADLINE_MS 250
#define BD_BOUNCE 1
#define BD_BOUNCE_MS 30
#define BD_RESET 3
#define BD_RESET_MS 40

/* outside_cancel: the deadline plan, and the probe cancels mail_batch_by
 * at 150 ms, before its deadline. */
#define BD_CANCEL_MS 150

/* bug: the deadline plan, but cal's send raises a TypeError (an injected
 * bug) after 50 ms. */
#define BD_BUG 2
#define BD_BUG_MS 50

/* early: the first 4 addresses, 40 ms each, and a deadline far away: the
 * batch is done at 80 ms.  The probe then sleeps past the deadline. */
#define BD_EARLY_N 4
#define BD_EARLY_MS 40
#define BD_FAR_DEADLINE_MS 10000
#define BD_LATER_MS 100

#endif /* BATCH_DEADLINE_SCENARIO_H */
