/*
 * critical_only.h -- exercise 06-error-groups/critical_only: the contract
 * of critical_only, shared by your file and the lab's checks.  Do not
 * change it; write critical_only in critical_only.c.
 */
#ifndef CRITICAL_ONLY_H
#define CRITICAL_ONLY_H

#include <tg.h>

/*
 * Returns the critical part of the error group eg: the errors whose
 * message contains "critical", at any depth, in eg's shape (the same
 * nesting; each group keeps its message and notes; the errors are eg's
 * own objects, not copies).  NULL when no error is critical.
 *
 * Only errors that are not groups can be critical: a group whose own
 * message says "critical" is not thereby critical as a whole, and its
 * ordinary members stay out.
 *
 * eg is not consumed: it stays the caller's.  The result is a new
 * reference, which the caller releases.
 */
tg_error *critical_only(tg_error *eg);

#endif /* CRITICAL_ONLY_H */
