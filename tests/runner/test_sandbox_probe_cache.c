/*
 * test_sandbox_probe_cache.c -- sandbox_probe_at's file: a working answer
 * is kept and recalled, and anything that is not exactly today's facts
 * (a corrupt or truncated file, a symlink, another lab-jail, a failing
 * bubblewrap) means a real trial.  sandbox_probe_forget(NULL) stands for
 * "a new lab process": it drops only the answer held in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first. */
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_probe_cache.h"

static struct {
    char root[64];      /* our temporary tree */
    char dir[PATH_MAX]; /* root/cache: the cache directory */
    char file[PATH_MAX + 32];
    sandbox_caps live; /* a real trial's answer, for comparison */
} g;

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
}

static char *read_text(const char *path)
{
    static char buf[SANDBOX_PROBE_FACTS_MAX + 16];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

/* A probe as a new process would make it: nothing remembered in memory. */
static sandbox_caps fresh_probe(const char *dir)
{
    sandbox_caps caps;
    char why[512];
    sandbox_probe_forget(NULL);
    assert_int_equal(sandbox_probe_at(dir, &caps, false, why, sizeof why), 0);
    assert_true(caps.jail_ok);
    return caps;
}

static int group_setup(void **state)
{
    (void)state;
    char why[512];
    if (sandbox_probe(&g.live, true, why, sizeof why) != 0 ||
        !g.live.bwrap_ok) {
        fprintf(stderr, "these tests need bubblewrap and lab-jail: %s\n",
                why[0] ? why : g.live.diag);
        return -1;
    }
    snprintf(g.root, sizeof g.root, "/tmp/tglab-probecache.XXXXXX");
    if (!mkdtemp(g.root))
        return -1;
    snprintf(g.dir, sizeof g.dir, "%s/cache", g.root);
    snprintf(g.file, sizeof g.file, "%s/%s", g.dir, SANDBOX_PROBE_CACHE_FILE);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g.root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Each test starts with no file and nothing in memory. */
static int setup(void **state)
{
    (void)state;
    unlink(g.file);
    sandbox_probe_forget(NULL);
    return 0;
}

static void test_probe_cache_recalls_a_working_sandbox(void **state)
{
    (void)state;
    sandbox_caps first = fresh_probe(g.dir);
    assert_false(first.from_cache);
    assert_true(first.bwrap_ok);
    assert_non_null(read_text(g.file)); /* the directory was made too */

    sandbox_caps again = fresh_probe(g.dir);
    assert_true(again.from_cache);
    assert_true(again.bwrap_ok);
    assert_true(again.jail_ok);
    assert_string_equal(again.bwrap, g.live.bwrap);
    assert_string_equal(again.jail, g.live.jail);
    assert_int_equal(again.root, g.live.root);

    /* refresh always tries for real */
    char why[512];
    assert_int_equal(sandbox_probe_at(g.dir, &again, true, why, sizeof why),
                     0);
    assert_false(again.from_cache);
}

static void test_probe_cache_ignores_a_corrupt_file(void **state)
{
    (void)state;
    fresh_probe(g.dir);
    char good[SANDBOX_PROBE_FACTS_MAX + 16];
    snprintf(good, sizeof good, "%s", read_text(g.file));
    size_t len = strlen(good);
    assert_true(len > 100);

    char bad[sizeof good];
    const char *variants[4];
    variants[0] = "garbage\n";
    snprintf(bad, sizeof bad, "%.*s", (int)(len / 2), good); /* truncated */
    variants[1] = bad;
    static char extra[sizeof good + 8];
    snprintf(extra, sizeof extra, "%sX\n", good); /* one line too many */
    variants[2] = extra;
    static char flipped[sizeof good];
    snprintf(flipped, sizeof flipped, "%s", good);
    flipped[len - 2] ^= 1; /* the same length, one byte off */
    variants[3] = flipped;
    for (size_t i = 0; i < 4; i++) {
        write_file(g.file, variants[i], 0644);
        sandbox_caps caps = fresh_probe(g.dir);
        assert_false(caps.from_cache);
        /* the trial's answer replaced the bad file */
        assert_string_equal(read_text(g.file), good);
    }
}

static void test_probe_cache_refuses_a_symlink(void **state)
{
    (void)state;
    fresh_probe(g.dir);
    char elsewhere[PATH_MAX + 16];
    snprintf(elsewhere, sizeof elsewhere, "%s/facts", g.root);
    assert_int_equal(rename(g.file, elsewhere), 0);
    assert_int_equal(symlink(elsewhere, g.file), 0);
    sandbox_caps caps = fresh_probe(g.dir);
    assert_false(caps.from_cache);
    unlink(elsewhere);
}

static void test_probe_cache_key_change_probes_again(void **state)
{
    (void)state;
    fresh_probe(g.dir);
    assert_true(fresh_probe(g.dir).from_cache);

    /* Another lab-jail (a copy: another inode) is another answer. */
    char copy[PATH_MAX + 16], cmd[PATH_MAX * 3];
    snprintf(copy, sizeof copy, "%s/lab-jail", g.root);
    snprintf(cmd, sizeof cmd, "cp %s %s", g.live.jail, copy);
    assert_int_equal(system(cmd), 0);
    setenv("TGLAB_JAIL", copy, 1);
    sandbox_caps caps = fresh_probe(g.dir);
    assert_false(caps.from_cache);
    assert_string_equal(caps.jail, copy);
    assert_true(fresh_probe(g.dir).from_cache);

    /* The same file, rebuilt (a new modification time). */
    struct timeval tv[2] = {{1000000000, 0}, {1000000000, 0}};
    assert_int_equal(utimes(copy, tv), 0);
    assert_false(fresh_probe(g.dir).from_cache);
    assert_true(fresh_probe(g.dir).from_cache);

    /* And back to the usual jail. */
    unsetenv("TGLAB_JAIL");
    caps = fresh_probe(g.dir);
    assert_false(caps.from_cache);
    assert_string_equal(caps.jail, g.live.jail);
    unlink(copy);
}

static void test_probe_cache_unwritable_dir_still_works(void **state)
{
    (void)state;
    /* A regular file where the directory should be: nothing can be
     * written below it, whoever we are. */
    char notdir[PATH_MAX + 16];
    snprintf(notdir, sizeof notdir, "%s/not-a-dir", g.root);
    write_file(notdir, "", 0644);
    for (int i = 0; i < 2; i++) {
        sandbox_caps caps = fresh_probe(notdir);
        assert_true(caps.bwrap_ok);
        assert_false(caps.from_cache);
    }
    /* A directory whose parent is missing is not made. */
    char deep[PATH_MAX + 32];
    snprintf(deep, sizeof deep, "%s/no/such/dir", g.root);
    assert_false(fresh_probe(deep).from_cache);
    assert_int_equal(access(deep, F_OK), -1);
    /* No directory at all: the plain in-memory probe. */
    assert_false(fresh_probe(NULL).from_cache);
    assert_false(fresh_probe("").from_cache);
    unlink(notdir);
}

static void test_probe_cache_keeps_no_failure(void **state)
{
    (void)state;
    /* A bubblewrap that cannot make a sandbox, first in PATH. */
    char bin[PATH_MAX + 16], fake[PATH_MAX + 32], path[PATH_MAX * 3];
    snprintf(bin, sizeof bin, "%s/fakebin", g.root);
    mkdir(bin, 0755);
    snprintf(fake, sizeof fake, "%s/bwrap", bin);
    write_file(fake,
               "#!/bin/sh\necho 'bwrap: Creating new namespace failed' >&2\n"
               "exit 1\n",
               0755);
    const char *old = getenv("PATH");
    char *saved = strdup(old ? old : "/usr/bin:/bin");
    snprintf(path, sizeof path, "%s:%s", bin, saved);
    setenv("PATH", path, 1);
    sandbox_caps caps = fresh_probe(g.dir);
    setenv("PATH", saved, 1);
    free(saved);
    assert_false(caps.bwrap_ok);
    assert_false(caps.from_cache);
    assert_null(read_text(g.file)); /* "unusable" is never kept */

    /* Forgetting removes a stored answer too. */
    fresh_probe(g.dir);
    assert_non_null(read_text(g.file));
    sandbox_probe_forget(g.dir);
    assert_null(read_text(g.file));
    unlink(fake);
    rmdir(bin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_probe_cache_recalls_a_working_sandbox,
                               setup),
        cmocka_unit_test_setup(test_probe_cache_ignores_a_corrupt_file, setup),
        cmocka_unit_test_setup(test_probe_cache_refuses_a_symlink, setup),
        cmocka_unit_test_setup(test_probe_cache_key_change_probes_again,
                               setup),
        cmocka_unit_test_setup(test_probe_cache_unwritable_dir_still_works,
                               setup),
        cmocka_unit_test_setup(test_probe_cache_keeps_no_failure, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
