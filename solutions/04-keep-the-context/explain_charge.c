/*
 * 04-keep-the-context/explain_charge -- solution.
 *
 * Why it works: a decline is a failure our callers handle as ours, so it
 * becomes an OrderError -- with the PaymentDeclined attached as its cause
 * (tg_error_from takes over our reference), so nothing the bank said is
 * lost.  Any other error is not ours to translate: it goes up as the very
 * object we got, its type unchanged so that a caller testing for
 * ConnectionError (or a cancellation, or a bug) still sees one, with a
 * note saying which order we were charging.
 */
#include "explain_charge.h"
#include "world.h"

tg_error *charge_order(const struct order *o, char **txn)
{
    tg_error *err = NULL;
    *txn = charge_card(o->card, o->cents, &err); /* NULL when it failed */
    if (err == NULL)
        return NULL;
    if (tg_error_is(err, &PaymentDeclined)) {
        tg_error *e =
            tg_error_new(&OrderError, "order %d was not paid", o->id);
        return tg_error_from(e, err); /* e now owns err */
    }
    tg_error_add_note(err, "while charging order %d", o->id);
    return err; /* same object, same type, one note more */
}
