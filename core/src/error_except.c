/*
 * error_except.c -- except*-style handling, after CPython 3.11: the
 * CHECK_EG_MATCH step of each clause (a full match takes the error whole,
 * wrapping a bare error in a group of one; otherwise a group is split and
 * the rest goes on to the next clause) and _PyExc_PrepReraiseStar, which
 * decides what propagates: re-raised parts and the unhandled rest are
 * projected back onto the shape of the original, and errors the handlers
 * raised are put beside that projection in a new group.
 */
#include <string.h>

#include "error_internal.h"

/* Owned references collected while the clauses run; slots may be NULL. */
typedef struct outcome {
    tg_error **raised; /* new errors from handlers, in clause order */
    size_t n_raised;
    tg_error **reraised; /* re-raised matches, then the unhandled rest */
    size_t n_reraised;
    tg_error **handled; /* the other matches, kept until the end so that
                         * the latest one can be a context */
    size_t n_handled;
} outcome;

static void outcome_release(outcome *o)
{
    for (size_t i = 0; i < o->n_raised; i++)
        tg_error_unref(o->raised[i]);
    for (size_t i = 0; i < o->n_reraised; i++)
        tg_error_unref(o->reraised[i]);
    for (size_t i = 0; i < o->n_handled; i++)
        tg_error_unref(o->handled[i]);
    tg__free(o->raised);
    tg__free(o->reraised);
    tg__free(o->handled);
}

/* A group of the n errors with an empty message, as CPython's
 * _PyExc_CreateExceptionGroup("", ...) (which picks the type from the
 * members).  NULL on OOM. */
static tg_error *plain_group(tg_error *const *errs, size_t n)
{
    return tg__error_group_make("", errs, n);
}

/*
 * CHECK_EG_MATCH: *match is what the clause gets (NULL when nothing
 * matches) and *rest what goes on to the next clause.  0, or -1 on OOM.
 */
static int eg_match(tg_error *exc, tg_match m, tg_error **match,
                    tg_error **rest)
{
    *match = *rest = NULL;
    if (tg_match_test(m, exc)) {
        if (tg_error_is_group(exc)) {
            *match = tg_error_ref(exc);
        } else {
            /* A bare error is handed over as a group of one. */
            *match = plain_group(&exc, 1);
            if (!*match)
                return -1;
        }
        return 0;
    }
    if (tg_error_is_group(exc))
        return tg__error_split(exc, m, match, rest);
    *rest = tg_error_ref(exc);
    return 0;
}

/*
 * _PyExc_PrepReraiseStar: combines what the clauses left into what
 * propagates.  For a bare original only one thing can be left, and it
 * propagates as it is.  0, or -1 on OOM; *out is a new reference or NULL.
 */
static int prep_reraise(tg_error *orig, outcome *o, tg_error **out)
{
    *out = NULL;
    if (!tg_error_is_group(orig)) {
        for (size_t i = 0; i < o->n_raised && !*out; i++)
            *out = tg_error_ref(o->raised[i]);
        for (size_t i = 0; i < o->n_reraised && !*out; i++)
            *out = tg_error_ref(o->reraised[i]);
        return 0;
    }
    tg_error *projected;
    if (tg__error_project(orig, o->reraised, o->n_reraised, &projected) < 0)
        return -1;
    if (o->n_raised == 0) {
        *out = projected;
        return 0;
    }
    if (!projected && o->n_raised == 1) {
        *out = tg_error_ref(o->raised[0]);
        return 0;
    }
    /* raised has room for one more: see tg_except. */
    if (projected)
        o->raised[o->n_raised++] = projected;
    *out = plain_group(o->raised, o->n_raised);
    return *out ? 0 : -1;
}

/* Stores an owned reference (or NULL) in a list sized by tg_except. */
static void keep(tg_error **list, size_t *n, tg_error *e)
{
    if (e)
        list[(*n)++] = e;
}

/* True when m would catch a group type, which except* refuses. */
static bool catches_groups(tg_match m)
{
    if (m.type)
        return tg_type_is(m.type, &TG_BaseExceptionGroup);
    for (const tg_error_type *const *t = m.types; t && *t; t++)
        if (tg_type_is(*t, &TG_BaseExceptionGroup))
            return true;
    return false;
}

/*
 * Runs the clauses over raised in order (see tg.h for the contract).  Takes
 * ownership of raised; returns what propagates, a new reference, or NULL
 * when everything was handled.
 *
 * A clause that matches a group type (ExceptionGroup, BaseExceptionGroup)
 * is refused as CPython refuses "except* ExceptionGroup": when the walk
 * reaches it, a TypeError propagates instead of everything else, with
 * CPython's context (the part the latest handler got, else raised).
 *
 * When memory runs out, the result is a MemoryError whose context is
 * raised, so the original is never lost; the handlers that already ran
 * stay run.
 */
tg_error *tg_except(tg_error *raised, const tg_except_clause *clauses, size_t n)
{
    if (!raised)
        return NULL;
    /* Each clause adds at most one error, the rest adds one, and
     * prep_reraise adds the projection to raised. */
    outcome o = {tg__calloc(n + 2, sizeof *o.raised),   0,
                 tg__calloc(n + 2, sizeof *o.reraised), 0,
                 tg__calloc(n + 1, sizeof *o.handled),  0};
    tg_error *exc = tg_error_ref(raised); /* not yet handled */
    tg_error *last = NULL; /* the latest part a handler got (borrowed) */
    tg_error *result = NULL;
    bool refused = false;
    int rc = o.raised && o.reraised && o.handled ? 0 : -1;
    /* Every clause is looked at, even after all is handled: CPython
     * checks each clause's type as it goes. */
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (catches_groups(clauses[i].match)) {
            refused = true;
            break;
        }
        if (!exc)
            continue;
        tg_error *match, *rest;
        rc = eg_match(exc, clauses[i].match, &match, &rest);
        if (rc < 0)
            break;
        tg_error_unref(exc);
        exc = rest;
        if (!match)
            continue;
        /* No handler behaves like a clause whose body is "pass". */
        tg_error *ret = clauses[i].handler
                            ? clauses[i].handler(match, clauses[i].ud)
                            : NULL;
        last = match;
        if (ret == match) {
            keep(o.reraised, &o.n_reraised, match);
            continue;
        }
        if (ret && !tg_error_context(ret))
            tg_error_set_context(ret, tg_error_ref(match));
        keep(o.raised, &o.n_raised, ret);
        keep(o.handled, &o.n_handled, match);
    }
    if (refused) {
        result = tg_error_new_at(NULL, 0, &TG_TypeError,
                                 "catching ExceptionGroup with except* is "
                                 "not allowed. Use except instead.");
        tg_error_set_context(result, tg_error_ref(last ? last : raised));
    } else if (rc == 0) {
        keep(o.reraised, &o.n_reraised, exc);
        exc = NULL;
        rc = prep_reraise(raised, &o, &result);
    }
    tg_error_unref(exc);
    outcome_release(&o);
    if (rc < 0)
        result = tg__error_oom_with_context(raised);
    tg_error_unref(raised);
    return result;
}
