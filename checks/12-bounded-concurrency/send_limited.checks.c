/*
 * send_limited.checks.c -- the checks of 12-bounded-concurrency/
 * send_limited, run by the trusted checker on what send_limited.probe.c
 * observed.
 *
 * What they catch, from lesson 12: a permit kept by a failed send (after
 * `limit` bounces, a deadlock); no limit at all; slots left idle (fixed
 * batches, a permit held longer than the send); outcomes missing, in the
 * wrong slot, or borrowing the caller's address; a bug or a cancellation
 * recorded as a failed send instead of propagating; sends or tasks left
 * behind after a cancellation; leaks.
 */
#include <string.h>

#include "checker.h"
#include "send_limited.scenario.h"

#define TO SL_TO

/* The start of each send, in address order, as a FIFO semaphore with
 * `limit` permits schedules them: each takes the slot that frees first. */
static long long fifo_schedule(const long long *dur, size_t n, unsigned limit,
                               long long *start)
{
    long long slot[SL_N] = {0}, last = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned k = 0;
        for (unsigned s = 1; s < limit; s++)
            if (slot[s] < slot[k])
                k = s;
        start[i] = slot[k];
        slot[k] += dur[i];
        if (slot[k] > last)
            last = slot[k];
    }
    return last;
}

static long long call_of(const checker_obs *o, int i)
{
    return obs_calls_find(o, "calls", "send_email", TO[i], NULL);
}

/* The run did not deadlock (libtg notes that on the run's error). */
static void no_deadlock_here(const checker_obs *o)
{
    const char *note = obs_has(o, "run.error.notes.0")
                           ? obs_str(o, "run.error.notes.0")
                           : NULL;
    CHECK(o, note == NULL || strstr(note, "deadlock") == NULL,
          "The run deadlocked at %lld ms: every task was waiting for a "
          "permit and none was left to give, so libtg cancelled them all. "
          "%zu sends had failed by then; a task whose send fails must "
          "still give its permit back (tg_sem_release), or each failure "
          "costs one slot for ever.",
          obs_int(o, "returned_at"),
          obs_calls_count(o, "calls", "send_email", NULL, "error"));
}

/* " (the run deadlocked at 140 ms)" when it did, else "". */
static const char *deadlock_words(const checker_obs *o)
{
    const char *note = obs_has(o, "run.error.notes.0")
                           ? obs_str(o, "run.error.notes.0")
                           : NULL;
    if (note == NULL || strstr(note, "deadlock") == NULL)
        return "";
    return checker_fmt(" (the run deadlocked at %lld ms: no permit was "
                       "left)",
                       obs_int(o, "returned_at"));
}

/* ---- four_bounce: 12 addresses, limit 3, 4 bounce ----------------------- */

static void no_deadlock(const checker_obs *o)
{
    no_deadlock_here(o);
    CHECK_NULL(o, "returned",
               "send_limited returned {actual}; bounces are recorded in "
               "their outcomes, so it should return NULL.");
}

static void every_address_sent(const checker_obs *o)
{
    for (int i = 0; i < SL_N; i++) {
        CHECK_VALUE_EQ(
            o,
            (long long)obs_calls_count(o, "calls", "send_email", TO[i], NULL),
            1, "send_email was called {actual} times for %s; expected once%s.",
            TO[i], deadlock_words(o));
        CHECK(o,
              obs_calls_count(o, "calls", "send_email", TO[i], "cancelled") ==
                  0,
              "The send to %s was cancelled%s. Every address gets its "
              "send, whatever happens to the others.",
              TO[i], deadlock_words(o));
        const char *in = checker_path("outs.%d.input", i);
        CHECK_STR_EQ(o, in, TO[i],
                     "outs[%d].input is {actual}; expected {expected}: each "
                     "outcome goes in the slot of its own address.",
                     i);
        CHECK(o, !obs_bool(o, checker_path("outs.%d.input_borrowed", i)),
              "outs[%d].input is the caller's own string to[%d], not a "
              "copy: the outcome must own its copy (copy_str).",
              i, i);
        if (sl_bounces(i)) {
            CHECK_INT_EQ(o, checker_path("outs.%d.status", i), 1,
                         "outs[%d] (%s) has status {actual}; its send "
                         "bounced, so it should be SEND_FAILED ({expected}).",
                         i, TO[i]);
            CHECK_ERROR_TYPE(o, checker_path("outs.%d.error", i), "BounceError",
                             "outs[%d].error is {actual}; expected the "
                             "BounceError the send to %s failed with.",
                             i, TO[i]);
            CHECK_NULL(o, checker_path("outs.%d.receipt", i),
                       "outs[%d].receipt is {actual}, but that send "
                       "bounced.",
                       i);
        } else {
            long k = (long)call_of(o, i);
            CHECK_INT_EQ(o, checker_path("outs.%d.status", i), 0,
                         "outs[%d] (%s) has status {actual}; its send was "
                         "delivered, so it should be SEND_OK ({expected}).",
                         i, TO[i]);
            CHECK_STR_EQ(o, checker_path("outs.%d.receipt", i),
                         obs_str(o, checker_path("calls.items.%ld.result", k)),
                         "outs[%d].receipt is {actual}; expected {expected}, "
                         "the receipt of the send to %s.",
                         i, TO[i]);
            CHECK_NULL(o, checker_path("outs.%d.error", i),
                       "outs[%d].error is {actual}, but that send worked.", i);
        }
    }
}

static void never_above_limit(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.send_email", 0);
    CHECK(o, peak <= SL_LIMIT,
          "%lld sends were in flight at once; the limit is %d. Take a "
          "permit (tg_sem_acquire) before each send, from one semaphore "
          "made with tg_sem_new(limit) and shared by every task.",
          peak, SL_LIMIT);
    CHECK_VALUE_EQ(o, peak, SL_LIMIT,
                   "At most {actual} sends were in flight at once; with %d "
                   "addresses and a limit of {expected}, there should have "
                   "been {expected} together.",
                   SL_N);
}

static void slots_kept_busy(const checker_obs *o)
{
    long long dur[SL_N], start[SL_N];
    for (int i = 0; i < SL_N; i++)
        dur[i] = sl_bounces(i) ? SL_BOUNCE_MS : SL_SEND_MS;
    long long end = fifo_schedule(dur, SL_N, SL_LIMIT, start);
    for (int i = 0; i < SL_N; i++) {
        long long k = call_of(o, i);
        CHECK(o, k >= 0, "send_email was never called for %s%s.", TO[i],
              deadlock_words(o));
        CHECK_INT_EQ(o, checker_path("calls.items.%lld.start", k), start[i],
                     "The send to %s started at {actual} ms; expected "
                     "{expected} ms. With a limit of %d, the next address "
                     "in line starts the moment a send ends -- delivered "
                     "or bounced -- and gives back its permit.",
                     TO[i], SL_LIMIT);
    }
    CHECK_INT_EQ(o, "returned_at", end,
                 "send_limited returned at {actual} ms; the last send ended "
                 "at {expected} ms.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_limited");
}

/* ---- bug: dan's send raises a TypeError at 20 ms ------------------------- */

static void bug_propagates(const checker_obs *o)
{
    for (int i = 0; i < SL_BUG_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i), "TypeError"),
              "outs[%d].error holds the injected TypeError, recorded as if "
              "it were a failed send. Only an EmailError is an expected "
              "failure; a bug must be raised so that it reaches the "
              "caller.",
              i);
    CHECK(o, obs_error_find(o, "returned", "TypeError", NULL) != NULL,
          "send_limited returned %s, without the injected TypeError that "
          "the send to %s raised at %d ms. It should come back in the "
          "error tg_group_wait returns.",
          obs_describe(o, "returned"), TO[SL_BUG], SL_BUG_MS);
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} sends were still in flight when send_limited "
                   "returned; expected {expected}.");
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_limited");
}

/* ---- cancel: cancelled at 60 ms, 3 sends in flight, 6 tasks queued ------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK(o, obs_int(o, "returned_at") >= SL_CANCEL_MS,
          "send_limited returned at %lld ms, before the cancellation at %d "
          "ms could even arrive: with a limit of %d, %d sends of %d ms each "
          "cannot all be done by then. Are the sends really limited?",
          obs_int(o, "returned_at"), SL_CANCEL_MS, SL_LIMIT, SL_N, SL_SEND_MS);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "send_limited was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     SL_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", SL_CANCEL_MS,
                 "send_limited returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then: the tasks "
                 "waiting for a permit are cancelled where they wait.");
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} sends were still in flight when send_limited "
                   "returned; expected {expected}.");
    for (int i = 0; i < SL_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i),
                            "CancelledError"),
              "outs[%d].error holds a CancelledError: a cancellation is "
              "not a failed send; raise it, never record it.",
              i);
    for (int i = 0; i < SL_LIMIT; i++)
        CHECK_STR_EQ(o, checker_path("outs.%d.input", i), TO[i],
                     "outs[%d] is empty, but the send to %s was delivered "
                     "at %d ms, before the cancellation: its outcome must "
                     "be kept.",
                     i, TO[i], SL_SEND_MS);
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "send_limited");
}

const checker_check CHECKER_CHECKS[] = {
    {"no_deadlock", "four_bounce", no_deadlock},
    {"every_address_sent", "four_bounce", every_address_sent},
    {"never_above_limit", "four_bounce", never_above_limit},
    {"slots_kept_busy", "four_bounce", slots_kept_busy},
    {"no_leaks", "four_bounce", no_leaks},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
