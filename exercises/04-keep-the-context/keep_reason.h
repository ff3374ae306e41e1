/*
 * keep_reason.h -- exercise 04-keep-the-context/keep_reason: the record
 * keep_reason fills and the contracts of keep_reason and
 * send_record_free, shared by your file and the lab's checks.  Do not
 * change it; write both functions in keep_reason.c.
 */
#ifndef KEEP_REASON_H
#define KEEP_REASON_H

#include <stdbool.h>

#include <tg.h>

/* One send, recorded so that it can be acted on later. */
struct send_record {
    bool ok;         /* the tag: true when the email was sent */
    char *to;        /* the record's own copy of the address */
    char *receipt;   /* when ok: the receipt; else NULL */
    tg_error *error; /* when !ok: the error the send failed with; else NULL */
};

/*
 * Sends one email to `to` (send_email, in world.h).
 *
 * When the send worked, or failed with an EmailError (BounceError
 * included), fills every field of *out and returns NULL.  The record
 * stays valid after keep_reason returns and until send_record_free:
 * out->to is the record's own copy of the address (the caller reuses its
 * buffer for the next one), and on failure out->error is the very error
 * send_email gave -- its type, its message, everything it says.
 *
 * Any other error (a bug, a cancellation) is returned, the caller owns
 * it, and *out is left as it was.
 */
tg_error *keep_reason(const char *to, struct send_record *out);

/* Releases everything a record filled by keep_reason owns. */
void send_record_free(struct send_record *r);

#endif /* KEEP_REASON_H */
