/*
 * grade_test_support.h -- what the grading tests (test_grade.c,
 * test_grade_attacks.c) share: finding the source tree, a private
 * scratch directory (also the pipeline's TMPDIR, which must end up
 * empty), running `lab grade` and `lab gradebook` in-process with their
 * output captured, and reading a gradebook's canonical dump.
 *
 * The tests grade the lab's real exercises with the real pipeline, so
 * they need `make` (the checks) first, as the rest of tests/runner does.
 */
#ifndef GRADE_TEST_SUPPORT_H
#define GRADE_TEST_SUPPORT_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gradebook.h"

#define GT_UNUSED __attribute__((unused))

static struct {
    char repo[PATH_MAX];    /* the source tree */
    char scratch[PATH_MAX]; /* everything this test writes */
    char tmp[PATH_MAX + 16]; /* TMPDIR for the pipeline: must end empty */
} gt;

/* The source tree: the current directory, or above build/tests/runner. */
GT_UNUSED static bool gt_find_repo(void)
{
    if (access("tests/attacks", R_OK) == 0)
        return realpath(".", gt.repo) != NULL;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return false;
    self[n] = '\0';
    for (int up = 4; up <= 5; up++) {
        char cand[PATH_MAX + 64], real[PATH_MAX];
        snprintf(cand, sizeof cand, "%s", self);
        for (int i = 0; i < up; i++) {
            char *s = strrchr(cand, '/');
            if (s)
                *s = '\0';
        }
        char probe[PATH_MAX + 128];
        snprintf(probe, sizeof probe, "%s/tests/attacks", cand);
        if (access(probe, R_OK) == 0 && realpath(cand, real)) {
            snprintf(gt.repo, sizeof gt.repo, "%s", real);
            return true;
        }
    }
    return false;
}

GT_UNUSED static int gt_sh(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
GT_UNUSED static int gt_sh(const char *fmt, ...)
{
    char cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    fflush(stdout);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "grade test: failed (%d): %s\n", rc, cmd);
    return rc;
}

/* A path under the scratch directory, in one of 8 rotating buffers. */
GT_UNUSED static const char *gt_path(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
GT_UNUSED static const char *gt_path(const char *fmt, ...)
{
    static char bufs[8][PATH_MAX * 2];
    static int next;
    char *b = bufs[next++ % 8];
    int n = snprintf(b, PATH_MAX, "%s/", gt.scratch);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + n, PATH_MAX * 2 - (size_t)n, fmt, ap);
    va_end(ap);
    return b;
}

/* Sets up the scratch directory and the pipeline's TMPDIR. */
GT_UNUSED static int gt_setup(const char *name)
{
    if (!gt_find_repo()) {
        fprintf(stderr, "%s: cannot find the source tree\n", name);
        return -1;
    }
    char tmpl[64];
    snprintf(tmpl, sizeof tmpl, "/tmp/tglab-%s.XXXXXX", name);
    if (!mkdtemp(tmpl))
        return -1;
    snprintf(gt.scratch, sizeof gt.scratch, "%s", tmpl);
    snprintf(gt.tmp, sizeof gt.tmp, "%s/tmp", gt.scratch);
    if (mkdir(gt.tmp, 0700) != 0)
        return -1;
    setenv("TMPDIR", gt.tmp, 1);
    char checker[PATH_MAX + 64];
    snprintf(checker, sizeof checker,
             "%s/build/checks/01-task-groups/send_all.checker", gt.repo);
    if (access(checker, X_OK) != 0) {
        fprintf(stderr, "%s: the checks are not built; run 'make'\n", name);
        return -1;
    }
    return 0;
}

GT_UNUSED static void gt_teardown(void)
{
    if (gt.scratch[0] && !getenv("TGLAB_KEEP_TEST_FILES"))
        gt_sh("rm -rf '%s'", gt.scratch);
}

/* Writes text to path (creating its directories). */
GT_UNUSED static void gt_write(const char *path, const char *text)
{
    char dir[PATH_MAX * 2];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        gt_sh("mkdir -p '%s'", dir);
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

/* The whole of a file, or NULL. */
GT_UNUSED static char *gt_read(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* Runs a `lab` command of the grade table in this process, with its
 * stdout captured into *out (when not NULL).  Returns its exit code. */
GT_UNUSED static int gt_lab(char **out, const char *cmd, ...)
{
    const char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, cmd);
    for (const char *a; argc < 63 && (a = va_arg(ap, const char *));)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    const lab_command *c = NULL;
    for (const lab_command *k = lab_grade_commands; k->name; k++)
        if (!strcmp(k->name, cmd))
            c = k;
    if (!c)
        return -1;
    lab_ctx ctx = {.plain = true};
    ctx.root = strdup(gt.repo);
    char capture[PATH_MAX * 2];
    snprintf(capture, sizeof capture, "%s/capture.txt", gt.scratch);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    int rc = c->fn(&ctx, argc, (char **)argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    char *text = gt_read(capture);
    if (text)
        fputs(text, stdout); /* in the test's log too */
    if (out)
        *out = text;
    else
        free(text);
    manifest_free(ctx.m);
    state_free(ctx.st);
    free(ctx.root);
    return rc;
}

/* The canonical dump of a gradebook, or NULL. */
GT_UNUSED static char *gt_dump(const char *book)
{
    gradebook *gb = NULL;
    char why[1024];
    if (gradebook_open(book, false, &gb, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = gradebook_dump(gb, f, why, sizeof why);
    fclose(f);
    gradebook_close(gb);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The class view of a gradebook, or NULL. */
GT_UNUSED static gradebook_class *gt_class(const char *book)
{
    gradebook *gb = NULL;
    gradebook_class *c = NULL;
    char why[1024];
    if (gradebook_open(book, false, &gb, why, sizeof why) != 0)
        return NULL;
    if (gradebook_load_class(gb, &c, why, sizeof why) != 0)
        c = NULL;
    gradebook_close(gb);
    return c;
}

/* The cell of a student and exercise (by name and id), or NULL. */
GT_UNUSED static gradebook_cell *gt_cell(const gradebook_class *c,
                                         const char *student, const char *ex)
{
    for (size_t s = 0; s < c->nstudents; s++)
        for (size_t e = 0; e < c->nexercises; e++)
            if (!strcmp(c->students[s], student) &&
                !strcmp(c->exercises[e].id, ex))
                return gradebook_cell_at(c, s, e);
    return NULL;
}

/* Lines of dump that start with prefix, joined (for comparing one
 * student's records across gradebooks). */
GT_UNUSED static char *gt_lines(const char *dump, const char *prefix)
{
    size_t cap = strlen(dump) + 1, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = dump; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (!strncmp(p, prefix, strlen(prefix))) {
            memcpy(out + len, p, n);
            len += n;
        }
        p += n;
    }
    out[len] = '\0';
    return out;
}

/* True when nothing is left in the pipeline's TMPDIR. */
GT_UNUSED static bool gt_tmp_empty(void)
{
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", gt.tmp);
    if (system(cmd) == 0)
        return true;
    gt_sh("ls -la '%s' >&2", gt.tmp);
    return false;
}

#endif /* GRADE_TEST_SUPPORT_H */
