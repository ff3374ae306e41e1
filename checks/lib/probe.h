/*
 * probe.h -- what an exercise's probe (checks/<id>.probe.c) is written
 * against: the scenario table it defines, probe_run to call the learner's
 * code inside libtg, and the probe_obs_* functions that record what
 * happened.  See docs/grading.md, section 2.
 *
 * The driver (probe.c) owns main().  For each --run SCENARIO:SEED it forks
 * a child that runs the scenario and writes its observations to a pipe;
 * the driver itself never calls the learner's code.  A scenario sets the
 * world's plans, calls probe_run once, and records inside its body:
 *
 *   static void body(probe_ctx *p, void *arg)
 *   {
 *       struct send_job *jobs = arg;
 *       tg_error *ret = send_all(jobs, 10);        (the learner's function)
 *       probe_obs_now(p, "returned_at");
 *       probe_obs_error(p, "returned", ret);
 *       ... record the jobs, then release what the caller owns ...
 *       tg_error_unref(ret);
 *   }
 *   static void scenario_two_bounce(probe_ctx *p)
 *   {
 *       world_plan1(WORLD_SEND_EMAIL, NULL, WORLD_STEP_OK(80));
 *       ...
 *       probe_run(p, body, jobs, 0);
 *   }
 *   const probe_scenario PROBE_SCENARIOS[] = {
 *       {"two_bounce", scenario_two_bounce},
 *       {NULL, NULL},
 *   };
 *
 * Observations are facts, never verdicts: expected values belong to the
 * checker, which runs outside the sandbox.
 *
 * Keys are paths: "jobs.3.error" records under obs.jobs["3"].error,
 * creating the objects on the way.  Keys keep their recording order.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include <tg.h>

typedef struct probe__state probe__state;

/* One run of one scenario. */
typedef struct probe_ctx {
    const char *scenario; /* its name */
    uint64_t seed;        /* the run's seed (probe_run passes it to tg_run) */
    probe__state *priv;   /* the driver's */
} probe_ctx;

typedef struct probe_scenario {
    const char *name; /* [a-z0-9_]+, unique */
    void (*run)(probe_ctx *p);
} probe_scenario;

/* Defined by the exercise's probe source; ends with {NULL, NULL}. */
extern const probe_scenario PROBE_SCENARIOS[];

/* ------------------------------------------------------------------------
 * Running the learner's code
 * ---------------------------------------------------------------------- */

typedef void (*probe_body_fn)(probe_ctx *p, void *arg);

/*
 * Runs body(p, arg) inside tg_run with {.virtual_time = true, .seed =
 * p->seed}, in a task of its own (so that it can be cancelled and so that
 * it owns the groups the learner makes).  When cancel_at_ms is not 0, the
 * probe cancels that task at that virtual time (tg_task_cancel), if it is
 * still running.  Call it once per scenario.
 *
 * The body calls the learner, records what it sees, and releases what the
 * contract says the caller owns.  Then probe_run records:
 *   run.cancel_delivered  true when the cancellation reached the task
 *   run.error             what tg_run's main ended with: null, or (say) a
 *                         CancelledError noted "deadlock: ..."
 *   leaks.errors          tg_error objects alive after the run that were
 *                         not alive before it
 *   leaks.bytes           heap bytes still allocated after the run that
 *                         were not before it (the world and the recording
 *                         do not count; they live outside malloc), or null
 *                         when the allocator cannot count them exactly
 *   leaks.tasks           tasks, and
 *   leaks.groups          groups still alive when the body returned
 *   trace                 libtg's events during the run (its trace hook),
 *                         for the lab's Timeline: who spawned, started,
 *                         was cancelled, raised or returned, when (virtual
 *                         ms), and what each group wait handed back:
 *     {"scenario": "two_bounce", "seed": 1, "events": [
 *       {"t": 0, "task": 3, "peer": 2, "kind": "spawn"},
 *       {"t": 20, "task": 5, "kind": "raise",
 *        "error": {"type": "BounceError", "message": "..."}},
 *       {"t": 20, "task": 5, "peer": 2, "kind": "abort", "error": {...}},
 *       {"t": 20, "task": 4, "peer": 5, "kind": "cancel"},
 *       {"t": 20, "task": 4, "kind": "cancelled", "detail": "sleep"}, ...]}
 *     kind: spawn, start, cancel, cancelled, return, raise, abort,
 *     group_done or spawn_refused (tg_event_kind; suspend and resume are
 *     left out).  Task 1 is tg_run's "main", task 2 the body ("learner").
 *     "peer": the spawner; the canceller (for the cancellations an abort
 *     makes, the failing child); the group's owner for an abort.  "name"
 *     (on spawn and start, for a named task), "error" and "detail" appear
 *     when there is one; a group's message ends with " (N
 *     sub-exceptions)", as Python prints it.  At most 2000 events
 *     ("truncated": true and "dropped": N after that); names and details
 *     are cut at 80 bytes, messages at 300.  The key "trace" is reserved:
 *     the runner takes it out of obs before the checker sees the frame
 *     (checks never depend on it) and shows it in the Timeline of a
 *     failing check (docs/grading.md, section 5.3).
 */
void probe_run(probe_ctx *p, probe_body_fn body, void *arg,
               uint64_t cancel_at_ms);

/* ------------------------------------------------------------------------
 * Recording
 *
 * Each function records one value under key (see the path rule above).
 * Strings are copied (invalid UTF-8 is replaced, long strings are cut at
 * 16 KiB); NULL strings and NULL errors are recorded as null.
 * ---------------------------------------------------------------------- */

/*
 * Formats a key, printf-style: probe_key(p, "jobs.%zu.error", i).  The
 * result lives in one of 8 rotating buffers, so it stays valid for the
 * next 7 calls.
 */
const char *probe_key(probe_ctx *p, const char *fmt, ...) TG_PRINTF(2, 3);

void probe_obs_int(probe_ctx *p, const char *key, long long v);
void probe_obs_bool(probe_ctx *p, const char *key, bool v);
void probe_obs_str(probe_ctx *p, const char *key, const char *s);
void probe_obs_null(probe_ctx *p, const char *key);

/* tg_now(), in ms. */
void probe_obs_now(probe_ctx *p, const char *key);

/*
 * An error, or null.  Recorded as a tree:
 *   {"id": 3, "type": "BounceError", "is": ["BounceError", "EmailError",
 *    "Exception", "BaseException"], "message": "...", "notes": [...],
 *    "cause": tree | null, "context": tree | null,
 *    "members": [tree, ...] | null, "text": "<tg_error_format output>"}
 * "id" names the object: within one run, the same object always gets the
 * same id, so the checker can tell shared leaves and "the very same
 * error" apart from copies.  "text" is on the root only.  Trees are cut at
 * depth 32 and 256 members per group ("truncated": true).
 */
void probe_obs_error(probe_ctx *p, const char *key, const tg_error *e);

/*
 * Whether e and f are the very same object (pointer identity), as a
 * boolean.  Same as comparing the "id" of two recorded trees, for errors
 * one does not want to record whole.
 */
void probe_obs_same(probe_ctx *p, const char *key, const void *a,
                    const void *b);

/*
 * The world's call log:
 *   {"count": N,
 *    "max_in_flight": {"send_email": 10, ...}   (services called at all)
 *    "items": [{"service": "send_email", "seq": 1, "input": "...",
 *               "cents": 0, "task": 3, "start": 0, "end": 80,
 *               "outcome": "ok" | "error" | "cancelled" | "running",
 *               "error": "BounceError" | null, "message": "..." | null,
 *               "result": "msg-1" | null}, ...]}
 * At most 10000 items are kept ("truncated": true).
 */
void probe_obs_calls(probe_ctx *p, const char *key);

/* The lines log_error wrote, as an array of strings. */
void probe_obs_log(probe_ctx *p, const char *key);

#endif /* PROBE_H */
