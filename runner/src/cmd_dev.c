/*
 * cmd_dev.c -- `lab dev check`: the author's check that the curriculum is
 * sound.  For every exercise: its files exist, the starter has TODO
 * markers and its lesson names it, the manifest and the checker list the
 * same checks, every solution passes every check under every seed, and
 * every starter compiles and fails at least one check.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "cli.h"
#include "files.h"

typedef struct dev_report {
    int problems;
} dev_report;

static void problem(lab_ctx *ctx, dev_report *rep, const manifest_exercise *ex,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void problem(lab_ctx *ctx, dev_report *rep, const manifest_exercise *ex,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("  %s%s%s %s: ", lab_c(ctx, LAB_RED), lab_mark_fail(ctx),
           lab_c(ctx, LAB_RESET), ex->id);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    rep->problems++;
}

static void check_files(lab_ctx *ctx, dev_report *rep,
                        const manifest_exercise *ex)
{
    static const char *const where[][2] = {
        {"exercises/", ".c"}, {"solutions/", ".c"},   {"checks/", ".probe.c"},
        {"checks/", ".checks.c"}, {"build/checks/", ".checker"},
    };
    for (size_t k = 0; k < sizeof where / sizeof where[0]; k++) {
        char rel[512];
        snprintf(rel, sizeof rel, "%s%s%s", where[k][0], ex->id, where[k][1]);
        char *p = lab_path(ctx, rel);
        if (!p || access(p, R_OK) != 0)
            problem(ctx, rep, ex, "missing %s", rel);
        free(p);
    }
    char *starter = lab_path(ctx, ex->file);
    char *text = starter ? files_read(starter, 1 << 20, NULL) : NULL;
    if (text && !strstr(text, "TODO"))
        problem(ctx, rep, ex, "%s has no TODO marker", ex->file);
    free(text);
    free(starter);
    char *lesson = lab_path(ctx, ex->lesson);
    text = lesson ? files_read(lesson, 1 << 20, NULL) : NULL;
    if (!text)
        problem(ctx, rep, ex, "missing lesson %s", ex->lesson);
    else if (!strstr(text, ex->id))
        problem(ctx, rep, ex, "its lesson does not name it (%s)", ex->lesson);
    free(text);
    free(lesson);
}

/* The manifest and the checker must list the same checks. */
static void check_consistency(lab_ctx *ctx, dev_report *rep,
                              const manifest_exercise *ex,
                              const pipeline_result *r)
{
    for (size_t i = 0; i < r->nchecks; i++)
        if (!manifest_check_find(ex, r->checks[i].name))
            problem(ctx, rep, ex, "the checker has '%s', the manifest not",
                    r->checks[i].name);
    for (size_t i = 0; i < ex->nchecks; i++) {
        bool found = false;
        for (size_t k = 0; k < r->nchecks && !found; k++)
            found = !strcmp(r->checks[k].name, ex->checks[i].name);
        if (!found)
            problem(ctx, rep, ex, "the manifest has '%s', the checker not",
                    ex->checks[i].name);
    }
}

static int cmd_dev(lab_ctx *ctx, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "check") != 0)
        return lab_usage_error("dev", "the only dev command is 'lab dev "
                                      "check'");
    bool thorough = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--thorough"))
            thorough = true;
        else
            return lab_usage_error("dev", "unknown argument '%s'", argv[i]);
    }
    manifest *m = lab_manifest(ctx);
    if (!m)
        return LAB_EXIT_FAILED; /* an invalid manifest is a finding */
    size_t n = m->nexercises;
    pipeline_job *jobs = calloc(2 * n, sizeof *jobs);
    char **paths = calloc(2 * n, sizeof *paths);
    if (!jobs || !paths) {
        free(jobs);
        free(paths);
        return LAB_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        const manifest_exercise *ex = &m->exercises[i];
        char rel[512];
        snprintf(rel, sizeof rel, "solutions/%s.c", ex->id);
        paths[2 * i] = lab_path(ctx, rel);
        paths[2 * i + 1] = lab_path(ctx, ex->file);
        jobs[2 * i] = (pipeline_job){.ex = ex, .file = paths[2 * i]};
        jobs[2 * i + 1] = (pipeline_job){.ex = ex, .file = paths[2 * i + 1]};
    }
    pipeline_opts o;
    pipeline_opts_init(&o, ctx->root, SANDBOX_LEARNER);
    if (thorough) {
        o.seeds = PIPELINE_SEEDS_THOROUGH;
        o.nseeds = 10;
    }
    o.jobs = 2;
    printf("Checking %zu exercises (solutions must pass, starters must "
           "fail)...\n",
           n);
    fflush(stdout);
    char why[1024] = "";
    int rc = pipeline_check_batch(&o, jobs, 2 * n, NULL, NULL, why,
                                  sizeof why);
    dev_report rep = {0};
    if (rc != 0) {
        fprintf(stderr, "%s\n", why);
        rep.problems++;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const manifest_exercise *ex = &m->exercises[i];
        int before = rep.problems;
        check_files(ctx, &rep, ex);
        pipeline_job *sol = &jobs[2 * i], *start = &jobs[2 * i + 1];
        if (sol->rc != 0) {
            problem(ctx, &rep, ex, "the solution could not be checked: %s",
                    sol->why);
        } else {
            const pipeline_result *r = &sol->result;
            if (r->failed)
                problem(ctx, &rep, ex, "the solution stops at the %s stage",
                        pipeline_stage_name(r->stage));
            for (size_t k = 0; k < r->nchecks; k++)
                if (!r->checks[k].passed)
                    problem(ctx, &rep, ex,
                            "the solution fails check '%s'",
                            r->checks[k].name);
            if (!r->failed)
                check_consistency(ctx, &rep, ex, r);
        }
        if (start->rc != 0) {
            problem(ctx, &rep, ex, "the starter could not be checked: %s",
                    start->why);
        } else if (start->result.failed) {
            problem(ctx, &rep, ex,
                    "the starter should compile and fail a check, but stops "
                    "at the %s stage",
                    pipeline_stage_name(start->result.stage));
        } else if (start->result.passed) {
            problem(ctx, &rep, ex, "the starter passes every check");
        }
        if (rep.problems == before)
            printf("  %s%s%s %s\n", lab_c(ctx, LAB_GREEN), lab_mark_ok(ctx),
                   lab_c(ctx, LAB_RESET), ex->id);
    }
    for (size_t i = 0; i < 2 * n; i++) {
        pipeline_result_free(&jobs[i].result);
        free(paths[i]);
    }
    free(jobs);
    free(paths);
    if (rep.problems) {
        printf("\n%d problem(s) found.\n", rep.problems);
        return LAB_EXIT_FAILED;
    }
    printf("\nEvery exercise is sound: solutions pass, starters fail.\n");
    return LAB_EXIT_OK;
}

const lab_command lab_dev_commands[] = {
    {"dev", cmd_dev, "check [--thorough]", "author checks of the curriculum",
     "lab dev check: every solution passes every check under every seed,\n"
     "every starter compiles and fails at least one check, the manifest\n"
     "and the checkers agree, and the lessons and hints exist."},
    {NULL, NULL, NULL, NULL, NULL},
};
