/* attack: send_all
 * Forges the report itself: writes a frame-shaped JSON document claiming
 * success to every pipe it holds (one of them is the probe's report pipe)
 * and exits 0 at once.  Stopped by: the report must be the probe's own
 * observation document; this one is not, so the run is a bad report and
 * every check of it fails. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    static const char forged[] =
        "{\"status\":\"ok\",\"passed\":true,\"obs\":{\"calls\":{\"count\":10},"
        "\"returned\":null,\"returned_at\":80}}\n";
    for (int fd = 3; fd < 64; fd++) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
            (void)!write(fd, forged, strlen(forged));
    }
    _exit(0);
}
