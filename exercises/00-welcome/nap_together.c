/*
 * 00-welcome/nap_together -- take two naps at the same time.
 * (Lesson 00: welcome, and a tour of libtg.)
 *
 * nap_together(30, 50) should be over in 50 ms of virtual time: the two
 * naps run together, so the whole thing takes as long as the longer one.
 * As written, it takes 80 ms: the naps happen one after the other, in the
 * caller itself (run `lab check` to see it).
 *
 * The contract is in nap_together.h; tg_group_new, tg_spawn, tg_group_wait,
 * tg_group_free and tg_sleep are in tg.h.  The lesson's "Groups" section
 * has an example very close to what you need.
 */
#include "nap_together.h"

tg_error *nap_together(uint64_t a_ms, uint64_t b_ms)
{
    /* TODO: the caller naps a_ms, and only then b_ms: a_ms + b_ms in all.
     * Write a task function that takes one nap (tg_sleep), spawn one task
     * per nap into a group, and wait for the group once. */
    tg_error *err = tg_sleep(a_ms);
    if (err != NULL)
        return err; /* cancelled during the first nap */

    /* TODO: return what tg_group_wait returns (and free the group). */
    return tg_sleep(b_ms);
}
