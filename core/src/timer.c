/*
 * timer.c -- the run's timer heap: a binary min-heap of armed timers ordered
 * by (deadline, arm sequence), so that timers due at the same instant fire
 * in the order they were armed.  Each timer knows its heap slot, which makes
 * disarming (a cancelled sleep) O(log n).  A timer holds a reservation in
 * the ready queue from when it is armed until its callback runs or it is
 * disarmed.
 */
#include <stdint.h>

#include "runtime.h"

/* The handle of every timer: gives back the queue reservation, then
 * calls the timer's own callback. */
static void timer_run(tg__handle *h)
{
    tg__timer *tm = TG__CONTAINER_OF(h, tg__timer, handle);
    tm->holds_slot = false;
    tg__ready_release(tg__current_run);
    tm->fire(h);
}

void tg__timer_init(tg__timer *tm, tg__handle_fn fire)
{
    tm->handle = (tg__handle){.run = timer_run};
    tm->fire = fire;
    tm->deadline = 0;
    tm->seq = 0;
    tm->heap_index = SIZE_MAX;
    tm->holds_slot = false;
}

/* Takes the reservation a timer needs before it can be queued. */
static bool hold_slot(tg__run *run, tg__timer *tm)
{
    if (tm->holds_slot)
        return true;
    if (!tg__ready_reserve(run))
        return false;
    tm->holds_slot = true;
    return true;
}

bool tg__timer_fire_soon(tg__run *run, tg__timer *tm)
{
    if (!hold_slot(run, tm))
        return false;
    tg__call_soon(run, &tm->handle);
    return true;
}

static bool earlier(const tg__timer *a, const tg__timer *b)
{
    return a->deadline < b->deadline ||
           (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(tg__run *run, size_t i, tg__timer *tm)
{
    run->heap[i] = tm;
    tm->heap_index = i;
}

static void sift_up(tg__run *run, size_t i)
{
    tg__timer *tm = run->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(tm, run->heap[parent]))
            break;
        place(run, i, run->heap[parent]);
        i = parent;
    }
    place(run, i, tm);
}

static void sift_down(tg__run *run, size_t i)
{
    tg__timer *tm = run->heap[i];
    size_t n = run->heap_len;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && earlier(run->heap[child + 1], run->heap[child]))
            child++;
        if (!earlier(run->heap[child], tm))
            break;
        place(run, i, run->heap[child]);
        i = child;
    }
    place(run, i, tm);
}

/* Arms tm to fire at deadline.  Returns false when memory runs out. */
bool tg__timer_arm(tg__run *run, tg__timer *tm, uint64_t deadline)
{
    if (run->heap_len == run->heap_cap) {
        size_t cap = run->heap_cap ? run->heap_cap * 2 : 64;
        tg__timer **heap = tg__realloc(run->heap, cap * sizeof *heap);
        if (!heap)
            return false;
        run->heap = heap;
        run->heap_cap = cap;
    }
    if (!hold_slot(run, tm))
        return false;
    tm->deadline = deadline;
    tm->seq = run->timer_seq++;
    place(run, run->heap_len++, tm);
    sift_up(run, tm->heap_index);
    return true;
}

/* Removes tm from the heap, or from the ready queue when it already fired
 * but has not run; a no-op when it is neither. */
void tg__timer_disarm(tg__run *run, tg__timer *tm)
{
    tg__handle_cancel(run, &tm->handle);
    if (tm->holds_slot) {
        tm->holds_slot = false;
        tg__ready_release(run);
    }
    size_t i = tm->heap_index;
    if (i == SIZE_MAX)
        return;
    tm->heap_index = SIZE_MAX;
    tg__timer *last = run->heap[--run->heap_len];
    if (i == run->heap_len)
        return;
    place(run, i, last);
    if (i > 0 && earlier(last, run->heap[(i - 1) / 2]))
        sift_up(run, i);
    else
        sift_down(run, i);
}

tg__timer *tg__timer_peek(tg__run *run)
{
    return run->heap_len ? run->heap[0] : NULL;
}

void tg__timer_pop(tg__run *run)
{
    tg__timer *tm = run->heap[0];
    tm->heap_index = SIZE_MAX;
    tg__timer *last = run->heap[--run->heap_len];
    if (run->heap_len) {
        place(run, 0, last);
        sift_down(run, 0);
    }
}

void tg__timers_free(tg__run *run)
{
    tg__free(run->heap);
    run->heap = NULL;
    run->heap_len = run->heap_cap = 0;
}
