/*
 * keep_reason.scenario.h -- the inputs of keep_reason's scenarios, shared
 * by its probe (which sets them up) and its checks.  Only inputs live
 * here.  Each scenario calls keep_reason(buf, &out) with the address in
 * the probe's buffer buf and out filled with KR_PATTERN bytes; right
 * after the call, the probe writes KR_NEXT into buf, as a caller reading
 * addresses into one buffer does.
 */
#ifndef KEEP_REASON_SCENARIO_H
#define KEEP_REASON_SCENARIO_H

#define KR_PATTERN 0xA5
#define KR_NEXT "mallory@example.com"

/* bounce: bob's send bounces after 20 ms. */
#define KR_BOUNCE_TO "bob@example.com"
#define KR_BOUNCE_MS 20
/* success: ann's send is delivered after 30 ms. */
#define KR_OK_TO "ann@example.com"
#define KR_OK_MS 30
/* bug: cy's send raises a TypeError (an injected bug) after 20 ms. */
#define KR_BUG_TO "cy@example.com"
#define KR_BUG_MS 20
/* cancel: dan's send takes 50 ms; the probe cancels keep_reason's task
 * at 10 ms. */
#define KR_SLOW_TO "dan@example.com"
#define KR_SLOW_MS 50
#define KR_CANCEL_MS 10

#endif /* KEEP_REASON_SCENARIO_H */
