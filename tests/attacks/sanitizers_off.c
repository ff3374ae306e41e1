/* attack: send_all
 * Turns the sanitizers off from inside: default options with leak
 * detection disabled, LeakSanitizer told it is off, UBSan told to carry
 * on.  Stopped by: the symbol check refuses every sanitizer name. */
#include "send_all.h"

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0:halt_on_error=0";
}

int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
    return 1;
}

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=0";
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    __builtin_trap();
}
