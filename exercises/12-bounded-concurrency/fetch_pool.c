/*
 * 12-bounded-concurrency/fetch_pool -- fetch many pages, `limit` at a
 * time, without letting a slow one hold up the rest.  (Lesson 12: bounded
 * concurrency.)
 *
 * As written, fetch_pool works in fixed batches: it starts `limit`
 * fetches, waits for all of them, then starts the next `limit`.  It never
 * runs more than `limit` at once -- but each batch waits for its slowest
 * page while the other slots sit idle.  Run `lab check` and look at the
 * times; then keep every slot busy with a semaphore.
 *
 * The outcome record and the contract are in fetch_pool.h; fetch_url and
 * HTTPError are in world.h; tg_sem_* are in tg.h.
 */
#include <stdlib.h>

#include "fetch_pool.h"
#include "world.h"

struct fetch_job {
    const char *url;
    struct fetch_outcome *out; /* the slot for this URL */
};

/* Lesson 08's wrapper task (nothing to change here): records what a
 * fetch may fail with, raises bugs and cancellations. */
static tg_result safe_fetch_task(void *arg)
{
    struct fetch_job *job = arg;
    tg_error *err = NULL;
    char *body = fetch_url(job->url, &err);
    if (err != NULL && !tg_error_is(err, &HTTPError) &&
        !tg_error_is(err, &TG_ConnectionError) &&
        !tg_error_is(err, &TG_TimeoutError))
        return tg_raise(err); /* bugs, cancellations */
    *job->out = (struct fetch_outcome){
        .status = err == NULL ? FETCH_OK : FETCH_FAILED,
        .body = body,
        .error = err,
        .url = copy_str(job->url),
    };
    return tg_return(NULL);
}

tg_error *fetch_pool(const char *const *urls, size_t n, unsigned limit,
                     struct fetch_outcome *outs)
{
    struct fetch_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    if (jobs == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    /* TODO: one group per batch of `limit`.  The next batch starts only
     * when the slowest fetch of this one is done. */
    for (size_t start = 0; start < n; start += limit) {
        tg_group *g = tg_group_new();
        if (g == NULL) {
            free(jobs);
            return tg_error_new(&TG_MemoryError, "out of memory");
        }
        for (size_t i = start; i < n && i < start + limit; i++) {
            jobs[i] = (struct fetch_job){urls[i], &outs[i]};
            tg_spawn(g, safe_fetch_task, &jobs[i]);
        }
        tg_error *err = tg_group_wait(g);
        tg_group_free(g);
        if (err != NULL) {
            free(jobs);
            return err;
        }
    }
    free(jobs);
    return NULL;
}
