/*
 * pipeline_render.c -- a pipeline_result for people (plain text, with or
 * without colour) and for programs (one JSON object, the schema of
 * docs/grading.md section 5).
 *
 * Every string in a result was cleaned when it was stored, so nothing
 * here can carry a terminal escape from a learner's program; the only
 * escapes in the output are the colours added below.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_internal.h"

/* ---- text ------------------------------------------------------------- */

typedef struct style {
    const char *bold, *red, *green, *yellow, *dim, *off;
} style;

static const style plain = {"", "", "", "", "", ""};
static const style ansi = {"\033[1m",  "\033[31m", "\033[32m",
                           "\033[33m", "\033[2m",  "\033[0m"};

/* Adds text with every line indented by ind. */
static void indented(pipeline__buf *b, const char *text, const char *ind)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        pipeline__buf_puts(b, ind);
        pipeline__buf_add(b, p, n);
        pipeline__buf_puts(b, "\n");
        p = nl ? nl + 1 : p + n;
    }
}

/* The caret under column col (1-based, in bytes) of source. */
static void caret(pipeline__buf *b, const char *source, unsigned col, int width,
                  const style *st)
{
    pipeline__buf_printf(b, "    %*s | ", width, "");
    unsigned byte = 1;
    for (const unsigned char *p = (const unsigned char *)source;
         *p && byte < col; p++) {
        byte++;
        if ((*p & 0xc0) != 0x80)
            pipeline__buf_puts(b, " ");
    }
    pipeline__buf_printf(b, "%s^%s\n", st->green, st->off);
}

static void render_msg(pipeline__buf *b, const pipeline_msg *m, const style *st,
                       bool verbose)
{
    const char *color = m->severity == PIPELINE_ERROR     ? st->red
                        : m->severity == PIPELINE_WARNING ? st->yellow
                                                          : st->dim;
    const char *word = m->severity == PIPELINE_ERROR     ? "error"
                       : m->severity == PIPELINE_WARNING ? "warning"
                                                         : "note";
    pipeline__buf_puts(b, "  ");
    if (m->file) {
        pipeline__buf_printf(b, "%s%s", st->bold, m->file);
        if (m->line)
            pipeline__buf_printf(b, ":%u", m->line);
        if (m->line && m->col)
            pipeline__buf_printf(b, ":%u", m->col);
        pipeline__buf_printf(b, ":%s ", st->off);
    }
    pipeline__buf_printf(b, "%s%s:%s %s\n", color, word, st->off, m->text);
    if (m->source && m->line) {
        char num[16];
        int width = snprintf(num, sizeof num, "%u", m->line);
        pipeline__buf_printf(b, "    %s | %s\n", num, m->source);
        if (m->col)
            caret(b, m->source, m->col, width, st);
    }
    if (m->explain && (m->severity != PIPELINE_NOTE || verbose))
        indented(b, m->explain, "    ");
}

static const char *headline(const pipeline_result *r)
{
    switch (r->stage) {
    case PIPELINE_STAGE_INPUT:
        return "cannot be graded";
    case PIPELINE_STAGE_COMPILE:
        return "does not compile";
    case PIPELINE_STAGE_SYMBOLS:
        return "compiles, but is refused before it runs";
    case PIPELINE_STAGE_LINK:
        return "compiles, but does not link";
    case PIPELINE_STAGE_PROBE:
    case PIPELINE_STAGE_VERDICT:
        break;
    }
    return "could not be checked";
}

static void seed_list(pipeline__buf *b, const pipeline_check_result *c,
                      bool passed)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nseeds; i++)
        if (c->seeds[i].passed == passed)
            pipeline__buf_printf(b, "%s%llu", k++ ? ", " : "",
                                 (unsigned long long)c->seeds[i].seed);
}

static void render_check(pipeline__buf *b, const pipeline_check_result *c,
                         const style *st, bool verbose)
{
    const char *tag = c->passed ? "PASS " : c->flaky ? "FLAKY" : "FAIL ";
    const char *color = c->passed ? st->green : c->flaky ? st->yellow : st->red;
    pipeline__buf_printf(b, "  %s%s%s %s%s%s  %s(%d point%s)%s\n", color, tag,
                         st->off, st->bold, c->name, st->off, st->dim,
                         c->points, c->points == 1 ? "" : "s", st->off);
    if (c->passed) {
        if (verbose)
            for (size_t i = 0; i < c->nseeds; i++)
                pipeline__buf_printf(b, "        seed %llu: passed\n",
                                     (unsigned long long)c->seeds[i].seed);
        return;
    }
    const char *ind = "        ";
    if (c->flaky) {
        pipeline__buf_printf(b, "%spassed under seed ", ind);
        seed_list(b, c, true);
        pipeline__buf_puts(b, " but failed under seed ");
        seed_list(b, c, false);
        pipeline__buf_puts(b, ": the outcome depends on the schedule or "
                              "the faults, which the seed decides.\n");
    }
    if (c->message)
        indented(b, c->message, ind);
    /* The checker library words a failed run itself ("This run crashed
     * with ..."); say it only when its message does not. */
    if (c->crash && (!c->message || !strstr(c->message, "This run")))
        pipeline__buf_printf(b, "%sThe run %s.\n", ind, c->crash);
    if (c->where)
        pipeline__buf_printf(b, "%sThe sanitizer points at %s.\n", ind,
                             c->where);
    if (c->output && verbose) {
        pipeline__buf_printf(b, "%sYour code printed:\n", ind);
        indented(b, c->output, "          | ");
    }
    if (verbose)
        for (size_t i = 0; i < c->nseeds; i++)
            pipeline__buf_printf(b, "%sseed %llu: %s\n", ind,
                                 (unsigned long long)c->seeds[i].seed,
                                 c->seeds[i].passed ? "passed" : "failed");
    if (c->reproduce)
        pipeline__buf_printf(b, "%s%sreproduce:%s %s\n", ind, st->dim, st->off,
                             c->reproduce);
    if (c->hint >= 0)
        pipeline__buf_printf(b,
                             "%s%sstuck?%s `lab hint` (hint %d is about "
                             "this check)\n",
                             ind, st->dim, st->off, c->hint + 1);
}

static void render_timings(pipeline__buf *b, const pipeline_result *r,
                           const style *st)
{
    pipeline__buf_printf(b, "%s  time:", st->dim);
    for (int s = 0; s < PIPELINE_NSTAGES; s++)
        if (r->stage_ms[s] || (s > 0 && s <= (int)r->stage))
            pipeline__buf_printf(b, " %s %llu ms,", pipeline_stage_name(s),
                                 (unsigned long long)r->stage_ms[s]);
    pipeline__buf_printf(
        b, " total %llu ms%s%s%s\n", (unsigned long long)r->total_ms,
        r->cached ? " (compiled before: cached)" : "",
        r->isolated ? "" : " (no bubblewrap: jail only)", st->off);
}

char *pipeline_render_text(const pipeline_result *r, unsigned flags)
{
    const style *st = flags & PIPELINE_RENDER_COLOR ? &ansi : &plain;
    bool verbose = flags & PIPELINE_RENDER_VERBOSE;
    pipeline__buf b = {0};
    const char *ex = r->exercise ? r->exercise : "?";
    if (r->failed) {
        pipeline__buf_printf(&b, "%s%s%s: %s%s%s\n", st->bold, ex, st->off,
                             st->red, headline(r), st->off);
        /* Errors, each with its notes.  Warnings only when verbose: next
         * to an error they are mostly its echo ("control reaches end"
         * after a missing ';'), and the error comes first. */
        size_t hidden = 0;
        for (int pass = 0; pass < 2; pass++) {
            bool in_error = false;
            for (size_t i = 0; i < r->nmsgs; i++) {
                const pipeline_msg *m = &r->msgs[i];
                if (m->severity != PIPELINE_NOTE)
                    in_error = m->severity == PIPELINE_ERROR;
                if (pass == 0 && in_error)
                    render_msg(&b, m, st, true);
                else if (pass == 1 && !in_error && verbose)
                    render_msg(&b, m, st, true);
                else if (pass == 1 && !in_error &&
                         m->severity == PIPELINE_WARNING)
                    hidden++;
            }
        }
        if (hidden)
            pipeline__buf_printf(&b,
                                 "  %s(and %zu warning%s: fix the "
                                 "error%s first)%s\n",
                                 st->dim, hidden, hidden == 1 ? "" : "s",
                                 hidden == 1 ? "" : "s", st->off);
    } else {
        size_t npass = 0;
        for (size_t i = 0; i < r->nchecks; i++)
            npass += r->checks[i].passed;
        pipeline__buf_printf(
            &b, "%s%s%s: %s%zu of %zu checks pass%s (%d/%d points; seeds ",
            st->bold, ex, st->off, r->passed ? st->green : st->red, npass,
            r->nchecks, st->off, r->points, r->max_points);
        for (size_t i = 0; i < r->nseeds; i++)
            pipeline__buf_printf(&b, "%s%llu", i ? ", " : "",
                                 (unsigned long long)r->seeds[i]);
        pipeline__buf_puts(&b, ")\n");
        for (size_t i = 0; i < r->nchecks; i++)
            render_check(&b, &r->checks[i], st, verbose);
        size_t nwarn = 0;
        for (size_t i = 0; i < r->nmsgs; i++)
            nwarn += r->msgs[i].severity == PIPELINE_WARNING;
        if (nwarn) {
            pipeline__buf_printf(&b, "%shints from the compiler:%s\n",
                                 st->yellow, st->off);
            bool in_warning = false;
            for (size_t i = 0; i < r->nmsgs; i++) {
                const pipeline_msg *m = &r->msgs[i];
                if (m->severity != PIPELINE_NOTE)
                    in_warning = m->severity == PIPELINE_WARNING;
                if (in_warning)
                    render_msg(&b, m, st, verbose);
            }
        }
    }
    if (verbose)
        render_timings(&b, r, st);
    return pipeline__buf_take(&b);
}

/* ---- JSON ------------------------------------------------------------- */

static const char *severity_name(pipeline_severity s)
{
    return s == PIPELINE_ERROR     ? "error"
           : s == PIPELINE_WARNING ? "warning"
                                   : "note";
}

static const char *run_name(pipeline_run_status s)
{
    switch (s) {
    case PIPELINE_RUN_OK:
        return "ok";
    case PIPELINE_RUN_CRASHED:
        return "crashed";
    case PIPELINE_RUN_TIMEOUT:
        return "timeout";
    case PIPELINE_RUN_BAD_REPORT:
        break;
    }
    return "bad-report";
}

/* A JSON string, or null for NULL.  Strings were cleaned (valid UTF-8);
 * should one not be, it becomes null rather than failing the output. */
static json_t *str(const char *s)
{
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

static json_t *msg_json(const pipeline_msg *m)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:i, s:i, s:o, s:o, s:o, s:o}",
                     "stage", pipeline_stage_name(m->stage), "severity",
                     severity_name(m->severity), "code", str(m->code), "file",
                     str(m->file), "line", (int)m->line, "col", (int)m->col,
                     "text", str(m->text), "explain", str(m->explain), "source",
                     str(m->source), "symbol", str(m->symbol));
}

static json_t *check_json(const pipeline_check_result *c)
{
    json_t *seeds = json_array();
    for (size_t i = 0; seeds && i < c->nseeds; i++) {
        const pipeline_seed_verdict *s = &c->seeds[i];
        json_array_append_new(
            seeds,
            json_pack("{s:I, s:b, s:s, s:i, s:o}", "seed", (json_int_t)s->seed,
                      "passed", s->passed, "run", run_name(s->run), "signal",
                      s->signal, "message", str(s->message)));
    }
    return json_pack(
        "{s:o, s:o, s:i, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
        " s:o}",
        "name", str(c->name), "scenario", str(c->scenario), "points", c->points,
        "passed", c->passed, "flaky", c->flaky, "failing_seed",
        c->passed ? json_null() : json_integer((json_int_t)c->failing_seed),
        "message", str(c->message), "crash", str(c->crash), "where",
        str(c->where), "output", str(c->output), "reproduce", str(c->reproduce),
        "hint", c->hint >= 0 ? json_integer(c->hint) : json_null(), "hint_text",
        str(c->hint_text), "seeds", seeds ? seeds : json_array());
}

char *pipeline_render_json(const pipeline_result *r)
{
    json_t *msgs = json_array(), *checks = json_array(), *seeds = json_array();
    json_t *times = json_object();
    if (!msgs || !checks || !seeds || !times) {
        json_decref(msgs);
        json_decref(checks);
        json_decref(seeds);
        json_decref(times);
        return NULL;
    }
    for (size_t i = 0; i < r->nmsgs; i++)
        json_array_append_new(msgs, msg_json(&r->msgs[i]));
    for (size_t i = 0; i < r->nchecks; i++)
        json_array_append_new(checks, check_json(&r->checks[i]));
    for (size_t i = 0; i < r->nseeds; i++)
        json_array_append_new(seeds, json_integer((json_int_t)r->seeds[i]));
    for (int s = 0; s < PIPELINE_NSTAGES; s++)
        json_object_set_new(times, pipeline_stage_name(s),
                            json_integer((json_int_t)r->stage_ms[s]));
    json_object_set_new(times, "total", json_integer((json_int_t)r->total_ms));
    json_t *doc = json_pack(
        "{s:s, s:o, s:o, s:s, s:b, s:b, s:i, s:i, s:o, s:b, s:b, s:o, s:o,"
        " s:o}",
        "schema", "tglab.check/1", "exercise", str(r->exercise), "file",
        str(r->file), "stage", pipeline_stage_name(r->stage), "failed",
        r->failed, "passed", r->passed, "points", r->points, "max_points",
        r->max_points, "seeds", seeds, "isolated", r->isolated, "cached",
        r->cached, "timings_ms", times, "messages", msgs, "checks", checks);
    if (!doc)
        return NULL;
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}
