/*
 * settle_payments.probe.c -- the scenarios of 07-except-star/
 * settle_payments.  Each builds the error a batch of payments raised,
 * records it, hands it to the learner's settle_payments and records what
 * propagated and what was logged.
 *
 * settle_payments takes raised.  The probe keeps an extra reference of
 * its own, so that it can tell afterwards whether raised was released
 * exactly once.
 */
#include <string.h>

#include "probe.h"
#include "settle_payments.h"
#include "settle_payments.scenario.h"
#include "world_probe.h"

/* A group of n errors, handing over the caller's references to them. */
static tg_error *group_of(const char *msg, const char *note, tg_error **errs,
                          size_t n)
{
    tg_error *g = tg_error_group_new(msg, errs, n);
    for (size_t i = 0; i < n; i++)
        tg_error_unref(errs[i]);
    if (note)
        tg_error_add_note(g, "%s", note);
    return g;
}

static tg_error *leaf(const tg_error_type *type, const char *msg)
{
    return tg_error_new(type, "%s", msg);
}

static tg_error *build(const char *which)
{
    if (strcmp(which, "mixed") == 0) {
        tg_error *retries[] = {
            leaf(&PaymentDeclined, SP_DECLINED_2),
            leaf(&IntegrityError, SP_CORRUPT_3),
        };
        tg_error *top[] = {
            leaf(&TG_TimeoutError, SP_TIMEOUT),
            leaf(&PaymentDeclined, SP_DECLINED_1),
            group_of(SP_RETRIES, NULL, retries, 2),
            leaf(&IntegrityError, SP_CORRUPT_5),
        };
        return group_of(SP_TOP, SP_TOP_NOTE, top, 4);
    }
    if (strcmp(which, "declines_only") == 0) {
        tg_error *retries[] = {leaf(&PaymentDeclined, SP_DECLINED_2)};
        tg_error *top[] = {
            leaf(&PaymentDeclined, SP_DECLINED_1),
            group_of(SP_RETRIES, NULL, retries, 1),
        };
        return group_of(SP_TOP, SP_TOP_NOTE, top, 2);
    }
    if (strcmp(which, "timeouts_only") == 0) {
        tg_error *top[] = {
            leaf(&TG_TimeoutError, SP_TIMEOUT),
            leaf(&TG_TimeoutError, SP_TIMEOUT),
        };
        return group_of(SP_TOP, NULL, top, 2);
    }
    if (strcmp(which, "integrity_only") == 0) {
        tg_error *top[] = {
            leaf(&TG_TimeoutError, SP_TIMEOUT),
            leaf(&IntegrityError, SP_CORRUPT_3),
            leaf(&IntegrityError, SP_CORRUPT_5),
        };
        return group_of(SP_TOP, NULL, top, 3);
    }
    /* bug_and_cancel */
    tg_error *top[] = {
        leaf(&PaymentDeclined, SP_DECLINED_1),
        leaf(&TG_TypeError, SP_BUG),
        leaf(&TG_CancelledError, SP_CANCEL),
    };
    return group_of(SP_TOP, NULL, top, 3);
}

static size_t count_nodes(const tg_error *e)
{
    size_t n = 1;
    for (size_t i = 0; i < tg_error_group_count(e); i++)
        n += count_nodes(tg_error_group_at(e, i));
    return n;
}

static void call_settle(probe_ctx *p, void *arg)
{
    size_t live_before = tg_error_live_count();
    tg_error *raised = build(arg);
    size_t nodes = count_nodes(raised);
    probe_obs_error(p, "raised", raised);
    tg_error_ref(raised); /* the probe's own, see above */

    tg_error *rest = settle_payments(raised);
    probe_obs_error(p, "propagated", rest);
    probe_obs_log(p, "log");
    tg_error_unref(rest);

    /* Only the probe's reference should be left on raised now. */
    bool alive = tg_error_live_count() >= live_before + nodes;
    probe_obs_bool(p, "raised_released_twice", !alive);
    if (alive)
        tg_error_unref(raised);
    probe_obs_bool(p, "raised_kept", tg_error_live_count() > live_before);
}

static void scenario_mixed(probe_ctx *p)
{
    probe_run(p, call_settle, "mixed", 0);
}

static void scenario_declines_only(probe_ctx *p)
{
    probe_run(p, call_settle, "declines_only", 0);
}

static void scenario_timeouts_only(probe_ctx *p)
{
    probe_run(p, call_settle, "timeouts_only", 0);
}

static void scenario_integrity_only(probe_ctx *p)
{
    probe_run(p, call_settle, "integrity_only", 0);
}

static void scenario_bug_and_cancel(probe_ctx *p)
{
    probe_run(p, call_settle, "bug_and_cancel", 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"mixed", scenario_mixed},
    {"declines_only", scenario_declines_only},
    {"timeouts_only", scenario_timeouts_only},
    {"integrity_only", scenario_integrity_only},
    {"bug_and_cancel", scenario_bug_and_cancel},
    {NULL, NULL},
};
