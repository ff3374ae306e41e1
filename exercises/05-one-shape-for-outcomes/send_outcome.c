/*
 * 05-one-shape-for-outcomes/send_outcome -- one outcome record per
 * address, instead of a pointer that is sometimes a receipt and sometimes
 * an error.  (Lesson 05: one shape for every outcome.)
 *
 * send_batch sends one email per address, all at once, and fills
 * outs[i] for to[i].  As written, each task hands back a void * that is
 * either the receipt or the error, and send_batch guesses which one it
 * got by looking at the text.  Make every task report in one shape, a
 * struct send_outcome with every field set, and make send_outcome_clear
 * free any outcome, whatever its status.
 *
 * The record and both contracts are in send_outcome.h; send_email,
 * EmailError and copy_str are in world.h.
 */
#include <stdlib.h>
#include <string.h>

#include "send_outcome.h"
#include "world.h"

static tg_result send_task(void *arg)
{
    const char *to = arg;
    tg_error *err = NULL;
    char *receipt = send_email(to, &err);
    if (err != NULL && !tg_error_is(err, &EmailError))
        return tg_raise(err); /* a bug or a cancellation: let it through */
    /* TODO: one void * for two kinds of thing.  Whoever reads it has to
     * know, or guess, whether it is a char * or a tg_error *. */
    return tg_return(err != NULL ? (void *)err : (void *)receipt);
}

tg_error *send_batch(const char *const *to, size_t n, struct send_outcome *outs)
{
    tg_group *g = tg_group_new();
    tg_task **tasks = calloc(n ? n : 1, sizeof *tasks);
    if (g == NULL || tasks == NULL) {
        tg_group_free(g);
        free(tasks);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        tasks[i] = tg_spawn(g, send_task, (void *)to[i]);
    tg_error *eg = tg_group_wait(g);

    for (size_t i = 0; i < n; i++) {
        tg_result r = tg_task_result(tasks[i]);
        if (r.error != NULL)
            continue; /* a bug or a cancellation: it is in eg */
        /* TODO: a guess.  Receipts look like "msg-3" today, so anything
         * else is taken for an error. */
        if (strncmp(r.value, "msg-", 4) == 0) {
            outs[i].status = SEND_OK;
            outs[i].receipt = r.value;
        } else {
            outs[i].status = SEND_FAILED;
            outs[i].error = r.value;
        }
        /* TODO: outs[i].input is never set. */
    }
    free(tasks);
    tg_group_free(g);
    return eg;
}

void send_outcome_clear(struct send_outcome *o)
{
    free(o->receipt);
    tg_error_unref(o->error);
    /* TODO: input is not freed, and *o keeps its old pointers. */
}
