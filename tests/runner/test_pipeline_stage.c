/*
 * test_pipeline_stage.c -- without bubblewrap, as root, the lab's inputs
 * the jail's uid cannot reach are staged where it can
 * (runner/src/pipeline_stage.c): a file and a directory of headers behind
 * a private directory become readable by that uid, with the same content
 * and base name; inputs it already reaches, runs with bubblewrap, and runs
 * that are not root are left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipeline_internal.h"

#define NOBODY 65534

static char root[256];
static pipeline__ctx ctx; /* large: not on the stack */

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* root/private (0700) holding lib.a and include/x.h; root/tmp (0711) as
 * the run's private directory; ctx as a root run without bubblewrap. */
static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/test_stage.XXXXXX");
    assert_non_null(mkdtemp(root));
    assert_int_equal(chmod(root, 0755), 0);
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/private", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/private/include", root);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/private/include/x.h", root);
    spit(p, "int x(void);\n");
    snprintf(p, sizeof p, "%s/private/lib.a", root);
    spit(p, "!<arch>\n");
    snprintf(p, sizeof p, "%s/tmp", root);
    assert_int_equal(mkdir(p, 0711), 0);
    assert_int_equal(chmod(p, 0711), 0);

    memset(&ctx, 0, sizeof ctx);
    ctx.caps.bwrap_ok = false;
    ctx.caps.root = true;
    snprintf(ctx.tmp, sizeof ctx.tmp, "%s/tmp", root);
    snprintf(ctx.host[PIPELINE__B_INC_TG], PATH_MAX, "%s/private/include",
             root);
    snprintf(ctx.host[PIPELINE__B_LIBTG], PATH_MAX, "%s/private/lib.a",
             root);
    for (int b = 0; b < PIPELINE__NBINDS; b++)
        ctx.inside[b] = ctx.host[b];
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Whether the jail's uid can open path for reading (as root only). */
static bool nobody_reads(const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
            _exit(2);
        int fd = open(path, O_RDONLY);
        _exit(fd >= 0 ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 2);
    return WEXITSTATUS(st) == 0;
}

static void test_stage_private_inputs_become_readable(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* the jail drops no uid then: nothing to stage */
    char lib[PATH_MAX + 16], hdr[PATH_MAX + 16];
    snprintf(lib, sizeof lib, "%s", ctx.host[PIPELINE__B_LIBTG]);
    assert_false(nobody_reads(lib));

    pipeline__stage(&ctx, PIPELINE__B_INC_TG);
    pipeline__stage(&ctx, PIPELINE__B_LIBTG);
    const char *inc = ctx.inside[PIPELINE__B_INC_TG];
    const char *lib_in = ctx.inside[PIPELINE__B_LIBTG];
    assert_ptr_not_equal(inc, ctx.host[PIPELINE__B_INC_TG]);
    assert_ptr_not_equal(lib_in, ctx.host[PIPELINE__B_LIBTG]);
    /* Under the run's directory, with the same base name. */
    assert_memory_equal(inc, ctx.tmp, strlen(ctx.tmp));
    assert_string_equal(strrchr(inc, '/'), "/include");
    assert_string_equal(strrchr(lib_in, '/'), "/lib.a");

    snprintf(hdr, sizeof hdr, "%s/x.h", inc);
    assert_true(nobody_reads(hdr));
    assert_true(nobody_reads(lib_in));
    FILE *f = fopen(hdr, "r");
    assert_non_null(f);
    char line[64] = {0};
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "int x(void);\n");

    /* Staged once: a second call keeps the same place. */
    pipeline__stage(&ctx, PIPELINE__B_LIBTG);
    assert_ptr_equal(ctx.inside[PIPELINE__B_LIBTG], lib_in);
}

static void test_stage_leaves_reachable_and_bwrap_runs_alone(void **state)
{
    (void)state;
    /* Reachable already: the host path stays. */
    char open_file[300];
    snprintf(open_file, sizeof open_file, "%s/open.o", root);
    spit(open_file, "x");
    assert_int_equal(chmod(open_file, 0644), 0);
    snprintf(ctx.host[PIPELINE__B_PROBE_O], PATH_MAX, "%s", open_file);
    pipeline__stage(&ctx, PIPELINE__B_PROBE_O);
    assert_ptr_equal(ctx.inside[PIPELINE__B_PROBE_O],
                     ctx.host[PIPELINE__B_PROBE_O]);

    /* With bubblewrap, or not as root, nothing is staged. */
    ctx.caps.bwrap_ok = true;
    pipeline__stage(&ctx, PIPELINE__B_LIBTG);
    assert_ptr_equal(ctx.inside[PIPELINE__B_LIBTG],
                     ctx.host[PIPELINE__B_LIBTG]);
    ctx.caps.bwrap_ok = false;
    ctx.caps.root = false;
    pipeline__stage(&ctx, PIPELINE__B_LIBTG);
    assert_ptr_equal(ctx.inside[PIPELINE__B_LIBTG],
                     ctx.host[PIPELINE__B_LIBTG]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_stage_private_inputs_become_readable, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_stage_leaves_reachable_and_bwrap_runs_alone, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
