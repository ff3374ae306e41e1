/*
 * split_retryable.scenario.h -- the error trees split_retryable's
 * scenarios pass in, shared by its probe (which builds them) and its
 * checks.  Only inputs live here.
 *
 * nested:
 *   ExceptionGroup: batch failed                 (note: newsletter, 4 sends)
 *   +-- BounceError: no such mailbox: a@example.com
 *   +-- ExceptionGroup: retry round              (note: round 2 of 3)
 *   |   +-- ConnectionError: connection reset    (note: sending to b@...)
 *   |   +-- BounceError: no such mailbox: c@example.com
 *   +-- TimeoutError: server did not answer      (note: sending to d@...)
 *
 * all_retryable:  batch failed [ConnectionError b, retry round [Timeout d]]
 * none_retryable: batch failed [Bounce a, retry round [Bounce c]]
 */
#ifndef SPLIT_RETRYABLE_SCENARIO_H
#define SPLIT_RETRYABLE_SCENARIO_H

#define SR_TOP "batch failed"
#define SR_TOP_NOTE "newsletter, 4 sends"
#define SR_INNER "retry round"
#define SR_INNER_NOTE "round 2 of 3"
#define SR_BOUNCE_A "no such mailbox: a@example.com"
#define SR_BOUNCE_C "no such mailbox: c@example.com"
#define SR_RESET "connection reset"
#define SR_RESET_NOTE "sending to b@example.com"
#define SR_TIMEOUT "server did not answer"
#define SR_TIMEOUT_NOTE "sending to d@example.com"

#endif /* SPLIT_RETRYABLE_SCENARIO_H */
