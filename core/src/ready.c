/*
 * ready.c -- the ready queue's slow paths: growing the ring when a new
 * reservation needs room, and squeezing out the NULLs that unqueued
 * handles left when the ring is full of them.  The fast paths (queue,
 * unqueue, reserve) are inline in runtime.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "runtime.h"

#define FIRST_CAPACITY 256

void tg__ready_init(tg__ready *q)
{
    *q = (tg__ready){0};
}

void tg__ready_free(tg__ready *q)
{
    tg__free(q->ring);
    *q = (tg__ready){0};
}

/* Doubles the ring.  Handles keep their positions (a position is not an
 * index: it only grows), so nothing queued needs to be told. */
bool tg__ready_grow(tg__ready *q)
{
    size_t cap = q->cap ? q->cap * 2 : FIRST_CAPACITY;
    tg__handle **ring = tg__malloc(cap * sizeof *ring);
    if (!ring)
        return false;
    for (uint64_t pos = q->head; pos != q->tail; pos++)
        ring[pos & (cap - 1)] = q->ring[pos & q->mask];
    tg__free(q->ring);
    q->ring = ring;
    q->cap = cap;
    q->mask = cap - 1;
    return true;
}

/* Moves the queued handles together at the front, in order, and tells
 * each its new position.  The running batch keeps its end: after the
 * handles that were before it. */
void tg__ready_compact(tg__ready *q)
{
    bool in_batch = q->batch_end > q->head && q->batch_end <= q->tail;
    uint64_t to = q->head, batch_end = q->head;
    for (uint64_t from = q->head; from != q->tail; from++) {
        tg__handle *h = q->ring[from & q->mask];
        if (!h)
            continue;
        q->ring[to & q->mask] = h;
        h->queued = ++to;
        if (in_batch && from < q->batch_end)
            batch_end = to;
    }
    q->tail = to;
    q->gaps = 0;
    q->batch_end = in_batch ? batch_end : q->head;
    if (q->tail - q->head == q->cap) {
        /* More handles queued than reserved: a bug in libtg, not in the
         * program, and queueing must not fail. */
        fprintf(stderr, "tg: fatal: the ready queue overflowed its "
                        "reservations\n");
        abort();
    }
}
