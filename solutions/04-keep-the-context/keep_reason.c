/*
 * 04-keep-the-context/keep_reason -- solution.
 *
 * Why it works: the record keeps the error object itself, with the
 * reference send_email handed us, instead of a piece of it: the type,
 * the message, any notes and cause all stay available for as long as the
 * record lives.  The address is copied, because the caller's buffer is
 * the caller's, and may hold the next address by the time anyone reads
 * the record.  The record owns both, so send_record_free releases both.
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
    out->to = copy_str(to); /* our own copy of the input */
    out->receipt = receipt;  /* NULL when it failed */
    out->error = err;        /* our reference: the whole reason */
    return NULL;
}

void send_record_free(struct send_record *r)
{
    free(r->to);
    free(r->receipt);
    tg_error_unref(r->error);
    r->to = NULL;
    r->receipt = NULL;
    r->error = NULL;
}
