/*
 * fetch_all.probe.c -- the scenarios of 08-partial-failures/fetch_all.
 * Each plans the URL fetcher, calls the learner's fetch_all on zeroed
 * outcomes and URLs the probe owns (and scribbles over once the call has
 * returned), records every outcome and the call log, and frees the
 * outcomes as the caller would.
 *
 * The world's call log tells a page it delivered from an error it raised,
 * so a pointer stored in the wrong field is recorded as such and freed as
 * what it is, never dereferenced as the wrong type.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch_all.h"
#include "fetch_all.scenario.h"
#include "probe.h"
#include "world_probe.h"

static bool delivered(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->value_obj == ptr)
            return true;
    return false;
}

static bool raised(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->error_obj == ptr)
            return true;
    return false;
}

/* True when ptr is the error fetch_url raised for url. */
static bool raised_for(const void *ptr, const char *url)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++) {
        const world_call *c = world_call_at(i);
        if (c->error_obj == ptr && c->input && strcmp(c->input, url) == 0)
            return true;
    }
    return false;
}

typedef struct fa_case {
    const char *const *urls;
    char *bufs[FA_N]; /* the probe's copies of the URLs */
    struct fetch_outcome outs[FA_N];
} fa_case;

static void record_outcome(probe_ctx *p, fa_case *c, size_t i)
{
    const struct fetch_outcome *o = &c->outs[i];
    bool body_is_error = raised(o->body);
    bool error_is_body = delivered(o->error);
    probe_obs_int(p, probe_key(p, "outs.%zu.status", i), (long long)o->status);
    probe_obs_str(p, probe_key(p, "outs.%zu.body", i),
                  body_is_error ? NULL : o->body);
    probe_obs_bool(p, probe_key(p, "outs.%zu.body_is_error", i), body_is_error);
    probe_obs_error(p, probe_key(p, "outs.%zu.error", i),
                    error_is_body ? NULL : o->error);
    probe_obs_bool(p, probe_key(p, "outs.%zu.error_is_body", i), error_is_body);
    probe_obs_bool(p, probe_key(p, "outs.%zu.error_from_service", i),
                   raised_for(o->error, c->urls[i]));
    probe_obs_str(p, probe_key(p, "outs.%zu.url", i), o->url);
    probe_obs_bool(p, probe_key(p, "outs.%zu.url_borrowed", i),
                   o->url != NULL && o->url == c->bufs[i]);
}

/* Frees outs[i] as the caller does, each pointer as what it is. */
static void free_outcome(fa_case *c, size_t i)
{
    struct fetch_outcome *o = &c->outs[i];
    if (raised(o->body))
        tg_error_unref((tg_error *)(void *)o->body);
    else
        free(o->body);
    if (delivered(o->error))
        free(o->error);
    else
        tg_error_unref(o->error);
    if (o->url != c->bufs[i])
        free(o->url);
}

static void call_fetch_all(probe_ctx *p, void *arg)
{
    fa_case *c = arg;
    for (size_t i = 0; i < FA_N; i++)
        c->bufs[i] = copy_str(c->urls[i]);
    tg_error *ret = fetch_all((const char *const *)c->bufs, FA_N, c->outs);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    for (size_t i = 0; i < FA_N; i++)
        memset(c->bufs[i], '#', strlen(c->bufs[i]));
    for (size_t i = 0; i < FA_N; i++)
        record_outcome(p, c, i);
    probe_obs_calls(p, "calls");
    for (size_t i = 0; i < FA_N; i++) {
        free_outcome(c, i);
        free(c->bufs[i]);
    }
    tg_error_unref(ret);
}

static void plan(const char *const *urls, const unsigned *ms)
{
    for (size_t i = 0; i < FA_N; i++)
        world_plan1(WORLD_FETCH_URL, urls[i], WORLD_STEP_OK(ms[i]));
}

static void run(probe_ctx *p, const char *const *urls, uint64_t cancel_at)
{
    static fa_case c;
    c.urls = urls;
    probe_run(p, call_fetch_all, &c, cancel_at);
}

static void scenario_fast_failure(probe_ctx *p)
{
    plan(FA_URL, FA_MS);
    world_plan1(WORLD_FETCH_URL, FA_URL[FA_FAILED],
                WORLD_STEP_FAIL(FA_MS[FA_FAILED], HTTPError));
    run(p, FA_URL, 0);
}

static void scenario_reverse(probe_ctx *p)
{
    plan(FA_REV_URL, FA_REV_MS);
    world_plan1(WORLD_FETCH_URL, FA_REV_URL[FA_REV_FAILED],
                WORLD_STEP_FAIL(FA_REV_MS[FA_REV_FAILED], TG_ConnectionError));
    run(p, FA_REV_URL, 0);
}

static void scenario_bug(probe_ctx *p)
{
    plan(FA_URL, FA_MS);
    world_plan1(WORLD_FETCH_URL, FA_URL[FA_FAILED],
                WORLD_STEP_FAIL(FA_MS[FA_FAILED], HTTPError));
    world_plan1(WORLD_FETCH_URL, FA_URL[FA_BUG], WORLD_STEP_BUG(FA_BUG_MS));
    run(p, FA_URL, 0);
}

static void scenario_cancel(probe_ctx *p)
{
    plan(FA_URL, FA_MS);
    world_plan1(WORLD_FETCH_URL, FA_URL[FA_FAILED],
                WORLD_STEP_FAIL(FA_MS[FA_FAILED], HTTPError));
    run(p, FA_URL, FA_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"fast_failure", scenario_fast_failure},
    {"reverse", scenario_reverse},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
