/*
 * world_internal.h -- what the world's own files share: the bookkeeping
 * arena, plan lookup and the call log's begin/end.  Names are world__.
 */
#ifndef WORLD_INTERNAL_H
#define WORLD_INTERNAL_H

#include <stddef.h>

#include "world_probe.h"

/* Zeroed memory from the world's arena (mmap'd, outside malloc), valid until
 * world_reset.  Aborts when the system refuses memory: the world cannot
 * report on a run it cannot record. */
void *world__alloc(size_t n);
char *world__strdup(const char *s); /* NULL for NULL */

/*
 * Starts a call of service s on input: picks the step it follows (consuming
 * it), logs the call as running and counts it in flight.  Returns the call's
 * index in the log (stable: records may move, indexes do not) and fills
 * *step.
 */
size_t world__call_begin(world_service s, const char *input, long cents,
                         world_step *step);

/* Ends call i: its end kind, the error it ended with (borrowed; may be
 * NULL) and the value delivered (copied, and its address kept as
 * value_obj; may be NULL). */
void world__call_end(size_t i, world_end end, const tg_error *e,
                     const char *result);

/* The value stored under key by world_db_put, or NULL. */
const char *world__db_lookup(const char *key);

/* Appends a line to the error log (copied). */
void world__log_append(const char *line);

#endif /* WORLD_INTERNAL_H */
