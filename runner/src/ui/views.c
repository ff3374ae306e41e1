/*
 * views.c -- the loops behind tui_home, tui_lesson and tui_exercise: read
 * what a view shows (manifest, learner state, lesson files), feed keys
 * and the worker's events to the models, and paint.  No curses here
 * either: term.c does the terminal, tui_model*.c the screens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../files.h"
#include "ui_internal.h"

#define LESSON_MAX_BYTES (4u << 20)
#define SPIN_MS 80 /* spinner frame while a check runs */

bool tui_available(const lab_ctx *ctx)
{
    if (ctx->plain || ctx->json || !isatty(STDIN_FILENO) ||
        !isatty(STDOUT_FILENO))
        return false;
    const char *term = getenv("TERM");
    return term && *term && strcmp(term, "dumb") != 0;
}

static tui_look look_of(const tui_term *t)
{
    tui_look l = {.utf8 = t->utf8};
    return l;
}

/* Draws through a view's draw function, or the "too small" notice. */
typedef void (*draw_fn)(void *model, tui_screen *s);

static void paint(tui_term *t, draw_fn draw, void *model)
{
    tui_screen *s = term_screen(t);
    if (!s)
        return;
    if (s->rows < TUI_MIN_ROWS || s->cols < TUI_MIN_COLS)
        tui_draw_too_small(s, look_of(t));
    else
        draw(model, s);
    term_paint(t);
}

static void draw_home(void *m, tui_screen *s)
{
    tui_home_draw(m, s);
}

static void draw_lesson(void *m, tui_screen *s)
{
    tui_lesson_draw(m, s);
}

static void draw_exercise(void *m, tui_screen *s)
{
    tui_exercise_draw(m, s);
}

/* ------------------------------------------------------------------------
 * Lesson reader
 * ---------------------------------------------------------------------- */

/* Returns 0 (back), 1 (quit everything) or -1 (cannot read the file: an
 * error line went to stderr). */
static int lesson_loop(tui_term *t, const char *path, const char *shown)
{
    size_t len;
    char *text = files_read(path, LESSON_MAX_BYTES, &len);
    if (!text) {
        lab_error(NULL, "cannot read %s", path);
        return -1;
    }
    tui_lesson_model l;
    int rc = tui_lesson_init(&l, text, len, shown, look_of(t));
    free(text);
    if (rc != 0) {
        tui_lesson_free(&l);
        lab_error(NULL, "out of memory");
        return -1;
    }
    int out = 0;
    for (;;) {
        paint(t, draw_lesson, &l);
        int key = term_key(t, -1, -1);
        tui_action a = tui_lesson_key(&l, key);
        if (a == TUI_ACT_BACK)
            break;
        if (a == TUI_ACT_QUIT) {
            out = 1;
            break;
        }
        if (a == TUI_ACT_REDRAW)
            t->force = true;
    }
    tui_lesson_free(&l);
    return out;
}

/* The path as the learner would type it: relative to the lab's root. */
static const char *rel_to_root(const lab_ctx *ctx, const char *path)
{
    size_t n = ctx->root ? strlen(ctx->root) : 0;
    if (n && !strncmp(path, ctx->root, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

int tui_lesson(lab_ctx *ctx, const char *path)
{
    if (access(path, R_OK) != 0) {
        lab_error(NULL, "cannot read %s", path);
        return LAB_EXIT_INTERNAL;
    }
    tui_term t;
    if (term_open(&t, ctx) != 0)
        return LAB_EXIT_INTERNAL;
    int rc = lesson_loop(&t, path, rel_to_root(ctx, path));
    term_close(&t);
    return rc < 0 ? LAB_EXIT_INTERNAL : LAB_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Exercise view
 * ---------------------------------------------------------------------- */

/* Reveals the next hint as `lab hint` does: counted in the state. */
static void reveal_hint(lab_ctx *ctx, const manifest_exercise *ex,
                        tui_exercise_model *x)
{
    lab_state *st = lab_state_get(ctx);
    ex_state *es = st ? state_ex(st, ex->id) : NULL;
    int n = x->hints_shown + 1;
    if (es) {
        if (es->hints_shown < n)
            es->hints_shown = n;
        if (es->status == EX_NOT_STARTED)
            es->status = EX_STARTED;
        lab_state_save(ctx);
        n = es->hints_shown;
    }
    tui_exercise_set_hints(x, n);
    tui_exercise_note(x, "Hint %d of %zu", n, ex->nhints);
}

/* Takes a finished check's result; a check that could not run says why
 * with what it wrote to stderr. */
static void take_result(tui_term *t, tui_exercise_model *x,
                        tui_worker_event *ev)
{
    char *err = term_take_stderr(t);
    if (ev->rc != 0 && !ev->result.error) {
        ev->result.ran = false;
        ev->result.error = err ? err : strdup("the check failed to run");
        err = NULL;
    }
    free(err);
    tui_exercise_set_result(x, &ev->result);
    tui_exercise_note(x, NULL);
}

/* Returns 0 (back), 1 (quit everything) or 2 (go on to *next); *passed
 * gets the last check's verdict (-1: none ran). */
static int exercise_loop(tui_term *t, lab_ctx *ctx, const manifest_exercise *ex,
                         const tui_hooks *hooks, int *passed,
                         const manifest_exercise **next)
{
    manifest *m = lab_manifest(ctx);
    lab_state *st = lab_state_get(ctx);
    ex_state *es = st ? state_ex(st, ex->id) : NULL;
    char *lesson_path = lab_path(ctx, ex->lesson);
    size_t len = 0;
    char *lesson =
        lesson_path ? files_read(lesson_path, LESSON_MAX_BYTES, &len) : NULL;
    free(lesson_path);
    tui_exercise_model x;
    if (tui_exercise_init(&x, ex, m ? m->nexercises : 1, lesson, len,
                          es ? es->hints_shown : 0, look_of(t)) != 0) {
        free(lesson);
        tui_exercise_free(&x);
        *passed = -1;
        return 0;
    }
    free(lesson);

    char *file = lab_path(ctx, ex->file);
    tui_worker *w = file ? tui_worker_start(hooks, ex, file) : NULL;
    free(file);
    x.watching = w != NULL;
    x.can_next = hooks && hooks->next_exercise;
    *next = NULL;
    bool recheck = false, hint_later = false;
    if (w) {
        tui_worker_check(w); /* what the learner sees first: the verdict */
        tui_exercise_checking(&x);
    } else if (!hooks || !hooks->run_check) {
        tui_exercise_note(&x, "Checks are not available here.");
    }

    int out = 0;
    for (;;) {
        paint(t, draw_exercise, &x);
        int key = term_key(t, x.checking ? SPIN_MS : -1, tui_worker_fd(w));
        if (key == TUI_K_NONE) {
            tui_exercise_tick(&x);
            continue;
        }
        if (key == TUI_K_WAKE) {
            tui_worker_event ev;
            while (tui_worker_next(w, &ev)) {
                if (ev.kind == TUI_WORKER_CHANGED) {
                    if (x.checking) {
                        recheck = true; /* after this one */
                    } else {
                        tui_worker_check(w);
                        tui_exercise_checking(&x);
                        tui_exercise_note(&x, "Saved: checking\u2026");
                    }
                } else if (ev.kind == TUI_WORKER_DONE) {
                    take_result(t, &x, &ev);
                    tui_result_free(&ev.result);
                    /* Nothing is in flight now: the state is ours. */
                    if (hint_later) {
                        hint_later = false;
                        reveal_hint(ctx, ex, &x);
                    }
                    if (recheck) {
                        recheck = false;
                        tui_worker_check(w);
                        tui_exercise_checking(&x);
                    }
                }
            }
            continue;
        }
        tui_action a = tui_exercise_key(&x, key);
        if (a == TUI_ACT_BACK)
            break;
        if (a == TUI_ACT_QUIT) {
            out = 1;
            break;
        }
        if (a == TUI_ACT_NEXT) {
            /* No check runs (the model offers n only then). */
            *next = hooks->next_exercise(hooks->ud, ex);
            if (*next) {
                out = 2;
                break;
            }
            tui_exercise_note(&x, "That was the last exercise. Well done!");
        } else if (a == TUI_ACT_REDRAW) {
            t->force = true;
        } else if (a == TUI_ACT_CHECK) {
            if (w) {
                tui_worker_check(w);
                tui_exercise_checking(&x);
                tui_exercise_note(&x, NULL);
            } else {
                tui_exercise_note(&x, "Checks are not available here.");
            }
        } else if (a == TUI_ACT_HINT) {
            if (x.checking) { /* the check may be writing the state */
                hint_later = true;
                tui_exercise_note(&x, "The hint comes when the check ends.");
            } else {
                reveal_hint(ctx, ex, &x);
            }
        }
    }
    if (w) {
        if (x.checking) {
            tui_exercise_note(&x, "Finishing the check\u2026");
            paint(t, draw_exercise, &x);
        }
        tui_worker_stop(w);
    }
    *passed =
        x.result && !x.result->error ? (x.result->ran && x.result->passed) : -1;
    tui_exercise_free(&x);
    return out;
}

int tui_exercise(lab_ctx *ctx, const manifest_exercise *ex,
                 const tui_hooks *hooks)
{
    tui_term t;
    if (!ex || term_open(&t, ctx) != 0)
        return LAB_EXIT_INTERNAL;
    int passed;
    const manifest_exercise *next;
    while (exercise_loop(&t, ctx, ex, hooks, &passed, &next) == 2)
        ex = next;
    term_close(&t);
    return passed == 0 ? LAB_EXIT_FAILED : LAB_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Home
 * ---------------------------------------------------------------------- */

/* The text of the first "# " line of a Markdown file, or NULL. */
static char *lesson_title(lab_ctx *ctx, const char *rel)
{
    char *path = lab_path(ctx, rel);
    FILE *f = path ? fopen(path, "r") : NULL;
    free(path);
    if (!f)
        return NULL;
    char line[512];
    char *title = NULL;
    for (int k = 0; k < 40 && fgets(line, sizeof line, f); k++) {
        if (line[0] == '#' && line[1] == ' ') {
            size_t n = strcspn(line + 2, "\r\n");
            title = strndup(line + 2, n);
            break;
        }
    }
    fclose(f);
    return title;
}

static ex_status status_of(const lab_state *st, const char *id)
{
    for (size_t i = 0; st && i < st->nex; i++)
        if (!strcmp(st->ex[i].id, id))
            return st->ex[i].status;
    return EX_NOT_STARTED;
}

int tui_home(lab_ctx *ctx, const tui_hooks *hooks)
{
    manifest *m = lab_manifest(ctx);
    lab_state *st = lab_state_get(ctx);
    if (!m || !st)
        return LAB_EXIT_INTERNAL;
    size_t n = m->nexercises;
    ex_status *status = calloc(n ? n : 1, sizeof *status);
    char **titles = calloc(n ? n : 1, sizeof *titles);
    int rc = LAB_EXIT_INTERNAL;
    if (!status || !titles)
        goto out;
    for (size_t i = 0; i < n; i++) {
        status[i] = status_of(st, m->exercises[i].id);
        /* One read per lesson: exercises of a lesson are adjacent. */
        if (i > 0 &&
            !strcmp(m->exercises[i].lesson, m->exercises[i - 1].lesson))
            titles[i] = titles[i - 1] ? strdup(titles[i - 1]) : NULL;
        else
            titles[i] = lesson_title(ctx, m->exercises[i].lesson);
    }
    tui_term t;
    if (term_open(&t, ctx) != 0)
        goto out;
    tui_home_model h;
    if (tui_home_init(&h, m, status, (const char *const *)titles, st->current,
                      look_of(&t)) != 0) {
        tui_home_free(&h);
        term_close(&t);
        lab_error(NULL, "out of memory");
        goto out;
    }
    rc = LAB_EXIT_OK;
    for (;;) {
        paint(&t, draw_home, &h);
        size_t which = 0;
        int key = term_key(&t, -1, -1);
        tui_action a = tui_home_key(&h, key, &which);
        if (a == TUI_ACT_QUIT)
            break;
        if (a == TUI_ACT_REDRAW)
            t.force = true;
        if (a == TUI_ACT_OPEN_EXERCISE) {
            const manifest_exercise *ex = &m->exercises[which], *next;
            int passed, r;
            while ((r = exercise_loop(&t, ctx, ex, hooks, &passed, &next)) ==
                   2) {
                tui_home_set_status(&h, ex->index, status_of(ctx->st, ex->id));
                ex = next;
            }
            tui_home_set_status(&h, ex->index, status_of(ctx->st, ex->id));
            h.current = SIZE_MAX; /* the command layer may have moved it */
            for (size_t i = 0; ctx->st->current && i < n; i++)
                if (!strcmp(m->exercises[i].id, ctx->st->current))
                    h.current = i;
            if (r == 1)
                break;
        } else if (a == TUI_ACT_OPEN_LESSON) {
            char *path = lab_path(ctx, m->exercises[which].lesson);
            int r =
                path ? lesson_loop(&t, path, m->exercises[which].lesson) : -1;
            free(path);
            if (r < 0) { /* say it here; the error line waits in stderr */
                free(term_take_stderr(&t));
                tui_home_note(&h, "Cannot read %s.",
                              m->exercises[which].lesson);
            }
            if (r == 1)
                break;
        }
    }
    tui_home_free(&h);
    term_close(&t);
out:
    for (size_t i = 0; titles && i < n; i++)
        free(titles[i]);
    free(titles);
    free(status);
    return rc;
}
