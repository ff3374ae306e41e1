/* attack: split_retryable
 * Thousands of files: 20000 in /tmp, /dev/shm, the working directory and
 * the submission's folder.  Stopped by: the probe's /work is read-only,
 * /tmp and /dev/shm are private, size-limited tmpfs that vanish with the
 * sandbox, and RLIMIT_FSIZE caps each file. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "split_retryable.h"

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    const char *dirs[] = {"/tmp", "/dev/shm", ".", "/work"};
    for (int d = 0; d < 4; d++)
        for (int i = 0; i < 5000; i++) {
            char p[256];
            snprintf(p, sizeof p, "%s/atk-file-%d", dirs[d], i);
            int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0)
                break;
            if (write(fd, p, 64) < 0)
                break;
            close(fd);
        }
    __builtin_trap();
}
