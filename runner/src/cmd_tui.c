/*
 * cmd_tui.c -- what the full-screen UI (runner/src/ui) needs from the
 * command layer: a hook that runs a check exactly as `lab check` does and
 * hands the verdicts over, and one that moves to the next exercise as
 * `lab next` does.  No curses here.
 */
#include <stdlib.h>

#include "check_run.h"
#include "ui/ui.h"

static int ui_check(void *ud, const manifest_exercise *ex, tui_result *out)
{
    lab_ctx *ctx = ud;
    check_flags f = {.timeline = true};
    pipeline_result r;
    char *file = lab_path(ctx, ex->file);
    if (!file)
        return -1;
    int rc = check_run(ctx, &f, ex, file, &r);
    if (rc == 0) {
        check_record(ctx, ex, &r); /* never check_print: stdout is the UI */
        rc = tui_result_from_pipeline(out, &r);
    }
    pipeline_result_free(&r);
    free(file);
    return rc == 0 ? 0 : -1;
}

static const manifest_exercise *ui_next(void *ud, const manifest_exercise *ex)
{
    lab_ctx *ctx = ud;
    const manifest_exercise *next = check_next_open(ctx, ex);
    if (next)
        check_start_exercise(ctx, next, true);
    return next;
}

void lab_tui_hooks(lab_ctx *ctx, struct tui_hooks *hooks)
{
    *hooks = (tui_hooks){
        .run_check = ui_check,
        .next_exercise = ui_next,
        .ud = ctx,
    };
}
