/*
 * 13-capstone-batch-mailer/mail_batch -- solution.
 *
 * Why it works: each rule has one home.  attempt() holds the permit and
 * the timeout scope for exactly one send, and releases both before
 * anything else looks at the error -- so the permit is never held during
 * a backoff, and the scope's own expiry has already become a TimeoutError
 * while a cancellation from outside is still a CancelledError.  mail_one()
 * classifies each error once: sent; transient and attempts left (wait,
 * retry); an EmailError or the last attempt (a failed outcome, the task
 * itself succeeds, so nothing is cancelled); anything else (a bug, a
 * cancellation) is raised, so it stops the group and reaches the caller.
 * Every backoff sleep's cancellation is returned.  mail_batch() pre-fills
 * every outcome as skipped with its own copy of the address, so whatever a
 * bug or a cancellation cuts short is already described correctly.
 */
#include <stdlib.h>

#include "mail_batch.h"
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
};

static tg_result mail_one(void *arg)
{
    struct mail_task *m = arg;
    struct mail_outcome *out = m->out;
    for (unsigned k = 0;; k++) {
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

tg_error *mail_batch(const char *const *to, size_t n,
                     const struct mailer_config *cfg, struct mail_outcome *outs)
{
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
        tasks[i] = (struct mail_task){cfg, sem, &outs[i]};
        tg_spawn(g, mail_one, &tasks[i]);
    }
    tg_error *err = tg_group_wait(g); /* NULL, or a bug or a cancel */
    tg_group_free(g);
    tg_sem_free(sem);
    free(tasks);
    return err;
}
