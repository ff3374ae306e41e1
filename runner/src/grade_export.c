/*
 * grade_export.c -- what the gradebook gives back to the world: a CSV for
 * the LMS, Gradescope's results.json per student, Markdown feedback per
 * student, and the class statistics and terminal summary (the HTML
 * report is in grade_html.c).
 *
 * Everything a student wrote or printed may be in a check's message or
 * output: it was cleaned of control characters by the pipeline, and here
 * it is quoted for each format (CSV quoting and formula defusing, JSON by
 * jansson, Markdown inside fences longer than any backtick run in it).
 * Hidden checks contribute their points everywhere, but their names stay
 * out of student-facing files unless visible, and their messages always.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grade.h"

static void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(why, whylen, "lab: error: ");
    if (n > 0 && (size_t)n < whylen)
        vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
    va_end(ap);
}

char *grade_student_file_name(const char *student)
{
    size_t len = strlen(student);
    char *out = malloc(len + 20);
    if (!out)
        return NULL;
    bool changed = false;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)student[i];
        bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
                    (ch == '.' && i > 0) || ch >= 0x80;
        out[o++] = safe ? (char)ch : '_';
        changed |= !safe;
    }
    out[o] = '\0';
    if (changed || o == 0) {
        /* Two names that differ only in unsafe bytes must not collide. */
        char hex[65];
        grade_sha256_hex(student, len, hex);
        snprintf(out + o, 20, "-%.8s", hex);
    }
    return out;
}

/* ---- CSV ------------------------------------------------------------------ */

static void csv_cell(FILE *out, const char *s)
{
    /* A leading =, +, -, @ makes spreadsheets evaluate a formula. */
    bool defuse = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                  s[0] == '\t' || s[0] == '\r';
    bool quote = defuse || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (defuse)
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int grade_export_csv(const gradebook_class *c, FILE *out)
{
    fputs("student", out);
    for (size_t e = 0; e < c->nexercises; e++) {
        fputc(',', out);
        csv_cell(out, c->exercises[e].id);
    }
    fputs(",total\r\n", out);
    for (size_t s = 0; s < c->nstudents; s++) {
        csv_cell(out, c->students[s]);
        for (size_t e = 0; e < c->nexercises; e++) {
            const gradebook_cell *cell = gradebook_cell_at(c, s, e);
            /* Not graded (yet, or the lab failed on it): an empty cell,
             * which an LMS leaves alone instead of recording a zero. */
            if (cell->state == GRADEBOOK_GRADED)
                fprintf(out, ",%d", cell->points);
            else if (cell->state == GRADEBOOK_MISSING)
                fputs(",0", out);
            else
                fputs(",", out);
        }
        fprintf(out, ",%d\r\n", gradebook_student_total(c, s));
    }
    return ferror(out) ? -1 : 0;
}

/* ---- Gradescope ------------------------------------------------------------ */

static int mkdir_ok(const char *dir)
{
    return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static json_t *gradescope_one(const gradebook_class *c, size_t s)
{
    json_t *root = json_object();
    json_t *tests = json_array();
    int total = 0;
    for (size_t e = 0; e < c->nexercises; e++) {
        const gradebook_exercise *x = &c->exercises[e];
        const gradebook_cell *cell = gradebook_cell_at(c, s, e);
        if (cell->state == GRADEBOOK_GRADED)
            total += cell->points;
        if (cell->state != GRADEBOOK_GRADED || cell->nchecks == 0) {
            char name[600];
            const char *what = cell->state == GRADEBOOK_MISSING
                                   ? "not handed in"
                               : cell->state == GRADEBOOK_GRADED
                                   ? "stopped before the checks"
                                   : "not graded yet";
            snprintf(name, sizeof name, "%s: %s", x->id, what);
            json_t *t = json_pack(
                "{s:s, s:i, s:i, s:s, s:s, s:s}", "name", name, "score", 0,
                "max_score", x->max_points, "status", "failed", "output",
                cell->report ? cell->report
                             : (cell->note ? cell->note : what),
                "visibility", "visible");
            json_array_append_new(tests, t);
            continue;
        }
        size_t hidden = 0;
        for (size_t k = 0; k < cell->nchecks; k++) {
            const gradebook_check *ck = &cell->checks[k];
            char name[600], number[48];
            if (ck->visible)
                snprintf(name, sizeof name, "%s: %s", x->id, ck->name);
            else
                snprintf(name, sizeof name, "%s: hidden check %zu", x->id,
                         ++hidden);
            snprintf(number, sizeof number, "%zu.%zu", e + 1, k + 1);
            char *output = NULL;
            if (ck->visible && !ck->passed) {
                size_t need = (ck->message ? strlen(ck->message) : 0) +
                              (ck->hint ? strlen(ck->hint) : 0) + 16;
                output = malloc(need);
                if (output)
                    snprintf(output, need, "%s%s%s",
                             ck->message ? ck->message : "failed",
                             ck->hint ? "\n\nHint: " : "",
                             ck->hint ? ck->hint : "");
            }
            json_t *t = json_pack(
                "{s:s, s:s, s:i, s:i, s:s, s:s, s:s}", "name", name, "number",
                number, "score", ck->points, "max_score", ck->max_points,
                "status", ck->passed ? "passed" : "failed", "output",
                output ? output : "", "visibility",
                ck->visible ? "visible" : "hidden");
            free(output);
            json_array_append_new(tests, t);
        }
    }
    json_object_set_new(root, "score", json_integer(total));
    json_object_set_new(root, "visibility", json_string("visible"));
    json_object_set_new(root, "stdout_visibility", json_string("hidden"));
    json_object_set_new(root, "tests", tests);
    return root;
}

int grade_export_gradescope(const gradebook_class *c, const char *dir,
                            char *why, size_t whylen)
{
    if (mkdir_ok(dir) != 0) {
        say(why, whylen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    for (size_t s = 0; s < c->nstudents; s++) {
        char *fname = grade_student_file_name(c->students[s]);
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, fname ? fname : "_");
        free(fname);
        if (mkdir_ok(path) != 0) {
            say(why, whylen, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        strncat(path, "/results.json", sizeof path - strlen(path) - 1);
        json_t *j = gradescope_one(c, s);
        int rc = j ? json_dump_file(j, path, JSON_INDENT(2) | JSON_ENSURE_ASCII)
                   : -1;
        json_decref(j);
        if (rc != 0) {
            say(why, whylen, "cannot write %s", path);
            return -1;
        }
    }
    return 0;
}

/* ---- Markdown feedback ------------------------------------------------------- */

/* text in a fenced block whose fence no backtick run inside can close. */
static void md_fence(FILE *out, const char *text)
{
    size_t run = 0, best = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    size_t n = best < 3 ? 3 : best + 1;
    for (size_t i = 0; i < n; i++)
        fputc('`', out);
    fputs("text\n", out);
    fputs(text, out);
    if (*text && text[strlen(text) - 1] != '\n')
        fputc('\n', out);
    for (size_t i = 0; i < n; i++)
        fputc('`', out);
    fputc('\n', out);
}

/* Text of ours (ids, check names, titles) outside fences: escape the
 * Markdown that could matter. */
static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>#|!", *s))
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void feedback_one(const gradebook_class *c, size_t s, FILE *out)
{
    fputs("# Feedback for ", out);
    md_text(out, c->students[s]);
    fprintf(out, "\n\n**Total: %d / %d points**\n",
            gradebook_student_total(c, s), gradebook_max_total(c));
    for (size_t e = 0; e < c->nexercises; e++) {
        const gradebook_exercise *x = &c->exercises[e];
        const gradebook_cell *cell = gradebook_cell_at(c, s, e);
        fputs("\n## ", out);
        md_text(out, x->id);
        fputs(": ", out);
        md_text(out, x->title);
        fputs("\n\n", out);
        if (cell->state == GRADEBOOK_MISSING) {
            fprintf(out, "**0 / %d points**: nothing was handed in for this "
                         "exercise.\n",
                    x->max_points);
            if (cell->note) {
                fputc('\n', out);
                md_fence(out, cell->note);
            }
            continue;
        }
        if (cell->state != GRADEBOOK_GRADED) {
            fputs("Not graded yet: your instructor will look at it.\n", out);
            continue;
        }
        fprintf(out, "**%d / %d points**", cell->points, cell->max_points);
        if (cell->source) {
            fputs(" for `", out);
            for (const char *p = cell->source; *p; p++)
                fputc(*p == '`' ? '\'' : *p, out);
            fputc('`', out);
        }
        fputs("\n", out);
        if (cell->failed) {
            fprintf(out, "\nYour file stopped at the **%s** stage, so no "
                         "check could run:\n\n",
                    cell->stage ? cell->stage : "?");
            md_fence(out, cell->report ? cell->report : "(no details)");
            continue;
        }
        size_t hidden = 0, hidden_passed = 0;
        int hidden_pts = 0, hidden_max = 0;
        fputs("\n| | check | points |\n|---|---|---|\n", out);
        for (size_t k = 0; k < cell->nchecks; k++) {
            const gradebook_check *ck = &cell->checks[k];
            if (!ck->visible) {
                hidden++;
                hidden_passed += ck->passed;
                hidden_pts += ck->points;
                hidden_max += ck->max_points;
                continue;
            }
            fprintf(out, "| %s | ", ck->passed ? "pass" : "**FAIL**");
            md_text(out, ck->name);
            fprintf(out, "%s | %d/%d |\n", ck->flaky ? " (flaky)" : "",
                    ck->points, ck->max_points);
        }
        if (hidden)
            fprintf(out, "| | %zu hidden check(s): %zu passed | %d/%d |\n",
                    hidden, hidden_passed, hidden_pts, hidden_max);
        bool header = false;
        for (size_t k = 0; k < cell->nchecks; k++) {
            const gradebook_check *ck = &cell->checks[k];
            if (!ck->visible || ck->passed)
                continue;
            if (!header) {
                fputs("\n### What to fix\n", out);
                header = true;
            }
            fputs("\n**", out);
            md_text(out, ck->name);
            fprintf(out, "** (%d point%s)", ck->max_points,
                    ck->max_points == 1 ? "" : "s");
            if (ck->failing_seed)
                fprintf(out, ", seen with seed %llu",
                        (unsigned long long)ck->failing_seed);
            fputs(":\n\n", out);
            md_fence(out, ck->message ? ck->message : "failed");
            if (ck->crash) {
                fputs("\nHow that run ended:\n\n", out);
                md_fence(out, ck->crash);
            }
            if (ck->output) {
                fputs("\nWhat your code printed:\n\n", out);
                md_fence(out, ck->output);
            }
            if (ck->hint) {
                fputs("\nHint:\n\n", out);
                md_fence(out, ck->hint);
            }
        }
    }
}

int grade_export_feedback(const gradebook_class *c, const char *dir,
                          char *why, size_t whylen)
{
    if (mkdir_ok(dir) != 0) {
        say(why, whylen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    for (size_t s = 0; s < c->nstudents; s++) {
        char *fname = grade_student_file_name(c->students[s]);
        char path[8192];
        snprintf(path, sizeof path, "%s/%s.md", dir, fname ? fname : "_");
        free(fname);
        FILE *f = fopen(path, "w");
        if (!f) {
            say(why, whylen, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
        feedback_one(c, s, f);
        if (fclose(f) != 0) {
            say(why, whylen, "cannot write %s", path);
            return -1;
        }
    }
    return 0;
}

/* ---- statistics ---------------------------------------------------------- */

void grade_stats_free(grade_stats *s)
{
    free(s->ex_rate);
    free(s->ex_passed);
    free(s->ex_missing);
    free(s->ex_broken);
    free(s->checks);
    memset(s, 0, sizeof *s);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static grade_check_stat *stat_for(grade_stats *s, const char *ex,
                                  const char *name)
{
    for (size_t i = 0; i < s->nchecks; i++)
        if (!strcmp(s->checks[i].exercise, ex) &&
            !strcmp(s->checks[i].name, name))
            return &s->checks[i];
    grade_check_stat *n = realloc(s->checks, (s->nchecks + 1) * sizeof *n);
    if (!n)
        return NULL;
    s->checks = n;
    s->checks[s->nchecks] = (grade_check_stat){.exercise = ex, .name = name};
    return &s->checks[s->nchecks++];
}

int grade_stats_compute(const gradebook_class *c, grade_stats *s)
{
    memset(s, 0, sizeof *s);
    size_t ne = c->nexercises ? c->nexercises : 1;
    s->nstudents = c->nstudents;
    s->ex_rate = calloc(ne, sizeof *s->ex_rate);
    s->ex_passed = calloc(ne, sizeof *s->ex_passed);
    s->ex_missing = calloc(ne, sizeof *s->ex_missing);
    s->ex_broken = calloc(ne, sizeof *s->ex_broken);
    int *totals = calloc(c->nstudents ? c->nstudents : 1, sizeof *totals);
    if (!s->ex_rate || !s->ex_passed || !s->ex_missing || !s->ex_broken ||
        !totals) {
        free(totals);
        grade_stats_free(s);
        return -1;
    }
    s->max_total = gradebook_max_total(c);
    for (size_t e = 0; e < c->nexercises; e++) {
        double sum = 0;
        size_t counted = 0;
        for (size_t st = 0; st < c->nstudents; st++) {
            const gradebook_cell *cell = gradebook_cell_at(c, st, e);
            if (cell->state == GRADEBOOK_MISSING) {
                s->ex_missing[e]++;
                counted++;
                continue;
            }
            if (cell->state != GRADEBOOK_GRADED)
                continue;
            counted++;
            if (cell->max_points > 0)
                sum += (double)cell->points / cell->max_points;
            if (cell->points == cell->max_points && cell->max_points > 0)
                s->ex_passed[e]++;
            if (cell->failed)
                s->ex_broken[e]++;
            for (size_t k = 0; k < cell->nchecks; k++) {
                const gradebook_check *ck = &cell->checks[k];
                grade_check_stat *cs =
                    stat_for(s, c->exercises[e].id, ck->name);
                if (!cs)
                    continue;
                cs->graded++;
                cs->passed += ck->passed;
            }
        }
        s->ex_rate[e] = counted ? sum / (double)counted : 0;
    }
    /* The most common failure message of each check. */
    for (size_t i = 0; i < s->nchecks; i++) {
        grade_check_stat *cs = &s->checks[i];
        size_t e = 0;
        while (e < c->nexercises && strcmp(c->exercises[e].id, cs->exercise))
            e++;
        for (size_t a = 0; a < c->nstudents; a++) {
            const gradebook_cell *ca = gradebook_cell_at(c, a, e);
            for (size_t k = 0; k < ca->nchecks; k++) {
                const gradebook_check *ka = &ca->checks[k];
                if (ka->passed || !ka->message || strcmp(ka->name, cs->name))
                    continue;
                size_t count = 0;
                for (size_t b = 0; b < c->nstudents; b++) {
                    const gradebook_cell *cb = gradebook_cell_at(c, b, e);
                    for (size_t j = 0; j < cb->nchecks; j++)
                        count += !cb->checks[j].passed &&
                                 cb->checks[j].message &&
                                 !strcmp(cb->checks[j].name, cs->name) &&
                                 !strcmp(cb->checks[j].message, ka->message);
                }
                if (count > cs->common_count) {
                    cs->common_count = count;
                    cs->common_message = ka->message;
                }
            }
        }
    }
    double sum = 0;
    for (size_t st = 0; st < c->nstudents; st++) {
        totals[st] = gradebook_student_total(c, st);
        sum += totals[st];
        size_t b = s->max_total > 0
                       ? (size_t)((long long)totals[st] * 10 / s->max_total)
                       : 0;
        s->histogram[b > 9 ? 9 : b]++;
    }
    if (c->nstudents) {
        s->mean_total = sum / (double)c->nstudents;
        qsort(totals, c->nstudents, sizeof *totals, cmp_int);
        size_t n = c->nstudents;
        s->median_total = n % 2 ? totals[n / 2]
                                : (totals[n / 2 - 1] + totals[n / 2]) / 2.0;
    }
    free(totals);
    return 0;
}

/* ---- the terminal summary ---------------------------------------------------- */

/* Checks listed in the terminal; the HTML report has them all. */
#define SUMMARY_CHECKS 15

static int cmp_check_rate(const void *a, const void *b)
{
    const grade_check_stat *x = a, *y = b;
    double rx = x->graded ? (double)x->passed / x->graded : 1;
    double ry = y->graded ? (double)y->passed / y->graded : 1;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    int c = strcmp(x->exercise, y->exercise);
    return c ? c : strcmp(x->name, y->name);
}

/* Most common failure first; ties in check order. */
static int cmp_common(const void *a, const void *b)
{
    const grade_check_stat *x = a, *y = b;
    if (x->common_count != y->common_count)
        return x->common_count > y->common_count ? -1 : 1;
    return cmp_check_rate(a, b);
}

void grade_summary_print(const gradebook_class *c, FILE *out, bool color)
{
    grade_stats s;
    if (grade_stats_compute(c, &s) != 0) {
        fputs("lab: error: out of memory\n", stderr);
        return;
    }
    const char *bold = color ? "\033[1m" : "", *rst = color ? "\033[0m" : "";
    fprintf(out, "%sClass summary%s: %zu student(s), %zu exercise(s), %d "
                 "points in all\n",
            bold, rst, c->nstudents, c->nexercises, s.max_total);
    fprintf(out, "  mean %.1f, median %.1f points\n\n", s.mean_total,
            s.median_total);
    fprintf(out, "%s%-40s %9s %11s %8s %7s%s\n", bold, "Exercise",
            "mean", "full marks", "missing", "broken", rst);
    for (size_t e = 0; e < c->nexercises; e++)
        fprintf(out, "%-40s %8.0f%% %7zu/%-3zu %8zu %7zu\n",
                c->exercises[e].id, s.ex_rate[e] * 100, s.ex_passed[e],
                c->nstudents, s.ex_missing[e], s.ex_broken[e]);
    grade_check_stat *sorted =
        malloc((s.nchecks ? s.nchecks : 1) * sizeof *sorted);
    if (sorted) {
        memcpy(sorted, s.checks, s.nchecks * sizeof *sorted);
        qsort(sorted, s.nchecks, sizeof *sorted, cmp_check_rate);
        fprintf(out, "\n%sChecks, hardest first%s\n", bold, rst);
        size_t show = s.nchecks < SUMMARY_CHECKS ? s.nchecks : SUMMARY_CHECKS;
        for (size_t i = 0; i < show; i++) {
            char label[400];
            snprintf(label, sizeof label, "%s %s", sorted[i].exercise,
                     sorted[i].name);
            fprintf(out, "  %-58s %4zu/%-4zu passed\n", label,
                    sorted[i].passed, sorted[i].graded);
        }
        if (show < s.nchecks)
            fprintf(out, "  ... and %zu more (lab gradebook export html)\n",
                    s.nchecks - show);
        qsort(sorted, s.nchecks, sizeof *sorted, cmp_common);
        fprintf(out, "\n%sMost common failures%s\n", bold, rst);
        size_t shown = 0;
        for (size_t i = 0; i < s.nchecks && shown < 5; i++) {
            if (!sorted[i].common_message)
                continue;
            shown++;
            fprintf(out, "  %zux %s %s:\n      %.200s%s\n",
                    sorted[i].common_count, sorted[i].exercise,
                    sorted[i].name, sorted[i].common_message,
                    strlen(sorted[i].common_message) > 200 ? "..." : "");
        }
        if (!shown)
            fputs("  (none)\n", out);
        free(sorted);
    }
    grade_stats_free(&s);
}
