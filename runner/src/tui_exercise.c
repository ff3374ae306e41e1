/*
 * tui_exercise.c -- the exercise view's model: the latest verdicts (or
 * the compiler's messages), the hints revealed so far, the lesson, and a
 * timeline of the failing scenario built from libtg's trace events -- so
 * the learner sees how one failure spread through a group: who was
 * spawned, who failed, who got cancelled, and what the wait handed up.
 * Also the result and trace structures, and the trace's JSON reader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tui_model.h"

/* ------------------------------------------------------------------------
 * Results and traces
 * ---------------------------------------------------------------------- */

void tui_trace_free(tui_trace *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nevents; i++) {
        free(t->events[i].name);
        free(t->events[i].error_type);
        free(t->events[i].error_msg);
        free(t->events[i].detail);
    }
    free(t->events);
    free(t->scenario);
    free(t);
}

void tui_result_free(tui_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nverdicts; i++) {
        tui_verdict *v = &r->verdicts[i];
        free(v->name);
        free(v->message);
        free(v->expected);
        free(v->actual);
        free(v->scenario);
    }
    free(r->verdicts);
    for (size_t i = 0; i < r->ndiags; i++) {
        free(r->diags[i].file);
        free(r->diags[i].text);
        free(r->diags[i].explain);
        free(r->diags[i].source);
    }
    free(r->diags);
    tui_trace_free(r->trace);
    free(r->stage);
    free(r->error);
    memset(r, 0, sizeof *r);
}

static const char *const ev_names[TUI_EV_KINDS] = {
    "spawn",  "start", "suspend", "resume",     "cancel",        "cancelled",
    "return", "raise", "abort",   "group_done", "spawn_refused",
};

int tui_ev_kind_parse(const char *name)
{
    for (int i = 0; name && i < TUI_EV_KINDS; i++)
        if (!strcmp(ev_names[i], name))
            return i;
    return -1;
}

const char *tui_ev_kind_name(tui_ev_kind k)
{
    return (unsigned)k < TUI_EV_KINDS ? ev_names[k] : "?";
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static uint64_t json_u64(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (!v && b)
        v = json_object_get(o, b);
    return json_is_integer(v) && json_integer_value(v) > 0
               ? (uint64_t)json_integer_value(v)
               : 0;
}

static const char *json_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

tui_trace *tui_trace_from_json(const char *text, char *why, size_t whylen)
{
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    if (!root) {
        if (why)
            snprintf(why, whylen, "trace: not JSON (line %d: %s)", err.line,
                     err.text);
        return NULL;
    }
    json_t *events =
        json_is_array(root) ? root : json_object_get(root, "events");
    if (!json_is_array(events)) {
        if (why)
            snprintf(why, whylen, "trace: expected an array of events");
        json_decref(root);
        return NULL;
    }
    tui_trace *t = calloc(1, sizeof *t);
    size_t n = json_array_size(events);
    if (!t || !(t->events = calloc(n ? n : 1, sizeof(tui_event))))
        goto oom;
    if (json_is_object(root)) {
        t->scenario = dup_or_null(json_str(root, "scenario"));
        t->seed = json_u64(root, "seed", NULL);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(events, i);
        int kind =
            json_is_object(e) ? tui_ev_kind_parse(json_str(e, "kind")) : -1;
        if (kind < 0)
            continue; /* a newer probe's event: not ours to show */
        tui_event *ev = &t->events[t->nevents++];
        ev->kind = (tui_ev_kind)kind;
        ev->time_ms = json_u64(e, "t", "time_ms");
        ev->task = json_u64(e, "task", "task_id");
        ev->peer = json_u64(e, "peer", "peer_id");
        ev->name = dup_or_null(json_str(e, "name"));
        ev->detail = dup_or_null(json_str(e, "detail"));
        json_t *er = json_object_get(e, "error");
        if (json_is_object(er)) {
            ev->error_type = dup_or_null(json_str(er, "type"));
            ev->error_msg = dup_or_null(json_str(er, "message"));
        } else {
            ev->error_type = dup_or_null(json_str(e, "error_type"));
            ev->error_msg = dup_or_null(json_str(e, "error_message"));
        }
    }
    json_decref(root);
    return t;
oom:
    json_decref(root);
    tui_trace_free(t);
    if (why)
        snprintf(why, whylen, "trace: out of memory");
    return NULL;
}

/* ------------------------------------------------------------------------
 * Building lines
 * ---------------------------------------------------------------------- */

typedef struct builder {
    mdr_lines *ls;
    unsigned flags; /* MDR_ASCII when the look is not UTF-8 */
    int width;      /* columns available */
    bool oom;
    tui_look look;
} builder;

static mdr_line *b_line(builder *b)
{
    mdr_line *l = b->oom ? NULL : mdr_lines_add(b->ls);
    if (!l)
        b->oom = true;
    return l;
}

static void b_put(builder *b, mdr_line *l, const char *text, mdr_style st)
{
    if (l && !b->oom && mdr_line_puts(l, text, st, b->flags))
        b->oom = true;
}

static void b_blank(builder *b)
{
    b_line(b);
}

/* Wrapped text at an indent. */
static void b_wrap(builder *b, const char *text, mdr_style st, int indent)
{
    if (!b->oom && text &&
        mdr_lines_wrap(b->ls, text, st, b->width - indent, indent, b->flags))
        b->oom = true;
}

static void b_spaces(builder *b, mdr_line *l, int n)
{
    char sp[64];
    while (n > 0 && l && !b->oom) {
        int k = n < 63 ? n : 63;
        memset(sp, ' ', (size_t)k);
        sp[k] = '\0';
        b_put(b, l, sp, MDR_TEXT);
        n -= k;
    }
}

/* Text cut or padded to exactly cols columns. */
static void b_fixed(builder *b, mdr_line *l, const char *text, int cols,
                    mdr_style st)
{
    int used;
    size_t k = mdr_fit(text, strlen(text), cols, &used);
    char *cut = malloc(k + 1);
    if (!cut) {
        b->oom = true;
        return;
    }
    memcpy(cut, text, k);
    cut[k] = '\0';
    b_put(b, l, cut, st);
    free(cut);
    b_spaces(b, l, cols - used);
}

/* One line: left text, and right text ending at the width. */
static void b_left_right(builder *b, const char *mark, mdr_style mst,
                         const char *left, mdr_style lst, const char *right,
                         mdr_style rst)
{
    mdr_line *l = b_line(b);
    b_put(b, l, mark, mst);
    b_put(b, l, " ", MDR_TEXT);
    b_put(b, l, left, lst);
    if (!l || !right)
        return;
    int rw = mdr_width(right, strlen(right));
    int pad = b->width - l->width - rw;
    b_spaces(b, l, pad < 2 ? 2 : pad);
    b_put(b, l, right, rst);
}

/* "    label     text that wraps
 *               under itself" */
static void b_hang(builder *b, int indent, const char *label, int lw,
                   const char *text, mdr_style st)
{
    mdr_line *l = b_line(b);
    b_spaces(b, l, indent);
    b_fixed(b, l, label, lw, TUI_LABEL);
    mdr_lines *tmp = mdr_lines_new();
    if (!l || !tmp ||
        mdr_lines_wrap(tmp, text, st, b->width - indent - lw, 0, b->flags)) {
        mdr_lines_free(tmp);
        b->oom = true;
        return;
    }
    for (size_t i = 0; i < tmp->n; i++) {
        mdr_line *dst = i == 0 ? l : b_line(b);
        if (i > 0)
            b_spaces(b, dst, indent + lw);
        for (size_t k = 0; dst && k < tmp->v[i].nspans; k++)
            b_put(b, dst, tmp->v[i].spans[k].text, tmp->v[i].spans[k].style);
    }
    mdr_lines_free(tmp);
}

/* Markdown (a hint) laid out at an indent. */
static void b_markdown(builder *b, const char *md, int indent)
{
    if (b->oom)
        return;
    mdr_layout_opts o = {.width = b->width,
                         .code_width = b->width,
                         .indent = indent,
                         .flags = b->flags};
    o.width -= indent;
    o.code_width -= indent;
    mdr_lines *ls = mdr_render(md, strlen(md), &o);
    if (!ls || mdr_lines_take(b->ls, ls))
        b->oom = true;
    mdr_lines_free(ls);
}

/* ------------------------------------------------------------------------
 * The Checks tab
 * ---------------------------------------------------------------------- */

static const char *stage_headline(const char *stage)
{
    if (!stage)
        return "Your file could not be checked.";
    if (!strcmp(stage, "compile"))
        return "Your file does not compile.";
    if (!strcmp(stage, "symbols"))
        return "Your file defines something it must not.";
    if (!strcmp(stage, "link"))
        return "Your file compiles, but the checks cannot be linked with it.";
    if (!strcmp(stage, "input"))
        return "Your file cannot be checked as it is.";
    return "Your file could not be checked.";
}

static void build_hints(tui_exercise_model *x, builder *b)
{
    const manifest_exercise *ex = x->ex;
    if (!ex->nhints || (x->hints_shown == 0 && x->result && x->result->ran &&
                        x->result->passed))
        return; /* nothing to offer once it passes */
    if (b->ls->n && b->ls->v[b->ls->n - 1].nspans)
        b_blank(b);
    char head[64];
    snprintf(head, sizeof head, "Hints \u00b7 %d of %zu shown", x->hints_shown,
             ex->nhints);
    b_put(b, b_line(b), head, MDR_H3 | MDR_BOLD);
    for (int k = 0; k < x->hints_shown && k < (int)ex->nhints; k++) {
        char *md = NULL;
        /* An ordered list item keeps the hint's number and its wrap. */
        if (asprintf(&md, "%d. %s", k + 1, ex->hints[k]) < 0) {
            b->oom = true;
            return;
        }
        b_blank(b);
        if (k == x->hints_shown - 1)
            x->hint_line = (int)b->ls->n; /* the newest: scrolled to */
        b_markdown(b, md, 0);
        free(md);
    }
    b_blank(b);
    if (x->hints_shown < (int)ex->nhints)
        b_put(b, b_line(b),
              x->hints_shown ? "Press h for the next hint."
                             : "Stuck? Press h for a hint.",
              TUI_INFO);
    else
        b_put(b, b_line(b),
              "That was the last hint; the lesson (press 3) has the full "
              "story.",
              TUI_LABEL);
}

static void build_verdict(tui_exercise_model *x, builder *b,
                          const tui_verdict *v)
{
    tui_look look = x->look;
    char pts[32];
    snprintf(pts, sizeof pts, "%d pt%s", v->points, v->points == 1 ? "" : "s");
    const char *mark;
    mdr_style mst;
    if (v->passed && !v->flaky) {
        mark = look.utf8 ? "\u2713" : "v";
        mst = TUI_OK | MDR_BOLD;
    } else if (v->flaky) {
        mark = "~";
        mst = TUI_WARN | MDR_BOLD;
    } else {
        mark = look.utf8 ? "\u2717" : "x";
        mst = TUI_FAIL | MDR_BOLD;
    }
    b_left_right(b, mark, mst, v->name,
                 v->passed && !v->flaky ? MDR_TEXT : (mdr_style)MDR_BOLD, pts,
                 TUI_LABEL);
    if (v->passed && !v->flaky)
        return;
    if (v->flaky)
        b_wrap(b,
               "Flaky: it passes under some seeds and fails under others, "
               "so the order of events matters to your code.",
               TUI_WARN, 4);
    if (v->message)
        b_wrap(b, v->message, MDR_TEXT, 4);
    if (v->expected)
        b_hang(b, 4, "expected", 10, v->expected, TUI_OK);
    if (v->actual)
        b_hang(b, 4, "actual", 10, v->actual, TUI_FAIL);
    char meta[256] = "";
    size_t n = 0;
    if (v->scenario)
        n += (size_t)snprintf(meta + n, sizeof meta - n, "scenario %s",
                              v->scenario);
    if (v->seed && n < sizeof meta)
        n += (size_t)snprintf(meta + n, sizeof meta - n, "%sseed %llu",
                              n ? " \u00b7 " : "", (unsigned long long)v->seed);
    if (v->hint >= 0 && n < sizeof meta)
        n += (size_t)snprintf(meta + n, sizeof meta - n, "%shint %d%s",
                              n ? " \u00b7 " : "", v->hint + 1,
                              v->hint >= x->hints_shown ? " (press h)" : "");
    if (n)
        b_wrap(b, meta, TUI_LABEL, 4);
    b_blank(b);
}

static mdr_lines *build_checks(tui_exercise_model *x, int width)
{
    builder b = {.ls = mdr_lines_new(),
                 .width = width,
                 .flags = x->look.utf8 ? 0 : MDR_ASCII,
                 .look = x->look};
    if (!b.ls)
        return NULL;
    const tui_result *r = x->result;
    const char *cross = x->look.utf8 ? "\u2717" : "x";
    const char *tick = x->look.utf8 ? "\u2713" : "v";
    if (!r) {
        if (x->checking) {
            b_put(&b, b_line(&b), "Checking your file\u2026", TUI_INFO);
        } else {
            b_put(&b, b_line(&b), "No check yet.", MDR_BOLD);
            b_blank(&b);
            b_wrap(&b,
                   "Edit the file in your editor and save it: the checks "
                   "run every time you save. Or press c to check now.",
                   MDR_TEXT, 0);
        }
    } else if (r->error) {
        b_left_right(&b, cross, TUI_FAIL | MDR_BOLD,
                     "The checks could not run.", MDR_BOLD, NULL, 0);
        b_blank(&b);
        b_wrap(&b, r->error, MDR_TEXT, 2);
        b_blank(&b);
        b_wrap(&b,
               "This is a problem with the lab, not with your code. Press c "
               "to try again; if it persists, tell your instructor.",
               TUI_LABEL, 2);
    } else if (!r->ran) {
        b_left_right(&b, cross, TUI_FAIL | MDR_BOLD, stage_headline(r->stage),
                     MDR_BOLD, NULL, 0);
        b_blank(&b);
        for (size_t i = 0; i < r->ndiags; i++) {
            const tui_diag *d = &r->diags[i];
            mdr_line *l = b_line(&b);
            b_put(&b, l, "  ", MDR_TEXT);
            if (d->file) {
                char loc[512];
                if (d->line && d->col)
                    snprintf(loc, sizeof loc, "%s:%u:%u", d->file, d->line,
                             d->col);
                else if (d->line)
                    snprintf(loc, sizeof loc, "%s:%u", d->file, d->line);
                else
                    snprintf(loc, sizeof loc, "%s", d->file);
                b_put(&b, l, loc, TUI_INFO);
                b_put(&b, l, "  ", MDR_TEXT);
            }
            b_put(&b, l, d->error ? "error" : "warning",
                  d->error ? (mdr_style)(TUI_FAIL | MDR_BOLD)
                           : (mdr_style)(TUI_WARN | MDR_BOLD));
            b_wrap(&b, d->text, MDR_TEXT, 4);
            if (d->source) {
                const char *bar = x->look.utf8 ? "\u2502" : "|";
                char *src = NULL;
                if (asprintf(&src, "%5u %s %s", d->line, bar, d->source) >= 0)
                    b_put(&b, b_line(&b), src, MDR_FENCE);
                free(src);
                if (d->col > 0 && d->col < 200) { /* a caret under it */
                    mdr_line *cl = b_line(&b);
                    b_spaces(&b, cl, 6);
                    b_put(&b, cl, bar, MDR_FENCE);
                    b_spaces(&b, cl, (int)d->col);
                    b_put(&b, cl, "^", TUI_FAIL | MDR_BOLD);
                }
            }
            if (d->explain)
                b_wrap(&b, d->explain, TUI_LABEL, 4);
            b_blank(&b);
        }
    } else {
        size_t failing = 0;
        for (size_t i = 0; i < r->nverdicts; i++)
            failing += !r->verdicts[i].passed || r->verdicts[i].flaky;
        char head[160], pts[48];
        snprintf(pts, sizeof pts, "%d/%d points", r->points, r->max_points);
        if (r->nverdicts == 1)
            snprintf(head, sizeof head, "The check %s.",
                     failing ? "fails" : "passes");
        else if (failing == 0)
            snprintf(head, sizeof head, "All %zu checks pass.", r->nverdicts);
        else
            snprintf(head, sizeof head, "%zu of %zu checks fail.", failing,
                     r->nverdicts);
        b_left_right(&b, failing ? cross : tick,
                     failing ? (mdr_style)(TUI_FAIL | MDR_BOLD)
                             : (mdr_style)(TUI_OK | MDR_BOLD),
                     head, MDR_BOLD, pts, TUI_LABEL);
        b_blank(&b);
        /* Failing checks first: they are what the learner works on. */
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < r->nverdicts; i++) {
                const tui_verdict *v = &r->verdicts[i];
                bool bad = !v->passed || v->flaky;
                if (bad == (pass == 0))
                    build_verdict(x, &b, v);
            }
        if (b.ls->n && b.ls->v[b.ls->n - 1].nspans)
            b_blank(&b);
        if (failing && r->trace)
            b_wrap(&b,
                   "Press 2 for the timeline: how the failure spread "
                   "through the group, task by task.",
                   TUI_INFO, 0);
        else if (!failing)
            b_wrap(&b,
                   x->can_next ? "Well done. Press n for the next exercise."
                               : "Well done. Press q to go back; 'lab next' "
                                 "moves on to the next exercise.",
                   TUI_OK, 0);
    }
    build_hints(x, &b);
    if (b.oom) {
        mdr_lines_free(b.ls);
        return NULL;
    }
    return b.ls;
}

/* ------------------------------------------------------------------------
 * The Timeline tab
 * ---------------------------------------------------------------------- */

typedef struct tl_task {
    uint64_t id;
    const char *name;
    uint64_t t0, t1; /* first and last time seen */
    bool ended;
    int end;           /* TUI_EV_RETURN, _RAISE, _CANCELLED, _SPAWN_REFUSED */
    const char *etype; /* the error it raised */
    bool got_cancel;   /* a suspension point delivered CancelledError */
} tl_task;

typedef struct timeline {
    tl_task *tasks;
    size_t n;
    uint64_t tmax;
} timeline;

static tl_task *tl_find(timeline *tl, uint64_t id)
{
    for (size_t i = 0; i < tl->n; i++)
        if (tl->tasks[i].id == id)
            return &tl->tasks[i];
    return NULL;
}

static bool is_cancel_type(const char *t)
{
    return t && !strcmp(t, "CancelledError");
}

static int tl_collect(timeline *tl, const tui_trace *tr)
{
    tl->tasks = calloc(2 * tr->nevents + 1, sizeof(tl_task));
    if (!tl->tasks)
        return -1;
    for (size_t i = 0; i < tr->nevents; i++) {
        const tui_event *e = &tr->events[i];
        if (e->time_ms > tl->tmax)
            tl->tmax = e->time_ms;
        if (!e->task)
            continue;
        if (e->kind == TUI_EV_SPAWN && e->peer && !tl_find(tl, e->peer)) {
            /* The spawner gets its lane before its children. */
            tl_task *p = &tl->tasks[tl->n++];
            p->id = e->peer;
            p->t0 = p->t1 = e->time_ms;
        }
        tl_task *t = tl_find(tl, e->task);
        if (!t) {
            t = &tl->tasks[tl->n++];
            t->id = e->task;
            t->t0 = e->time_ms;
        }
        if (e->name && !t->name)
            t->name = e->name;
        t->t1 = e->time_ms;
        switch (e->kind) {
        case TUI_EV_CANCELLED:
            t->got_cancel = true;
            break;
        case TUI_EV_RETURN:
        case TUI_EV_RAISE:
        case TUI_EV_SPAWN_REFUSED:
            t->ended = true;
            t->end = e->kind;
            t->etype = e->error_type;
            if (e->kind == TUI_EV_RAISE && is_cancel_type(e->error_type))
                t->end = TUI_EV_CANCELLED;
            break;
        default:
            break;
        }
    }
    return 0;
}

/* "main", "#3 send bob" or "#3". */
static void task_label(const timeline *tl, uint64_t id, char *buf, size_t n)
{
    const tl_task *t = NULL;
    for (size_t i = 0; i < tl->n; i++)
        if (tl->tasks[i].id == id)
            t = &tl->tasks[i];
    if (id == 1 && (!t || !t->name || !strcmp(t->name, "main") ||
                    !strcmp(t->name, "task")))
        snprintf(buf, n, "main");
    else if (t && t->name && strcmp(t->name, "task") != 0)
        snprintf(buf, n, "#%llu %s", (unsigned long long)id, t->name);
    else
        snprintf(buf, n, "#%llu", (unsigned long long)id);
}

static void build_lanes(tui_exercise_model *x, builder *b, const timeline *tl)
{
    bool u = x->look.utf8;
    int nw = 4;
    char label[64];
    for (size_t i = 0; i < tl->n; i++) {
        task_label(tl, tl->tasks[i].id, label, sizeof label);
        int w = mdr_width(label, strlen(label));
        nw = w > nw ? w : nw;
    }
    if (nw > 16)
        nw = 16;
    int outw = 14;
    int bw = b->width - nw - 2 - 1 - outw;
    if (bw < 10)
        bw = 10;
    /* Axis: 0 at the left, the last time at the right. */
    mdr_line *axis = b_line(b);
    if (!axis)
        return;
    b_spaces(b, axis, nw + 2);
    char t1[32];
    snprintf(t1, sizeof t1, "%llu ms", (unsigned long long)tl->tmax);
    b_put(b, axis, "0 ms", TUI_LABEL);
    int gap = bw - 4 - (int)strlen(t1);
    if (tl->tmax > 0 && gap > 0) {
        b_spaces(b, axis, gap);
        b_put(b, axis, t1, TUI_LABEL);
    }
    size_t shown = tl->n > 40 ? 40 : tl->n;
    for (size_t i = 0; i < shown; i++) {
        const tl_task *t = &tl->tasks[i];
        mdr_line *l = b_line(b);
        if (!l)
            return;
        task_label(tl, t->id, label, sizeof label);
        b_fixed(b, l, label, nw, t->id == 1 ? (mdr_style)MDR_BOLD : MDR_TEXT);
        b_spaces(b, l, 2);
        /* (in double: a time near 2^64 must not wrap) */
        int c0 = tl->tmax ? (int)((double)t->t0 * (bw - 1) / tl->tmax) : 0;
        int c1 = tl->tmax ? (int)((double)t->t1 * (bw - 1) / tl->tmax) : 0;
        const char *end_mark = u ? "\u2026" : ".";
        const char *out = "still running";
        mdr_style est = TUI_LABEL;
        if (t->ended) {
            switch (t->end) {
            case TUI_EV_RETURN:
                end_mark = u ? "\u2713" : "v";
                out = "returned";
                est = TUI_OK;
                break;
            case TUI_EV_CANCELLED:
                end_mark = u ? "\u2298" : "/";
                out = "cancelled";
                est = TUI_TL_CANCEL;
                break;
            case TUI_EV_SPAWN_REFUSED:
                end_mark = u ? "\u2717" : "x";
                out = "refused";
                est = TUI_TL_FAIL;
                break;
            default:
                end_mark = u ? "\u2717" : "x";
                out = t->etype ? t->etype : "raised";
                est = TUI_TL_FAIL;
            }
        }
        for (int c = 0; c < bw; c++) {
            if (c < c0 || c > c1)
                b_put(b, l, " ", MDR_TEXT);
            else if (c == c1)
                b_put(b, l, end_mark, est | MDR_BOLD);
            else if (c == c0)
                b_put(b, l, u ? "\u25cf" : "o", TUI_TL_SPAWN);
            else
                b_put(b, l, u ? "\u2500" : "-", TUI_TL_SPAWN);
        }
        b_put(b, l, " ", MDR_TEXT);
        b_put(b, l, out, est);
    }
    if (tl->n > shown) {
        char more[64];
        snprintf(more, sizeof more, "\u2026 and %zu more tasks", tl->n - shown);
        b_put(b, b_line(b), more, TUI_LABEL);
    }
}

/* A list of task labels: "#2 send ann, #4 send cy and 3 more". */
static void label_list(const timeline *tl, const uint64_t *ids, size_t n,
                       char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < cap; i++) {
        if (i == 5 && n > 6) {
            snprintf(buf + len, cap - len, " and %zu more", n - i);
            return;
        }
        char l[64];
        task_label(tl, ids[i], l, sizeof l);
        len += (size_t)snprintf(buf + len, cap - len, "%s%s",
                                i == 0       ? ""
                                : i == n - 1 ? " and "
                                             : ", ",
                                l);
    }
}

/* One row of "What happened": time, who, a mark, and the text wrapped
 * under itself. */
static void tl_row(builder *b, uint64_t t, const char *who, int whow,
                   const char *mark, mdr_style mst, const char *text,
                   mdr_style tst)
{
    mdr_line *l = b_line(b);
    if (!l)
        return;
    char tm[32];
    snprintf(tm, sizeof tm, "%6llu ms  ", (unsigned long long)t);
    b_put(b, l, tm, TUI_LABEL);
    b_fixed(b, l, who, whow, MDR_BOLD);
    b_spaces(b, l, 2);
    b_put(b, l, mark, mst | MDR_BOLD);
    b_put(b, l, " ", MDR_TEXT);
    int indent = l->width;
    mdr_lines *tmp = mdr_lines_new();
    if (!tmp ||
        mdr_lines_wrap(tmp, text, tst, b->width - indent, 0, b->flags)) {
        mdr_lines_free(tmp);
        b->oom = true;
        return;
    }
    for (size_t i = 0; i < tmp->n; i++) {
        mdr_line *dst = i == 0 ? l : b_line(b);
        if (!dst)
            break;
        if (i > 0)
            b_spaces(b, dst, indent);
        for (size_t k = 0; k < tmp->v[i].nspans; k++)
            b_put(b, dst, tmp->v[i].spans[k].text, tmp->v[i].spans[k].style);
    }
    mdr_lines_free(tmp);
}

/* Events the list does not show: the lanes do (start, suspend, resume),
 * or a row already did (a cancelled task finishing). */
static bool ev_quiet(const tui_trace *tr, size_t k)
{
    const tui_event *f = &tr->events[k];
    if (f->kind == TUI_EV_START || f->kind == TUI_EV_SUSPEND ||
        f->kind == TUI_EV_RESUME)
        return true;
    if (f->kind != TUI_EV_RAISE || !is_cancel_type(f->error_type))
        return false;
    for (size_t i = 0; i < k; i++)
        if (tr->events[i].task == f->task &&
            tr->events[i].kind == TUI_EV_CANCELLED)
            return true;
    return false;
}

static void build_events(tui_exercise_model *x, builder *b, const timeline *tl,
                         const tui_trace *tr)
{
    bool u = x->look.utf8;
    int whow = 4;
    char who[64];
    for (size_t i = 0; i < tl->n; i++) {
        task_label(tl, tl->tasks[i].id, who, sizeof who);
        int w = mdr_width(who, strlen(who));
        whow = w > whow ? w : whow;
    }
    if (whow > 16)
        whow = 16;
    uint64_t *ids = malloc((tr->nevents + 1) * sizeof(uint64_t));
    if (!ids) {
        b->oom = true;
        return;
    }
    char text[1024], list[512];
    for (size_t i = 0; i < tr->nevents && !b->oom;) {
        const tui_event *e = &tr->events[i];
        char w[64];
        task_label(tl, e->task, w, sizeof w);
        /* Runs of the same kind at the same time become one row; the
         * quiet events between them (start, suspend, resume, a cancelled
         * task finishing) do not break the run. */
        size_t j = i + 1, n = 1;
        ids[0] = e->task;
        bool groupable = e->kind == TUI_EV_SPAWN || e->kind == TUI_EV_CANCEL ||
                         e->kind == TUI_EV_CANCELLED ||
                         e->kind == TUI_EV_RETURN;
        for (size_t k = j; groupable && k < tr->nevents; k++) {
            const tui_event *f = &tr->events[k];
            if (f->time_ms != e->time_ms)
                break;
            if (f->kind == e->kind &&
                (e->kind != TUI_EV_SPAWN || f->peer == e->peer)) {
                ids[n++] = f->task;
                j = k + 1;
            } else if (!ev_quiet(tr, k)) {
                break;
            }
        }
        label_list(tl, ids, n, list, sizeof list);
        switch (e->kind) {
        case TUI_EV_SPAWN: {
            char p[64];
            task_label(tl, e->peer, p, sizeof p);
            if (n == 1)
                snprintf(text, sizeof text, "spawns %s", list);
            else
                snprintf(text, sizeof text, "spawns %zu tasks: %s", n, list);
            tl_row(b, e->time_ms, e->peer ? p : "?", whow, "+", TUI_TL_SPAWN,
                   text, MDR_TEXT);
            break;
        }
        case TUI_EV_RAISE:
            if (is_cancel_type(e->error_type)) {
                if (!ev_quiet(tr, i))
                    tl_row(b, e->time_ms, w, whow, u ? "\u2298" : "/",
                           TUI_TL_CANCEL, "finishes cancelled", TUI_TL_CANCEL);
                break;
            }
            snprintf(text, sizeof text, "%s %s%s%s",
                     e->task == 1 ? "raises" : "fails with",
                     e->error_type ? e->error_type : "an error",
                     e->error_msg && *e->error_msg ? ": " : "",
                     e->error_msg ? e->error_msg : "");
            tl_row(b, e->time_ms, w, whow, u ? "\u2717" : "x", TUI_TL_FAIL,
                   text, TUI_TL_FAIL);
            break;
        case TUI_EV_ABORT: {
            char owner[64];
            task_label(tl, e->peer, owner, sizeof owner);
            snprintf(text, sizeof text,
                     "aborts the group of %s: the children still running "
                     "will be cancelled",
                     e->peer ? owner : "its owner");
            tl_row(b, e->time_ms, w, whow, u ? "\u25c6" : "!", TUI_TL_PROP,
                   text, TUI_TL_PROP);
            break;
        }
        case TUI_EV_CANCEL: {
            /* Said by whoever asked: the failing child, for an abort. */
            char req[64] = "";
            if (e->peer)
                task_label(tl, e->peer, req, sizeof req);
            snprintf(text, sizeof text, "cancels %s", list);
            tl_row(b, e->time_ms, req, whow, u ? "\u2192" : ">", TUI_TL_CANCEL,
                   text, MDR_TEXT);
            break;
        }
        case TUI_EV_CANCELLED:
            if (n == 1)
                snprintf(text, sizeof text, "gets CancelledError%s%s",
                         e->detail ? " in " : "", e->detail ? e->detail : "");
            else
                snprintf(text, sizeof text, "%s get CancelledError%s%s", list,
                         e->detail ? " in " : "", e->detail ? e->detail : "");
            {
                char nt[32];
                snprintf(nt, sizeof nt, "%zu tasks", n);
                tl_row(b, e->time_ms, n == 1 ? w : nt, whow, u ? "\u2298" : "/",
                       TUI_TL_CANCEL, text, TUI_TL_CANCEL);
            }
            break;
        case TUI_EV_RETURN:
            if (n == 1)
                snprintf(text, sizeof text, "returns");
            else
                snprintf(text, sizeof text, "%s return", list);
            {
                char nt[32];
                snprintf(nt, sizeof nt, "%zu tasks", n);
                tl_row(b, e->time_ms, n == 1 ? w : nt, whow, u ? "\u2713" : "v",
                       TUI_OK, text, MDR_TEXT);
            }
            break;
        case TUI_EV_GROUP_DONE:
            if (e->error_type)
                snprintf(text, sizeof text, "tg_group_wait hands back %s%s%s",
                         e->error_type,
                         e->error_msg && *e->error_msg ? ": " : "",
                         e->error_msg ? e->error_msg : "");
            else
                snprintf(text, sizeof text,
                         "tg_group_wait returns NULL: no child failed");
            tl_row(b, e->time_ms, w, whow, u ? "\u25b2" : "^",
                   e->error_type ? TUI_TL_PROP : TUI_OK, text,
                   e->error_type ? TUI_TL_PROP : MDR_TEXT);
            break;
        case TUI_EV_SPAWN_REFUSED:
            snprintf(
                text, sizeof text, "spawn refused%s%s%s%s",
                e->error_type ? ": " : "", e->error_type ? e->error_type : "",
                e->error_msg ? ": " : "", e->error_msg ? e->error_msg : "");
            tl_row(b, e->time_ms, w, whow, u ? "\u2717" : "x", TUI_TL_FAIL,
                   text, TUI_TL_FAIL);
            break;
        default: /* start, suspend, resume: the lanes show them */
            break;
        }
        i = j;
    }
    free(ids);
}

static mdr_lines *build_timeline(tui_exercise_model *x, int width)
{
    builder b = {.ls = mdr_lines_new(),
                 .width = width,
                 .flags = x->look.utf8 ? 0 : MDR_ASCII,
                 .look = x->look};
    if (!b.ls)
        return NULL;
    const tui_result *r = x->result;
    const tui_trace *tr = r ? r->trace : NULL;
    if (!r) {
        b_put(&b, b_line(&b), "No check yet.", MDR_BOLD);
        b_blank(&b);
        b_wrap(&b,
               "When a check fails, this tab shows what happened in its "
               "scenario, task by task: who was spawned, who failed, who "
               "was cancelled, and what the wait handed back.",
               MDR_TEXT, 0);
    } else if (!tr || tr->nevents == 0) {
        if (r->ran && r->passed)
            b_wrap(&b,
                   "Every check passes: there is no failing scenario "
                   "to show.",
                   TUI_OK, 0);
        else if (!r->ran)
            b_wrap(&b,
                   "Nothing ran yet: fix what the Checks tab (press 1) "
                   "shows first.",
                   MDR_TEXT, 0);
        else
            b_wrap(&b, "No timeline was recorded for this check.", MDR_TEXT, 0);
    } else {
        timeline tl = {0};
        if (tl_collect(&tl, tr)) {
            mdr_lines_free(b.ls);
            return NULL;
        }
        char head[256];
        snprintf(head, sizeof head,
                 "Scenario %s \u00b7 seed %llu \u00b7 virtual time",
                 tr->scenario ? tr->scenario : "?",
                 (unsigned long long)tr->seed);
        b_put(&b, b_line(&b), head, MDR_BOLD);
        b_blank(&b);
        build_lanes(x, &b, &tl);
        b_blank(&b);
        b_put(&b, b_line(&b), "What happened", MDR_H3 | MDR_BOLD);
        b_blank(&b);
        build_events(x, &b, &tl, tr);
        free(tl.tasks);
    }
    if (b.oom) {
        mdr_lines_free(b.ls);
        return NULL;
    }
    return b.ls;
}

/* ------------------------------------------------------------------------
 * The view
 * ---------------------------------------------------------------------- */

int tui_exercise_init(tui_exercise_model *x, const manifest_exercise *ex,
                      size_t total, const char *lesson, size_t len,
                      int hints_shown, tui_look look)
{
    memset(x, 0, sizeof *x);
    x->ex = ex;
    x->total = total;
    x->look = look;
    x->hints_shown = hints_shown < 0 ? 0 : hints_shown;
    if (x->hints_shown > (int)ex->nhints)
        x->hints_shown = (int)ex->nhints;
    for (int t = 0; t < TUI_NTABS; t++) {
        x->dirty[t] = true;
        x->pagers[t].anchor = -1;
    }
    if (lesson) {
        x->lesson = mdr_parse(lesson, len);
        if (!x->lesson)
            return -1;
        x->lesson_title = mdr_doc_title(x->lesson);
    }
    return 0;
}

void tui_exercise_free(tui_exercise_model *x)
{
    mdr_doc_free(x->lesson);
    free(x->lesson_title);
    if (x->result) {
        tui_result_free(x->result);
        free(x->result);
    }
    free(x->note);
    for (int t = 0; t < TUI_NTABS; t++)
        tui_pager_free(&x->pagers[t]);
    memset(x, 0, sizeof *x);
}

void tui_exercise_checking(tui_exercise_model *x)
{
    x->checking = true;
    x->spin = 0;
    if (!x->result)
        x->dirty[TUI_TAB_CHECKS] = true;
}

bool tui_exercise_tick(tui_exercise_model *x)
{
    if (!x->checking)
        return false;
    x->spin++;
    return true;
}

void tui_exercise_set_result(tui_exercise_model *x, tui_result *r)
{
    if (!x->result)
        x->result = malloc(sizeof *x->result);
    else
        tui_result_free(x->result);
    if (!x->result) { /* out of memory: drop it rather than crash */
        tui_result_free(r);
        return;
    }
    *x->result = *r;
    memset(r, 0, sizeof *r);
    x->checking = false;
    x->checks_run++;
    x->dirty[TUI_TAB_CHECKS] = x->dirty[TUI_TAB_TIMELINE] = true;
    tui_pager_set(&x->pagers[TUI_TAB_CHECKS], NULL, false);
    tui_pager_set(&x->pagers[TUI_TAB_TIMELINE], NULL, false);
    if (x->tab == TUI_TAB_LESSON ||
        (x->tab == TUI_TAB_TIMELINE && !x->result->trace))
        x->tab = TUI_TAB_CHECKS; /* show what the save changed */
}

void tui_exercise_note(tui_exercise_model *x, const char *fmt, ...)
{
    free(x->note);
    x->note = NULL;
    if (!fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&x->note, fmt, ap) < 0)
        x->note = NULL;
    va_end(ap);
}

void tui_exercise_set_hints(tui_exercise_model *x, int n)
{
    x->hints_shown = n;
    x->dirty[TUI_TAB_CHECKS] = true;
    x->scroll_to_hint = true;
}

static const tui__keyhelp ex_keys[] = {
    {"1-3", "view"}, {"\u2191\u2193", "scroll"},
    {"c", "check"},  {"h", "hint"},
    {"?", "help"},   {"q", "back"},
};
static const tui__keyhelp ex_keys_ascii[] = {
    {"1-3", "view"}, {"j/k", "scroll"}, {"c", "check"},
    {"h", "hint"},   {"?", "help"},     {"q", "back"},
};
static const tui__keyhelp ex_help[] = {
    {"1 2 3", "checks, timeline, lesson"},
    {"tab  \u2190 \u2192", "next, previous view"},
    {"\u2191 \u2193  k j", "scroll a line"},
    {"PgUp PgDn  b space", "scroll a page"},
    {"Home End  g G", "top, end"},
    {"c", "check now (saving the file checks too)"},
    {"h", "reveal the next hint"},
    {"n", "next exercise, once this one passes"},
    {"?", "this help"},
    {"q esc", "back"},
};

tui_action tui_exercise_key(tui_exercise_model *x, int key)
{
    if (key == TUI_K_CTRL_C)
        return TUI_ACT_QUIT;
    if (key == TUI_K_CTRL_L)
        return TUI_ACT_REDRAW;
    if (key == TUI_K_RESIZE)
        return TUI_ACT_NONE;
    if (x->help) {
        x->help = false;
        return TUI_ACT_NONE;
    }
    switch (key) {
    case 'q':
    case TUI_K_ESC:
        return TUI_ACT_BACK;
    case '?':
        x->help = true;
        return TUI_ACT_NONE;
    case '1':
    case '2':
    case '3':
        x->tab = (tui_tab)(key - '1');
        return TUI_ACT_NONE;
    case TUI_K_TAB:
    case TUI_K_RIGHT:
        x->tab = (tui_tab)((x->tab + 1) % TUI_NTABS);
        return TUI_ACT_NONE;
    case TUI_K_BTAB:
    case TUI_K_LEFT:
        x->tab = (tui_tab)((x->tab + TUI_NTABS - 1) % TUI_NTABS);
        return TUI_ACT_NONE;
    case 'n':
        if (x->can_next && x->result && x->result->ran && x->result->passed &&
            !x->checking)
            return TUI_ACT_NEXT;
        tui_pager_key(&x->pagers[x->tab], key); /* next section */
        return TUI_ACT_NONE;
    case 'c':
        if (x->checking) {
            tui_exercise_note(x, "A check is already running.");
            return TUI_ACT_NONE;
        }
        return TUI_ACT_CHECK;
    case 'h':
        if (x->hints_shown >= (int)x->ex->nhints) {
            tui_exercise_note(x, x->ex->nhints ? "No more hints: the lesson "
                                                 "(3) has the full story."
                                               : "This exercise has no "
                                                 "hints.");
            return TUI_ACT_NONE;
        }
        x->tab = TUI_TAB_CHECKS;
        return TUI_ACT_HINT;
    default:
        tui_pager_key(&x->pagers[x->tab], key);
        return TUI_ACT_NONE;
    }
}

static void exercise_rebuild(tui_exercise_model *x, int cols)
{
    if (x->laid_width != cols) {
        for (int t = 0; t < TUI_NTABS; t++)
            x->dirty[t] = true;
        x->laid_width = cols;
    }
    int body = cols - 4;
    for (int t = 0; t < TUI_NTABS; t++) {
        if (!x->dirty[t])
            continue;
        mdr_lines *ls = NULL;
        if (t == TUI_TAB_CHECKS) {
            ls = build_checks(x, body);
        } else if (t == TUI_TAB_TIMELINE) {
            ls = build_timeline(x, body);
        } else if (x->lesson) {
            int w, cw, m;
            tui_text_geometry(cols, &w, &cw, &m);
            mdr_layout_opts o = {.width = w,
                                 .code_width = cw,
                                 .flags = x->look.utf8 ? 0 : MDR_ASCII};
            ls = mdr_layout(x->lesson, &o);
        } else {
            builder b = {.ls = mdr_lines_new(),
                         .width = body,
                         .flags = x->look.utf8 ? 0 : MDR_ASCII};
            if (b.ls)
                b_wrap(&b, "The lesson could not be read.", TUI_LABEL, 0);
            ls = b.ls;
        }
        if (!ls)
            continue; /* out of memory: keep the old lines */
        tui_pager_set(&x->pagers[t], ls, true);
        x->dirty[t] = false;
        if (t == TUI_TAB_CHECKS && x->scroll_to_hint) {
            x->scroll_to_hint = false;
            x->pagers[t].top = x->hint_line;
        }
    }
}

static const char *const spin_utf8[] = {"\u280b", "\u2819", "\u2839", "\u2838",
                                        "\u283c", "\u2834", "\u2826", "\u2827",
                                        "\u2807", "\u280f"};
static const char *const spin_ascii[] = {"|", "/", "-", "\\"};

void tui_exercise_draw(tui_exercise_model *x, tui_screen *s)
{
    tui_screen_clear(s);
    exercise_rebuild(x, s->cols);
    tui_look look = x->look;
    const tui_result *r = x->result;

    char left[300];
    snprintf(left, sizeof left, "tglab %s %s", look.utf8 ? "\u203a" : ">",
             x->ex->id);
    tui__title_bar(s, left, NULL);
    /* Status at the right of the title bar: the spinner, or the verdict. */
    char status[64];
    mdr_style sst = TUI_BAR_DIM;
    if (x->checking) {
        const char *f =
            look.utf8 ? spin_utf8[x->spin % 10] : spin_ascii[x->spin % 4];
        snprintf(status, sizeof status, "%s checking", f);
        sst = TUI_BAR | MDR_BOLD;
    } else if (!r) {
        snprintf(status, sizeof status, "not checked yet");
    } else if (r->error) {
        snprintf(status, sizeof status, "could not check");
    } else if (!r->ran) {
        snprintf(status, sizeof status, "%s %s", look.utf8 ? "\u2717" : "x",
                 r->stage && !strcmp(r->stage, "compile") ? "does not compile"
                                                          : "not checked");
    } else if (r->passed) {
        snprintf(status, sizeof status, "%s passes  %d/%d",
                 look.utf8 ? "\u2713" : "v", r->points, r->max_points);
    } else {
        snprintf(status, sizeof status, "%s fails  %d/%d",
                 look.utf8 ? "\u2717" : "x", r->points, r->max_points);
    }
    tui__put_right(s, 0, s->cols - 1, status, sst);

    char num[48];
    snprintf(num, sizeof num, "exercise %zu of %zu", x->ex->index + 1,
             x->total);
    int ne = tui__put_right(s, 1, s->cols - 2, num, TUI_LABEL);
    tui__put_clip(s, 1, 2, x->ex->title, MDR_BOLD, ne - 2, look);
    int c = tui_put(s, 2, 2, "File ", TUI_LABEL, 0);
    c = tui__put_clip(s, 2, c, x->ex->file, TUI_INFO, s->cols - 20, look);
    if (x->watching)
        tui__put_right(s, 2, s->cols - 2, "saving re-checks", TUI_LABEL);

    /* Tabs. */
    char checks_label[48] = "1 Checks";
    if (r && r->ran) {
        size_t ok = 0;
        for (size_t i = 0; i < r->nverdicts; i++)
            ok += r->verdicts[i].passed && !r->verdicts[i].flaky;
        snprintf(checks_label, sizeof checks_label, "1 Checks %zu/%zu", ok,
                 r->nverdicts);
    }
    const char *labels[TUI_NTABS] = {checks_label, "2 Timeline", "3 Lesson"};
    c = 2;
    for (int t = 0; t < TUI_NTABS; t++) {
        bool on = (int)x->tab == t;
        int start = c;
        c = tui_put(s, 4, c, " ", on ? TUI_TAB_ON : TUI_TAB, 0);
        c = tui_put(s, 4, c, labels[t],
                    on ? (mdr_style)(TUI_TAB_ON | MDR_BOLD) : TUI_TAB, 0);
        c = tui_put(s, 4, c, " ", on ? TUI_TAB_ON : TUI_TAB, 0);
        (void)start;
        c += 1;
    }
    if (x->note)
        tui__put_clip(s, 4, c + 2, x->note, TUI_WARN, s->cols - 2, look);
    for (int k = 1; k < s->cols - 1; k++)
        tui_put(s, 5, k, look.utf8 ? "\u2500" : "-", TUI_BORDER, 0);

    int top = 6, height = s->rows - 1 - top;
    int col = 2;
    if (x->tab == TUI_TAB_LESSON) {
        int w, cw;
        tui_text_geometry(s->cols, &w, &cw, &col);
    }
    tui_pager *p = &x->pagers[x->tab];
    tui_pager_draw(p, s, top, height, col, s->cols);

    char pct[16] = "";
    if (p->lines && (int)p->lines->n > height)
        snprintf(pct, sizeof pct, "%3d%%", tui_pager_percent(p));
    if (x->can_next && r && r->ran && r->passed && !x->checking) {
        static const tui__keyhelp next_keys[] = {
            {"n", "next exercise"}, {"1-3", "view"}, {"c", "check"},
            {"?", "help"},          {"q", "back"},
        };
        tui__footer(s, next_keys, sizeof next_keys / sizeof next_keys[0],
                    pct[0] ? pct : NULL);
    } else {
        tui__footer(s, look.utf8 ? ex_keys : ex_keys_ascii,
                    sizeof ex_keys / sizeof ex_keys[0], pct[0] ? pct : NULL);
    }
    if (x->help)
        tui__help_box(s, "Keys: exercise", ex_help,
                      sizeof ex_help / sizeof ex_help[0], look);
}
