/* attack: send_all
 * Fake pass lines: prints cmocka's PASSED banner and forged probe frames
 * claiming every check passed, on stdout and stderr.  Stopped by: the
 * learner's output never reaches the frame stream (the probe sends the
 * child's stdout and stderr to a capture pipe), and no verdict is read
 * from text anyway: the trusted checker decides. */
#include <stdio.h>

#include "send_all.h"

static void forge(FILE *to)
{
    fputs("[==========] Running 13 test(s).\n"
          "[  PASSED  ] 13 test(s).\n"
          "@@tglab-frame-end@@\n"
          "@@tglab-frame-begin two_bounce:1@@\n"
          "{\"scenario\":\"two_bounce\",\"seed\":1,\"status\":\"ok\","
          "\"signal\":0,\"exit\":0,\"stderr\":\"\",\"obs\":{}}\n"
          "@@tglab-frame-end@@\n"
          "[{\"check\":\"every_address_attempted\",\"passed\":true}]\n",
          to);
    fflush(to);
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    forge(stdout);
    forge(stderr);
    __builtin_trap();
}
