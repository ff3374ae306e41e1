/*
 * 02-success-or-failure/count_sent -- tag each send, and count only the
 * emails that really went out.  (Lesson 02: telling success from
 * failure.)
 *
 * Every send is wrapped, so one bounce no longer stops the batch.  But as
 * written, a failed send leaves a string in the receipt field, just like
 * a successful one, and the batch reports every email as sent (run
 * `lab check` to see it).
 *
 * The slot and send_tagged's contract are in count_sent.h; send_email,
 * copy_str and EmailError are in world.h.
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
    if (err != NULL) {
        /* TODO: the reason goes in the receipt field, so a failed send
         * also leaves a string there ("no such mailbox: ..."), and the
         * error itself is thrown away. */
        receipt = copy_str(tg_error_message(err));
        tg_error_unref(err);
    }
    s->receipt = receipt;
    s->ok = s->receipt != NULL; /* TODO: "there is a string" is not "sent" */
    return tg_return(NULL);
}

tg_error *send_tagged(struct send_slot *slots, size_t n, size_t *sent)
{
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    for (size_t i = 0; i < n; i++)
        tg_spawn(g, send_task, &slots[i]);
    tg_error *eg = tg_group_wait(g);
    tg_group_free(g);

    *sent = 0;
    for (size_t i = 0; i < n; i++)
        if (slots[i].ok)
            (*sent)++;
    return eg;
}
