/* attack: send_all
 * Output flood: 64 MiB on stdout and on stderr.  Stopped by: the probe
 * keeps only the head and tail of a run's output, the pipeline caps what
 * it reads from every process, and the gradebook stores a few KiB. */
#include <string.h>
#include <unistd.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    static char line[65536];
    memset(line, 'A', sizeof line);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 1024; i++) {
        if (write(1, line, sizeof line) < 0)
            break;
        if (write(2, line, sizeof line) < 0)
            break;
    }
    __builtin_trap();
}
