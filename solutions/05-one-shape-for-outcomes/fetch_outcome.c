/*
 * 05-one-shape-for-outcomes/fetch_outcome -- solution.
 *
 * Why it works: both paths that fill *out write one compound literal, so
 * every field is set at once and the ones that do not apply to the status
 * are NULL, whatever *out held before.  The paths that return an error
 * (a bug, a cancellation) return before touching *out.  Because unused
 * fields are always NULL, fetch_outcome_clear can free all three for
 * either status (free(NULL) and tg_error_unref(NULL) do nothing), and it
 * leaves zeros behind so that nothing is freed twice.
 */
#include <stdlib.h>

#include "fetch_outcome.h"
#include "world.h"

static bool expected_failure(const tg_error *err)
{
    return tg_error_is(err, &HTTPError) ||
           tg_error_is(err, &TG_ConnectionError) ||
           tg_error_is(err, &TG_TimeoutError);
}

tg_error *safe_fetch(const char *url, struct fetch_outcome *out)
{
    tg_error *err = NULL;
    char *body = fetch_url(url, &err);
    if (err != NULL && !expected_failure(err))
        return err; /* a bug or a cancellation: *out untouched */
    *out = (struct fetch_outcome){
        .status = err == NULL ? FETCH_OK : FETCH_FAILED,
        .body = body, /* NULL when it failed */
        .error = err, /* NULL when it worked */
        .url = copy_str(url),
    };
    return NULL;
}

void fetch_outcome_clear(struct fetch_outcome *o)
{
    free(o->body);
    tg_error_unref(o->error);
    free(o->url);
    *o = (struct fetch_outcome){0};
}
