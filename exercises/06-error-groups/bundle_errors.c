/*
 * 06-error-groups/bundle_errors -- every failure of a batch in one group,
 * not just the first one.  (Lesson 06: error groups.)
 *
 * A batch of sends is over, and outs holds one outcome per address.
 * bundle_failures should hand the caller every failure at once, as one
 * error.  As written, it returns the first failure it finds, and the
 * others are lost.
 *
 * The record and the contract are in bundle_errors.h;
 * tg_error_group_new is in tg.h.
 */
#include "bundle_errors.h"

tg_error *bundle_failures(const struct send_outcome *outs, size_t n)
{
    /* TODO: the first failure wins; any later one is never reported. */
    for (size_t i = 0; i < n; i++)
        if (outs[i].status == SEND_FAILED)
            return tg_error_ref(outs[i].error);
    return NULL;
}
