/*
 * 12-bounded-concurrency/send_limited -- solution.
 *
 * Why it works: a permit taken is given back on every way out of the
 * task -- the send worked, failed, raised a bug or was cancelled -- by
 * releasing right after the send, before the outcome is even looked at.
 * A task whose acquire was cancelled holds no permit and releases none.
 * So exactly `limit` permits exist at all times: never more than `limit`
 * sends in flight, and a freed slot goes at once to the next task in
 * line (the semaphore is FIFO).  The semaphore is freed only after the
 * wait, when no task can still be queued on it.
 */
#include <stdlib.h>

#include "send_limited.h"
#include "world.h"

static tg_error *safe_send(const char *to, struct send_outcome *out)
{
    tg_error *err = NULL;
    char *receipt = send_email(to, &err);
    if (err != NULL && !tg_error_is(err, &EmailError))
        return err;
    *out = (struct send_outcome){
        .status = err == NULL ? SEND_OK : SEND_FAILED,
        .receipt = receipt,
        .error = err,
        .input = copy_str(to),
    };
    return NULL;
}

struct limited_job {
    tg_sem *sem;
    const char *to;
    struct send_outcome *out;
};

static tg_result limited_send(void *arg)
{
    struct limited_job *job = arg;
    tg_error *err = tg_sem_acquire(job->sem);
    if (err != NULL)
        return tg_raise(err); /* cancelled while queued: no permit */
    err = safe_send(job->to, job->out);
    tg_sem_release(job->sem); /* every path after a successful acquire */
    return err != NULL ? tg_raise(err) : tg_return(NULL);
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
    tg_error *err = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);
    tg_sem_free(sem); /* after the wait: no task is queued on it */
    free(jobs);
    return err;
}
