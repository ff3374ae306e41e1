/*
 * 00-welcome/build_error -- solution.
 *
 * Why it works: every tg_error_new hands us one reference, and each must
 * go somewhere exactly once.  tg_error_from takes over the reference to
 * the cause that we pass it, so after the call e owns the cause and we own
 * e; our caller owns e once we return it, and its single tg_error_unref
 * releases the cause with it.  Passing tg_error_ref(cause) instead would
 * leave a second reference that nobody releases.
 */
#include "build_error.h"
#include "world.h"

tg_error *build_error(const char *to, int attempts)
{
    tg_error *cause = tg_error_new(&TG_ConnectionError, "connection reset");
    tg_error *e = tg_error_new(&EmailError, "could not send to %s", to);
    tg_error_add_note(e, "tried %d times", attempts);
    return tg_error_from(e, cause); /* e takes over our reference to cause */
}
