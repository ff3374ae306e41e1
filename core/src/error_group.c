/*
 * error_group.c -- error groups (PEP 654): construction as
 * BaseExceptionGroup(msg, errs) does it, the derive step that split uses to
 * build the parts of a group, member access, and depth-first leaf
 * iteration.  A group holds references to its members, never copies.
 */
#include <stdint.h>
#include <string.h>

#include "error_internal.h"

const tg_error_type *tg__error_group_type(tg_error *const *errs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!tg_error_is(errs[i], &TG_Exception))
            return &TG_BaseExceptionGroup;
    return &TG_ExceptionGroup;
}

tg_error *tg__error_group_make(const char *msg, tg_error *const *errs, size_t n)
{
    tg_error *g = tg__error_alloc(tg__error_group_type(errs, n), msg,
                                  strlen(msg), n, 0, NULL);
    if (!g)
        return NULL;
    const tg_error_type **types = tg__member_types(g);
    for (size_t i = 0; i < n; i++) {
        tg_error *e = errs[i];
        g->members[i] = tg_error_ref(e);
        types[i] = e->type;
        if (!tg__error_is_static(e))
            e->held = true;
        if (e->depth + 1 > g->depth)
            g->depth = e->depth + 1;
    }
    return g;
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
    for (uint32_t i = 0; i < src->n_notes; i++) {
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
    if (n > UINT32_MAX)
        return tg_error_new_at(file, line, &TG_ValueError,
                               "too many exceptions for one group (%zu)", n);
    for (size_t i = 0; i < n; i++)
        if (!errs[i])
            return tg_error_new_at(file, line, &TG_ValueError,
                                   "Item %zu of second argument (exceptions) "
                                   "is not an exception",
                                   i);
    if (!msg)
        msg = "";
    tg_error *g = tg__error_group_make(msg, errs, n);
    if (!g)
        return tg__error_oom();
    g->file = file;
    g->line = line;
    return g;
}

tg_error *tg__error_group_derive(const tg_error *orig, tg_error *pin,
                                 const tg__part *members, size_t n,
                                 tg__slab_arena *arena)
{
    /* A part of an ExceptionGroup holds only Exceptions. */
    const tg_error_type *type = &TG_ExceptionGroup;
    if (!tg__type_is(orig->type, &TG_ExceptionGroup))
        for (size_t i = 0; i < n; i++)
            if (!tg__type_is(members[i].type, &TG_Exception)) {
                type = &TG_BaseExceptionGroup;
                break;
            }
    /* The message is borrowed too: orig lives as long as pin does. */
    tg_error *g = tg__error_alloc(type, NULL, 0, n, tg__part_extra(n), arena);
    if (!g)
        return NULL;
    g->message = orig->message;
    tg_error **dst = g->members;
    const tg_error_type **types = tg__member_types(g);
    unsigned char *owned = (unsigned char *)(types + n);
    uintptr_t tags = 0;
    for (size_t i = 0; i < n; i++) {
        tg_error *t = members[i].e;
        dst[i] = tg__untag(t);
        types[i] = members[i].type;
        tags |= (uintptr_t)t;
    }
    /* The bitmap of owned members (sub-parts, already marked held); most
     * parts, those of groups of leaves, own none. */
    g->owns_some = tg__tag_owned((tg_error *)tags);
    for (size_t i = 0; i < n; i += 8) {
        unsigned bits = 0;
        for (size_t j = i; g->owns_some && j < n && j < i + 8; j++)
            bits |= (unsigned)tg__tag_owned(members[j].e) << (j - i);
        owned[i >> 3] = (unsigned char)bits;
    }
    g->depth = orig->depth; /* a bound is enough: it sizes walk stacks */
    g->pin = tg__error_ref(pin);
    if (!tg__error_is_static(pin))
        pin->held = true;
    g->file = orig->file;
    g->line = orig->line;
    /* orig's cause and context are already held (by orig). */
    g->cause = tg__error_ref(orig->cause);
    g->context = tg__error_ref(orig->context);
    /* CPython sets the cause with PyException_SetCause, which also sets
     * __suppress_context__: a derived part never shows its context. */
    g->suppress_context = true;
    if (!copy_notes(g, orig)) {
        /* Give the owned members back to the caller, as promised. */
        g->owns_some = false;
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

/* Where a walk over the leaves is inside one group. */
typedef struct leaf_frame {
    const tg_error *g;
    size_t next;
} leaf_frame;

/*
 * Calls fn on each leaf of e, depth first, without recursion (a task stack
 * is small and groups may nest deep).  It tells groups from leaves by the
 * types the groups keep, so it never reads a leaf.  The walk needs
 * e->depth frames: up to 32 live on the C stack; deeper groups borrow heap
 * memory, and if even that is refused the walk recurses instead, which is
 * still correct.
 */
static void walk_leaves(const tg_error *e, void (*fn)(tg_error *, void *),
                        void *ud)
{
    if (e->n_members == 0) {
        fn((tg_error *)e, ud); /* leaves are handed out mutable, as Python */
        return;
    }
    leaf_frame small[32];
    leaf_frame *frames = small;
    if (e->depth > 32) {
        frames = tg__malloc(e->depth * sizeof *frames);
        if (!frames) {
            for (size_t i = 0; i < e->n_members; i++)
                walk_leaves(e->members[i], fn, ud);
            return;
        }
    }
    size_t top = 0;
    frames[0] = (leaf_frame){e, 0};
    for (;;) {
        leaf_frame *f = &frames[top];
        if (f->next == f->g->n_members) {
            if (top-- == 0)
                break;
            continue;
        }
        size_t i = f->next++;
        tg__prefetch_group_ahead(f->g, i);
        tg_error *m = f->g->members[i];
        if (tg__type_is_group(tg__member_types(f->g)[i]))
            frames[++top] = (leaf_frame){m, 0};
        else
            fn(m, ud);
    }
    if (frames != small)
        tg__free(frames);
}

static void count_leaf(tg_error *leaf, void *ud)
{
    (void)leaf;
    (*(size_t *)ud)++;
}

size_t tg_error_leaf_count(const tg_error *e)
{
    size_t n = 0;
    if (e)
        walk_leaves(e, count_leaf, &n);
    return n;
}

void tg_error_foreach_leaf(const tg_error *e,
                           void (*fn)(tg_error *leaf, void *ud), void *ud)
{
    if (e && fn)
        walk_leaves(e, fn, ud);
}
