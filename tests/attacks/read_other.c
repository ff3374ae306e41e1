/* attack: send_all
 * At run time: reads another student's file by absolute path, lists the
 * submissions folder, and walks the whole visible file system for the
 * marker other students' files hold, printing whatever it finds.  Stopped
 * by: the sandbox shows only /usr, a private /tmp and this submission. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "send_all.h"

static void dump(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
        buf[n] = '\0';
        if (strstr(buf, "SECRET"))
            fprintf(stderr, "FOUND %s: %s\n", path, buf);
    }
}

static void walk(const char *dir, int depth)
{
    if (depth > 6 || !strncmp(dir, "/proc", 5) || !strncmp(dir, "/sys", 4) ||
        !strncmp(dir, "/usr", 4))
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", strcmp(dir, "/") ? dir : "",
                 e->d_name);
        struct stat st;
        if (lstat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(p, depth + 1);
        else if (S_ISREG(st.st_mode))
            dump(p);
    }
    closedir(d);
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    dump("@OTHER_FILE@");
    dump("../honest_a/send_all.c");
    walk("@SUBMISSIONS@", 0);
    walk("/", 0);
    __builtin_trap();
}
