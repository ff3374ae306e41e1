/*
 * bench_util.h -- what the benchmarks that time whole lab processes share:
 * a monotonic clock in ms, running a shell line or an argv (output kept
 * in a file or dropped), the median of samples, reading a file whole,
 * finding the lab's root, and the compile and link every lab benchmark
 * compares with.  Header-only: each benchmark is one program.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int sh(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
    char *cmd = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&cmd, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    int rc = system(cmd);
    free(cmd);
    return rc;
}

/* Runs argv with its output in out (or /dev/null) and its errors dropped;
 * returns the exit status, or -1. */
static inline int run(char *const *argv, const char *out)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v. */
static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The file's first MiB, NUL-terminated, or NULL. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

/* The lab's root: this directory when it holds a build, else three levels
 * above this program (build/bench/X). */
static inline int find_root(char root[PATH_MAX])
{
    if (access("build/libtg.a", R_OK) == 0)
        return realpath(".", root) ? 0 : -1;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    for (int i = 0; i < 3; i++) {
        char *s = strrchr(self, '/');
        if (s)
            *s = '\0';
    }
    return realpath(self, root) ? 0 : -1;
}

/* The lab to time (env names another binary, else build/lab), exercise
 * id's solution and its probe object; says what is missing and returns
 * -1 unless all three are there. */
static inline int exercise_paths(const char *bench, const char *root,
                                 const char *env, const char *id,
                                 char lab[PATH_MAX + 16],
                                 char sol[PATH_MAX + 300],
                                 char probe[PATH_MAX + 300])
{
    const char *other = getenv(env);
    snprintf(lab, PATH_MAX + 16, "%s", other && *other ? other : "");
    if (!lab[0])
        snprintf(lab, PATH_MAX + 16, "%s/build/lab", root);
    snprintf(sol, PATH_MAX + 300, "%s/solutions/%s.c", root, id);
    snprintf(probe, PATH_MAX + 300, "%s/build/checks/%s.probe.o", root, id);
    if (access(lab, X_OK) == 0 && access(sol, R_OK) == 0 &&
        access(probe, R_OK) == 0)
        return 0;
    fprintf(stderr, "%s: build/lab, %s or its probe is missing: run make\n",
            bench, sol);
    return -1;
}

/* The floor the lab is measured against: the compile of exercise id's
 * file into obj and the link of obj with its probe into exe, which any
 * grader must do, and nothing else. */
typedef struct floor_cmd {
    char inc_tg[PATH_MAX + 32], inc_sup[PATH_MAX + 32], inc_ex[PATH_MAX + 300];
    char libprobe[PATH_MAX + 32], libworld[PATH_MAX + 32];
    char libtg[PATH_MAX + 32];
    char *cc[16], *ld[16];
} floor_cmd;

static inline void floor_cmd_init(floor_cmd *f, const char *root,
                                  const char *id, char *file, char *obj,
                                  char *exe, char *probe)
{
    const char *slash = strrchr(id, '/');
    snprintf(f->inc_tg, sizeof f->inc_tg, "-I%s/core/include", root);
    snprintf(f->inc_sup, sizeof f->inc_sup, "-I%s/exercises/support", root);
    snprintf(f->inc_ex, sizeof f->inc_ex, "-I%s/exercises/%.*s", root,
             (int)(slash ? slash - id : 0), id);
    snprintf(f->libprobe, sizeof f->libprobe, "%s/build/checks/libprobe.a",
             root);
    snprintf(f->libworld, sizeof f->libworld,
             "%s/build/exercises/libworld.a", root);
    snprintf(f->libtg, sizeof f->libtg, "%s/build/libtg.a", root);
    char *cc[] = {"cc",       "-std=c11",  "-D_GNU_SOURCE", "-Wall",
                  "-Wextra",  "-O1",       "-g",            "-pipe",
                  f->inc_tg,  f->inc_sup,  f->inc_ex,       "-c",
                  file,       "-o",        obj,             NULL};
    char *ld[] = {"cc",        "-o",       exe,         obj,
                  probe,       f->libprobe, f->libworld, f->libtg,
                  "-Wl,--as-needed", "-luv", "-ljansson", "-lm",
                  "-lpthread", NULL};
    memcpy(f->cc, cc, sizeof cc);
    memcpy(f->ld, ld, sizeof ld);
}

#endif /* BENCH_UTIL_H */
