/*
 * 03-catch-what-you-expect/safe_fetch -- narrow a fetch wrapper down to
 * the failures a fetch can have.  (Lesson 03: catch only what you
 * expect.)
 *
 * This wrapper already lets cancellations through: a CancelledError is
 * not an Exception.  But every bug is an Exception too, so a ValueError
 * or a KeyError from the code around the fetch is recorded as "this page
 * failed", and nobody ever sees it (run `lab check` to see it).
 *
 * The record and safe_fetch's contract are in safe_fetch.h; fetch_url
 * and HTTPError are in world.h; tg_error_is and TG_MATCH_TYPES are in
 * tg.h.
 */
#include "safe_fetch.h"
#include "world.h"

tg_error *safe_fetch(const char *url, struct fetch_slot *out)
{
    tg_error *err = NULL;
    char *body = fetch_url(url, &err);

    /* TODO: "every Exception is a failed fetch" -- bugs included. */
    if (err != NULL && !tg_error_is(err, &TG_Exception))
        return err; /* a cancellation: let it through */

    out->url = url;
    out->ok = err == NULL;
    out->body = body;
    out->error = err;
    return NULL;
}
