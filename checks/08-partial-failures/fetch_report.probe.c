/*
 * fetch_report.probe.c -- the scenarios of 08-partial-failures/
 * fetch_report.  Each plans the URL fetcher, calls the learner's
 * fetch_report on NULL bodies and URLs the probe owns (and scribbles over
 * once the call has returned), records the bodies, the failure group and
 * the call log, and frees them as the caller would.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch_report.h"
#include "fetch_report.scenario.h"
#include "probe.h"
#include "world_probe.h"

/* The input of the call whose error is ptr, or NULL. */
static const char *raised_by(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->error_obj == ptr)
            return world_call_at(i)->input;
    return NULL;
}

typedef struct fr_case {
    size_t n;
    char *bufs[FR_N];
    char *bodies[FR_N];
    tg_error *failures;
} fr_case;

static void call_fetch_report(probe_ctx *p, void *arg)
{
    fr_case *c = arg;
    for (size_t i = 0; i < c->n; i++)
        c->bufs[i] = copy_str(FR_URL[i]);
    tg_error *ret = fetch_report((const char *const *)c->bufs, c->n, c->bodies,
                                 &c->failures);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    for (size_t i = 0; i < c->n; i++)
        memset(c->bufs[i], '#', strlen(c->bufs[i]));
    for (size_t i = 0; i < c->n; i++) {
        bool is_error = raised_by(c->bodies[i]) != NULL;
        probe_obs_str(p, probe_key(p, "bodies.%zu", i),
                      is_error ? "(an error object)" : c->bodies[i]);
    }
    probe_obs_error(p, "failures", c->failures);
    /* For each member of the group, the URL whose fetch raised it. */
    for (size_t j = 0; j < tg_error_group_count(c->failures); j++)
        probe_obs_str(p, probe_key(p, "failure_urls.%zu", j),
                      raised_by(tg_error_group_at(c->failures, j)));
    probe_obs_calls(p, "calls");
    for (size_t i = 0; i < c->n; i++) {
        if (raised_by(c->bodies[i]))
            tg_error_unref((tg_error *)(void *)c->bodies[i]);
        else
            free(c->bodies[i]);
        free(c->bufs[i]);
    }
    tg_error_unref(c->failures);
    tg_error_unref(ret);
}

static void run(probe_ctx *p, size_t n, uint64_t cancel_at)
{
    static fr_case c;
    c.n = n;
    probe_run(p, call_fetch_report, &c, cancel_at);
}

/* Every URL answers after its latency; then p1 fails with a 404 and p3's
 * connection is reset (a later plan replaces an earlier one). */
static void plan_failures(void)
{
    for (size_t i = 0; i < FR_N; i++)
        world_plan1(WORLD_FETCH_URL, FR_URL[i], WORLD_STEP_OK(FR_MS[i]));
    world_plan1(WORLD_FETCH_URL, FR_URL[FR_404],
                WORLD_STEP_FAIL(FR_MS[FR_404], HTTPError));
    world_plan1(WORLD_FETCH_URL, FR_URL[FR_RESET],
                WORLD_STEP_FAIL(FR_MS[FR_RESET], TG_ConnectionError));
}

static void scenario_decreasing(probe_ctx *p)
{
    plan_failures();
    run(p, FR_N, 0);
}

static void scenario_all_ok(probe_ctx *p)
{
    for (size_t i = 0; i < FR_ALL_OK_N; i++)
        world_plan1(WORLD_FETCH_URL, FR_URL[i], WORLD_STEP_OK(FR_MS[i]));
    run(p, FR_ALL_OK_N, 0);
}

static void scenario_bug(probe_ctx *p)
{
    plan_failures();
    world_plan1(WORLD_FETCH_URL, FR_URL[FR_BUG], WORLD_STEP_BUG(FR_MS[FR_BUG]));
    run(p, FR_N, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    plan_failures();
    run(p, FR_N, FR_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"decreasing", scenario_decreasing},
    {"all_ok", scenario_all_ok},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
