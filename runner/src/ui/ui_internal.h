/*
 * ui_internal.h -- what the files of runner/src/ui/ share: the terminal
 * (term.c, the only file that calls curses) and the exercise view's
 * worker thread (worker.c).
 */
#ifndef LAB_UI_INTERNAL_H
#define LAB_UI_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "ui.h"

/* ------------------------------------------------------------------------
 * Terminal
 * ---------------------------------------------------------------------- */

typedef struct tui_term {
    void *scr;         /* the curses SCREEN */
    bool color;        /* colour pairs are in use */
    bool utf8;         /* the locale and terminal take UTF-8 */
    tui_screen *shown; /* what the terminal shows now */
    tui_screen *next;  /* what the views draw into */
    bool force;        /* repaint every row at the next paint */
    int sig_pipe[2];   /* written by the signal handlers */
    int saved_stderr;  /* the real stderr while the UI is up */
    FILE *errlog;      /* stderr goes here meanwhile */
    long err_shown;    /* how much of errlog term_take_stderr gave */
} tui_term;

/* A key that is not a key: the extra fd given to term_key is readable. */
#define TUI_K_WAKE 0x120000

/*
 * Takes the terminal: curses on stdin/stdout, colours unless ctx->color
 * is false (NO_COLOR, TERM=dumb) or the terminal has none, stderr held
 * back.  Returns 0, or -1 after printing "lab: error: ..." (not a
 * terminal, unknown TERM).
 */
int term_open(tui_term *t, const lab_ctx *ctx);
/* Gives the terminal back and replays what was written to stderr. */
void term_close(tui_term *t);
/* A blank screen of the terminal's current size to draw into (owned by
 * t; valid until the next call). */
tui_screen *term_screen(tui_term *t);
/* Paints the screen term_screen gave: only the rows that changed, in one
 * update (no flicker). */
void term_paint(tui_term *t);
/*
 * Waits up to timeout_ms (-1: forever) for a key, a resize or a signal;
 * also returns TUI_K_WAKE when extra_fd (if >= 0) is readable.  Returns
 * a TUI_K_* key or a character, TUI_K_NONE on timeout; TUI_K_CTRL_C for
 * Ctrl-C, SIGTERM and SIGHUP.  Handles Ctrl-Z itself.
 */
int term_key(tui_term *t, int timeout_ms, int extra_fd);
/* What was written to stderr since the last call (caller frees), or
 * NULL when nothing was. */
char *term_take_stderr(tui_term *t);

/* ------------------------------------------------------------------------
 * Worker: checks and watching in a thread
 * ---------------------------------------------------------------------- */

typedef enum tui_worker_kind {
    TUI_WORKER_CHANGED = 1, /* the file was saved */
    TUI_WORKER_STARTED,     /* a check began */
    TUI_WORKER_DONE,        /* a check ended: rc and result */
} tui_worker_kind;

typedef struct tui_worker_event {
    tui_worker_kind kind;
    int rc;            /* DONE: what run_check returned */
    tui_result result; /* DONE: moved to the receiver */
} tui_worker_event;

typedef struct tui_worker tui_worker;

/* Starts watching path and waiting for check requests; NULL when hooks
 * has no run_check or a thread cannot start. */
tui_worker *tui_worker_start(const tui_hooks *hooks,
                             const manifest_exercise *ex, const char *path);
/* Readable when events are waiting. */
int tui_worker_fd(const tui_worker *w);
/* Asks for a check (one runs at a time; a request during one runs
 * after it). */
void tui_worker_check(tui_worker *w);
/* Pops the oldest event; false when none. */
bool tui_worker_next(tui_worker *w, tui_worker_event *ev);
/* Stops, waiting for a running check to finish; frees w. */
void tui_worker_stop(tui_worker *w);

#endif /* LAB_UI_INTERNAL_H */
