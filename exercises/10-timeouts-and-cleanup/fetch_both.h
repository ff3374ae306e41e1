/*
 * fetch_both.h -- exercise 10-timeouts-and-cleanup/fetch_both: the
 * contract of fetch_both, shared by your file and the lab's checks.  Do
 * not change it; write fetch_both in fetch_both.c.
 */
#ifndef FETCH_BOTH_H
#define FETCH_BOTH_H

#include <tg.h>

/*
 * Fetches the page at a, then (once a has answered) the page at b, and
 * joins them: *joined gets a's body followed by b's, in one malloc'd
 * string the caller frees, and fetch_both returns NULL.
 *
 * When a fetch fails or the caller is cancelled, fetch_both sets *joined
 * to NULL and returns that error, unchanged (the caller owns it): the
 * fetch's own error, a bug, or the CancelledError.  b is not fetched when
 * a failed.  Whatever happens, everything fetch_both got on the way (a
 * page, an error it does not return) is released before it returns.
 */
tg_error *fetch_both(const char *a, const char *b, char **joined);

#endif /* FETCH_BOTH_H */
