/*
 * batch_deadline.probe.c -- the scenarios of 13-capstone-batch-mailer/
 * batch_deadline.  Each plans the email service, calls the learner's
 * mail_batch_by on zeroed outcomes, and records what came back, every
 * outcome, the call log and the sends still in flight after the call;
 * then it sleeps on past the deadline to see whether anything the call
 * left behind still cancels its caller.
 */
#include <stdlib.h>

#include "batch_deadline.h"
#include "batch_deadline.scenario.h"
#include "probe.h"
#include "world_probe.h"

typedef struct bd_case {
    size_t n;
    uint64_t deadline;
    struct mail_outcome outs[BD_N];
} bd_case;

static const struct mailer_config CFG = {BD_LIMIT, BD_MAX_ATTEMPTS,
                                         BD_ATTEMPT_MS, BD_BASE_MS, BD_CAP_MS};

static void call_mail_batch_by(probe_ctx *p, void *arg)
{
    bd_case *c = arg;
    tg_error *ret = mail_batch_by(BD_TO, c->n, &CFG, c->deadline, c->outs);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_int(p, "in_flight_after", world_in_flight(WORLD_SEND_EMAIL));
    for (size_t i = 0; i < c->n; i++) {
        struct mail_outcome *o = &c->outs[i];
        probe_obs_int(p, probe_key(p, "outs.%zu.status", i), o->status);
        probe_obs_str(p, probe_key(p, "outs.%zu.receipt", i), o->receipt);
        probe_obs_error(p, probe_key(p, "outs.%zu.error", i), o->error);
        probe_obs_str(p, probe_key(p, "outs.%zu.to", i), o->to);
        probe_obs_bool(p, probe_key(p, "outs.%zu.to_borrowed", i),
                       o->to == BD_TO[i]);
    }
    probe_obs_calls(p, "calls");
    for (size_t i = 0; i < c->n; i++) {
        free(c->outs[i].receipt);
        tg_error_unref(c->outs[i].error);
        if (c->outs[i].to != BD_TO[i])
            free(c->outs[i].to);
    }
    tg_error_unref(ret);

    /* Anything still pending from the call shows up now. */
    uint64_t until = c->deadline + BD_LATER_MS, now = tg_now();
    tg_error *later = tg_sleep(until > now ? until - now : 0);
    probe_obs_bool(p, "later.cancelled", later != NULL);
    probe_obs_now(p, "later.at");
    tg_error_unref(later);
}

static void run_case(probe_ctx *p, size_t n, uint64_t deadline,
                     uint64_t cancel_at_ms)
{
    static bd_case c;
    c.n = n;
    c.deadline = deadline;
    probe_run(p, call_mail_batch_by, &c, cancel_at_ms);
}

static void plan_deadline(void)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(BD_SEND_MS));
    world_plan1(WORLD_SEND_EMAIL, BD_TO[BD_BOUNCE],
                WORLD_STEP_FAIL(BD_BOUNCE_MS, BounceError));
    world_step reset_once[] = {
        WORLD_STEP_FAIL(BD_RESET_MS, TG_ConnectionError),
        WORLD_STEP_OK(BD_SEND_MS),
    };
    world_plan(WORLD_SEND_EMAIL, BD_TO[BD_RESET], reset_once, 2);
}

static void scenario_deadline(probe_ctx *p)
{
    plan_deadline();
    run_case(p, BD_N, BD_DEADLINE_MS, 0);
}

static void scenario_outside_cancel(probe_ctx *p)
{
    plan_deadline();
    run_case(p, BD_N, BD_DEADLINE_MS, BD_CANCEL_MS);
}

static void scenario_bug(probe_ctx *p)
{
    plan_deadline();
    world_plan1(WORLD_SEND_EMAIL, BD_TO[BD_BUG], WORLD_STEP_BUG(BD_BUG_MS));
    run_case(p, BD_N, BD_DEADLINE_MS, 0);
}

static void scenario_early(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(BD_EARLY_MS));
    run_case(p, BD_EARLY_N, BD_FAR_DEADLINE_MS, 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"deadline", scenario_deadline},
    {"outside_cancel", scenario_outside_cancel},
    {"bug", scenario_bug},
    {"early", scenario_early},
    {NULL, NULL},
};
