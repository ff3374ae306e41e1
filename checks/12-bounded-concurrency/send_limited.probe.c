/*
 * send_limited.probe.c -- the scenarios of 12-bounded-concurrency/
 * send_limited.  Each plans the email service, calls the learner's
 * send_limited on zeroed outcomes, and records what came back, every
 * outcome, the call log (with the peak number of sends in flight) and the
 * sends still in flight after the call.
 */
#include <stdlib.h>

#include "probe.h"
#include "send_limited.h"
#include "send_limited.scenario.h"
#include "world_probe.h"

typedef struct sl_case {
    size_t n;
    unsigned limit;
    struct send_outcome outs[SL_N];
} sl_case;

static void call_send_limited(probe_ctx *p, void *arg)
{
    sl_case *c = arg;
    tg_error *ret = send_limited(SL_TO, c->n, c->limit, c->outs);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_int(p, "in_flight_after", world_in_flight(WORLD_SEND_EMAIL));
    for (size_t i = 0; i < c->n; i++) {
        struct send_outcome *o = &c->outs[i];
        probe_obs_int(p, probe_key(p, "outs.%zu.status", i), o->status);
        probe_obs_str(p, probe_key(p, "outs.%zu.receipt", i), o->receipt);
        probe_obs_error(p, probe_key(p, "outs.%zu.error", i), o->error);
        probe_obs_str(p, probe_key(p, "outs.%zu.input", i), o->input);
        probe_obs_bool(p, probe_key(p, "outs.%zu.input_borrowed", i),
                       o->input == SL_TO[i]);
    }
    probe_obs_calls(p, "calls");
    /* What the contract gives the caller. */
    for (size_t i = 0; i < c->n; i++) {
        free(c->outs[i].receipt);
        tg_error_unref(c->outs[i].error);
        if (c->outs[i].input != SL_TO[i])
            free(c->outs[i].input);
    }
    tg_error_unref(ret);
}

static void run_case(probe_ctx *p, size_t n, unsigned limit,
                     uint64_t cancel_at_ms)
{
    static sl_case c;
    c.n = n;
    c.limit = limit;
    probe_run(p, call_send_limited, &c, cancel_at_ms);
}

static void scenario_four_bounce(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SL_SEND_MS));
    for (int i = 0; i < SL_N; i++)
        if (sl_bounces(i))
            world_plan1(WORLD_SEND_EMAIL, SL_TO[i],
                        WORLD_STEP_FAIL(SL_BOUNCE_MS, BounceError));
    run_case(p, SL_N, SL_LIMIT, 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SL_SEND_MS));
    world_plan1(WORLD_SEND_EMAIL, SL_TO[SL_BUG], WORLD_STEP_BUG(SL_BUG_MS));
    run_case(p, SL_BUG_N, SL_BUG_LIMIT, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SL_SEND_MS));
    run_case(p, SL_N, SL_LIMIT, SL_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"four_bounce", scenario_four_bounce},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
