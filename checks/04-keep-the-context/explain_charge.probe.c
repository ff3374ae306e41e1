/*
 * explain_charge.probe.c -- the scenarios of 04-keep-the-context/
 * explain_charge.  Each one plans one charge, calls the learner's
 * charge_order, records the error it returned (with its cause and notes)
 * and whether that error, or its cause, is the very object charge_card
 * handed out, then releases what the contract gives the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "explain_charge.h"
#include "explain_charge.scenario.h"
#include "probe.h"
#include "world_probe.h"

static char txn_unset; /* *txn never written */

/* The error the one charge_card call handed out (identity only). */
static const void *service_error(void)
{
    const world_call *c = world_call_at(0);
    return c ? c->error_obj : NULL;
}

static void call_charge_order(probe_ctx *p, void *arg)
{
    (void)arg;
    static const struct order order = {EC_ID, EC_CARD, EC_CENTS};
    char *txn = &txn_unset;
    tg_error *ret = charge_order(&order, &txn);
    probe_obs_now(p, "returned_at");
    probe_obs_error(p, "returned", ret);
    probe_obs_bool(p, "returned_is_services",
                   ret != NULL && ret == service_error());
    probe_obs_bool(p, "cause_is_services",
                   ret != NULL && tg_error_cause(ret) != NULL &&
                       tg_error_cause(ret) == service_error());
    probe_obs_bool(p, "txn_set", txn != &txn_unset);
    if (txn != &txn_unset)
        probe_obs_str(p, "txn", txn);
    probe_obs_calls(p, "calls");
    if (txn != &txn_unset)
        free(txn);
    tg_error_unref(ret); /* the one release the contract promises */
}

static void run_one(probe_ctx *p, world_step step, uint64_t cancel_at_ms)
{
    world_plan1(WORLD_CHARGE_CARD, EC_CARD, step);
    probe_run(p, call_charge_order, NULL, cancel_at_ms);
}

static void scenario_paid(probe_ctx *p)
{
    run_one(p, WORLD_STEP_OK(EC_OK_MS), 0);
}

static void scenario_declined(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(EC_DECLINED_MS, PaymentDeclined), 0);
}

static void scenario_reset(probe_ctx *p)
{
    run_one(p, WORLD_STEP_FAIL(EC_RESET_MS, TG_ConnectionError), 0);
}

static void scenario_bug(probe_ctx *p)
{
    run_one(p, WORLD_STEP_BUG(EC_BUG_MS), 0);
}

static void scenario_cancel(probe_ctx *p)
{
    run_one(p, WORLD_STEP_OK(EC_SLOW_MS), EC_CANCEL_MS);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"paid", scenario_paid},
    {"declined", scenario_declined},
    {"reset", scenario_reset},
    {"bug", scenario_bug},
    {"cancel", scenario_cancel},
    {NULL, NULL},
};
