/*
 * limits.c -- credentials, resource limits and descriptors for lab-jail.
 *
 * Everything here narrows what the process may do before the untrusted
 * program replaces it: leave root (RLIMIT_NPROC is ignored for uid 0, so a
 * fork bomb is only bounded once we are someone else), cap CPU, file size,
 * descriptors, stack, processes and memory, forbid core dumps, and close
 * whatever descriptors the trusted side or bubblewrap let through.  Each
 * step checks its own result; a failure ends the jail (jail_die).
 */
#include "jail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

void jail_drop_privileges(const jail_opts *opts)
{
    if (geteuid() != 0 && getuid() != 0)
        return;
    if (opts->uid == 0 || opts->gid == 0)
        jail_die(0, "refusing to run untrusted code as root (--uid/--gid 0)");
    /* Groups first: once the uid is gone we could no longer shed them. */
    if (setgroups(0, NULL) != 0)
        jail_die(errno, "cannot drop supplementary groups");
    if (setresgid(opts->gid, opts->gid, opts->gid) != 0)
        jail_die(errno, "cannot switch to gid %lu", (unsigned long)opts->gid);
    if (setresuid(opts->uid, opts->uid, opts->uid) != 0)
        jail_die(errno, "cannot switch to uid %lu", (unsigned long)opts->uid);

    uid_t r, e, s;
    gid_t gr, ge, gs;
    if (getresuid(&r, &e, &s) != 0 || getresgid(&gr, &ge, &gs) != 0)
        jail_die(errno, "cannot read back the credentials");
    if (r != opts->uid || e != opts->uid || s != opts->uid || gr != opts->gid ||
        ge != opts->gid || gs != opts->gid)
        jail_die(0, "credentials did not change as asked");
    /* Paranoia that costs one syscall: root must be gone for good. */
    if (setuid(0) == 0)
        jail_die(0, "could regain uid 0 after dropping it");
}

/* Counts the tasks (threads included, as RLIMIT_NPROC does) whose real uid
 * is uid among those this process can see in /proc.  Returns -1 when /proc
 * cannot be read. */
static long count_tasks_of(uid_t uid)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return -1;
    long n = 0;
    struct dirent *de;
    while ((de = readdir(proc)) != NULL) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char path[300]; /* "/proc/" + a d_name of up to 255 bytes */
        snprintf(path, sizeof path, "/proc/%s/status", de->d_name);
        FILE *f = fopen(path, "re");
        if (!f)
            continue; /* it exited meanwhile */
        char line[256];
        long ruid = -1, threads = 1;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "Uid:", 4) == 0)
                ruid = strtol(line + 4, NULL, 10);
            else if (strncmp(line, "Threads:", 8) == 0)
                threads = strtol(line + 8, NULL, 10);
        }
        fclose(f);
        if (ruid == (long)uid)
            n += threads;
    }
    closedir(proc);
    return n;
}

static void set_limit(int resource, const char *name, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = {.rlim_cur = soft, .rlim_max = hard};
    struct rlimit old;
    /* Never raise: a hard limit above the inherited one would fail anyway,
     * and a soft one above it must not silently loosen anything. */
    if (getrlimit(resource, &old) == 0 && old.rlim_max != RLIM_INFINITY) {
        if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > old.rlim_max)
            rl.rlim_max = old.rlim_max;
        if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > rl.rlim_max)
            rl.rlim_cur = rl.rlim_max;
    }
    if (setrlimit(resource, &rl) != 0)
        jail_die(errno, "cannot set %s to %llu", name,
                 (unsigned long long)soft);
    struct rlimit check;
    if (getrlimit(resource, &check) != 0 || check.rlim_cur != rl.rlim_cur)
        jail_die(0, "%s did not take effect", name);
}

void jail_set_limits(const jail_opts *opts)
{
    set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0, 0);
    if (opts->cpu_s != JAIL_UNSET)
        /* The soft limit sends SIGXCPU (a named, catchable signal: the
         * learner sees "CPU time limit exceeded"); the hard one, a second
         * later, is SIGKILL for programs that ignore it. */
        set_limit(RLIMIT_CPU, "RLIMIT_CPU", opts->cpu_s, opts->cpu_s + 1);
    if (opts->fsize_bytes != JAIL_UNSET)
        set_limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", opts->fsize_bytes,
                  opts->fsize_bytes);
    if (opts->nofile != JAIL_UNSET)
        set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", opts->nofile, opts->nofile);
    if (opts->stack_bytes != JAIL_UNSET)
        set_limit(RLIMIT_STACK, "RLIMIT_STACK", opts->stack_bytes,
                  opts->stack_bytes);
    if (opts->nproc != JAIL_UNSET) {
        /* RLIMIT_NPROC counts every task of the uid (in this user
         * namespace), not just ours: allow nproc more than exist now. */
        long now = count_tasks_of(getuid());
        if (now < 0)
            jail_die(errno, "cannot count processes in /proc for "
                            "RLIMIT_NPROC");
        rlim_t n = (rlim_t)now + opts->nproc;
        set_limit(RLIMIT_NPROC, "RLIMIT_NPROC", n, n);
    }
    if (opts->data_bytes != JAIL_UNSET)
        set_limit(RLIMIT_DATA, "RLIMIT_DATA", opts->data_bytes,
                  opts->data_bytes);
    if (opts->as_bytes != JAIL_UNSET)
        set_limit(RLIMIT_AS, "RLIMIT_AS", opts->as_bytes, opts->as_bytes);
}

/* Closes [lo, hi]: close_range when the kernel has it (5.9+), else one by
 * one up to the descriptor limit. */
static void close_span(unsigned lo, unsigned hi)
{
    if (lo > hi)
        return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, lo, hi, 0) == 0)
        return;
    if (errno != ENOSYS)
        jail_die(errno, "cannot close inherited descriptors");
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 1L << 20)
        max = 1L << 20;
    if ((long)hi >= max)
        hi = (unsigned)max - 1;
    for (unsigned fd = lo; fd <= hi && fd >= lo; fd++)
        (void)close((int)fd); /* EBADF is the common, expected answer */
}

void jail_close_fds(const jail_opts *opts)
{
    /* A closed 0, 1 or 2 would make the program's first open() its
     * stdout: give it /dev/null instead. */
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1)
            continue;
        int nfd = open("/dev/null", O_RDWR);
        if (nfd < 0)
            jail_die(errno, "cannot open /dev/null for descriptor %d", fd);
        if (nfd != fd) {
            if (dup2(nfd, fd) < 0)
                jail_die(errno, "cannot set up descriptor %d", fd);
            close(nfd);
        }
    }
    /* Sorted copy of the kept descriptors: close the gaps between them. */
    int keep[JAIL_MAX_KEEP_FDS];
    size_t n = opts->n_keep_fds;
    memcpy(keep, opts->keep_fds, n * sizeof keep[0]);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    unsigned lo = 3;
    for (size_t i = 0; i < n; i++) {
        unsigned fd = (unsigned)keep[i];
        if (fd < lo)
            continue; /* a duplicate */
        close_span(lo, fd - 1);
        lo = fd + 1;
        int fl = fcntl((int)fd, F_GETFD);
        if (fl < 0)
            jail_die(errno, "--keep-fd %u is not open", fd);
        if (fcntl((int)fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
            jail_die(errno, "cannot keep descriptor %u", fd);
    }
    close_span(lo, ~0u);
}
