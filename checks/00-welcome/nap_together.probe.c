/*
 * nap_together.probe.c -- the scenarios of 00-welcome/nap_together.  Each
 * one calls the learner's nap_together and records when it returned, what
 * it returned, and how many tasks it spawned.
 */
#include "nap_together.h"
#include "nap_together.scenario.h"
#include "probe.h"

typedef struct nap_case {
    uint64_t a, b;
} nap_case;

static void call_nap_together(probe_ctx *p, void *arg)
{
    nap_case *c = arg;
    tg_stats before, after;
    tg_get_stats(&before);
    tg_error *ret = nap_together(c->a, c->b);
    probe_obs_now(p, "returned_at");
    tg_get_stats(&after);
    probe_obs_error(p, "returned", ret);
    probe_obs_int(p, "tasks_spawned",
                  (long long)(after.tasks_spawned - before.tasks_spawned));
    tg_error_unref(ret); /* the caller's, by the contract */
}

static void run_case(probe_ctx *p, uint64_t a, uint64_t b, uint64_t cancel_at)
{
    static nap_case c;
    c = (nap_case){a, b};
    probe_obs_int(p, "a_ms", (long long)a);
    probe_obs_int(p, "b_ms", (long long)b);
    probe_run(p, call_nap_together, &c, cancel_at);
}

static void scenario_naps(probe_ctx *p)
{
    run_case(p, NAP_A, NAP_B, 0);
}

static void scenario_longer_first(probe_ctx *p)
{
    run_case(p, NAP_LONG, NAP_SHORT, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    run_case(p, NAP_A, NAP_B, NAP_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"naps", scenario_naps},
    {"longer_first", scenario_longer_first},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
