/*
 * bench_watch.c -- how long `lab watch` takes from a save to the verdict,
 * against the floor: a plain `cc -c` of the same file plus the link of
 * the same probe, measured in the same run (as bench_check does).
 *
 * A throw-away copy of the lab's tree (links to everything, a real copy
 * of the exercise's directory) holds the watched file, so the learner's
 * own exercises are never touched.  One `build/lab --plain watch EX`
 * process runs for the whole measurement, its output on a pipe.  Each
 * iteration saves a fresh copy of the solution over the watched file (a
 * unique comment at the end: the object cache misses, as after a real
 * edit), then times until the verdict's last line ("... passes.") comes
 * out.  The watcher's debounce is part of what is measured: it is part
 * of what a learner waits for.  The floor runs on the same bytes after
 * each verdict, while the watcher idles.
 *
 *   build/bench/bench_watch [ITERATIONS] [EXERCISE]
 *
 * BENCH_WATCH_LAB=PATH measures another lab binary than build/lab.
 *
 * Target (issue 4): save-to-verdict median <= 300 ms.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#define VERDICT_TIMEOUT_MS 20000
/* The last line of a passing check's output in lab watch. */
#define VERDICT_MARK " passes. Run 'lab next'"

static char root[PATH_MAX];

/* Saves text + a unique comment over path, in place, as an editor does. */
static int save(const char *path, const char *text, size_t len, int i)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0)
        return -1;
    char tail[64];
    int n = snprintf(tail, sizeof tail, "\n/* bench %d.%ld */\n", i,
                     (long)getpid());
    int ok =
        write(fd, text, len) == (ssize_t)len && write(fd, tail, (size_t)n) == n;
    return close(fd) == 0 && ok ? 0 : -1;
}

/* What the watcher has printed since the last verdict. */
static char seen[1 << 16];
static size_t nseen;

/* Reads the watcher's output until a verdict's last line; returns the
 * time it came (now_ms), or -1 on timeout or end of output. */
static double wait_verdict(int fd)
{
    double deadline = now_ms() + VERDICT_TIMEOUT_MS;
    for (;;) {
        char *mark = strstr(seen, VERDICT_MARK);
        char *eol = mark ? strchr(mark, '\n') : NULL;
        if (eol) {
            double t = now_ms();
            size_t rest = nseen - (size_t)(eol + 1 - seen);
            memmove(seen, eol + 1, rest);
            nseen = rest;
            seen[nseen] = '\0';
            return t;
        }
        double left = deadline - now_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        if (nseen + 1 >= sizeof seen)
            nseen = 0; /* a flood of output: keep the newest */
        ssize_t n = read(fd, seen + nseen, sizeof seen - 1 - nseen);
        if (n <= 0)
            return -1;
        nseen += (size_t)n;
        seen[nseen] = '\0';
    }
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 15;
    const char *id = argc > 2 ? argv[2] : "01-task-groups/send_all";
    if (iters < 3)
        iters = 3;
    if (find_root(root) != 0) {
        fprintf(stderr, "bench_watch: cannot find the lab (run from its "
                        "root)\n");
        return 1;
    }
    const char *slash = strchr(id, '/');
    if (!slash) {
        fprintf(stderr, "bench_watch: an exercise is TOPIC/NAME\n");
        return 1;
    }
    int tlen = (int)(slash - id);
    char lab[PATH_MAX + 16], sol[PATH_MAX + 300], probe[PATH_MAX + 300];
    if (exercise_paths("bench_watch", root, "BENCH_WATCH_LAB", id, lab, sol,
                       probe) != 0)
        return 1;
    size_t slen;
    char *solution = slurp(sol, &slen);
    char dir[] = "/tmp/bench_watch.XXXXXX";
    if (!solution || !mkdtemp(dir))
        return 1;

    /* The tree: links to the lab, the exercise's directory copied (the
     * sandbox sees it by its own path: links would point outside). */
    if (sh("mkdir -p %s/tree/exercises/%.*s %s/floor && "
           "ln -s %s/core %s/build %s/lessons %s/tree/ && "
           "ln -s %s/exercises/manifest.json %s/exercises/support "
           "%s/tree/exercises/ && "
           "cp %s/exercises/%.*s/*.h %s/tree/exercises/%.*s/ 2>/dev/null; "
           "cp %s %s/tree/exercises/%s.c",
           dir, tlen, id, dir, root, root, root, dir, root, root, dir, root,
           tlen, id, dir, tlen, id, sol, dir, id) != 0) {
        fprintf(stderr, "bench_watch: cannot make the tree in %s\n", dir);
        return 1;
    }
    char file[PATH_MAX + 300], obj[PATH_MAX], exe[PATH_MAX];
    snprintf(file, sizeof file, "%s/tree/exercises/%s.c", dir, id);
    snprintf(obj, sizeof obj, "%s/floor/learner.o", dir);
    snprintf(exe, sizeof exe, "%s/floor/probe", dir);
    /* The floor, exactly as bench_check measures it. */
    static floor_cmd floor_run;
    floor_cmd_init(&floor_run, root, id, file, obj, exe, probe);
    char **cc = floor_run.cc, **ld = floor_run.ld;

    /* The watcher, on a pipe: plain output. */
    int out[2];
    if (pipe(out) != 0)
        return 1;
    char treeroot[PATH_MAX + 16];
    snprintf(treeroot, sizeof treeroot, "%s/tree", dir);
    setenv("TGLAB_ROOT", treeroot, 1);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, out[1]);
    char *watch[] = {lab, "--plain", "watch", (char *)id, NULL};
    pid_t pid;
    double t_start = now_ms();
    int rc = posix_spawn(&pid, lab, &fa, NULL, watch, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        fprintf(stderr, "bench_watch: cannot start %s\n", lab);
        return 1;
    }

    double *floor_ms = calloc((size_t)iters, sizeof(double));
    double *save_ms = calloc((size_t)iters, sizeof(double));
    int bad = 0;
    double first = wait_verdict(out[0]);
    if (first < 0) {
        fprintf(stderr, "bench_watch: no first verdict from lab watch (is "
                        "the solution passing?)\n");
        bad = 1;
    }
    /* The watcher starts watching right after a verdict: a save before
     * that would be lost (lab watch cannot see it), so every save waits a
     * little after the last verdict. */
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    for (int i = -2; i < iters && !bad; i++) { /* two warm-up rounds */
        /* The save: new bytes, so the compile is cold. */
        if (save(file, solution, slen, i) != 0) {
            bad = 1;
            break;
        }
        double t0 = now_ms();
        double t1 = wait_verdict(out[0]);
        if (t1 < 0) {
            fprintf(stderr, "bench_watch: no verdict %d ms after a save\n",
                    VERDICT_TIMEOUT_MS);
            bad = 1;
            break;
        }
        /* The floor then runs on the same bytes while the watcher idles
         * (and is watching again by the next save). */
        nanosleep(&pause, NULL);
        double t2 = now_ms();
        int a = run(cc, NULL);
        int b = a == 0 ? run(ld, NULL) : -1;
        double t3 = now_ms();
        if (a || b) {
            fprintf(stderr, "bench_watch: the floor failed (cc %d, ld %d)\n", a,
                    b);
            bad = 1;
            break;
        }
        if (i < 0)
            continue;
        save_ms[i] = t1 - t0;
        floor_ms[i] = t3 - t2;
    }
    kill(pid, SIGINT);
    int st;
    for (int k = 0; k < 100 && waitpid(pid, &st, WNOHANG) == 0; k++)
        usleep(20000);
    if (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    close(out[0]);
    if (!bad) {
        double fl = median(floor_ms, iters), sv = median(save_ms, iters);
        printf("bench_watch: %s, %d saves, medians\n", id, iters);
        printf("  floor (cc -c + link)      %7.1f ms\n", fl);
        printf("  lab watch, save to verdict %6.1f ms   ratio %.2f  "
               "(target <= 300 ms: %s)\n",
               sv, sv / fl, sv <= 300 ? "met" : "MISSED");
        printf("  first verdict after start  %6.1f ms\n", first - t_start);
    }
    sh("rm -rf %s", dir);
    free(solution);
    free(floor_ms);
    free(save_ms);
    return bad;
}
