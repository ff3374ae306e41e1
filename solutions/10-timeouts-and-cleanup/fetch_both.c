/*
 * 10-timeouts-and-cleanup/fetch_both -- solution.
 *
 * Why it works: a cancellation is an ordinary return value, so it takes
 * the same way out as a failed fetch -- and every way out goes through one
 * exit label that frees both pages (free(NULL) does nothing, so it does
 * not matter how far we got).  The error itself is handed up, unreleased
 * and unchanged: a 404, a bug or a CancelledError is the caller's to
 * decide about.  *joined is set only once there is a whole result.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch_both.h"
#include "world.h"

tg_error *fetch_both(const char *a, const char *b, char **joined)
{
    tg_error *err = NULL;
    char *body_a = NULL, *body_b = NULL;
    *joined = NULL;
    body_a = fetch_url(a, &err);
    if (err != NULL)
        goto out;                /* b is not fetched */
    body_b = fetch_url(b, &err); /* failed or cancelled: body_a is ours */
    if (err != NULL)
        goto out;

    size_t la = strlen(body_a), lb = strlen(body_b);
    char *both = malloc(la + lb + 1);
    if (both == NULL) {
        err = tg_error_new(&TG_MemoryError, "out of memory");
        goto out;
    }
    memcpy(both, body_a, la);
    memcpy(both + la, body_b, lb + 1);
    *joined = both;
out:
    free(body_a);
    free(body_b);
    return err; /* NULL, or the error, for the caller to own */
}
