/*
 * pipeline_stage.c -- the lab's inputs, where the jail's uid can read
 * them.  Without bubblewrap nothing is bound: the sandboxed steps read the
 * lab's headers, libraries and probe program by their host paths.  Run as
 * root, the jail drops to an unprivileged uid, which cannot pass through
 * a private (0700) directory on the way to a checkout (/root/tglab, a
 * mktemp directory): the compiler would say "Permission denied" on the
 * lab's own headers.  So, in that case only, each input a step needs is
 * staged into the run's private directory (which that uid may pass
 * through): a hard link where the filesystem allows, else a copy; a
 * directory as a directory of its regular files.  Best effort: whatever
 * cannot be staged keeps its host path, and the step says what it cannot
 * read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "pipeline_internal.h"

/* Whether a uid with no rights of its own reaches path: every directory
 * on the way searchable by others, and path itself readable (and, for a
 * directory, searchable). */
static bool reachable_by_others(const char *path)
{
    char walk[PATH_MAX];
    if (!pipeline__fmt(walk, sizeof walk, "%s", path) || walk[0] != '/')
        return false;
    struct stat st;
    if (stat(walk, &st) != 0)
        return false;
    mode_t need = S_ISDIR(st.st_mode) ? S_IROTH | S_IXOTH : S_IROTH;
    if ((st.st_mode & need) != need)
        return false;
    for (char *slash = strrchr(walk, '/'); slash; slash = strrchr(walk, '/')) {
        slash[slash == walk ? 1 : 0] = '\0';
        if (stat(walk, &st) != 0 || !(st.st_mode & S_IXOTH))
            return false;
        if (slash == walk)
            break;
    }
    return true;
}

/* A copy of the regular file from, made readable by all. */
static bool copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0)
        return false;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    bool ok = out >= 0;
    char buf[1 << 16];
    ssize_t n;
    while (ok && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0) {
            ok = errno == EINTR;
            continue;
        }
        ok = write_all(out, buf, (size_t)n);
    }
    close(in);
    if (out >= 0 && close(out) != 0)
        ok = false;
    return ok;
}

/* The file from at to: linked when from is readable by all (a link keeps
 * the file's own mode), else copied. */
static bool stage_file(const char *from, const char *to)
{
    struct stat st;
    if (stat(from, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    if ((st.st_mode & S_IROTH) && link(from, to) == 0)
        return true;
    return copy_file(from, to);
}

/* Every regular file of the directory from, into the new directory to. */
static bool stage_dir(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d)
        return false;
    bool ok = true;
    for (struct dirent *e; ok && (e = readdir(d));) {
        char src[PATH_MAX], dst[PATH_MAX];
        struct stat st;
        if (e->d_name[0] == '.' ||
            !pipeline__fmt(src, sizeof src, "%s/%s", from, e->d_name) ||
            stat(src, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        ok = pipeline__fmt(dst, sizeof dst, "%s/%s", to, e->d_name) &&
             stage_file(src, dst);
    }
    closedir(d);
    return ok;
}

void pipeline__stage(pipeline__ctx *c, int b)
{
    const char *host = c->host[b];
    if (c->caps.bwrap_ok || !c->caps.root || !host[0] || !c->tmp[0] ||
        c->inside[b] == c->staged[b] || reachable_by_others(host))
        return;
    /* tmp/stage-B/<the same base name>: the linker goes by the name. */
    char dir[PATH_MAX];
    const char *base = strrchr(host, '/');
    base = base ? base + 1 : host;
    struct stat st;
    if (!pipeline__fmt(dir, sizeof dir, "%s/stage-%d", c->tmp, b) ||
        !pipeline__fmt(c->staged[b], sizeof c->staged[b], "%s/%s", dir,
                       base) ||
        stat(host, &st) != 0 || mkdir(dir, 0755) != 0 || chmod(dir, 0755) != 0)
        return;
    bool ok = S_ISDIR(st.st_mode)
                  ? mkdir(c->staged[b], 0755) == 0 &&
                        chmod(c->staged[b], 0755) == 0 &&
                        stage_dir(host, c->staged[b])
                  : stage_file(host, c->staged[b]);
    if (ok)
        c->inside[b] = c->staged[b];
}
