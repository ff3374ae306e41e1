/*
 * pipeline.c -- the check pipeline's orchestration: where everything is,
 * the private work directory, and the order of the stages, as libtg tasks.
 *
 *   input ──> { build (sandbox: compile, readelf ∥ link) ∥ checker --list }
 *         ──> probe (sandbox, read-only; jobs runs at once)
 *         ──> checker --reports ──> merge with the manifest
 *
 * The braces are a task group: the build and the listing of the checks
 * run side by side, and an internal failure of either cancels the other
 * (its processes are killed) -- the semantics the lessons teach, used for
 * real.  A batch (pipeline_check_batch) is a task group of workers, each
 * a wrapped job that records its outcome instead of raising, so one bad
 * submission never stops a class's grading.
 *
 * The learner's file is read once (pipeline_input.c) and copied into a
 * fresh private directory: TMP/lab-check.XXXXXX/ (0700) holds box/, the
 * sandbox's /work, and nothing else; it is removed on every path out,
 * including cancellation.
 */
#include <dirent.h>
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
#include "sandbox_files.h"

/* Pipeline tasks parse JSON (jansson recurses) and keep PATH_MAX buffers:
 * give them room. */
#define TASK_STACK (1u << 20)

const uint64_t PIPELINE_SEEDS_DEFAULT[3] = {1, 2, 3};
const uint64_t PIPELINE_SEEDS_THOROUGH[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

void pipeline_opts_init(pipeline_opts *o, const char *root, sandbox_mode mode)
{
    *o = (pipeline_opts){
        .root = root,
        .mode = mode,
        .seeds = PIPELINE_SEEDS_DEFAULT,
        .nseeds = 3,
        .jobs = 1,
        .traces = true,
    };
}

const char *pipeline_stage_name(pipeline_stage s)
{
    static const char *const names[PIPELINE_NSTAGES] = {
        "input", "compile", "symbols", "link", "probe", "verdict"};
    return (unsigned)s < PIPELINE_NSTAGES ? names[s] : "?";
}

pipeline_msg *pipeline__msg_add(pipeline_result *r, pipeline_stage stage,
                                pipeline_severity sev, const char *code,
                                const char *text, const char *explain)
{
    pipeline_msg *nm = realloc(r->msgs, (r->nmsgs + 1) * sizeof *nm);
    if (!nm)
        return NULL;
    r->msgs = nm;
    pipeline_msg *m = &r->msgs[r->nmsgs];
    *m = (pipeline_msg){.stage = stage, .severity = sev};
    m->code = strdup(code);
    m->text = pipeline__clean_str(text, 4000);
    m->explain = pipeline__clean_str(explain, 4000);
    if (!m->code || !m->text || (explain && !m->explain)) {
        free(m->code);
        free(m->text);
        free(m->explain);
        return NULL;
    }
    r->nmsgs++;
    return m;
}

void pipeline_result_free(pipeline_result *r)
{
    if (!r)
        return;
    free(r->exercise);
    free(r->file);
    for (size_t i = 0; i < r->nmsgs; i++) {
        pipeline_msg *m = &r->msgs[i];
        free(m->code);
        free(m->file);
        free(m->text);
        free(m->explain);
        free(m->source);
        free(m->symbol);
    }
    free(r->msgs);
    for (size_t i = 0; i < r->nchecks; i++) {
        pipeline_check_result *c = &r->checks[i];
        free(c->name);
        free(c->scenario);
        free(c->hint_text);
        free(c->message);
        free(c->crash);
        free(c->where);
        free(c->output);
        free(c->reproduce);
        free(c->trace_json);
        for (size_t s = 0; s < c->nseeds; s++)
            free(c->seeds[s].message);
        free(c->seeds);
    }
    free(r->checks);
    free(r->seeds);
    memset(r, 0, sizeof *r);
}

/* ---- where things are ------------------------------------------------- */

static bool safe_component(const char *s)
{
    if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
            return false;
    return true;
}

/* realpath of a/b into out; false when it does not exist. */
static bool locate(const char *a, const char *b, char *out)
{
    char path[PATH_MAX * 2];
    return pipeline__fmt(path, sizeof path, "%s%s%s", a, b ? "/" : "",
                         b ? b : "") &&
           realpath(path, out) != NULL;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static tg_error *missing(const char *what, const char *path, bool san)
{
    return pipeline__fail("%s is not built (%s is missing); run '%s'", what,
                          path,
                          san ? "make SAN=1 BUILD=build/asan checks" : "make");
}

static tg_error *locate_all(pipeline__ctx *c)
{
    const pipeline_opts *o = c->opts;
    const manifest_exercise *ex = c->ex;
    char root[PATH_MAX], build[PATH_MAX], pre[PATH_MAX], checks[PATH_MAX];
    char path[PATH_MAX * 2], topic[256], name[256];

    /* The id names files: NN-topic/name, plain characters only. */
    const char *slash = ex->id ? strchr(ex->id, '/') : NULL;
    if (!slash || strchr(slash + 1, '/') ||
        (size_t)(slash - ex->id) >= sizeof topic ||
        strlen(slash + 1) >= sizeof name - 3)
        return pipeline__fail("bad exercise id '%s'", ex->id ? ex->id : "");
    snprintf(topic, sizeof topic, "%.*s", (int)(slash - ex->id), ex->id);
    snprintf(name, sizeof name, "%s", slash + 1);
    if (!safe_component(topic) || !safe_component(name) || ex->nfunctions == 0)
        return pipeline__fail("bad exercise id '%s'", ex->id);

    if (!o->root || !locate(o->root, NULL, root))
        return pipeline__fail("the lab's directory %s does not exist",
                              o->root ? o->root : "(none)");
    if (o->build_dir) {
        if (!locate(o->build_dir, NULL, build))
            return pipeline__fail("the build directory %s does not exist; "
                                  "run 'make'",
                                  o->build_dir);
    } else if (!locate(root, "build", build)) {
        return pipeline__fail("the lab is not built (no %s/build); run "
                              "'make'",
                              root);
    }
    if (o->sanitizers) {
        if (!locate(build, "asan", pre))
            return missing("the sanitizer build", "build/asan", true);
    } else {
        snprintf(pre, sizeof pre, "%s", build);
    }
    if (o->checks_dir) {
        if (!locate(o->checks_dir, NULL, checks))
            return pipeline__fail("the checks directory %s does not exist",
                                  o->checks_dir);
    } else {
        snprintf(path, sizeof path, "%s/checks", pre);
        if (!realpath(path, checks))
            return missing("the checks", path, o->sanitizers);
    }
    bool fits = true;
    if (o->cache_dir && !o->cache_dir[0])
        c->cache[0] = '\0';
    else if (o->cache_dir)
        fits = pipeline__fmt(c->cache, sizeof c->cache, "%s", o->cache_dir);
    else
        fits = pipeline__fmt(c->cache, sizeof c->cache, "%s/cache", build);
    if (!fits)
        c->cache[0] = '\0'; /* no cache rather than the wrong one */

    snprintf(path, sizeof path, "%s/%s.checker", checks, ex->id);
    if (!is_file(path))
        return missing("this exercise's checker", path, o->sanitizers);
    if (!pipeline__fmt(c->checker, sizeof c->checker, "%s", path))
        return pipeline__fail("the path %s is too long", path);
    snprintf(path, sizeof path, "%s/%s.probe.o", checks, ex->id);
    if (!locate(path, NULL, c->host[PIPELINE__B_PROBE_O]))
        return missing("this exercise's probe", path, o->sanitizers);
    snprintf(path, sizeof path, "%s/libprobe.a", checks);
    if (!locate(path, NULL, c->host[PIPELINE__B_LIBPROBE])) {
        snprintf(path, sizeof path, "%s/checks/libprobe.a", pre);
        if (!locate(path, NULL, c->host[PIPELINE__B_LIBPROBE]))
            return missing("the probe driver", path, o->sanitizers);
    }
    snprintf(path, sizeof path, "%s/exercises/libworld.a", pre);
    if (!locate(path, NULL, c->host[PIPELINE__B_LIBWORLD]))
        return missing("the simulated world", path, o->sanitizers);
    snprintf(path, sizeof path, "%s/libtg.a", pre);
    if (!locate(path, NULL, c->host[PIPELINE__B_LIBTG]))
        return missing("libtg", path, o->sanitizers);
    if (!locate(root, "core/include", c->host[PIPELINE__B_INC_TG]))
        return pipeline__fail("%s/core/include is missing", root);
    if (!locate(root, "exercises/support", c->host[PIPELINE__B_INC_SUPPORT]))
        c->host[PIPELINE__B_INC_SUPPORT][0] = '\0';
    snprintf(path, sizeof path, "%s/exercises/%s", root, topic);
    if (!locate(path, NULL, c->host[PIPELINE__B_INC_EX]))
        c->host[PIPELINE__B_INC_EX][0] = '\0';
    snprintf(path, sizeof path, "%s/exercises/%s.h", root, ex->id);
    if (c->host[PIPELINE__B_INC_EX][0] && is_file(path)) {
        pipeline__fmt(c->header_name, sizeof c->header_name, "%s.h", name);
        snprintf(c->header_rel, sizeof c->header_rel, "exercises/%s.h", ex->id);
    }
    pipeline__fmt(c->srcname, sizeof c->srcname, "%s.c", name);
    pipeline__fmt(c->objname, sizeof c->objname, "%s.o", name);

    c->display[PIPELINE__B_INC_TG] = "core/include";
    c->display[PIPELINE__B_INC_SUPPORT] = "exercises/support";
    snprintf(c->display_ex, sizeof c->display_ex, "exercises/%s", topic);
    c->display[PIPELINE__B_INC_EX] = c->display_ex;
    return NULL;
}

/* Where the binds appear to the sandboxed steps, once c->caps is known. */
static void place_binds(pipeline__ctx *c)
{
    static const char *const inside[PIPELINE__NBINDS] = {
        "/tg-include",    "/tg-support",    "/tg-exercise",   "/tg-probe.o",
        "/tg-libprobe.a", "/tg-libworld.a", "/tg-libtg.a",    "/tg-prebuilt.o",
        "/tg-probe"};
    /* bubblewrap makes the parents of bind targets 0700 and root-owned,
     * which the jail's uid cannot enter: every bind sits directly in /. */
    for (int b = 0; b < PIPELINE__NBINDS; b++)
        c->inside[b] = c->caps.bwrap_ok ? inside[b] : c->host[b];
}

/* ---- the private directory -------------------------------------------- */

static tg_error *make_box(pipeline__ctx *c)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || tmp[0] != '/' || strlen(tmp) > PATH_MAX - 64)
        tmp = "/tmp";
    pipeline__sweep_workdirs(tmp);
    snprintf(c->tmp, sizeof c->tmp, "%s/lab-check.XXXXXX", tmp);
    if (!mkdtemp(c->tmp)) {
        int e = errno;
        c->tmp[0] = '\0';
        return pipeline__fail("cannot create a work directory in %s: %s", tmp,
                              strerror(e));
    }
    /* tmp is ours alone (0700); the box must be enterable by bubblewrap,
     * which holds no capability over the jail uid's files once the box
     * is handed over. */
    if (!pipeline__fmt(c->box, sizeof c->box, "%s/box", c->tmp) ||
        mkdir(c->box, 0755) != 0 || chmod(c->box, 0755) != 0)
        return pipeline__fail("cannot create %s: %s", c->box, strerror(errno));
    /* Without bubblewrap the jail's uid reaches the box by its host path
     * (bash turns ./probe into one), so tmp must let it pass through --
     * search only, never list. */
    if (!c->caps.bwrap_ok && chmod(c->tmp, 0711) != 0)
        return pipeline__fail("cannot open %s to the sandbox: %s", c->tmp,
                              strerror(errno));
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", c->box, c->srcname);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return pipeline__fail("cannot create %s: %s", path, strerror(errno));
    bool written = write_all(fd, c->src, c->srclen);
    if (close(fd) != 0 || !written)
        return pipeline__fail("cannot write %s", path);
    return NULL;
}

/* Gives the box to the sandbox's uid (as root). */
static tg_error *hand_over_box(pipeline__ctx *c)
{
    sandbox_spec spec;
    pipeline__spec(c, &spec, false);
    char why[512];
    if (sandbox_prepare_workdir(&spec, why, sizeof why) != 0)
        return pipeline__fail("%s", why + strlen("lab: error: "));
    return NULL;
}

/* ---- the stages, in a task -------------------------------------------- */

static tg_result build_task(void *arg)
{
    pipeline__ctx *c = arg;
    tg_error *e = NULL;
    c->build_rc = pipeline__build(c, &e);
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result list_task(void *arg)
{
    tg_error *e = pipeline__list_checks(arg);
    return e ? tg_raise(e) : tg_return(NULL);
}

/* The stages after input; the result's stage says how far they got.
 *
 *   outer: the probe's sandbox, waiting at its gate ........ then running
 *   inner:   checker --list  ∥  build (compile, readelf ∥ link)
 *
 * The owner waits for the inner group, opens the gate (or tells the probe
 * to leave), then waits for the outer one.  An internal failure anywhere
 * cancels the rest, processes included. */
/* The prebuilt side of the link, found (or made, once per exercise)
 * before the sandboxes start: the probe's must bind the probe program. */
static tg_error *prepare_link(pipeline__ctx *c)
{
    tg_error *e = pipeline__prelink(c);
    if (!e)
        e = pipeline__probe_program(c);
    if (e || !c->dynamic)
        return e;
    char lib[PATH_MAX + 8];
    if (!pipeline__fmt(lib, sizeof lib, "%s/" PIPELINE__LIB_DIR, c->box) ||
        mkdir(lib, 0755) != 0)
        c->dynamic = false; /* the static link needs no lib/ */
    return NULL;
}

static tg_error *run_stages(pipeline__ctx *c)
{
    pipeline_result *r = c->res;
    tg_error *e = make_box(c);
    if (!e)
        e = prepare_link(c);
    for (int b = 0; !e && b < PIPELINE__NBINDS; b++)
        pipeline__stage(c, b);
    if (!e)
        e = pipeline__probe_prepare(c);
    if (!e)
        e = hand_over_box(c);
    if (e)
        return e;
    tg_group *outer = tg_group_new(), *inner = tg_group_new();
    if (!outer || !inner) {
        tg_group_free(outer);
        tg_group_free(inner);
        return pipeline__fail("out of memory");
    }
    /* Tasks start in the order they are spawned: the build, on the
     * critical path, first. */
    tg_task *build = tg_spawn(inner, build_task, c);
    tg_task *list = build ? tg_spawn(inner, list_task, c) : NULL;
    e = list ? pipeline__probe_start(c, outer)
             : pipeline__fail("out of memory");
    tg_error *ie = tg_group_wait(inner);
    tg_group_free(inner);
    if (!e)
        e = ie;
    else
        tg_error_unref(ie);
    bool go = !e && c->build_rc == 0;
    uint64_t t = pipeline__now_ms();
    if (go)
        r->stage = PIPELINE_STAGE_PROBE;
    tg_error *re = pipeline__probe_release(c, go);
    if (!re && go)
        re = pipeline__probe_watch(c, outer);
    if (re && !e)
        e = re;
    else
        tg_error_unref(re);
    /* Nothing to run: stop the waiting sandbox rather than wait for it
     * to read "no" (a compile error comes back sooner).  On an error,
     * tg_group_exit cancels it and the error joins whatever it raised. */
    if (!go && !e)
        pipeline__probe_cancel(c);
    tg_error *oe = e ? tg_group_exit(outer, e) : tg_group_wait(outer);
    tg_group_free(outer);
    pipeline__probe_close(c);
    if (oe || !go)
        return oe; /* when !go, a stage failed: the messages say why */
    r->stage_ms[PIPELINE_STAGE_PROBE] = pipeline__now_ms() - t;
    r->stage = PIPELINE_STAGE_VERDICT;
    t = pipeline__now_ms();
    e = pipeline__verdict(c);
    r->stage_ms[PIPELINE_STAGE_VERDICT] = pipeline__now_ms() - t;
    return e;
}

/* Everything a check needs besides the result. */
typedef struct check_args {
    const pipeline_opts *opts;
    const manifest_exercise *ex;
    const char *file;
    pipeline_result *out;
    unsigned slot;
    int rc;
    char *why;
    size_t whylen;
} check_args;

/* The first error that is not a cancellation, as text in why. */
static int report(tg_error *e, char *why, size_t whylen)
{
    if (pipeline__is_cancel(e)) {
        pipeline__say(why, whylen, "cancelled");
        tg_error_unref(e);
        return PIPELINE_CANCELLED;
    }
    const tg_error *leaf = e;
    while (tg_error_is_group(leaf)) {
        const tg_error *next = NULL;
        for (size_t i = 0; i < tg_error_group_count(leaf) && !next; i++)
            if (!pipeline__is_cancel(tg_error_group_at(leaf, i)))
                next = tg_error_group_at(leaf, i);
        if (!next)
            break;
        leaf = next;
    }
    pipeline__say(why, whylen, "%s", tg_error_message(leaf));
    tg_error_unref(e);
    return -1;
}

static uint64_t asan_reserve_cached;

/* One attempt at a check.  refresh: try the sandbox for real rather than
 * trust a stored answer.  Sets *retry when a stored "it works" turned out
 * wrong (the sandbox did not start): the answer is then forgotten. */
static int check_once(check_args *a, bool refresh, bool *retry)
{
    pipeline_result *r = a->out;
    memset(r, 0, sizeof *r);
    uint64_t t0 = pipeline__now_ms();
    pipeline__ctx *c = calloc(1, sizeof *c);
    if (!c) {
        pipeline__say(a->why, a->whylen, "out of memory");
        return -1;
    }
    c->opts = a->opts;
    c->ex = a->ex;
    c->res = r;
    c->slot = a->slot;
    c->gate = -1;
    int rc = 0;
    tg_error *e = NULL;

    r->exercise = strdup(a->ex->id ? a->ex->id : "");
    r->file = pipeline__display_path(a->file ? a->file : "");
    size_t ns = a->opts->seeds && a->opts->nseeds ? a->opts->nseeds : 3;
    if (ns > PIPELINE_MAX_SEEDS)
        ns = PIPELINE_MAX_SEEDS;
    r->seeds = malloc(ns * sizeof *r->seeds);
    if (!r->exercise || !r->file || !r->seeds) {
        e = pipeline__fail("out of memory");
        goto out;
    }
    for (size_t i = 0; i < ns; i++)
        r->seeds[i] = a->opts->seeds && a->opts->nseeds
                          ? a->opts->seeds[i]
                          : PIPELINE_SEEDS_DEFAULT[i];
    r->nseeds = ns;

    /* The cache directory is where the sandbox's answer is kept too: it
     * is found first, and the binds placed once the answer is known. */
    e = locate_all(c);
    if (e)
        goto out;
    char why[768];
    if (sandbox_probe_at(c->cache, &c->caps, refresh, why, sizeof why) != 0) {
        e = pipeline__fail("%s", why + strlen("lab: error: "));
        goto out;
    }
    place_binds(c);
    r->isolated = c->caps.bwrap_ok;
    if (!c->caps.bwrap_ok && a->opts->mode == SANDBOX_GRADE &&
        !a->opts->unsafe_no_bwrap) {
        e = pipeline__fail("grading needs bubblewrap and it is not usable: "
                           "%s (or pass --unsafe-no-sandbox)",
                           c->caps.diag);
        goto out;
    }
    if (a->opts->sanitizers) {
        if (!asan_reserve_cached &&
            sandbox_measure_asan(a->opts->cc, &asan_reserve_cached, why,
                                 sizeof why) != 0) {
            e = pipeline__fail("%s", why + strlen("lab: error: "));
            goto out;
        }
        c->asan_reserve = asan_reserve_cached;
    }

    r->stage = PIPELINE_STAGE_INPUT;
    uint64_t t_in = pipeline__now_ms();
    int in = pipeline__input(c, a->file ? a->file : "", &e);
    r->stage_ms[PIPELINE_STAGE_INPUT] = pipeline__now_ms() - t_in;
    if (in < 0)
        goto out;
    if (in > 0) {
        r->failed = true;
        goto out;
    }
    e = run_stages(c);
out:
    if (e && c->sandbox_broken && c->caps.from_cache) {
        sandbox_probe_forget(c->cache);
        *retry = true;
    }
    if (e)
        rc = report(e, a->why, a->whylen);
    pipeline__probe_close(c);
    pipeline__remove_tree(c->tmp);
    pipeline__runs_free(c);
    free(c->src);
    free(c->cache_diag);
    free(c);
    r->total_ms = pipeline__now_ms() - t0;
    return rc;
}

static int check_in_task(check_args *a)
{
    bool retry = false;
    int rc = check_once(a, false, &retry);
    if (retry) {
        /* A sandbox the stored answer vouched for did not start: find
         * out for real, once, before saying anything is wrong. */
        pipeline_result_free(a->out);
        rc = check_once(a, true, &retry);
    }
    return rc;
}

static tg_result check_main(void *arg)
{
    check_args *a = arg;
    a->rc = check_in_task(a);
    return tg_return(NULL);
}

int pipeline_check(const pipeline_opts *opts, const manifest_exercise *ex,
                   const char *learner_file, pipeline_result *out, char *why,
                   size_t whylen)
{
    check_args a = {opts, ex, learner_file, out, 0, 0, why, whylen};
    if (tg_current_task())
        return check_in_task(&a);
    tg_options to = {.stack_size = TASK_STACK};
    tg_result r = tg_run(check_main, &a, &to);
    if (r.error) {
        memset(out, 0, sizeof *out);
        return report(r.error, why, whylen);
    }
    return a.rc;
}

/* ---- batches ---------------------------------------------------------- */

typedef struct batch {
    pipeline_opts opts; /* the caller's, one probe process per check */
    pipeline_job *jobs;
    size_t n, next;
    void (*on_done)(pipeline_job *, void *);
    void *ud;
} batch;

typedef struct worker {
    batch *b;
    unsigned slot;
} worker;

/* A wrapped job: whatever happens to one check is recorded in its job;
 * only cancellation ends the worker. */
static tg_result worker_main(void *arg)
{
    worker *w = arg;
    batch *b = w->b;
    while (b->next < b->n) {
        pipeline_job *j = &b->jobs[b->next++];
        check_args a = {&b->opts, j->ex, j->file, &j->result,
                        w->slot,  0,     j->why,  sizeof j->why};
        j->why[0] = '\0';
        j->rc = check_in_task(&a);
        if (j->rc == PIPELINE_CANCELLED)
            return tg_raise(tg_error_new(&TG_CancelledError, "cancelled"));
        if (b->on_done)
            b->on_done(j, b->ud);
    }
    return tg_return(NULL);
}

typedef struct batch_args {
    batch *b;
    int rc;
    char *why;
    size_t whylen;
} batch_args;

static int batch_in_task(batch_args *a)
{
    batch *b = a->b;
    unsigned nw = a->b->opts.jobs ? a->b->opts.jobs : 1;
    if (nw > b->n)
        nw = (unsigned)b->n;
    if (nw > 64)
        nw = 64;
    b->opts.jobs = 1;
    worker w[64];
    tg_group *g = tg_group_new();
    if (!g) {
        pipeline__say(a->why, a->whylen, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < nw; i++) {
        w[i] = (worker){b, i};
        tg_spawn(g, worker_main, &w[i]);
    }
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? report(e, a->why, a->whylen) : 0;
}

static tg_result batch_main(void *arg)
{
    batch_args *a = arg;
    a->rc = batch_in_task(a);
    return tg_return(NULL);
}

int pipeline_check_batch(const pipeline_opts *opts, pipeline_job *jobs,
                         size_t n, void (*on_done)(pipeline_job *, void *),
                         void *ud, char *why, size_t whylen)
{
    for (size_t i = 0; i < n; i++) {
        memset(&jobs[i].result, 0, sizeof jobs[i].result);
        jobs[i].rc = 0;
        jobs[i].why[0] = '\0';
    }
    if (n == 0)
        return 0;
    batch b = {*opts, jobs, n, 0, on_done, ud};
    batch_args a = {&b, 0, why, whylen};
    if (tg_current_task())
        return batch_in_task(&a);
    tg_options to = {.stack_size = TASK_STACK};
    tg_result r = tg_run(batch_main, &a, &to);
    if (r.error)
        return report(r.error, why, whylen);
    return a.rc;
}
