/*
 * fetch_both.probe.c -- the scenarios of 10-timeouts-and-cleanup/
 * fetch_both.  Each plans the two pages, calls the learner's fetch_both,
 * and records what came back, the call log and, through probe_run, what
 * was left allocated afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch_both.h"
#include "fetch_both.scenario.h"
#include "probe.h"
#include "world_probe.h"

/* The error the call for url handed out, if any (not a reference). */
static const void *service_error(const char *url)
{
    for (size_t i = 0; i < world_call_count(); i++) {
        const world_call *c = world_call_at(i);
        if (c->input && strcmp(c->input, url) == 0 && c->error_obj)
            return c->error_obj;
    }
    return NULL;
}

static void call_fetch_both(probe_ctx *p, void *arg)
{
    (void)arg;
    static char unset_mark;
    char *unset = &unset_mark; /* "never written" */
    char *joined = unset;
    tg_error *ret = fetch_both(FB_A, FB_B, &joined);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_bool(p, "returned_is_a_error",
                   ret != NULL && (const void *)ret == service_error(FB_A));
    probe_obs_bool(p, "returned_is_b_error",
                   ret != NULL && (const void *)ret == service_error(FB_B));
    probe_obs_bool(p, "joined_set", joined != unset);
    if (joined == unset)
        joined = NULL;
    probe_obs_str(p, "joined", joined);
    probe_obs_calls(p, "calls");
    /* The caller owns whatever it was given. */
    free(joined);
    tg_error_unref(ret);
}

static void plan(world_step a, world_step b)
{
    world_plan1(WORLD_FETCH_URL, FB_A, a);
    world_plan1(WORLD_FETCH_URL, FB_B, b);
}

static void scenario_both_ok(probe_ctx *p)
{
    plan(WORLD_STEP_OK(FB_A_MS), WORLD_STEP_OK(FB_B_MS));
    probe_run(p, call_fetch_both, NULL, 0);
}

static void scenario_b_fails(probe_ctx *p)
{
    plan(WORLD_STEP_OK(FB_A_MS), WORLD_STEP_FAIL(FB_B_MS, HTTPError));
    probe_run(p, call_fetch_both, NULL, 0);
}

static void scenario_b_bug(probe_ctx *p)
{
    plan(WORLD_STEP_OK(FB_A_MS), WORLD_STEP_BUG(FB_B_MS));
    probe_run(p, call_fetch_both, NULL, 0);
}

static void scenario_cancel_during_b(probe_ctx *p)
{
    plan(WORLD_STEP_OK(FB_A_MS), WORLD_STEP_OK(FB_SLOW_B_MS));
    probe_run(p, call_fetch_both, NULL, FB_CANCEL_MS);
}

static void scenario_a_fails(probe_ctx *p)
{
    plan(WORLD_STEP_FAIL(FB_A_MS, HTTPError), WORLD_STEP_OK(FB_B_MS));
    probe_run(p, call_fetch_both, NULL, 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"both_ok", scenario_both_ok},
    {"b_fails", scenario_b_fails},
    {"b_bug", scenario_b_bug},
    {"cancel_during_b", scenario_cancel_during_b},
    {"a_fails", scenario_a_fails},
    {NULL, NULL},
};
