/*
 * split_retryable.h -- exercise 06-error-groups/split_retryable: the
 * contract of split_retryable, shared by your file and the lab's checks.
 * Do not change it; write split_retryable in split_retryable.c.
 */
#ifndef SPLIT_RETRYABLE_H
#define SPLIT_RETRYABLE_H

#include <tg.h>

/*
 * Splits the error group eg in two: *retry gets the errors worth retrying
 * (TG_ConnectionError and TG_TimeoutError, at any depth) and *give_up all
 * the others.  Both parts keep eg's shape: the same nesting, and each
 * group keeps its message and notes; the errors in them are eg's own
 * objects, not copies.  An empty part is NULL: when every error is
 * retryable, *retry holds all of eg and *give_up is NULL, and the other
 * way round when none is.
 *
 * eg is not consumed: it stays the caller's.  *retry and *give_up are new
 * references, which the caller releases.
 */
void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up);

#endif /* SPLIT_RETRYABLE_H */
