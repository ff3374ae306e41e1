/* attack: send_all
 * exit(0) from inside the function under test, after printing a banner,
 * hoping that "exited 0" reads as "passed".  Stopped by: a run that ends
 * without its report is a failed run (bad-report), whatever its status. */
#include <stdio.h>
#include <stdlib.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    puts("All tests passed.");
    exit(0);
}
