/*
 * fiber.c -- stack pool and context switching for libtg's tasks.
 *
 * Stacks are carved from slabs (one mmap for many stacks, doubling up to
 * 1024 per slab) so that spawning costs no syscall but, for a stack never
 * used before, the one that makes its guard.  Every stack gets a guard
 * page at its bottom: an overflow faults at once, and a SIGSEGV handler on
 * its own stack names the task.  Where the kernel has lightweight guard
 * regions (MADV_GUARD_INSTALL, Linux 6.13) a guard is a page-table marker:
 * five times cheaper than mprotect and no new mapping, so every stack of a
 * million gets one.  Elsewhere a guard is an mprotect that splits its
 * slab's mapping, and the kernel allows only ~65000 mappings, so only the
 * first GUARDED_STACKS stacks get one; the others rely on a canary,
 * checked with the saved stack pointer every time the task suspends and
 * when it finishes: an overflow then aborts with a clear message before
 * any other task runs (and the spare page in the guard's place must still
 * be all zeros).  The canary of a stack sits at the very top of the
 * stack below it, beside that stack's control block, so it costs no extra
 * resident page.  Under AddressSanitizer the switches are announced with
 * the fiber API, and under valgrind every stack is registered, so both
 * tools follow the tasks.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <valgrind/valgrind.h>

#include "fiber.h" /* poison.h and the sanitizer's fiber API with it */
#include "tg_internal.h"

#define CANARY_WORDS 8
#define CANARY_BYTES (CANARY_WORDS * sizeof(uint64_t))
#define CANARY_VALUE UINT64_C(0x7467F1BE7CA7A12F) /* "tg fiber canary" */
#define MAX_SLAB_STACKS 1024
#ifndef GUARDED_STACKS
#define GUARDED_STACKS 16384 /* mprotect guards: x2 mappings each */
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13; older headers lack it */
#endif


size_t tg__fiber_default_stack_size(void)
{
#ifdef TG_ASAN
    return 256 * 1024; /* instrumented frames are several times larger */
#else
    return 64 * 1024;
#endif
}

static size_t page_size(void)
{
    static size_t size;
    if (!size)
        size = (size_t)sysconf(_SC_PAGESIZE);
    return size;
}

#ifdef TG_CTX_ASM
_Static_assert(offsetof(tg__fiber, stack_lo) <= 64,
               "a fiber's hot fields must fit one cache line");
#endif

/* The control block's place: near the top of the stack, cache-line
 * aligned, shifted by a per-stack "colour" so that the hot lines of
 * thousands of stacks do not all fall into the same cache sets. */
static tg__fiber *fiber_at_top(char *lo, size_t size, size_t index)
{
    uintptr_t top = (uintptr_t)(lo + size) - CANARY_BYTES - sizeof(tg__fiber);
    top -= (index % 32) * 64;
    return (tg__fiber *)(top & ~(uintptr_t)63);
}

static void canary_write(void *at)
{
    uint64_t *w = at;
    for (int i = 0; i < CANARY_WORDS; i++)
        w[i] = CANARY_VALUE;
}

void tg__fiber_pool_init(tg__fiber_pool *pool, size_t stack_size)
{
    size_t page = page_size();
    memset(pool, 0, sizeof *pool);
    if (stack_size == 0)
        stack_size = tg__fiber_default_stack_size();
    if (stack_size < 4 * page)
        stack_size = 4 * page;
    pool->stack_size = (stack_size + page - 1) / page * page;
    /* Each slot: a guard page, then the stack.  The odd stride (not a
     * power of two) also spreads stacks over cache sets. */
    pool->stride = pool->stack_size + page;
    pool->next_slab_stacks = 8;
}

void tg__fiber_pool_destroy(tg__fiber_pool *pool)
{
    size_t page = page_size();
    size_t index = 0;
    for (size_t i = 0; i < pool->nslabs; i++) {
        size_t count = pool->slab_bytes[i] / pool->stride;
        if (i == pool->nslabs - 1)
            count -= pool->carve_left;
        char *slot = pool->slabs[i];
        for (size_t k = 0; k < count; k++, slot += pool->stride) {
            tg__fiber *f =
                fiber_at_top(slot + page, pool->stack_size, index++);
            VALGRIND_STACK_DEREGISTER(f->valgrind_id);
        }
        munmap(pool->slabs[i], pool->slab_bytes[i]);
    }
    tg__free(pool->slabs);
    tg__free(pool->slab_bytes);
    tg__free(pool->free);
    memset(pool, 0, sizeof *pool);
}

/* Maps a new slab; returns false when memory runs out. */
static bool pool_grow(tg__fiber_pool *pool)
{
    size_t count = pool->next_slab_stacks;
    size_t bytes = count * pool->stride;

    if (pool->nslabs == pool->slabs_cap) {
        size_t cap = pool->slabs_cap ? pool->slabs_cap * 2 : 16;
        void **slabs = tg__realloc(pool->slabs, cap * sizeof *slabs);
        if (!slabs)
            return false;
        pool->slabs = slabs;
        size_t *sizes = tg__realloc(pool->slab_bytes, cap * sizeof *sizes);
        if (!sizes)
            return false;
        pool->slab_bytes = sizes;
        pool->slabs_cap = cap;
    }
    char *slab = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (slab == MAP_FAILED)
        return false;
    pool->slabs[pool->nslabs] = slab;
    pool->slab_bytes[pool->nslabs] = bytes;
    pool->nslabs++;
    pool->carve_at = slab;
    pool->carve_left = count;
    pool->carve_first = true;
    if (pool->next_slab_stacks < MAX_SLAB_STACKS)
        pool->next_slab_stacks *= 2;
    return true;
}

#if GUARDED_STACKS != 0
/* Whether MADV_GUARD_INSTALL really guards here: an emulator such as
 * qemu-user may accept the advice and do nothing, so the test is that the
 * kernel then refuses to read the page (EFAULT) instead of reading it. */
static bool light_guards_work(void)
{
    static atomic_int known; /* 0 unknown, 1 yes, 2 no */
    int k = atomic_load(&known);
    if (k)
        return k == 1;
    bool works = false;
    size_t page = page_size();
    int fds[2];
    char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED && pipe(fds) == 0) {
        if (madvise(p, page, MADV_GUARD_INSTALL) == 0)
            works = write(fds[1], p, 1) < 0 && errno == EFAULT;
        close(fds[0]);
        close(fds[1]);
    }
    if (p != MAP_FAILED)
        munmap(p, page);
    atomic_store(&known, works ? 1 : 2);
    return works;
}

/* Makes the page at slot a guard; false when it stays an ordinary page. */
static bool guard_install(tg__fiber_pool *pool, char *slot)
{
    if (light_guards_work())
        return madvise(slot, page_size(), MADV_GUARD_INSTALL) == 0;
    return pool->guarded < GUARDED_STACKS &&
           mprotect(slot, page_size(), PROT_NONE) == 0;
}
#else
/* A build that tests the canary alone. */
static bool guard_install(tg__fiber_pool *pool, char *slot)
{
    (void)pool;
    (void)slot;
    return false;
}
#endif

/* Out of line: the common case takes a stack from the free list. */
__attribute__((noinline)) static tg__fiber *pool_carve(tg__fiber_pool *pool)
{
    /* Room in the free array for every stack carved, so that returning
     * one never needs memory. */
    if (pool->stacks == pool->free_cap) {
        size_t cap = pool->free_cap ? pool->free_cap * 2 : 64;
        tg__fiber **free = tg__realloc(pool->free, cap * sizeof *free);
        if (!free)
            return NULL;
        pool->free = free;
        pool->free_cap = cap;
    }
    if (pool->carve_left == 0 && !pool_grow(pool))
        return NULL;
    char *slot = pool->carve_at;
    bool first = pool->carve_first;
    pool->carve_first = false;
    pool->carve_at += pool->stride;
    pool->carve_left--;
    size_t index = pool->stacks++;

    char *lo = slot + page_size();
    tg__fiber *f = fiber_at_top(lo, pool->stack_size, index);
    memset(f, 0, sizeof *f);
    f->stack_lo = lo;
    f->stack_size = (size_t)((char *)f - lo);
    f->pool = pool;
    /* Every stack's top holds the canary of the stack above it. */
    canary_write(lo + pool->stack_size - CANARY_BYTES);
    if (guard_install(pool, slot)) {
        pool->guarded++;
        f->guarded = true;
    } else {
        /* The slot's spare page absorbs a small overflow; past it, the
         * stack below's top canary is hit.  A slab's first stack has no
         * stack below: it keeps its canary at its own bottom. */
        f->canary = first ? (const void *)lo : slot - CANARY_BYTES;
        f->spare = (const uint64_t *)(const void *)slot;
        if (first)
            canary_write(lo);
    }
    f->valgrind_id = VALGRIND_STACK_REGISTER(lo, lo + pool->stack_size);
    return f;
}

/* A new fiber's first C code: tg__ctx_entry calls it, or ucontext's
 * trampoline.  Not static: the assembly calls it by name. */
__attribute__((visibility("hidden"))) void tg__fiber_main(tg__fiber *f);

#ifdef TG_CTX_ASM
static void ctx_make(tg__fiber *f)
{
    tg__ctx_init(&f->ctx, (char *)f);
}

#else
static void ucontext_trampoline(unsigned hi, unsigned lo)
{
    uintptr_t p = ((uintptr_t)hi << 16 << 16) | (uintptr_t)lo;
    tg__fiber_main((tg__fiber *)p);
}

static void ctx_make(tg__fiber *f)
{
    tg__fiber_ctx *ctx = &f->ctx;
    char *top = (char *)f;
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = f->stack_lo + CANARY_BYTES;
    ctx->uc.uc_stack.ss_size = (size_t)(top - (f->stack_lo + CANARY_BYTES));
    ctx->uc.uc_link = NULL;
    uintptr_t p = (uintptr_t)f;
    makecontext(&ctx->uc, (void (*)(void))ucontext_trampoline, 2,
                (unsigned)(p >> 16 >> 16), (unsigned)(p & 0xffffffffu));
}

#endif

/* Free stacks are taken this many ahead of their use: far enough for a
 * TLB walk and a memory fetch to finish while the tasks before it start. */
#define PREFETCH_AHEAD 4

tg__fiber *tg__fiber_get(tg__fiber_pool *pool, void (*entry)(void *),
                         void *arg)
{
    tg__fiber *f;
    if (pool->nfree > 0) {
        f = pool->free[--pool->nfree];
        /* When thousands of tasks start in one iteration, each a miss on
         * its stack's top lines: start fetching a later one's now. */
        if (pool->nfree >= PREFETCH_AHEAD) {
            const char *soon = (const char *)pool->free[pool->nfree -
                                                        PREFETCH_AHEAD];
            for (int line = 0; line < 5; line++)
                __builtin_prefetch(soon - 64 * line, 1);
        }
        tg__fiber_check(f, 0);
    } else {
        f = pool_carve(pool);
        if (!f)
            return NULL;
    }
#ifdef TG_ASAN
    /* A finished fiber never unwound its frames: clear their poison. */
    ASAN_UNPOISON_MEMORY_REGION(f->stack_lo,
                                (size_t)((char *)f - f->stack_lo));
#endif
    f->entry = entry;
    f->arg = arg;
#ifdef TG_ASAN
    f->asan_fake_stack = NULL;
#endif
    ctx_make(f);
    pool->live++;
    return f;
}


/* An unguarded stack's overflow first runs through the spare page below
 * it, which nothing else writes: it must still read as zeros (reading it
 * maps the shared zero page, so this costs no resident memory).  Frames
 * write sparsely, so the canary further down may be skipped; the spare
 * page cannot be crossed without a return address landing in it. */
static bool spare_page_clean(const tg__fiber *f)
{
    const uint64_t *w = f->spare;
    uint64_t any = 0;
    for (size_t i = 0; i < page_size() / sizeof *w; i++)
        any |= w[i];
    return any == 0;
}

void tg__fiber_check_unguarded(const tg__fiber *f, unsigned long long task_id)
{
    const uint64_t *canary = f->canary;
#ifdef TG_CTX_ASM
    bool ok = (const char *)f->ctx.sp >= f->stack_lo + CANARY_BYTES;
#else
    bool ok = true;
#endif
    for (int i = 0; ok && canary && i < CANARY_WORDS; i++)
        ok = canary[i] == CANARY_VALUE;
    if (ok && spare_page_clean(f))
        return;
    fprintf(stderr,
            "tg: fatal: stack overflow in task %llu: it used more than its "
            "%zu-byte stack.\n"
            "tg: look for deep recursion or large local arrays, or raise "
            "tg_options.stack_size.\n",
            task_id, f->stack_size);
    abort();
}

void tg__fiber_main(tg__fiber *f)
{
#ifdef TG_ASAN
    __sanitizer_finish_switch_fiber(NULL, &f->pool->sched_stack_bottom,
                                    &f->pool->sched_stack_size);
#endif
    f->entry(f->arg);
    fprintf(stderr, "tg: fatal: a fiber's entry returned\n");
    abort();
}



/* ---- overflow reporting ----------------------------------------------------- */

static volatile sig_atomic_t handler_installed;
static struct sigaction previous_action;
static stack_t previous_altstack;
static char *alt_stack;
tg__fiber *volatile tg__running_fiber;

/* Async-signal-safe: only write(2) and a hand-made number. */
static void write_str(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(2, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void write_num(unsigned long long v)
{
    char buf[24];
    int i = sizeof buf - 1;
    buf[i] = '\0';
    do
        buf[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    write_str(buf + i);
}

static void on_segv(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    tg__fiber *f = tg__running_fiber;
    char *addr = info->si_addr;
    if (f && f->guarded && addr >= f->stack_lo - page_size() &&
        addr < f->stack_lo + CANARY_BYTES) {
        write_str("tg: fatal: stack overflow in task ");
        write_num(f->task_id);
        write_str(": it used more than its ");
        write_num(f->stack_size);
        write_str("-byte stack.\ntg: look for deep recursion or large "
                  "local arrays, or raise tg_options.stack_size.\n");
    }
    /* Die of the signal as if nobody had caught it. */
    signal(sig, SIG_DFL);
}

void tg__fiber_overflow_handler_install(void)
{
    struct sigaction current;
    if (handler_installed || sigaction(SIGSEGV, NULL, &current) != 0 ||
        (current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL)
        return;
    size_t size = 64 * 1024;
    alt_stack = tg__malloc(size);
    if (!alt_stack)
        return;
    stack_t ss = {.ss_sp = alt_stack, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&ss, &previous_altstack) != 0) {
        tg__free(alt_stack);
        alt_stack = NULL;
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_action);
    handler_installed = 1;
}

void tg__fiber_overflow_handler_remove(void)
{
    if (!handler_installed)
        return;
    sigaction(SIGSEGV, &previous_action, NULL);
    sigaltstack(&previous_altstack, NULL);
    tg__free(alt_stack);
    alt_stack = NULL;
    tg__running_fiber = NULL;
    handler_installed = 0;
}
