/*
 * test_process.c -- tg_process_run: output capture and caps, stdin, env
 * and cwd, exit status and signals, a missing program, the wall-clock
 * timeout killing the whole process group (grandchildren included), and
 * cancellation.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "tg_test.h"

typedef struct proc_case {
    tg_process_spec spec;
    tg_process_result res;
    tg_error *err;
} proc_case;

static tg_result run_one(void *arg)
{
    proc_case *pc = arg;
    pc->err = tg_process_run(&pc->spec, &pc->res);
    return tg_return(NULL);
}

static void run_case(proc_case *pc)
{
    tg_result r = tg_run(run_one, pc, NULL); /* real time: real processes */
    assert_null(r.error);
}

static void test_process_captures_output_and_status(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    proc_case pc = {.spec = {.argv = argv}};
    run_case(&pc);
    assert_null(pc.err);
    assert_string_equal(pc.res.out, "out\n");
    assert_string_equal(pc.res.err, "err\n");
    assert_int_equal(pc.res.exit_status, 3);
    assert_int_equal(pc.res.term_signal, 0);
    assert_false(pc.res.timed_out);
    tg_process_result_free(&pc.res);
}

static void test_process_stdin_env_cwd(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "cat; echo \"$GREETING\"; pwd", NULL};
    const char *env[] = {"GREETING=hello", "PATH=/usr/bin:/bin", NULL};
    proc_case pc = {.spec = {.argv = argv, .env = env, .cwd = "/",
                             .stdin_data = "from stdin\n",
                             .stdin_len = 11}};
    run_case(&pc);
    assert_null(pc.err);
    assert_string_equal(pc.res.out, "from stdin\nhello\n/\n");
    tg_process_result_free(&pc.res);
}

static void test_process_output_cap_truncates(void **state)
{
    (void)state;
    /* 1 MB of output against a 1000-byte cap: captured, capped, no hang. */
    const char *argv[] = {"sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x",
                          NULL};
    proc_case pc = {.spec = {.argv = argv, .output_cap = 1000}};
    run_case(&pc);
    assert_null(pc.err);
    assert_int_equal(pc.res.out_len, 1000);
    assert_true(pc.res.out_truncated);
    assert_false(pc.res.err_truncated);
    assert_int_equal(pc.res.exit_status, 0);
    tg_process_result_free(&pc.res);
}

static void test_process_missing_program_is_oserror(void **state)
{
    (void)state;
    const char *argv[] = {"/nonexistent/tglab-program", NULL};
    proc_case pc = {.spec = {.argv = argv}};
    run_case(&pc);
    assert_true(tg_error_is(pc.err, &TG_OSError));
    assert_non_null(strstr(tg_error_message(pc.err), "tglab-program"));
    tg_error_unref(pc.err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

static void test_process_signal_is_reported(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "kill -SEGV $$", NULL};
    proc_case pc = {.spec = {.argv = argv}};
    run_case(&pc);
    assert_null(pc.err);
    assert_int_equal(pc.res.term_signal, SIGSEGV);
    tg_process_result_free(&pc.res);
}

/* True when pid no longer runs (gone, or a zombie nobody reaped yet). */
static bool process_is_dead(pid_t pid)
{
    if (kill(pid, 0) != 0)
        return errno == ESRCH;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');
    return paren && (paren[2] == 'Z' || paren[2] == 'X');
}

static void test_process_timeout_kills_grandchildren(void **state)
{
    (void)state;
    /* The child starts a grandchild, reports its pid, then both sleep. */
    const char *argv[] = {"sh", "-c", "sleep 300 & echo $!; sleep 300", NULL};
    proc_case pc = {.spec = {.argv = argv, .timeout_ms = 200}};
    run_case(&pc);
    assert_null(pc.err);
    assert_true(pc.res.timed_out);
    assert_int_equal(pc.res.term_signal, SIGKILL);
    pid_t grandchild = (pid_t)atoi(pc.res.out);
    assert_true(grandchild > 0);
    /* SIGKILL is delivered asynchronously; give the kernel a moment. */
    for (int i = 0; i < 100 && !process_is_dead(grandchild); i++)
        usleep(10000);
    assert_true(process_is_dead(grandchild));
    tg_process_result_free(&pc.res);
}

static void test_process_exit_kills_leftover_group(void **state)
{
    (void)state;
    /* The leader exits at once, leaving a background grandchild. */
    const char *argv[] = {"sh", "-c", "sleep 300 >/dev/null & echo $!", NULL};
    proc_case pc = {.spec = {.argv = argv, .timeout_ms = 5000}};
    run_case(&pc);
    assert_null(pc.err);
    assert_false(pc.res.timed_out);
    pid_t grandchild = (pid_t)atoi(pc.res.out);
    assert_true(grandchild > 0);
    for (int i = 0; i < 100 && !process_is_dead(grandchild); i++)
        usleep(10000);
    assert_true(process_is_dead(grandchild));
    tg_process_result_free(&pc.res);
}

/* Cancelling the waiting task kills the process and returns at once. */
typedef struct cancel_case {
    tg_process_result res;
    tg_error *err;
    tg_task *runner;
} cancel_case;

static tg_result proc_runner(void *arg)
{
    cancel_case *cc = arg;
    const char *argv[] = {"sleep", "300", NULL};
    tg_process_spec spec = {.argv = argv};
    cc->err = tg_process_run(&spec, &cc->res);
    return tg_return(NULL);
}

static tg_result cancel_main(void *arg)
{
    cancel_case *cc = arg;
    tg_group *g = tg_group_new();
    cc->runner = tg_spawn(g, proc_runner, cc);
    tg_error *e = tg_sleep(100);
    tg_error_unref(e);
    tg_task_cancel(cc->runner);
    e = tg_group_wait(g);
    tg_group_free(g);
    return e ? tg_raise(e) : tg_return(NULL);
}

static void test_process_cancellation_kills_it(void **state)
{
    (void)state;
    cancel_case cc = {0};
    tg_result r = tg_run(cancel_main, &cc, NULL);
    assert_null(r.error);
    assert_true(tg_error_is(cc.err, &TG_CancelledError));
    assert_null(cc.res.out); /* nothing partial is handed back */
    tg_error_unref(cc.err);
    TG_TEST_ASSERT_NO_LEAKED_ERRORS();
}

/* Several processes run concurrently inside one group. */
static tg_result parallel_child(void *arg)
{
    (void)arg;
    const char *argv[] = {"sh", "-c", "sleep 0.3; echo done", NULL};
    tg_process_spec spec = {.argv = argv};
    tg_process_result res;
    tg_error *e = tg_process_run(&spec, &res);
    if (e)
        return tg_raise(e);
    bool ok = strcmp(res.out, "done\n") == 0;
    tg_process_result_free(&res);
    return tg_return((void *)(uintptr_t)ok);
}

static tg_result parallel_main(void *arg)
{
    (void)arg;
    tg_group *g = tg_group_new();
    tg_task *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = tg_spawn(g, parallel_child, NULL);
    tg_error *e = tg_group_wait(g);
    uintptr_t ok = e == NULL;
    for (int i = 0; i < 4; i++)
        ok = ok && tg_task_result(t[i]).value == (void *)1;
    tg_group_free(g);
    tg_error_unref(e);
    return tg_return((void *)ok);
}

static void test_process_runs_concurrently_in_a_group(void **state)
{
    (void)state;
    tg_result r = tg_run(parallel_main, NULL, NULL);
    assert_null(r.error);
    assert_int_equal((uintptr_t)r.value, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_process_captures_output_and_status),
        cmocka_unit_test(test_process_stdin_env_cwd),
        cmocka_unit_test(test_process_output_cap_truncates),
        cmocka_unit_test(test_process_missing_program_is_oserror),
        cmocka_unit_test(test_process_signal_is_reported),
        cmocka_unit_test(test_process_timeout_kills_grandchildren),
        cmocka_unit_test(test_process_exit_kills_leftover_group),
        cmocka_unit_test(test_process_cancellation_kills_it),
        cmocka_unit_test(test_process_runs_concurrently_in_a_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
