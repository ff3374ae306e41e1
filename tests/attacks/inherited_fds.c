/* attack: send_all
 * Inherited descriptors: reads from and writes to every descriptor from 3
 * up, hoping for the grader's gradebook, a checker pipe or a terminal.
 * Stopped by: the sandbox passes only 0-2 (and the probe's own pipes are
 * close-on-exec in the driver and private to each run). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    for (int fd = 3; fd < 1024; fd++) {
        if (fcntl(fd, F_GETFD) < 0)
            continue;
        char link[64], target[512] = "";
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t t = readlink(link, target, sizeof target - 1);
        if (t > 0)
            target[t] = '\0';
        char buf[4096];
        ssize_t r = read(fd, buf, sizeof buf - 1);
        if (r > 0) {
            buf[r] = '\0';
            fprintf(stderr, "fd %d (%s) gave: %s\n", fd, target, buf);
        }
        ssize_t w = write(fd, "PWNED\n", 6);
        fprintf(stderr, "fd %d (%s) writable: %zd\n", fd, target, w);
    }
    __builtin_trap();
}
