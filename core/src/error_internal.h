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

typedef struct tg__slab tg__slab; /* see error_slab.c */

/* The fields every walk reads come first, within 32 bytes, and the struct
 * is kept small: a 1e5-leaf group should be a cache-sized object. */
struct tg_error {
    const tg_error_type *type; /* is-a walks type->base */
    size_t refs;               /* 0 marks an immortal static error */
    uint32_t n_members;        /* > 0 exactly for groups */
    uint32_t depth;            /* group nesting below: 0 for a leaf; sizes
                                * the explicit stacks of the walks */
    int line;
    bool suppress_context; /* set by tg_error_from, as "from" does */
    bool held;             /* has been a member, cause or context: only
                            * then can a new link close a cycle */
    bool owns_some;        /* a split part with owned members (most
                            * parts of leaves own none: skip the bitmap) */
    bool small;            /* a TG__ERROR_SMALL block (error_cache.c) */
    const char *message;   /* in the same block as the struct, static, or
                            * (a split part) borrowed from its source */
    const char *file;      /* from __FILE__: static storage, may be NULL */
    tg_error *cause;       /* owned, may be NULL */
    tg_error *context;     /* owned, may be NULL */
    tg_error *pin;         /* a split part: the group it was split from
                            * (owned).  The part owns only the members
                            * the split made for it (flagged in a bitmap
                            * after the members) and borrows the rest,
                            * which pin keeps alive: so neither the split
                            * nor the release touches a leaf's count. */
    tg__slab *slab;        /* a split part: the slab it was cut from
                            * (see error_slab.c); else NULL, and the
                            * error is a malloc block of its own */
    char **notes;          /* each note its own allocation */
    uint32_t n_notes, cap_notes;
    union {
        uint64_t mark;       /* alive: the last cycle walk that saw it */
        tg_error *next_free; /* released: link in the free list */
    } u;
    tg_error *members[]; /* groups only; followed by the members' types
                          * (see tg__member_types) and, for a split part,
                          * its bitmap */
};

/* ---- error_cache.c: recycled blocks for small errors ------------------ */
enum { TG__ERROR_SMALL = 192 }; /* bytes: an error with a short message */
/* A TG__ERROR_SMALL block, recycled if one waits; NULL on OOM. */
void *tg__error_block_get(void);
/* Keeps a released block for the next tg__error_block_get (or frees it). */
void tg__error_block_put(void *p);
void tg__error_block_cache_drop(void);
/* Bounded (outside a run), the cache keeps at most CACHE_MAX blocks and is
 * cut back to that now; unbounded (during a run), it keeps every block
 * released, until the run ends. */
void tg__error_block_cache_bound(bool bounded);
/* Called now and then during a run with the real clock: blocks that
 * waited untaken since the look before last, above the bound, are
 * freed. */
void tg__error_block_cache_tick(uint64_t now_ms);
size_t tg__error_block_cache_count(void); /* for tests */

/* ---- error_slab.c: memory for split parts ----------------------------- */

/* Where one split cuts its parts from.  Zero it to start; end it with
 * tg__slab_arena_end (the parts cut stay valid). */
typedef struct tg__slab_arena {
    tg__slab *cur;    /* the slab being cut, NULL before the first part */
    size_t next_size; /* of the next slab; 0 before the first */
} tg__slab_arena;

/* size bytes for a part, 16-byte aligned, from a's slabs; *slab is set to
 * the slab to give back to tg__slab_free.  NULL on OOM. */
void *tg__slab_alloc(tg__slab_arena *a, size_t size, tg__slab **slab);
/* Releases the size bytes at p that tg__slab_alloc cut from slab. */
void tg__slab_free(tg__slab *slab, void *p, size_t size);
void tg__slab_arena_end(tg__slab_arena *a);
/* Frees the empty slabs kept for the next split (error.c calls it when
 * the last error of the thread is released). */
void tg__slab_cache_drop(void);
/* How many empty slabs wait in the cache: for tests. */
size_t tg__slab_cache_count(void);

/* ---- error.c ------------------------------------------------------------ */

/* Allocates an error of type with room for a msg_len-byte message,
 * n_members member pointers, their types and extra bytes after them (the
 * caller fills all three in before anything can read or release the
 * error), all in one block, so an error costs one allocation: its own
 * malloc block, or when arena is not NULL, a piece of one of the arena's
 * slabs (for split parts only: msg NULL and msg_len 0, as they borrow
 * their message, and extra tg__part_extra(n_members), the size destroy
 * gives back).  The message is copied from msg, or left for the caller to
 * fill in when msg is NULL.  Returns NULL on OOM; counts the error as
 * live. */
tg_error *tg__error_alloc(const tg_error_type *type, const char *msg,
                          size_t msg_len, size_t n_members, size_t extra,
                          tg__slab_arena *arena);

/* A leaf error of type with no message, location or links, in a small
 * block: what every cancelled task is handed (a fail-fast group makes
 * thousands).  NULL when memory runs out. */
tg_error *tg__error_new_leaf(const tg_error_type *type);

/* The bytes of an error block (see tg__error_alloc). */
static inline size_t tg__error_block_size(size_t msg_len, size_t n_members,
                                          size_t extra)
{
    return sizeof(tg_error) + n_members * 2 * sizeof(void *) + extra + msg_len +
           1;
}

/* The extra bytes of a split part: its bitmap of owned members. */
static inline size_t tg__part_extra(size_t n_members)
{
    return (n_members + 7) / 8;
}

/*
 * A group keeps a copy of each member's type beside the member pointers.
 * Types never change, and with the copy a split by type, a projection and
 * a leaf walk read only the groups' own, contiguous blocks, never a leaf:
 * each leaf read would be a cache miss on a big group.
 */
static inline const tg_error_type **tg__member_types(const tg_error *g)
{
    return (const tg_error_type **)(g->members + g->n_members);
}

/* Only groups have group types: tg_error_new refuses them, and groups
 * are always made ExceptionGroup or BaseExceptionGroup. */
static inline bool tg__type_is_group(const tg_error_type *t)
{
    return t == &TG_ExceptionGroup || t == &TG_BaseExceptionGroup;
}

/*
 * A walk over nested groups stalls on each group it enters: the group's
 * header, members and types sit in a block that is rarely cached.  While
 * in member i of g, the walks ask for the block of the group member
 * TG__PREFETCH_AHEAD places further on (known to be a group from the
 * types, without touching it), so that those misses overlap.
 */
enum { TG__PREFETCH_AHEAD = 4, TG__PREFETCH_LINES = 5 };

/* One prefetch.  Inline assembly, not __builtin_prefetch: GCC 12's
 * dead-code elimination drops the builtin in the split loop. */
static inline void tg__prefetch(uintptr_t addr)
{
#if defined(__GNUC__) && defined(__x86_64__)
    __asm__ volatile("prefetcht0 (%0)" : : "r"(addr));
#elif defined(__GNUC__) && defined(__aarch64__)
    __asm__ volatile("prfm pldl1keep, [%0]" : : "r"(addr));
#else
    (void)addr;
#endif
}

static inline void tg__prefetch_group_ahead(const tg_error *g, size_t i)
{
    size_t k = i + TG__PREFETCH_AHEAD;
    if (k < g->n_members && tg__type_is_group(tg__member_types(g)[k])) {
        uintptr_t a = (uintptr_t)g->members[k];
        for (uintptr_t line = 0; line < TG__PREFETCH_LINES; line++)
            tg__prefetch(a + 64 * line);
    }
}

/* Whether group g holds a reference to its i-th member (see pin). */
static inline bool tg__member_owned(const tg_error *g, size_t i)
{
    if (!g->pin)
        return true;
    const unsigned char *owned =
        (const unsigned char *)(tg__member_types(g) + g->n_members);
    return owned[i >> 3] >> (i & 7) & 1;
}

/* An entry of split's lists of parts: a tagged member and its type. */
typedef struct tg__part {
    tg_error *e; /* see tg__tag */
    const tg_error_type *type;
} tg__part;

/* Split's lists of parts tag each entry: bit 0 set means the entry is a
 * reference the list owns, clear means borrowed (kept alive by the group
 * being split).  Errors are at least 8-byte aligned. */
static inline tg_error *tg__tag(tg_error *e, bool owned)
{
    return (tg_error *)((uintptr_t)e | (uintptr_t)owned);
}
static inline tg_error *tg__untag(tg_error *t)
{
    return (tg_error *)((uintptr_t)t & ~(uintptr_t)1);
}
static inline bool tg__tag_owned(tg_error *t)
{
    return (uintptr_t)t & 1;
}

/*
 * Makes a split part of orig: a group with orig's message, notes, cause and
 * context over the n members (tagged, see tg__tag), like CPython's
 * BaseExceptionGroup.derive followed by the metadata copy that split()
 * does; as derive() does, the type is picked again from the members.  The
 * part takes a reference to pin, the group being split, which keeps the
 * borrowed members alive, and takes over the owned ones (sub-parts the
 * caller has already marked held) on success.  Its memory is cut from
 * arena's slabs.  Returns NULL on OOM, and then the caller still owns
 * them.
 */
tg_error *tg__error_group_derive(const tg_error *orig, tg_error *pin,
                                 const tg__part *members, size_t n,
                                 tg__slab_arena *arena);

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
int tg__error_split(tg_error *g, tg_match m, tg_error **match, tg_error **rest);

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

/* True when e is one of the immortal static errors. */
static inline bool tg__error_is_static(const tg_error *e)
{
    return e->refs == 0;
}

/* tg_error_ref, inline for split and derive. */
static inline tg_error *tg__error_ref(tg_error *e)
{
    if (e && !tg__error_is_static(e))
        e->refs++;
    return e;
}

/* tg_error_unref, with the common case inline: not the last reference. */
static inline void tg__error_unref(tg_error *e)
{
    if (e && e->refs > 1)
        e->refs--;
    else
        tg_error_unref(e);
}

#endif /* TG_ERROR_INTERNAL_H */
