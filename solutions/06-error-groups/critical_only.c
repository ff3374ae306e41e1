/*
 * 06-error-groups/critical_only -- solution.
 *
 * Why it works: tg_error_subgroup calls the predicate on each group
 * before its members, and a yes takes the group whole.  Answering no for
 * every group, whatever its message, makes subgroup look inside each one,
 * so only the critical leaves are kept, in eg's shape, with each group's
 * message and notes and the very same error objects.  subgroup gives
 * NULL when nothing matches, and only reads eg.
 */
#include <string.h>

#include "critical_only.h"

static bool is_critical(const tg_error *e, void *ud)
{
    (void)ud;
    return !tg_error_is_group(e) &&
           strstr(tg_error_message(e), "critical") != NULL;
}

tg_error *critical_only(tg_error *eg)
{
    return tg_error_subgroup(eg, TG_MATCH_PRED(is_critical, NULL));
}
