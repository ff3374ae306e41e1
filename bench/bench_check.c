/*
 * bench_check.c -- how long `lab check` takes on a correct solution,
 * against the floor: a plain `cc -c` of the same file plus the link of the
 * same probe, measured in the same run.
 *
 * Every iteration writes a fresh copy of the solution (a unique comment at
 * the end), so the object cache misses and the check compiles for real
 * ("cold", what lab watch sees after a save); the same file is then
 * checked again ("warm": lab next after lab check, the cache hits).  The
 * three are interleaved so that a noisy neighbour hurts them alike.  Each
 * measurement is a whole process, as a learner runs it: build/lab submit
 * FILE --exercise EX, which goes through the same pipeline as lab check.
 *
 *   build/bench/bench_check [ITERATIONS] [EXERCISE]
 *
 * BENCH_CHECK_LAB=PATH measures another lab binary than build/lab.
 *
 * Targets (issue 4): cold median <= 1.5 x the floor, and <= 250 ms.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

static char root[PATH_MAX];

/* "key":N in a JSON text, crudely (the bench links no JSON parser). */
static double json_num(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = text ? strstr(text, pat) : NULL;
    return p ? atof(p + strlen(pat)) : 0;
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 15;
    const char *id = argc > 2 ? argv[2] : "01-task-groups/send_all";
    if (iters < 3)
        iters = 3;
    if (find_root(root) != 0) {
        fprintf(stderr, "bench_check: cannot find the lab (run from its "
                        "root)\n");
        return 1;
    }
    char lab[PATH_MAX + 16], sol[PATH_MAX + 300], probe[PATH_MAX + 300];
    if (exercise_paths("bench_check", root, "BENCH_CHECK_LAB", id, lab, sol,
                       probe) != 0)
        return 1;
    size_t slen;
    char *solution = slurp(sol, &slen);
    char dir[] = "/tmp/bench_check.XXXXXX";
    if (!solution || !mkdtemp(dir))
        return 1;
    const char *slash = strrchr(id, '/');
    char file[PATH_MAX], obj[PATH_MAX], exe[PATH_MAX], json[PATH_MAX];
    snprintf(file, sizeof file, "%s/%s.c", dir, slash ? slash + 1 : id);
    snprintf(obj, sizeof obj, "%s/learner.o", dir);
    snprintf(exe, sizeof exe, "%s/probe", dir);
    snprintf(json, sizeof json, "%s/out.json", dir);
    static floor_cmd floor_run;
    floor_cmd_init(&floor_run, root, id, file, obj, exe, probe);
    char **cc = floor_run.cc, **ld = floor_run.ld;
    char *check[] = {lab,          "--json",   "submit", file,
                     "--exercise", (char *)id, NULL};

    double *floor_ms = calloc((size_t)iters, sizeof(double));
    double *cold_ms = calloc((size_t)iters, sizeof(double));
    double *warm_ms = calloc((size_t)iters, sizeof(double));
    double stage[6][64] = {{0}};
    static const char *const stages[] = {"input", "compile", "symbols",
                                         "link",  "probe",   "verdict"};
    int bad = 0;
    for (int i = -2; i < iters; i++) { /* two warm-up rounds */
        FILE *f = fopen(file, "wb");
        if (!f)
            return 1;
        fwrite(solution, 1, slen, f);
        fprintf(f, "\n/* bench %d.%ld */\n", i, (long)getpid());
        fclose(f);
        double t0 = now_ms();
        int a = run(cc, NULL);
        int b = a == 0 ? run(ld, NULL) : -1;
        double t1 = now_ms();
        int c = run(check, json);
        double t2 = now_ms();
        int d = run(check, NULL);
        double t3 = now_ms();
        if (a || b || c || d) {
            fprintf(stderr,
                    "bench_check: a run failed (cc %d, ld %d, lab "
                    "%d, %d)\n",
                    a, b, c, d);
            bad = 1;
            break;
        }
        if (i < 0)
            continue;
        floor_ms[i] = t1 - t0;
        cold_ms[i] = t2 - t1;
        warm_ms[i] = t3 - t2;
        size_t jl;
        char *out = slurp(json, &jl);
        for (int s = 0; s < 6 && i < 64; s++)
            stage[s][i] = json_num(out, stages[s]);
        free(out);
    }
    if (!bad) {
        double fl = median(floor_ms, iters), co = median(cold_ms, iters),
               wa = median(warm_ms, iters);
        printf("bench_check: %s, %d iterations, medians\n", id, iters);
        printf("  floor (cc -c + link)      %7.1f ms\n", fl);
        printf("  lab check, compiled       %7.1f ms   ratio %.2f  "
               "(target <= 1.50 and <= 250 ms: %s)\n",
               co, co / fl, co <= 1.5 * fl && co <= 250 ? "met" : "MISSED");
        printf("  lab check, cached object  %7.1f ms   ratio %.2f\n", wa,
               wa / fl);
        printf("  stages of the compiled check (pipeline's own clock):");
        for (int s = 0; s < 6; s++)
            printf(" %s %.0f", stages[s],
                   median(stage[s], iters < 64 ? iters : 64));
        printf(" ms\n");
    }
    unlink(file);
    unlink(obj);
    unlink(exe);
    unlink(json);
    rmdir(dir);
    free(solution);
    free(floor_ms);
    free(cold_ms);
    free(warm_ms);
    return bad;
}
