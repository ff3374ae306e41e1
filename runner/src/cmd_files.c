/*
 * cmd_files.c -- commands that change or reveal files: `lab reset EX`
 * (back up, then restore the starter) and `lab solution EX` (the
 * reference solution, once the exercise passes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"

static int cmd_reset(lab_ctx *ctx, int argc, char **argv)
{
    if (lab_no_options("reset", argc, argv, NULL))
        return LAB_EXIT_USAGE;
    if (argc != 1)
        return lab_usage_error("reset", "say which exercise to reset, e.g. "
                                        "'lab reset send_all'");
    const manifest_exercise *ex = lab_pick_exercise(ctx, argv[0]);
    if (!ex)
        return LAB_EXIT_USAGE;
    size_t len;
    char *starter = files_pristine(ctx, ex, &len);
    if (!starter)
        return LAB_EXIT_INTERNAL;
    char *dst = lab_path(ctx, ex->file);
    bool had_file = dst && access(dst, F_OK) == 0;
    char *backup = files_backup(ctx, ex);
    if (!backup) {
        free(dst);
        free(starter);
        return LAB_EXIT_INTERNAL;
    }
    int rc = dst ? state_write_atomic(dst, starter, len) : -1;
    if (rc != 0) {
        lab_error(NULL, "cannot write %s: %s (your work is in %s)",
                  ex->file, strerror(errno), backup);
    } else {
        if (had_file)
            printf("Reset %s to its starter.\nYour previous version is "
                   "saved in %s\n",
                   ex->file, backup);
        else
            printf("Restored %s from its starter (there was no file to "
                   "back up).\n",
                   ex->file);
        lab_state *st = lab_state_get(ctx);
        ex_state *es = st ? state_ex(st, ex->id) : NULL;
        if (es && es->status == EX_FAILING)
            es->status = EX_STARTED;
        lab_state_save(ctx);
    }
    free(dst);
    free(backup);
    free(starter);
    return rc ? LAB_EXIT_INTERNAL : LAB_EXIT_OK;
}

static int cmd_solution(lab_ctx *ctx, int argc, char **argv)
{
    if (lab_no_options("solution", argc, argv, "--force"))
        return LAB_EXIT_USAGE;
    bool force = false;
    const char *what = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--force"))
            force = true;
        else if (!what)
            what = argv[i];
        else
            return lab_usage_error("solution", "too many arguments");
    }
    const manifest_exercise *ex = lab_pick_exercise(ctx, what);
    lab_state *st = lab_state_get(ctx);
    if (!ex || !st)
        return what ? LAB_EXIT_USAGE : LAB_EXIT_INTERNAL;
    ex_state *es = state_ex(st, ex->id);
    if (!force && (!es || es->status != EX_DONE)) {
        lab_error("Finish it first ('lab check'), or look anyway with "
                  "'lab solution --force'.",
                  "%s is not done yet, so its solution stays hidden", ex->id);
        return LAB_EXIT_FAILED;
    }
    char rel[512];
    snprintf(rel, sizeof rel, "solutions/%s.c", ex->id);
    char *path = lab_path(ctx, rel);
    size_t len;
    char *text = path ? files_read(path, 0, &len) : NULL;
    if (!text) {
        lab_error(NULL, "cannot read %s: %s", rel, strerror(errno));
        free(path);
        return LAB_EXIT_INTERNAL;
    }
    if (!ctx->plain)
        printf("%s# %s%s\n\n", lab_c(ctx, LAB_BOLD), rel,
               lab_c(ctx, LAB_RESET));
    fwrite(text, 1, len, stdout);
    free(text);
    free(path);
    return LAB_EXIT_OK;
}

const lab_command lab_files_commands[] = {
    {"reset", cmd_reset, "EX", "restore an exercise's starter (keeps a backup)",
     "Saves your current file under .lab/backups/ (nothing is ever lost),\n"
     "then puts the original starter back in place."},
    {"solution", cmd_solution, "[EX] [--force]",
     "show the reference solution (after passing)",
     "Prints the reference solution of the exercise, with a note on why it\n"
     "is written that way.  Only once the exercise passes, unless --force."},
    {NULL, NULL, NULL, NULL, NULL},
};
