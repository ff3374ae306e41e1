/*
 * 07-except-star/settle_payments -- solution.
 *
 * Why it works: tg_except runs the clauses in order and hands each one
 * all of its matches as one group in raised's shape.  Logging is not
 * handling: the decline handler returns matched itself, which re-raises
 * those errors, in their original places.  The integrity handler returns
 * a new LedgerError; tg_except sets its context to the IntegrityErrors it
 * replaces (matched is borrowed, so nothing to release) and, as CPython
 * does, puts it in front of the re-raised and unhandled errors in a new
 * group with an empty message.  Bugs and cancellations match no clause,
 * so they propagate untouched.  tg_except takes raised.
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

static tg_error *log_and_reraise(tg_error *matched, void *ud)
{
    (void)ud;
    tg_error_foreach_leaf(matched, log_leaf, NULL);
    return matched; /* logged, and still raised */
}

static tg_error *to_ledger_error(tg_error *matched, void *ud)
{
    (void)ud;
    return tg_error_new(&LedgerError, "%zu records need repair",
                        tg_error_leaf_count(matched));
}

tg_error *settle_payments(tg_error *raised)
{
    const tg_except_clause clauses[] = {
        {TG_MATCH_TYPE(TG_TimeoutError), handled, NULL},
        {TG_MATCH_TYPE(PaymentDeclined), log_and_reraise, NULL},
        {TG_MATCH_TYPE(IntegrityError), to_ledger_error, NULL},
    };
    return tg_except(raised, clauses, 3);
}
