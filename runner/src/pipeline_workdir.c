/*
 * pipeline_workdir.c -- removing the private work directories a check
 * makes in $TMPDIR (lab-check.XXXXXX): its own when it ends, and those
 * left behind by a lab that was killed (kill -9, a power cut) so that they
 * do not pile up.  A directory is left behind when it is ours and has not
 * changed for an hour: every step of a check has a wall-clock limit of
 * seconds, so no live check keeps one that long.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pipeline_internal.h"

#define WORKDIR_PREFIX "lab-check."
#define STALE_AFTER_S 3600

/* Removes dir's content and dir, never following a symlink; makes
 * directories the sandbox left unreadable readable first. */
static void remove_tree_at(int parent, const char *name)
{
    int fd =
        openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) {
        fchmodat(parent, name, 0700, 0);
        fd = openat(parent, name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
        unlinkat(parent, name, 0);
        return;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(fd, e->d_name, 0) != 0 &&
            (errno == EISDIR || errno == EPERM))
            remove_tree_at(fd, e->d_name);
    }
    closedir(d);
    unlinkat(parent, name, AT_REMOVEDIR);
}

void pipeline__remove_tree(const char *path)
{
    if (path[0])
        remove_tree_at(AT_FDCWD, path);
}


void pipeline__sweep_workdirs(const char *tmp)
{
    static bool swept; /* once per process: a grade run makes thousands */
    if (swept)
        return;
    swept = true;
    int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    time_t now = time(NULL);
    uid_t me = geteuid();
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        if (strncmp(e->d_name, WORKDIR_PREFIX, strlen(WORKDIR_PREFIX)) != 0 ||
            fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(st.st_mode) || st.st_uid != me ||
            now - st.st_mtime < STALE_AFTER_S)
            continue;
        remove_tree_at(fd, e->d_name);
    }
    closedir(d);
}
