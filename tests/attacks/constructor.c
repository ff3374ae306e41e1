/* attack: send_all
 * A constructor (and a destructor) that would run before main and print a
 * fake banner, or exit early.  Stopped by: the symbol check refuses any
 * object with .init_array/.fini_array/.ctors sections before linking. */
#include <stdio.h>
#include <stdlib.h>

#include "send_all.h"

__attribute__((constructor)) static void early(void)
{
    puts("[  PASSED  ] 13 test(s).");
    exit(0);
}

__attribute__((destructor)) static void late(void)
{
    puts("[  PASSED  ] 13 test(s).");
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    __builtin_trap();
}
