/*
 * world.c -- the simulated world's state: fault plans, the database's
 * contents, the call log, the in-flight counters and the error log.
 *
 * All of it lives in an arena of mmap'd chunks rather than on the malloc
 * heap.  The probe measures how many bytes are still allocated after a
 * learner's call; bookkeeping that grows with every call must not show up
 * there as the learner's leak.  world_reset unmaps the arena at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "world_internal.h"

/* ---- the arena ---------------------------------------------------------- */

#define CHUNK_BYTES ((size_t)1 << 20)

typedef struct chunk {
    struct chunk *next;
    size_t size; /* bytes mapped, header included */
    size_t used;
} chunk;

static chunk *arena;

static chunk *chunk_map(size_t need)
{
    size_t size =
        need + sizeof(chunk) > CHUNK_BYTES ? need + sizeof(chunk) : CHUNK_BYTES;
    void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        fputs("world: fatal: out of memory for the call log\n", stderr);
        abort();
    }
    chunk *c = mem;
    c->size = size;
    c->used = (sizeof(chunk) + 15) & ~(size_t)15;
    return c;
}

void *world__alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!arena || arena->size - arena->used < n) {
        chunk *c = chunk_map(n + 16);
        c->next = arena;
        arena = c;
    }
    void *p = (char *)arena + arena->used;
    arena->used += n;
    return p; /* fresh mmap pages are zero, and nothing is reused */
}

char *world__strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s) + 1;
    char *copy = world__alloc(len);
    memcpy(copy, s, len);
    return copy;
}

/* Grows an arena array of elem-sized items to hold at least need items. */
static void *grow(void *items, size_t elem, size_t len, size_t *cap,
                  size_t need)
{
    if (need <= *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *fresh = world__alloc(ncap * elem);
    if (len)
        memcpy(fresh, items, len * elem);
    *cap = ncap;
    return fresh;
}

/* ---- the state -------------------------------------------------------- */

/* A plan and how far one input has followed it. */
typedef struct input_state {
    struct input_state *next;
    world_service service;
    const char *input;
    const world_step *steps; /* own plan, or NULL: the service default */
    size_t nsteps;
    size_t calls; /* calls made since the plan was set */
} input_state;

typedef struct db_entry {
    struct db_entry *next;
    const char *key, *value;
} db_entry;

static struct {
    input_state *inputs;
    const world_step *defaults[WORLD_SERVICE_COUNT]; /* NULL: ok, 10 ms */
    size_t ndefaults[WORLD_SERVICE_COUNT];
    size_t default_calls[WORLD_SERVICE_COUNT]; /* calls with NULL input */
    db_entry *db;
    world_call *calls;
    size_t ncalls, calls_cap;
    const char **log;
    size_t nlog, log_cap;
    unsigned seq[WORLD_SERVICE_COUNT];
    unsigned in_flight[WORLD_SERVICE_COUNT];
    unsigned max_in_flight[WORLD_SERVICE_COUNT];
} W;

void world_reset(void)
{
    while (arena) {
        chunk *next = arena->next;
        munmap(arena, arena->size);
        arena = next;
    }
    memset(&W, 0, sizeof W);
}

static const char *const SERVICE_NAMES[WORLD_SERVICE_COUNT] = {
    "send_email", "fetch_url", "charge_card", "db_get", "db_verify",
};

const char *world_service_name(world_service s)
{
    return (unsigned)s < WORLD_SERVICE_COUNT ? SERVICE_NAMES[s] : "unknown";
}

const char *world_end_name(world_end e)
{
    switch (e) {
    case WORLD_END_RUNNING:
        return "running";
    case WORLD_END_OK:
        return "ok";
    case WORLD_END_ERROR:
        return "error";
    case WORLD_END_CANCELLED:
        return "cancelled";
    }
    return "unknown";
}

/* ---- plans ------------------------------------------------------------ */

static const world_step *copy_steps(const world_step *steps, size_t n)
{
    world_step *copy = world__alloc(n * sizeof *copy);
    for (size_t i = 0; i < n; i++) {
        copy[i] = steps[i];
        copy[i].message = world__strdup(steps[i].message);
        copy[i].value = world__strdup(steps[i].value);
    }
    return copy;
}

static input_state *find_input(world_service s, const char *input, bool create)
{
    for (input_state *st = W.inputs; st; st = st->next)
        if (st->service == s && strcmp(st->input, input) == 0)
            return st;
    if (!create)
        return NULL;
    input_state *st = world__alloc(sizeof *st);
    st->service = s;
    st->input = world__strdup(input);
    st->next = W.inputs;
    W.inputs = st;
    return st;
}

void world_plan(world_service s, const char *input, const world_step *steps,
                size_t n)
{
    if ((unsigned)s >= WORLD_SERVICE_COUNT || !steps || n == 0) {
        fputs("world: world_plan: bad service or empty plan\n", stderr);
        abort();
    }
    if (!input) {
        W.defaults[s] = copy_steps(steps, n);
        W.ndefaults[s] = n;
        return;
    }
    input_state *st = find_input(s, input, true);
    st->steps = copy_steps(steps, n);
    st->nsteps = n;
    st->calls = 0;
}

void world_plan1(world_service s, const char *input, world_step step)
{
    world_plan(s, input, &step, 1);
}

/* The step of the next call of s on input (NULL input: the default plan). */
static world_step next_step(world_service s, const char *input)
{
    static const world_step usual = {.latency_ms = 10, .outcome = WORLD_OK};
    input_state *st = input ? find_input(s, input, true) : NULL;
    size_t *calls = st ? &st->calls : &W.default_calls[s];
    const world_step *steps = st && st->steps ? st->steps : W.defaults[s];
    size_t n = st && st->steps ? st->nsteps : W.ndefaults[s];
    size_t k = (*calls)++;
    if (!steps)
        return usual;
    return steps[k < n ? k : n - 1];
}

/* ---- the database ------------------------------------------------------- */

void world_db_put(const char *key, const char *value)
{
    for (db_entry *d = W.db; d; d = d->next) {
        if (strcmp(d->key, key) == 0) {
            d->value = world__strdup(value);
            return;
        }
    }
    db_entry *d = world__alloc(sizeof *d);
    d->key = world__strdup(key);
    d->value = world__strdup(value);
    d->next = W.db;
    W.db = d;
}

const char *world__db_lookup(const char *key)
{
    for (db_entry *d = W.db; d; d = d->next)
        if (strcmp(d->key, key) == 0)
            return d->value;
    return NULL;
}

/* ---- the call log ------------------------------------------------------- */

size_t world__call_begin(world_service s, const char *input, long cents,
                         world_step *step)
{
    *step = next_step(s, input);
    W.calls =
        grow(W.calls, sizeof *W.calls, W.ncalls, &W.calls_cap, W.ncalls + 1);
    size_t i = W.ncalls++;
    world_call *c = &W.calls[i];
    c->service = s;
    c->seq = ++W.seq[s];
    c->input = world__strdup(input);
    c->cents = cents;
    tg_task *self = tg_current_task();
    c->task_id = self ? tg_task_id(self) : 0;
    c->start_ms = tg_now();
    c->end = WORLD_END_RUNNING;
    if (++W.in_flight[s] > W.max_in_flight[s])
        W.max_in_flight[s] = W.in_flight[s];
    return i;
}

void world__call_end(size_t i, world_end end, const tg_error *e,
                     const char *result)
{
    world_call *c = &W.calls[i];
    c->end_ms = tg_now();
    c->end = end;
    if (e) {
        c->error_type = world__strdup(tg_error_type_name(e));
        c->error_message = world__strdup(tg_error_message(e));
        c->error_obj = e;
    }
    c->result = world__strdup(result);
    /* db_verify frees its "" at once: there is nothing to point at. */
    c->value_obj = c->service == WORLD_DB_VERIFY ? NULL : result;
    W.in_flight[c->service]--;
}

size_t world_call_count(void)
{
    return W.ncalls;
}

const world_call *world_call_at(size_t i)
{
    return i < W.ncalls ? &W.calls[i] : NULL;
}

unsigned world_in_flight(world_service s)
{
    return (unsigned)s < WORLD_SERVICE_COUNT ? W.in_flight[s] : 0;
}

unsigned world_max_in_flight(world_service s)
{
    return (unsigned)s < WORLD_SERVICE_COUNT ? W.max_in_flight[s] : 0;
}

/* ---- the error log ------------------------------------------------------ */

void world__log_append(const char *line)
{
    W.log = grow(W.log, sizeof *W.log, W.nlog, &W.log_cap, W.nlog + 1);
    W.log[W.nlog++] = world__strdup(line);
}

size_t world_log_count(void)
{
    return W.nlog;
}

const char *world_log_at(size_t i)
{
    return i < W.nlog ? W.log[i] : NULL;
}
