/*
 * world_probe.h -- the side of the simulated world that probes use: fault
 * plans in, call logs out.  Learners never include this header.
 *
 * A scenario resets the world, sets the plans of the inputs it cares about
 * (every other input gets its service's default plan: ok after 10 ms), runs
 * the learner's code, and reads back what happened: one record per service
 * call with its input, its start and end in virtual time and how it ended,
 * the peak number of calls in flight per service, and the lines written by
 * log_error.
 *
 * The world keeps all of its own bookkeeping in memory mapped outside
 * malloc, so that the probe's leak accounting (bytes still allocated after
 * a call) only sees what the learner's code and the values handed to it
 * hold.  Everything here is single-threaded, like libtg.
 */
#ifndef WORLD_PROBE_H
#define WORLD_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "world.h"

/* The services, in the order their names are reported. */
typedef enum world_service {
    WORLD_SEND_EMAIL,
    WORLD_FETCH_URL,
    WORLD_CHARGE_CARD,
    WORLD_DB_GET,
    WORLD_DB_VERIFY,
    WORLD_SERVICE_COUNT
} world_service;

/* "send_email", "fetch_url", ...: the function's name. */
const char *world_service_name(world_service s);

/* What one planned call does once its latency has passed. */
typedef enum world_outcome {
    WORLD_OK,    /* succeeds: the service's usual value, or step.value */
    WORLD_ERROR, /* fails with step.type (NULL: the service's usual error) */
    WORLD_BUG,   /* fails with step.type, TG_TypeError when NULL: a stand-in
                    for a programming error in the service's caller */
    WORLD_HANG,  /* never answers: only a cancellation ends the call */
} world_outcome;

/*
 * One call's plan.  The latency is latency_ms, plus tg_random_below(
 * jitter_ms + 1) when jitter_ms is set (one draw from the run's seeded PRNG
 * per call, so the same seed gives the same latencies).  message NULL
 * picks the standard message of the type:
 *   BounceError      "no such mailbox: <input>"
 *   EmailError       "could not send to <input>"
 *   HTTPError        "404 Not Found"
 *   PaymentDeclined  "card declined: insufficient funds"
 *   TG_KeyError      "no such key: <input>"
 *   IntegrityError   "checksum mismatch in <input>"
 *   DatabaseError    "database unavailable"
 *   TG_ConnectionError "connection reset"
 *   TG_TimeoutError  "server did not answer"
 *   a bug            "bug in <service> (injected)"
 *   anything else    "<service> failed"
 */
typedef struct world_step {
    uint64_t latency_ms;
    uint64_t jitter_ms;
    world_outcome outcome;
    const tg_error_type *type;
    const char *message; /* copied */
    const char *value;   /* WORLD_OK: delivered instead of the usual value */
} world_step;

#define WORLD_STEP_OK(ms)                                                      \
    ((world_step){.latency_ms = (ms), .outcome = WORLD_OK})
#define WORLD_STEP_VALUE(ms, v)                                                \
    ((world_step){.latency_ms = (ms), .outcome = WORLD_OK, .value = (v)})
#define WORLD_STEP_FAIL(ms, T)                                                 \
    ((world_step){.latency_ms = (ms), .outcome = WORLD_ERROR, .type = &(T)})
#define WORLD_STEP_FAIL_MSG(ms, T, msg)                                        \
    ((world_step){.latency_ms = (ms),                                          \
                  .outcome = WORLD_ERROR,                                      \
                  .type = &(T),                                                \
                  .message = (msg)})
#define WORLD_STEP_BUG(ms)                                                     \
    ((world_step){.latency_ms = (ms), .outcome = WORLD_BUG})
#define WORLD_STEP_HANG() ((world_step){.outcome = WORLD_HANG})

/* Forgets every plan, database entry, call and log line, and frees the
 * world's bookkeeping.  The defaults come back: ok after 10 ms. */
void world_reset(void);

/*
 * Sets the plan of `input` on service s: its first call follows steps[0],
 * the second steps[1], and every call after the last step follows the last
 * step again.  input NULL sets the default plan of the service, used by
 * inputs without a plan of their own.  n must be at least 1.  Everything
 * is copied.  A later plan for the same input replaces the earlier one and
 * restarts at its first step.
 */
void world_plan(world_service s, const char *input, const world_step *steps,
                size_t n);

/* Shorthand for a plan of one step. */
void world_plan1(world_service s, const char *input, world_step step);

/* Stores key = value in the database that db_get reads (copied).  A key
 * that was never stored makes db_get fail with a KeyError unless its plan
 * gives a value. */
void world_db_put(const char *key, const char *value);

/* How a call ended. */
typedef enum world_end {
    WORLD_END_RUNNING,   /* not yet: still inside the service */
    WORLD_END_OK,        /* delivered its value */
    WORLD_END_ERROR,     /* failed with an error (bugs included) */
    WORLD_END_CANCELLED, /* a cancellation arrived inside the call */
} world_end;

/* "running", "ok", "error", "cancelled". */
const char *world_end_name(world_end e);

/* One service call, as the log keeps it.  Strings are the world's. */
typedef struct world_call {
    world_service service;
    unsigned seq;      /* 1, 2, ... per service, in call order */
    const char *input; /* a copy; NULL when the caller passed NULL */
    long cents;        /* charge_card only */
    uint64_t task_id;  /* the task that called */
    uint64_t start_ms; /* tg_now() when the call began */
    uint64_t end_ms;   /* tg_now() when it ended (running: 0) */
    world_end end;
    const char *error_type;    /* WORLD_END_ERROR/CANCELLED: type name */
    const char *error_message; /* WORLD_END_ERROR: the message */
    const char *result;        /* WORLD_END_OK: a copy of what was delivered
                                  ("" for db_verify) */
    const void *error_obj;     /* WORLD_END_ERROR/CANCELLED: the address of
                                  the error handed to the caller, for "is it
                                  the very same object" checks.  Not a
                                  reference: compare it with ==, never
                                  dereference it (it may have been freed). */
    const void *value_obj;     /* WORLD_END_OK: the address of the string
                                  handed to the caller (NULL for db_verify,
                                  which hands out nothing), so that a probe
                                  can tell a delivered value from an error
                                  before it reads a pointer the learner
                                  stored.  Compare only, like error_obj. */
} world_call;

/* The call log, in the order calls began.  world_call_at's result is
 * borrowed until the next call into the world. */
size_t world_call_count(void);
const world_call *world_call_at(size_t i);

/* Calls of s in flight right now, and the most there ever were at once. */
unsigned world_in_flight(world_service s);
unsigned world_max_in_flight(world_service s);

/* The lines log_error wrote, in order (borrowed). */
size_t world_log_count(void);
const char *world_log_at(size_t i);

#endif /* WORLD_PROBE_H */
