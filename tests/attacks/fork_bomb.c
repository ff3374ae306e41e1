/* attack: send_all
 * Fork bomb: every process forks until the kernel refuses, then waits.
 * Stopped by: a process limit for the sandbox's own uid (each parallel job
 * has its own), a wall clock, and the pid namespace, whose end kills every
 * process in it. */
#include <sys/prctl.h>
#include <unistd.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    prctl(PR_SET_NAME, "atk-bomb", 0, 0, 0);
    for (;;)
        if (fork() < 0)
            pause();
}
