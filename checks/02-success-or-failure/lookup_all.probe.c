/*
 * lookup_all.probe.c -- the scenarios of 02-success-or-failure/lookup_all.
 * Each one fills and plans the database, calls the learner's lookup_all
 * on fresh slots (ok set to true beforehand, as a reused slot may have
 * it) and records the returned error, every slot and the call log.
 */
#include <stdlib.h>
#include <string.h>

#include "lookup_all.h"
#include "lookup_all.scenario.h"
#include "probe.h"
#include "world_probe.h"

static struct lookup_slot slots[LA_N];

/* The error the last call for input handed out (identity only), or NULL. */
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

static void call_lookup_all(probe_ctx *p, void *arg)
{
    (void)arg;
    tg_error *ret = lookup_all(slots, LA_N);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    for (size_t i = 0; i < LA_N; i++) {
        struct lookup_slot *s = &slots[i];
        probe_obs_str(p, probe_key(p, "slots.%zu.key", i), s->key);
        probe_obs_bool(p, probe_key(p, "slots.%zu.ok", i), s->ok);
        probe_obs_str(p, probe_key(p, "slots.%zu.value", i), s->value);
        probe_obs_error(p, probe_key(p, "slots.%zu.error", i), s->error);
        probe_obs_bool(p, probe_key(p, "slots.%zu.error_is_services", i),
                       s->error != NULL &&
                           s->error == service_error(LA_KEYS[i]));
    }
    probe_obs_calls(p, "calls");
    /* What lookup_all's contract gives the caller. */
    for (size_t i = 0; i < LA_N; i++) {
        free(slots[i].value);
        tg_error_unref(slots[i].error);
    }
    tg_error_unref(ret);
}

static void plan_nicks(void)
{
    world_plan1(WORLD_DB_GET, NULL,
                (world_step){.latency_ms = LA_LATENCY, .jitter_ms = LA_JITTER});
    world_db_put(LA_KEYS[LA_ANN], LA_ANN_VALUE);
    world_db_put(LA_KEYS[LA_BOB], LA_BOB_VALUE);
    world_plan1(WORLD_DB_GET, LA_KEYS[LA_DAN],
                WORLD_STEP_FAIL(LA_RESET_MS, TG_ConnectionError));
    world_plan1(WORLD_DB_GET, LA_KEYS[LA_EVE],
                WORLD_STEP_FAIL(LA_TIMEOUT_MS, TG_TimeoutError));
}

static void run_case(probe_ctx *p, uint64_t cancel_at_ms)
{
    for (size_t i = 0; i < LA_N; i++)
        slots[i] = (struct lookup_slot){.key = LA_KEYS[i], .ok = true};
    probe_run(p, call_lookup_all, NULL, cancel_at_ms);
}

static void scenario_nicks(probe_ctx *p)
{
    plan_nicks();
    run_case(p, 0);
}

static void scenario_bug(probe_ctx *p)
{
    plan_nicks();
    world_plan1(WORLD_DB_GET, LA_KEYS[LA_BOB], WORLD_STEP_BUG(LA_BUG_MS));
    run_case(p, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    plan_nicks();
    run_case(p, LA_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"nicks", scenario_nicks},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
