/*
 * check_run.h -- what the grading commands (check, submit, next, watch)
 * share: their options, running the pipeline with them, printing the
 * result, and recording it in the learner's progress.
 */
#ifndef LAB_CHECK_RUN_H
#define LAB_CHECK_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "pipeline.h"

#define CHECK_FLAGS_HELP                                                     \
    "\nOptions:\n"                                                           \
    "  --seed N      run every scenario under seed N only (to reproduce)\n"  \
    "  --thorough    run under seeds 1..10 instead of 1..3\n"                \
    "  --sanitize    build with AddressSanitizer and UBSan\n"                \
    "  --verbose     show every seed and the time of each stage"

typedef struct check_flags {
    const char *what;     /* the positional argument (EX or FILE) */
    const char *exercise; /* --exercise */
    bool has_seed;
    uint64_t seed;        /* --seed */
    bool thorough;        /* --thorough */
    bool sanitize;        /* --sanitize */
    bool verbose;         /* --verbose */
    bool timeline;        /* the caller shows a failing run's trace (the
                             TUI); the commands' text and JSON do not */
} check_flags;

/* Parses the grading options; positional says whether one positional
 * argument is allowed.  Prints a usage error and returns -1 on bad input. */
int check_flags_parse(check_flags *f, const char *cmd, int argc, char **argv,
                      bool positional);

/* Runs the pipeline on file for ex.  Returns 0 (look at *r, which the
 * caller frees), or LAB_EXIT_INTERNAL after printing why. */
int check_run(lab_ctx *ctx, const check_flags *f, const manifest_exercise *ex,
              const char *file, pipeline_result *r);

/* Prints r as text or JSON, as the context asks. */
void check_print(lab_ctx *ctx, const pipeline_result *r, bool verbose);

/* Records a result in the learner's progress (attempts, status, best). */
void check_record(lab_ctx *ctx, const manifest_exercise *ex,
                  const pipeline_result *r);

/* The exercise after ex (wrapping around) that is not done, or NULL. */
const manifest_exercise *check_next_open(lab_ctx *ctx,
                                         const manifest_exercise *ex);

/* Makes ex current (started, starter snapshotted, state saved) and, unless
 * quiet, introduces it on stdout (as JSON with --json). */
void check_start_exercise(lab_ctx *ctx, const manifest_exercise *ex,
                          bool quiet);

struct tui_hooks;
/* The hooks the full-screen UI uses to run checks and move on. */
void lab_tui_hooks(lab_ctx *ctx, struct tui_hooks *hooks);

#endif /* LAB_CHECK_RUN_H */
