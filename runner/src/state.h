/*
 * state.h -- the learner's progress in .lab/state.json: which exercise is
 * current, which are done, how many hints each has shown.  Written
 * atomically (temporary file, fsync, rename); a corrupt or foreign file is
 * moved aside with a clear message and a fresh state starts.  Learner files
 * are never touched here.
 */
#ifndef LAB_STATE_H
#define LAB_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

typedef enum ex_status {
    EX_NOT_STARTED,
    EX_STARTED, /* shown to the learner, never checked */
    EX_FAILING, /* checked, some check failed */
    EX_DONE,    /* every check passed once */
} ex_status;

typedef struct ex_state {
    char *id;
    ex_status status;
    int hints_shown;   /* how many hints `lab hint` has revealed */
    int attempts;      /* checks run */
    int best_points;   /* best score seen */
} ex_state;

typedef struct lab_state {
    char *dir;          /* root/.lab */
    char *path;         /* root/.lab/state.json */
    char *current;      /* id of the current exercise, NULL before start */
    bool welcomed;      /* `lab next` has shown the welcome */
    ex_state *ex;
    size_t nex, cap;
    bool read_only;     /* .lab is not writable: progress is not saved */
} lab_state;

/*
 * Loads root/.lab/state.json, or starts a fresh state when there is none.
 * A file that is not valid JSON, or was written by something else, is
 * moved to state.json.corrupt-<time> and a fresh state starts, with a
 * warning on stderr.  When .lab cannot be created or written, the state
 * is loaded read-only with a warning.  Returns NULL only when memory runs
 * out (why says so).
 */
lab_state *state_load(const char *root, char *why, size_t whylen);
void state_free(lab_state *st);

/* Saves atomically.  Returns 0, or -1 with a "lab: error: ..." in why (the
 * previous file is then intact). */
int state_save(lab_state *st, char *why, size_t whylen);

/* The entry for id, created (not started) if missing; NULL on OOM. */
ex_state *state_ex(lab_state *st, const char *id);
int state_set_current(lab_state *st, const char *id);

const char *state_status_name(ex_status s);

/*
 * Writes data to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync of the directory.  Returns 0, or -1 with
 * errno set and path untouched.
 */
int state_write_atomic(const char *path, const void *data, size_t len);

#endif /* LAB_STATE_H */
