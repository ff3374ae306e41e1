/*
 * driver.c -- runs the full-screen UI on a fixture root for the tmux
 * tests (tests/ui/run) and the launch benchmark, without the real check
 * pipeline: the check hook reads a canned result from
 * ROOT/fake/<exercise name>.json each time it runs, so a test changes
 * what the next check says by rewriting that file.
 *
 *   tui_driver home | lesson PATH | exercise EX
 *
 * The root is $TGLAB_ROOT.  A fake result is tui_result as JSON:
 *   {"ran": true, "passed": false, "points": 2, "max_points": 3,
 *    "stage": "compile", "error": null, "delay_ms": 300,
 *    "verdicts": [{"name", "passed", "flaky", "message", "expected",
 *                  "actual", "scenario", "seed", "hint", "points"}],
 *    "diags": [{"error", "file", "line", "col", "text", "explain",
 *               "source"}],
 *    "trace": {...tui_trace_from_json's shape...}}
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "ui/ui.h"

static char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static long long jint(json_t *o, const char *k, long long def)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? json_integer_value(v) : def;
}

static bool jbool(json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

static int fake_check(void *ud, const manifest_exercise *ex, tui_result *out)
{
    lab_ctx *ctx = ud;
    char rel[512];
    snprintf(rel, sizeof rel, "fake/%s.json", ex->name);
    char *path = lab_path(ctx, rel);
    json_error_t err;
    json_t *doc = path ? json_load_file(path, 0, &err) : NULL;
    free(path);
    if (!doc) {
        fprintf(stderr, "lab: error: no fake result for %s\n", ex->name);
        return -1;
    }
    long long delay = jint(doc, "delay_ms", 0);
    if (delay > 0) {
        struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    out->ran = jbool(doc, "ran");
    out->passed = jbool(doc, "passed");
    out->points = (int)jint(doc, "points", 0);
    out->max_points = (int)jint(doc, "max_points", 0);
    out->stage = jstr(doc, "stage");
    out->error = jstr(doc, "error");
    json_t *vs = json_object_get(doc, "verdicts");
    out->nverdicts = json_array_size(vs);
    out->verdicts = calloc(out->nverdicts + 1, sizeof *out->verdicts);
    for (size_t i = 0; i < out->nverdicts; i++) {
        json_t *v = json_array_get(vs, i);
        tui_verdict *d = &out->verdicts[i];
        d->name = jstr(v, "name");
        d->passed = jbool(v, "passed");
        d->flaky = jbool(v, "flaky");
        d->message = jstr(v, "message");
        d->expected = jstr(v, "expected");
        d->actual = jstr(v, "actual");
        d->scenario = jstr(v, "scenario");
        d->seed = (uint64_t)jint(v, "seed", 0);
        d->hint = (int)jint(v, "hint", -1);
        d->points = (int)jint(v, "points", 1);
    }
    json_t *ds = json_object_get(doc, "diags");
    out->ndiags = json_array_size(ds);
    out->diags = calloc(out->ndiags + 1, sizeof *out->diags);
    for (size_t i = 0; i < out->ndiags; i++) {
        json_t *v = json_array_get(ds, i);
        tui_diag *d = &out->diags[i];
        d->error = jbool(v, "error");
        d->file = jstr(v, "file");
        d->line = (unsigned)jint(v, "line", 0);
        d->col = (unsigned)jint(v, "col", 0);
        d->text = jstr(v, "text");
        d->explain = jstr(v, "explain");
        d->source = jstr(v, "source");
    }
    json_t *tr = json_object_get(doc, "trace");
    if (tr) {
        char *text = json_dumps(tr, 0);
        out->trace = text ? tui_trace_from_json(text, NULL, 0) : NULL;
        free(text);
    }
    json_decref(doc);
    /* Record it as `lab check` does. */
    lab_state *st = lab_state_get(ctx);
    ex_state *es = st ? state_ex(st, ex->id) : NULL;
    if (es && out->ran) {
        es->attempts++;
        es->status = out->passed ? EX_DONE : EX_FAILING;
        lab_state_save(ctx);
    }
    return 0;
}

/* The exercise after ex becomes the current one, as `lab next` does. */
static const manifest_exercise *fake_next(void *ud, const manifest_exercise *ex)
{
    lab_ctx *ctx = ud;
    manifest *m = lab_manifest(ctx);
    lab_state *st = lab_state_get(ctx);
    if (!m || !st || ex->index + 1 >= m->nexercises)
        return NULL;
    const manifest_exercise *next = &m->exercises[ex->index + 1];
    state_set_current(st, next->id);
    lab_state_save(ctx);
    return next;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    if (argc < 2) {
        fputs("usage: tui_driver home | lesson PATH | exercise EX\n", stderr);
        return LAB_EXIT_USAGE;
    }
    lab_ctx ctx = {0};
    const char *root = getenv("TGLAB_ROOT");
    ctx.root = realpath(root && *root ? root : ".", NULL);
    ctx.tty = isatty(STDOUT_FILENO);
    const char *no_color = getenv("NO_COLOR");
    ctx.color = !(no_color && *no_color);
    const char *codeset = nl_langinfo(CODESET);
    ctx.utf8 = codeset && !strcmp(codeset, "UTF-8");
    tui_hooks hooks = {
        .run_check = fake_check, .next_exercise = fake_next, .ud = &ctx};
    if (!ctx.root || !tui_available(&ctx)) {
        fputs("tui_driver: needs a terminal and a root\n", stderr);
        return LAB_EXIT_INTERNAL;
    }

    int rc;
    if (!strcmp(argv[1], "home")) {
        rc = tui_home(&ctx, &hooks);
    } else if (!strcmp(argv[1], "lesson") && argc == 3) {
        rc = tui_lesson(&ctx, argv[2]);
    } else if (!strcmp(argv[1], "exercise") && argc == 3) {
        const manifest_exercise *ex = lab_pick_exercise(&ctx, argv[2]);
        rc = ex ? tui_exercise(&ctx, ex, &hooks) : LAB_EXIT_USAGE;
    } else {
        fputs("usage: tui_driver home | lesson PATH | exercise EX\n", stderr);
        rc = LAB_EXIT_USAGE;
    }
    manifest_free(ctx.m);
    state_free(ctx.st);
    free(ctx.root);
    return rc;
}
