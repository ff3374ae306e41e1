/*
 * fetch_within.probe.c -- the scenarios of 10-timeouts-and-cleanup/
 * fetch_within.  Each plans the URL fetcher, calls the learner's
 * fetch_within, records what came back, and then sleeps on past the
 * limit to see whether anything the call left behind (an open timeout
 * scope) still cancels its caller.
 */
#include <stdlib.h>

#include "fetch_within.h"
#include "fetch_within.scenario.h"
#include "probe.h"
#include "world_probe.h"

typedef struct fw_case {
    uint64_t limit;
} fw_case;

static void call_fetch_within(probe_ctx *p, void *arg)
{
    fw_case *c = arg;
    static char unset_mark;
    char *unset = &unset_mark; /* "never written" */
    char *body = unset;
    tg_error *ret = fetch_within(FW_URL, c->limit, &body);
    probe_obs_now(p, "returned_at");
    /* Cancellation requests still counted against the caller: a scope
     * that expired and was closed has taken its own back. */
    probe_obs_int(p, "cancelling_after", tg_task_cancelling(tg_current_task()));
    probe_obs_error(p, "returned", ret);
    probe_obs_bool(p, "body_set", body != unset);
    if (body == unset)
        body = NULL;
    probe_obs_str(p, "body", body);
    probe_obs_calls(p, "calls");
    probe_obs_bool(p, "returned_is_services",
                   ret != NULL && world_call_count() > 0 &&
                       (const void *)ret == world_call_at(0)->error_obj);
    /* What the contract gives the caller. */
    free(body);
    tg_error_unref(ret);

    /* Anything still pending from the call shows up now. */
    uint64_t until = c->limit + FW_LATER_MS;
    uint64_t now = tg_now();
    tg_error *later = tg_sleep(until > now ? until - now : 0);
    probe_obs_bool(p, "later.cancelled", later != NULL);
    probe_obs_now(p, "later.at");
    tg_error_unref(later);
}

static void run_case(probe_ctx *p, uint64_t limit, uint64_t cancel_at_ms)
{
    static fw_case c;
    c.limit = limit;
    probe_run(p, call_fetch_within, &c, cancel_at_ms);
}

static void scenario_fast(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FW_URL, WORLD_STEP_OK(FW_FAST_MS));
    run_case(p, FW_FAST_LIMIT, 0);
}

static void scenario_slow(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FW_URL, WORLD_STEP_OK(FW_SLOW_MS));
    run_case(p, FW_SLOW_LIMIT, 0);
}

static void scenario_not_found(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FW_URL,
                WORLD_STEP_FAIL(FW_ERROR_MS, HTTPError));
    run_case(p, FW_ERROR_LIMIT, 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FW_URL, WORLD_STEP_BUG(FW_ERROR_MS));
    run_case(p, FW_ERROR_LIMIT, 0);
}

static void scenario_outside_cancel(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FW_URL, WORLD_STEP_OK(FW_SLOW_MS));
    run_case(p, FW_SLOW_LIMIT, FW_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"fast", scenario_fast},
    {"slow", scenario_slow},
    {"not_found", scenario_not_found},
    {"bug", scenario_bug},
    {"outside_cancel", scenario_outside_cancel},
    {NULL, NULL},
};
