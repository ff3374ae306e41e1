/*
 * send_outcome.scenario.h -- the inputs of send_outcome's scenarios, shared
 * by its probe (which sets them up) and its checks (which know what they
 * mean).  Only inputs live here: what the results should be is in the
 * checks.
 */
#ifndef SEND_OUTCOME_SCENARIO_H
#define SEND_OUTCOME_SCENARIO_H

#define SO_N 6

static const char *const SO_TO[SO_N] = {
    "ann@example.com", "bob@example.com", "cy@example.com",
    "dan@example.com", "eve@example.com", "fay@example.com",
};

/* two_bounce, bug, cancel: every send takes 60 ms unless said otherwise. */
#define SO_LATENCY 60
/* two_bounce and bug: bob and eve bounce after 20 ms. */
#define SO_BOUNCE_A 1
#define SO_BOUNCE_B 4
#define SO_BOUNCE_MS 20
/* bug: dan's send raises a TypeError (an injected bug) after 30 ms. */
#define SO_BUG 3
#define SO_BUG_MS 30
/* cancel: the probe cancels send_batch's task at 30 ms. */
#define SO_CANCEL_MS 30

/* odd_receipts: the first 4 addresses; the server's receipts read
 * "queued as ..." (40 ms), and cy bounces (20 ms). */
#define SO_ODD_N 4
#define SO_ODD_BOUNCE 2
static const char *const SO_ODD_RECEIPT[SO_ODD_N] = {
    "queued as 4F2A",
    "queued as 77B0",
    NULL,
    "queued as 9C1D",
};

/* clear: the probe builds two outcomes itself, one of each status, and
 * hands them to send_outcome_clear. */
#define SO_CLEAR_RECEIPT "msg-41"
#define SO_CLEAR_OK_INPUT "gus@example.com"
#define SO_CLEAR_FAILED_INPUT "hal@example.com"

#endif /* SEND_OUTCOME_SCENARIO_H */
