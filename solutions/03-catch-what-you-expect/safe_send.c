/*
 * 03-catch-what-you-expect/safe_send -- solution.
 *
 * Why it works: in C every error lands in our hands, so catching is the
 * default and propagating is the decision we must make.  The expected
 * failures of a send are named, by type -- EmailError (which covers
 * BounceError), TimeoutError, ConnectionError -- and only those are
 * recorded.  Anything else is a bug or a cancellation: it goes back to
 * the caller as it is, with the reference send_email gave us, before
 * *out is touched.  A test for TG_Exception would not do: it lets
 * cancellations through (CancelledError is a BaseException) but still
 * swallows every bug.
 */
#include "safe_send.h"
#include "world.h"

static bool is_expected(const tg_error *e)
{
    tg_match m = TG_MATCH_TYPES(&EmailError, &TG_TimeoutError,
                                &TG_ConnectionError);
    return tg_match_test(m, e);
}

tg_error *safe_send(const char *to, struct send_slot *out)
{
    tg_error *err = NULL;
    char *receipt = send_email(to, &err);
    if (err != NULL && !is_expected(err))
        return err; /* a bug or a cancellation: the caller owns it now */
    out->to = to;
    out->ok = err == NULL;
    out->receipt = receipt; /* NULL when it failed */
    out->error = err;       /* NULL when it worked */
    return NULL;
}
