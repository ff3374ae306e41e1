/* attack: split_retryable
 * Sleeps forever in the kernel (no CPU used, so RLIMIT_CPU never fires).
 * Stopped by: the wall clock of each run. */
#include <sys/prctl.h>
#include <unistd.h>

#include "split_retryable.h"

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    prctl(PR_SET_NAME, "atk-sleep", 0, 0, 0);
    for (;;)
        pause();
}
