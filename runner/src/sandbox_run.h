/*
 * sandbox_run.h -- run a command under a wall-clock timeout and an output
 * cap, and kill everything it started.
 *
 * A blocking runner for the few places that cannot (or need not) go
 * through libtg's event loop: the sandbox probe, and the sandbox tests.
 * The grading pipeline itself uses tg_process_run on the same argv.
 */
#ifndef LAB_SANDBOX_RUN_H
#define LAB_SANDBOX_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sandbox_result {
    int exit_code;      /* the exit status when it exited, else -1 */
    int term_signal;    /* the signal that ended it, else 0 */
    bool timed_out;     /* killed because wall_ms passed */
    bool output_capped; /* killed because a stream passed output_cap */
    char *out, *err;    /* captured stdout / stderr, NUL-terminated */
    size_t out_len, err_len;
    uint64_t elapsed_ms; /* wall clock, start to reap */
} sandbox_result;

/*
 * Runs argv (argv[0] looked up in PATH) with stdin on /dev/null, in its own
 * process group, in directory cwd (NULL: ours), with environment env (NULL:
 * ours).  Captures at most output_cap bytes of each of stdout and stderr
 * (0 picks 1 MiB): a process that writes more is killed at once and
 * output_capped is set, since a flood is a failure and not worth waiting
 * for.  After wall_ms milliseconds (0: no limit) the group is killed with
 * SIGKILL and timed_out is set.  When the leader ends, the rest of its
 * process group is killed too.  Processes that left the group (setsid) are
 * not reachable from here: the bubblewrap pid namespace is what ends them,
 * and when the kill comes from here (timeout, flood) this call waits up to
 * a second for the leader's direct children (bubblewrap's sandbox init) to
 * be gone before returning.
 *
 * Returns 0 and fills *res (free it with sandbox_result_free), or -1 when
 * the process could not be started, with a "lab: error: ..." message in
 * why (whylen bytes, may be 0) and *res zeroed.
 */
int sandbox_run(const char *const *argv, const char *const *env,
                const char *cwd, uint64_t wall_ms, size_t output_cap,
                sandbox_result *res, char *why, size_t whylen);

/* Frees the buffers of res and zeroes it.  NULL is fine. */
void sandbox_result_free(sandbox_result *res);

#endif
