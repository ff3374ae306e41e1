/*
 * critical_only.probe.c -- the scenarios of 06-error-groups/critical_only.
 * Each builds an error tree, records it, calls the learner's critical_only
 * and records the result and the tree again.
 */
#include <string.h>

#include "critical_only.h"
#include "critical_only.scenario.h"
#include "probe.h"

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
    if (strcmp(which, "critical_top") == 0) {
        tg_error *nightly[] = {
            leaf(&TG_RuntimeError, CO_DISK),
            leaf(&TG_TimeoutError, CO_SLOW),
        };
        tg_error *top[] = {
            leaf(&TG_ValueError, CO_MINOR),
            leaf(&TG_KeyError, CO_INDEX),
            group_of(CO_NIGHTLY, NULL, nightly, 2),
        };
        return group_of(CO_TOP, CO_TOP_NOTE, top, 3);
    }
    if (strcmp(which, "critical_inner") == 0) {
        tg_error *retries[] = {
            leaf(&TG_TimeoutError, CO_SLOW),
            leaf(&TG_RuntimeError, CO_DISK),
        };
        tg_error *top[] = {
            leaf(&TG_ValueError, CO_MINOR),
            group_of(CO_RETRIES, CO_RETRIES_NOTE, retries, 2),
        };
        return group_of(CO_BATCH, NULL, top, 2);
    }
    /* none_critical */
    tg_error *nightly[] = {leaf(&TG_TimeoutError, CO_SLOW)};
    tg_error *top[] = {
        leaf(&TG_ValueError, CO_MINOR),
        group_of(CO_NIGHTLY, NULL, nightly, 1),
    };
    return group_of(CO_TOP, NULL, top, 2);
}

static size_t count_nodes(const tg_error *e)
{
    size_t n = 1;
    for (size_t i = 0; i < tg_error_group_count(e); i++)
        n += count_nodes(tg_error_group_at(e, i));
    return n;
}

static void call_critical_only(probe_ctx *p, void *arg)
{
    size_t live_before = tg_error_live_count();
    tg_error *eg = build(arg);
    size_t nodes = count_nodes(eg);
    probe_obs_error(p, "eg", eg);

    /* An extra reference of the probe's own, so that a critical_only
     * that releases eg (not its to release) is seen, not a crash. */
    tg_error_ref(eg);
    tg_error *got = critical_only(eg);
    probe_obs_error(p, "critical", got);
    probe_obs_bool(p, "critical_is_eg", got != NULL && got == eg);
    probe_obs_error(p, "eg_after", eg);

    tg_error_unref(got);
    tg_error_unref(eg); /* the probe's extra reference */
    bool eg_alive = tg_error_live_count() >= live_before + nodes;
    probe_obs_bool(p, "eg_consumed", !eg_alive);
    if (eg_alive)
        tg_error_unref(eg);
}

static void scenario_critical_top(probe_ctx *p)
{
    probe_run(p, call_critical_only, "critical_top", 0);
}

static void scenario_critical_inner(probe_ctx *p)
{
    probe_run(p, call_critical_only, "critical_inner", 0);
}

static void scenario_none_critical(probe_ctx *p)
{
    probe_run(p, call_critical_only, "none_critical", 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"critical_top", scenario_critical_top},
    {"critical_inner", scenario_critical_inner},
    {"none_critical", scenario_none_critical},
    {NULL, NULL},
};
