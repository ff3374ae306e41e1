/*
 * poison.c -- whether valgrind is watching, asked once (see poison.h).
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
#endif
