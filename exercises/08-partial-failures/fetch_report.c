/*
 * 08-partial-failures/fetch_report -- the pages in URL order, plus one
 * error group of the failures, each noted with its URL.  (Lesson 08:
 * partial failures.)
 *
 * The fetches are already wrapped, so a failure no longer cancels the
 * others.  But the pages and the errors are stored in the order the
 * fetches end, which is not the order of the URLs, and an error does not
 * say which URL it came from: the report cannot tell whose page is whose,
 * or which fetch a 404 belongs to.
 *
 * The contract is in fetch_report.h; fetch_url, HTTPError and
 * tg_error_add_note are in world.h and tg.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fetch_report.h"
#include "world.h"

struct report {
    char **bodies;
    size_t next;       /* TODO: the next free slot, in arrival order */
    tg_error **errors; /* the failures, in arrival order */
    size_t nerrors;
};

struct fetch_job {
    const char *url;
    struct report *r;
};

static bool expected_failure(const tg_error *err)
{
    return tg_error_is(err, &HTTPError) ||
           tg_error_is(err, &TG_ConnectionError) ||
           tg_error_is(err, &TG_TimeoutError);
}

static tg_result fetch_task(void *arg)
{
    struct fetch_job *job = arg;
    tg_error *err = NULL;
    char *body = fetch_url(job->url, &err);
    if (err != NULL && !expected_failure(err))
        return tg_raise(err); /* a bug or a cancellation */
    if (err != NULL)
        job->r->errors[job->r->nerrors++] = err; /* TODO: which URL? */
    else
        job->r->bodies[job->r->next++] = body; /* TODO: whose page? */
    return tg_return(NULL);
}

tg_error *fetch_report(const char *const *urls, size_t n, char **bodies,
                       tg_error **failures)
{
    struct report r = {bodies, 0, calloc(n ? n : 1, sizeof *r.errors), 0};
    struct fetch_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    tg_group *g = tg_group_new();
    if (r.errors == NULL || jobs == NULL || g == NULL) {
        free(r.errors);
        free(jobs);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (struct fetch_job){urls[i], &r};
        tg_spawn(g, fetch_task, &jobs[i]);
    }
    tg_error *err = tg_group_wait(g);
    tg_group_free(g);

    if (r.nerrors > 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "%zu of %zu fetches failed", r.nerrors, n);
        *failures = tg_error_group_new(msg, r.errors, r.nerrors);
    }
    for (size_t i = 0; i < r.nerrors; i++)
        tg_error_unref(r.errors[i]); /* the group holds its own */
    free(r.errors);
    free(jobs);
    return err;
}
