/*
 * error_split.c -- matching, split and subgroup, after CPython 3.11's
 * exceptiongroup_split_recursive: the condition is tested on a group before
 * its members, so a matching subgroup is taken whole; otherwise each
 * member is split and the parts are rebuilt with derive, which keeps the
 * message, notes, cause and context and shares the leaves.  The same walk,
 * matching leaves by identity, gives the projection that except* uses to
 * fold re-raised parts back onto the shape of the original group.
 */
#include "error_internal.h"

bool tg_match_test(tg_match m, const tg_error *e)
{
    if (!e)
        return false;
    if (m.type)
        return tg_error_is(e, m.type);
    if (m.types) {
        for (const tg_error_type *const *t = m.types; *t; t++)
            if (tg_error_is(e, *t))
                return true;
        return false;
    }
    if (m.pred)
        return m.pred(e, m.ud);
    return false; /* an empty match matches nothing */
}

/* tg_error_foreach_leaf callback: adds the leaf to a tg__ptrset whose
 * capacity the caller reserved (so the add cannot fail). */
static void collect_leaves(tg_error *leaf, void *ud)
{
    tg__ptrset_add(ud, leaf);
}

/* ---- the recursive split ------------------------------------------------ */

/* A growable stack of owned references: the parts of the members of every
 * group on the current path, so a split needs no list per group. */
typedef struct part_stack {
    tg_error **items;
    size_t len, cap;
} part_stack;

typedef struct split_ctx {
    tg_match m;          /* the condition, unless ids is set */
    const tg__ptrset *ids; /* match leaves by identity (projection) */
    bool want_rest;      /* subgroup and projection need only the match */
    part_stack match, rest;
} split_ctx;

/* Pushes an owned reference; on OOM releases it and returns -1. */
static int push(part_stack *s, tg_error *e)
{
    if (s->len == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        tg_error **items = tg__realloc(s->items, cap * sizeof *items);
        if (!items) {
            tg_error_unref(e);
            return -1;
        }
        s->items = items;
        s->cap = cap;
    }
    s->items[s->len++] = e;
    return 0;
}

static void pop_to(part_stack *s, size_t base)
{
    while (s->len > base)
        tg_error_unref(s->items[--s->len]);
}

static bool matches(const split_ctx *c, const tg_error *e)
{
    if (c->ids)
        return e->n_members == 0 && tg__ptrset_has(c->ids, e);
    return tg_match_test(c->m, e);
}

/* Splits e into new references *match and *rest (NULL when empty).
 * Returns -1 on OOM with both NULL and nothing leaked. */
static int split_rec(split_ctx *c, tg_error *e, tg_error **match,
                     tg_error **rest)
{
    *match = *rest = NULL;
    if (matches(c, e)) {
        *match = tg_error_ref(e);
        return 0;
    }
    if (e->n_members == 0) {
        if (c->want_rest)
            *rest = tg_error_ref(e);
        return 0;
    }
    size_t mbase = c->match.len, rbase = c->rest.len;
    int rc = 0;
    for (size_t i = 0; i < e->n_members && rc == 0; i++) {
        tg_error *m, *r;
        rc = split_rec(c, e->members[i], &m, &r);
        if (rc == 0 && m && push(&c->match, m) < 0) {
            tg_error_unref(r);
            rc = -1;
        }
        if (rc == 0 && r)
            rc = push(&c->rest, r);
    }
    if (rc == 0 && c->match.len > mbase) {
        *match = tg__error_group_derive(e, c->match.items + mbase,
                                        c->match.len - mbase);
        rc = *match ? 0 : -1;
    }
    if (rc == 0 && c->rest.len > rbase) {
        *rest = tg__error_group_derive(e, c->rest.items + rbase,
                                       c->rest.len - rbase);
        if (!*rest) {
            tg_error_unref(*match);
            *match = NULL;
            rc = -1;
        }
    }
    pop_to(&c->match, mbase);
    pop_to(&c->rest, rbase);
    return rc;
}

static int run_split(split_ctx *c, tg_error *g, tg_error **match,
                     tg_error **rest)
{
    tg_error *r = NULL;
    int rc = split_rec(c, g, match, rest ? rest : &r);
    tg__free(c->match.items);
    tg__free(c->rest.items);
    return rc;
}

int tg__error_split(tg_error *g, tg_match m, tg_error **match,
                    tg_error **rest)
{
    split_ctx c = {.m = m, .want_rest = rest != NULL};
    *match = NULL;
    if (rest)
        *rest = NULL;
    if (!g)
        return 0;
    return run_split(&c, g, match, rest);
}

int tg__error_project(tg_error *orig, tg_error *const *keep, size_t n,
                      tg_error **out)
{
    *out = NULL;
    size_t leaves = 0;
    for (size_t i = 0; i < n; i++)
        leaves += tg_error_leaf_count(keep[i]);
    if (leaves == 0)
        return 0;
    tg__ptrset ids;
    if (tg__ptrset_init(&ids, leaves) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        tg_error_foreach_leaf(keep[i], collect_leaves, &ids);
    split_ctx c = {.ids = &ids};
    int rc = run_split(&c, orig, out, NULL);
    tg__ptrset_free(&ids);
    return rc;
}

/*
 * Splits g into the part that matches m and the rest, as
 * BaseExceptionGroup.split does (see tg.h).  Both outputs are new
 * references or NULL.  On OOM *match is NULL and *rest a MemoryError whose
 * context is g, so the caller still holds everything it had.
 */
void tg_error_split(tg_error *g, tg_match m, tg_error **match,
                    tg_error **rest)
{
    tg_error *mm, *rr;
    if (tg__error_split(g, m, &mm, &rr) < 0) {
        mm = NULL;
        rr = tg__error_oom_with_context(g);
    }
    if (match)
        *match = mm;
    else
        tg_error_unref(mm);
    if (rest)
        *rest = rr;
    else
        tg_error_unref(rr);
}

/*
 * The part of g that matches m, as BaseExceptionGroup.subgroup: g itself
 * when m matches g, a derived group, or NULL when nothing matches.  A new
 * reference.  On OOM returns a MemoryError whose context is g (an error
 * must never vanish silently).
 */
tg_error *tg_error_subgroup(tg_error *g, tg_match m)
{
    tg_error *match;
    if (tg__error_split(g, m, &match, NULL) < 0)
        return tg__error_oom_with_context(g);
    return match;
}
