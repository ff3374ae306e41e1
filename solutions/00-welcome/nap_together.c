/*
 * 00-welcome/nap_together -- solution.
 *
 * Why it works: each nap is a task of its own in one group.  Tasks start
 * when their spawner next suspends -- here in tg_group_wait -- and each
 * one suspends in its tg_sleep, so both sleep at the same time and the
 * wait returns when the longer nap ends: max(a, b), not a + b.  A nap
 * that is cancelled raises its CancelledError, and the wait hands the
 * cancellation to our caller.
 */
#include <stdint.h>

#include "nap_together.h"

static tg_result nap(void *arg)
{
    uint64_t ms = (uint64_t)(uintptr_t)arg;
    tg_error *err = tg_sleep(ms); /* a suspension point */
    if (err != NULL)
        return tg_raise(err); /* cancelled: pass it on */
    return tg_return(NULL);
}

tg_error *nap_together(uint64_t a_ms, uint64_t b_ms)
{
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    tg_spawn(g, nap, (void *)(uintptr_t)a_ms);
    tg_spawn(g, nap, (void *)(uintptr_t)b_ms);
    tg_error *err = tg_group_wait(g); /* both naps run in here */
    tg_group_free(g);
    return err; /* NULL, or the caller's to release */
}
