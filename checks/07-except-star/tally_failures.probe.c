/*
 * tally_failures.probe.c -- the scenarios of 07-except-star/
 * tally_failures.  Each builds the error a batch raised, records it,
 * hands it to the learner's tally_failures and records the tally and what
 * propagated.
 *
 * tally_failures takes raised.  The probe keeps an extra reference of its
 * own, so that it can tell afterwards whether raised was released exactly
 * once: not at all is a leak, twice would free it under the caller.
 */
#include <string.h>

#include "probe.h"
#include "tally_failures.h"
#include "tally_failures.scenario.h"
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

static tg_error *leaf(const tg_error_type *type, const char *msg)
{
    return tg_error_new(type, "%s", msg);
}

static tg_error *build(const char *which)
{
    if (strcmp(which, "mixed") == 0) {
        tg_error *round[] = {
            leaf(&BounceError, TF_BOUNCE_B),
            leaf(&TG_ConnectionError, TF_RESET),
        };
        tg_error *top[] = {
            leaf(&BounceError, TF_BOUNCE_A),
            group_of(TF_ROUND, NULL, round, 2),
            leaf(&TG_TypeError, TF_BUG),
        };
        return group_of(TF_TOP, TF_TOP_NOTE, top, 3);
    }
    if (strcmp(which, "all_handled") == 0) {
        tg_error *top[] = {
            leaf(&BounceError, TF_BOUNCE_A),
            leaf(&TG_ConnectionError, TF_RESET),
        };
        return group_of(TF_TOP, NULL, top, 2);
    }
    if (strcmp(which, "bare") == 0)
        return leaf(&BounceError, TF_BOUNCE_A);
    /* cancelled */
    tg_error *top[] = {
        leaf(&BounceError, TF_BOUNCE_A),
        leaf(&TG_CancelledError, TF_CANCEL),
    };
    return group_of(TF_TOP, NULL, top, 2);
}

static size_t count_nodes(const tg_error *e)
{
    size_t n = 1;
    for (size_t i = 0; i < tg_error_group_count(e); i++)
        n += count_nodes(tg_error_group_at(e, i));
    return n;
}

static void call_tally(probe_ctx *p, void *arg)
{
    size_t live_before = tg_error_live_count();
    tg_error *raised = build(arg);
    size_t nodes = count_nodes(raised);
    probe_obs_error(p, "raised", raised);
    tg_error_ref(raised); /* the probe's own, see above */

    struct tally t = {0, 0};
    tg_error *rest = tally_failures(raised, &t);
    probe_obs_int(p, "tally.bounces", (long long)t.bounces);
    probe_obs_int(p, "tally.dropped", (long long)t.dropped);
    probe_obs_error(p, "propagated", rest);
    probe_obs_bool(p, "propagated_is_raised", rest != NULL && rest == raised);
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
    probe_run(p, call_tally, "mixed", 0);
}

static void scenario_all_handled(probe_ctx *p)
{
    probe_run(p, call_tally, "all_handled", 0);
}

static void scenario_bare(probe_ctx *p)
{
    probe_run(p, call_tally, "bare", 0);
}

static void scenario_cancelled(probe_ctx *p)
{
    probe_run(p, call_tally, "cancelled", 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"mixed", scenario_mixed},
    {"all_handled", scenario_all_handled},
    {"bare", scenario_bare},
    {"cancelled", scenario_cancelled},
    {NULL, NULL},
};
