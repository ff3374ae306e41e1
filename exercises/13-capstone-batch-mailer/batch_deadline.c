/*
 * 13-capstone-batch-mailer/batch_deadline -- stop a whole batch at a
 * deadline, and still report what was sent.  (Lesson 13: the capstone.)
 *
 * This is mail_batch (your previous exercise, working), with a deadline
 * bolted on: each address looks at the clock before each attempt and
 * gives up when it is too late.  But a send that has begun runs to its
 * end, and an address already waiting for a slot has looked at the clock
 * long ago -- so the batch runs well past its deadline.  Run `lab check`
 * to see by how much; then let the deadline stop everything at once.
 *
 * The contract is in batch_deadline.h, the records in mailer.h;
 * tg_timeout_enter and tg_timeout_exit are in tg.h.
 */
#include <stdlib.h>

#include "batch_deadline.h"
#include "world.h"

static bool is_transient(const tg_error *e)
{
    return tg_error_is(e, &TG_ConnectionError) ||
           tg_error_is(e, &TG_TimeoutError);
}

/* min(cap, base << attempt) + jitter in [0, base), without overflow. */
static uint64_t backoff_ms(unsigned attempt, uint64_t base, uint64_t cap)
{
    uint64_t d = cap;
    if (attempt < 64 && base <= (cap >> attempt))
        d = base << attempt;
    return d + tg_random_below(base);
}

/* One attempt: the permit and the timeout scope, both given back before
 * the error is looked at. */
static tg_error *attempt(const struct mailer_config *cfg, tg_sem *sem,
                         const char *to, char **receipt)
{
    *receipt = NULL;
    tg_error *err = tg_sem_acquire(sem);
    if (err != NULL)
        return err; /* cancelled while queued: no permit to give */
    tg_timeout *t = tg_timeout_enter(cfg->attempt_ms);
    *receipt = send_email(to, &err);
    err = tg_timeout_exit(t, err); /* our expiry: TimeoutError */
    tg_sem_release(sem);
    return err;
}

struct mail_task {
    const struct mailer_config *cfg;
    tg_sem *sem;
    struct mail_outcome *out; /* out->to is the address */
    uint64_t stop_at;         /* tg_now() of the deadline */
};

static tg_result mail_one(void *arg)
{
    struct mail_task *m = arg;
    struct mail_outcome *out = m->out;
    for (unsigned k = 0;; k++) {
        /* TODO: the deadline is looked at only here, before an attempt
         * begins.  A task already waiting for a permit has passed this
         * test; a send that has begun runs to its end, whenever that
         * is. */
        if (tg_now() >= m->stop_at)
            return tg_return(NULL); /* too late: leave it skipped */
        char *receipt;
        tg_error *err = attempt(m->cfg, m->sem, out->to, &receipt);
        out->attempts = k + 1;
        if (err == NULL) {
            out->status = MAIL_SENT;
            out->receipt = receipt;
            return tg_return(NULL);
        }
        bool transient = is_transient(err);
        if (!transient && !tg_error_is(err, &EmailError))
            return tg_raise(err); /* a bug, or a cancellation */
        if (!transient || k + 1 >= m->cfg->max_attempts) {
            tg_error_add_note(err, "attempt %u of %u", k + 1,
                              m->cfg->max_attempts);
            out->status = MAIL_FAILED;
            out->error = err;
            return tg_return(NULL);
        }
        tg_error_unref(err);
        tg_error *stop =
            tg_sleep(backoff_ms(k, m->cfg->base_ms, m->cfg->cap_ms));
        if (stop != NULL)
            return tg_raise(stop); /* cancelled while waiting */
    }
}

tg_error *mail_batch_by(const char *const *to, size_t n,
                        const struct mailer_config *cfg, uint64_t deadline_ms,
                        struct mail_outcome *outs)
{
    uint64_t stop_at = tg_now() + deadline_ms;
    struct mail_task *tasks = calloc(n ? n : 1, sizeof *tasks);
    tg_sem *sem = tg_sem_new(cfg->limit);
    tg_group *g = tg_group_new();
    if (tasks == NULL || sem == NULL || g == NULL) {
        free(tasks);
        tg_sem_free(sem);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        outs[i] = (struct mail_outcome){.status = MAIL_SKIPPED,
                                        .to = copy_str(to[i])};
        tasks[i] = (struct mail_task){cfg, sem, &outs[i], stop_at};
        tg_spawn(g, mail_one, &tasks[i]);
    }
    tg_error *err = tg_group_wait(g); /* NULL, or a bug or a cancel */
    tg_group_free(g);
    tg_sem_free(sem);
    free(tasks);
    return err;
}
