/*
 * count_sent.scenario.h -- the inputs of count_sent's scenarios, shared
 * by its probe (which sets them up) and its checks.  Only inputs live
 * here.
 */
#ifndef COUNT_SENT_SCENARIO_H
#define COUNT_SENT_SCENARIO_H

#define CS_N 8

static const char *const CS_TO[CS_N] = {
    "ann@example.com", "bob@example.com", "cy@example.com",
    "dan@example.com", "eve@example.com", "fay@example.com",
    "gus@example.com", "hal@example.com",
};

/* three_fail: every send takes 40 to 80 ms (seeded jitter), except that
 * bob and eve bounce after 20 ms and gus's fails after 30 ms with a plain
 * EmailError whose message reads like a receipt. */
#define CS_LATENCY 40
#define CS_JITTER 40
#define CS_BOUNCE_A 1
#define CS_BOUNCE_B 4
#define CS_BOUNCE_MS 20
#define CS_FULL 6
#define CS_FULL_MS 30
#define CS_FULL_MESSAGE "mailbox full: gus@example.com"
/* bug: 60 ms each; bob bounces at 20 ms, cy's send raises a TypeError (an
 * injected bug) at 30 ms. */
#define CS_SLOW 60
#define CS_BUG 2
#define CS_BUG_MS 30
/* cancel: 60 ms each, the probe cancels send_tagged's task at 30 ms. */
#define CS_CANCEL_MS 30

#endif /* COUNT_SENT_SCENARIO_H */
