/*
 * 11-retries-with-backoff/send_with_retry -- retry transient failures
 * only, back off between attempts, and stop when cancelled.  (Lesson 11:
 * retries with backoff and jitter.)
 *
 * As written, this is the stubborn loop from the lesson: it retries every
 * error -- a missing mailbox, a bug, even a request to stop -- at a fixed
 * pace, throws away the cancellation its sleep reports, and when it gives
 * up it replaces the real reason with a vague EmailError.  Run `lab check`
 * to see each of these; then retry only what is worth retrying.
 *
 * The policy and the contract are in send_with_retry.h; send_email and
 * EmailError are in world.h; tg_sleep and tg_random_below are in tg.h.
 */
#include "send_with_retry.h"
#include "world.h"

tg_error *send_with_retry(const char *to, const struct retry_policy *p,
                          char **receipt)
{
    for (unsigned i = 0; i < p->max_attempts; i++) {
        tg_error *err = NULL;
        *receipt = send_email(to, &err);
        if (err == NULL)
            return NULL;
        /* TODO: a bounce? a bug? a cancellation? Retried all the same. */
        tg_error_unref(err);
        /* TODO: always 100 ms, and if the sleep is cancelled, the loop
         * never hears of it. */
        tg_error_unref(tg_sleep(100));
    }
    /* TODO: the real reason for the failure is gone. */
    return tg_error_new(&EmailError, "could not send to %s", to);
}
