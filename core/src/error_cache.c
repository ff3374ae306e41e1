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
 * kept are what the run had in use at its peak, for as long as they are
 * used again: blocks that wait a whole TRIM_PERIOD_MS untaken go back to
 * malloc (down to the bound), so a run that once had a million errors
 * does not keep their memory for the rest of its life.  The run's end
 * cuts the list back to the bound.
 */
#include <stdint.h>

#include "error_internal.h"
#include "poison.h"

/* Blocks kept outside a run, at most: 12 MiB. */
enum { CACHE_MAX = 65536 };
/* How long blocks may wait untaken, above the bound, during a run. */
enum { TRIM_PERIOD_MS = 1000 };

/* A waiting block's first word links it to the next. */
typedef struct block {
    struct block *next;
} block;

static _Thread_local block *cache;
static _Thread_local size_t cache_len;
static _Thread_local bool unbounded; /* a run is on */
static _Thread_local size_t low_water; /* fewest waiting since last look */
static _Thread_local uint64_t looked_at_ms;

void *tg__error_block_get(void)
{
    block *b = cache;
    if (!b)
        return tg__malloc(TG__ERROR_SMALL);
    LINK_OPEN(b, sizeof *b);
    cache = b->next;
    if (--cache_len < low_water)
        low_water = cache_len;
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

/* Frees waiting blocks until at most keep wait. */
static void cut_to(size_t keep)
{
    while (cache_len > keep) {
        block *b = cache;
        LINK_OPEN(b, sizeof *b);
        cache = b->next;
        cache_len--;
        UNPOISON(b, TG__ERROR_SMALL);
        tg__free(b);
    }
    if (low_water > cache_len)
        low_water = cache_len;
}

void tg__error_block_cache_bound(bool bounded)
{
    unbounded = !bounded;
    if (bounded)
        cut_to(CACHE_MAX);
}

void tg__error_block_cache_tick(uint64_t now_ms)
{
    if (now_ms - looked_at_ms < TRIM_PERIOD_MS)
        return;
    looked_at_ms = now_ms;
    /* low_water blocks were never taken since the last look. */
    if (low_water > CACHE_MAX)
        cut_to(cache_len - (low_water - CACHE_MAX));
    low_water = cache_len;
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
    low_water = 0;
}

size_t tg__error_block_cache_count(void)
{
    return cache_len;
}
