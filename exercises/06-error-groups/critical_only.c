/*
 * 06-error-groups/critical_only -- take the critical failures out of a
 * group, with a predicate that does not grab whole groups.  (Lesson 06:
 * error groups.)
 *
 * eg holds the failures of a nightly run, some of them nested.  The
 * on-call engineer wants only the critical ones, where they were.  As
 * written, a group whose own message mentions "critical" is taken whole,
 * ordinary failures and all.
 *
 * The contract is in critical_only.h; tg_error_subgroup, TG_MATCH_PRED
 * and tg_error_is_group are in tg.h.
 */
#include <string.h>

#include "critical_only.h"

static bool is_critical(const tg_error *e, void *ud)
{
    (void)ud;
    /* TODO: subgroup asks this about every group too, before its
     * members: a yes for a group takes all of it. */
    return strstr(tg_error_message(e), "critical") != NULL;
}

tg_error *critical_only(tg_error *eg)
{
    return tg_error_subgroup(eg, TG_MATCH_PRED(is_critical, NULL));
}
