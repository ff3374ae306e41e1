/*
 * test_sandbox.c -- the sandbox against hostile programs.
 *
 * Every test runs a real program (tests/runner/fixtures/sandbox/, compiled
 * on the host once per run) through sandbox_argv and sandbox_run -- the
 * same bubblewrap + lab-jail pipeline grading uses -- and asserts on what
 * the sandbox let happen: the calls that failed and how, what is visible
 * and writable, how long the run took, and that nothing it started is still
 * alive afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first. */
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_files.h"
#include "sandbox_run.h"

/* Where the fixtures are seen inside the sandbox. */
#define FIX "/fix"

static struct {
    sandbox_caps caps;
    uint64_t asan_reserve; /* 0 when this toolchain has no ASan */
    char root[64];         /* our temporary tree */
    char work[PATH_MAX];   /* root/student: the sandbox's /work */
    char other[PATH_MAX];  /* root/other: another student's folder */
    char bin[PATH_MAX];    /* root/bin: compiled fixtures, at /fix */
    char src[PATH_MAX];    /* the fixture sources */
    sandbox_bind binds[1];
} g;

/* ---- helpers ---------------------------------------------------------- */

static void find_sources(void)
{
    /* Tests run from the top of the tree (make test); fall back to the
     * tree above build/tests/runner/ for a binary run from elsewhere. */
    const char *rel = "tests/runner/fixtures/sandbox";
    if (access(rel, R_OK) == 0) {
        assert_non_null(realpath(rel, g.src));
        return;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    char cand[PATH_MAX + 64];
    snprintf(cand, sizeof cand, "%s/../../../../%s", self, rel);
    assert_non_null(realpath(cand, g.src));
}

static void compile(const char *name, const char *out, bool asan)
{
    char srcpath[PATH_MAX + 64], outpath[PATH_MAX + 64], why[512];
    snprintf(srcpath, sizeof srcpath, "%s/%s.c", g.src, name);
    snprintf(outpath, sizeof outpath, "%s/%s", g.bin, out);
    const char *const plain[] = {"cc",    "-std=gnu11", "-D_GNU_SOURCE",
                                 "-O1",   "-w",         "-o",
                                 outpath, srcpath,      NULL};
    const char *const san[] = {"cc",
                               "-std=gnu11",
                               "-D_GNU_SOURCE",
                               "-O1",
                               "-g",
                               "-w",
                               "-fsanitize=address",
                               "-o",
                               outpath,
                               srcpath,
                               NULL};
    sandbox_result r;
    assert_int_equal(sandbox_run(asan ? san : plain, NULL, NULL, 60000, 0, &r,
                                 why, sizeof why),
                     0);
    if (r.exit_code != 0)
        fail_msg("cannot compile fixture %s: %s", name, r.err);
    sandbox_result_free(&r);
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
    char why[512];
    if (sandbox_probe(&g.caps, false, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        return -1;
    }
    if (sandbox_measure_asan(NULL, &g.asan_reserve, why, sizeof why) != 0)
        g.asan_reserve = 0; /* the ASan tests then say they are skipped */
    snprintf(g.root, sizeof g.root, "/tmp/tglab-sandbox.XXXXXX");
    if (!mkdtemp(g.root) || chmod(g.root, 0755) != 0)
        return -1;
    snprintf(g.work, sizeof g.work, "%s/student", g.root);
    snprintf(g.other, sizeof g.other, "%s/other", g.root);
    snprintf(g.bin, sizeof g.bin, "%s/bin", g.root);
    if (mkdir(g.work, 0755) || mkdir(g.other, 0755) || mkdir(g.bin, 0755))
        return -1;
    g.binds[0] = (sandbox_bind){.src = g.bin, .dest = FIX};
    find_sources();
    static const char *const names[] = {"net",      "files",  "forkbomb",
                                        "balloon",  "spin",   "flood",
                                        "syscalls", "daemon", "fds"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        compile(names[i], names[i], false);
    if (g.asan_reserve) {
        compile("balloon", "balloon_asan", true);
        compile("leak", "leak_asan", true);
    }
    /* The other student's work, which must stay invisible. */
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/secret.txt", g.other);
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    fputs("the other student's answer\n", f);
    fclose(f);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g.root[0])
        nftw(g.root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* A grade-mode spec on g.work with the fixtures at /fix. */
static sandbox_spec spec_for(sandbox_mode mode)
{
    sandbox_spec s;
    sandbox_spec_init(&s, mode);
    s.workdir = g.work;
    s.ro_binds = g.binds;
    s.n_ro_binds = 1;
    s.wall_ms = 5000;
    s.cpu_s = 2;
    s.output_cap = 64 * 1024;
    char why[512];
    if (sandbox_prepare_workdir(&s, why, sizeof why) != 0)
        fail_msg("%s", why);
    return s;
}

static sandbox_result run_with(const sandbox_caps *caps, const sandbox_spec *s,
                               const char *const *cmd)
{
    char why[512];
    char **av = sandbox_argv(caps, s, cmd, why, sizeof why);
    if (!av)
        fail_msg("%s", why);
    sandbox_result r;
    int rc = sandbox_run((const char *const *)av, NULL, NULL,
                         sandbox_timeout_ms(caps, s), s->output_cap, &r, why,
                         sizeof why);
    sandbox_argv_free(av);
    if (rc != 0)
        fail_msg("%s", why);
    return r;
}

static sandbox_result run(const sandbox_spec *s, const char *const *cmd)
{
    return run_with(&g.caps, s, cmd);
}

/* True when text has the exact line. */
static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == n && memcmp(p, line, n) == 0)
            return true;
        p = nl ? nl + 1 : NULL;
    }
    return false;
}

static void assert_line(const sandbox_result *r, const char *line)
{
    if (!has_line(r->out, line))
        fail_msg("expected the line '%s'; the program printed:\n%s\n"
                 "stderr:\n%s",
                 line, r->out, r->err);
}

/* The value after "key=" on its own line, copied into out ("" if none). */
static void value_of(const char *text, const char *key, char *out,
                     size_t outlen)
{
    out[0] = '\0';
    size_t k = strlen(key);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, key, k) == 0 && p[k] == '=') {
            size_t len = strcspn(p + k + 1, "\n");
            if (len >= outlen)
                len = outlen - 1;
            memcpy(out, p + k + 1, len);
            out[len] = '\0';
            return;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
}

/* How many live (not zombie) processes on the host are in the pid
 * namespace ns (as printed by a fixture: "pid:[N]"). */
static int processes_in_ns(const char *ns)
{
    DIR *d = opendir("/proc");
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char path[300], link[64];
        snprintf(path, sizeof path, "/proc/%s/ns/pid", de->d_name);
        ssize_t len = readlink(path, link, sizeof link - 1);
        if (len <= 0)
            continue;
        link[len] = '\0';
        if (strcmp(link, ns) != 0)
            continue;
        /* A zombie runs nothing: the sandbox's init, once bubblewrap is
         * killed, is reparented to the host's init and waits there to be
         * reaped. */
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        FILE *f = fopen(path, "r");
        char stat[512] = "", state = '?';
        if (f) {
            if (!fgets(stat, sizeof stat, f))
                stat[0] = '\0';
            fclose(f);
        }
        const char *paren = strrchr(stat, ')'); /* comm may hold ')' */
        if (paren && paren[1] == ' ')
            state = paren[2];
        if (state != 'Z' && state != 'X' && state != '?')
            n++;
    }
    closedir(d);
    return n;
}

static void assert_ns_empty(const sandbox_result *r)
{
    char ns[64];
    value_of(r->out, "ns", ns, sizeof ns);
    if (strncmp(ns, "pid:[", 5) != 0)
        fail_msg("the fixture did not report its namespace:\n%s%s", r->out,
                 r->err);
    char self[64];
    ssize_t len = readlink("/proc/self/ns/pid", self, sizeof self - 1);
    assert_true(len > 0);
    self[len] = '\0';
    assert_string_not_equal(ns, self); /* it really had its own */
    assert_int_equal(processes_in_ns(ns), 0);
}

/* ---- probe and argv ---------------------------------------------------- */

static void test_sandbox_probe_finds_bwrap_and_jail(void **state)
{
    (void)state;
    sandbox_caps caps;
    char why[512];
    assert_int_equal(sandbox_probe(&caps, false, why, sizeof why), 0);
    assert_true(caps.jail_ok);
    if (!caps.bwrap_ok)
        fail_msg("bubblewrap is needed for these tests: %s", caps.diag);
    assert_true(caps.bwrap[0] == '/');
    assert_true(caps.jail[0] == '/');
    assert_int_equal(caps.root, geteuid() == 0);
}

static void test_sandbox_probe_reports_missing_jail(void **state)
{
    (void)state;
    sandbox_caps caps;
    char why[512] = "";
    setenv("TGLAB_JAIL", "/nonexistent/lab-jail", 1);
    int rc = sandbox_probe(&caps, true, why, sizeof why);
    unsetenv("TGLAB_JAIL");
    assert_int_equal(rc, -1);
    assert_false(caps.jail_ok);
    assert_non_null(strstr(why, "lab: error: "));
    assert_non_null(strstr(why, "lab-jail"));
    /* and the cache is refreshed back to the working answer */
    assert_int_equal(sandbox_probe(&caps, true, why, sizeof why), 0);
    assert_true(caps.jail_ok);
}

static bool argv_has(char **av, const char *word)
{
    for (char **p = av; *p; p++)
        if (strcmp(*p, word) == 0)
            return true;
    return false;
}

static void test_sandbox_argv_shape(void **state)
{
    (void)state;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    const char *const cmd[] = {"true", NULL};
    char why[512];
    char **av = sandbox_argv(&g.caps, &s, cmd, why, sizeof why);
    assert_non_null(av);
    static const char *const must[] = {
        "--unshare-net",     "--unshare-pid", "--unshare-ipc",
        "--die-with-parent", "--new-session", "--clearenv",
        SANDBOX_JAIL_PATH,   "--mode=grade",  "--as=536870912"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!argv_has(av, must[i]))
            fail_msg("the sandbox argv lacks %s", must[i]);
    /* Nothing of the host but /usr (and its top-level links), the
     * submission, the fixtures and the jail. */
    for (char **p = av; *p; p++) {
        assert_null(strstr(*p, "/home"));
        assert_null(strstr(*p, "/root"));
        assert_null(strstr(*p, g.other));
        if (strcmp(*p, "--bind") == 0)
            assert_string_equal(p[1], g.work);
    }
    assert_string_equal(av[0], g.caps.bwrap);
    sandbox_argv_free(av);
}

static void test_sandbox_argv_refuses_bad_specs(void **state)
{
    (void)state;
    const char *const cmd[] = {"true", NULL};
    char why[512];
    sandbox_spec s = spec_for(SANDBOX_GRADE);

    s.workdir = "relative/dir";
    assert_null(sandbox_argv(&g.caps, &s, cmd, why, sizeof why));
    assert_non_null(strstr(why, "lab: error: "));
    s.workdir = "/nonexistent/student";
    assert_null(sandbox_argv(&g.caps, &s, cmd, why, sizeof why));
    s.workdir = g.work;
    s.sanitizers = true; /* without the measured ASan reserve */
    assert_null(sandbox_argv(&g.caps, &s, cmd, why, sizeof why));
    assert_non_null(strstr(why, "asan_reserve"));
    s.sanitizers = false;

    /* Grade mode never runs without bubblewrap unless told it is unsafe;
     * learner mode falls back to the jail alone. */
    sandbox_caps nobwrap = g.caps;
    nobwrap.bwrap_ok = false;
    snprintf(nobwrap.diag, sizeof nobwrap.diag, "simulated");
    assert_null(sandbox_argv(&nobwrap, &s, cmd, why, sizeof why));
    assert_non_null(strstr(why, "--unsafe-no-sandbox"));
    s.unsafe_no_bwrap = true;
    char **av = sandbox_argv(&nobwrap, &s, cmd, why, sizeof why);
    assert_non_null(av);
    assert_string_equal(av[0], "/usr/bin/env");
    sandbox_argv_free(av);
    sandbox_spec l = spec_for(SANDBOX_LEARNER);
    av = sandbox_argv(&nobwrap, &l, cmd, why, sizeof why);
    assert_non_null(av);
    assert_true(argv_has(av, g.caps.jail));
    assert_true(argv_has(av, "--mode=learner"));
    sandbox_argv_free(av);

    /* No jail, no sandbox at all. */
    sandbox_caps nothing = nobwrap;
    nothing.jail_ok = false;
    assert_null(sandbox_argv(&nothing, &l, cmd, why, sizeof why));
}

/* ---- hostile programs ------------------------------------------------- */

static void test_sandbox_network_is_unreachable(void **state)
{
    (void)state;
    /* A real listener on the host's loopback: it must see no one. */
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(ls >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(ls, 8), 0);
    assert_int_equal(getsockname(ls, (struct sockaddr *)&a, &alen), 0);
    char port[16];
    snprintf(port, sizeof port, "%u", (unsigned)ntohs(a.sin_port));
    const char *const cmd[] = {FIX "/net", port, NULL};

    sandbox_spec s = spec_for(SANDBOX_GRADE);
    sandbox_result r = run(&s, cmd);
    assert_int_equal(r.exit_code, 0);
    assert_line(&r, "socket_inet=EPERM");
    assert_line(&r, "connect_inet=nosocket");
    assert_line(&r, "socket_unix=EPERM");
    sandbox_result_free(&r);

    s = spec_for(SANDBOX_LEARNER);
    r = run(&s, cmd);
    assert_int_equal(r.exit_code, 0);
    assert_line(&r, "socket_inet=EPERM");
    assert_line(&r, "socket_unix=ok"); /* learner mode allows AF_UNIX */
    sandbox_result_free(&r);

    int c = accept(ls, NULL, NULL);
    assert_int_equal(c, -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    close(ls);
}

static void test_sandbox_host_files_are_invisible(void **state)
{
    (void)state;
    char own[PATH_MAX + 16], host_secret[PATH_MAX + 16];
    snprintf(own, sizeof own, "%s/own.txt", g.work);
    FILE *f = fopen(own, "w");
    assert_non_null(f);
    fputs("mine\n", f);
    fclose(f);
    snprintf(host_secret, sizeof host_secret, "%s/secret.txt", g.other);
    const char *const cmd[] = {FIX "/files",
                               "/etc/shadow",
                               "/etc/passwd",
                               "/root",
                               "/home",
                               host_secret,
                               "/work/../other/secret.txt",
                               "/proc/1/environ",
                               "/work/own.txt",
                               NULL};
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    sandbox_result r = run(&s, cmd);
    assert_int_equal(r.exit_code, 0);
    for (size_t i = 1; i + 1 < sizeof cmd / sizeof cmd[0] - 1; i++) {
        char v[64];
        value_of(r.out, cmd[i], v, sizeof v);
        if (strcmp(v, "ENOENT") != 0 && strcmp(v, "EACCES") != 0)
            fail_msg("%s should be unreachable, got '%s'\n%s", cmd[i], v,
                     r.err);
    }
    assert_line(&r, "/work/own.txt=ok"); /* the control: files do work */
    sandbox_result_free(&r);
}

static void test_sandbox_writes_stay_inside(void **state)
{
    (void)state;
    char host_other[PATH_MAX + 16];
    snprintf(host_other, sizeof host_other, "%s/planted", g.other);
    const char *const cmd[] = {
        FIX "/files",   "--write",       "/usr/tglab-planted", "/planted",
        "/etc/planted", "/dev/planted",  "/run/planted",       "/proc/planted",
        host_other,     "/work/out.txt", "/tmp/scratch",       NULL};
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    sandbox_result r = run(&s, cmd);
    assert_int_equal(r.exit_code, 0);
    for (size_t i = 2; i < 9; i++) {
        char v[64];
        value_of(r.out, cmd[i], v, sizeof v);
        if (strcmp(v, "ok") == 0 || v[0] == '\0')
            fail_msg("writing %s should fail, got '%s'", cmd[i], v);
    }
    assert_line(&r, "/work/out.txt=ok");
    assert_line(&r, "/tmp/scratch=ok");
    sandbox_result_free(&r);
    /* and on the host: only the submission changed */
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/out.txt", g.work);
    assert_int_equal(access(p, F_OK), 0);
    assert_int_equal(access(host_other, F_OK), -1);
    assert_int_equal(access("/usr/tglab-planted", F_OK), -1);
}

static void test_sandbox_fork_bomb_is_contained(void **state)
{
    (void)state;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.max_procs = 16;
    s.cpu_s = 1;
    s.wall_ms = 2000;
    const char *const cmd[] = {FIX "/forkbomb", NULL};
    sandbox_result r = run(&s, cmd);
    /* The process limit stopped the growth (not only the clock)... */
    assert_line(&r, "fork=EAGAIN");
    /* ...the run ended on time, and nothing of it survives. */
    assert_true(r.elapsed_ms < 6000);
    assert_ns_empty(&r);
    sandbox_result_free(&r);
}

static void test_sandbox_memory_balloon_is_stopped(void **state)
{
    (void)state;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.memory_bytes = 128u << 20;
    static const char *const modes[] = {"malloc", "mmap"};
    for (size_t i = 0; i < 2; i++) {
        const char *const cmd[] = {FIX "/balloon", modes[i], NULL};
        sandbox_result r = run(&s, cmd);
        char v[32];
        value_of(r.out, "failed_after_mib", v, sizeof v);
        if (r.exit_code != 3 || !v[0] || atoi(v) > 128)
            fail_msg("%s balloon not stopped at 128 MiB: exit %d\n%s%s",
                     modes[i], r.exit_code, r.out, r.err);
        sandbox_result_free(&r);
    }
}

static void test_sandbox_asan_balloon_is_stopped(void **state)
{
    (void)state;
    if (!g.asan_reserve)
        skip();
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.memory_bytes = 128u << 20;
    s.sanitizers = true;
    s.asan_reserve = g.asan_reserve;
    static const char *const modes[] = {"malloc", "mmap"};
    for (size_t i = 0; i < 2; i++) {
        const char *const cmd[] = {FIX "/balloon_asan", modes[i], NULL};
        sandbox_result r = run(&s, cmd);
        /* ASan started (RLIMIT_AS would have stopped it at once)... */
        assert_null(strstr(r.err, "ReserveShadowMemoryRange failed"));
        /* ...and the balloon was refused (malloc said no at the soft RSS
         * limit, or mmap at RLIMIT_DATA: budget + half + 128 MiB of
         * runtime slack), or the runtime killed it at its hard RSS
         * limit.  Never by the wall clock. */
        assert_false(has_line(r.out, "reached=4096"));
        assert_false(sandbox_timed_out(r.exit_code, r.timed_out));
        char v[32];
        value_of(r.out, "failed_after_mib", v, sizeof v);
        bool refused = v[0] && atoi(v) <= 128 + 64 + 128;
        bool stopped = strstr(r.err, "hard rss limit exhausted") != NULL;
        if (!refused && !stopped)
            fail_msg("ASan %s balloon not stopped: exit %d\n%s%s", modes[i],
                     r.exit_code, r.out, r.err);
        sandbox_result_free(&r);
    }
}

static void test_sandbox_cpu_hog_is_stopped(void **state)
{
    (void)state;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.cpu_s = 1;
    s.wall_ms = 8000;
    const char *const cmd[] = {FIX "/spin", NULL};
    sandbox_result r = run(&s, cmd);
    /* bubblewrap reports a signal death as 128 + signal */
    assert_false(r.timed_out);
    if (r.exit_code != 128 + SIGXCPU && r.exit_code != 128 + SIGKILL)
        fail_msg("expected death by SIGXCPU, got exit %d signal %d",
                 r.exit_code, r.term_signal);
    assert_true(r.elapsed_ms < 6000);
    assert_ns_empty(&r);
    sandbox_result_free(&r);
}

static void test_sandbox_sleeper_hits_wall_timeout(void **state)
{
    (void)state;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.wall_ms = 800;
    const char *const cmd[] = {FIX "/spin", "sleep", NULL};
    sandbox_result r = run(&s, cmd);
    /* The jail's clock, not the runner's backstop, ended it. */
    assert_int_equal(r.exit_code, SANDBOX_EXIT_TIMEOUT);
    assert_false(r.timed_out);
    assert_true(sandbox_timed_out(r.exit_code, r.timed_out));
    assert_true(r.elapsed_ms >= 800 && r.elapsed_ms < 2500);
    assert_ns_empty(&r);
    sandbox_result_free(&r);
}

static void test_sandbox_runner_backstop_kills_everything(void **state)
{
    (void)state;
    /* The runner's own timeout (here shorter than the jail's clock, as if
     * the jail hung): killing bubblewrap takes the namespace with it, and
     * sandbox_run returns only once it is gone. */
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.wall_ms = 30000;
    const char *const cmd[] = {FIX "/spin", "sleep", NULL};
    char why[512];
    char **av = sandbox_argv(&g.caps, &s, cmd, why, sizeof why);
    assert_non_null(av);
    sandbox_result r;
    assert_int_equal(sandbox_run((const char *const *)av, NULL, NULL, 700,
                                 s.output_cap, &r, why, sizeof why),
                     0);
    sandbox_argv_free(av);
    assert_true(r.timed_out);
    assert_true(r.elapsed_ms < 2500);
    assert_ns_empty(&r);
    sandbox_result_free(&r);
}

static void test_sandbox_init_is_unprivileged(void **state)
{
    (void)state;
    /* The jail's init sits in the namespace for the whole run: it must
     * be as powerless as the program (no capabilities, the filter on). */
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    const char *const cmd[] = {"cat", "/proc/1/status", NULL};
    sandbox_result r = run(&s, cmd);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Name:\tlab-jail"));
    assert_non_null(strstr(r.out, "\nCapEff:\t0000000000000000\n"));
    assert_non_null(strstr(r.out, "\nCapPrm:\t0000000000000000\n"));
    assert_non_null(strstr(r.out, "\nNoNewPrivs:\t1\n"));
    assert_non_null(strstr(r.out, "\nSeccomp:\t2\n"));
    sandbox_result_free(&r);
}

static void test_sandbox_dies_with_its_runner(void **state)
{
    (void)state;
    /* The runner itself dies (a crash, kill -9) while a sandbox sleeps:
     * bubblewrap and then the whole namespace must follow.  The runner is
     * played by a shell that starts bubblewrap and waits. */
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.wall_ms = 30000;
    const char *const cmd[] = {FIX "/spin", "sleep", NULL};
    char why[512];
    char **av = sandbox_argv(&g.caps, &s, cmd, why, sizeof why);
    assert_non_null(av);
    size_t n = 0;
    while (av[n])
        n++;
    const char **sh = calloc(n + 5, sizeof *sh);
    assert_non_null(sh);
    sh[0] = "sh";
    sh[1] = "-c";
    sh[2] = "setsid \"$@\" & wait"; /* bwrap out of sh's group */
    sh[3] = "sh";
    for (size_t i = 0; i < n; i++)
        sh[4 + i] = av[i];
    sandbox_result r;
    /* The timeout kills sh's process group: sh alone, since bubblewrap
     * is in its own session.  Only die-with-parent can end the rest. */
    int rc = sandbox_run(sh, NULL, NULL, 700, 4096, &r, why, sizeof why);
    free(sh);
    sandbox_argv_free(av);
    assert_int_equal(rc, 0);
    assert_true(r.timed_out);
    /* Nobody waits for that chain (sh's child, bubblewrap, is waited for
     * a second at most): give the kernel a moment. */
    char ns[64];
    value_of(r.out, "ns", ns, sizeof ns);
    assert_true(strncmp(ns, "pid:[", 5) == 0);
    int left = -1;
    for (int i = 0; i < 100 && left != 0; i++) {
        left = processes_in_ns(ns);
        if (left)
            usleep(20 * 1000);
    }
    assert_int_equal(left, 0);
    sandbox_result_free(&r);
}

static void test_sandbox_output_flood_is_capped(void **state)
{
    (void)state;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.output_cap = 100000;
    const char *const cmd[] = {FIX "/flood", NULL};
    sandbox_result r = run(&s, cmd);
    assert_true(r.output_capped);
    assert_false(r.timed_out);
    assert_int_equal(r.out_len, 100000);
    assert_true(r.elapsed_ms < 3000);
    assert_ns_empty(&r);
    sandbox_result_free(&r);
}

static void check_denied_syscalls(const sandbox_result *r)
{
    static const char *const eperm[] = {"ptrace_traceme",
                                        "process_vm_readv",
                                        "inotify_init1",
                                        "unshare_user",
                                        "unshare_net",
                                        "mount",
                                        "bpf",
                                        "perf_event_open",
                                        "userfaultfd",
                                        "io_uring_setup",
                                        "keyctl",
                                        "add_key",
                                        "personality_no_aslr",
                                        "ioctl_tiocsti",
                                        "setns",
                                        "chroot",
                                        "clone_newuser"};
    for (size_t i = 0; i < sizeof eperm / sizeof eperm[0]; i++) {
        char v[64];
        value_of(r->out, eperm[i], v, sizeof v);
        if (strcmp(v, "EPERM") != 0)
            fail_msg("%s: expected EPERM, got '%s'\n%s", eperm[i], v, r->err);
    }
#if defined(__x86_64__)
    assert_line(r, "inotify_init=EPERM");
#endif
    assert_line(r, "personality_query=ok");
    assert_line(r, "clone3=ENOSYS"); /* so that glibc falls back to clone */
    assert_line(r, "fork=ok");
}

static void test_sandbox_dangerous_syscalls_fail_with_eperm(void **state)
{
    (void)state;
    const char *const cmd[] = {FIX "/syscalls", NULL};
    for (int mode = 0; mode < 2; mode++) {
        sandbox_spec s = spec_for(mode ? SANDBOX_GRADE : SANDBOX_LEARNER);
        sandbox_result r = run(&s, cmd);
        assert_int_equal(r.exit_code, 0);
        check_denied_syscalls(&r);
        sandbox_result_free(&r);
    }
    /* The LeakSanitizer allowance opens a few ptrace requests on one's
     * own threads; TRACEME and the rest stay denied. */
    if (g.asan_reserve) {
        sandbox_spec s = spec_for(SANDBOX_GRADE);
        s.sanitizers = true;
        s.leak_check = true;
        s.asan_reserve = g.asan_reserve;
        sandbox_result r = run(&s, cmd);
        check_denied_syscalls(&r);
        sandbox_result_free(&r);
    }
}

static void test_sandbox_daemon_does_not_outlive_run(void **state)
{
    (void)state;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    const char *const cmd[] = {FIX "/daemon", NULL};
    sandbox_result r = run(&s, cmd);
    assert_int_equal(r.exit_code, 0);
    assert_false(r.timed_out);
    assert_true(r.elapsed_ms < 3000);
    assert_ns_empty(&r);
    sandbox_result_free(&r);
}

static void test_sandbox_inherited_fds_are_closed(void **state)
{
    (void)state;
    /* Descriptors the runner forgot to mark close-on-exec: a secret file
     * and a pipe. */
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/secret.txt", g.other);
    int secret = open(p, O_RDONLY);
    int leak[2];
    assert_true(secret >= 0);
    assert_int_equal(pipe(leak), 0);
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    const char *const cmd[] = {FIX "/fds", NULL};
    sandbox_result r = run(&s, cmd);
    assert_line(&r, "open_fds=0");
    sandbox_result_free(&r);
    close(secret);
    close(leak[0]);
    close(leak[1]);

    /* A descriptor passed on purpose stays, and only that one. */
    int rep[2];
    assert_int_equal(pipe2(rep, O_NONBLOCK), 0); /* not CLOEXEC: inherited */
    char fdarg[16];
    snprintf(fdarg, sizeof fdarg, "%d", rep[1]);
    const char *const cmd2[] = {FIX "/fds", fdarg, NULL};
    s.keep_fds = &rep[1];
    s.n_keep_fds = 1;
    r = run(&s, cmd2);
    close(rep[1]);
    assert_line(&r, "write_kept=ok");
    assert_line(&r, "open_fds=0");
    char buf[16] = "";
    assert_int_equal(read(rep[0], buf, sizeof buf - 1), 5);
    assert_string_equal(buf, "kept\n");
    close(rep[0]);
    sandbox_result_free(&r);
}

static void test_sandbox_jail_failure_is_fatal(void **state)
{
    (void)state;
    /* Asking to keep a descriptor that is not open makes the jail fail
     * its set-up: the program must not run at all. */
    int closed_fd = 987;
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.keep_fds = &closed_fd;
    s.n_keep_fds = 1;
    const char *const cmd[] = {FIX "/fds", NULL};
    sandbox_result r = run(&s, cmd);
    assert_int_equal(r.exit_code, SANDBOX_EXIT_SETUP);
    assert_non_null(strstr(r.err, "lab-jail: error: "));
    assert_null(strstr(r.out, "open_fds"));
    sandbox_result_free(&r);
}

static void test_sandbox_leaks_are_reported_under_asan(void **state)
{
    (void)state;
    if (!g.asan_reserve)
        skip();
    sandbox_spec s = spec_for(SANDBOX_GRADE);
    s.sanitizers = true;
    s.asan_reserve = g.asan_reserve;
    const char *const cmd[] = {FIX "/leak_asan", NULL};
    sandbox_result r = run(&s, cmd);
    /* LeakSanitizer worked through the seccomp filter and the uid drop */
    assert_null(strstr(r.err, "LeakSanitizer has encountered a fatal"));
    assert_non_null(strstr(r.err, "LeakSanitizer: detected memory leaks"));
    assert_non_null(strstr(r.err, "77 byte(s)"));
    assert_int_not_equal(r.exit_code, 0);
    sandbox_result_free(&r);

    s.leak_check = false;
    r = run(&s, cmd);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.err, "LeakSanitizer"));
    sandbox_result_free(&r);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_sandbox_compiles_inside(void **state)
{
    (void)state;
    write_file(g.work, "hello.c",
               "#include <stdio.h>\n"
               "int main(void) { puts(\"hello from inside\"); return 0; }\n");
    char inc[PATH_MAX + 64];
    snprintf(inc, sizeof inc, "#include \"%s/secret.txt\"\n", g.other);
    write_file(g.work, "abs.c", "#include \"/etc/passwd\"\nint x;\n");
    write_file(g.work, "other.c", inc);
    sandbox_spec s = spec_for(SANDBOX_LEARNER);
    const char *const cc[] = {"cc", "-Wall", "-o", "hello", "hello.c", NULL};
    sandbox_result r = run(&s, cc);
    if (r.exit_code != 0)
        fail_msg("cc inside the sandbox failed: %s", r.err);
    sandbox_result_free(&r);
    const char *const hello[] = {"./hello", NULL};
    r = run(&s, hello);
    assert_line(&r, "hello from inside");
    sandbox_result_free(&r);

    /* The same with AddressSanitizer, built and run inside under the
     * sanitizer memory bound (RLIMIT_DATA above the shadow reserve). */
    if (g.asan_reserve) {
        const char *const asan[] = {
            "cc", "-fsanitize=address", "-o", "hello_asan", "hello.c", NULL};
        r = run(&s, asan);
        if (r.exit_code != 0)
            fail_msg("cc -fsanitize=address inside failed: %s", r.err);
        sandbox_result_free(&r);
        sandbox_spec sa = s;
        sa.sanitizers = true;
        sa.asan_reserve = g.asan_reserve;
        const char *const hello_asan[] = {"./hello_asan", NULL};
        r = run(&sa, hello_asan);
        assert_int_equal(r.exit_code, 0);
        assert_line(&r, "hello from inside");
        sandbox_result_free(&r);
    }

    /* #include of host paths finds nothing: /etc and other students are
     * simply not there. */
    const char *const abs[] = {"cc", "-c", "abs.c", NULL};
    r = run(&s, abs);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "No such file"));
    sandbox_result_free(&r);
    const char *const other[] = {"cc", "-c", "other.c", NULL};
    r = run(&s, other);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "No such file"));
    sandbox_result_free(&r);
}

static void test_sandbox_fallback_still_filters(void **state)
{
    (void)state;
    /* Learner mode on a machine where bubblewrap does not work: the jail
     * alone still applies the filter and the limits. */
    sandbox_caps nobwrap = g.caps;
    nobwrap.bwrap_ok = false;
    sandbox_spec s = spec_for(SANDBOX_LEARNER);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/syscalls", g.bin);
    const char *const cmd[] = {path, NULL};
    sandbox_result r = run_with(&nobwrap, &s, cmd);
    assert_int_equal(r.exit_code, 0);
    check_denied_syscalls(&r);
    sandbox_result_free(&r);

    s.memory_bytes = 64u << 20;
    snprintf(path, sizeof path, "%s/balloon", g.bin);
    const char *const balloon[] = {path, "mmap", NULL};
    r = run_with(&nobwrap, &s, balloon);
    assert_int_equal(r.exit_code, 3);
    sandbox_result_free(&r);
}

static void test_sandbox_read_file_refuses_links_and_fifos(void **state)
{
    (void)state;
    char p[PATH_MAX + 16], why[512];
    char *data;
    size_t len;
    write_file(g.work, "report.txt", "42\n");
    assert_int_equal(sandbox_read_file(g.work, "report.txt", 100, &data, &len,
                                       why, sizeof why),
                     0);
    assert_int_equal(len, 3);
    assert_string_equal(data, "42\n");
    free(data);
    assert_int_equal(sandbox_read_file(g.work, "report.txt", 2, &data, &len,
                                       why, sizeof why),
                     -1); /* over the cap */
    assert_null(data);

    snprintf(p, sizeof p, "%s/link", g.work);
    unlink(p);
    assert_int_equal(symlink("/etc/passwd", p), 0);
    assert_int_equal(sandbox_read_file(g.work, "link", 1 << 20, &data, &len,
                                       why, sizeof why),
                     -1);
    assert_non_null(strstr(why, "symbolic link"));

    snprintf(p, sizeof p, "%s/fifo", g.work);
    unlink(p);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(sandbox_read_file(g.work, "fifo", 1 << 20, &data, &len,
                                       why, sizeof why),
                     -1); /* and returned: no writer, no hang */
    assert_int_equal(sandbox_read_file(g.work, "../other/secret.txt", 1000,
                                       &data, &len, why, sizeof why),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sandbox_probe_finds_bwrap_and_jail),
        cmocka_unit_test(test_sandbox_probe_reports_missing_jail),
        cmocka_unit_test(test_sandbox_argv_shape),
        cmocka_unit_test(test_sandbox_argv_refuses_bad_specs),
        cmocka_unit_test(test_sandbox_network_is_unreachable),
        cmocka_unit_test(test_sandbox_host_files_are_invisible),
        cmocka_unit_test(test_sandbox_writes_stay_inside),
        cmocka_unit_test(test_sandbox_fork_bomb_is_contained),
        cmocka_unit_test(test_sandbox_memory_balloon_is_stopped),
        cmocka_unit_test(test_sandbox_asan_balloon_is_stopped),
        cmocka_unit_test(test_sandbox_cpu_hog_is_stopped),
        cmocka_unit_test(test_sandbox_sleeper_hits_wall_timeout),
        cmocka_unit_test(test_sandbox_runner_backstop_kills_everything),
        cmocka_unit_test(test_sandbox_init_is_unprivileged),
        cmocka_unit_test(test_sandbox_dies_with_its_runner),
        cmocka_unit_test(test_sandbox_output_flood_is_capped),
        cmocka_unit_test(test_sandbox_dangerous_syscalls_fail_with_eperm),
        cmocka_unit_test(test_sandbox_daemon_does_not_outlive_run),
        cmocka_unit_test(test_sandbox_inherited_fds_are_closed),
        cmocka_unit_test(test_sandbox_jail_failure_is_fatal),
        cmocka_unit_test(test_sandbox_leaks_are_reported_under_asan),
        cmocka_unit_test(test_sandbox_compiles_inside),
        cmocka_unit_test(test_sandbox_fallback_still_filters),
        cmocka_unit_test(test_sandbox_read_file_refuses_links_and_fifos),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
