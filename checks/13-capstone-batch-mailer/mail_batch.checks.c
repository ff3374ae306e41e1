/*
 * mail_batch.checks.c -- the checks of 13-capstone-batch-mailer/
 * mail_batch, run by the trusted checker on what mail_batch.probe.c
 * observed.
 *
 * What they catch, from lesson 13 (and 10 to 12 behind it): no limit on
 * sends in flight, or a limit never reached; a slot held through a
 * backoff; an attempt with no timeout (a server that never answers hangs
 * the batch); no retries, retries without waiting, retried bounces, too
 * many attempts; a catch-all that records bugs and cancellations as
 * failed sends; outcomes missing, misfiled, borrowing the caller's
 * address, or not marked skipped when cut short; sends left running;
 * leaks.
 */
#include <string.h>

#include "checker.h"
#include "mail_batch.scenario.h"

#define TO MB_TO

enum { SENT = 0, FAILED = 1, SKIPPED = 2 };

static const char *status_word(long long s)
{
    return s == SENT      ? "MAIL_SENT"
           : s == FAILED  ? "MAIL_FAILED"
           : s == SKIPPED ? "MAIL_SKIPPED"
                          : "not a status";
}

static size_t sends(const checker_obs *o, int i)
{
    return obs_calls_count(o, "calls", "send_email", TO[i], NULL);
}

/* The k-th send (from 0) to address i: its index in the log, or -1. */
static long nth_send(const checker_obs *o, int i, size_t k)
{
    size_t n = obs_len(o, "calls.items"), seen = 0;
    for (size_t j = 0; j < n; j++) {
        const char *in = obs_str(o, checker_path("calls.items.%zu.input", j));
        if (in && strcmp(in, TO[i]) == 0 && seen++ == k)
            return (long)j;
    }
    return -1;
}

static long long item_int(const checker_obs *o, long j, const char *field)
{
    return obs_int(o, checker_path("calls.items.%ld.%s", j, field));
}

static const char *item_str(const checker_obs *o, long j, const char *field)
{
    return obs_str(o, checker_path("calls.items.%ld.%s", j, field));
}

/* " (the run deadlocked at ... ms)" when it did, else "". */
static const char *deadlock_words(const checker_obs *o)
{
    const char *note = obs_has(o, "run.error.notes.0")
                           ? obs_str(o, "run.error.notes.0")
                           : NULL;
    if (note == NULL || strstr(note, "deadlock") == NULL)
        return "";
    return checker_fmt(". The run deadlocked at %lld ms: every task was "
                       "waiting for something that could never come -- a "
                       "send with no timeout that never answers, or a "
                       "permit never given back",
                       obs_int(o, "returned_at"));
}

static void address_kept(const checker_obs *o, int i)
{
    CHECK_STR_EQ(o, checker_path("outs.%d.to", i), TO[i],
                 "outs[%d].to is {actual}; expected {expected}: every "
                 "outcome holds its own copy of its address, from the "
                 "start.",
                 i);
    CHECK(o, !obs_bool(o, checker_path("outs.%d.to_borrowed", i)),
          "outs[%d].to is the caller's own string to[%d], not a copy "
          "(copy_str).",
          i, i);
}

static void status_is(const checker_obs *o, int i, long long want)
{
    long long got = obs_int(o, checker_path("outs.%d.status", i));
    CHECK(o, got == want, "outs[%d] (%s) is %s; expected %s%s.", i, TO[i],
          status_word(got), status_word(want), deadlock_words(o));
}

/* outs[i] is MAIL_SENT with the receipt of its last send. */
static void sent_ok(const checker_obs *o, int i)
{
    status_is(o, i, SENT);
    long j = nth_send(o, i, sends(o, i) - 1);
    CHECK_STR_EQ(o, checker_path("outs.%d.receipt", i),
                 item_str(o, j, "result"),
                 "outs[%d].receipt is {actual}; expected {expected}, the "
                 "receipt of the send that worked.",
                 i);
    CHECK_NULL(o, checker_path("outs.%d.error", i),
               "outs[%d].error is {actual}, but %s was sent.", i, TO[i]);
}

/* outs[i] is MAIL_FAILED with an error of this type and no receipt. */
static void failed_with(const checker_obs *o, int i, const char *type)
{
    status_is(o, i, FAILED);
    CHECK_ERROR_TYPE(o, checker_path("outs.%d.error", i), type,
                     "outs[%d].error is {actual}; expected the %s its last "
                     "send failed with.",
                     i, type);
    CHECK_NULL(o, checker_path("outs.%d.receipt", i),
               "outs[%d].receipt is {actual}, but %s failed.", i, TO[i]);
}

static void attempts_are(const checker_obs *o, int i, long long want)
{
    CHECK_INT_EQ(o, checker_path("outs.%d.attempts", i), want,
                 "outs[%d].attempts is {actual}; %s was tried {expected} "
                 "time(s).",
                 i, TO[i]);
}

/* The wait between send k and send k+1 to address i is at least the
 * backoff's floor (more is fine: the retry may wait for a permit). */
static void waited_before_retry(const checker_obs *o, int i, size_t k)
{
    long a = nth_send(o, i, k), b = nth_send(o, i, k + 1);
    long long gap = item_int(o, b, "start") - item_int(o, a, "end");
    long long floor = MB_BASE_MS << k;
    if (floor > MB_CAP_MS)
        floor = MB_CAP_MS;
    CHECK(o, gap >= floor,
          "%s's send %zu failed at %lld ms and send %zu started at %lld "
          "ms, only %lld ms later. After failed attempt %zu the backoff is "
          "at least min(cap_ms, base_ms * 2^%zu) = %lld ms: wait it out "
          "with tg_sleep before the next attempt.",
          TO[i], k + 1, item_int(o, a, "end"), k + 2, item_int(o, b, "start"),
          gap, k, k, floor);
}

/* ---- batch: 20 addresses, limit 4, 3 attempts, 200 ms per attempt ------- */

static void one_outcome_each(const checker_obs *o)
{
    for (int i = 0; i < MB_N; i++) {
        address_kept(o, i);
        if (mb_bounces(i))
            failed_with(o, i, "BounceError");
        else if (i == MB_ALWAYS_RESET)
            failed_with(o, i, "ConnectionError");
        else
            sent_ok(o, i);
    }
}

static void never_above_limit(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.send_email", 0);
    CHECK(o, peak <= MB_LIMIT,
          "%lld sends were in flight at once; cfg->limit is %d. Hold a "
          "permit of one semaphore (tg_sem_new(cfg->limit)) around each "
          "send.",
          peak, MB_LIMIT);
    CHECK_VALUE_EQ(o, peak, MB_LIMIT,
                   "At most {actual} sends were in flight at once; with %d "
                   "addresses and a limit of {expected}, {expected} should "
                   "run together.",
                   MB_N);
}

static void bounces_tried_once(const checker_obs *o)
{
    for (int i = 0; i < MB_N; i++) {
        if (!mb_bounces(i))
            continue;
        CHECK_VALUE_EQ(o, (long long)sends(o, i), 1,
                       "%s had {actual} sends, but its first send "
                       "bounced: the mailbox does not exist, and retrying "
                       "will not create it.",
                       TO[i]);
        failed_with(o, i, "BounceError");
        attempts_are(o, i, 1);
    }
}

static void transient_retried(const checker_obs *o)
{
    static const int once[] = {4, 11, MB_SERVER_TIMEOUT};
    for (size_t t = 0; t < sizeof once / sizeof once[0]; t++) {
        int i = once[t];
        CHECK(o, sends(o, i) >= 2,
              "%s's first send failed with a %s, which is transient, and "
              "it was never tried again%s.",
              TO[i],
              i == MB_SERVER_TIMEOUT ? "TimeoutError" : "ConnectionError",
              deadlock_words(o));
        CHECK_VALUE_EQ(o, (long long)sends(o, i), 2,
                       "%s had {actual} send(s); its second send works, "
                       "so {expected} is enough.",
                       TO[i]);
        waited_before_retry(o, i, 0);
        sent_ok(o, i);
        attempts_are(o, i, 2);
    }
}

static void gives_up_after_max(const checker_obs *o)
{
    const int i = MB_ALWAYS_RESET;
    CHECK_VALUE_EQ(o, (long long)sends(o, i), MB_MAX_ATTEMPTS,
                   "%s had {actual} send(s); every send to it is reset, "
                   "and cfg->max_attempts is {expected}.",
                   TO[i]);
    for (size_t k = 0; k + 1 < MB_MAX_ATTEMPTS; k++)
        waited_before_retry(o, i, k);
    failed_with(o, i, "ConnectionError");
    attempts_are(o, i, MB_MAX_ATTEMPTS);
}

static void hung_attempt_times_out(const checker_obs *o)
{
    const int i = MB_HANG;
    long j = nth_send(o, i, 0);
    CHECK(o, j >= 0, "%s was never sent.", TO[i]);
    CHECK(o, strcmp(item_str(o, j, "outcome"), "running") != 0,
          "%s's first send never answered, and it was still waiting when "
          "mail_batch returned%s. Give each attempt a timeout scope "
          "(tg_timeout_enter(cfg->attempt_ms)).",
          TO[i], deadlock_words(o));
    CHECK(o,
          strcmp(item_str(o, j, "outcome"), "cancelled") == 0 &&
              item_int(o, j, "end") - item_int(o, j, "start") == MB_ATTEMPT_MS,
          "%s's first send never answers, so it should have been stopped "
          "%d ms after it started (at %lld ms); it ended %s at %lld ms%s. "
          "Give each attempt a timeout scope of cfg->attempt_ms.",
          TO[i], MB_ATTEMPT_MS, item_int(o, j, "start") + MB_ATTEMPT_MS,
          item_str(o, j, "outcome"), item_int(o, j, "end"), deadlock_words(o));
    CHECK(o, sends(o, i) >= 2,
          "%s's first attempt timed out, which is transient (a "
          "TimeoutError once tg_timeout_exit has seen it), and it was "
          "never tried again.",
          TO[i]);
    waited_before_retry(o, i, 0);
    sent_ok(o, i);
    attempts_are(o, i, 2);
}

static void returns_null(const checker_obs *o)
{
    CHECK_NULL(o, "returned",
               "mail_batch returned {actual}; every failure here is "
               "recorded in its outcome, so it should return NULL%s.",
               deadlock_words(o));
    CHECK_INT_EQ(o, "returned_at", obs_calls_last_end(o, "calls", "send_email"),
                 "mail_batch returned at {actual} ms; the last send ended "
                 "at {expected} ms.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "mail_batch");
}

/* ---- slot_freed: limit 1; ada reset once, ben fine ---------------------- */

static void slot_freed_during_backoff(const checker_obs *o)
{
    long a = nth_send(o, 0, 0), b = nth_send(o, 1, 0);
    CHECK(o, a >= 0 && b >= 0, "Both ada and ben should have been sent.");
    CHECK(o, item_int(o, b, "start") >= item_int(o, a, "end"),
          "With a limit of 1, ben's send started at %lld ms while ada's "
          "was still in flight (until %lld ms): only one send may run at "
          "once.",
          item_int(o, b, "start"), item_int(o, a, "end"));
    CHECK(o, item_int(o, b, "start") == item_int(o, a, "end"),
          "With a limit of 1, ada's first send was reset at %lld ms, but "
          "ben's send only started at %lld ms. While ada waits to retry, "
          "the slot is free: release the permit right after each attempt, "
          "and take it again for the next one, so that ben can go at %lld "
          "ms.",
          item_int(o, a, "end"), item_int(o, b, "start"),
          item_int(o, a, "end"));
    sent_ok(o, 0);
    sent_ok(o, 1);
}

/* ---- bug: dee's send raises a TypeError at 20 ms ------------------------ */

static void bug_propagates(const checker_obs *o)
{
    for (int i = 0; i < MB_SMALL_N; i++)
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i), "TypeError"),
              "outs[%d].error holds the injected TypeError, recorded as a "
              "failed send. Only an EmailError (or a transient error, once "
              "the attempts run out) is a failure to record; a bug must "
              "be raised (tg_raise) so that it stops the batch and "
              "reaches the caller.",
              i);
    CHECK(o, obs_error_find(o, "returned", "TypeError", NULL) != NULL,
          "mail_batch returned %s, without the injected TypeError that "
          "the send to %s raised at %d ms.",
          obs_describe(o, "returned"), TO[MB_BUG], MB_BUG_MS);
    CHECK_INT_EQ(o, "returned_at", MB_BUG_MS,
                 "mail_batch returned at {actual} ms; the bug was raised at "
                 "{expected} ms and should stop the batch right then.");
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} sends were still in flight when mail_batch "
                   "returned; expected {expected}.");
    for (int i = 0; i < MB_SMALL_N; i++) {
        address_kept(o, i);
        status_is(o, i, SKIPPED);
    }
}

static void no_leaks_after_bug(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "mail_batch");
}

/* ---- cancel: cancelled at 60 ms ------------------------------------------ */

static void cancel_propagates(const checker_obs *o)
{
    CHECK(o, obs_int(o, "returned_at") >= MB_CANCEL_MS,
          "mail_batch returned at %lld ms, before the cancellation at %d ms "
          "could arrive. Every send to ben@example.com is reset after %d "
          "ms, a transient failure: at %d ms it should still be waiting to "
          "try again.",
          obs_int(o, "returned_at"), MB_CANCEL_MS, MB_RESET_MS, MB_CANCEL_MS);
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "mail_batch was cancelled at %d ms and should return "
                     "the CancelledError; it returned {actual}.",
                     MB_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", MB_CANCEL_MS,
                 "mail_batch returned at {actual} ms; it was cancelled at "
                 "{expected} ms and should stop right then: sends, waits "
                 "for a permit and backoffs all end at once.");
    CHECK_VALUE_EQ(o, obs_int(o, "in_flight_after"), 0,
                   "{actual} sends were still in flight when mail_batch "
                   "returned; expected {expected}.");
}

static void unfinished_skipped(const checker_obs *o)
{
    for (int i = 0; i < MB_SMALL_N; i++) {
        CHECK(o,
              !obs_error_is(o, checker_path("outs.%d.error", i),
                            "CancelledError"),
              "outs[%d].error holds a CancelledError: a cancellation is "
              "not a failed send. Raise it (tg_raise) and leave the "
              "outcome as it was: skipped.",
              i);
        address_kept(o, i);
        /* ada, cal, dee were sent at 40 ms; the others were cut short. */
        if (i == 0 || i == 2 || i == 3) {
            sent_ok(o, i);
            continue;
        }
        long long s = obs_int(o, checker_path("outs.%d.status", i));
        CHECK(o, i != 1 || s != FAILED || sends(o, 1) > 1,
              "outs[1] (ben@example.com) is MAIL_FAILED after one send: "
              "its send was reset at %d ms, a transient failure, so it "
              "should have been waiting to try again when the "
              "cancellation came at %d ms -- and then left skipped.",
              MB_RESET_MS, MB_CANCEL_MS);
        CHECK(o, s == SKIPPED,
              "outs[%d] (%s) is %s, but its send never finished: it was "
              "cut short by the cancellation at %d ms%s. Fill every "
              "outcome as MAIL_SKIPPED, with its address, before the "
              "tasks start; a task overwrites its outcome only when it "
              "finishes.",
              i, TO[i], status_word(s), MB_CANCEL_MS,
              i == 1 ? " (during a backoff)" : "");
        CHECK_NULL(o, checker_path("outs.%d.receipt", i),
                   "outs[%d] is skipped but has the receipt {actual}.", i);
        CHECK_NULL(o, checker_path("outs.%d.error", i),
                   "outs[%d] is skipped but holds the error {actual}.", i);
    }
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "mail_batch");
}

const checker_check CHECKER_CHECKS[] = {
    {"one_outcome_each", "batch", one_outcome_each},
    {"never_above_limit", "batch", never_above_limit},
    {"bounces_tried_once", "batch", bounces_tried_once},
    {"transient_retried", "batch", transient_retried},
    {"gives_up_after_max", "batch", gives_up_after_max},
    {"hung_attempt_times_out", "batch", hung_attempt_times_out},
    {"returns_null", "batch", returns_null},
    {"no_leaks", "batch", no_leaks},
    {"slot_freed_during_backoff", "slot_freed", slot_freed_during_backoff},
    {"bug_propagates", "bug", bug_propagates},
    {"no_leaks_after_bug", "bug", no_leaks_after_bug},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"unfinished_skipped", "cancel", unfinished_skipped},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
