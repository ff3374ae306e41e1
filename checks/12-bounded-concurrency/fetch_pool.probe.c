/*
 * fetch_pool.probe.c -- the scenarios of 12-bounded-concurrency/
 * fetch_pool.  Each plans the URL fetcher, calls the learner's fetch_pool
 * on zeroed outcomes, and records what came back, every outcome, the call
 * log (with the peak number of fetches in flight) and the fetches still
 * in flight after the call.
 */
#include <stdlib.h>

#include "fetch_pool.h"
#include "fetch_pool.scenario.h"
#include "probe.h"
#include "world_probe.h"

typedef struct fp_case {
    size_t n;
    unsigned limit;
    struct fetch_outcome outs[FP_N];
} fp_case;

static void call_fetch_pool(probe_ctx *p, void *arg)
{
    fp_case *c = arg;
    tg_error *ret = fetch_pool(FP_URLS, c->n, c->limit, c->outs);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_int(p, "in_flight_after", world_in_flight(WORLD_FETCH_URL));
    for (size_t i = 0; i < c->n; i++) {
        struct fetch_outcome *o = &c->outs[i];
        probe_obs_int(p, probe_key(p, "outs.%zu.status", i), o->status);
        probe_obs_str(p, probe_key(p, "outs.%zu.body", i), o->body);
        probe_obs_error(p, probe_key(p, "outs.%zu.error", i), o->error);
        probe_obs_str(p, probe_key(p, "outs.%zu.url", i), o->url);
        probe_obs_bool(p, probe_key(p, "outs.%zu.url_borrowed", i),
                       o->url == FP_URLS[i]);
    }
    probe_obs_calls(p, "calls");
    for (size_t i = 0; i < c->n; i++) {
        free(c->outs[i].body);
        tg_error_unref(c->outs[i].error);
        if (c->outs[i].url != FP_URLS[i])
            free(c->outs[i].url);
    }
    tg_error_unref(ret);
}

static void run_case(probe_ctx *p, size_t n, unsigned limit,
                     uint64_t cancel_at_ms)
{
    static fp_case c;
    c.n = n;
    c.limit = limit;
    probe_run(p, call_fetch_pool, &c, cancel_at_ms);
}

static void plan_one_slow(void)
{
    world_plan1(WORLD_FETCH_URL, NULL, WORLD_STEP_OK(FP_FAST_MS));
    world_plan1(WORLD_FETCH_URL, FP_URLS[0], WORLD_STEP_OK(FP_SLOW_MS));
}

static void scenario_one_slow(probe_ctx *p)
{
    plan_one_slow();
    run_case(p, FP_SLOW_N, FP_SLOW_LIMIT, 0);
}

static world_step jittered(world_outcome outcome, const tg_error_type *type)
{
    return (world_step){.latency_ms = FP_MIXED_MS,
                        .jitter_ms = FP_MIXED_JITTER,
                        .outcome = outcome,
                        .type = type};
}

static void scenario_mixed(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, NULL, jittered(WORLD_OK, NULL));
    world_plan1(WORLD_FETCH_URL, FP_URLS[FP_404],
                jittered(WORLD_ERROR, &HTTPError));
    world_plan1(WORLD_FETCH_URL, FP_URLS[FP_RESET],
                jittered(WORLD_ERROR, &TG_ConnectionError));
    world_plan1(WORLD_FETCH_URL, FP_URLS[FP_TIMEOUT],
                jittered(WORLD_ERROR, &TG_TimeoutError));
    run_case(p, FP_N, FP_MIXED_LIMIT, 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, NULL, WORLD_STEP_OK(FP_FAST_MS));
    world_plan1(WORLD_FETCH_URL, FP_URLS[FP_BUG], WORLD_STEP_BUG(FP_FAST_MS));
    run_case(p, FP_SLOW_N, FP_SLOW_LIMIT, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    plan_one_slow();
    run_case(p, FP_SLOW_N, FP_SLOW_LIMIT, FP_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"one_slow", scenario_one_slow},
    {"mixed", scenario_mixed},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
