/* attack: send_all
 * #include by absolute path of the lab's checks source, which holds the
 * expected values, and of a host file.  Stopped by: the compiler runs in
 * the sandbox, where neither path exists. */
#include "@LAB_ROOT@/checks/01-task-groups/send_all.checks.c"
#include "/etc/shadow"

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    __builtin_trap();
}
