/*
 * build_error.h -- exercise 00-welcome/build_error: the contract of
 * build_error, shared by your file and the lab's checks.  Do not change
 * it; write build_error in build_error.c.
 */
#ifndef BUILD_ERROR_H
#define BUILD_ERROR_H

#include <tg.h>

/*
 * Builds the error a mailer reports when it gives up on the address `to`:
 *
 *   EmailError: could not send to <to>
 *     with exactly one note:  tried <attempts> times
 *     and as its cause:       ConnectionError: connection reset
 *
 * (EmailError is declared in world.h; TG_ConnectionError in tg.h.)
 * The caller owns the result.  Releasing it with one tg_error_unref must
 * release everything build_error made, the cause included.
 */
tg_error *build_error(const char *to, int attempts);

#endif /* BUILD_ERROR_H */
