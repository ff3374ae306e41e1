/*
 * fetch_report.h -- exercise 08-partial-failures/fetch_report: the
 * contract of fetch_report, shared by your file and the lab's checks.  Do
 * not change it; write fetch_report in fetch_report.c.
 */
#ifndef FETCH_REPORT_H
#define FETCH_REPORT_H

#include <stddef.h>

#include <tg.h>

/*
 * Fetches the n URLs all at once and waits for every fetch to end.
 *
 * bodies[i] gets the page of urls[i], or stays NULL when that fetch
 * failed.  The failed fetches -- those that failed the way a fetch can be
 * expected to fail: an HTTPError, a TG_ConnectionError or a
 * TG_TimeoutError -- are reported together in *failures: an
 * ExceptionGroup whose message is "<k> of <n> fetches failed" and whose
 * members are the k errors fetch_url raised, in the order of urls, each
 * with one note, "fetching <url>".  *failures stays NULL when every fetch
 * worked.
 *
 * Returns NULL, or the error to propagate (anything that is not an
 * expected failure: a bug, a cancellation), which the caller owns.  The
 * caller sets every bodies[i] and *failures to NULL before the call and,
 * whatever fetch_report returned, afterwards frees every bodies[i] and
 * releases *failures.
 */
tg_error *fetch_report(const char *const *urls, size_t n, char **bodies,
                       tg_error **failures);

#endif /* FETCH_REPORT_H */
