/*
 * test_jail.c -- lab-jail on its own, without bubblewrap.
 *
 * The jail is what the learner-mode fallback runs alone, and what every
 * sandboxed run passes through last; these tests call it directly and read
 * back, from /proc/self inside the confined program, what it set up: the
 * limits, the credentials, no_new_privs and seccomp.  And they check the
 * contract of its failures: a distinct exit code, a "lab-jail: error:"
 * line, and never a run without protection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first. */
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_run.h"

static sandbox_caps caps;
static char tmpdir[64];

static int group_setup(void **state)
{
    (void)state;
    char why[512];
    if (sandbox_probe(&caps, false, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        return -1;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tglab-jail.XXXXXX");
    if (!mkdtemp(tmpdir) || chmod(tmpdir, 0755) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char p[128];
    static const char *const files[] = {"plain.txt", "foreign_abi"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return 0;
}

/* Runs lab-jail with args (NULL-ended, without the jail path). */
static sandbox_result jail(const char *const *args)
{
    const char *argv[32] = {caps.jail};
    size_t n = 1;
    for (; args[n - 1]; n++) {
        assert_true(n < 31);
        argv[n] = args[n - 1];
    }
    argv[n] = NULL;
    sandbox_result r;
    char why[512];
    if (sandbox_run(argv, NULL, NULL, 10000, 0, &r, why, sizeof why) != 0)
        fail_msg("%s", why);
    return r;
}

/* The line of text that starts with prefix, or fails. */
static const char *line_of(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, prefix, n) == 0)
            return p;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    fail_msg("no line starting with '%s' in:\n%s", prefix, text);
    return NULL;
}

/* The n-th (from 0) whitespace-separated field after prefix on its line. */
static void field(const char *text, const char *prefix, int n, char *out,
                  size_t outlen)
{
    const char *p = line_of(text, prefix) + strlen(prefix);
    for (int i = 0;; i++) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, " \t\n");
        if (i == n) {
            snprintf(out, outlen, "%.*s", (int)len, p);
            return;
        }
        p += len;
    }
}

static void assert_setup_failure(const char *const *args, const char *what)
{
    sandbox_result r = jail(args);
    assert_int_equal(r.exit_code, SANDBOX_EXIT_SETUP);
    assert_non_null(strstr(r.err, "lab-jail: error: "));
    if (what && !strstr(r.err, what))
        fail_msg("expected '%s' in: %s", what, r.err);
    assert_int_equal(r.out_len, 0); /* the program never ran */
    sandbox_result_free(&r);
}

static void test_jail_usage_errors_exit_125(void **state)
{
    (void)state;
    const char *const none[] = {"--cpu", "1", NULL};
    assert_setup_failure(none, "no program");
    const char *const unknown[] = {"--frobnicate", "--", "echo", "x", NULL};
    assert_setup_failure(unknown, "unknown option");
    const char *const badnum[] = {"--cpu", "lots", "--", "echo", "x", NULL};
    assert_setup_failure(badnum, "--cpu");
    const char *const neg[] = {"--as=-1", "--", "echo", "x", NULL};
    assert_setup_failure(neg, "--as");
    const char *const mode[] = {"--mode", "lax", "--", "echo", "x", NULL};
    assert_setup_failure(mode, "--mode");
    const char *const fd2[] = {"--keep-fd", "2", "--", "echo", "x", NULL};
    assert_setup_failure(fd2, "always kept");
    const char *const wall[] = {"--wall", "100", "--", "echo", "x", NULL};
    assert_setup_failure(wall, "--init");
}

static void test_jail_failed_setup_never_runs_program(void **state)
{
    (void)state;
    /* A descriptor that is not open cannot be kept: set-up fails after
     * the uid drop and limits, and the program must not start. */
    const char *const closed[] = {"--keep-fd", "977", "--",
                                  "echo",      "ran", NULL};
    assert_setup_failure(closed, "977");
    /* --init outside a fresh pid namespace cannot be an init. */
    const char *const init[] = {"--init", "--", "echo", "ran", NULL};
    assert_setup_failure(init, "pid 1");
    if (geteuid() == 0) {
        const char *const root[] = {"--uid", "0", "--", "echo", "ran", NULL};
        assert_setup_failure(root, "root");
    }
}

static void test_jail_missing_program_exits_127(void **state)
{
    (void)state;
    const char *const missing[] = {"--", "/nonexistent/program", NULL};
    sandbox_result r = jail(missing);
    assert_int_equal(r.exit_code, SANDBOX_EXIT_NOTFOUND);
    assert_non_null(strstr(r.err, "lab-jail: error: cannot run"));
    sandbox_result_free(&r);

    char plain[128];
    snprintf(plain, sizeof plain, "%s/plain.txt", tmpdir);
    int fd = open(plain, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    close(fd);
    const char *const noexec[] = {"--", plain, NULL};
    r = jail(noexec);
    assert_int_equal(r.exit_code, SANDBOX_EXIT_NOEXEC);
    sandbox_result_free(&r);
}

static void test_jail_sets_limits(void **state)
{
    (void)state;
    /* clang-format off */
    const char *const args[] = {
        "--cpu", "3", "--as", "1000000000", "--fsize", "12345",
        "--nofile", "40", "--stack", "4194304", "--nproc", "5",
        "--", "cat", "/proc/self/limits", NULL};
    /* clang-format on */
    sandbox_result r = jail(args);
    assert_int_equal(r.exit_code, 0);
    char v[32];
    field(r.out, "Max cpu time", 0, v, sizeof v);
    assert_string_equal(v, "3");
    field(r.out, "Max cpu time", 1, v, sizeof v);
    assert_string_equal(v, "4"); /* hard = soft + 1: SIGXCPU, then KILL */
    field(r.out, "Max address space", 0, v, sizeof v);
    assert_string_equal(v, "1000000000");
    field(r.out, "Max file size", 0, v, sizeof v);
    assert_string_equal(v, "12345");
    field(r.out, "Max open files", 0, v, sizeof v);
    assert_string_equal(v, "40");
    field(r.out, "Max stack size", 0, v, sizeof v);
    assert_string_equal(v, "4194304");
    field(r.out, "Max core file size", 0, v, sizeof v);
    assert_string_equal(v, "0");
    field(r.out, "Max core file size", 1, v, sizeof v);
    assert_string_equal(v, "0"); /* not even raisable */
    /* NPROC is relative to what the uid already runs: finite, >= 5 */
    field(r.out, "Max processes", 0, v, sizeof v);
    assert_string_not_equal(v, "unlimited");
    assert_true(atol(v) >= 5);
    sandbox_result_free(&r);

    const char *const data[] = {"--data", "777777777",         "--",
                                "cat",    "/proc/self/limits", NULL};
    r = jail(data);
    field(r.out, "Max data size", 0, v, sizeof v);
    assert_string_equal(v, "777777777");
    sandbox_result_free(&r);
}

static void test_jail_confines_credentials(void **state)
{
    (void)state;
    const char *const args[] = {
        "--uid", "4242", "--gid", "4243", "--", "cat", "/proc/self/status",
        NULL};
    sandbox_result r = jail(args);
    assert_int_equal(r.exit_code, 0);
    char v[64];
    field(r.out, "NoNewPrivs:", 0, v, sizeof v);
    assert_string_equal(v, "1");
    field(r.out, "Seccomp:", 0, v, sizeof v);
    assert_string_equal(v, "2"); /* filter mode */
    field(r.out, "CapEff:", 0, v, sizeof v);
    assert_string_equal(v, "0000000000000000");
    field(r.out, "CapPrm:", 0, v, sizeof v);
    assert_string_equal(v, "0000000000000000");
    if (geteuid() == 0) {
        /* real, effective, saved, filesystem: all of them left root */
        for (int i = 0; i < 4; i++) {
            field(r.out, "Uid:", i, v, sizeof v);
            assert_string_equal(v, "4242");
            field(r.out, "Gid:", i, v, sizeof v);
            assert_string_equal(v, "4243");
        }
        field(r.out, "Groups:", 0, v, sizeof v);
        assert_string_equal(v, ""); /* no supplementary groups */
    } else {
        char me[16];
        snprintf(me, sizeof me, "%u", (unsigned)getuid());
        field(r.out, "Uid:", 0, v, sizeof v);
        assert_string_equal(v, me); /* not root: nothing to drop */
    }
    sandbox_result_free(&r);
}

static void test_jail_foreign_abi_is_killed(void **state)
{
    (void)state;
#if !defined(__x86_64__)
    skip();
#endif
    char src[PATH_MAX], bin[128], why[512];
    const char *rel = "tests/runner/fixtures/sandbox/foreign_abi.c";
    if (!realpath(rel, src))
        fail_msg("run from the top of the source tree (%s)", rel);
    snprintf(bin, sizeof bin, "%s/foreign_abi", tmpdir);
    const char *const cc[] = {"cc", "-O1", "-o", bin, src, NULL};
    sandbox_result r;
    assert_int_equal(sandbox_run(cc, NULL, NULL, 60000, 0, &r, why, sizeof why),
                     0);
    assert_int_equal(r.exit_code, 0);
    sandbox_result_free(&r);
    const char *const args[] = {"--", bin, NULL};
    r = jail(args);
    assert_int_equal(r.term_signal, SIGSYS);
    assert_null(strstr(r.out, "alive"));
    sandbox_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jail_usage_errors_exit_125),
        cmocka_unit_test(test_jail_failed_setup_never_runs_program),
        cmocka_unit_test(test_jail_missing_program_exits_127),
        cmocka_unit_test(test_jail_sets_limits),
        cmocka_unit_test(test_jail_confines_credentials),
        cmocka_unit_test(test_jail_foreign_abi_is_killed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
