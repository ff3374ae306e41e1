/*
 * files.c -- reading, snapshotting, backing up and restoring learner files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "fsutil.h"

#include "fsutil.h"

char *files_read(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 65536 * 2;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = b;
        }
        size_t r = fread(buf + n, 1, 65536, f);
        n += r;
        if (max && n > max) {
            free(buf);
            fclose(f);
            errno = EFBIG;
            return NULL;
        }
        if (r < 65536)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int files_mkdirs_for(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    char *slash = strrchr(copy, '/');
    int rc = 0;
    if (slash && slash != copy) {
        *slash = '\0';
        rc = make_dirs(copy, 0755);
    }
    free(copy);
    return rc;
}

static char *pristine_path(lab_ctx *ctx, const manifest_exercise *ex)
{
    char *p = NULL;
    if (asprintf(&p, "%s/.lab/pristine/%s.c", ctx->root, ex->id) < 0)
        return NULL;
    return p;
}

void files_snapshot_starter(lab_ctx *ctx, const manifest_exercise *ex)
{
    char *dst = pristine_path(ctx, ex);
    char *src = lab_path(ctx, ex->file);
    size_t len;
    char *text = NULL;
    if (dst && src && access(dst, F_OK) != 0 &&
        (text = files_read(src, 0, &len)) && files_mkdirs_for(dst) == 0)
        (void)state_write_atomic(dst, text, len); /* best effort */
    free(text);
    free(src);
    free(dst);
}

/* `git show HEAD:<file>` in the root, if the root is a git work tree. */
static char *from_git(lab_ctx *ctx, const char *file, size_t *len)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        int devnull = open("/dev/null", 1);
        if (devnull >= 0)
            dup2(devnull, 2);
        char spec[4200];
        snprintf(spec, sizeof spec, "HEAD:%s", file);
        execlp("git", "git", "-C", ctx->root, "show", spec, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    ssize_t r;
    for (;;) {
        if (n + 4097 > cap) {
            char *b = realloc(buf, cap = cap ? cap * 2 : 16384);
            if (!b)
                break;
            buf = b;
        }
        if ((r = read(fds[0], buf + n, 4096)) <= 0)
            break;
        n += (size_t)r;
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!buf || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || n == 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *files_pristine(lab_ctx *ctx, const manifest_exercise *ex, size_t *len)
{
    char *pp = pristine_path(ctx, ex);
    char *text = pp ? files_read(pp, 0, len) : NULL;
    free(pp);
    if (!text)
        text = from_git(ctx, ex->file, len);
    if (!text)
        lab_error("Your file is unchanged.",
                  "cannot find the original starter of %s (no copy in "
                  ".lab/pristine and no git history)",
                  ex->id);
    return text;
}

char *files_backup(lab_ctx *ctx, const manifest_exercise *ex)
{
    char *src = lab_path(ctx, ex->file);
    size_t len = 0;
    char *text = src ? files_read(src, 0, &len) : NULL;
    if (!text) {
        if (src && errno == ENOENT) { /* nothing to lose */
            free(src);
            return strdup("(no file to back up)");
        }
        lab_error("Nothing was changed.", "cannot read %s: %s",
                  src ? src : ex->file, strerror(errno));
        free(src);
        return NULL;
    }
    free(src);
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
    char *dst = NULL;
    for (int k = 0; k < 100; k++) {
        free(dst);
        dst = NULL;
        if (asprintf(&dst, "%s/.lab/backups/%s-%s%s%.0d.c", ctx->root,
                     ex->id, stamp, k ? "-" : "", k) < 0)
            break;
        if (access(dst, F_OK) != 0)
            break;
    }
    if (!dst || files_mkdirs_for(dst) != 0 ||
        state_write_atomic(dst, text, len) != 0) {
        lab_error("Nothing was changed.", "cannot write a backup%s%s: %s",
                  dst ? " to " : "", dst ? dst : "", strerror(errno));
        free(dst);
        free(text);
        return NULL;
    }
    free(text);
    return dst;
}
