/* attack: split_retryable
 * Freezes the probe driver (SIGSTOP to its parent) so that nobody is left
 * to enforce the per-run timeout, then sleeps forever, hoping to hold its
 * sandbox, and a grading slot, for as long as the jail's outer clock.
 * Stopped by: seccomp refuses signals to the driver, or else the run's
 * outer wall clock ends the whole sandbox; either way the job finishes. */
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "split_retryable.h"

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    prctl(PR_SET_NAME, "atk-stop", 0, 0, 0);
    kill(getppid(), SIGSTOP);
    for (;;)
        pause();
}
