/*
 * runtime.h -- the scheduler's internal structures: the run (one tg_run
 * call), its ready queue of handles, timers, tasks and groups.  The model is
 * asyncio's event loop: a FIFO queue of callbacks run in batches (one batch
 * per loop iteration), timers moved into the queue when due, and futures
 * whose completion schedules the waiting task's next step.
 */
#ifndef TG_RUNTIME_H
#define TG_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "error_internal.h"
#include "fiber.h"
#include "tg_internal.h"

/* ---- intrusive doubly linked list --------------------------------------- */

typedef struct tg__node {
    struct tg__node *prev, *next; /* both NULL when not linked */
} tg__node;

/* ---- handles: what the ready queue holds -------------------------------- */

typedef struct tg__handle tg__handle;
typedef void (*tg__handle_fn)(tg__handle *h);

struct tg__handle {
    tg__handle_fn run; /* what running it does */
    uint64_t queued;   /* 1 + its position in the ready ring, 0 if not queued */
};

/* The ready queue: a ring of handle pointers, FIFO.  A ring, not a linked
 * list, so that queueing and running a handle write nothing but the
 * handle's own word, and so that the loop can look several handles ahead
 * to fetch their tasks and stacks from memory before it runs them.  A
 * handle unqueued before its turn leaves a NULL behind.  Every handle that
 * may be queued holds a reservation (a task from its spawn to its free, a
 * timer while armed or due), and the ring always has room for all of
 * them, so queueing never allocates and never fails. */
typedef struct tg__ready {
    tg__handle **ring;
    size_t cap;         /* a power of two, or 0 before the first handle */
    size_t mask;        /* cap - 1 */
    uint64_t head;      /* position of the next handle to run */
    uint64_t tail;      /* position the next queued handle takes */
    uint64_t batch_end; /* the running batch stops here */
    size_t gaps;        /* NULLs between head and tail */
    size_t reserved;    /* handles that may be queued at once */
} tg__ready;

/* ---- timers --------------------------------------------------------------
 * A min-heap ordered by (deadline, seq): equal deadlines fire in the order
 * they were armed, so virtual time is exact and reproducible. */

typedef struct tg__timer {
    tg__handle handle;  /* queued when due; runs fire */
    tg__handle_fn fire; /* the timer's callback, given &handle */
    uint64_t deadline;  /* ms on the run's clock */
    uint64_t seq;       /* arm order, breaks ties */
    size_t heap_index;  /* position in the heap, SIZE_MAX when not armed */
    bool holds_slot;    /* has a reservation in the ready queue */
} tg__timer;

/* ---- tasks ---------------------------------------------------------------- */

/* Cache lines from a fiber's control block down that a task parked at a
 * suspension point has written: the block's first line and the frames
 * from task_entry to the switch (176 bytes for a tg_yield, GCC 12 -O2). */
#define TG__PARKED_STACK_LINES 5

typedef enum tg__task_state {
    TG__TASK_CREATED,   /* spawned, its first step not yet run */
    TG__TASK_RUNNING,   /* its fiber is executing */
    TG__TASK_SUSPENDED, /* parked at a suspension point */
    TG__TASK_DONE,      /* finished: result is final */
} tg__task_state;

/* What a suspended task waits on, so that cancel() can detach it. */
typedef void (*tg__wait_cancel_fn)(tg_task *t);

/* Two cache lines, laid out by use: line 0 is what every step and the
 * done callback touch, line 1 what starting, suspending and freeing
 * touch.  Cache-line aligned, so that the loop can fetch a task ahead of
 * its turn.  Fields never needed at the same time share their place: a
 * task's function and argument are read once, before it can first
 * suspend; its list link is the group's while it lives, the free list's
 * after. */
struct tg_task {
    /* line 0 */
    tg__handle step;        /* in the ready queue: "run my next step",
                               then, once done, "run my done callbacks" */
    uint8_t state;          /* a tg__task_state */
    bool must_cancel;       /* deliver CancelledError at the next step */
    bool waiting;           /* parked on a future not yet completed */
    bool registered : 1;    /* counted in group->active */
    bool done_cancelled : 1;/* done, and its result is a cancellation: the
                               done callback need not read the error */
    int cancels_requested;  /* cancel() calls not yet uncancel()ed */
    tg__fiber *fiber;       /* while started and not done */
    tg_group *group;        /* the group it belongs to (NULL for main) */
    tg_result result;       /* once done; owns result.error */
    tg_error *resume_error; /* what the suspension point returns */
    /* line 1 */
    tg_error *last_cancel;  /* CancelledError the latest one returned */
    uint64_t suspensions;   /* completed suspension points */
    union {
        struct {            /* until its first step starts it */
            tg_fn fn;
            void *arg;
        };
        struct {            /* while parked at a suspension point */
            tg__wait_cancel_fn wait_cancel; /* detaches from the wait */
            void *wait_data;                /* for wait_cancel */
        };
    };
    uint64_t id;            /* 1 is main; order of spawning */
    char *name;             /* NULL: "task-<id>" is shown */
    union {
        tg_task *group_next; /* next in group->tasks (spawn order) */
        tg_task *free_next;  /* in the run's free list */
    };
    uint64_t last_cancel_at;/* value of suspensions when it did */
} __attribute__((aligned(64)));

/* ---- groups ---------------------------------------------------------------- */

typedef enum tg__group_mode {
    TG__GROUP_TASKGROUP, /* fail-fast, like asyncio.TaskGroup */
    TG__GROUP_GATHER,    /* collect everything, like gather(..., True) */
} tg__group_mode;

struct tg_group {
    tg__group_mode mode;
    tg_task *owner;          /* the task that made it, and waits on it */
    tg_task *tasks;          /* every spawned task, spawn order */
    tg_task *tasks_tail;
    size_t active;           /* registered tasks not yet done-called-back */
    bool exiting;            /* wait has begun */
    bool aborting;           /* children are being cancelled */
    bool parent_cancel_requested; /* we cancelled the owner ourselves */
    bool owner_waiting;      /* owner is parked on the completion future */
    tg_error **errors;       /* non-cancellation errors, references */
    size_t nerrors, errors_cap;
    uint64_t owner_suspensions_at_new; /* to tell "body was cancelled" */
    tg__node live_link;      /* in the run's list of groups */
};

/* ---- the run ------------------------------------------------------------- */

typedef struct tg__run {
    uv_loop_t loop;
    tg_options opts;
    tg__ready ready;         /* handles to run, FIFO */
    tg__timer **heap;        /* timer min-heap */
    size_t heap_len, heap_cap;
    uint64_t timer_seq;
    uint64_t now_ms;         /* virtual clock (virtual_time) */
    uint64_t start_ns;       /* uv_hrtime at start (real time) */
    uv_timer_t wake_timer;   /* real time: fires at the next deadline */
    size_t io_pending;       /* uv handles that will call us back */

    tg__fiber_pool pool;     /* stacks */
    tg__fiber_ctx sched_ctx; /* the scheduler's own context */
    tg_task *current;        /* running task, NULL in the scheduler */
    tg_task *main;
    uint64_t next_task_id;

    size_t tasks_not_done;   /* the loop runs until this is 0 */
    tg__node groups;         /* groups not yet freed */
    tg_task *task_free;      /* recycled task structs */
    void **task_chunks;      /* task slabs, freed at the end */
    size_t ntask_chunks, task_chunks_cap;
    size_t task_chunk_fill;  /* used slots in the newest chunk */

    uint64_t rng[4];         /* xoshiro256** state */
    tg_stats stats;
    bool deadlocked;         /* a deadlock was broken by cancelling */
} tg__run;

/* The run of the calling thread, or NULL outside tg_run. */
extern _Thread_local tg__run *tg__current_run;

/* ---- list helpers ---------------------------------------------------------- */

static inline void tg__list_init(tg__node *head)
{
    head->prev = head->next = head;
}

static inline bool tg__list_empty(const tg__node *head)
{
    return head->next == head;
}

static inline bool tg__node_linked(const tg__node *n)
{
    return n->next != NULL;
}

static inline void tg__list_append(tg__node *head, tg__node *n)
{
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}

static inline void tg__list_remove(tg__node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
}

#define TG__CONTAINER_OF(ptr, type, member)                                  \
    ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* tg_error_is(e, &TG_CancelledError), inline: the scheduler asks it of
 * every step and every finished task. */
static inline bool tg__is_cancelled(const tg_error *e)
{
    return e && (e->type == &TG_CancelledError ||
                 tg__type_is(e->type, &TG_CancelledError));
}

/* ---- ready.c: the ready queue -------------------------------------------- */
void tg__ready_init(tg__ready *q);
void tg__ready_free(tg__ready *q);
bool tg__ready_grow(tg__ready *q);
void tg__ready_compact(tg__ready *q);

/* Promises room for one more handle in the queue; false when memory runs
 * out.  Every handle that may be queued needs one. */
static inline bool tg__ready_reserve(tg__run *run)
{
    tg__ready *q = &run->ready;
    if (q->reserved == q->cap && !tg__ready_grow(q))
        return false;
    q->reserved++;
    return true;
}

/* Gives a reservation back: the handle will not be queued again. */
static inline void tg__ready_release(tg__run *run)
{
    run->ready.reserved--;
}

static inline bool tg__ready_empty(const tg__run *run)
{
    const tg__ready *q = &run->ready;
    return q->tail - q->head == q->gaps;
}

/* Queues h (not queued now, and holding a reservation) to run in the next
 * batch, FIFO. */
static inline void tg__call_soon(tg__run *run, tg__handle *h)
{
    tg__ready *q = &run->ready;
    if (__builtin_expect(q->tail - q->head == q->cap, 0))
        tg__ready_compact(q); /* full of NULLs: squeeze them out */
    q->ring[q->tail & q->mask] = h;
    h->queued = ++q->tail;
}

/* Unqueues h if it is queued. */
static inline void tg__handle_cancel(tg__run *run, tg__handle *h)
{
    if (h->queued) {
        tg__ready *q = &run->ready;
        q->ring[(h->queued - 1) & q->mask] = NULL;
        h->queued = 0;
        q->gaps++;
    }
}

/* ---- loop.c -------------------------------------------------------------- */
uint64_t tg__clock(tg__run *run);
void tg__trace_emit(tg__run *run, tg_event_kind kind, const tg_task *t,
                    uint64_t peer, const tg_error *e, const char *detail);
/* Reports an event to the run's trace hook; free when there is none. */
#define tg__trace(run, kind, t, peer, e, detail)                             \
    do {                                                                     \
        if ((run)->opts.trace)                                               \
            tg__trace_emit(run, kind, t, peer, e, detail);                   \
    } while (0)

/* ---- timer.c -------------------------------------------------------------- */
void tg__timer_init(tg__timer *tm, tg__handle_fn fire);
bool tg__timer_arm(tg__run *run, tg__timer *tm, uint64_t deadline);
/* Queues tm's callback now, as if it were due.  False: out of memory. */
bool tg__timer_fire_soon(tg__run *run, tg__timer *tm);
void tg__timer_disarm(tg__run *run, tg__timer *tm);
tg__timer *tg__timer_peek(tg__run *run);
void tg__timer_pop(tg__run *run);
void tg__timers_free(tg__run *run);

/* ---- task.c -------------------------------------------------------------- */
tg_task *tg__task_new(tg__run *run, tg_group *g, tg_fn fn, void *arg,
                      const char *name);
void tg__task_free(tg__run *run, tg_task *t);
void tg__task_free_all(tg__run *run);
/* Parks the running task until woken; returns what the waker passed
 * (NULL or a CancelledError the caller owns). */
tg_error *tg__task_suspend(tg_task *t, tg__wait_cancel_fn cancel,
                           void *data, const char *what);
/* Records result as what t's latest suspension point returned: a group
 * wait or a gather is one suspension point to its caller, whatever it
 * did inside, so that a later tg_group_wait sees whether *it* returned
 * CancelledError. */
void tg__task_note_outcome(tg_task *t, tg_error *result);
/* Completes the future a task is parked on: it resumes with NULL. */
void tg__task_wake(tg_task *t);
/* What a task's handle runs (task.c): its next step, then, once it is
 * done, its done callbacks. */
void tg__task_step(tg__handle *h);
void tg__task_done_callbacks(tg__handle *h);

/* The rare paths of a step, out of line (task.c): a cancellation to
 * deliver at this step; the first step (false: the task finished without
 * running); a cancellation that arrived while it ran, for the wait it
 * parked on. */
void tg__task_take_cancel(tg_task *t);
bool tg__task_start(tg__run *run, tg_task *t);
void tg__task_cancel_wait(tg__run *run, tg_task *t);

/* Runs t's next step: switches to its fiber until it suspends or ends.
 * Inline in the loop, which runs one for nearly every handle: there the
 * switch costs no call, and the compiler saves only the loop's few live
 * registers around it, not every callee-saved one in a prologue. */
static inline __attribute__((always_inline)) void
tg__task_run_step(tg__run *run, tg_task *t)
{
    if (__builtin_expect(t->must_cancel, 0))
        tg__task_take_cancel(t);
    if (t->state == TG__TASK_CREATED && !tg__task_start(run, t))
        return;
    tg__fiber *f = t->fiber;
    t->state = TG__TASK_RUNNING;
    run->current = t;
    tg__fiber_set_running(f);
    tg__fiber_resume(&run->sched_ctx, f);
    tg__fiber_set_running(NULL);
    run->current = NULL;
    tg__fiber_check(f, (unsigned long long)t->id);

    if (t->state == TG__TASK_DONE) {
        tg__fiber_put(&run->pool, f);
        t->fiber = NULL;
    } else if (__builtin_expect(t->must_cancel && t->waiting, 0)) {
        tg__task_cancel_wait(run, t);
    }
}

/* Starts fetching the stack of the task h would step, some handles before
 * its turn (its task struct was fetched earlier still): the top of the
 * stack, where its control block is, and the frames below it where the
 * task is parked.  Inline: the loop does it for every handle it runs.
 * Always inline: GCC takes a function that only prefetches for a pure
 * one, and deletes the call to a pure function that returns nothing. */
static inline __attribute__((always_inline)) void
tg__handle_prefetch_stack(const tg__handle *h)
{
    if (h->run != tg__task_step)
        return;
    const tg_task *t = TG__CONTAINER_OF(h, tg_task, step);
    const char *f = (const char *)t->fiber;
    if (!f)
        return; /* not started: tg__fiber_get fetches its stack */
    for (int line = 0; line < TG__PARKED_STACK_LINES; line++)
        __builtin_prefetch(f - 64 * line);
}
/* Finishes a task that never ran, with err (owned) as its result. */
void tg__task_finish_unstarted(tg__run *run, tg_task *t, tg_error *err);
tg_error *tg__cancelled_error(void);
tg_error *tg__no_task_error(const char *fn);

/* ---- group.c ------------------------------------------------------------- */
tg_group *tg__group_new(tg__group_mode mode);
void tg__group_on_task_done(tg_group *g, tg_task *t);
void tg__group_cancel_all(tg_group *g); /* shutdown and deadlock */
void tg__groups_free_all(tg__run *run);

#endif /* TG_RUNTIME_H */
