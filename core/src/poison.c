/*
 * poison.c -- whether valgrind is watching, asked once, and its requests,
 * out of line (see poison.h).
 */
#include "poison.h"

#ifndef TG_ASAN
_Atomic int tg__on_valgrind_cached = -1;

int tg__on_valgrind_slow(void)
{
    int on = RUNNING_ON_VALGRIND ? 1 : 0;
    atomic_store_explicit(&tg__on_valgrind_cached, on, memory_order_relaxed);
    return on;
}

void tg__valgrind_noaccess(const void *p, size_t n)
{
    VALGRIND_MAKE_MEM_NOACCESS(p, n);
}

void tg__valgrind_undefined(const void *p, size_t n)
{
    VALGRIND_MAKE_MEM_UNDEFINED(p, n);
}

void tg__valgrind_defined(const void *p, size_t n)
{
    VALGRIND_MAKE_MEM_DEFINED(p, n);
}
#endif
