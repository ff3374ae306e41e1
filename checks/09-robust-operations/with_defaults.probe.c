/*
 * with_defaults.probe.c -- the scenarios of 09-robust-operations/
 * with_defaults.  Each fills the database, plans db_get, calls the
 * learner's load_settings on zeroed settings, records the settings, what
 * came back, the error log and the call log, and frees the settings as
 * the caller would.
 */
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "with_defaults.h"
#include "with_defaults.scenario.h"
#include "world_probe.h"

/* The input of the call that raised ptr, or NULL. */
static const char *raised_by(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->error_obj == ptr)
            return world_call_at(i)->input;
    return NULL;
}

typedef struct leaves_ctx {
    probe_ctx *p;
    size_t n;
} leaves_ctx;

/* Records, for each leaf of what came back, the key whose load raised
 * it (null: not an error db_get raised). */
static void record_leaf(tg_error *leaf, void *ud)
{
    leaves_ctx *lc = ud;
    probe_obs_str(lc->p, probe_key(lc->p, "returned_from.%zu", lc->n++),
                  raised_by(leaf));
}

static void call_load(probe_ctx *p, void *arg)
{
    (void)arg;
    struct settings s = {NULL, NULL, NULL};
    tg_error *ret = load_settings(&s);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    leaves_ctx lc = {p, 0};
    if (ret)
        tg_error_foreach_leaf(ret, record_leaf, &lc);
    probe_obs_str(p, "settings.theme", s.theme);
    probe_obs_str(p, "settings.lang", s.lang);
    probe_obs_str(p, "settings.tz", s.tz);
    probe_obs_log(p, "log");
    probe_obs_calls(p, "calls");
    free(s.theme);
    free(s.lang);
    free(s.tz);
    tg_error_unref(ret);
}

static void setup(void)
{
    for (size_t i = 0; i < 3; i++) {
        world_db_put(WD_KEY[i], WD_VALUE[i]);
        world_plan1(WORLD_DB_GET, WD_KEY[i], WORLD_STEP_OK(WD_MS[i]));
    }
}

static void fail(const char *key, const tg_error_type *type)
{
    world_plan1(WORLD_DB_GET, key,
                (world_step){.latency_ms = WD_FAIL_MS,
                             .outcome = WORLD_ERROR,
                             .type = type});
}

static void scenario_all_ok(probe_ctx *p)
{
    setup();
    probe_run(p, call_load, NULL, 0);
}

static void scenario_reset_lang(probe_ctx *p)
{
    setup();
    fail("lang", &TG_ConnectionError);
    probe_run(p, call_load, NULL, 0);
}

static void scenario_corrupt_tz(probe_ctx *p)
{
    setup();
    fail("tz", &IntegrityError);
    probe_run(p, call_load, NULL, 0);
}

static void scenario_timeout_and_corrupt(probe_ctx *p)
{
    setup();
    fail("lang", &TG_TimeoutError);
    fail("tz", &IntegrityError);
    probe_run(p, call_load, NULL, 0);
}

static void scenario_bug(probe_ctx *p)
{
    setup();
    world_plan1(WORLD_DB_GET, "theme", WORLD_STEP_BUG(WD_FAIL_MS));
    probe_run(p, call_load, NULL, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    setup();
    probe_run(p, call_load, NULL, WD_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"all_ok", scenario_all_ok},
    {"reset_lang", scenario_reset_lang},
    {"corrupt_tz", scenario_corrupt_tz},
    {"timeout_and_corrupt", scenario_timeout_and_corrupt},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
