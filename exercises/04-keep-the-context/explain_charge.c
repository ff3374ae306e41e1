/*
 * 04-keep-the-context/explain_charge -- turn a declined payment into an
 * OrderError caused by it, and note the order on any other error.
 * (Lesson 04: keep the error's context.)
 *
 * As written, every failure -- a decline, a dropped connection, a bug, a
 * cancellation -- comes back as the same vague OrderError("payment
 * failed"), and the error that explains it is released on the spot (run
 * `lab check` to see what callers lose).
 *
 * The order and the contract are in explain_charge.h; charge_card,
 * PaymentDeclined and OrderError are in world.h; tg_error_from and
 * tg_error_add_note are in tg.h.
 */
#include "explain_charge.h"
#include "world.h"

tg_error *charge_order(const struct order *o, char **txn)
{
    tg_error *err = NULL;
    *txn = charge_card(o->card, o->cents, &err);
    if (err == NULL)
        return NULL; /* paid */

    /* TODO: every failure becomes the same vague error, and the one that
     * explains it is thrown away.  A decline should become an OrderError
     * *caused by* it; anything else should keep its type, with a note. */
    tg_error_unref(err);
    return tg_error_new(&OrderError, "payment failed");
}
