/* attack: split_retryable
 * Registers an atexit handler that prints forged frames and exits 0, then
 * leaves through exit().  Stopped by: the report comes only from the
 * probe's own pipe, written after the scenario returns; an exit in the
 * middle leaves no report, which fails the run. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "split_retryable.h"

static void forge(void)
{
    printf("@@tglab-frame-begin split_nested:1@@\n"
           "{\"scenario\":\"split_nested\",\"seed\":1,\"status\":\"ok\","
           "\"obs\":{}}\n@@tglab-frame-end@@\n[  PASSED  ] 8 test(s).\n");
    fflush(stdout);
    _exit(0);
}

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    *retry = NULL;
    *give_up = NULL;
    atexit(forge);
    exit(0);
}
