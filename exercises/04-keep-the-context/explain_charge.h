/*
 * explain_charge.h -- exercise 04-keep-the-context/explain_charge: the
 * order and the contract of charge_order, shared by your file and the
 * lab's checks.  Do not change it; write charge_order in
 * explain_charge.c.
 */
#ifndef EXPLAIN_CHARGE_H
#define EXPLAIN_CHARGE_H

#include <tg.h>

struct order {
    int id;           /* the order number */
    const char *card; /* the card to charge */
    long cents;       /* the amount */
};

/*
 * Charges the order: charge_card(o->card, o->cents, ...) (in world.h).
 *
 *  - Paid: sets *txn to the transaction id (the caller frees it) and
 *    returns NULL.
 *  - Declined (a PaymentDeclined): returns a new OrderError with the
 *    message "order <id> was not paid" whose cause is the very
 *    PaymentDeclined charge_card gave -- callers handle OrderError, and
 *    the cause says why.
 *  - Any other error (a dropped connection, a bug, a cancellation):
 *    returns that very error, its type unchanged so that callers testing
 *    for it still match it, with one note added: "while charging order
 *    <id>".
 *
 * On failure *txn is NULL.  The caller owns the returned error: one
 * tg_error_unref releases it and everything it holds.
 */
tg_error *charge_order(const struct order *o, char **txn);

#endif /* EXPLAIN_CHARGE_H */
