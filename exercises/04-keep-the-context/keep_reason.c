/*
 * 04-keep-the-context/keep_reason -- record a failed send so that it can
 * be acted on later: which address, what went wrong, and why.  (Lesson
 * 04: keep the error's context.)
 *
 * As written, a failure record says only "failed": the error is released
 * on the spot.  And the address is the caller's own pointer, so when the
 * caller reuses its buffer for the next address, the record names that
 * one instead (run `lab check` to see both).
 *
 * The record and the contracts are in keep_reason.h; send_email,
 * copy_str and EmailError are in world.h.
 */
#include <stdlib.h>

#include "keep_reason.h"
#include "world.h"

tg_error *keep_reason(const char *to, struct send_record *out)
{
    tg_error *err = NULL;
    char *receipt = send_email(to, &err);
    if (err != NULL && !tg_error_is(err, &EmailError))
        return err; /* a bug or a cancellation: not a failed send */

    out->ok = err == NULL;
    out->to = (char *)to; /* TODO: the caller's buffer, not ours */
    out->receipt = receipt;
    out->error = NULL; /* TODO: which error?  why? */
    tg_error_unref(err);
    return NULL;
}

void send_record_free(struct send_record *r)
{
    /* TODO: is the receipt all that a record owns? */
    free(r->receipt);
    r->receipt = NULL;
}
