/*
 * safe_fetch.h -- exercise 03-catch-what-you-expect/safe_fetch: the
 * record safe_fetch fills and its contract, shared by your file and the
 * lab's checks.  Do not change it; write safe_fetch in safe_fetch.c.
 */
#ifndef SAFE_FETCH_H
#define SAFE_FETCH_H

#include <stdbool.h>

#include <tg.h>

/* One fetch's outcome. */
struct fetch_slot {
    const char *url; /* the input this result belongs to (borrowed) */
    bool ok;         /* the tag: true when the page was fetched */
    char *body;      /* when ok: the page (the caller frees it); else NULL */
    tg_error *error; /* when !ok: why the fetch failed (the caller unrefs
                        it); else NULL */
};

/*
 * Fetches `url` (fetch_url, in world.h).
 *
 * When the fetch worked, or failed in a way a fetch is expected to fail
 * -- an HTTPError (the server said no), a TG_ConnectionError or a
 * TG_TimeoutError -- fills every field of *out (out->url = url) and
 * returns NULL.
 *
 * Any other error is not a failed fetch: a bug (a ValueError, a KeyError,
 * a TypeError ...) or a cancellation.  Then safe_fetch returns that error
 * -- the very object fetch_url gave it, which the caller now owns -- and
 * leaves *out exactly as it was, every byte.
 */
tg_error *safe_fetch(const char *url, struct fetch_slot *out);

#endif /* SAFE_FETCH_H */
