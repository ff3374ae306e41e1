/*
 * backoff_delay.probe.c -- the scenarios of 11-retries-with-backoff/
 * backoff_delay.  Each calls the learner's backoff_delay for a list of
 * attempts inside a run with the probe's seed and records the delays.
 *
 * The doubling scenario also records two facts about the seed, from runs
 * of their own: the delays of a second run with the same seed, and the
 * numbers tg_random_below(base) draws in a fresh run with that seed --
 * what a single draw per call would give as jitter.
 */
#include "backoff_delay.h"
#include "backoff_delay.scenario.h"
#include "probe.h"

typedef struct bd_case {
    const unsigned *attempts;
    size_t n;
    uint64_t base, cap;
    const char *key; /* where the delays go */
    probe_ctx *p;
} bd_case;

static void record_delays(probe_ctx *p, bd_case *c)
{
    for (size_t i = 0; i < c->n; i++) {
        uint64_t d = backoff_delay(c->attempts[i], c->base, c->cap);
        probe_obs_int(p, probe_key(p, "%s.%zu", c->key, i), (long long)d);
    }
}

static void call_backoff(probe_ctx *p, void *arg)
{
    record_delays(p, arg);
}

/* Another run with the same seed, outside probe_run's accounting. */
static tg_result again_main(void *arg)
{
    bd_case *c = arg;
    record_delays(c->p, c);
    return tg_return(NULL);
}

static tg_result draws_main(void *arg)
{
    bd_case *c = arg;
    for (size_t i = 0; i < c->n; i++)
        probe_obs_int(c->p, probe_key(c->p, "draws.%zu", i),
                      (long long)tg_random_below(c->base));
    return tg_return(NULL);
}

static void run_seeded(probe_ctx *p, tg_fn fn, bd_case *c)
{
    tg_options opts = {.virtual_time = true, .seed = p->seed};
    tg_result r = tg_run(fn, c, &opts);
    tg_error_unref(r.error);
}

static void scenario_doubling(probe_ctx *p)
{
    static unsigned attempts[BD_DOUBLING_N];
    for (unsigned i = 0; i < BD_DOUBLING_N; i++)
        attempts[i] = i;
    bd_case c = {attempts,        BD_DOUBLING_N, BD_DOUBLING_BASE,
                 BD_DOUBLING_CAP, "delays",      p};
    probe_run(p, call_backoff, &c, 0);
    c.key = "again";
    run_seeded(p, again_main, &c);
    run_seeded(p, draws_main, &c);
}

static void scenario_capped(probe_ctx *p)
{
    static unsigned attempts[BD_CAPPED_N];
    for (unsigned i = 0; i < BD_CAPPED_N; i++)
        attempts[i] = i;
    bd_case c = {attempts,      BD_CAPPED_N, BD_CAPPED_BASE,
                 BD_CAPPED_CAP, "delays",    p};
    probe_run(p, call_backoff, &c, 0);
}

static void scenario_huge(probe_ctx *p)
{
    bd_case c = {BD_HUGE_ATTEMPTS, BD_HUGE_N, BD_HUGE_BASE,
                 BD_HUGE_CAP,      "delays",  p};
    probe_run(p, call_backoff, &c, 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"doubling", scenario_doubling},
    {"capped", scenario_capped},
    {"huge", scenario_huge},
    {NULL, NULL},
};
