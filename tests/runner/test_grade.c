/*
 * test_grade.c -- `lab grade` and `lab gradebook` end to end on a
 * synthetic class graded by the real pipeline: a correct, a wrong, a
 * broken and a hostile student, one `lab pack` archive and one crafted
 * hostile archive.  It checks the verdicts, that the hostile student does
 * not change anyone else's grades, that a rerun skips what is unchanged,
 * that a `kill -9` in the middle and a rerun give the gradebook of an
 * uninterrupted run, that four shards merged equal one run, hidden
 * checks (and that feedback never shows them), the exports (CSV,
 * Gradescope JSON, Markdown, and the HTML report in headless Chromium),
 * the gradebook's schema migrations, archive safety, and the refusal to
 * grade without a sandbox.
 *
 * Every grading run uses one seed (--seed 1): what is tested here is the
 * bookkeeping around the pipeline, which the number of seeds does not
 * change, and the suite must stay fast on two cores.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first. */
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <signal.h>
#include <sys/wait.h>

#include "grade.h"
#include "grade_test_support.h"
#include "gradebook_internal.h"
#include "sandbox.h"
#include "sandbox_run.h"

#define SEND "01-task-groups/send_all"
#define SPLIT "06-error-groups/split_retryable"

static char ref_book[PATH_MAX * 2]; /* the class graded once, untouched */
static char *ref_dump;

/* ---- the class ---------------------------------------------------------- */

static void copy(const char *from_rel, const char *to)
{
    gt_sh("mkdir -p \"$(dirname '%s')\" && cp '%s/%s' '%s'", to, gt.repo,
          from_rel, to);
}

/* A tar.gz with hostile entries: traversal, absolute paths, a symlink and
 * a hardlink where send_all.c should be, and a good split_retryable.c
 * under a top folder. */
static int write_hostile_pack(const char *path, const char *good)
{
    struct archive *a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    if (archive_write_open_filename(a, path) != ARCHIVE_OK)
        return -1;
    struct {
        const char *name;
        int type;
        const char *link;
        const char *data;
    } entries[] = {
        {"../escape.c", AE_IFREG, NULL, "int escaped;\n"},
        {"/tmp/absolute-escape.c", AE_IFREG, NULL, "int abs;\n"},
        {"exercises/../../up.c", AE_IFREG, NULL, "int up;\n"},
        {"send_all.c", AE_IFLNK, "/etc/passwd", NULL},
        {"exercises/01-task-groups/send_all.c", AE_IFLNK,
         "../../../other/send_all.c", NULL},
        {"frank/exercises/06-error-groups/split_retryable.c", AE_IFREG, NULL,
         good},
        {"01-task-groups/send_all.c", AE_IFREG, NULL, NULL}, /* hardlink */
        {"dev-null", AE_IFCHR, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, entries[i].name);
        archive_entry_set_filetype(e, (unsigned)entries[i].type);
        archive_entry_set_perm(e, 0644);
        if (entries[i].type == AE_IFLNK)
            archive_entry_set_symlink(e, entries[i].link);
        if (i == 6)
            archive_entry_set_hardlink(e, "../escape.c");
        size_t len = entries[i].data ? strlen(entries[i].data) : 0;
        archive_entry_set_size(e, (la_int64_t)len);
        archive_write_header(a, e);
        if (len)
            archive_write_data(a, entries[i].data, len);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return 0;
}

/* The class, at dir (a fresh folder). */
static void make_class(const char *dir, bool with_hostile)
{
    char p[PATH_MAX * 2];
    gt_sh("mkdir -p '%s'", dir);
    /* alice: correct, in the flat layout, with a marker nobody else may
     * ever see. */
    snprintf(p, sizeof p, "%s/alice/send_all.c", dir);
    copy("solutions/" SEND ".c", p);
    gt_sh("echo '/* SECRET-MARKER-alice */' >> '%s'", p);
    snprintf(p, sizeof p, "%s/alice/split_retryable.c", dir);
    copy("solutions/" SPLIT ".c", p);
    /* bob: the starters (wrong), in the lab's own layout. */
    snprintf(p, sizeof p, "%s/bob/exercises/%s.c", dir, SEND);
    copy("exercises/" SEND ".c", p);
    snprintf(p, sizeof p, "%s/bob/exercises/%s.c", dir, SPLIT);
    copy("exercises/" SPLIT ".c", p);
    if (!with_hostile)
        return;
    /* carol: does not compile. */
    snprintf(p, sizeof p, "%s/carol/%s.c", dir, SEND);
    gt_write(p, "#include \"send_all.h\"\nint broken(\n");
    /* dave: hostile: exits 0 mid-test; balloons memory; a symlink. */
    snprintf(p, sizeof p, "%s/dave/send_all.c", dir);
    copy("tests/attacks/exit_zero.c", p);
    snprintf(p, sizeof p, "%s/dave/split_retryable.c", dir);
    copy("tests/attacks/memory_balloon.c", p);
    /* carol again: her split_retryable.c is a symlink to alice's. */
    snprintf(p, sizeof p, "%s/carol/split_retryable.c", dir);
    gt_sh("ln -s ../alice/split_retryable.c '%s'", p);
    /* erin: a `lab pack` archive made from a learner's tree. */
    const char *root = gt_path("erin-lab");
    snprintf(p, sizeof p, "%s/exercises/%s.c", root, SEND);
    copy("solutions/" SEND ".c", p);
    char why[1024];
    manifest *m = manifest_load(gt.repo, why, sizeof why);
    assert_non_null(m);
    snprintf(p, sizeof p, "%s/erin.tar.gz", dir);
    assert_int_equal(grade_pack_write(root, m, "erin", p, why, sizeof why), 1);
    manifest_free(m);
    /* frank: a crafted archive. */
    char *good = NULL;
    snprintf(p, sizeof p, "%s/solutions/%s.c", gt.repo, SPLIT);
    good = gt_read(p);
    assert_non_null(good);
    snprintf(p, sizeof p, "%s/frank.tgz", dir);
    assert_int_equal(write_hostile_pack(p, good), 0);
    free(good);
    /* Not students. */
    snprintf(p, sizeof p, "%s/README.txt", dir);
    gt_write(p, "collected from the LMS\n");
}

static int group_setup(void **state)
{
    (void)state;
    if (gt_setup("grade") != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(ref_dump);
    gt_teardown();
    return 0;
}

static int grade_class(const char *book, const char *extra, char **out)
{
    return extra ? gt_lab(out, "grade", gt_path("class"), "--gradebook", book,
                          "--seed", "1", "--jobs", "2", "--quiet", extra,
                          gt_path("hidden-copy"), NULL)
                 : gt_lab(out, "grade", gt_path("class"), "--gradebook", book,
                          "--seed", "1", "--jobs", "2", "--quiet", NULL);
}

/* ---- verdicts -------------------------------------------------------- */

static void test_grade_class_verdicts(void **state)
{
    (void)state;
    make_class(gt_path("class"), true);
    snprintf(ref_book, sizeof ref_book, "%s", gt_path("ref.db"));
    assert_int_equal(grade_class(ref_book, NULL, NULL), LAB_EXIT_OK);
    ref_dump = gt_dump(ref_book);
    assert_non_null(ref_dump);

    gradebook_class *c = gt_class(ref_book);
    assert_non_null(c);
    gradebook_cell *x = gt_cell(c, "alice", SEND);
    assert_int_equal(x->state, GRADEBOOK_GRADED);
    assert_true(x->max_points > 0);
    assert_int_equal(x->points, x->max_points);
    x = gt_cell(c, "alice", SPLIT);
    assert_int_equal(x->points, x->max_points);
    x = gt_cell(c, "bob", SEND);
    assert_int_equal(x->state, GRADEBOOK_GRADED);
    assert_true(x->points < x->max_points);
    assert_string_equal(x->source, "bob/exercises/" SEND ".c");
    x = gt_cell(c, "carol", SEND);
    assert_true(x->failed);
    assert_string_equal(x->stage, "compile");
    assert_int_equal(x->points, 0);
    assert_non_null(strstr(x->report, "carol/" SEND ".c:2"));
    assert_null(strstr(x->report, gt.tmp)); /* no private path */
    x = gt_cell(c, "carol", SPLIT);
    assert_int_equal(x->state, GRADEBOOK_MISSING);
    assert_non_null(strstr(x->note, "symbolic link"));
    x = gt_cell(c, "dave", SEND);
    assert_int_equal(x->points, 0);
    assert_false(x->failed);
    for (size_t k = 0; k < x->nchecks; k++)
        assert_false(x->checks[k].passed);
    assert_int_equal(gt_cell(c, "dave", SPLIT)->points, 0);
    x = gt_cell(c, "erin", SEND);
    assert_int_equal(x->points, x->max_points);
    assert_string_equal(x->source, "erin.tar.gz:exercises/" SEND ".c");
    /* frank: the symlinked and hardlinked send_all.c are refused, the
     * good file under a top folder is found. */
    assert_int_equal(gt_cell(c, "frank", SEND)->state, GRADEBOOK_MISSING);
    x = gt_cell(c, "frank", SPLIT);
    assert_int_equal(x->points, x->max_points);
    /* README.txt is not a student. */
    assert_int_equal(c->nstudents, 6);
    gradebook_class_free(c);
    /* Nothing escaped the archive; nothing is left in TMPDIR. */
    assert_int_not_equal(access(gt_path("escape.c"), F_OK), 0);
    assert_int_not_equal(access(gt_path("up.c"), F_OK), 0);
    assert_int_not_equal(access("/tmp/absolute-escape.c", F_OK), 0);
    assert_true(gt_tmp_empty());
    /* Nobody's output holds alice's marker. */
    assert_null(strstr(ref_dump, "SECRET-MARKER"));
}

static void test_grade_hostile_leaves_others_alone(void **state)
{
    (void)state;
    /* The same honest students, graded without the others. */
    make_class(gt_path("honest"), false);
    const char *book = gt_path("honest.db");
    assert_int_equal(gt_lab(NULL, "grade", gt_path("honest"), "--gradebook",
                            book, "--seed", "1", "--jobs", "2", "--quiet",
                            NULL),
                     LAB_EXIT_OK);
    char *dump = gt_dump(book);
    assert_non_null(dump);
    static const char *const prefixes[] = {
        "check|alice|", "run|alice|", "current|alice|",
        "check|bob|",   "run|bob|",   "current|bob|"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        char *a = gt_lines(ref_dump, prefixes[i]);
        char *b = gt_lines(dump, prefixes[i]);
        assert_true(a[0] != '\0');
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    free(dump);
}

/* ---- resumability ------------------------------------------------------ */

static void test_grade_rerun_skips_unchanged(void **state)
{
    (void)state;
    const char *book = gt_path("rerun.db");
    gt_sh("cp '%s' '%s'", ref_book, book);
    char *out = NULL;
    assert_int_equal(grade_class(book, NULL, &out), LAB_EXIT_OK);
    assert_non_null(strstr(out, "grading 0 job(s)"));
    free(out);
    char *dump = gt_dump(book);
    assert_string_equal(dump, ref_dump);
    free(dump);
    /* One changed file: one job. */
    gt_sh("cp -r '%s' '%s'", gt_path("class"), gt_path("class-b"));
    gt_sh("echo '/* changed */' >> '%s'",
          gt_path("class-b/bob/exercises/%s.c", SEND));
    assert_int_equal(gt_lab(&out, "grade", gt_path("class-b"), "--gradebook",
                            book, "--seed", "1", "--quiet", NULL),
                     LAB_EXIT_OK);
    assert_non_null(strstr(out, "grading 1 job(s)"));
    assert_non_null(strstr(out, "bob " SEND));
    free(out);
    gradebook_class *c = gt_class(book);
    assert_int_equal(gt_cell(c, "bob", SEND)->state, GRADEBOOK_GRADED);
    gradebook_class_free(c);
}

/* Grades the class in a child that gets signal sig once it has finished
 * `after` jobs; returns its wait status. */
static int grade_and_signal(const char *book, int after, int sig)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        lab_ctx ctx = {.plain = true, .root = gt.repo};
        const char *argv[] = {gt_path("class"), "--gradebook", book,
                              "--seed",         "1",           "--jobs",
                              "1",              "--quiet",     NULL};
        int rc = lab_grade_commands[0].fn(&ctx, 8, (char **)argv);
        fflush(stdout);
        _exit(rc);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[4096];
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        fputs(line, stdout);
        if (line[0] == '[' && ++seen == after) {
            kill(pid, sig);
            if (sig == SIGKILL)
                break;
        }
    }
    int st;
    waitpid(pid, &st, 0);
    fclose(f);
    return st;
}

static size_t count_lines(const char *dump, const char *prefix)
{
    char *l = gt_lines(dump, prefix);
    size_t n = 0;
    for (const char *p = l; *p; p++)
        n += *p == '\n';
    free(l);
    return n;
}

static void test_grade_kill9_then_rerun_equals_one_run(void **state)
{
    (void)state;
    const char *book = gt_path("killed.db");
    int st = grade_and_signal(book, 3, SIGKILL);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    char *half = gt_dump(book);
    assert_non_null(half);
    size_t done = count_lines(half, "run|"), all = count_lines(ref_dump,
                                                               "run|");
    assert_true(done >= 3 && done < all);
    free(half);
    /* The kill left the sandbox's work directories behind: the rerun
     * must not care. */
    assert_int_equal(grade_class(book, NULL, NULL), LAB_EXIT_OK);
    char *dump = gt_dump(book);
    assert_string_equal(dump, ref_dump);
    free(dump);
    gt_sh("rm -rf '%s'/*", gt.tmp);
}

static void test_grade_ctrl_c_cleans_up_and_resumes(void **state)
{
    (void)state;
    const char *book = gt_path("interrupted.db");
    int st = grade_and_signal(book, 2, SIGINT);
    /* It stopped at once, said so with 128 + SIGINT, and left nothing. */
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 128 + SIGINT);
    assert_true(gt_tmp_empty());
    assert_int_equal(grade_class(book, NULL, NULL), LAB_EXIT_OK);
    char *dump = gt_dump(book);
    assert_string_equal(dump, ref_dump);
    free(dump);
}

/* ---- scale-out ----------------------------------------------------------- */

static void test_grade_four_shards_merged_equal_one_run(void **state)
{
    (void)state;
    size_t students = 0;
    for (int k = 1; k <= 4; k++) {
        char shard[16];
        snprintf(shard, sizeof shard, "%d/4", k);
        char *out = NULL;
        assert_int_equal(gt_lab(&out, "grade", gt_path("class"),
                                "--gradebook", gt_path("shard-%d.db", k),
                                "--shard", shard, "--seed", "1", "--quiet",
                                NULL),
                         LAB_EXIT_OK);
        const char *line = strstr(out, "shard ");
        assert_non_null(line);
        unsigned kk, nn;
        size_t got, total;
        assert_int_equal(sscanf(line, "shard %u/%u: %zu of %zu", &kk, &nn,
                                &got, &total),
                         4);
        assert_int_equal(total, 6);
        students += got;
        free(out);
    }
    assert_int_equal(students, 6); /* every student in exactly one shard */
    const char *merged = gt_path("merged.db");
    assert_int_equal(gt_lab(NULL, "gradebook", "merge", "--gradebook", merged,
                            gt_path("shard-1.db"), gt_path("shard-2.db"),
                            gt_path("shard-3.db"), gt_path("shard-4.db"),
                            NULL),
                     LAB_EXIT_OK);
    char *dump = gt_dump(merged);
    assert_string_equal(dump, ref_dump);
    free(dump);
    /* Merging again changes nothing. */
    assert_int_equal(gt_lab(NULL, "gradebook", "merge", "--gradebook", merged,
                            gt_path("shard-2.db"), NULL),
                     LAB_EXIT_OK);
    dump = gt_dump(merged);
    assert_string_equal(dump, ref_dump);
    free(dump);
}

/* ---- hidden checks -------------------------------------------------------- */

static void test_grade_hidden_checks(void **state)
{
    (void)state;
    gt_sh("cp -r '%s/tests/runner/fixtures/grade/hidden' '%s'", gt.repo,
          gt_path("hidden-copy"));
    const char *book = gt_path("hidden.db");
    gt_sh("cp '%s' '%s'", ref_book, book);
    char *out = NULL;
    assert_int_equal(grade_class(book, "--checks", &out), LAB_EXIT_OK);
    /* Only send_all's checks changed: only its five files are regraded. */
    assert_non_null(strstr(out, "grading 5 job(s)"));
    assert_null(strstr(out, SPLIT ":"));
    free(out);

    gradebook_class *c = gt_class(book);
    gradebook_cell *a = gt_cell(c, "alice", SEND);
    gradebook_class *ref = gt_class(ref_book);
    assert_int_equal(a->max_points, gt_cell(ref, "alice", SEND)->max_points + 4);
    gradebook_class_free(ref);
    assert_int_equal(a->points, a->max_points);
    gradebook_cell *b = gt_cell(c, "bob", SEND);
    bool saw_hidden = false;
    for (size_t k = 0; k < b->nchecks; k++) {
        if (!strcmp(b->checks[k].name, "hidden_receipts_with_bounce")) {
            saw_hidden = true;
            assert_false(b->checks[k].visible);
            assert_false(b->checks[k].passed);
            assert_non_null(strstr(b->checks[k].message, "HIDDEN-SECRET"));
        }
        if (!strcmp(b->checks[k].name, "hidden_all_attempted"))
            assert_true(b->checks[k].visible);
    }
    assert_true(saw_hidden);

    /* Feedback and Gradescope never show the hidden check's words. */
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "feedback",
                            "--gradebook", book, "-o", gt_path("fb-hidden"),
                            NULL),
                     LAB_EXIT_OK);
    char *md = gt_read(gt_path("fb-hidden/bob.md"));
    assert_non_null(md);
    assert_null(strstr(md, "HIDDEN-SECRET"));
    assert_null(strstr(md, "hidden\\_receipts"));
    assert_non_null(strstr(md, "hidden\\_all\\_attempted"));
    assert_non_null(strstr(md, "1 hidden check(s)"));
    free(md);
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "gradescope",
                            "--gradebook", book, "-o", gt_path("gs-hidden"),
                            NULL),
                     LAB_EXIT_OK);
    char *js = gt_read(gt_path("gs-hidden/bob/results.json"));
    assert_non_null(js);
    assert_null(strstr(js, "HIDDEN-SECRET"));
    assert_null(strstr(js, "hidden_receipts"));
    assert_non_null(strstr(js, "\"visibility\": \"hidden\""));
    free(js);
    /* The hidden sources never went near a box: TMPDIR holds nothing. */
    assert_true(gt_tmp_empty());
    gradebook_class_free(c);
}

/* ---- exports ----------------------------------------------------------------- */

static void test_grade_export_csv(void **state)
{
    (void)state;
    char *csv = NULL;
    assert_int_equal(gt_lab(&csv, "gradebook", "export", "csv", "--gradebook",
                            ref_book, NULL),
                     LAB_EXIT_OK);
    gradebook_class *c = gt_class(ref_book);
    /* Header: student, one column per exercise in course order, total. */
    char header[4096] = "student";
    for (size_t e = 0; e < c->nexercises; e++) {
        strcat(header, ",");
        strcat(header, c->exercises[e].id);
    }
    strcat(header, ",total\r\n");
    assert_memory_equal(csv, header, strlen(header));
    /* alice's row: her points, 0 for what she did not hand in. */
    char row[1024] = "alice";
    int total = 0;
    for (size_t e = 0; e < c->nexercises; e++) {
        gradebook_cell *x = gradebook_cell_at(c, 0, e);
        char cell[32];
        snprintf(cell, sizeof cell, ",%d",
                 x->state == GRADEBOOK_GRADED ? x->points : 0);
        strcat(row, cell);
        total += x->state == GRADEBOOK_GRADED ? x->points : 0;
    }
    char tail[32];
    snprintf(tail, sizeof tail, ",%d\r\n", total);
    strcat(row, tail);
    assert_non_null(strstr(csv, row));
    /* A row per student. */
    size_t rows = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n")); p += 2)
        rows++;
    assert_int_equal(rows, c->nstudents + 1);
    gradebook_class_free(c);
    free(csv);
}

static void test_grade_export_csv_quotes_and_defuses(void **state)
{
    (void)state;
    char why[1024];
    gradebook *gb = NULL;
    assert_int_equal(gradebook_open(gt_path("names.db"), true, &gb, why,
                                    sizeof why),
                     0);
    assert_int_equal(gradebook_set_exercise(gb, SEND, "t", 0, 17, "h", why,
                                            sizeof why),
                     0);
    gradebook_sub subs[] = {
        {"=HYPERLINK(\"http://x\")", SEND, NULL, 0, NULL, "nothing"},
        {"doe, jane", SEND, NULL, 0, NULL, NULL},
        {"say \"hi\"", SEND, NULL, 0, NULL, NULL},
        {"@sum", SEND, NULL, 0, NULL, NULL},
    };
    assert_int_equal(gradebook_set_current(gb, subs, 4, why, sizeof why), 0);
    gradebook_class *c = NULL;
    assert_int_equal(gradebook_load_class(gb, &c, why, sizeof why), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(grade_export_csv(c, f), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"'=HYPERLINK(\"\"http://x\"\")\",0,0\r\n"));
    assert_non_null(strstr(buf, "\"doe, jane\",0,0\r\n"));
    assert_non_null(strstr(buf, "\"say \"\"hi\"\"\",0,0\r\n"));
    assert_non_null(strstr(buf, "\"'@sum\",0,0\r\n"));
    free(buf);
    /* File names for exports: safe, and distinct for distinct names. */
    char *a = grade_student_file_name("a b"), *b = grade_student_file_name("a_b");
    char *d = grade_student_file_name("../etc");
    assert_string_not_equal(a, b);
    assert_string_equal(b, "a_b");
    assert_null(strchr(d, '/'));
    assert_true(d[0] != '.');
    free(a);
    free(b);
    free(d);
    gradebook_class_free(c);
    gradebook_close(gb);
}

static void test_grade_export_gradescope(void **state)
{
    (void)state;
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "gradescope",
                            "--gradebook", ref_book, "-o", gt_path("gs"),
                            NULL),
                     LAB_EXIT_OK);
    gradebook_class *c = gt_class(ref_book);
    for (size_t s = 0; s < c->nstudents; s++) {
        json_error_t err;
        json_t *j = json_load_file(gt_path("gs/%s/results.json",
                                           c->students[s]),
                                   0, &err);
        assert_non_null(j);
        assert_int_equal(json_integer_value(json_object_get(j, "score")),
                         gradebook_student_total(c, s));
        json_t *tests = json_object_get(j, "tests");
        assert_true(json_array_size(tests) > 0);
        long long sum = 0, max = 0;
        size_t i;
        json_t *t;
        json_array_foreach(tests, i, t)
        {
            sum += json_integer_value(json_object_get(t, "score"));
            max += json_integer_value(json_object_get(t, "max_score"));
            const char *status =
                json_string_value(json_object_get(t, "status"));
            assert_true(!strcmp(status, "passed") ||
                        !strcmp(status, "failed"));
        }
        assert_int_equal(sum, gradebook_student_total(c, s));
        assert_int_equal(max, gradebook_max_total(c));
        json_decref(j);
    }
    gradebook_class_free(c);
}

static void test_grade_export_feedback(void **state)
{
    (void)state;
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "feedback",
                            "--gradebook", ref_book, "-o", gt_path("fb"),
                            NULL),
                     LAB_EXIT_OK);
    char *bob = gt_read(gt_path("fb/bob.md"));
    assert_non_null(bob);
    assert_non_null(strstr(bob, "# Feedback for bob"));
    assert_non_null(strstr(bob, "### What to fix"));
    assert_non_null(strstr(bob, "**FAIL**"));
    assert_non_null(strstr(bob, "Hint:"));
    /* Each failed check with its message, as the checker wrote it. */
    gradebook_class *c = gt_class(ref_book);
    gradebook_cell *x = gt_cell(c, "bob", SEND);
    size_t failed = 0;
    for (size_t k = 0; k < x->nchecks; k++)
        if (!x->checks[k].passed) {
            failed++;
            assert_non_null(strstr(bob, x->checks[k].message));
        }
    assert_true(failed > 0);
    gradebook_class_free(c);
    free(bob);
    char *carol = gt_read(gt_path("fb/carol.md"));
    assert_non_null(strstr(carol, "stopped at the **compile** stage"));
    assert_non_null(strstr(carol, "carol/" SEND ".c:2"));
    assert_non_null(strstr(carol, "nothing was handed in"));
    free(carol);
    /* What a hostile student printed is fenced and holds no control
     * character. */
    char *dave = gt_read(gt_path("fb/dave.md"));
    assert_non_null(dave);
    for (const char *p = dave; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    free(dave);
}

/* ---- the HTML report in a real browser -------------------------------------- */

static bool have_chromium(char *path, size_t len)
{
    static const char *const names[] = {"/usr/bin/chromium",
                                        "/usr/bin/chromium-browser"};
    for (size_t i = 0; i < 2; i++)
        if (access(names[i], X_OK) == 0) {
            snprintf(path, len, "%s", names[i]);
            return true;
        }
    return false;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_grade_html_report_in_chromium(void **state)
{
    (void)state;
    const char *html = gt_path("report.html");
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "html",
                            "--gradebook", ref_book, "-o", html, NULL),
                     LAB_EXIT_OK);
    char *text = gt_read(html);
    assert_non_null(text);
    /* Self-contained: nothing to fetch, and a policy that forbids it. */
    assert_non_null(strstr(text, "Content-Security-Policy"));
    assert_null(strstr(text, "<script"));
    assert_null(strstr(text, "src="));
    assert_null(strstr(text, "href="));
    assert_null(strstr(text, "url("));
    free(text);

    char chromium[64];
    if (!have_chromium(chromium, sizeof chromium)) {
        fprintf(stderr, "chromium is not installed (make deps): skipped\n");
        skip();
    }
    char profile[PATH_MAX * 2], url[PATH_MAX * 2 + 16], udd[PATH_MAX * 2 + 32];
    snprintf(profile, sizeof profile, "%s", gt_path("chromium-profile"));
    snprintf(udd, sizeof udd, "--user-data-dir=%s", profile);
    snprintf(url, sizeof url, "file://%s", html);
    const char *argv[] = {chromium,
                          "--headless",
                          "--no-sandbox",
                          "--disable-gpu",
                          "--disable-background-networking",
                          "--disable-component-update",
                          "--disable-sync",
                          "--no-first-run",
                          "--disable-dev-shm-usage",
                          "--host-resolver-rules=MAP * ~NOTFOUND",
                          udd,
                          "--dump-dom",
                          url,
                          NULL};
    sandbox_result r;
    char why[512];
    assert_int_equal(sandbox_run(argv, NULL, NULL, 90000, 8u << 20, &r, why,
                                 sizeof why),
                     0);
    if (r.exit_code != 0)
        fprintf(stderr, "chromium: exit %d\n%s\n", r.exit_code, r.err);
    assert_int_equal(r.exit_code, 0);
    const char *dom = r.out;
    /* The browser parsed the three charts as SVG elements. */
    assert_non_null(strstr(dom, "<svg id=\"chart-exercises\""));
    assert_non_null(strstr(dom, "<svg id=\"chart-checks\""));
    assert_non_null(strstr(dom, "<svg id=\"chart-totals\""));
    gradebook_class *c = gt_class(ref_book);
    const char *ex = strstr(dom, "<svg id=\"chart-exercises\"");
    const char *ex_end = strstr(ex, "</svg>");
    char *chart = strndup(ex, (size_t)(ex_end - ex));
    assert_int_equal(count(chart, "<rect"), c->nexercises);
    free(chart);
    const char *tot = strstr(dom, "<svg id=\"chart-totals\"");
    chart = strndup(tot, (size_t)(strstr(tot, "</svg>") - tot));
    assert_int_equal(count(chart, "<rect"), 10);
    free(chart);
    /* One table row per student. */
    const char *students = strstr(dom, "id=\"table-students\"");
    assert_non_null(students);
    chart = strndup(students, (size_t)(strstr(students, "</table>") -
                                       students));
    assert_int_equal(count(chart, "<tr>"), c->nstudents + 1);
    free(chart);
    gradebook_class_free(c);
    sandbox_result_free(&r);
}

/* ---- the gradebook file ------------------------------------------------------ */

static void test_grade_gradebook_migrates_and_refuses(void **state)
{
    (void)state;
    char why[1024];
    gradebook *gb = NULL;
    /* A gradebook of schema 1 (before hidden checks) with content. */
    const char *old = gt_path("v1.db");
    assert_int_equal(gradebook__open_upto(old, true, 1, &gb, why, sizeof why),
                     0);
    assert_int_equal(gradebook_schema_version(gb), 1);
    assert_int_equal(gradebook_set_exercise(gb, SEND, "t", 1, 17, "abc", why,
                                            sizeof why),
                     0);
    gradebook_sub sub = {"zoe", SEND, "0123", 4, "zoe/send_all.c", NULL};
    assert_int_equal(gradebook_set_current(gb, &sub, 1, why, sizeof why), 0);
    gradebook_close(gb);
    assert_int_equal(gradebook_open(old, false, &gb, why, sizeof why), 0);
    assert_int_equal(gradebook_schema_version(gb), GRADEBOOK_SCHEMA_VERSION);
    gradebook_class *c = NULL;
    assert_int_equal(gradebook_load_class(gb, &c, why, sizeof why), 0);
    assert_int_equal(c->nstudents, 1);
    assert_int_equal(gradebook_cell_at(c, 0, 0)->state, GRADEBOOK_PENDING);
    gradebook_class_free(c);
    gradebook_close(gb);

    /* A newer schema, another program's database, a text file: refused
     * and left as they were. */
    const char *newer = gt_path("newer.db");
    gt_sh("sqlite3 '%s' 'PRAGMA application_id = 1952935010; "
          "PRAGMA user_version = 99; CREATE TABLE x(y);'",
          newer);
    assert_int_equal(gradebook_open(newer, false, &gb, why, sizeof why), -1);
    assert_non_null(strstr(why, "newer lab"));
    const char *other = gt_path("other.db");
    gt_sh("sqlite3 '%s' 'CREATE TABLE accounts(id);'", other);
    assert_int_equal(gradebook_open(other, true, &gb, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a tglab gradebook"));
    const char *text = gt_path("text.db");
    gt_write(text, "not a database at all, just some text\n");
    assert_int_equal(gradebook_open(text, true, &gb, why, sizeof why), -1);
    char *after = gt_read(text);
    assert_string_equal(after, "not a database at all, just some text\n");
    free(after);
    assert_int_equal(gradebook_open(gt_path("absent.db"), false, &gb, why,
                                    sizeof why),
                     -1);
    assert_non_null(strstr(why, "no gradebook"));
}

/* ---- refusing to grade without a sandbox ----------------------------------- */

/* Runs grade in a child whose PATH finds a bubblewrap that cannot work. */
static int grade_without_bwrap(const char *book, bool unsafe)
{
    gt_sh("mkdir -p '%s' && printf '#!/bin/sh\\necho \"bwrap: No permission "
          "to create new namespace\" >&2\\nexit 1\\n' > '%s/bwrap' && chmod "
          "+x '%s/bwrap'",
          gt_path("fakebin"), gt_path("fakebin"), gt_path("fakebin"));
    char honest[PATH_MAX * 2], fakebin[PATH_MAX * 2];
    snprintf(honest, sizeof honest, "%s", gt_path("honest"));
    snprintf(fakebin, sizeof fakebin, "%s", gt_path("fakebin"));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char path[PATH_MAX * 3];
        snprintf(path, sizeof path, "%s:%s", fakebin,
                 getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
        setenv("PATH", path, 1);
        sandbox_caps caps;
        char why[512];
        sandbox_probe(&caps, true, why, sizeof why);
        lab_ctx ctx = {.plain = true, .root = gt.repo};
        const char *argv[] = {honest, "--gradebook", book,
                              "--seed", "1", "--quiet",
                              unsafe ? "--unsafe-no-sandbox" : NULL, NULL};
        _exit(lab_grade_commands[0].fn(&ctx, unsafe ? 7 : 6,
                                       (char **)argv));
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_grade_refuses_without_sandbox(void **state)
{
    (void)state;
    char book[PATH_MAX * 2];
    snprintf(book, sizeof book, "%s", gt_path("nosandbox.db"));
    assert_int_equal(grade_without_bwrap(book, false), LAB_EXIT_INTERNAL);
    assert_int_not_equal(access(book, F_OK), 0); /* nothing graded */
    /* Told to, it grades with the jail alone, every job recorded. */
    assert_int_equal(grade_without_bwrap(book, true), LAB_EXIT_OK);
    gradebook_class *c = gt_class(book);
    assert_non_null(c);
    assert_int_equal(gt_cell(c, "alice", SEND)->state, GRADEBOOK_GRADED);
    assert_int_equal(gt_cell(c, "bob", SPLIT)->state, GRADEBOOK_GRADED);
    gradebook_class_free(c);
}

/* ---- discovery details --------------------------------------------------- */

static void test_grade_shard_split_is_stable(void **state)
{
    (void)state;
    /* Each name falls in exactly one slice, the same whatever the
     * others. */
    static const char *const names[] = {"alice", "bob", "carol", "dave",
                                        "erin",  "frank", "x", "\xc3\xa9mile"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int hits = 0;
        for (unsigned k = 1; k <= 4; k++)
            hits += grade_in_shard(names[i], k, 4);
        assert_int_equal(hits, 1);
        assert_true(grade_in_shard(names[i], 1, 1));
    }
}

static void test_grade_usage_errors(void **state)
{
    (void)state;
    assert_int_equal(gt_lab(NULL, "grade", NULL), LAB_EXIT_USAGE);
    assert_int_equal(gt_lab(NULL, "grade", "x", "--shard", "5/4", NULL),
                     LAB_EXIT_USAGE);
    assert_int_equal(gt_lab(NULL, "grade", "x", "--jobs", "0", NULL),
                     LAB_EXIT_USAGE);
    assert_int_equal(gt_lab(NULL, "grade", "x", "--seed", "1", "--thorough",
                            NULL),
                     LAB_EXIT_USAGE);
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "pdf", NULL),
                     LAB_EXIT_USAGE);
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "feedback", NULL),
                     LAB_EXIT_USAGE);
    assert_int_equal(gt_lab(NULL, "gradebook", "summary", "--gradebook",
                            gt_path("absent.db"), NULL),
                     LAB_EXIT_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grade_shard_split_is_stable),
        cmocka_unit_test(test_grade_usage_errors),
        cmocka_unit_test(test_grade_gradebook_migrates_and_refuses),
        cmocka_unit_test(test_grade_class_verdicts),
        cmocka_unit_test(test_grade_hostile_leaves_others_alone),
        cmocka_unit_test(test_grade_rerun_skips_unchanged),
        cmocka_unit_test(test_grade_kill9_then_rerun_equals_one_run),
        cmocka_unit_test(test_grade_ctrl_c_cleans_up_and_resumes),
        cmocka_unit_test(test_grade_four_shards_merged_equal_one_run),
        cmocka_unit_test(test_grade_hidden_checks),
        cmocka_unit_test(test_grade_export_csv),
        cmocka_unit_test(test_grade_export_csv_quotes_and_defuses),
        cmocka_unit_test(test_grade_export_gradescope),
        cmocka_unit_test(test_grade_export_feedback),
        cmocka_unit_test(test_grade_html_report_in_chromium),
        cmocka_unit_test(test_grade_refuses_without_sandbox),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
