/*
 * 10-timeouts-and-cleanup/fetch_both -- fetch two pages and join them,
 * without leaking on the way out.  (Lesson 10: timeouts, and cleaning up
 * when cancelled.)
 *
 * As written, fetch_both works when both pages come back.  But the second
 * fetch can fail, and it can be cancelled -- a cancellation arrives as an
 * ordinary error, right there in fetch_url -- and on those paths the
 * first page is never freed.  Run `lab check` to see the leaks; then make
 * every way out release what the function holds.
 *
 * The contract is in fetch_both.h; fetch_url is in world.h.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch_both.h"
#include "world.h"

tg_error *fetch_both(const char *a, const char *b, char **joined)
{
    tg_error *err = NULL;
    *joined = NULL;
    char *body_a = fetch_url(a, &err);
    if (err != NULL)
        return err;
    char *body_b = fetch_url(b, &err); /* can fail, or be cancelled */
    if (err != NULL)
        return err; /* TODO: body_a is still ours here */

    size_t la = strlen(body_a), lb = strlen(body_b);
    char *both = malloc(la + lb + 1);
    if (both == NULL) {
        free(body_a);
        free(body_b);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    memcpy(both, body_a, la);
    memcpy(both + la, body_b, lb + 1);
    free(body_a);
    free(body_b);
    *joined = both;
    return NULL;
}
