/* attack: split_retryable
 * Writes outside its sandbox: into the lab's tree, the submissions folder,
 * another student's folder, a host folder, home directories and /etc.
 * Stopped by: none of those paths exist in the sandbox; / is read-only
 * and the probe's /work too. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "split_retryable.h"

static void drop(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        dprintf(fd, "written from a sandbox\n");
        close(fd);
        fprintf(stderr, "WROTE %s\n", path);
    }
}

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    drop("@LAB_ROOT@/attack-canary");
    drop("@SUBMISSIONS@/attack-canary");
    drop("@OTHER_DIR@/split_retryable.c");
    drop("@CANARY_DIR@/write-canary");
    drop("/root/attack-canary");
    drop("/etc/attack-canary");
    drop("/work/attack-canary");
    drop("../attack-canary");
    __builtin_trap();
}
