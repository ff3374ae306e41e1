/*
 * test_exercises.c -- the exercises end to end, without the sandbox: each
 * solution, starter and fixture (tests/exercises/fixtures) compiled with
 * plain cc, linked with its exercise's prebuilt probe, run under seeds 1,
 * 2 and 3, and graded by its checker.  It checks the content and the
 * grading machinery the runner's pipeline builds on:
 *
 *   - every exercise of the manifest: its solution passes every check
 *     under every seed, its starter fails some check, and both define
 *     only the manifest's functions;
 *   - the starters listed in STARTERS fail exactly the checks their
 *     lessons predict, under every seed, and so does each wrong variant
 *     in VARIANTS (tests/exercises/fixtures);
 *   - a crash, an endless loop, exit(0), an output flood or forged frames
 *     fail their own runs, with messages that say so, and nothing else;
 *   - the same seed gives byte-identical frames;
 *   - the checker turns malformed, cut-short, mismatched or missing frames
 *     into failed verdicts, never into a pass or a crash;
 *   - the manifest and the checkers agree.
 *
 * Run from the repository root (make test does).  The artefacts come from
 * the build tree this binary lives in (build/ or build/asan/); under ASan
 * the submissions are compiled with the sanitizers too.  Needs cc, nm and
 * pkg-config, like the lab itself.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#ifdef UNDER_ASAN
#define SAN_FLAGS "-fsanitize=address,undefined -fno-omit-frame-pointer "
#else
#define SAN_FLAGS ""
#endif

#define MAX_CHECKS 32

static char build_dir[PATH_MAX]; /* absolute: the tree this binary is in */
static char work_dir[PATH_MAX];  /* scratch, removed at the end */

/* ---- helpers ----------------------------------------------------------- */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0)
        s = NULL;
    va_end(ap);
    assert_non_null(s);
    return s;
}

/* Runs a shell command; returns its exit status. */
static int sh(const char *cmd)
{
    int rc = system(cmd);
    return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* "01-task-groups/send_all" -> "01-task-groups" (static buffer). */
static const char *topic_of(const char *id)
{
    static char topic[128];
    snprintf(topic, sizeof topic, "%s", id);
    char *slash = strchr(topic, '/');
    if (slash)
        *slash = '\0';
    return topic;
}

static const char *checker_of(const char *id)
{
    static char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/checks/%s.checker", build_dir, id);
    return path;
}

/*
 * Compiles learner_file for exercise id the way the pipeline does (plus
 * -Werror when strict) and links it with the prebuilt probe.  Returns the
 * probe's path (malloc'd) in a fresh directory named tag.
 */
static char *build_probe(const char *id, const char *learner_file,
                         const char *tag, bool strict)
{
    char *dir = fmt("%s/%s", work_dir, tag);
    mkdir(dir, 0700);
    char *obj = fmt("%s/learner.o", dir);
    char *probe = fmt("%s/probe", dir);
    char *cc = fmt("cc -std=c11 -Wall -Wextra %s-O1 -g " SAN_FLAGS
                   "-Icore/include -Iexercises/support -Iexercises/%s "
                   "-c '%s' -o '%s'",
                   strict ? "-Werror " : "", topic_of(id), learner_file, obj);
    assert_int_equal(sh(cc), 0);
    char *ld = fmt("cc " SAN_FLAGS "-o '%s' '%s' '%s/checks/%s.probe.o' "
                   "'%s/checks/libprobe.a' '%s/exercises/libworld.a' "
                   "'%s/libtg.a' $(pkg-config --libs libuv jansson) -lm",
                   probe, obj, build_dir, id, build_dir, build_dir, build_dir);
    assert_int_equal(sh(ld), 0);
    free(cc);
    free(ld);
    free(obj);
    free(dir);
    return probe;
}

/* The checker's {"checks": [...]}, parsed. */
static json_t *list_checks(const char *id)
{
    char *out = fmt("%s/list.json", work_dir);
    char *cmd = fmt("'%s' --list > '%s'", checker_of(id), out);
    assert_int_equal(sh(cmd), 0);
    json_t *doc = json_load_file(out, 0, NULL);
    assert_non_null(doc);
    free(cmd);
    free(out);
    return doc;
}

/* "--run a:1 --run a:2 ..." for every scenario of id under seeds. */
static char *run_args(const char *id, const int *seeds, size_t nseeds)
{
    json_t *doc = list_checks(id);
    json_t *checks = json_object_get(doc, "checks");
    char *args = strdup("");
    const char *seen[MAX_CHECKS];
    size_t nseen = 0, i;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        const char *sc = json_string_value(json_object_get(c, "scenario"));
        bool dup = false;
        for (size_t k = 0; k < nseen; k++)
            dup = dup || strcmp(seen[k], sc) == 0;
        if (dup || nseen == MAX_CHECKS)
            continue;
        seen[nseen++] = sc;
        for (size_t s = 0; s < nseeds; s++) {
            char *more = fmt("%s --run %s:%d", args, sc, seeds[s]);
            free(args);
            args = more;
        }
    }
    json_decref(doc);
    return args;
}

static const int SEEDS[] = {1, 2, 3};

/* Runs probe on every scenario under seeds 1..3; returns the frames file. */
static char *run_probe(const char *id, const char *probe, const char *tag,
                       unsigned timeout_ms)
{
    char *args = run_args(id, SEEDS, 3);
    char *frames = fmt("%s/%s.frames", work_dir, tag);
    char *cmd = fmt("'%s'%s --timeout-ms %u > '%s' 2>/dev/null", probe, args,
                    timeout_ms, frames);
    assert_int_equal(sh(cmd), 0);
    free(cmd);
    free(args);
    return frames;
}

/* The checker's verdicts on frames, parsed; *rc gets its exit status. */
static json_t *grade(const char *id, const char *frames, int *rc)
{
    char *out = fmt("%s.verdicts", frames);
    char *cmd = fmt("'%s' --reports '%s' > '%s' 2>/dev/null", checker_of(id),
                    frames, out);
    *rc = sh(cmd);
    json_t *v = json_load_file(out, 0, NULL);
    if (!json_is_array(v)) {
        char *text = slurp(out);
        print_error("checker output is not a JSON array: %s\n",
                    text ? text : "(none)");
        free(text);
        fail();
    }
    free(cmd);
    free(out);
    return v;
}

static bool in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

/*
 * Asserts that exactly the checks in fails fail, under every seed, and
 * prints the verdicts that break the rule.
 */
static void expect_failures(json_t *verdicts, const char *what,
                            const char *const *fails)
{
    size_t i;
    json_t *v;
    int bad = 0;
    json_array_foreach(verdicts, i, v)
    {
        const char *check = json_string_value(json_object_get(v, "check"));
        bool passed = json_is_true(json_object_get(v, "passed"));
        bool should_fail = in_list(fails, check);
        if (passed == should_fail) {
            const char *msg = json_string_value(json_object_get(v, "message"));
            print_error(
                "%s: check %s (seed %lld) %s; expected it to %s.%s%s\n", what,
                check,
                (long long)json_integer_value(json_object_get(v, "seed")),
                passed ? "passed" : "failed", should_fail ? "fail" : "pass",
                msg ? "\n  " : "", msg ? msg : "");
            bad++;
        }
    }
    for (const char *const *f = fails; *f; f++) {
        bool seen = false;
        json_array_foreach(verdicts, i, v)
        {
            seen =
                seen ||
                strcmp(json_string_value(json_object_get(v, "check")), *f) == 0;
        }
        if (!seen) {
            print_error("%s: no verdict for check %s\n", what, *f);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Every verdict failed, and its message contains needle. */
static void expect_all_failed_with(json_t *verdicts, const char *needle)
{
    size_t i;
    json_t *v;
    assert_true(json_array_size(verdicts) > 0);
    json_array_foreach(verdicts, i, v)
    {
        const char *msg = json_string_value(json_object_get(v, "message"));
        assert_false(json_is_true(json_object_get(v, "passed")));
        assert_non_null(msg);
        if (!strstr(msg, needle)) {
            print_error("message lacks \"%s\": %s\n", needle, msg);
            fail();
        }
    }
}

/* The frames of a frames file, parsed (every JSON line between markers). */
static json_t *load_frames(const char *frames)
{
    char *text = slurp(frames);
    assert_non_null(text);
    json_t *all = json_array();
    char *save = NULL;
    bool want = false;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "@@tglab-frame-begin ", 20) == 0) {
            want = true;
        } else if (want) {
            json_t *f = json_loads(line, 0, NULL);
            assert_non_null(f);
            json_array_append_new(all, f);
            want = false;
        }
    }
    free(text);
    return all;
}

/* ---- the exercises ------------------------------------------------------ */

/* The manifest (loaded by setup): every exercise in it is built and
 * graded. */
static json_t *manifest;

static size_t exercise_count(void)
{
    return json_array_size(json_object_get(manifest, "exercises"));
}

static const char *exercise_id(size_t i)
{
    json_t *ex = json_array_get(json_object_get(manifest, "exercises"), i);
    return json_string_value(json_object_get(ex, "id"));
}

static bool exercise_defines(size_t i, const char *name)
{
    json_t *ex = json_array_get(json_object_get(manifest, "exercises"), i);
    size_t k;
    json_t *f;
    json_array_foreach(json_object_get(ex, "functions"), k, f)
    {
        if (strcmp(json_string_value(f), name) == 0)
            return true;
    }
    return false;
}

/*
 * What each starter must fail, exactly, as its lesson predicts.  A starter
 * of an exercise not listed here must fail at least one check.
 */
typedef struct prediction {
    const char *id;
    const char *fails[MAX_CHECKS];
} prediction;

static const prediction STARTERS[] = {
    {"00-welcome/nap_together",
     {"naps_run_together", "one_task_per_nap", "waits_for_the_longer_nap",
      NULL}},
    {"00-welcome/build_error",
     {"one_note", "cause_released_with_error", "uses_its_arguments",
      "no_leaks", NULL}},
    {"01-task-groups/send_all",
     {"all_sends_finish", "bounces_recorded", "receipts_recorded",
      "returns_null", "email_errors_recorded", "bug_propagates", NULL}},
    {"02-success-or-failure/count_sent",
     {"sent_counts_deliveries", "tags_match_outcomes", "failures_hold_errors",
      NULL}},
    {"02-success-or-failure/lookup_all",
     {"empty_value_is_found", "missing_key_has_error",
      "transient_failures_have_errors", NULL}},
    {"03-catch-what-you-expect/safe_send",
     {"bug_propagates", "bug_leaves_out_untouched", "cancel_propagates",
      "cancel_leaves_out_untouched", NULL}},
    {"03-catch-what-you-expect/safe_fetch",
     {"value_error_propagates", "key_error_propagates", NULL}},
    {"04-keep-the-context/keep_reason",
     {"address_copied", "error_kept", "success_recorded", NULL}},
    {"04-keep-the-context/explain_charge",
     {"declined_becomes_order_error", "declined_is_the_cause",
      "reset_keeps_type", "reset_noted", "bug_keeps_type",
      "cancel_keeps_type", NULL}},
    {"05-one-shape-for-outcomes/send_outcome",
     {"input_copied", "odd_receipts_ok", "clear_frees_everything",
      "clear_leaves_zeros", NULL}},
    {"01-task-groups/verify_shards",
     {"corruption_reported", "both_corruptions_kept", "bug_propagates",
      "cancel_propagates", NULL}},
    {"05-one-shape-for-outcomes/fetch_outcome",
     {"ok_outcome_complete", "failed_outcomes_complete",
      "clear_frees_everything", "clear_leaves_zeros", NULL}},
    {"06-error-groups/bundle_errors",
     {"all_failures_grouped", "group_message", "one_failure_still_a_group",
      NULL}},
    {"06-error-groups/split_retryable",
     {"retry_keeps_shape", "give_up_keeps_shape", "nested_retryables_found",
      "all_retryable_one_part", "none_retryable_one_part", NULL}},
    {"06-error-groups/critical_only",
     {"critical_leaves_kept", "minor_errors_left_out",
      "inner_group_not_taken_whole", "no_critical_is_null", NULL}},
    {"07-except-star/tally_failures",
     {"bounces_counted", "drops_counted", "rest_propagates",
      "all_handled_is_null", NULL}},
    {"07-except-star/settle_payments",
     {"declines_reraised", "ledger_error_raised", "ledger_context",
      "result_shape", "declines_keep_shape", "lone_ledger_error", NULL}},
    {"08-partial-failures/fetch_all",
     {"every_fetch_finishes", "slow_pages_kept", "urls_recorded",
      "returns_null_at_the_end", "bug_propagates", "cancel_propagates", NULL}},
    {"08-partial-failures/fetch_report",
     {"bodies_match_urls", "failures_in_url_order", "failures_noted", NULL}},
    {"09-robust-operations/with_defaults",
     {"recoverable_logged", "corruption_propagates", "corruption_logged",
      "corruption_wins_over_default", "bug_propagates", "cancel_propagates",
      NULL}},
    {"09-robust-operations/cached_fallback",
     {"not_found_not_cached", "bug_propagates", "cancel_propagates",
      "cancel_during_cache_read", NULL}},
    {"10-timeouts-and-cleanup/fetch_within",
     {"fast_fetch_returns_at_once", "slow_fetch_times_out", "timeout_has_cause",
      NULL}},
    {"10-timeouts-and-cleanup/fetch_both",
     {"no_leaks_when_b_fails", "no_leaks_after_bug", "no_leaks_on_cancel",
      NULL}},
    {"11-retries-with-backoff/backoff_delay",
     {"doubles_each_attempt", "stays_at_cap", "huge_attempts_capped", NULL}},
    {"11-retries-with-backoff/send_with_retry",
     {"backs_off", "jitter_from_seed", "bounce_not_retried", "bug_not_retried",
      "gives_up_after_max", "last_error_kept", "backoff_capped",
      "stops_when_cancelled_waiting", "stops_when_cancelled_sending", NULL}},
    {"12-bounded-concurrency/send_limited",
     {"no_deadlock", "every_address_sent", "slots_kept_busy", NULL}},
    {"12-bounded-concurrency/fetch_pool",
     {"finishes_with_slowest", "slots_kept_busy", "fetches_start_in_order",
      NULL}},
    {"13-capstone-batch-mailer/mail_batch",
     {"one_outcome_each", "never_above_limit", "transient_retried",
      "gives_up_after_max", "hung_attempt_times_out", "returns_null",
      "slot_freed_during_backoff", "bug_propagates", "cancel_propagates",
      "unfinished_skipped", NULL}},
    {"13-capstone-batch-mailer/batch_report",
     {"counts_line", "failure_lines", "skipped_lines", "exact_text",
      "text_taken_literally", "long_batch_whole", NULL}},
    {"13-capstone-batch-mailer/batch_deadline",
     {"returns_at_deadline", "nothing_runs_past_deadline", "rest_skipped",
      NULL}},
};

static const prediction *predicted(const char *id)
{
    for (size_t i = 0; i < sizeof STARTERS / sizeof STARTERS[0]; i++)
        if (strcmp(STARTERS[i].id, id) == 0)
            return &STARTERS[i];
    return NULL;
}

/* Wrong variants and what each must fail. */
typedef struct variant {
    const char *fixture; /* in tests/exercises/fixtures */
    const char *id;
    const char *fails[MAX_CHECKS];
} variant;

static const variant VARIANTS[] = {
    {"nap_together_one_by_one.c",
     "00-welcome/nap_together",
     {"naps_run_together", "waits_for_the_longer_nap", NULL}},
    {"nap_together_drops_error.c",
     "00-welcome/nap_together",
     {"cancel_propagates", NULL}},
    {"nap_together_no_free.c",
     "00-welcome/nap_together",
     {"no_leaks", "no_leaks_after_cancel", NULL}},
    {"build_error_context.c",
     "00-welcome/build_error",
     {"cause_attached", NULL}},
    {"build_error_swapped.c",
     "00-welcome/build_error",
     {"type_and_message", "one_note", "cause_attached", "uses_its_arguments",
      NULL}},
    {"build_error_fixed_note.c",
     "00-welcome/build_error",
     {"uses_its_arguments", NULL}},
    {"send_all_catch_all.c",
     "01-task-groups/send_all",
     {"bug_propagates", "cancel_not_recorded", NULL}},
    {"send_all_bounce_only.c",
     "01-task-groups/send_all",
     {"email_errors_recorded", NULL}},
    {"send_all_sequential.c",
     "01-task-groups/send_all",
     {"returns_null", "runs_concurrently", NULL}},
    {"send_all_leak_receipt.c", "01-task-groups/send_all", {"no_leaks", NULL}},
    {"send_all_extra_ref.c",
     "01-task-groups/send_all",
     {"no_leaks", "no_leaks_after_bug", NULL}},
    {"send_all_no_group_free.c",
     "01-task-groups/send_all",
     {"no_leaks", "no_leaks_after_bug", "no_leaks_after_cancel", NULL}},
    {"send_outcome_borrow_input.c",
     "05-one-shape-for-outcomes/send_outcome",
     {"input_copied", "clear_frees_everything", NULL}},
    {"send_outcome_catch_all.c",
     "05-one-shape-for-outcomes/send_outcome",
     {"bug_propagates", "cancel_not_recorded", NULL}},
    {"send_outcome_clear_no_zero.c",
     "05-one-shape-for-outcomes/send_outcome",
     {"clear_leaves_zeros", NULL}},
    {"send_outcome_sequential.c",
     "05-one-shape-for-outcomes/send_outcome",
     {"runs_concurrently", NULL}},
    {"verify_shards_first_leaf.c",
     "01-task-groups/verify_shards",
     {"corruption_reported", "both_corruptions_kept", "bug_propagates", NULL}},
    {"verify_shards_subgroup.c",
     "01-task-groups/verify_shards",
     {"bug_propagates", "cancel_propagates", NULL}},
    {"verify_shards_wrapped.c",
     "01-task-groups/verify_shards",
     {"corruption_reported", "fails_fast", "both_corruptions_kept", NULL}},
    {"verify_shards_sequential.c",
     "01-task-groups/verify_shards",
     {"runs_concurrently", "corruption_reported", "fails_fast",
      "both_corruptions_kept", "bug_propagates", NULL}},
    {"count_sent_tag_only_on_success.c",
     "02-success-or-failure/count_sent",
     {"sent_counts_deliveries", "tags_match_outcomes", NULL}},
    {"count_sent_catch_all.c",
     "02-success-or-failure/count_sent",
     {"bug_propagates", "cancel_propagates", NULL}},
    {"count_sent_error_copy.c",
     "02-success-or-failure/count_sent",
     {"failures_hold_errors", NULL}},
    {"lookup_all_no_reason.c",
     "02-success-or-failure/lookup_all",
     {"missing_key_has_error", "transient_failures_have_errors", NULL}},
    {"lookup_all_key_error_only.c",
     "02-success-or-failure/lookup_all",
     {"transient_failures_have_errors", "returns_null", NULL}},
    {"lookup_all_catch_all.c",
     "02-success-or-failure/lookup_all",
     {"bug_propagates", "cancel_propagates", NULL}},
    {"safe_send_broad.c",
     "03-catch-what-you-expect/safe_send",
     {"bug_propagates", "bug_leaves_out_untouched", NULL}},
    {"safe_send_bounce_only.c",
     "03-catch-what-you-expect/safe_send",
     {"email_error_recorded", "timeout_recorded", "reset_recorded", NULL}},
    {"safe_send_writes_first.c",
     "03-catch-what-you-expect/safe_send",
     {"bug_leaves_out_untouched", "cancel_leaves_out_untouched", NULL}},
    {"safe_send_wraps.c",
     "03-catch-what-you-expect/safe_send",
     {"bug_propagates", "cancel_propagates", NULL}},
    {"safe_fetch_http_only.c",
     "03-catch-what-you-expect/safe_fetch",
     {"reset_recorded", "timeout_recorded", NULL}},
    {"safe_fetch_denylist.c",
     "03-catch-what-you-expect/safe_fetch",
     {"key_error_propagates", NULL}},
    {"safe_fetch_if_err.c",
     "03-catch-what-you-expect/safe_fetch",
     {"value_error_propagates", "key_error_propagates", "cancel_propagates",
      NULL}},
    {"keep_reason_free_receipt_only.c",
     "04-keep-the-context/keep_reason",
     {"record_freed", "success_record_freed", NULL}},
    {"keep_reason_message_copy.c",
     "04-keep-the-context/keep_reason",
     {"error_kept", NULL}},
    {"keep_reason_extra_ref.c",
     "04-keep-the-context/keep_reason",
     {"record_freed", NULL}},
    {"explain_charge_wrap_all.c",
     "04-keep-the-context/explain_charge",
     {"reset_keeps_type", "reset_noted", "bug_keeps_type", "cancel_keeps_type",
      NULL}},
    {"explain_charge_ref_cause.c",
     "04-keep-the-context/explain_charge",
     {"no_leaks", NULL}},
    {"explain_charge_note_only.c",
     "04-keep-the-context/explain_charge",
     {"declined_becomes_order_error", "declined_is_the_cause", NULL}},
    {"fetch_outcome_url_first.c",
     "05-one-shape-for-outcomes/fetch_outcome",
     {"bug_leaves_out_alone", "no_leaks_after_bug", "cancel_leaves_out_alone",
      "no_leaks_after_cancel", NULL}},
    {"fetch_outcome_catch_all.c",
     "05-one-shape-for-outcomes/fetch_outcome",
     {"bug_returned", "bug_leaves_out_alone", "cancel_returned",
      "cancel_leaves_out_alone", NULL}},
    {"fetch_outcome_copy_error.c",
     "05-one-shape-for-outcomes/fetch_outcome",
     {"failed_outcomes_complete", NULL}},
    {"fetch_outcome_clear_zero_only.c",
     "05-one-shape-for-outcomes/fetch_outcome",
     {"no_leaks", "no_leaks_after_failures", "clear_frees_everything", NULL}},
    {"bundle_errors_extra_ref.c",
     "06-error-groups/bundle_errors",
     {"no_leaks", NULL}},
    {"bundle_errors_releases_outcomes.c",
     "06-error-groups/bundle_errors",
     {"outcomes_untouched", NULL}},
    {"bundle_errors_empty_group.c",
     "06-error-groups/bundle_errors",
     {"no_failure_is_null", NULL}},
    {"bundle_errors_copies.c",
     "06-error-groups/bundle_errors",
     {"all_failures_grouped", "one_failure_still_a_group", NULL}},
    {"split_retryable_consumes.c",
     "06-error-groups/split_retryable",
     {"eg_unchanged", NULL}},
    {"split_retryable_copies.c",
     "06-error-groups/split_retryable",
     {"leaves_shared", "all_retryable_one_part", NULL}},
    {"split_retryable_unset.c",
     "06-error-groups/split_retryable",
     {"retry_keeps_shape", "give_up_keeps_shape", "nested_retryables_found",
      "leaves_shared", "none_retryable_one_part", NULL}},
    {"critical_only_not_top.c",
     "06-error-groups/critical_only",
     {"inner_group_not_taken_whole", NULL}},
    {"critical_only_flat.c",
     "06-error-groups/critical_only",
     {"critical_leaves_kept", "inner_group_not_taken_whole", NULL}},
    {"critical_only_consumes.c",
     "06-error-groups/critical_only",
     {"eg_unchanged", NULL}},
    {"tally_failures_count_calls.c",
     "07-except-star/tally_failures",
     {"bounces_counted", NULL}},
    {"tally_failures_double_unref.c",
     "07-except-star/tally_failures",
     {"raised_released_once", NULL}},
    {"tally_failures_catch_all.c",
     "07-except-star/tally_failures",
     {"rest_propagates", "cancel_propagates", NULL}},
    {"tally_failures_count_only.c",
     "07-except-star/tally_failures",
     {"rest_propagates", "all_handled_is_null", "bare_bounce_counted", NULL}},
    {"settle_payments_catch_all.c",
     "07-except-star/settle_payments",
     {"bug_and_cancel_propagate", NULL}},
    {"settle_payments_log_group.c",
     "07-except-star/settle_payments",
     {"declines_logged", NULL}},
    {"settle_payments_reraise_ref.c",
     "07-except-star/settle_payments",
     {"raised_released_once", NULL}},
    {"fetch_all_arrival_order.c",
     "08-partial-failures/fetch_all",
     {"outcomes_match_urls", NULL}},
    {"fetch_all_catch_all.c",
     "08-partial-failures/fetch_all",
     {"bug_propagates", "cancel_not_recorded", NULL}},
    {"fetch_all_sequential.c",
     "08-partial-failures/fetch_all",
     {"returns_null_at_the_end", "runs_concurrently", NULL}},
    {"fetch_report_no_notes.c",
     "08-partial-failures/fetch_report",
     {"failures_noted", NULL}},
    {"fetch_report_catch_all.c",
     "08-partial-failures/fetch_report",
     {"bug_propagates", "cancel_propagates", NULL}},
    {"with_defaults_decide_in_handler.c",
     "09-robust-operations/with_defaults",
     {"corruption_wins_over_default", NULL}},
    {"with_defaults_silent.c",
     "09-robust-operations/with_defaults",
     {"recoverable_logged", "corruption_wins_over_default", NULL}},
    {"with_defaults_any_exception.c",
     "09-robust-operations/with_defaults",
     {"bug_propagates", NULL}},
    {"cached_fallback_reset_only.c",
     "09-robust-operations/cached_fallback",
     {"timeout_uses_cache", NULL}},
    {"cached_fallback_silent.c",
     "09-robust-operations/cached_fallback",
     {"fallback_logged", NULL}},
    {"cached_fallback_returns_keyerror.c",
     "09-robust-operations/cached_fallback",
     {"miss_returns_original", NULL}},
    {"cached_fallback_any_miss.c",
     "09-robust-operations/cached_fallback",
     {"cancel_during_cache_read", NULL}},
    {"fetch_within_exit_null.c",
     "10-timeouts-and-cleanup/fetch_within",
     {"slow_fetch_times_out", "timeout_has_cause", NULL}},
    {"fetch_within_scope_open.c",
     "10-timeouts-and-cleanup/fetch_within",
     {"slow_fetch_times_out", "timeout_has_cause", "no_leaks_after_timeout",
      "scope_closed", "no_leaks_after_error", "outside_cancel_stays_cancel",
      "no_leaks_after_cancel", NULL}},
    {"fetch_within_cancel_is_timeout.c",
     "10-timeouts-and-cleanup/fetch_within",
     {"outside_cancel_stays_cancel", NULL}},
    {"fetch_within_own_timeout.c",
     "10-timeouts-and-cleanup/fetch_within",
     {"timeout_has_cause", NULL}},
    {"fetch_both_swallow.c",
     "10-timeouts-and-cleanup/fetch_both",
     {"b_error_returned", "bug_propagates", "cancel_propagates", NULL}},
    {"fetch_both_partial.c",
     "10-timeouts-and-cleanup/fetch_both",
     {"b_error_returned", "bug_propagates", "cancel_propagates", NULL}},
    {"fetch_both_concurrent.c",
     "10-timeouts-and-cleanup/fetch_both",
     {"joins_both_pages", "bug_propagates", "stops_when_a_fails", NULL}},
    {"backoff_delay_wraps.c",
     "11-retries-with-backoff/backoff_delay",
     {"huge_attempts_capped", NULL}},
    {"backoff_delay_rand.c",
     "11-retries-with-backoff/backoff_delay",
     {"jitter_is_one_draw", "same_seed_same_delays", NULL}},
    {"backoff_delay_no_jitter.c",
     "11-retries-with-backoff/backoff_delay",
     {"jitter_is_one_draw", NULL}},
    {"send_with_retry_sleep_dropped.c",
     "11-retries-with-backoff/send_with_retry",
     {"stops_when_cancelled_waiting", NULL}},
    {"send_with_retry_all_but_bounce.c",
     "11-retries-with-backoff/send_with_retry",
     {"bug_not_retried", "stops_when_cancelled_sending", NULL}},
    {"send_with_retry_first_error.c",
     "11-retries-with-backoff/send_with_retry",
     {"last_error_kept", NULL}},
    {"send_limited_unbounded.c",
     "12-bounded-concurrency/send_limited",
     {"never_above_limit", "slots_kept_busy", "cancel_propagates", NULL}},
    {"send_limited_batches.c",
     "12-bounded-concurrency/send_limited",
     {"slots_kept_busy", NULL}},
    {"send_limited_catch_all.c",
     "12-bounded-concurrency/send_limited",
     {"bug_propagates", "cancel_propagates", NULL}},
    {"fetch_pool_unbounded.c",
     "12-bounded-concurrency/fetch_pool",
     {"never_above_limit", "slots_kept_busy", "fetches_start_in_order",
      NULL}},
    {"fetch_pool_release_early.c",
     "12-bounded-concurrency/fetch_pool",
     {"never_above_limit", "slots_kept_busy", "fetches_start_in_order",
      NULL}},
    {"fetch_pool_workers.c", "12-bounded-concurrency/fetch_pool", {NULL}},
    {"mail_batch_no_timeout.c",
     "13-capstone-batch-mailer/mail_batch",
     {"one_outcome_each", "hung_attempt_times_out", "returns_null", NULL}},
    {"mail_batch_exit_null.c",
     "13-capstone-batch-mailer/mail_batch",
     {"one_outcome_each", "hung_attempt_times_out", NULL}},
    {"mail_batch_no_backoff.c",
     "13-capstone-batch-mailer/mail_batch",
     {"gives_up_after_max", "hung_attempt_times_out", NULL}},
    {"mail_batch_catch_all.c",
     "13-capstone-batch-mailer/mail_batch",
     {"bug_propagates", "unfinished_skipped", NULL}},
    {"mail_batch_permit_held.c",
     "13-capstone-batch-mailer/mail_batch",
     {"slot_freed_during_backoff", NULL}},
    {"batch_report_plural.c",
     "13-capstone-batch-mailer/batch_report",
     {"failure_lines", "exact_text", "text_taken_literally", NULL}},
    {"batch_report_format_string.c",
     "13-capstone-batch-mailer/batch_report",
     {"text_taken_literally", NULL}},
    {"batch_report_fixed_buffer.c",
     "13-capstone-batch-mailer/batch_report",
     {"long_batch_whole", NULL}},
    {"batch_deadline_timeout_returned.c",
     "13-capstone-batch-mailer/batch_deadline",
     {"returns_at_deadline", NULL}},
    {"batch_deadline_swallow_cancel.c",
     "13-capstone-batch-mailer/batch_deadline",
     {"cancel_propagates", NULL}},
    {"batch_deadline_watchdog.c",
     "13-capstone-batch-mailer/batch_deadline",
     {"early_finish_returns_early", NULL}},
};

static void test_exercises_solutions_pass(void **state)
{
    (void)state;
    static const char *const none[] = {NULL};
    assert_true(exercise_count() >= 2);
    for (size_t i = 0; i < exercise_count(); i++) {
        const char *id = exercise_id(i);
        char *file = fmt("solutions/%s.c", id);
        char *tag = fmt("solution-%zu", i);
        char *probe = build_probe(id, file, tag, true);
        char *frames = run_probe(id, probe, tag, 20000);
        int rc;
        json_t *v = grade(id, frames, &rc);
        expect_failures(v, file, none);
        assert_int_equal(rc, 0);
        json_decref(v);
        free(frames);
        free(probe);
        free(tag);
        free(file);
    }
}

static void test_exercises_starters_fail_as_predicted(void **state)
{
    (void)state;
    for (size_t i = 0; i < exercise_count(); i++) {
        const char *id = exercise_id(i);
        char *file = fmt("exercises/%s.c", id);
        char *tag = fmt("starter-%zu", i);
        char *probe = build_probe(id, file, tag, true);
        char *frames = run_probe(id, probe, tag, 20000);
        int rc;
        json_t *v = grade(id, frames, &rc);
        const prediction *pr = predicted(id);
        if (pr)
            expect_failures(v, file, pr->fails);
        assert_int_equal(rc, 1); /* some check failed */
        json_decref(v);
        free(frames);
        free(probe);
        free(tag);
        free(file);
    }
}

static void test_exercises_variants_fail_their_checks(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof VARIANTS / sizeof VARIANTS[0]; i++) {
        const variant *va = &VARIANTS[i];
        char *file = fmt("tests/exercises/fixtures/%s", va->fixture);
        char *tag = fmt("variant-%zu", i);
        char *probe = build_probe(va->id, file, tag, false);
        char *frames = run_probe(va->id, probe, tag, 20000);
        int rc;
        json_t *v = grade(va->id, frames, &rc);
        expect_failures(v, va->fixture, va->fails);
        json_decref(v);
        free(frames);
        free(probe);
        free(tag);
        free(file);
    }
}

/* Only the manifest's functions are defined (what the pipeline's symbol
 * check will demand of learners). */
static void test_exercises_define_only_their_functions(void **state)
{
    (void)state;
    for (size_t i = 0; i < exercise_count(); i++) {
        for (int sol = 0; sol < 2; sol++) {
            const char *id = exercise_id(i);
            char *obj = fmt("%s/%s-%zu/learner.o", work_dir,
                            sol ? "solution" : "starter", i);
            char *file = fmt("%s/%s.c", sol ? "solutions" : "exercises", id);
            char *tag = fmt("%s-%zu", sol ? "solution" : "starter", i);
            free(build_probe(id, file, tag, true));
            char *out = fmt("%s/nm.txt", work_dir);
            char *cmd = fmt("nm -P --defined-only -g '%s' > '%s'", obj, out);
            assert_int_equal(sh(cmd), 0);
            char *text = slurp(out);
            assert_non_null(text);
            char *save = NULL;
            for (char *line = strtok_r(text, "\n", &save); line;
                 line = strtok_r(NULL, "\n", &save)) {
                char *sp = strchr(line, ' ');
                if (sp)
                    *sp = '\0';
                if (!exercise_defines(i, line)) {
                    print_error("%s defines %s\n", file, line);
                    fail();
                }
            }
            free(text);
            free(cmd);
            free(out);
            free(tag);
            free(file);
            free(obj);
        }
    }
}

static void test_exercises_same_seed_same_frames(void **state)
{
    (void)state;
    for (size_t i = 0; i < exercise_count(); i++) {
        for (int sol = 0; sol < 2; sol++) {
            const char *id = exercise_id(i);
            char *file = fmt("%s/%s.c", sol ? "solutions" : "exercises", id);
            char *tag = fmt("det-%zu-%d", i, sol);
            char *probe = build_probe(id, file, tag, true);
            char *a = run_probe(id, probe, tag, 20000);
            char *b_tag = fmt("%s-again", tag);
            char *b = run_probe(id, probe, b_tag, 20000);
            char *ta = slurp(a), *tb = slurp(b);
            assert_non_null(ta);
            assert_non_null(tb);
            assert_string_equal(ta, tb);
            free(ta);
            free(tb);
            free(a);
            free(b);
            free(b_tag);
            free(probe);
            free(tag);
            free(file);
        }
    }
}

/* ---- hostile submissions --------------------------------------------------
 */

static json_t *grade_fixture(const char *fixture, const char *id,
                             unsigned timeout_ms, char **frames_out)
{
    char *file = fmt("tests/exercises/fixtures/%s", fixture);
    char *tag = fmt("hostile-%s", fixture);
    char *probe = build_probe(id, file, tag, false);
    char *frames = run_probe(id, probe, tag, timeout_ms);
    int rc;
    json_t *v = grade(id, frames, &rc);
    assert_int_equal(rc, 1);
    free(probe);
    free(tag);
    free(file);
    if (frames_out)
        *frames_out = frames;
    else
        free(frames);
    return v;
}

static void expect_statuses(const char *frames, const char *status)
{
    json_t *all = load_frames(frames);
    size_t i;
    json_t *f;
    assert_true(json_array_size(all) > 0);
    json_array_foreach(all, i, f)
    {
        assert_string_equal(json_string_value(json_object_get(f, "status")),
                            status);
        assert_true(json_is_null(json_object_get(f, "obs")));
    }
    json_decref(all);
}

static void test_exercises_crash_is_that_runs_failure(void **state)
{
    (void)state;
    char *frames;
    json_t *v = grade_fixture("send_all_segv.c", "01-task-groups/send_all",
                              20000, &frames);
#ifdef UNDER_ASAN
    /* ASan reports the bad write and exits with status 1. */
    expect_all_failed_with(v, "exit status 1");
#else
    expect_all_failed_with(v, "crashed with SIGSEGV (a bad pointer");
#endif
    expect_statuses(frames, "crashed");
    json_decref(v);
    free(frames);
}

static void test_exercises_endless_loop_times_out(void **state)
{
    (void)state;
    char *frames;
    json_t *v = grade_fixture("send_all_spin.c", "01-task-groups/send_all", 300,
                              &frames);
    expect_all_failed_with(v, "did not finish within 300 ms (real time");
    expect_statuses(frames, "timeout");
    json_decref(v);
    free(frames);
}

static void test_exercises_exit_is_bad_report(void **state)
{
    (void)state;
    char *frames;
    json_t *v = grade_fixture("send_all_exit.c", "01-task-groups/send_all",
                              20000, &frames);
    expect_all_failed_with(v, "without a readable report");
    expect_statuses(frames, "bad-report");
    json_decref(v);
    free(frames);
}

static void test_exercises_output_flood_is_capped(void **state)
{
    (void)state;
    char *file = strdup("tests/exercises/fixtures/send_all_flood.c");
    char *probe = build_probe("01-task-groups/send_all", file, "flood", false);
    char *frames = run_probe("01-task-groups/send_all", probe, "flood", 20000);
    int rc;
    json_t *v = grade("01-task-groups/send_all", frames, &rc);
    static const char *const none[] = {NULL};
    expect_failures(v, "send_all_flood.c", none);
    json_t *all = load_frames(frames);
    size_t i;
    json_t *f;
    json_array_foreach(all, i, f)
    {
        const char *err = json_string_value(json_object_get(f, "stderr"));
        assert_string_equal(json_string_value(json_object_get(f, "status")),
                            "ok");
        assert_true(strlen(err) < 2200);
        assert_non_null(strstr(err, "bytes not shown"));
        assert_non_null(strstr(err, "line 0 of a flood"));
        assert_non_null(strstr(err, "line 2047 of a flood"));
    }
    json_decref(all);
    json_decref(v);
    free(frames);
    free(probe);
    free(file);
}

static void test_exercises_forged_frames_change_nothing(void **state)
{
    (void)state;
    char *frames;
    json_t *v = grade_fixture("send_all_forged.c", "01-task-groups/send_all",
                              20000, &frames);
    expect_failures(v, "send_all_forged.c",
                    predicted("01-task-groups/send_all")->fails);
    json_t *all = load_frames(frames);
    char *args = run_args("01-task-groups/send_all", SEEDS, 3);
    size_t runs = 0;
    for (const char *s = args; (s = strstr(s, "--run")); s++)
        runs++;
    assert_int_equal(json_array_size(all), runs);
    free(args);
    json_decref(all);
    json_decref(v);
    free(frames);
}

/* ---- the checker on bad frames ---------------------------------------------
 */

static json_t *grade_text(const char *text, int *rc)
{
    char *path = fmt("%s/crafted.frames", work_dir);
    spit(path, text);
    json_t *v = grade("01-task-groups/send_all", path, rc);
    free(path);
    return v;
}

/* The verdicts of one check, in seed order. */
static json_t *verdicts_of(json_t *verdicts, const char *check)
{
    json_t *mine = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(verdicts, i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "check")), check) == 0)
            json_array_append(mine, v);
    }
    return mine;
}

static void test_exercises_checker_rejects_bad_frames(void **state)
{
    (void)state;
    int rc;
    /* Nothing at all: every check fails, saying no run was reported. */
    json_t *v = grade_text("", &rc);
    assert_int_equal(rc, 1);
    expect_all_failed_with(v, "No run of scenario");
    json_decref(v);

    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"@@tglab-frame-begin two_bounce:1@@\n{\"scenario\":\"two_bounce\"",
         "cut short"},
        {"@@tglab-frame-begin two_bounce:1@@\nnot json\n@@tglab-frame-end@@\n",
         "not valid JSON"},
        {"@@tglab-frame-begin two_bounce:1@@\n{\"scenario\":\"two_bounce\","
         "\"seed\":2,\"status\":\"ok\",\"obs\":{}}\n@@tglab-frame-end@@\n",
         "does not match its marker"},
        {"@@tglab-frame-begin two_bounce:1@@\n{\"scenario\":\"two_bounce\","
         "\"seed\":1,\"status\":\"ok\",\"obs\":null}\n@@tglab-frame-end@@\n",
         "has no observations"},
        {"@@tglab-frame-begin two_bounce:1@@\n@@tglab-frame-end@@\n",
         "is empty"},
        {"@@tglab-frame-begin two_bounce:1@@\n{}\n"
         "@@tglab-frame-begin two_bounce:2@@\n{}\n@@tglab-frame-end@@\n",
         "cut short"},
        {"@@tglab-frame-begin two_bounce:1@@\n{}\ntrailing junk\n"
         "@@tglab-frame-end@@\n",
         "malformed"},
        {"@@tglab-frame-begin two_bounce:1@@\n{\"scenario\":\"two_bounce\","
         "\"seed\":1,\"status\":\"passed\",\"obs\":{}}\n@@tglab-frame-end@@\n",
         "without a readable report"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        v = grade_text(cases[i].text, &rc);
        assert_int_equal(rc, 1);
        json_t *mine = verdicts_of(v, "every_address_attempted");
        assert_true(json_array_size(mine) >= 1);
        json_t *first = json_array_get(mine, 0);
        assert_false(json_is_true(json_object_get(first, "passed")));
        const char *msg = json_string_value(json_object_get(first, "message"));
        if (!msg || !strstr(msg, cases[i].needle)) {
            print_error("case %zu: message lacks \"%s\": %s\n", i,
                        cases[i].needle, msg ? msg : "(null)");
            fail();
        }
        json_decref(mine);
        json_decref(v);
    }

    /* An "ok" run whose observations lack what a check reads: a failed
     * verdict that blames the lab, not a crash and not a pass. */
    v = grade_text("@@tglab-frame-begin two_bounce:1@@\n"
                   "{\"scenario\":\"two_bounce\",\"seed\":1,\"status\":\"ok\","
                   "\"obs\":{}}\n@@tglab-frame-end@@\n",
                   &rc);
    json_t *mine = verdicts_of(v, "returns_null");
    const char *msg =
        json_string_value(json_object_get(json_array_get(mine, 0), "message"));
    assert_non_null(msg);
    assert_non_null(strstr(msg, "please tell your instructor"));
    json_decref(mine);
    json_decref(v);
}

static void test_exercises_checker_first_frame_wins(void **state)
{
    (void)state;
    /* A crashed frame, then a forged passing one for the same run. */
    int rc;
    json_t *v = grade_text(
        "@@tglab-frame-begin cancel:1@@\n{\"scenario\":\"cancel\",\"seed\":1,"
        "\"status\":\"crashed\",\"signal\":11,\"exit\":0,\"stderr\":\"\","
        "\"obs\":null}\n@@tglab-frame-end@@\n"
        "@@tglab-frame-begin cancel:1@@\n{\"scenario\":\"cancel\",\"seed\":1,"
        "\"status\":\"ok\",\"obs\":{}}\n@@tglab-frame-end@@\n",
        &rc);
    json_t *mine = verdicts_of(v, "cancel_propagates");
    assert_int_equal(json_array_size(mine), 1);
    const char *msg =
        json_string_value(json_object_get(json_array_get(mine, 0), "message"));
    assert_non_null(strstr(msg, "SIGSEGV"));
    json_decref(mine);
    json_decref(v);
}

/* ---- the command lines and the manifest -------------------------------- */

static void test_exercises_probe_usage_errors(void **state)
{
    (void)state;
    char *probe =
        build_probe("01-task-groups/send_all",
                    "solutions/01-task-groups/send_all.c", "usage", true);
    static const char *const bad[] = {
        "",
        "--run nosuch:1",
        "--run two_bounce",
        "--run two_bounce:x",
        "--run two_bounce:1 --timeout-ms 0",
        "--bogus",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *cmd = fmt("'%s' %s >/dev/null 2>&1", probe, bad[i]);
        assert_int_equal(sh(cmd), 2);
        free(cmd);
    }
    char *out = fmt("%s/probe-list.json", work_dir);
    char *cmd = fmt("'%s' --list > '%s'", probe, out);
    assert_int_equal(sh(cmd), 0);
    json_t *doc = json_load_file(out, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(doc, "scenarios")), 4);
    json_decref(doc);
    free(cmd);
    free(out);
    free(probe);
}

static void test_exercises_manifest_matches_checkers(void **state)
{
    (void)state;
    json_t *m = manifest;
    assert_int_equal(json_integer_value(json_object_get(m, "version")), 1);
    json_t *list = json_object_get(m, "exercises");
    size_t i;
    json_t *ex;
    json_array_foreach(list, i, ex)
    {
        const char *id = json_string_value(json_object_get(ex, "id"));
        assert_non_null(id);
        struct stat st;
        static const char *const dirs[] = {"exercises", "solutions", "checks",
                                           "checks"};
        static const char *const exts[] = {".c", ".c", ".probe.c", ".checks.c"};
        for (size_t k = 0; k < 4; k++) {
            char *p = fmt("%s/%s%s", dirs[k], id, exts[k]);
            assert_int_equal(stat(p, &st), 0);
            free(p);
        }
        char *file = fmt("exercises/%s.c", id);
        assert_string_equal(json_string_value(json_object_get(ex, "file")),
                            file);
        free(file);
        assert_int_equal(
            stat(json_string_value(json_object_get(ex, "lesson")), &st), 0);
        size_t nhints = json_array_size(json_object_get(ex, "hints"));
        assert_true(nhints >= 2 && nhints <= 4);

        /* The manifest's checks are exactly the checker's, same order. */
        json_t *doc = list_checks(id);
        json_t *listed = json_object_get(doc, "checks");
        json_t *mine = json_object_get(ex, "checks");
        assert_int_equal(json_array_size(listed), json_array_size(mine));
        size_t k;
        json_t *c;
        json_array_foreach(mine, k, c)
        {
            assert_string_equal(json_string_value(json_object_get(c, "name")),
                                json_string_value(json_object_get(
                                    json_array_get(listed, k), "name")));
            json_int_t hint = json_integer_value(json_object_get(c, "hint"));
            assert_true(hint >= 0 && (size_t)hint < nhints);
            assert_true(json_integer_value(json_object_get(c, "points")) > 0);
        }
        json_decref(doc);
    }
}

/* ---- the trace --------------------------------------------------------- */

/* The events of kind in trace, and of those, how many match task / peer
 * (0: any). */
static size_t count_events(json_t *trace, const char *kind, json_int_t task,
                           json_int_t peer)
{
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(trace, "events"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "kind")), kind) != 0)
            continue;
        if (task && json_integer_value(json_object_get(e, "task")) != task)
            continue;
        if (peer && json_integer_value(json_object_get(e, "peer")) != peer)
            continue;
        n++;
    }
    return n;
}

static json_t *event_of(json_t *trace, const char *kind, size_t nth)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(trace, "events"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0 &&
            nth-- == 0)
            return e;
    }
    fail_msg("no %s event in the trace", kind);
    return NULL;
}

static const char *error_field(json_t *ev, const char *field)
{
    return json_string_value(
        json_object_get(json_object_get(ev, "error"), field));
}

/*
 * probe_run records libtg's events under obs.trace: send_all's starter
 * under two_bounce spawns one task per address, two of them bounce, the
 * first bounce aborts the group, which cancels the other sends and the
 * owner, and the wait hands back an ExceptionGroup of the two bounces.
 * The same seed gives the same trace.
 */
static void test_exercises_probe_records_the_trace(void **state)
{
    (void)state;
    const char *id = "01-task-groups/send_all";
    char *probe =
        build_probe(id, "exercises/01-task-groups/send_all.c", "trace", true);
    char *frames = fmt("%s/trace.frames", work_dir);
    char *cmd = fmt("'%s' --run two_bounce:1 --run two_bounce:1 --run "
                    "two_bounce:2 > '%s' 2>/dev/null",
                    probe, frames);
    assert_int_equal(sh(cmd), 0);
    json_t *all = load_frames(frames);
    assert_int_equal(json_array_size(all), 3);
    json_t *obs = json_object_get(json_array_get(all, 0), "obs");
    json_t *tr = json_object_get(obs, "trace");
    assert_true(json_is_object(tr));
    assert_string_equal(json_string_value(json_object_get(tr, "scenario")),
                        "two_bounce");
    assert_int_equal(json_integer_value(json_object_get(tr, "seed")), 1);
    assert_null(json_object_get(tr, "truncated"));

    /* The probe's own tasks: main (1) runs the body, "learner" (2). */
    json_t *first = json_array_get(json_object_get(tr, "events"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "kind")),
                        "start");
    assert_string_equal(json_string_value(json_object_get(first, "name")),
                        "main");
    json_t *sp = event_of(tr, "spawn", 0);
    assert_int_equal(json_integer_value(json_object_get(sp, "task")), 2);
    assert_int_equal(json_integer_value(json_object_get(sp, "peer")), 1);
    assert_string_equal(json_string_value(json_object_get(sp, "name")),
                        "learner");
    /* One send per address, spawned by the learner's task. */
    assert_int_equal(count_events(tr, "spawn", 0, 2), 10);
    /* Two bounces at 20 ms. */
    assert_int_equal(count_events(tr, "raise", 0, 0), 2 + 8);
    json_t *dan = event_of(tr, "raise", 0);
    assert_int_equal(json_integer_value(json_object_get(dan, "t")), 20);
    assert_string_equal(error_field(dan, "type"), "BounceError");
    assert_non_null(strstr(error_field(dan, "message"), "dan@example.com"));
    json_t *hal = event_of(tr, "raise", 1);
    assert_string_equal(error_field(hal, "type"), "BounceError");
    assert_non_null(strstr(error_field(hal, "message"), "hal@example.com"));
    json_int_t failing = json_integer_value(json_object_get(dan, "task"));
    /* The first one aborts the learner's group... */
    assert_int_equal(count_events(tr, "abort", 0, 0), 1);
    json_t *ab = event_of(tr, "abort", 0);
    assert_int_equal(json_integer_value(json_object_get(ab, "task")), failing);
    assert_int_equal(json_integer_value(json_object_get(ab, "peer")), 2);
    assert_string_equal(error_field(ab, "type"), "BounceError");
    /* ...which cancels the eight other sends and the owner, on behalf of
     * the failing child; each send gets CancelledError in its sleep. */
    assert_int_equal(count_events(tr, "cancel", 0, failing), 9);
    assert_int_equal(count_events(tr, "cancel", 2, failing), 1);
    assert_int_equal(count_events(tr, "cancelled", 0, 0), 9);
    json_t *cd = event_of(tr, "cancelled", 0);
    assert_string_equal(json_string_value(json_object_get(cd, "detail")),
                        "sleep");
    assert_string_equal(error_field(cd, "type"), "CancelledError");
    /* The wait hands back both bounces; main's own wait returns NULL. */
    json_t *gd = event_of(tr, "group_done", 0);
    assert_int_equal(json_integer_value(json_object_get(gd, "task")), 2);
    assert_string_equal(error_field(gd, "type"), "ExceptionGroup");
    assert_non_null(strstr(error_field(gd, "message"), "(2 sub-exceptions)"));
    json_t *gd1 = event_of(tr, "group_done", 1);
    assert_int_equal(json_integer_value(json_object_get(gd1, "task")), 1);
    assert_null(json_object_get(gd1, "error"));
    /* Compact: no suspend or resume. */
    assert_int_equal(count_events(tr, "suspend", 0, 0), 0);
    assert_int_equal(count_events(tr, "resume", 0, 0), 0);
    /* Recorded last, after the leaks. */
    const char *last = NULL;
    const char *key;
    json_t *val;
    json_object_foreach(obs, key, val)
    {
        last = key;
    }
    assert_string_equal(last, "trace");

    /* Same seed, same trace. */
    json_t *again = json_object_get(
        json_object_get(json_array_get(all, 1), "obs"), "trace");
    assert_true(json_equal(tr, again));
    json_t *other = json_object_get(
        json_object_get(json_array_get(all, 2), "obs"), "trace");
    assert_int_equal(json_integer_value(json_object_get(other, "seed")), 2);
    json_decref(all);
    free(cmd);
    free(frames);
    free(probe);
}

/* A run with more events than the cap keeps the first 2000 and says how
 * many it dropped; names are cut and invalid UTF-8 replaced. */
static void test_exercises_probe_trace_is_capped(void **state)
{
    (void)state;
    const char *id = "01-task-groups/send_all";
    char *src = fmt("%s/trace_many.c", work_dir);
    spit(src, "#include \"send_all.h\"\n"
              "static tg_result nothing(void *arg)\n"
              "{\n"
              "    (void)arg;\n"
              "    return tg_return(NULL);\n"
              "}\n"
              "tg_error *send_all(struct send_job *jobs, size_t n)\n"
              "{\n"
              "    (void)jobs;\n"
              "    (void)n;\n"
              "    char name[200];\n"
              "    for (int i = 0; i < 199; i++)\n"
              "        name[i] = (char)(i % 2 ? 0xff : 'x');\n"
              "    name[199] = 0;\n"
              "    tg_group *g = tg_group_new();\n"
              "    tg_spawn_named(g, name, nothing, NULL);\n"
              "    for (int i = 0; i < 1500; i++)\n"
              "        tg_spawn(g, nothing, NULL);\n"
              "    tg_error *e = tg_group_wait(g);\n"
              "    tg_group_free(g);\n"
              "    return e;\n"
              "}\n");
    char *probe = build_probe(id, src, "trace-many", true);
    char *frames = fmt("%s/trace-many.frames", work_dir);
    char *cmd =
        fmt("'%s' --run two_bounce:1 > '%s' 2>/dev/null", probe, frames);
    assert_int_equal(sh(cmd), 0);
    json_t *all = load_frames(frames);
    json_t *tr = json_object_get(json_object_get(json_array_get(all, 0), "obs"),
                                 "trace");
    assert_int_equal(json_array_size(json_object_get(tr, "events")), 2000);
    assert_true(json_is_true(json_object_get(tr, "truncated")));
    /* 1501 tasks: spawn, start, return each; plus the probe's own. */
    assert_true(json_integer_value(json_object_get(tr, "dropped")) > 2500);
    json_t *named = json_array_get(json_object_get(tr, "events"), 3);
    const char *name = json_string_value(json_object_get(named, "name"));
    assert_non_null(name);
    assert_true(strlen(name) <= 80 * 3 + 3);
    assert_non_null(strstr(name, "x\xef\xbf\xbdx")); /* U+FFFD */
    assert_non_null(strstr(name, "..."));
    json_decref(all);
    free(cmd);
    free(frames);
    free(probe);
    free(src);
}

/* ---- set-up ---------------------------------------------------------------
 */

static int setup(void **state)
{
    (void)state;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    /* <build>/tests/runner/test_exercises */
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return -1;
        *slash = '\0';
    }
    snprintf(build_dir, sizeof build_dir, "%s", exe);
    char *probe_lib = fmt("%s/checks/libprobe.a", build_dir);
    struct stat st;
    if (stat(probe_lib, &st) != 0 ||
        stat("exercises/manifest.json", &st) != 0) {
        fprintf(stderr,
                "test_exercises: run from the repository root after "
                "`make checks` (looked for %s)\n",
                probe_lib);
        free(probe_lib);
        return -1;
    }
    free(probe_lib);
    manifest = json_load_file("exercises/manifest.json", 0, NULL);
    if (!json_is_array(json_object_get(manifest, "exercises"))) {
        fprintf(stderr, "test_exercises: exercises/manifest.json is not "
                        "readable\n");
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(work_dir, sizeof work_dir, "%s/tglab-exercises.XXXXXX",
             tmp ? tmp : "/tmp");
    return mkdtemp(work_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(manifest);
    if (work_dir[0] && !getenv("TG_TEST_KEEP")) {
        char *cmd = fmt("rm -rf '%s'", work_dir);
        sh(cmd);
        free(cmd);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exercises_manifest_matches_checkers),
        cmocka_unit_test(test_exercises_solutions_pass),
        cmocka_unit_test(test_exercises_starters_fail_as_predicted),
        cmocka_unit_test(test_exercises_define_only_their_functions),
        cmocka_unit_test(test_exercises_variants_fail_their_checks),
        cmocka_unit_test(test_exercises_same_seed_same_frames),
        cmocka_unit_test(test_exercises_crash_is_that_runs_failure),
        cmocka_unit_test(test_exercises_endless_loop_times_out),
        cmocka_unit_test(test_exercises_exit_is_bad_report),
        cmocka_unit_test(test_exercises_output_flood_is_capped),
        cmocka_unit_test(test_exercises_forged_frames_change_nothing),
        cmocka_unit_test(test_exercises_checker_rejects_bad_frames),
        cmocka_unit_test(test_exercises_checker_first_frame_wins),
        cmocka_unit_test(test_exercises_probe_usage_errors),
        cmocka_unit_test(test_exercises_probe_records_the_trace),
        cmocka_unit_test(test_exercises_probe_trace_is_capped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
