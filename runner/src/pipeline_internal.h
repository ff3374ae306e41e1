/*
 * pipeline_internal.h -- what the pipeline's files share: the state of one
 * check (pipeline__ctx), text helpers, and each stage's entry point.
 * Nothing here is for callers outside runner/src/pipeline*.c and the
 * pipeline's tests.
 *
 * Error model inside the pipeline: a function that can fail internally
 * returns a tg_error (NULL: fine) whose message is the text after
 * "lab: error: "; CancelledError passes through untouched.  What is wrong
 * with the learner's file is never an error: it is recorded in the result
 * (pipeline__msg_add) and the stage says so with its return value.
 */
#ifndef LAB_PIPELINE_INTERNAL_H
#define LAB_PIPELINE_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"
#include "sandbox.h"
#include "tg.h"

/* ---- text (pipeline_text.c) ------------------------------------------- */

/* A growable string; after an allocation failure it stays empty and oom. */
typedef struct pipeline__buf {
    char *s;
    size_t len, cap;
    bool oom;
} pipeline__buf;

void pipeline__buf_add(pipeline__buf *b, const char *s, size_t n);
void pipeline__buf_puts(pipeline__buf *b, const char *s);
void pipeline__buf_printf(pipeline__buf *b, const char *fmt, ...)
    TG_PRINTF(2, 3);
/* The string (the caller's), or NULL after an allocation failure. */
char *pipeline__buf_take(pipeline__buf *b);
void pipeline__buf_free(pipeline__buf *b);

/*
 * Copies len bytes of s as text that is safe on a terminal and in JSON:
 * valid UTF-8 is kept, invalid bytes become "\xNN", control characters
 * become "\xNN" too (tabs become a space; newlines are kept when
 * keep_newlines), and beyond cap bytes of output the text is cut with
 * "...".  Returns a malloc'd string, or NULL on OOM.
 */
char *pipeline__clean(const char *s, size_t len, size_t cap,
                      bool keep_newlines);
/* pipeline__clean of a NUL-terminated string; NULL gives NULL. */
char *pipeline__clean_str(const char *s, size_t cap);

/* snprintf into out; false when it did not fit (out is then cut). */
bool pipeline__fmt(char *out, size_t outlen, const char *fmt, ...)
    TG_PRINTF(3, 4);

/* malloc'd printf; NULL on OOM. */
char *pipeline__printf(const char *fmt, ...) TG_PRINTF(1, 2);

/* Writes "lab: error: ..." into why. */
void pipeline__say(char *why, size_t whylen, const char *fmt, ...)
    TG_PRINTF(3, 4);

/* A RuntimeError carrying the text of an internal failure. */
#define pipeline__fail(...) tg_error_new(&TG_RuntimeError, __VA_ARGS__)

/* Milliseconds of a monotonic clock. */
uint64_t pipeline__now_ms(void);

/* True when the errors is (or contains only) a cancellation. */
bool pipeline__is_cancel(const tg_error *e);

/* ---- the state of one check ------------------------------------------- */

/* One (scenario, seed) run of the probe and how it ended. */
typedef struct pipeline__run {
    const char *scenario; /* borrowed from the check list */
    uint64_t seed;
    pipeline_run_status status;
    int signal, exit_code;
    char *stderr_tail; /* what the learner's code printed (cleaned) */
    char *note;        /* why the frame is missing or bad, else NULL */
    void *frame;       /* json_t *: the validated or synthesized frame */
    char *trace;       /* obs.trace of an accepted frame, taken out of it,
                          validated and cleaned (pipeline__trace_clean);
                          NULL when it had none or a bad one */
} pipeline__run;

/* A check as `checker --list` names it. */
typedef struct pipeline__listed {
    char *name, *scenario;
} pipeline__listed;

/* At most this many probe runs per check. */
#define PIPELINE__MAX_RUNS 640

/* Things bound read-only into the sandbox, by index. */
enum {
    PIPELINE__B_INC_TG,      /* core/include */
    PIPELINE__B_INC_SUPPORT, /* exercises/support */
    PIPELINE__B_INC_EX,      /* exercises/<topic> */
    PIPELINE__B_PROBE_O,     /* CHECKS/<id>.probe.o */
    PIPELINE__B_LIBPROBE,    /* libprobe.a */
    PIPELINE__B_LIBWORLD,    /* exercises/libworld.a */
    PIPELINE__B_LIBTG,       /* libtg.a */
    PIPELINE__B_PRELINK,     /* the four above, combined (cache) */
    PIPELINE__B_PROBE_EXE,   /* the probe program of the quick link */
    PIPELINE__NBINDS
};

/* The quick link's library: its soname, and where it goes in the box. */
#define PIPELINE__LEARNER_SO "liblearner.so"
#define PIPELINE__LIB_DIR "lib"


typedef struct pipeline__ctx {
    const pipeline_opts *opts;
    const manifest_exercise *ex;
    pipeline_result *res;
    sandbox_caps caps;
    unsigned slot; /* parallel slot: picks the sandbox uid */
    uint64_t asan_reserve;

    char checker[PATH_MAX]; /* CHECKS/<id>.checker */
    char cache[PATH_MAX];   /* "" when caching is off */
    /* Host paths of the binds ("" when absent) and where they appear in
     * the sandbox (the host path again in the fallback without bwrap). */
    char host[PIPELINE__NBINDS][PATH_MAX];
    const char *inside[PIPELINE__NBINDS];
    char header_rel[PATH_MAX]; /* exercises/<id>.h when it exists, else "" */
    char header_name[256];     /* its base name */
    const char *display[PIPELINE__NBINDS]; /* lab-relative names of binds */
    char display_ex[300];                  /* "exercises/<topic>" */

    char tmp[PATH_MAX]; /* our private directory (0700) */
    char box[PATH_MAX]; /* tmp/box: the sandbox's /work */

    char *src; /* the learner's file */
    size_t srclen;
    char srcname[256]; /* its name in the box: "<exercise name>.c" */
    char objname[256];

    char argbuf[4][PATH_MAX + 300]; /* strings of the compile argv */
    /* Binds copied where the jail's uid can read them (pipeline_stage.c),
     * "" until then. */
    char staged[PIPELINE__NBINDS][PATH_MAX];

    bool dynamic;       /* the quick link: lib/liblearner.so and the
                           cached probe program (pipeline_dynprobe.c) */
    char syms[PATH_MAX]; /* the names that program can give the library */

    char key[65];     /* cache key (hex SHA-256), "" when not cached */
    bool cache_hit;   /* the box holds the cached object already */
    char *cache_diag; /* the compiler's stderr saved with the object */

    int build_rc; /* pipeline__build's answer */
    bool sandbox_broken; /* a sandbox failed to start (not the code in it):
                            a stored probe answer may be wrong */

    tg_task *probe;         /* the probe's task (pipeline_probe.c) */
    bool probe_running;     /* it has not finished yet */
    size_t probe_nruns;     /* the runs sent through its gate (0: none) */
    tg_task *watchdog;      /* ends a probe that overruns its runs' time */
    uint64_t probe_deadline_ms; /* the watchdog's wait, set at release */
    bool deadline_hit;      /* the watchdog cancelled the probe */
    int gate;               /* its FIFO, opened O_RDWR; -1 when none */

    pipeline__listed *listed; /* from checker --list */
    size_t nlisted;
    pipeline__run *runs;
    size_t nruns;
} pipeline__ctx;

/* Adds a message to r; the strings are copied and cleaned.  Returns the
 * message (to set line, col, source...), or NULL on OOM. */
pipeline_msg *pipeline__msg_add(pipeline_result *r, pipeline_stage stage,
                                pipeline_severity sev, const char *code,
                                const char *text, const char *explain);

/* ---- sandboxed steps (pipeline_exec.c) -------------------------------- */

/* A spec for this check's box: the mode's limits, the slot's uid. */
void pipeline__spec(const pipeline__ctx *c, sandbox_spec *spec, bool readonly);

/* Runs cmd in the sandbox described by spec as a suspension point.
 * Returns NULL and fills *res, or an internal error / CancelledError. */
tg_error *pipeline__sandboxed(pipeline__ctx *c, const sandbox_spec *spec,
                              const char *const *cmd, size_t output_cap,
                              tg_process_result *res);

/* Runs a trusted program (the checker) as a suspension point. */
tg_error *pipeline__trusted(const char *const *argv, uint64_t timeout_ms,
                            size_t output_cap, tg_process_result *res);

/* ---- input (pipeline_input.c) ----------------------------------------- */

/*
 * Reads the learner's file into c->src.  Returns 0 when it can be
 * compiled, 1 when it cannot (the reason is in c->res->msgs), or an
 * internal error through *err (OOM) with -1.
 */
int pipeline__input(pipeline__ctx *c, const char *path, tg_error **err);

/* The learner's path as printable text (invalid bytes as \xNN). */
char *pipeline__display_path(const char *path);

/* ---- cache (pipeline_cache.c, pipeline_sha256.c) ---------------------- */

typedef struct pipeline__sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} pipeline__sha256;

void pipeline__sha256_init(pipeline__sha256 *s);
void pipeline__sha256_add(pipeline__sha256 *s, const void *data, size_t n);
void pipeline__sha256_hex(pipeline__sha256 *s, char hex[65]);

/* Adds the compiler's identity to h: where cc resolves on the host, its
 * size and modification time (an upgrade changes them). */
void pipeline__hash_compiler(pipeline__sha256 *h, const char *cc);

/*
 * Computes c->key from everything the object depends on (the source, the
 * compile command, the compiler, the headers it may include).  When the
 * cache holds it, copies the object into the box, sets c->cache_hit and
 * c->cache_diag.  Cache problems are never fatal: the object is rebuilt.
 */
void pipeline__cache_lookup(pipeline__ctx *c, const char *const *cc_argv);

/* Saves the box's object and the compiler's stderr under c->key, then
 * trims the directory to PIPELINE__CACHE_OBJECTS entries. */
void pipeline__cache_store(pipeline__ctx *c, const char *diag, size_t len);

/* How many entries each cache directory keeps: objects (a few KiB each)
 * for a class's worth of files; in prelink/, ~150 KiB each, a prelink
 * and a quick-link probe program per exercise, and a sanitized prelink:
 * the whole curriculum (30 exercises) with room to spare. */
#define PIPELINE__CACHE_OBJECTS 512
#define PIPELINE__CACHE_PRELINKS 128

/*
 * Removes the least recently used entries of the cache directory dir
 * (files KEY.o and KEY.diag, or KEY.probe and KEY.syms, KEY being 64 hex
 * digits; used = the newest modification time of an entry's files) until
 * at most keep are left, and
 * temporary files older than an hour.  Other names are left alone.  Costs
 * one readdir when there is nothing to remove.  Never fails: a problem
 * only leaves more behind (pipeline_cache_trim.c).
 */
void pipeline__cache_trim(const char *dir, size_t keep);

/* Marks the cache file at path as just used (its modification time). */
void pipeline__cache_touch(const char *path);

/* ---- stages ----------------------------------------------------------- */

/* The compiler's argv (NULL-ended; the caller frees the array with free()
 * only: the strings are static or in c). */
const char **pipeline__compile_argv(pipeline__ctx *c);

/* Turns the compiler's stderr into messages; returns true when it
 * reported an error. */
bool pipeline__compile_report(pipeline__ctx *c, const char *text, size_t len,
                              bool failed);

/*
 * Checks the symbol table and sections printed by `readelf -W -S -s` of
 * the learner's object against the exercise's functions.  Records one
 * message per problem in r.  Returns true when the object may be linked
 * and run.  Pure: tested on canned output.
 */
bool pipeline__symbols_check(const char *readelf_out,
                             const char *const *functions, size_t nfunctions,
                             const char *objname, const char *header_text,
                             const char *header_display, pipeline_result *r);

/* The names the object uses and does not define (global, not weak), from
 * the same readelf output: a malloc'd array of *n malloc'd strings, or
 * NULL on OOM.  *unexported is set when a definition that is not local
 * has a visibility other than default (a shared library would keep it to
 * itself).  Only meaningful once pipeline__symbols_check passed. */
char **pipeline__symbols_needed(const char *readelf_out, size_t *n,
                                bool *unexported);

/* Finds or makes the combination of the prebuilt objects in the cache
 * (c->host[PIPELINE__B_PRELINK], "" when there is none: the link then
 * uses the four parts).  Fails only when cancelled. */
tg_error *pipeline__prelink(pipeline__ctx *c);

/* Removes a check's work directory, never following a symlink
 * (pipeline_workdir.c). */
void pipeline__remove_tree(const char *path);
/* Removes, once per process, work directories in tmp that a killed lab
 * left behind: ours, untouched for an hour. */
void pipeline__sweep_workdirs(const char *tmp);

/* Without bubblewrap, as root: puts bind b where the jail's uid can read
 * it, when its host path is out of that uid's reach, and points
 * c->inside[b] there (pipeline_stage.c).  Best effort; call it once the
 * box exists and the binds' host paths are known. */
void pipeline__stage(pipeline__ctx *c, int b);

/* Whether binutils' gold is installed (the link uses it then). */
bool pipeline__have_gold(void);

/* The linker's argv (NULL-ended, freed with free()): the quick link's
 * `ld -shared` when dynamic, else the probe program's full link. */
const char **pipeline__link_argv(const pipeline__ctx *c, bool dynamic);

/* Finds or makes the probe program of the quick link for c's exercise
 * (needs the prelink): sets c->dynamic, c->host[PIPELINE__B_PROBE_EXE]
 * and c->syms, or leaves c->dynamic false (sanitizers, no cache, any
 * failure: the static link is used).  Fails only when cancelled. */
tg_error *pipeline__probe_program(pipeline__ctx *c);

/* True when every name the learner's object uses (readelf output) is one
 * the probe program or its libraries define (c->syms).  False also when
 * the list cannot be read: the static link decides then. */
bool pipeline__dynamic_resolves(const pipeline__ctx *c,
                                const char *readelf_out);

/* Turns the linker's stderr into messages. */
void pipeline__link_report(pipeline__ctx *c, const char *text, size_t len);

/* Compile, symbol check and link in one sandboxed step.  Returns 0 when
 * the probe is ready to run, 1 when a stage failed (messages in c->res),
 * -1 with *err on an internal error or cancellation. */
int pipeline__build(pipeline__ctx *c, tg_error **err);

/* Runs `checker --list` into c->listed. */
tg_error *pipeline__list_checks(pipeline__ctx *c);

/*
 * The probe stage, in three steps around the build: prepare makes the
 * probe's gate (before the box is handed to the sandbox); start spawns
 * the probe's sandbox into g, where it waits at its gate while the build
 * runs; release sends it its runs (go: every (scenario, seed) the listed
 * checks need, opts->jobs at once) or tells it to leave (!go).  The task
 * fills c->runs.  close releases the gate once g is done.
 */
tg_error *pipeline__probe_prepare(pipeline__ctx *c);
tg_error *pipeline__probe_start(pipeline__ctx *c, tg_group *g);
tg_error *pipeline__probe_release(pipeline__ctx *c, bool go);
void pipeline__probe_close(pipeline__ctx *c);
/* Stops the waiting probe at once (a stage failed). */
void pipeline__probe_cancel(pipeline__ctx *c);
/* After a release that let the runs go: a task in g that cancels the
 * probe if it is still running once its runs' time (plus slack) is up, so
 * a probe driver that a submission stops (SIGSTOP) or wedges cannot hold
 * its job for the sandbox's long backstop.  Its runs become timeouts. */
tg_error *pipeline__probe_watch(pipeline__ctx *c, tg_group *g);

/*
 * Parses the probe's stdout into the runs: each run gets its validated
 * frame, or a synthesized "bad-report" one saying why (missing, garbled,
 * duplicate, too big).  `ended` describes how the probe process ended,
 * for the synthesized ones.  Pure: tested on canned output.  Returns
 * NULL or an internal error (OOM).
 */
tg_error *pipeline__frames_parse(const char *out, size_t len, bool truncated,
                                 const char *ended, pipeline__run *runs,
                                 size_t nruns);

/*
 * The trace a probe recorded under obs.trace (a json_t *; probe.h has the
 * shape), as the compact JSON the TUI's tui_trace_from_json reads:
 *   {"scenario": S, "seed": N, "events": [{"t", "task", "peer"?, "kind",
 *    "name"?, "error"?: {"type"?, "message"?}, "detail"?}, ...],
 *    "truncated"?: true}
 * with scenario and seed ours (the run's), only those fields, every
 * string cleaned (pipeline__clean: no control or bidi characters, valid
 * UTF-8) and cut (names, types and details at PIPELINE__TRACE_NAME bytes,
 * messages at PIPELINE__TRACE_MESSAGE), unknown kinds dropped, and at
 * most PIPELINE__TRACE_EVENTS events or about PIPELINE__TRACE_BYTES
 * bytes ("truncated": true beyond).  The trace is the learner's to
 * influence: anything of the wrong shape (not an object, no events array,
 * an event that is not an object, a number that is not a non-negative
 * integer, a string field that is not a string) refuses it whole: NULL,
 * as on OOM.  Pure: tested on canned input.
 */
#define PIPELINE__TRACE_EVENTS 2000
#define PIPELINE__TRACE_BYTES (512u << 10)
#define PIPELINE__TRACE_NAME 80
#define PIPELINE__TRACE_MESSAGE 300
char *pipeline__trace_clean(const void *trace, const char *scenario,
                            uint64_t seed);

/* Runs the checker on the frames and fills c->res->checks. */
tg_error *pipeline__verdict(pipeline__ctx *c);

/*
 * Merges verdicts (the checker's JSON array, as text) with the manifest:
 * one pipeline_check_result per check, flaky detection, points.  Pure:
 * tested on canned output.
 */
tg_error *pipeline__verdict_merge(pipeline__ctx *c, const char *json,
                                  size_t len);

/* Frees the runs and the check list of c. */
void pipeline__runs_free(pipeline__ctx *c);

/* Rejects JSON nested deeper than max_depth before jansson sees it (its
 * parser recurses, and tasks have small stacks).  True when acceptable. */
bool pipeline__json_depth_ok(const char *s, size_t len, int max_depth);

/* Signal name for n ("SIGSEGV"), or NULL. */
const char *pipeline__signal_name(int n);

#endif /* LAB_PIPELINE_INTERNAL_H */
