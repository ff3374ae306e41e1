/*
 * fetch_outcome.h -- exercise 05-one-shape-for-outcomes/fetch_outcome: the
 * fetch outcome record (the one lesson 08 uses) and the contract of
 * safe_fetch and fetch_outcome_clear, shared by your file and the lab's
 * checks.  Do not change it; write both functions in fetch_outcome.c.
 */
#ifndef FETCH_OUTCOME_H
#define FETCH_OUTCOME_H

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
 * Fetches url.  When the fetch works, or fails the way a fetch can be
 * expected to fail (an HTTPError, a TG_ConnectionError or a
 * TG_TimeoutError), sets every field of *out and returns NULL.  Anything
 * else (a bug, a cancellation) is returned, and the caller owns it; *out
 * is then left exactly as it was, not one byte written.
 *
 * *out may hold anything before the call (old values, garbage): a
 * successful call sets every field.
 */
tg_error *safe_fetch(const char *url, struct fetch_outcome *out);

/* Frees everything o holds, whatever its status, and leaves *o all zero.
 * Safe on an outcome that is already all zero. */
void fetch_outcome_clear(struct fetch_outcome *o);

#endif /* FETCH_OUTCOME_H */
