/*
 * verify_shards.probe.c -- the scenarios of 01-task-groups/verify_shards.
 * Each one plans the shards' verifications, calls the learner's
 * verify_shards and records what it returned, when, and the call log.
 */
#include "probe.h"
#include "verify_shards.h"
#include "verify_shards.scenario.h"
#include "world_probe.h"

static void call_verify_shards(probe_ctx *p, void *arg)
{
    (void)arg;
    tg_error *ret = verify_shards(VS_SHARDS, VS_N);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_calls(p, "calls");
    tg_error_unref(ret); /* the caller's, by the contract */
}

static void plan_all_sound(void)
{
    world_plan1(WORLD_DB_VERIFY, NULL,
                (world_step){.latency_ms = VS_LATENCY, .jitter_ms = VS_JITTER});
}

static void corrupt(int i)
{
    world_plan1(WORLD_DB_VERIFY, VS_SHARDS[i],
                WORLD_STEP_FAIL(VS_CORRUPT_MS, IntegrityError));
}

static void scenario_all_sound(probe_ctx *p)
{
    plan_all_sound();
    probe_run(p, call_verify_shards, NULL, 0);
}

static void scenario_one_corrupt(probe_ctx *p)
{
    plan_all_sound();
    corrupt(VS_CORRUPT);
    probe_run(p, call_verify_shards, NULL, 0);
}

static void scenario_two_corrupt(probe_ctx *p)
{
    plan_all_sound();
    corrupt(VS_CORRUPT_A);
    corrupt(VS_CORRUPT_B);
    probe_run(p, call_verify_shards, NULL, 0);
}

static void scenario_bug(probe_ctx *p)
{
    plan_all_sound();
    world_plan1(WORLD_DB_VERIFY, VS_SHARDS[VS_BUG], WORLD_STEP_BUG(VS_BUG_MS));
    probe_run(p, call_verify_shards, NULL, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    plan_all_sound();
    probe_run(p, call_verify_shards, NULL, VS_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"all_sound", scenario_all_sound},
    {"one_corrupt", scenario_one_corrupt},
    {"two_corrupt", scenario_two_corrupt},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
