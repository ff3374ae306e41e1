/*
 * split_retryable.probe.c -- the scenarios of 06-error-groups/
 * split_retryable.  Each builds an error tree, records it, calls the
 * learner's split_retryable, and records both parts and the tree again.
 */
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "split_retryable.h"
#include "split_retryable.scenario.h"
#include "world.h"

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

static tg_error *leaf(const tg_error_type *type, const char *msg,
                      const char *note)
{
    tg_error *e = tg_error_new(type, "%s", msg);
    if (note)
        tg_error_add_note(e, "%s", note);
    return e;
}

static tg_error *build(const char *which)
{
    if (strcmp(which, "nested") == 0) {
        tg_error *inner[] = {
            leaf(&TG_ConnectionError, SR_RESET, SR_RESET_NOTE),
            leaf(&BounceError, SR_BOUNCE_C, NULL),
        };
        tg_error *top[] = {
            leaf(&BounceError, SR_BOUNCE_A, NULL),
            group_of(SR_INNER, SR_INNER_NOTE, inner, 2),
            leaf(&TG_TimeoutError, SR_TIMEOUT, SR_TIMEOUT_NOTE),
        };
        return group_of(SR_TOP, SR_TOP_NOTE, top, 3);
    }
    if (strcmp(which, "all_retryable") == 0) {
        tg_error *inner[] = {
            leaf(&TG_TimeoutError, SR_TIMEOUT, SR_TIMEOUT_NOTE),
        };
        tg_error *top[] = {
            leaf(&TG_ConnectionError, SR_RESET, SR_RESET_NOTE),
            group_of(SR_INNER, SR_INNER_NOTE, inner, 1),
        };
        return group_of(SR_TOP, SR_TOP_NOTE, top, 2);
    }
    /* none_retryable */
    tg_error *inner[] = {leaf(&BounceError, SR_BOUNCE_C, NULL)};
    tg_error *top[] = {
        leaf(&BounceError, SR_BOUNCE_A, NULL),
        group_of(SR_INNER, SR_INNER_NOTE, inner, 1),
    };
    return group_of(SR_TOP, SR_TOP_NOTE, top, 2);
}

static size_t count_nodes(const tg_error *e)
{
    size_t n = 1;
    for (size_t i = 0; i < tg_error_group_count(e); i++)
        n += count_nodes(tg_error_group_at(e, i));
    return n;
}

static void call_split(probe_ctx *p, void *arg)
{
    size_t live_before = tg_error_live_count();
    tg_error *eg = build(arg);
    size_t nodes = count_nodes(eg);
    probe_obs_error(p, "eg", eg);

    /* An extra reference of the probe's own, so that a split_retryable
     * that releases eg (not its to release) is seen, not a crash. */
    tg_error_ref(eg);
    static char unset_mark;
    tg_error *unset = (tg_error *)&unset_mark; /* "never written" */
    tg_error *retry = unset, *give_up = unset;
    split_retryable(eg, &retry, &give_up);
    probe_obs_bool(p, "retry_set", retry != unset);
    probe_obs_bool(p, "give_up_set", give_up != unset);
    if (retry == unset)
        retry = NULL;
    if (give_up == unset)
        give_up = NULL;
    probe_obs_error(p, "retry", retry);
    probe_obs_error(p, "give_up", give_up);
    probe_obs_error(p, "eg_after", eg);

    tg_error_unref(retry);
    tg_error_unref(give_up);
    tg_error_unref(eg); /* the probe's extra reference */
    bool eg_alive = tg_error_live_count() >= live_before + nodes;
    probe_obs_bool(p, "eg_consumed", !eg_alive);
    if (eg_alive)
        tg_error_unref(eg);
}

static void scenario_nested(probe_ctx *p)
{
    probe_run(p, call_split, "nested", 0);
}

static void scenario_all_retryable(probe_ctx *p)
{
    probe_run(p, call_split, "all_retryable", 0);
}

static void scenario_none_retryable(probe_ctx *p)
{
    probe_run(p, call_split, "none_retryable", 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"nested", scenario_nested},
    {"all_retryable", scenario_all_retryable},
    {"none_retryable", scenario_none_retryable},
    {NULL, NULL},
};
