/* attack: send_all
 * Redefines cmocka's assertion and runner functions so that, were the
 * checks linked in the same process, every assertion would pass.  Stopped
 * by: checks never run in the learner's process (the checker is a
 * separate, trusted program), and the symbol check refuses definitions of
 * names outside the exercise's functions. */
#include <stddef.h>

#include "send_all.h"

void _assert_int_equal(unsigned long a, unsigned long b, const char *file,
                       int line);
void _assert_int_equal(unsigned long a, unsigned long b, const char *file,
                       int line)
{
    (void)a, (void)b, (void)file, (void)line;
}

int _cmocka_run_group_tests(const char *name, const void *tests, size_t n,
                            void *setup, void *teardown);
int _cmocka_run_group_tests(const char *name, const void *tests, size_t n,
                            void *setup, void *teardown)
{
    (void)name, (void)tests, (void)n, (void)setup, (void)teardown;
    return 0;
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    __builtin_trap();
}
