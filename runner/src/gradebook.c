/*
 * gradebook.c -- the gradebook's file: opening it (WAL), its schema and
 * the migrations between versions, and what a grading run writes
 * (exercises, current submissions, one transaction per finished job).
 * Reading it back (the class view, merging shards, the canonical dump)
 * is in gradebook_read.c.
 *
 * Schema versions (PRAGMA user_version):
 *   1  students, exercises, submissions (content hash), current (which
 *      submission of a student counts for an exercise), runs (one per
 *      submission and checks hash), check_results.
 *   2  check_results.visible (hidden checks), runs.lab_version, and the
 *      indexes the class view needs.
 * A file is recognised by PRAGMA application_id; one of another program,
 * or of a newer schema, is refused without being touched.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "gradebook_internal.h"

/* 'tglb' */
#define APPLICATION_ID 0x74676c62

static const char *const MIGRATIONS[GRADEBOOK_SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE students(id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE exercises(id INTEGER PRIMARY KEY,"
    "  ex TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
    "  position INTEGER NOT NULL, max_points INTEGER NOT NULL,"
    "  checks_hash TEXT NOT NULL);"
    "CREATE TABLE submissions(id INTEGER PRIMARY KEY,"
    "  student_id INTEGER NOT NULL REFERENCES students(id),"
    "  exercise_id INTEGER NOT NULL REFERENCES exercises(id),"
    "  hash TEXT NOT NULL, bytes INTEGER NOT NULL,"
    "  UNIQUE(student_id, exercise_id, hash));"
    "CREATE TABLE current(student_id INTEGER NOT NULL REFERENCES students(id),"
    "  exercise_id INTEGER NOT NULL REFERENCES exercises(id),"
    "  submission_id INTEGER REFERENCES submissions(id),"
    "  source TEXT, note TEXT,"
    "  PRIMARY KEY(student_id, exercise_id));"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY,"
    "  submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    "  checks_hash TEXT NOT NULL, status TEXT NOT NULL, stage TEXT NOT NULL,"
    "  failed INTEGER NOT NULL, points INTEGER NOT NULL,"
    "  max_points INTEGER NOT NULL, report TEXT, error TEXT,"
    "  total_ms INTEGER NOT NULL, finished_at TEXT NOT NULL,"
    "  UNIQUE(submission_id, checks_hash));"
    "CREATE TABLE check_results(run_id INTEGER NOT NULL REFERENCES runs(id),"
    "  position INTEGER NOT NULL, name TEXT NOT NULL, scenario TEXT,"
    "  points INTEGER NOT NULL, max_points INTEGER NOT NULL,"
    "  passed INTEGER NOT NULL, flaky INTEGER NOT NULL, message TEXT,"
    "  failing_seed INTEGER, hint TEXT, crash TEXT, output TEXT,"
    "  PRIMARY KEY(run_id, name));",
    /* 1 -> 2 */
    "ALTER TABLE check_results ADD COLUMN visible INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE runs ADD COLUMN lab_version TEXT;"
    "CREATE INDEX submissions_by_exercise ON submissions(exercise_id);"
    "CREATE INDEX current_by_submission ON current(submission_id);",
};

void gradebook__say(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || !whylen)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(why, whylen, "lab: error: ");
    if (n > 0 && (size_t)n < whylen)
        vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
    va_end(ap);
}

int gradebook__sql_error(gradebook *gb, char *why, size_t whylen,
                         const char *doing)
{
    gradebook__say(why, whylen, "gradebook %s: %s: %s", gb->path, doing,
                   sqlite3_errmsg(gb->db));
    return -1;
}

sqlite3_stmt *gradebook__prep(gradebook *gb, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(gb->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

int gradebook__exec(gradebook *gb, const char *sql)
{
    return sqlite3_exec(gb->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The single integer a query gives, or dflt. */
long long gradebook__int(gradebook *gb, const char *sql, long long dflt)
{
    sqlite3_stmt *st = gradebook__prep(gb, sql);
    long long v = dflt;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int migrate(gradebook *gb, int from, int to, char *why, size_t whylen)
{
    if (gradebook__exec(gb, "BEGIN IMMEDIATE") != 0)
        return gradebook__sql_error(gb, why, whylen, "cannot lock");
    for (int v = from; v < to; v++) {
        if (gradebook__exec(gb, MIGRATIONS[v]) != 0) {
            gradebook__sql_error(gb, why, whylen, "migration failed");
            gradebook__exec(gb, "ROLLBACK");
            return -1;
        }
    }
    /* PRAGMAs take no parameters; both values are our constants. */
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; "
                              "PRAGMA user_version = %d",
             APPLICATION_ID, to);
    if (gradebook__exec(gb, sql) != 0 || gradebook__exec(gb, "COMMIT") != 0) {
        gradebook__sql_error(gb, why, whylen, "migration failed");
        gradebook__exec(gb, "ROLLBACK");
        return -1;
    }
    return 0;
}

int gradebook__open_upto(const char *path, bool create, int target,
                         gradebook **out, char *why, size_t whylen)
{
    *out = NULL;
    gradebook *gb = calloc(1, sizeof *gb);
    if (!gb || !(gb->path = strdup(path))) {
        free(gb);
        gradebook__say(why, whylen, "out of memory");
        return -1;
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &gb->db, flags, NULL) != SQLITE_OK) {
        if (!create && gb->db &&
            sqlite3_errcode(gb->db) == SQLITE_CANTOPEN)
            gradebook__say(why, whylen,
                           "there is no gradebook at %s (run 'lab grade' "
                           "first, or pass --gradebook FILE)",
                           path);
        else
            gradebook__say(why, whylen, "cannot open the gradebook %s: %s",
                           path,
                           gb->db ? sqlite3_errmsg(gb->db) : "out of memory");
        gradebook_close(gb);
        return -1;
    }
    sqlite3_busy_timeout(gb->db, 10000);
    sqlite3_extended_result_codes(gb->db, 1);
    long long app = gradebook__int(gb, "PRAGMA application_id", -1);
    long long ver = gradebook__int(gb, "PRAGMA user_version", -1);
    long long ntables = gradebook__int(
        gb, "SELECT count(*) FROM sqlite_master", -1);
    if (app < 0 || ver < 0 || ntables < 0) {
        gradebook__say(why, whylen,
                       "%s is not a gradebook (not an SQLite database: %s)",
                       path, sqlite3_errmsg(gb->db));
        gradebook_close(gb);
        return -1;
    }
    if ((app != APPLICATION_ID && !(app == 0 && ntables == 0)) ||
        (app == APPLICATION_ID && ver == 0 && ntables > 0)) {
        gradebook__say(why, whylen,
                       "%s is an SQLite database but not a tglab gradebook; "
                       "it was left untouched",
                       path);
        gradebook_close(gb);
        return -1;
    }
    if (ver > GRADEBOOK_SCHEMA_VERSION) {
        gradebook__say(why, whylen,
                       "%s was written by a newer lab (schema %lld; this "
                       "lab knows up to %d); it was left untouched",
                       path, ver, GRADEBOOK_SCHEMA_VERSION);
        gradebook_close(gb);
        return -1;
    }
    /* WAL: readers (exports) never block the grader, and a killed grader
     * leaves the last committed job intact.  NORMAL sync is durable
     * against a crash of the process; only power loss may lose the last
     * jobs, which a rerun regrades. */
    if (gradebook__exec(gb, "PRAGMA journal_mode = WAL") != 0 ||
        gradebook__exec(gb, "PRAGMA synchronous = NORMAL") != 0 ||
        gradebook__exec(gb, "PRAGMA foreign_keys = ON") != 0) {
        gradebook__sql_error(gb, why, whylen, "cannot set it up");
        gradebook_close(gb);
        return -1;
    }
    if (ver < target && migrate(gb, (int)ver, target, why, whylen) != 0) {
        gradebook_close(gb);
        return -1;
    }
    gb->version = ver < target ? target : (int)ver;
    *out = gb;
    return 0;
}

int gradebook_open(const char *path, bool create, gradebook **out, char *why,
                   size_t whylen)
{
    return gradebook__open_upto(path, create, GRADEBOOK_SCHEMA_VERSION, out,
                                why, whylen);
}

void gradebook_close(gradebook *gb)
{
    if (!gb)
        return;
    if (gb->db) {
        sqlite3_exec(gb->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                     NULL);
        sqlite3_close_v2(gb->db);
    }
    free(gb->path);
    free(gb);
}

int gradebook_schema_version(gradebook *gb)
{
    return gb->version;
}

/* ---- ids by natural key ------------------------------------------------ */

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Runs a statement that returns no row; 0 or -1. */
static int step_done(sqlite3_stmt *st)
{
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The id a one-column, one-row query gives, or -1. */
static long long step_id(sqlite3_stmt *st)
{
    long long id = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

long long gradebook__student_id(gradebook *gb, const char *name, bool create)
{
    sqlite3_stmt *st;
    if (create) {
        st = gradebook__prep(gb, "INSERT OR IGNORE INTO students(name) "
                                 "VALUES (?1)");
        if (st)
            bind_text(st, 1, name);
        if (step_done(st) != 0)
            return -1;
    }
    st = gradebook__prep(gb, "SELECT id FROM students WHERE name = ?1");
    if (st)
        bind_text(st, 1, name);
    return step_id(st);
}

long long gradebook__exercise_id(gradebook *gb, const char *ex)
{
    sqlite3_stmt *st = gradebook__prep(gb, "SELECT id FROM exercises "
                                           "WHERE ex = ?1");
    if (st)
        bind_text(st, 1, ex);
    return step_id(st);
}

static long long submission_id(gradebook *gb, long long sid, long long eid,
                               const char *hash)
{
    sqlite3_stmt *st = gradebook__prep(
        gb, "SELECT id FROM submissions WHERE student_id = ?1 AND "
            "exercise_id = ?2 AND hash = ?3");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, sid);
    sqlite3_bind_int64(st, 2, eid);
    bind_text(st, 3, hash);
    return step_id(st);
}

/* ---- writing ------------------------------------------------------------ */

int gradebook_set_exercise(gradebook *gb, const char *ex_id, const char *title,
                           int position, int max_points,
                           const char *checks_hash, char *why, size_t whylen)
{
    sqlite3_stmt *st = gradebook__prep(
        gb, "INSERT INTO exercises(ex, title, position, max_points, "
            "checks_hash) VALUES (?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT(ex) DO UPDATE SET title = excluded.title, "
            "position = excluded.position, "
            "max_points = excluded.max_points, "
            "checks_hash = excluded.checks_hash");
    if (st) {
        bind_text(st, 1, ex_id);
        bind_text(st, 2, title ? title : "");
        sqlite3_bind_int(st, 3, position);
        sqlite3_bind_int(st, 4, max_points);
        bind_text(st, 5, checks_hash);
    }
    if (step_done(st) != 0)
        return gradebook__sql_error(gb, why, whylen,
                                    "cannot record an exercise");
    return 0;
}

static int set_one_current(gradebook *gb, const gradebook_sub *s)
{
    long long sid = gradebook__student_id(gb, s->student, true);
    long long eid = gradebook__exercise_id(gb, s->exercise);
    if (sid < 0 || eid < 0)
        return -1;
    long long sub = -1;
    if (s->hash) {
        sqlite3_stmt *st = gradebook__prep(
            gb, "INSERT OR IGNORE INTO submissions(student_id, exercise_id, "
                "hash, bytes) VALUES (?1, ?2, ?3, ?4)");
        if (st) {
            sqlite3_bind_int64(st, 1, sid);
            sqlite3_bind_int64(st, 2, eid);
            bind_text(st, 3, s->hash);
            sqlite3_bind_int64(st, 4, (sqlite3_int64)s->bytes);
        }
        if (step_done(st) != 0)
            return -1;
        sub = submission_id(gb, sid, eid, s->hash);
        if (sub < 0)
            return -1;
    }
    sqlite3_stmt *st = gradebook__prep(
        gb, "INSERT OR REPLACE INTO current(student_id, exercise_id, "
            "submission_id, source, note) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (st) {
        sqlite3_bind_int64(st, 1, sid);
        sqlite3_bind_int64(st, 2, eid);
        if (sub >= 0)
            sqlite3_bind_int64(st, 3, sub);
        else
            sqlite3_bind_null(st, 3);
        bind_text(st, 4, s->source);
        bind_text(st, 5, s->note);
    }
    return step_done(st);
}

int gradebook_set_current(gradebook *gb, const gradebook_sub *subs, size_t n,
                          char *why, size_t whylen)
{
    if (gradebook__exec(gb, "BEGIN IMMEDIATE") != 0)
        return gradebook__sql_error(gb, why, whylen, "cannot lock");
    for (size_t i = 0; i < n; i++) {
        if (set_one_current(gb, &subs[i]) != 0) {
            gradebook__sql_error(gb, why, whylen,
                                 "cannot record a submission");
            gradebook__exec(gb, "ROLLBACK");
            return -1;
        }
    }
    if (gradebook__exec(gb, "COMMIT") != 0) {
        gradebook__sql_error(gb, why, whylen, "cannot commit");
        gradebook__exec(gb, "ROLLBACK");
        return -1;
    }
    return 0;
}

bool gradebook_has_run(gradebook *gb, const char *student,
                       const char *exercise, const char *hash,
                       const char *checks_hash)
{
    sqlite3_stmt *st = gradebook__prep(
        gb, "SELECT 1 FROM runs r JOIN submissions s ON s.id = r.submission_id "
            "JOIN students p ON p.id = s.student_id "
            "JOIN exercises e ON e.id = s.exercise_id "
            "WHERE p.name = ?1 AND e.ex = ?2 AND s.hash = ?3 "
            "AND r.checks_hash = ?4 AND r.status = 'graded'");
    if (!st)
        return false;
    bind_text(st, 1, student);
    bind_text(st, 2, exercise);
    bind_text(st, 3, hash);
    bind_text(st, 4, checks_hash);
    return step_id(st) == 1;
}

/* s with every occurrence of from replaced by to (malloc'd), or a copy. */
static char *replace_all(const char *s, const char *from, const char *to)
{
    if (!s)
        return NULL;
    size_t fl = from ? strlen(from) : 0;
    if (!fl || !strstr(s, from))
        return strdup(s);
    size_t tl = strlen(to), n = 0;
    for (const char *p = s; (p = strstr(p, from)); p += fl)
        n++;
    char *out = malloc(strlen(s) + n * tl + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = s;;) {
        const char *hit = strstr(p, from);
        if (!hit) {
            strcpy(o, p);
            break;
        }
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        memcpy(o, to, tl);
        o += tl;
        p = hit + fl;
    }
    return out;
}

/* The messages of the stage that stopped the pipeline (and its warnings),
 * as text a student can read, with their file's name in place of the
 * private copy's. */
static char *stage_report(const pipeline_result *r, const char *priv,
                          const char *display)
{
    size_t cap = 256, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < r->nmsgs; i++) {
        const pipeline_msg *m = &r->msgs[i];
        char line[512] = "";
        if (m->file && m->line)
            snprintf(line, sizeof line, "%s:%u:%u: ", m->file, m->line,
                     m->col);
        else if (m->file)
            snprintf(line, sizeof line, "%s: ", m->file);
        const char *sev = m->severity == PIPELINE_ERROR     ? "error: "
                          : m->severity == PIPELINE_WARNING ? "warning: "
                                                            : "note: ";
        size_t need = strlen(line) + strlen(sev) + strlen(m->text) +
                      (m->source ? strlen(m->source) + 8 : 0) +
                      (m->explain ? strlen(m->explain) + 8 : 0) + 4;
        if (len + need + 1 > cap) {
            while (len + need + 1 > cap)
                cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        len += (size_t)sprintf(buf + len, "%s%s%s\n", line, sev, m->text);
        if (m->source)
            len += (size_t)sprintf(buf + len, "    | %s\n", m->source);
        if (m->explain)
            len += (size_t)sprintf(buf + len, "    %s\n", m->explain);
    }
    if (len == 0) {
        free(buf);
        return NULL;
    }
    char *out = replace_all(buf, priv, display);
    free(buf);
    return out;
}

static char *now_iso(void)
{
    char buf[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return strdup(buf);
}

static bool is_visible(const gradebook_check_info *checks, size_t n,
                       const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(checks[i].name, name))
            return checks[i].visible;
    return true;
}

static int insert_checks(gradebook *gb, long long run,
                         const pipeline_result *r,
                         const gradebook_check_info *info, size_t ninfo,
                         const char *priv, const char *display)
{
    for (size_t i = 0; i < r->nchecks; i++) {
        const pipeline_check_result *c = &r->checks[i];
        sqlite3_stmt *st = gradebook__prep(
            gb, "INSERT INTO check_results(run_id, position, name, scenario, "
                "points, max_points, passed, flaky, message, failing_seed, "
                "hint, crash, output, visible) VALUES (?1, ?2, ?3, ?4, ?5, "
                "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
        if (!st)
            return -1;
        char *msg = replace_all(c->message, priv, display);
        char *out = replace_all(c->output, priv, display);
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int(st, 2, (int)i);
        bind_text(st, 3, c->name);
        bind_text(st, 4, c->scenario);
        sqlite3_bind_int(st, 5, c->passed ? c->points : 0);
        sqlite3_bind_int(st, 6, c->points);
        sqlite3_bind_int(st, 7, c->passed);
        sqlite3_bind_int(st, 8, c->flaky);
        bind_text(st, 9, c->passed ? NULL : msg);
        if (c->passed)
            sqlite3_bind_null(st, 10);
        else
            sqlite3_bind_int64(st, 10, (sqlite3_int64)c->failing_seed);
        bind_text(st, 11, c->hint_text);
        bind_text(st, 12, c->passed ? NULL : c->crash);
        bind_text(st, 13, c->passed ? NULL : out);
        sqlite3_bind_int(st, 14, is_visible(info, ninfo, c->name));
        free(msg);
        free(out);
        if (step_done(st) != 0)
            return -1;
    }
    return 0;
}

int gradebook_record(gradebook *gb, const char *student, const char *exercise,
                     const char *hash, const char *checks_hash, int rc,
                     const char *pipeline_why, const pipeline_result *r,
                     const gradebook_check_info *checks, size_t nchecks,
                     const char *private_file, const char *display_file,
                     char *why, size_t whylen)
{
    if (gradebook__exec(gb, "BEGIN IMMEDIATE") != 0)
        return gradebook__sql_error(gb, why, whylen, "cannot lock");
    long long sid = gradebook__student_id(gb, student, true);
    long long eid = gradebook__exercise_id(gb, exercise);
    long long sub = sid >= 0 && eid >= 0 ? submission_id(gb, sid, eid, hash)
                                         : -1;
    long long run = -1;
    char *report = NULL, *when = now_iso();
    if (sub < 0)
        goto fail;
    sqlite3_stmt *st = gradebook__prep(
        gb, "DELETE FROM check_results WHERE run_id IN (SELECT id FROM runs "
            "WHERE submission_id = ?1 AND checks_hash = ?2)");
    if (st) {
        sqlite3_bind_int64(st, 1, sub);
        bind_text(st, 2, checks_hash);
    }
    if (step_done(st) != 0)
        goto fail;
    st = gradebook__prep(gb, "DELETE FROM runs WHERE submission_id = ?1 AND "
                             "checks_hash = ?2");
    if (st) {
        sqlite3_bind_int64(st, 1, sub);
        bind_text(st, 2, checks_hash);
    }
    if (step_done(st) != 0)
        goto fail;

    bool ok = rc == 0;
    if (ok)
        report = r->failed ? stage_report(r, private_file, display_file)
                           : NULL;
    st = gradebook__prep(
        gb, "INSERT INTO runs(submission_id, checks_hash, status, stage, "
            "failed, points, max_points, report, error, total_ms, "
            "finished_at, lab_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
            "?8, ?9, ?10, ?11, ?12) RETURNING id");
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, sub);
    bind_text(st, 2, checks_hash);
    bind_text(st, 3, ok ? "graded" : "error");
    bind_text(st, 4, ok ? pipeline_stage_name(r->stage) : "internal");
    sqlite3_bind_int(st, 5, ok ? r->failed : 1);
    sqlite3_bind_int(st, 6, ok ? r->points : 0);
    sqlite3_bind_int(st, 7, ok ? r->max_points : 0);
    bind_text(st, 8, report);
    bind_text(st, 9, ok ? NULL
                        : (pipeline_why && *pipeline_why ? pipeline_why
                                                         : "internal error"));
    sqlite3_bind_int64(st, 10, ok ? (sqlite3_int64)r->total_ms : 0);
    bind_text(st, 11, when ? when : "");
    bind_text(st, 12, LAB_VERSION);
    run = step_id(st);
    if (run < 0)
        goto fail;
    if (ok && insert_checks(gb, run, r, checks, nchecks, private_file,
                            display_file) != 0)
        goto fail;
    if (gradebook__exec(gb, "COMMIT") != 0)
        goto fail;
    free(report);
    free(when);
    return 0;
fail:
    gradebook__sql_error(gb, why, whylen, "cannot record a result");
    gradebook__exec(gb, "ROLLBACK");
    free(report);
    free(when);
    return -1;
}
