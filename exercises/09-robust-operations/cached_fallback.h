/*
 * cached_fallback.h -- exercise 09-robust-operations/cached_fallback: the
 * contract of get_profile, shared by your file and the lab's checks.  Do
 * not change it; write get_profile in cached_fallback.c.
 */
#ifndef CACHED_FALLBACK_H
#define CACHED_FALLBACK_H

#include <tg.h>

/*
 * Fetches the profile of user from https://api.example/users/<user>.
 *
 *   - The fetch works: *profile is the page; returns NULL.
 *   - The service is unreachable (a TG_ConnectionError or a
 *     TG_TimeoutError): the cached copy is read, db_get("cache:<user>"):
 *       hit:  *profile is the cached copy; the fetch's error is logged
 *             with log_error and released; returns NULL.
 *       miss (a TG_KeyError): returns the fetch's error, the very same
 *             object, with one note added, "no cached copy for <user>";
 *             the KeyError is released.
 *       any other error of the cache read (a bug, a cancellation): it is
 *             returned, and the fetch's error is released.
 *   - Any other error of the fetch (an HTTPError such as a 404, a bug, a
 *     cancellation) is returned as it is, and the cache is not touched:
 *     the data exists and is not what was asked for, or the code is
 *     broken, or the caller gave up.
 *
 * *profile is NULL whenever an error is returned.  What the caller gets,
 * the profile or the error, is the caller's.
 */
tg_error *get_profile(const char *user, char **profile);

#endif /* CACHED_FALLBACK_H */
