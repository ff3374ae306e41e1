/*
 * error_slab.c -- the memory of the parts that split makes.  Splitting a
 * big group makes one part per subgroup it cuts (2e4 for 1e5 leaves in
 * groups of ten); with one malloc and one free each, and glibc handing the
 * freed megabytes back to the kernel after every split so that the next
 * one faults every page in again, memory management cost more than the
 * split itself.  So a split carves its parts out of slabs: blocks that
 * double from 1 KiB to 64 KiB, cut front to back, and freed when the last
 * part in them is released.  Empty full-size slabs wait in a per-thread
 * cache (at most 8 MiB) for the next split; the cache is emptied as soon
 * as no error is alive in the thread, so it never outlives the errors it
 * served and valgrind and LeakSanitizer find nothing left at exit.  A
 * released part is poisoned (ASan) or made inaccessible (valgrind), so a
 * use after release is still reported although its slab lives on.
 */
#include <assert.h>
#include <stdint.h>

#include "error_internal.h"
#include "poison.h"

enum {
    SLAB_FIRST = 1 << 10, /* a small split wastes little */
    SLAB_MAX = 1 << 16,   /* below glibc's mmap threshold: no syscall */
    CACHE_MAX = 128,      /* full-size slabs kept: 8 MiB */
};

struct tg__slab {
    size_t live; /* parts not yet released, plus 1 while an arena cuts */
    size_t size; /* of the whole block, this header included */
    size_t used; /* bytes cut so far, this header included */
    tg__slab *next_cached;
};

/* Parts start 16-byte aligned: tg__tag needs bit 0 free, and ASan poisons
 * in 8-byte granules. */
#define ALIGN_UP(n) (((n) + 15) & ~(size_t)15)
#define HEADER ALIGN_UP(sizeof(tg__slab))

static _Thread_local tg__slab *cache; /* empty full-size slabs */
static _Thread_local size_t cache_len;

/* A slab of size bytes with nothing cut yet and the arena's reference;
 * NULL on OOM. */
static tg__slab *slab_new(size_t size)
{
    tg__slab *s;
    if (size == SLAB_MAX && cache) {
        s = cache;
        cache = s->next_cached;
        cache_len--;
    } else {
        s = tg__malloc(size);
        if (!s)
            return NULL;
        POISON((char *)s + HEADER, size - HEADER);
    }
    s->live = 1;
    s->size = size;
    s->used = HEADER;
    s->next_cached = NULL;
    return s;
}

/* Drops one reference to s: a part or the arena's. */
static void slab_unref(tg__slab *s)
{
    assert(s->live > 0);
    if (--s->live > 0)
        return;
    if (s->size == SLAB_MAX && cache_len < CACHE_MAX) {
        s->next_cached = cache;
        cache = s;
        cache_len++;
        return; /* the parts were poisoned one by one, the header stays */
    }
    UNPOISON(s, s->size);
    tg__free(s);
}

void *tg__slab_alloc(tg__slab_arena *a, size_t size, tg__slab **slab)
{
    size = ALIGN_UP(size);
    tg__slab *s = a->cur;
    if (!s || s->size - s->used < size) {
        if (a->next_size == 0)
            a->next_size = SLAB_FIRST;
        if (HEADER + size > a->next_size) {
            /* Too big for the slab size we are at: a slab of its own,
             * which leaves the current one to go on with. */
            s = slab_new(HEADER + size);
            if (!s)
                return NULL;
            s->used = s->size; /* nothing else fits in it */
            *slab = s;
            UNPOISON((char *)s + HEADER, size);
            return (char *)s + HEADER; /* the arena's reference is the part's */
        }
        s = slab_new(a->next_size);
        if (!s)
            return NULL;
        if (a->next_size < SLAB_MAX)
            a->next_size *= 2;
        if (a->cur)
            slab_unref(a->cur);
        a->cur = s;
    }
    void *p = (char *)s + s->used;
    s->used += size;
    s->live++;
    *slab = s;
    UNPOISON(p, size);
    return p;
}

void tg__slab_free(tg__slab *s, void *p, size_t size)
{
    POISON(p, ALIGN_UP(size));
    slab_unref(s);
}

void tg__slab_arena_end(tg__slab_arena *a)
{
    if (a->cur)
        slab_unref(a->cur);
    a->cur = NULL;
}

void tg__slab_cache_drop(void)
{
    while (cache) {
        tg__slab *s = cache;
        cache = s->next_cached;
        UNPOISON(s, SLAB_MAX);
        tg__free(s);
    }
    cache_len = 0;
}

size_t tg__slab_cache_count(void)
{
    return cache_len;
}
