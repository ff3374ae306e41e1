/*
 * send_outcome.probe.c -- the scenarios of 05-one-shape-for-outcomes/
 * send_outcome.  Each plans the email service, calls the learner's
 * send_batch on addresses the probe owns (and scribbles over once the call
 * has returned), and records every outcome; then it frees them with the
 * learner's send_outcome_clear.  The clear scenario hands the learner's
 * send_outcome_clear two outcomes the probe built itself.
 *
 * A record's pointers are only read for what they are: the world's call
 * log knows the address of every receipt it delivered and every error it
 * raised, so a receipt stored as an error (or the other way round) is
 * recorded as such instead of being dereferenced as the wrong type, and
 * such a record is freed by the probe rather than by send_outcome_clear.
 */
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "send_outcome.h"
#include "send_outcome.scenario.h"
#include "world_probe.h"

typedef struct so_case {
    size_t n;
    char *to[SO_N]; /* the probe's copies of the addresses */
    struct send_outcome outs[SO_N];
} so_case;

/* True when ptr is a string some service call delivered. */
static bool delivered(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->value_obj == ptr)
            return true;
    return false;
}

/* True when ptr is an error some service call raised. */
static bool raised(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->error_obj == ptr)
            return true;
    return false;
}

/* True when ptr is the error the service raised for input. */
static bool raised_for(const void *ptr, const char *input)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++) {
        const world_call *c = world_call_at(i);
        if (c->error_obj == ptr && c->input && strcmp(c->input, input) == 0)
            return true;
    }
    return false;
}

/* Records outs[i]; returns true when send_outcome_clear may be given it
 * (every pointer is what its field says, and input is not the probe's). */
static bool record_outcome(probe_ctx *p, so_case *c, size_t i)
{
    struct send_outcome *o = &c->outs[i];
    bool receipt_is_error = raised(o->receipt);
    bool error_is_receipt = delivered(o->error);
    bool borrowed = o->input != NULL && o->input == c->to[i];
    probe_obs_int(p, probe_key(p, "outs.%zu.status", i), (long long)o->status);
    probe_obs_str(p, probe_key(p, "outs.%zu.receipt", i),
                  receipt_is_error ? NULL : o->receipt);
    probe_obs_bool(p, probe_key(p, "outs.%zu.receipt_is_error", i),
                   receipt_is_error);
    probe_obs_error(p, probe_key(p, "outs.%zu.error", i),
                    error_is_receipt ? NULL : o->error);
    probe_obs_str(p, probe_key(p, "outs.%zu.error_is_receipt", i),
                  error_is_receipt ? (const char *)o->error : NULL);
    probe_obs_bool(p, probe_key(p, "outs.%zu.error_from_service", i),
                   raised_for(o->error, SO_TO[i]));
    probe_obs_str(p, probe_key(p, "outs.%zu.input", i), o->input);
    probe_obs_bool(p, probe_key(p, "outs.%zu.input_borrowed", i), borrowed);
    return !receipt_is_error && !error_is_receipt && !borrowed;
}

/* Frees a record the learner's clear cannot be trusted with. */
static void free_mixed_up(so_case *c, size_t i)
{
    struct send_outcome *o = &c->outs[i];
    if (raised(o->receipt))
        tg_error_unref((tg_error *)(void *)o->receipt);
    else
        free(o->receipt);
    if (delivered(o->error))
        free(o->error);
    else
        tg_error_unref(o->error);
    if (o->input != c->to[i])
        free(o->input);
}

static void call_send_batch(probe_ctx *p, void *arg)
{
    so_case *c = arg;
    for (size_t i = 0; i < c->n; i++)
        c->to[i] = copy_str(SO_TO[i]);
    tg_error *ret = send_batch((const char *const *)c->to, c->n, c->outs);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    /* The caller's strings change after the call: an outcome that only
     * borrowed its address now reads "#####...". */
    for (size_t i = 0; i < c->n; i++)
        memset(c->to[i], '#', strlen(c->to[i]));
    bool safe[SO_N];
    for (size_t i = 0; i < c->n; i++)
        safe[i] = record_outcome(p, c, i);
    probe_obs_calls(p, "calls");
    /* What send_batch's contract gives the caller. */
    for (size_t i = 0; i < c->n; i++) {
        if (safe[i])
            send_outcome_clear(&c->outs[i]);
        else
            free_mixed_up(c, i);
        free(c->to[i]);
    }
    tg_error_unref(ret);
}

static void run_case(probe_ctx *p, size_t n, uint64_t cancel_at_ms)
{
    static so_case c;
    c.n = n;
    probe_run(p, call_send_batch, &c, cancel_at_ms);
}

static void plan_two_bounce(void)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SO_LATENCY));
    world_plan1(WORLD_SEND_EMAIL, SO_TO[SO_BOUNCE_A],
                WORLD_STEP_FAIL(SO_BOUNCE_MS, BounceError));
    world_plan1(WORLD_SEND_EMAIL, SO_TO[SO_BOUNCE_B],
                WORLD_STEP_FAIL(SO_BOUNCE_MS, BounceError));
}

static void scenario_two_bounce(probe_ctx *p)
{
    plan_two_bounce();
    run_case(p, SO_N, 0);
}

static void scenario_odd_receipts(probe_ctx *p)
{
    for (size_t i = 0; i < SO_ODD_N; i++)
        if (i != SO_ODD_BOUNCE)
            world_plan1(WORLD_SEND_EMAIL, SO_TO[i],
                        WORLD_STEP_VALUE(40, SO_ODD_RECEIPT[i]));
    world_plan1(WORLD_SEND_EMAIL, SO_TO[SO_ODD_BOUNCE],
                WORLD_STEP_FAIL(20, BounceError));
    run_case(p, SO_ODD_N, 0);
}

static void scenario_bug(probe_ctx *p)
{
    plan_two_bounce();
    world_plan1(WORLD_SEND_EMAIL, SO_TO[SO_BUG], WORLD_STEP_BUG(SO_BUG_MS));
    run_case(p, SO_N, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SO_LATENCY));
    run_case(p, SO_N, SO_CANCEL_MS);
}

/* ---- clear: two outcomes built by the probe ----------------------------- */

static void record_cleared(probe_ctx *p, const char *which,
                           const struct send_outcome *o)
{
    probe_obs_int(p, probe_key(p, "cleared.%s.status", which),
                  (long long)o->status);
    probe_obs_bool(p, probe_key(p, "cleared.%s.receipt_null", which),
                   o->receipt == NULL);
    probe_obs_bool(p, probe_key(p, "cleared.%s.error_null", which),
                   o->error == NULL);
    probe_obs_bool(p, probe_key(p, "cleared.%s.input_null", which),
                   o->input == NULL);
}

static void call_clear(probe_ctx *p, void *arg)
{
    (void)arg;
    struct send_outcome ok = {
        .status = SEND_OK,
        .receipt = copy_str(SO_CLEAR_RECEIPT),
        .input = copy_str(SO_CLEAR_OK_INPUT),
    };
    struct send_outcome failed = {
        .status = SEND_FAILED,
        .error = tg_error_new(&BounceError, "no such mailbox: %s",
                              SO_CLEAR_FAILED_INPUT),
        .input = copy_str(SO_CLEAR_FAILED_INPUT),
    };
    struct send_outcome zero = {0};
    send_outcome_clear(&ok);
    record_cleared(p, "ok", &ok);
    send_outcome_clear(&failed);
    record_cleared(p, "failed", &failed);
    send_outcome_clear(&zero);
    record_cleared(p, "zero", &zero);
    /* Nothing else to free: whatever the clear left behind is a leak. */
}

static void scenario_clear(probe_ctx *p)
{
    probe_run(p, call_clear, NULL, 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"two_bounce", scenario_two_bounce},
    {"odd_receipts", scenario_odd_receipts},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {"clear", scenario_clear},
    {NULL, NULL},
};
