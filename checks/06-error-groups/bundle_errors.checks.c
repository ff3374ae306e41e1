/*
 * bundle_errors.checks.c -- the checks of 06-error-groups/bundle_errors,
 * run by the trusted checker on what bundle_errors.probe.c observed.
 *
 * What they catch, from lesson 06: only the first failure returned (the
 * others lost); a bare error instead of a group when there is one
 * failure; a group built when nothing failed (a ValueError); copies
 * instead of the outcomes' own errors; members out of input order or
 * nested; an extra tg_error_ref per member (a leak), or the outcomes'
 * references released (theirs, not bundle_failures's); leaks.
 */
#include "bundle_errors.scenario.h"
#include "checker.h"

static const char THREE_OF_TEN[] =
    "ExceptionGroup: 3 of 10 sends failed\n"
    "+-- BounceError: no such mailbox: cy@example.com\n"
    "+-- EmailError: could not send to fay@example.com\n"
    "|   (note: " BE_FAY_NOTE ")\n"
    "+-- BounceError: no such mailbox: joe@example.com\n";

/* ---- three_of_ten: cy, fay and joe failed -------------------------------- */

static void all_failures_grouped(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "bundle_failures returned NULL, but 3 of the 10 sends "
                   "failed (cy, fay and joe).");
    CHECK(o,
          obs_has(o, "returned.members") && !obs_is_null(o, "returned.members"),
          "bundle_failures returned %s, a single error: only one of the 3 "
          "failures (cy, fay and joe) reaches the caller, and the others "
          "are lost. Put every failed outcome's error in one group with "
          "tg_error_group_new.",
          obs_describe(o, "returned"));
    CHECK_ERROR_TYPE(o, "returned", "ExceptionGroup",
                     "bundle_failures should return an ExceptionGroup; it "
                     "returned {actual}.");
    CHECK_TREE(o, "returned", THREE_OF_TEN,
               "The group does not hold exactly the 3 failures, in the "
               "order of outs, each directly in the group.");
    for (int k = 0; k < BE_FAILED_N; k++) {
        int i = BE_FAILED[k];
        CHECK_SAME_ERROR(o, checker_path("returned.members.%d", k),
                         checker_path("outs.%d.error", i),
                         "Member %d of the group is not outs[%d].error but "
                         "a copy of it. Put the outcomes' own error objects "
                         "in the group: tg_error_group_new takes a "
                         "reference of its own to each.",
                         k, i);
    }
}

static void group_message(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "bundle_failures returned NULL, but 3 of the 10 sends "
                   "failed.");
    CHECK(o, !obs_is_null(o, "returned.members"),
          "bundle_failures returned %s, not a group, so there is no group "
          "message to say how many sends failed.",
          obs_describe(o, "returned"));
    CHECK_ERROR_MESSAGE(o, "returned", "3 of 10 sends failed",
                        "The group's message is {actual}; expected "
                        "{expected}: how many failed, out of how many.");
}

static void outcomes_untouched(const checker_obs *o)
{
    CHECK(o, !obs_bool(o, "outs_errors_released"),
          "bundle_failures released a reference it did not own: once the "
          "caller had released the group and cleared the outcomes, an "
          "error of an outcome was gone. tg_error_group_new takes its own "
          "reference to each member; the outcomes keep theirs, which only "
          "the caller releases (when it clears them).");
    CHECK_TRUE(o, "outs_unchanged",
               "bundle_failures changed the outcomes it was given; it "
               "should only read them.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "bundle_failures");
}

/* ---- one_of_five: only cy failed ----------------------------------------- */

static void one_failure_still_a_group(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "bundle_failures returned NULL, but the send to "
                   "cy@example.com failed.");
    CHECK_TREE(o, "returned",
               "ExceptionGroup: 1 of 5 sends failed\n"
               "+-- BounceError: no such mailbox: cy@example.com",
               "With a single failure, bundle_failures should still return "
               "a group (of one): the caller handles one shape, whatever "
               "the count.");
    CHECK_SAME_ERROR(o, "returned.members.0", "outs.2.error",
                     "The group's member is not outs[2].error but a copy "
                     "of it.");
}

/* ---- none_failed: nothing failed; then an empty batch ------------------- */

static void no_failure_is_null(const checker_obs *o)
{
    const char *why =
        obs_error_is(o, "returned", "ValueError") ||
                obs_error_is(o, "returned_empty", "ValueError")
            ? " A group of zero errors is not allowed: tg_error_group_new "
              "gives a ValueError when n is 0, so only build the group "
              "when something failed."
            : "";
    CHECK_NULL(o, "returned",
               "Both sends of the batch worked, so bundle_failures should "
               "return NULL; it returned {actual}.%s",
               why);
    CHECK_NULL(o, "returned_empty",
               "For an empty batch (n = 0), bundle_failures should return "
               "NULL; it returned {actual}.%s",
               why);
}

const checker_check CHECKER_CHECKS[] = {
    {"all_failures_grouped", "three_of_ten", all_failures_grouped},
    {"group_message", "three_of_ten", group_message},
    {"outcomes_untouched", "three_of_ten", outcomes_untouched},
    {"no_leaks", "three_of_ten", no_leaks},
    {"one_failure_still_a_group", "one_of_five", one_failure_still_a_group},
    {"no_failure_is_null", "none_failed", no_failure_is_null},
    {NULL, NULL, NULL},
};
