/*
 * critical_only.checks.c -- the checks of 06-error-groups/critical_only,
 * run by the trusted checker on what critical_only.probe.c observed.
 *
 * What they catch, from lesson 06: a predicate that says yes to a group
 * whose own message mentions "critical" (the group is then taken whole,
 * ordinary failures and all), at the top or deeper down; a result that
 * loses the nesting, messages or notes; copies instead of shared leaves;
 * something other than NULL when nothing is critical; eg released or
 * changed; leaks.
 */
#include "checker.h"
#include "critical_only.scenario.h"

static const char TOP_CRITICAL[] = "ExceptionGroup: " CO_TOP "\n"
                                   "(note: " CO_TOP_NOTE ")\n"
                                   "+-- KeyError: " CO_INDEX "\n"
                                   "+-- ExceptionGroup: " CO_NIGHTLY "\n"
                                   "    +-- RuntimeError: " CO_DISK "\n";

static const char INNER_CRITICAL[] = "ExceptionGroup: " CO_BATCH "\n"
                                     "+-- ExceptionGroup: " CO_RETRIES "\n"
                                     "    (note: " CO_RETRIES_NOTE ")\n"
                                     "    +-- RuntimeError: " CO_DISK "\n";

/* "the whole group 'critical batch'" when the result holds a group whose
 * ordinary members came along, for messages. */
static const char *why_minor(const char *group)
{
    return checker_fmt(
        " The predicate is asked about groups too, and about a group "
        "before its members: it said yes to the group '%s' because of the "
        "group's own message, so subgroup took that group whole, with "
        "everything in it. Say no to every group "
        "(!tg_error_is_group(e)), so that subgroup looks inside.",
        group);
}

/* ---- critical_top: the top group's message says "critical" -------------- */

static void critical_leaves_kept(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "critical",
                   "critical_only returned NULL, but two errors in eg are "
                   "critical: the KeyError (\"%s\") and the RuntimeError "
                   "(\"%s\") inside 'nightly'.",
                   CO_INDEX, CO_DISK);
    CHECK_TREE(o, "critical", TOP_CRITICAL,
               "The result should hold exactly the two critical errors, "
               "where eg has them, in groups that keep eg's messages and "
               "notes.");
}

static void minor_errors_left_out(const checker_obs *o)
{
    const char *minor = obs_error_find(o, "critical", "ValueError", CO_MINOR);
    CHECK(o, minor == NULL,
          "The result holds the ValueError \"%s\", which is not "
          "critical.%s",
          CO_MINOR, obs_bool(o, "critical_is_eg") ? why_minor(CO_TOP) : "");
    CHECK(o, obs_error_find(o, "critical", "TimeoutError", NULL) == NULL,
          "The result holds the TimeoutError \"%s\", which is not "
          "critical: only errors whose own message contains \"critical\" "
          "belong in the result.",
          CO_SLOW);
}

static void leaves_shared(const checker_obs *o)
{
    static const struct {
        const char *type, *message;
    } leaves[] = {{"KeyError", CO_INDEX}, {"RuntimeError", CO_DISK}};
    for (size_t i = 0; i < 2; i++) {
        const char *found =
            obs_error_find(o, "critical", leaves[i].type, leaves[i].message);
        CHECK(o, found != NULL,
              "The %s (\"%s\") is critical, but it is not in the result.",
              leaves[i].type, leaves[i].message);
        CHECK_SAME_ERROR(
            o, found,
            obs_error_find(o, "eg", leaves[i].type, leaves[i].message),
            "The %s (\"%s\") in the result is not eg's own error object "
            "but a copy. A subgroup shares its errors with eg.",
            leaves[i].type, leaves[i].message);
    }
}

static void eg_unchanged(const checker_obs *o)
{
    CHECK(o, !obs_bool(o, "eg_consumed"),
          "critical_only released eg (tg_error_unref), but eg is not "
          "its to release: it stays the caller's. The result is a "
          "new reference of its own.");
    CHECK_TREE(o, "eg_after", obs_outline(o, "eg"),
               "eg changed during the call; critical_only should only "
               "read it.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "critical_only");
}

/* ---- critical_inner: a nested group's message says "critical" ----------- */

static void inner_group_not_taken_whole(const checker_obs *o)
{
    CHECK(o, obs_error_find(o, "critical", "TimeoutError", NULL) == NULL,
          "The result holds the TimeoutError \"%s\" from the group '%s', "
          "which is not critical.%s",
          CO_SLOW, CO_RETRIES, why_minor(CO_RETRIES));
    CHECK_TREE(o, "critical", INNER_CRITICAL,
               "The result should hold only the RuntimeError (\"%s\"), "
               "inside '%s' inside '%s', as in eg.",
               CO_DISK, CO_RETRIES, CO_BATCH);
}

/* ---- none_critical: no error is critical (the top group's name is) ----- */

static void no_critical_is_null(const checker_obs *o)
{
    CHECK_NULL(o, "critical",
               "No error in eg is critical (only the top group's own "
               "message says \"critical\"), so critical_only should return "
               "NULL; it returned {actual}.%s",
               obs_bool(o, "critical_is_eg") ? why_minor(CO_TOP) : "");
}

const checker_check CHECKER_CHECKS[] = {
    {"critical_leaves_kept", "critical_top", critical_leaves_kept},
    {"minor_errors_left_out", "critical_top", minor_errors_left_out},
    {"leaves_shared", "critical_top", leaves_shared},
    {"eg_unchanged", "critical_top", eg_unchanged},
    {"no_leaks", "critical_top", no_leaks},
    {"inner_group_not_taken_whole", "critical_inner",
     inner_group_not_taken_whole},
    {"no_critical_is_null", "none_critical", no_critical_is_null},
    {NULL, NULL, NULL},
};
