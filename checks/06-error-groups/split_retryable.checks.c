/*
 * split_retryable.checks.c -- the checks of 06-error-groups/
 * split_retryable, run by the trusted checker on what
 * split_retryable.probe.c observed.
 *
 * What they catch, from lesson 06: a walk over the top-level members only
 * (retryable errors inside a nested group misfiled); new flat groups that
 * lose the nesting, the messages and the notes; copies instead of shared
 * leaves; a part that is not NULL when it is empty; eg released or
 * changed; leaks.
 */
#include "checker.h"
#include "split_retryable.scenario.h"

static const char RETRY_NESTED[] = "ExceptionGroup: " SR_TOP "\n"
                                   "(note: " SR_TOP_NOTE ")\n"
                                   "+-- ExceptionGroup: " SR_INNER "\n"
                                   "|   (note: " SR_INNER_NOTE ")\n"
                                   "|   +-- ConnectionError: " SR_RESET "\n"
                                   "|       (note: " SR_RESET_NOTE ")\n"
                                   "+-- TimeoutError: " SR_TIMEOUT "\n"
                                   "    (note: " SR_TIMEOUT_NOTE ")\n";

static const char GIVE_UP_NESTED[] = "ExceptionGroup: " SR_TOP "\n"
                                     "(note: " SR_TOP_NOTE ")\n"
                                     "+-- BounceError: " SR_BOUNCE_A "\n"
                                     "+-- ExceptionGroup: " SR_INNER "\n"
                                     "    (note: " SR_INNER_NOTE ")\n"
                                     "    +-- BounceError: " SR_BOUNCE_C "\n";

/* ---- nested: batch failed [a, retry round [b, c], d] -------------------- */

static void retry_keeps_shape(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "retry_set"),
          "split_retryable never set *retry. Set both outputs on every "
          "path (NULL for an empty part).");
    CHECK_TREE(o, "retry", RETRY_NESTED,
               "*retry does not have eg's shape. It should hold the two "
               "retryable errors where eg has them -- the ConnectionError "
               "inside 'retry round', the TimeoutError at the top -- in "
               "groups that keep eg's messages and notes.");
}

static void give_up_keeps_shape(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "give_up_set"),
          "split_retryable never set *give_up. Set both outputs on every "
          "path (NULL for an empty part).");
    CHECK_TREE(o, "give_up", GIVE_UP_NESTED,
               "*give_up does not have eg's shape. It should hold the two "
               "BounceErrors where eg has them -- one at the top, one "
               "inside 'retry round' -- in groups that keep eg's messages "
               "and notes.");
}

static void nested_retryables_found(const checker_obs *o)
{
    bool in_give_up =
        obs_error_find(o, "give_up", "ConnectionError", NULL) != NULL;
    CHECK(o, obs_error_find(o, "retry", "ConnectionError", NULL) != NULL,
          "The ConnectionError inside 'retry round' (%s) is worth "
          "retrying, but it is not in *retry%s. A loop over "
          "tg_error_group_at sees 'retry round' as one member -- a group, "
          "not a ConnectionError -- and never looks inside it.",
          SR_RESET_NOTE, in_give_up ? ": it ended up in *give_up" : "");
    CHECK(o, obs_error_find(o, "retry", "TimeoutError", NULL) != NULL,
          "The TimeoutError (%s) is worth retrying, but it is not in "
          "*retry.",
          SR_TIMEOUT_NOTE);
    CHECK(o,
          obs_error_find(o, "give_up", "ConnectionError", NULL) == NULL &&
              obs_error_find(o, "give_up", "TimeoutError", NULL) == NULL,
          "*give_up holds a retryable error (a ConnectionError or a "
          "TimeoutError); those belong in *retry only.");
    CHECK(o, obs_error_find(o, "retry", "BounceError", NULL) == NULL,
          "*retry holds a BounceError: a missing mailbox is still missing "
          "on a second try, so it belongs in *give_up.");
}

static void leaves_shared(const checker_obs *o)
{
    static const struct {
        const char *type, *message;
    } leaves[] = {
        {"BounceError", SR_BOUNCE_A},
        {"ConnectionError", SR_RESET},
        {"BounceError", SR_BOUNCE_C},
        {"TimeoutError", SR_TIMEOUT},
    };
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        const char *type = leaves[i].type, *msg = leaves[i].message;
        const char *orig = obs_error_find(o, "eg", type, msg);
        const char *part = "*retry";
        const char *found = obs_error_find(o, "retry", type, msg);
        if (!found) {
            part = "*give_up";
            found = obs_error_find(o, "give_up", type, msg);
        }
        CHECK(o, found != NULL,
              "The %s (\"%s\") from eg is in neither *retry nor *give_up: "
              "every error of eg belongs in exactly one of them.",
              type, msg);
        CHECK_SAME_ERROR(o, found, orig,
                         "The %s (\"%s\") in %s is not eg's own error "
                         "object but a copy. The parts of a split share "
                         "their errors with eg: a note added to one shows "
                         "in both, and nothing is duplicated.",
                         type, msg, part);
    }
}

static void eg_unchanged(const checker_obs *o)
{
    CHECK_FALSE(o, "eg_consumed",
                "split_retryable released eg (tg_error_unref), but eg is "
                "not its to release: it stays the caller's, who releases "
                "it later. The two parts are new references of their own.");
    CHECK_TREE(o, "eg_after", obs_outline(o, "eg"),
               "eg changed during the call; split_retryable should only "
               "read it.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "split_retryable");
}

/* ---- all_retryable, none_retryable: one part gets everything ----------
 *
 * Note: splitting by type never hands back eg itself here.  As in
 * CPython, only a group that matches the condition itself is taken whole;
 * "batch failed" is no ConnectionError, so a match of all its leaves is a
 * new group derived from it, with its shape.  The checks ask for that
 * shape and for the shared leaves, not for pointer identity with eg.
 */

static const char ALL_RETRYABLE[] = "ExceptionGroup: " SR_TOP "\n"
                                    "(note: " SR_TOP_NOTE ")\n"
                                    "+-- ConnectionError: " SR_RESET "\n"
                                    "|   (note: " SR_RESET_NOTE ")\n"
                                    "+-- ExceptionGroup: " SR_INNER "\n"
                                    "    (note: " SR_INNER_NOTE ")\n"
                                    "    +-- TimeoutError: " SR_TIMEOUT "\n"
                                    "        (note: " SR_TIMEOUT_NOTE ")\n";

static const char NONE_RETRYABLE[] = "ExceptionGroup: " SR_TOP "\n"
                                     "(note: " SR_TOP_NOTE ")\n"
                                     "+-- BounceError: " SR_BOUNCE_A "\n"
                                     "+-- ExceptionGroup: " SR_INNER "\n"
                                     "    (note: " SR_INNER_NOTE ")\n"
                                     "    +-- BounceError: " SR_BOUNCE_C "\n";

static void all_retryable_one_part(const checker_obs *o)
{
    CHECK_NULL(o, "give_up",
               "Every error in eg is retryable, so *give_up should be "
               "NULL (an empty part); it is {actual}.");
    CHECK_TREE(o, "retry", ALL_RETRYABLE,
               "Every error in eg is retryable, so *retry should hold all "
               "of eg, in eg's shape.");
    CHECK_SAME_ERROR(o, obs_error_find(o, "retry", "TimeoutError", NULL),
                     obs_error_find(o, "eg", "TimeoutError", NULL),
                     "The TimeoutError in *retry is not eg's own error "
                     "object but a copy: the parts share their errors with "
                     "eg.");
}

static void none_retryable_one_part(const checker_obs *o)
{
    CHECK_NULL(o, "retry",
               "No error in eg is retryable, so *retry should be NULL (an "
               "empty part); it is {actual}.");
    CHECK_TREE(o, "give_up", NONE_RETRYABLE,
               "No error in eg is retryable, so *give_up should hold all of "
               "eg, in eg's shape.");
}

const checker_check CHECKER_CHECKS[] = {
    {"retry_keeps_shape", "nested", retry_keeps_shape},
    {"give_up_keeps_shape", "nested", give_up_keeps_shape},
    {"nested_retryables_found", "nested", nested_retryables_found},
    {"leaves_shared", "nested", leaves_shared},
    {"eg_unchanged", "nested", eg_unchanged},
    {"no_leaks", "nested", no_leaks},
    {"all_retryable_one_part", "all_retryable", all_retryable_one_part},
    {"none_retryable_one_part", "none_retryable", none_retryable_one_part},
    {NULL, NULL, NULL},
};
