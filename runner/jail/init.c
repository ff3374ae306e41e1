/*
 * init.c -- lab-jail as pid 1 of the sandbox's pid namespace.
 *
 * bubblewrap's own pid-1 reaper tells bubblewrap the moment the program
 * exits, and bubblewrap returns at once, while the namespace is still being
 * torn down: for a few milliseconds a daemon the program left behind can
 * still run.  With --as-pid-1 bubblewrap instead waits for its pid 1 to be
 * reaped, and the kernel lets a namespace's init be reaped only after it
 * has killed and reaped every other process in the namespace.  So lab-jail
 * takes that role: it forks the program, reaps orphans, and when the
 * program ends (or the wall clock runs out) simply exits; the kernel does
 * the killing, with no permission checks to get wrong.  The init keeps its
 * uid (as root, bubblewrap's parent-death signal is only allowed to reach a
 * process of the same uid) but drops every capability and loads the same
 * filter as the program: it runs next to untrusted code for the whole run.
 */
#include "jail.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Empties the permitted, effective, inheritable and ambient sets. */
static void drop_capabilities(void)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {{0}};
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
        errno != EINVAL)
        jail_die(errno, "cannot clear ambient capabilities");
    if (syscall(SYS_capset, &hdr, data) != 0)
        jail_die(errno, "cannot drop capabilities");
    if (syscall(SYS_capget, &hdr, data) != 0 || data[0].permitted ||
        data[1].permitted || data[0].effective || data[1].effective)
        jail_die(0, "capabilities are still there after dropping them");
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
    /* The program must not start before this init is confined: it could
     * otherwise see (or race with) an init that still holds capabilities.
     * The child needs its own capabilities to change uid, so it is forked
     * first and waits for the pipe to close. */
    int gate[2];
    if (pipe2(gate, O_CLOEXEC) != 0)
        jail_die(errno, "cannot make a pipe");
    pid_t child = fork();
    if (child < 0)
        jail_die(errno, "cannot fork the program");
    if (child == 0) {
        char c;
        close(gate[1]);
        while (read(gate[0], &c, 1) < 0 && errno == EINTR)
            ;
        close(gate[0]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        jail_confine_and_exec(opts);
    }
    close(gate[0]);

    /* The init: no capabilities, no inherited descriptors but 0-2, no new
     * privileges, the parent-death signal, the same filter.  If any of it
     * fails we exit, and the kernel takes the program down with us. */
    jail_opts self = *opts;
    self.n_keep_fds = 0;
    drop_capabilities();
    close(gate[1]); /* the program may start */
    jail_close_fds(&self);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        jail_die(errno, "cannot set no_new_privs");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        jail_die(errno, "cannot set the parent-death signal");
    jail_policy_load();

    for (;;) {
        pid_t p;
        int st;
        while ((p = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
            if (p == child) {
                /* Exiting kills and reaps the rest of the namespace. */
                if (WIFSIGNALED(st))
                    _exit(128 + WTERMSIG(st));
                _exit(WEXITSTATUS(st));
            }
        struct timespec ts, *tsp = NULL;
        if (opts->wall_ms) {
            uint64_t spent = now_ms() - start;
            if (spent >= opts->wall_ms)
                _exit(JAIL_EXIT_TIMEOUT);
            uint64_t left = opts->wall_ms - spent;
            ts.tv_sec = (time_t)(left / 1000);
            ts.tv_nsec = (long)(left % 1000) * 1000000L;
            tsp = &ts;
        }
        /* Wakes on SIGCHLD (or the deadline); EINTR/EAGAIN just loop. */
        sigtimedwait(&chld, NULL, tsp);
    }
}
