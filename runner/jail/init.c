/*
 * init.c -- lab-jail as pid 1 of the sandbox's pid namespace.
 *
 * bubblewrap's own pid-1 reaper tells bubblewrap the moment the program
 * exits, and bubblewrap returns at once, while the namespace is still being
 * torn down: for a few milliseconds a daemon the program left behind can
 * still run.  With --as-pid-1 bubblewrap instead waits for its pid 1 to be
 * reaped, and the kernel reaps a namespace's init only after every other
 * process in it is gone.  So lab-jail takes that role: it forks the
 * program, reaps orphans, and when the program ends (or the wall clock
 * runs out) kills everything left with kill(-1, SIGKILL), which from a
 * namespace's init reaches exactly the namespace, and waits for all of it.
 * The init leaves root and loads the same filter as the program: it runs
 * next to untrusted code for the whole run.
 */
#include "jail.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Kills every other process of the namespace and reaps them all. */
static void kill_all_and_reap(void)
{
    kill(-1, SIGKILL);
    for (;;) {
        pid_t p = waitpid(-1, NULL, __WALL);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            return; /* ECHILD: none left */
    }
}

_Noreturn void jail_init(const jail_opts *opts)
{
    if (getpid() != 1)
        jail_die(0, "--init must be pid 1 of a new pid namespace "
                    "(bubblewrap --unshare-pid --as-pid-1)");
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, &old) != 0)
        jail_die(errno, "cannot block SIGCHLD");
    uint64_t start = now_ms();
    pid_t child = fork();
    if (child < 0)
        jail_die(errno, "cannot fork the program");
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        jail_confine_and_exec(opts);
    }

    /* The init: same uid, no inherited descriptors but 0-2, no new
     * privileges, the parent-death signal (a uid change cleared the one
     * bubblewrap set), the same filter.  If any of it fails we exit, and
     * the kernel takes the program down with us. */
    jail_opts self = *opts;
    self.n_keep_fds = 0;
    jail_drop_privileges(&self);
    jail_close_fds(&self);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        jail_die(errno, "cannot set no_new_privs");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        jail_die(errno, "cannot set the parent-death signal");
    jail_policy_load();

    int status = 0;
    bool done = false, timed_out = false;
    while (!done) {
        pid_t p;
        int st;
        while ((p = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
            if (p == child) {
                status = st;
                done = true;
            }
        if (done)
            break;
        struct timespec ts, *tsp = NULL;
        if (opts->wall_ms) {
            uint64_t spent = now_ms() - start;
            if (spent >= opts->wall_ms) {
                timed_out = true;
                break;
            }
            uint64_t left = opts->wall_ms - spent;
            ts.tv_sec = (time_t)(left / 1000);
            ts.tv_nsec = (long)(left % 1000) * 1000000L;
            tsp = &ts;
        }
        /* Wakes on SIGCHLD (or the deadline); EINTR/EAGAIN just loop. */
        sigtimedwait(&chld, NULL, tsp);
    }
    kill_all_and_reap();
    if (timed_out)
        _exit(JAIL_EXIT_TIMEOUT);
    if (WIFSIGNALED(status))
        _exit(128 + WTERMSIG(status));
    _exit(WEXITSTATUS(status));
}
