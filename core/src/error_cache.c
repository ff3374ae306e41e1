/*
 * error_cache.c -- recycled blocks for small errors.  Raising and
 * cancelling make and release errors all the time (a fail-fast group of
 * ten thousand tasks cancels nine thousand of them, each with its own
 * CancelledError), and malloc plus free was most of that cost.  So an
 * error whose block fits TG__ERROR_SMALL bytes gets a block of exactly
 * that size, and a released one waits in a per-thread free list (bounded)
 * for the next.  A waiting block is poisoned (ASan) or inaccessible
 * (valgrind), so a use after release is still reported.  The list is
 * emptied with the slab cache (see error.c): when the thread's last error
 * is released outside tg_run, or a run ends with none alive, so it never
 * outlives the errors it served.  During a run the list is not bounded:
 * a fail-fast group of a million tasks releases 900000 CancelledErrors
 * together and makes as many again in its next round, and a bound made
 * malloc and the kernel's page faults serve most of them.  The blocks
 * kept are what the run had in use at its peak; the run's end cuts the
 * list back to the bound.
 */
#include "error_internal.h"
#include "poison.h"

/* Blocks kept outside a run, at most: 12 MiB. */
enum { CACHE_MAX = 65536 };

/* A waiting block's first word links it to the next. */
typedef struct block {
    struct block *next;
} block;

static _Thread_local block *cache;
static _Thread_local size_t cache_len;
static _Thread_local bool unbounded; /* a run is on */

void *tg__error_block_get(void)
{
    block *b = cache;
    if (!b)
        return tg__malloc(TG__ERROR_SMALL);
    LINK_OPEN(b, sizeof *b);
    cache = b->next;
    cache_len--;
    UNPOISON(b, TG__ERROR_SMALL);
    /* The next get reads the next block's link: a miss when thousands of
     * blocks wait, unless it is on its way by then. */
    __builtin_prefetch(cache, 1);
    return b;
}

void tg__error_block_put(void *p)
{
    if (cache_len >= CACHE_MAX && !unbounded) {
        tg__free(p);
        return;
    }
    block *b = p;
    b->next = cache;
    cache = b;
    cache_len++;
    POISON(b, TG__ERROR_SMALL);
}

void tg__error_block_cache_bound(bool bounded)
{
    unbounded = !bounded;
    while (bounded && cache_len > CACHE_MAX) {
        block *b = cache;
        LINK_OPEN(b, sizeof *b);
        cache = b->next;
        cache_len--;
        UNPOISON(b, TG__ERROR_SMALL);
        tg__free(b);
    }
}

void tg__error_block_cache_drop(void)
{
    while (cache) {
        block *b = cache;
        LINK_OPEN(b, sizeof *b);
        cache = b->next;
        UNPOISON(b, TG__ERROR_SMALL);
        tg__free(b);
    }
    cache_len = 0;
}

size_t tg__error_block_cache_count(void)
{
    return cache_len;
}
