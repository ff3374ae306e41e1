/*
 * probe.c -- the probe driver: main(), one forked child per run, frames on
 * stdout; and, in the child, probe_run and the probe_obs_* recorders (see
 * probe.h and docs/grading.md, section 2).
 *
 * The driver process never calls the learner's code (the learner's object
 * has no constructors: the runner checks that before linking).  For each
 * --run SCENARIO:SEED it forks; the child puts itself in a new process
 * group, sends its stdout and stderr (where the learner's printf goes) to
 * one pipe and its report to another, runs the scenario and exits.  The
 * driver waits with a wall-clock timeout, kills the child's whole process
 * group when it expires (and after every run, for stragglers), classifies
 * the run (ok, crashed, timeout, bad-report) and writes one frame:
 *
 *   @@tglab-frame-begin <scenario>:<seed>@@
 *   {"scenario": ..., "seed": ..., "status": ..., "signal": ..., "exit":
 *    ..., "timeout_ms": ..., "stderr": ..., "obs": {...} | null}
 *   @@tglab-frame-end@@
 *
 * The JSON sits on one line of its own: jansson's compact output escapes
 * every newline inside strings, so no string the learner controls can end
 * a frame early.
 *
 * In the child, everything the recording allocates comes from an mmap'd
 * arena (jansson's allocator is switched to it), so that heap accounting
 * around the learner's call sees only the learner's code and the values
 * the world hands out.  For that accounting to be exact under glibc, the
 * driver first re-executes itself once with the malloc tcache turned off
 * (GLIBC_TUNABLES); the pipeline need not do anything about it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "probe.h"
#include "world_probe.h"

#if defined(__SANITIZE_ADDRESS__)
#define PROBE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROBE_ASAN 1
#endif
#endif

#ifdef PROBE_ASAN
/* From the sanitizer runtime (GCC ships no allocator_interface.h). */
size_t __sanitizer_get_current_allocated_bytes(void);
#else
#include <malloc.h>
#endif

enum {
    OUTPUT_HALF = 1024,     /* stderr: this much of its head and tail */
    REPORT_CAP = 8 << 20,   /* a report larger than this is bad */
    STRING_CAP = 16 << 10,  /* longest string recorded */
    TREE_DEPTH_CAP = 32,    /* error trees are cut below this depth */
    TREE_MEMBERS_CAP = 256, /* and after this many members a group */
    CALLS_CAP = 10000,      /* call log items recorded */
    TRACE_CAP = 2000,       /* libtg events recorded per run */
    TRACE_NAME_CAP = 80,    /* task names, types, details: bytes kept */
    TRACE_MSG_CAP = 300,    /* error messages in the trace */
    DRAIN_MS = 200,         /* reading what is left after an exit */
    DEFAULT_TIMEOUT_MS = 10000,
    MAX_JOBS = 16,          /* runs in flight at once (--jobs) */
};

/* ==== the child: arena, recording, probe_run ============================= */

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t size, used;
} arena_chunk;

static arena_chunk *arena;

/* Memory that is never given back (the child exits soon), from mmap. */
static void *arena_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!arena || arena->size - arena->used < n) {
        size_t size = n + 64 > (1u << 20) ? n + 64 : (1u << 20);
        void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            return NULL;
        arena_chunk *c = mem;
        c->size = size;
        c->used = (sizeof *c + 15) & ~(size_t)15;
        c->next = arena;
        arena = c;
    }
    void *p = (char *)arena + arena->used;
    arena->used += n;
    return p;
}

static void arena_free(void *p)
{
    (void)p; /* given back when the child exits */
}

struct probe__state {
    json_t *obs;      /* the observations, in recording order */
    const void **ids; /* ids[i] is the object with id i + 1 */
    size_t nids, ids_cap;
    char keys[8][256]; /* probe_key's rotating buffers */
    unsigned next_key;
};

/* Replaces invalid UTF-8 (and NUL) with U+FFFD and cuts at cap bytes.
 * Returns a jansson string, or NULL when memory runs out. */
static json_t *utf8_json(const char *s, size_t len, size_t cap)
{
    bool cut = len > cap;
    if (cut)
        len = cap;
    char *out = malloc(len * 3 + 8);
    if (!out)
        return NULL;
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        size_t n = c < 0x80         ? 1
                   : (c >> 5) == 6  ? 2
                   : (c >> 4) == 14 ? 3
                   : (c >> 3) == 30 ? 4
                                    : 0;
        bool ok = c != 0 && n > 0 && i + n <= len;
        uint32_t cp = n == 1   ? c
                      : n == 2 ? c & 0x1F
                      : n == 3 ? c & 0x0F
                               : c & 0x07;
        for (size_t k = 1; ok && k < n; k++) {
            ok = (u[i + k] & 0xC0) == 0x80;
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if (ok && n > 1)
            ok = !(n == 2 && cp < 0x80) && !(n == 3 && cp < 0x800) &&
                 !(n == 4 && cp < 0x10000) && cp <= 0x10FFFF &&
                 !(cp >= 0xD800 && cp <= 0xDFFF);
        if (ok) {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += 1;
        }
    }
    if (cut) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    json_t *j = json_stringn(out, o);
    free(out);
    return j;
}

static json_t *str_json(const char *s)
{
    return s ? utf8_json(s, strlen(s), STRING_CAP) : json_null();
}

/* Sets obs[key] to v (taking v), creating the objects named by key's
 * dotted prefix. */
static void obs_set(probe_ctx *p, const char *key, json_t *v)
{
    json_t *obj = p->priv->obs;
    char part[256];
    for (;;) {
        const char *dot = strchr(key, '.');
        if (!dot) {
            json_object_set_new(obj, key, v);
            return;
        }
        size_t n = (size_t)(dot - key);
        if (n >= sizeof part)
            n = sizeof part - 1;
        memcpy(part, key, n);
        part[n] = '\0';
        json_t *next = json_object_get(obj, part);
        if (!json_is_object(next)) {
            next = json_object();
            json_object_set_new(obj, part, next);
        }
        obj = next;
        key = dot + 1;
    }
}

const char *probe_key(probe_ctx *p, const char *fmt, ...)
{
    probe__state *st = p->priv;
    char *buf = st->keys[st->next_key++ % 8];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof st->keys[0], fmt, ap);
    va_end(ap);
    return buf;
}

void probe_obs_int(probe_ctx *p, const char *key, long long v)
{
    obs_set(p, key, json_integer(v));
}

void probe_obs_bool(probe_ctx *p, const char *key, bool v)
{
    obs_set(p, key, json_boolean(v));
}

void probe_obs_str(probe_ctx *p, const char *key, const char *s)
{
    obs_set(p, key, str_json(s));
}

void probe_obs_null(probe_ctx *p, const char *key)
{
    obs_set(p, key, json_null());
}

void probe_obs_now(probe_ctx *p, const char *key)
{
    obs_set(p, key, json_integer((json_int_t)tg_now()));
}

/* The id of an object: 1, 2, ... in the order the run first recorded
 * them.  0 when the table cannot grow. */
static long long object_id(probe__state *st, const void *obj)
{
    for (size_t i = 0; i < st->nids; i++)
        if (st->ids[i] == obj)
            return (long long)i + 1;
    if (st->nids == st->ids_cap) {
        size_t cap = st->ids_cap ? st->ids_cap * 2 : 64;
        const void **ids = arena_alloc(cap * sizeof *ids);
        if (!ids)
            return 0;
        if (st->nids)
            memcpy(ids, st->ids, st->nids * sizeof *ids);
        st->ids = ids;
        st->ids_cap = cap;
    }
    st->ids[st->nids++] = obj;
    return (long long)st->nids;
}

/* The names e is-a, from its own type up; ExceptionGroup's second base,
 * Exception, is listed where Python's MRO has it. */
static json_t *type_chain(const tg_error *e)
{
    json_t *names = json_array();
    bool exception_seen = false;
    for (const tg_error_type *t = tg_error_type_of(e); t; t = t->base) {
        if (t == &TG_BaseException && !exception_seen &&
            tg_error_is(e, &TG_Exception))
            json_array_append_new(names, json_string(TG_Exception.name));
        if (t == &TG_Exception)
            exception_seen = true;
        json_array_append_new(names, str_json(t->name));
    }
    return names;
}

static json_t *error_tree(probe__state *st, const tg_error *e, int depth,
                          size_t *budget)
{
    if (!e)
        return json_null();
    json_t *t = json_object();
    json_object_set_new(t, "id", json_integer(object_id(st, e)));
    json_object_set_new(t, "type", str_json(tg_error_type_name(e)));
    json_object_set_new(t, "is", type_chain(e));
    json_object_set_new(t, "message", str_json(tg_error_message(e)));
    json_t *notes = json_array();
    for (size_t i = 0; i < tg_error_note_count(e); i++)
        json_array_append_new(notes, str_json(tg_error_note_at(e, i)));
    json_object_set_new(t, "notes", notes);
    if (depth >= TREE_DEPTH_CAP || *budget == 0) {
        json_object_set_new(t, "truncated", json_true());
        return t;
    }
    (*budget)--;
    json_object_set_new(t, "cause",
                        error_tree(st, tg_error_cause(e), depth + 1, budget));
    json_object_set_new(t, "context",
                        error_tree(st, tg_error_context(e), depth + 1, budget));
    if (tg_error_is_group(e)) {
        json_t *members = json_array();
        size_t n = tg_error_group_count(e);
        for (size_t i = 0; i < n && i < TREE_MEMBERS_CAP; i++)
            json_array_append_new(
                members,
                error_tree(st, tg_error_group_at(e, i), depth + 1, budget));
        if (n > TREE_MEMBERS_CAP)
            json_object_set_new(t, "truncated", json_true());
        json_object_set_new(t, "members", members);
    } else {
        json_object_set_new(t, "members", json_null());
    }
    return t;
}

void probe_obs_error(probe_ctx *p, const char *key, const tg_error *e)
{
    size_t budget = 5000; /* nodes per recorded tree */
    json_t *t = error_tree(p->priv, e, 0, &budget);
    if (e) {
        char *text = tg_error_format(e);
        json_object_set_new(t, "text",
                            text ? utf8_json(text, strlen(text), 64 << 10)
                                 : json_null());
        free(text);
    }
    obs_set(p, key, t);
}

void probe_obs_same(probe_ctx *p, const char *key, const void *a, const void *b)
{
    obs_set(p, key, json_boolean(a == b));
}

void probe_obs_calls(probe_ctx *p, const char *key)
{
    json_t *log = json_object();
    size_t n = world_call_count();
    json_object_set_new(log, "count", json_integer((json_int_t)n));
    json_t *peak = json_object();
    json_t *items = json_array();
    for (size_t i = 0; i < n && i < CALLS_CAP; i++) {
        const world_call *c = world_call_at(i);
        json_t *it = json_object();
        json_object_set_new(it, "service",
                            json_string(world_service_name(c->service)));
        json_object_set_new(it, "seq", json_integer(c->seq));
        json_object_set_new(it, "input", str_json(c->input));
        json_object_set_new(it, "cents", json_integer(c->cents));
        json_object_set_new(it, "task", json_integer((json_int_t)c->task_id));
        json_object_set_new(it, "start", json_integer((json_int_t)c->start_ms));
        json_object_set_new(it, "end", json_integer((json_int_t)c->end_ms));
        json_object_set_new(it, "outcome", json_string(world_end_name(c->end)));
        json_object_set_new(it, "error", str_json(c->error_type));
        json_object_set_new(it, "message", str_json(c->error_message));
        json_object_set_new(it, "result", str_json(c->result));
        json_array_append_new(items, it);
    }
    for (int s = 0; s < WORLD_SERVICE_COUNT; s++)
        if (world_max_in_flight((world_service)s) > 0)
            json_object_set_new(
                peak, world_service_name((world_service)s),
                json_integer(world_max_in_flight((world_service)s)));
    json_object_set_new(log, "max_in_flight", peak);
    json_object_set_new(log, "items", items);
    if (n > CALLS_CAP)
        json_object_set_new(log, "truncated", json_true());
    obs_set(p, key, log);
}

void probe_obs_log(probe_ctx *p, const char *key)
{
    json_t *lines = json_array();
    for (size_t i = 0; i < world_log_count(); i++)
        json_array_append_new(lines, str_json(world_log_at(i)));
    obs_set(p, key, lines);
}

/*
 * Heap bytes in use, as the allocator in charge counts them: ASan's own
 * count, or glibc's bytes in chunks that are not free.  glibc counts the
 * chunks parked in its per-thread cache (tcache) as in use, and which ones
 * sit there after a run depends on addresses; so the driver runs with the
 * cache turned off (see exec_without_tcache), and heap_exact says whether
 * that worked.
 */
static bool heap_exact;

/* Whether runs record libtg's trace (obs.trace, the TUI's Timeline);
 * --no-trace turns it off when nobody will look at it. */
static bool tracing = true;

static long long heap_bytes(void)
{
#ifdef PROBE_ASAN
    return (long long)__sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return (long long)(mi.uordblks + mi.hblkhd);
#endif
}

/*
 * The run's trace: every libtg event of the probe_run (suspend and resume
 * left out: they are the bulk of a trace and the timeline does not show
 * them), recorded by the trace hook into the arena -- never malloc, so
 * that heap accounting around the run is unchanged -- and turned into
 * obs.trace once the run is over.  See probe.h for the shape.
 */
typedef struct trace_event {
    tg_event_kind kind;
    uint64_t t, task, peer;
    const char *name, *etype, *emsg, *detail; /* arena copies, or NULL */
} trace_event;

typedef struct trace_log {
    trace_event *ev;   /* TRACE_CAP of them, from the arena; NULL: none */
    size_t n;          /* recorded */
    size_t dropped;    /* beyond the cap */
    uint64_t abort_by; /* the failing child of the abort being carried out */
} trace_log;

/* The names tui_trace_from_json reads (runner/src/tui_exercise.c). */
static const char *trace_kind_name(tg_event_kind k)
{
    switch (k) {
    case TG_EV_SPAWN:
        return "spawn";
    case TG_EV_START:
        return "start";
    case TG_EV_SUSPEND:
        return "suspend";
    case TG_EV_RESUME:
        return "resume";
    case TG_EV_CANCEL:
        return "cancel";
    case TG_EV_CANCELLED:
        return "cancelled";
    case TG_EV_RETURN:
        return "return";
    case TG_EV_RAISE:
        return "raise";
    case TG_EV_ABORT:
        return "abort";
    case TG_EV_GROUP_DONE:
        return "group_done";
    case TG_EV_SPAWN_REFUSED:
        return "spawn_refused";
    }
    return NULL;
}

/* A copy of at most cap + 1 bytes of s in the arena (utf8_json cuts it at
 * cap later, with "..."), or NULL. */
static const char *arena_strdup(const char *s, size_t cap)
{
    if (!s)
        return NULL;
    size_t n = strnlen(s, cap + 1);
    char *d = arena_alloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void trace_hook(const tg_event *ev, void *ud)
{
    trace_log *log = ud;
    if (ev->kind == TG_EV_SUSPEND || ev->kind == TG_EV_RESUME ||
        !trace_kind_name(ev->kind))
        return;
    /* An abort cancels the group's other children and its owner at once,
     * from the loop (no task is running, so libtg gives no requester):
     * those cancellations are the failing child's doing. */
    uint64_t peer = ev->peer_id;
    if (ev->kind == TG_EV_ABORT)
        log->abort_by = ev->task_id;
    else if (ev->kind == TG_EV_CANCEL && peer == 0)
        peer = log->abort_by;
    else if (ev->kind != TG_EV_CANCEL)
        log->abort_by = 0;
    if (!log->ev || log->n >= TRACE_CAP) {
        log->dropped++;
        return;
    }
    trace_event *e = &log->ev[log->n++];
    *e = (trace_event){
        .kind = ev->kind, .t = ev->time_ms, .task = ev->task_id, .peer = peer};
    /* A task's name once, where it appears; "task" is libtg's word for
     * none. */
    if ((ev->kind == TG_EV_SPAWN || ev->kind == TG_EV_SPAWN_REFUSED ||
         ev->kind == TG_EV_START) &&
        ev->task_name && strcmp(ev->task_name, "task") != 0)
        e->name = arena_strdup(ev->task_name, TRACE_NAME_CAP);
    if (ev->error) {
        e->etype = arena_strdup(tg_error_type_name(ev->error), TRACE_NAME_CAP);
        const char *msg = tg_error_message(ev->error);
        if (tg_error_is_group(ev->error)) {
            /* As Python's str() of a group: "msg (2 sub-exceptions)". */
            char buf[TRACE_MSG_CAP + 48];
            size_t k = tg_error_group_count(ev->error);
            snprintf(buf, sizeof buf, "%.*s (%zu sub-exception%s)",
                     (int)TRACE_MSG_CAP, msg, k, k == 1 ? "" : "s");
            e->emsg = arena_strdup(buf, sizeof buf);
        } else {
            e->emsg = arena_strdup(msg, TRACE_MSG_CAP);
        }
    }
    e->detail = arena_strdup(ev->detail, TRACE_NAME_CAP);
}

/* obs.trace: {"scenario", "seed", "events": [...]} (+ "truncated",
 * "dropped" beyond the cap). */
static json_t *trace_json(const probe_ctx *p, const trace_log *log)
{
    json_t *tr = json_object();
    json_object_set_new(tr, "scenario", str_json(p->scenario));
    json_object_set_new(tr, "seed", json_integer((json_int_t)p->seed));
    json_t *events = json_array();
    for (size_t i = 0; i < log->n; i++) {
        const trace_event *e = &log->ev[i];
        json_t *o = json_object();
        json_object_set_new(o, "t", json_integer((json_int_t)e->t));
        json_object_set_new(o, "task", json_integer((json_int_t)e->task));
        if (e->peer)
            json_object_set_new(o, "peer", json_integer((json_int_t)e->peer));
        json_object_set_new(o, "kind", json_string(trace_kind_name(e->kind)));
        if (e->name)
            json_object_set_new(
                o, "name", utf8_json(e->name, strlen(e->name), TRACE_NAME_CAP));
        if (e->etype) {
            json_t *er = json_object();
            json_object_set_new(
                er, "type",
                utf8_json(e->etype, strlen(e->etype), TRACE_NAME_CAP));
            json_object_set_new(er, "message",
                                e->emsg ? utf8_json(e->emsg, strlen(e->emsg),
                                                    TRACE_MSG_CAP + 48)
                                        : json_string(""));
            json_object_set_new(o, "error", er);
        }
        if (e->detail)
            json_object_set_new(
                o, "detail",
                utf8_json(e->detail, strlen(e->detail), TRACE_NAME_CAP));
        json_array_append_new(events, o);
    }
    json_object_set_new(tr, "events", events);
    if (log->dropped) {
        json_object_set_new(tr, "truncated", json_true());
        json_object_set_new(tr, "dropped",
                            json_integer((json_int_t)log->dropped));
    }
    return tr;
}

typedef struct run_state {
    probe_ctx *p;
    probe_body_fn body;
    void *arg;
    uint64_t cancel_at_ms;
    tg_task *task;  /* the body's */
    bool delivered; /* the cancellation reached it */
    long long tasks, groups;
} run_state;

static tg_result body_task(void *arg)
{
    run_state *rs = arg;
    tg_stats before, after;
    tg_get_stats(&before);
    rs->body(rs->p, rs->arg);
    tg_get_stats(&after);
    rs->tasks = (long long)after.tasks_live - (long long)before.tasks_live;
    rs->groups = (long long)after.groups_live - (long long)before.groups_live;
    return tg_return(NULL);
}

static tg_result canceller_task(void *arg)
{
    run_state *rs = arg;
    tg_error *e = tg_sleep(rs->cancel_at_ms);
    if (e)
        return tg_raise(e);
    rs->delivered = tg_task_cancel(rs->task);
    return tg_return(NULL);
}

static tg_result run_main(void *arg)
{
    run_state *rs = arg;
    tg_group *g = tg_group_new();
    if (!g)
        return tg_raise(tg_error_new(&TG_MemoryError, "probe: no group"));
    rs->task = tg_spawn_named(g, "learner", body_task, rs);
    if (rs->cancel_at_ms)
        tg_spawn_named(g, "probe-canceller", canceller_task, rs);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

void probe_run(probe_ctx *p, probe_body_fn body, void *arg,
               uint64_t cancel_at_ms)
{
    run_state rs = {
        .p = p, .body = body, .arg = arg, .cancel_at_ms = cancel_at_ms};
    trace_log log = {
        .ev = tracing ? arena_alloc(TRACE_CAP * sizeof(trace_event)) : NULL};
    tg_options opts = {.virtual_time = true,
                       .seed = p->seed,
                       .trace = tracing ? trace_hook : NULL,
                       .trace_ud = &log};
    size_t errors_before = tg_error_live_count();
    long long bytes_before = heap_bytes();
    tg_result r = tg_run(run_main, &rs, &opts);
    probe_obs_bool(p, "run.cancel_delivered", rs.delivered);
    probe_obs_error(p, "run.error", r.error);
    tg_error_unref(r.error);
    long long bytes_after = heap_bytes();
    size_t errors_after = tg_error_live_count();
    probe_obs_int(p, "leaks.errors",
                  (long long)errors_after - (long long)errors_before);
    if (heap_exact)
        probe_obs_int(p, "leaks.bytes", bytes_after - bytes_before);
    else
        probe_obs_null(p, "leaks.bytes"); /* unknown: not a leak */
    probe_obs_int(p, "leaks.tasks", rs.tasks);
    probe_obs_int(p, "leaks.groups", rs.groups);
    if (tracing)
        obs_set(p, "trace", trace_json(p, &log));
}

/* Whatever libtg, libuv and libc set up once per process happens here,
 * before the heap is measured. */
static tg_result warm_child(void *arg)
{
    (void)arg;
    tg_error *e = tg_sleep(1);
    tg_error_unref(e);
    return tg_return(NULL);
}

static tg_result warm_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    tg_spawn(g, warm_child, NULL);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    tg_error *x = tg_error_new(&TG_ValueError, "warm-up");
    tg_error_add_note(x, "note");
    free(tg_error_format(x));
    tg_error_unref(x);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void warm_up(void)
{
    tg_options opts = {.virtual_time = true, .seed = 0};
    tg_result r = tg_run(warm_main, NULL, &opts);
    tg_error_unref(r.error);
}

static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* A learner's exit() in the child: flush what it printed and leave with
 * its status at once, before anything else registered with atexit runs
 * (LeakSanitizer's check, under ASan, would turn exit(0) into exit(1)). */
static void child_on_exit(int status, void *arg)
{
    (void)arg;
    fflush(stdout);
    _exit(status);
}

/* The child's whole life: run the scenario, report, exit.  Never returns. */
static void child_main(const probe_scenario *sc, uint64_t seed, int report_fd)
{
    static char out_buf[4096];
    setvbuf(stdout, out_buf, _IOLBF, sizeof out_buf);
    on_exit(child_on_exit, NULL);
    json_set_alloc_funcs(arena_alloc, arena_free);

    static probe__state st;
    st.obs = json_object();
    probe_ctx p = {.scenario = sc->name, .seed = seed, .priv = &st};
    world_reset();
    warm_up();
    sc->run(&p);
    fflush(stdout);

    char *text = json_dumps(st.obs, JSON_COMPACT);
    bool ok = text && write_all(report_fd, text, strlen(text));
    close(report_fd);
    _exit(ok ? 0 : 4);
}

/* ==== the driver ========================================================= */

static int sigchld_pipe[2] = {-1, -1};

static void on_sigchld(int sig)
{
    (void)sig;
    int saved = errno;
    ssize_t n = write(sigchld_pipe[1], "x", 1);
    (void)n; /* a full pipe already says "a child changed state" */
    errno = saved;
}

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The child's output: its first and last OUTPUT_HALF bytes. */
typedef struct capture {
    char head[OUTPUT_HALF];
    char tail[OUTPUT_HALF]; /* a ring */
    size_t total;
} capture;

static void capture_add(capture *c, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++, c->total++) {
        if (c->total < OUTPUT_HALF)
            c->head[c->total] = buf[i];
        else
            c->tail[(c->total - OUTPUT_HALF) % OUTPUT_HALF] = buf[i];
    }
}

static json_t *capture_json(const capture *c)
{
    size_t cap = 2 * OUTPUT_HALF + 64;
    char *s = malloc(cap);
    if (!s)
        return json_string("");
    size_t len = 0;
    size_t head = c->total < OUTPUT_HALF ? c->total : OUTPUT_HALF;
    memcpy(s, c->head, head);
    len = head;
    if (c->total > OUTPUT_HALF) {
        size_t rest = c->total - OUTPUT_HALF; /* bytes after the head */
        size_t keep = rest < OUTPUT_HALF ? rest : OUTPUT_HALF;
        if (rest > OUTPUT_HALF)
            len += (size_t)snprintf(s + len, cap - len,
                                    "\n[... %zu bytes not shown ...]\n",
                                    rest - OUTPUT_HALF);
        size_t start = (rest - keep) % OUTPUT_HALF;
        for (size_t i = 0; i < keep; i++)
            s[len++] = c->tail[(start + i) % OUTPUT_HALF];
    }
    json_t *j = utf8_json(s, len, cap);
    free(s);
    return j ? j : json_string("");
}

/* Reads what fd has now.  Returns false at end of file or on error. */
static bool read_some(int fd, capture *out, char **rep, size_t *rep_len,
                      bool *rep_oversize)
{
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    if (out) {
        capture_add(out, buf, (size_t)n);
        return true;
    }
    if (*rep_len + (size_t)n > REPORT_CAP) {
        *rep_oversize = true;
        return true;
    }
    char *grown = realloc(*rep, *rep_len + (size_t)n + 1);
    if (!grown) {
        *rep_oversize = true;
        return true;
    }
    memcpy(grown + *rep_len, buf, (size_t)n);
    *rep = grown;
    *rep_len += (size_t)n;
    return true;
}

typedef struct run_result {
    const char *status;
    int signal, exit_code;
    capture output;
    json_t *obs; /* "ok" only */
} run_result;

static void kill_group(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

/* A run in flight: its child, the read ends of its two pipes, its clock. */
typedef struct slot {
    pid_t pid;          /* 0: the slot is free */
    size_t run;         /* which run (index into the command line's) */
    int out, rep;       /* the child's output and report; -1 at EOF */
    run_result *res;    /* where the outcome goes */
    char *report;       /* what came through the report pipe */
    size_t report_len;
    uint64_t deadline;  /* the run's wall clock runs out */
    uint64_t drain_end; /* once reaped: stop waiting for EOF */
    bool oversize, timed_out, exited;
    int wstatus;
} slot;

/* Forks the child of one run into the free slot s.  The child gets only
 * its own pipes: the read ends of the other runs in flight are closed,
 * so that no run can read (or, through /proc/self/fd, write) another
 * one's report. */
static void start_run(slot *s, slot *all, size_t nslots,
                      const probe_scenario *sc, uint64_t seed,
                      uint64_t timeout_ms, run_result *res)
{
    memset(res, 0, sizeof *res);
    *s = (slot){.res = res, .out = -1, .rep = -1};
    int out[2], rep[2];
    fflush(stdout);
    fflush(stderr);
    if (pipe2(out, O_CLOEXEC) != 0) {
        res->status = "bad-report";
        capture_add(&res->output, "probe: pipe failed\n", 19);
        return;
    }
    if (pipe2(rep, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        res->status = "bad-report";
        capture_add(&res->output, "probe: pipe failed\n", 19);
        return;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        const char *msg = "probe: could not start the run (fork failed)\n";
        close(out[0]);
        close(out[1]);
        close(rep[0]);
        close(rep[1]);
        res->status = "bad-report";
        capture_add(&res->output, msg, strlen(msg));
        return;
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(5);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        close(out[0]);
        close(out[1]);
        close(rep[0]);
        close(sigchld_pipe[0]);
        close(sigchld_pipe[1]);
        for (size_t i = 0; i < nslots; i++) {
            if (all[i].out >= 0)
                close(all[i].out);
            if (all[i].rep >= 0)
                close(all[i].rep);
        }
        child_main(sc, seed, rep[1]);
    }
    setpgid(pid, pid); /* also done by the child: whichever runs first */
    close(out[1]);
    close(rep[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(rep[0], F_SETFL, O_NONBLOCK);
    s->pid = pid;
    s->out = out[0];
    s->rep = rep[0];
    s->deadline = monotonic_ms() + timeout_ms;
}

/* Reads what one of s's pipes has now; closes it at end of file. */
static void slot_read(slot *s, int fd)
{
    bool open_;
    if (fd == s->out)
        open_ = read_some(fd, &s->res->output, NULL, NULL, NULL);
    else
        open_ = read_some(fd, NULL, &s->report, &s->report_len, &s->oversize);
    if (!open_) {
        close(fd);
        if (fd == s->out)
            s->out = -1;
        else
            s->rep = -1;
    }
}

/* Reaps s's child if it ended, or ends it when its time is up (or its
 * report overflowed); then gives it DRAIN_MS to close its pipes. */
static void slot_check(slot *s, uint64_t now)
{
    if (s->exited)
        return;
    if (waitpid(s->pid, &s->wstatus, WNOHANG) == s->pid) {
        s->exited = true;
    } else if (now >= s->deadline || s->oversize) {
        s->timed_out = !s->oversize;
        kill_group(s->pid);
        while (waitpid(s->pid, &s->wstatus, 0) < 0 && errno == EINTR)
            ;
        s->exited = true;
    }
    if (s->exited) {
        kill_group(s->pid); /* stragglers the child left behind */
        /* What it wrote just before it ended is still in the pipes. */
        s->drain_end = monotonic_ms() + DRAIN_MS;
    }
}

/* True once s's run is over: reaped, and its pipes at EOF or drained. */
static bool slot_over(const slot *s, uint64_t now)
{
    return s->exited &&
           ((s->out < 0 && s->rep < 0) || now >= s->drain_end);
}

/* Classifies what happened to s's run into its result; frees the slot. */
static void slot_finish(slot *s)
{
    run_result *res = s->res;
    if (s->out >= 0)
        close(s->out);
    if (s->rep >= 0)
        close(s->rep);
    if (s->timed_out) {
        res->status = "timeout";
    } else if (s->oversize) {
        const char *msg = "\nprobe: the run's report was too large\n";
        capture_add(&res->output, msg, strlen(msg));
        res->status = "bad-report";
    } else if (WIFSIGNALED(s->wstatus)) {
        res->status = "crashed";
        res->signal = WTERMSIG(s->wstatus);
    } else if (WIFEXITED(s->wstatus) && WEXITSTATUS(s->wstatus) != 0) {
        res->status = "crashed";
        res->exit_code = WEXITSTATUS(s->wstatus);
    } else {
        json_t *obs = NULL;
        if (s->report_len > 0)
            obs = json_loadb(s->report, s->report_len, 0, NULL);
        if (json_is_object(obs)) {
            res->status = "ok";
            res->obs = obs;
        } else {
            json_decref(obs);
            res->status = "bad-report";
        }
    }
    free(s->report);
    *s = (slot){.out = -1, .rep = -1};
}

/* Waits up to a second for any pipe of a run in flight, or a child's
 * end, or the next deadline, and reads what came. */
static void slots_wait(slot *slots, size_t n, uint64_t now)
{
    struct pollfd fds[1 + 2 * MAX_JOBS];
    slot *owner[1 + 2 * MAX_JOBS];
    nfds_t nfds = 0;
    uint64_t wait = 1000;
    fds[nfds] = (struct pollfd){.fd = sigchld_pipe[0], .events = POLLIN};
    owner[nfds++] = NULL;
    for (size_t i = 0; i < n; i++) {
        slot *s = &slots[i];
        if (!s->pid)
            continue;
        uint64_t until = s->exited ? s->drain_end : s->deadline;
        wait = until <= now ? 0 : until - now < wait ? until - now : wait;
        int fd[2] = {s->out, s->rep};
        for (int k = 0; k < 2; k++)
            if (fd[k] >= 0) {
                fds[nfds] = (struct pollfd){.fd = fd[k], .events = POLLIN};
                owner[nfds++] = s;
            }
    }
    if (poll(fds, nfds, (int)wait) <= 0)
        return;
    for (nfds_t i = 0; i < nfds; i++) {
        if (!fds[i].revents)
            continue;
        if (!owner[i]) {
            char drain[64];
            while (read(sigchld_pipe[0], drain, sizeof drain) > 0)
                ;
        } else {
            slot_read(owner[i], fds[i].fd);
        }
    }
}

static void write_frame(const probe_scenario *sc, uint64_t seed,
                        uint64_t timeout_ms, run_result *res)
{
    json_t *f = json_object();
    json_object_set_new(f, "scenario", json_string(sc->name));
    json_object_set_new(f, "seed", json_integer((json_int_t)seed));
    json_object_set_new(f, "status", json_string(res->status));
    json_object_set_new(f, "signal", json_integer(res->signal));
    json_object_set_new(f, "exit", json_integer(res->exit_code));
    json_object_set_new(f, "timeout_ms", json_integer((json_int_t)timeout_ms));
    json_object_set_new(f, "stderr", capture_json(&res->output));
    json_object_set_new(f, "obs", res->obs ? res->obs : json_null());
    res->obs = NULL;
    char *text = json_dumps(f, JSON_COMPACT);
    json_decref(f);
    printf("@@tglab-frame-begin %s:%" PRIu64 "@@\n%s\n@@tglab-frame-end@@\n",
           sc->name, seed, text ? text : "null");
    fflush(stdout);
    free(text);
}

/* ==== main =============================================================== */

typedef struct run_spec {
    const probe_scenario *sc;
    uint64_t seed;
} run_spec;

static void usage(FILE *to)
{
    fputs("usage: probe --run SCENARIO:SEED [--run SCENARIO:SEED ...] "
          "[--timeout-ms N] [--jobs N]\n"
          "             [--no-trace]\n"
          "       probe --list\n"
          "Runs each scenario in a child process of its own, N at once "
          "(default 1), and\nwrites one frame per run on stdout, in the "
          "order of the runs (see\ndocs/grading.md).  --no-trace leaves "
          "out obs.trace.\n",
          to);
}

static const probe_scenario *find_scenario(const char *name, size_t len)
{
    for (const probe_scenario *sc = PROBE_SCENARIOS; sc->name; sc++)
        if (strlen(sc->name) == len && strncmp(sc->name, name, len) == 0)
            return sc;
    return NULL;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

#define NO_TCACHE "glibc.malloc.tcache_count=0"

/*
 * Makes heap accounting exact: re-executes the probe with glibc's tcache
 * turned off (a tunable read only at start-up), once.  When that is not
 * possible the probe carries on and reports leaked bytes as unknown.
 */
static void exec_without_tcache(char **argv)
{
#ifdef PROBE_ASAN
    (void)argv;
    heap_exact = true; /* ASan counts exactly, with no cache in the way */
#else
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (tunables && strstr(tunables, NO_TCACHE)) {
        heap_exact = true;
        return;
    }
    char value[2048];
    int n = snprintf(value, sizeof value, "%s%s%s", tunables ? tunables : "",
                     tunables ? ":" : "", NO_TCACHE);
    if (n < 0 || (size_t)n >= sizeof value ||
        setenv("GLIBC_TUNABLES", value, 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    if (strchr(argv[0], '/'))
        execv(argv[0], argv);
    /* Still here: carry on with the cache, and say so in the frames. */
    if (tunables)
        setenv("GLIBC_TUNABLES", tunables, 1);
    else
        unsetenv("GLIBC_TUNABLES");
#endif
}

static void list_scenarios(void)
{
    json_t *names = json_array();
    for (const probe_scenario *sc = PROBE_SCENARIOS; sc->name; sc++)
        json_array_append_new(names, json_string(sc->name));
    json_t *doc = json_pack("{s:o}", "scenarios", names);
    char *text = json_dumps(doc, JSON_COMPACT);
    puts(text ? text : "{}");
    free(text);
    json_decref(doc);
}

/*
 * Reads the command line into runs (room for argc entries) and
 * *timeout_ms.  Returns -1 to go on running, or the exit status to leave
 * with (0 after --help or --list, 2 for a usage error).
 */
static int parse_args(int argc, char **argv, run_spec *runs, size_t *nruns,
                      uint64_t *timeout_ms, size_t *jobs)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--list") == 0) {
            list_scenarios();
            return 0;
        }
        if (strcmp(a, "--no-trace") == 0) {
            tracing = false;
            continue;
        }
        if ((strcmp(a, "--run") == 0 || strcmp(a, "--timeout-ms") == 0 ||
             strcmp(a, "--jobs") == 0) &&
            i + 1 >= argc) {
            fprintf(stderr, "probe: %s needs a value\n", a);
            usage(stderr);
            return 2;
        }
        uint64_t n;
        if (strcmp(a, "--jobs") == 0) {
            if (!parse_u64(argv[++i], &n) || n == 0 || n > MAX_JOBS) {
                fprintf(stderr, "probe: bad --jobs '%s' (1 to %d)\n",
                        argv[i], MAX_JOBS);
                return 2;
            }
            *jobs = (size_t)n;
        } else if (strcmp(a, "--timeout-ms") == 0) {
            if (!parse_u64(argv[++i], timeout_ms) || *timeout_ms == 0 ||
                *timeout_ms > 3600000) {
                fprintf(stderr, "probe: bad --timeout-ms '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--run") == 0) {
            const char *spec = argv[++i];
            const char *colon = strrchr(spec, ':');
            if (!colon || !parse_u64(colon + 1, &runs[*nruns].seed)) {
                fprintf(stderr, "probe: bad --run '%s' (want SCENARIO:SEED)\n",
                        spec);
                return 2;
            }
            runs[*nruns].sc = find_scenario(spec, (size_t)(colon - spec));
            if (!runs[*nruns].sc) {
                fprintf(stderr, "probe: no scenario named '%.*s'\n",
                        (int)(colon - spec), spec);
                return 2;
            }
            (*nruns)++;
        } else {
            fprintf(stderr, "probe: unknown argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (*nruns == 0) {
        usage(stderr);
        return 2;
    }
    return -1;
}

int main(int argc, char **argv)
{
    exec_without_tcache(argv);
    size_t nruns = 0, jobs = 1;
    uint64_t timeout_ms = DEFAULT_TIMEOUT_MS;
    run_spec *runs = calloc((size_t)argc, sizeof *runs);
    if (!runs)
        return 3;
    int status = parse_args(argc, argv, runs, &nruns, &timeout_ms, &jobs);
    if (status >= 0) {
        free(runs);
        return status;
    }
    run_result *results = calloc(nruns, sizeof *results);
    bool *done = calloc(nruns, sizeof *done);
    if (!results || !done) {
        free(runs);
        free(results);
        free(done);
        return 3;
    }

    /* Children run as the same user: keep them out of this process's
     * memory and file descriptors (/proc/<pid>/mem, /proc/<pid>/fd). */
    prctl(PR_SET_DUMPABLE, 0);
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        perror("probe: pipe");
        free(runs);
        return 3;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);

    /* Runs start in order as slots free up; frames go out in the same
     * order, each once every run before it is written. */
    slot slots[MAX_JOBS];
    for (size_t i = 0; i < jobs; i++)
        slots[i] = (slot){.out = -1, .rep = -1};
    size_t next = 0, written = 0;
    while (written < nruns) {
        for (size_t i = 0; i < jobs; i++)
            while (!slots[i].pid && next < nruns) {
                size_t r = next++;
                start_run(&slots[i], slots, jobs, runs[r].sc, runs[r].seed,
                          timeout_ms, &results[r]);
                slots[i].run = r;
                done[r] = !slots[i].pid; /* it could not start */
            }
        uint64_t now = monotonic_ms();
        bool finished = false;
        for (size_t i = 0; i < jobs; i++) {
            if (!slots[i].pid)
                continue;
            slot_check(&slots[i], now);
            if (slot_over(&slots[i], now)) {
                done[slots[i].run] = true;
                slot_finish(&slots[i]);
                finished = true;
            }
        }
        for (; written < nruns && done[written]; written++)
            write_frame(runs[written].sc, runs[written].seed, timeout_ms,
                        &results[written]);
        if (!finished && written < nruns)
            slots_wait(slots, jobs, now);
    }
    free(results);
    free(done);
    free(runs);
    return 0;
}
