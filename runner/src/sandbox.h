/*
 * sandbox.h -- the trusted side of the sandbox: what this machine can do,
 * and the command line that runs untrusted code under bubblewrap and
 * lab-jail.
 *
 * Untrusted code (the compiler on a learner's file, the probe built from
 * it) always runs as: bwrap [namespaces, a filesystem with only /usr, the
 * submission and a private /tmp] -- lab-jail [rlimits, uid drop, seccomp]
 * -- COMMAND.  This module builds that argv; running it (with a wall
 * timeout, an output cap and a whole-group kill) is the caller's job, via
 * tg_process_run or sandbox_run.
 */
#ifndef LAB_SANDBOX_H
#define LAB_SANDBOX_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Under bubblewrap the jail enforces spec->wall_ms itself and kills the
 * whole namespace; the runner's own timeout is this much later, as a
 * backstop for a sandbox that hangs before the jail starts. */
#define SANDBOX_BACKSTOP_MS 2000

/* The directory the submission appears at inside the sandbox. */
#define SANDBOX_WORKDIR "/work"
/* Where lab-jail is bound inside the sandbox. */
#define SANDBOX_JAIL_PATH "/run/lab-jail"

/* lab-jail's exit codes (see runner/jail/jail.h): the sandbox's wall clock
 * ran out (124), the sandbox itself failed (125), or the command could not
 * be executed (126) or found (127).  A command killed by signal N exits
 * with 128 + N.  A run's own code can produce these numbers too: they mean
 * "failed", never "passed". */
#define SANDBOX_EXIT_TIMEOUT 124
#define SANDBOX_EXIT_SETUP 125
#define SANDBOX_EXIT_NOEXEC 126
#define SANDBOX_EXIT_NOTFOUND 127

typedef enum sandbox_mode {
    SANDBOX_LEARNER, /* lab check: lighter limits, AF_UNIX sockets allowed */
    SANDBOX_GRADE,   /* lab grade: no sockets at all, never without bwrap */
} sandbox_mode;

/* What sandbox_probe found out about this machine. */
typedef struct sandbox_caps {
    bool bwrap_ok;        /* bubblewrap is installed and a trial run worked */
    bool jail_ok;         /* lab-jail exists and a trial run worked */
    bool root;            /* we run as root: the jail drops to spec->uid */
    char bwrap[PATH_MAX]; /* bubblewrap's path, "" when not found */
    char jail[PATH_MAX];  /* lab-jail's path, "" when not found */
    char diag[512];       /* why bwrap or the jail is unusable, or "" */
    bool from_cache;      /* the answer came from sandbox_probe_at's file,
                             not from a trial run by this process */
} sandbox_caps;

/* A host path made visible read-only at dest inside the sandbox. */
typedef struct sandbox_bind {
    const char *src;  /* absolute host path */
    const char *dest; /* absolute path inside */
} sandbox_bind;

typedef struct sandbox_spec {
    sandbox_mode mode;
    const char *workdir;          /* absolute host directory shown at /work */
    bool workdir_readonly;        /* bind it read-only (a run, not a compile) */
    const sandbox_bind *ro_binds; /* e.g. the prebuilt objects */
    size_t n_ro_binds;
    const char *chdir;      /* directory inside; NULL: /work */
    const char *const *env; /* extra "NAME=VALUE" strings, NULL-ended */

    /* Limits.  output_cap is for whoever runs the argv; wall_ms is kept by
     * lab-jail under bubblewrap, and by the runner in the fallback (see
     * sandbox_timeout_ms); the rest go to lab-jail or bubblewrap. */
    uint64_t wall_ms;      /* wall-clock budget of the run (0: none) */
    size_t output_cap;     /* bytes per stream */
    uint64_t cpu_s;        /* RLIMIT_CPU seconds */
    uint64_t memory_bytes; /* heap budget (see sandbox_argv for how) */
    uint64_t file_bytes;   /* RLIMIT_FSIZE: the largest file written */
    uint64_t tmp_bytes;    /* size of the private /tmp (and /dev/shm) */
    unsigned max_procs;    /* processes beyond the first */
    unsigned max_fds;      /* RLIMIT_NOFILE */
    uint64_t stack_bytes;  /* RLIMIT_STACK */

    bool sanitizers;       /* the command is built with ASan (+UBSan) */
    bool leak_check;       /* with sanitizers: let LeakSanitizer run (it needs
                              ptrace on its own threads, see lab-jail) */
    uint64_t asan_reserve; /* bytes of data mappings the ASan runtime makes
                              before main, from sandbox_measure_asan; 0:
                              unknown (sandbox_argv then refuses) */

    uid_t uid, gid;      /* who the jail becomes when we are root; 0 picks
                            65534.  Parallel runs should use distinct uids:
                            RLIMIT_NPROC counts per uid, so one fork bomb
                            would otherwise starve its neighbours. */
    const int *keep_fds; /* descriptors above 2 to pass through */
    size_t n_keep_fds;
    bool unsafe_no_bwrap; /* grade mode: run with the jail alone when
                             bubblewrap is unusable (--unsafe-no-sandbox) */
} sandbox_spec;

/*
 * Fills *spec with the defaults of mode: learner mode has lighter limits
 * (shorter waits are friendlier at the terminal) but the same policy
 * shape, so lab check and lab grade agree on verdicts.  workdir is still
 * to be set by the caller.
 */
void sandbox_spec_init(sandbox_spec *spec, sandbox_mode mode);

/*
 * Finds bubblewrap (in PATH) and lab-jail ($TGLAB_JAIL, else next to the
 * running program, else in the build tree above a test binary, else
 * ../libexec/tglab/ beside it) and checks that each actually works here by
 * running "true" under it once.  The answer is cached for the life of the
 * process (the runner is single-threaded); pass refresh to probe again.
 *
 * Returns 0 when at least the jail works (caps->bwrap_ok tells whether
 * bubblewrap does; caps->diag says why not), or -1 when nothing can sandbox
 * untrusted code here, with a "lab: error: ..." message in why.
 */
int sandbox_probe(sandbox_caps *caps, bool refresh, char *why, size_t whylen);

/* The file sandbox_probe_at keeps its answer in, inside cache_dir. */
#define SANDBOX_PROBE_CACHE_FILE "sandbox-probe"

/*
 * sandbox_probe, with a working answer also kept in
 * CACHE_DIR/sandbox-probe for the next process (see sandbox_probe_cache.h):
 * a later run whose bubblewrap, lab-jail, lab, privileges, namespaces and
 * kernel boot are exactly the same skips the trial and gets caps with
 * from_cache set.  Anything else in the file, or no file, means a trial,
 * as does refresh.  An unusable answer is never kept.  cache_dir NULL or
 * "": no file, as sandbox_probe; a directory that cannot be written only
 * means no file (it is created when its parent exists).  Same returns as
 * sandbox_probe.
 */
int sandbox_probe_at(const char *cache_dir, sandbox_caps *caps, bool refresh,
                     char *why, size_t whylen);

/*
 * Forgets the answer, in this process and in CACHE_DIR/sandbox-probe
 * (cache_dir may be NULL): call it when a sandbox that the answer said
 * would work failed to start, then probe again.
 */
void sandbox_probe_forget(const char *cache_dir);

/*
 * Measures the bytes of writable private mappings the AddressSanitizer
 * runtime reserves before main (its shadow memory: ~14 TiB on x86-64),
 * by preloading the runtime that cc links into cat(1) and reading
 * VmData.  A sanitized run's RLIMIT_DATA is this plus its memory budget:
 * RLIMIT_AS cannot work there, and the shadow is fixed per architecture
 * and toolchain, so callers may cache the answer.  cc NULL means "cc".
 *
 * Returns 0 and sets *bytes, or -1 with a "lab: error: ..." in why.
 */
int sandbox_measure_asan(const char *cc, uint64_t *bytes, char *why,
                         size_t whylen);

/*
 * Builds the full command line that runs cmd (a NULL-ended argv; cmd[0] is
 * looked up in /usr/bin:/bin inside) in the sandbox described by spec:
 *
 *   bwrap --unshare-{ipc,pid,net,uts,cgroup-try} --as-pid-1
 *         --die-with-parent --new-session --clearenv --setenv ...
 *         --ro-bind /usr /usr [/bin /lib* /sbin as on the host]
 *         [/etc/alternatives, /etc/ld.so.cache] --proc /proc --dev /dev
 *         [size-limited /tmp and /dev/shm] --bind WORKDIR /work
 *         [ro binds] --remount-ro / --chdir /work
 *         -- /run/lab-jail --mode ... --init --wall MS -- cmd...
 *
 * lab-jail is the pid namespace's init: when cmd ends, or after
 * spec->wall_ms, it exits, the kernel kills everything left in the
 * namespace, and bubblewrap exits only after that (see sandbox_timeout_ms
 * for the runner's own timeout).  As root, no user namespace is made and
 * bubblewrap keeps only CAP_SETUID/CAP_SETGID, which lab-jail spends on
 * dropping to spec->uid (RLIMIT_NPROC is ignored for root).
 *
 * Memory: without sanitizers, RLIMIT_AS = memory_bytes.  With them
 * (RLIMIT_AS would stop ASan from reserving its shadow), RLIMIT_DATA =
 * asan_reserve + memory_bytes * 3/2 + 128 MiB, plus ASAN_OPTIONS
 * allocator_may_return_null=1, a soft RSS limit (malloc returns NULL
 * past about memory_bytes) and a hard one (the runtime stops the run).
 *
 * When caps->bwrap_ok is false: in learner mode, or with
 * spec->unsafe_no_bwrap, the argv is "env -i -C WORKDIR VARS... lab-jail
 * ... -- cmd" (limits and seccomp, no filesystem or pid isolation: cmd must
 * use paths relative to the working directory, and binds are not
 * remapped); in grade mode it is refused.
 *
 * Returns a NULL-ended argv (free it with sandbox_argv_free), or NULL with
 * a "lab: error: ..." message in why: bad spec (relative paths, missing
 * workdir), no usable sandbox, out of memory.
 */
char **sandbox_argv(const sandbox_caps *caps, const sandbox_spec *spec,
                    const char *const *cmd, char *why, size_t whylen);

/*
 * The timeout to give the runner (tg_process_run or sandbox_run) for an
 * argv of sandbox_argv: spec->wall_ms + SANDBOX_BACKSTOP_MS under
 * bubblewrap, where the jail keeps the real clock, spec->wall_ms in the
 * fallback.  0 when spec->wall_ms is 0.
 */
uint64_t sandbox_timeout_ms(const sandbox_caps *caps, const sandbox_spec *spec);

/* True when a sandboxed run ended by a wall clock: the runner's
 * (runner_timed_out) or the jail's (exit code SANDBOX_EXIT_TIMEOUT). */
bool sandbox_timed_out(int exit_code, bool runner_timed_out);

/* Frees an argv from sandbox_argv.  NULL is fine. */
void sandbox_argv_free(char **argv);

/* The uid/gid a spec makes the jail use when run as root. */
uid_t sandbox_uid(const sandbox_spec *spec);
gid_t sandbox_gid(const sandbox_spec *spec);

#endif
