/*
 * err_build.c -- the short constructors of err_build.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "err_build.h"

tg_error *G(const char *msg, size_t n, ...)
{
    tg_error *members[64];
    va_list ap;
    if (n > 64)
        abort();
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        members[i] = va_arg(ap, tg_error *);
    va_end(ap);
    tg_error *g = tg_error_group_new(msg, members, n);
    if (!tg_error_is_group(g)) {
        fprintf(stderr, "G(%s): %s\n", msg, tg_error_message(g));
        abort();
    }
    for (size_t i = 0; i < n; i++)
        tg_error_unref(members[i]);
    return g;
}

tg_error *noted(tg_error *e, size_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        tg_error_add_note(e, "%s", va_arg(ap, const char *));
    va_end(ap);
    return e;
}

tg_error *linked(tg_error *e, tg_error *cause, tg_error *context)
{
    if (cause)
        tg_error_from(e, cause);
    if (context)
        tg_error_set_context(e, context);
    return e;
}
