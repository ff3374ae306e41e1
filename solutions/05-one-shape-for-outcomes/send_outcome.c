/*
 * 05-one-shape-for-outcomes/send_outcome -- solution.
 *
 * Why it works: each task writes one struct send_outcome into the slot
 * for its own address, so nobody has to guess what a pointer is: the
 * status says which fields mean something, whatever the receipts look
 * like.  The compound literal sets every field on every path (the ones
 * it does not name are NULL), and input is a copy, so the record stays
 * valid whatever the caller does with its strings.  Only an EmailError
 * is a failed send; a bug or a cancellation is raised, stops the group
 * and comes back from tg_group_wait.  send_outcome_clear can free all
 * three pointers for either status because the ones that do not apply
 * are NULL, and free(NULL) and tg_error_unref(NULL) do nothing.
 */
#include <stdlib.h>

#include "send_outcome.h"
#include "world.h"

struct send_job {
    const char *to;
    struct send_outcome *out; /* the slot for this address */
};

static tg_result send_task(void *arg)
{
    struct send_job *job = arg;
    tg_error *err = NULL;
    char *receipt = send_email(job->to, &err);
    if (err != NULL && !tg_error_is(err, &EmailError))
        return tg_raise(err); /* a bug or a cancellation */
    *job->out = (struct send_outcome){
        .status = err == NULL ? SEND_OK : SEND_FAILED,
        .receipt = receipt, /* NULL when it failed */
        .error = err,       /* NULL when it worked */
        .input = copy_str(job->to),
    };
    return tg_return(NULL);
}

tg_error *send_batch(const char *const *to, size_t n, struct send_outcome *outs)
{
    struct send_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    tg_group *g = tg_group_new();
    if (jobs == NULL || g == NULL) {
        free(jobs);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (struct send_job){to[i], &outs[i]};
        tg_spawn(g, send_task, &jobs[i]);
    }
    tg_error *eg = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);
    free(jobs);
    return eg;
}

void send_outcome_clear(struct send_outcome *o)
{
    free(o->receipt);
    tg_error_unref(o->error);
    free(o->input);
    *o = (struct send_outcome){0};
}
