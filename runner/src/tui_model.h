/*
 * tui_model.h -- the models of the full-screen views (home, lesson
 * reader, exercise view), their key handling, and a "screen": a grid of
 * styled cells they draw into.  Plain C without curses: the view in
 * runner/src/ui/ only reads keys and paints screens, so every behaviour
 * here is tested headless by comparing screens (tests/runner/
 * test_tui_model.c) -- tig's way.
 *
 * What a check hands the exercise view is defined here too, in the
 * model's own terms (tui_result: verdicts, the compile stage's messages,
 * and the trace of the failing scenario), so that the UI does not depend
 * on the pipeline's structures; tui_result_from_pipeline (ui/ui.h)
 * converts.
 */
#ifndef LAB_TUI_MODEL_H
#define LAB_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "md_render.h"
#include "state.h"

/* ------------------------------------------------------------------------
 * Styles: the roles the views add to md_render's
 * ---------------------------------------------------------------------- */

enum tui_role {
    TUI_BAR = MDR_ROLE_USER, /* the title bar at the top */
    TUI_BAR_DIM,             /* the title bar's quieter text */
    TUI_KEY,                 /* a key in the footer or the help ("q") */
    TUI_LABEL,               /* what the key does, and other quiet text */
    TUI_SELECT,              /* the selected row */
    TUI_OK,                  /* passed, done */
    TUI_FAIL,                /* failed */
    TUI_WARN,                /* flaky, current, attention */
    TUI_INFO,                /* spinner, links to more */
    TUI_PROGRESS,            /* the filled part of the progress bar */
    TUI_TRACK,               /* its empty part */
    TUI_HEADER,              /* a group header in a list (a lesson's title) */
    TUI_TAB,                 /* a tab that is not shown */
    TUI_TAB_ON,              /* the tab shown */
    TUI_SEARCH,              /* the search prompt and matches */
    TUI_BORDER,              /* boxes (help) and rules */
    TUI_TL_SPAWN,            /* timeline: a task was created or started */
    TUI_TL_FAIL,             /* timeline: a task raised */
    TUI_TL_CANCEL,           /* timeline: a cancellation */
    TUI_TL_PROP,             /* timeline: an error handed up (abort, wait) */
    TUI_ROLE_END
};

/* ------------------------------------------------------------------------
 * Screen: rows x cols cells
 * ---------------------------------------------------------------------- */

typedef struct tui_cell {
    char ch[8]; /* one UTF-8 character; "" for the right half of a
                   wide character */
    mdr_style style;
} tui_cell;

typedef struct tui_screen {
    int rows, cols;
    tui_cell *cells; /* rows * cols, row-major */
    bool ascii;      /* transliterate whatever is written to ASCII */
} tui_screen;

/* A screen of blanks; NULL on OOM or a size below 1x1.  With ascii,
 * every character written to it is transliterated (mdr_ascii). */
tui_screen *tui_screen_new(int rows, int cols, bool ascii);
void tui_screen_free(tui_screen *s);
void tui_screen_clear(tui_screen *s);
/* Writes UTF-8 text at (row, col) in style st, clipped at column end
 * (exclusive; <= 0 means the screen's width).  A wide character that
 * does not fit is replaced by a space.  Returns the column after it. */
int tui_put(tui_screen *s, int row, int col, const char *text, mdr_style st,
            int end);
/* Writes an mdr_line at (row, col), clipped at end. */
void tui_put_line(tui_screen *s, int row, int col, const mdr_line *l, int end);
/* Sets the style of cells [c0, c1) of row, keeping their text; with
 * MDR_REVERSE etc. it adds to the style when add is true. */
void tui_style_range(tui_screen *s, int row, int c0, int c1, mdr_style st,
                     bool add);
/* The screen's text: one '\n'-terminated line per row, trailing blanks
 * trimmed.  Caller frees; NULL on OOM. */
char *tui_screen_text(const tui_screen *s);
/* One row's text, same rules, without the '\n'.  Caller frees. */
char *tui_screen_row(const tui_screen *s, int row);
/* True when rows r of a and b hold the same cells. */
bool tui_screen_row_equal(const tui_screen *a, const tui_screen *b, int r);

/* ------------------------------------------------------------------------
 * Keys and actions
 * ---------------------------------------------------------------------- */

/* Keys: Unicode code points for characters, these above them. */
enum {
    TUI_K_NONE = 0,
    TUI_K_UP = 0x110000,
    TUI_K_DOWN,
    TUI_K_LEFT,
    TUI_K_RIGHT,
    TUI_K_PGUP,
    TUI_K_PGDN,
    TUI_K_HOME,
    TUI_K_END,
    TUI_K_ENTER,
    TUI_K_ESC,
    TUI_K_BACKSPACE,
    TUI_K_TAB,
    TUI_K_BTAB,
    TUI_K_RESIZE,
    TUI_K_CTRL_C,
    TUI_K_CTRL_L,
};

typedef enum tui_action {
    TUI_ACT_NONE,          /* handled (or ignored): redraw */
    TUI_ACT_QUIT,          /* leave the program (q on home, Ctrl-C) */
    TUI_ACT_BACK,          /* leave this view */
    TUI_ACT_OPEN_EXERCISE, /* home: open the selected exercise */
    TUI_ACT_OPEN_LESSON,   /* home: read the selected lesson */
    TUI_ACT_CHECK,         /* exercise: run the checks now */
    TUI_ACT_HINT,          /* exercise: reveal the next hint */
    TUI_ACT_REDRAW,        /* repaint everything (Ctrl-L) */
    TUI_ACT_NEXT,          /* exercise: it passes; go to the next one */
} tui_action;

/* Options every view shares. */
typedef struct tui_look {
    bool utf8; /* marks and bars in UTF-8; else ASCII only */
} tui_look;

/* ------------------------------------------------------------------------
 * Pager: a scrollable list of lines, re-wrapped when the width changes
 * ---------------------------------------------------------------------- */

typedef struct tui_pager {
    mdr_lines *lines; /* owned */
    int top;          /* first line shown */
    int height;       /* rows shown at the last draw */
    int anchor;       /* block of the top line, kept across re-wraps */
    int anchor_off;   /* and which of its lines is on top */
} tui_pager;

/* Replaces the lines (taking ownership); keeps the top on the same
 * source block when keep is true, else goes to the top. */
void tui_pager_set(tui_pager *p, mdr_lines *lines, bool keep);
void tui_pager_free(tui_pager *p);
/* Handles a scrolling key; true when it was one. */
bool tui_pager_key(tui_pager *p, int key);
/* Draws rows [row, row + height) of columns [col, end). */
void tui_pager_draw(tui_pager *p, tui_screen *s, int row, int height, int col,
                    int end);
/* Percentage of the text above the bottom of the view (0..100). */
int tui_pager_percent(const tui_pager *p);

/* ------------------------------------------------------------------------
 * Home: progress and every exercise, grouped by lesson
 * ---------------------------------------------------------------------- */

typedef struct tui_home_row {
    bool header; /* a lesson's title, else an exercise */
    size_t ex;   /* index of the exercise (of the lesson's first one) */
} tui_home_row;

typedef struct tui_home_model {
    const manifest *m;    /* borrowed */
    ex_status *status;    /* per exercise, owned copy */
    char **lesson_titles; /* per exercise: its lesson's title, owned */
    size_t current;       /* index of the current exercise; SIZE_MAX */
    tui_home_row *rows;   /* visible rows (after the search filter) */
    size_t nrows;
    size_t sel;     /* selected row (always an exercise row) */
    int top;        /* first row shown */
    bool searching; /* typing a search */
    char query[64]; /* the filter ("" none) */
    bool help;      /* the help box is up */
    char note[160]; /* a one-line message above the footer ("" none) */
    tui_look look;
} tui_home_model;

/*
 * Sets up the home model.  status[i] is exercise i's state; titles[i]
 * the title of exercise i's lesson (NULL: its topic is shown); current
 * the current exercise's id (or NULL).  The model copies what it keeps
 * except m.  Returns 0, or -1 on OOM (then tui_home_free is still safe).
 */
int tui_home_init(tui_home_model *h, const manifest *m, const ex_status *status,
                  const char *const *titles, const char *current,
                  tui_look look);
void tui_home_free(tui_home_model *h);
/* Sets the line above the footer (NULL clears); it goes at the next
 * key. */
void tui_home_note(tui_home_model *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Updates exercise i's status (after the exercise view). */
void tui_home_set_status(tui_home_model *h, size_t i, ex_status st);
/* Handles a key.  For OPEN_EXERCISE and OPEN_LESSON, *ex gets the
 * exercise's index. */
tui_action tui_home_key(tui_home_model *h, int key, size_t *ex);
void tui_home_draw(tui_home_model *h, tui_screen *s);

/* ------------------------------------------------------------------------
 * Lesson reader
 * ---------------------------------------------------------------------- */

typedef struct tui_lesson_model {
    mdr_doc *doc; /* owned */
    char *title;  /* the first heading, or the file name */
    char *path;   /* shown in the title bar */
    tui_pager pager;
    int laid_width; /* the width the pager's lines were laid out for */
    bool help;
    tui_look look;
} tui_lesson_model;

/* Parses the lesson text (len bytes of Markdown).  path is shown in the
 * title bar.  Returns 0, or -1 on OOM. */
int tui_lesson_init(tui_lesson_model *l, const char *text, size_t len,
                    const char *path, tui_look look);
void tui_lesson_free(tui_lesson_model *l);
tui_action tui_lesson_key(tui_lesson_model *l, int key);
void tui_lesson_draw(tui_lesson_model *l, tui_screen *s);

/* Widths the reader lays text out at for a screen of cols columns:
 * prose, code and the left margin. */
void tui_text_geometry(int cols, int *width, int *code_width, int *margin);

/* ------------------------------------------------------------------------
 * What a check reports, in the model's terms
 * ---------------------------------------------------------------------- */

/* One check's verdict. */
typedef struct tui_verdict {
    char *name;     /* the check's name */
    bool passed;    /* under every seed */
    bool flaky;     /* passed under some seeds only */
    char *message;  /* the checker's words (expected, got, where); NULL
                       when passed */
    char *expected; /* optional: what was expected, on its own */
    char *actual;   /* optional: what happened */
    char *scenario; /* optional: the scenario it looked at */
    uint64_t seed;  /* the failing seed (0: none) */
    int hint;       /* index into the exercise's hints; -1 none */
    int points;     /* what it is worth */
} tui_verdict;

/* A message from a stage before the checks (compiler, symbols, link). */
typedef struct tui_diag {
    bool error; /* false: a warning or a note */
    char *file; /* NULL: no location */
    unsigned line, col;
    char *text;    /* what the tool said */
    char *explain; /* a friendly explanation, or NULL */
    char *source;  /* the learner's source line, or NULL */
} tui_diag;

/* One event of the failing scenario, as libtg's trace hook reports it
 * (tg_event in tg.h), with strings copied. */
typedef enum tui_ev_kind {
    TUI_EV_SPAWN,   /* created (lazily: not running yet) */
    TUI_EV_START,   /* began running */
    TUI_EV_SUSPEND, /* waits (detail: on what) */
    TUI_EV_RESUME,
    TUI_EV_CANCEL,     /* a cancellation was requested (peer: by whom) */
    TUI_EV_CANCELLED,  /* a suspension point delivered CancelledError */
    TUI_EV_RETURN,     /* finished with a value */
    TUI_EV_RAISE,      /* finished with an error */
    TUI_EV_ABORT,      /* its group saw a first failure: cancels the rest */
    TUI_EV_GROUP_DONE, /* a group wait returned (error: what it returned) */
    TUI_EV_SPAWN_REFUSED,
    TUI_EV_KINDS
} tui_ev_kind;

typedef struct tui_event {
    uint64_t time_ms; /* virtual time */
    uint64_t task;    /* task id; 1 is the main task */
    uint64_t peer;    /* spawn: the parent; cancel: the requester */
    tui_ev_kind kind;
    char *name;       /* the task's name, or NULL */
    char *error_type; /* "BounceError", or NULL */
    char *error_msg;  /* its message, or NULL */
    char *detail;     /* e.g. "send_email", or NULL */
} tui_event;

typedef struct tui_trace {
    char *scenario; /* the scenario and seed it was recorded under */
    uint64_t seed;
    tui_event *events; /* in the order they happened */
    size_t nevents;
} tui_trace;

typedef struct tui_result {
    bool ran;    /* the checks ran; false: a stage stopped first */
    char *stage; /* the stage that stopped it ("compile") */
    bool passed; /* every check passed */
    int points, max_points;
    tui_verdict *verdicts;
    size_t nverdicts;
    tui_diag *diags; /* the stopping stage's messages, warnings */
    size_t ndiags;
    tui_trace *trace;  /* the failing scenario's events, or NULL */
    char *error;       /* the check could not run at all (the lab's
                          fault, not the learner's), or NULL */
    uint64_t total_ms; /* how long it took */
} tui_result;

/* Frees what r holds and zeroes it.  NULL is fine. */
void tui_result_free(tui_result *r);
void tui_trace_free(tui_trace *t);

/* "spawn", "start", ... as in the trace JSON; -1 for an unknown name. */
int tui_ev_kind_parse(const char *name);
const char *tui_ev_kind_name(tui_ev_kind k);

/*
 * Reads a trace from JSON, the shape a probe can record with libtg's
 * trace hook:
 *   {"scenario": "two_bounce", "seed": 1, "events": [
 *     {"t": 20, "task": 3, "peer": 0, "kind": "raise", "name": "send bob",
 *      "error": {"type": "BounceError", "message": "..."},
 *      "detail": "send_email"}, ...]}
 * (a bare array of events is accepted too).  Unknown kinds are skipped.
 * Returns a trace to free with tui_trace_free, or NULL when the text is
 * not such JSON (why, when not NULL, says what is wrong).
 */
tui_trace *tui_trace_from_json(const char *json, char *why, size_t whylen);

/* ------------------------------------------------------------------------
 * Exercise view
 * ---------------------------------------------------------------------- */

typedef enum tui_tab {
    TUI_TAB_CHECKS,   /* verdicts, compile errors, hints */
    TUI_TAB_TIMELINE, /* the failing scenario, task by task */
    TUI_TAB_LESSON,   /* the lesson */
    TUI_NTABS
} tui_tab;

typedef struct tui_exercise_model {
    const manifest_exercise *ex; /* borrowed */
    size_t total;                /* exercises in the manifest */
    char *lesson_title;          /* owned; NULL: the lesson's file name */
    mdr_doc *lesson;             /* owned; NULL when it could not be read */
    int hints_shown;             /* hints revealed so far */
    tui_result *result;          /* owned: the latest check, NULL before one */
    int checks_run;              /* this session */
    bool checking;               /* a check is running */
    int spin;                    /* spinner frame */
    char *note;                  /* a one-line message under the tabs, owned */
    tui_tab tab;
    tui_pager pagers[TUI_NTABS];
    bool dirty[TUI_NTABS]; /* lines need rebuilding */
    int laid_width;        /* the width the pagers were built for */
    bool watching;         /* saves rerun the checks */
    int hint_line;         /* line of the newest hint in the Checks tab */
    bool scroll_to_hint;   /* show it at the next draw */
    bool help;
    bool can_next; /* n opens the next exercise once this passes */
    tui_look look;
} tui_exercise_model;

/*
 * Sets up the view for ex (borrowed; must outlive the model).  lesson is
 * the lesson's Markdown (len bytes) or NULL; hints_shown comes from the
 * learner's state.  Returns 0, or -1 on OOM.
 */
int tui_exercise_init(tui_exercise_model *x, const manifest_exercise *ex,
                      size_t total, const char *lesson, size_t len,
                      int hints_shown, tui_look look);
void tui_exercise_free(tui_exercise_model *x);
/* A check started: the spinner turns until tui_exercise_set_result. */
void tui_exercise_checking(tui_exercise_model *x);
/* Advances the spinner; true when it is turning (a repaint is due). */
bool tui_exercise_tick(tui_exercise_model *x);
/* Takes the result of a check (ownership: *r is moved in and zeroed).
 * On a failure the view stays on its tab; a trace makes the timeline
 * available. */
void tui_exercise_set_result(tui_exercise_model *x, tui_result *r);
/* Sets the line under the tabs (copied; NULL clears). */
void tui_exercise_note(tui_exercise_model *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A hint was revealed: hints_shown is now n. */
void tui_exercise_set_hints(tui_exercise_model *x, int n);
tui_action tui_exercise_key(tui_exercise_model *x, int key);
void tui_exercise_draw(tui_exercise_model *x, tui_screen *s);

/* Draws "this terminal is too small" (below TUI_MIN_ROWS x COLS). */
#define TUI_MIN_ROWS 24
#define TUI_MIN_COLS 80
void tui_draw_too_small(tui_screen *s, tui_look look);

/* ------------------------------------------------------------------------
 * Internal: shared by tui_model.c and tui_exercise.c
 * ---------------------------------------------------------------------- */

typedef struct tui__keyhelp {
    const char *key;   /* as shown: "q", "PgDn" */
    const char *label; /* what it does: "back" */
} tui__keyhelp;

/* Row 0: the title bar, left text bold, right text quieter. */
void tui__title_bar(tui_screen *s, const char *left, const char *right);
/* The last row: keys and what they do, and right-aligned text. */
void tui__footer(tui_screen *s, const tui__keyhelp *keys, size_t n,
                 const char *right);
/* A centred box listing every key of a view. */
void tui__help_box(tui_screen *s, const char *title, const tui__keyhelp *keys,
                   size_t n, tui_look look);
/* Writes text right-aligned so that it ends at column end. */
int tui__put_right(tui_screen *s, int row, int end, const char *text,
                   mdr_style st);
/* Writes text clipped at end with an ellipsis when it does not fit. */
int tui__put_clip(tui_screen *s, int row, int col, const char *text,
                  mdr_style st, int end, tui_look look);
/* Mark and style of an exercise state. */
const char *tui__status_mark(ex_status st, tui_look look, mdr_style *style);

#endif /* LAB_TUI_MODEL_H */
