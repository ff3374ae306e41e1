/*
 * 08-partial-failures/fetch_report -- solution.
 *
 * Why it works: results stay with their inputs.  Each task knows its
 * index and writes into slot i -- bodies[i] for its page, errors[i] for
 * its failure -- so the order in which the fetches end does not matter.
 * The note "fetching <url>" is added where the URL is known, in the task,
 * to the service's own error object, so the failure carries its context.
 * The group is built after the wait by walking the slots in URL order,
 * and only when something failed (a group of zero errors is not
 * allowed).  Expected failures never fail a task, so nothing is
 * cancelled; bugs and cancellations are raised and come back from the
 * wait.  tg_error_group_new takes its own references: ours are released.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fetch_report.h"
#include "world.h"

struct fetch_job {
    const char *url;
    char **body;      /* bodies[i] */
    tg_error **error; /* errors[i], NULL unless this fetch failed */
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
        tg_error_add_note(err, "fetching %s", job->url);
    *job->body = body; /* NULL when it failed */
    *job->error = err; /* NULL when it worked */
    return tg_return(NULL);
}

/* The failures of errors[0..n) in index order, as one group; NULL when
 * there are none.  Leaves errors as it is. */
static tg_error *group_failures(tg_error **errors, size_t n)
{
    tg_error **failed = calloc(n ? n : 1, sizeof *failed);
    if (failed == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (errors[i] != NULL)
            failed[k++] = errors[i];
    tg_error *eg = NULL;
    if (k > 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "%zu of %zu fetches failed", k, n);
        eg = tg_error_group_new(msg, failed, k);
    }
    free(failed);
    return eg;
}

tg_error *fetch_report(const char *const *urls, size_t n, char **bodies,
                       tg_error **failures)
{
    tg_error **errors = calloc(n ? n : 1, sizeof *errors);
    struct fetch_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    tg_group *g = tg_group_new();
    if (errors == NULL || jobs == NULL || g == NULL) {
        free(errors);
        free(jobs);
        tg_group_free(g);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (struct fetch_job){urls[i], &bodies[i], &errors[i]};
        tg_spawn(g, fetch_task, &jobs[i]);
    }
    tg_error *err = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);
    *failures = group_failures(errors, n);
    for (size_t i = 0; i < n; i++)
        tg_error_unref(errors[i]); /* the group holds its own */
    free(errors);
    free(jobs);
    return err;
}
