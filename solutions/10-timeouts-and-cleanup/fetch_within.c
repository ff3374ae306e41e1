/*
 * 10-timeouts-and-cleanup/fetch_within -- solution.
 *
 * Why it works: a timeout scope cancels the current task, inside the
 * fetch, only when the time is up; no other task waits out the limit, so
 * a fast page returns at once.  The fetch's error goes through
 * tg_timeout_exit before anything looks at it: only the exit knows whether
 * a CancelledError came from this scope (it becomes a TimeoutError whose
 * cause is that CancelledError) or from the caller (it stays a
 * CancelledError and propagates).  The exit is on the one path out, so
 * the scope is closed and freed whatever happened.
 */
#include "fetch_within.h"
#include "world.h"

tg_error *fetch_within(const char *url, uint64_t ms, char **body)
{
    tg_timeout *t = tg_timeout_enter(ms);
    tg_error *err = NULL;
    *body = fetch_url(url, &err);   /* NULL when it failed */
    return tg_timeout_exit(t, err); /* takes err, frees t */
}
