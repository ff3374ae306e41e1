/*
 * gradebook_read.c -- reading the gradebook back: the class view that the
 * exports and the summary work on, merging shards into one gradebook, and
 * the canonical dump that tells whether two gradebooks hold the same
 * grades.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradebook_internal.h"

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? strdup((const char *)s) : NULL;
}

/* ---- the class view ------------------------------------------------------ */

gradebook_cell *gradebook_cell_at(const gradebook_class *c, size_t s, size_t e)
{
    return &c->cells[s * c->nexercises + e];
}

int gradebook_student_total(const gradebook_class *c, size_t s)
{
    int t = 0;
    for (size_t e = 0; e < c->nexercises; e++) {
        const gradebook_cell *cell = gradebook_cell_at(c, s, e);
        if (cell->state == GRADEBOOK_GRADED)
            t += cell->points;
    }
    return t;
}

int gradebook_max_total(const gradebook_class *c)
{
    int t = 0;
    for (size_t e = 0; e < c->nexercises; e++)
        t += c->exercises[e].max_points;
    return t;
}

static void cell_free(gradebook_cell *cell)
{
    free(cell->hash);
    free(cell->source);
    free(cell->note);
    free(cell->stage);
    free(cell->report);
    for (size_t i = 0; i < cell->nchecks; i++) {
        gradebook_check *k = &cell->checks[i];
        free(k->name);
        free(k->scenario);
        free(k->message);
        free(k->hint);
        free(k->crash);
        free(k->output);
    }
    free(cell->checks);
}

void gradebook_class_free(gradebook_class *c)
{
    if (!c)
        return;
    for (size_t s = 0; s < c->nstudents; s++)
        free(c->students[s]);
    for (size_t e = 0; e < c->nexercises; e++) {
        free(c->exercises[e].id);
        free(c->exercises[e].title);
    }
    if (c->cells)
        for (size_t i = 0; i < c->nstudents * c->nexercises; i++)
            cell_free(&c->cells[i]);
    free(c->students);
    free(c->exercises);
    free(c->cells);
    free(c);
}

static long find_id(const long long *ids, size_t n, long long id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return (long)i;
    return -1;
}

static int load_checks(gradebook *gb, long long run, gradebook_cell *cell)
{
    sqlite3_stmt *st = gradebook__prep(
        gb, "SELECT name, scenario, points, max_points, passed, flaky, "
            "visible, failing_seed, message, hint, crash, output "
            "FROM check_results WHERE run_id = ?1 ORDER BY position");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    int rc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        gradebook_check *nk =
            realloc(cell->checks, (cell->nchecks + 1) * sizeof *nk);
        if (!nk) {
            rc = -1;
            break;
        }
        cell->checks = nk;
        gradebook_check *k = &cell->checks[cell->nchecks++];
        *k = (gradebook_check){
            .name = col_dup(st, 0),
            .scenario = col_dup(st, 1),
            .points = sqlite3_column_int(st, 2),
            .max_points = sqlite3_column_int(st, 3),
            .passed = sqlite3_column_int(st, 4) != 0,
            .flaky = sqlite3_column_int(st, 5) != 0,
            .visible = sqlite3_column_int(st, 6) != 0,
            .failing_seed = (uint64_t)sqlite3_column_int64(st, 7),
            .message = col_dup(st, 8),
            .hint = col_dup(st, 9),
            .crash = col_dup(st, 10),
            .output = col_dup(st, 11),
        };
        if (!k->name)
            k->name = strdup("");
    }
    sqlite3_finalize(st);
    return rc;
}

int gradebook_load_class(gradebook *gb, gradebook_class **out, char *why,
                         size_t whylen)
{
    *out = NULL;
    gradebook_class *c = calloc(1, sizeof *c);
    long long *eids = NULL, *sids = NULL;
    if (!c)
        goto oom;
    size_t ne = (size_t)gradebook__int(gb, "SELECT count(*) FROM exercises", 0);
    size_t ns = (size_t)gradebook__int(gb, "SELECT count(*) FROM students", 0);
    c->exercises = calloc(ne ? ne : 1, sizeof *c->exercises);
    c->students = calloc(ns ? ns : 1, sizeof *c->students);
    c->cells = calloc(ne * ns > 0 ? ne * ns : 1, sizeof *c->cells);
    eids = calloc(ne ? ne : 1, sizeof *eids);
    sids = calloc(ns ? ns : 1, sizeof *sids);
    if (!c->exercises || !c->students || !c->cells || !eids || !sids)
        goto oom;

    sqlite3_stmt *st = gradebook__prep(
        gb, "SELECT id, ex, title, max_points FROM exercises "
            "ORDER BY position, ex");
    while (st && sqlite3_step(st) == SQLITE_ROW && c->nexercises < ne) {
        gradebook_exercise *x = &c->exercises[c->nexercises];
        eids[c->nexercises++] = sqlite3_column_int64(st, 0);
        x->id = col_dup(st, 1);
        x->title = col_dup(st, 2);
        x->max_points = sqlite3_column_int(st, 3);
        if (!x->id || !x->title) {
            sqlite3_finalize(st);
            goto oom;
        }
    }
    sqlite3_finalize(st);
    st = gradebook__prep(gb, "SELECT id, name FROM students ORDER BY name");
    while (st && sqlite3_step(st) == SQLITE_ROW && c->nstudents < ns) {
        sids[c->nstudents] = sqlite3_column_int64(st, 0);
        if (!(c->students[c->nstudents++] = col_dup(st, 1))) {
            sqlite3_finalize(st);
            goto oom;
        }
    }
    sqlite3_finalize(st);
    for (size_t e = 0; e < c->nexercises; e++)
        for (size_t s = 0; s < c->nstudents; s++)
            gradebook_cell_at(c, s, e)->max_points = c->exercises[e].max_points;

    st = gradebook__prep(
        gb, "SELECT c.student_id, c.exercise_id, s.hash, c.source, c.note, "
            "r.id, r.status, r.stage, r.failed, r.points, r.max_points, "
            "r.report, r.error FROM current c "
            "JOIN exercises e ON e.id = c.exercise_id "
            "LEFT JOIN submissions s ON s.id = c.submission_id "
            "LEFT JOIN runs r ON r.submission_id = c.submission_id "
            "AND r.checks_hash = e.checks_hash");
    if (!st) {
        gradebook__sql_error(gb, why, whylen, "cannot read");
        gradebook_class_free(c);
        free(eids);
        free(sids);
        return -1;
    }
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        long si = find_id(sids, c->nstudents, sqlite3_column_int64(st, 0));
        long ei = find_id(eids, c->nexercises, sqlite3_column_int64(st, 1));
        if (si < 0 || ei < 0)
            continue;
        gradebook_cell *cell = gradebook_cell_at(c, (size_t)si, (size_t)ei);
        cell->hash = col_dup(st, 2);
        cell->source = col_dup(st, 3);
        cell->note = col_dup(st, 4);
        if (!cell->hash) {
            cell->state = GRADEBOOK_MISSING;
            continue;
        }
        if (sqlite3_column_type(st, 5) == SQLITE_NULL) {
            cell->state = GRADEBOOK_PENDING;
            continue;
        }
        const char *status = (const char *)sqlite3_column_text(st, 6);
        cell->stage = col_dup(st, 7);
        cell->failed = sqlite3_column_int(st, 8) != 0;
        if (status && !strcmp(status, "graded")) {
            cell->state = GRADEBOOK_GRADED;
            cell->points = sqlite3_column_int(st, 9);
            /* A file that stopped before the checks ran none: its
             * maximum is still the exercise's. */
            if (!cell->failed)
                cell->max_points = sqlite3_column_int(st, 10);
            cell->report = col_dup(st, 11);
            rc = load_checks(gb, sqlite3_column_int64(st, 5), cell);
        } else {
            cell->state = GRADEBOOK_ERROR;
            free(cell->note);
            cell->note = col_dup(st, 12);
        }
    }
    sqlite3_finalize(st);
    free(eids);
    free(sids);
    if (rc != 0) {
        gradebook_class_free(c);
        gradebook__say(why, whylen, "out of memory");
        return -1;
    }
    *out = c;
    return 0;
oom:
    gradebook_class_free(c);
    free(eids);
    free(sids);
    gradebook__say(why, whylen, "out of memory");
    return -1;
}

/* ---- merging shards ------------------------------------------------------ */

/* Each statement of a merge, in order, on the attached "shard". */
static const char *const MERGE_SQL[] = {
    "INSERT OR IGNORE INTO main.students(name) "
    "SELECT name FROM shard.students",
    /* An exercise takes the shard's description: shards of one class are
     * graded under the same checks. */
    "INSERT INTO main.exercises(ex, title, position, max_points, checks_hash) "
    "SELECT ex, title, position, max_points, checks_hash FROM shard.exercises "
    "WHERE true ON CONFLICT(ex) DO UPDATE SET title = excluded.title, "
    "position = excluded.position, max_points = excluded.max_points, "
    "checks_hash = excluded.checks_hash",
    "INSERT OR IGNORE INTO main.submissions(student_id, exercise_id, hash, "
    "bytes) SELECT ms.id, me.id, s.hash, s.bytes FROM shard.submissions s "
    "JOIN shard.students ss ON ss.id = s.student_id "
    "JOIN shard.exercises se ON se.id = s.exercise_id "
    "JOIN main.students ms ON ms.name = ss.name "
    "JOIN main.exercises me ON me.ex = se.ex",
    "INSERT OR REPLACE INTO main.current(student_id, exercise_id, "
    "submission_id, source, note) SELECT ms.id, me.id, "
    "(SELECT m.id FROM main.submissions m WHERE m.student_id = ms.id AND "
    " m.exercise_id = me.id AND m.hash = s.hash), c.source, c.note "
    "FROM shard.current c "
    "JOIN shard.students ss ON ss.id = c.student_id "
    "JOIN shard.exercises se ON se.id = c.exercise_id "
    "LEFT JOIN shard.submissions s ON s.id = c.submission_id "
    "JOIN main.students ms ON ms.name = ss.name "
    "JOIN main.exercises me ON me.ex = se.ex",
    NULL,
};

/* Copies every run of the shard (and its check results), replacing the
 * run of the same (submission, checks hash) pair. */
static int merge_runs(gradebook *gb)
{
    sqlite3_stmt *runs = gradebook__prep(
        gb, "SELECT r.id, m.id, r.checks_hash FROM shard.runs r "
            "JOIN shard.submissions s ON s.id = r.submission_id "
            "JOIN shard.students ss ON ss.id = s.student_id "
            "JOIN shard.exercises se ON se.id = s.exercise_id "
            "JOIN main.students ms ON ms.name = ss.name "
            "JOIN main.exercises me ON me.ex = se.ex "
            "JOIN main.submissions m ON m.student_id = ms.id AND "
            "m.exercise_id = me.id AND m.hash = s.hash ORDER BY r.id");
    if (!runs)
        return -1;
    int rc = 0;
    while (rc == 0 && sqlite3_step(runs) == SQLITE_ROW) {
        long long old = sqlite3_column_int64(runs, 0);
        long long sub = sqlite3_column_int64(runs, 1);
        const char *ch = (const char *)sqlite3_column_text(runs, 2);
        static const char *const steps[] = {
            "DELETE FROM main.check_results WHERE run_id IN (SELECT id FROM "
            "main.runs WHERE submission_id = ?2 AND checks_hash = ?3)",
            "DELETE FROM main.runs WHERE submission_id = ?2 AND "
            "checks_hash = ?3",
            "INSERT INTO main.runs(submission_id, checks_hash, status, stage, "
            "failed, points, max_points, report, error, total_ms, "
            "finished_at, lab_version) SELECT ?2, ?3, status, stage, failed, "
            "points, max_points, report, error, total_ms, finished_at, "
            "lab_version FROM shard.runs WHERE id = ?1",
            "INSERT INTO main.check_results(run_id, position, name, scenario, "
            "points, max_points, passed, flaky, message, failing_seed, hint, "
            "crash, output, visible) SELECT (SELECT id FROM main.runs WHERE "
            "submission_id = ?2 AND checks_hash = ?3), position, name, "
            "scenario, points, max_points, passed, flaky, message, "
            "failing_seed, hint, crash, output, visible "
            "FROM shard.check_results WHERE run_id = ?1",
        };
        for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof *steps; i++) {
            sqlite3_stmt *st = gradebook__prep(gb, steps[i]);
            if (!st) {
                rc = -1;
                break;
            }
            sqlite3_bind_int64(st, 1, old);
            sqlite3_bind_int64(st, 2, sub);
            sqlite3_bind_text(st, 3, ch ? ch : "", -1, SQLITE_TRANSIENT);
            /* Unused parameters stay NULL: each statement names its own. */
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = -1;
            sqlite3_finalize(st);
        }
    }
    sqlite3_finalize(runs);
    return rc;
}

int gradebook_merge(gradebook *gb, const char *path, char *why, size_t whylen)
{
    /* Opening the shard first brings it to our schema (or refuses it). */
    gradebook *shard = NULL;
    if (gradebook_open(path, false, &shard, why, whylen) != 0)
        return -1;
    gradebook_close(shard);

    sqlite3_stmt *st = gradebook__prep(gb, "ATTACH DATABASE ?1 AS shard");
    if (st)
        sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return gradebook__sql_error(gb, why, whylen, "cannot attach a shard");
    int ret = 0;
    if (gradebook__exec(gb, "BEGIN IMMEDIATE") != 0) {
        ret = gradebook__sql_error(gb, why, whylen, "cannot lock");
    } else {
        for (size_t i = 0; ret == 0 && MERGE_SQL[i]; i++)
            if (gradebook__exec(gb, MERGE_SQL[i]) != 0)
                ret = -1;
        if (ret == 0)
            ret = merge_runs(gb);
        if (ret == 0 && gradebook__exec(gb, "COMMIT") != 0)
            ret = -1;
        if (ret != 0) {
            gradebook__sql_error(gb, why, whylen, "cannot merge a shard");
            gradebook__exec(gb, "ROLLBACK");
        }
    }
    gradebook__exec(gb, "DETACH DATABASE shard");
    return ret;
}

/* ---- the canonical dump -------------------------------------------------- */

/* A column as one line of text: '\\', '|' and newlines escaped. */
static void put_col(FILE *out, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        fputs("-", out);
        return;
    }
    const unsigned char *s = sqlite3_column_text(st, i);
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '|')
            fprintf(out, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
}

static int dump_query(gradebook *gb, FILE *out, const char *tag,
                      const char *sql)
{
    sqlite3_stmt *st = gradebook__prep(gb, sql);
    if (!st)
        return -1;
    int n = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
        fputs(tag, out);
        for (int i = 0; i < n; i++) {
            fputc('|', out);
            put_col(out, st, i);
        }
        fputc('\n', out);
    }
    sqlite3_finalize(st);
    return 0;
}

int gradebook_dump(gradebook *gb, FILE *out, char *why, size_t whylen)
{
    static const char *const q[][2] = {
        {"exercise", "SELECT ex, title, position, max_points, checks_hash "
                     "FROM exercises ORDER BY ex"},
        {"student", "SELECT name FROM students ORDER BY name"},
        {"current", "SELECT p.name, e.ex, s.hash, s.bytes, c.source, c.note "
                    "FROM current c JOIN students p ON p.id = c.student_id "
                    "JOIN exercises e ON e.id = c.exercise_id "
                    "LEFT JOIN submissions s ON s.id = c.submission_id "
                    "ORDER BY p.name, e.ex"},
        {"submission", "SELECT p.name, e.ex, s.hash, s.bytes "
                       "FROM submissions s "
                       "JOIN students p ON p.id = s.student_id "
                       "JOIN exercises e ON e.id = s.exercise_id "
                       "ORDER BY p.name, e.ex, s.hash"},
        {"run", "SELECT p.name, e.ex, s.hash, r.checks_hash, r.status, "
                "r.stage, r.failed, r.points, r.max_points, r.report, "
                "r.error FROM runs r "
                "JOIN submissions s ON s.id = r.submission_id "
                "JOIN students p ON p.id = s.student_id "
                "JOIN exercises e ON e.id = s.exercise_id "
                "ORDER BY p.name, e.ex, s.hash, r.checks_hash"},
        {"check", "SELECT p.name, e.ex, s.hash, r.checks_hash, k.position, "
                  "k.name, k.scenario, k.points, k.max_points, k.passed, "
                  "k.flaky, k.visible, k.failing_seed, k.message, k.hint, "
                  "k.crash, k.output FROM check_results k "
                  "JOIN runs r ON r.id = k.run_id "
                  "JOIN submissions s ON s.id = r.submission_id "
                  "JOIN students p ON p.id = s.student_id "
                  "JOIN exercises e ON e.id = s.exercise_id "
                  "ORDER BY p.name, e.ex, s.hash, r.checks_hash, k.position"},
    };
    fprintf(out, "tglab-gradebook|schema %d\n", gb->version);
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (dump_query(gb, out, q[i][0], q[i][1]) != 0)
            return gradebook__sql_error(gb, why, whylen, "cannot dump");
    return ferror(out) ? (gradebook__say(why, whylen, "cannot write the dump"),
                          -1)
                       : 0;
}
