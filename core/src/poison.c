/*
 * poison.c -- whether valgrind is watching, asked once (see poison.h).
 */
#include "poison.h"

#ifndef TG_ASAN
int tg__on_valgrind_cached = -1;

int tg__on_valgrind_slow(void)
{
    tg__on_valgrind_cached = RUNNING_ON_VALGRIND ? 1 : 0;
    return tg__on_valgrind_cached;
}
#endif
