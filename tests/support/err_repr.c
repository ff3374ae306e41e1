/*
 * err_repr.c -- the compact repr of errors used by the error tests (see
 * err_repr.h).  Plain malloc on purpose: the tests inject allocation
 * failures into libtg, and the checking code must not be affected.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err_repr.h"

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void add(sbuf *b, const char *fmt, ...) TG_PRINTF(2, 3);
static void add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = 2 * (b->len + (size_t)n + 1);
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void repr(sbuf *b, const tg_error *e, unsigned flags)
{
    if (!e) {
        add(b, "None");
        return;
    }
    add(b, "%s('%s'", tg_error_type_name(e), tg_error_message(e));
    if (tg_error_is_group(e)) {
        add(b, ", [");
        for (size_t i = 0; i < tg_error_group_count(e); i++) {
            if (i)
                add(b, ", ");
            repr(b, tg_error_group_at(e, i), flags);
        }
        add(b, "]");
    }
    if (tg_error_note_count(e)) {
        add(b, ", notes=[");
        for (size_t i = 0; i < tg_error_note_count(e); i++)
            add(b, "%s'%s'", i ? ", " : "", tg_error_note_at(e, i));
        add(b, "]");
    }
    if (flags & ERR_REPR_LINKS) {
        if (tg_error_cause(e)) {
            add(b, ", cause=");
            repr(b, tg_error_cause(e), flags);
        }
        if (tg_error_context(e)) {
            add(b, ", context=");
            repr(b, tg_error_context(e), flags);
        }
        if (tg_error_suppress_context(e))
            add(b, ", suppress_context=True");
    }
    add(b, ")");
}

char *err_repr(const tg_error *e, unsigned flags)
{
    sbuf b = {0};
    repr(&b, e, flags);
    return b.s;
}
