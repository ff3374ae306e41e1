/*
 * 09-robust-operations/cached_fallback -- solution.
 *
 * Why it works: the fallback is decided by the kind of error.  Only
 * "unreachable" (a reset connection, no answer) means the profile exists
 * but could not be fetched now, which a cached copy answers honestly, and
 * the fallback is logged so that the outage is seen.  A 404 says the
 * profile does not exist, a bug says the code is broken, a cancellation
 * says the caller gave up: each is returned at once, without a cache
 * read.  On the way back, only a KeyError means "no cached copy", and the
 * original error, noted, says why there is no profile; any other error
 * of the cache read (a cancellation, say) wins and is returned.  Every
 * error not returned is released exactly once.
 */
#include <stdio.h>

#include "cached_fallback.h"
#include "world.h"

tg_error *get_profile(const char *user, char **profile)
{
    char url[256], key[256];
    snprintf(url, sizeof url, "https://api.example/users/%s", user);
    snprintf(key, sizeof key, "cache:%s", user);

    tg_error *err = NULL;
    *profile = fetch_url(url, &err);
    if (err == NULL)
        return NULL;
    if (!tg_error_is(err, &TG_ConnectionError) &&
        !tg_error_is(err, &TG_TimeoutError))
        return err; /* a 404, a bug, a cancellation: no fallback */

    tg_error *cache_err = NULL;
    char *cached = db_get(key, &cache_err);
    if (cache_err == NULL) {
        log_error(err); /* a fallback nobody hears of hides the outage */
        tg_error_unref(err);
        *profile = cached;
        return NULL;
    }
    if (!tg_error_is(cache_err, &TG_KeyError)) {
        tg_error_unref(err); /* a cancellation or a bug wins */
        return cache_err;
    }
    tg_error_unref(cache_err);
    tg_error_add_note(err, "no cached copy for %s", user);
    return err;
}
