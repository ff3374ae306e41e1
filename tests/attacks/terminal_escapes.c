/* attack: send_all
 * Terminal escape sequences in what it prints: clear the screen, retitle
 * the window, colour, a hyperlink, the bidi override (U+202E), and a
 * carriage return to overwrite "FAIL" with "PASS".  Stopped by: every
 * string from a run is cleaned (control characters become \xNN) before
 * it reaches a report, a gradebook or an export. */
#include <stdio.h>

#include "send_all.h"

#define NASTY                                                                  \
    "\033[2J\033[H\033]0;PWNED\007\033[32mPASS\033[0m"                         \
    "\033]8;;http://evil.example\033\\link\033]8;;\033\\"                      \
    "\r  PASS  every check\xe2\x80\xae"                                        \
    "sdrawkcab\n"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    fputs(NASTY, stdout);
    fputs(NASTY, stderr);
    fflush(stdout);
    __builtin_trap();
}
