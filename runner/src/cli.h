/*
 * cli.h -- what every `lab` command gets: the lab's root, the output mode
 * (terminal with colour, plain, or JSON), and the manifest and learner
 * state, loaded on first use.  Commands return a LAB_EXIT_* code; only
 * main() exits.
 */
#ifndef LAB_CLI_H
#define LAB_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "manifest.h"
#include "state.h"

enum {
    LAB_EXIT_OK = 0,       /* everything passed */
    LAB_EXIT_FAILED = 1,   /* checks failed */
    LAB_EXIT_USAGE = 2,    /* bad command line */
    LAB_EXIT_INTERNAL = 3, /* the lab itself could not do its job */
};

#define LAB_VERSION "0.1.0"

typedef struct lab_ctx {
    char *root;      /* the lab's root directory (holds exercises/) */
    bool plain;      /* no colour, no TUI, ASCII marks */
    bool json;       /* machine-readable output on stdout */
    bool color;      /* ANSI colours allowed */
    bool utf8;       /* the terminal takes UTF-8 marks */
    bool tty;        /* stdout is a terminal */
    manifest *m;     /* see lab_manifest() */
    lab_state *st;   /* see lab_state_get() */
} lab_ctx;

typedef int (*lab_cmd_fn)(lab_ctx *ctx, int argc, char **argv);

typedef struct lab_command {
    const char *name;
    lab_cmd_fn fn;
    const char *args;    /* "[EX]", shown in usage */
    const char *summary; /* one line for `lab help` */
    const char *help;    /* the text of `lab help NAME` */
} lab_command;

/* The manifest or the state, loaded on first use.  NULL after printing a
 * "lab: error: ..." line. */
manifest *lab_manifest(lab_ctx *ctx);
lab_state *lab_state_get(lab_ctx *ctx);
/* Saves the state, warning (not failing) when it cannot. */
void lab_state_save(lab_ctx *ctx);

/* Prints "lab: error: <fmt>" (and a hint line when hint is not NULL) to
 * stderr. */
void lab_error(const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A usage error: the message, then "Try 'lab help CMD'". Returns
 * LAB_EXIT_USAGE. */
int lab_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* For the commands that take no options (but allowed, when not NULL):
 * the first argument that looks like an option gets "unknown option" and
 * LAB_EXIT_USAGE; 0 when there is none. */
int lab_no_options(const char *cmd, int argc, char **argv, const char *allowed);

/* Finds the exercise named by what, or the current one when what is NULL;
 * prints a clear error and returns NULL when there is none. */
const manifest_exercise *lab_pick_exercise(lab_ctx *ctx, const char *what);

/* Colours and marks that respect --plain, NO_COLOR and the locale. */
const char *lab_c(const lab_ctx *ctx, const char *ansi); /* "" when off */
#define LAB_BOLD "\033[1m"
#define LAB_DIM "\033[2m"
#define LAB_RED "\033[31m"
#define LAB_GREEN "\033[32m"
#define LAB_YELLOW "\033[33m"
#define LAB_CYAN "\033[36m"
#define LAB_RESET "\033[0m"
const char *lab_mark_ok(const lab_ctx *ctx);   /* ✓ or [ok] */
const char *lab_mark_fail(const lab_ctx *ctx); /* ✗ or [FAIL] */

/* s made safe to print: valid UTF-8 is kept, invalid bytes and control
 * characters become "\xNN" (as the pipeline shows file names).  The
 * caller frees it; NULL on OOM. */
char *lab_printable(const char *s);

/* Absolute path of a file under the root; the caller frees it. */
char *lab_path(const lab_ctx *ctx, const char *rel);

/* Command tables, one per file. */
extern const lab_command lab_info_commands[];   /* list, lesson, hint */
extern const lab_command lab_files_commands[];  /* reset, solution */
extern const lab_command lab_check_commands[];  /* check, submit, next */
extern const lab_command lab_watch_commands[];  /* watch */
extern const lab_command lab_dev_commands[];    /* dev */
extern const lab_command lab_grade_commands[];  /* grade, gradebook, pack */

#endif /* LAB_CLI_H */
