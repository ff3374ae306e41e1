/*
 * gradebook.h -- the instructor's gradebook: one SQLite file (WAL) holding
 * students, exercises, submissions (by content hash), runs of the checks
 * on a submission, and each check's result.
 *
 * A run is keyed by (submission, checks hash): the checks hash of an
 * exercise covers everything its verdicts depend on (the checker, the
 * probe, the world, libtg, the manifest entry, the seeds, hidden checks),
 * so a rerun of `lab grade` skips a pair it has already graded, and after
 * a change to one exercise's checks it regrades only that exercise.  Each
 * finished job is written in one transaction: a `kill -9` at any moment
 * leaves the gradebook as it was before or after a job, never in between,
 * and a rerun completes it to exactly what an uninterrupted run gives.
 *
 * Every statement goes through SQLite's API with bound parameters.  The
 * schema has a version (PRAGMA user_version) and migrations from every
 * older version; a file from a newer lab is refused, never rewritten.
 */
#ifndef LAB_GRADEBOOK_H
#define LAB_GRADEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline.h"

/* The schema this lab writes.  See gradebook.c for each version. */
#define GRADEBOOK_SCHEMA_VERSION 2

typedef struct gradebook gradebook;

/*
 * Opens (creating it when create is true) the gradebook at path, in WAL
 * mode, migrating an older schema to the current one in one transaction.
 * Returns 0 and sets *out (close it with gradebook_close), or -1 with a
 * "lab: error: ..." message in why: cannot open or create, not a tglab
 * gradebook, written by a newer lab, corrupt.
 */
int gradebook_open(const char *path, bool create, gradebook **out, char *why,
                   size_t whylen);

/* Closes gb (checkpointing its WAL).  NULL is fine. */
void gradebook_close(gradebook *gb);

/* The schema version of an open gradebook. */
int gradebook_schema_version(gradebook *gb);

/* ---- what a grading run writes ---------------------------------------- */

/* One check as the grader presents it: points and whether feedback may
 * show it (hidden checks may not). */
typedef struct gradebook_check_info {
    const char *name;
    bool visible;
} gradebook_check_info;

/*
 * Records exercise ex_id (its title, its position in the course, its
 * maximum points and its current checks hash), creating or updating it.
 * Returns 0, or -1 with why.
 */
int gradebook_set_exercise(gradebook *gb, const char *ex_id, const char *title,
                           int position, int max_points,
                           const char *checks_hash, char *why, size_t whylen);

/* A student's file for one exercise, as discovery found it. */
typedef struct gradebook_sub {
    const char *student;  /* the student's name */
    const char *exercise; /* the exercise's id */
    const char *hash;     /* hex SHA-256 of the content; NULL: none handed in */
    size_t bytes;         /* its size */
    const char *source;   /* where it was found ("alice/send_all.c") */
    const char *note;     /* why it is missing or was refused; may be NULL */
} gradebook_sub;

/*
 * Makes subs[i] the current submission of its student for its exercise
 * (creating the student and the submission as needed), for all n in one
 * transaction.  Returns 0, or -1 with why.
 */
int gradebook_set_current(gradebook *gb, const gradebook_sub *subs, size_t n,
                          char *why, size_t whylen);

/* True when the submission (student, exercise, hash) has a finished run
 * under checks_hash: grading it again would give the same verdicts. */
bool gradebook_has_run(gradebook *gb, const char *student,
                       const char *exercise, const char *hash,
                       const char *checks_hash);

/*
 * Records one job's outcome for the submission (student, exercise, hash)
 * under checks_hash, replacing any earlier run of the same pair, in one
 * transaction.  rc and why are the pipeline's answer: rc 0 records r's
 * verdicts (status "graded"); anything else records an internal error
 * (status "error", which the next run retries).  checks gives each
 * check's visibility (a check absent from it is visible); display_file is
 * the file's name as the student knows it, used in messages in place of
 * the private copy's path.  Returns 0, or -1 with why.
 */
int gradebook_record(gradebook *gb, const char *student, const char *exercise,
                     const char *hash, const char *checks_hash, int rc,
                     const char *pipeline_why, const pipeline_result *r,
                     const gradebook_check_info *checks, size_t nchecks,
                     const char *private_file, const char *display_file,
                     char *why, size_t whylen);

/* ---- reading it back: the class ---------------------------------------- */

typedef enum gradebook_cell_state {
    GRADEBOOK_MISSING,  /* nothing handed in */
    GRADEBOOK_PENDING,  /* handed in, not graded under the current checks */
    GRADEBOOK_GRADED,   /* graded: points and checks are set */
    GRADEBOOK_ERROR,    /* the lab failed on it (internal error) */
} gradebook_cell_state;

typedef struct gradebook_check {
    char *name;
    char *scenario;
    int points, max_points;
    bool passed, flaky, visible;
    uint64_t failing_seed;
    char *message; /* the checker's words when it failed; may be NULL */
    char *hint;    /* the manifest's hint for it; may be NULL */
    char *crash;   /* how the failing run ended, in words; may be NULL */
    char *output;  /* what the code printed then; may be NULL */
} gradebook_check;

typedef struct gradebook_cell {
    gradebook_cell_state state;
    char *hash;    /* the submission's, NULL when missing */
    char *source;  /* where it was found */
    char *note;    /* why missing, or the internal error */
    char *stage;   /* the last pipeline stage reached */
    bool failed;   /* that stage stopped the pipeline */
    char *report;  /* the failing stage's messages, as text; may be NULL */
    int points, max_points;
    gradebook_check *checks;
    size_t nchecks;
} gradebook_cell;

typedef struct gradebook_exercise {
    char *id, *title;
    int max_points;
} gradebook_exercise;

/* The whole class: cells[s * nexercises + e] is student s on exercise e.
 * Students sorted by name, exercises by position. */
typedef struct gradebook_class {
    char **students;
    size_t nstudents;
    gradebook_exercise *exercises;
    size_t nexercises;
    gradebook_cell *cells;
} gradebook_class;

/* Loads the class view.  Returns 0 and sets *out (free it with
 * gradebook_class_free), or -1 with why. */
int gradebook_load_class(gradebook *gb, gradebook_class **out, char *why,
                         size_t whylen);
void gradebook_class_free(gradebook_class *c);

/* The cell of student s on exercise e. */
gradebook_cell *gradebook_cell_at(const gradebook_class *c, size_t s,
                                  size_t e);

/* A student's total points and the class maximum. */
int gradebook_student_total(const gradebook_class *c, size_t s);
int gradebook_max_total(const gradebook_class *c);

/* ---- whole-file operations --------------------------------------------- */

/*
 * Merges the gradebook at path (a shard) into gb: students, exercises,
 * submissions, current submissions, runs and check results, by their
 * natural keys (names, ids, hashes), in one transaction.  A run of the
 * same (submission, checks hash) pair is replaced by the shard's.
 * Returns 0, or -1 with why (the shard cannot be read, or is of another
 * schema).
 */
int gradebook_merge(gradebook *gb, const char *path, char *why, size_t whylen);

/*
 * Writes the gradebook's content to out as sorted lines of text, without
 * what varies from one run to another (row ids, timings, dates): two
 * gradebooks of the same class under the same checks dump the same text,
 * however they were produced (interrupted and resumed, in shards and
 * merged).  Returns 0, or -1 with why.
 */
int gradebook_dump(gradebook *gb, FILE *out, char *why, size_t whylen);

#endif /* LAB_GRADEBOOK_H */
