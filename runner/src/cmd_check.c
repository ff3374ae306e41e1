/*
 * cmd_check.c -- the commands that grade: `lab check [EX]`, `lab submit
 * FILE`, and `lab next` (check the current exercise, and move on when it
 * passes).  They share one path: options, the pipeline, rendering, and
 * updating the learner's progress.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check_run.h"
#include "cli.h"
#include "files.h"
#include "intro.h"
#include "ui/ui.h"

static int cmd_check(lab_ctx *ctx, int argc, char **argv)
{
    check_flags f;
    if (check_flags_parse(&f, "check", argc, argv, true) != 0)
        return LAB_EXIT_USAGE;
    const manifest_exercise *ex = lab_pick_exercise(ctx, f.what);
    if (!ex)
        return f.what ? LAB_EXIT_USAGE : LAB_EXIT_INTERNAL;
    char *file = lab_path(ctx, ex->file);
    if (!file)
        return LAB_EXIT_INTERNAL;
    pipeline_result r;
    int rc = check_run(ctx, &f, ex, file, &r);
    free(file);
    if (rc == 0) {
        check_record(ctx, ex, &r);
        check_print(ctx, &r, f.verbose);
        rc = r.passed ? LAB_EXIT_OK : LAB_EXIT_FAILED;
        if (r.passed && !ctx->json)
            printf("\n%s passes. Run 'lab next' to move on.\n", ex->id);
    }
    pipeline_result_free(&r);
    return rc;
}

/* The exercise a submitted file is for: a "tglab: <id>" tag in its first
 * lines, else its file name. */
static const manifest_exercise *infer_exercise(lab_ctx *ctx, const char *path)
{
    manifest *m = lab_manifest(ctx);
    if (!m)
        return NULL;
    size_t len = 0;
    char *text = files_read(path, 1 << 20, &len);
    if (text) {
        char *tag = strstr(text, "tglab:");
        if (tag && (size_t)(tag - text) < 2048) {
            tag += 6;
            while (*tag == ' ')
                tag++;
            /* An id holds a '/' (01-task-groups/send_all): stop at
             * white space or the end of a comment, not at any slash. */
            size_t n = strcspn(tag, " \t\r\n*");
            char id[256];
            if (n < sizeof id) {
                memcpy(id, tag, n);
                id[n] = '\0';
                const manifest_exercise *ex = manifest_find(m, id);
                if (ex) {
                    free(text);
                    return ex;
                }
            }
        }
        free(text);
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char name[256];
    snprintf(name, sizeof name, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot)
        *dot = '\0';
    return manifest_find(m, name);
}

static int cmd_submit(lab_ctx *ctx, int argc, char **argv)
{
    check_flags f;
    if (check_flags_parse(&f, "submit", argc, argv, true) != 0)
        return LAB_EXIT_USAGE;
    if (!f.what)
        return lab_usage_error("submit", "say which file to grade, e.g. "
                                         "'lab submit ~/send_all.c'");
    const manifest_exercise *ex =
        f.exercise ? lab_pick_exercise(ctx, f.exercise)
                   : infer_exercise(ctx, f.what);
    if (!ex) {
        if (!f.exercise && lab_manifest(ctx)) {
            char *name = lab_printable(f.what);
            if (access(f.what, F_OK) != 0)
                lab_error("Check the path (and that you saved the file).",
                          "there is no file at %s", name ? name : "?");
            else
                lab_error("Name it: 'lab submit FILE --exercise ID' (see "
                          "'lab list').",
                          "cannot tell which exercise %s is for",
                          name ? name : "?");
            free(name);
        }
        return LAB_EXIT_USAGE;
    }
    pipeline_result r;
    int rc = check_run(ctx, &f, ex, f.what, &r);
    if (rc == 0) {
        check_print(ctx, &r, f.verbose);
        rc = r.passed ? LAB_EXIT_OK : LAB_EXIT_FAILED;
    }
    pipeline_result_free(&r);
    return rc;
}

/* The first exercise after ex (wrapping around) that is not done. */
const manifest_exercise *check_next_open(lab_ctx *ctx,
                                         const manifest_exercise *ex)
{
    manifest *m = lab_manifest(ctx);
    lab_state *st = lab_state_get(ctx);
    for (size_t k = 1; k <= m->nexercises; k++) {
        const manifest_exercise *cand =
            &m->exercises[(ex->index + k) % m->nexercises];
        ex_state *es = state_ex(st, cand->id);
        if (es && es->status != EX_DONE)
            return cand;
    }
    return NULL;
}

void check_start_exercise(lab_ctx *ctx, const manifest_exercise *ex,
                          bool quiet)
{
    lab_state *st = lab_state_get(ctx);
    ex_state *es = state_ex(st, ex->id);
    if (es && es->status == EX_NOT_STARTED)
        es->status = EX_STARTED;
    files_snapshot_starter(ctx, ex);
    state_set_current(st, ex->id);
    lab_state_save(ctx);
    if (quiet)
        return;
    if (ctx->json) {
        json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s}", "schema",
                                "tglab.next/1", "event", "start", "exercise",
                                ex->id, "file", ex->file, "lesson",
                                ex->lesson);
        if (doc) {
            json_dumpf(doc, stdout, JSON_COMPACT);
            fputc('\n', stdout);
            json_decref(doc);
        }
    } else {
        intro_exercise(ctx, ex);
    }
}

static int cmd_next(lab_ctx *ctx, int argc, char **argv)
{
    check_flags f;
    if (check_flags_parse(&f, "next", argc, argv, false) != 0)
        return LAB_EXIT_USAGE;
    manifest *m = lab_manifest(ctx);
    lab_state *st = lab_state_get(ctx);
    if (!m || !st)
        return LAB_EXIT_INTERNAL;
    /* Without a place to keep progress there is no "first time": check
     * the exercise the state names, or the first one, every time. */
    bool fresh = !st->welcomed || !st->current || !manifest_find(m, st->current);
    if (fresh && !st->read_only) {
        if (!ctx->json && !st->welcomed)
            intro_welcome(ctx);
        st->welcomed = true;
        check_start_exercise(ctx, &m->exercises[0], false);
        return LAB_EXIT_OK;
    }
    const manifest_exercise *ex =
        fresh ? &m->exercises[0] : manifest_find(m, st->current);
    if (fresh && !ctx->json)
        fprintf(stderr, "lab: note: progress cannot be saved, so 'lab next' "
                        "checks %s; use 'lab check EX' for the others.\n",
                ex->id);
    if (tui_available(ctx)) {
        tui_hooks hooks;
        lab_tui_hooks(ctx, &hooks);
        return tui_exercise(ctx, ex, &hooks);
    }
    char *file = lab_path(ctx, ex->file);
    if (!file)
        return LAB_EXIT_INTERNAL;
    pipeline_result r;
    int rc = check_run(ctx, &f, ex, file, &r);
    free(file);
    if (rc != 0) {
        pipeline_result_free(&r);
        return rc;
    }
    check_record(ctx, ex, &r);
    check_print(ctx, &r, f.verbose);
    if (!r.passed) {
        if (!ctx->json)
            printf("\nFix %s and run 'lab next' again (or 'lab hint').\n",
                   ex->file);
        pipeline_result_free(&r);
        return LAB_EXIT_FAILED;
    }
    pipeline_result_free(&r);
    const manifest_exercise *next = check_next_open(ctx, ex);
    if (!next) {
        if (!ctx->json)
            printf("\n%sEvery exercise passes. Well done!%s\nThe reference "
                   "solutions are yours to compare: 'lab solution EX'.\n",
                   lab_c(ctx, LAB_BOLD), lab_c(ctx, LAB_RESET));
        return LAB_EXIT_OK;
    }
    if (!ctx->json)
        printf("\n%s is done. Compare with the reference solution any time: "
               "'lab solution %s'.\n\n",
               ex->id, ex->name);
    check_start_exercise(ctx, next, false);
    return LAB_EXIT_OK;
}

const lab_command lab_check_commands[] = {
    {"next", cmd_next, "", "check the current exercise; move on when it passes",
     "The first time, welcomes you and starts exercise 1.  Afterwards it\n"
     "checks the current exercise; when every check passes it marks it\n"
     "done and introduces the next one.\n" CHECK_FLAGS_HELP},
    {"check", cmd_check, "[EX] [--seed N|--thorough]",
     "check an exercise (the current one by default)",
     "Compiles your file in a sandbox, runs its scenarios under several\n"
     "seeds and prints a verdict for every check: what was expected, what\n"
     "happened, and the hint that goes with it.\n" CHECK_FLAGS_HELP},
    {"submit", cmd_submit, "FILE [--exercise EX]", "grade any file",
     "Grades FILE as an exercise.  The exercise comes from a 'tglab: ID'\n"
     "tag in the file's first lines, or its file name, or --exercise.\n"
     "Your progress is not changed.\n" CHECK_FLAGS_HELP},
    {NULL, NULL, NULL, NULL, NULL},
};
