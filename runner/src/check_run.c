/*
 * check_run.c -- options, running, printing and recording of checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"

int check_flags_parse(check_flags *f, const char *cmd, int argc, char **argv,
                      bool positional)
{
    memset(f, 0, sizeof *f);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--thorough")) {
            f->thorough = true;
        } else if (!strcmp(a, "--sanitize")) {
            f->sanitize = true;
        } else if (!strcmp(a, "--verbose")) {
            f->verbose = true;
        } else if (!strcmp(a, "--seed") || !strcmp(a, "--exercise")) {
            if (i + 1 == argc) {
                lab_usage_error(cmd, "%s needs a value", a);
                return -1;
            }
            const char *v = argv[++i];
            if (a[2] == 'e') {
                f->exercise = v;
                continue;
            }
            char *end;
            unsigned long long s = strtoull(v, &end, 10);
            if (!*v || *end || v[0] == '-') {
                lab_usage_error(cmd, "--seed wants a number, not '%s'", v);
                return -1;
            }
            f->has_seed = true;
            f->seed = s;
        } else if (a[0] == '-' && a[1]) {
            lab_usage_error(cmd, "unknown option '%s'", a);
            return -1;
        } else if (positional && !f->what) {
            f->what = a;
        } else {
            lab_usage_error(cmd, "unexpected argument '%s'", a);
            return -1;
        }
    }
    if (f->has_seed && f->thorough) {
        lab_usage_error(cmd, "--seed and --thorough do not go together");
        return -1;
    }
    return 0;
}

int check_run(lab_ctx *ctx, const check_flags *f, const manifest_exercise *ex,
              const char *file, pipeline_result *r)
{
    pipeline_opts o;
    pipeline_opts_init(&o, ctx->root, SANDBOX_LEARNER);
    if (f->has_seed) {
        o.seeds = &f->seed;
        o.nseeds = 1;
    } else if (f->thorough) {
        o.seeds = PIPELINE_SEEDS_THOROUGH;
        o.nseeds = 10;
    }
    o.sanitizers = f->sanitize;
    o.traces = f->timeline;
    o.jobs = 2;
    char why[1024] = "";
    memset(r, 0, sizeof *r);
    int rc = pipeline_check(&o, ex, file, r, why, sizeof why);
    if (rc != 0) {
        fprintf(stderr, "%s\n", why[0] ? why : "lab: error: the check failed");
        return LAB_EXIT_INTERNAL;
    }
    return 0;
}

void check_print(lab_ctx *ctx, const pipeline_result *r, bool verbose)
{
    char *s = ctx->json ? pipeline_render_json(r)
                        : pipeline_render_text(
                              r, (ctx->color ? PIPELINE_RENDER_COLOR : 0) |
                                     (verbose ? PIPELINE_RENDER_VERBOSE : 0));
    if (s) {
        fputs(s, stdout);
        if (ctx->json || (*s && s[strlen(s) - 1] != '\n'))
            fputc('\n', stdout);
        free(s);
    }
    fflush(stdout);
}

void check_record(lab_ctx *ctx, const manifest_exercise *ex,
                  const pipeline_result *r)
{
    lab_state *st = lab_state_get(ctx);
    ex_state *es = st ? state_ex(st, ex->id) : NULL;
    if (!es)
        return;
    es->attempts++;
    if (r->points > es->best_points)
        es->best_points = r->points;
    if (r->passed)
        es->status = EX_DONE;
    else if (es->status != EX_DONE)
        es->status = EX_FAILING;
    lab_state_save(ctx);
}
