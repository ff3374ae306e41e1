/*
 * world.h -- the simulated world your exercises talk to.
 *
 * An email sender, a URL fetcher, a payment API and a small database, all
 * built on libtg and all deterministic: the checks decide, per scenario,
 * which calls succeed, which fail, and how long each one takes (in virtual
 * time).  Every service is a suspension point: it sleeps for its latency,
 * so other tasks run meanwhile, and a cancellation arrives *inside* the
 * call.
 *
 * The calling convention of every service:
 *
 *   tg_error *err = NULL;
 *   char *receipt = send_email("ann@example.com", &err);
 *   if (err != NULL) {
 *       ... the call failed: receipt is NULL, err is yours to keep,
 *           to return, or to release with tg_error_unref(err) ...
 *   } else {
 *       ... it worked: receipt is yours, free() it when done ...
 *   }
 *
 * A cancelled call sets *err to a CancelledError and delivers nothing.
 */
#ifndef WORLD_H
#define WORLD_H

#include <tg.h>

/* Error types of the world (every one an Exception):
 *
 *   EmailError        a send failed                    "could not send to <to>"
 *    +-- BounceError  no such mailbox                  "no such mailbox: <to>"
 *   HTTPError         the server answered with an error "404 Not Found"
 *   PaymentDeclined   the bank said no       "card declined: insufficient
 * funds" DatabaseError     the database failed
 *    +-- IntegrityError  corrupt data: critical  "checksum mismatch in <shard>"
 *   OrderError        an order could not be completed (lesson 04)
 *   LedgerError       the ledger needs repair (lesson 07)
 *
 * Transient failures use libtg's own types: TG_ConnectionError
 * ("connection reset") and TG_TimeoutError ("server did not answer").
 * A missing database key is a TG_KeyError ("no such key: <key>").
 */
TG_ERROR_TYPE_DECLARE(EmailError);
TG_ERROR_TYPE_DECLARE(BounceError);
TG_ERROR_TYPE_DECLARE(HTTPError);
TG_ERROR_TYPE_DECLARE(PaymentDeclined);
TG_ERROR_TYPE_DECLARE(DatabaseError);
TG_ERROR_TYPE_DECLARE(IntegrityError);
TG_ERROR_TYPE_DECLARE(OrderError);
TG_ERROR_TYPE_DECLARE(LedgerError);

/*
 * The services.  Each one either returns a malloc'd string (yours to free)
 * and sets *err to NULL, or returns NULL and sets *err to a new error (yours
 * to return or release).  err must not be NULL.
 */

/* Sends an email to `to`.  Returns a receipt such as "msg-3". */
char *send_email(const char *to, tg_error **err);

/* Fetches `url`.  Returns its body, "body of <url>". */
char *fetch_url(const char *url, tg_error **err);

/* Charges `cents` to `card`.  Returns a transaction id such as "txn-1". */
char *charge_card(const char *card, long cents, tg_error **err);

/* Reads `key` from the database.  Returns its value, which may be "" (an
 * empty value is a value, not a failure); a missing key is a KeyError. */
char *db_get(const char *key, tg_error **err);

/* Verifies a database shard: *err stays NULL when it is sound. */
void db_verify(const char *shard, tg_error **err);

/* Appends one line, "Type: message", to the world's error log (which the
 * checks read).  Does not take ownership of e. */
void log_error(const tg_error *e);

/* Returns a malloc'd copy of s (yours to free), or NULL when s is NULL or
 * memory runs out.  Strict C11 has no strdup. */
char *copy_str(const char *s);

#endif /* WORLD_H */
