/*
 * safe_fetch.probe.c -- the scenarios of 03-catch-what-you-expect/
 * safe_fetch.  Each one plans one fetch, fills the record with a byte
 * pattern, calls the learner's safe_fetch, and records what it returned,
 * whether the record was touched, the record's fields, and whether the
 * errors seen are the very objects fetch_url handed out.
 */
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "safe_fetch.h"
#include "safe_fetch.scenario.h"
#include "world_probe.h"

static char url_buf[64]; /* the URL safe_fetch is given */

/* True when the bytes of field still hold the pattern. */
static bool untouched(const void *field, size_t size)
{
    const unsigned char *b = field;
    for (size_t i = 0; i < size; i++)
        if (b[i] != SF_PATTERN)
            return false;
    return true;
}
#define UNTOUCHED(f) untouched(&(f), sizeof(f))

/* The error the one fetch_url call handed out (identity only). */
static const void *service_error(void)
{
    const world_call *c = world_call_at(0);
    return c ? c->error_obj : NULL;
}

static void call_safe_fetch(probe_ctx *p, void *arg)
{
    (void)arg;
    struct fetch_slot out;
    memset(&out, SF_PATTERN, sizeof out);
    tg_error *ret = safe_fetch(url_buf, &out);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_bool(p, "returned_is_services",
                   ret != NULL && ret == service_error());
    probe_obs_bool(p, "out_untouched", UNTOUCHED(out));
    /* Each field, unless it still holds the pattern ("untouched"). */
    probe_obs_bool(p, "out.url_untouched", UNTOUCHED(out.url));
    if (!UNTOUCHED(out.url)) {
        probe_obs_str(p, "out.url", out.url);
        probe_obs_bool(p, "out.url_is_input", out.url == url_buf);
    }
    unsigned char ok_byte;
    memcpy(&ok_byte, &out.ok, 1);
    probe_obs_bool(p, "out.ok_untouched", ok_byte == SF_PATTERN);
    probe_obs_bool(p, "out.ok", ok_byte != 0 && ok_byte != SF_PATTERN);
    probe_obs_bool(p, "out.body_untouched", UNTOUCHED(out.body));
    if (!UNTOUCHED(out.body))
        probe_obs_str(p, "out.body", out.body);
    probe_obs_bool(p, "out.error_untouched", UNTOUCHED(out.error));
    if (!UNTOUCHED(out.error)) {
        probe_obs_error(p, "out.error", out.error);
        probe_obs_bool(p, "out.error_is_services",
                       out.error != NULL && out.error == service_error());
    }
    probe_obs_calls(p, "calls");
    /* What the contract gives the caller: the record's body and error
     * when they were written, and the returned error. */
    if (!UNTOUCHED(out.body))
        free(out.body);
    if (!UNTOUCHED(out.error))
        tg_error_unref(out.error);
    tg_error_unref(ret);
}

static void run_one(probe_ctx *p, world_step step, uint64_t cancel_at_ms)
{
    strcpy(url_buf, SF_URL);
    world_plan1(WORLD_FETCH_URL, SF_URL, step);
    probe_run(p, call_safe_fetch, NULL, cancel_at_ms);
}

static world_step bug(const tg_error_type *type)
{
    return (world_step){
        .latency_ms = SF_BUG_MS, .outcome = WORLD_BUG, .type = type};
}

static void scenario_not_found(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(SF_NOT_FOUND_MS, HTTPError), 0);
}

static void scenario_reset(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(SF_RESET_MS, TG_ConnectionError), 0);
}

static void scenario_timeout(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(SF_TIMEOUT_MS, TG_TimeoutError), 0);
}

static void scenario_success(probe_ctx *p)
{
    run_one(p, WORLD_STEP_OK(SF_OK_MS), 0);
}

static void scenario_value_bug(probe_ctx *p)
{
    run_one(p, bug(&TG_ValueError), 0);
}

static void scenario_key_bug(probe_ctx *p)
{
    run_one(p, bug(&TG_KeyError), 0);
}

static void scenario_cancel(probe_ctx *p)
{
    run_one(p, WORLD_STEP_OK(SF_SLOW_MS), SF_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"not_found", scenario_not_found},
    {"reset", scenario_reset},
    {"timeout", scenario_timeout},
    {"success", scenario_success},
    {"value_bug", scenario_value_bug},
    {"key_bug", scenario_key_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
