/*
 * batch_report.probe.c -- the scenarios of 13-capstone-batch-mailer/
 * batch_report.  Each builds a set of outcomes (with real errors and
 * notes, as mail_batch leaves them), calls the learner's format_report,
 * and records the text and whether the outcomes came back untouched.
 */
#include <stdlib.h>
#include <string.h>

#include "batch_report.h"
#include "batch_report.scenario.h"
#include "probe.h"
#include "world.h"

static const tg_error_type *type_named(const char *name)
{
    static const tg_error_type *const types[] = {
        &BounceError,
        &EmailError,
        &TG_ConnectionError,
        &TG_TimeoutError,
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i]->name, name) == 0)
            return types[i];
    return &TG_RuntimeError;
}

typedef struct br_case {
    const br_row *rows; /* NULL: the long batch */
    size_t n;
} br_case;

typedef struct snapshot {
    struct mail_outcome o;
    size_t notes;
    const char *message;
} snapshot;

static void call_format_report(probe_ctx *p, void *arg)
{
    br_case *c = arg;
    struct mail_outcome *outs = c->n ? calloc(c->n, sizeof *outs) : NULL;
    snapshot *before = c->n ? calloc(c->n, sizeof *before) : NULL;
    for (size_t i = 0; i < c->n; i++) {
        char buf[96];
        br_row r = c->rows ? c->rows[i] : br_long_row(i, buf, sizeof buf);
        outs[i].status = r.status;
        outs[i].to = copy_str(r.to);
        outs[i].attempts = r.attempts;
        if (r.status == BR_SENT)
            outs[i].receipt = copy_str("msg-1");
        if (r.status == BR_FAILED) {
            outs[i].error = tg_error_new(type_named(r.type), "%s", r.message);
            tg_error_add_note(outs[i].error, "attempt %u of %u", r.attempts,
                              r.attempts);
        }
        before[i] =
            (snapshot){outs[i], tg_error_note_count(outs[i].error),
                       outs[i].error ? tg_error_message(outs[i].error) : NULL};
    }
    size_t live = tg_error_live_count();

    char *text = format_report(outs, c->n);
    probe_obs_str(p, "text", text);

    bool same = tg_error_live_count() == live;
    for (size_t i = 0; i < c->n; i++)
        same = same && memcmp(&outs[i], &before[i].o, sizeof outs[i]) == 0 &&
               tg_error_note_count(outs[i].error) == before[i].notes &&
               (!outs[i].error ||
                tg_error_message(outs[i].error) == before[i].message);
    probe_obs_bool(p, "outs_unchanged", same);

    free(text);
    for (size_t i = 0; i < c->n; i++) {
        free(before[i].o.receipt);
        tg_error_unref(before[i].o.error);
        free(before[i].o.to);
    }
    free(before);
    free(outs);
}

static void run(probe_ctx *p, const br_row *rows, size_t n)
{
    static br_case c;
    c = (br_case){rows, n};
    probe_run(p, call_format_report, &c, 0);
}

static void scenario_fixed(probe_ctx *p)
{
    run(p, BR_FIXED, BR_FIXED_N);
}

static void scenario_empty(probe_ctx *p)
{
    run(p, NULL, 0);
}

static void scenario_odd_text(probe_ctx *p)
{
    run(p, BR_ODD, BR_ODD_N);
}

static void scenario_long_batch(probe_ctx *p)
{
    run(p, NULL, BR_LONG_N);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"fixed", scenario_fixed},
    {"empty", scenario_empty},
    {"odd_text", scenario_odd_text},
    {"long_batch", scenario_long_batch},
    {NULL, NULL},
};
