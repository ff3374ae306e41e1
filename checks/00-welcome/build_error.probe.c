/*
 * build_error.probe.c -- the scenarios of 00-welcome/build_error.  Each
 * one calls the learner's build_error, records the error it made, then
 * releases it once, as the contract says the caller does, and records how
 * many error objects were still alive afterwards.
 */
#include <stdio.h>
#include <string.h>

#include "build_error.h"
#include "build_error.scenario.h"
#include "probe.h"

typedef struct build_case {
    char to[64]; /* the probe's own buffer, overwritten after the call */
    int attempts;
} build_case;

static void call_build_error(probe_ctx *p, void *arg)
{
    build_case *c = arg;
    size_t live_before = tg_error_live_count();
    tg_error *ret = build_error(c->to, c->attempts);
    memset(c->to, 'x', sizeof c->to - 1);
    probe_obs_error(p, "returned", ret);
    tg_error_unref(ret); /* the one release the contract promises */
    probe_obs_int(p, "alive_after_release",
                  (long long)tg_error_live_count() - (long long)live_before);
}

static void run_case(probe_ctx *p, const char *to, int attempts)
{
    static build_case c;
    snprintf(c.to, sizeof c.to, "%s", to);
    c.attempts = attempts;
    probe_obs_str(p, "to", to);
    probe_obs_int(p, "attempts", attempts);
    probe_run(p, call_build_error, &c, 0);
}

static void scenario_ann(probe_ctx *p)
{
    run_case(p, BE_ANN, BE_ANN_ATTEMPTS);
}

static void scenario_other(probe_ctx *p)
{
    run_case(p, BE_BOB, 4 + (int)(p->seed % 8));
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"ann", scenario_ann},
    {"other", scenario_other},
    {NULL, NULL},
};
