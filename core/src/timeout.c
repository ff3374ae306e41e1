/*
 * timeout.c -- timeout scopes, like asyncio.timeout(): when the deadline
 * passes, the task inside the scope is cancelled; when the scope closes
 * with that cancellation, it becomes a TimeoutError whose cause is the
 * CancelledError.  Nested scopes work because each remembers how many
 * cancellations were pending when it opened (uncancel() tells whether the
 * cancellation is ours or someone else's).
 */
#include "runtime.h"

typedef enum { TIMEOUT_ENTERED, TIMEOUT_EXPIRING, TIMEOUT_EXPIRED } tstate;

struct tg_timeout {
    tg__timer timer;   /* fires the cancellation */
    tg_task *task;     /* the task inside the scope */
    int cancelling;    /* task's pending cancellations at entry */
    uint64_t ms;       /* for the message */
    tstate state;
};

static void on_timeout(tg__handle *h)
{
    tg_timeout *to = TG__CONTAINER_OF(h, tg_timeout, timer.handle);
    to->state = TIMEOUT_EXPIRING;
    tg_task_cancel(to->task);
}

tg_timeout *tg_timeout_enter(uint64_t ms)
{
    tg__run *run = tg__current_run;
    tg_task *t = run ? run->current : NULL;
    if (!t)
        return NULL;
    tg_timeout *to = tg__calloc(1, sizeof *to);
    if (!to)
        return NULL;
    to->task = t;
    to->cancelling = tg_task_cancelling(t);
    to->ms = ms;
    to->state = TIMEOUT_ENTERED;
    tg__timer_init(&to->timer, on_timeout);
    if (ms == 0 ? !tg__timer_fire_soon(run, &to->timer) /* already due */
                : !tg__timer_arm(run, &to->timer, tg__clock(run) + ms)) {
        tg__free(to);
        return NULL;
    }
    return to;
}

bool tg_timeout_expired(const tg_timeout *to)
{
    return to && to->state != TIMEOUT_ENTERED;
}

tg_error *tg_timeout_exit(tg_timeout *to, tg_error *body_error)
{
    if (!to)
        return body_error;
    tg__run *run = tg__current_run;
    tg__timer_disarm(run, &to->timer);
    tg_error *result = body_error;
    if (to->state == TIMEOUT_EXPIRING) {
        to->state = TIMEOUT_EXPIRED;
        if (tg_task_uncancel(to->task) <= to->cancelling &&
            tg__is_cancelled(body_error)) {
            /* Ours: "raise TimeoutError from exc_val".  The cancellation
             * is consumed here: a later tg_group_wait must not take it
             * for one that reached the group's body. */
            tg_task *t = to->task;
            if (t->last_cancel == body_error) {
                tg_error_unref(t->last_cancel);
                t->last_cancel = NULL;
            }
            result = tg_error_new(&TG_TimeoutError,
                                  "timed out after %llu ms",
                                  (unsigned long long)to->ms);
            tg_error_from(result, body_error);
        }
    }
    tg__free(to);
    return result;
}

tg_result tg_call_with_timeout(uint64_t ms, tg_fn fn, void *arg)
{
    tg_timeout *to = tg_timeout_enter(ms);
    if (!to)
        return tg_raise(tg_current_task() ? tg__error_oom()
                                          : tg__no_task_error(
                                                "tg_call_with_timeout"));
    tg_result r = fn(arg);
    r.error = tg_timeout_exit(to, r.error);
    if (r.error)
        r.value = NULL;
    return r;
}
