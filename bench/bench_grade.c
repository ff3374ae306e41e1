/*
 * bench_grade.c -- how fast `lab grade` grades a class, against the loop
 * an instructor would write without it.
 *
 * A synthetic class of 60 students (--students N), each handing in every
 * exercise that has a solution: even students the solution, odd ones the
 * starter, each file made unique by a comment (no cache can recognise
 * one student's file in another's, or one run's in the next).  Measured
 * in the same run, wall clock, students per minute:
 *
 *   lab grade --jobs 1      the pipeline, sandboxed, one check at a time
 *   lab grade --jobs 2      two at a time (each in its own sandbox uid)
 *   naive loop              for each student and exercise: gcc the whole
 *                           of libtg, the world, the probe, the student's
 *                           file and the checker from source, run the
 *                           probe, run the checker (no sandbox at all)
 *
 * The naive loop takes seconds per file, so it grades a sample of the
 * class (--naive-students N, default 1) and its rate is per student all
 * the same.  Ratios printed: lab (1 job) / naive, target >= 3; lab (2
 * jobs) / lab (1 job), target >= 1.7 (needs two free cores).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#define MAX_EX 128

static char repo[PATH_MAX];
static char work[PATH_MAX];
static char ex_ids[MAX_EX][256]; /* "01-task-groups/send_all" */
static size_t nex;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The source tree: above build/bench/, or the current directory. */
static bool find_repo(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *s = strrchr(self, '/');
            if (s)
                *s = '\0';
        }
        char probe[PATH_MAX + 64];
        snprintf(probe, sizeof probe, "%s/exercises/manifest.json", self);
        if (is_file(probe)) {
            snprintf(repo, sizeof repo, "%s", self);
            return true;
        }
    }
    return getcwd(repo, sizeof repo) &&
           is_file("exercises/manifest.json");
}

static int cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Every exercise with a solution and a built checker. */
static void find_exercises(void)
{
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/solutions", repo);
    DIR *top = opendir(dir);
    for (struct dirent *t; top && (t = readdir(top));) {
        if (t->d_name[0] == '.')
            continue;
        char sub[PATH_MAX * 2];
        snprintf(sub, sizeof sub, "%s/%s", dir, t->d_name);
        DIR *d = opendir(sub);
        for (struct dirent *e; d && (e = readdir(d)) && nex < MAX_EX;) {
            size_t len = strlen(e->d_name);
            if (len < 3 || strcmp(e->d_name + len - 2, ".c"))
                continue;
            char id[600], checker[PATH_MAX * 2];
            if (snprintf(id, sizeof id, "%s/%.*s", t->d_name, (int)(len - 2),
                         e->d_name) >= (int)sizeof ex_ids[0])
                continue;
            snprintf(checker, sizeof checker, "%s/build/checks/%s.checker",
                     repo, id);
            if (is_file(checker))
                memcpy(ex_ids[nex++], id, strlen(id) + 1); /* fits: above */
        }
        if (d)
            closedir(d);
    }
    if (top)
        closedir(top);
    qsort(ex_ids, nex, sizeof ex_ids[0], cmp);
}

/* The class for one run: WORK/<tag>/sNN/exercises/<id>.c */
static int make_class(const char *tag, int students)
{
    for (int s = 0; s < students; s++) {
        for (size_t e = 0; e < nex; e++) {
            const char *from = s % 2 ? "exercises" : "solutions";
            if (sh("mkdir -p '%s/%s/s%02d/exercises/%.*s' && "
                   "{ cat '%s/%s/%s.c'; echo '/* bench %s student %d */'; } "
                   "> '%s/%s/s%02d/exercises/%s.c'",
                   work, tag, s, (int)(strchr(ex_ids[e], '/') - ex_ids[e]),
                   ex_ids[e], repo, from, ex_ids[e], tag, s, work, tag, s,
                   ex_ids[e]) != 0)
                return -1;
        }
    }
    return 0;
}

static double run_lab(const char *tag, int jobs)
{
    char jobs_s[16];
    snprintf(jobs_s, sizeof jobs_s, "%d", jobs);
    char lab[PATH_MAX + 32], cls[PATH_MAX * 2], book[PATH_MAX * 2];
    snprintf(lab, sizeof lab, "%s/build/lab", repo);
    snprintf(cls, sizeof cls, "%s/%s", work, tag);
    snprintf(book, sizeof book, "%s/%s.db", work, tag);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl(lab, lab, "grade", cls, "--jobs", jobs_s, "--gradebook", book,
              "--quiet", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    double t = now_s() - t0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "bench_grade: lab grade --jobs %d failed\n", jobs);
        return -1;
    }
    return t;
}

/* The naive loop over the first `students` students of class tag. */
static double run_naive(const char *tag, int students)
{
    double t0 = now_s();
    for (int s = 0; s < students; s++) {
        for (size_t e = 0; e < nex; e++) {
            const char *id = ex_ids[e];
            int topic = (int)(strchr(id, '/') - id);
            /* What an instructor's script does for one file. */
            int rc = sh(
                "set -e; cd '%s'; d='%s/naive/s%02d-%zu'; mkdir -p \"$d\"; "
                "inc='-Icore/include -Iexercises/support -Ichecks/lib "
                "-Iexercises/%.*s -Ichecks/%.*s'; "
                "gcc -std=c11 -D_GNU_SOURCE -O2 $inc core/src/*.c "
                "core/src/*.S exercises/support/*.c checks/lib/probe.c "
                "checks/%s.probe.c '%s/%s/s%02d/exercises/%s.c' -luv "
                "-ljansson -lm -o \"$d/probe\" 2>/dev/null || exit 0; "
                "gcc -std=c11 -D_GNU_SOURCE -O2 $inc checks/lib/checker.c "
                "checks/%s.checks.c -lcmocka -ljansson -o \"$d/checker\"; "
                "runs=$(\"$d/checker\" --list | grep -o '\"scenario\":\"[^\"]*\"' "
                "| cut -d'\"' -f4 | sort -u | while read sc; do "
                "for seed in 1 2 3; do printf -- '--run %%s:%%s ' \"$sc\" "
                "\"$seed\"; done; done); "
                "\"$d/probe\" $runs > \"$d/frames\" 2>/dev/null || true; "
                "\"$d/checker\" --reports \"$d/frames\" > \"$d/verdicts\" "
                "2>/dev/null || true",
                repo, work, s, e, topic, id, topic, id, id, work, tag, s, id,
                id);
            if (rc != 0) {
                fprintf(stderr, "bench_grade: the naive loop failed on %s\n",
                        id);
                return -1;
            }
        }
    }
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    int students = 60, naive_students = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--students") && i + 1 < argc)
            students = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--naive-students") && i + 1 < argc)
            naive_students = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_grade [--students N] "
                            "[--naive-students N]\n");
            return 2;
        }
    }
    if (students < 2 || naive_students < 1 || naive_students > students) {
        fprintf(stderr, "bench_grade: bad sizes\n");
        return 2;
    }
    if (!find_repo()) {
        fprintf(stderr, "bench_grade: cannot find the lab's tree\n");
        return 1;
    }
    char lab[PATH_MAX + 32];
    snprintf(lab, sizeof lab, "%s/build/lab", repo);
    find_exercises();
    if (!is_file(lab) || nex == 0) {
        fprintf(stderr, "bench_grade: build the lab first (make)\n");
        return 1;
    }
    snprintf(work, sizeof work, "%s/bench-grade.XXXXXX",
             getenv("TMPDIR") && getenv("TMPDIR")[0] == '/'
                 ? getenv("TMPDIR")
                 : "/tmp");
    if (!mkdtemp(work)) {
        perror("bench_grade: mkdtemp");
        return 1;
    }
    printf("bench_grade: %d students x %zu exercises (%d files per run)\n",
           students, nex, students * (int)nex);
    fflush(stdout);
    int rc = 1;
    if (make_class("j1", students) || make_class("j2", students) ||
        make_class("naive", naive_students)) {
        fprintf(stderr, "bench_grade: cannot write the class\n");
        goto out;
    }
    double t1 = run_lab("j1", 1);
    if (t1 <= 0)
        goto out;
    double r1 = students * 60.0 / t1;
    printf("  lab grade --jobs 1   %7.1f s  %7.1f students/min\n", t1, r1);
    fflush(stdout);
    double t2 = run_lab("j2", 2);
    if (t2 <= 0)
        goto out;
    double r2 = students * 60.0 / t2;
    printf("  lab grade --jobs 2   %7.1f s  %7.1f students/min\n", t2, r2);
    fflush(stdout);
    double tn = run_naive("naive", naive_students);
    if (tn <= 0)
        goto out;
    double rn = naive_students * 60.0 / tn;
    printf("  naive loop           %7.1f s  %7.1f students/min (%d "
           "students sampled)\n",
           tn, rn, naive_students);
    printf("  ratio lab (1 job) / naive loop:  %5.2fx  (target >= 3x)%s\n",
           r1 / rn, r1 / rn >= 3 ? "" : "  MISSED");
    printf("  ratio lab 2 jobs / 1 job:        %5.2fx  (target >= 1.7x)%s\n",
           r2 / r1, r2 / r1 >= 1.7 ? "" : "  MISSED");
    rc = 0;
out:
    sh("rm -rf '%s'", work);
    return rc;
}
