/*
 * error_group.c -- error groups (PEP 654): construction as
 * BaseExceptionGroup(msg, errs) does it, the derive step that split uses to
 * build the parts of a group, member access, and depth-first leaf
 * iteration.  A group holds references to its members, never copies.
 */
#include <string.h>

#include "error_internal.h"

const tg_error_type *tg__error_group_type(tg_error *const *errs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!tg_error_is(errs[i], &TG_Exception))
            return &TG_BaseExceptionGroup;
    return &TG_ExceptionGroup;
}

/* Copies src's notes onto a fresh dst; false on OOM (dst keeps what it
 * got, and its destructor frees it). */
static bool copy_notes(tg_error *dst, const tg_error *src)
{
    if (src->n_notes == 0)
        return true;
    dst->notes = tg__malloc(src->n_notes * sizeof *dst->notes);
    if (!dst->notes)
        return false;
    dst->cap_notes = src->n_notes;
    for (size_t i = 0; i < src->n_notes; i++) {
        char *note = tg__strdup(src->notes[i]);
        if (!note)
            return false;
        dst->notes[dst->n_notes++] = note;
    }
    return true;
}

/*
 * Makes a group from n errors, like BaseExceptionGroup(msg, errs).  See
 * tg.h for the contract; the ValueError texts are Python's own.
 */
tg_error *tg_error_group_new_at(const char *file, int line, const char *msg,
                                tg_error *const *errs, size_t n)
{
    if (n == 0 || !errs)
        return tg_error_new_at(file, line, &TG_ValueError,
                               "second argument (exceptions) must be a "
                               "non-empty sequence");
    for (size_t i = 0; i < n; i++)
        if (!errs[i])
            return tg_error_new_at(file, line, &TG_ValueError,
                                   "Item %zu of second argument (exceptions) "
                                   "is not an exception",
                                   i);
    if (!msg)
        msg = "";
    tg_error *g = tg__error_alloc(tg__error_group_type(errs, n), msg,
                                  strlen(msg), n);
    if (!g)
        return tg__error_oom();
    for (size_t i = 0; i < n; i++)
        g->members[i] = tg_error_ref(errs[i]);
    g->file = file;
    g->line = line;
    return g;
}

tg_error *tg__error_group_derive(const tg_error *orig, tg_error *const *members,
                                 size_t n)
{
    tg_error *g = tg__error_alloc(tg__error_group_type(members, n),
                                  orig->message, strlen(orig->message), n);
    if (!g)
        return NULL;
    for (size_t i = 0; i < n; i++)
        g->members[i] = tg_error_ref(members[i]);
    g->file = orig->file;
    g->line = orig->line;
    g->origin = orig->origin;
    g->cause = tg_error_ref(orig->cause);
    g->context = tg_error_ref(orig->context);
    /* CPython sets the cause with PyException_SetCause, which also sets
     * __suppress_context__: a derived part never shows its context. */
    g->suppress_context = true;
    if (!copy_notes(g, orig)) {
        tg_error_unref(g);
        return NULL;
    }
    return g;
}

bool tg_error_is_group(const tg_error *e)
{
    return e && e->n_members > 0;
}

size_t tg_error_group_count(const tg_error *g)
{
    return g ? g->n_members : 0;
}

tg_error *tg_error_group_at(const tg_error *g, size_t i)
{
    return g && i < g->n_members ? g->members[i] : NULL;
}

/* Recursion follows group nesting only, whose depth the caller built. */
size_t tg_error_leaf_count(const tg_error *e)
{
    if (!e)
        return 0;
    if (e->n_members == 0)
        return 1;
    size_t n = 0;
    for (size_t i = 0; i < e->n_members; i++)
        n += tg_error_leaf_count(e->members[i]);
    return n;
}

void tg_error_foreach_leaf(const tg_error *e,
                           void (*fn)(tg_error *leaf, void *ud), void *ud)
{
    if (!e || !fn)
        return;
    if (e->n_members == 0) {
        fn((tg_error *)e, ud); /* leaves are handed out mutable, as Python */
        return;
    }
    for (size_t i = 0; i < e->n_members; i++)
        tg_error_foreach_leaf(e->members[i], fn, ud);
}
