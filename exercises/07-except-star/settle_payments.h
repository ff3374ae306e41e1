/*
 * settle_payments.h -- exercise 07-except-star/settle_payments: the
 * contract of settle_payments, shared by your file and the lab's checks.
 * Do not change it; write settle_payments in settle_payments.c.
 */
#ifndef SETTLE_PAYMENTS_H
#define SETTLE_PAYMENTS_H

#include <tg.h>

/*
 * Handles what a batch of payments raised, the way three except* clauses
 * would, in this order:
 *
 *   TG_TimeoutError  handled: the batch tries those payments again later.
 *   PaymentDeclined  every one of them logged with log_error, in raised's
 *                    order, and then re-raised: the caller still has to
 *                    tell those customers.
 *   IntegrityError   replaced by one LedgerError("<k> records need
 *                    repair"), k being the number of IntegrityErrors; its
 *                    context is the group of IntegrityErrors it replaces.
 *
 * Anything else (a bug, a cancellation) propagates untouched.  What
 * propagates is what tg_except makes of it, exactly as Python's except*
 * would: the re-raised and unhandled errors in raised's shape, and a new
 * error put in front of them in a group with an empty message.
 *
 * Takes ownership of raised (never NULL).  Returns what propagates, which
 * the caller owns, or NULL when everything was handled.
 */
tg_error *settle_payments(tg_error *raised);

#endif /* SETTLE_PAYMENTS_H */
