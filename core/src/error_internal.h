/*
 * error_internal.h -- the layout of struct tg_error and the helpers that the
 * error_*.c files share.  Nothing here is installed or used outside the
 * error half of libtg: the rest of the library goes through tg.h and the
 * three static errors declared in tg_internal.h.
 */
#ifndef TG_ERROR_INTERNAL_H
#define TG_ERROR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tg_internal.h"

/* The fields that split and release touch for every leaf come first and
 * fit in 32 bytes, so that a leaf usually costs one cache line; the struct
 * is kept small because a 1e5-leaf group is then a cache-sized object. */
struct tg_error {
    const tg_error_type *type; /* is-a walks type->base */
    size_t refs;               /* 0 marks an immortal static error */
    uint32_t n_members;        /* > 0 exactly for groups */
    uint32_t depth;            /* group nesting below: 0 for a leaf; sizes
                                * the explicit stacks of the walks */
    int line;
    bool suppress_context;     /* set by tg_error_from, as "from" does */
    bool held;                 /* has been a member, cause or context: only
                                * then can a new link close a cycle */
    tg_error **members;        /* groups only: owned refs, same block */
    const char *message;       /* in the same block as the struct, or static */
    const char *file;          /* from __FILE__: static storage, may be NULL */
    tg_error *cause;           /* owned, may be NULL */
    tg_error *context;         /* owned, may be NULL */
    char **notes;              /* each note its own allocation */
    uint32_t n_notes, cap_notes;
    uint64_t origin;           /* a split part: the id of the group it was
                                * derived from (transitively); else its own
                                * id, unique in the thread */
    union {
        uint64_t mark;         /* alive: the last cycle walk that saw it */
        tg_error *next_free;   /* released: link in the free list */
    } u;
};

/* Allocates an error of type with room for a msg_len-byte message and
 * n_members member pointers (left NULL), all in one block, so an error
 * costs one allocation.  The message is copied from msg, or left for the
 * caller to fill in when msg is NULL.  Returns NULL on OOM; counts the
 * error as live. */
tg_error *tg__error_alloc(const tg_error_type *type, const char *msg,
                          size_t msg_len, size_t n_members);

/*
 * Makes a group with the same message, notes, cause and context as orig over
 * the n given members, like CPython's
 * BaseExceptionGroup.derive followed by the metadata copy that split() does.
 * As derive() does, the type is picked again from the members.  Takes over
 * the caller's references to the members on success (split has just made
 * them); returns NULL on OOM, and then the caller still owns them.
 */
tg_error *tg__error_group_derive(const tg_error *orig, tg_error *const *members,
                                 size_t n);

/* Makes a group of type picked from the members (as
 * BaseExceptionGroup(msg, errs)), holding new references to errs[0..n),
 * n > 0, none NULL.  No location.  NULL on OOM. */
tg_error *tg__error_group_make(const char *msg, tg_error *const *errs,
                               size_t n);

/* The group type BaseExceptionGroup(msg, errs) would pick for these. */
const tg_error_type *tg__error_group_type(tg_error *const *errs, size_t n);

/* Sets e's context without the checks of tg_error_set_context; takes
 * ownership of context.  For fresh errors that cannot be in a cycle. */
void tg__error_set_context_raw(tg_error *e, tg_error *context);

/* A fresh MemoryError whose context is g (a new reference is taken), or
 * the static MemoryError when even that cannot be allocated. */
tg_error *tg__error_oom_with_context(tg_error *g);

/*
 * split/subgroup with the out-of-memory case reported: returns 0, or -1 with
 * *match (and *rest) NULL and nothing leaked.  rest may be NULL when only
 * the matching part is wanted, as subgroup does.
 */
int tg__error_split(tg_error *g, tg_match m, tg_error **match,
                    tg_error **rest);

/*
 * The leaves of orig that are leaves of any of keep[0..n), in orig's shape,
 * as CPython's exception_group_projection: *out is NULL when there are
 * none, orig itself when it is a leaf that is kept.  0, or -1 on OOM.
 */
int tg__error_project(tg_error *orig, tg_error *const *keep, size_t n,
                      tg_error **out);

/* ---- error_set.c: a set of addresses ---------------------------------- */
typedef struct tg__ptrset {
    const void **slots; /* open addressing; NULL marks an empty slot */
    size_t mask;        /* capacity - 1; the capacity is a power of two */
    size_t len;
} tg__ptrset;

/* 0, or -1 on OOM (then only tg__ptrset_free may be called). */
int tg__ptrset_init(tg__ptrset *s, size_t expected);
void tg__ptrset_free(tg__ptrset *s);
/* 1 added, 0 already there, -1 OOM (the set is unchanged). */
int tg__ptrset_add(tg__ptrset *s, const void *p);
bool tg__ptrset_has(const tg__ptrset *s, const void *p);

/* ---- error_format.c ---------------------------------------------------- */
enum {
    TG__FORMAT_NO_LOCATION = 1, /* leave out "at file:line": Python's shape */
};
/* tg_error_format with options (a set of TG__FORMAT_ flags). */
char *tg__error_format_opts(const tg_error *e, unsigned flags);

/* tg_type_is, inline for the hot loop of split. */
static inline bool tg__type_is(const tg_error_type *type,
                               const tg_error_type *base)
{
    for (const tg_error_type *t = type; t; t = t->base)
        if (t == base)
            return true;
    /* ExceptionGroup's second base, Exception, is the only way left. */
    if (base != &TG_Exception)
        return false;
    for (const tg_error_type *t = type; t; t = t->base)
        if (t == &TG_ExceptionGroup)
            return true;
    return false;
}

/*
 * The walks over a group read one member after another, each in its own
 * allocation and so a likely cache miss.  Asking for members a few steps
 * ahead lets those misses overlap instead of queueing: on a 1e5-leaf
 * split this is most of the difference between memory latency and
 * memory bandwidth.
 */
enum { TG__PREFETCH_AHEAD = 8 };

static inline void tg__prefetch(const tg_error *g, size_t i)
{
#if defined(__GNUC__)
    if (i < g->n_members)
        __builtin_prefetch(g->members[i], 1);
#else
    (void)g;
    (void)i;
#endif
}

/* Prefetches the first members of g, before a walk enters it. */
static inline void tg__prefetch_start(const tg_error *g)
{
    for (size_t i = 0; i < TG__PREFETCH_AHEAD; i++)
        tg__prefetch(g, i);
}

/* True when e is one of the immortal static errors. */
static inline bool tg__error_is_static(const tg_error *e)
{
    return e->refs == 0;
}

#endif /* TG_ERROR_INTERNAL_H */
