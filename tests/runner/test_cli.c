/*
 * test_cli.c -- the `lab` commands end to end, as a learner runs them.
 *
 * Every test gets a scratch lab of its own: a temporary directory with
 * symbolic links to the repository's build/, core/, checks/, lessons/,
 * solutions/, exercises/support and exercises/manifest.json, and copies of
 * the exercise files (the learner edits those).  build/lab runs in it as a
 * child process (its own process group, a timeout, stdout and stderr
 * captured, TGLAB_ROOT and the working directory set to the scratch lab),
 * and the tests assert on what a learner would see and keep: the text, the
 * exit code, .lab/state.json, backups, and the bytes of their files.
 *
 * Outside a terminal no output may hold an escape sequence; that is
 * asserted for every run, and the colour rules (NO_COLOR, --plain,
 * TERM=dumb) are tried on a pseudo-terminal.
 *
 * The repository is the current directory when it holds
 * exercises/manifest.json (make test runs from there), else the directory
 * above this binary that does.  Needs `make` first (build/lab, the
 * checkers).  TG_TEST_KEEP=1 keeps the scratch labs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli.h" /* LAB_EXIT_*, LAB_VERSION */

#define RUN_TIMEOUT_MS 60000   /* one lab command; checks take < 1 s */
#define WATCH_TIMEOUT_MS 20000 /* one verdict of lab watch */
#define MAX_OUTPUT (16u << 20) /* what we keep of a command's output */

extern char **environ;

/* What the manifest says of one exercise. */
typedef struct ex_info {
    char *id, *name, *topic, *file, *title, *lesson;
    char **hints;
    size_t nhints;
    char **checks; /* names, in manifest order */
    int *points;
    size_t nchecks;
    int total; /* points of every check */
} ex_info;

/* Something to free when the test ends, whatever way it ends. */
typedef struct garbage {
    void *p;
    void (*fn)(void *);
} garbage;

static struct {
    char repo[PATH_MAX];     /* the source tree */
    char lab[PATH_MAX + 16]; /* repo/build/lab */
    ex_info *ex;
    size_t nex;
    char root[PATH_MAX]; /* this test's scratch lab */
    garbage *trash;
    size_t ntrash, cap;
} g;

#define E(k) (&g.ex[(k)])
#define LAST (g.nex - 1)

/* ---- memory ----------------------------------------------------------- */

static void *keep_with(void *p, void (*fn)(void *))
{
    if (!p)
        return NULL;
    if (g.ntrash == g.cap) {
        g.cap = g.cap ? 2 * g.cap : 64;
        g.trash = realloc(g.trash, g.cap * sizeof *g.trash);
        if (!g.trash)
            abort();
    }
    g.trash[g.ntrash++] = (garbage){p, fn};
    return p;
}

static void *keep(void *p)
{
    return keep_with(p, free);
}

static void json_free(void *p)
{
    json_decref(p);
}

static json_t *keep_json(json_t *j)
{
    return keep_with(j, json_free);
}

static void empty_trash(void)
{
    while (g.ntrash > 0) {
        garbage *t = &g.trash[--g.ntrash];
        t->fn(t->p);
    }
    free(g.trash);
    g.trash = NULL;
    g.cap = 0;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0)
        s = NULL;
    va_end(ap);
    assert_non_null(s);
    return keep(s);
}

/* A path in the scratch lab. */
static char *at(const char *rel)
{
    return fmt("%s/%s", g.root, rel);
}

/* ---- files ------------------------------------------------------------ */

/* The whole file, NUL-terminated (kept), or NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return keep(buf);
}

static char *must_slurp(const char *path, size_t *len)
{
    char *s = slurp(path, len);
    if (!s)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    return s;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void spit_str(const char *path, const char *text)
{
    spit(path, text, strlen(text));
}

/* Saves as many editors do: a new file, renamed over the old one. */
static void save_by_rename(const char *path, const char *text)
{
    char *tmp = fmt("%s.save~", path);
    spit_str(tmp, text);
    assert_int_equal(rename(tmp, path), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Asserts the file at path holds exactly len bytes of want. */
#define assert_file_is(path, want, len)                                        \
    file_is_((path), (want), (len), __FILE__, __LINE__)
static void file_is_(const char *path, const void *want, size_t len,
                     const char *file, int line)
{
    size_t n = 0;
    char *got = slurp(path, &n);
    if (!got || n != len || memcmp(got, want, len) != 0) {
        print_error("%s: %s, expected %zu bytes (%s)\n", path,
                    got ? "different content" : "missing", len,
                    got ? fmt("got %zu", n) : "");
        _fail(file, line);
    }
}

static char *repo_file(const char *rel, size_t *len)
{
    return must_slurp(fmt("%s/%s", g.repo, rel), len);
}

static char *starter(size_t k, size_t *len)
{
    return repo_file(E(k)->file, len);
}

static char *solution(size_t k)
{
    return repo_file(fmt("solutions/%s.c", E(k)->id), NULL);
}

static char *ex_file(size_t k)
{
    return at(E(k)->file);
}

static void put_solution(size_t k)
{
    spit_str(ex_file(k), solution(k));
}

/* ---- checks on text --------------------------------------------------- */

#define assert_has(hay, needle) has_((hay), (needle), true, __FILE__, __LINE__)
#define assert_lacks(hay, needle)                                              \
    has_((hay), (needle), false, __FILE__, __LINE__)
static void has_(const char *hay, const char *needle, bool want,
                 const char *file, int line)
{
    bool found = hay && strstr(hay, needle);
    if (found != want) {
        print_error("expected %s\n  \"%s\"\nin:\n%s\n",
                    want ? "to find" : "not to find", needle,
                    hay ? hay : "(null)");
        _fail(file, line);
    }
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static bool valid_utf8(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = u[i] < 0x80             ? 1
                   : (u[i] & 0xe0) == 0xc0 ? 2
                   : (u[i] & 0xf0) == 0xe0 ? 3
                   : (u[i] & 0xf8) == 0xf0 ? 4
                                           : 0;
        if (n == 0 || (n == 2 && u[i] < 0xc2) || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++)
            if ((u[i + k] & 0xc0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

/* ---- running lab ------------------------------------------------------ */

typedef struct run {
    int code;        /* exit status; 128 + N when killed by signal N */
    char *out, *err; /* what it printed (kept; err is "" on a terminal) */
    size_t outlen, errlen;
} run;

typedef struct proc {
    pid_t pid;
    int fd[2];    /* stdout, stderr; -1 once at EOF (a terminal: one) */
    char *buf[2]; /* what was read, NUL-terminated */
    size_t len[2];
    bool tty;
} proc;

/* The child's environment: extra (NAME=VALUE, first wins), then ours with
 * the lab's root, a known TERM and the C locale, minus anything that
 * changes the lab's output. */
static char **child_env(const char *const *extra)
{
    static const char *const drop[] = {"TGLAB_ROOT=", "NO_COLOR=", "TERM=",
                                       "LC_ALL=",     "LANG=",     "LC_",
                                       "LANGUAGE=",   NULL};
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = keep(calloc(n + 16, sizeof *env));
    assert_non_null(env);
    size_t k = 0;
    for (size_t i = 0; extra && extra[i]; i++)
        env[k++] = (char *)extra[i];
    env[k++] = fmt("TGLAB_ROOT=%s", g.root);
    env[k++] = "TERM=xterm";
    env[k++] = "LC_ALL=C";
    for (size_t i = 0; i < n; i++) {
        bool skip = false;
        for (size_t d = 0; drop[d] && !skip; d++)
            skip = !strncmp(environ[i], drop[d], strlen(drop[d]));
        if (!skip)
            env[k++] = environ[i];
    }
    env[k] = NULL;
    return env;
}

/* Starts build/lab with argv (argv[0] is "lab") in the scratch lab, on a
 * pseudo-terminal when tty. */
static void proc_start(proc *p, char *const argv[], const char *const *extra,
                       bool tty)
{
    memset(p, 0, sizeof *p);
    p->tty = tty;
    p->fd[0] = p->fd[1] = -1;
    char **env = child_env(extra);
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, master = -1;
    char *slave = NULL;
    if (tty) {
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        assert_true(master >= 0);
        assert_int_equal(grantpt(master), 0);
        assert_int_equal(unlockpt(master), 0);
        slave = ptsname(master);
        assert_non_null(slave);
    } else {
        assert_int_equal(pipe2(outp, O_CLOEXEC), 0);
        assert_int_equal(pipe2(errp, O_CLOEXEC), 0);
    }
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Our own process group, so that a timeout can end everything the
         * lab started; default signals, as from a terminal. */
        if (tty) {
            setsid();
            int s = open(slave, O_RDWR); /* becomes our terminal */
            if (s < 0)
                _exit(126);
            dup2(s, 1);
            dup2(s, 2);
        } else {
            setpgid(0, 0);
            dup2(outp[1], 1);
            dup2(errp[1], 2);
        }
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        const int sigs[] = {SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGCHLD};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            signal(sigs[i], SIG_DFL);
        if (chdir(g.root) != 0)
            _exit(126);
        execve(g.lab, argv, env);
        _exit(127);
    }
    p->pid = pid;
    if (tty) {
        p->fd[0] = master;
    } else {
        close(outp[1]);
        close(errp[1]);
        p->fd[0] = outp[0];
        p->fd[1] = errp[0];
    }
    for (int i = 0; i < 2; i++) {
        p->buf[i] = keep(calloc(1, 1));
        assert_non_null(p->buf[i]);
    }
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads whatever is there, waiting up to wait_ms.  False once every
 * stream is at its end. */
static bool proc_pump(proc *p, int wait_ms)
{
    struct pollfd pf[2];
    int n = 0, which[2];
    for (int i = 0; i < 2; i++)
        if (p->fd[i] >= 0) {
            pf[n] = (struct pollfd){.fd = p->fd[i], .events = POLLIN};
            which[n++] = i;
        }
    if (n == 0)
        return false;
    int rc = poll(pf, (nfds_t)n, wait_ms);
    if (rc < 0 && errno != EINTR)
        fail_msg("poll: %s", strerror(errno));
    for (int k = 0; rc > 0 && k < n; k++) {
        if (!pf[k].revents)
            continue;
        int i = which[k];
        char chunk[65536];
        ssize_t r = read(p->fd[i], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) { /* EOF, or EIO on a terminal whose child is gone */
            close(p->fd[i]);
            p->fd[i] = -1;
            continue;
        }
        if (p->len[i] + (size_t)r > MAX_OUTPUT)
            continue;
        char *b = realloc(p->buf[i], p->len[i] + (size_t)r + 1);
        assert_non_null(b);
        /* The trash holds the old pointer: swap it for the new one. */
        for (size_t t = 0; t < g.ntrash; t++)
            if (g.trash[t].p == p->buf[i])
                g.trash[t].p = b;
        p->buf[i] = b;
        memcpy(b + p->len[i], chunk, (size_t)r);
        p->len[i] += (size_t)r;
        b[p->len[i]] = '\0';
    }
    return p->fd[0] >= 0 || p->fd[1] >= 0;
}

/* Kills everything the lab started. */
static void proc_kill(proc *p)
{
    if (p->pid > 0) {
        kill(-p->pid, SIGKILL);
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
        p->pid = 0;
    }
    for (int i = 0; i < 2; i++)
        if (p->fd[i] >= 0) {
            close(p->fd[i]);
            p->fd[i] = -1;
        }
}

/* Reads stdout until it holds n copies of needle; fails on timeout. */
static void proc_wait_for(proc *p, const char *needle, size_t n,
                          long timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    while (count(p->buf[0], needle) < n) {
        long left = deadline - now_ms();
        if (left <= 0 || !proc_pump(p, (int)(left < 200 ? left : 200))) {
            if (count(p->buf[0], needle) >= n)
                break;
            char *out = p->buf[0], *err = p->buf[1];
            proc_kill(p);
            fail_msg("waited for %zu x \"%s\"; got stdout:\n%s\nstderr:\n%s", n,
                     needle, out, err);
        }
    }
}

/* Waits for the end; returns the run.  A timeout kills it and fails. */
static run proc_finish(proc *p, long timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    while (proc_pump(p, 200))
        if (now_ms() > deadline)
            break;
    int status = 0;
    pid_t w;
    while ((w = waitpid(p->pid, &status, WNOHANG)) == 0 && now_ms() <= deadline)
        usleep(5000);
    if (w != p->pid) {
        char *out = p->buf[0], *err = p->buf[1];
        proc_kill(p);
        fail_msg("lab did not finish in %ld ms; stdout:\n%s\nstderr:\n%s",
                 timeout_ms, out, err);
    }
    p->pid = 0;
    for (int i = 0; i < 2; i++)
        if (p->fd[i] >= 0)
            close(p->fd[i]);
    run r = {
        .code =
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
        .out = p->buf[0],
        .outlen = p->len[0],
        .err = p->buf[1],
        .errlen = p->len[1],
    };
    return r;
}

/* Runs `lab ARGS...` (NULL-terminated) with extra environment. */
static run lab_v(bool tty, const char *const *extra, va_list ap)
{
    char *argv[32];
    size_t n = 0;
    argv[n++] = "lab";
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 31)
        argv[n++] = (char *)a;
    argv[n] = NULL;
    proc p;
    proc_start(&p, argv, extra, tty);
    run r = proc_finish(&p, RUN_TIMEOUT_MS);
    if (!tty) {
        /* Not a terminal: never an escape sequence. */
        if (memchr(r.out, '\033', r.outlen) || memchr(r.err, '\033', r.errlen))
            fail_msg("an escape sequence in the output of lab %s:\n%s\n%s",
                     argv[1] ? argv[1] : "", r.out, r.err);
    }
    return r;
}

static run lab_env(const char *const *extra, ...)
{
    va_list ap;
    va_start(ap, extra);
    run r = lab_v(false, extra, ap);
    va_end(ap);
    return r;
}

static run lab_tty(const char *const *extra, ...)
{
    va_list ap;
    va_start(ap, extra);
    run r = lab_v(true, extra, ap);
    va_end(ap);
    return r;
}

#define LAB(...) lab_env(NULL, __VA_ARGS__, (const char *)NULL)
#define LAB_TTY(env, ...) lab_tty((env), __VA_ARGS__, (const char *)NULL)

#define assert_exit(r, want) exit_((r), (want), __FILE__, __LINE__)
static void exit_(run r, int want, const char *file, int line)
{
    if (r.code != want) {
        print_error("lab exited with %d, expected %d\nstdout:\n%s\n"
                    "stderr:\n%s\n",
                    r.code, want, r.out, r.err);
        _fail(file, line);
    }
}

/* A usage error: exit 2, nothing on stdout, the message and a hint on
 * stderr. */
#define assert_usage(r, msg, hint)                                             \
    do {                                                                       \
        run u_ = (r);                                                          \
        assert_exit(u_, LAB_EXIT_USAGE);                                       \
        assert_string_equal(u_.out, "");                                       \
        assert_has(u_.err, "lab: error: ");                                    \
        assert_has(u_.err, (msg));                                             \
        assert_has(u_.err, (hint));                                            \
    } while (0)

/* ---- learner state ---------------------------------------------------- */

static json_t *state(void)
{
    json_error_t e;
    json_t *j = json_load_file(at(".lab/state.json"), 0, &e);
    if (!j)
        fail_msg(".lab/state.json: %s", e.text);
    return keep_json(j);
}

static json_t *state_of(json_t *st, size_t k)
{
    json_t *e = json_object_get(json_object_get(st, "exercises"), E(k)->id);
    if (!e)
        fail_msg("no entry for %s in .lab/state.json", E(k)->id);
    return e;
}

static const char *status_of(json_t *st, size_t k)
{
    return json_string_value(json_object_get(state_of(st, k), "status"));
}

static json_int_t int_of(json_t *st, size_t k, const char *key)
{
    json_t *v = json_object_get(state_of(st, k), key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* Writes a state where exercise k has status[k] (NULL: no entry). */
static void write_state(size_t current, const char *const *status)
{
    mkdir(at(".lab"), 0755);
    json_t *exs = json_object();
    for (size_t k = 0; k < g.nex; k++)
        if (status[k])
            json_object_set_new(exs, E(k)->id,
                                json_pack("{s:s, s:i, s:i, s:i}", "status",
                                          status[k], "hints", 0, "attempts", 1,
                                          "best_points", 0));
    json_t *doc = json_pack("{s:s, s:i, s:b, s:s, s:o}", "format",
                            "tglab-state", "version", 1, "welcomed", 1,
                            "current", E(current)->id, "exercises", exs);
    assert_non_null(doc);
    assert_int_equal(json_dump_file(doc, at(".lab/state.json"), 0), 0);
    json_decref(doc);
}

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("not JSON (%s, line %d):\n%s", e.text, e.line, text);
    return keep_json(j);
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    return json_integer_value(v);
}

static bool jbool(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_boolean(v))
        fail_msg("\"%s\" is not a boolean", key);
    return json_is_true(v);
}

static json_t *jarr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_array(v))
        fail_msg("\"%s\" is not an array", key);
    return v;
}

/* ---- lab next --------------------------------------------------------- */

static void test_cli_next_first_time_welcomes_and_starts_exercise_1(void **s)
{
    (void)s;
    size_t len;
    char *start = starter(0, &len);
    run r = LAB("next");
    assert_exit(r, LAB_EXIT_OK);
    assert_string_equal(r.err, "");
    assert_has(r.out, "Welcome to tglab.");
    assert_has(r.out, fmt("There are %zu exercises.", g.nex));
    assert_has(r.out, fmt("Exercise 1 of %zu: %s", g.nex, E(0)->title));
    assert_has(r.out, fmt("Edit this file:   %s\n", E(0)->file));
    assert_lacks(r.out, "checks pass");

    json_t *st = state();
    assert_true(json_is_true(json_object_get(st, "welcomed")));
    assert_string_equal(jstr(st, "current"), E(0)->id);
    assert_string_equal(status_of(st, 0), "started");
    /* The starter is kept for lab reset; the learner's file is as it was. */
    assert_file_is(at(fmt(".lab/pristine/%s.c", E(0)->id)), start, len);
    assert_file_is(ex_file(0), start, len);
}

static void test_cli_next_with_the_starter_fails_and_says_why(void **s)
{
    (void)s;
    size_t len;
    char *start = starter(0, &len);
    assert_exit(LAB("next"), LAB_EXIT_OK);
    run r = LAB("next");
    assert_exit(r, LAB_EXIT_FAILED);
    assert_lacks(r.out, "Welcome");
    assert_has(r.out, fmt("%s: ", E(0)->id));
    assert_has(r.out, fmt(" of %zu checks pass", E(0)->nchecks));
    assert_has(r.out, "FAIL ");
    assert_has(r.out, fmt("reproduce: lab check %s --seed ", E(0)->id));
    assert_has(r.out, fmt("Fix %s and run 'lab next' again", E(0)->file));
    assert_file_is(ex_file(0), start, len);

    json_t *st = state();
    assert_string_equal(jstr(st, "current"), E(0)->id);
    assert_string_equal(status_of(st, 0), "failing");
    assert_int_equal(int_of(st, 0, "attempts"), 1);
    assert_true(int_of(st, 0, "best_points") < E(0)->total);
}

static void test_cli_next_with_the_solution_moves_on(void **s)
{
    (void)s;
    assert_exit(LAB("next"), LAB_EXIT_OK);
    put_solution(0);
    run r = LAB("next");
    assert_exit(r, LAB_EXIT_OK);
    size_t n = E(0)->nchecks;
    assert_has(r.out, fmt("%s: %zu of %zu checks pass (%d/%d points", E(0)->id,
                          n, n, E(0)->total, E(0)->total));
    assert_lacks(r.out, "FAIL");
    assert_has(r.out, fmt("%s is done.", E(0)->id));
    assert_has(r.out, fmt("'lab solution %s'", E(0)->name));
    assert_has(r.out, fmt("Exercise 2 of %zu: %s", g.nex, E(1)->title));
    assert_has(r.out, fmt("Edit this file:   %s\n", E(1)->file));

    json_t *st = state();
    assert_string_equal(status_of(st, 0), "done");
    assert_int_equal(int_of(st, 0, "best_points"), E(0)->total);
    assert_int_equal(int_of(st, 0, "attempts"), 1);
    assert_string_equal(jstr(st, "current"), E(1)->id);
    assert_string_equal(status_of(st, 1), "started");
    size_t len;
    char *start = starter(1, &len);
    assert_file_is(at(fmt(".lab/pristine/%s.c", E(1)->id)), start, len);
}

static void test_cli_next_when_all_are_done_congratulates(void **s)
{
    (void)s;
    const char **status = keep(calloc(g.nex, sizeof *status));
    for (size_t k = 0; k < g.nex; k++)
        status[k] = k == LAST ? "started" : "done";
    write_state(LAST, status);
    put_solution(LAST);
    run r = LAB("next");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, "Every exercise passes. Well done!");
    assert_has(r.out, "'lab solution EX'");
    assert_lacks(r.out, "Exercise 1 of");
    json_t *st = state();
    assert_string_equal(status_of(st, LAST), "done");
    assert_string_equal(jstr(st, "current"), E(LAST)->id);
}

/* ---- list, lesson, hint ----------------------------------------------- */

/* The line of text that holds needle. */
static char *line_with(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    if (!p)
        fail_msg("no line with \"%s\" in:\n%s", needle, text);
    const char *b = p;
    while (b > text && b[-1] != '\n')
        b--;
    const char *e = strchr(p, '\n');
    return fmt("%.*s", (int)(e ? e - b : (ptrdiff_t)strlen(b)), b);
}

static void test_cli_list_shows_progress(void **s)
{
    (void)s;
    run r = LAB("list");
    assert_exit(r, LAB_EXIT_OK);
    assert_string_equal(r.err, "");
    assert_has(r.out, fmt("] 0/%zu done", g.nex));
    for (size_t k = 0; k < g.nex; k++) {
        char *line = line_with(r.out, fmt(" %s ", E(k)->name));
        assert_has(line, fmt("%2zu. ", k + 1));
        assert_has(line, E(k)->title);
        assert_has(line, "[  ]");
        assert_lacks(line, "current");
        assert_has(r.out, fmt("%s  (%s)", E(k)->topic, E(k)->lesson));
    }

    assert_exit(LAB("next"), LAB_EXIT_OK);
    r = LAB("list");
    assert_has(line_with(r.out, fmt(" %s ", E(0)->name)), "[..]");
    assert_has(line_with(r.out, fmt(" %s ", E(0)->name)), "<- current");

    const char **status = keep(calloc(g.nex, sizeof *status));
    status[0] = "done";
    status[1] = "failing";
    write_state(1, status);
    r = LAB("list");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, fmt("] 1/%zu done", g.nex));
    assert_has(line_with(r.out, fmt(" %s ", E(0)->name)), "[ok]");
    char *line = line_with(r.out, fmt(" %s ", E(1)->name));
    assert_has(line, "[FAIL]");
    assert_has(line, "<- current");

    /* No command at all: where the learner stands, and what to do. */
    r = LAB(NULL);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, fmt("] 1/%zu done", g.nex));
    assert_has(r.out, "Next step: ./lab next");

    assert_usage(LAB("list", "extra"), "'lab list' takes no arguments",
                 "Try 'lab help list'");
}

static void test_cli_list_json_has_every_field(void **s)
{
    (void)s;
    assert_exit(LAB("next"), LAB_EXIT_OK);
    run r = LAB("--json", "list");
    assert_exit(r, LAB_EXIT_OK);
    json_t *doc = parse(r.out);
    assert_int_equal(jint(doc, "done"), 0);
    assert_int_equal(jint(doc, "total"), g.nex);
    json_t *exs = jarr(doc, "exercises");
    assert_int_equal(json_array_size(exs), g.nex);
    for (size_t k = 0; k < g.nex; k++) {
        json_t *e = json_array_get(exs, k);
        assert_string_equal(jstr(e, "id"), E(k)->id);
        assert_string_equal(jstr(e, "title"), E(k)->title);
        assert_string_equal(jstr(e, "file"), E(k)->file);
        assert_string_equal(jstr(e, "status"),
                            k == 0 ? "started" : "not-started");
        assert_int_equal(jbool(e, "current"), k == 0);
        assert_int_equal(jint(e, "points"), E(k)->total);
    }
    /* The global option may follow the command too. */
    run r2 = LAB("list", "--json");
    assert_exit(r2, LAB_EXIT_OK);
    assert_string_equal(r2.out, r.out);
}

static char *lesson_zero(void)
{
    DIR *d = opendir(fmt("%s/lessons", g.repo));
    assert_non_null(d);
    struct dirent *e;
    char *found = NULL;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "00-", 3))
            found = fmt("lessons/%s", e->d_name);
    closedir(d);
    assert_non_null(found);
    return found;
}

static void test_cli_lesson_by_number_topic_and_exercise(void **s)
{
    (void)s;
    char *l0 = repo_file(E(0)->lesson, NULL);
    char *l1 = repo_file(E(1)->lesson, NULL);

    run r = LAB("lesson"); /* the current exercise's: the first */
    assert_exit(r, LAB_EXIT_OK);
    assert_string_equal(r.out, l0);
    assert_string_equal(r.err, "");

    const char *const ways[] = {fmt("%d", atoi(E(1)->topic)),
                                fmt("%02d", atoi(E(1)->topic)),
                                E(1)->topic,
                                E(1)->id,
                                E(1)->name,
                                NULL};
    for (size_t i = 0; ways[i]; i++) {
        r = LAB("lesson", ways[i]);
        assert_exit(r, LAB_EXIT_OK);
        assert_string_equal(r.out, l1);
    }
    r = LAB("lesson", "0"); /* the welcome has no exercise of its own */
    assert_exit(r, LAB_EXIT_OK);
    assert_string_equal(r.out, repo_file(lesson_zero(), NULL));

    r = LAB("--json", "lesson", E(1)->name);
    assert_exit(r, LAB_EXIT_OK);
    json_t *doc = parse(r.out);
    assert_string_equal(jstr(doc, "path"), at(E(1)->lesson));
    assert_string_equal(jstr(doc, "markdown"), l1);

    const char *const bad[] = {"nope", "99", NULL};
    for (size_t i = 0; bad[i]; i++) {
        r = LAB("lesson", bad[i]);
        assert_usage(r, fmt("no lesson called '%s'", bad[i]), "lab list");
        assert_int_equal(count(r.err, "lab: error:"), 1);
    }
    assert_usage(LAB("lesson", "1", "2"), "at most one lesson",
                 "Try 'lab help lesson'");
}

static void test_cli_hint_reveals_one_more_each_time(void **s)
{
    (void)s;
    const ex_info *ex = E(0);
    size_t n = ex->nhints;
    for (size_t k = 1; k <= n + 1; k++) {
        run r = LAB("hint");
        assert_exit(r, LAB_EXIT_OK);
        assert_has(r.out, fmt("Hints for %s", ex->id));
        size_t shown = k <= n ? k : n;
        for (size_t h = 0; h < n; h++) {
            char *line = fmt("%zu/%zu  %s", h + 1, n, ex->hints[h]);
            if (h < shown)
                assert_has(r.out, line);
            else
                assert_lacks(r.out, ex->hints[h]);
        }
        if (shown < n) {
            assert_has(r.out, "Run 'lab hint' again");
            assert_lacks(r.out, "last hint");
        } else {
            assert_has(r.out, "That was the last hint.");
        }
        assert_int_equal(int_of(state(), 0, "hints"), shown);
    }

    run r = LAB("--json", "hint");
    assert_exit(r, LAB_EXIT_OK);
    json_t *doc = parse(r.out);
    assert_string_equal(jstr(doc, "exercise"), ex->id);
    assert_int_equal(jint(doc, "total"), n);
    json_t *hints = jarr(doc, "hints");
    assert_int_equal(json_array_size(hints), n);
    for (size_t h = 0; h < n; h++)
        assert_string_equal(json_string_value(json_array_get(hints, h)),
                            ex->hints[h]);

    /* Another exercise keeps its own count. */
    r = LAB("hint", E(1)->name);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, fmt("1/%zu  %s", E(1)->nhints, E(1)->hints[0]));
    json_t *st = state();
    assert_int_equal(int_of(st, 1, "hints"), 1);
    assert_int_equal(int_of(st, 0, "hints"), n);

    assert_usage(LAB("hint", "nope"), "no exercise called 'nope'", "lab list");
}

/* ---- check ------------------------------------------------------------ */

static void assert_check_json(json_t *doc, size_t k, const json_int_t *seeds,
                              size_t nseeds)
{
    const ex_info *ex = E(k);
    assert_string_equal(jstr(doc, "schema"), "tglab.check/1");
    assert_string_equal(jstr(doc, "exercise"), ex->id);
    assert_string_equal(jstr(doc, "file"), at(ex->file));
    assert_string_equal(jstr(doc, "stage"), "verdict");
    assert_false(jbool(doc, "failed"));
    (void)jbool(doc, "isolated");
    (void)jbool(doc, "cached");
    assert_int_equal(jint(doc, "max_points"), ex->total);
    assert_true(json_is_integer(
        json_object_get(json_object_get(doc, "timings_ms"), "total")));
    (void)jarr(doc, "messages");
    json_t *sd = jarr(doc, "seeds");
    assert_int_equal(json_array_size(sd), nseeds);
    for (size_t i = 0; i < nseeds; i++)
        assert_int_equal(json_integer_value(json_array_get(sd, i)), seeds[i]);

    json_t *checks = jarr(doc, "checks");
    assert_int_equal(json_array_size(checks), ex->nchecks);
    json_int_t points = 0;
    bool all = true;
    for (size_t i = 0; i < ex->nchecks; i++) {
        json_t *c = json_array_get(checks, i);
        assert_string_equal(jstr(c, "name"), ex->checks[i]);
        assert_int_equal(jint(c, "points"), ex->points[i]);
        assert_true(strlen(jstr(c, "scenario")) > 0);
        bool passed = jbool(c, "passed");
        (void)jbool(c, "flaky");
        all = all && passed;
        if (passed) {
            points += ex->points[i];
            assert_true(json_is_null(json_object_get(c, "failing_seed")));
            assert_true(json_is_null(json_object_get(c, "reproduce")));
            assert_true(json_is_null(json_object_get(c, "message")));
        } else {
            json_int_t fs = jint(c, "failing_seed");
            assert_true(strlen(jstr(c, "message")) > 0);
            assert_string_equal(
                jstr(c, "reproduce"),
                fmt("lab check %s --seed %lld", ex->id, (long long)fs));
        }
        json_int_t hint = jint(c, "hint");
        assert_true(hint >= 0 && (size_t)hint < ex->nhints);
        assert_string_equal(jstr(c, "hint_text"), ex->hints[hint]);
        json_t *runs = jarr(c, "seeds");
        assert_int_equal(json_array_size(runs), nseeds);
        for (size_t i2 = 0; i2 < nseeds; i2++) {
            json_t *v = json_array_get(runs, i2);
            assert_int_equal(jint(v, "seed"), seeds[i2]);
            (void)jbool(v, "passed");
            (void)jint(v, "signal");
            const char *how = jstr(v, "run");
            assert_true(!strcmp(how, "ok") || !strcmp(how, "crashed") ||
                        !strcmp(how, "timeout") || !strcmp(how, "bad-report"));
        }
    }
    assert_int_equal(jint(doc, "points"), points);
    assert_int_equal(jbool(doc, "passed"), all);
}

static void test_cli_check_json_follows_the_schema(void **s)
{
    (void)s;
    run r = LAB("--json", "check", E(0)->id);
    assert_exit(r, LAB_EXIT_FAILED);
    /* One object, on one line. */
    assert_int_equal(count(r.out, "\n"), 1);
    assert_int_equal(r.out[r.outlen - 1], '\n');
    json_t *doc = parse(r.out);
    static const json_int_t seeds[] = {1, 2, 3};
    assert_check_json(doc, 0, seeds, 3);
    assert_false(jbool(doc, "passed"));

    json_t *st = state();
    assert_string_equal(status_of(st, 0), "failing");
    assert_int_equal(int_of(st, 0, "attempts"), 1);
    assert_int_equal(int_of(st, 0, "best_points"), jint(doc, "points"));
}

static void test_cli_check_seed_reproduces(void **s)
{
    (void)s;
    run r1 = LAB("--json", "check", "--seed", "2");
    assert_exit(r1, LAB_EXIT_FAILED);
    json_t *d1 = parse(r1.out);
    static const json_int_t two[] = {2};
    assert_check_json(d1, 0, two, 1);

    run r2 = LAB("check", E(0)->name, "--seed", "2", "--json");
    assert_exit(r2, LAB_EXIT_FAILED);
    json_t *d2 = parse(r2.out);
    if (!json_equal(jarr(d1, "checks"), jarr(d2, "checks")))
        fail_msg("the same seed gave other verdicts:\n%s\n%s", r1.out, r2.out);

    run r3 = LAB("check", "--seed", "2");
    assert_exit(r3, LAB_EXIT_FAILED);
    assert_has(r3.out, "seeds 2)");
    assert_has(r3.out, fmt("reproduce: lab check %s --seed 2\n", E(0)->id));
    assert_has(r3.out, "stuck? `lab hint` (hint ");

    assert_usage(LAB("check", "--seed"), "--seed needs a value",
                 "Try 'lab help check'");
    assert_usage(LAB("check", "--seed", "x"), "--seed wants a number",
                 "Try 'lab help check'");
    assert_usage(LAB("check", "--seed", "1", "--thorough"),
                 "do not go together", "Try 'lab help check'");
}

static void test_cli_check_thorough_passes_the_solution(void **s)
{
    (void)s;
    put_solution(0);
    run r = LAB("--json", "check", "--thorough");
    assert_exit(r, LAB_EXIT_OK);
    static const json_int_t ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    json_t *doc = parse(r.out);
    assert_check_json(doc, 0, ten, 10);
    assert_true(jbool(doc, "passed"));
    assert_int_equal(jint(doc, "points"), E(0)->total);

    r = LAB("check");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, fmt("%s passes. Run 'lab next' to move on.", E(0)->id));
    assert_has(r.out, "seeds 1, 2, 3)");
    assert_string_equal(status_of(state(), 0), "done");
}

static void test_cli_check_refuses_bad_arguments(void **s)
{
    (void)s;
    assert_usage(LAB("check", "nope"), "no exercise called 'nope'",
                 "Run 'lab list'");
    assert_usage(LAB("check", "--bogus"), "unknown option '--bogus'",
                 "Try 'lab help check'");
    assert_usage(LAB("check", E(0)->name, E(1)->name),
                 fmt("unexpected argument '%s'", E(1)->name),
                 "Try 'lab help check'");
    assert_false(exists(at(".lab/state.json")));
}

/* ---- submit ----------------------------------------------------------- */

/* Where bubblewrap cannot be used, learner mode falls back to the jail
 * alone: a PATH without bwrap shows it.  A correct file must still pass
 * and a starter still fail (the jail's uid reaches the box by its host
 * path then). */
static void test_cli_check_without_bubblewrap(void **s)
{
    (void)s;
    const char *tools[] = {"cc", "gcc", "bash", "sh", "readelf", "ld",
                           "as", "env", "cat", "nm", NULL};
    char *bin = at("nobwrap-bin");
    assert_int_equal(mkdir(bin, 0755), 0);
    for (size_t i = 0; tools[i]; i++) {
        char *src = fmt("/usr/bin/%s", tools[i]);
        if (access(src, X_OK) == 0)
            assert_int_equal(symlink(src, fmt("%s/%s", bin, tools[i])), 0);
    }
    const char *env[] = {fmt("PATH=%s", bin), NULL};
    /* As root the jail drops to a uid of its own, which may not reach a
     * checkout in a private directory (CI clones into one): the lab then
     * stages what the sandboxed steps read (pipeline_stage.c). */
    /* This test's own root is private: open it as a checkout would be. */
    assert_int_equal(chmod(g.root, 0755), 0);
    assert_int_equal(mkdir(at("elsewhere"), 0755), 0);
    char *f = at(fmt("elsewhere/%s.c", E(1)->name));
    spit_str(f, solution(1));
    run r = lab_env(env, "submit", f, (const char *)NULL);
    if (r.code != LAB_EXIT_OK)
        print_message("stdout:\n%s\nstderr:\n%s\n", r.out, r.err);
    assert_exit(r, LAB_EXIT_OK);
    size_t n = E(1)->nchecks;
    assert_has(r.out, fmt("%s: %zu of %zu checks pass", E(1)->id, n, n));
    size_t len;
    char *start = starter(1, &len);
    spit(f, start, len);
    r = lab_env(env, "submit", f, (const char *)NULL);
    assert_exit(r, LAB_EXIT_FAILED);
    assert_has(r.out, "FAIL ");
}

/* A killed lab leaves its work directory in $TMPDIR; the next check
 * removes those that are ours and an hour old, and nothing else: not a
 * fresh one (a check may be running), not a symlink's target. */
static void test_cli_check_sweeps_stale_work_directories(void **s)
{
    (void)s;
    char *tmp = at("tmpdir");
    assert_int_equal(mkdir(tmp, 0755), 0);
    char *stale = fmt("%s/lab-check.stale1", tmp);
    assert_int_equal(mkdir(stale, 0700), 0);
    assert_int_equal(mkdir(fmt("%s/box", stale), 0755), 0);
    spit_str(fmt("%s/box/probe.c", stale), "left behind");
    char *fresh = fmt("%s/lab-check.fresh1", tmp);
    assert_int_equal(mkdir(fresh, 0700), 0);
    char *target = at("keep-me");
    assert_int_equal(mkdir(target, 0755), 0);
    spit_str(fmt("%s/file", target), "not ours to remove");
    char *link = fmt("%s/lab-check.link1", tmp);
    assert_int_equal(symlink(target, link), 0);
    char *other = fmt("%s/unrelated", tmp);
    assert_int_equal(mkdir(other, 0700), 0);
    struct timespec old[2] = {{.tv_sec = time(NULL) - 7200},
                              {.tv_sec = time(NULL) - 7200}};
    assert_int_equal(utimensat(AT_FDCWD, stale, old, 0), 0);
    assert_int_equal(utimensat(AT_FDCWD, other, old, 0), 0);
    assert_int_equal(utimensat(AT_FDCWD, link, old, AT_SYMLINK_NOFOLLOW), 0);

    char *f = at(fmt("%s.c", E(1)->name));
    spit_str(f, solution(1));
    const char *env[] = {fmt("TMPDIR=%s", tmp), NULL};
    run r = lab_env(env, "submit", f, (const char *)NULL);
    assert_exit(r, LAB_EXIT_OK);
    assert_false(exists(stale));
    assert_true(exists(fresh));
    assert_true(exists(link));
    assert_true(exists(fmt("%s/file", target)));
    assert_true(exists(other));
    /* And the check's own directory is gone too. */
    DIR *d = opendir(tmp);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(n, 3); /* fresh, link, unrelated */
}

static void test_cli_submit_finds_the_exercise(void **s)
{
    (void)s;
    assert_int_equal(mkdir(at("elsewhere"), 0755), 0);
    char *sol = solution(1);
    size_t n = E(1)->nchecks;
    char *passes = fmt("%s: %zu of %zu checks pass", E(1)->id, n, n);

    /* A tag in the file's first lines. */
    char *tagged = fmt("/* tglab: %s */\n%s", E(1)->id, sol);
    char *f = at("elsewhere/mine.c");
    spit_str(f, tagged);
    run r = LAB("submit", f);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, passes);
    assert_file_is(f, tagged, strlen(tagged));

    /* The file's name. */
    f = at(fmt("elsewhere/%s.c", E(1)->name));
    spit_str(f, sol);
    r = LAB("submit", f);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, passes);

    /* --exercise, for a name that says nothing. */
    f = at("elsewhere/other.c");
    spit_str(f, sol);
    r = LAB("submit", f, "--exercise", E(1)->name);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, passes);
    assert_file_is(f, sol, strlen(sol));

    /* A starter fails, exit 1. */
    size_t len;
    char *start = starter(0, &len);
    spit(f, start, len);
    r = LAB("submit", f, "--exercise", E(0)->id);
    assert_exit(r, LAB_EXIT_FAILED);
    assert_has(r.out, "FAIL ");

    assert_usage(LAB("submit", f), "cannot tell which exercise",
                 "--exercise ID");
    assert_usage(LAB("submit", f, "--exercise", "nope"),
                 "no exercise called 'nope'", "lab list");
    assert_usage(LAB("submit"), "say which file to grade",
                 "Try 'lab help submit'");
    assert_usage(LAB("submit", at("elsewhere/gone.c")), "there is no file at",
                 "Check the path");
    assert_file_is(f, start, len);
    /* Grading any file leaves the learner's progress alone. */
    assert_false(exists(at(".lab/state.json")));
}

/* ---- watch ------------------------------------------------------------ */

static void test_cli_watch_checks_again_on_every_save(void **s)
{
    (void)s;
    char *argv[] = {"lab", "watch", E(0)->name, NULL};
    proc p;
    proc_start(&p, argv, NULL, false);
    proc_wait_for(&p, "Watching ", 1, WATCH_TIMEOUT_MS);
    assert_has(p.buf[0], "FAIL ");
    assert_has(p.buf[0], fmt("Watching %s: save it", E(0)->file));

    /* Save the solution as an editor does.  Should the save land before
     * the watch is set up, save again: a lost event must not hang this. */
    char *sol = solution(0);
    const char *done = "passes. Run 'lab next' to move on";
    for (int tries = 0; count(p.buf[0], done) == 0; tries++) {
        if (tries == 5) {
            char *out = p.buf[0];
            proc_kill(&p);
            fail_msg("no verdict after 5 saves:\n%s", out);
        }
        usleep(300 * 1000);
        save_by_rename(ex_file(0), sol);
        long deadline = now_ms() + 4000;
        while (count(p.buf[0], done) == 0 && now_ms() < deadline)
            if (!proc_pump(&p, 100))
                break;
    }
    assert_has(p.buf[0], fmt("%s: %zu of %zu checks pass", E(0)->id,
                             E(0)->nchecks, E(0)->nchecks));

    /* Ctrl-C ends it. */
    kill(-p.pid, SIGINT);
    run r = proc_finish(&p, 10000);
    assert_true(r.code == 0 || r.code == 128 + SIGINT);
    assert_file_is(ex_file(0), sol, strlen(sol));
    json_t *st = state();
    assert_string_equal(status_of(st, 0), "done");
    assert_true(int_of(st, 0, "attempts") >= 2);
}

/* A save that lands while a check runs (the file is watched only between
 * checks) is checked right after it: a failing edit, then the solution
 * 90 ms later, during the edit's check, must end with a pass. */
static void test_cli_watch_sees_a_save_made_during_a_check(void **s)
{
    (void)s;
    char *argv[] = {"lab", "watch", E(0)->name, NULL};
    proc p;
    proc_start(&p, argv, NULL, false);
    proc_wait_for(&p, "Watching ", 1, WATCH_TIMEOUT_MS);
    usleep(100 * 1000); /* watching again after the first verdict */
    size_t len;
    char *start = starter(0, &len);
    save_by_rename(ex_file(0), fmt("%.*s\n/* an edit */\n", (int)len, start));
    usleep(90 * 1000); /* past the 40 ms debounce: its check is running */
    save_by_rename(ex_file(0), solution(0));
    const char *done = "passes. Run 'lab next' to move on";
    long deadline = now_ms() + WATCH_TIMEOUT_MS;
    while (count(p.buf[0], done) == 0 && now_ms() < deadline)
        if (!proc_pump(&p, 100))
            break;
    if (count(p.buf[0], done) == 0) {
        char *out = p.buf[0];
        proc_kill(&p);
        fail_msg("the save made during a check was not checked:\n%s", out);
    }
    kill(-p.pid, SIGINT);
    run r = proc_finish(&p, 10000);
    assert_true(r.code == 0 || r.code == 128 + SIGINT);
}

/* ---- reset and solution ----------------------------------------------- */

/* The backup path a reset printed ("...saved in PATH\n"). */
static char *backup_named_in(const char *out)
{
    const char *p = strstr(out, "saved in ");
    if (!p)
        fail_msg("no backup named in:\n%s", out);
    p += strlen("saved in ");
    return fmt("%.*s", (int)strcspn(p, "\n"), p);
}

static void test_cli_reset_keeps_a_backup_then_restores(void **s)
{
    (void)s;
    size_t len;
    char *start = starter(0, &len);
    assert_exit(LAB("next"), LAB_EXIT_OK);

    /* The learner's exact bytes, odd ones included. */
    static const char mine1[] = "/* my work */\nint x;\n\xff\x01 and more\n";
    static const char mine2[] = "/* my second try */\n";
    spit(ex_file(0), mine1, sizeof mine1 - 1);
    run r = LAB("reset", E(0)->name);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, fmt("Reset %s to its starter.", E(0)->file));
    char *b1 = backup_named_in(r.out);
    assert_has(b1, at(fmt(".lab/backups/%s-", E(0)->id)));
    assert_file_is(b1, mine1, sizeof mine1 - 1);
    assert_file_is(ex_file(0), start, len);

    /* A second reset, in the same second, keeps both. */
    spit(ex_file(0), mine2, sizeof mine2 - 1);
    r = LAB("reset", E(0)->id);
    assert_exit(r, LAB_EXIT_OK);
    char *b2 = backup_named_in(r.out);
    assert_string_not_equal(b1, b2);
    assert_file_is(b1, mine1, sizeof mine1 - 1);
    assert_file_is(b2, mine2, sizeof mine2 - 1);
    assert_file_is(ex_file(0), start, len);

    /* A deleted file comes back; there is nothing to back up. */
    assert_int_equal(unlink(ex_file(0)), 0);
    r = LAB("reset", E(0)->name);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, "there was no file to back up");
    assert_lacks(r.out, "saved in");
    assert_file_is(ex_file(0), start, len);

    assert_usage(LAB("reset"), "say which exercise to reset",
                 "Try 'lab help reset'");
    assert_usage(LAB("reset", "nope"), "no exercise called 'nope'", "lab list");
    assert_file_is(ex_file(0), start, len);
}

static void test_cli_reset_without_the_starter_changes_nothing(void **s)
{
    (void)s;
    /* No lab next yet, so no pristine copy, and the scratch lab is not a
     * git work tree: the starter cannot be found. */
    spit_str(ex_file(1), "my work\n");
    run r = LAB("reset", E(1)->name);
    assert_exit(r, LAB_EXIT_INTERNAL);
    assert_has(r.err, "cannot find the original starter");
    assert_has(r.err, "Your file is unchanged.");
    assert_file_is(ex_file(1), "my work\n", 8);
    assert_false(exists(at(".lab/backups")));
}

static void test_cli_solution_only_after_passing(void **s)
{
    (void)s;
    char *sol = solution(0);
    run r = LAB("solution", E(0)->name);
    assert_exit(r, LAB_EXIT_FAILED);
    assert_string_equal(r.out, "");
    assert_has(r.err, fmt("%s is not done yet", E(0)->id));
    assert_has(r.err, "--force");
    r = LAB("solution"); /* the current exercise: the first */
    assert_exit(r, LAB_EXIT_FAILED);

    r = LAB("solution", E(0)->name, "--force");
    assert_exit(r, LAB_EXIT_OK);
    assert_string_equal(r.out, sol);

    put_solution(0);
    assert_exit(LAB("check"), LAB_EXIT_OK);
    r = LAB("solution", E(0)->id);
    assert_exit(r, LAB_EXIT_OK);
    assert_string_equal(r.out, sol);
    assert_string_equal(r.err, "");

    assert_usage(LAB("solution", "a", "b"), "too many arguments",
                 "Try 'lab help solution'");
    assert_usage(LAB("solution", "nope"), "no exercise called 'nope'",
                 "lab list");
}

/* ---- dev, help, version, usage errors --------------------------------- */

static void test_cli_dev_check_passes_on_the_curriculum(void **s)
{
    (void)s;
    run r = LAB("dev", "check");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, fmt("Checking %zu exercises", g.nex));
    for (size_t k = 0; k < g.nex; k++)
        assert_has(r.out, fmt("[ok] %s\n", E(k)->id));
    assert_has(r.out, "Every exercise is sound");
    assert_lacks(r.out, "[FAIL]");

    assert_usage(LAB("dev"), "the only dev command is 'lab dev check'",
                 "Try 'lab help dev'");
    assert_usage(LAB("dev", "nope"), "the only dev command",
                 "Try 'lab help dev'");
    assert_usage(LAB("dev", "check", "--bogus"), "unknown argument '--bogus'",
                 "Try 'lab help dev'");
}

static const char *const commands[] = {"next",   "check", "submit", "list",
                                       "lesson", "hint",  "reset",  "solution",
                                       "watch",  "dev",   NULL};

static void test_cli_help_goes_to_stdout(void **s)
{
    (void)s;
    run r = LAB("help");
    assert_exit(r, LAB_EXIT_OK);
    assert_string_equal(r.err, "");
    assert_true(!strncmp(r.out, "usage: lab ", 11));
    for (size_t i = 0; commands[i]; i++)
        assert_has(r.out, fmt("\n  %s ", commands[i]));
    assert_has(r.out, "Exit status: 0 ok, 1 checks failed, 2 usage error, "
                      "3 internal error.");
    const char *const same[] = {"--help", "-h", NULL};
    for (size_t i = 0; same[i]; i++) {
        run o = LAB(same[i]);
        assert_exit(o, LAB_EXIT_OK);
        assert_string_equal(o.out, r.out);
    }

    for (size_t i = 0; commands[i]; i++) {
        run h = LAB("help", commands[i]);
        assert_exit(h, LAB_EXIT_OK);
        assert_string_equal(h.err, "");
        char *head = fmt("usage: lab %s", commands[i]);
        assert_true(!strncmp(h.out, head, strlen(head)));
        run h2 = LAB(commands[i], "--help");
        assert_exit(h2, LAB_EXIT_OK);
        assert_string_equal(h2.out, h.out);
        run h3 = LAB(commands[i], "-h");
        assert_exit(h3, LAB_EXIT_OK);
        assert_string_equal(h3.out, h.out);
    }
    /* Help never runs the command. */
    assert_false(exists(at(".lab")));

    assert_usage(LAB("help", "nope"), "no command called 'nope'",
                 "Try 'lab --help'");
}

static void test_cli_unknown_command_or_option_is_a_usage_error(void **s)
{
    (void)s;
    assert_usage(LAB("nope"), "unknown command 'nope'", "Try 'lab --help'");
    assert_usage(LAB("--nope"), "unknown option '--nope'", "Try 'lab --help'");
    assert_usage(LAB("--nope", "list"), "unknown option '--nope'",
                 "Try 'lab --help'");
    const char *const cmds[] = {"hint", "lesson", "reset", "solution", NULL};
    for (size_t i = 0; cmds[i]; i++)
        assert_usage(LAB(cmds[i], "--nope"), "unknown option '--nope'",
                     fmt("Try 'lab help %s'", cmds[i]));
    assert_usage(LAB("watch", "--nope"), "unknown option '--nope'",
                 "Try 'lab help watch'");
}

static void test_cli_version(void **s)
{
    (void)s;
    const char *const ways[] = {"--version", "version", NULL};
    for (size_t i = 0; ways[i]; i++) {
        run r = LAB(ways[i]);
        assert_exit(r, LAB_EXIT_OK);
        assert_true(!strncmp(r.out, fmt("lab %s (libtg ", LAB_VERSION),
                             strlen(LAB_VERSION) + 12));
        assert_string_equal(r.err, "");
    }
}

/* ---- bad inputs ------------------------------------------------------- */

/* Puts data in exercise 0's file, checks it, and makes sure the file is
 * untouched and the verdict is a failure, not an error of the lab. */
static run check_with(const void *data, size_t len)
{
    spit(ex_file(0), data, len);
    run r = LAB("check");
    assert_exit(r, LAB_EXIT_FAILED);
    assert_string_equal(r.err, "");
    assert_file_is(ex_file(0), data, len);
    assert_string_equal(status_of(state(), 0), "failing");
    return r;
}

static void test_cli_bad_input_empty_file(void **s)
{
    (void)s;
    run r = check_with("", 0);
    assert_has(r.out, "cannot be graded");
    assert_has(r.out, fmt("%s is empty", E(0)->file));
    assert_has(r.out, "lab reset");

    /* The same as JSON: the input stage stopped it, no checks ran. */
    r = LAB("check", "--json");
    assert_exit(r, LAB_EXIT_FAILED);
    json_t *doc = parse(r.out);
    assert_string_equal(jstr(doc, "schema"), "tglab.check/1");
    assert_string_equal(jstr(doc, "stage"), "input");
    assert_true(jbool(doc, "failed"));
    assert_false(jbool(doc, "passed"));
    assert_int_equal(json_array_size(jarr(doc, "checks")), 0);
    json_t *m = json_array_get(jarr(doc, "messages"), 0);
    assert_non_null(m);
    assert_string_equal(jstr(m, "stage"), "input");
    assert_string_equal(jstr(m, "severity"), "error");
    assert_string_equal(jstr(m, "code"), "input.empty");
}

static void test_cli_bad_input_binary_file(void **s)
{
    (void)s;
    static const char data[] = "int x;\n\x01\x02\0\xfe\xff\x00\x10 junk";
    run r = check_with(data, sizeof data - 1);
    assert_has(r.out, "cannot be graded");
    assert_has(r.out, "contains binary data");

    static const char elf[] = "\x7f"
                              "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x01";
    r = check_with(elf, sizeof elf - 1);
    assert_has(r.out, "cannot be graded");
    assert_has(r.out, "is a compiled file, not C source");
}

static void test_cli_bad_input_5mb_file(void **s)
{
    (void)s;
    size_t len = 5u << 20;
    char *big = keep(malloc(len));
    assert_non_null(big);
    for (size_t i = 0; i < len; i++)
        big[i] = i % 64 == 63 ? '\n' : 'x';
    run r = check_with(big, len);
    assert_has(r.out, "cannot be graded");
    assert_has(r.out, "5.0 MiB; the lab grades files up to");
}

static void test_cli_bad_input_syntax_error(void **s)
{
    (void)s;
    size_t len;
    char *start = starter(0, &len);
    char *text = fmt("%sint broken = ;\n", start);
    int line = (int)count(start, "\n") + 1;
    run r = check_with(text, strlen(text));
    assert_has(r.out, "does not compile");
    assert_has(r.out, fmt("%s:%d:", E(0)->file, line));
    assert_has(r.out, "error:");
    assert_has(r.out, fmt("%d | int broken = ;", line));
}

static void test_cli_bad_input_missing_function(void **s)
{
    (void)s;
    char *text = fmt("#include \"%s.h\"\n", E(0)->name);
    run r = check_with(text, strlen(text));
    assert_has(r.out, "refused before it runs");
    assert_has(r.out, fmt("your file must define %s", E(0)->name));
}

static void test_cli_bad_input_wrong_signature(void **s)
{
    (void)s;
    char *text =
        fmt("#include \"%s.h\"\n\nint %s(int x)\n{\n    return x;\n}\n",
            E(0)->name, E(0)->name);
    run r = check_with(text, strlen(text));
    assert_has(r.out, "does not compile");
    assert_has(r.out, fmt("%s:3:", E(0)->file));
    assert_has(r.out, fmt("conflicting types for '%s'", E(0)->name));
    assert_has(r.out, fmt("%s.h:", E(0)->name)); /* where the prototype is */
}

static void test_cli_bad_input_missing_file(void **s)
{
    (void)s;
    assert_int_equal(unlink(ex_file(0)), 0);
    run r = LAB("check");
    assert_exit(r, LAB_EXIT_FAILED);
    assert_has(r.out, "cannot be graded");
    assert_has(r.out, fmt("there is no file at %s", ex_file(0)));
    assert_false(exists(ex_file(0)));
}

static void test_cli_unwritable_lab_dir_warns_and_still_checks(void **s)
{
    (void)s;
    static const char not_dir[] = "not a directory\n";
    spit_str(at(".lab"), not_dir);
    run r = LAB("check");
    assert_exit(r, LAB_EXIT_FAILED);
    assert_has(r.err, "lab: warning: ");
    assert_has(r.err, "is not a directory");
    assert_has(r.out, "FAIL ");

    put_solution(0);
    r = LAB("check");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.err, "is not a directory");
    assert_has(r.out, "passes.");

    r = LAB("hint");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, fmt("1/%zu", E(0)->nhints));
    assert_file_is(at(".lab"), not_dir, sizeof not_dir - 1);
}

/* The names of .lab/state.json.corrupt-* files. */
static size_t corrupt_files(char **names, size_t max)
{
    DIR *d = opendir(at(".lab"));
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "state.json.corrupt-", 19) && n < max)
            names[n++] = at(fmt(".lab/%s", e->d_name));
    closedir(d);
    return n;
}

static void test_cli_corrupt_state_is_moved_aside(void **s)
{
    (void)s;
    static const char *const bad[] = {
        "{garbage",
        "[1, 2, 3]",
        "{\"format\": \"tglab-state\", \"version\": 1, \"exercises\": "
        "{\"x\": {\"hints\": -3}}}",
    };
    size_t nbad = sizeof bad / sizeof bad[0];
    assert_int_equal(mkdir(at(".lab"), 0755), 0);
    for (size_t i = 0; i < nbad; i++) {
        spit_str(at(".lab/state.json"), bad[i]);
        run r = LAB("hint");
        assert_exit(r, LAB_EXIT_OK);
        assert_has(r.err, "lab: warning: ");
        assert_has(r.err, "moved to");
        assert_has(r.err, "Your exercise files are untouched.");
        assert_has(r.out, fmt("1/%zu", E(0)->nhints));
        /* Every bad file is still there, none overwritten by the next. */
        char *names[8];
        assert_int_equal(corrupt_files(names, 8), i + 1);
        for (size_t k = 0; k <= i; k++) {
            bool found = false;
            for (size_t f = 0; f <= i && !found; f++) {
                char *text = slurp(names[f], NULL);
                found = text && !strcmp(text, bad[k]);
            }
            if (!found)
                fail_msg("the bad state \"%s\" was lost", bad[k]);
        }
        /* A fresh state took its place. */
        assert_int_equal(int_of(state(), 0, "hints"), 1);
    }
    /* Progress starts afresh: lab next welcomes again. */
    spit_str(at(".lab/state.json"), "\x01\x02");
    run r = LAB("next");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, "Welcome to tglab.");
    assert_has(r.err, "could not be read as JSON");
}

static void test_cli_non_utf8_file_names(void **s)
{
    (void)s;
    assert_int_equal(mkdir(at("elsewhere"), 0755), 0);
    char *f = at("elsewhere/\xff\xfe.c");
    char *sol = solution(1);
    spit_str(f, sol);
    run r = LAB("submit", f, "--exercise", E(1)->name);
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out,
               fmt("%zu of %zu checks pass", E(1)->nchecks, E(1)->nchecks));
    assert_true(valid_utf8(r.out, r.outlen));
    assert_file_is(f, sol, strlen(sol));

    static const char broken[] = "int broken = ;\n";
    spit_str(f, broken);
    r = LAB("submit", f, "--exercise", E(1)->id);
    assert_exit(r, LAB_EXIT_FAILED);
    assert_has(r.out, "elsewhere/\\xff\\xfe.c:1:");
    assert_true(valid_utf8(r.out, r.outlen));
    assert_file_is(f, broken, sizeof broken - 1);

    r = LAB("--json", "submit", f, "--exercise", E(1)->id);
    assert_exit(r, LAB_EXIT_FAILED);
    json_t *doc = parse(r.out); /* jansson takes valid UTF-8 only */
    assert_has(jstr(doc, "file"), "elsewhere/\\xff\\xfe.c");
    assert_string_equal(jstr(doc, "stage"), "compile");
    assert_true(jbool(doc, "failed"));
    json_t *m = json_array_get(jarr(doc, "messages"), 0);
    assert_non_null(m);
    assert_string_equal(jstr(m, "severity"), "error");
    assert_string_equal(jstr(m, "code"), "compile.error");
    assert_has(jstr(m, "file"), "elsewhere/\\xff\\xfe.c");
    assert_int_equal(jint(m, "line"), 1);
    assert_true(jint(m, "col") > 0);
    assert_string_equal(jstr(m, "source"), "int broken = ;");
    assert_true(strlen(jstr(m, "text")) > 0);

    r = LAB("submit", f);
    assert_usage(r, "cannot tell which exercise", "--exercise");
    assert_has(r.err, "elsewhere/\\xff\\xfe.c");
    assert_true(valid_utf8(r.err, r.errlen));
    assert_file_is(f, broken, sizeof broken - 1);
}

/* ---- colour ----------------------------------------------------------- */

static void test_cli_no_escape_codes_without_colour(void **s)
{
    (void)s;
    /* Outside a terminal (every run asserts it), even with a TERM. */
    run r = LAB("list");
    assert_exit(r, LAB_EXIT_OK);
    r = LAB("check");
    assert_exit(r, LAB_EXIT_FAILED);

    /* On a terminal: colour, unless NO_COLOR, --plain or TERM=dumb. */
    r = LAB_TTY(NULL, "list");
    assert_exit(r, LAB_EXIT_OK);
    assert_has(r.out, "\033[");
    static const char *const no_color[] = {"NO_COLOR=1", NULL};
    static const char *const dumb[] = {"TERM=dumb", NULL};
    run quiet[] = {
        LAB_TTY(no_color, "list"),        LAB_TTY(no_color, "check"),
        LAB_TTY(no_color, "hint"),        LAB_TTY(NULL, "--plain", "list"),
        LAB_TTY(NULL, "list", "--plain"), LAB_TTY(dumb, "list"),
    };
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        assert_true(quiet[i].outlen > 0);
        if (memchr(quiet[i].out, '\033', quiet[i].outlen))
            fail_msg("run %zu printed an escape sequence:\n%s", i,
                     quiet[i].out);
    }
    assert_int_equal(quiet[1].code, LAB_EXIT_FAILED);
    assert_has(quiet[1].out, "FAIL ");
}

/* ---- set-up ----------------------------------------------------------- */

static bool is_repo(const char *dir)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/exercises/manifest.json", dir);
    return access(p, R_OK) == 0;
}

static bool find_repo(void)
{
    char dir[PATH_MAX];
    if (getcwd(dir, sizeof dir) && is_repo(dir)) {
        snprintf(g.repo, sizeof g.repo, "%s", dir);
        return true;
    }
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0)
        return false;
    dir[n] = '\0';
    char *slash;
    while ((slash = strrchr(dir, '/')) && slash != dir) {
        *slash = '\0';
        if (is_repo(dir)) {
            snprintf(g.repo, sizeof g.repo, "%s", dir);
            return true;
        }
    }
    return false;
}

static char *dup_str(json_t *v)
{
    const char *s = json_string_value(v);
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

static void ex_free(ex_info *e)
{
    free(e->id);
    free(e->name);
    free(e->topic);
    free(e->file);
    free(e->title);
    free(e->lesson);
    for (size_t i = 0; i < e->nhints; i++)
        free(e->hints[i]);
    free(e->hints);
    for (size_t i = 0; i < e->nchecks; i++)
        free(e->checks[i]);
    free(e->checks);
    free(e->points);
}

static bool load_manifest(void)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/exercises/manifest.json", g.repo);
    json_error_t err;
    json_t *doc = json_load_file(p, 0, &err);
    json_t *exs = json_object_get(doc, "exercises");
    if (!json_is_array(exs)) {
        fprintf(stderr, "test_cli: cannot read %s: %s\n", p, err.text);
        json_decref(doc);
        return false;
    }
    g.nex = json_array_size(exs);
    g.ex = calloc(g.nex ? g.nex : 1, sizeof *g.ex);
    if (!g.ex)
        abort();
    for (size_t k = 0; k < g.nex; k++) {
        json_t *e = json_array_get(exs, k);
        ex_info *x = &g.ex[k];
        x->id = dup_str(json_object_get(e, "id"));
        x->file = dup_str(json_object_get(e, "file"));
        x->title = dup_str(json_object_get(e, "title"));
        x->lesson = dup_str(json_object_get(e, "lesson"));
        char *slash = strchr(x->id, '/');
        x->name = strdup(slash ? slash + 1 : x->id);
        x->topic = strndup(x->id, slash ? (size_t)(slash - x->id) : 0);
        json_t *hints = json_object_get(e, "hints");
        x->nhints = json_array_size(hints);
        x->hints = calloc(x->nhints + 1, sizeof *x->hints);
        for (size_t i = 0; i < x->nhints; i++)
            x->hints[i] = dup_str(json_array_get(hints, i));
        json_t *checks = json_object_get(e, "checks");
        x->nchecks = json_array_size(checks);
        x->checks = calloc(x->nchecks + 1, sizeof *x->checks);
        x->points = calloc(x->nchecks + 1, sizeof *x->points);
        for (size_t i = 0; i < x->nchecks; i++) {
            json_t *c = json_array_get(checks, i);
            x->checks[i] = dup_str(json_object_get(c, "name"));
            x->points[i] =
                (int)json_integer_value(json_object_get(c, "points"));
            x->total += x->points[i];
        }
    }
    json_decref(doc);
    return true;
}

static int group_setup(void **s)
{
    (void)s;
    if (!find_repo()) {
        fprintf(stderr, "test_cli: cannot find the repository (run it from "
                        "there, as make test does)\n");
        return -1;
    }
    snprintf(g.lab, sizeof g.lab, "%s/build/lab", g.repo);
    if (access(g.lab, X_OK) != 0) {
        fprintf(stderr, "test_cli: %s is missing: run make first\n", g.lab);
        return -1;
    }
    if (!load_manifest())
        return -1;
    if (g.nex < 2) {
        fprintf(stderr, "test_cli: these tests need two exercises\n");
        return -1;
    }
    return 0;
}

static int group_teardown(void **s)
{
    (void)s;
    for (size_t k = 0; k < g.nex; k++)
        ex_free(&g.ex[k]);
    free(g.ex);
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

/* exercises/NN-topic/ holds the learner's files and the exercise's
 * header: copies, never links (the sandbox sees only the lab's tree). */
static int copy_exercises(void)
{
    char src[PATH_MAX + 64];
    snprintf(src, sizeof src, "%s/exercises", g.repo);
    DIR *d = opendir(src);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "support"))
            continue;
        char from[PATH_MAX * 2], to[PATH_MAX * 2];
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        struct stat st;
        if (stat(from, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        snprintf(to, sizeof to, "%s/exercises/%s", g.root, e->d_name);
        if (mkdir(to, 0755) != 0)
            rc = -1;
        DIR *sub = rc == 0 ? opendir(from) : NULL;
        struct dirent *f;
        while (sub && rc == 0 && (f = readdir(sub))) {
            char a[PATH_MAX * 3], b[PATH_MAX * 3];
            snprintf(a, sizeof a, "%s/%s", from, f->d_name);
            snprintf(b, sizeof b, "%s/%s", to, f->d_name);
            if (stat(a, &st) == 0 && S_ISREG(st.st_mode))
                rc = copy_file(a, b);
        }
        if (sub)
            closedir(sub);
    }
    closedir(d);
    return rc;
}

static int setup(void **s)
{
    (void)s;
    const char *tmp = getenv("TMPDIR");
    snprintf(g.root, sizeof g.root, "%s/tglab-cli.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    char real[PATH_MAX];
    if (!mkdtemp(g.root) || !realpath(g.root, real))
        return -1;
    snprintf(g.root, sizeof g.root, "%s", real); /* as the lab sees it */
    static const char *const links[] = {"build",
                                        "core",
                                        "checks",
                                        "lessons",
                                        "solutions",
                                        "exercises/support",
                                        "exercises/manifest.json",
                                        NULL};
    char a[PATH_MAX * 2], b[PATH_MAX * 2];
    snprintf(b, sizeof b, "%s/exercises", g.root);
    if (mkdir(b, 0755) != 0)
        return -1;
    for (size_t i = 0; links[i]; i++) {
        snprintf(a, sizeof a, "%s/%s", g.repo, links[i]);
        snprintf(b, sizeof b, "%s/%s", g.root, links[i]);
        if (symlink(a, b) != 0)
            return -1;
    }
    return copy_exercises();
}

/* Removes one entry; FTW_PHYS means a link is removed, never followed
 * (the links point into the repository). */
static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **s)
{
    (void)s;
    empty_trash();
    if (g.root[0] && !getenv("TG_TEST_KEEP"))
        nftw(g.root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    else if (g.root[0])
        fprintf(stderr, "test_cli: kept %s\n", g.root);
    g.root[0] = '\0';
    return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_cli_next_first_time_welcomes_and_starts_exercise_1),
        T(test_cli_next_with_the_starter_fails_and_says_why),
        T(test_cli_next_with_the_solution_moves_on),
        T(test_cli_next_when_all_are_done_congratulates),
        T(test_cli_list_shows_progress),
        T(test_cli_list_json_has_every_field),
        T(test_cli_lesson_by_number_topic_and_exercise),
        T(test_cli_hint_reveals_one_more_each_time),
        T(test_cli_check_json_follows_the_schema),
        T(test_cli_check_seed_reproduces),
        T(test_cli_check_thorough_passes_the_solution),
        T(test_cli_check_refuses_bad_arguments),
        T(test_cli_submit_finds_the_exercise),
        T(test_cli_check_sweeps_stale_work_directories),
        T(test_cli_check_without_bubblewrap),
        T(test_cli_watch_checks_again_on_every_save),
        T(test_cli_watch_sees_a_save_made_during_a_check),
        T(test_cli_reset_keeps_a_backup_then_restores),
        T(test_cli_reset_without_the_starter_changes_nothing),
        T(test_cli_solution_only_after_passing),
        T(test_cli_dev_check_passes_on_the_curriculum),
        T(test_cli_help_goes_to_stdout),
        T(test_cli_unknown_command_or_option_is_a_usage_error),
        T(test_cli_version),
        T(test_cli_bad_input_empty_file),
        T(test_cli_bad_input_binary_file),
        T(test_cli_bad_input_5mb_file),
        T(test_cli_bad_input_syntax_error),
        T(test_cli_bad_input_missing_function),
        T(test_cli_bad_input_wrong_signature),
        T(test_cli_bad_input_missing_file),
        T(test_cli_unwritable_lab_dir_warns_and_still_checks),
        T(test_cli_corrupt_state_is_moved_aside),
        T(test_cli_non_utf8_file_names),
        T(test_cli_no_escape_codes_without_colour),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
