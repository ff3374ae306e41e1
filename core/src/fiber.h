/*
 * fiber.h -- stackful coroutines for the scheduler: a context switch (our
 * own inline assembly on x86-64 and aarch64, ucontext elsewhere: ctx.h),
 * and a pool of stacks carved from large mappings, each with its control
 * block (the tg__fiber) at its top and a canary at its bottom.
 */
#ifndef TG_FIBER_H
#define TG_FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "poison.h"
#ifdef TG_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#include "ctx.h"

typedef struct tg__fiber tg__fiber;

/* The control block, at the top of its own stack, just above the frames
 * the fiber pushes.  Its first cache line holds all that starting,
 * switching and returning a stack touch; the rest is set when the stack
 * is carved and read by the overflow checks and the sanitizers. */
struct tg__fiber {
    tg__fiber_ctx ctx;       /* first: a switch to it lands with f */
    void (*entry)(void *);   /* started on first switch; never returns */
    void *arg;
    unsigned long long task_id; /* whose stack it is now, for reports */
    bool guarded;            /* a guard page lies just below stack_lo */
    /* cold */
    char *stack_lo;          /* lowest byte of the stack (canary first) */
    size_t stack_size;       /* bytes from stack_lo to the top */
    const void *canary;      /* words an overflow would hit first, or NULL */
    const uint64_t *spare;   /* unguarded: the page below, never written */
    struct tg__fiber_pool *pool;
    void *asan_fake_stack;   /* ASan bookkeeping across switches */
    unsigned valgrind_id;    /* valgrind stack registration */
};

typedef struct tg__fiber_pool {
    size_t stack_size;       /* per stack, page multiple */
    size_t stride;           /* stack plus its guard page */
    tg__fiber **free;        /* stacks ready for reuse, the last first */
    size_t nfree, free_cap;  /* free_cap >= stacks: a put never allocates */
    char *carve_at;          /* next uncarved stack in the newest slab */
    size_t carve_left;       /* stacks left to carve there */
    bool carve_first;        /* the next stack is its slab's first */
    size_t next_slab_stacks; /* size of the next slab, in stacks */
    void **slabs;            /* every mapping, unmapped at destroy */
    size_t *slab_bytes;
    size_t nslabs, slabs_cap;
    size_t stacks;           /* carved so far */
    size_t guarded;          /* of which have their own guard page */
    size_t live;             /* handed out, not yet returned */
    /* The scheduler's stack, learnt from ASan at the first switch. */
    const void *sched_stack_bottom;
    size_t sched_stack_size;
} tg__fiber_pool;

/* Sets up an empty pool for stacks of stack_size bytes (rounded up to
 * pages; 0 picks the default). */
void tg__fiber_pool_init(tg__fiber_pool *pool, size_t stack_size);
/* Unmaps everything.  No fiber may be running. */
void tg__fiber_pool_destroy(tg__fiber_pool *pool);

/* A fiber that will run entry(arg) when first switched in.  No syscall
 * unless the pool must map a new slab.  NULL when memory runs out. */
tg__fiber *tg__fiber_get(tg__fiber_pool *pool, void (*entry)(void *),
                         void *arg);
/* Aborts with a clear message when f overflowed its stack.  A guarded
 * stack needs no check: its overflow has already faulted. */
void tg__fiber_check_unguarded(const tg__fiber *f, unsigned long long task_id);
static inline void tg__fiber_check(const tg__fiber *f,
                                   unsigned long long task_id)
{
    if (__builtin_expect(!f->guarded, 0))
        tg__fiber_check_unguarded(f, task_id);
}

/* The switches and the return of a stack happen for every task, several
 * times: inline, so that the scheduler pays for no call around them. */
/* Returns a finished fiber's stack to its pool (checks its canary). */
static inline void tg__fiber_put(tg__fiber_pool *pool, tg__fiber *f)
{
    tg__fiber_check(f, 0);
    pool->free[pool->nfree++] = f; /* room made when f was carved */
    pool->live--;
}

/* From the scheduler: runs f until it switches out.  sched's
 * floating-point control state was read once with tg__ctx_save_fp. */
static inline void tg__fiber_resume(tg__fiber_ctx *sched, tg__fiber *f)
{
#ifdef TG_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, f->stack_lo, f->stack_size);
    tg__ctx_switch_fp_saved(sched, &f->ctx);
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#else
    tg__ctx_switch_fp_saved(sched, &f->ctx);
#endif
}

/* From inside f: back to the scheduler.  finished: f never runs again. */
static inline void tg__fiber_yield(tg__fiber *f, tg__fiber_ctx *sched,
                                   bool finished)
{
#ifdef TG_ASAN
    tg__fiber_pool *pool = f->pool;
    __sanitizer_start_switch_fiber(finished ? NULL : &f->asan_fake_stack,
                                   pool->sched_stack_bottom,
                                   pool->sched_stack_size);
    tg__ctx_switch(&f->ctx, sched);
    __sanitizer_finish_switch_fiber(f->asan_fake_stack,
                                    &pool->sched_stack_bottom,
                                    &pool->sched_stack_size);
#else
    (void)finished;
    tg__ctx_switch(&f->ctx, sched);
#endif
}

size_t tg__fiber_default_stack_size(void);

/* While a run is active: turns a fault in a task's guard page into a clear
 * "stack overflow in task N" message before the process dies.  Installed
 * only when SIGSEGV has its default action (sanitizers keep theirs). */
void tg__fiber_overflow_handler_install(void);
void tg__fiber_overflow_handler_remove(void);
/* The fiber running now, for the handler. */
extern tg__fiber *volatile tg__running_fiber;
static inline void tg__fiber_set_running(tg__fiber *f)
{
    tg__running_fiber = f;
}

#endif /* TG_FIBER_H */
