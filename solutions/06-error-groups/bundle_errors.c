/*
 * 06-error-groups/bundle_errors -- solution.
 *
 * Why it works: a group is the one error that can carry every failure of
 * a batch, so the caller sees all k of them, in input order.  The errors
 * are collected first, because a group of zero errors is not allowed
 * (tg_error_group_new would give a ValueError): with no failure there is
 * nothing to report, NULL.  tg_error_group_new takes its own reference to
 * each member, so the outcomes' pointers go in as they are: an extra
 * tg_error_ref would leak, and releasing the outcomes' references would
 * leave them dangling.  Even a single failure comes back as a group, so
 * the caller handles one shape.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bundle_errors.h"

tg_error *bundle_failures(const struct send_outcome *outs, size_t n)
{
    tg_error **errs = malloc((n ? n : 1) * sizeof *errs);
    if (errs == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (outs[i].status == SEND_FAILED)
            errs[k++] = outs[i].error; /* borrowed: the group refs it */
    tg_error *eg = NULL;
    if (k > 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "%zu of %zu sends failed", k, n);
        eg = tg_error_group_new(msg, errs, k);
    }
    free(errs);
    return eg;
}
