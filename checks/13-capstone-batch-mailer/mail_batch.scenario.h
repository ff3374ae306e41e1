/*
 * mail_batch.scenario.h -- the inputs of mail_batch's scenarios, shared
 * by its probe (which sets them up) and its checks (which know what they
 * mean).  Only inputs live here.
 */
#ifndef MAIL_BATCH_SCENARIO_H
#define MAIL_BATCH_SCENARIO_H

#define MB_N 20

static const char *const MB_TO[MB_N] = {
    "ada@example.com", "ben@example.com",  "cal@example.com",
    "dee@example.com", "eli@example.com",  "fox@example.com",
    "gil@example.com", "hugo@example.com", "ivy@example.com",
    "jay@example.com", "kai@example.com",  "lea@example.com",
    "max@example.com", "ned@example.com",  "oli@example.com",
    "pam@example.com", "quin@example.com", "rex@example.com",
    "sam@example.com", "tess@example.com",
};

/* batch: all 20 addresses with this configuration. */
#define MB_LIMIT 4
#define MB_MAX_ATTEMPTS 3
#define MB_ATTEMPT_MS 200
#define MB_BASE_MS 50
#define MB_CAP_MS 1000

/* A send takes 40 to 60 ms (seeded jitter) unless said otherwise. */
#define MB_SEND_MS 40
#define MB_SEND_JITTER 20

/* cal, jay and pam bounce after 20 ms. */
#define MB_BOUNCE_MS 20
static inline int mb_bounces(int i)
{
    return i == 2 || i == 9 || i == 15;
}
/* eli and lea: the first send is reset after 30 ms, the second works. */
#define MB_RESET_MS 30
static inline int mb_resets_once(int i)
{
    return i == 4 || i == 11;
}
/* ned: the first send gets a server timeout after 50 ms, the second
 * works. */
#define MB_SERVER_TIMEOUT 13
#define MB_SERVER_TIMEOUT_MS 50
/* rex: every send is reset after 30 ms. */
#define MB_ALWAYS_RESET 17
/* gil: the first send never answers; the second works. */
#define MB_HANG 6

/* slot_freed: ada and ben with limit 1; ada's first send is reset after
 * 10 ms, then works; ben's works after 10 ms. */
#define MB_SF_MS 10

/* bug: the first 8 addresses, limit 4, 40 ms each; dee's send raises a
 * TypeError (an injected bug) after 20 ms. */
#define MB_SMALL_N 8
#define MB_BUG 3
#define MB_BUG_MS 20

/* cancel: the first 8 addresses, limit 4, 40 ms each, ben's sends always
 * reset after 30 ms; the probe cancels mail_batch at 60 ms. */
#define MB_CANCEL_MS 60

#endif /* MAIL_BATCH_SCENARIO_H */
