/*
 * test_fs.c -- tg_read_file and tg_watch_file: reading, errors and size
 * caps; change detection for in-place writes and rename-saves, debouncing,
 * and cancellation through a timeout.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_test.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tglab-test-fs-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

typedef struct reads {
    tg_error *missing, *too_big, *is_dir, *ok;
    char *data;
    size_t len;
} reads;

static tg_result read_main(void *arg)
{
    reads *r = arg;
    char p[128];
    char *d;
    size_t n;
    snprintf(p, sizeof p, "%s/nope", dir);
    r->missing = tg_read_file(p, 0, &d, &n);
    snprintf(p, sizeof p, "%s/big", dir);
    r->too_big = tg_read_file(p, 10, &d, &n);
    r->is_dir = tg_read_file(dir, 0, &d, &n);
    snprintf(p, sizeof p, "%s/small", dir);
    r->ok = tg_read_file(p, 100, &r->data, &r->len);
    return tg_return(NULL);
}

static void test_fs_read_file(void **state)
{
    (void)state;
    put("big", "0123456789abcdef");
    put("small", "hello\n");
    reads r = {0};
    tg_result res = tg_run(read_main, &r, NULL);
    assert_null(res.error);
    assert_true(tg_error_is(r.missing, &TG_OSError));
    assert_non_null(strstr(tg_error_message(r.missing), "No such file"));
    assert_true(tg_error_is(r.too_big, &TG_ValueError));
    assert_true(tg_error_is(r.is_dir, &TG_OSError));
    assert_null(r.ok);
    assert_int_equal(r.len, 6);
    assert_string_equal(r.data, "hello\n");
    free(r.data);
    tg_error_unref(r.missing);
    tg_error_unref(r.too_big);
    tg_error_unref(r.is_dir);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* One task watches; another changes the file after a short real sleep. */
typedef struct watch_case {
    const char *how; /* "write" or "rename" */
    tg_error *err;
    int changes_seen;
} watch_case;

static tg_result watcher(void *arg)
{
    watch_case *w = arg;
    char p[128];
    snprintf(p, sizeof p, "%s/learner.c", dir);
    w->err = tg_watch_file(p, 50);
    if (!w->err)
        w->changes_seen++;
    return tg_return(NULL);
}

static tg_result changer(void *arg)
{
    watch_case *w = arg;
    tg_error *e = tg_sleep(50);
    if (e)
        return tg_raise(e);
    char p[128], tmp[128];
    snprintf(p, sizeof p, "%s/learner.c", dir);
    snprintf(tmp, sizeof tmp, "%s/.learner.c.swp", dir);
    if (!strcmp(w->how, "rename")) {
        FILE *f = fopen(tmp, "w");
        fputs("int saved_by_rename;\n", f);
        fclose(f);
        rename(tmp, p);
    } else {
        for (int i = 0; i < 3; i++) { /* several writes: one event */
            FILE *f = fopen(p, "a");
            fputs("/* edit */\n", f);
            fclose(f);
        }
    }
    return tg_return(NULL);
}

static tg_result watch_main(void *arg)
{
    tg_group *g = tg_group_new();
    tg_spawn(g, watcher, arg);
    tg_spawn(g, changer, arg);
    tg_error *e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void run_watch(const char *how)
{
    put("learner.c", "int x;\n");
    watch_case w = {.how = how};
    tg_result r = tg_run(watch_main, &w, NULL);
    assert_null(r.error);
    assert_null(w.err);
    assert_int_equal(w.changes_seen, 1);
}

static void test_fs_watch_sees_in_place_writes(void **state)
{
    (void)state;
    run_watch("write");
}

static void test_fs_watch_sees_rename_saves(void **state)
{
    (void)state;
    run_watch("rename");
}

static tg_result watch_unchanged(void *arg)
{
    (void)arg;
    char p[128];
    snprintf(p, sizeof p, "%s/learner.c", dir);
    tg_error *e = tg_watch_file(p, 10);
    return e ? tg_raise(e) : tg_return(NULL);
}

static tg_result timeout_main(void *arg)
{
    (void)arg;
    tg_result r = tg_call_with_timeout(100, watch_unchanged, NULL);
    return r;
}

static void test_fs_watch_cancelled_by_timeout(void **state)
{
    (void)state;
    put("learner.c", "int x;\n");
    tg_result r = tg_run(timeout_main, NULL, NULL);
    assert_true(tg_error_is(r.error, &TG_TimeoutError));
    tg_error_unref(r.error);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

static tg_result watch_bad_dir(void *arg)
{
    (void)arg;
    return tg_raise(tg_watch_file("/nonexistent-tglab-dir/x.c", 10));
}

static void test_fs_watch_missing_directory(void **state)
{
    (void)state;
    tg_result r = tg_run(watch_bad_dir, NULL, NULL);
    assert_true(tg_error_is(r.error, &TG_OSError));
    tg_error_unref(r.error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fs_read_file, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(test_fs_watch_sees_in_place_writes,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_fs_watch_sees_rename_saves,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_fs_watch_cancelled_by_timeout,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_fs_watch_missing_directory,
                                        make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
