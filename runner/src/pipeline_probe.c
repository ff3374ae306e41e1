/*
 * pipeline_probe.c -- the probe stage: run the linked probe in the
 * sandbox, read-only, once for every (scenario, seed) pair the checks
 * need, and turn its stdout into exactly one well-formed frame per run.
 *
 * The probe's output is untrusted (it is a program linked with the
 * learner's code), so every frame is size-capped, depth-checked, parsed
 * with jansson and validated: its marker must name a run we asked for,
 * once; its JSON must carry the same scenario and seed, a known status
 * and observations of the right shape.  A run with no such frame -- the
 * probe crashed, was killed, printed garbage, or sent two frames for it --
 * gets a synthesized "bad-report" (or "timeout") frame saying so: that
 * run's failure, never the whole check's.  The frames handed to the
 * checker are re-serialised by us, one compact line each, so nothing the
 * probe printed reaches the checker except through this validation.
 *
 * With opts->jobs > 1 the probe runs that many at once (in one sandbox):
 * hangs then time out side by side instead of one after the other.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "pipeline_internal.h"

#define PROBE_OUT_CAP (32u << 20)
#define FRAME_CAP (16u << 20)
#define FRAME_DEPTH 256
#define STDERR_TAIL 1500
#define BEGIN "@@tglab-frame-begin "
#define END "@@tglab-frame-end@@"

static uint64_t run_timeout(const pipeline__ctx *c)
{
    uint64_t t = c->opts->run_timeout_ms ? c->opts->run_timeout_ms
                                         : PIPELINE_RUN_TIMEOUT_MS;
    if (c->opts->sanitizers && !c->opts->run_timeout_ms)
        t *= 3;
    return t;
}

static const char *status_name(pipeline_run_status s)
{
    switch (s) {
    case PIPELINE_RUN_OK:
        return "ok";
    case PIPELINE_RUN_CRASHED:
        return "crashed";
    case PIPELINE_RUN_TIMEOUT:
        return "timeout";
    case PIPELINE_RUN_BAD_REPORT:
        break;
    }
    return "bad-report";
}

static bool status_of(const char *s, pipeline_run_status *out)
{
    static const pipeline_run_status all[] = {
        PIPELINE_RUN_OK, PIPELINE_RUN_CRASHED, PIPELINE_RUN_TIMEOUT,
        PIPELINE_RUN_BAD_REPORT};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(s, status_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

/* The last lines of what the learner's code printed, cleaned. */
static char *tail_of(const char *s)
{
    if (!s || !*s)
        return NULL;
    size_t len = strlen(s);
    size_t start = len > STDERR_TAIL ? len - STDERR_TAIL : 0;
    while (start > 0 && start < len && ((unsigned char)s[start] & 0xc0) == 0x80)
        start++;
    return pipeline__clean(s + start, len - start, STDERR_TAIL + 100, true);
}

/* ---- the run's trace -------------------------------------------------- */

/* The kinds the probe records and the TUI reads (tui_ev_kind_parse). */
static bool trace_kind_known(const char *k)
{
    static const char *const kinds[] = {
        "spawn",  "start",      "suspend",       "resume",
        "cancel", "cancelled",  "return",        "raise",
        "abort",  "group_done", "spawn_refused",
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(k, kinds[i]) == 0)
            return true;
    return false;
}

/* A non-negative integer field (absent: 0); false when it is something
 * else. */
static bool trace_uint(json_t *o, const char *key, json_int_t *out)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = json_integer_value(v);
    return true;
}

/* Sets key to the cleaned string field of o (absent or null: nothing).
 * 0, or -1 when it is not a string, -2 on OOM. */
static int trace_str(json_t *dst, const char *key, json_t *o, const char *field,
                     size_t cap, size_t *bytes)
{
    json_t *v = json_object_get(o, field);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return -1;
    char *c = pipeline__clean(json_string_value(v), json_string_length(v), cap,
                              false);
    if (!c)
        return -2;
    *bytes += strlen(c) + strlen(key) + 6;
    int rc = json_object_set_new(dst, key, json_string(c)) ? -2 : 0;
    free(c);
    return rc;
}

char *pipeline__trace_clean(const void *trace, const char *scenario,
                            uint64_t seed)
{
    json_t *tr = (json_t *)trace;
    json_t *events = json_object_get(tr, "events");
    if (!json_is_object(tr) || !json_is_array(events))
        return NULL;
    json_t *out =
        json_pack("{s:s, s:I}", "scenario", scenario, "seed", (json_int_t)seed);
    json_t *list = json_array();
    if (!out || !list || json_object_set(out, "events", list)) {
        json_decref(out);
        json_decref(list);
        return NULL;
    }
    bool truncated = json_is_true(json_object_get(tr, "truncated"));
    size_t bytes = 64, i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        if (json_array_size(list) >= PIPELINE__TRACE_EVENTS ||
            bytes > PIPELINE__TRACE_BYTES) {
            truncated = true;
            break;
        }
        const char *kind = json_string_value(json_object_get(e, "kind"));
        json_int_t t, task, peer;
        json_t *er = json_object_get(e, "error");
        if (!json_is_object(e) || !kind || !trace_uint(e, "t", &t) ||
            !trace_uint(e, "task", &task) || !trace_uint(e, "peer", &peer) ||
            (er && !json_is_null(er) && !json_is_object(er)))
            goto refuse;
        if (!trace_kind_known(kind))
            continue; /* a newer probe's event: not ours to show */
        json_t *o = json_pack("{s:I, s:I}", "t", t, "task", task);
        if (!o ||
            (peer && json_object_set_new(o, "peer", json_integer(peer))) ||
            json_object_set_new(o, "kind", json_string(kind)) ||
            json_array_append_new(list, o))
            goto refuse;
        bytes += 48 + strlen(kind);
        int rc = trace_str(o, "name", e, "name", PIPELINE__TRACE_NAME, &bytes);
        if (!rc && json_is_object(er)) {
            json_t *oe = json_object();
            if (!oe || json_object_set_new(o, "error", oe))
                goto refuse;
            rc =
                trace_str(oe, "type", er, "type", PIPELINE__TRACE_NAME, &bytes);
            if (!rc)
                rc = trace_str(oe, "message", er, "message",
                               PIPELINE__TRACE_MESSAGE, &bytes);
        }
        if (!rc)
            rc = trace_str(o, "detail", e, "detail", PIPELINE__TRACE_NAME,
                           &bytes);
        if (rc)
            goto refuse;
    }
    if (truncated && json_object_set_new(out, "truncated", json_true()))
        goto refuse;
    json_decref(list);
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return text;
refuse:
    json_decref(list);
    json_decref(out);
    return NULL;
}

/* Validates one frame's JSON against its run; true when it is usable. */
static bool accept_frame(pipeline__run *run, json_t *f)
{
    if (!json_is_object(f))
        return false;
    const char *scenario = json_string_value(json_object_get(f, "scenario"));
    json_t *seed = json_object_get(f, "seed");
    const char *status = json_string_value(json_object_get(f, "status"));
    json_t *sig = json_object_get(f, "signal");
    json_t *ex = json_object_get(f, "exit");
    json_t *err = json_object_get(f, "stderr");
    json_t *obs = json_object_get(f, "obs");
    pipeline_run_status st;
    if (!scenario || strcmp(scenario, run->scenario) != 0 ||
        !json_is_integer(seed) ||
        (uint64_t)json_integer_value(seed) != run->seed || !status ||
        !status_of(status, &st) || (sig && !json_is_integer(sig)) ||
        (ex && !json_is_integer(ex)) || (err && !json_is_string(err)) || !obs ||
        !(json_is_object(obs) || json_is_null(obs)) ||
        (st == PIPELINE_RUN_OK && !json_is_object(obs)))
        return false;
    /* The trace is the runner's (the Timeline), not the checker's: it is
     * taken out of obs, validated, cleaned and kept on the run. */
    free(run->trace);
    run->trace = NULL;
    json_t *trace = json_is_object(obs) ? json_object_get(obs, "trace") : NULL;
    if (trace) {
        run->trace = pipeline__trace_clean(trace, run->scenario, run->seed);
        json_object_del(obs, "trace");
    }
    run->status = st;
    run->signal = sig ? (int)json_integer_value(sig) : 0;
    run->exit_code = ex ? (int)json_integer_value(ex) : 0;
    free(run->stderr_tail);
    run->stderr_tail = tail_of(json_string_value(err));
    json_incref(f);
    run->frame = f;
    return true;
}

static pipeline__run *find_run(pipeline__run *runs, size_t n,
                               const char *scenario, size_t slen, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (runs[i].seed == seed && strlen(runs[i].scenario) == slen &&
            memcmp(runs[i].scenario, scenario, slen) == 0)
            return &runs[i];
    return NULL;
}

/* A frame for a run that sent none we could use. */
static tg_error *synthesize(pipeline__run *run, pipeline_run_status st,
                            const char *note)
{
    json_t *f =
        /* "note" says why, in the checker's message (checks/lib). */
        json_pack("{s:s, s:I, s:s, s:i, s:i, s:s, s:n, s:s}", "scenario",
                  run->scenario, "seed", (json_int_t)run->seed, "status",
                  status_name(st), "signal", 0, "exit", 0, "stderr", "", "obs",
                  "note", note ? note : "");
    if (!f)
        return pipeline__fail("out of memory");
    json_decref(run->frame);
    run->frame = f;
    free(run->trace);
    run->trace = NULL;
    run->status = st;
    run->signal = 0;
    run->exit_code = 0;
    free(run->note);
    run->note = note ? strdup(note) : NULL;
    return NULL;
}

tg_error *pipeline__frames_parse(const char *out, size_t len, bool truncated,
                                 const char *ended, pipeline__run *runs,
                                 size_t nruns)
{
    bool *bad = calloc(nruns ? nruns : 1, sizeof *bad);
    if (!bad)
        return pipeline__fail("out of memory");
    const char *end = out + len;
    for (const char *p = out; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *line = p;
        p = nl ? nl + 1 : end;
        size_t bl = strlen(BEGIN);
        if (n < bl + 3 || memcmp(line, BEGIN, bl) != 0 ||
            memcmp(line + n - 2, "@@", 2) != 0)
            continue;
        /* "<scenario>:<seed>" between the markers. */
        const char *spec = line + bl;
        size_t speclen = n - bl - 2;
        const char *colon = NULL;
        for (size_t i = speclen; i-- > 0;)
            if (spec[i] == ':') {
                colon = spec + i;
                break;
            }
        if (!colon)
            continue;
        uint64_t seed = 0;
        bool digits = colon + 1 < spec + speclen;
        for (const char *d = colon + 1; d < spec + speclen; d++) {
            if (*d < '0' || *d > '9' || seed > UINT64_MAX / 10 - 1) {
                digits = false;
                break;
            }
            seed = seed * 10 + (uint64_t)(*d - '0');
        }
        pipeline__run *run =
            digits ? find_run(runs, nruns, spec, (size_t)(colon - spec), seed)
                   : NULL;
        /* The body runs to the end marker; a new begin marker first means
         * this frame was cut short. */
        const char *body = p, *body_end = NULL, *next = end;
        for (const char *q = p; q < end;) {
            const char *qn = memchr(q, '\n', (size_t)(end - q));
            size_t qlen = qn ? (size_t)(qn - q) : (size_t)(end - q);
            if (qlen == strlen(END) && memcmp(q, END, qlen) == 0) {
                body_end = q;
                next = qn ? qn + 1 : end;
                break;
            }
            if (qlen >= bl && memcmp(q, BEGIN, bl) == 0) {
                next = q;
                break;
            }
            q = qn ? qn + 1 : end;
        }
        p = next;
        if (!run)
            continue; /* a run we did not ask for: ignored */
        size_t ri = (size_t)(run - runs);
        if (run->frame || bad[ri]) {
            /* Two frames for one run: trust neither. */
            json_decref(run->frame);
            run->frame = NULL;
            bad[ri] = true;
            continue;
        }
        if (!body_end || (size_t)(body_end - body) > FRAME_CAP ||
            !pipeline__json_depth_ok(body, (size_t)(body_end - body),
                                     FRAME_DEPTH)) {
            bad[ri] = true;
            continue;
        }
        json_t *f = json_loadb(body, (size_t)(body_end - body), 0, NULL);
        if (!accept_frame(run, f))
            bad[ri] = true;
        json_decref(f);
    }
    tg_error *e = NULL;
    for (size_t i = 0; i < nruns && !e; i++) {
        if (runs[i].frame && !bad[i])
            continue;
        char note[400];
        if (bad[i])
            snprintf(note, sizeof note,
                     "the probe's report for this run was malformed");
        else if (truncated)
            snprintf(note, sizeof note,
                     "the probe's reports were too large and were cut off");
        else
            snprintf(note, sizeof note,
                     "the probe gave no report for this "
                     "run (%s)",
                     ended ? ended : "it stopped early");
        pipeline_run_status st = ended && strstr(ended, "time")
                                     ? PIPELINE_RUN_TIMEOUT
                                     : PIPELINE_RUN_BAD_REPORT;
        if (bad[i] || truncated)
            st = PIPELINE_RUN_BAD_REPORT;
        e = synthesize(&runs[i], st, note);
    }
    free(bad);
    return e;
}

/* ---- running ---------------------------------------------------------- */

/*
 * The probe's sandbox starts while the learner's file is still being
 * built, so that its set-up (10-15 ms) is off the critical path.  It
 * waits at a gate, a FIFO in the box, for one line: "go" and the driver's
 * arguments (its runs), or anything else to leave without running
 * anything.  The gate is opened read-write by us, so the line waits in the
 * pipe whether or not the sandbox is reading yet, and nobody blocks; it is
 * closed once the sandbox has ended.  The box is bound read-only into the
 * sandbox from the start: it sees the probe the build links, and can
 * change nothing.  Nothing of the submission runs before "go", which is
 * sent only once the symbol check has passed.
 *
 * One sandbox runs every run: with opts->jobs > 1 the driver keeps that
 * many runs going at once (--jobs), so hangs time out side by side, and a
 * second or third sandbox -- another 10-15 ms of CPU, spent while the
 * compiler wants it -- is not needed.  The environment turns glibc's
 * tcache off, as the driver wants for exact heap accounting, so that it
 * need not execute itself again to get it.
 */
static const char gate_script[] =
    "read -r -a args < \"$1\" || exit 0\n"
    "export GLIBC_TUNABLES=glibc.malloc.tcache_count=0\n"
    "case \"${args[0]-}\" in\n"
    "go) exec ./probe \"${args[@]:1}\" ;;\n"
    /* The quick link: the probe program, given the learner's library by
     * its full path (no search path: nothing else in the box is loaded;
     * the program's liblearner.so is the one preloaded, by soname). */
    "go-lib) LD_PRELOAD=\"$PWD/" PIPELINE__LIB_DIR "/" PIPELINE__LEARNER_SO
    "\" exec \"$2\" \"${args[@]:1}\" ;;\n"
    "esac\n";

#define GATE_RUN_LINE (64u << 10)

/* Runs at once in the probe: the driver's own cap. */
#define MAX_JOBS 16

static size_t jobs_of(const pipeline__ctx *c)
{
    size_t j = c->opts->jobs > 1 ? c->opts->jobs : 1;
    return j < MAX_JOBS ? j : MAX_JOBS;
}

/* Every exit of the probe's task lets the watchdog go. */
static tg_result probe_done(pipeline__ctx *c, tg_result r)
{
    c->probe_running = false;
    if (c->watchdog)
        tg_task_cancel(c->watchdog);
    return r;
}

static tg_result run_probe_body(pipeline__ctx *c);

static tg_result run_probe(void *arg)
{
    pipeline__ctx *c = arg;
    return probe_done(c, run_probe_body(c));
}

static tg_result run_probe_body(pipeline__ctx *c)
{
    /* $2: where the quick link's probe program is ("" without one). */
    const char *program =
        c->dynamic ? c->inside[PIPELINE__B_PROBE_EXE] : "";
    const char *const cmd[] = {"bash", "-c",    gate_script,
                               "probe", ".gate", program,
                               NULL};
    uint64_t timeout = run_timeout(c);

    sandbox_spec spec;
    pipeline__spec(c, &spec, true);
    sandbox_bind bind = {c->host[PIPELINE__B_PROBE_EXE], program};
    if (c->dynamic && c->caps.bwrap_ok) {
        spec.ro_binds = &bind;
        spec.n_ro_binds = 1;
    }
    /* The driver keeps each run's clock itself; the sandbox's clock is a
     * backstop for the wait at the gate (a build) and every run. */
    uint64_t build_wall = spec.wall_ms;
    spec.wall_ms = build_wall + PIPELINE__MAX_RUNS * (timeout + 500) + 3000;
    spec.output_cap = PROBE_OUT_CAP;
    if (c->opts->sanitizers) {
        spec.sanitizers = true;
        spec.asan_reserve = c->asan_reserve;
    }
    tg_process_result pr;
    tg_error *e = pipeline__sandboxed(c, &spec, cmd, PROBE_OUT_CAP, &pr);
    if (e && c->deadline_hit && c->probe_nruns && pipeline__is_cancel(e)) {
        /* The watchdog stopped it: every run ran out of time, whatever
         * the driver was doing (stopped, wedged); its output is lost. */
        char ended[160];
        snprintf(ended, sizeof ended,
                 "the probe was stopped after %llu ms: out of time",
                 (unsigned long long)c->probe_deadline_ms);
        tg_error_unref(e);
        e = pipeline__frames_parse("", 0, false, ended, c->runs,
                                   c->probe_nruns);
        return e ? tg_raise(e) : tg_return(NULL);
    }
    if (e)
        return tg_raise(e);
    if (c->probe_nruns == 0) { /* told to leave: nothing to read */
        tg_process_result_free(&pr);
        return tg_return(NULL);
    }
    char ended[200];
    bool timed_out = sandbox_timed_out(pr.exit_status, pr.timed_out);
    if (timed_out)
        snprintf(ended, sizeof ended,
                 "the probe was stopped after %llu ms: out of time",
                 (unsigned long long)spec.wall_ms);
    else if (pr.term_signal)
        snprintf(ended, sizeof ended, "the probe was killed by %s",
                 pipeline__signal_name(pr.term_signal)
                     ? pipeline__signal_name(pr.term_signal)
                     : "a signal");
    else if (pr.exit_status > 128 && pr.exit_status < 128 + 65)
        snprintf(ended, sizeof ended, "the probe was killed by %s",
                 pipeline__signal_name(pr.exit_status - 128)
                     ? pipeline__signal_name(pr.exit_status - 128)
                     : "a signal");
    else
        snprintf(ended, sizeof ended, "the probe exited with status %d",
                 pr.exit_status);
    /* Usage errors (exit 2, nothing written) mean the probe and the
     * checker disagree on the scenarios: the lab's problem, not the
     * learner's. */
    if (pr.exit_status == 2 && pr.out_len == 0 && !timed_out) {
        const char *nl = strchr(pr.err, '\n');
        int n = nl ? (int)(nl - pr.err) : (int)strlen(pr.err);
        e = pipeline__fail("the probe of %s refused its arguments: %.*s "
                           "(run 'lab dev check')",
                           c->ex->id, n > 300 ? 300 : n, pr.err);
        tg_process_result_free(&pr);
        return tg_raise(e);
    }
    e = pipeline__frames_parse(pr.out, pr.out_len, pr.out_truncated, ended,
                               c->runs, c->probe_nruns);
    tg_process_result_free(&pr);
    return e ? tg_raise(e) : tg_return(NULL);
}

tg_error *pipeline__probe_prepare(pipeline__ctx *c)
{
    char path[PATH_MAX + 32];
    if (!pipeline__fmt(path, sizeof path, "%s/.gate", c->box) ||
        mkfifo(path, 0644) != 0)
        return pipeline__fail("cannot create %s: %s", path, strerror(errno));
    int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return pipeline__fail("cannot open %s: %s", path, strerror(errno));
    /* Room for the longest run list: the write never blocks. */
    fcntl(fd, F_SETPIPE_SZ, (int)GATE_RUN_LINE * 2);
    c->gate = fd;
    return NULL;
}

tg_error *pipeline__probe_start(pipeline__ctx *c, tg_group *g)
{
    if (!(c->probe = tg_spawn(g, run_probe, c)))
        return pipeline__fail("out of memory");
    c->probe_running = true;
    return NULL;
}

static tg_result watchdog(void *arg)
{
    pipeline__ctx *c = arg;
    tg_error *e = tg_sleep(c->probe_deadline_ms);
    if (e) { /* the probe finished in time */
        tg_error_unref(e);
        return tg_return(NULL);
    }
    c->deadline_hit = true;
    pipeline__probe_cancel(c);
    return tg_return(NULL);
}

tg_error *pipeline__probe_watch(pipeline__ctx *c, tg_group *g)
{
    if (c->probe_nruns == 0 || !c->probe_running)
        return NULL;
    /* The driver gives each run run_timeout, jobs at a time; a run that
     * overruns is its own failure.  Past this, the driver itself is not
     * doing its job. */
    size_t rounds = (c->probe_nruns + jobs_of(c) - 1) / jobs_of(c);
    c->probe_deadline_ms = rounds * (run_timeout(c) + 500) + 3000;
    c->watchdog = tg_spawn(g, watchdog, c);
    return c->watchdog ? NULL : pipeline__fail("out of memory");
}

void pipeline__probe_cancel(pipeline__ctx *c)
{
    if (c->probe)
        tg_task_cancel(c->probe);
}


tg_error *pipeline__probe_release(pipeline__ctx *c, bool go)
{
    tg_error *e = NULL;
    if (go) {
        /* Every scenario the checks need (once, in list order) x every
         * seed. */
        size_t nseeds = c->res->nseeds;
        c->runs = calloc(c->nlisted * nseeds + 1, sizeof *c->runs);
        if (!c->runs) {
            e = pipeline__fail("out of memory");
            go = false;
        }
        for (size_t i = 0; go && i < c->nlisted; i++) {
            bool dup = false;
            for (size_t j = 0; j < i; j++)
                if (strcmp(c->listed[j].scenario, c->listed[i].scenario) == 0)
                    dup = true;
            for (size_t s = 0; !dup && s < nseeds; s++)
                c->runs[c->nruns++] =
                    (pipeline__run){.scenario = c->listed[i].scenario,
                                    .seed = c->res->seeds[s]};
        }
        if (go && c->nruns > PIPELINE__MAX_RUNS) {
            e = pipeline__fail("too many probe runs (%zu) for one probe "
                               "process",
                               c->nruns);
            go = false;
        }
    }
    pipeline__buf b = {0};
    if (go && c->nruns) {
        /* The build decided how the program was linked (c->dynamic may
         * have turned false there). */
        pipeline__buf_puts(&b, c->dynamic ? "go-lib" : "go");
        for (size_t k = 0; k < c->nruns; k++)
            pipeline__buf_printf(&b, " --run %s:%llu", c->runs[k].scenario,
                                 (unsigned long long)c->runs[k].seed);
        pipeline__buf_printf(&b, " --timeout-ms %llu",
                             (unsigned long long)run_timeout(c));
        /* Only when asked: a --checks directory may bring its own,
         * older driver. */
        if (jobs_of(c) > 1)
            pipeline__buf_printf(&b, " --jobs %zu", jobs_of(c));
        if (!c->opts->traces)
            pipeline__buf_puts(&b, " --no-trace");
        pipeline__buf_puts(&b, "\n");
        c->probe_nruns = c->nruns;
    } else {
        pipeline__buf_puts(&b, "no\n");
    }
    if (c->gate >= 0 &&
        (b.oom || b.len > GATE_RUN_LINE || !write_all(c->gate, b.s, b.len))) {
        if (!e)
            e = pipeline__fail("cannot send the probe its runs");
        c->probe_nruns = 0;
        /* A gate that cannot be written is closed: EOF ends it. */
        close(c->gate);
        c->gate = -1;
    }
    pipeline__buf_free(&b);
    return e;
}

void pipeline__probe_close(pipeline__ctx *c)
{
    if (c->gate >= 0)
        close(c->gate);
    c->gate = -1;
    c->probe = NULL;
}

void pipeline__runs_free(pipeline__ctx *c)
{
    for (size_t i = 0; i < c->nruns; i++) {
        free(c->runs[i].stderr_tail);
        free(c->runs[i].note);
        free(c->runs[i].trace);
        json_decref(c->runs[i].frame);
    }
    free(c->runs);
    c->runs = NULL;
    c->nruns = 0;
    for (size_t i = 0; i < c->nlisted; i++) {
        free(c->listed[i].name);
        free(c->listed[i].scenario);
    }
    free(c->listed);
    c->listed = NULL;
    c->nlisted = 0;
}
