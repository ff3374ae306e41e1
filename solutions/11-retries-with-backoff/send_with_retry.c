/*
 * 11-retries-with-backoff/send_with_retry -- solution.
 *
 * Why it works: the error is classified before anything else, so only a
 * ConnectionError or a TimeoutError -- the failures a later attempt may
 * not repeat -- ever reaches the wait; a bounce, a bug or a cancellation
 * goes back to the caller at once, unchanged.  The wait is a suspension
 * point too: a CancelledError from it is returned, never dropped, so a
 * request to stop stops the loop.  The waits grow exponentially up to the
 * cap (the shift is guarded, so it cannot overflow) with one seeded
 * jitter draw each.  Giving up returns the last attempt's own error, with
 * a note saying how hard we tried.
 */
#include "send_with_retry.h"
#include "world.h"

static bool is_transient(const tg_error *e)
{
    return tg_error_is(e, &TG_ConnectionError) ||
           tg_error_is(e, &TG_TimeoutError);
}

/* min(cap, base << attempt) + jitter in [0, base). */
static uint64_t backoff_ms(unsigned attempt, uint64_t base, uint64_t cap)
{
    uint64_t d = cap;
    if (attempt < 64 && base <= (cap >> attempt))
        d = base << attempt;
    return d + tg_random_below(base);
}

tg_error *send_with_retry(const char *to, const struct retry_policy *p,
                          char **receipt)
{
    for (unsigned attempt = 0;; attempt++) {
        tg_error *err = NULL;
        *receipt = send_email(to, &err);
        if (err == NULL)
            return NULL;
        if (!is_transient(err))
            return err; /* bounce, bug, cancellation: not ours to retry */
        if (attempt + 1 >= p->max_attempts) {
            tg_error_add_note(err, "gave up after %u attempts",
                              p->max_attempts);
            return err;
        }
        tg_error_unref(err); /* this attempt's error is spent */
        tg_error *stop = tg_sleep(backoff_ms(attempt, p->base_ms, p->cap_ms));
        if (stop != NULL)
            return stop; /* cancelled while waiting */
    }
}
