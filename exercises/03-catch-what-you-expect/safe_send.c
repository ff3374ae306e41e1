/*
 * 03-catch-what-you-expect/safe_send -- record the failures a send is
 * expected to have, and let bugs and cancellations through.  (Lesson 03:
 * catch only what you expect.)
 *
 * As written, safe_send is the lesson's too-broad catch: `if (err)` in
 * disguise.  Whatever send_email says -- a bounce, a bug in the caller, a
 * request to stop -- ends up recorded as "this email failed", and nothing
 * ever propagates (run `lab check` to see it).
 *
 * The record and safe_send's contract are in safe_send.h; send_email,
 * EmailError and BounceError are in world.h; tg_error_is and
 * TG_MATCH_TYPES are in tg.h.
 */
#include "safe_send.h"
#include "world.h"

tg_error *safe_send(const char *to, struct send_slot *out)
{
    tg_error *err = NULL;
    char *receipt = send_email(to, &err);

    /* TODO: every error is recorded here -- a bounce, but also a bug and
     * a cancellation.  Which errors is a send expected to have? */
    out->to = to;
    out->ok = err == NULL;
    out->receipt = receipt;
    out->error = err;
    return NULL; /* TODO: nothing ever propagates */
}
