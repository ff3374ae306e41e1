/*
 * fetch_all.h -- exercise 08-partial-failures/fetch_all: the fetch outcome
 * record of lesson 08 and the contract of fetch_all, shared by your file
 * and the lab's checks.  Do not change it; write fetch_all in fetch_all.c.
 */
#ifndef FETCH_ALL_H
#define FETCH_ALL_H

#include <stddef.h>

#include <tg.h>

/* How one fetch went.  The status says which fields mean something; the
 * others are NULL. */
struct fetch_outcome {
    enum { FETCH_OK, FETCH_FAILED } status;
    char *body;      /* FETCH_OK: the page (owned), else NULL */
    tg_error *error; /* FETCH_FAILED: the error (a reference), else NULL */
    char *url;       /* always: the outcome's own copy of the URL */
};

/*
 * Fetches the n URLs all at once and waits for every fetch to end.
 * outs[i] gets the outcome of urls[i]: FETCH_OK and the page, or
 * FETCH_FAILED and the error, when the fetch failed the way a fetch can
 * be expected to fail (an HTTPError, a TG_ConnectionError or a
 * TG_TimeoutError); in both cases url is a copy of urls[i].  One failed
 * fetch does not stop the others.
 *
 * Returns NULL once every fetch has ended, or the error to propagate
 * (anything that is not an expected failure: a bug, a cancellation),
 * which the caller owns.  The caller zeroes outs before the call and,
 * whatever fetch_all returned, afterwards frees each outcome's body,
 * error and url.
 */
tg_error *fetch_all(const char *const *urls, size_t n,
                    struct fetch_outcome *outs);

#endif /* FETCH_ALL_H */
