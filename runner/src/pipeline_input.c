/*
 * pipeline_input.c -- the first stage: read the learner's file, or say
 * plainly why it cannot be graded.
 *
 * The file is read once, here, into memory; every later stage works on the
 * copy (the sandbox gets a fresh file with the same bytes), so the
 * learner's file is never opened for writing and never moved.  Refused
 * before any compiler sees them: a missing or unreadable path, a directory
 * or device, a file above the size cap, an empty file, and binary data.
 * Grade mode also refuses symbolic links: a submission folder must not
 * make the grader read /etc/shadow on a student's behalf.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline_internal.h"

char *pipeline__display_path(const char *path)
{
    return pipeline__clean(path, strlen(path), 1024, false);
}

/* "5.0 MB" style, for a message. */
static void human_size(uint64_t n, char *out, size_t outlen)
{
    if (n >= 1024 * 1024)
        snprintf(out, outlen, "%.1f MiB", (double)n / (1024.0 * 1024.0));
    else if (n >= 1024)
        snprintf(out, outlen, "%.1f KiB", (double)n / 1024.0);
    else
        snprintf(out, outlen, "%llu bytes", (unsigned long long)n);
}

static int refuse(pipeline__ctx *c, const char *code, const char *text,
                  const char *explain, tg_error **err)
{
    pipeline_msg *m = pipeline__msg_add(c->res, PIPELINE_STAGE_INPUT,
                                        PIPELINE_ERROR, code, text, explain);
    if (!m) {
        *err = pipeline__fail("out of memory");
        return -1;
    }
    if (c->res->file)
        m->file = strdup(c->res->file);
    return 1;
}

/* The prototype-like list of the functions the exercise asks for. */
static void wanted(const manifest_exercise *ex, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ex->nfunctions && used < outlen; i++) {
        int n =
            snprintf(out + used, outlen - used, "%s%s()",
                     i == 0 ? "" : (i + 1 == ex->nfunctions ? " and " : ", "),
                     ex->functions[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int pipeline__input(pipeline__ctx *c, const char *path, tg_error **err)
{
    char msg[1024], explain[1024], fn[512];
    const char *shown = c->res->file ? c->res->file : "?";
    size_t cap = c->opts->max_file_bytes ? c->opts->max_file_bytes
                                         : PIPELINE_MAX_FILE_BYTES;
    int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
    if (c->opts->mode == SANDBOX_GRADE)
        flags |= O_NOFOLLOW;
    int fd = open(path, flags);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT) {
            snprintf(msg, sizeof msg, "there is no file at %s", shown);
            return refuse(c, "input.missing", msg,
                          "Check the path (and that you saved the file).", err);
        }
        if (e == ELOOP && c->opts->mode == SANDBOX_GRADE) {
            snprintf(msg, sizeof msg, "%s is a symbolic link", shown);
            return refuse(c, "input.symlink", msg,
                          "The grader reads regular files only: submit the "
                          "file itself, not a link to it.",
                          err);
        }
        snprintf(msg, sizeof msg, "cannot read %s: %s", shown, strerror(e));
        return refuse(c, "input.unreadable", msg,
                      "Check that the file exists and that you may read it.",
                      err);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(msg, sizeof msg, "cannot read %s: %s", shown, strerror(errno));
        close(fd);
        return refuse(c, "input.unreadable", msg, NULL, err);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(msg, sizeof msg, "%s is %s, not a C source file", shown,
                 S_ISDIR(st.st_mode) ? "a directory" : "a special file");
        return refuse(c, "input.not-a-file", msg,
                      "Give the path of your .c file.", err);
    }
    char size[32], limit[32];
    if ((uint64_t)st.st_size > cap) {
        close(fd);
        human_size((uint64_t)st.st_size, size, sizeof size);
        human_size(cap, limit, sizeof limit);
        snprintf(msg, sizeof msg, "%s is %s; the lab grades files up to %s",
                 shown, size, limit);
        return refuse(c, "input.too-big", msg,
                      "An exercise needs a few hundred lines at most: is "
                      "this the right file?",
                      err);
    }
    /* Read at most cap + 1 bytes: the file may grow while we read. */
    char *data = malloc(cap + 1);
    if (!data) {
        close(fd);
        *err = pipeline__fail("out of memory reading %s", shown);
        return -1;
    }
    size_t len = 0;
    while (len <= cap) {
        ssize_t n = read(fd, data + len, cap + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(data);
            close(fd);
            snprintf(msg, sizeof msg, "cannot read %s: %s", shown, strerror(e));
            return refuse(c, "input.unreadable", msg, NULL, err);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len > cap) {
        free(data);
        human_size(cap, limit, sizeof limit);
        snprintf(msg, sizeof msg, "%s is larger than %s", shown, limit);
        return refuse(c, "input.too-big", msg,
                      "An exercise needs a few hundred lines at most: is "
                      "this the right file?",
                      err);
    }
    data[len] = '\0';
    wanted(c->ex, fn, sizeof fn);

    size_t blank = strspn(data, " \t\r\n\f\v");
    if (blank == len) {
        free(data);
        snprintf(msg, sizeof msg, "%s is empty", shown);
        snprintf(explain, sizeof explain,
                 "The exercise asks you to write %s. Start from the "
                 "exercise's starter file (lab reset restores it, and keeps "
                 "a backup of what you have).",
                 fn);
        return refuse(c, "input.empty", msg, explain, err);
    }
    const char *nul = memchr(data, '\0', len);
    if (nul || (len >= 4 && memcmp(data,
                                   "\x7f"
                                   "ELF",
                                   4) == 0)) {
        bool elf = len >= 4 && memcmp(data,
                                      "\x7f"
                                      "ELF",
                                      4) == 0;
        if (elf)
            snprintf(msg, sizeof msg, "%s is a compiled file, not C source",
                     shown);
        else
            snprintf(msg, sizeof msg,
                     "%s contains binary data (a zero byte at offset %zu)",
                     shown, (size_t)(nul - data));
        free(data);
        return refuse(c, "input.binary", msg,
                      "The lab compiles C source text. Give the .c file you "
                      "edited, not a program, object or archive.",
                      err);
    }
    c->src = data;
    c->srclen = len;
    return 0;
}
