/*
 * test_state.c -- the manifest loader's validation and lookups, and the
 * learner state: round trips, atomic writes, and recovery from corrupt,
 * foreign or unwritable state without losing anything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "manifest.h"
#include "state.h"

static char root[64];

static int make_root(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/tglab-test-state-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char d[300];
    snprintf(d, sizeof d, "%s/exercises", root);
    return mkdir(d, 0755);
}

static int remove_root(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", root, root);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *rel, const char *text)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *good_manifest =
    "{\"version\": 1, \"exercises\": ["
    "{\"id\": \"01-task-groups/send_all\", \"lesson\": "
    "\"lessons/01-task-groups.md\", \"title\": \"Send all\", \"file\": "
    "\"exercises/01-task-groups/send_all.c\", \"functions\": [\"send_all\"],"
    " \"hints\": [\"a\", \"b\"], \"checks\": [{\"name\": \"c1\", "
    "\"points\": 2, \"hint\": 1}]},"
    "{\"id\": \"06-error-groups/split_retryable\", \"lesson\": "
    "\"lessons/06-error-groups.md\", \"title\": \"Split\", \"file\": "
    "\"exercises/06-error-groups/split_retryable.c\", \"functions\": "
    "[\"split_retryable\"], \"hints\": [\"a\", \"b\", \"c\"], \"checks\": "
    "[{\"name\": \"c1\", \"points\": 1}, {\"name\": \"c2\", \"points\": 3}]}"
    "]}";

static void test_state_manifest_loads_and_finds(void **state)
{
    (void)state;
    write_file("exercises/manifest.json", good_manifest);
    char why[512] = "";
    manifest *m = manifest_load(root, why, sizeof why);
    assert_non_null(m);
    assert_int_equal(m->nexercises, 2);
    assert_string_equal(m->exercises[1].topic, "06-error-groups");
    assert_string_equal(m->exercises[1].name, "split_retryable");
    assert_int_equal(manifest_points(&m->exercises[1]), 4);
    assert_ptr_equal(manifest_find(m, "send_all"), &m->exercises[0]);
    assert_ptr_equal(manifest_find(m, "2"), &m->exercises[1]);
    assert_ptr_equal(manifest_find(m, "06-error-groups/split_retryable"),
                     &m->exercises[1]);
    assert_ptr_equal(
        manifest_find(m, "/x/exercises/01-task-groups/send_all.c"),
        &m->exercises[0]);
    assert_null(manifest_find(m, "nope"));
    assert_null(manifest_find(m, "3"));
    assert_int_equal(manifest_check_find(&m->exercises[0], "c1")->hint, 1);
    manifest_free(m);
}

static void expect_rejected(const char *text, const char *fragment)
{
    write_file("exercises/manifest.json", text);
    char why[512] = "";
    manifest *m = manifest_load(root, why, sizeof why);
    assert_null(m);
    if (!strstr(why, fragment))
        fail_msg("message \"%s\" lacks \"%s\"", why, fragment);
}

static void test_state_manifest_rejects_bad_input(void **state)
{
    (void)state;
    expect_rejected("{\"version\": 1, \"exercises\": [", "not valid JSON");
    expect_rejected("{\"version\": 2, \"exercises\": []}", "\"version\"");
    expect_rejected("{\"version\": 1, \"exercises\": [{\"id\": \"bad id\"}]}",
                    "must look like");
    expect_rejected(
        "{\"version\": 1, \"exercises\": [{\"id\": \"01-a/b\", \"lesson\": "
        "\"l\", \"title\": \"t\", \"file\": \"f\", \"functions\": [\"f\"], "
        "\"hints\": [\"only one\"], \"checks\": [{\"name\": \"c\", "
        "\"points\": 1}]}]}",
        "two to four hints");
    expect_rejected(
        "{\"version\": 1, \"exercises\": [{\"id\": \"01-a/b\", \"lesson\": "
        "\"l\", \"title\": \"t\", \"file\": \"f\", \"functions\": [\"f\"], "
        "\"hints\": [\"h\", \"i\"], \"checks\": [{\"name\": \"c\", "
        "\"points\": 1, \"hint\": 5}]}]}",
        "must index one of the 2 hints");
    expect_rejected(
        "{\"version\": 1, \"exercises\": [{\"id\": \"01-a/b\", \"lesson\": "
        "\"l\", \"title\": \"t\", \"file\": \"f\", \"functions\": [\"f\"], "
        "\"hints\": [\"h\", \"i\"], \"checks\": [{\"name\": \"c\", "
        "\"points\": 1}]}, {\"id\": \"01-a/b\", \"lesson\": \"l\", "
        "\"title\": \"t\", \"file\": \"f\", \"functions\": [\"f\"], "
        "\"hints\": [\"h\", \"i\"], \"checks\": [{\"name\": \"c\", "
        "\"points\": 1}]}]}",
        "appears twice");
    char p[400];
    snprintf(p, sizeof p, "%s/exercises/manifest.json", root);
    unlink(p);
    char why[512] = "";
    assert_null(manifest_load(root, why, sizeof why));
    assert_non_null(strstr(why, "cannot read"));
}

static void test_state_round_trip(void **state)
{
    (void)state;
    char why[512] = "";
    lab_state *st = state_load(root, why, sizeof why);
    assert_non_null(st);
    assert_null(st->current);
    assert_int_equal(state_set_current(st, "01-task-groups/send_all"), 0);
    ex_state *e = state_ex(st, "01-task-groups/send_all");
    e->status = EX_DONE;
    e->hints_shown = 2;
    e->attempts = 5;
    st->welcomed = true;
    assert_int_equal(state_save(st, why, sizeof why), 0);
    state_free(st);

    st = state_load(root, why, sizeof why);
    assert_string_equal(st->current, "01-task-groups/send_all");
    assert_true(st->welcomed);
    e = state_ex(st, "01-task-groups/send_all");
    assert_int_equal(e->status, EX_DONE);
    assert_int_equal(e->hints_shown, 2);
    assert_int_equal(e->attempts, 5);
    state_free(st);
}

static int count_corrupt_files(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls %s/.lab | grep -c 'state.json.corrupt-'",
             root);
    FILE *p = popen(cmd, "r");
    int n = 0;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = 0;
        pclose(p);
    }
    return n;
}

static void test_state_corrupt_file_is_moved_aside(void **state)
{
    (void)state;
    char d[300];
    snprintf(d, sizeof d, "%s/.lab", root);
    mkdir(d, 0755);
    write_file(".lab/state.json", "{\"format\": \"tglab-state\", \"vers");
    char why[512] = "";
    lab_state *st = state_load(root, why, sizeof why);
    assert_non_null(st);
    assert_null(st->current);
    assert_int_equal(count_corrupt_files(), 1); /* kept, not deleted */
    state_free(st);

    /* A foreign file (valid JSON, not ours) is treated the same way. */
    write_file(".lab/state.json", "{\"format\": \"other-tool\", "
                                  "\"version\": 1, \"current\": \"x\"}");
    sleep(1); /* the aside name has a one-second timestamp */
    st = state_load(root, why, sizeof why);
    assert_non_null(st);
    assert_null(st->current);
    assert_int_equal(count_corrupt_files(), 2);
    state_free(st);
}

static void test_state_lab_not_a_directory_is_read_only(void **state)
{
    (void)state;
    write_file(".lab", "a file where the state directory should be");
    char why[512] = "";
    lab_state *st = state_load(root, why, sizeof why);
    assert_non_null(st);
    assert_true(st->read_only);
    assert_int_equal(state_save(st, why, sizeof why), -1);
    state_free(st);
}

static void test_state_unwritable_dir_is_read_only(void **state)
{
    (void)state;
    if (geteuid() == 0)
        skip(); /* root writes anywhere: see the test above */
    char d[300];
    snprintf(d, sizeof d, "%s/.lab", root);
    mkdir(d, 0755);
    chmod(d, 0555);
    char why[512] = "";
    lab_state *st = state_load(root, why, sizeof why);
    assert_non_null(st);
    assert_true(st->read_only);
    assert_int_equal(state_save(st, why, sizeof why), -1);
    assert_non_null(strstr(why, "not writable"));
    state_free(st);
    chmod(d, 0755);
}

static void test_state_atomic_write_keeps_old_on_failure(void **state)
{
    (void)state;
    char p[400];
    snprintf(p, sizeof p, "%s/keep.txt", root);
    assert_int_equal(state_write_atomic(p, "old", 3), 0);
    /* Writing into a missing directory fails and leaves nothing behind. */
    char bad[400];
    snprintf(bad, sizeof bad, "%s/missing/dir/file.txt", root);
    assert_int_equal(state_write_atomic(bad, "new", 3), -1);
    FILE *f = fopen(p, "r");
    char buf[8] = {0};
    assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 3);
    fclose(f);
    assert_string_equal(buf, "old");
    assert_int_equal(state_write_atomic(p, "newer", 5), 0);
    f = fopen(p, "r");
    memset(buf, 0, sizeof buf);
    assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 5);
    fclose(f);
    assert_string_equal(buf, "newer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_state_manifest_loads_and_finds,
                                        make_root, remove_root),
        cmocka_unit_test_setup_teardown(test_state_manifest_rejects_bad_input,
                                        make_root, remove_root),
        cmocka_unit_test_setup_teardown(test_state_round_trip, make_root,
                                        remove_root),
        cmocka_unit_test_setup_teardown(
            test_state_corrupt_file_is_moved_aside, make_root, remove_root),
        cmocka_unit_test_setup_teardown(
            test_state_lab_not_a_directory_is_read_only, make_root,
            remove_root),
        cmocka_unit_test_setup_teardown(
            test_state_unwritable_dir_is_read_only, make_root, remove_root),
        cmocka_unit_test_setup_teardown(
            test_state_atomic_write_keeps_old_on_failure, make_root,
            remove_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
