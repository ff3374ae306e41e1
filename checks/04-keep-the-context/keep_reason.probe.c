/*
 * keep_reason.probe.c -- the scenarios of 04-keep-the-context/keep_reason.
 * Each one plans one send, calls the learner's keep_reason with the
 * address in a buffer of the probe's, reuses that buffer for the next
 * address right after the call, records what the record then holds, and
 * releases the record with the learner's send_record_free.
 */
#include <string.h>

#include "keep_reason.h"
#include "keep_reason.scenario.h"
#include "probe.h"
#include "world_probe.h"

static char to_buf[64]; /* the caller's address buffer */

static bool untouched(const void *field, size_t size)
{
    const unsigned char *b = field;
    for (size_t i = 0; i < size; i++)
        if (b[i] != KR_PATTERN)
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

static void call_keep_reason(probe_ctx *p, void *arg)
{
    (void)arg;
    struct send_record out;
    memset(&out, KR_PATTERN, sizeof out);
    tg_error *ret = keep_reason(to_buf, &out);
    strcpy(to_buf, KR_NEXT); /* the caller moves on to the next address */
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_bool(p, "returned_is_services",
                   ret != NULL && ret == service_error());
    bool written = !UNTOUCHED(out);
    probe_obs_bool(p, "out_untouched", !written);
    if (written) {
        unsigned char ok_byte;
        memcpy(&ok_byte, &out.ok, 1);
        probe_obs_bool(p, "out.ok", ok_byte != 0 && ok_byte != KR_PATTERN);
        probe_obs_bool(p, "out.to_untouched", UNTOUCHED(out.to));
        if (!UNTOUCHED(out.to)) {
            probe_obs_str(p, "out.to", out.to);
            probe_obs_bool(p, "out.to_is_buffer", out.to == to_buf);
        }
        probe_obs_bool(p, "out.receipt_untouched", UNTOUCHED(out.receipt));
        if (!UNTOUCHED(out.receipt))
            probe_obs_str(p, "out.receipt", out.receipt);
        probe_obs_bool(p, "out.error_untouched", UNTOUCHED(out.error));
        if (!UNTOUCHED(out.error)) {
            probe_obs_error(p, "out.error", out.error);
            probe_obs_bool(p, "out.error_is_services",
                           out.error != NULL && out.error == service_error());
        }
    }
    probe_obs_calls(p, "calls");
    /* What the contract gives the caller: a record filled by keep_reason
     * is released with send_record_free; a returned error is ours. */
    if (written && ret == NULL && !UNTOUCHED(out.to) &&
        !UNTOUCHED(out.receipt) && !UNTOUCHED(out.error))
        send_record_free(&out);
    tg_error_unref(ret);
}

static void run_one(probe_ctx *p, const char *to, world_step step,
                    uint64_t cancel_at_ms)
{
    strcpy(to_buf, to);
    world_plan1(WORLD_SEND_EMAIL, to, step);
    probe_run(p, call_keep_reason, NULL, cancel_at_ms);
}

static void scenario_bounce(probe_ctx *p)
{
    run_one(p, KR_BOUNCE_TO, WORLD_STEP_FAIL(KR_BOUNCE_MS, BounceError), 0);
}

static void scenario_success(probe_ctx *p)
{
    run_one(p, KR_OK_TO, WORLD_STEP_OK(KR_OK_MS), 0);
}

static void scenario_bug(probe_ctx *p)
{
    run_one(p, KR_BUG_TO, WORLD_STEP_BUG(KR_BUG_MS), 0);
}

static void scenario_cancel(probe_ctx *p)
{
    run_one(p, KR_SLOW_TO, WORLD_STEP_OK(KR_SLOW_MS), KR_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"bounce", scenario_bounce},
    {"success", scenario_success},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
