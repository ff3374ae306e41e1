/*
 * ui.h -- the full-screen terminal UI of `lab` (ncursesw): the home
 * screen, the lesson reader and the exercise view.  Every curses call of
 * the program lives in runner/src/ui/; the models they show are plain C
 * (tui_model.h) and tested headless.
 *
 * Each entry point takes the terminal, runs until the learner leaves,
 * restores the terminal, and returns a LAB_EXIT_* code.  Output written
 * to stderr while the UI is up (a check's "lab: error: ..." lines) is
 * held back and shown inside the UI, then replayed on the real stderr
 * when the UI ends.
 *
 * Wiring, from the command layer (a sketch; check_run.h has the rest):
 *
 *   static int ui_check(void *ud, const manifest_exercise *ex,
 *                       tui_result *out)
 *   {
 *       lab_ctx *ctx = ud;
 *       check_flags f = {0};
 *       pipeline_result r;
 *       char *file = lab_path(ctx, ex->file);
 *       int rc = file ? check_run(ctx, &f, ex, file, &r) : -1;
 *       if (rc == 0) {
 *           check_record(ctx, ex, &r);        // never check_print: stdout
 *           tui_result_from_pipeline(out, &r); // is the screen
 *       }
 *       if (file)
 *           pipeline_result_free(&r);
 *       free(file);
 *       return rc == 0 ? 0 : -1;              // stderr becomes the message
 *   }
 *   tui_hooks h = {.run_check = ui_check, .next_exercise = ..., .ud = ctx};
 *   if (tui_available(ctx))
 *       return tui_exercise(ctx, ex, &h);     // lab next
 */
#ifndef LAB_UI_H
#define LAB_UI_H

#include <stdbool.h>

#include "../cli.h"
#include "../tui_model.h"

/*
 * What the exercise view needs from the command layer.  Both functions
 * are called from one worker thread (never at the same time), so they
 * must not touch curses; run_check may update and save ctx's learner
 * state: the UI does not touch it while a check runs.
 */
typedef struct tui_hooks {
    /*
     * Checks ex's file and fills *out (zeroed on entry; the UI frees it
     * with tui_result_free).  Returns 0 when the check ran, whatever the
     * verdicts; -1 when it could not run (set out->error to say why, or
     * the UI shows what was written to stderr).
     */
    int (*run_check)(void *ud, const manifest_exercise *ex, tui_result *out);
    /*
     * Optional: waits up to timeout_ms for ex's file to change.  Returns
     * 1 when it changed, 0 on timeout, -1 on error.  When NULL the UI
     * watches the file itself (libtg's tg_watch_file, debounced, sees
     * editors that save by renaming).
     */
    int (*wait_change)(void *ud, const manifest_exercise *ex, int timeout_ms);
    /*
     * Optional: once ex passes, the learner may press n; this makes the
     * exercise after ex the current one (as `lab next` does) and returns
     * it, or NULL when ex was the last.  Called on the UI thread while no
     * check runs.  When NULL, n is not offered.
     */
    const manifest_exercise *(*next_exercise)(void *ud,
                                              const manifest_exercise *ex);
    void *ud; /* passed to all three */
} tui_hooks;

/*
 * Fills *out (freed with tui_result_free) from a check pipeline's result:
 * the verdicts (with how a run crashed and where), or the messages of the
 * stage that stopped it.  Returns 0, or -1 when memory runs out (*out is
 * then empty).  r is only read.
 */
struct pipeline_result;
int tui_result_from_pipeline(tui_result *out, const struct pipeline_result *r);

/*
 * True when the full-screen UI can run: stdin and stdout are terminals,
 * not --plain or --json, and TERM names a terminal curses knows (not
 * "dumb").  The commands fall back to their plain output otherwise.
 */
bool tui_available(const lab_ctx *ctx);

/*
 * The home screen (`lab` with no command, in a terminal): progress, every
 * exercise by lesson, search, and from there the exercise view (with
 * hooks; NULL: opening an exercise shows it without checks) and the
 * lesson reader.  Returns LAB_EXIT_OK when the learner quits,
 * LAB_EXIT_INTERNAL when the manifest cannot be loaded or the terminal
 * cannot be set up (after printing "lab: error: ...").
 */
int tui_home(lab_ctx *ctx, const tui_hooks *hooks);

/*
 * The lesson reader on the Markdown file at path (absolute, or relative
 * to the current directory).  Returns LAB_EXIT_OK, or LAB_EXIT_INTERNAL
 * when the file cannot be read or the terminal set up.
 */
int tui_lesson(lab_ctx *ctx, const char *path);

/*
 * The exercise view on ex (`lab next` in a terminal): runs the checks at
 * once and again every time the file is saved, with a spinner meanwhile;
 * shows the verdicts, hints on demand (recorded in the learner's state as
 * `lab hint` does), the failing scenario's timeline, and the lesson.
 * Returns LAB_EXIT_OK when the last check passed (or none ran),
 * LAB_EXIT_FAILED when it failed, LAB_EXIT_INTERNAL when the terminal
 * cannot be set up.
 */
int tui_exercise(lab_ctx *ctx, const manifest_exercise *ex,
                 const tui_hooks *hooks);

#endif /* LAB_UI_H */
