/*
 * 13-capstone-batch-mailer/batch_deadline -- solution.
 *
 * Why it works: the deadline is a timeout scope around the whole group,
 * so it needs no polling: when it expires, the owner's wait is cancelled,
 * and the wait cancels every task wherever it is -- inside a send, queued
 * for a permit, or sleeping in a backoff -- and waits for them all.  Each
 * task lets its CancelledError go (that is why mail_one must never swallow
 * one), its outcome stays the MAIL_SKIPPED it was pre-filled with, and
 * finished outcomes are untouched.  tg_timeout_exit tells the scope's own
 * expiry (a TimeoutError: planned, so NULL) from a cancellation by the
 * caller (still a CancelledError) and from a bug (a group).  A batch that
 * finishes early closes the scope at once.
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

/* Closes the deadline's scope.  Only the scope's own expiry comes back as
 * a bare TimeoutError (a send's timeout is recorded in its outcome, a bug
 * arrives in a group), and a deadline that was part of the plan is not a
 * failure: the outcomes already say what happened. */
static tg_error *end_of_batch(tg_timeout *t, tg_error *wait_err)
{
    tg_error *err = tg_timeout_exit(t, wait_err);
    if (tg_error_is(err, &TG_TimeoutError)) {
        tg_error_unref(err);
        return NULL;
    }
    return err;
}

tg_error *mail_batch_by(const char *const *to, size_t n,
                        const struct mailer_config *cfg, uint64_t deadline_ms,
                        struct mail_outcome *outs)
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
    tg_timeout *t = tg_timeout_enter(deadline_ms); /* around the group */
    for (size_t i = 0; i < n; i++) {
        outs[i] = (struct mail_outcome){.status = MAIL_SKIPPED,
                                        .to = copy_str(to[i])};
        tasks[i] = (struct mail_task){cfg, sem, &outs[i]};
        tg_spawn(g, mail_one, &tasks[i]);
    }
    /* At the deadline the wait is cancelled: it cancels every task --
     * sending, queued for a permit, or in a backoff -- waits for them, and
     * returns the CancelledError, which the exit makes a TimeoutError. */
    tg_error *err = end_of_batch(t, tg_group_wait(g));
    tg_group_free(g);
    tg_sem_free(sem);
    free(tasks);
    return err;
}
