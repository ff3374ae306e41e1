/*
 * test_grade_attacks.c -- the attack suite: every hostile submission in
 * tests/attacks/ is handed in by a student of its own, beside two honest
 * students, and the whole class is graded by `lab grade` as an instructor
 * would.  Then, for every attack: zero points and every check it touches
 * failed (and, for those the build must stop, stopped at the right
 * stage); no process of it left running; nothing written outside its
 * sandbox (a watched host folder, the lab's tree, the submissions, the
 * grader's TMPDIR); no other student's file leaked into anything it
 * printed; no control character in any report or export; and the honest
 * students' grades exactly what they are when graded alone.
 *
 * See tests/attacks/README for the placeholders each file's targets are
 * written with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first. */
#include <cmocka.h>

#include <dirent.h>

#include "grade.h"
#include "grade_test_support.h"

/* Attacks the build must stop, and where. */
static const struct {
    const char *attack, *stage;
} STOPPED[] = {
    {"constructor", "symbols"},    {"redefine_cmocka", "symbols"},
    {"redefine_libtg", "symbols"}, {"redefine_libc", "symbols"},
    {"sanitizers_off", "symbols"}, {"include_checks", "compile"},
    {"include_other", "compile"},  {"incbin_other", "compile"},
};

/* What would show that an attack got through, in anything it printed. */
static const char *const BREACHES[] = {
    "SECRET-MARKER", "NET-OK",  "PTRACE-OK", "VMWRITE-OK",
    "WROTE /",       "still alive", "FOUND /tmp", "FOUND ../",
};

#define MAX_ATTACKS 64

static struct {
    char names[MAX_ATTACKS][64];     /* file names without .c */
    char exercise[MAX_ATTACKS][300]; /* the id each is handed in for */
    size_t n;
    char *dump;                      /* the class's gradebook */
    char *before;                    /* the submissions' listing before */
    gradebook_class *cls;
} at;

static const char *exercise_id(const char *name)
{
    return !strcmp(name, "send_all") ? "01-task-groups/send_all"
           : !strcmp(name, "split_retryable")
               ? "06-error-groups/split_retryable"
               : NULL;
}

/* A listing of every file under dir with its size and content hash. */
static char *listing(const char *dir)
{
    char cmd[PATH_MAX * 2 + 128];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && find . -printf '%%p %%y %%s %%m\\n' | sort && "
             "find . -type f -exec sha256sum {} + | sort",
             dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    char line[8192];
    while (fgets(line, sizeof line, p))
        fputs(line, out);
    pclose(p);
    fclose(out);
    return buf;
}

/* Copies an attack into the class with its placeholders filled in. */
static void place(const char *name, const char *exname)
{
    char src[PATH_MAX * 2];
    snprintf(src, sizeof src, "%s/tests/attacks/%s.c", gt.repo, name);
    gt_sh("mkdir -p '%s' && sed -e 's|@LAB_ROOT@|%s|g' "
          "-e 's|@SUBMISSIONS@|%s|g' -e 's|@OTHER_FILE@|%s|g' "
          "-e 's|@OTHER_DIR@|%s|g' -e 's|@CANARY_DIR@|%s|g' '%s' > "
          "'%s/%s.c'",
          gt_path("class/atk_%s", name), gt.repo, gt_path("class"),
          gt_path("class/honest_a/send_all.c"), gt_path("class/honest_a"),
          gt_path("canary"), src, gt_path("class/atk_%s", name), exname);
}

static void make_honest(const char *dir)
{
    gt_sh("mkdir -p '%s/honest_a' '%s/honest_b'", dir, dir);
    gt_sh("cp '%s/solutions/01-task-groups/send_all.c' '%s/honest_a/' && "
          "echo '/* SECRET-MARKER-honest_a */' >> '%s/honest_a/send_all.c'",
          gt.repo, dir, dir);
    gt_sh("cp '%s/solutions/06-error-groups/split_retryable.c' "
          "'%s/honest_a/'",
          gt.repo, dir);
    gt_sh("cp '%s/solutions/01-task-groups/send_all.c' '%s/honest_b/' && "
          "cp '%s/exercises/06-error-groups/split_retryable.c' "
          "'%s/honest_b/'",
          gt.repo, dir, gt.repo, dir);
}

static int group_setup(void **state)
{
    (void)state;
    if (gt_setup("attacks") != 0)
        return -1;
    gt_sh("mkdir -p '%s'", gt_path("canary"));
    make_honest(gt_path("class"));
    char dir[PATH_MAX * 2];
    snprintf(dir, sizeof dir, "%s/tests/attacks", gt.repo);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d)) && at.n < MAX_ATTACKS;) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
            continue;
        char path[PATH_MAX * 3];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = gt_read(path);
        char exname[64] = "";
        if (!text || sscanf(text, "/* attack: %63s", exname) != 1 ||
            !exercise_id(exname)) {
            fprintf(stderr, "%s: no '/* attack: EXERCISE' line\n", path);
            free(text);
            closedir(d);
            return -1;
        }
        free(text);
        snprintf(at.names[at.n], sizeof at.names[0], "%.*s", (int)(len - 2),
                 e->d_name);
        snprintf(at.exercise[at.n], sizeof at.exercise[0], "%s",
                 exercise_id(exname));
        place(at.names[at.n], exname);
        at.n++;
    }
    closedir(d);
    at.before = listing(gt_path("class"));
    /* The class, graded once for all the tests below. */
    if (gt_lab(NULL, "grade", gt_path("class"), "--gradebook",
               gt_path("class.db"), "--seed", "1", "--jobs", "2", "--quiet",
               NULL) != LAB_EXIT_OK)
        return -1;
    at.dump = gt_dump(gt_path("class.db"));
    at.cls = gt_class(gt_path("class.db"));
    return at.dump && at.cls ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    free(at.dump);
    free(at.before);
    gradebook_class_free(at.cls);
    gt_teardown();
    return 0;
}

static void test_attacks_suite_is_complete(void **state)
{
    (void)state;
    assert_true(at.n >= 18);
    assert_int_equal(at.cls->nstudents, at.n + 2);
}

static void test_attacks_score_zero(void **state)
{
    (void)state;
    for (size_t i = 0; i < at.n; i++) {
        char student[80];
        snprintf(student, sizeof student, "atk_%s", at.names[i]);
        gradebook_cell *c = gt_cell(at.cls, student, at.exercise[i]);
        assert_non_null(c);
        if (c->state != GRADEBOOK_GRADED || c->points != 0)
            fprintf(stderr, "attack %s: state %d, %d points\n", at.names[i],
                    c->state, c->points);
        /* Graded, not an internal error: an attack never breaks the lab. */
        assert_int_equal(c->state, GRADEBOOK_GRADED);
        assert_int_equal(c->points, 0);
        for (size_t k = 0; k < c->nchecks; k++) {
            if (c->checks[k].passed)
                fprintf(stderr, "attack %s passed check %s\n", at.names[i],
                        c->checks[k].name);
            assert_false(c->checks[k].passed);
        }
        for (size_t s = 0; s < sizeof STOPPED / sizeof *STOPPED; s++)
            if (!strcmp(STOPPED[s].attack, at.names[i])) {
                assert_true(c->failed);
                assert_string_equal(c->stage, STOPPED[s].stage);
            }
        /* Everything else ran its checks, each of which failed. */
        if (!c->failed)
            assert_true(c->nchecks > 0);
    }
}

static void test_attacks_leave_no_process(void **state)
{
    (void)state;
    DIR *d = opendir("/proc");
    assert_non_null(d);
    size_t found = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], comm[64] = "";
        snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(comm, sizeof comm, f) && !strncmp(comm, "atk-", 4)) {
            fprintf(stderr, "left running: pid %s (%s)", e->d_name, comm);
            found++;
        }
        fclose(f);
    }
    closedir(d);
    assert_int_equal(found, 0);
}

static void test_attacks_write_nothing_outside(void **state)
{
    (void)state;
    /* The watched host folder stays empty. */
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", gt_path("canary"));
    if (system(cmd) != 0)
        gt_sh("ls -la '%s' >&2", gt_path("canary"));
    assert_int_equal(system(cmd), 0);
    /* The submissions are exactly as they were. */
    char *after = listing(gt_path("class"));
    assert_non_null(after);
    assert_string_equal(after, at.before);
    free(after);
    /* Nor the lab's tree, nor the host's. */
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/attack-canary", gt.repo);
    assert_int_not_equal(access(p, F_OK), 0);
    assert_int_not_equal(access("/root/attack-canary", F_OK), 0);
    assert_int_not_equal(access("/etc/attack-canary", F_OK), 0);
    assert_int_not_equal(access(gt_path("attack-canary"), F_OK), 0);
    /* The grader's work directories are gone, whatever was in them. */
    assert_true(gt_tmp_empty());
}

static void test_attacks_leak_nothing(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof BREACHES / sizeof *BREACHES; i++) {
        const char *hit = strstr(at.dump, BREACHES[i]);
        if (hit)
            fprintf(stderr, "breach '%s': ...%.300s\n", BREACHES[i], hit);
        assert_null(hit);
    }
}

static void test_attacks_put_no_control_characters_in_reports(void **state)
{
    (void)state;
    /* The dump writes newlines as \n: any byte below 0x20 is raw. */
    for (const unsigned char *p = (const unsigned char *)at.dump; *p; p++)
        if (*p != '\n')
            assert_true(*p >= 0x20 && *p != 0x7f);
    assert_non_null(strstr(at.dump, "\\\\x1b")); /* shown, not sent */
    assert_int_equal(gt_lab(NULL, "gradebook", "export", "feedback",
                            "--gradebook", gt_path("class.db"), "-o",
                            gt_path("feedback"), NULL),
                     LAB_EXIT_OK);
    char *md = gt_read(gt_path("feedback/atk_terminal_escapes.md"));
    assert_non_null(md);
    for (const unsigned char *p = (const unsigned char *)md; *p; p++)
        assert_true(*p >= 0x20 || *p == '\n');
    free(md);
    char *html = NULL;
    assert_int_equal(gt_lab(&html, "gradebook", "export", "html",
                            "--gradebook", gt_path("class.db"), NULL),
                     LAB_EXIT_OK);
    for (const unsigned char *p = (const unsigned char *)html; *p; p++)
        assert_true(*p >= 0x20 || *p == '\n');
    free(html);
}

static void test_attacks_keep_output_bounded(void **state)
{
    (void)state;
    gradebook_cell *c = gt_cell(at.cls, "atk_output_flood",
                                "01-task-groups/send_all");
    assert_non_null(c);
    for (size_t k = 0; k < c->nchecks; k++)
        assert_true(!c->checks[k].output ||
                    strlen(c->checks[k].output) < 16384);
    struct stat st;
    assert_int_equal(stat(gt_path("class.db"), &st), 0);
    assert_true(st.st_size < 8 << 20);
}

static void test_attacks_leave_honest_students_alone(void **state)
{
    (void)state;
    make_honest(gt_path("alone"));
    assert_int_equal(gt_lab(NULL, "grade", gt_path("alone"), "--gradebook",
                            gt_path("alone.db"), "--seed", "1", "--quiet",
                            NULL),
                     LAB_EXIT_OK);
    char *dump = gt_dump(gt_path("alone.db"));
    assert_non_null(dump);
    static const char *const who[] = {"honest_a", "honest_b"};
    static const char *const what[] = {"check|", "run|", "current|"};
    for (size_t w = 0; w < 2; w++)
        for (size_t k = 0; k < 3; k++) {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "%s%s|", what[k], who[w]);
            char *a = gt_lines(at.dump, prefix), *b = gt_lines(dump, prefix);
            assert_true(a[0] != '\0');
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
    free(dump);
    /* And they got what they deserve. */
    gradebook_cell *c = gt_cell(at.cls, "honest_a", "01-task-groups/send_all");
    assert_int_equal(c->points, c->max_points);
    c = gt_cell(at.cls, "honest_a", "06-error-groups/split_retryable");
    assert_int_equal(c->points, c->max_points);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attacks_suite_is_complete),
        cmocka_unit_test(test_attacks_score_zero),
        cmocka_unit_test(test_attacks_leave_no_process),
        cmocka_unit_test(test_attacks_write_nothing_outside),
        cmocka_unit_test(test_attacks_leak_nothing),
        cmocka_unit_test(test_attacks_put_no_control_characters_in_reports),
        cmocka_unit_test(test_attacks_keep_output_bounded),
        cmocka_unit_test(test_attacks_leave_honest_students_alone),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
