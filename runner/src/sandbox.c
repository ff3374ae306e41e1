/*
 * sandbox.c -- what this machine can sandbox with, and the argv that runs
 * untrusted code under bubblewrap and lab-jail.
 *
 * The split of duties: bubblewrap gives the namespaces (no network, own pid
 * space that dies with us, new session) and the filesystem view (read-only
 * /usr, the one submission, a size-limited private /tmp, nothing of /home,
 * /root, /etc or other students); lab-jail gives rlimits, the uid drop and
 * the seccomp filter.  Both are needed: bubblewrap cannot set rlimits or a
 * libseccomp policy per mode, and the jail alone cannot hide the
 * filesystem.  Grade mode therefore refuses to run without bubblewrap;
 * learner mode falls back to the jail alone, because a learner's own laptop
 * without user namespaces must still be able to run `lab check` on the
 * learner's own code.  The argv is a plain string vector so that either
 * tg_process_run or sandbox_run can execute it.
 */
#include "sandbox.h"
#include "sandbox_probe_cache.h"
#include "sandbox_run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* nobody/nogroup on Debian. */
#define DEFAULT_ID 65534
/* The probe's trial runs are "true": they take milliseconds. */
#define PROBE_WALL_MS 10000
#define MIB ((uint64_t)1 << 20)

/* A growable argv of owned strings. */
typedef struct strvec {
    char **v;
    size_t n, cap;
    bool oom;
} strvec;

static void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || whylen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(why, whylen, "lab: error: ");
    if (n >= 0 && (size_t)n < whylen)
        vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void push(strvec *sv, const char *s)
{
    if (sv->oom)
        return;
    if (sv->n + 2 > sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 64;
        char **nv = realloc(sv->v, cap * sizeof *nv);
        if (!nv) {
            sv->oom = true;
            return;
        }
        sv->v = nv;
        sv->cap = cap;
    }
    char *copy = strdup(s);
    if (!copy) {
        sv->oom = true;
        return;
    }
    sv->v[sv->n++] = copy;
    sv->v[sv->n] = NULL;
}

static void pushf(strvec *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void pushf(strvec *sv, const char *fmt, ...)
{
    char buf[PATH_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) {
        sv->oom = true; /* cannot happen with our formats; fail closed */
        return;
    }
    push(sv, buf);
}

void sandbox_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}

uid_t sandbox_uid(const sandbox_spec *spec)
{
    return spec->uid ? spec->uid : DEFAULT_ID;
}

gid_t sandbox_gid(const sandbox_spec *spec)
{
    return spec->gid ? spec->gid : DEFAULT_ID;
}

void sandbox_spec_init(sandbox_spec *spec, sandbox_mode mode)
{
    /* The same limits in both modes: a verdict must not depend on which
     * command produced it.  Only the socket policy and the fallback
     * without bubblewrap differ. */
    *spec = (sandbox_spec){
        .mode = mode,
        .wall_ms = 10000,
        .output_cap = 1u << 20,
        .cpu_s = 5,
        .memory_bytes = 512 * MIB,
        .file_bytes = 16 * MIB,
        .tmp_bytes = 64 * MIB,
        .max_procs = 32,
        .max_fds = 256,
        .stack_bytes = 8 * MIB,
        .leak_check = true,
    };
}

/* ---- probing ---------------------------------------------------------- */

static bool is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, X_OK) == 0;
}

/* Looks name up in $PATH (or /usr/bin:/bin); fills out on success. */
static bool find_in_path(const char *name, char *out, size_t outlen)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len > 0 && len < PATH_MAX) {
            int n = snprintf(out, outlen, "%.*s/%s", (int)len, path, name);
            if (n > 0 && (size_t)n < outlen && out[0] == '/' &&
                is_executable_file(out))
                return true;
        }
        path += len;
        if (*path == ':')
            path++;
    }
    out[0] = '\0';
    return false;
}

static bool find_jail(char *out, size_t outlen)
{
    const char *env = getenv("TGLAB_JAIL");
    if (env && *env) {
        snprintf(out, outlen, "%s", env);
        return env[0] == '/' && is_executable_file(out);
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return false;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return false;
    *slash = '\0';
    /* build/lab, build/tests/runner/test_x, PREFIX/bin/lab */
    static const char *const rel[] = {"/lab-jail", "/../../lab-jail",
                                      "/../libexec/tglab/lab-jail"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char cand[PATH_MAX + 32];
        snprintf(cand, sizeof cand, "%s%s", self, rel[i]);
        char real[PATH_MAX];
        if (realpath(cand, real) && is_executable_file(real)) {
            snprintf(out, outlen, "%s", real);
            return true;
        }
    }
    return false;
}

/* The first line of s, for a one-line diagnostic. */
static void first_line(const char *s, char *out, size_t outlen)
{
    size_t n = strcspn(s, "\n");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

static sandbox_caps cached_caps;
static bool cached;
static int cached_rc;
static char cached_why[512];

/* Runs argv once as a trial; true when it exited 0.  On failure, the first
 * line of what it said goes to detail. */
static bool trial(char **argv, char *detail, size_t dlen)
{
    sandbox_result r;
    char why[256];
    if (sandbox_run((const char *const *)argv, NULL, NULL, PROBE_WALL_MS,
                    64 * 1024, &r, why, sizeof why) != 0) {
        snprintf(detail, dlen, "%s", why);
        return false;
    }
    bool ok = r.exit_code == 0;
    if (!ok) {
        char line[256];
        first_line(r.err_len ? r.err : r.out, line, sizeof line);
        if (r.timed_out)
            snprintf(detail, dlen, "the trial run did not finish");
        else if (r.exit_code >= 0)
            snprintf(detail, dlen, "exit %d: %s", r.exit_code, line);
        else
            snprintf(detail, dlen, "signal %d: %s", r.term_signal, line);
    }
    sandbox_result_free(&r);
    return ok;
}

static char **build_argv(const sandbox_caps *caps, const sandbox_spec *spec,
                         const char *const *cmd, bool use_bwrap, bool with_jail,
                         char *why, size_t whylen);

/* Where bubblewrap and lab-jail are (cheap: no trial yet). */
static void locate(sandbox_caps *caps)
{
    memset(caps, 0, sizeof *caps);
    caps->root = geteuid() == 0;
    find_in_path("bwrap", caps->bwrap, sizeof caps->bwrap);
    find_jail(caps->jail, sizeof caps->jail);
}

/* Tries what locate found; fills the rest of *caps. */
static int probe(sandbox_caps *caps, char *why, size_t whylen)
{
    bool have_bwrap = caps->bwrap[0] != '\0';
    bool have_jail = caps->jail[0] != '\0';
    if (!have_jail) {
        say(why, whylen,
            "the sandbox helper lab-jail was not found (looked at "
            "$TGLAB_JAIL and next to this program); run 'make' first");
        snprintf(caps->diag, sizeof caps->diag, "lab-jail not found");
        return -1;
    }

    /* A throw-away, empty, read-only workdir for the trials. */
    char dir[] = "/tmp/lab-probe.XXXXXX";
    if (!mkdtemp(dir)) {
        say(why, whylen, "cannot create a directory in /tmp: %s",
            strerror(errno));
        return -1;
    }
    sandbox_spec spec;
    sandbox_spec_init(&spec, SANDBOX_GRADE);
    spec.workdir = dir;
    spec.workdir_readonly = true;
    static const char *const true_cmd[] = {"true", NULL};
    char detail[400] = "";
    int rc = -1;

    if (have_bwrap) {
        /* The usual case first, in one trial: bubblewrap and the jail
         * together.  Only when that fails are they tried apart, to say
         * which one cannot work here. */
        char **both =
            build_argv(caps, &spec, true_cmd, true, true, why, whylen);
        bool ok = both && trial(both, detail, sizeof detail);
        sandbox_argv_free(both);
        if (ok) {
            caps->bwrap_ok = caps->jail_ok = true;
            rmdir(dir);
            return 0;
        }
        detail[0] = '\0';
        char **bare =
            build_argv(caps, &spec, true_cmd, true, false, why, whylen);
        caps->bwrap_ok = bare && trial(bare, detail, sizeof detail);
        sandbox_argv_free(bare);
        if (!caps->bwrap_ok)
            snprintf(caps->diag, sizeof caps->diag,
                     "bubblewrap is installed but cannot create a sandbox "
                     "here (%s)",
                     detail);
    } else {
        snprintf(caps->diag, sizeof caps->diag,
                 "bubblewrap (bwrap) is not installed: apt-get install "
                 "bubblewrap");
    }
    char **full =
        build_argv(caps, &spec, true_cmd, caps->bwrap_ok, true, why, whylen);
    detail[0] = '\0';
    caps->jail_ok = full && trial(full, detail, sizeof detail);
    sandbox_argv_free(full);
    if (caps->jail_ok) {
        rc = 0;
    } else {
        snprintf(caps->diag, sizeof caps->diag,
                 "lab-jail cannot set up its limits and filter here (%s)",
                 detail);
        say(why, whylen, "%s", caps->diag);
    }
    rmdir(dir);
    return rc;
}

/* DIR/sandbox-probe into out; false when there is no such file to use. */
static bool cache_path(const char *dir, char *out, size_t outlen)
{
    if (!dir || !dir[0])
        return false;
    int n = snprintf(out, outlen, "%s/%s", dir, SANDBOX_PROBE_CACHE_FILE);
    return n > 0 && (size_t)n < outlen;
}

/* The answer for *caps (located): from the file at path when it holds
 * exactly today's facts, else from a trial, which is written back when
 * bubblewrap and the jail both work. */
static int probe_or_recall(sandbox_caps *caps, const char *path, bool refresh,
                           char *why, size_t whylen)
{
    char facts[SANDBOX_PROBE_FACTS_MAX];
    bool known = path && caps->bwrap[0] && caps->jail[0] &&
                 sandbox__probe_facts(caps, facts, sizeof facts);
    if (known && !refresh && sandbox__probe_cache_matches(path, facts)) {
        caps->bwrap_ok = caps->jail_ok = true;
        caps->from_cache = true;
        return 0;
    }
    int rc = probe(caps, why, whylen);
    if (known && rc == 0 && caps->bwrap_ok) {
        /* The parent is made once (build/cache); deeper is not ours. */
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            mkdir(dir, 0755);
        }
        sandbox__probe_cache_store(path, facts);
    }
    return rc;
}

int sandbox_probe_at(const char *cache_dir, sandbox_caps *caps, bool refresh,
                     char *why, size_t whylen)
{
    if (!cached || refresh) {
        char path[PATH_MAX];
        bool disk = cache_path(cache_dir, path, sizeof path);
        cached_why[0] = '\0';
        locate(&cached_caps);
        cached_rc = probe_or_recall(&cached_caps, disk ? path : NULL, refresh,
                                    cached_why, sizeof cached_why);
        cached = true;
    }
    *caps = cached_caps;
    if (cached_rc != 0) {
        const char *msg = cached_why;
        if (strncmp(msg, "lab: error: ", 12) == 0)
            msg += 12; /* say() adds it back */
        say(why, whylen, "%s", msg[0] ? msg : "no usable sandbox");
    }
    return cached_rc;
}

int sandbox_probe(sandbox_caps *caps, bool refresh, char *why, size_t whylen)
{
    return sandbox_probe_at(NULL, caps, refresh, why, whylen);
}

void sandbox_probe_forget(const char *cache_dir)
{
    cached = false;
    char path[PATH_MAX];
    if (cache_path(cache_dir, path, sizeof path))
        unlink(path);
}

/* ---- memory ----------------------------------------------------------- */

int sandbox_measure_asan(const char *cc, uint64_t *bytes, char *why,
                         size_t whylen)
{
    const char *const find[] = {cc ? cc : "cc", "-print-file-name=libasan.so",
                                NULL};
    sandbox_result r;
    if (sandbox_run(find, NULL, NULL, PROBE_WALL_MS, 4096, &r, why, whylen) !=
        0)
        return -1;
    char lib[PATH_MAX];
    first_line(r.out, lib, sizeof lib);
    bool found = r.exit_code == 0 && lib[0] == '/';
    sandbox_result_free(&r);
    if (!found) {
        say(why, whylen, "%s has no AddressSanitizer runtime (libasan.so)",
            find[0]);
        return -1;
    }
    char preload[PATH_MAX + 16];
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", lib);
    const char *const env[] = {preload, "ASAN_OPTIONS=detect_leaks=0",
                               "PATH=/usr/bin:/bin", NULL};
    const char *const cat[] = {"cat", "/proc/self/status", NULL};
    if (sandbox_run(cat, env, NULL, PROBE_WALL_MS, 65536, &r, why, whylen) != 0)
        return -1;
    const char *line = r.exit_code == 0 ? strstr(r.out, "\nVmData:") : NULL;
    unsigned long long kb = line ? strtoull(line + 8, NULL, 10) : 0;
    sandbox_result_free(&r);
    /* Below a terabyte the runtime did not map its shadow: the preload
     * did not take, and the number would be meaningless. */
    if (kb < (1ull << 30)) {
        say(why, whylen,
            "could not measure the AddressSanitizer reserve "
            "(preloading %s into cat did not work)",
            lib);
        return -1;
    }
    *bytes = (uint64_t)kb * 1024;
    return 0;
}

/* ---- the argv --------------------------------------------------------- */

static bool valid_env(const char *kv)
{
    const char *eq = strchr(kv, '=');
    return eq && eq != kv;
}

/* Mirrors the host's top-level /bin, /sbin, /lib* into the sandbox: on a
 * merged-/usr system (Debian 12) they are symlinks into /usr, elsewhere
 * real directories that need a read-only bind. */
static void push_toplevel(strvec *sv)
{
    static const char *const names[] = {"/bin",   "/sbin",  "/lib",
                                        "/lib32", "/lib64", "/libx32"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct stat st;
        if (lstat(names[i], &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(names[i], target, sizeof target - 1);
            if (n <= 0)
                continue;
            target[n] = '\0';
            push(sv, "--symlink");
            push(sv, target);
            push(sv, names[i]);
        } else if (S_ISDIR(st.st_mode)) {
            push(sv, "--ro-bind");
            push(sv, names[i]);
            push(sv, names[i]);
        }
    }
}

/* The ASAN_OPTIONS of a sanitized run: the caller's (from spec->env) first,
 * ours after them, since the runtime lets later settings win. */
static void asan_options(const sandbox_spec *spec, char *out, size_t outlen)
{
    const char *theirs = "";
    for (const char *const *e = spec->env; e && *e; e++)
        if (strncmp(*e, "ASAN_OPTIONS=", 13) == 0)
            theirs = *e + 13;
    uint64_t mb = spec->memory_bytes / MIB;
    if (mb == 0)
        mb = 1;
    /* RSS counts the shadow (an eighth of the heap) and the runtime: the
     * soft limit makes malloc return NULL, the hard one stops the run
     * (for memory touched through mmap, which malloc never sees). */
    uint64_t soft = mb + mb / 8 + 32;
    uint64_t hard = soft + mb / 2 + 32;
    uint64_t quarantine = mb / 8 ? mb / 8 : 1;
    snprintf(out, outlen,
             "%s%sallocator_may_return_null=1:soft_rss_limit_mb=%llu:"
             "hard_rss_limit_mb=%llu:quarantine_size_mb=%llu:"
             "detect_leaks=%d:abort_on_error=0",
             theirs, *theirs ? ":" : "", (unsigned long long)soft,
             (unsigned long long)hard, (unsigned long long)quarantine,
             spec->leak_check ? 1 : 0);
}

static void push_jail_args(strvec *sv, const sandbox_caps *caps,
                           const sandbox_spec *spec)
{
    pushf(sv, "--mode=%s", spec->mode == SANDBOX_GRADE ? "grade" : "learner");
    pushf(sv, "--cpu=%llu", (unsigned long long)spec->cpu_s);
    pushf(sv, "--fsize=%llu", (unsigned long long)spec->file_bytes);
    pushf(sv, "--nofile=%u", spec->max_fds);
    pushf(sv, "--stack=%llu", (unsigned long long)spec->stack_bytes);
    pushf(sv, "--nproc=%u", spec->max_procs);
    if (caps->root) {
        pushf(sv, "--uid=%lu", (unsigned long)sandbox_uid(spec));
        pushf(sv, "--gid=%lu", (unsigned long)sandbox_gid(spec));
    }
    if (spec->sanitizers) {
        /* Shadow reserve + budget + slack: the allocator's size classes
         * and quarantine, and room for the runtime to still print its
         * report (LeakSanitizer allocates) once malloc has said no. */
        uint64_t data = spec->asan_reserve + spec->memory_bytes +
                        spec->memory_bytes / 2 + 128 * MIB;
        pushf(sv, "--data=%llu", (unsigned long long)data);
        if (spec->leak_check)
            push(sv, "--allow-lsan");
    } else {
        pushf(sv, "--as=%llu", (unsigned long long)spec->memory_bytes);
    }
    for (size_t i = 0; i < spec->n_keep_fds; i++)
        pushf(sv, "--keep-fd=%d", spec->keep_fds[i]);
}

static void push_env(strvec *sv, const sandbox_spec *spec, bool bwrap,
                     const char *home)
{
    /* name, value pairs; bwrap takes them as --setenv NAME VALUE, env(1)
     * as NAME=VALUE. */
    char asan[1024] = "";
    if (spec->sanitizers)
        asan_options(spec, asan, sizeof asan);
    const char *base[][2] = {{"PATH", "/usr/bin:/bin"},
                             {"HOME", home},
                             {"TMPDIR", "/tmp"},
                             {"LANG", "C.UTF-8"},
                             {"ASAN_OPTIONS", asan}};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
        if (!base[i][1][0])
            continue;
        if (bwrap) {
            push(sv, "--setenv");
            push(sv, base[i][0]);
            push(sv, base[i][1]);
        } else {
            pushf(sv, "%s=%s", base[i][0], base[i][1]);
        }
    }
    for (const char *const *e = spec->env; e && *e; e++) {
        if (strncmp(*e, "ASAN_OPTIONS=", 13) == 0 && spec->sanitizers)
            continue; /* merged above */
        if (bwrap) {
            const char *eq = strchr(*e, '=');
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(eq - *e), *e);
            push(sv, "--setenv");
            push(sv, name);
            push(sv, eq + 1);
        } else {
            push(sv, *e);
        }
    }
}

static int check_spec(const sandbox_spec *spec, const char *const *cmd,
                      char *why, size_t whylen)
{
    struct stat st;
    if (!cmd || !cmd[0] || !cmd[0][0]) {
        say(why, whylen, "no command to run in the sandbox");
        return -1;
    }
    if (!spec->workdir || spec->workdir[0] != '/') {
        say(why, whylen, "the sandbox workdir must be an absolute path");
        return -1;
    }
    if (stat(spec->workdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        say(why, whylen, "the sandbox workdir %s is not a directory",
            spec->workdir);
        return -1;
    }
    if (strlen(spec->workdir) >= PATH_MAX) {
        say(why, whylen, "the sandbox workdir path is too long");
        return -1;
    }
    for (size_t i = 0; i < spec->n_ro_binds; i++) {
        const sandbox_bind *b = &spec->ro_binds[i];
        if (!b->src || !b->dest || b->src[0] != '/' || b->dest[0] != '/' ||
            strlen(b->src) >= PATH_MAX || strlen(b->dest) >= PATH_MAX) {
            say(why, whylen, "sandbox binds need absolute paths");
            return -1;
        }
    }
    for (const char *const *e = spec->env; e && *e; e++) {
        if (!valid_env(*e) || strchr(*e, '=') - *e >= 255) {
            say(why, whylen, "bad sandbox environment entry '%s'", *e);
            return -1;
        }
    }
    for (size_t i = 0; i < spec->n_keep_fds; i++) {
        if (spec->keep_fds[i] <= 2) {
            say(why, whylen,
                "descriptors 0-2 are always passed; "
                "keep_fds is for 3 and above");
            return -1;
        }
    }
    if (spec->chdir && spec->chdir[0] != '/') {
        say(why, whylen, "the sandbox chdir must be an absolute path");
        return -1;
    }
    if (spec->memory_bytes == 0 || spec->cpu_s == 0 || spec->max_fds < 4) {
        say(why, whylen, "sandbox limits must not be zero");
        return -1;
    }
    if (spec->sanitizers && spec->asan_reserve == 0) {
        say(why, whylen,
            "a sanitized run needs spec.asan_reserve "
            "(see sandbox_measure_asan) to bound its memory");
        return -1;
    }
    return 0;
}

static char **build_argv(const sandbox_caps *caps, const sandbox_spec *spec,
                         const char *const *cmd, bool use_bwrap, bool with_jail,
                         char *why, size_t whylen)
{
    strvec sv = {0};
    const char *jail = use_bwrap ? SANDBOX_JAIL_PATH : caps->jail;
    if (use_bwrap) {
        push(&sv, caps->bwrap);
        push(&sv, "--unshare-ipc");
        push(&sv, "--unshare-pid");
        push(&sv, "--unshare-net");
        push(&sv, "--unshare-uts");
        push(&sv, "--unshare-cgroup-try");
        /* lab-jail is the namespace's init (see runner/jail/init.c):
         * bubblewrap then returns only once everything inside is dead. */
        if (with_jail)
            push(&sv, "--as-pid-1");
        push(&sv, "--die-with-parent");
        push(&sv, "--new-session");
        if (caps->root) {
            /* No user namespace as root (it would map only uid 0, and the
             * jail could not become anyone else); keep just what the jail
             * needs to leave root.  Its init keeps uid 0 without any
             * capability, so that bubblewrap's parent-death signal (which
             * needs the same uid) can still reach it. */
            push(&sv, "--cap-drop");
            push(&sv, "ALL");
            push(&sv, "--cap-add");
            push(&sv, "CAP_SETUID");
            push(&sv, "--cap-add");
            push(&sv, "CAP_SETGID");
        }
        push(&sv, "--hostname");
        push(&sv, "lab");
        push(&sv, "--clearenv");
        push_env(&sv, spec, true, SANDBOX_WORKDIR);
        push(&sv, "--ro-bind");
        push(&sv, "/usr");
        push(&sv, "/usr");
        push_toplevel(&sv);
        /* /etc: only what cc needs (the cc -> gcc alternatives link) and
         * the loader cache; no passwd, no shadow, no hosts. */
        push(&sv, "--perms");
        push(&sv, "0755");
        push(&sv, "--dir");
        push(&sv, "/etc");
        push(&sv, "--ro-bind-try");
        push(&sv, "/etc/alternatives");
        push(&sv, "/etc/alternatives");
        push(&sv, "--ro-bind-try");
        push(&sv, "/etc/ld.so.cache");
        push(&sv, "/etc/ld.so.cache");
        push(&sv, "--proc");
        push(&sv, "/proc");
        push(&sv, "--dev");
        push(&sv, "/dev");
        /* Size-limited, sticky, world-writable: tmpfs pages are host RAM
         * that no rlimit counts. */
        const char *tmps[] = {"/tmp", "/dev/shm"};
        for (size_t i = 0; i < 2; i++) {
            push(&sv, "--perms");
            push(&sv, "1777");
            push(&sv, "--size");
            pushf(&sv, "%llu", (unsigned long long)spec->tmp_bytes);
            push(&sv, "--tmpfs");
            push(&sv, tmps[i]);
        }
        push(&sv, spec->workdir_readonly ? "--ro-bind" : "--bind");
        push(&sv, spec->workdir);
        push(&sv, SANDBOX_WORKDIR);
        for (size_t i = 0; i < spec->n_ro_binds; i++) {
            push(&sv, "--ro-bind");
            push(&sv, spec->ro_binds[i].src);
            push(&sv, spec->ro_binds[i].dest);
        }
        if (with_jail) {
            push(&sv, "--ro-bind");
            push(&sv, caps->jail);
            push(&sv, SANDBOX_JAIL_PATH);
        }
        /* Nothing but the tmpfs mounts and /work stays writable: the root
         * and /dev are tmpfs too, and writable by a user-namespace
         * sandbox's owner. */
        push(&sv, "--remount-ro");
        push(&sv, "/dev");
        push(&sv, "--remount-ro");
        push(&sv, "/");
        push(&sv, "--chdir");
        push(&sv, spec->chdir ? spec->chdir : SANDBOX_WORKDIR);
        push(&sv, "--");
    } else {
        push(&sv, "/usr/bin/env");
        push(&sv, "-i");
        push(&sv, "-C");
        push(&sv, spec->workdir);
        push_env(&sv, spec, false, spec->workdir);
    }
    if (with_jail) {
        push(&sv, jail);
        push_jail_args(&sv, caps, spec);
        if (use_bwrap) {
            push(&sv, "--init");
            pushf(&sv, "--wall=%llu", (unsigned long long)spec->wall_ms);
        }
        push(&sv, "--");
    }
    for (const char *const *c = cmd; *c; c++)
        push(&sv, *c);
    if (sv.oom) {
        say(why, whylen, "out of memory building the sandbox command");
        sandbox_argv_free(sv.v);
        return NULL;
    }
    return sv.v;
}

uint64_t sandbox_timeout_ms(const sandbox_caps *caps, const sandbox_spec *spec)
{
    if (!spec->wall_ms)
        return 0;
    return caps->bwrap_ok ? spec->wall_ms + SANDBOX_BACKSTOP_MS : spec->wall_ms;
}

bool sandbox_timed_out(int exit_code, bool runner_timed_out)
{
    return runner_timed_out || exit_code == SANDBOX_EXIT_TIMEOUT;
}

char **sandbox_argv(const sandbox_caps *caps, const sandbox_spec *spec,
                    const char *const *cmd, char *why, size_t whylen)
{
    if (check_spec(spec, cmd, why, whylen) != 0)
        return NULL;
    if (!caps->jail_ok) {
        say(why, whylen, "no usable sandbox: %s",
            caps->diag[0] ? caps->diag : "run sandbox_probe first");
        return NULL;
    }
    if (!caps->bwrap_ok && spec->mode == SANDBOX_GRADE &&
        !spec->unsafe_no_bwrap) {
        say(why, whylen,
            "grading needs bubblewrap and it is not usable: %s. Fix that, "
            "or pass --unsafe-no-sandbox to grade without filesystem "
            "isolation",
            caps->diag);
        return NULL;
    }
    return build_argv(caps, spec, cmd, caps->bwrap_ok, true, why, whylen);
}
