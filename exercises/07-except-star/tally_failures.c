/*
 * 07-except-star/tally_failures -- count bounces and dropped connections
 * from one error group, and let everything else propagate.  (Lesson 07:
 * except*-style handling.)
 *
 * A batch of sends raised an error group.  Bounces and dropped
 * connections are expected: count them and carry on.  Anything else
 * (a bug, a cancellation) must still reach the caller.  As written, the
 * tests look at raised itself, which is a group, so nothing is ever
 * counted and everything propagates.
 *
 * The tally and the contract are in tally_failures.h; tg_except,
 * tg_except_clause and tg_error_leaf_count are in tg.h.
 */
#include "tally_failures.h"
#include "world.h"

tg_error *tally_failures(tg_error *raised, struct tally *t)
{
    /* TODO: raised is an ExceptionGroup, not a BounceError or a
     * ConnectionError, so neither test is true for a batch -- and its
     * members can be groups too. */
    if (tg_error_is(raised, &BounceError)) {
        t->bounces++;
        tg_error_unref(raised);
        return NULL;
    }
    if (tg_error_is(raised, &TG_ConnectionError)) {
        t->dropped++;
        tg_error_unref(raised);
        return NULL;
    }
    return raised;
}
