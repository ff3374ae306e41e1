/*
 * pipeline_exec.c -- how the pipeline runs programs: untrusted steps in
 * the sandbox (sandbox_argv: bubblewrap + lab-jail), trusted ones (the
 * checker) directly, both as suspension points of libtg (tg_process_run),
 * so that a check can be cancelled at any step and a batch can run many
 * checks in one loop.
 */
#include <stdlib.h>
#include <string.h>

#include "pipeline_internal.h"

/* Sandbox uids of the parallel slots (as root): slot 0 uses the
 * sandbox's default (nobody), the others a private range, so that one
 * fork bomb's RLIMIT_NPROC does not starve its neighbours. */
#define SLOT_UID_BASE 420000u

void pipeline__spec(const pipeline__ctx *c, sandbox_spec *spec, bool readonly)
{
    sandbox_spec_init(spec, c->opts->mode);
    spec->workdir = c->box;
    spec->workdir_readonly = readonly;
    spec->unsafe_no_bwrap = c->opts->unsafe_no_bwrap;
    if (c->slot) {
        spec->uid = SLOT_UID_BASE + c->slot;
        spec->gid = SLOT_UID_BASE + c->slot;
    }
}

tg_error *pipeline__sandboxed(pipeline__ctx *c, const sandbox_spec *spec,
                              const char *const *cmd, size_t output_cap,
                              tg_process_result *res)
{
    char why[768];
    memset(res, 0, sizeof *res);
    char **argv = sandbox_argv(&c->caps, spec, cmd, why, sizeof why);
    if (!argv)
        return pipeline__fail("%s", why + strlen("lab: error: "));
    tg_process_spec ps = {
        .argv = (const char *const *)argv,
        .output_cap = output_cap,
        .timeout_ms = sandbox_timeout_ms(&c->caps, spec),
    };
    tg_error *e = tg_process_run(&ps, res);
    sandbox_argv_free(argv);
    if (e && !tg_error_is(e, &TG_CancelledError)) {
        c->sandbox_broken = true;
        tg_error *f = pipeline__fail("cannot start the sandbox (%s): %s",
                                     c->caps.bwrap_ok ? "bwrap" : "lab-jail",
                                     tg_error_message(e));
        tg_error_unref(e);
        return f;
    }
    if (e)
        return e;
    /* The jail failed before the command ran: the sandbox itself is
     * broken, which no submission can cause. */
    if (res->exit_status == SANDBOX_EXIT_SETUP && !res->timed_out) {
        c->sandbox_broken = true;
        const char *nl = strchr(res->err, '\n');
        int n = nl ? (int)(nl - res->err) : (int)strlen(res->err);
        if (n > 300)
            n = 300;
        tg_error *f =
            pipeline__fail("the sandbox could not start: %.*s", n, res->err);
        tg_process_result_free(res);
        memset(res, 0, sizeof *res);
        return f;
    }
    return NULL;
}

tg_error *pipeline__trusted(const char *const *argv, uint64_t timeout_ms,
                            size_t output_cap, tg_process_result *res)
{
    memset(res, 0, sizeof *res);
    static const char *const env[] = {"PATH=/usr/bin:/bin", "LC_ALL=C",
                                      "NO_COLOR=1", NULL};
    tg_process_spec ps = {
        .argv = argv,
        .env = env,
        .output_cap = output_cap,
        .timeout_ms = timeout_ms,
    };
    tg_error *e = tg_process_run(&ps, res);
    if (e && !tg_error_is(e, &TG_CancelledError)) {
        tg_error *f =
            pipeline__fail("cannot run %s: %s", argv[0], tg_error_message(e));
        tg_error_unref(e);
        return f;
    }
    return e;
}
