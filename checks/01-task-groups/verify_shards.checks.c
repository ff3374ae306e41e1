/*
 * verify_shards.checks.c -- the checks of 01-task-groups/verify_shards,
 * run by the trusted checker on what verify_shards.probe.c observed.
 *
 * What they catch, from lesson 01: the group's error tested with
 * tg_error_is(eg, &IntegrityError), which is false for a group, so
 * corruption is reported as soundness; the group's error unwrapped,
 * rebuilt or filtered instead of returned as it is; failures wrapped so
 * that the group never aborts (no fail-fast); a bug or a cancellation
 * dropped; verifications one after another; leaks.
 */
#include <string.h>

#include "checker.h"
#include "verify_shards.scenario.h"

#define WAIT_GROUP "ExceptionGroup: unhandled errors in a TaskGroup"

static const char *corrupt_message(int i)
{
    return checker_fmt("checksum mismatch in %s", VS_SHARDS[i]);
}

/* The returned error is a group: says what it is instead, if not. */
static void need_group(const checker_obs *o, const char *what_failed)
{
    CHECK_NOT_NULL(
        o, "returned",
        "verify_shards returned NULL, which tells its caller that every "
        "shard is sound; but %s. When a task fails, tg_group_wait returns "
        "an ExceptionGroup holding the failure -- a group, never the "
        "IntegrityError itself, so tg_error_is(eg, &IntegrityError) is "
        "false. Return whatever the wait returned.",
        what_failed);
    CHECK(o, obs_error_is(o, "returned", "ExceptionGroup"),
          "verify_shards returned %s, not a group. The contract asks for "
          "the error tg_group_wait returned, as it returned it: the "
          "ExceptionGroup that holds every failure.",
          obs_describe(o, "returned"));
}

/* ---- all_sound: six shards, 150 to 250 ms each --------------------------- */

static void all_sound_returns_null(const checker_obs *o)
{
    for (int i = 0; i < VS_N; i++)
        CHECK(o,
              obs_calls_count(o, "calls", "db_verify", VS_SHARDS[i], NULL) ==
                  1,
              "db_verify was called %zu times for %s; expected once per "
              "shard.",
              obs_calls_count(o, "calls", "db_verify", VS_SHARDS[i], NULL),
              VS_SHARDS[i]);
    CHECK_NULL(o, "returned",
               "Every shard is sound, so verify_shards should return NULL; "
               "it returned {actual}.");
    CHECK_INT_EQ(o, "returned_at", obs_calls_last_end(o, "calls", "db_verify"),
                 "verify_shards returned at {actual} ms, but the last "
                 "verification ended at {expected} ms: wait for the group "
                 "once, after spawning every task, and return then.");
}

static void runs_concurrently(const checker_obs *o)
{
    long long peak = obs_int_or(o, "calls.max_in_flight.db_verify", 0);
    CHECK_VALUE_EQ(o, peak, VS_N,
                   "The most verifications in flight at once was {actual}; "
                   "expected all {expected} together. Spawn one task per "
                   "shard into one group, then wait once.");
}

/* ---- one_corrupt: shard-4 fails with an IntegrityError at 30 ms ---------- */

static void corruption_reported(const checker_obs *o)
{
    need_group(o, checker_fmt("%s failed at %d ms with IntegrityError: %s",
                              VS_SHARDS[VS_CORRUPT], VS_CORRUPT_MS,
                              corrupt_message(VS_CORRUPT)));
    CHECK_TREE(o, "returned",
               checker_fmt(WAIT_GROUP "\n+-- IntegrityError: %s",
                           corrupt_message(VS_CORRUPT)),
               "verify_shards should return the group tg_group_wait "
               "returned, unchanged: one IntegrityError naming %s.",
               VS_SHARDS[VS_CORRUPT]);
}

static void fails_fast(const checker_obs *o)
{
    long long at = obs_int(o, "returned_at");
    size_t delivered = obs_calls_count(o, "calls", "db_verify", NULL, "ok");
    CHECK(o, delivered == 0,
          "%zu of the other verifications ran to the end, and verify_shards "
          "returned at %lld ms. %s was corrupt at %d ms, and that answers "
          "the question: let its task fail (return tg_raise(err)) so that "
          "the group cancels the rest at once.",
          delivered, at, VS_SHARDS[VS_CORRUPT], VS_CORRUPT_MS);
    CHECK_INT_EQ(o, "returned_at", VS_CORRUPT_MS,
                 "verify_shards returned at {actual} ms; expected {expected} "
                 "ms, when %s failed and the group cancelled the others.",
                 VS_SHARDS[VS_CORRUPT]);
    CHECK_VALUE_EQ(o,
                   (long long)obs_calls_count(o, "calls", "db_verify", NULL,
                                              "cancelled"),
                   VS_N - 1,
                   "{actual} verifications were cancelled; expected the "
                   "{expected} others, at %d ms.",
                   VS_CORRUPT_MS);
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "verify_shards");
}

/* ---- two_corrupt: shard-2 and shard-5 fail at the same 30 ms ------------- */

static void both_corruptions_kept(const checker_obs *o)
{
    need_group(o, checker_fmt("%s and %s failed at %d ms", VS_SHARDS[VS_CORRUPT_A],
                              VS_SHARDS[VS_CORRUPT_B], VS_CORRUPT_MS));
    static const int bad[] = {VS_CORRUPT_A, VS_CORRUPT_B};
    for (size_t k = 0; k < 2; k++) {
        int i = bad[k];
        CHECK(o,
              obs_error_find(o, "returned", "IntegrityError",
                             corrupt_message(i)) != NULL,
              "%s and %s were both corrupt, failing at the same %d ms, and "
              "the group's error holds both; but what verify_shards "
              "returned has no IntegrityError for %s:\n%s\nReturn the "
              "whole group, not only its first error.",
              VS_SHARDS[VS_CORRUPT_A], VS_SHARDS[VS_CORRUPT_B],
              VS_CORRUPT_MS, VS_SHARDS[i], obs_outline(o, "returned"));
    }
    CHECK_VALUE_EQ(o, (long long)obs_error_leaf_count(o, "returned"), 2,
                   "The group verify_shards returned holds {actual} errors; "
                   "expected {expected}, one per corrupt shard.");
}

/* ---- bug: shard-3's verification raises a TypeError at 40 ms ------------- */

static void bug_propagates(const checker_obs *o)
{
    need_group(o, checker_fmt("db_verify raised a bug (a TypeError) for %s "
                              "at %d ms",
                              VS_SHARDS[VS_BUG], VS_BUG_MS));
    CHECK(o,
          obs_error_find(o, "returned", "TypeError",
                         "bug in db_verify (injected)") != NULL,
          "db_verify raised a bug (a TypeError) for %s at %d ms, but what "
          "verify_shards returned does not hold it:\n%s\nEvery failure "
          "goes back to the caller, not only corruption: return the "
          "group's error as it is.",
          VS_SHARDS[VS_BUG], VS_BUG_MS, obs_outline(o, "returned"));
}

/* ---- cancel: verify_shards' task is cancelled at 50 ms ------------------- */

static void cancel_propagates(const checker_obs *o)
{
    CHECK_ERROR_TYPE(o, "returned", "CancelledError",
                     "verify_shards was cancelled at %d ms and should return "
                     "the CancelledError tg_group_wait gave it; it returned "
                     "{actual}. A cancellation is not \"every shard is "
                     "sound\".",
                     VS_CANCEL_MS);
    CHECK_INT_EQ(o, "returned_at", VS_CANCEL_MS,
                 "verify_shards returned at {actual} ms; it was cancelled "
                 "at {expected} ms and should stop right then.");
}

static void no_leaks_after_cancel(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "verify_shards");
}

const checker_check CHECKER_CHECKS[] = {
    {"all_sound_returns_null", "all_sound", all_sound_returns_null},
    {"runs_concurrently", "all_sound", runs_concurrently},
    {"corruption_reported", "one_corrupt", corruption_reported},
    {"fails_fast", "one_corrupt", fails_fast},
    {"no_leaks", "one_corrupt", no_leaks},
    {"both_corruptions_kept", "two_corrupt", both_corruptions_kept},
    {"bug_propagates", "bug", bug_propagates},
    {"cancel_propagates", "cancel", cancel_propagates},
    {"no_leaks_after_cancel", "cancel", no_leaks_after_cancel},
    {NULL, NULL, NULL},
};
