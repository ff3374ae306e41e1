/*
 * grade.h -- the parts of instructor grading behind `lab grade`, `lab
 * gradebook` and `lab pack` (cmd_grade.c): finding the submissions,
 * preparing the checks (with hidden ones), the progress display, the
 * exports, and the hand-in archive.
 */
#ifndef LAB_GRADE_H
#define LAB_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gradebook.h"
#include "manifest.h"

/* ---- submissions (grade_submissions.c) ---------------------------------- */

/* Limits on what a student hands in. */
#define GRADE_MAX_FILE_BYTES (1u << 20)     /* an exercise file */
#define GRADE_MAX_PACK_BYTES (64u << 20)    /* a pack, uncompressed */
#define GRADE_MAX_PACK_ENTRIES 10000        /* entries of a pack */
#define GRADE_MAX_NAME 200                  /* a student's name, bytes */

/* One student's file for one exercise. */
typedef struct grade_file {
    char *path;     /* our private copy; NULL when none was found */
    char *source;   /* where it was found: "alice/send_all.c",
                       "bob.tar.gz:exercises/01-task-groups/send_all.c" */
    char hash[65];  /* hex SHA-256 of the content, "" when none */
    size_t bytes;
    char *note;     /* why there is none (or a warning); may be NULL */
} grade_file;

typedef struct grade_student {
    char *name;       /* from the folder's or the pack's name */
    grade_file *files; /* one per exercise, in manifest order */
} grade_student;

typedef struct grade_submissions {
    char tmp[4096];      /* private directory (0700) holding the copies */
    grade_student *students; /* sorted by name (bytes) */
    size_t nstudents;
    size_t nexercises;
    size_t total;        /* students seen before sharding */
    char **warnings;     /* things the instructor should know */
    size_t nwarnings;
} grade_submissions;

/*
 * Finds the students in dir: each folder is one student, and so is each
 * `lab pack` archive (NAME.tar.gz or NAME.tgz).  For each exercise of m,
 * the student's file is looked for at exercises/<id>.c, then <id>.c, then
 * <name>.c (inside a pack, possibly under one top folder).  Every file is
 * copied into a private directory before anything reads it: a symlink, a
 * special file, or an archive entry with an absolute path or ".." is
 * refused (with a warning), never followed or extracted, and nothing is
 * ever written outside that directory.
 *
 * shard_n > 1 keeps only the students of slice shard_k (1-based) of
 * shard_n, chosen by a hash of each name: the same student always falls in
 * the same slice, whatever the others.
 *
 * Returns 0 and sets *out (free it with grade_submissions_free, which
 * removes the private directory), or -1 with a "lab: error: ..." in why
 * (dir cannot be read, no memory, no private directory).
 */
int grade_submissions_find(const char *dir, const manifest *m,
                           unsigned shard_k, unsigned shard_n,
                           grade_submissions **out, char *why, size_t whylen);
void grade_submissions_free(grade_submissions *s);

/* Whether a name falls in slice k (1-based) of n. */
bool grade_in_shard(const char *name, unsigned k, unsigned n);

/* Hex SHA-256 of data. */
void grade_sha256_hex(const void *data, size_t len, char hex[65]);

/* ---- checks (grade_checks.c) -------------------------------------------- */

/* An exercise as grading sees it: the manifest's, with hidden checks
 * added, and the hash of everything its verdicts depend on. */
typedef struct grade_exercise {
    manifest_exercise ex;     /* a copy; checks may include hidden ones */
    manifest_check *checks;   /* ex.checks, ours */
    gradebook_check_info *info; /* visibility of each check */
    size_t ninfo;
    int max_points;
    char hash[65];            /* the checks hash */
    bool hidden;              /* hidden checks apply to it */
} grade_exercise;

typedef struct grade_checks {
    char tmp[4096];         /* private build directory, "" when unused */
    char checks_dir[4096];  /* for pipeline_opts.checks_dir, "" for the
                               lab's own */
    grade_exercise *ex;     /* one per manifest exercise */
    size_t nex;
    char **names;           /* strings the exercises' checks borrow */
    size_t nnames;
} grade_checks;

/*
 * Prepares the checks of every exercise of m.  Without hidden_dir they are
 * the lab's own (build/checks).  With it, hidden_dir holds instructor-
 * private sources mirroring checks/: <id>.checks.c (more checks, or
 * replacements of checks of the same name) and optionally <id>.probe.c
 * (more scenarios), plus an optional checks.json:
 *
 *   {"exercises": {"01-task-groups/send_all": {
 *       "public": true,                 (keep the lab's checks; default)
 *       "checks": [{"name": "x", "points": 2, "visible": false}]}}}
 *
 * They are compiled here, on the trusted side, into a private directory;
 * the checker stays outside the sandbox, and only the probe's object is
 * ever bound into it.  A hidden check is invisible in feedback unless
 * checks.json marks it visible.  seeds/nseeds and sanitizers go into the
 * checks hash.
 *
 * Returns 0 and sets *out (free with grade_checks_free, which removes the
 * build directory), or -1 with why (a hidden source does not compile, the
 * lab is not built).
 */
int grade_checks_prepare(const char *root, const manifest *m,
                         const char *hidden_dir, const uint64_t *seeds,
                         size_t nseeds, grade_checks **out, char *why,
                         size_t whylen);
void grade_checks_free(grade_checks *c);

/* ---- progress (grade_progress.c) ---------------------------------------- */

typedef struct grade_progress {
    FILE *out;
    bool tty;          /* a bar redrawn in place; else one line per job */
    bool color;
    size_t total, done, skipped, failed;
    uint64_t start_ms, last_draw_ms;
    int width;         /* the terminal's columns */
} grade_progress;

void grade_progress_start(grade_progress *p, FILE *out, bool tty, bool color,
                          size_t total, size_t skipped);
/* One job finished: the line says who, what and how it went. */
void grade_progress_step(grade_progress *p, const char *student,
                         const char *exercise, const char *outcome,
                         bool ok);
/* Clears the bar; prints the totals. */
void grade_progress_end(grade_progress *p);
/* "1m05s" */
void grade_format_duration(uint64_t ms, char *out, size_t outlen);

/* ---- exports (grade_export.c, grade_html.c) ------------------------------ */

/* A row per student, a column per exercise, a total; RFC 4180 quoting, a
 * formula-looking name defused for spreadsheets. */
int grade_export_csv(const gradebook_class *c, FILE *out);

/* dir/<student>/results.json in Gradescope's format.  Hidden checks are
 * scored but say nothing more than "hidden check".  0, or -1 with why. */
int grade_export_gradescope(const gradebook_class *c, const char *dir,
                            char *why, size_t whylen);

/* dir/<student>.md: each exercise, each visible check with its message
 * and hint, the hidden ones only as a count.  0, or -1 with why. */
int grade_export_feedback(const gradebook_class *c, const char *dir,
                          char *why, size_t whylen);

/* A file name for a student (for exports): safe bytes only, unique. */
char *grade_student_file_name(const char *student);

/* Class statistics, shared by the terminal summary and the HTML report. */
typedef struct grade_check_stat {
    const char *exercise, *name;
    size_t passed, graded;
    const char *common_message; /* the most frequent failure message */
    size_t common_count;
} grade_check_stat;

typedef struct grade_stats {
    size_t nstudents;
    double *ex_rate;     /* per exercise: mean points / max, 0..1 */
    size_t *ex_passed;   /* per exercise: students with full points */
    size_t *ex_missing;  /* per exercise: nothing handed in */
    size_t *ex_broken;   /* per exercise: stopped before the checks */
    grade_check_stat *checks;
    size_t nchecks;
    size_t histogram[10]; /* totals in deciles of the maximum */
    double mean_total, median_total;
    int max_total;
} grade_stats;

int grade_stats_compute(const gradebook_class *c, grade_stats *s);
void grade_stats_free(grade_stats *s);

/* The class summary for a terminal: pass rate per exercise and check, the
 * most common failures. */
void grade_summary_print(const gradebook_class *c, FILE *out, bool color);

/* A self-contained HTML report (inline CSS and SVG charts, no script, no
 * network: a Content-Security-Policy forbids loading anything). */
int grade_export_html(const gradebook_class *c, FILE *out);

/* ---- hand-in (grade_pack.c) --------------------------------------------- */

/*
 * Writes a `lab pack` archive (gzip'd tar) to out_path: each exercise
 * file of m found under root as exercises/<id>.c, and tglab-pack.json
 * with the student's name, the lab's version and each file's SHA-256.
 * Returns the number of files packed, or -1 with why.
 */
int grade_pack_write(const char *root, const manifest *m, const char *student,
                     const char *out_path, char *why, size_t whylen);

#endif /* LAB_GRADE_H */
