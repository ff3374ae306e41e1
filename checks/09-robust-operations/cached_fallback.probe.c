/*
 * cached_fallback.probe.c -- the scenarios of 09-robust-operations/
 * cached_fallback.  Each plans the profile service and the cache, calls
 * the learner's get_profile, records the profile, what came back, the
 * error log and the call log, and frees them as the caller would.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cached_fallback.h"
#include "cached_fallback.scenario.h"
#include "probe.h"
#include "world_probe.h"

/* The service and input of the call that raised ptr, or NULL. */
static const world_call *raised_by(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->error_obj == ptr)
            return world_call_at(i);
    return NULL;
}

static char unset_mark; /* *profile before the call */

static void call_get_profile(probe_ctx *p, void *arg)
{
    const char *user = arg;
    char *profile = &unset_mark;
    tg_error *ret = get_profile(user, &profile);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    const world_call *c = raised_by(ret);
    probe_obs_str(p, "returned_from",
                  c ? world_service_name(c->service) : NULL);
    probe_obs_bool(p, "profile_unset", profile == &unset_mark);
    if (profile == &unset_mark)
        profile = NULL;
    probe_obs_str(p, "profile", profile);
    probe_obs_log(p, "log");
    probe_obs_calls(p, "calls");
    free(profile);
    tg_error_unref(ret);
}

static void plan(const char *user, world_step fetch, bool cached,
                 uint64_t cache_ms)
{
    char url[128], key[128], copy[128];
    snprintf(url, sizeof url, CF_URL_PREFIX "%s", user);
    snprintf(key, sizeof key, CF_KEY_PREFIX "%s", user);
    snprintf(copy, sizeof copy, CF_CACHED_PREFIX "%s", user);
    world_plan1(WORLD_FETCH_URL, url, fetch);
    world_plan1(WORLD_DB_GET, key, WORLD_STEP_OK(cache_ms));
    if (cached)
        world_db_put(key, copy);
}

static void scenario_ok(probe_ctx *p)
{
    plan("ann", WORLD_STEP_OK(CF_FETCH_MS), true, CF_CACHE_MS);
    probe_run(p, call_get_profile, "ann", 0);
}

static void scenario_not_found(probe_ctx *p)
{
    plan("bob", WORLD_STEP_FAIL(CF_FAIL_MS, HTTPError), true, CF_CACHE_MS);
    probe_run(p, call_get_profile, "bob", 0);
}

static void scenario_reset_hit(probe_ctx *p)
{
    plan("carol", WORLD_STEP_FAIL(CF_FAIL_MS, TG_ConnectionError), true,
         CF_CACHE_MS);
    probe_run(p, call_get_profile, "carol", 0);
}

static void scenario_timeout_hit(probe_ctx *p)
{
    plan("dan", WORLD_STEP_FAIL(CF_FAIL_MS, TG_TimeoutError), true,
         CF_CACHE_MS);
    probe_run(p, call_get_profile, "dan", 0);
}

static void scenario_reset_miss(probe_ctx *p)
{
    plan("erin", WORLD_STEP_FAIL(CF_FAIL_MS, TG_ConnectionError), false,
         CF_CACHE_MS);
    probe_run(p, call_get_profile, "erin", 0);
}

static void scenario_bug(probe_ctx *p)
{
    plan("finn", WORLD_STEP_BUG(CF_FAIL_MS), true, CF_CACHE_MS);
    probe_run(p, call_get_profile, "finn", 0);
}

static void scenario_cancel(probe_ctx *p)
{
    plan("gina", WORLD_STEP_OK(50), true, CF_CACHE_MS);
    probe_run(p, call_get_profile, "gina", CF_CANCEL_MS);
}

static void scenario_cancel_in_cache(probe_ctx *p)
{
    plan("hugo", WORLD_STEP_FAIL(10, TG_ConnectionError), true, 50);
    probe_run(p, call_get_profile, "hugo", CF_CANCEL_IN_CACHE_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"ok", scenario_ok},
    {"not_found", scenario_not_found},
    {"reset_hit", scenario_reset_hit},
    {"timeout_hit", scenario_timeout_hit},
    {"reset_miss", scenario_reset_miss},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {"cancel_in_cache", scenario_cancel_in_cache},
    {NULL, NULL},
};
