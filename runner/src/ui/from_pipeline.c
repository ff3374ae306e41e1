/*
 * from_pipeline.c -- a check's result (pipeline.h) in the exercise view's
 * terms (tui_result): the verdicts, the stopping stage's messages, the
 * trace of the first failing check's run (the Timeline), and the
 * timing.  Kept here so that the view never depends on the
 * pipeline's structures, and the command layer's check hook is three
 * lines.  No curses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline.h"
#include "ui.h"

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* The checker's message, then how the run ended and where, when known. */
static char *verdict_message(const pipeline_check_result *c)
{
    if (c->passed && !c->flaky)
        return NULL;
    char *m = NULL;
    if (asprintf(&m, "%s%s%s%s%s", c->message ? c->message : "",
                 c->crash ? (c->message ? "\n" : "") : "",
                 c->crash ? c->crash : "", c->where ? "\nwhere: " : "",
                 c->where ? c->where : "") < 0)
        return NULL;
    return m;
}

int tui_result_from_pipeline(tui_result *out, const struct pipeline_result *r)
{
    memset(out, 0, sizeof *out);
    out->ran = !r->failed;
    out->passed = r->passed;
    out->points = r->points;
    out->max_points = r->max_points;
    out->total_ms = r->total_ms;
    if (r->failed && !(out->stage = strdup(pipeline_stage_name(r->stage))))
        goto oom;
    if (r->nchecks) {
        out->verdicts = calloc(r->nchecks, sizeof *out->verdicts);
        if (!out->verdicts)
            goto oom;
        for (size_t i = 0; i < r->nchecks; i++) {
            const pipeline_check_result *c = &r->checks[i];
            tui_verdict *v = &out->verdicts[out->nverdicts++];
            v->name = dup_or_null(c->name);
            v->passed = c->passed;
            v->flaky = c->flaky;
            v->message = verdict_message(c);
            v->scenario = dup_or_null(c->scenario);
            v->seed = c->passed ? 0 : c->failing_seed;
            v->hint = c->hint;
            v->points = c->points;
            if (!v->name)
                goto oom;
            /* The Timeline: the first failing check's run (a trace that
             * does not parse is no timeline, not an error). */
            if (!out->trace && !c->passed && c->trace_json)
                out->trace = tui_trace_from_json(c->trace_json, NULL, 0);
        }
    }
    if (r->nmsgs) {
        out->diags = calloc(r->nmsgs, sizeof *out->diags);
        if (!out->diags)
            goto oom;
        for (size_t i = 0; i < r->nmsgs; i++) {
            const pipeline_msg *m = &r->msgs[i];
            tui_diag *d = &out->diags[out->ndiags++];
            d->error = m->severity == PIPELINE_ERROR;
            d->file = dup_or_null(m->file);
            d->line = m->line;
            d->col = m->col;
            d->text = dup_or_null(m->text ? m->text : "");
            d->explain = dup_or_null(m->explain);
            d->source = dup_or_null(m->source);
            if (!d->text)
                goto oom;
        }
    }
    return 0;
oom:
    tui_result_free(out);
    return -1;
}
