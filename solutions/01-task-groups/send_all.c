/*
 * 01-task-groups/send_all -- solution.
 *
 * Why it works: the first child that fails makes its group cancel all the
 * others, so no task may fail over a bounce.  Each task records the
 * failure it expects from its own send (EmailError, which BounceError
 * derives from) in its own job and returns normally: nothing is
 * cancelled, and every address gets its send, concurrently.  Anything
 * else -- a bug, a cancellation -- is still raised, so it stops the group
 * and reaches the caller through tg_group_wait.
 */
#include "send_all.h"
#include "world.h"

static tg_result send_task(void *arg)
{
    struct send_job *job = arg;
    tg_error *err = NULL;
    job->receipt = send_email(job->to, &err); /* NULL when it failed */
    if (err != NULL && tg_error_is(err, &EmailError)) {
        job->error = err; /* expected: keep it (the caller owns it) */
        return tg_return(NULL);
    }
    if (err != NULL)
        return tg_raise(err); /* a bug or a cancellation: let it through */
    return tg_return(NULL);
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    for (size_t i = 0; i < n; i++)
        tg_spawn(g, send_task, &jobs[i]);
    tg_error *eg = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);
    return eg;
}
