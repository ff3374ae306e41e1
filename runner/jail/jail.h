/*
 * jail.h -- the internal interface between the parts of lab-jail.
 *
 * lab-jail is the last step before untrusted code runs: inside bubblewrap
 * (or alone, in the learner-mode fallback) it drops privileges, sets
 * resource limits, closes inherited descriptors, loads a seccomp filter
 * and execs the program.  It is split in three: jail.c parses the command
 * line and orders the steps, limits.c owns credentials, rlimits and
 * descriptors, policy.c owns the seccomp filter.  Any step that fails ends
 * the jail with JAIL_EXIT_SETUP before the program runs: an unprotected run
 * is never an option.
 */
#ifndef LAB_JAIL_H
#define LAB_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes, following env(1) and timeout(1): 124 means the --wall clock
 * ran out (only with --init), 125 that the jail itself failed (bad usage,
 * or a limit or the filter could not be set up), 126 that the program
 * exists but could not be executed, 127 that it was not found.  A program
 * killed by signal N gives 128 + N under --init, as under bubblewrap.  The
 * trusted side maps them to failures, never to a pass. */
#define JAIL_EXIT_TIMEOUT 124
#define JAIL_EXIT_SETUP 125
#define JAIL_EXIT_NOEXEC 126
#define JAIL_EXIT_NOTFOUND 127

/* The most descriptors --keep-fd may name. */
#define JAIL_MAX_KEEP_FDS 8

/* A limit left at JAIL_UNSET is not touched (the inherited value stays). */
#define JAIL_UNSET UINT64_MAX

typedef enum jail_mode {
    JAIL_MODE_LEARNER, /* AF_UNIX sockets allowed (no connect) */
    JAIL_MODE_GRADE,   /* no socket of any family */
} jail_mode;

typedef struct jail_opts {
    jail_mode mode;
    uint64_t cpu_s;       /* RLIMIT_CPU soft limit; the hard one is +1 s */
    uint64_t as_bytes;    /* RLIMIT_AS; JAIL_UNSET under sanitizers */
    uint64_t data_bytes;  /* RLIMIT_DATA; the ASan-compatible bound */
    uint64_t fsize_bytes; /* RLIMIT_FSIZE */
    uint64_t nofile;      /* RLIMIT_NOFILE */
    uint64_t stack_bytes; /* RLIMIT_STACK */
    uint64_t nproc;       /* processes allowed beyond those already running
                             under the sandbox uid (RLIMIT_NPROC) */
    uid_t uid;            /* uid to drop to when started as root */
    gid_t gid;            /* gid to drop to when started as root */
    int keep_fds[JAIL_MAX_KEEP_FDS]; /* descriptors above 2 left open */
    size_t n_keep_fds;
    bool allow_lsan;  /* let LeakSanitizer ptrace its own threads */
    bool init;        /* be pid 1 of the sandbox's pid namespace */
    uint64_t wall_ms; /* with init: kill everything after this; 0: never */
    char **argv;      /* the program and its arguments */
} jail_opts;

/* Prints "lab-jail: error: ..." (and strerror(errno) when errnum is not 0)
 * on stderr and ends the process with JAIL_EXIT_SETUP.  _exit, not exit:
 * nothing of the jail's state needs flushing, and a sanitizer build must
 * not turn the code into something else at exit. */
_Noreturn void jail_die(int errnum, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Confines this process (uid, limits, descriptors, no_new_privs,
 * parent-death signal, seccomp) and execs opts->argv.  Never returns: on
 * any failure it exits with JAIL_EXIT_SETUP, JAIL_EXIT_NOEXEC or
 * JAIL_EXIT_NOTFOUND.  jail_policy_prepare must have run. */
_Noreturn void jail_confine_and_exec(const jail_opts *opts);

/* Runs as pid 1 of a pid namespace (bubblewrap --as-pid-1): forks the
 * program through jail_confine_and_exec, drops its own capabilities,
 * reaps orphans, and when the program ends or opts->wall_ms passes, exits
 * with the program's status (128 + N for signal N, JAIL_EXIT_TIMEOUT for
 * the wall clock).  The kernel kills and reaps the rest of the namespace
 * before our exit completes, and bubblewrap waits for that exit: nothing
 * the program started can outlive bubblewrap. */
_Noreturn void jail_init(const jail_opts *opts);

/* Builds the seccomp filter for opts->mode into a BPF program held in
 * static storage, so that loading it later needs no allocation (RLIMIT_AS
 * may already be tiny by then).  Dies on any failure. */
void jail_policy_prepare(const jail_opts *opts);

/* Loads the filter prepared by jail_policy_prepare into this thread.
 * Needs PR_SET_NO_NEW_PRIVS.  Dies on failure. */
void jail_policy_load(void);

/* When running as uid 0, drops supplementary groups, gid and uid to
 * opts->gid / opts->uid and checks that root cannot be regained.  Does
 * nothing for any other uid.  Dies on failure. */
void jail_drop_privileges(const jail_opts *opts);

/* Sets every rlimit of opts (CORE is always 0).  Dies on failure. */
void jail_set_limits(const jail_opts *opts);

/* Closes every descriptor above 2 except opts->keep_fds (which lose
 * FD_CLOEXEC so they survive the exec), and opens /dev/null on any of 0, 1,
 * 2 that is closed.  Dies on failure. */
void jail_close_fds(const jail_opts *opts);

#endif
