/*
 * cmd_watch.c -- `lab watch [EX]`: check the exercise, then again every
 * time its file is saved (libtg's tg_watch_file: debounced, and it sees
 * editors that save by renaming a new file into place).  Runs as a libtg
 * task; Ctrl-C ends it.
 *
 * The file is watched only between checks, so a save that lands while a
 * check runs is found afterwards by its changed identity (inode, size,
 * times): the file is checked again at once rather than at the next save.
 * That also makes a short debounce safe: a check that read a save half
 * written is followed by one of the whole file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_run.h"
#include "cli.h"
#include "tg.h"

/* Editors finish a save -- in place, or a new file renamed over the old
 * one -- within a few milliseconds; this merges its events.  It is part
 * of every save-to-verdict wait (target: 300 ms), so it stays short. */
#define WATCH_DEBOUNCE_MS 40

typedef struct watch_args {
    lab_ctx *ctx;
    check_flags flags;
    const manifest_exercise *ex;
    char *file;
    int rc;
} watch_args;

static void clear_screen(lab_ctx *ctx)
{
    if (ctx->tty && !ctx->plain)
        fputs("\033[H\033[2J", stdout);
}

/* What tells one save of the file from another. */
typedef struct file_id {
    bool exists;
    struct stat st;
} file_id;

static file_id file_id_of(const char *path)
{
    file_id id = {0};
    id.exists = stat(path, &id.st) == 0;
    return id;
}

static bool file_id_same(const file_id *a, const file_id *b)
{
    if (a->exists != b->exists)
        return false;
    if (!a->exists)
        return true;
    return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino &&
           a->st.st_size == b->st.st_size &&
           a->st.st_mtim.tv_sec == b->st.st_mtim.tv_sec &&
           a->st.st_mtim.tv_nsec == b->st.st_mtim.tv_nsec &&
           a->st.st_ctim.tv_sec == b->st.st_ctim.tv_sec &&
           a->st.st_ctim.tv_nsec == b->st.st_ctim.tv_nsec;
}

static tg_result watch_loop(void *arg)
{
    watch_args *w = arg;
    lab_ctx *ctx = w->ctx;
    for (;;) {
        file_id checked = file_id_of(w->file);
        pipeline_result r;
        int rc = check_run(ctx, &w->flags, w->ex, w->file, &r);
        if (rc != 0) {
            pipeline_result_free(&r);
            w->rc = rc;
            return tg_return(NULL);
        }
        clear_screen(ctx);
        check_record(ctx, w->ex, &r);
        check_print(ctx, &r, w->flags.verbose);
        if (!ctx->json) {
            if (r.passed)
                printf("\n%s passes. Run 'lab next' to move on (Ctrl-C "
                       "stops watching).\n",
                       w->ex->id);
            else
                printf("\nWatching %s: save it to check again (Ctrl-C "
                       "stops).\n",
                       w->ex->file);
        }
        fflush(stdout);
        pipeline_result_free(&r);
        file_id now = file_id_of(w->file);
        if (!file_id_same(&checked, &now))
            continue; /* saved while it was being checked */
        tg_error *e = tg_watch_file(w->file, WATCH_DEBOUNCE_MS);
        if (e) {
            if (!tg_error_is(e, &TG_CancelledError)) {
                lab_error(NULL, "%s", tg_error_message(e));
                w->rc = LAB_EXIT_INTERNAL;
            }
            tg_error_unref(e);
            return tg_return(NULL);
        }
    }
}

static int cmd_watch(lab_ctx *ctx, int argc, char **argv)
{
    watch_args w = {.ctx = ctx};
    if (check_flags_parse(&w.flags, "watch", argc, argv, true) != 0)
        return LAB_EXIT_USAGE;
    w.ex = lab_pick_exercise(ctx, w.flags.what);
    if (!w.ex)
        return w.flags.what ? LAB_EXIT_USAGE : LAB_EXIT_INTERNAL;
    w.file = lab_path(ctx, w.ex->file);
    if (!w.file)
        return LAB_EXIT_INTERNAL;
    tg_result r = tg_run(watch_loop, &w, NULL);
    if (r.error) {
        lab_error(NULL, "watch stopped: %s", tg_error_message(r.error));
        tg_error_unref(r.error);
        w.rc = LAB_EXIT_INTERNAL;
    }
    free(w.file);
    return w.rc;
}

const lab_command lab_watch_commands[] = {
    {"watch", cmd_watch, "[EX]", "re-check on every save",
     "Checks the exercise (the current one by default), then checks it\n"
     "again every time you save its file.  Ctrl-C stops.\n" CHECK_FLAGS_HELP},
    {NULL, NULL, NULL, NULL, NULL},
};
