/*
 * send_all.probe.c -- the scenarios of 01-task-groups/send_all.  Each one
 * plans the email service, calls the learner's send_all on fresh jobs and
 * records what came back: the returned error, every job, the call log.
 */
#include <stdlib.h>

#include "probe.h"
#include "send_all.h"
#include "send_all.scenario.h"
#include "world_probe.h"

typedef struct send_case {
    struct send_job jobs[SEND_ALL_N];
    size_t n;
} send_case;

static void call_send_all(probe_ctx *p, void *arg)
{
    send_case *c = arg;
    tg_error *ret = send_all(c->jobs, c->n);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    for (size_t i = 0; i < c->n; i++) {
        struct send_job *job = &c->jobs[i];
        probe_obs_str(p, probe_key(p, "jobs.%zu.to", i), job->to);
        probe_obs_str(p, probe_key(p, "jobs.%zu.receipt", i), job->receipt);
        probe_obs_error(p, probe_key(p, "jobs.%zu.error", i), job->error);
    }
    probe_obs_calls(p, "calls");
    /* What send_all's contract gives the caller. */
    for (size_t i = 0; i < c->n; i++) {
        free(c->jobs[i].receipt);
        tg_error_unref(c->jobs[i].error);
    }
    tg_error_unref(ret);
}

static void run_case(probe_ctx *p, size_t n, uint64_t cancel_at_ms)
{
    static send_case c;
    c.n = n;
    for (size_t i = 0; i < n; i++)
        c.jobs[i] = (struct send_job){.to = SEND_ALL_TO[i]};
    probe_run(p, call_send_all, &c, cancel_at_ms);
}

static void scenario_two_bounce(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SEND_ALL_LATENCY));
    world_plan1(WORLD_SEND_EMAIL, SEND_ALL_TO[SEND_ALL_BOUNCE_A],
                WORLD_STEP_FAIL(SEND_ALL_BOUNCE_MS, BounceError));
    world_plan1(WORLD_SEND_EMAIL, SEND_ALL_TO[SEND_ALL_BOUNCE_B],
                WORLD_STEP_FAIL(SEND_ALL_BOUNCE_MS, BounceError));
    run_case(p, SEND_ALL_N, 0);
}

static void scenario_mailbox_full(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL,
                (world_step){.latency_ms = 40, .jitter_ms = 40});
    world_plan1(WORLD_SEND_EMAIL, SEND_ALL_TO[SEND_ALL_FULL],
                WORLD_STEP_FAIL_MSG(SEND_ALL_FULL_MS, EmailError,
                                    SEND_ALL_FULL_MESSAGE));
    run_case(p, SEND_ALL_FULL_N, 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SEND_ALL_LATENCY));
    world_plan1(WORLD_SEND_EMAIL, SEND_ALL_TO[SEND_ALL_BOUNCE_A],
                WORLD_STEP_FAIL(SEND_ALL_BOUNCE_MS, BounceError));
    world_plan1(WORLD_SEND_EMAIL, SEND_ALL_TO[SEND_ALL_BUG],
                WORLD_STEP_BUG(SEND_ALL_BUG_MS));
    run_case(p, SEND_ALL_N, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(SEND_ALL_LATENCY));
    run_case(p, SEND_ALL_N, SEND_ALL_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"two_bounce", scenario_two_bounce},
    {"mailbox_full", scenario_mailbox_full},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
