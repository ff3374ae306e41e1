/*
 * 07-except-star/tally_failures -- solution.
 *
 * Why it works: tg_except goes through raised's leaves at any depth, as
 * except* does.  Each clause gets all the errors it matches at once, as
 * one group in raised's shape, so the handler counts leaves, not calls.
 * A leaf handled by one clause is never seen by the next.  What no clause
 * matched (a bug, a CancelledError) propagates in raised's shape, with
 * the same objects, and a bare error is handled like a group of one.
 * tg_except takes raised: nothing is left to release here.
 */
#include "tally_failures.h"
#include "world.h"

static tg_error *count_leaves(tg_error *matched, void *ud)
{
    size_t *count = ud;
    *count += tg_error_leaf_count(matched);
    return NULL; /* handled */
}

tg_error *tally_failures(tg_error *raised, struct tally *t)
{
    const tg_except_clause clauses[] = {
        {TG_MATCH_TYPE(BounceError), count_leaves, &t->bounces},
        {TG_MATCH_TYPE(TG_ConnectionError), count_leaves, &t->dropped},
    };
    return tg_except(raised, clauses, 2);
}
