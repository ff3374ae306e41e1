/* attack: send_all
 * An infinite loop that never reaches a suspension point.  Stopped by:
 * the probe's per-run wall clock (and RLIMIT_CPU); the run is "timeout",
 * the other runs and students go on. */
#include <sys/prctl.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    prctl(PR_SET_NAME, "atk-spin", 0, 0, 0);
    for (volatile unsigned long i = 0;; i++)
        ;
}
