/*
 * cmd_grade.c -- the instructor's commands: `lab grade` (a class's
 * submissions, every student x exercise, as one libtg task group of
 * wrapped jobs, into the gradebook), `lab gradebook` (summary, exports,
 * merging shards, a canonical dump), and the learner's `lab pack` (the
 * hand-in archive `lab grade` reads).
 *
 * Grading is resumable: the gradebook keys runs by (submission hash,
 * checks hash) and records each finished job in its own transaction, so a
 * rerun grades only what is new or changed, and a run killed at any point
 * and rerun ends with exactly the gradebook of an uninterrupted one.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "grade.h"
#include "gradebook.h"
#include "pipeline.h"
#include "sandbox.h"
#include "tg.h"

#define DEFAULT_GRADEBOOK "gradebook.db"

/* ---- lab grade ------------------------------------------------------------- */

typedef struct grade_opts {
    const char *submissions;
    const char *gradebook;
    const char *checks;
    unsigned jobs;
    unsigned shard_k, shard_n;
    bool unsafe;
    bool thorough;
    bool has_seed;
    uint64_t seed;
    uint64_t run_timeout_ms;
    bool quiet;  /* no summary at the end */
} grade_opts;

/* One job's bookkeeping beside the pipeline's. */
typedef struct job_info {
    size_t student, exercise;
} job_info;

typedef struct grade_run {
    lab_ctx *ctx;
    gradebook *gb;
    grade_submissions *subs;
    grade_checks *checks;
    grade_progress progress;
    size_t errors;
} grade_run;

static bool parse_uint(const char *s, unsigned long long max,
                       unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || s[0] == '-' || errno || v > max)
        return false;
    *out = v;
    return true;
}

static int parse_grade(grade_opts *o, int argc, char **argv)
{
    *o = (grade_opts){.jobs = 0, .shard_k = 1, .shard_n = 1};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = !strcmp(a, "--jobs") || !strcmp(a, "-j") ||
                         !strcmp(a, "--checks") ||
                         !strcmp(a, "--gradebook") || !strcmp(a, "--shard") ||
                         !strcmp(a, "--seed") || !strcmp(a, "--run-timeout");
        if (has_value && i + 1 == argc)
            return lab_usage_error("grade", "%s needs a value", a);
        unsigned long long v;
        if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
            if (!parse_uint(argv[++i], 64, &v) || v == 0)
                return lab_usage_error("grade", "--jobs wants 1 to 64, not "
                                                "'%s'",
                                       argv[i]);
            o->jobs = (unsigned)v;
        } else if (!strcmp(a, "--checks")) {
            o->checks = argv[++i];
        } else if (!strcmp(a, "--gradebook")) {
            o->gradebook = argv[++i];
        } else if (!strcmp(a, "--shard")) {
            const char *s = argv[++i];
            unsigned k = 0, n = 0;
            char extra;
            if (sscanf(s, "%u/%u%c", &k, &n, &extra) != 2 || n == 0 ||
                k == 0 || k > n || n > 10000)
                return lab_usage_error("grade", "--shard wants K/N with 1 <= "
                                                "K <= N, not '%s'",
                                       s);
            o->shard_k = k;
            o->shard_n = n;
        } else if (!strcmp(a, "--seed")) {
            if (!parse_uint(argv[++i], UINT64_MAX, &v))
                return lab_usage_error("grade", "--seed wants a number, not "
                                                "'%s'",
                                       argv[i]);
            o->has_seed = true;
            o->seed = v;
        } else if (!strcmp(a, "--run-timeout")) {
            if (!parse_uint(argv[++i], 600000, &v) || v < 50)
                return lab_usage_error("grade", "--run-timeout wants "
                                                "milliseconds (50 to 600000)");
            o->run_timeout_ms = v;
        } else if (!strcmp(a, "--thorough")) {
            o->thorough = true;
        } else if (!strcmp(a, "--unsafe-no-sandbox")) {
            o->unsafe = true;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1]) {
            return lab_usage_error("grade", "unknown option '%s'", a);
        } else if (!o->submissions) {
            o->submissions = a;
        } else {
            return lab_usage_error("grade", "unexpected argument '%s'", a);
        }
    }
    if (!o->submissions)
        return lab_usage_error("grade", "which folder holds the "
                                        "submissions?");
    if (o->thorough && o->has_seed)
        return lab_usage_error("grade", "--seed and --thorough do not go "
                                        "together");
    if (!o->jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->jobs = n > 0 ? (n > 64 ? 64 : (unsigned)n) : 1;
    }
    return 0;
}

/* What a finished job says on the progress line. */
static void outcome_text(const pipeline_job *j, int max, char *out,
                         size_t outlen)
{
    const pipeline_result *r = &j->result;
    if (j->rc != 0)
        snprintf(out, outlen, "not graded: %s", j->why);
    else if (r->failed)
        snprintf(out, outlen, "0/%d (stopped at %s)", max,
                 pipeline_stage_name(r->stage));
    else
        snprintf(out, outlen, "%d/%d", r->points, r->max_points);
}

static void on_done(pipeline_job *j, void *ud)
{
    grade_run *g = ud;
    const job_info *ji = j->ud;
    grade_student *st = &g->subs->students[ji->student];
    grade_file *f = &st->files[ji->exercise];
    grade_exercise *gx = &g->checks->ex[ji->exercise];
    char why[1024] = "";
    if (gradebook_record(g->gb, st->name, gx->ex.id, f->hash, gx->hash, j->rc,
                         j->why, &j->result, gx->info, gx->ninfo, f->path,
                         f->source, why, sizeof why) != 0) {
        if (g->progress.tty)
            fputc('\n', g->progress.out);
        fprintf(stderr, "%s\n", why);
        g->errors++;
    }
    if (j->rc != 0)
        g->errors++;
    char out[700];
    outcome_text(j, gx->max_points, out, sizeof out);
    grade_progress_step(&g->progress, st->name, gx->ex.id, out, j->rc == 0);
    /* The verdicts are in the gradebook now: free them early, a class
     * can be large. */
    pipeline_result_free(&j->result);
}

/* ---- the batch, interruptible ---------------------------------------------- */

/* Ctrl-C or a TERM while grading: cancel the batch (its processes are
 * killed, its work directories removed), keep what is recorded. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

typedef struct batch_call {
    const pipeline_opts *po;
    pipeline_job *jobs;
    size_t n;
    grade_run *g;
    tg_task *task; /* the batch's task, for the watcher to cancel */
    bool done;
    int rc;
    char why[2048];
} batch_call;

static tg_result batch_task(void *arg)
{
    batch_call *b = arg;
    b->rc = pipeline_check_batch(b->po, b->jobs, b->n, on_done, b->g, b->why,
                                 sizeof b->why);
    b->done = true;
    return tg_return(NULL);
}

/* Polls the signal flag: a handler may not touch the loop itself. */
static tg_result watch_task(void *arg)
{
    batch_call *b = arg;
    while (!b->done && !interrupted) {
        tg_error *e = tg_sleep(100);
        if (e) {
            tg_error_unref(e);
            break;
        }
    }
    if (interrupted && !b->done)
        tg_task_cancel(b->task);
    return tg_return(NULL);
}

static tg_result batch_main(void *arg)
{
    batch_call *b = arg;
    tg_group *grp = tg_group_new();
    if (!grp)
        return tg_raise(tg_error_new(&TG_RuntimeError, "out of memory"));
    b->task = tg_spawn(grp, batch_task, b);
    if (b->task)
        tg_spawn(grp, watch_task, b);
    tg_error *e = tg_group_wait(grp);
    tg_group_free(grp);
    return e ? tg_raise(e) : tg_return(NULL);
}

/* Runs the batch in a task group beside a watcher for SIGINT/SIGTERM.
 * Returns the batch's answer, or PIPELINE_CANCELLED when interrupted. */
static int run_batch(const pipeline_opts *po, pipeline_job *jobs, size_t n,
                     grade_run *g, char *why, size_t whylen)
{
    batch_call b = {.po = po, .jobs = jobs, .n = n, .g = g};
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    /* Pipeline tasks parse JSON and keep path buffers: 1 MiB stacks. */
    tg_options to = {.stack_size = 1u << 20};
    tg_result r = tg_run(batch_main, &b, &to);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (r.error) {
        snprintf(why, whylen, "lab: error: %s", tg_error_message(r.error));
        tg_error_unref(r.error);
        return -1;
    }
    snprintf(why, whylen, "%s", b.why);
    return interrupted ? PIPELINE_CANCELLED : b.rc;
}

/* Refuses to grade without a sandbox, unless told. */
static int sandbox_ready(const grade_opts *o)
{
    sandbox_caps caps;
    char why[1024];
    if (sandbox_probe(&caps, false, why, sizeof why) != 0) {
        fprintf(stderr, "%s\nNothing was graded.\n", why);
        return -1;
    }
    if (!caps.bwrap_ok && !o->unsafe) {
        lab_error("Fix bubblewrap (it needs unprivileged user namespaces, or "
                  "root), or pass\n--unsafe-no-sandbox to grade with the "
                  "jail's limits but no filesystem\nisolation (submissions "
                  "could then read each other). Nothing was graded.",
                  "grading needs the bubblewrap sandbox: %s", caps.diag);
        return -1;
    }
    if (!caps.bwrap_ok)
        fprintf(stderr,
                "lab: warning: --unsafe-no-sandbox: grading without "
                "bubblewrap (%s); submissions are not isolated from the "
                "file system\n",
                caps.diag);
    return 0;
}

static int cmd_grade(lab_ctx *ctx, int argc, char **argv)
{
    grade_opts o;
    int rc = parse_grade(&o, argc, argv);
    if (rc != 0)
        return rc;
    manifest *m = lab_manifest(ctx);
    if (!m)
        return LAB_EXIT_INTERNAL;
    if (sandbox_ready(&o) != 0)
        return LAB_EXIT_INTERNAL;

    uint64_t one_seed = o.seed;
    const uint64_t *seeds = PIPELINE_SEEDS_DEFAULT;
    size_t nseeds = 3;
    if (o.has_seed) {
        seeds = &one_seed;
        nseeds = 1;
    } else if (o.thorough) {
        seeds = PIPELINE_SEEDS_THOROUGH;
        nseeds = 10;
    }
    char why[2048] = "";
    grade_run g = {.ctx = ctx};
    rc = LAB_EXIT_INTERNAL;
    pipeline_job *jobs = NULL;
    job_info *infos = NULL;
    gradebook_sub *cur = NULL;
    size_t njobs = 0, skipped = 0, ncur = 0;
    char shard_book[64];
    const char *book = o.gradebook;
    if (!book && o.shard_n > 1) {
        snprintf(shard_book, sizeof shard_book, "gradebook.shard-%u-of-%u.db",
                 o.shard_k, o.shard_n);
        book = shard_book;
    } else if (!book) {
        book = DEFAULT_GRADEBOOK;
    }

    if (grade_checks_prepare(ctx->root, m, o.checks, seeds, nseeds,
                             &g.checks, why, sizeof why) != 0 ||
        grade_submissions_find(o.submissions, m, o.shard_k, o.shard_n,
                               &g.subs, why, sizeof why) != 0 ||
        gradebook_open(book, true, &g.gb, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        goto out;
    }
    for (size_t i = 0; i < g.subs->nwarnings; i++)
        fprintf(stderr, "lab: warning: %s\n", g.subs->warnings[i]);
    for (size_t e = 0; e < g.checks->nex; e++) {
        grade_exercise *gx = &g.checks->ex[e];
        if (gradebook_set_exercise(g.gb, gx->ex.id, gx->ex.title,
                                   (int)gx->ex.index, gx->max_points,
                                   gx->hash, why, sizeof why) != 0) {
            fprintf(stderr, "%s\n", why);
            goto out;
        }
    }
    size_t ns = g.subs->nstudents, ne = m->nexercises;
    size_t cells = ns * ne > 0 ? ns * ne : 1;
    cur = calloc(cells, sizeof *cur);
    jobs = calloc(cells, sizeof *jobs);
    infos = calloc(cells, sizeof *infos);
    if (!cur || !jobs || !infos) {
        lab_error(NULL, "out of memory");
        goto out;
    }
    for (size_t s = 0; s < ns; s++) {
        grade_student *st = &g.subs->students[s];
        for (size_t e = 0; e < ne; e++) {
            grade_file *f = &st->files[e];
            grade_exercise *gx = &g.checks->ex[e];
            cur[ncur++] = (gradebook_sub){
                .student = st->name,
                .exercise = gx->ex.id,
                .hash = f->path ? f->hash : NULL,
                .bytes = f->bytes,
                .source = f->source,
                .note = f->note,
            };
            if (!f->path)
                continue;
            if (gradebook_has_run(g.gb, st->name, gx->ex.id, f->hash,
                                  gx->hash)) {
                skipped++;
                continue;
            }
            infos[njobs] = (job_info){s, e};
            jobs[njobs] = (pipeline_job){
                .ex = &gx->ex, .file = f->path, .ud = &infos[njobs]};
            njobs++;
        }
    }
    if (gradebook_set_current(g.gb, cur, ncur, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        goto out;
    }
    if (o.shard_n > 1)
        printf("shard %u/%u: %zu of %zu student(s)\n", o.shard_k, o.shard_n,
               ns, g.subs->total);
    else
        printf("%zu student(s), %zu exercise(s)\n", ns, ne);

    pipeline_opts po;
    pipeline_opts_init(&po, ctx->root, SANDBOX_GRADE);
    po.seeds = seeds;
    po.nseeds = nseeds;
    po.jobs = o.jobs;
    po.unsafe_no_bwrap = o.unsafe;
    po.run_timeout_ms = o.run_timeout_ms;
    if (g.checks->checks_dir[0])
        po.checks_dir = g.checks->checks_dir;
    po.repro_prefix = "lab check ID";
    grade_progress_start(&g.progress, stdout, ctx->tty && !ctx->plain,
                         ctx->color, njobs, skipped);
    int brc = run_batch(&po, jobs, njobs, &g, why, sizeof why);
    grade_progress_end(&g.progress);
    if (brc == PIPELINE_CANCELLED) {
        fprintf(stderr, "lab: interrupted: what was graded is in %s; run the "
                        "same command again to finish\n",
                book);
        rc = 128 + (interrupted ? (int)interrupted : SIGINT);
        goto out;
    }
    if (brc != 0) {
        fprintf(stderr, "%s\n", why[0] ? why : "lab: error: grading failed");
        goto out;
    }
    printf("gradebook: %s\n", book);
    if (!o.quiet && !ctx->json) {
        gradebook_class *cls = NULL;
        if (gradebook_load_class(g.gb, &cls, why, sizeof why) == 0) {
            putchar('\n');
            grade_summary_print(cls, stdout, ctx->color);
            gradebook_class_free(cls);
        }
    }
    rc = g.errors ? LAB_EXIT_INTERNAL : LAB_EXIT_OK;
    if (g.errors)
        fprintf(stderr, "lab: error: %zu job(s) could not be graded; run "
                        "the same command again to retry them\n",
                g.errors);
out:
    for (size_t i = 0; jobs && i < njobs; i++)
        pipeline_result_free(&jobs[i].result);
    free(cur);
    free(jobs);
    free(infos);
    gradebook_close(g.gb);
    grade_submissions_free(g.subs);
    grade_checks_free(g.checks);
    return rc;
}

/* ---- lab gradebook ---------------------------------------------------------- */

typedef struct book_opts {
    const char *gradebook;
    const char *output; /* -o */
    const char *args[64];
    int nargs;
} book_opts;

static int parse_book(book_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--gradebook") || !strcmp(a, "-o") ||
            !strcmp(a, "--output")) {
            if (i + 1 == argc)
                return lab_usage_error("gradebook", "%s needs a value", a);
            if (a[2] == 'g')
                o->gradebook = argv[++i];
            else
                o->output = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return lab_usage_error("gradebook", "unknown option '%s'", a);
        } else if (o->nargs < 64) {
            o->args[o->nargs++] = a;
        } else {
            return lab_usage_error("gradebook", "too many arguments");
        }
    }
    if (!o->gradebook)
        o->gradebook = DEFAULT_GRADEBOOK;
    return 0;
}

static int load(const book_opts *o, gradebook **gb, gradebook_class **cls)
{
    char why[2048];
    if (gradebook_open(o->gradebook, false, gb, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        return -1;
    }
    if (cls && gradebook_load_class(*gb, cls, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        gradebook_close(*gb);
        *gb = NULL;
        return -1;
    }
    return 0;
}

/* stdout, or the -o file (written whole, then renamed into place). */
static int with_output(const book_opts *o, const gradebook_class *cls,
                       int (*fn)(const gradebook_class *, FILE *))
{
    if (!o->output || !strcmp(o->output, "-"))
        return fn(cls, stdout) == 0 && fflush(stdout) == 0
                   ? LAB_EXIT_OK
                   : LAB_EXIT_INTERNAL;
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", o->output, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        lab_error(NULL, "cannot write %s: %s", tmp, strerror(errno));
        return LAB_EXIT_INTERNAL;
    }
    int rc = fn(cls, f);
    if (fclose(f) != 0 || rc != 0 || rename(tmp, o->output) != 0) {
        lab_error(NULL, "cannot write %s: %s", o->output, strerror(errno));
        unlink(tmp);
        return LAB_EXIT_INTERNAL;
    }
    fprintf(stderr, "wrote %s\n", o->output);
    return LAB_EXIT_OK;
}

static int summary_plain(const gradebook_class *c, FILE *out)
{
    grade_summary_print(c, out, false);
    return 0;
}

static int book_export(lab_ctx *ctx, book_opts *o)
{
    if (o->nargs != 2)
        return lab_usage_error("gradebook", "export wants one format: csv, "
                                            "gradescope, feedback or html");
    const char *fmt = o->args[1];
    bool dir_format = !strcmp(fmt, "gradescope") || !strcmp(fmt, "feedback");
    if (!dir_format && strcmp(fmt, "csv") != 0 && strcmp(fmt, "html") != 0)
        return lab_usage_error("gradebook", "no export format '%s' (csv, "
                                            "gradescope, feedback, html)",
                               fmt);
    if (dir_format && !o->output)
        return lab_usage_error("gradebook", "export %s writes one file per "
                                            "student: say where with -o DIR",
                               fmt);
    gradebook *gb = NULL;
    gradebook_class *cls = NULL;
    if (load(o, &gb, &cls) != 0)
        return LAB_EXIT_INTERNAL;
    int rc;
    char why[2048];
    if (!strcmp(fmt, "csv")) {
        rc = with_output(o, cls, grade_export_csv);
    } else if (!strcmp(fmt, "html")) {
        rc = with_output(o, cls, grade_export_html);
    } else {
        int r = !strcmp(fmt, "gradescope")
                    ? grade_export_gradescope(cls, o->output, why, sizeof why)
                    : grade_export_feedback(cls, o->output, why, sizeof why);
        if (r != 0)
            fprintf(stderr, "%s\n", why);
        else
            fprintf(stderr, "wrote %zu student file(s) in %s\n",
                    cls->nstudents, o->output);
        rc = r ? LAB_EXIT_INTERNAL : LAB_EXIT_OK;
    }
    (void)ctx;
    gradebook_class_free(cls);
    gradebook_close(gb);
    return rc;
}

static int book_merge(book_opts *o)
{
    if (o->nargs < 2)
        return lab_usage_error("gradebook", "merge wants the shard "
                                            "gradebooks to join");
    char why[2048];
    gradebook *gb = NULL;
    if (gradebook_open(o->gradebook, true, &gb, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        return LAB_EXIT_INTERNAL;
    }
    int rc = LAB_EXIT_OK;
    for (int i = 1; i < o->nargs; i++) {
        if (gradebook_merge(gb, o->args[i], why, sizeof why) != 0) {
            fprintf(stderr, "%s\n", why);
            rc = LAB_EXIT_INTERNAL;
            break;
        }
        printf("merged %s\n", o->args[i]);
    }
    gradebook_close(gb);
    if (rc == LAB_EXIT_OK)
        printf("gradebook: %s\n", o->gradebook);
    return rc;
}

static int cmd_gradebook(lab_ctx *ctx, int argc, char **argv)
{
    book_opts o;
    int rc = parse_book(&o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.nargs == 0)
        return lab_usage_error("gradebook", "say what to do: summary, "
                                            "export, merge or dump");
    const char *what = o.args[0];
    if (!strcmp(what, "export"))
        return book_export(ctx, &o);
    if (!strcmp(what, "merge"))
        return book_merge(&o);
    if (o.nargs != 1)
        return lab_usage_error("gradebook", "unexpected argument '%s'",
                               o.args[1]);
    gradebook *gb = NULL;
    gradebook_class *cls = NULL;
    if (!strcmp(what, "summary")) {
        if (load(&o, &gb, &cls) != 0)
            return LAB_EXIT_INTERNAL;
        if (o.output)
            rc = with_output(&o, cls, summary_plain);
        else
            grade_summary_print(cls, stdout, ctx->color);
        gradebook_class_free(cls);
        gradebook_close(gb);
        return rc;
    }
    if (!strcmp(what, "dump")) {
        if (load(&o, &gb, NULL) != 0)
            return LAB_EXIT_INTERNAL;
        char why[2048];
        rc = gradebook_dump(gb, stdout, why, sizeof why) == 0
                 ? LAB_EXIT_OK
                 : LAB_EXIT_INTERNAL;
        if (rc)
            fprintf(stderr, "%s\n", why);
        gradebook_close(gb);
        return rc;
    }
    return lab_usage_error("gradebook", "no gradebook command '%s'", what);
}

/* ---- lab pack --------------------------------------------------------------- */

static int cmd_pack(lab_ctx *ctx, int argc, char **argv)
{
    const char *out = NULL, *name = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output") ||
            !strcmp(a, "--name")) {
            if (i + 1 == argc)
                return lab_usage_error("pack", "%s needs a value", a);
            if (!strcmp(a, "--name"))
                name = argv[++i];
            else
                out = argv[++i];
        } else {
            return lab_usage_error("pack", "unexpected argument '%s'", a);
        }
    }
    if (!name) {
        name = getenv("USER");
        if (!name || !*name)
            name = "student";
    }
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '/' || *p == '\\')
            return lab_usage_error("pack", "--name must be a plain name");
    char def[PATH_MAX];
    if (!out) {
        snprintf(def, sizeof def, "%s.tar.gz", name);
        out = def;
    }
    manifest *m = lab_manifest(ctx);
    if (!m)
        return LAB_EXIT_INTERNAL;
    char why[2048];
    int n = grade_pack_write(ctx->root, m, name, out, why, sizeof why);
    if (n < 0) {
        fprintf(stderr, "%s\n", why);
        return LAB_EXIT_INTERNAL;
    }
    printf("packed %d exercise file(s) into %s\n"
           "Hand this file in; your instructor grades it with `lab grade`.\n",
           n, out);
    return LAB_EXIT_OK;
}

const lab_command lab_grade_commands[] = {
    {"grade", cmd_grade, "SUBMISSIONS [OPTIONS]",
     "grade a class's submissions into a gradebook (instructors)",
     "SUBMISSIONS holds one folder, or one `lab pack` archive (NAME.tar.gz),\n"
     "per student. Every student x exercise is graded in the sandbox, as in\n"
     "`lab check`, and recorded in an SQLite gradebook. A rerun grades only\n"
     "what changed (new files, changed checks); an interrupted run picks up\n"
     "where it stopped.\n"
     "\n"
     "Options:\n"
     "  --jobs N, -j N        checks at once (default: the number of CPUs)\n"
     "  --gradebook FILE      the gradebook (default: gradebook.db)\n"
     "  --checks DIR          add the hidden checks in DIR: <id>.checks.c,\n"
     "                        <id>.probe.c and checks.json (docs/instructors.md)\n"
     "  --shard K/N           grade slice K of N of the students (a stable\n"
     "                        split by name); join with `lab gradebook merge`\n"
     "  --thorough            seeds 1..10 instead of 1..3\n"
     "  --seed N              seed N only\n"
     "  --run-timeout MS      wall-clock budget of one probe run\n"
     "  --quiet               no class summary at the end\n"
     "  --unsafe-no-sandbox   grade even when bubblewrap is unusable (the\n"
     "                        jail's limits still apply; no file isolation)"},
    {"gradebook", cmd_gradebook, "COMMAND [ARGS]",
     "class summary, exports and shard merging (instructors)",
     "  lab gradebook summary               pass rates, hardest checks,\n"
     "                                      most common failures\n"
     "  lab gradebook export csv [-o F]     a row per student, a column per\n"
     "                                      exercise, a total\n"
     "  lab gradebook export gradescope -o DIR   DIR/<student>/results.json\n"
     "  lab gradebook export feedback -o DIR     DIR/<student>.md\n"
     "  lab gradebook export html [-o F]    a self-contained report with\n"
     "                                      charts (no network needed)\n"
     "  lab gradebook merge SHARD.db...     join shard gradebooks into\n"
     "                                      --gradebook (created if needed)\n"
     "  lab gradebook dump                  the content as sorted text, to\n"
     "                                      compare two gradebooks\n"
     "\n"
     "--gradebook FILE picks the gradebook (default: gradebook.db)."},
    {"pack", cmd_pack, "[-o FILE] [--name NAME]",
     "bundle your exercise files to hand in",
     "Writes NAME.tar.gz (NAME: --name, else $USER) with every exercise file\n"
     "you have and a manifest of their names and SHA-256 hashes, for your\n"
     "instructor's `lab grade`."},
    {NULL, NULL, NULL, NULL, NULL},
};
