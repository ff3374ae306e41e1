/*
 * 09-robust-operations/cached_fallback -- use the cached copy only when
 * the service is unreachable.  (Lesson 09: robust operations.)
 *
 * A profile page should still show when the profile service is down: a
 * slightly old copy from the cache is an honest answer then.  As written,
 * every failure of the fetch falls back to the cache: a user who does not
 * exist (404) gets a stale profile, and a caller who gave up (a
 * cancellation) gets an answer anyway.
 *
 * The contract is in cached_fallback.h; fetch_url, db_get and log_error
 * are in world.h.
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

    /* TODO: every error ends up here, whatever it was. */
    tg_error *miss = NULL;
    char *cached = db_get(key, &miss);
    if (miss == NULL) {
        log_error(err);
        tg_error_unref(err);
        *profile = cached;
        return NULL;
    }
    /* TODO: and every error of the cache read is taken for a miss. */
    tg_error_unref(miss);
    tg_error_add_note(err, "no cached copy for %s", user);
    return err;
}
