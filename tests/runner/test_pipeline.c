/*
 * test_pipeline.c -- the check pipeline, end to end, on real submissions.
 *
 * Most tests grade a learner file (tests/runner/fixtures/pipeline/learner/)
 * against a small exercise of our own, 00-fake/sum_all, whose probe and
 * checks are built here with the real probe driver and checker library:
 * the whole path runs for real -- bubblewrap, lab-jail, cc, readelf, ld,
 * the forked probe runs, the trusted checker -- and each test asserts on
 * the verdict and the words the learner would read.  The pure parts (the
 * symbol check, compiler diagnostics, probe frames, SHA-256, text
 * cleaning) are also tested on canned input.  The last tests grade the
 * real exercises' solutions and starters when they are built.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first. */
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "pipeline.h"
#include "pipeline_internal.h"
#include "sandbox_probe_cache.h"
#include "tui_model.h"

#define FIX "tests/runner/fixtures/pipeline"
#define EX_ID "00-fake/sum_all"

static struct {
    char repo[PATH_MAX];         /* the source tree */
    char root[64];               /* our lab: links into repo + the exercise */
    char learner[PATH_MAX + 64]; /* the learner fixtures */
    char scratch[128];           /* generated learner files */
    char tmp[128];               /* the pipeline's TMPDIR: must end up empty */
    char cache[128];
    bool ready;
    char *functions[1];
    char *hints[2];
    manifest_check checks[2];
    manifest_exercise ex;
} g;

/* ---- set-up ----------------------------------------------------------- */

static bool find_repo(void)
{
    if (access(FIX, R_OK) == 0)
        return realpath(".", g.repo) != NULL;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return false;
    self[n] = '\0';
    /* build/tests/runner/test_pipeline or build/asan/tests/runner/... */
    for (int up = 4; up <= 5; up++) {
        char cand[PATH_MAX + 64], real[PATH_MAX];
        snprintf(cand, sizeof cand, "%s", self);
        for (int i = 0; i < up; i++) {
            char *s = strrchr(cand, '/');
            if (s)
                *s = '\0';
        }
        char probe[PATH_MAX + 128];
        snprintf(probe, sizeof probe, "%s/%s", cand, FIX);
        if (access(probe, R_OK) == 0 && realpath(cand, real)) {
            snprintf(g.repo, sizeof g.repo, "%s", real);
            return true;
        }
    }
    return false;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "test_pipeline: failed (%d): %s\n", rc, cmd);
    return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int group_setup(void **state)
{
    (void)state;
    if (!find_repo()) {
        fprintf(stderr, "test_pipeline: cannot find the source tree\n");
        return -1;
    }
    const char *r = g.repo;
    char need[PATH_MAX + 64];
    static const char *const built[] = {
        "build/libtg.a", "build/exercises/libworld.a",
        "build/checks/libprobe.a", "build/checks/lib/checker.o"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(need, sizeof need, "%s/%s", r, built[i]);
        if (access(need, R_OK) != 0) {
            fprintf(stderr, "test_pipeline: %s is missing: run make\n", need);
            return -1;
        }
    }
    snprintf(g.root, sizeof g.root, "/tmp/tglab-pipeline.XXXXXX");
    if (!mkdtemp(g.root) || chmod(g.root, 0755) != 0)
        return -1;
    snprintf(g.learner, sizeof g.learner, "%s/%s/learner", r, FIX);
    snprintf(g.scratch, sizeof g.scratch, "%s/scratch", g.root);
    snprintf(g.tmp, sizeof g.tmp, "%s/tmp", g.root);
    snprintf(g.cache, sizeof g.cache, "%s/cache", g.root);
    const char *o = g.root;
    const char *cc = "cc -std=c11 -D_GNU_SOURCE -O1 -g -w";
    if (sh("mkdir -p %s/core %s/exercises/00-fake %s/build/exercises "
           "%s/build/checks/00-fake %s %s",
           o, o, o, o, g.scratch, g.tmp) ||
        sh("ln -s %s/core/include %s/core/include", r, o) ||
        sh("ln -s %s/exercises/support %s/exercises/support", r, o) ||
        sh("cp %s/%s/exercise/sum_all.h %s/exercises/00-fake/", r, FIX, o) ||
        sh("ln -s %s/build/libtg.a %s/build/libtg.a", r, o) ||
        sh("ln -s %s/build/exercises/libworld.a %s/build/exercises/", r, o) ||
        sh("ln -s %s/build/checks/libprobe.a %s/build/checks/", r, o) ||
        sh("%s -I%s/core/include -I%s/exercises/support -I%s/checks/lib "
           "-I%s/exercises/00-fake -c %s/%s/exercise/sum_all.probe.c -o "
           "%s/build/checks/00-fake/sum_all.probe.o",
           cc, r, r, r, o, r, FIX, o) ||
        sh("%s -I%s/checks/lib %s/%s/exercise/sum_all.checks.c "
           "%s/build/checks/lib/checker.o -o "
           "%s/build/checks/00-fake/sum_all.checker $(pkg-config --libs "
           "cmocka jansson)",
           cc, r, r, FIX, r, o))
        return -1;
    /* The pipeline's temporary directories go here, so that a test can
     * see that none is left behind. */
    setenv("TMPDIR", g.tmp, 1);

    g.functions[0] = "sum_all";
    g.hints[0] = "Add every number.";
    g.hints[1] = "Look at the loop's bounds.";
    g.checks[0] = (manifest_check){"sums_small", 1, 0};
    g.checks[1] = (manifest_check){"sums_seeded", 2, 1};
    g.ex = (manifest_exercise){.id = EX_ID,
                               .topic = "00-fake",
                               .name = "sum_all",
                               .title = "Sum a list",
                               .file = "exercises/00-fake/sum_all.c",
                               .functions = g.functions,
                               .nfunctions = 1,
                               .hints = g.hints,
                               .nhints = 2,
                               .checks = g.checks,
                               .nchecks = 2};
    sandbox_caps caps;
    char why[512];
    if (sandbox_probe(&caps, false, why, sizeof why) != 0) {
        fprintf(stderr, "test_pipeline: %s\n", why);
        return -1;
    }
    g.ready = true;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g.root[0])
        nftw(g.root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* ---- helpers ---------------------------------------------------------- */

static pipeline_opts opts_for(sandbox_mode mode)
{
    pipeline_opts o;
    pipeline_opts_init(&o, g.root, mode);
    o.cache_dir = g.cache;
    o.run_timeout_ms = 2000;
    return o;
}

static void fixture(const char *name, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s/%s", g.learner, name);
    assert_true(n > 0 && (size_t)n < outlen);
}

/* Asserts that the pipeline's temporary directory is empty. */
static void assert_nothing_left(void)
{
    DIR *d = opendir(g.tmp);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            fail_msg("left behind: %s/%s", g.tmp, e->d_name);
    closedir(d);
}

/* Grades path with o; asserts the pipeline ran and cleaned up. */
static void grade_with(const pipeline_opts *o, const char *path,
                       pipeline_result *r)
{
    char why[512] = "";
    int rc = pipeline_check(o, &g.ex, path, r, why, sizeof why);
    if (rc != 0)
        fail_msg("pipeline_check returned %d: %s", rc, why);
    assert_nothing_left();
    /* Every result renders, and its JSON is valid. */
    char *text = pipeline_render_text(r, PIPELINE_RENDER_VERBOSE |
                                             PIPELINE_RENDER_COLOR);
    assert_non_null(text);
    free(text);
    char *js = pipeline_render_json(r);
    assert_non_null(js);
    json_error_t err;
    json_t *doc = json_loads(js, 0, &err);
    if (!doc)
        fail_msg("invalid JSON (%s): %s", err.text, js);
    json_decref(doc);
    free(js);
}

static void grade(const char *fixture_name, pipeline_result *r)
{
    char path[PATH_MAX + 64];
    fixture(fixture_name, path, sizeof path);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    grade_with(&o, path, r);
}

static const pipeline_msg *msg_with(const pipeline_result *r, const char *code)
{
    for (size_t i = 0; i < r->nmsgs; i++)
        if (strcmp(r->msgs[i].code, code) == 0)
            return &r->msgs[i];
    return NULL;
}

static const pipeline_msg *must_have(const pipeline_result *r, const char *code)
{
    const pipeline_msg *m = msg_with(r, code);
    if (!m) {
        char *t = pipeline_render_text(r, PIPELINE_RENDER_VERBOSE);
        fail_msg("no message %s in:\n%s", code, t ? t : "");
    }
    return m;
}

static const pipeline_check_result *check_named(const pipeline_result *r,
                                                const char *name)
{
    for (size_t i = 0; i < r->nchecks; i++)
        if (strcmp(r->checks[i].name, name) == 0)
            return &r->checks[i];
    fail_msg("no check %s", name);
    return NULL;
}

static void assert_contains(const char *text, const char *part)
{
    if (!text || !strstr(text, part))
        fail_msg("expected \"%s\" in: %s", part, text ? text : "(null)");
}

/* The pipeline stopped at stage with an error message of this code. */
static const pipeline_msg *
assert_stopped(const pipeline_result *r, pipeline_stage stage, const char *code)
{
    if (!r->failed || r->stage != stage) {
        char *t = pipeline_render_text(r, PIPELINE_RENDER_VERBOSE);
        fail_msg("expected a failure at %s, got stage %s (failed %d):\n%s",
                 pipeline_stage_name(stage), pipeline_stage_name(r->stage),
                 r->failed, t ? t : "");
    }
    assert_false(r->passed);
    assert_int_equal(r->nchecks, 0);
    assert_int_equal(r->points, 0);
    const pipeline_msg *m = must_have(r, code);
    assert_int_equal(m->severity, PIPELINE_ERROR);
    assert_int_equal(m->stage, stage);
    return m;
}

/* Every check ran and failed under every seed. */
static void assert_all_failed(const pipeline_result *r)
{
    assert_false(r->failed);
    assert_int_equal(r->stage, PIPELINE_STAGE_VERDICT);
    assert_int_equal(r->nchecks, 2);
    assert_false(r->passed);
    assert_int_equal(r->points, 0);
    for (size_t i = 0; i < r->nchecks; i++) {
        assert_false(r->checks[i].passed);
        assert_false(r->checks[i].flaky);
        assert_non_null(r->checks[i].message);
        assert_non_null(r->checks[i].reproduce);
    }
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static bool our_processes_alive(void);

/* ---- passing ---------------------------------------------------------- */

static void test_pipeline_correct_solution_passes(void **state)
{
    (void)state;
    char path[PATH_MAX + 64];
    fixture("correct.c", path, sizeof path);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    pipeline_result r;
    grade("correct.c", &r);
    assert_false(r.failed);
    assert_true(r.passed);
    assert_int_equal(r.stage, PIPELINE_STAGE_VERDICT);
    assert_int_equal(r.points, 3);
    assert_int_equal(r.max_points, 3);
    assert_int_equal(r.nseeds, 3);
    assert_int_equal(r.nchecks, 2);
    assert_string_equal(r.checks[0].name, "sums_small");
    assert_string_equal(r.checks[1].name, "sums_seeded");
    for (size_t i = 0; i < 2; i++) {
        const pipeline_check_result *c = &r.checks[i];
        assert_true(c->passed);
        assert_false(c->flaky);
        assert_null(c->message);
        assert_null(c->reproduce);
        assert_null(c->trace_json); /* nothing failed: no timeline */
        assert_int_equal(c->nseeds, 3);
        for (size_t s = 0; s < 3; s++) {
            assert_true(c->seeds[s].passed);
            assert_int_equal(c->seeds[s].seed, s + 1);
            assert_int_equal(c->seeds[s].run, PIPELINE_RUN_OK);
        }
    }
    assert_int_equal(r.checks[1].points, 2);
    assert_int_equal(r.checks[1].hint, 1);
    assert_string_equal(r.checks[1].hint_text, "Look at the loop's bounds.");
    assert_true(r.isolated); /* bubblewrap works on the test machines */
    for (size_t i = 0; i < r.nmsgs; i++)
        assert_int_not_equal(r.msgs[i].severity, PIPELINE_ERROR);
    char *text = pipeline_render_text(&r, 0);
    assert_contains(text, EX_ID ": 2 of 2 checks pass (3/3 points; seeds 1, "
                                "2, 3)");
    assert_contains(text, "PASS  sums_small");
    assert_null(strchr(text, '\033'));
    free(text);
    /* The learner's file is read, never touched. */
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    assert_int_equal(before.st_size, after.st_size);
    pipeline_result_free(&r);
}

static void test_pipeline_warning_is_a_hint(void **state)
{
    (void)state;
    pipeline_result r;
    grade("warning.c", &r);
    assert_true(r.passed);
    const pipeline_msg *m = must_have(&r, "compile.warning");
    assert_int_equal(m->severity, PIPELINE_WARNING);
    assert_int_equal(m->line, 7);
    assert_int_equal(m->col, 9);
    assert_contains(m->text, "unused variable 'unused'");
    assert_contains(m->text, "[-Wunused-variable]");
    assert_contains(m->explain, "declared but never used");
    assert_contains(m->source, "int unused;");
    assert_contains(m->file, "learner/warning.c");
    char *text = pipeline_render_text(&r, 0);
    assert_contains(text, "hints from the compiler");
    assert_contains(text, "warning.c:7:9: warning: unused variable");
    free(text);
    pipeline_result_free(&r);
}

/* ---- compile errors --------------------------------------------------- */

static void test_pipeline_syntax_error_has_file_and_line(void **state)
{
    (void)state;
    pipeline_result r;
    grade("syntax.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_COMPILE, "compile.error");
    char path[PATH_MAX + 64];
    fixture("syntax.c", path, sizeof path);
    assert_string_equal(m->file, path);
    assert_int_equal(m->line, 7);
    assert_true(m->col > 0);
    assert_contains(m->text, "expected ';'");
    assert_contains(m->explain, "semicolon is missing");
    assert_contains(m->source, "sum += xs[i]");
    char *text = pipeline_render_text(&r, 0);
    assert_contains(text, "does not compile");
    assert_contains(text, "syntax.c:7:");
    assert_contains(text, "    7 | ");
    free(text);
    pipeline_result_free(&r);
}

static void test_pipeline_wrong_signature_points_at_the_prototype(void **state)
{
    (void)state;
    pipeline_result r;
    grade("signature.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_COMPILE, "compile.error");
    assert_contains(m->text, "conflicting types for 'sum_all'");
    assert_int_equal(m->line, 4);
    assert_string_equal(m->symbol, "sum_all");
    assert_contains(m->explain, "does not match its declaration");
    /* The note says where the prototype is, as the learner knows it. */
    const pipeline_msg *note = must_have(&r, "compile.note");
    assert_string_equal(note->file, "exercises/00-fake/sum_all.h");
    assert_int_equal(note->line, 12);
    assert_contains(note->text, "previous declaration of 'sum_all'");
    pipeline_result_free(&r);
}

static void test_pipeline_include_of_absolute_path_fails(void **state)
{
    (void)state;
    pipeline_result r;
    grade("include_abs.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_COMPILE, "compile.error");
    assert_contains(m->text, "/etc/passwd: No such file or directory");
    assert_int_equal(m->line, 2);
    assert_contains(m->explain, "absolute paths");
    /* Not a byte of the host's file reached the messages. */
    for (size_t i = 0; i < r.nmsgs; i++) {
        assert_null(strstr(r.msgs[i].text, "root:"));
        assert_null(strstr(r.msgs[i].text, "/bin/"));
    }
    pipeline_result_free(&r);
}

/* ---- the symbol check ------------------------------------------------- */

static void test_pipeline_missing_function(void **state)
{
    (void)state;
    pipeline_result r;
    grade("missing.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.missing-function");
    assert_string_equal(m->text, "your file must define sum_all(...)");
    assert_string_equal(m->symbol, "sum_all");
    assert_contains(m->explain, "exercises/00-fake/sum_all.h");
    assert_contains(m->explain, "long sum_all(const int *xs, size_t n);");
    pipeline_result_free(&r);
}

static void test_pipeline_main_is_refused(void **state)
{
    (void)state;
    pipeline_result r;
    grade("main.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.main");
    assert_string_equal(m->text, "your file defines `main`; the exercise "
                                 "only asks for sum_all");
    assert_string_equal(m->symbol, "main");
    char *text = pipeline_render_text(&r, 0);
    assert_contains(text, "refused before it runs");
    free(text);
    pipeline_result_free(&r);
}

static void test_pipeline_probe_only_names_are_refused(void **state)
{
    (void)state;
    pipeline_result r;
    grade("probe_only.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.probe-only");
    assert_contains(m->text, "belongs to the grader's probe");
    assert_true(!strcmp(m->symbol, "world_reset") ||
                !strcmp(m->symbol, "probe_obs_int"));
    assert_int_equal(r.points, 0);
    pipeline_result_free(&r);
}

static void test_pipeline_constructor_is_refused(void **state)
{
    (void)state;
    pipeline_result r;
    grade("constructor.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.constructor");
    assert_contains(m->text, ".init_array");
    assert_contains(m->explain, "__attribute__((constructor))");
    pipeline_result_free(&r);
}

static void test_pipeline_asm_init_array_is_refused(void **state)
{
    (void)state;
    pipeline_result r;
    grade("asm_ctor.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.constructor");
    assert_contains(m->text, ".mydata");
    pipeline_result_free(&r);
}

static void test_pipeline_ifunc_is_refused(void **state)
{
    (void)state;
    pipeline_result r;
    grade("ifunc.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.ifunc");
    assert_string_equal(m->symbol, "sum_all");
    pipeline_result_free(&r);
}

static void test_pipeline_redefined_libtg_is_refused(void **state)
{
    (void)state;
    pipeline_result r;
    grade("redefine_tg.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.foreign");
    assert_string_equal(m->text,
                        "your file redefines `tg_error_new_at` from libtg");
    assert_string_equal(m->symbol, "tg_error_new_at");
    pipeline_result_free(&r);
}

static void test_pipeline_redefined_cmocka_is_refused(void **state)
{
    (void)state;
    pipeline_result r;
    grade("redefine_cmocka.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.foreign");
    assert_string_equal(m->text, "your file redefines `_assert_int_equal` "
                                 "from cmocka (the test framework)");
    pipeline_result_free(&r);
}

static void test_pipeline_helper_must_be_static(void **state)
{
    (void)state;
    pipeline_result r;
    grade("helper.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_SYMBOLS, "symbols.extra");
    assert_string_equal(m->symbol, "add_one");
    assert_contains(m->explain, "write `static` before `add_one`");
    pipeline_result_free(&r);
}

/* ---- runs that go wrong ----------------------------------------------- */

static void test_pipeline_exit_inside_the_function_fails(void **state)
{
    (void)state;
    pipeline_result r;
    grade("exit.c", &r);
    assert_all_failed(&r);
    const pipeline_check_result *c = check_named(&r, "sums_small");
    assert_int_equal(c->failing_seed, 1);
    assert_int_equal(c->seeds[0].run, PIPELINE_RUN_BAD_REPORT);
    assert_contains(c->crash, "exit()");
    assert_string_equal(c->reproduce, "lab check " EX_ID " --seed 1");
    pipeline_result_free(&r);
}

static void test_pipeline_fake_banner_fails(void **state)
{
    (void)state;
    pipeline_result r;
    grade("banner.c", &r);
    assert_all_failed(&r);
    const pipeline_check_result *c = check_named(&r, "sums_small");
    assert_int_equal(c->seeds[0].run, PIPELINE_RUN_OK);
    assert_contains(c->message, "returned -1");
    /* What it printed is its output, shown as such, nothing more. */
    assert_contains(c->output, "[  PASSED  ] 2 test(s).");
    assert_contains(c->output, "@@tglab-frame-begin small:1@@");
    pipeline_result_free(&r);
}

static void test_pipeline_infinite_loop_times_out(void **state)
{
    (void)state;
    char path[PATH_MAX + 64];
    fixture("loop.c", path, sizeof path);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    o.run_timeout_ms = 300;
    o.jobs = 2; /* the six runs time out two at a time */
    pipeline_result r;
    grade_with(&o, path, &r);
    assert_all_failed(&r);
    for (size_t i = 0; i < r.nchecks; i++) {
        for (size_t s = 0; s < r.checks[i].nseeds; s++)
            assert_int_equal(r.checks[i].seeds[s].run, PIPELINE_RUN_TIMEOUT);
        assert_contains(r.checks[i].crash, "did not finish within 300 ms");
    }
    pipeline_result_free(&r);
}

/* Runs side by side in one probe each hold their own pipes only: no run
 * can read, or reopen for writing, another one's report. */
static void test_pipeline_parallel_runs_hold_only_their_own_pipes(void **state)
{
    (void)state;
    char path[PATH_MAX + 64];
    fixture("apart.c", path, sizeof path);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    o.jobs = 3; /* six runs, three at once */
    pipeline_result r;
    grade_with(&o, path, &r);
    if (!r.passed) {
        char *t = pipeline_render_text(&r, PIPELINE_RENDER_VERBOSE);
        fail_msg("a run held another run's pipe:\n%s", t ? t : "");
    }
    pipeline_result_free(&r);
}

static void test_pipeline_fork_balloon_and_flood_fail_cleanly(void **state)
{
    (void)state;
    static const char *const files[] = {"forkbomb.c", "balloon.c", "flood.c"};
    for (size_t i = 0; i < 3; i++) {
        char path[PATH_MAX + 64];
        fixture(files[i], path, sizeof path);
        pipeline_opts o = opts_for(SANDBOX_LEARNER);
        o.run_timeout_ms = 500;
        o.jobs = 3; /* six runs, three at once */
        pipeline_result r;
        grade_with(&o, path, &r);
        assert_all_failed(&r);
        pipeline_result_free(&r);
    }
    /* Nothing the fork loop started is left. */
    for (int k = 0; k < 100 && our_processes_alive(); k++)
        usleep(10000);
    assert_false(our_processes_alive());
}

static void test_pipeline_crash_names_the_signal(void **state)
{
    (void)state;
    pipeline_result r;
    grade("crash.c", &r);
    assert_all_failed(&r);
    const pipeline_check_result *c = check_named(&r, "sums_seeded");
    assert_int_equal(c->seeds[0].run, PIPELINE_RUN_CRASHED);
    assert_int_equal(c->seeds[0].signal, 11);
    assert_contains(c->crash, "crashed with SIGSEGV");
    pipeline_result_free(&r);
}

static void test_pipeline_flaky_pass_is_reported(void **state)
{
    (void)state;
    pipeline_result r;
    grade("flaky.c", &r);
    assert_false(r.failed);
    assert_false(r.passed);
    assert_int_equal(r.points, 1);
    const pipeline_check_result *small = check_named(&r, "sums_small");
    assert_true(small->passed);
    const pipeline_check_result *c = check_named(&r, "sums_seeded");
    assert_false(c->passed);
    assert_true(c->flaky);
    assert_int_equal(c->failing_seed, 2);
    assert_true(c->seeds[0].passed);
    assert_false(c->seeds[1].passed);
    assert_true(c->seeds[2].passed);
    assert_contains(c->message, "returned 7 for 3 numbers; expected 6");
    assert_string_equal(c->reproduce, "lab check " EX_ID " --seed 2");
    /* The failing seed's run, as libtg traced it, for the Timeline. */
    assert_null(small->trace_json);
    assert_non_null(c->trace_json);
    json_t *tr = json_loads(c->trace_json, 0, NULL);
    assert_non_null(tr);
    assert_string_equal(json_string_value(json_object_get(tr, "scenario")),
                        "seeded");
    assert_int_equal(json_integer_value(json_object_get(tr, "seed")), 2);
    json_t *ev = json_array_get(json_object_get(tr, "events"), 1);
    assert_string_equal(json_string_value(json_object_get(ev, "kind")),
                        "spawn");
    assert_string_equal(json_string_value(json_object_get(ev, "name")),
                        "learner");
    json_decref(tr);
    char why[128];
    tui_trace *tt = tui_trace_from_json(c->trace_json, why, sizeof why);
    assert_non_null(tt);
    assert_true(tt->nevents >= 5);
    tui_trace_free(tt);
    char *text = pipeline_render_text(&r, 0);
    assert_contains(text, "FLAKY sums_seeded");
    assert_contains(text, "passed under seed 1, 3 but failed under seed 2");
    free(text);
    pipeline_result_free(&r);

    /* --seed 2 reproduces it: one seed, a plain failure. */
    char path[PATH_MAX + 64];
    fixture("flaky.c", path, sizeof path);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    static const uint64_t two[] = {2};
    o.seeds = two;
    o.nseeds = 1;
    grade_with(&o, path, &r);
    assert_int_equal(r.nseeds, 1);
    c = check_named(&r, "sums_seeded");
    assert_false(c->passed);
    assert_false(c->flaky);
    pipeline_result_free(&r);
}

/* The JSON of docs/grading.md section 5.2, field by field. */
/* Without traces (the commands' text and JSON show none) the probe
 * records nothing for the Timeline, and every verdict stays the same. */
static void test_pipeline_traces_off_same_verdicts(void **state)
{
    (void)state;
    static const char *const files[] = {"flaky.c", "crash.c", "correct.c"};
    for (size_t f = 0; f < 3; f++) {
        char path[PATH_MAX + 64];
        fixture(files[f], path, sizeof path);
        pipeline_opts o = opts_for(SANDBOX_LEARNER);
        pipeline_result with, without;
        grade_with(&o, path, &with);
        o.traces = false;
        grade_with(&o, path, &without);
        assert_int_equal(with.passed, without.passed);
        assert_int_equal(with.points, without.points);
        assert_int_equal(with.nchecks, without.nchecks);
        for (size_t i = 0; i < with.nchecks; i++) {
            const pipeline_check_result *a = &with.checks[i],
                                        *b = &without.checks[i];
            assert_string_equal(a->name, b->name);
            assert_int_equal(a->passed, b->passed);
            assert_int_equal(a->flaky, b->flaky);
            assert_int_equal(a->failing_seed, b->failing_seed);
            if (a->message || b->message)
                assert_string_equal(a->message, b->message);
            for (size_t s = 0; s < a->nseeds; s++)
                assert_int_equal(a->seeds[s].run, b->seeds[s].run);
            assert_null(b->trace_json);
        }
        pipeline_result_free(&with);
        pipeline_result_free(&without);
    }
}

static void test_pipeline_json_schema(void **state)
{
    (void)state;
    pipeline_result r;
    grade("flaky.c", &r);
    char *js = pipeline_render_json(&r);
    assert_null(strchr(js, '\n')); /* one line */
    json_t *d = json_loads(js, 0, NULL);
    free(js);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_object_get(d, "schema")),
                        "tglab.check/1");
    assert_string_equal(json_string_value(json_object_get(d, "exercise")),
                        EX_ID);
    assert_string_equal(json_string_value(json_object_get(d, "stage")),
                        "verdict");
    assert_true(json_is_false(json_object_get(d, "failed")));
    assert_true(json_is_false(json_object_get(d, "passed")));
    assert_int_equal(json_integer_value(json_object_get(d, "points")), 1);
    assert_int_equal(json_integer_value(json_object_get(d, "max_points")), 3);
    assert_int_equal(json_array_size(json_object_get(d, "seeds")), 3);
    assert_true(json_is_boolean(json_object_get(d, "isolated")));
    assert_true(json_is_boolean(json_object_get(d, "cached")));
    json_t *t = json_object_get(d, "timings_ms");
    static const char *const stages[] = {"input", "compile", "symbols", "link",
                                         "probe", "verdict", "total"};
    for (size_t i = 0; i < 7; i++)
        assert_true(json_is_integer(json_object_get(t, stages[i])));
    assert_true(json_is_array(json_object_get(d, "messages")));
    json_t *checks = json_object_get(d, "checks");
    assert_int_equal(json_array_size(checks), 2);
    json_t *c = json_array_get(checks, 1);
    assert_string_equal(json_string_value(json_object_get(c, "name")),
                        "sums_seeded");
    assert_string_equal(json_string_value(json_object_get(c, "scenario")),
                        "seeded");
    assert_int_equal(json_integer_value(json_object_get(c, "points")), 2);
    assert_true(json_is_false(json_object_get(c, "passed")));
    assert_true(json_is_true(json_object_get(c, "flaky")));
    assert_int_equal(json_integer_value(json_object_get(c, "failing_seed")), 2);
    assert_string_equal(json_string_value(json_object_get(c, "reproduce")),
                        "lab check " EX_ID " --seed 2");
    assert_int_equal(json_integer_value(json_object_get(c, "hint")), 1);
    assert_string_equal(json_string_value(json_object_get(c, "hint_text")),
                        "Look at the loop's bounds.");
    static const char *const nullable[] = {"crash", "where", "output"};
    for (size_t i = 0; i < 3; i++)
        assert_true(json_is_null(json_object_get(c, nullable[i])));
    /* The trace is the TUI's, not part of the schema. */
    assert_non_null(r.checks[1].trace_json);
    assert_null(json_object_get(c, "trace"));
    assert_null(json_object_get(c, "trace_json"));
    json_t *seeds = json_object_get(c, "seeds");
    assert_int_equal(json_array_size(seeds), 3);
    json_t *s2 = json_array_get(seeds, 1);
    assert_int_equal(json_integer_value(json_object_get(s2, "seed")), 2);
    assert_true(json_is_false(json_object_get(s2, "passed")));
    assert_string_equal(json_string_value(json_object_get(s2, "run")), "ok");
    assert_int_equal(json_integer_value(json_object_get(s2, "signal")), 0);
    assert_true(json_is_string(json_object_get(s2, "message")));
    json_t *s1 = json_array_get(seeds, 0);
    assert_true(json_is_null(json_object_get(s1, "message")));
    /* A passing check has no failing seed. */
    assert_true(json_is_null(
        json_object_get(json_array_get(checks, 0), "failing_seed")));
    json_decref(d);
    pipeline_result_free(&r);

    /* A stopped pipeline: its messages, with their codes and places. */
    grade("syntax.c", &r);
    js = pipeline_render_json(&r);
    d = json_loads(js, 0, NULL);
    free(js);
    assert_string_equal(json_string_value(json_object_get(d, "stage")),
                        "compile");
    assert_true(json_is_true(json_object_get(d, "failed")));
    assert_int_equal(json_array_size(json_object_get(d, "checks")), 0);
    json_t *m = json_array_get(json_object_get(d, "messages"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "stage")),
                        "compile");
    assert_string_equal(json_string_value(json_object_get(m, "severity")),
                        "error");
    assert_string_equal(json_string_value(json_object_get(m, "code")),
                        "compile.error");
    assert_int_equal(json_integer_value(json_object_get(m, "line")), 7);
    assert_int_equal(json_integer_value(json_object_get(m, "col")), 48);
    assert_true(json_is_string(json_object_get(m, "explain")));
    assert_true(json_is_string(json_object_get(m, "source")));
    assert_true(json_is_null(json_object_get(m, "symbol")));
    json_decref(d);
    pipeline_result_free(&r);
}

static void test_pipeline_grade_mode_gives_the_same_verdicts(void **state)
{
    (void)state;
    static const char *const files[] = {"correct.c", "flaky.c", "main.c"};
    for (size_t i = 0; i < 3; i++) {
        char path[PATH_MAX + 64];
        fixture(files[i], path, sizeof path);
        pipeline_opts lo = opts_for(SANDBOX_LEARNER);
        pipeline_opts go = opts_for(SANDBOX_GRADE);
        pipeline_result a, b;
        grade_with(&lo, path, &a);
        grade_with(&go, path, &b);
        assert_int_equal(a.stage, b.stage);
        assert_int_equal(a.passed, b.passed);
        assert_int_equal(a.points, b.points);
        assert_int_equal(a.nchecks, b.nchecks);
        for (size_t k = 0; k < a.nchecks; k++) {
            assert_int_equal(a.checks[k].passed, b.checks[k].passed);
            assert_int_equal(a.checks[k].flaky, b.checks[k].flaky);
        }
        pipeline_result_free(&a);
        pipeline_result_free(&b);
    }
}

/* ---- bad inputs ------------------------------------------------------- */

static void grade_scratch(const char *name, const void *data, size_t len,
                          pipeline_result *r)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", g.scratch, name);
    write_file(path, data, len);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    grade_with(&o, path, r);
}

static void test_pipeline_empty_file(void **state)
{
    (void)state;
    pipeline_result r;
    grade_scratch("empty.c", "", 0, &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.empty");
    assert_contains(m->text, "empty.c is empty");
    assert_contains(m->explain, "sum_all()");
    pipeline_result_free(&r);
    grade_scratch("blank.c", "\n \t\n\n", 5, &r);
    assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.empty");
    pipeline_result_free(&r);
}

static void test_pipeline_binary_file(void **state)
{
    (void)state;
    static const char data[] = "int x;\n\0\x01\x02garbage";
    pipeline_result r;
    grade_scratch("binary.c", data, sizeof data, &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.binary");
    assert_contains(m->text, "a zero byte at offset 7");
    pipeline_result_free(&r);
    static const char elf[] = "\x7f"
                              "ELF\x02\x01\x01";
    grade_scratch("program.c", elf, sizeof elf - 1, &r);
    m = assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.binary");
    assert_contains(m->text, "a compiled file");
    pipeline_result_free(&r);
}

static void test_pipeline_huge_file_is_refused(void **state)
{
    (void)state;
    size_t len = 5u << 20;
    char *data = malloc(len);
    assert_non_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = i % 64 == 63 ? '\n' : ' ';
    pipeline_result r;
    grade_scratch("huge.c", data, len, &r);
    free(data);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.too-big");
    assert_contains(m->text, "is 5.0 MiB; the lab grades files up to 1.0 MiB");
    pipeline_result_free(&r);
}

static void test_pipeline_missing_file_and_directory(void **state)
{
    (void)state;
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/no-such-file.c", g.scratch);
    pipeline_result r;
    grade_with(&o, path, &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.missing");
    assert_contains(m->text, "there is no file at ");
    assert_contains(m->text, "no-such-file.c");
    pipeline_result_free(&r);
    grade_with(&o, g.scratch, &r);
    assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.not-a-file");
    pipeline_result_free(&r);
}

static void test_pipeline_non_utf8_path(void **state)
{
    (void)state;
    char src[PATH_MAX + 64], dst[PATH_MAX + 64];
    fixture("correct.c", src, sizeof src);
    /* Latin-1 e-acute and an escape sequence in the file's name. */
    snprintf(dst, sizeof dst, "%s/caf\xe9 \x1b[31mred.c", g.scratch);
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    write_file(dst, buf, n);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    pipeline_result r;
    grade_with(&o, dst, &r);
    assert_true(r.passed);
    assert_contains(r.file, "caf\\xe9 \\x1b[31mred.c");
    assert_null(strchr(r.file, '\033'));
    char *js = pipeline_render_json(&r);
    assert_contains(js, "caf\\\\xe9");
    free(js);
    pipeline_result_free(&r);
    unlink(dst);
}

static void test_pipeline_symlink_refused_in_grade_mode(void **state)
{
    (void)state;
    char src[PATH_MAX + 64], link[PATH_MAX + 64];
    fixture("correct.c", src, sizeof src);
    snprintf(link, sizeof link, "%s/link.c", g.scratch);
    unlink(link);
    assert_int_equal(symlink(src, link), 0);
    pipeline_opts o = opts_for(SANDBOX_GRADE);
    pipeline_result r;
    grade_with(&o, link, &r);
    assert_stopped(&r, PIPELINE_STAGE_INPUT, "input.symlink");
    pipeline_result_free(&r);
    /* A learner's own symlink is fine. */
    o = opts_for(SANDBOX_LEARNER);
    grade_with(&o, link, &r);
    assert_true(r.passed);
    pipeline_result_free(&r);
}

/* ---- cache, batches, errors ------------------------------------------- */

/* Sets the modification time of dir/name to t seconds after the epoch. */
static void set_mtime(const char *dir, const char *name, time_t t)
{
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static bool exists_in(const char *dir, const char *name)
{
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return lstat(path, &st) == 0;
}

static void test_pipeline_cache_skips_the_compiler(void **state)
{
    (void)state;
    char text[512];
    int n = snprintf(text, sizeof text,
                     "/* unique: %ld */\n#include \"sum_all.h\"\n"
                     "long sum_all(const int *xs, size_t n)\n{\n"
                     "    long s = 0; int w;\n"
                     "    for (size_t i = 0; i < n; i++) s += xs[i];\n"
                     "    return s;\n}\n",
                     (long)getpid());
    pipeline_result a, b;
    grade_scratch("cached.c", text, (size_t)n, &a);
    /* Age every cached object: the hit below must mark its own as used
     * (the trimming is least recently used first). */
    char objdir[160];
    snprintf(objdir, sizeof objdir, "%s/obj", g.cache);
    DIR *d = opendir(objdir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            set_mtime(objdir, e->d_name, 1000000);
    closedir(d);
    grade_scratch("cached.c", text, (size_t)n, &b);
    assert_false(a.cached);
    assert_true(b.cached);
    size_t touched = 0;
    d = opendir(objdir);
    for (struct dirent *e; (e = readdir(d));) {
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", objdir, e->d_name);
        if (e->d_name[0] != '.' && stat(p, &st) == 0 &&
            st.st_mtim.tv_sec > 1000000)
            touched++;
    }
    closedir(d);
    assert_int_equal(touched, 2); /* its .o and .diag */
    assert_true(a.passed);
    assert_true(b.passed);
    /* The warnings come back with the object. */
    assert_string_equal(must_have(&a, "compile.warning")->text,
                        must_have(&b, "compile.warning")->text);
    pipeline_result_free(&a);
    pipeline_result_free(&b);
    /* One byte more is another object. */
    text[n++] = '\n';
    grade_scratch("cached.c", text, (size_t)n, &a);
    assert_false(a.cached);
    pipeline_result_free(&a);
}

/* A stored "the sandbox works" that has gone stale (here: a bubblewrap
 * that fails its first two starts, the build's and the probe's) is
 * forgotten and tried for real, and the check goes on as if nothing had
 * been stored. */
static void test_pipeline_stale_sandbox_answer_is_tried_again(void **state)
{
    (void)state;
    char bin[160], fake[200], count[200], path[PATH_MAX * 2];
    snprintf(bin, sizeof bin, "%s/flaky-bwrap", g.root);
    snprintf(fake, sizeof fake, "%s/bwrap", bin);
    snprintf(count, sizeof count, "%s/starts", bin);
    assert_int_equal(mkdir(bin, 0755), 0);
    char script[1024];
    int n = snprintf(script, sizeof script,
                     "#!/bin/sh\n"
                     "if [ \"$(cat %s 2>/dev/null | wc -l)\" -lt 2 ]; then\n"
                     "  echo x >> %s\n"
                     "  echo 'bwrap: Creating new namespace failed' >&2\n"
                     "  exit 1\n"
                     "fi\n"
                     "exec /usr/bin/bwrap \"$@\"\n",
                     count, count);
    write_file(fake, script, (size_t)n);
    assert_int_equal(chmod(fake, 0755), 0);
    char *saved = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    snprintf(path, sizeof path, "%s:%s", bin, saved);
    setenv("PATH", path, 1);

    /* What an earlier run would have stored for this bubblewrap. */
    sandbox_caps caps;
    char why[512], facts[SANDBOX_PROBE_FACTS_MAX], file[256];
    sandbox_probe_forget(NULL);
    assert_int_equal(sandbox_probe(&caps, false, why, sizeof why), 0);
    assert_false(caps.bwrap_ok); /* its first start failed */
    assert_string_equal(caps.bwrap, fake);
    assert_true(sandbox__probe_facts(&caps, facts, sizeof facts));
    unlink(count); /* and it fails twice more */
    snprintf(file, sizeof file, "%s/%s", g.cache, SANDBOX_PROBE_CACHE_FILE);
    mkdir(g.cache, 0755);
    write_file(file, facts, strlen(facts));
    sandbox_probe_forget(NULL); /* a new process: only the file */

    pipeline_result r;
    grade("correct.c", &r);
    setenv("PATH", saved, 1);
    free(saved);
    sandbox_probe_forget(NULL);
    assert_true(r.passed);
    assert_true(r.isolated); /* the third start, under bubblewrap */
    pipeline_result_free(&r);
    /* The trial that found it working stored that again. */
    char back[SANDBOX_PROBE_FACTS_MAX + 1];
    int fd = open(file, O_RDONLY);
    assert_true(fd >= 0);
    ssize_t got = read(fd, back, sizeof back - 1);
    close(fd);
    assert_true(got > 0);
    back[got] = '\0';
    assert_string_equal(back, facts);
    unlink(file);
    unlink(fake);
    unlink(count);
    rmdir(bin);
}

/* A cache directory keeps its most recently used entries, counting an
 * entry's newest file, and drops only names it owns. */
static void test_pipeline_cache_trim_keeps_the_recently_used(void **state)
{
    (void)state;
    char dir[160];
    snprintf(dir, sizeof dir, "%s/trim", g.root);
    assert_int_equal(mkdir(dir, 0755), 0);
    char keys[10][65];
    for (int i = 0; i < 10; i++) {
        for (int k = 0; k < 64; k++)
            keys[i][k] = "0123456789abcdef"[(i * 7 + k) % 16];
        keys[i][64] = '\0';
        char name[PATH_MAX];
        snprintf(name, sizeof name, "%s/%.64s.o", dir, keys[i]);
        write_file(name, "\x7f" "ELF", 4);
        snprintf(name, sizeof name, "%s/%.64s.diag", dir, keys[i]);
        write_file(name, "", 0);
        char o[80], d[80];
        snprintf(o, sizeof o, "%.64s.o", keys[i]);
        snprintf(d, sizeof d, "%.64s.diag", keys[i]);
        set_mtime(dir, o, 1000000 + i * 100);
        set_mtime(dir, d, 1000000 + i * 100);
    }
    /* Entry 2 was used last (a hit touches its files). */
    char used[80];
    snprintf(used, sizeof used, "%.64s.diag", keys[2]);
    set_mtime(dir, used, 2000000);
    /* Not entries: someone's file, an old and a fresh temporary file, a
     * symlink with an entry's name. */
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/README", dir);
    write_file(path, "mine", 4);
    set_mtime(dir, "README", 1000);
    snprintf(path, sizeof path, "%s/%.64s.o.tmp.1.2", dir, keys[0]);
    write_file(path, "x", 1);
    char stale[120];
    snprintf(stale, sizeof stale, "%.64s.o.tmp.1.2", keys[0]);
    set_mtime(dir, stale, 1000);
    char fresh[120];
    snprintf(fresh, sizeof fresh, ".%.64s.77.0.o", keys[1]);
    snprintf(path, sizeof path, "%s/%s", dir, fresh);
    write_file(path, "x", 1);
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/%.64s.o", dir,
             "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    assert_int_equal(symlink("/etc/passwd", link), 0);

    /* A probe program of the quick link, used before everything else. */
    char prog[PATH_MAX], psyms[PATH_MAX];
    const char *pkey =
        "0123012301230123012301230123012301230123012301230123012301230123";
    snprintf(prog, sizeof prog, "%s/%s.probe", dir, pkey);
    snprintf(psyms, sizeof psyms, "%s/%s.syms", dir, pkey);
    write_file(prog, "x", 1);
    write_file(psyms, "x\n", 2);
    set_mtime(dir, prog + strlen(dir) + 1, 500000);
    set_mtime(dir, psyms + strlen(dir) + 1, 500000);

    /* At the limit (12 entries, counting the link): nothing goes. */
    pipeline__cache_trim(dir, 12);
    assert_true(exists_in(dir, stale));
    for (int i = 0; i < 10; i++) {
        char o[80];
        snprintf(o, sizeof o, "%.64s.o", keys[i]);
        assert_true(exists_in(dir, o));
    }

    pipeline__cache_trim(dir, 4);
    for (int i = 0; i < 10; i++) {
        char o[80], d[80];
        snprintf(o, sizeof o, "%.64s.o", keys[i]);
        snprintf(d, sizeof d, "%.64s.diag", keys[i]);
        bool keep = i == 2 || i >= 7;
        if (exists_in(dir, o) != keep || exists_in(dir, d) != keep)
            fail_msg("entry %d: expected %s", i, keep ? "kept" : "removed");
    }
    assert_false(exists_in(dir, prog + strlen(dir) + 1)); /* the oldest */
    assert_false(exists_in(dir, psyms + strlen(dir) + 1));
    assert_true(exists_in(dir, "README"));
    assert_false(exists_in(dir, stale));
    assert_true(exists_in(dir, fresh));
    assert_true(exists_in(dir, link + strlen(dir) + 1));
    assert_non_null(realpath("/etc/passwd", path)); /* not followed */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The quick link (a shared library and the cached probe program) and
 * the full link give the same verdicts. */
static void test_pipeline_quick_link_same_verdicts(void **state)
{
    (void)state;
    static const char *const files[] = {"correct.c", "flaky.c", "crash.c",
                                        "exit.c"};
    for (size_t f = 0; f < 4; f++) {
        char path[PATH_MAX + 64];
        fixture(files[f], path, sizeof path);
        pipeline_opts o = opts_for(SANDBOX_LEARNER);
        pipeline_result quick, full;
        grade_with(&o, path, &quick);
        o.cache_dir = ""; /* no cache: the full link */
        grade_with(&o, path, &full);
        assert_int_equal(quick.passed, full.passed);
        assert_int_equal(quick.points, full.points);
        assert_int_equal(quick.nchecks, full.nchecks);
        for (size_t i = 0; i < quick.nchecks; i++) {
            const pipeline_check_result *a = &quick.checks[i],
                                        *b = &full.checks[i];
            assert_int_equal(a->passed, b->passed);
            assert_int_equal(a->failing_seed, b->failing_seed);
            if (a->message || b->message)
                assert_string_equal(a->message, b->message);
            if (a->crash || b->crash)
                assert_string_equal(a->crash, b->crash);
            for (size_t s = 0; s < a->nseeds; s++) {
                assert_int_equal(a->seeds[s].run, b->seeds[s].run);
                assert_int_equal(a->seeds[s].signal, b->seeds[s].signal);
            }
        }
        pipeline_result_free(&quick);
        pipeline_result_free(&full);
    }
}

/* An ordinary file takes the quick link when there is a cache, and the
 * full link without one. */
static void test_pipeline_quick_link_is_used(void **state)
{
    (void)state;
    char path[PATH_MAX + 64];
    fixture("quick.c", path, sizeof path);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    pipeline_result r;
    grade_with(&o, path, &r);
    assert_true(r.passed);
    pipeline_result_free(&r);
    o.cache_dir = "";
    grade_with(&o, path, &r);
    assert_false(r.passed);
    pipeline_result_free(&r);
}

/* A name the probe program cannot give the library (a libgcc.a helper),
 * or an exercise function a library would not export (hidden), means the
 * full link, which passes; a name nothing defines gets the linker's own
 * message, with the line. */
static void test_pipeline_quick_link_falls_back(void **state)
{
    (void)state;
    pipeline_result r;
    static const char *const passing[] = {"wide.c", "hidden.c"};
    for (size_t i = 0; i < 2; i++) {
        grade(passing[i], &r);
        if (!r.passed) {
            char *t = pipeline_render_text(&r, PIPELINE_RENDER_VERBOSE);
            fail_msg("%s should pass:\n%s", passing[i], t ? t : "");
        }
        pipeline_result_free(&r);
    }
    grade("undefined.c", &r);
    const pipeline_msg *m =
        assert_stopped(&r, PIPELINE_STAGE_LINK, "link.undefined");
    assert_string_equal(m->symbol, "add_one_more");
    assert_contains(m->file, "undefined.c");
    assert_int_equal(m->line, 12);
    pipeline_result_free(&r);
}

static int done_count;

static void on_done(pipeline_job *job, void *ud)
{
    assert_ptr_equal(ud, &done_count);
    assert_int_equal(job->rc, 0);
    done_count++;
}

static void test_pipeline_batch_grades_each_job(void **state)
{
    (void)state;
    static const char *const files[] = {"correct.c", "syntax.c", "main.c",
                                        "flaky.c"};
    char paths[4][PATH_MAX + 64];
    pipeline_job jobs[5];
    memset(jobs, 0, sizeof jobs);
    for (size_t i = 0; i < 4; i++) {
        fixture(files[i], paths[i], sizeof paths[i]);
        jobs[i].ex = &g.ex;
        jobs[i].file = paths[i];
    }
    jobs[4].ex = &g.ex;
    jobs[4].file = "/nonexistent/file.c";
    pipeline_opts o = opts_for(SANDBOX_GRADE);
    o.jobs = 2;
    char why[512] = "";
    done_count = 0;
    assert_int_equal(pipeline_check_batch(&o, jobs, 5, on_done, &done_count,
                                          why, sizeof why),
                     0);
    assert_int_equal(done_count, 5);
    assert_true(jobs[0].result.passed);
    assert_int_equal(jobs[1].result.stage, PIPELINE_STAGE_COMPILE);
    assert_int_equal(jobs[2].result.stage, PIPELINE_STAGE_SYMBOLS);
    assert_true(check_named(&jobs[3].result, "sums_seeded")->flaky);
    assert_non_null(msg_with(&jobs[4].result, "input.missing"));
    for (size_t i = 0; i < 5; i++)
        pipeline_result_free(&jobs[i].result);
    assert_nothing_left();
}

static void test_pipeline_internal_errors_say_lab_error(void **state)
{
    (void)state;
    char path[PATH_MAX + 64];
    fixture("correct.c", path, sizeof path);
    pipeline_opts o = opts_for(SANDBOX_LEARNER);
    o.checks_dir = "/nonexistent/checks";
    pipeline_result r;
    char why[512] = "";
    assert_int_equal(pipeline_check(&o, &g.ex, path, &r, why, sizeof why), -1);
    assert_contains(why, "lab: error: the checks directory "
                         "/nonexistent/checks does not exist");
    pipeline_result_free(&r);
    /* An exercise the checker does not know. */
    manifest_exercise other = g.ex;
    other.id = "00-fake/unknown";
    o = opts_for(SANDBOX_LEARNER);
    assert_int_equal(pipeline_check(&o, &other, path, &r, why, sizeof why), -1);
    assert_contains(why, "lab: error: this exercise's checker is not built");
    assert_contains(why, "run 'make'");
    pipeline_result_free(&r);
    assert_nothing_left();
}

/* ---- cancellation (lab watch: a new save while a check runs) ---------- */

typedef struct cancel_job {
    pipeline_opts o;
    const char *path;
    uint64_t after_ms;
    int rc;
    char why[512];
    pipeline_result r;
} cancel_job;

static tg_result check_task(void *arg)
{
    cancel_job *j = arg;
    j->rc = pipeline_check(&j->o, &g.ex, j->path, &j->r, j->why, sizeof j->why);
    return tg_return(NULL);
}

static tg_result cancel_main(void *arg)
{
    cancel_job *j = arg;
    tg_group *grp = tg_group_new();
    tg_task *t = tg_spawn(grp, check_task, j);
    tg_error_unref(tg_sleep(j->after_ms));
    tg_task_cancel(t);
    tg_error_unref(tg_group_wait(grp));
    tg_group_free(grp);
    return tg_return(NULL);
}

/* True while a process's command line mentions our temporary tree. */
static bool our_processes_alive(void)
{
    DIR *d = opendir("/proc");
    bool alive = false;
    for (struct dirent *e; d && !alive && (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[8192];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        for (size_t i = 0; i < n; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
        buf[n] = '\0';
        alive = strstr(buf, g.tmp) != NULL;
    }
    if (d)
        closedir(d);
    return alive;
}

static void test_pipeline_cancel_stops_everything(void **state)
{
    (void)state;
    char path[PATH_MAX + 64];
    fixture("loop.c", path, sizeof path);
    /* During the build, then during the probe's (endless) runs. */
    static const uint64_t after[] = {20, 1500};
    for (size_t i = 0; i < 2; i++) {
        cancel_job j = {
            .o = opts_for(SANDBOX_LEARNER), .path = path, .after_ms = after[i]};
        j.o.cache_dir = ""; /* compile for real every time */
        j.o.run_timeout_ms = 20000;
        tg_options to = {.stack_size = 1u << 20};
        tg_result res = tg_run(cancel_main, &j, &to);
        assert_null(res.error);
        assert_int_equal(j.rc, PIPELINE_CANCELLED);
        assert_contains(j.why, "cancelled");
        if (i == 1)
            assert_int_equal(j.r.stage, PIPELINE_STAGE_PROBE);
        pipeline_result_free(&j.r);
        assert_nothing_left();
        /* The kill is sent at once; give the kernel a moment to reap. */
        for (int k = 0; k < 100 && our_processes_alive(); k++)
            usleep(10000);
        assert_false(our_processes_alive());
    }
}

/* ---- pure parts, on canned input ---------------------------------------- */

static const char *const SECTIONS =
    "There are 3 section headers, starting at offset 0x100:\n\n"
    "Section Headers:\n"
    "  [Nr] Name              Type            Address          Off    Size "
    "  ES Flg Lk Inf Al\n"
    "  [ 0]                   NULL            0000000000000000 000000 000000 "
    "00      0   0  0\n"
    "  [ 1] .text             PROGBITS        0000000000000000 000040 00001b "
    "00  AX  0   0  1\n"
    "Key to Flags:\n  W (write)\n\n";

static bool symbols(const char *syms, pipeline_result *r)
{
    static const char *const fns[] = {"send_all"};
    char text[8192];
    snprintf(text, sizeof text,
             "%sSymbol table '.symtab' contains 3 entries:\n"
             "   Num:    Value          Size Type    Bind   Vis      Ndx Name\n"
             "     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND \n"
             "%s",
             SECTIONS, syms);
    memset(r, 0, sizeof *r);
    return pipeline__symbols_check(text, fns, 1, "send_all.o",
                                   "int send_all(const char **to,\n"
                                   "             size_t n);\n",
                                   "exercises/x/send_all.h", r);
}

/* What the quick link needs to know from readelf: the names used and not
 * defined, and whether a definition would stay hidden in a library. */
static void test_pipeline_symbols_needed(void **state)
{
    (void)state;
    static const char out[] =
        "Section Headers:\n"
        "  [Nr] Name Type Address Off Size ES Flg Lk Inf Al\n"
        "  [ 1] .text PROGBITS 0000000000000000 000040 000010 00 AX 0 0 "
        "16\n"
        "\n"
        "Symbol table '.symtab' contains 6 entries:\n"
        "   Num:    Value          Size Type    Bind   Vis      Ndx Name\n"
        "     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND \n"
        "     1: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS x.c\n"
        "     2: 0000000000000000    16 FUNC    LOCAL  HIDDEN     1 helper\n"
        "     3: 0000000000000010    16 FUNC    GLOBAL DEFAULT    1 "
        "send_all\n"
        "     4: 0000000000000000     0 NOTYPE  GLOBAL DEFAULT  UND "
        "tg_spawn\n"
        "     5: 0000000000000000     0 NOTYPE  WEAK   DEFAULT  UND "
        "maybe\n"
        "     6: 0000000000000000     0 NOTYPE  GLOBAL DEFAULT  UND "
        "_GLOBAL_OFFSET_TABLE_\n";
    size_t n;
    bool unexported = true;
    char **names = pipeline__symbols_needed(out, &n, &unexported);
    assert_non_null(names);
    assert_false(unexported); /* the header row and LOCALs do not count */
    assert_int_equal(n, 2);   /* the weak reference may stay unresolved */
    assert_string_equal(names[0], "tg_spawn");
    assert_string_equal(names[1], "_GLOBAL_OFFSET_TABLE_");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);

    char hidden[sizeof out + 128];
    snprintf(hidden, sizeof hidden, "%s", out);
    char *d = strstr(hidden, "GLOBAL DEFAULT    1 send_all");
    assert_non_null(d);
    memcpy(d, "GLOBAL HIDDEN ", 14);
    names = pipeline__symbols_needed(hidden, &n, &unexported);
    assert_true(unexported);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void test_pipeline_symbols_rules(void **state)
{
    (void)state;
    pipeline_result r;
    const char *fn = "     1: 0000000000000000    16 FUNC    GLOBAL DEFAULT "
                     "   1 send_all\n";
    assert_true(symbols(fn, &r));
    assert_int_equal(r.nmsgs, 0);
    pipeline_result_free(&r);

    char two[512];
    snprintf(two, sizeof two,
             "%s     2: 0000000000000000     4 OBJECT  GLOBAL DEFAULT    3 "
             "counter\n",
             fn);
    assert_false(symbols(two, &r));
    assert_non_null(msg_with(&r, "symbols.global-variable"));
    pipeline_result_free(&r);

    snprintf(two, sizeof two,
             "%s     2: 0000000000000000     4 OBJECT  GLOBAL DEFAULT  COM "
             "counter\n",
             fn);
    assert_false(symbols(two, &r));
    assert_non_null(msg_with(&r, "symbols.global-variable"));
    pipeline_result_free(&r);

    /* static send_all: it exists, but nobody can call it. */
    assert_false(symbols("     1: 0000000000000000    16 FUNC    LOCAL  "
                         "DEFAULT    1 send_all\n",
                         &r));
    assert_non_null(msg_with(&r, "symbols.static-function"));
    pipeline_result_free(&r);

    /* Missing: the prototype comes from the header, on one line. */
    assert_false(symbols("", &r));
    const pipeline_msg *m = msg_with(&r, "symbols.missing-function");
    assert_non_null(m);
    assert_contains(m->explain, "int send_all(const char **to, size_t n);");
    pipeline_result_free(&r);

    /* Undefined references are what the object uses: fine. */
    snprintf(two, sizeof two,
             "%s     2: 0000000000000000     0 NOTYPE  GLOBAL DEFAULT  UND "
             "malloc\n",
             fn);
    assert_true(symbols(two, &r));
    pipeline_result_free(&r);

    snprintf(two, sizeof two,
             "%s     2: 0000000000000000    10 FUNC    GLOBAL DEFAULT    1 "
             "free\n",
             fn);
    assert_false(symbols(two, &r));
    assert_string_equal(msg_with(&r, "symbols.foreign")->text,
                        "your file redefines `free` from the C library");
    pipeline_result_free(&r);

    snprintf(two, sizeof two,
             "%s     2: 0000000000000000    10 FUNC    GLOBAL DEFAULT    1 "
             "__asan_report_load4\n",
             fn);
    assert_false(symbols(two, &r));
    assert_contains(msg_with(&r, "symbols.foreign")->text, "sanitizers");
    pipeline_result_free(&r);
}

static void test_pipeline_symbols_parser_fails_closed(void **state)
{
    (void)state;
    static const char *const fns[] = {"send_all"};
    pipeline_result r;
    static const char *const bad[] = {
        "",
        "garbage\n",
        /* sections only: no symbol table at all */
        "Section Headers:\n  [ 1] .text PROGBITS 0 40 1b 00 AX 0 0 1\n",
    };
    for (size_t i = 0; i < 3; i++) {
        memset(&r, 0, sizeof r);
        assert_false(
            pipeline__symbols_check(bad[i], fns, 1, "x.o", NULL, NULL, &r));
        assert_non_null(msg_with(&r, "symbols.unreadable"));
        pipeline_result_free(&r);
    }
    /* A symbol line of an unexpected shape refuses the object. */
    assert_false(symbols("     1: 0000000000000000    16 FUNC    GLOBAL "
                         "<OS specific>: 0xff   1 send_all\n",
                         &r));
    assert_non_null(msg_with(&r, "symbols.unreadable"));
    pipeline_result_free(&r);
}

static void test_pipeline_diag_parses_gcc_output(void **state)
{
    (void)state;
    static const char out[] =
        "a.c: In function 'unused_fn':\n"
        "a.c:3:38: error: expected ';' before '}' token\n"
        "a.c:3:27: warning: unused variable 'x' [-Wunused-variable]\n"
        "a.c: At top level:\n"
        "a.c:4:5: error: conflicting types for 'send_all'; have "
        "'int(const char **)'\n"
        "In file included from <command-line>:\n"
        "./h.h:3:5: note: previous declaration of 'send_all' with type "
        "'int(const char **, long unsigned int)'\n"
        "a.c:4:80: error: implicit declaration of function 'tg_spwn'; did "
        "you mean 'tg_spawn'? [-Werror=implicit-function-declaration]\n"
        "cc1: some warnings being treated as errors\n"
        "cc1: error: unrecognized command-line option '-Wbogus'\n"
        "some stray line without a colon\n";
    diag_list l;
    assert_int_equal(diag_parse(out, sizeof out - 1, &l), 0);
    assert_int_equal(l.n, 6);
    assert_int_equal(l.other_lines, 2);
    assert_string_equal(l.items[0].file, "a.c");
    assert_int_equal(l.items[0].line, 3);
    assert_int_equal(l.items[0].col, 38);
    assert_int_equal(l.items[0].kind, DIAG_ERROR);
    assert_string_equal(l.items[0].function, "unused_fn");
    assert_string_equal(l.items[1].option, "-Wunused-variable");
    assert_string_equal(l.items[1].message, "unused variable 'x'");
    assert_null(l.items[2].function);
    assert_int_equal(l.items[3].kind, DIAG_NOTE);
    assert_string_equal(l.items[3].file, "./h.h");
    assert_string_equal(l.items[4].option,
                        "-Werror=implicit-function-declaration");
    assert_null(l.items[5].file); /* cc1: */
    char *e = diag_explain(&l.items[4]);
    assert_contains(e, "`tg_spwn` is called, but nothing declared it");
    free(e);
    e = diag_explain(&l.items[0]);
    assert_contains(e, "semicolon is missing");
    free(e);
    diag_list_free(&l);
}

static pipeline__run run_for(const char *sc, uint64_t seed)
{
    return (pipeline__run){.scenario = sc, .seed = seed};
}

static void free_runs(pipeline__run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(runs[i].stderr_tail);
        free(runs[i].note);
        free(runs[i].trace);
        json_decref(runs[i].frame);
    }
}

#define FRAME(sc, seed, body)                                                  \
    "@@tglab-frame-begin " sc ":" #seed "@@\n" body "\n@@tglab-frame-end@@\n"
#define OK_BODY(sc, seed)                                                      \
    "{\"scenario\":\"" sc "\",\"seed\":" #seed ",\"status\":\"ok\","           \
    "\"signal\":0,\"exit\":0,\"stderr\":\"hi\\n\",\"obs\":{\"x\":1}}"

static void test_pipeline_frames_are_validated(void **state)
{
    (void)state;
    pipeline__run runs[6] = {run_for("a", 1), run_for("a", 2), run_for("b", 1),
                             run_for("b", 2), run_for("c", 1), run_for("c", 2)};
    static const char out[] = "noise before\n" FRAME("a", 1, OK_BODY("a", 1))
        /* a:2 claims to be a:3 inside */
        FRAME("a", 2, OK_BODY("a", 3))
        /* b:1 twice: neither is trusted */
        FRAME("b", 1, OK_BODY("b", 1)) FRAME("b", 1, OK_BODY("b", 1))
        /* b:2 garbled JSON */
        FRAME("b", 2, "{\"scenario\": ")
        /* c:1 ok but with a status we do not know */
        FRAME("c", 1,
              "{\"scenario\":\"c\",\"seed\":1,\"status\":\"passed\","
              "\"obs\":{}}")
        /* c:2 cut short by the end of the output */
        "@@tglab-frame-begin c:2@@\n{\"scenario\":\"c\"";
    assert_null(pipeline__frames_parse(
        out, sizeof out - 1, false, "the probe exited with status 0", runs, 6));
    assert_int_equal(runs[0].status, PIPELINE_RUN_OK);
    assert_string_equal(runs[0].stderr_tail, "hi\n");
    for (size_t i = 1; i < 6; i++) {
        assert_int_equal(runs[i].status, PIPELINE_RUN_BAD_REPORT);
        assert_non_null(runs[i].frame);
        assert_non_null(runs[i].note);
        /* The synthesized frame is well-formed and names its run. */
        json_t *f = runs[i].frame;
        assert_string_equal(json_string_value(json_object_get(f, "scenario")),
                            runs[i].scenario);
        assert_int_equal(json_integer_value(json_object_get(f, "seed")),
                         runs[i].seed);
        assert_true(json_is_null(json_object_get(f, "obs")));
        assert_string_equal(json_string_value(json_object_get(f, "note")),
                            runs[i].note);
    }
    free_runs(runs, 6);

    /* A probe killed by its clock: the runs without frames timed out. */
    pipeline__run two[2] = {run_for("a", 1), run_for("a", 2)};
    static const char part[] = FRAME("a", 1, OK_BODY("a", 1));
    assert_null(pipeline__frames_parse(
        part, sizeof part - 1, false,
        "the probe was stopped after 4000 ms: out of time", two, 2));
    assert_int_equal(two[0].status, PIPELINE_RUN_OK);
    assert_int_equal(two[1].status, PIPELINE_RUN_TIMEOUT);
    free_runs(two, 2);

    /* Nesting beyond the cap is refused before jansson recurses. */
    char deep[4096] = "@@tglab-frame-begin a:1@@\n";
    for (int i = 0; i < 1000; i++)
        strcat(deep, "[");
    strcat(deep, "\n@@tglab-frame-end@@\n");
    pipeline__run one = run_for("a", 1);
    assert_null(
        pipeline__frames_parse(deep, strlen(deep), false, "x", &one, 1));
    assert_int_equal(one.status, PIPELINE_RUN_BAD_REPORT);
    free_runs(&one, 1);
}

/* No control character in s (NULL is fine). */
static void assert_printable(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; c && *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            fail_msg("control character 0x%02x in \"%s\"", *c, s);
}

/* pipeline__trace_clean on text; NULL when refused. */
static char *clean_trace(const char *text)
{
    json_error_t err;
    json_t *t = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!t)
        fail_msg("bad test JSON (%s): %s", err.text, text);
    char *out = pipeline__trace_clean(t, "two_bounce", 7);
    json_decref(t);
    return out;
}

/* The trace is learner-influenced: only its known fields come through,
 * cleaned and cut; the wrong shape refuses it whole. */
static void test_pipeline_trace_is_validated(void **state)
{
    (void)state;
    char *out = clean_trace(
        "{\"scenario\": \"forged\", \"seed\": 99, \"extra\": [1, 2],"
        " \"events\": ["
        "{\"t\": 0, \"task\": 3, \"peer\": 2, \"kind\": \"spawn\","
        " \"name\": \"\\u001b[2J\\u202eevil\\nname\", \"colour\": \"red\"},"
        "{\"t\": 5, \"task\": 9, \"kind\": \"from_the_future\"},"
        "{\"t\": 20, \"task\": 3, \"kind\": \"raise\", \"peer\": null,"
        " \"error\": {\"type\": \"BounceError\", \"message\": "
        "\"\\u0007bell\\tand\\r\\ncrlf\", \"id\": 4},"
        " \"detail\": \"send\\u0000x\"}]}");
    assert_non_null(out);
    assert_string_equal(
        out,
        "{\"scenario\":\"two_bounce\",\"seed\":7,\"events\":["
        "{\"t\":0,\"task\":3,\"peer\":2,\"kind\":\"spawn\","
        "\"name\":\"\\\\x1b[2J\\\\u202eevil\\\\x0aname\"},"
        "{\"t\":20,\"task\":3,\"kind\":\"raise\",\"error\":{\"type\":"
        "\"BounceError\",\"message\":\"\\\\x07bell and\\\\x0d\\\\x0acrlf\"},"
        "\"detail\":\"send\\\\x00x\"}]}");
    /* What the TUI makes of it. */
    char why[128];
    tui_trace *t = tui_trace_from_json(out, why, sizeof why);
    assert_non_null(t);
    assert_string_equal(t->scenario, "two_bounce");
    assert_int_equal(t->seed, 7);
    assert_int_equal(t->nevents, 2);
    assert_string_equal(t->events[0].name, "\\x1b[2J\\u202eevil\\x0aname");
    for (size_t i = 0; i < t->nevents; i++) {
        assert_printable(t->events[i].name);
        assert_printable(t->events[i].error_type);
        assert_printable(t->events[i].error_msg);
        assert_printable(t->events[i].detail);
    }
    tui_trace_free(t);
    free(out);

    /* Wrong shapes: refused whole. */
    static const char *const bad[] = {
        "[]",
        "null",
        "\"events\"",
        "{}",
        "{\"events\": {}}",
        "{\"events\": [3]}",
        "{\"events\": [{\"t\": 0, \"task\": 1}]}",
        "{\"events\": [{\"t\": 0, \"task\": 1, \"kind\": 4}]}",
        "{\"events\": [{\"t\": -1, \"task\": 1, \"kind\": \"start\"}]}",
        "{\"events\": [{\"t\": 1.5, \"task\": 1, \"kind\": \"start\"}]}",
        "{\"events\": [{\"t\": \"0\", \"task\": 1, \"kind\": \"start\"}]}",
        "{\"events\": [{\"t\": 0, \"task\": 1, \"peer\": true, "
        "\"kind\": \"start\"}]}",
        "{\"events\": [{\"t\": 0, \"task\": 1, \"kind\": \"start\", "
        "\"name\": 5}]}",
        "{\"events\": [{\"t\": 0, \"task\": 1, \"kind\": \"raise\", "
        "\"error\": \"BounceError\"}]}",
        "{\"events\": [{\"t\": 0, \"task\": 1, \"kind\": \"raise\", "
        "\"error\": {\"type\": [\"x\"]}}]}",
        "{\"events\": [{\"t\": 0, \"task\": 1, \"kind\": \"start\"}, "
        "{\"kind\": \"start\", \"detail\": {}}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = clean_trace(bad[i]);
        if (out)
            fail_msg("accepted %s as %s", bad[i], out);
    }
    assert_null(pipeline__trace_clean(NULL, "a", 1));

    /* Sizes: events beyond the cap, long strings cut. */
    pipeline__buf b = {0};
    pipeline__buf_puts(&b, "{\"events\": [");
    for (int i = 0; i < 5000; i++)
        pipeline__buf_printf(&b,
                             "%s{\"t\": %d, \"task\": %d, \"kind\": "
                             "\"start\"}",
                             i ? "," : "", i, i + 1);
    pipeline__buf_puts(&b, "]}");
    out = clean_trace(b.s);
    pipeline__buf_free(&b);
    json_t *j = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(j, "events")),
                     PIPELINE__TRACE_EVENTS);
    assert_true(json_is_true(json_object_get(j, "truncated")));
    json_decref(j);
    free(out);

    char *longs = malloc(200000);
    assert_non_null(longs);
    memset(longs, 'm', 199999);
    longs[199999] = '\0';
    json_t *ev = json_pack("{s:i, s:i, s:s, s:s, s:s, s:{s:s, s:s}}", "t", 1,
                           "task", 2, "kind", "raise", "name", longs, "detail",
                           longs, "error", "type", longs, "message", longs);
    json_t *many = json_array();
    for (int i = 0; i < 1000; i++)
        json_array_append(many, ev);
    json_t *tr = json_pack("{s:o, s:b}", "events", many, "truncated", 1);
    out = pipeline__trace_clean(tr, "s", 1);
    assert_non_null(out);
    assert_true(strlen(out) < PIPELINE__TRACE_BYTES + 4096);
    j = json_loads(out, 0, NULL);
    assert_true(json_is_true(json_object_get(j, "truncated")));
    json_t *e0 = json_array_get(json_object_get(j, "events"), 0);
    const char *name = json_string_value(json_object_get(e0, "name"));
    assert_int_equal(strlen(name), PIPELINE__TRACE_NAME + 3);
    assert_string_equal(name + PIPELINE__TRACE_NAME, "...");
    const char *msg = json_string_value(
        json_object_get(json_object_get(e0, "error"), "message"));
    assert_int_equal(strlen(msg), PIPELINE__TRACE_MESSAGE + 3);
    assert_true(json_array_size(json_object_get(j, "events")) < 1000);
    json_decref(j);
    free(out);
    json_decref(tr);
    json_decref(ev);
    free(longs);

    /* In a frame: taken out of obs (the checker never sees it), kept on
     * the run; a bad one is dropped and the run stays usable. */
    pipeline__run runs[3] = {run_for("a", 1), run_for("a", 2), run_for("a", 3)};
    static const char out3[] =
        FRAME("a", 1,
              "{\"scenario\":\"a\",\"seed\":1,\"status\":\"ok\",\"obs\":"
              "{\"x\":1,\"trace\":{\"events\":[{\"t\":0,\"task\":1,"
              "\"kind\":\"start\",\"name\":\"main\"}]}}}")
            FRAME("a", 2,
                  "{\"scenario\":\"a\",\"seed\":2,\"status\":\"ok\",\"obs\":"
                  "{\"x\":1,\"trace\":{\"events\":\"lots\"}}}")
                FRAME("a", 3,
                      "{\"scenario\":\"a\",\"seed\":3,\"status\":\"ok\","
                      "\"obs\":{\"trace\":{\"events\":[]}}}")
                    FRAME("a", 3,
                          "{\"scenario\":\"a\",\"seed\":3,\"status\":\"ok\","
                          "\"obs\":{\"trace\":{\"events\":[]}}}");
    assert_null(
        pipeline__frames_parse(out3, sizeof out3 - 1, false, "x", runs, 3));
    assert_int_equal(runs[0].status, PIPELINE_RUN_OK);
    assert_string_equal(runs[0].trace,
                        "{\"scenario\":\"a\",\"seed\":1,\"events\":[{\"t\":0,"
                        "\"task\":1,\"kind\":\"start\",\"name\":\"main\"}]}");
    json_t *obs = json_object_get(runs[0].frame, "obs");
    assert_null(json_object_get(obs, "trace"));
    assert_int_equal(json_integer_value(json_object_get(obs, "x")), 1);
    assert_int_equal(runs[1].status, PIPELINE_RUN_OK);
    assert_null(runs[1].trace);
    assert_null(
        json_object_get(json_object_get(runs[1].frame, "obs"), "trace"));
    /* Two frames for one run: neither frame nor trace is kept. */
    assert_int_equal(runs[2].status, PIPELINE_RUN_BAD_REPORT);
    assert_null(runs[2].trace);
    free_runs(runs, 3);
}

static void sha(const char *data, size_t len, const char *want)
{
    pipeline__sha256 s;
    char hex[65];
    pipeline__sha256_init(&s);
    /* In uneven pieces, to cross the block boundaries. */
    for (size_t i = 0; i < len;) {
        size_t n = len - i < 7 ? len - i : 7;
        pipeline__sha256_add(&s, data + i, n);
        i += n;
    }
    pipeline__sha256_hex(&s, hex);
    assert_string_equal(hex, want);
}

static void test_pipeline_sha256_vectors(void **state)
{
    (void)state;
    sha("", 0,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha("abc", 3,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha(m, strlen(m),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    sha(a, 1000000,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_pipeline_clean_makes_text_safe(void **state)
{
    (void)state;
    const char *in = "ok \xc3\xa9 \x1b[2J\xff\x80 \xe2\x80\xae\n\tx";
    char *s = pipeline__clean(in, strlen(in), 0, true);
    /* Valid UTF-8 stays; escapes, invalid bytes and bidi overrides
     * (which reorder what a reader sees) are spelled out. */
    assert_string_equal(s, "ok \xc3\xa9 \\x1b[2J\\xff\\x80 \\u202e\n x");
    free(s);
    /* C1 controls and overlong forms are escaped too. */
    s = pipeline__clean("\xc2\x9b"
                        "31m \xc0\xaf",
                        8, 0, false);
    assert_string_equal(s, "\\xc2\\x9b31m \\xc0\\xaf");
    free(s);
    s = pipeline__clean("line\nbreak", 10, 0, false);
    assert_string_equal(s, "line\\x0abreak");
    free(s);
    s = pipeline__clean("abcdef", 6, 3, false);
    assert_string_equal(s, "abc...");
    free(s);
}

/* ---- the real exercises ------------------------------------------------- */

/* Loads exercise `id` from the repo's manifest into *ex (strings owned by
 * the returned JSON, which the caller releases).  NULL when absent. */
static json_t *real_exercise(const char *id, manifest_exercise *ex,
                             manifest_check *checks, char **fns)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/exercises/manifest.json", g.repo);
    json_t *doc = json_load_file(path, 0, NULL);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "exercises"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "id")), id) != 0)
            continue;
        memset(ex, 0, sizeof *ex);
        ex->id = (char *)json_string_value(json_object_get(e, "id"));
        json_t *f = json_object_get(e, "functions");
        for (size_t k = 0; k < json_array_size(f) && k < 4; k++)
            fns[k] = (char *)json_string_value(json_array_get(f, k));
        ex->functions = fns;
        ex->nfunctions = json_array_size(f);
        json_t *cs = json_object_get(e, "checks");
        for (size_t k = 0; k < json_array_size(cs) && k < 32; k++) {
            json_t *c = json_array_get(cs, k);
            checks[k] = (manifest_check){
                (char *)json_string_value(json_object_get(c, "name")),
                (int)json_integer_value(json_object_get(c, "points")),
                (int)json_integer_value(json_object_get(c, "hint"))};
        }
        ex->checks = checks;
        ex->nchecks = json_array_size(cs) < 32 ? json_array_size(cs) : 32;
        return doc;
    }
    json_decref(doc);
    return NULL;
}

static void test_pipeline_real_exercises(void **state)
{
    (void)state;
    static const char *const ids[] = {"01-task-groups/send_all",
                                      "06-error-groups/split_retryable"};
    for (size_t k = 0; k < 2; k++) {
        manifest_exercise ex;
        manifest_check checks[32];
        char *fns[4];
        json_t *doc = real_exercise(ids[k], &ex, checks, fns);
        char checker[PATH_MAX + 64];
        snprintf(checker, sizeof checker, "%s/build/checks/%s.checker", g.repo,
                 ids[k]);
        if (!doc || access(checker, X_OK) != 0) {
            json_decref(doc);
            fprintf(stderr, "(skipping %s: not built)\n", ids[k]);
            continue;
        }
        pipeline_opts o;
        pipeline_opts_init(&o, g.repo, SANDBOX_LEARNER);
        o.cache_dir = g.cache;
        char path[PATH_MAX + 64], why[512];
        pipeline_result r;
        /* The solution passes every check under every seed... */
        snprintf(path, sizeof path, "%s/solutions/%s.c", g.repo, ids[k]);
        assert_int_equal(pipeline_check(&o, &ex, path, &r, why, sizeof why), 0);
        if (!r.passed) {
            char *t = pipeline_render_text(&r, 0);
            fail_msg("the solution of %s does not pass:\n%s", ids[k], t);
        }
        for (size_t i = 0; i < r.nchecks; i++)
            assert_null(r.checks[i].trace_json);
        pipeline_result_free(&r);
        /* ...and the starter fails at least one, each with the trace of
         * its failing run. */
        snprintf(path, sizeof path, "%s/exercises/%s.c", g.repo, ids[k]);
        assert_int_equal(pipeline_check(&o, &ex, path, &r, why, sizeof why), 0);
        assert_false(r.passed);
        for (size_t i = 0; i < r.nchecks; i++) {
            const pipeline_check_result *c = &r.checks[i];
            bool ran = false; /* the failing run reported */
            for (size_t s = 0; s < c->nseeds; s++)
                ran = ran || (c->seeds[s].seed == c->failing_seed &&
                              c->seeds[s].run == PIPELINE_RUN_OK);
            if (c->passed || !ran)
                continue;
            assert_non_null(c->trace_json);
            json_t *tr = json_loads(c->trace_json, 0, NULL);
            assert_non_null(tr);
            assert_string_equal(
                json_string_value(json_object_get(tr, "scenario")),
                c->scenario);
            assert_int_equal(json_integer_value(json_object_get(tr, "seed")),
                             c->failing_seed);
            json_decref(tr);
            if (k == 0 && strcmp(c->scenario, "two_bounce") == 0) {
                assert_contains(c->trace_json, "\"kind\":\"abort\"");
                assert_contains(c->trace_json, "BounceError");
            }
        }
        pipeline_result_free(&r);
        json_decref(doc);
    }
    assert_nothing_left();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline_sha256_vectors),
        cmocka_unit_test(test_pipeline_clean_makes_text_safe),
        cmocka_unit_test(test_pipeline_diag_parses_gcc_output),
        cmocka_unit_test(test_pipeline_symbols_needed),
        cmocka_unit_test(test_pipeline_symbols_rules),
        cmocka_unit_test(test_pipeline_symbols_parser_fails_closed),
        cmocka_unit_test(test_pipeline_frames_are_validated),
        cmocka_unit_test(test_pipeline_trace_is_validated),
        cmocka_unit_test(test_pipeline_correct_solution_passes),
        cmocka_unit_test(test_pipeline_warning_is_a_hint),
        cmocka_unit_test(test_pipeline_syntax_error_has_file_and_line),
        cmocka_unit_test(test_pipeline_wrong_signature_points_at_the_prototype),
        cmocka_unit_test(test_pipeline_include_of_absolute_path_fails),
        cmocka_unit_test(test_pipeline_missing_function),
        cmocka_unit_test(test_pipeline_main_is_refused),
        cmocka_unit_test(test_pipeline_probe_only_names_are_refused),
        cmocka_unit_test(test_pipeline_constructor_is_refused),
        cmocka_unit_test(test_pipeline_asm_init_array_is_refused),
        cmocka_unit_test(test_pipeline_ifunc_is_refused),
        cmocka_unit_test(test_pipeline_redefined_libtg_is_refused),
        cmocka_unit_test(test_pipeline_redefined_cmocka_is_refused),
        cmocka_unit_test(test_pipeline_helper_must_be_static),
        cmocka_unit_test(test_pipeline_exit_inside_the_function_fails),
        cmocka_unit_test(test_pipeline_fake_banner_fails),
        cmocka_unit_test(test_pipeline_infinite_loop_times_out),
        cmocka_unit_test(test_pipeline_crash_names_the_signal),
        cmocka_unit_test(test_pipeline_parallel_runs_hold_only_their_own_pipes),
        cmocka_unit_test(test_pipeline_fork_balloon_and_flood_fail_cleanly),
        cmocka_unit_test(test_pipeline_flaky_pass_is_reported),
        cmocka_unit_test(test_pipeline_traces_off_same_verdicts),
        cmocka_unit_test(test_pipeline_json_schema),
        cmocka_unit_test(test_pipeline_grade_mode_gives_the_same_verdicts),
        cmocka_unit_test(test_pipeline_empty_file),
        cmocka_unit_test(test_pipeline_binary_file),
        cmocka_unit_test(test_pipeline_huge_file_is_refused),
        cmocka_unit_test(test_pipeline_missing_file_and_directory),
        cmocka_unit_test(test_pipeline_non_utf8_path),
        cmocka_unit_test(test_pipeline_symlink_refused_in_grade_mode),
        cmocka_unit_test(test_pipeline_cache_skips_the_compiler),
        cmocka_unit_test(test_pipeline_stale_sandbox_answer_is_tried_again),
        cmocka_unit_test(test_pipeline_cache_trim_keeps_the_recently_used),
        cmocka_unit_test(test_pipeline_quick_link_same_verdicts),
        cmocka_unit_test(test_pipeline_quick_link_is_used),
        cmocka_unit_test(test_pipeline_quick_link_falls_back),
        cmocka_unit_test(test_pipeline_batch_grades_each_job),
        cmocka_unit_test(test_pipeline_internal_errors_say_lab_error),
        cmocka_unit_test(test_pipeline_cancel_stops_everything),
        cmocka_unit_test(test_pipeline_real_exercises),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
