/*
 * 06-error-groups/split_retryable -- split a nested error group into what
 * is worth retrying and the rest, keeping its shape.  (Lesson 06: error
 * groups.)
 *
 * A batch of sends failed; eg holds every failure, some of them inside
 * groups of their own.  Connection resets and timeouts are worth another
 * try; everything else is not.  As written, retryable errors inside a
 * nested group end up in the wrong part, and both parts lose eg's shape.
 *
 * The contract is in split_retryable.h; tg_error_split and TG_MATCH_TYPES
 * are in tg.h.
 */
#include <stdlib.h>

#include "split_retryable.h"
#include "world.h"

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    size_t n = tg_error_group_count(eg);
    tg_error **r = calloc(n ? n : 1, sizeof *r);
    tg_error **g = calloc(n ? n : 1, sizeof *g);
    size_t nr = 0, ng = 0;
    if (r == NULL || g == NULL) {
        free(r);
        free(g);
        *retry = NULL;
        *give_up = tg_error_ref(eg);
        return;
    }

    /* TODO: this only looks at eg's own members.  A group inside eg is
     * one member here, and nothing inside it is ever looked at. */
    for (size_t i = 0; i < n; i++) {
        tg_error *e = tg_error_group_at(eg, i);
        if (tg_error_is(e, &TG_ConnectionError) ||
            tg_error_is(e, &TG_TimeoutError))
            r[nr++] = e;
        else
            g[ng++] = e;
    }

    /* TODO: two new flat groups lose eg's nesting, message and notes. */
    *retry = nr > 0 ? tg_error_group_new("retryable", r, nr) : NULL;
    *give_up = ng > 0 ? tg_error_group_new("give up", g, ng) : NULL;
    free(r);
    free(g);
}
