/*
 * 02-success-or-failure/count_sent -- solution.
 *
 * Why it works: whether the send worked is written down in a field of its
 * own, the ok tag, taken from the one thing that knows -- whether
 * send_email set an error -- and the other fields are filled according to
 * it: the receipt only on success, the error itself (not a copy of its
 * message) only on failure.  Counting then reads the tag and never
 * guesses from the contents.
 */
#include "count_sent.h"
#include "world.h"

static tg_result send_task(void *arg)
{
    struct send_slot *s = arg;
    tg_error *err = NULL;
    char *receipt = send_email(s->to, &err);
    if (err != NULL && !tg_error_is(err, &EmailError))
        return tg_raise(err); /* a bug or a cancellation: not a failed send */
    s->ok = err == NULL; /* the tag, from the call itself */
    s->receipt = receipt; /* NULL when it failed */
    s->error = err;       /* NULL when it worked */
    return tg_return(NULL);
}

tg_error *send_tagged(struct send_slot *slots, size_t n, size_t *sent)
{
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    for (size_t i = 0; i < n; i++)
        tg_spawn(g, send_task, &slots[i]);
    tg_error *eg = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);

    *sent = 0;
    for (size_t i = 0; i < n; i++)
        if (slots[i].ok) /* read the tag first */
            (*sent)++;
    return eg;
}
