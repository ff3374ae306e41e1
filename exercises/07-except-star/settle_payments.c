/*
 * 07-except-star/settle_payments -- log declined payments and re-raise
 * them, and turn ledger corruption into a LedgerError.  (Lesson 07:
 * except*-style handling, handlers that re-raise or raise.)
 *
 * A batch of payments raised an error group.  Timeouts are retried later,
 * so they are handled.  Declined cards are logged, but the caller must
 * still see them.  Corrupt ledger records must become one LedgerError.
 * As written, the declines are logged and then dropped, and there is no
 * clause for the corruption at all.
 *
 * The contract is in settle_payments.h; tg_except and its handlers are in
 * tg.h; log_error, PaymentDeclined, IntegrityError and LedgerError are in
 * world.h.
 */
#include "settle_payments.h"
#include "world.h"

static tg_error *handled(tg_error *matched, void *ud)
{
    (void)matched;
    (void)ud;
    return NULL;
}

static void log_leaf(tg_error *leaf, void *ud)
{
    (void)ud;
    log_error(leaf);
}

static tg_error *log_declines(tg_error *matched, void *ud)
{
    (void)ud;
    tg_error_foreach_leaf(matched, log_leaf, NULL);
    return NULL; /* TODO: logged -- and now the caller never hears of it */
}

/* TODO: a handler for the IntegrityErrors, raising a LedgerError. */

tg_error *settle_payments(tg_error *raised)
{
    const tg_except_clause clauses[] = {
        {TG_MATCH_TYPE(TG_TimeoutError), handled, NULL},
        {TG_MATCH_TYPE(PaymentDeclined), log_declines, NULL},
        /* TODO: a clause for IntegrityError. */
    };
    return tg_except(raised, clauses, sizeof clauses / sizeof clauses[0]);
}
