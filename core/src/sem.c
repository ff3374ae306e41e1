/*
 * sem.c -- a counting semaphore with FIFO fairness, asyncio.Semaphore's
 * algorithm: a release hands the permit to the first waiter; a waiter that
 * was handed a permit but is cancelled before it runs passes it on, so no
 * permit is ever lost.
 */
#include <stdio.h>
#include <stdlib.h>

#include "runtime.h"

typedef struct sem_waiter {
    tg__node link;   /* in the semaphore's queue */
    tg_task *task;
    bool granted;    /* a permit was handed over */
} sem_waiter;

struct tg_sem {
    unsigned value;
    tg__node waiters; /* FIFO */
};

tg_sem *tg_sem_new(unsigned value)
{
    tg_sem *s = tg__calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->value = value;
    tg__list_init(&s->waiters);
    return s;
}

void tg_sem_free(tg_sem *s)
{
    if (!s)
        return;
    if (!tg__list_empty(&s->waiters)) {
        fprintf(stderr, "tg: fatal: tg_sem_free() while tasks wait on it\n");
        abort();
    }
    tg__free(s);
}

unsigned tg_sem_value(const tg_sem *s)
{
    return s->value;
}

/* Hands a permit to the first waiter not yet served. */
static void wake_up_next(tg_sem *s)
{
    for (tg__node *n = s->waiters.next; n != &s->waiters; n = n->next) {
        sem_waiter *w = TG__CONTAINER_OF(n, sem_waiter, link);
        if (!w->granted) {
            s->value--;
            w->granted = true;
            tg__task_wake(w->task);
            return;
        }
    }
}

static bool has_live_waiters(const tg_sem *s)
{
    return !tg__list_empty(&s->waiters);
}

static void sem_wait_cancel(tg_task *t)
{
    sem_waiter *w = t->wait_data;
    tg__list_remove(&w->link);
}

tg_error *tg_sem_acquire(tg_sem *s)
{
    tg__run *run = tg__current_run;
    tg_task *t = run ? run->current : NULL;
    if (!t)
        return tg__no_task_error("tg_sem_acquire");
    if (s->value > 0 && !has_live_waiters(s)) {
        s->value--;
        return NULL; /* no suspension when a permit is free */
    }
    sem_waiter w = {.task = t};
    tg__list_append(&s->waiters, &w.link);
    tg_error *e = tg__task_suspend(t, sem_wait_cancel, &w, "semaphore");
    if (tg__node_linked(&w.link))
        tg__list_remove(&w.link);
    if (e) {
        if (w.granted) { /* got a permit, but was cancelled: pass it on */
            s->value++;
            wake_up_next(s);
        }
        return e;
    }
    if (s->value > 0)
        wake_up_next(s);
    return NULL;
}

void tg_sem_release(tg_sem *s)
{
    s->value++;
    wake_up_next(s);
}
