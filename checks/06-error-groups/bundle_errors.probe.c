/*
 * bundle_errors.probe.c -- the scenarios of 06-error-groups/bundle_errors.
 * Each builds a batch of outcomes, records their errors, calls the
 * learner's bundle_failures and records what came back and whether the
 * outcomes were left alone; then it releases the group and clears the
 * outcomes, as the caller would.
 *
 * The probe holds an extra reference to every error of the outcomes, so
 * that a bundle_failures that releases the outcomes' references (not its
 * to release) is seen in the live count instead of crashing the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_errors.h"
#include "bundle_errors.scenario.h"
#include "probe.h"
#include "world.h"

static struct send_outcome make_outcome(int i, bool failed)
{
    struct send_outcome o = {.input = copy_str(BE_TO[i])};
    if (!failed) {
        char receipt[32];
        snprintf(receipt, sizeof receipt, "msg-%d", i + 1);
        o.status = SEND_OK;
        o.receipt = copy_str(receipt);
        return o;
    }
    int k = 0;
    while (BE_FAILED[k] != i)
        k++;
    o.status = SEND_FAILED;
    o.error = tg_error_new(strcmp(BE_FAILED_TYPE[k], "EmailError") == 0
                               ? &EmailError
                               : &BounceError,
                           "%s", BE_FAILED_MESSAGE[k]);
    if (o.error && tg_error_is(o.error, &EmailError) &&
        !tg_error_is(o.error, &BounceError))
        tg_error_add_note(o.error, "%s", BE_FAY_NOTE);
    return o;
}

static void clear(struct send_outcome *o)
{
    free(o->receipt);
    tg_error_unref(o->error);
    free(o->input);
    *o = (struct send_outcome){0};
}

typedef struct be_case {
    size_t n;
    bool only_cy; /* one_of_five: only cy (outs[2]) failed */
} be_case;

static void call_bundle(probe_ctx *p, void *arg)
{
    const be_case *c = arg;
    struct send_outcome outs[BE_N], saved[BE_N];
    tg_error *errs[BE_N];
    for (size_t i = 0; i < c->n; i++) {
        bool failed = false;
        for (int k = 0; k < BE_FAILED_N; k++)
            failed = failed || BE_FAILED[k] == (int)i;
        if (c->only_cy)
            failed = i == 2;
        outs[i] = make_outcome((int)i, failed);
        errs[i] = tg_error_ref(outs[i].error); /* the probe's extra ref */
        probe_obs_error(p, probe_key(p, "outs.%zu.error", i), outs[i].error);
    }
    memcpy(saved, outs, c->n * sizeof outs[0]);
    size_t live_before = tg_error_live_count();

    tg_error *ret = bundle_failures(outs, c->n);
    probe_obs_error(p, "returned", ret);
    probe_obs_bool(p, "outs_unchanged",
                   c->n == 0 ||
                       memcmp(saved, outs, c->n * sizeof outs[0]) == 0);

    tg_error_unref(ret);
    for (size_t i = 0; i < c->n; i++)
        clear(&saved[i]); /* the caller's own references */
    /* Every error of the outcomes should now live on through the probe's
     * extra reference alone: fewer live errors than before the call means
     * bundle_failures released a reference that was not its own. */
    bool released = tg_error_live_count() < live_before;
    probe_obs_bool(p, "outs_errors_released", released);
    if (!released)
        for (size_t i = 0; i < c->n; i++)
            tg_error_unref(errs[i]);
}

static void scenario_three_of_ten(probe_ctx *p)
{
    static const be_case c = {BE_N, false};
    probe_run(p, call_bundle, (void *)&c, 0);
}

static void scenario_one_of_five(probe_ctx *p)
{
    static const be_case c = {BE_ONE_N, true};
    probe_run(p, call_bundle, (void *)&c, 0);
}

/* Two calls: two outcomes that were both sent, then an empty batch. */
static void call_none(probe_ctx *p, void *arg)
{
    (void)arg;
    struct send_outcome outs[BE_NONE_N];
    for (size_t i = 0; i < BE_NONE_N; i++)
        outs[i] = make_outcome((int)i, false);
    tg_error *ret = bundle_failures(outs, BE_NONE_N);
    probe_obs_error(p, "returned", ret);
    tg_error_unref(ret);
    ret = bundle_failures(outs, 0);
    probe_obs_error(p, "returned_empty", ret);
    tg_error_unref(ret);
    for (size_t i = 0; i < BE_NONE_N; i++)
        clear(&outs[i]);
}

static void scenario_none_failed(probe_ctx *p)
{
    probe_run(p, call_none, NULL, 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"three_of_ten", scenario_three_of_ten},
    {"one_of_five", scenario_one_of_five},
    {"none_failed", scenario_none_failed},
    {NULL, NULL},
};
