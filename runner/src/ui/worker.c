/*
 * worker.c -- the exercise view's background thread: it watches the
 * learner's file and runs the checks the UI asks for, so the screen keeps
 * answering keys and turning its spinner meanwhile.  No curses here.
 *
 * The UI thread decides when a check starts (tui_worker_check), so it
 * always knows whether one is in flight and never touches the learner's
 * state at the same time as the check hook.  The worker reports through
 * a queue and wakes the UI's poll() through a pipe; the UI wakes it
 * through another, so a request never waits for a watch to time out.
 * Saves are seen with inotify on the file's directory (debounced), or
 * through the hook's wait_change; and besides, the file's identity
 * (inode, size, mtime) is compared with the one last checked, which
 * catches saves made while a check ran or between two hook windows.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <poll.h>
#include <sys/inotify.h>

#include "ui_internal.h"

#define HOOK_WINDOW_MS 250 /* one call of the hook's wait_change */
#define DEBOUNCE_MS 120    /* writes closer than this are one save */
#define POLL_MS 300        /* looking at the file without a watch */

typedef struct sig {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} sig;

#define QCAP 8

struct tui_worker {
    pthread_t thread;
    pthread_mutex_t mu;
    int pipe[2]; /* events for the UI: it polls [0] */
    int ctl[2];  /* requests for the worker: it polls [0] */
    tui_hooks hooks;
    const manifest_exercise *ex;
    char *path;
    bool stop;                /* the UI is leaving */
    bool want_check;          /* the UI asked for a check */
    tui_worker_event q[QCAP]; /* pending events, oldest first */
    size_t qn;
};

static sig file_sig(const char *path)
{
    sig s = {0};
    struct stat st;
    if (stat(path, &st) == 0) {
        s.exists = true;
        s.dev = st.st_dev;
        s.ino = st.st_ino;
        s.size = st.st_size;
        s.mtime = st.st_mtim;
    }
    return s;
}

static bool sig_equal(const sig *a, const sig *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
           a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Queues an event (the mutex is held) and wakes the UI. */
static void post(tui_worker *w, tui_worker_event *ev)
{
    if (w->qn == QCAP) {
        /* Only CHANGED can pile up (one check at a time): drop the
         * oldest CHANGED, which says nothing the newest does not. */
        for (size_t i = 0; i < w->qn; i++)
            if (w->q[i].kind == TUI_WORKER_CHANGED) {
                memmove(&w->q[i], &w->q[i + 1],
                        (w->qn - i - 1) * sizeof w->q[0]);
                w->qn--;
                break;
            }
        if (w->qn == QCAP) {
            tui_result_free(&ev->result);
            return;
        }
    }
    w->q[w->qn++] = *ev;
    memset(ev, 0, sizeof *ev);
    char b = 1;
    ssize_t r = write(w->pipe[1], &b, 1); /* full pipe: already woken */
    (void)r;
}

/* Reads the inotify events waiting on fd; true when one is about the
 * file called name. */
static bool read_events(int fd, const char *name)
{
    bool hit = false;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return hit;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            if (e->len && !strcmp(e->name, name))
                hit = true;
            if (e->mask & IN_Q_OVERFLOW)
                hit = true; /* lost events: assume ours was one */
            p += sizeof *e + e->len;
        }
    }
}

static void drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

static void *worker_main(void *arg)
{
    tui_worker *w = arg;
    /* The file's directory is watched, not the file: editors that save
     * by writing a new file and renaming it over the old one replace the
     * inode a file watch would hold. */
    int ino = -1;
    const char *slash = strrchr(w->path, '/');
    const char *name = slash ? slash + 1 : w->path;
    if (!w->hooks.wait_change) {
        char *dir =
            slash ? strndup(w->path, (size_t)(slash - w->path)) : strdup(".");
        ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ino >= 0 &&
            (!dir || inotify_add_watch(ino, *dir ? dir : "/",
                                       IN_CLOSE_WRITE | IN_MOVED_TO |
                                           IN_CREATE | IN_MODIFY) < 0)) {
            close(ino);
            ino = -1; /* fall back to looking at the file now and then */
        }
        free(dir);
    }
    sig seen = file_sig(w->path);
    bool pending = false; /* saw a write; waiting for the writes to stop */
    for (;;) {
        pthread_mutex_lock(&w->mu);
        bool stop = w->stop, want = w->want_check;
        w->want_check = false;
        pthread_mutex_unlock(&w->mu);
        if (stop)
            break;
        if (want) {
            tui_worker_event ev = {.kind = TUI_WORKER_STARTED};
            pthread_mutex_lock(&w->mu);
            post(w, &ev);
            pthread_mutex_unlock(&w->mu);
            seen = file_sig(w->path); /* what this check reads */
            pending = false;
            ev.kind = TUI_WORKER_DONE;
            ev.rc = w->hooks.run_check(w->hooks.ud, w->ex, &ev.result);
            pthread_mutex_lock(&w->mu);
            post(w, &ev);
            pthread_mutex_unlock(&w->mu);
            continue;
        }
        bool changed = false;
        if (w->hooks.wait_change) {
            int r = w->hooks.wait_change(w->hooks.ud, w->ex, HOOK_WINDOW_MS);
            drain(w->ctl[0]);
            if (r < 0) { /* cannot watch: look at the file now and then */
                struct pollfd pf = {w->ctl[0], POLLIN, 0};
                poll(&pf, 1, POLL_MS);
                drain(w->ctl[0]);
            }
            changed = r > 0;
        } else {
            struct pollfd pf[2] = {{w->ctl[0], POLLIN, 0}, {ino, POLLIN, 0}};
            int timeout = pending ? DEBOUNCE_MS : ino >= 0 ? -1 : POLL_MS;
            int n = poll(pf, ino >= 0 ? 2 : 1, timeout);
            if (n < 0 && errno != EINTR)
                break;
            if (pf[0].revents)
                drain(w->ctl[0]);
            if (ino >= 0 && (pf[1].revents & POLLIN)) {
                if (read_events(ino, name))
                    pending = true; /* wait for the writes to settle */
                continue;
            }
            if (n == 0 && pending) {
                pending = false;
                changed = true;
            }
        }
        sig now = file_sig(w->path);
        if (!changed && !sig_equal(&now, &seen))
            changed = true; /* saved while a check ran, or unwatched */
        if (changed) {
            seen = now;
            tui_worker_event ev = {.kind = TUI_WORKER_CHANGED};
            pthread_mutex_lock(&w->mu);
            post(w, &ev);
            pthread_mutex_unlock(&w->mu);
        }
    }
    if (ino >= 0)
        close(ino);
    return NULL;
}

tui_worker *tui_worker_start(const tui_hooks *hooks,
                             const manifest_exercise *ex, const char *path)
{
    if (!hooks || !hooks->run_check)
        return NULL;
    tui_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->hooks = *hooks;
    w->ex = ex;
    w->path = strdup(path);
    w->pipe[0] = w->pipe[1] = w->ctl[0] = w->ctl[1] = -1;
    if (!w->path || pipe2(w->pipe, O_NONBLOCK | O_CLOEXEC) != 0 ||
        pipe2(w->ctl, O_NONBLOCK | O_CLOEXEC) != 0) {
        for (int i = 0; i < 2; i++) {
            if (w->pipe[i] >= 0)
                close(w->pipe[i]);
            if (w->ctl[i] >= 0)
                close(w->ctl[i]);
        }
        free(w->path);
        free(w);
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    /* Terminal signals (resize, Ctrl-Z, quit) belong to the UI thread:
     * block them in the worker so that they interrupt the UI's poll. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGWINCH);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGTSTP);
    sigaddset(&block, SIGCONT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&w->thread, NULL, worker_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        for (int i = 0; i < 2; i++) {
            close(w->pipe[i]);
            close(w->ctl[i]);
        }
        pthread_mutex_destroy(&w->mu);
        free(w->path);
        free(w);
        return NULL;
    }
    return w;
}

int tui_worker_fd(const tui_worker *w)
{
    return w ? w->pipe[0] : -1;
}

void tui_worker_check(tui_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->want_check = true;
    pthread_mutex_unlock(&w->mu);
    char b = 1;
    ssize_t r = write(w->ctl[1], &b, 1);
    (void)r;
}

bool tui_worker_next(tui_worker *w, tui_worker_event *ev)
{
    if (!w)
        return false;
    char buf[64];
    while (read(w->pipe[0], buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&w->mu);
    bool got = w->qn > 0;
    if (got) {
        *ev = w->q[0];
        memmove(&w->q[0], &w->q[1], (w->qn - 1) * sizeof w->q[0]);
        w->qn--;
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

void tui_worker_stop(tui_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_mutex_unlock(&w->mu);
    char b = 1;
    ssize_t r = write(w->ctl[1], &b, 1);
    (void)r;
    pthread_join(w->thread, NULL); /* a running check finishes first */
    for (size_t i = 0; i < w->qn; i++)
        tui_result_free(&w->q[i].result);
    for (int i = 0; i < 2; i++) {
        close(w->pipe[i]);
        close(w->ctl[i]);
    }
    pthread_mutex_destroy(&w->mu);
    free(w->path);
    free(w);
}
