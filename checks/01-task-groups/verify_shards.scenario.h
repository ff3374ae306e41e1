/*
 * verify_shards.scenario.h -- the inputs of verify_shards' scenarios,
 * shared by its probe (which sets them up) and its checks.  Only inputs
 * live here.
 */
#ifndef VERIFY_SHARDS_SCENARIO_H
#define VERIFY_SHARDS_SCENARIO_H

#define VS_N 6

static const char *const VS_SHARDS[VS_N] = {
    "shard-1", "shard-2", "shard-3", "shard-4", "shard-5", "shard-6",
};

/* Every verification takes 150 to 250 ms (seeded jitter) unless said
 * otherwise. */
#define VS_LATENCY 150
#define VS_JITTER 100
/* one_corrupt: shard-4 fails with an IntegrityError after 30 ms. */
#define VS_CORRUPT 3
#define VS_CORRUPT_MS 30
/* two_corrupt: shard-2 and shard-5 fail at the same 30 ms. */
#define VS_CORRUPT_A 1
#define VS_CORRUPT_B 4
/* bug: shard-3's verification raises a TypeError (an injected bug) after
 * 40 ms. */
#define VS_BUG 2
#define VS_BUG_MS 40
/* cancel: the probe cancels verify_shards' task at 50 ms. */
#define VS_CANCEL_MS 50

#endif /* VERIFY_SHARDS_SCENARIO_H */
