/*
 * tg.h -- libtg, a small structured-concurrency core on libuv.
 *
 * libtg mirrors Python's asyncio.TaskGroup and PEP 654 exception groups in
 * C: single-threaded stackful tasks, groups that cancel their children when
 * one fails, typed and refcounted errors that nest into groups, and virtual
 * time so that every run is exact and reproducible.  This is the one public
 * header; everything named tg__ or hidden in core/src is internal.
 *
 * Conventions
 *   - A function returning tg_error * hands the caller a new reference
 *     (release it with tg_error_unref) unless its comment says "borrowed".
 *   - Suspension points (tg_sleep, tg_yield, tg_group_wait, ...) are the only
 *     places where another task can run and where cancellation arrives.
 *   - Allocation failure never returns NULL where an error is expected: the
 *     static tg_error for TG_MemoryError is returned instead.
 */
#ifndef TG_H
#define TG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TG_VERSION "0.1.0"

#if defined(__GNUC__)
#define TG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define TG_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define TG_PRINTF(fmt, args)
#define TG_WARN_UNUSED
#endif

/* ------------------------------------------------------------------------
 * Error types
 *
 * A type is a name and a base.  Types are compared by address, so a type
 * must be defined exactly once (TG_ERROR_TYPE in one .c file) and declared
 * elsewhere with TG_ERROR_TYPE_DECLARE.
 * ---------------------------------------------------------------------- */

typedef struct tg_error_type {
    const char *name;                  /* shown by the renderer */
    const struct tg_error_type *base;  /* NULL only for TG_BaseException */
} tg_error_type;

#define TG_ERROR_TYPE(NAME, BASE) const tg_error_type NAME = {#NAME, &(BASE)}
#define TG_ERROR_TYPE_DECLARE(NAME) extern const tg_error_type NAME

/*
 * The built-in hierarchy, as in Python:
 *   BaseException
 *    +-- CancelledError
 *    +-- BaseExceptionGroup
 *    |    +-- ExceptionGroup (also an Exception)
 *    +-- Exception
 *         +-- ValueError, TypeError, KeyError, RuntimeError, MemoryError
 *         +-- TimeoutError
 *         +-- OSError
 *              +-- ConnectionError
 * ExceptionGroup has two bases in Python; here its single base is
 * BaseExceptionGroup and tg_error_is() also answers true for TG_Exception.
 */
extern const tg_error_type TG_BaseException, TG_Exception, TG_CancelledError,
    TG_TimeoutError, TG_ValueError, TG_TypeError, TG_KeyError,
    TG_RuntimeError, TG_MemoryError, TG_OSError, TG_ConnectionError,
    TG_BaseExceptionGroup, TG_ExceptionGroup;

/* True when type is base or derives from it (walks the bases). */
bool tg_type_is(const tg_error_type *type, const tg_error_type *base);

/* ------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------- */

typedef struct tg_error tg_error; /* opaque, refcounted */

/*
 * Makes a new error of the given type with a printf-style message and
 * records the file and line of the call.  Never returns NULL: when memory
 * runs out it returns the static MemoryError.  The caller owns the result.
 */
tg_error *tg_error_new_at(const char *file, int line,
                          const tg_error_type *type, const char *fmt, ...)
    TG_PRINTF(4, 5);
tg_error *tg_error_newv_at(const char *file, int line,
                           const tg_error_type *type, const char *fmt,
                           va_list ap) TG_PRINTF(4, 0);
#define tg_error_new(type, ...)                                              \
    tg_error_new_at(__FILE__, __LINE__, (type), __VA_ARGS__)

/* Reference counting.  Both accept NULL; ref returns its argument. */
tg_error *tg_error_ref(tg_error *e);
void tg_error_unref(tg_error *e);

/* Is-a test: true when e's type is type or derives from it. NULL: false. */
bool tg_error_is(const tg_error *e, const tg_error_type *type);
const tg_error_type *tg_error_type_of(const tg_error *e);
const char *tg_error_type_name(const tg_error *e); /* borrowed */
const char *tg_error_message(const tg_error *e);   /* borrowed, never NULL */
const char *tg_error_file(const tg_error *e);      /* borrowed, may be NULL */
int tg_error_line(const tg_error *e);

/* Notes (PEP 678): ordered, formatted once. */
void tg_error_add_note(tg_error *e, const char *fmt, ...) TG_PRINTF(2, 3);
size_t tg_error_note_count(const tg_error *e);
const char *tg_error_note_at(const tg_error *e, size_t i); /* borrowed */

/*
 * Cause, as "raise e from cause": takes ownership of cause (pass a new
 * reference), replaces any previous cause, and returns e.  A NULL cause
 * suppresses the context, as "from None" does.
 */
tg_error *tg_error_from(tg_error *e, tg_error *cause);
tg_error *tg_error_cause(const tg_error *e); /* borrowed, may be NULL */

/*
 * Context, as Python's __context__: the error being handled when e was
 * raised.  Takes ownership of context.  tg_except sets it for you.
 */
void tg_error_set_context(tg_error *e, tg_error *context);
tg_error *tg_error_context(const tg_error *e); /* borrowed, may be NULL */
bool tg_error_suppress_context(const tg_error *e);

/* Renders e (and groups, notes, causes) as a traceback-style tree.
 * Returns a malloc'd string the caller frees; NULL only on OOM. */
char *tg_error_format(const tg_error *e);

/* Number of live (not static) error objects in this thread; for leak checks
 * in tests and in the grader's probe. */
size_t tg_error_live_count(void);

/* ------------------------------------------------------------------------
 * Error groups (PEP 654)
 * ---------------------------------------------------------------------- */

/*
 * Makes a group from n errors, like BaseExceptionGroup(msg, errs): the group
 * is an ExceptionGroup when every member is an Exception, else a
 * BaseExceptionGroup.  The group takes its own references to the members;
 * the caller keeps its own.  n == 0 or a NULL member gives a ValueError
 * (as Python raises one) instead of a group.
 */
tg_error *tg_error_group_new_at(const char *file, int line, const char *msg,
                                tg_error *const *errs, size_t n);
#define tg_error_group_new(msg, errs, n)                                     \
    tg_error_group_new_at(__FILE__, __LINE__, (msg), (errs), (n))

bool tg_error_is_group(const tg_error *e);
size_t tg_error_group_count(const tg_error *g); /* 0 for a non-group */
tg_error *tg_error_group_at(const tg_error *g, size_t i); /* borrowed */

/* Leaves in depth-first order (a non-group is its own single leaf). */
size_t tg_error_leaf_count(const tg_error *e);
void tg_error_foreach_leaf(const tg_error *e,
                           void (*fn)(tg_error *leaf, void *ud), void *ud);

/*
 * What split/subgroup/except match: a type (is-a), a NULL-terminated list of
 * types (any of them), or a predicate.  Exactly one should be set.
 */
typedef struct tg_match {
    const tg_error_type *type;
    bool (*pred)(const tg_error *e, void *ud);
    void *ud;
    const tg_error_type *const *types; /* NULL-terminated */
} tg_match;

#define TG_MATCH_TYPE(T) ((tg_match){.type = &(T)})
#define TG_MATCH_PRED(FN, UD) ((tg_match){.pred = (FN), .ud = (UD)})
#define TG_MATCH_TYPES(...)                                                  \
    ((tg_match){.types = (const tg_error_type *const[]){__VA_ARGS__, NULL}})

/* True when m matches e itself (not looking inside groups). */
bool tg_match_test(tg_match m, const tg_error *e);

/*
 * Splits g like BaseExceptionGroup.split: *match gets the part that matches
 * and *rest the part that does not, each NULL when empty.  Conditions are
 * tested on a group before its members, so a matching subgroup is taken
 * whole; derived groups keep g's nesting, message, notes, cause and context,
 * and share the leaves (a part keeps its source group alive).  When the
 * condition matches g itself, *match is g (a new reference); otherwise
 * the parts are new groups, as in CPython, whose type follows their
 * members and whose context is suppressed.  A non-group e is treated as a
 * leaf.  Both outputs are new references.  If memory runs out, *match is
 * NULL and *rest is a MemoryError with g as its context (nothing is
 * lost).
 */
void tg_error_split(tg_error *g, tg_match m, tg_error **match,
                    tg_error **rest);

/* The matching part of g, as BaseExceptionGroup.subgroup; NULL when empty.
 * New reference. */
tg_error *tg_error_subgroup(tg_error *g, tg_match m);

/*
 * except*-style handling.  A clause matches part of the raised error; its
 * handler receives that part as a group (a bare error is first wrapped in
 * an ExceptionGroup of one, as Python does) and returns:
 *   NULL                 handled;
 *   the `matched` pointer re-raise it ("raise"); no extra reference needed;
 *   any other error      raise it (hand over a reference you own); its
 *                        context is set to `matched` if it has none.
 */
typedef tg_error *(*tg_handler_fn)(tg_error *matched, void *ud);
typedef struct tg_except_clause {
    tg_match match;
    tg_handler_fn handler;
    void *ud;
} tg_except_clause;

/*
 * Runs the clauses over raised in order; each leaf is handled at most once,
 * by the first clause that matches it.  Takes ownership of raised and
 * returns what propagates (NULL when everything was handled): the
 * unhandled and re-raised leaves keep the shape of raised; errors raised by
 * handlers are combined with them in a new ExceptionGroup("", [...]) as
 * CPython does.  Matching a CancelledError type (or a group containing
 * BaseExceptions) works like except* on BaseException.
 */
tg_error *tg_except(tg_error *raised, const tg_except_clause *clauses,
                    size_t n);

/* ------------------------------------------------------------------------
 * Tasks and groups
 * ---------------------------------------------------------------------- */

/* How a task completes: it returned a value (error == NULL) or it raised. */
typedef struct tg_result {
    tg_error *error;
    void *value;
} tg_result;

static inline tg_result tg_return(void *value)
{
    tg_result r = {NULL, value};
    return r;
}
static inline tg_result tg_raise(tg_error *e)
{
    tg_result r = {e, NULL};
    return r;
}

typedef tg_result (*tg_fn)(void *arg);

/* What the runtime reports to a trace hook (see tg_options.trace). */
typedef enum tg_event_kind {
    TG_EV_SPAWN,      /* task created (lazy: not yet running) */
    TG_EV_START,      /* task body began */
    TG_EV_SUSPEND,    /* task suspended (detail: what it waits on) */
    TG_EV_RESUME,     /* task resumed */
    TG_EV_CANCEL,     /* cancellation requested */
    TG_EV_CANCELLED,  /* a suspension point delivered CancelledError */
    TG_EV_RETURN,     /* task finished with a value */
    TG_EV_RAISE,      /* task finished with an error */
    TG_EV_ABORT,      /* group: first failure, cancelling the others */
    TG_EV_GROUP_DONE, /* group wait returned */
    TG_EV_SPAWN_REFUSED,
} tg_event_kind;

typedef struct tg_event {
    tg_event_kind kind;
    uint64_t time_ms;      /* tg_now() when it happened */
    uint64_t task_id;      /* 1 is the main task */
    uint64_t peer_id;      /* spawn: parent; cancel: requester; else 0 */
    const char *task_name; /* borrowed for the call */
    const tg_error *error; /* borrowed for the call, may be NULL */
    const char *detail;    /* borrowed for the call, may be NULL */
} tg_event;

typedef void (*tg_trace_fn)(const tg_event *ev, void *ud);

typedef struct tg_options {
    bool virtual_time; /* jump the clock when nothing is ready */
    uint64_t seed;     /* seeds tg_random() for this run */
    size_t stack_size; /* per task; 0 picks the default (64 KiB) */
    tg_trace_fn trace; /* optional: called for every event */
    void *trace_ud;
} tg_options;

/*
 * Runs main as the first task on a fresh loop until it finishes, like
 * asyncio.run.  Tasks still running when main returns are cancelled and
 * awaited.  If every task is blocked and nothing can wake them (deadlock),
 * main is cancelled and its result carries a note saying so.  opts may be
 * NULL (real time, seed 0).  Calling tg_run from inside a task gives a
 * RuntimeError.  The caller owns the returned error.
 */
tg_result tg_run(tg_fn main, void *arg, const tg_options *opts);

typedef struct tg_group tg_group;
typedef struct tg_task tg_task;

/*
 * Makes a task group owned by the calling task (as entering
 * "async with TaskGroup()").  Returns NULL outside a task or on OOM.
 */
tg_group *tg_group_new(void);

/*
 * Creates a child task in g running fn(arg).  Tasks start lazily, in FIFO
 * order, when the spawner next suspends.  Spawning into a group that is
 * aborting or finished is refused: the returned task is already done, its
 * result is a RuntimeError, fn never runs (and arg is not consumed).
 * Returns NULL only when memory runs out.
 */
tg_task *tg_spawn(tg_group *g, tg_fn fn, void *arg);
tg_task *tg_spawn_named(tg_group *g, const char *name, tg_fn fn, void *arg);

/*
 * Waits for every child of g, like leaving "async with TaskGroup()".
 * Returns NULL when no child failed; an ExceptionGroup (or
 * BaseExceptionGroup) of every non-cancellation error; or a CancelledError
 * when the owner itself was cancelled and no child failed.  When the
 * owner's latest suspension point returned CancelledError, this is the
 * body having been cancelled: the children are cancelled first.  Only the
 * owner may wait, once.  A suspension point.
 */
tg_error *tg_group_wait(tg_group *g) TG_WARN_UNUSED;

/*
 * Like tg_group_wait, for a body that failed with body_error (ownership
 * taken; may be NULL): the children are cancelled, and body_error joins
 * the group's errors as an exception escaping "async with" does.
 */
tg_error *tg_group_exit(tg_group *g, tg_error *body_error) TG_WARN_UNUSED;

/* Frees g and its tasks.  The group must have been waited (or never had
 * tasks).  NULL is fine. */
void tg_group_free(tg_group *g);

/* The outcome of a finished task (borrowed; valid until the group is
 * freed).  A task that is not done yet gives a static RuntimeError. */
tg_result tg_task_result(const tg_task *t);
bool tg_task_done(const tg_task *t);
bool tg_task_cancelled(const tg_task *t);
uint64_t tg_task_id(const tg_task *t);
const char *tg_task_name(const tg_task *t);

/*
 * Requests cancellation, like task.cancel(): the task gets CancelledError
 * at its current or next suspension point.  Returns false when the task is
 * already done.  Each call counts (see tg_task_uncancel).
 */
bool tg_task_cancel(tg_task *t);
int tg_task_uncancel(tg_task *t);        /* returns remaining requests */
int tg_task_cancelling(const tg_task *t); /* pending requests */

tg_task *tg_current_task(void); /* NULL outside a task */

/* Suspension points: NULL, or a CancelledError the caller owns. */
tg_error *tg_sleep(uint64_t ms) TG_WARN_UNUSED;
tg_error *tg_yield(void) TG_WARN_UNUSED;

uint64_t tg_now(void); /* ms since tg_run began, virtual or real */

/* Seeded PRNG of the current run (xoshiro256**): same seed, same values. */
uint64_t tg_random(void);
uint64_t tg_random_below(uint64_t n); /* uniform in [0, n); n > 0 */

/* ------------------------------------------------------------------------
 * Timeouts, gather, semaphores
 * ---------------------------------------------------------------------- */

typedef struct tg_timeout tg_timeout;

/*
 * Opens a timeout scope around the caller's next steps, like
 * asyncio.timeout(ms): on expiry the current task is cancelled.  Close it
 * with tg_timeout_exit, passing the error the body ended with.  NULL
 * outside a task.
 */
tg_timeout *tg_timeout_enter(uint64_t ms);

/*
 * Closes the scope and frees it.  Takes ownership of body_error.  When the
 * timeout expired and body_error is the resulting CancelledError, returns a
 * TimeoutError whose cause is that CancelledError; otherwise returns
 * body_error unchanged.
 */
tg_error *tg_timeout_exit(tg_timeout *t, tg_error *body_error);
bool tg_timeout_expired(const tg_timeout *t);

/* Runs fn(arg) in the current task under a timeout scope. */
tg_result tg_call_with_timeout(uint64_t ms, tg_fn fn, void *arg);

/*
 * Runs n calls concurrently as tasks and waits for all of them, like
 * asyncio.gather(..., return_exceptions=True): results[i] receives each
 * outcome, errors included (new references the caller releases).  Returns
 * NULL, or CancelledError when the caller was cancelled while waiting (the
 * children are cancelled and awaited first).
 */
tg_error *tg_gather(size_t n, const tg_fn *fns, void *const *args,
                    tg_result *results) TG_WARN_UNUSED;

typedef struct tg_sem tg_sem;
tg_sem *tg_sem_new(unsigned value);
void tg_sem_free(tg_sem *s); /* no task may be waiting */
/* FIFO: waiters are served in the order they arrived.  A suspension point
 * only when it has to wait. */
tg_error *tg_sem_acquire(tg_sem *s) TG_WARN_UNUSED;
void tg_sem_release(tg_sem *s);
unsigned tg_sem_value(const tg_sem *s);

/* ------------------------------------------------------------------------
 * Processes and files (suspension points, for the runner)
 * ---------------------------------------------------------------------- */

typedef struct tg_process_spec {
    const char *const *argv;  /* argv[0] is looked up in PATH */
    const char *const *env;   /* NULL: inherit */
    const char *cwd;          /* NULL: inherit */
    const void *stdin_data;   /* NULL: empty stdin */
    size_t stdin_len;
    size_t output_cap;        /* per stream; 0 picks 1 MiB */
    uint64_t timeout_ms;      /* wall clock; 0: none */
} tg_process_spec;

typedef struct tg_process_result {
    int exit_status;  /* when it exited */
    int term_signal;  /* when a signal ended it, else 0 */
    bool timed_out;   /* killed by the timeout */
    char *out, *err;  /* NUL-terminated, malloc'd */
    size_t out_len, err_len;
    bool out_truncated, err_truncated;
    uint64_t elapsed_ms; /* wall clock */
} tg_process_result;

/*
 * Runs a process in a new session (its own process group) and waits for
 * it.  On timeout or cancellation the whole process group is killed with
 * SIGKILL, and it is killed too when the leader exits, so no grandchild
 * outlives the call.  Returns NULL and fills *res (free it with
 * tg_process_result_free), an OSError when the process could not start,
 * or CancelledError.
 */
tg_error *tg_process_run(const tg_process_spec *spec,
                         tg_process_result *res) TG_WARN_UNUSED;
void tg_process_result_free(tg_process_result *res);

/*
 * Reads a whole file through libuv's thread pool, as a suspension point.
 * Returns NULL and sets *data (malloc'd, NUL-terminated; free() it) and
 * *len; an OSError (ENOENT, EISDIR, ...) or a ValueError when the file is
 * larger than max bytes (0: no limit); or CancelledError.
 */
tg_error *tg_read_file(const char *path, size_t max, char **data,
                       size_t *len) TG_WARN_UNUSED;

/*
 * Waits until the file at path changes: written, created, or replaced by a
 * rename (as editors save), as a suspension point.  Events closer together
 * than debounce_ms are merged: it returns debounce_ms after the last one.
 * Watches the file's directory, so the file may not exist yet.  Returns
 * NULL, an OSError when the directory cannot be watched, or
 * CancelledError.
 */
tg_error *tg_watch_file(const char *path, uint64_t debounce_ms)
    TG_WARN_UNUSED;

/* Runtime counters, for tests and leak reports. */
typedef struct tg_stats {
    uint64_t tasks_spawned;
    uint64_t tasks_live;    /* not yet freed */
    uint64_t groups_live;
    uint64_t stacks_mapped; /* stacks the pool holds */
} tg_stats;
void tg_get_stats(tg_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* TG_H */
