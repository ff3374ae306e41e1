/*
 * alloc.c -- libtg's allocation wrappers with fault injection.  Tests call
 * tg__alloc_fail_after(n) to make the n-th allocation fail and check that
 * every path reports MemoryError and leaks nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_internal.h"

static _Thread_local unsigned long fail_countdown; /* 0: never fail */
static _Thread_local int fail_sticky;
static _Thread_local unsigned long alloc_count;

/* Returns true when this allocation must fail (fault injection). */
static int should_fail(void)
{
    alloc_count++;
    if (fail_countdown == 0)
        return 0;
    if (fail_countdown == 1) {
        if (!fail_sticky)
            fail_countdown = 0;
        return 1;
    }
    fail_countdown--;
    return 0;
}

void tg__alloc_fail_after(unsigned long n, int sticky)
{
    fail_countdown = n;
    fail_sticky = sticky;
}

unsigned long tg__alloc_count(void)
{
    return alloc_count;
}

void *tg__malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *tg__calloc(size_t count, size_t n)
{
    return should_fail() ? NULL : calloc(count ? count : 1, n ? n : 1);
}

void *tg__realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *tg__strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = tg__malloc(len);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

char *tg__vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (len < 0)
        return NULL;
    char *s = tg__malloc((size_t)len + 1);
    if (s)
        vsnprintf(s, (size_t)len + 1, fmt, ap);
    return s;
}

void tg__free(void *p)
{
    free(p);
}
