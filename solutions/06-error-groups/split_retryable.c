/*
 * 06-error-groups/split_retryable -- solution.
 *
 * Why it works: tg_error_split walks the whole tree, testing each group
 * before its members, so retryable errors are found at any depth.  Each
 * part keeps eg's nesting, and every derived group keeps its original's
 * message and notes; the leaves are shared, not copied; an empty part is
 * NULL.  (Even when every leaf is retryable, *retry is a new group of eg's
 * shape, not eg itself: only a condition that matches eg as a whole hands
 * eg back.)  TG_MATCH_TYPES matches both transient types in one pass.
 * eg is only read: it stays the caller's.
 */
#include "split_retryable.h"

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    tg_error_split(eg, TG_MATCH_TYPES(&TG_ConnectionError, &TG_TimeoutError),
                   retry, give_up);
}
