/*
 * send_with_retry.probe.c -- the scenarios of 11-retries-with-backoff/
 * send_with_retry.  Each plans the sends to one address, calls the
 * learner's send_with_retry, and records what came back, whether it is
 * the very error the last send handed out, and the call log (whose gaps
 * are the waits).  The waiting scenarios also record the numbers
 * tg_random_below(base) draws in a fresh run with the same seed: the
 * jitter that one draw per wait gives.
 */
#include <stdlib.h>

#include "probe.h"
#include "send_with_retry.h"
#include "send_with_retry.scenario.h"
#include "world_probe.h"

static struct retry_policy policy;

static void call_send_with_retry(probe_ctx *p, void *arg)
{
    (void)arg;
    static char unset_mark;
    char *unset = &unset_mark; /* "never written" */
    char *receipt = unset;
    tg_error *ret = send_with_retry(SWR_TO, &policy, &receipt);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    size_t n = world_call_count();
    probe_obs_bool(p, "returned_is_last_error",
                   ret != NULL && n > 0 &&
                       (const void *)ret == world_call_at(n - 1)->error_obj);
    probe_obs_bool(p, "receipt_set", receipt != unset);
    if (receipt == unset)
        receipt = NULL;
    probe_obs_str(p, "receipt", receipt);
    probe_obs_calls(p, "calls");
    free(receipt);
    tg_error_unref(ret);
}

static tg_result draws_main(void *arg)
{
    probe_ctx *p = arg;
    for (int i = 0; i < 8; i++)
        probe_obs_int(p, probe_key(p, "draws.%d", i),
                      (long long)tg_random_below(policy.base_ms));
    return tg_return(NULL);
}

static void run(probe_ctx *p, struct retry_policy pol, uint64_t cancel_at_ms)
{
    policy = pol;
    probe_run(p, call_send_with_retry, NULL, cancel_at_ms);
    tg_options opts = {.virtual_time = true, .seed = p->seed};
    tg_result r = tg_run(draws_main, p, &opts);
    tg_error_unref(r.error);
}

static const struct retry_policy STANDARD = {SWR_MAX, SWR_BASE, SWR_CAP};

static void scenario_recovers(probe_ctx *p)
{
    world_step steps[] = {
        WORLD_STEP_FAIL(SWR_SEND_MS, TG_ConnectionError),
        WORLD_STEP_FAIL(SWR_SEND_MS, TG_ConnectionError),
        WORLD_STEP_OK(SWR_SEND_MS),
    };
    world_plan(WORLD_SEND_EMAIL, SWR_TO, steps, 3);
    run(p, STANDARD, 0);
}

static void scenario_bounce(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, SWR_TO,
                WORLD_STEP_FAIL(SWR_SEND_MS, BounceError));
    run(p, STANDARD, 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, SWR_TO, WORLD_STEP_BUG(SWR_SEND_MS));
    run(p, STANDARD, 0);
}

static void scenario_gives_up(probe_ctx *p)
{
    world_step steps[] = {
        WORLD_STEP_FAIL_MSG(SWR_SEND_MS, TG_ConnectionError, SWR_GU_MSG_1),
        WORLD_STEP_FAIL_MSG(SWR_SEND_MS, TG_TimeoutError, SWR_GU_MSG_2),
        WORLD_STEP_FAIL_MSG(SWR_SEND_MS, TG_ConnectionError, SWR_GU_MSG_3),
        WORLD_STEP_FAIL_MSG(SWR_SEND_MS, TG_ConnectionError, SWR_GU_MSG_4),
    };
    world_plan(WORLD_SEND_EMAIL, SWR_TO, steps, 4);
    run(p, (struct retry_policy){SWR_GU_MAX, SWR_GU_BASE, SWR_GU_CAP}, 0);
}

static void scenario_cancel_in_backoff(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, SWR_TO,
                WORLD_STEP_FAIL(SWR_SEND_MS, TG_ConnectionError));
    run(p, STANDARD, SWR_CANCEL_WAIT_MS);
}

static void scenario_cancel_in_send(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, SWR_TO, WORLD_STEP_OK(SWR_SLOW_SEND_MS));
    run(p, STANDARD, SWR_CANCEL_SEND_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"recovers", scenario_recovers},
    {"bounce", scenario_bounce},
    {"bug", scenario_bug},
    {"gives_up", scenario_gives_up},
    {"cancel_in_backoff", scenario_cancel_in_backoff},
    {"cancel_in_send", scenario_cancel_in_send},
    {NULL, NULL},
};
