/*
 * sandbox_files.c -- preparing a sandbox's working directory and reading
 * back what untrusted code left in it.
 *
 * Both directions walk a tree the sandbox could have shaped, so neither
 * follows a symlink: a chown through a planted link would hand a host file
 * to the sandbox uid, and a read through one would leak the host file into
 * a report.  Everything goes through descriptors (openat, fchownat with
 * AT_SYMLINK_NOFOLLOW, O_NOFOLLOW), never through re-resolved paths.
 */
#include "sandbox_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper trees than this are not submissions. */
#define MAX_DEPTH 32

static void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || whylen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(why, whylen, "lab: error: ");
    if (n >= 0 && (size_t)n < whylen)
        vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Chowns every entry below the open directory dfd (which it closes). */
static int chown_tree(int dfd, uid_t uid, gid_t gid, int depth)
{
    if (depth > MAX_DEPTH) {
        close(dfd);
        errno = ELOOP;
        return -1;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fchownat(dirfd(d), de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW))
            rc = -1;
        struct stat st;
        if (rc == 0 &&
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), de->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = sub < 0 ? -1 : chown_tree(sub, uid, gid, depth + 1);
        }
    }
    closedir(d);
    return rc;
}

int sandbox_prepare_workdir(const sandbox_spec *spec, char *why, size_t whylen)
{
    if (geteuid() != 0 || spec->workdir_readonly)
        return 0;
    if (!spec->workdir || spec->workdir[0] != '/') {
        say(why, whylen, "the sandbox workdir must be an absolute path");
        return -1;
    }
    int dfd =
        open(spec->workdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 || fchown(dfd, sandbox_uid(spec), sandbox_gid(spec)) != 0 ||
        chown_tree(dfd, sandbox_uid(spec), sandbox_gid(spec), 0) != 0) {
        int e = errno;
        say(why, whylen, "cannot give %s to the sandbox user: %s",
            spec->workdir, strerror(e));
        return -1;
    }
    return 0;
}

int sandbox_read_file(const char *dir, const char *name, size_t cap,
                      char **data, size_t *len, char *why, size_t whylen)
{
    *data = NULL;
    *len = 0;
    if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0) {
        say(why, whylen, "'%s' is not a plain file name", name);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        say(why, whylen, "cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    /* O_NONBLOCK: a FIFO planted under this name must not hang us. */
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int e = errno;
    close(dfd);
    if (fd < 0) {
        say(why, whylen, "cannot open %s/%s: %s", dir, name,
            e == ELOOP ? "it is a symbolic link" : strerror(e));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        say(why, whylen, "%s/%s is not a regular file", dir, name);
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size > cap) {
        say(why, whylen, "%s/%s is larger than %zu bytes", dir, name, cap);
        close(fd);
        return -1;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        say(why, whylen, "out of memory reading %s/%s", dir, name);
        close(fd);
        return -1;
    }
    /* The size may change under us (a process could still be writing if
     * the caller did not wait): read at most what we allocated. */
    size_t got = 0, want = (size_t)st.st_size;
    while (got < want) {
        ssize_t r = read(fd, buf + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}
