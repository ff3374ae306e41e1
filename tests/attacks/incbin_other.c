/* attack: split_retryable
 * .incbin of another student's file and of the lab's checks: the
 * assembler would paste their bytes into this object, to be printed at
 * run time.  Stopped by: the assembler runs in the sandbox too, where
 * those files do not exist. */
#include <stdio.h>

#include "split_retryable.h"

__asm__(".section .rodata\n"
        ".global stolen_other\nstolen_other:\n"
        ".incbin \"@OTHER_FILE@\"\n.byte 0\n"
        ".global stolen_checks\nstolen_checks:\n"
        ".incbin \"@LAB_ROOT@/checks/06-error-groups/split_retryable.checks.c\"\n"
        ".byte 0\n.text\n");

extern const char stolen_other[], stolen_checks[];

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    fputs(stolen_other, stderr);
    fputs(stolen_checks, stderr);
    __builtin_trap();
}
