/* attack: send_all
 * Redefines libtg's tg_group_wait and tg_error_is so that groups never
 * report a failure.  Stopped by: the symbol check refuses a definition of
 * any libtg name (and the link would not pick it silently). */
#include "send_all.h"

tg_error *tg_group_wait(tg_group *g)
{
    (void)g;
    return NULL;
}

bool tg_error_is(const tg_error *e, const tg_error_type *type)
{
    (void)e;
    (void)type;
    return true;
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    __builtin_trap();
}
