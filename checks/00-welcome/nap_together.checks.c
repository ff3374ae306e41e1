/*
 * nap_together.checks.c -- the checks of 00-welcome/nap_together, run by
 * the trusted checker on what nap_together.probe.c observed.
 *
 * What they catch, from lesson 00: naps taken one after the other (in
 * the caller, or in tasks waited for one at a time); no tasks at all; a
 * return before the longer nap is over; the wait's result dropped (a
 * cancellation turned into NULL); groups, tasks or errors left behind.
 */
#include "checker.h"
#include "nap_together.scenario.h"

/* ---- naps: nap_together(30, 50) ------------------------------------------ */

static void naps_run_together(const checker_obs *o)
{
    long long at = obs_int(o, "returned_at");
    CHECK(o, at != NAP_A + NAP_B,
          "nap_together(%d, %d) returned at %lld ms of virtual time: %d + "
          "%d, the two naps one after the other. Put each nap in a task "
          "of its own, spawn both into one group and wait once: they then "
          "sleep at the same time, and nap_together returns at %d ms, when "
          "the longer nap ends.",
          NAP_A, NAP_B, at, NAP_A, NAP_B, NAP_B);
    CHECK_INT_EQ(o, "returned_at", NAP_B,
                 "nap_together(%d, %d) returned at {actual} ms; expected "
                 "{expected} ms, when the longer of the two naps ends.",
                 NAP_A, NAP_B);
}

static void one_task_per_nap(const checker_obs *o)
{
    CHECK_INT_EQ(o, "tasks_spawned", 2,
                 "nap_together spawned {actual} tasks; expected {expected}: "
                 "one task per nap, each calling tg_sleep, both spawned "
                 "into the same group with tg_spawn.");
}

static void returns_null(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "nap_together(%d, %d) returned {actual}; expected NULL. "
               "Nothing failed and nothing was cancelled, so tg_group_wait "
               "returns NULL: return what it returned.",
               NAP_A, NAP_B);
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "nap_together");
}

/* ---- longer_first: nap_together(70, 20) ---------------------------------- */

static void waits_for_the_longer_nap(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "nap_together(%d, %d) returned {actual}; expected NULL.",
               NAP_LONG, NAP_SHORT);
    CHECK_INT_EQ(o, "returned_at", NAP_LONG,
                 "nap_together(%d, %d) returned at {actual} ms; expected "
                 "{expected} ms. This time the first nap is the longer one, "
                 "and nap_together must wait until both are over: "
                 "tg_group_wait returns once every task of the group has "
                 "finished.",
                 NAP_LONG, NAP_SHORT);
}

/* ---- cancel: nap_together(30, 50), cancelled at 20 ms -------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "nap_together was cancelled at %d ms, so it should "
                     "return a CancelledError; it returned {actual}. When "
                     "the task that owns a group is cancelled, "
                     "tg_group_wait cancels the naps, waits for them and "
                     "returns the CancelledError: return it to your "
                     "caller, do not drop it.",
                     NAP_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", NAP_CANCEL_MS,
                 "nap_together returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then, without "
                 "finishing its naps.");
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "nap_together");
}

const checker_check CHECKER_CHECKS[] = {
    {"naps_run_together", "naps", naps_run_together},
    {"one_task_per_nap", "naps", one_task_per_nap},
    {"returns_null", "naps", returns_null},
    {"no_leaks", "naps", no_leaks},
    {"waits_for_the_longer_nap", "longer_first", waits_for_the_longer_nap},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
