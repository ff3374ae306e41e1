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

/* A growable stack of parts (tg__part): the parts of the members of every
 * group on the current path, so a split needs no list per group. */
typedef struct part_stack {
    tg__part *items;
    size_t len, cap;
} part_stack;

/* A split by type asks the same question of every member, and a group
 * holds few distinct types: the answers are kept, per type, for the
 * whole split (types never change), in a small open-addressing table
 * indexed by address (types are structs of 16 bytes, and the built-in
 * ones are neighbours: they fall in consecutive slots). */
enum { MEMO_SIZE = 16 };
typedef struct type_memo {
    const tg_error_type *type; /* NULL: empty */
    bool matches;              /* whether an error of type matches */
} type_memo;

typedef struct split_ctx {
    tg_match m;            /* the condition, unless ids is set */
    const tg__ptrset *ids; /* match leaves by identity (projection) */
    bool want_rest;        /* subgroup and projection need only the match */
    tg_error *root;        /* the group being split: pins every part */
    tg__slab_arena arena;  /* where the parts are cut from */
    part_stack match, rest;
    bool by_type;              /* m has a type or types: see memo_matches */
    type_memo memo[MEMO_SIZE]; /* when by_type */
} split_ctx;

/* Grows s to hold n more entries.  0, or -1 on OOM (s is unchanged). */
static int grow(part_stack *s, size_t n)
{
    size_t cap = s->cap ? s->cap : 64;
    while (cap - s->len < n)
        cap *= 2;
    tg__part *items = tg__realloc(s->items, cap * sizeof *items);
    if (!items)
        return -1;
    s->items = items;
    s->cap = cap;
    return 0;
}

/* Makes room for n more entries on s: 0, or -1 on OOM. */
static inline int reserve(part_stack *s, size_t n)
{
    return s->cap - s->len >= n ? 0 : grow(s, n);
}

/* Pushes e of the given type, a reference when owned, else borrowed from
 * the group being split; on OOM releases an owned e and returns -1. */
static inline int push(part_stack *s, tg_error *e, const tg_error_type *type,
                       bool owned)
{
    if (reserve(s, 1) < 0) {
        if (owned)
            tg_error_unref(e);
        return -1;
    }
    s->items[s->len++] = (tg__part){tg__tag(e, owned), type};
    return 0;
}

static void pop_to(part_stack *s, size_t base)
{
    while (s->len > base) {
        tg_error *t = s->items[--s->len].e;
        if (tg__tag_owned(t))
            tg_error_unref(tg__untag(t));
    }
}

/* tg_match_test for an error of the given type, when m has a type or a
 * list of types (the error itself is then not needed). */
static bool type_test(tg_match m, const tg_error_type *type)
{
    if (m.type)
        return tg__type_is(type, m.type);
    for (const tg_error_type *const *t = m.types; *t; t++)
        if (tg__type_is(type, *t))
            return true;
    return false;
}

/* memo_matches when type is not in the first slot it looks at. */
static bool memo_probe(type_memo *memo, const tg_match *m,
                       const tg_error_type *type, size_t i)
{
    for (size_t k = 0; k < MEMO_SIZE; k++, i = (i + 1) % MEMO_SIZE) {
        if (memo[i].type == type)
            return memo[i].matches;
        if (!memo[i].type) {
            memo[i] = (type_memo){type, type_test(*m, type)};
            return memo[i].matches;
        }
    }
    return type_test(*m, type); /* a split over 16 types: no memo left */
}

static inline bool memo_matches(type_memo *memo, const tg_match *m,
                                const tg_error_type *type)
{
    size_t i = ((uintptr_t)type >> 4) % MEMO_SIZE;
    if (memo[i].type == type)
        return memo[i].matches;
    return memo_probe(memo, m, type, i);
}

/* Whether e, of the given type, matches.  Matching by type or identity
 * needs only what the parent group keeps: the leaf is not read. */
static inline bool matches(split_ctx *c, const tg_error *e,
                           const tg_error_type *type)
{
    if (c->ids)
        return !tg__type_is_group(type) && tg__ptrset_has(c->ids, e);
    if (c->by_type)
        return memo_matches(c->memo, &c->m, type);
    return tg_match_test(c->m, e);
}

/*
 * Puts the members of g, all of them leaves, on the part stacks.  Most
 * members of a big group are in such groups, so this is the inner loop of
 * a split: room is made once, and each leaf costs a test and two stores
 * (to both stacks, keeping one: no branch to mispredict on mixed types).
 * 0, or -1 on OOM.
 */
static int split_leaves(split_ctx *c, const tg_error *g)
{
    size_t n = g->n_members;
    if (reserve(&c->match, n) < 0 || reserve(&c->rest, n) < 0)
        return -1;
    tg_error *const *members = g->members;
    const tg_error_type *const *types = tg__member_types(g);
    tg__part *m = c->match.items + c->match.len;
    tg__part *r = c->rest.items + c->rest.len;
    size_t nm = 0, nr = 0;
    if (c->by_type && !c->ids) { /* the common case, its test hoisted */
        type_memo *memo = c->memo;
        for (size_t i = 0; i < n; i++) {
            tg__part p = {members[i], types[i]};
            bool hit = memo_matches(memo, &c->m, p.type);
            m[nm] = p;
            r[nr] = p;
            nm += hit;
            nr += !hit;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            tg__part p = {members[i], types[i]};
            bool hit = matches(c, p.e, p.type);
            m[nm] = p;
            r[nr] = p;
            nm += hit;
            nr += !hit;
        }
    }
    c->match.len += nm;
    if (c->want_rest)
        c->rest.len += nr;
    return 0;
}

/* A group whose members are being split; its parts wait on the part
 * stacks from index mbase and rbase on. */
typedef struct frame {
    tg_error *g;
    size_t next; /* the next member to look at */
    size_t mbase, rbase;
} frame;

/* Builds the parts of a finished frame from the part stacks, then pops its
 * entries.  -1 on OOM with both parts NULL. */
static int finish(split_ctx *c, const frame *f, tg_error **match,
                  tg_error **rest)
{
    *match = *rest = NULL;
    if (c->match.len > f->mbase) {
        *match =
            tg__error_group_derive(f->g, c->root, c->match.items + f->mbase,
                                   c->match.len - f->mbase, &c->arena);
        if (!*match)
            goto fail;
        c->match.len = f->mbase; /* the references moved into *match */
    }
    if (c->rest.len > f->rbase) {
        *rest = tg__error_group_derive(f->g, c->root, c->rest.items + f->rbase,
                                       c->rest.len - f->rbase, &c->arena);
        if (!*rest)
            goto fail;
        c->rest.len = f->rbase;
    }
    return 0;
fail:
    tg_error_unref(*match);
    *match = NULL;
    pop_to(&c->match, f->mbase);
    pop_to(&c->rest, f->rbase);
    return -1;
}

/*
 * Splits g into new references *match and *rest (NULL when empty), as
 * exceptiongroup_split_recursive does, but with an explicit stack: groups
 * nested thousands deep must not overflow a 64 KiB task stack.  Returns -1
 * on OOM with both NULL and nothing leaked.
 */
static int split_walk(split_ctx *c, tg_error *g, tg_error **match,
                      tg_error **rest)
{
    *match = *rest = NULL;
    if (matches(c, g, g->type)) {
        *match = tg_error_ref(g);
        return 0;
    }
    if (g->n_members == 0) {
        if (c->want_rest)
            *rest = tg_error_ref(g);
        return 0;
    }
    c->root = g;
    frame *frames = tg__malloc((g->depth + 1) * sizeof *frames);
    if (!frames)
        return -1;
    size_t top = 0;
    frames[0] = (frame){g, 0, c->match.len, c->rest.len};
    int rc = 0;
    for (;;) {
        frame *f = &frames[top];
        if (f->next == 0 && f->g->depth == 1) {
            /* A depth of 1 (exact or a bound) means leaves only. */
            if ((rc = split_leaves(c, f->g)) < 0)
                break;
            f->next = f->g->n_members;
        }
        if (f->next < f->g->n_members) {
            size_t i = f->next++;
            tg__prefetch_group_ahead(f->g, i);
            tg_error *e = f->g->members[i];
            const tg_error_type *type = tg__member_types(f->g)[i];
            if (matches(c, e, type))
                rc = push(&c->match, e, type, false);
            else if (tg__type_is_group(type))
                frames[++top] = (frame){e, 0, c->match.len, c->rest.len};
            else if (c->want_rest)
                rc = push(&c->rest, e, type, false);
            if (rc < 0)
                break;
            continue;
        }
        tg_error *m, *r;
        rc = finish(c, f, &m, &r);
        if (rc < 0 || top == 0) {
            *match = m;
            *rest = r;
            break;
        }
        top--;
        /* Set here, while the new parts are in the cache: they become
         * members (see tg_error.held). */
        if (m)
            m->held = true;
        if (r)
            r->held = true;
        if (m && push(&c->match, m, m->type, true) < 0) {
            tg_error_unref(r);
            rc = -1;
            break;
        }
        if (r && (rc = push(&c->rest, r, r->type, true)) < 0)
            break;
    }
    /* On failure the part stacks may still hold parts of unfinished
     * frames: release them all. */
    if (rc < 0) {
        pop_to(&c->match, 0);
        pop_to(&c->rest, 0);
    }
    tg__free(frames);
    return rc;
}

static int run_split(split_ctx *c, tg_error *g, tg_error **match,
                     tg_error **rest)
{
    tg_error *r = NULL;
    int rc = split_walk(c, g, match, rest ? rest : &r);
    tg__slab_arena_end(&c->arena);
    tg__free(c->match.items);
    tg__free(c->rest.items);
    return rc;
}

int tg__error_split(tg_error *g, tg_match m, tg_error **match, tg_error **rest)
{
    split_ctx c = {
        .m = m, .want_rest = rest != NULL, .by_type = m.type || m.types};
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
void tg_error_split(tg_error *g, tg_match m, tg_error **match, tg_error **rest)
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
