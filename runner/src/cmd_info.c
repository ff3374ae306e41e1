/*
 * cmd_info.c -- the commands that only read: `lab list` (progress),
 * `lab lesson [N]` (a lesson's text) and `lab hint [EX]` (the next hint).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "files.h"
#include "ui/ui.h"

static ex_status status_of(lab_ctx *ctx, const manifest_exercise *ex)
{
    lab_state *st = lab_state_get(ctx);
    if (!st)
        return EX_NOT_STARTED;
    for (size_t i = 0; i < st->nex; i++)
        if (!strcmp(st->ex[i].id, ex->id))
            return st->ex[i].status;
    return EX_NOT_STARTED;
}

static int cmd_list(lab_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc > 0)
        return lab_usage_error("list", "'lab list' takes no arguments");
    manifest *m = lab_manifest(ctx);
    lab_state *st = lab_state_get(ctx);
    if (!m || !st)
        return LAB_EXIT_INTERNAL;
    size_t done = 0;
    for (size_t i = 0; i < m->nexercises; i++)
        done += status_of(ctx, &m->exercises[i]) == EX_DONE;
    const char *cur = st->current;

    if (ctx->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < m->nexercises; i++) {
            const manifest_exercise *ex = &m->exercises[i];
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:i}", "id", ex->id,
                               "title", ex->title, "file", ex->file,
                               "status",
                               state_status_name(status_of(ctx, ex)),
                               "current", cur && !strcmp(cur, ex->id),
                               "points", manifest_points(ex)));
        }
        json_t *doc = json_pack("{s:o, s:i, s:i}", "exercises", arr, "done",
                                (int)done, "total", (int)m->nexercises);
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
        return LAB_EXIT_OK;
    }

    int width = 30;
    int filled = m->nexercises ? (int)(done * (size_t)width / m->nexercises)
                               : 0;
    printf("%sProgress%s [", lab_c(ctx, LAB_BOLD), lab_c(ctx, LAB_RESET));
    for (int k = 0; k < width; k++)
        fputs(k < filled ? (ctx->utf8 ? "\u2588" : "#")
                         : (ctx->utf8 ? "\u2591" : "."),
              stdout);
    printf("] %zu/%zu done\n", done, m->nexercises);

    const char *topic = NULL;
    for (size_t i = 0; i < m->nexercises; i++) {
        const manifest_exercise *ex = &m->exercises[i];
        if (!topic || strcmp(topic, ex->topic) != 0) {
            topic = ex->topic;
            printf("\n%s%s%s  (%s)\n", lab_c(ctx, LAB_BOLD), topic,
                   lab_c(ctx, LAB_RESET), ex->lesson);
        }
        ex_status s = status_of(ctx, ex);
        bool is_cur = cur && !strcmp(cur, ex->id);
        const char *mark, *color;
        switch (s) {
        case EX_DONE:
            mark = lab_mark_ok(ctx);
            color = LAB_GREEN;
            break;
        case EX_FAILING:
            mark = lab_mark_fail(ctx);
            color = LAB_RED;
            break;
        case EX_STARTED:
            mark = ctx->utf8 ? "\u2022" : "[..]";
            color = LAB_YELLOW;
            break;
        default:
            mark = ctx->utf8 ? "\u00b7" : "[  ]";
            color = LAB_DIM;
        }
        printf("  %s%s%s %2zu. %-28s %s%s\n", lab_c(ctx, color), mark,
               lab_c(ctx, LAB_RESET), i + 1, ex->name, ex->title,
               is_cur ? (ctx->utf8 ? "  \u25c0 current" : "  <- current")
                      : "");
    }
    return LAB_EXIT_OK;
}

/* lessons/<prefix>*.md, or NULL. */
static char *lesson_by_prefix(lab_ctx *ctx, const char *prefix)
{
    char *dir = lab_path(ctx, "lessons");
    DIR *d = dir ? opendir(dir) : NULL;
    char *found = NULL;
    struct dirent *e;
    while (d && !found && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (!strncmp(e->d_name, prefix, strlen(prefix)) && len > 3 &&
            !strcmp(e->d_name + len - 3, ".md") &&
            asprintf(&found, "%s/%s", dir, e->d_name) < 0)
            found = NULL;
    }
    if (d)
        closedir(d);
    free(dir);
    return found;
}

/* The lesson file for "3", "03", "01-task-groups", an exercise, or the
 * current exercise. */
static char *lesson_for(lab_ctx *ctx, const char *what)
{
    manifest *m = lab_manifest(ctx);
    if (!m)
        return NULL;
    if (what) {
        char *end;
        long n = strtol(what, &end, 10);
        if (*end == '\0' && n >= 0 && n < 100) {
            char prefix[8];
            snprintf(prefix, sizeof prefix, "%02ld-", n);
            for (size_t i = 0; i < m->nexercises; i++)
                if (!strncmp(m->exercises[i].topic, prefix, 3))
                    return lab_path(ctx, m->exercises[i].lesson);
            /* A lesson without exercises of its own (00-welcome). */
            return lesson_by_prefix(ctx, prefix);
        }
        for (size_t i = 0; i < m->nexercises; i++)
            if (!strcmp(m->exercises[i].topic, what))
                return lab_path(ctx, m->exercises[i].lesson);
    }
    /* An exercise's lesson; the caller says when there is none (once:
     * lab_pick_exercise would print its own "no exercise" error too). */
    const manifest_exercise *ex =
        what ? manifest_find(m, what) : lab_pick_exercise(ctx, NULL);
    return ex ? lab_path(ctx, ex->lesson) : NULL;
}

static int cmd_lesson(lab_ctx *ctx, int argc, char **argv)
{
    if (lab_no_options("lesson", argc, argv, NULL))
        return LAB_EXIT_USAGE;
    if (argc > 1)
        return lab_usage_error("lesson", "give at most one lesson");
    char *path = lesson_for(ctx, argc ? argv[0] : NULL);
    if (!path) {
        if (lab_manifest(ctx))
            lab_error("Run 'lab list' to see the lessons.",
                      "no lesson called '%s'", argc ? argv[0] : "");
        return argc ? LAB_EXIT_USAGE : LAB_EXIT_INTERNAL;
    }
    if (tui_available(ctx)) { /* the reader; plain output stays Markdown */
        int rc = tui_lesson(ctx, path);
        free(path);
        return rc;
    }
    size_t len;
    char *text = files_read(path, 4u << 20, &len);
    if (!text) {
        lab_error(NULL, "cannot read %s", path);
        free(path);
        return LAB_EXIT_INTERNAL;
    }
    if (ctx->json) {
        json_t *doc = json_pack("{s:s, s:s%}", "path", path, "markdown",
                                text, len);
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
    } else {
        fwrite(text, 1, len, stdout);
    }
    free(text);
    free(path);
    return LAB_EXIT_OK;
}

static int cmd_hint(lab_ctx *ctx, int argc, char **argv)
{
    if (lab_no_options("hint", argc, argv, NULL))
        return LAB_EXIT_USAGE;
    if (argc > 1)
        return lab_usage_error("hint", "give at most one exercise");
    const manifest_exercise *ex = lab_pick_exercise(ctx, argc ? argv[0] : NULL);
    lab_state *st = lab_state_get(ctx);
    if (!ex || !st)
        return argc ? LAB_EXIT_USAGE : LAB_EXIT_INTERNAL;
    ex_state *es = state_ex(st, ex->id);
    if (!es)
        return LAB_EXIT_INTERNAL;
    bool more = es->hints_shown < (int)ex->nhints;
    if (more)
        es->hints_shown++;
    if (es->status == EX_NOT_STARTED)
        es->status = EX_STARTED;
    lab_state_save(ctx);

    if (ctx->json) {
        json_t *arr = json_array();
        for (int k = 0; k < es->hints_shown; k++)
            json_array_append_new(arr, json_string(ex->hints[k]));
        json_t *doc = json_pack("{s:s, s:o, s:i}", "exercise", ex->id,
                                "hints", arr, "total", (int)ex->nhints);
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
        return LAB_EXIT_OK;
    }
    printf("%sHints for %s%s\n", lab_c(ctx, LAB_BOLD), ex->id,
           lab_c(ctx, LAB_RESET));
    for (int k = 0; k < es->hints_shown; k++)
        printf("\n  %d/%zu  %s\n", k + 1, ex->nhints, ex->hints[k]);
    if (es->hints_shown >= (int)ex->nhints)
        printf("\nThat was the last hint. The lesson (lab lesson) has the "
               "full story.\n");
    else
        printf("\nRun 'lab hint' again for the next one.\n");
    return LAB_EXIT_OK;
}

const lab_command lab_info_commands[] = {
    {"list", cmd_list, "", "show every exercise and your progress",
     "Lists the exercises in order, grouped by lesson, with their state:\n"
     "done, failing, started or not started, and marks the current one.\n"
     "With --json, prints {\"exercises\": [...], \"done\", \"total\"}."},
    {"lesson", cmd_lesson, "[N|EX]", "show a lesson",
     "Shows the lesson of the current exercise, or lesson N (0-13), or\n"
     "the lesson of exercise EX. With --json, prints {path, markdown}."},
    {"hint", cmd_hint, "[EX]", "show the next hint",
     "Reveals the next hint for the current exercise (or EX), one more\n"
     "each time, and repeats the ones already shown."},
    {NULL, NULL, NULL, NULL, NULL},
};
