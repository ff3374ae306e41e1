/*
 * build_error.checks.c -- the checks of 00-welcome/build_error, run by the
 * trusted checker on what build_error.probe.c observed.
 *
 * What they catch, from lesson 00: the wrong type or message; a missing,
 * doubled or fixed note; no cause, or the cause kept as context, or cause
 * and error swapped; and the lesson's ownership rule broken -- an extra
 * reference to the cause (tg_error_from(e, tg_error_ref(cause))) leaves
 * it alive after the caller released the error.
 */
#include "checker.h"
#include "build_error.scenario.h"

/* Something was returned at all; every other check needs it. */
static void need_error(const checker_obs *o)
{
    CHECK_NOT_NULL(o, "returned",
                   "build_error(\"%s\", %lld) returned NULL; expected the "
                   "EmailError it builds.",
                   obs_str(o, "to"), obs_int(o, "attempts"));
}

/* The note and message build_error should have made for its inputs. */
static void check_note(const checker_obs *o)
{
    long long attempts = obs_int(o, "attempts");
    size_t n = obs_len(o, "returned.notes");
    CHECK(o, n > 0,
          "The error has no note. Add one after making it: "
          "tg_error_add_note(e, \"tried %%d times\", attempts) -- here "
          "\"tried %lld times\".",
          attempts);
    CHECK(o, n == 1,
          "The error has %zu notes; expected exactly one, \"tried %lld "
          "times\". Add the note once.",
          n, attempts);
    CHECK_STR_EQ(o, "returned.notes.0", checker_fmt("tried %lld times", attempts),
                 "The error's note is {actual}; expected {expected}: the "
                 "number is build_error's attempts argument.");
}

/* ---- ann: build_error("ann@example.com", 3) ------------------------------ */

static void type_and_message(const checker_obs *o)
{
    need_error(o);
    CHECK_ERROR_TYPE(o, "returned", "EmailError",
                     "build_error returned {actual}; expected an "
                     "EmailError (the ConnectionError is its cause, not the "
                     "error itself). Make it with "
                     "tg_error_new(&EmailError, ...).");
    CHECK_ERROR_MESSAGE(o, "returned", "could not send to " BE_ANN,
                        "The EmailError's message is {actual}; expected "
                        "{expected}: \"could not send to \" followed by the "
                        "address.");
    CHECK(o, obs_error_is(o, "returned", "Exception"),
          "The error is not an Exception; an EmailError is one.");
}

static void one_note(const checker_obs *o)
{
    need_error(o);
    check_note(o);
}

static void cause_attached(const checker_obs *o)
{
    need_error(o);
    bool as_context = !obs_is_null(o, "returned.context");
    CHECK_NOT_NULL(o, "returned.cause",
                   "The error has no cause%s. Attach the ConnectionError "
                   "with tg_error_from(e, cause): it is the cause "
                   "(\"raise ... from\"), which the renderer shows as \"The "
                   "above exception was the direct cause of ...\".",
                   as_context ? " (the ConnectionError is its context, "
                                "which is not the same)"
                              : "");
    CHECK_ERROR_TYPE(o, "returned.cause", "ConnectionError",
                     "The error's cause is {actual}; expected a "
                     "ConnectionError.");
    CHECK_ERROR_MESSAGE(o, "returned.cause", "connection reset",
                        "The cause's message is {actual}; expected "
                        "{expected}.");
}

static void cause_released_with_error(const checker_obs *o)
{
    long long alive = obs_int(o, "alive_after_release");
    CHECK(o, alive <= 0,
          "After the caller released the error with one tg_error_unref, "
          "%lld error object%s made by build_error %s still alive%s. "
          "tg_error_from takes over the reference you hand it: pass the "
          "cause itself. tg_error_from(e, tg_error_ref(cause)) gives it a "
          "second reference, which nobody ever releases.",
          alive, alive == 1 ? "" : "s", alive == 1 ? "was" : "were",
          alive == 1 ? " -- the cause" : "");
    CHECK(o, alive == 0,
          "An error object was released once too often during build_error: "
          "after tg_error_from(e, cause), e owns the cause, so do not "
          "tg_error_unref the cause yourself.");
}

/* ---- other: build_error("bob@example.com", 4 + seed) --------------------- */

static void uses_its_arguments(const checker_obs *o)
{
    need_error(o);
    CHECK_ERROR_TYPE(o, "returned", "EmailError",
                     "build_error(\"%s\", %lld) returned {actual}; expected "
                     "an EmailError.",
                     BE_BOB, obs_int(o, "attempts"));
    CHECK_ERROR_MESSAGE(o, "returned", "could not send to " BE_BOB,
                        "build_error(\"%s\", %lld) made an error with the "
                        "message {actual}; expected {expected}. Build the "
                        "message from the to argument.",
                        BE_BOB, obs_int(o, "attempts"));
    check_note(o);
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "build_error");
}

const checker_check CHECKER_CHECKS[] = {
    {"type_and_message", "ann", type_and_message},
    {"one_note", "ann", one_note},
    {"cause_attached", "ann", cause_attached},
    {"cause_released_with_error", "ann", cause_released_with_error},
    {"uses_its_arguments", "other", uses_its_arguments},
    {"no_leaks", "other", no_leaks},
    {NULL, NULL, NULL},
};
