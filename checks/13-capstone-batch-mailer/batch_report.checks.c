/*
 * batch_report.checks.c -- the checks of 13-capstone-batch-mailer/
 * batch_report, run by the trusted checker on what batch_report.probe.c
 * observed.
 *
 * What they catch, from lesson 13: a report with counts only; skipped
 * addresses counted as failed; failure lines without the reason or the
 * attempts, or with "1 attempts"; lines out of order, or for sent
 * addresses; a message used as a printf format; a fixed-size buffer that
 * cuts a long report short; outcomes changed; leaks.
 */
#include <stdlib.h>
#include <string.h>

#include "batch_report.scenario.h"
#include "checker.h"

/* A growing string, freed when the checker exits (a few KiB). */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *piece)
{
    size_t k = strlen(piece);
    if (t->len + k + 1 > t->cap) {
        t->cap = (t->len + k + 1) * 2;
        t->s = realloc(t->s, t->cap);
    }
    memcpy(t->s + t->len, piece, k + 1);
    t->len += k;
}

/* The report the contract asks for, for these rows. */
static const char *expected_report(const br_row *rows, size_t n)
{
    static text t;
    t.len = 0;
    add(&t, "");
    size_t count[3] = {0};
    char buf[96];
    for (size_t i = 0; i < n; i++) {
        br_row r = rows ? rows[i] : br_long_row(i, buf, sizeof buf);
        count[r.status]++;
    }
    add(&t,
        checker_fmt("sent %zu of %zu, failed %zu, skipped %zu\n",
                    count[BR_SENT], n, count[BR_FAILED], count[BR_SKIPPED]));
    for (size_t i = 0; i < n; i++) {
        br_row r = rows ? rows[i] : br_long_row(i, buf, sizeof buf);
        if (r.status == BR_FAILED)
            add(&t,
                checker_fmt("failed %s: %s: %s (%u attempt%s)\n", r.to, r.type,
                            r.message, r.attempts, r.attempts == 1 ? "" : "s"));
        else if (r.status == BR_SKIPPED)
            add(&t, checker_fmt("skipped %s\n", r.to));
    }
    return checker_fmt("%s", t.s);
}

/* Line k (from 0) of s, without its newline; NULL past the end. */
static const char *line_of(const char *s, size_t k)
{
    for (; s && k > 0; k--) {
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    if (!s || !*s)
        return NULL;
    size_t len = strcspn(s, "\n");
    return checker_fmt("%.*s", (int)len, s);
}

static size_t line_count(const char *s)
{
    size_t n = 0;
    while (line_of(s, n))
        n++;
    return n;
}

/* The first line where got and want differ, as a message. */
static void same_text(const checker_obs *o, const char *want, const char *what)
{
    const char *got = obs_str(o, "text");
    CHECK(o, got != NULL,
          "format_report returned NULL; expected the report of %s.", what);
    if (strcmp(got, want) == 0)
        return;
    size_t nw = line_count(want);
    for (size_t k = 0; k < nw; k++) {
        const char *g = line_of(got, k), *w = line_of(want, k);
        CHECK(o, g != NULL,
              "The report stops after %zu line(s); line %zu should be "
              "\"%s\" (%zu lines in all, for %s).",
              k, k + 1, w, nw, what);
        CHECK(o, strcmp(g, w) == 0,
              "Line %zu of the report is \"%s\"; expected \"%s\" (for "
              "%s).",
              k + 1, g, w, what);
    }
    CHECK(o, line_count(got) == nw,
          "The report has %zu lines; expected %zu (for %s). Line %zu is "
          "\"%s\", and nothing should follow line %zu.",
          line_count(got), nw, what, nw + 1, line_of(got, nw), nw);
    size_t gl = strlen(got);
    CHECK(o, gl > 0 && got[gl - 1] == '\n',
          "The report (for %s) does not end with a newline: every line, "
          "the last one too, ends with '\\n'.",
          what);
    CHECK_FAIL(o,
               "The report (for %s) differs from the expected text in "
               "its spacing or line ends.\nExpected:\n%s\nGot:\n%s",
               what, want, got);
}

/* ---- fixed: 7 sent, 2 failed, 1 skipped --------------------------------- */

static void counts_line(const checker_obs *o)
{
    const char *got = obs_str(o, "text");
    CHECK(o, got != NULL, "format_report returned NULL.");
    const char *want = line_of(expected_report(BR_FIXED, BR_FIXED_N), 0);
    const char *first = line_of(got, 0);
    CHECK(o, first != NULL, "The report is empty; it should start with \"%s\".",
          want);
    CHECK(o, strcmp(first, "sent 7 of 10, failed 3, skipped 0") != 0,
          "The report starts \"%s\": the skipped address is counted as "
          "failed. ida@example.com was never finished -- nobody knows "
          "whether its send would have worked. Expected \"%s\".",
          first, want);
    CHECK(o, strcmp(first, want) == 0,
          "The report starts \"%s\"; expected \"%s\".", first, want);
}

static void failure_lines(const checker_obs *o)
{
    const char *got = obs_str(o, "text");
    CHECK(o, got != NULL, "format_report returned NULL.");
    for (size_t i = 0; i < BR_FIXED_N; i++) {
        const br_row *r = &BR_FIXED[i];
        if (r->status != BR_FAILED)
            continue;
        const char *want =
            checker_fmt("failed %s: %s: %s (%u attempt%s)", r->to, r->type,
                        r->message, r->attempts, r->attempts == 1 ? "" : "s");
        bool found = false;
        for (size_t k = 1; line_of(got, k) && !found; k++)
            found = strcmp(line_of(got, k), want) == 0;
        CHECK(o, found,
              "The report has no line \"%s\". Every failed address gets "
              "one: its address, the error's type name and message (why), "
              "and its attempts (\"1 attempt\", \"4 attempts\").%s",
              want,
              strstr(got, checker_fmt("(%u attempts)", 1u))
                  ? " Mind the singular: \"(1 attempt)\"."
                  : "");
    }
}

static void skipped_lines(const checker_obs *o)
{
    const char *got = obs_str(o, "text");
    CHECK(o, got != NULL, "format_report returned NULL.");
    bool found = false;
    for (size_t k = 1; line_of(got, k) && !found; k++)
        found = strcmp(line_of(got, k), "skipped ida@example.com") == 0;
    CHECK(o, found,
          "The report has no line \"skipped ida@example.com\". An address "
          "the batch never finished is neither sent nor failed: it gets a "
          "line of its own, so that someone can send it again.");
}

static void exact_text(const checker_obs *o)
{
    same_text(o, expected_report(BR_FIXED, BR_FIXED_N),
              "a batch of 7 sent, 2 failed and 1 skipped");
}

static void outs_unchanged(const checker_obs *o)
{
    CHECK(o, obs_bool(o, "outs_unchanged"),
          "format_report changed the outcomes it was given (a field, an "
          "error's notes or references). A report only reads: outs is "
          "const.");
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "format_report");
}

/* ---- empty, odd_text, long_batch ----------------------------------------- */

static void empty_batch(const checker_obs *o)
{
    same_text(o, expected_report(NULL, 0), "an empty batch");
}

static void text_taken_literally(const checker_obs *o)
{
    same_text(o, expected_report(BR_ODD, BR_ODD_N),
              "a batch whose error messages hold '%' signs");
}

static void long_batch_whole(const checker_obs *o)
{
    const char *want = expected_report(NULL, BR_LONG_N);
    const char *got = obs_str(o, "text");
    CHECK(o,
          got == NULL || strlen(got) >= strlen(want) ||
              strncmp(got, want, strlen(got)) != 0,
          "The report of %d addresses stops after %zu characters, in the "
          "middle of line %zu; it should be %zu characters long. A fixed-"
          "size buffer cuts a long report short: measure the text first "
          "(snprintf(NULL, 0, ...) returns the length it would write), or "
          "grow the buffer as you go.",
          BR_LONG_N, got ? strlen(got) : 0, got ? line_count(got) : 0,
          strlen(want));
    same_text(o, want, "a batch of 300 addresses");
}

const checker_check CHECKER_CHECKS[] = {
    {"counts_line", "fixed", counts_line},
    {"failure_lines", "fixed", failure_lines},
    {"skipped_lines", "fixed", skipped_lines},
    {"exact_text", "fixed", exact_text},
    {"outs_unchanged", "fixed", outs_unchanged},
    {"no_leaks", "fixed", no_leaks},
    {"empty_batch", "empty", empty_batch},
    {"text_taken_literally", "odd_text", text_taken_literally},
    {"long_batch_whole", "long_batch", long_batch_whole},
    {NULL, NULL, NULL},
};
