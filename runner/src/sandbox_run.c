/*
 * sandbox_run.c -- a blocking process runner with a wall timeout, capped
 * output and whole-group kill.
 *
 * posix_spawn (not fork): the runner may have threads (libuv's pool,
 * sanitizers), and between fork and exec only async-signal-safe calls are
 * allowed; posix_spawn does the process-group, descriptor and directory
 * set-up for us in the child.  The parent polls both pipes with a short
 * tick so it notices the leader's exit even while a grandchild keeps a pipe
 * open, and it kills the group *before* reaping the leader, so the group id
 * cannot have been recycled by then.  When it kills early (timeout, flood)
 * it also waits for the leader's children: see kill_group.
 */
#include "sandbox_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How long to poll between checks of the leader, and how long to keep
 * reading after it is gone (for output still in flight). */
#define TICK_MS 10
#define DRAIN_GRACE_MS 500
/* How long a kill waits for the leader's children outside its group. */
#define KILL_WAIT_MS 1000
#define MAX_WATCHED 16

typedef struct capture {
    int fd;       /* read end, -1 once at EOF */
    char *buf;    /* NUL-terminated */
    size_t len;   /* bytes kept */
    size_t alloc; /* bytes allocated */
} capture;

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

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Reads what is available from c into its buffer.  Returns true when the
 * stream went over cap (the excess is dropped). */
static bool capture_read(capture *c, size_t cap)
{
    char chunk[16384];
    for (;;) {
        ssize_t r = read(c->fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) { /* EAGAIN: nothing more for now */
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                close(c->fd);
                c->fd = -1;
            }
            return false;
        }
        if (r == 0) {
            close(c->fd);
            c->fd = -1;
            return false;
        }
        size_t n = (size_t)r;
        bool over = false;
        if (n > cap - c->len) {
            n = cap - c->len;
            over = true;
        }
        if (c->len + n + 1 > c->alloc) {
            size_t want = c->alloc ? c->alloc : 4096;
            while (want < c->len + n + 1)
                want *= 2;
            if (want > cap + 1)
                want = cap + 1;
            char *nb = realloc(c->buf, want);
            if (!nb)
                return true; /* treat like a flood: stop and kill */
            c->buf = nb;
            c->alloc = want;
        }
        memcpy(c->buf + c->len, chunk, n);
        c->len += n;
        c->buf[c->len] = '\0';
        if (over)
            return true;
    }
}

/* Opens pidfds on the direct children of pid (at most max), from
 * /proc/PID/task/PID/children.  Returns how many. */
static size_t watch_children(pid_t pid, int *fds, size_t max)
{
#ifdef SYS_pidfd_open
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid,
             (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    size_t n = 0;
    long child;
    while (n < max && fscanf(f, "%ld", &child) == 1) {
        int fd = (int)syscall(SYS_pidfd_open, (pid_t)child, 0);
        if (fd >= 0)
            fds[n++] = fd;
    }
    fclose(f);
    return n;
#else
    (void)pid;
    (void)fds;
    (void)max;
    return 0;
#endif
}

/*
 * Kills the process group of leader pid, then waits (up to KILL_WAIT_MS)
 * for the leader's direct children to be gone as well.  Those may have
 * left the group: bubblewrap's child is the sandbox's init, in a new
 * session, and dies only through bubblewrap's parent-death signal; the
 * kernel lets an init exit only after the rest of its pid namespace, so
 * once it is gone, everything the sandbox started is.
 */
static void kill_group(pid_t pid)
{
    int fds[MAX_WATCHED];
    size_t n = watch_children(pid, fds, MAX_WATCHED);
    kill(-pid, SIGKILL);
    uint64_t until = now_ms() + KILL_WAIT_MS;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = now_ms();
        struct pollfd p = {.fd = fds[i], .events = POLLIN};
        if (t < until)
            poll(&p, 1, (int)(until - t));
        close(fds[i]);
    }
}

static void decode_status(int status, sandbox_result *res)
{
    if (WIFEXITED(status)) {
        res->exit_code = WEXITSTATUS(status);
        res->term_signal = 0;
    } else if (WIFSIGNALED(status)) {
        res->exit_code = -1;
        res->term_signal = WTERMSIG(status);
    }
}

static int spawn(const char *const *argv, const char *const *env,
                 const char *cwd, int out_w, int err_w, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc)
        return rc;
    rc = posix_spawnattr_init(&at);
    if (rc) {
        posix_spawn_file_actions_destroy(&fa);
        return rc;
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, out_w, 1);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, err_w, 2);
    if (!rc && cwd)
        rc = posix_spawn_file_actions_addchdir_np(&fa, cwd);
    if (!rc)
        rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
                                               POSIX_SPAWN_SETSIGMASK |
                                               POSIX_SPAWN_SETSIGDEF);
    if (!rc)
        rc = posix_spawnattr_setpgroup(&at, 0);
    if (!rc)
        rc = posix_spawnattr_setsigmask(&at, &none);
    if (!rc)
        rc = posix_spawnattr_setsigdefault(&at, &all);
    if (!rc)
        rc = posix_spawnp(pid, argv[0], &fa, &at, (char *const *)argv,
                          env ? (char *const *)env : environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

int sandbox_run(const char *const *argv, const char *const *env,
                const char *cwd, uint64_t wall_ms, size_t output_cap,
                sandbox_result *res, char *why, size_t whylen)
{
    memset(res, 0, sizeof *res);
    res->exit_code = -1;
    if (!argv || !argv[0]) {
        say(why, whylen, "no command to run");
        return -1;
    }
    if (output_cap == 0)
        output_cap = 1u << 20;

    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) != 0) {
        say(why, whylen, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe2(pe, O_CLOEXEC) != 0) {
        say(why, whylen, "cannot create a pipe: %s", strerror(errno));
        close(po[0]);
        close(po[1]);
        return -1;
    }
    uint64_t start = now_ms();
    pid_t pid;
    int rc = spawn(argv, env, cwd, po[1], pe[1], &pid);
    close(po[1]);
    close(pe[1]);
    if (rc != 0) {
        say(why, whylen, "cannot start %s: %s", argv[0], strerror(rc));
        close(po[0]);
        close(pe[0]);
        return -1;
    }
    capture cap[2] = {{.fd = po[0]}, {.fd = pe[0]}};
    for (int i = 0; i < 2; i++)
        fcntl(cap[i].fd, F_SETFL, fcntl(cap[i].fd, F_GETFL) | O_NONBLOCK);

    bool exited = false; /* the leader has ended (maybe not reaped) */
    bool killed = false;
    uint64_t drain_until = 0;
    int status = 0;
    for (;;) {
        uint64_t t = now_ms();
        if (wall_ms && !killed && t - start >= wall_ms) {
            kill_group(pid);
            killed = true;
            res->timed_out = true;
        }
        if (!exited) {
            /* WNOWAIT: look without reaping, so the group id stays ours
             * until the group is killed. */
            siginfo_t si = {0};
            if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
                    0 &&
                si.si_pid == pid) {
                kill(-pid, SIGKILL);
                waitpid(pid, &status, 0);
                exited = true;
                uint64_t grace = t + DRAIN_GRACE_MS;
                drain_until = grace;
            }
        }
        bool open = cap[0].fd >= 0 || cap[1].fd >= 0;
        if (exited && (!open || t >= drain_until))
            break;

        struct pollfd pfd[2];
        nfds_t n = 0;
        for (int i = 0; i < 2; i++)
            if (cap[i].fd >= 0)
                pfd[n++] = (struct pollfd){.fd = cap[i].fd, .events = POLLIN};
        if (n)
            poll(pfd, n, TICK_MS);
        else
            usleep(TICK_MS * 1000);
        for (int i = 0; i < 2; i++) {
            if (cap[i].fd < 0)
                continue;
            if (capture_read(&cap[i], output_cap) && !killed) {
                kill_group(pid);
                killed = true;
                res->output_capped = true;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (cap[i].fd >= 0)
            close(cap[i].fd);
    decode_status(status, res);
    res->elapsed_ms = now_ms() - start;
    res->out = cap[0].buf ? cap[0].buf : calloc(1, 1);
    res->out_len = cap[0].len;
    res->err = cap[1].buf ? cap[1].buf : calloc(1, 1);
    res->err_len = cap[1].len;
    if (!res->out || !res->err) {
        sandbox_result_free(res);
        say(why, whylen, "out of memory");
        return -1;
    }
    return 0;
}

void sandbox_result_free(sandbox_result *res)
{
    if (!res)
        return;
    free(res->out);
    free(res->err);
    memset(res, 0, sizeof *res);
    res->exit_code = -1;
}
