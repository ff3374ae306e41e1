/*
 * safe_send.probe.c -- the scenarios of 03-catch-what-you-expect/
 * safe_send.  Each one plans one send, fills the record with a byte
 * pattern, calls the learner's safe_send, and records what it returned,
 * whether the record was touched, the record's fields, and whether the
 * errors seen are the very objects send_email handed out.
 */
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "safe_send.h"
#include "safe_send.scenario.h"
#include "world_probe.h"

static char to_buf[64]; /* the address safe_send is given */

/* True when the bytes of field still hold the pattern. */
static bool untouched(const void *field, size_t size)
{
    const unsigned char *b = field;
    for (size_t i = 0; i < size; i++)
        if (b[i] != SS_PATTERN)
            return false;
    return true;
}
#define UNTOUCHED(f) untouched(&(f), sizeof(f))

/* The error the one send_email call handed out (identity only). */
static const void *service_error(void)
{
    const world_call *c = world_call_at(0);
    return c ? c->error_obj : NULL;
}

static void call_safe_send(probe_ctx *p, void *arg)
{
    (void)arg;
    struct send_slot out;
    memset(&out, SS_PATTERN, sizeof out);
    tg_error *ret = safe_send(to_buf, &out);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_bool(p, "returned_is_services",
                   ret != NULL && ret == service_error());
    probe_obs_bool(p, "out_untouched", UNTOUCHED(out));
    /* Each field, unless it still holds the pattern ("untouched"). */
    probe_obs_bool(p, "out.to_untouched", UNTOUCHED(out.to));
    if (!UNTOUCHED(out.to)) {
        probe_obs_str(p, "out.to", out.to);
        probe_obs_bool(p, "out.to_is_input", out.to == to_buf);
    }
    unsigned char ok_byte;
    memcpy(&ok_byte, &out.ok, 1);
    probe_obs_bool(p, "out.ok_untouched", ok_byte == SS_PATTERN);
    probe_obs_bool(p, "out.ok", ok_byte != 0 && ok_byte != SS_PATTERN);
    probe_obs_bool(p, "out.receipt_untouched", UNTOUCHED(out.receipt));
    if (!UNTOUCHED(out.receipt))
        probe_obs_str(p, "out.receipt", out.receipt);
    probe_obs_bool(p, "out.error_untouched", UNTOUCHED(out.error));
    if (!UNTOUCHED(out.error)) {
        probe_obs_error(p, "out.error", out.error);
        probe_obs_bool(p, "out.error_is_services",
                       out.error != NULL && out.error == service_error());
    }
    probe_obs_calls(p, "calls");
    /* What the contract gives the caller: the record's receipt and error
     * when they were written, and the returned error. */
    if (!UNTOUCHED(out.receipt))
        free(out.receipt);
    if (!UNTOUCHED(out.error))
        tg_error_unref(out.error);
    tg_error_unref(ret);
}

static void run_one(probe_ctx *p, world_step step, uint64_t cancel_at_ms)
{
    strcpy(to_buf, SS_TO);
    world_plan1(WORLD_SEND_EMAIL, SS_TO, step);
    probe_run(p, call_safe_send, NULL, cancel_at_ms);
}

static void scenario_bounce(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(SS_BOUNCE_MS, BounceError), 0);
}

static void scenario_mailbox_full(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL_MSG(SS_FULL_MS, EmailError, SS_FULL_MESSAGE), 0);
}

static void scenario_timeout(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(SS_TIMEOUT_MS, TG_TimeoutError), 0);
}

static void scenario_reset(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(SS_RESET_MS, TG_ConnectionError), 0);
}

static void scenario_success(probe_ctx *p)
{
    run_one(p, WORLD_STEP_OK(SS_OK_MS), 0);
}

static void scenario_bug(probe_ctx *p)
{
    run_one(p, WORLD_STEP_BUG(SS_BUG_MS), 0);
}

static void scenario_cancel(probe_ctx *p)
{
    run_one(p, WORLD_STEP_OK(SS_SLOW_MS), SS_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"bounce", scenario_bounce},
    {"mailbox_full", scenario_mailbox_full},
    {"timeout", scenario_timeout},
    {"reset", scenario_reset},
    {"success", scenario_success},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
