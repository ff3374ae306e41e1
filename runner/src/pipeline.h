/*
 * pipeline.h -- grade one learner file against one exercise: the runner's
 * side of docs/grading.md (section 4), shared by `lab check`, `lab next`,
 * `lab watch`, `lab submit`, `lab dev check` and `lab grade`.
 *
 *   read the file (size cap, binary/empty refused)
 *   build, in one sandboxed step: compile (cached by content hash), read
 *     the object's symbol table and sections, link: a shared library for
 *     the exercise's cached probe program, or with the prebuilt probe
 *     objects                            } a task group, with `checker
 *                                        } --list` running beside it
 *   symbol check (only the exercise's functions; no main, constructors,
 *     or names of libc, libtg, cmocka, sanitizers)
 *   run the probe in the sandbox, read-only, once for every (scenario,
 *     seed) pair the checks need; frames parsed and size-capped
 *   run the trusted checker on the validated frames; merge its verdicts
 *     with the manifest (points, hints); flaky-pass detection across seeds
 *
 * Nothing of the submission ever runs in this process: every untrusted
 * step goes through sandbox_argv (bubblewrap + lab-jail), as a suspension
 * point of libtg (tg_process_run).  The pipeline is itself a libtg task:
 * pipeline_check runs its own tg_run, or runs inline when called from a
 * task (lab watch); pipeline_check_batch runs many checks as a task group
 * of wrapped jobs, where one job's failure never stops the others.
 *
 * Learner and grade mode run the same code with the same limits; only the
 * sandbox's socket policy and its fallback without bubblewrap differ, so
 * `lab check` and `lab grade` cannot disagree on a verdict.
 */
#ifndef LAB_PIPELINE_H
#define LAB_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "sandbox.h"

/* ------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */

/* Defaults (see pipeline_opts_init). */
#define PIPELINE_MAX_FILE_BYTES (1u << 20) /* a source file: 1 MiB */
#define PIPELINE_RUN_TIMEOUT_MS 2000       /* one probe run (virtual time) */
#define PIPELINE_MAX_SEEDS 64

typedef struct pipeline_opts {
    const char *root;         /* the lab's root: core/include, exercises/ */
    const char *build_dir;    /* prebuilt objects; NULL: ROOT/build */
    const char *checks_dir;   /* <id>.probe.o, <id>.checker (and optionally
                                 libprobe.a); NULL: BUILD/checks.  `lab grade
                                 --checks DIR` points it elsewhere */
    const char *cache_dir;    /* compiled learner objects by content hash;
                                 NULL: BUILD/cache; "": no cache */
    sandbox_mode mode;        /* learner (lab check) or grade (lab grade) */
    const uint64_t *seeds;    /* the seeds every scenario runs under; */
    size_t nseeds;            /* NULL/0: 1, 2, 3 */
    unsigned jobs;            /* pipeline_check_batch: checks at once;
                                 pipeline_check: probe runs at once (in the
                                 check's one probe sandbox); 0: 1 */
    bool sanitizers;          /* ASan+UBSan: the learner's file is built with
                                 them and linked with BUILD/asan/'s objects */
    uint64_t run_timeout_ms;  /* per probe run; 0: PIPELINE_RUN_TIMEOUT_MS
                                 (x3 with sanitizers) */
    size_t max_file_bytes;    /* 0: PIPELINE_MAX_FILE_BYTES */
    const char *cc;           /* the compiler inside the sandbox; NULL: cc */
    bool unsafe_no_bwrap;     /* grade mode without bubblewrap (the jail
                                 alone): --unsafe-no-sandbox */
    const char *repro_prefix; /* the command that reproduces a failure, the
                                 seed is appended; NULL: "lab check ID" */
    bool traces;              /* record libtg's trace of every run, for the
                                 TUI's Timeline (check_result.trace_json);
                                 off, the probe runs and its reports are
                                 lighter.  Verdicts do not depend on it */
} pipeline_opts;

/*
 * Fills *o with the defaults for root and mode: seeds 1, 2, 3, one job,
 * no sanitizers, traces recorded, the build and cache directories under
 * ROOT/build.  The
 * strings are borrowed: they must outlive every call that uses *o.
 */
void pipeline_opts_init(pipeline_opts *o, const char *root, sandbox_mode mode);

/* Seeds for --thorough (1..10) and for --seed N, in static storage. */
extern const uint64_t PIPELINE_SEEDS_DEFAULT[3];
extern const uint64_t PIPELINE_SEEDS_THOROUGH[10];

/* ------------------------------------------------------------------------
 * Results
 * ---------------------------------------------------------------------- */

/* The stages, in order.  A result records the last one reached. */
typedef enum pipeline_stage {
    PIPELINE_STAGE_INPUT,   /* reading the learner's file */
    PIPELINE_STAGE_COMPILE, /* cc -c in the sandbox */
    PIPELINE_STAGE_SYMBOLS, /* what the object defines */
    PIPELINE_STAGE_LINK,    /* the probe program */
    PIPELINE_STAGE_PROBE,   /* the scenarios, in the sandbox */
    PIPELINE_STAGE_VERDICT, /* the checker's verdicts */
} pipeline_stage;
#define PIPELINE_NSTAGES 6

/* "input", "compile", "symbols", "link", "probe", "verdict". */
const char *pipeline_stage_name(pipeline_stage s);

typedef enum pipeline_severity {
    PIPELINE_ERROR,   /* stops the pipeline at this stage */
    PIPELINE_WARNING, /* a compiler warning, shown as a hint */
    PIPELINE_NOTE,    /* more about the message before it */
} pipeline_severity;

/*
 * One thing to tell the learner about a stage: a compiler diagnostic, a
 * refused symbol, a link error, a file that cannot be graded.  Every
 * string is the result's, already cleaned for a terminal (valid UTF-8, no
 * control characters).
 */
typedef struct pipeline_msg {
    pipeline_stage stage;
    pipeline_severity severity;
    char *code;    /* stable, for machines: "compile.error", "symbols.main",
                      "input.too-big", ... (docs/grading.md section 5) */
    char *file;    /* as the learner knows it (their path, or a header's
                      path in the lab); NULL when there is no location */
    unsigned line; /* 1-based; 0 when unknown */
    unsigned col;  /* 1-based; 0 when unknown */
    char *text;    /* what the tool said, or what we found */
    char *explain; /* a friendly explanation and where to look; may be NULL */
    char *source;  /* the learner's source line at `line`; may be NULL */
    char *symbol;  /* the symbol concerned (symbols, link); may be NULL */
} pipeline_msg;

/* How one probe run (a scenario under a seed) ended. */
typedef enum pipeline_run_status {
    PIPELINE_RUN_OK,         /* it reported what it saw */
    PIPELINE_RUN_CRASHED,    /* a signal ended it */
    PIPELINE_RUN_TIMEOUT,    /* it did not finish in time */
    PIPELINE_RUN_BAD_REPORT, /* no report, or one we could not read */
} pipeline_run_status;

/* A check's verdict under one seed. */
typedef struct pipeline_seed_verdict {
    uint64_t seed;
    bool passed;
    pipeline_run_status run; /* how the scenario's run under this seed went */
    int signal;              /* when crashed */
    char *message;           /* the checker's words; NULL when passed */
} pipeline_seed_verdict;

typedef struct pipeline_check_result {
    char *name;      /* as the manifest and the checker name it */
    char *scenario;  /* the probe scenario it looks at */
    int points;      /* from the manifest (1 for a check it does not list) */
    int hint;        /* the manifest's hint index for it, -1 for none */
    char *hint_text; /* that hint, or NULL */
    bool passed;     /* under every seed */
    bool flaky;      /* passed under some seeds and failed under others */
    uint64_t failing_seed; /* the first seed it failed under (if !passed) */
    char *message;         /* the checker's message under failing_seed */
    char *crash;           /* how that run ended when it did not end well, in
                              words ("crashed with SIGSEGV ..."); else NULL */
    char *where;     /* with sanitizers: "send_all.c:12", the first frame in
                        the learner's file of the report; else NULL */
    char *output;    /* what the learner's code printed in that run (the
                        last lines); NULL when nothing */
    char *reproduce; /* "lab check ID --seed N"; NULL when passed */
    char *trace_json; /* the failing seed's run as libtg traced it, for the
                         TUI's Timeline (tui_trace_from_json reads it):
                         {"scenario", "seed", "events": [...]}, validated,
                         capped and cleaned of control characters by the
                         pipeline (docs/grading.md, section 5.3).  NULL
                         when passed, or when that run recorded none (it
                         crashed, timed out, or its trace was refused).
                         Not part of pipeline_render_json's output. */
    pipeline_seed_verdict *seeds; /* one per seed, in the order run */
    size_t nseeds;
} pipeline_check_result;

typedef struct pipeline_result {
    char *exercise;       /* the exercise's id */
    char *file;           /* the learner's file, as given (cleaned) */
    pipeline_stage stage; /* the last stage reached */
    bool failed;          /* that stage stopped the pipeline (msgs say why);
                             false when the checks ran */
    bool passed;          /* every check passed under every seed */
    int points;           /* the points of the checks that passed */
    int max_points;       /* of every check */
    pipeline_msg *msgs;   /* errors of the failing stage, warnings, notes */
    size_t nmsgs;
    pipeline_check_result *checks; /* manifest order, then any others */
    size_t nchecks;
    uint64_t *seeds; /* the seeds the scenarios ran under */
    size_t nseeds;
    uint64_t stage_ms[PIPELINE_NSTAGES]; /* wall time of each stage */
    uint64_t total_ms;
    bool cached;   /* the compile was skipped: same file as before */
    bool isolated; /* bubblewrap isolated the untrusted steps (false:
                      lab-jail alone, learner-mode fallback) */
} pipeline_result;

/* Frees everything *r holds and zeroes it.  NULL is fine. */
void pipeline_result_free(pipeline_result *r);

/* ------------------------------------------------------------------------
 * Running
 * ---------------------------------------------------------------------- */

#define PIPELINE_CANCELLED 1

/*
 * Grades learner_file against ex and fills *out (which the caller frees
 * with pipeline_result_free, whatever this returns).
 *
 * Returns 0 when the pipeline ran, whatever the verdicts: a file that is
 * missing, empty, binary, too big, does not compile, defines the wrong
 * symbols, or fails every check is a result, not an error.  Returns -1 on
 * an internal error (the lab is not built, the sandbox is unusable, out of
 * memory, a checker that misbehaves) with a "lab: error: ..." line in why.
 * Called from inside a libtg task, it runs inline and suspends at every
 * step; if that task is cancelled meanwhile, every process it started is
 * killed and it returns PIPELINE_CANCELLED.  Called outside a task it runs
 * its own tg_run.  Either way it leaves no process and no temporary file
 * behind, and never modifies learner_file.
 */
int pipeline_check(const pipeline_opts *opts, const manifest_exercise *ex,
                   const char *learner_file, pipeline_result *out, char *why,
                   size_t whylen);

/* One check of a batch. */
typedef struct pipeline_job {
    const manifest_exercise *ex; /* in */
    const char *file;            /* in: the learner's file */
    void *ud;                    /* in: the caller's */
    int rc;                      /* out: what pipeline_check returned */
    char why[512];               /* out: when rc is -1 */
    pipeline_result result;      /* out: free with pipeline_result_free */
} pipeline_job;

/*
 * Runs the jobs, at most opts->jobs at a time (each in its own sandbox
 * uid), as one task group: an internal error in one job is recorded in
 * that job (rc -1, why) and the others go on.  on_done, when not NULL, is
 * called for each job as it finishes (in completion order, from inside the
 * loop: it must not block for long).
 *
 * Returns 0 when every job ran (look at each job's rc), PIPELINE_CANCELLED
 * when the calling task was cancelled, or -1 when the batch could not
 * start (why says why).
 */
int pipeline_check_batch(const pipeline_opts *opts, pipeline_job *jobs,
                         size_t n, void (*on_done)(pipeline_job *job, void *ud),
                         void *ud, char *why, size_t whylen);

/* ------------------------------------------------------------------------
 * Rendering
 * ---------------------------------------------------------------------- */

enum {
    PIPELINE_RENDER_COLOR = 1 << 0,   /* ANSI colours */
    PIPELINE_RENDER_VERBOSE = 1 << 1, /* every seed, timings, notes */
};

/*
 * Renders r for a terminal: the failing stage's messages with the
 * learner's line and an explanation, or one line per check with its
 * message, seed, reproduce command and hint.  flags: PIPELINE_RENDER_*.
 * Returns a malloc'd string the caller frees, or NULL on OOM.
 */
char *pipeline_render_text(const pipeline_result *r, unsigned flags);

/*
 * Renders r as one JSON object on one line (no trailing newline), with
 * "checks" holding one object per verdict; the schema is in
 * docs/grading.md section 5.  Returns a malloc'd string, or NULL on OOM.
 */
char *pipeline_render_json(const pipeline_result *r);

#endif /* LAB_PIPELINE_H */
