/*
 * error_set.c -- a set of error addresses (open addressing, linear probing,
 * grows at half load).  Errors are compared by identity in two places that
 * follow CPython: except* projects re-raised leaves back onto the original
 * by leaf identity, and the renderer skips causes and contexts it has
 * already shown, as the traceback module's _seen set does.
 */
#include <stdint.h>

#include "error_internal.h"

static size_t slot_of(const void *p, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)p >> 4;
    return (size_t)((h * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & mask;
}

/* Inserts without growing; the caller keeps the load below one half. */
static bool insert(tg__ptrset *s, const void *p)
{
    size_t i = slot_of(p, s->mask);
    while (s->slots[i]) {
        if (s->slots[i] == p)
            return false;
        i = (i + 1) & s->mask;
    }
    s->slots[i] = p;
    s->len++;
    return true;
}

int tg__ptrset_init(tg__ptrset *s, size_t expected)
{
    size_t cap = 16;
    while (cap < 2 * expected)
        cap *= 2;
    s->slots = tg__calloc(cap, sizeof *s->slots);
    s->mask = cap - 1;
    s->len = 0;
    return s->slots ? 0 : -1;
}

void tg__ptrset_free(tg__ptrset *s)
{
    tg__free(s->slots);
    s->slots = NULL;
}

int tg__ptrset_add(tg__ptrset *s, const void *p)
{
    if (2 * (s->len + 1) > s->mask + 1) {
        tg__ptrset bigger;
        if (tg__ptrset_init(&bigger, 2 * (s->len + 1)) < 0)
            return -1;
        for (size_t i = 0; i <= s->mask; i++)
            if (s->slots[i])
                insert(&bigger, s->slots[i]);
        tg__free(s->slots);
        *s = bigger;
    }
    return insert(s, p) ? 1 : 0;
}

bool tg__ptrset_has(const tg__ptrset *s, const void *p)
{
    size_t i = slot_of(p, s->mask);
    while (s->slots[i]) {
        if (s->slots[i] == p)
            return true;
        i = (i + 1) & s->mask;
    }
    return false;
}
