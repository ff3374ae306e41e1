/*
 * 05-one-shape-for-outcomes/fetch_outcome -- fill every field of a fetch
 * outcome on every path, and free it with one function.  (Lesson 05: one
 * shape for every outcome.)
 *
 * safe_fetch fetches one URL and reports how it went in *out, which may
 * hold anything before the call.  As written, each path sets only the
 * fields it thinks of, so the others keep whatever was there before, and
 * fetch_outcome_clear frees only the body.  Make every path that fills
 * *out fill all of it, leave *out alone on the paths that return an
 * error, and make the clear function work for any outcome.
 *
 * The record and both contracts are in fetch_outcome.h; fetch_url,
 * HTTPError and copy_str are in world.h.
 */
#include <stdlib.h>

#include "fetch_outcome.h"
#include "world.h"

tg_error *safe_fetch(const char *url, struct fetch_outcome *out)
{
    tg_error *err = NULL;
    char *body = fetch_url(url, &err);
    if (err == NULL) {
        out->status = FETCH_OK;
        out->body = body;
        /* TODO: error and url still hold whatever *out held before. */
        return NULL;
    }
    if (tg_error_is(err, &HTTPError) || tg_error_is(err, &TG_ConnectionError) ||
        tg_error_is(err, &TG_TimeoutError)) {
        out->status = FETCH_FAILED;
        out->error = err;
        /* TODO: and here body and url do. */
        return NULL;
    }
    return err; /* a bug or a cancellation: *out is left alone */
}

void fetch_outcome_clear(struct fetch_outcome *o)
{
    free(o->body);
    /* TODO: the error and the url are never released, and *o keeps its
     * old pointers. */
}
