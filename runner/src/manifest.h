/*
 * manifest.h -- the exercise manifest (exercises/manifest.json): the order
 * of the exercises, their files, lessons, hints, the functions a learner's
 * file may define, and the points and hint of every check.  See
 * docs/grading.md section 1.
 */
#ifndef LAB_MANIFEST_H
#define LAB_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct manifest_check {
    char *name;   /* as the checker lists it */
    int points;   /* > 0 */
    int hint;     /* index into the exercise's hints, -1 for none */
} manifest_check;

typedef struct manifest_exercise {
    char *id;          /* "01-task-groups/send_all" */
    char *topic;       /* "01-task-groups" */
    char *name;        /* "send_all" */
    char *lesson;      /* "lessons/01-task-groups.md", relative to root */
    char *title;
    char *file;        /* "exercises/01-task-groups/send_all.c" */
    char **functions;  /* names the learner's object may define */
    size_t nfunctions;
    char **hints;      /* progressive, 2..4 */
    size_t nhints;
    manifest_check *checks;
    size_t nchecks;
    size_t index;      /* position in the manifest, from 0 */
} manifest_exercise;

typedef struct manifest {
    char *root;                 /* the lab's root directory */
    manifest_exercise *exercises;
    size_t nexercises;
} manifest;

/*
 * Loads root/exercises/manifest.json.  On success returns a manifest the
 * caller frees with manifest_free.  On error returns NULL and writes a
 * "lab: error: ..." line into why: the file is missing or unreadable, is
 * not valid JSON (with the line and column), or breaks a rule (a missing
 * field, a duplicate id, an id that is not NN-topic/name, a hint index out
 * of range, fewer than two hints).
 */
manifest *manifest_load(const char *root, char *why, size_t whylen);
void manifest_free(manifest *m);

/*
 * Finds an exercise by its id ("01-task-groups/send_all"), its name
 * ("send_all"), its 1-based number ("3") or a file path that ends with its
 * file.  Returns NULL when nothing matches or when a name is ambiguous.
 */
const manifest_exercise *manifest_find(const manifest *m, const char *what);

/* The check entry of ex named name, or NULL. */
const manifest_check *manifest_check_find(const manifest_exercise *ex,
                                          const char *name);

/* Total points of an exercise. */
int manifest_points(const manifest_exercise *ex);

#endif /* LAB_MANIFEST_H */
