/*
 * 12-bounded-concurrency/send_limited -- send a batch with at most
 * `limit` sends in flight.  (Lesson 12: bounded concurrency.)
 *
 * As written, each task takes a permit from a semaphore before it sends,
 * and gives it back only when the send worked.  Every failed send keeps
 * its permit for ever; after `limit` of them none is left, and the tasks
 * still queued wait for a permit that never comes.  Run `lab check` to
 * see the deadlock; then give every permit back, on every path.
 *
 * The outcome record and the contract are in send_limited.h; send_email
 * and EmailError are in world.h; tg_sem_* are in tg.h.
 */
#include <stdlib.h>

#include "send_limited.h"
#include "world.h"

/* Lesson 05's wrapper (nothing to change here): fills *out and returns
 * NULL, or returns a bug or a cancellation and leaves *out alone. */
static tg_error *safe_send(const char *to, struct send_outcome *out)
{
    tg_error *err = NULL;
    char *receipt = send_email(to, &err);
    if (err != NULL && !tg_error_is(err, &EmailError))
        return err;
    *out = (struct send_outcome){
        .status = err == NULL ? SEND_OK : SEND_FAILED,
        .receipt = receipt, /* NULL when it failed */
        .error = err,       /* NULL when it worked */
        .input = copy_str(to),
    };
    return NULL;
}

struct limited_job {
    tg_sem *sem; /* shared by every job */
    const char *to;
    struct send_outcome *out;
};

static tg_result limited_send(void *arg)
{
    struct limited_job *job = arg;
    tg_error *err = tg_sem_acquire(job->sem);
    if (err != NULL)
        return tg_raise(err); /* cancelled while queued */
    err = safe_send(job->to, job->out);
    /* TODO: on these two ways out, the permit is never given back. */
    if (err != NULL)
        return tg_raise(err);
    if (job->out->status == SEND_FAILED)
        return tg_return(NULL);
    tg_sem_release(job->sem);
    return tg_return(NULL);
}

tg_error *send_limited(const char *const *to, size_t n, unsigned limit,
                       struct send_outcome *outs)
{
    struct limited_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    tg_sem *sem = tg_sem_new(limit);
    tg_group *g = tg_group_new();
    if (jobs == NULL || sem == NULL || g == NULL) {
        free(jobs);
        tg_sem_free(sem);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (struct limited_job){sem, to[i], &outs[i]};
        tg_spawn(g, limited_send, &jobs[i]);
    }
    tg_error *err = tg_group_wait(g);
    tg_group_free(g);
    tg_sem_free(sem); /* nobody waits on it any more */
    free(jobs);
    return err;
}
