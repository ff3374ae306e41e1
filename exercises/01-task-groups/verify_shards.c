/*
 * 01-task-groups/verify_shards -- stop checking as soon as one shard is
 * corrupt, and hand back the group's error.  (Lesson 01: task groups.)
 *
 * Here the group's abort is what we want: a corrupt shard makes the
 * whole database corrupt, so the other verifications can stop.  The tasks
 * already do the right thing.  But as written, verify_shards reports a
 * corrupt database as sound (run `lab check` to see it).
 *
 * The contract is in verify_shards.h; db_verify and IntegrityError are in
 * world.h.
 */
#include "verify_shards.h"
#include "world.h"

static tg_result verify_task(void *arg)
{
    tg_error *err = NULL;
    db_verify(arg, &err);
    return err != NULL ? tg_raise(err) : tg_return(NULL);
}

tg_error *verify_shards(const char *const *shards, size_t n)
{
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    for (size_t i = 0; i < n; i++)
        tg_spawn(g, verify_task, (void *)shards[i]);
    tg_error *eg = tg_group_wait(g);
    tg_group_free(g);

    /* TODO: a corrupt shard fails with an IntegrityError, so this looks
     * for one.  But what exactly does tg_group_wait return when a task
     * failed?  Is that an IntegrityError? */
    if (tg_error_is(eg, &IntegrityError))
        return eg;

    /* TODO: everything else is released here, and the caller hears that
     * every shard is sound. */
    tg_error_unref(eg);
    return NULL;
}
