/*
 * error.c -- the error object itself: creation, reference counting, notes,
 * cause and context, the per-thread live count, and the three immortal
 * static errors that stand in when memory runs out.  Errors are immutable
 * apart from their notes and links, so sharing one between groups (as split
 * does) is safe.  Releasing is iterative, so a long chain of causes or a
 * wide group never recurses deeply.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_internal.h"

static _Thread_local size_t live_count;   /* non-static errors alive */
static _Thread_local tg_error *free_head; /* errors waiting to be freed */
static _Thread_local bool freeing;        /* a drain loop is running */
static _Thread_local bool caches_held;    /* a run is on: keep them */

static void caches_drop(void)
{
    tg__slab_cache_drop();
    tg__error_block_cache_drop();
}

/* refs == 0 makes these immortal: never counted, never changed. */
static tg_error oom_error = {.type = &TG_MemoryError,
                             .message = "out of memory"};
static tg_error not_done_error = {.type = &TG_RuntimeError,
                                  .message = "the task is not done yet"};
static tg_error cancelled_error = {.type = &TG_CancelledError, .message = ""};

tg_error *tg__error_oom(void)
{
    return &oom_error;
}

tg_error *tg__error_not_done(void)
{
    return &not_done_error;
}

tg_error *tg__error_cancelled_static(void)
{
    return &cancelled_error;
}

/* A new field of tg_error must be set in error_init. */
_Static_assert(sizeof(void *) != 8 || sizeof(tg_error) == 104,
               "tg_error changed: set the new field in error_init");

/* Sets every field of a new error, one by one (a part reuses slab
 * memory): zeroing the struct first compiles to a rep stos (GCC 12, -O2)
 * that costs a split ~20% more than these stores.  The members, their
 * types and the extra bytes are the caller's to fill in. */
static inline void error_init(tg_error *e, const tg_error_type *type,
                              const char *text, size_t n_members, bool small,
                              tg__slab *slab)
{
    e->type = type;
    e->refs = 1;
    e->n_members = (uint32_t)n_members;
    e->depth = 0;
    e->line = 0;
    e->suppress_context = false;
    e->held = false;
    e->owns_some = false;
    e->small = small;
    e->message = text;
    e->file = NULL;
    e->cause = NULL;
    e->context = NULL;
    e->pin = NULL;
    e->slab = slab;
    e->notes = NULL;
    e->n_notes = 0;
    e->cap_notes = 0;
    e->u.mark = 0;
    live_count++;
}

tg_error *tg__error_alloc(const tg_error_type *type, const char *msg,
                          size_t msg_len, size_t n_members, size_t extra,
                          tg__slab_arena *arena)
{
    assert(!arena ||
           (!msg && msg_len == 0 && extra == tg__part_extra(n_members)));
    size_t members_size = n_members * 2 * sizeof(void *) + extra;
    size_t size = tg__error_block_size(msg_len, n_members, extra);
    tg__slab *slab = NULL;
    bool small = !arena && size <= TG__ERROR_SMALL;
    tg_error *e = arena   ? tg__slab_alloc(arena, size, &slab)
                  : small ? tg__error_block_get()
                          : tg__malloc(size);
    if (!e)
        return NULL;
    char *text = (char *)e->members + members_size;
    if (msg && msg_len)
        memcpy(text, msg, msg_len);
    text[msg_len] = '\0';
    error_init(e, type, text, n_members, small, slab);
    return e;
}

tg_error *tg__error_new_leaf(const tg_error_type *type)
{
    tg_error *e = tg__error_block_get();
    if (!e)
        return NULL;
    char *text = (char *)e->members;
    text[0] = '\0';
    error_init(e, type, text, 0, true, NULL);
    return e;
}

tg_error *tg_error_newv_at(const char *file, int line,
                           const tg_error_type *type, const char *fmt,
                           va_list ap)
{
    if (!type)
        return tg_error_new_at(file, line, &TG_TypeError,
                               "tg_error_new: the error type is NULL");
    if (tg_type_is(type, &TG_BaseExceptionGroup))
        return tg_error_new_at(file, line, &TG_TypeError,
                               "%s needs its sub-errors: make it with "
                               "tg_error_group_new",
                               type->name);
    /* Raising is common (every cancelled task makes a CancelledError), so
     * format once: a plain string or a lone "%s" is copied as is, and a
     * short message is formatted on the stack and copied; only a long
     * one is measured first and formatted in place. */
    const char *text = fmt ? fmt : "";
    size_t len;
    char buf[256];
    va_list ap2;
    va_copy(ap2, ap);
    if (fmt && strcmp(fmt, "%s") == 0) {
        text = va_arg(ap2, const char *);
        if (!text)
            text = "(null)"; /* as glibc's printf */
        len = strlen(text);
    } else if (!fmt || !strchr(fmt, '%')) {
        len = strlen(text);
    } else {
        int n = vsnprintf(buf, sizeof buf, fmt, ap2);
        if (n < 0)
            n = 0; /* an encoding error: keep the error, lose the text */
        text = (size_t)n < sizeof buf ? buf : NULL;
        len = (size_t)n;
    }
    va_end(ap2);
    tg_error *e = tg__error_alloc(type, text, len, 0, 0, NULL);
    if (!e)
        return &oom_error;
    if (!text)
        vsnprintf((char *)e->message, len + 1, fmt, ap);
    e->file = file;
    e->line = line;
    return e;
}

tg_error *tg__error_oom_with_context(tg_error *g)
{
    static const char text[] = "out of memory";
    tg_error *e =
        tg__error_alloc(&TG_MemoryError, text, sizeof text - 1, 0, 0, NULL);
    if (!e)
        return &oom_error;
    tg__error_set_context_raw(e, tg_error_ref(g));
    return e;
}

tg_error *tg_error_new_at(const char *file, int line, const tg_error_type *type,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tg_error *e = tg_error_newv_at(file, line, type, fmt, ap);
    va_end(ap);
    return e;
}

tg_error *tg_error_ref(tg_error *e)
{
    return tg__error_ref(e);
}

/* Drops a reference that an error being destroyed held: e goes on the
 * free list when it was the last.  Inline, as most links are NULL or
 * still held elsewhere. */
static inline void drop(tg_error *e)
{
    if (e && !tg__error_is_static(e) && --e->refs == 0) {
        e->u.next_free = free_head;
        free_head = e;
    }
}

/* Frees e's notes and its block: the end of destroy, and all there is
 * to do for an error that holds no other error. */
static void release(tg_error *e)
{
    if (e->notes) {
        for (size_t i = 0; i < e->n_notes; i++)
            tg__free(e->notes[i]);
        tg__free(e->notes);
    }
    if (e->slab) /* a split part, with no message of its own */
        tg__slab_free(e->slab, e,
                      tg__error_block_size(0, e->n_members,
                                           tg__part_extra(e->n_members)));
    else if (e->small)
        tg__error_block_put(e);
    else
        tg__free(e);
    /* The thread's last error is gone: the cached slabs and blocks go too,
     * so they never outlive the errors they served.  Inside a run errors
     * come and go in waves (a group's are released together), so the
     * caches stay until the run ends. */
    if (--live_count == 0 && !caches_held)
        caches_drop();
}

/* Frees one error whose count reached zero; its links go to the free list,
 * so this never recurses.  The members are let go last to first: the free
 * list is a stack, so the first member is freed next, then its own first
 * member, and so on, each soon after drop touched it. */
static void destroy(tg_error *e)
{
    drop(e->cause);
    drop(e->context);
    if (e->pin) {
        /* A split part: only its own sub-parts are references. */
        for (size_t i = e->owns_some ? e->n_members : 0; i-- > 0;)
            if (tg__member_owned(e, i))
                drop(e->members[i]);
        drop(e->pin);
    } else {
        for (size_t i = e->n_members; i-- > 0;)
            drop(e->members[i]);
    }
    release(e);
}

void tg__error_caches_hold(bool hold)
{
    caches_held = hold;
    tg__error_block_cache_bound(!hold);
    if (!hold && live_count == 0)
        caches_drop();
}

void tg_error_unref(tg_error *e)
{
    if (!e || tg__error_is_static(e))
        return;
    assert(e->refs > 0);
    if (--e->refs > 0)
        return;
    if (!e->cause && !e->context && !e->pin && !e->n_members && !freeing) {
        release(e); /* most are: they hold no other error */
        return;
    }
    e->u.next_free = free_head; /* a stack: see destroy */
    free_head = e;
    if (freeing)
        return; /* the loop below, further up the stack, will get to it */
    freeing = true;
    while ((e = free_head) != NULL) {
        free_head = e->u.next_free;
        destroy(e);
    }
    freeing = false;
}

size_t tg_error_live_count(void)
{
    return live_count;
}

bool tg_error_is(const tg_error *e, const tg_error_type *type)
{
    return e && tg_type_is(e->type, type);
}

const tg_error_type *tg_error_type_of(const tg_error *e)
{
    return e ? e->type : NULL;
}

const char *tg_error_type_name(const tg_error *e)
{
    return e ? e->type->name : "NULL";
}

const char *tg_error_message(const tg_error *e)
{
    return e ? e->message : "";
}

const char *tg_error_file(const tg_error *e)
{
    return e ? e->file : NULL;
}

int tg_error_line(const tg_error *e)
{
    return e ? e->line : 0;
}

/*
 * Appends a formatted note.  Static errors are shared by every thread and
 * take no notes.  When memory runs out the note is dropped: a note is
 * commentary, and failing the caller over it would lose the error itself.
 */
void tg_error_add_note(tg_error *e, const char *fmt, ...)
{
    if (!e || tg__error_is_static(e) || !fmt)
        return;
    if (e->n_notes == e->cap_notes) {
        uint32_t cap = e->cap_notes ? 2 * e->cap_notes : 2;
        if (cap < e->cap_notes)
            return; /* four billion notes: enough */
        char **notes = tg__realloc(e->notes, cap * sizeof *notes);
        if (!notes)
            return;
        e->notes = notes;
        e->cap_notes = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *note = tg__vasprintf(fmt, ap);
    va_end(ap);
    if (note)
        e->notes[e->n_notes++] = note;
}

size_t tg_error_note_count(const tg_error *e)
{
    return e ? e->n_notes : 0;
}

const char *tg_error_note_at(const tg_error *e, size_t i)
{
    return e && i < e->n_notes ? e->notes[i] : NULL;
}

/* ---- links -------------------------------------------------------------
 * libtg has no cycle collector, so a cause or context that would make e
 * reachable from itself is refused (dropped) instead of leaking both. */

static _Thread_local uint64_t walk_mark; /* generation of the latest walk */

/*
 * True when target can be reached from `from` through members, causes and
 * contexts (or when we cannot tell because memory ran out: refusing a link
 * loses less than a leak).  Uses an explicit stack, so chains of any length
 * are fine, and marks, so a shared subgroup is visited once.
 */
static bool reaches(tg_error *from, const tg_error *target)
{
    size_t cap = 16, n = 0;
    tg_error **stack = tg__malloc(cap * sizeof *stack);
    if (!stack)
        return true;
    uint64_t mark = ++walk_mark;
    bool found = false;
    stack[n++] = from;
    while (n > 0) {
        tg_error *e = stack[--n];
        if (!e || tg__error_is_static(e) || e->u.mark == mark)
            continue;
        if (e == target) {
            found = true;
            break;
        }
        e->u.mark = mark;
        size_t need = n + e->n_members + 3;
        if (need > cap) {
            while (cap < need)
                cap *= 2;
            tg_error **grown = tg__realloc(stack, cap * sizeof *stack);
            if (!grown) {
                found = true;
                break;
            }
            stack = grown;
        }
        for (size_t i = 0; i < e->n_members; i++)
            stack[n++] = e->members[i];
        stack[n++] = e->cause;
        stack[n++] = e->context;
        stack[n++] = e->pin;
    }
    tg__free(stack);
    return found;
}

/* True when linking e -> link would close a reference cycle.  An error no
 * other error has ever held cannot be reached from anything, which makes
 * the usual case (linking a fresh error) free. */
static bool would_cycle(tg_error *e, tg_error *link)
{
    if (!link || tg__error_is_static(link) || tg__error_is_static(e))
        return false;
    if (link == e)
        return true;
    return e->held && reaches(link, e);
}

tg_error *tg_error_from(tg_error *e, tg_error *cause)
{
    if (!e || tg__error_is_static(e) || would_cycle(e, cause)) {
        tg_error_unref(cause);
        if (e && !tg__error_is_static(e))
            e->suppress_context = true;
        return e;
    }
    tg_error_unref(e->cause);
    e->cause = cause;
    e->suppress_context = true;
    if (cause && !tg__error_is_static(cause))
        cause->held = true;
    return e;
}

tg_error *tg_error_cause(const tg_error *e)
{
    return e ? e->cause : NULL;
}

void tg__error_set_context_raw(tg_error *e, tg_error *context)
{
    tg_error *old = e->context;
    e->context = context;
    if (context && !tg__error_is_static(context))
        context->held = true;
    tg_error_unref(old);
}

void tg_error_set_context(tg_error *e, tg_error *context)
{
    if (!e || tg__error_is_static(e) || would_cycle(e, context)) {
        tg_error_unref(context);
        return;
    }
    tg__error_set_context_raw(e, context);
}

tg_error *tg_error_context(const tg_error *e)
{
    return e ? e->context : NULL;
}

bool tg_error_suppress_context(const tg_error *e)
{
    return e && e->suppress_context;
}
