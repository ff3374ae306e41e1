/*
 * count_sent.probe.c -- the scenarios of 02-success-or-failure/count_sent.
 * Each one plans the email service, calls the learner's send_tagged on
 * fresh slots (ok set to true beforehand, as a reused slot may have it)
 * and records what came back: the returned error, *sent, every slot, and
 * the call log.
 */
#include <stdlib.h>
#include <string.h>

#include "count_sent.h"
#include "count_sent.scenario.h"
#include "probe.h"
#include "world_probe.h"

static struct send_slot slots[CS_N];

/* The error of the last call for input, as the service handed it out
 * (identity only), or NULL. */
static const void *service_error(const char *input)
{
    const void *e = NULL;
    for (size_t i = 0; i < world_call_count(); i++) {
        const world_call *c = world_call_at(i);
        if (c->input && strcmp(c->input, input) == 0)
            e = c->error_obj;
    }
    return e;
}

static void call_send_tagged(probe_ctx *p, void *arg)
{
    (void)arg;
    size_t sent = (size_t)-1;
    tg_error *ret = send_tagged(slots, CS_N, &sent);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_int(p, "sent", (long long)sent);
    for (size_t i = 0; i < CS_N; i++) {
        struct send_slot *s = &slots[i];
        probe_obs_str(p, probe_key(p, "slots.%zu.to", i), s->to);
        probe_obs_bool(p, probe_key(p, "slots.%zu.ok", i), s->ok);
        probe_obs_str(p, probe_key(p, "slots.%zu.receipt", i), s->receipt);
        probe_obs_error(p, probe_key(p, "slots.%zu.error", i), s->error);
        probe_obs_bool(p, probe_key(p, "slots.%zu.error_is_services", i),
                       s->error != NULL && s->error == service_error(CS_TO[i]));
    }
    probe_obs_calls(p, "calls");
    /* What send_tagged's contract gives the caller. */
    for (size_t i = 0; i < CS_N; i++) {
        free(slots[i].receipt);
        tg_error_unref(slots[i].error);
    }
    tg_error_unref(ret);
}

static void run_case(probe_ctx *p, uint64_t cancel_at_ms)
{
    for (size_t i = 0; i < CS_N; i++)
        slots[i] = (struct send_slot){.to = CS_TO[i], .ok = true};
    probe_run(p, call_send_tagged, NULL, cancel_at_ms);
}

static void scenario_three_fail(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL,
                (world_step){.latency_ms = CS_LATENCY, .jitter_ms = CS_JITTER});
    world_plan1(WORLD_SEND_EMAIL, CS_TO[CS_BOUNCE_A],
                WORLD_STEP_FAIL(CS_BOUNCE_MS, BounceError));
    world_plan1(WORLD_SEND_EMAIL, CS_TO[CS_BOUNCE_B],
                WORLD_STEP_FAIL(CS_BOUNCE_MS, BounceError));
    world_plan1(WORLD_SEND_EMAIL, CS_TO[CS_FULL],
                WORLD_STEP_FAIL_MSG(CS_FULL_MS, EmailError, CS_FULL_MESSAGE));
    run_case(p, 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(CS_SLOW));
    world_plan1(WORLD_SEND_EMAIL, CS_TO[CS_BOUNCE_A],
                WORLD_STEP_FAIL(CS_BOUNCE_MS, BounceError));
    world_plan1(WORLD_SEND_EMAIL, CS_TO[CS_BUG], WORLD_STEP_BUG(CS_BUG_MS));
    run_case(p, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(CS_SLOW));
    run_case(p, CS_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"three_fail", scenario_three_fail},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
