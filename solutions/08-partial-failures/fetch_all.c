/*
 * 08-partial-failures/fetch_all -- solution.
 *
 * Why it works: a group cancels every running child as soon as one child
 * fails, and a cancelled fetch never produces its page: no reading of
 * task results afterwards can bring it back.  So no child may fail on an
 * expected error.  Each task wraps its fetch and writes a tagged outcome
 * into the slot for its own URL (outs[i] for urls[i], whatever order the
 * fetches end in), then returns normally; nothing is cancelled and the
 * wait returns when the slowest fetch is done.  A bug or a cancellation
 * is still raised: it aborts the group and comes back from the wait.
 */
#include <stdlib.h>

#include "fetch_all.h"
#include "world.h"

struct fetch_job {
    const char *url;
    struct fetch_outcome *out; /* the slot for this URL */
};

static bool expected_failure(const tg_error *err)
{
    return tg_error_is(err, &HTTPError) ||
           tg_error_is(err, &TG_ConnectionError) ||
           tg_error_is(err, &TG_TimeoutError);
}

static tg_result safe_fetch_task(void *arg)
{
    struct fetch_job *job = arg;
    tg_error *err = NULL;
    char *body = fetch_url(job->url, &err);
    if (err != NULL && !expected_failure(err))
        return tg_raise(err); /* a bug or a cancellation */
    *job->out = (struct fetch_outcome){
        .status = err == NULL ? FETCH_OK : FETCH_FAILED,
        .body = body,
        .error = err,
        .url = copy_str(job->url),
    };
    return tg_return(NULL);
}

tg_error *fetch_all(const char *const *urls, size_t n,
                    struct fetch_outcome *outs)
{
    struct fetch_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    tg_group *g = tg_group_new();
    if (jobs == NULL || g == NULL) {
        free(jobs);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (struct fetch_job){urls[i], &outs[i]};
        tg_spawn(g, safe_fetch_task, &jobs[i]);
    }
    tg_error *err = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);
    free(jobs);
    return err;
}
