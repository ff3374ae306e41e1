/*
 * mail_batch.probe.c -- the scenarios of 13-capstone-batch-mailer/
 * mail_batch.  Each plans the email service, calls the learner's
 * mail_batch on zeroed outcomes, and records what came back, every
 * outcome, the call log (with the peak number of sends in flight) and the
 * sends still in flight after the call.
 */
#include <stdlib.h>

#include "mail_batch.h"
#include "mail_batch.scenario.h"
#include "probe.h"
#include "world_probe.h"

typedef struct mb_case {
    size_t n;
    struct mailer_config cfg;
    struct mail_outcome outs[MB_N];
} mb_case;

static void call_mail_batch(probe_ctx *p, void *arg)
{
    mb_case *c = arg;
    tg_error *ret = mail_batch(MB_TO, c->n, &c->cfg, c->outs);
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
                       o->to == MB_TO[i]);
        probe_obs_int(p, probe_key(p, "outs.%zu.attempts", i), o->attempts);
    }
    probe_obs_calls(p, "calls");
    for (size_t i = 0; i < c->n; i++) {
        free(c->outs[i].receipt);
        tg_error_unref(c->outs[i].error);
        if (c->outs[i].to != MB_TO[i])
            free(c->outs[i].to);
    }
    tg_error_unref(ret);
}

static const struct mailer_config CFG = {MB_LIMIT, MB_MAX_ATTEMPTS,
                                         MB_ATTEMPT_MS, MB_BASE_MS, MB_CAP_MS};

static void run_case(probe_ctx *p, size_t n, struct mailer_config cfg,
                     uint64_t cancel_at_ms)
{
    static mb_case c;
    c.n = n;
    c.cfg = cfg;
    probe_run(p, call_mail_batch, &c, cancel_at_ms);
}

static void scenario_batch(probe_ctx *p)
{
    world_plan1(
        WORLD_SEND_EMAIL, NULL,
        (world_step){.latency_ms = MB_SEND_MS, .jitter_ms = MB_SEND_JITTER});
    for (int i = 0; i < MB_N; i++) {
        if (mb_bounces(i))
            world_plan1(WORLD_SEND_EMAIL, MB_TO[i],
                        WORLD_STEP_FAIL(MB_BOUNCE_MS, BounceError));
        if (mb_resets_once(i)) {
            world_step s[] = {
                WORLD_STEP_FAIL(MB_RESET_MS, TG_ConnectionError),
                WORLD_STEP_OK(MB_SEND_MS),
            };
            world_plan(WORLD_SEND_EMAIL, MB_TO[i], s, 2);
        }
    }
    world_step timeout_once[] = {
        WORLD_STEP_FAIL(MB_SERVER_TIMEOUT_MS, TG_TimeoutError),
        WORLD_STEP_OK(MB_SEND_MS),
    };
    world_plan(WORLD_SEND_EMAIL, MB_TO[MB_SERVER_TIMEOUT], timeout_once, 2);
    world_plan1(WORLD_SEND_EMAIL, MB_TO[MB_ALWAYS_RESET],
                WORLD_STEP_FAIL(MB_RESET_MS, TG_ConnectionError));
    world_step hang_once[] = {WORLD_STEP_HANG(), WORLD_STEP_OK(MB_SEND_MS)};
    world_plan(WORLD_SEND_EMAIL, MB_TO[MB_HANG], hang_once, 2);
    run_case(p, MB_N, CFG, 0);
}

static void scenario_slot_freed(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(MB_SF_MS));
    world_step reset_once[] = {
        WORLD_STEP_FAIL(MB_SF_MS, TG_ConnectionError),
        WORLD_STEP_OK(MB_SF_MS),
    };
    world_plan(WORLD_SEND_EMAIL, MB_TO[0], reset_once, 2);
    struct mailer_config cfg = CFG;
    cfg.limit = 1;
    run_case(p, 2, cfg, 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(MB_SEND_MS));
    world_plan1(WORLD_SEND_EMAIL, MB_TO[MB_BUG], WORLD_STEP_BUG(MB_BUG_MS));
    run_case(p, MB_SMALL_N, CFG, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(MB_SEND_MS));
    world_plan1(WORLD_SEND_EMAIL, MB_TO[1],
                WORLD_STEP_FAIL(MB_RESET_MS, TG_ConnectionError));
    run_case(p, MB_SMALL_N, CFG, MB_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"batch", scenario_batch},
    {"slot_freed", scenario_slot_freed},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
