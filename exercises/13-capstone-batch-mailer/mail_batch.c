/*
 * 13-capstone-batch-mailer/mail_batch -- send a whole batch: a limit on
 * sends in flight, a timeout per attempt, retries with backoff, and one
 * outcome per address.  (Lesson 13: the capstone.)
 *
 * As written, mail_batch spawns one task per address and records how
 * each send went -- but it sends everything at once, waits for ever on a
 * server that does not answer, never retries, and records *every* error
 * as a failed send, bugs and cancellations included.  Run `lab check` to
 * see each of these.  Lessons 10, 11 and 12 have every piece you need;
 * give each rule one home.
 *
 * The contract is in mail_batch.h, the records in mailer.h; send_email,
 * EmailError and copy_str are in world.h.
 */
#include <stdlib.h>

#include "mail_batch.h"
#include "world.h"

struct mail_task {
    const struct mailer_config *cfg;
    struct mail_outcome *out; /* out->to is the address */
};

static tg_result mail_one(void *arg)
{
    struct mail_task *m = arg;
    struct mail_outcome *out = m->out;
    tg_error *err = NULL;

    /* TODO: no limit on sends in flight, no timeout on the attempt, and
     * only one attempt. */
    char *receipt = send_email(out->to, &err);
    out->attempts = 1;

    /* TODO: every error becomes a failed send, bugs and cancellations
     * too. */
    if (err != NULL) {
        out->status = MAIL_FAILED;
        out->error = err;
        return tg_return(NULL);
    }
    out->status = MAIL_SENT;
    out->receipt = receipt;
    return tg_return(NULL);
}

tg_error *mail_batch(const char *const *to, size_t n,
                     const struct mailer_config *cfg, struct mail_outcome *outs)
{
    struct mail_task *tasks = calloc(n ? n : 1, sizeof *tasks);
    tg_group *g = tg_group_new();
    if (tasks == NULL || g == NULL) {
        free(tasks);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        /* Every address starts out skipped: what never finishes is
         * already described. */
        outs[i] = (struct mail_outcome){.status = MAIL_SKIPPED,
                                        .to = copy_str(to[i])};
        tasks[i] = (struct mail_task){cfg, &outs[i]};
        tg_spawn(g, mail_one, &tasks[i]);
    }
    tg_error *err = tg_group_wait(g); /* NULL, or a bug or a cancel */
    tg_group_free(g);
    free(tasks);
    return err;
}
