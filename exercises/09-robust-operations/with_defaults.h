/*
 * with_defaults.h -- exercise 09-robust-operations/with_defaults: the
 * settings record and the contract of load_settings, shared by your file
 * and the lab's checks.  Do not change it; write load_settings in
 * with_defaults.c.
 */
#ifndef WITH_DEFAULTS_H
#define WITH_DEFAULTS_H

#include <tg.h>

/* Each field is NULL or a string the record owns (the caller frees it). */
struct settings {
    char *theme, *lang, *tz;
};

/*
 * Loads the three settings at once from the database, with db_get: keys
 * "theme", "lang" and "tz".  A half-loaded configuration is worse than
 * the defaults, so the loads stand or fall together:
 *
 *   - every load worked: s holds the three values; returns NULL.
 *   - only recoverable errors (TG_ConnectionError, TG_TimeoutError): each
 *     of them is logged with log_error, and s holds the three defaults,
 *     "light", "en" and "UTC", whatever did load; returns NULL.
 *   - an IntegrityError (the stored data is corrupt): each one is logged
 *     with log_error and propagates; no default is applied, even if a
 *     recoverable error happened too.
 *   - anything else (a bug, a cancellation) propagates, not logged, and
 *     no default is applied.
 *
 * The caller zeroes *s before the call and, whatever load_settings
 * returned, frees the three fields afterwards.  The returned error is the
 * caller's.
 */
tg_error *load_settings(struct settings *s);

#endif /* WITH_DEFAULTS_H */
