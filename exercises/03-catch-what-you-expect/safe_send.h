/*
 * safe_send.h -- exercise 03-catch-what-you-expect/safe_send: the record
 * safe_send fills and its contract, shared by your file and the lab's
 * checks.  Do not change it; write safe_send in safe_send.c.
 */
#ifndef SAFE_SEND_H
#define SAFE_SEND_H

#include <stdbool.h>

#include <tg.h>

/* One send's outcome: the tagged record of lesson 02. */
struct send_slot {
    const char *to;  /* the input this result belongs to (borrowed) */
    bool ok;         /* the tag: true when the email was sent */
    char *receipt;   /* when ok: the receipt (the caller frees it); else NULL */
    tg_error *error; /* when !ok: why the send failed (the caller unrefs it);
                        else NULL */
};

/*
 * Sends one email to `to` (send_email, in world.h).
 *
 * When the send worked, or failed in a way a send is expected to fail --
 * an EmailError (BounceError included), a TG_TimeoutError or a
 * TG_ConnectionError -- fills every field of *out (out->to = to) and
 * returns NULL.
 *
 * Any other error is not a failed send: a bug (a TypeError, say) or a
 * cancellation.  Then safe_send returns that error -- the very object
 * send_email gave it, which the caller now owns -- and leaves *out exactly
 * as it was, every byte.
 */
tg_error *safe_send(const char *to, struct send_slot *out);

#endif /* SAFE_SEND_H */
