/*
 * jail.c -- lab-jail: the last step before untrusted code runs.
 *
 *   lab-jail [--mode learner|grade] [--cpu S] [--as BYTES] [--data BYTES]
 *            [--fsize BYTES] [--nofile N] [--stack BYTES] [--nproc N]
 *            [--uid UID] [--gid GID] [--keep-fd FD]... [--allow-lsan]
 *            [--init [--wall MS]] -- PROGRAM [ARG]...
 *
 * The trusted runner starts it inside bubblewrap (see runner/src/sandbox.c),
 * or alone in the learner-mode fallback.  The order of the steps matters:
 * the seccomp filter is built first (it allocates; the limits may forbid
 * that later), then root is left (limits and the parent-death signal are
 * per-credential things: RLIMIT_NPROC must be counted for the new uid, and
 * a uid change clears PR_SET_PDEATHSIG), then the limits, the descriptors,
 * no-new-privs, the parent-death signal, the filter, and exec.  Any failure
 * exits with 125 and a "lab-jail: error:" line; 126 and 127 mean the program
 * could not be executed or found.  It never runs the program unprotected.
 * With --init (under bubblewrap --as-pid-1) it first forks: the child does
 * all of the above, the parent stays as the namespace's init (init.c) and
 * exits with the program's status, 128 + N for a death by signal N, or 124
 * when --wall ran out.
 */
#include "jail.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* nobody/nogroup on Debian: owns nothing, so it can touch nothing. */
#define JAIL_DEFAULT_ID 65534

_Noreturn void jail_die(int errnum, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (errnum)
        fprintf(stderr, "lab-jail: error: %s: %s\n", msg, strerror(errnum));
    else
        fprintf(stderr, "lab-jail: error: %s\n", msg);
    fflush(stderr);
    _exit(JAIL_EXIT_SETUP);
}

static _Noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static _Noreturn void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lab-jail: error: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: lab-jail [--mode learner|grade] [--cpu S] "
                    "[--as B] [--data B] [--fsize B]\n"
                    "                [--nofile N] [--stack B] [--nproc N] "
                    "[--uid U] [--gid G]\n"
                    "                [--keep-fd FD]... [--allow-lsan] "
                    "[--init [--wall MS]]\n"
                    "                -- PROGRAM [ARG]...\n");
    fflush(stderr);
    _exit(JAIL_EXIT_SETUP);
}

/* Parses a decimal number for option opt; anything else is a usage error
 * (a limit we misread would be a limit we do not enforce). */
static uint64_t parse_u64(const char *opt, const char *s, uint64_t max)
{
    if (!s || *s < '0' || *s > '9')
        usage_error("%s needs a number", opt);
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        usage_error("bad number for %s", opt);
    return (uint64_t)v;
}

static void parse_args(int argc, char **argv, jail_opts *o)
{
    *o = (jail_opts){
        .mode = JAIL_MODE_GRADE, /* the stricter one unless told */
        .cpu_s = 10,
        .as_bytes = JAIL_UNSET,
        .data_bytes = JAIL_UNSET,
        .fsize_bytes = 16u << 20,
        .nofile = 256,
        .stack_bytes = 8u << 20,
        .nproc = 64,
        .uid = JAIL_DEFAULT_ID,
        .gid = JAIL_DEFAULT_ID,
    };
    int i = 1;
    for (; i < argc; i++) {
        /* "--opt value" or "--opt=value" */
        char name[32];
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq) {
            if ((size_t)(eq - a) >= sizeof name)
                usage_error("unknown option '%s'", a);
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            a = name;
            v = eq + 1;
        }
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--allow-lsan") == 0 && !eq) {
            o->allow_lsan = true;
            continue;
        }
        if (strcmp(a, "--init") == 0 && !eq) {
            o->init = true;
            continue;
        }
        if (strcmp(a, "--mode") == 0) {
            if (v && strcmp(v, "learner") == 0)
                o->mode = JAIL_MODE_LEARNER;
            else if (v && strcmp(v, "grade") == 0)
                o->mode = JAIL_MODE_GRADE;
            else
                usage_error("--mode takes learner or grade, not '%s'",
                            v ? v : "");
        } else if (strcmp(a, "--wall") == 0) {
            o->wall_ms = parse_u64(a, v, UINT64_MAX / 2);
        } else if (strcmp(a, "--cpu") == 0) {
            o->cpu_s = parse_u64(a, v, 1u << 20);
        } else if (strcmp(a, "--as") == 0) {
            o->as_bytes = parse_u64(a, v, UINT64_MAX - 1);
        } else if (strcmp(a, "--data") == 0) {
            o->data_bytes = parse_u64(a, v, UINT64_MAX - 1);
        } else if (strcmp(a, "--fsize") == 0) {
            o->fsize_bytes = parse_u64(a, v, UINT64_MAX - 1);
        } else if (strcmp(a, "--nofile") == 0) {
            o->nofile = parse_u64(a, v, 1u << 20);
        } else if (strcmp(a, "--stack") == 0) {
            o->stack_bytes = parse_u64(a, v, UINT64_MAX - 1);
        } else if (strcmp(a, "--nproc") == 0) {
            o->nproc = parse_u64(a, v, 1u << 20);
        } else if (strcmp(a, "--uid") == 0) {
            o->uid = (uid_t)parse_u64(a, v, UINT32_MAX - 1);
        } else if (strcmp(a, "--gid") == 0) {
            o->gid = (gid_t)parse_u64(a, v, UINT32_MAX - 1);
        } else if (strcmp(a, "--keep-fd") == 0) {
            uint64_t fd = parse_u64(a, v, INT_MAX);
            if (fd <= 2)
                usage_error("--keep-fd %s: 0, 1 and 2 are always kept", v);
            if (o->n_keep_fds == JAIL_MAX_KEEP_FDS)
                usage_error("too many --keep-fd (at most %d)",
                            JAIL_MAX_KEEP_FDS);
            o->keep_fds[o->n_keep_fds++] = (int)fd;
        } else {
            usage_error("unknown option '%s'", a);
        }
        if (!eq)
            i++; /* the option's value was the next word */
    }
    if (i >= argc)
        usage_error("no program to run");
    if (o->wall_ms && !o->init)
        usage_error("--wall needs --init (only pid 1 can kill everything)");
    o->argv = argv + i;
}

_Noreturn void jail_confine_and_exec(const jail_opts *opts)
{
    pid_t parent = getppid();
    jail_drop_privileges(opts);
    jail_set_limits(opts);
    jail_close_fds(opts);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        jail_die(errno, "cannot set no_new_privs");
    /* After the uid change, which clears it.  If the parent (our init,
     * bubblewrap's, or the runner in the fallback) is already gone, the
     * signal will never come: stop here rather than run unsupervised. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        jail_die(errno, "cannot set the parent-death signal");
    if (getppid() != parent)
        jail_die(0, "the supervising parent exited during setup");
    jail_policy_load();

    execvp(opts->argv[0], opts->argv);
    /* The filter is loaded: stderr still works, nothing else matters. */
    int e = errno;
    fprintf(stderr, "lab-jail: error: cannot run %s: %s\n", opts->argv[0],
            strerror(e));
    fflush(stderr);
    _exit(e == ENOENT || e == ENOTDIR ? JAIL_EXIT_NOTFOUND : JAIL_EXIT_NOEXEC);
}

int main(int argc, char **argv)
{
    jail_opts opts;
    parse_args(argc, argv, &opts);
    jail_policy_prepare(&opts);
    if (opts.init)
        jail_init(&opts);
    jail_confine_and_exec(&opts);
}
