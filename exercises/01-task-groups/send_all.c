/*
 * 01-task-groups/send_all -- send every email, even when some addresses
 * bounce.  (Lesson 01: task groups.)
 *
 * send_all sends one email per job, all at once, in one task group.  As
 * written, one bounced address stops the whole batch (run `lab check` to
 * see it).  Make every address get its send, record each outcome in its
 * own job, and return only what must still stop everything.
 *
 * The job record and send_all's contract are in send_all.h; send_email,
 * EmailError and BounceError are in world.h.
 */
#include <stdlib.h>

#include "send_all.h"
#include "world.h"

static tg_result send_task(void *arg)
{
    struct send_job *job = arg;
    tg_error *err = NULL;
    char *receipt = send_email(job->to, &err);
    if (err != NULL)
        return tg_raise(err); /* TODO: a bounce fails this task, and the
                                 group then cancels every other send */
    return tg_return(receipt);
}

tg_error *send_all(struct send_job *jobs, size_t n)
{
    tg_group *g = tg_group_new();
    tg_task **tasks = calloc(n ? n : 1, sizeof *tasks);
    if (g == NULL || tasks == NULL) {
        tg_group_free(g);
        free(tasks);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        tasks[i] = tg_spawn(g, send_task, &jobs[i]);
    tg_error *eg = tg_group_wait(g);

    /* TODO: receipts come back as task values, from the tasks that
     * finished; a job whose send failed records nothing at all. */
    for (size_t i = 0; i < n; i++) {
        tg_result r = tg_task_result(tasks[i]);
        if (r.error == NULL)
            jobs[i].receipt = r.value;
    }
    free(tasks);
    tg_group_free(g);
    return eg; /* TODO: after one bounce, this is an ExceptionGroup */
}
