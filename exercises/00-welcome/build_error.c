/*
 * 00-welcome/build_error -- build an error with a note and a cause, and
 * own it right.  (Lesson 00: welcome, and a tour of libtg.)
 *
 * build_error makes the EmailError a mailer reports when it gives up on
 * an address: its note says how many times it tried, and its cause is
 * the ConnectionError that made the last attempt fail.  As written, the
 * note is missing, and the cause is still alive after the caller has
 * released the error (run `lab check` to see both).
 *
 * The contract is in build_error.h; tg_error_new, tg_error_add_note and
 * tg_error_from are in tg.h, EmailError in world.h.  The lesson's
 * "Errors" section shows each of them.
 */
#include "build_error.h"
#include "world.h"

tg_error *build_error(const char *to, int attempts)
{
    tg_error *cause = tg_error_new(&TG_ConnectionError, "connection reset");
    tg_error *e = tg_error_new(&EmailError, "could not send to %s", to);

    /* TODO: the note "tried <attempts> times" is missing. */
    (void)attempts;

    /* TODO: this takes an extra reference to the cause.  Nobody will ever
     * release it, so the cause outlives the error. */
    return tg_error_from(e, tg_error_ref(cause));
}
