/*
 * verify_shards.h -- exercise 01-task-groups/verify_shards: the contract
 * of verify_shards, shared by your file and the lab's checks.  Do not
 * change it; write verify_shards in verify_shards.c.
 */
#ifndef VERIFY_SHARDS_H
#define VERIFY_SHARDS_H

#include <stddef.h>

#include <tg.h>

/*
 * Verifies the n database shards (db_verify, in world.h) all at once, in
 * one task group.  The shards are parts of one job: as soon as one
 * verification fails, the answer is known, and the others are cancelled.
 *
 * Returns NULL when every shard is sound.  Otherwise returns the error
 * tg_group_wait returned, as it returned it: an ExceptionGroup holding
 * every failure (an IntegrityError for a corrupt shard, or whatever else
 * went wrong), or a CancelledError when verify_shards itself was
 * cancelled.  The caller owns it.
 */
tg_error *verify_shards(const char *const *shards, size_t n);

#endif /* VERIFY_SHARDS_H */
