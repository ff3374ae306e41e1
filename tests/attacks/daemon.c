/* attack: send_all
 * A daemon that outlives its test: double fork, a new session (out of the
 * run's process group), then a loop that keeps writing, to the sandbox's
 * /tmp and to a host folder.  Stopped by: the pid namespace -- when the
 * sandbox's init exits, the kernel kills every process inside, session or
 * not -- and the sandbox's file system view. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            prctl(PR_SET_NAME, "atk-daemon", 0, 0, 0);
            for (int i = 0;; i++) {
                int fd = open("@CANARY_DIR@/daemon-canary",
                              O_WRONLY | O_CREAT | O_APPEND, 0644);
                if (fd >= 0) {
                    dprintf(fd, "still alive %d\n", i);
                    close(fd);
                }
                fd = open("/tmp/daemon-alive", O_WRONLY | O_CREAT, 0644);
                if (fd >= 0)
                    close(fd);
                sleep(1);
            }
        }
        _exit(0);
    }
    __builtin_trap();
}
