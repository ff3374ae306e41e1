/*
 * 12-bounded-concurrency/fetch_pool -- solution.
 *
 * Why it works: one group holds every fetch, and a semaphore with `limit`
 * permits holds them back.  A fetch gives its permit back the moment it
 * ends, and the semaphore hands it at once to the next task in line
 * (FIFO, so they start in the order of urls): no slot waits for another
 * fetch's slowness, and the batch ends with its slowest page.  The permit
 * is released on every way out after a successful acquire -- and never
 * after a cancelled one, which got none.  The semaphore is freed after
 * the wait, when nobody can be queued on it.
 */
#include <stdlib.h>

#include "fetch_pool.h"
#include "world.h"

struct fetch_job {
    const char *url;
    struct fetch_outcome *out;
    tg_sem *sem; /* shared by every job */
};

/* Fills *out and returns NULL, or returns a bug or a cancellation. */
static tg_error *safe_fetch(const char *url, struct fetch_outcome *out)
{
    tg_error *err = NULL;
    char *body = fetch_url(url, &err);
    if (err != NULL && !tg_error_is(err, &HTTPError) &&
        !tg_error_is(err, &TG_ConnectionError) &&
        !tg_error_is(err, &TG_TimeoutError))
        return err;
    *out = (struct fetch_outcome){
        .status = err == NULL ? FETCH_OK : FETCH_FAILED,
        .body = body,
        .error = err,
        .url = copy_str(url),
    };
    return NULL;
}

static tg_result limited_fetch(void *arg)
{
    struct fetch_job *job = arg;
    tg_error *err = tg_sem_acquire(job->sem);
    if (err != NULL)
        return tg_raise(err); /* cancelled while queued: no permit */
    err = safe_fetch(job->url, job->out);
    tg_sem_release(job->sem); /* the next one in line starts now */
    return err != NULL ? tg_raise(err) : tg_return(NULL);
}

tg_error *fetch_pool(const char *const *urls, size_t n, unsigned limit,
                     struct fetch_outcome *outs)
{
    struct fetch_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    tg_sem *sem = tg_sem_new(limit);
    tg_group *g = tg_group_new();
    if (jobs == NULL || sem == NULL || g == NULL) {
        free(jobs);
        tg_sem_free(sem);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (struct fetch_job){urls[i], &outs[i], sem};
        tg_spawn(g, limited_fetch, &jobs[i]);
    }
    tg_error *err = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);
    tg_sem_free(sem);
    free(jobs);
    return err;
}
