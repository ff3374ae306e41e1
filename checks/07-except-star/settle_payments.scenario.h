/*
 * settle_payments.scenario.h -- the errors settle_payments's scenarios
 * raise, shared by its probe (which builds them) and its checks.  Only
 * inputs live here.
 *
 * mixed:
 *   ExceptionGroup: payments failed              (note: batch 7)
 *   +-- TimeoutError: server did not answer
 *   +-- PaymentDeclined: card 4000-0001 declined: insufficient funds
 *   +-- ExceptionGroup: retries
 *   |   +-- PaymentDeclined: card 4000-0002 declined: insufficient funds
 *   |   +-- IntegrityError: checksum mismatch in ledger-3
 *   +-- IntegrityError: checksum mismatch in ledger-5
 *
 * declines_only:   payments failed [Declined 0001, retries [Declined 0002]]
 * timeouts_only:   payments failed [Timeout, Timeout]
 * integrity_only:  payments failed [Timeout, Integrity 3, Integrity 5]
 * bug_and_cancel:  BaseExceptionGroup: payments failed
 *                    [Declined 0001, TypeError, CancelledError]
 */
#ifndef SETTLE_PAYMENTS_SCENARIO_H
#define SETTLE_PAYMENTS_SCENARIO_H

#define SP_TOP "payments failed"
#define SP_TOP_NOTE "batch 7"
#define SP_RETRIES "retries"
#define SP_TIMEOUT "server did not answer"
#define SP_DECLINED_1 "card 4000-0001 declined: insufficient funds"
#define SP_DECLINED_2 "card 4000-0002 declined: insufficient funds"
#define SP_CORRUPT_3 "checksum mismatch in ledger-3"
#define SP_CORRUPT_5 "checksum mismatch in ledger-5"
#define SP_BUG "bug in charge_card (injected)"
#define SP_CANCEL "the batch was cancelled"

#endif /* SETTLE_PAYMENTS_SCENARIO_H */
